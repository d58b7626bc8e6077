"""`PolicyDoc`: the one shared document object every extractor reads.

It holds the normalized text and page map (from a loader), the spaCy `Doc` (tokens, sentences,
section spans, payer / status / scope spans), the line table and the section table, all computed once.
Extractors are pure functions of a `PolicyDoc`; they build evidence with `doc.evidence(start, end)`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc

from extractors.loading.document import PolicyText
from extractors.models import Evidence
from extractors.nlp import BULLET_LINE, run

NUMBERED = re.compile(r"^[ \t]*(?:\(?\d{1,3}[.)]|\[\d{1,3}\])[ \t]+")  # e.g. "1. Alderman", "(2) ", "[3] "
RUN_IN_TEXT = re.compile(r"[ \t]*:[ \t]*(?=\S)")  # e.g. ": Criteria are reviewed annually" after a heading
# Sections whose prose is never a coverage statement, a policy date, or a code of the policy.
NARRATIVE = frozenset({"description", "definitions", "rationale", "references", "websites", "history", "index", "instructions", "metadata"})


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def bullet(self) -> str | None:
        match = BULLET_LINE.match(self.text)
        return match.group(0).strip() if match else None

    @property
    def content_start(self) -> int:
        """Offset of the line's content after indentation, bullet or number."""
        match = BULLET_LINE.match(self.text) or NUMBERED.match(self.text)
        if match:
            return self.start + match.end()
        return self.start + len(self.text) - len(self.text.lstrip())

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Section:
    label: str
    header_start: int
    header_end: int
    start: int  # body start (after the header line)
    end: int


class PolicyDoc:
    """Text + page map + spaCy Doc with sections; built once per document by `parse()`."""

    def __init__(self, policy_text: PolicyText, spacy_doc: Doc) -> None:
        self.source = policy_text
        self.text = policy_text.text
        self.spacy = spacy_doc
        self.cache: dict[str, object] = {}  # shared structure computed once (see structure.py)

    # --- evidence -----------------------------------------------------------------------------
    def page_of(self, offset: int) -> int:
        return self.source.page_of(offset)

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for text[start:end], trimmed of surrounding whitespace."""
        start, end = max(0, start), min(len(self.text), end)
        chunk = self.text[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        end = max(start, end)
        return Evidence(start=start, end=end, page=self.page_of(start), text=self.text[start:end])

    @cached_property
    def lower(self) -> str:
        """The text lower-cased, offset for offset (a character whose lower case is longer, as "İ", is
        kept): a case-sensitive regex of lower-case literals over it is several times faster than (?i)."""
        lowered = self.text.lower()
        if len(lowered) != len(self.text):
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.text)
        return lowered

    # --- lines --------------------------------------------------------------------------------
    @cached_property
    def lines(self) -> list[Line]:
        out, start = [], 0
        for raw in self.text.split("\n"):
            out.append(Line(start, start + len(raw), raw))
            start += len(raw) + 1
        return out

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_index(self, offset: int) -> int:
        return max(0, bisect_right(self._line_starts, offset) - 1)

    def line_at(self, offset: int) -> Line:
        return self.lines[self.line_index(offset)]

    def lines_between(self, start: int, end: int) -> list[Line]:
        if start >= end:
            return []
        return self.lines[self.line_index(start) : self.line_index(max(start, end - 1)) + 1]

    # --- sections -----------------------------------------------------------------------------
    @cached_property
    def sections(self) -> list[Section]:
        out = []
        pairs = list(zip(self.spacy.spans["section_headers"], self.spacy.spans["sections"]))
        for i, (header, span) in enumerate(pairs):
            line = self.line_at(span.start_char)
            header_start = line.start
            # a section ends where the next heading's line starts, its numbering included ("IX. " of "IX. Policy History")
            end = min(span.end_char, self.line_at(pairs[i + 1][1].start_char).start) if i + 1 < len(pairs) else span.end_char
            run_in = RUN_IN_TEXT.match(self.text, header.end_char, line.end)
            if run_in:  # "Update Information: Criteria are ...": the body starts on the heading's line
                out.append(Section(span.label_, header_start, header.end_char, run_in.end(), end))
            else:
                out.append(Section(span.label_, header_start, line.end, min(line.end + 1, end), end))
        return out

    def sections_labeled(self, *labels: str) -> list[Section]:
        return [s for s in self.sections if s.label in labels]

    @cached_property
    def _section_starts(self) -> list[int]:
        return [section.header_start for section in self.sections]

    @cached_property
    def heading_starts(self) -> frozenset[int]:
        """Where each section's heading line starts: "is this line a heading" in one look-up."""
        return frozenset(self._section_starts)

    def section_label_at(self, offset: int) -> str | None:
        """Label of the section holding `offset` (None before the first header)."""
        index = bisect_right(self._section_starts, offset) - 1
        return self.sections[index].label if index >= 0 else None

    @cached_property
    def furniture_lines(self) -> frozenset[int]:
        """Start offsets of lines that are running headers/footers (see PolicyText.furniture)."""
        return frozenset(self.line_at(start).start for start, _ in self.source.furniture)

    def in_furniture(self, offset: int) -> bool:
        return self.line_at(offset).start in self.furniture_lines

    def in_narrative(self, offset: int) -> bool:
        return self.section_label_at(offset) in NARRATIVE

    @cached_property
    def first_section_start(self) -> int:
        return self.sections[0].header_start if self.sections else len(self.text)


def parse(policy_text: PolicyText) -> PolicyDoc:
    """Run the pipeline once over the normalized text."""
    return PolicyDoc(policy_text, run(policy_text.text))
