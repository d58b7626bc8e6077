"""Shared structure on a PolicyDoc, computed once: coverage-statement sentences and bulleted lists.

Coverage, indications and the title fallback all read these, so no extractor calls another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span

from extractors.document import NARRATIVE, Line, PolicyDoc
from extractors.models import Status
from extractors.statuses import DISCLAIMER, StatusIndex, heading_status

# Sections that state coverage: when they hold statements, statements elsewhere (a letterhead's legal
# notice, an unlabeled preamble) are not the policy's.
COVERAGE_SECTIONS = frozenset({"policy", "prior_auth"})
# Sections whose sentences are never coverage statements.
NOT_STATEMENTS = NARRATIVE | {"codes"}
# e.g. "is considered", "are not covered", "This is not a covered service", "Aetna considers", "Cigna covers",
# "X MEETS COVERAGE CRITERIA", "X DOES NOT MEET COVERAGE CRITERIA"
VERB_FRAME = re.compile(r"(?i)\b(?:is|are|be|been|remains?|considers?|considered|deemed|covers?|covered|eligible|supports?|meets?|there\s+is)\b")
# A definition of a status term is no coverage position, e.g. "Experimental/Investigational services are
# defined as ...", "The term 'medically necessary' means ...", "... is defined by the plan as ..."
DEFINITION = re.compile(r"(?i)\b(?:is|are)\s+defined\s+(?:\w+\s+){0,4}?as\b|^\W*(?:the\s+)?term\s+\S.{0,60}?\bmeans\b")
# A status stated of the subject, e.g. "is considered to be medically necessary", "may be considered investigational",
# "is not covered" (not "... designed to provide prior authorization for medically necessary services")
POSITION = re.compile(
    r"(?i)\b(?:is|are|be|been|considered|deemed)\s+(?:(?:only|not|also|generally|to|be|considered|deemed)\s+){0,3}"
    r"(?:medically\s+necessary|not\s+medically|investigational|experimental|unproven|not\s+covered|non-?covered|covered|eligible)"
)
# A medically necessary statement that sets conditions, e.g. "... is medically necessary when:"
CRITERIA_CUE = re.compile(
    r"(?i)\b(?:when|if|only\s+if|provided\s+that|unless|criteria|in\s+certain\s+circumstances|the\s+following|"
    r"for\s+(?:individuals|patients|members|adults|children)\s+(?:who|with))\b|:\s*$"
)


@dataclass(frozen=True)
class Statement:
    start: int
    end: int
    status: Status
    text: str
    basis: str = "prose"  # "structure": a status heading over a list


@dataclass
class BulletList:
    lead_start: int  # the sentence that introduces the list ("... including but not limited to:")
    lead_end: int
    items: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each item's text


def statement_status(doc: PolicyDoc, statuses: StatusIndex, start: int, end: int) -> Status | None:
    status = statuses.status_of(start, end)
    if status is Status.medically_necessary and CRITERIA_CUE.search(doc.text[start:end]):
        return Status.medically_necessary_with_criteria
    return status


def statements(doc: PolicyDoc) -> list[Statement]:
    """Sentences in coverage-bearing sections that state a status in a verb frame, disclaimers excluded."""
    if "statements" in doc.cache:
        return doc.cache["statements"]
    index = StatusIndex(doc)
    out = _statements(doc, index, NOT_STATEMENTS)
    in_coverage = [s for s in out if doc.section_label_at(s.start) in COVERAGE_SECTIONS]
    # a policy that states its position only under its description heading ("Description:" / "General
    # Indications: ... is considered to be medically necessary when:") states it there
    out = in_coverage or out or [s for s in _statements(doc, index, NOT_STATEMENTS - {"description"}) if POSITION.search(s.text)]
    doc.cache["statements"] = out
    return out


def _statements(doc: PolicyDoc, index: StatusIndex, skip: frozenset[str]) -> list[Statement]:
    seen: set[int] = set()
    out: list[Statement] = []
    for span in index.spans:
        sentence: Span = span.sent
        if sentence.start_char in seen:
            continue
        seen.add(sentence.start_char)
        if doc.section_label_at(span.start_char) in skip:
            continue
        # a status phrase wrapped across a line the sentence splitter took for a break ("X DOES NOT MEET" /
        # "COVERAGE CRITERIA.") belongs to the sentence it runs into as well
        start, end = _trim(doc.text, _opening(doc, sentence), max(sentence.end_char, span[-1].sent.end_char))
        text = doc.text[start:end]
        if len(text) > 1500 or DISCLAIMER.search(text) or DEFINITION.search(text) or not VERB_FRAME.search(text) or text.rstrip().endswith("?"):
            continue
        if len(text.split()) <= 3 and heading_status(text):
            continue  # a status heading ("Non-Covered"), read with the list under it (coverage._status_headings)
        status = statement_status(doc, index, start, end)
        if status is not None:
            out.append(Statement(start, end, status, text))
    return out


def _opening(doc: PolicyDoc, sentence: Span) -> int:
    """Where a sentence opens: a sentence that starts in lower case after a text that ended with no
    punctuation was split by a print or page break ("... that the Company considers" / blank line /
    "experimental/investigational."), and opens where the sentence before it opened."""
    start = sentence.start_char
    while start < sentence.end_char and doc.text[start].isspace():
        start += 1
    if sentence.start == 0 or not doc.text[start : start + 1].islower():
        return sentence.start_char
    before = doc.text[max(0, sentence.start_char - 200) : sentence.start_char].rstrip()
    if not before or before[-1] in ".:;?!)" or not before[-1].isalpha():
        return sentence.start_char
    opening = doc.spacy[sentence.start - 1].sent.start_char
    if any(opening <= section.header_start < start for section in doc.sections):
        return sentence.start_char  # a heading above ("Coverage Criteria" / "genetic testing is covered when:")
    return opening


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def bullet_lists(doc: PolicyDoc) -> list[BulletList]:
    """Runs of bulleted lines (with wrapped continuation lines), each with the sentence that leads into it."""
    if "bullet_lists" in doc.cache:
        return doc.cache["bullet_lists"]
    out: list[BulletList] = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        if lines[i].bullet is None:
            i += 1
            continue
        lead = _lead_in(doc, i)
        current = BulletList(*lead) if lead else BulletList(-1, -1)
        while i < len(lines):
            line = lines[i]
            if line.bullet is not None:
                current.items.append((line.content_start, line.end))
            elif line.is_blank:
                nxt = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
                if nxt is None or nxt.bullet is None:
                    break
            elif current.items and _continues(doc, lines[i - 1], line, doc.text[current.items[-1][0] : lines[i - 1].end]):
                current.items[-1] = (current.items[-1][0], line.end)
            else:
                break
            i += 1
        out.append(current)
    doc.cache["bullet_lists"] = out
    return out


def _continues(doc: PolicyDoc, previous: Line, line: Line, item: str) -> bool:
    """A wrapped line of the item above: no bullet, no header, and the item did not end a sentence
    (an item with a bracket still open goes on: "(examples include but are not limited to:")."""
    if previous.is_blank or doc.section_label_at(line.start) != doc.section_label_at(previous.start):
        return False
    if any(h.header_start == line.start for h in doc.sections):
        return False
    if item.count("(") + item.count("[") > item.count(")") + item.count("]"):
        return True
    ended = previous.text.rstrip().endswith((".", ":")) and line.text[:1].isupper()
    return not ended


def _lead_in(doc: PolicyDoc, first_item: int) -> tuple[int, int] | None:
    """The sentence just above a list when it ends with ':' (blank lines between are allowed)."""
    j = first_item - 1
    while j >= 0 and doc.lines[j].is_blank:
        j -= 1
    if j < 0 or first_item - j > 3:
        return None
    line = doc.lines[j]
    if not line.text.rstrip().endswith(":"):
        return None
    end = line.start + len(line.text.rstrip())
    span = doc.spacy.char_span(end - 1, end, alignment_mode="expand")
    if span is None:
        return line.start, end
    sentence = span.sent
    return _trim(doc.text, sentence.start_char, end)
