"""Indications: what the policy lists as covered or investigational, each with the status that governs it.

Two sources: (1) bulleted lists led in by a status statement ending in ':' ("... is considered
investigational for all applications, including but not limited to:"); the lead-in, or the nearest
statement a few lines above it in the same section ("... refer to the InterQual® criteria:"), gives
the status; (2) conditions named in a statement itself:
treatment clauses ("for the treatment of musculoskeletal pain and/or instability") and a "for ..." in the
statement's subject ("Prolotherapy/Sclerotherapy for ANY indication"). Numbered lists are criteria,
not indications.
"""

from __future__ import annotations

import re

from extractors.document import PolicyDoc
from extractors.models import Indication, Status
from extractors.statuses import StatusIndex
from extractors.structure import NOT_STATEMENTS, Statement, bullet_lists, statement_status, statements

# e.g. "for the treatment of X", "as a treatment of X", "in the management of X", "for treating X", "to treat X"
TREATMENT = re.compile(
    r"(?i)\b(?:(?:for|in|as)\s+(?:the\s+|a\s+)?(?:treatment|management)\s+(?:of|for)|for\s+treating|to\s+treat)\s+(?P<x>[^.;:]+)"
)
# where a condition phrase ends, e.g. " (e.g., laxity)", " is considered", ", including", " due to"
CONDITION_END = re.compile(
    r"\s*\(|\s+(?:is|are|was|were|has|have)\b|,\s*(?:including|such\s+as|which|and\s+is)\b|\s+(?:due\s+to|because|when|unless|except|if)\b"
)
SPLIT = re.compile(r"\s+and/or\s+|\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")  # e.g. "pain and/or instability"
COPULA = re.compile(r"\s(?:is|are)\s")
LEAD_BACK = 400  # chars: how far above a lead-in a governing statement may stand
NOT_A_CONDITION = re.compile(r"(?i)^(?:any|all|each|the)\s+of\s+the\s+following|^individuals\b|^patients\b|^members\b")


def extract(doc: PolicyDoc) -> list[Indication]:
    index = StatusIndex(doc)
    found: dict[str, Indication] = {}

    def add(start: int, end: int, status: Status | None, kind: str, statement: tuple[int, int] | None) -> None:
        evidence = doc.evidence(start, end)
        text = " ".join(evidence.text.split()).strip(" ;,")
        key = text.casefold()
        if len(text) < 2 or key in found:
            return
        found[key] = Indication(
            text=text, status=status, kind=kind, evidence=evidence,
            statement_evidence=doc.evidence(*statement) if statement else None,
        )

    for block in bullet_lists(doc):
        if block.lead_start < 0 or doc.section_label_at(block.lead_start) in NOT_STATEMENTS:
            continue
        governing = _governing(doc, index, block.lead_start, block.lead_end)
        if governing is None:
            continue
        status, span = governing
        for start, end in block.items:
            add(start, end, status, "list_item", span)

    for statement in statements(doc):
        if statement.text.rstrip().endswith(":"):
            continue  # it leads into a list: the list items are the indications
        for start, end in _conditions(doc, statement):
            add(start, end, statement.status, "condition", (statement.start, statement.end))
    return list(found.values())


def _governing(doc: PolicyDoc, index: StatusIndex, lead_start: int, lead_end: int):
    """Status of a list: its lead-in's, or the nearest statement before it in the same paragraph."""
    status = statement_status(doc, index, lead_start, lead_end)
    if status is not None:
        return status, (lead_start, lead_end)
    section_start = max((s.header_start for s in doc.sections if s.header_start <= lead_start), default=0)
    for statement in reversed(statements(doc)):
        if statement.end <= lead_start and statement.start >= max(section_start, lead_start - LEAD_BACK):
            return statement.status, (statement.start, statement.end)
        if statement.end < lead_start - LEAD_BACK:
            break
    return None


def _conditions(doc: PolicyDoc, statement: Statement) -> list[tuple[int, int]]:
    text = doc.text
    out: list[tuple[int, int]] = []
    for match in TREATMENT.finditer(text, statement.start, statement.end):
        out += _split(text, match.start("x"), _phrase_end(text, match.start("x"), match.end("x")))
    if not out:
        subject_end = _subject_end(text, statement)
        cue = re.compile(r"\bfor\s+(?!the\s+treatment|treating)").search(text, statement.start, subject_end)
        if cue:
            out += _split(text, cue.end(), _phrase_end(text, cue.end(), subject_end))
    return [(a, b) for a, b in out if not NOT_A_CONDITION.match(text[a:b])]


def _subject_end(text: str, statement: Statement) -> int:
    """End of the statement's subject: its first table cell, or the text before 'is'/'are'."""
    line_end = text.find("\n", statement.start)
    first_line = text[statement.start : line_end if 0 <= line_end < statement.end else statement.end]
    if "\t" in first_line:
        return statement.start + first_line.index("\t")
    copula = COPULA.search(text, statement.start, statement.end)
    return copula.start() if copula else statement.start


def _phrase_end(text: str, start: int, limit: int) -> int:
    stop = CONDITION_END.search(text, start, limit)
    end = stop.start() if stop else limit
    return end if end > start else limit


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'musculoskeletal pain and/or instability' -> two conditions, offsets kept."""
    out, cursor = [], start
    for sep in SPLIT.finditer(text, start, end):
        out.append((cursor, sep.start()))
        cursor = sep.end()
    out.append((cursor, end))
    return [(a, b) for a, b in out if text[a:b].strip(" .,;")]
