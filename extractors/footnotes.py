"""Footnote references: citations printed as numbered footnotes at the foot of a PDF's pages.

Some policies cite in footnotes instead of a references section: "... a 20% pregnancy rate4." in the
text and, at the bottom of the page, "4 A Bayesian Joint Model of ... 2016 Mar;72(1):193-203.". They
are read only when the document has no reference list, and only as a whole chain of footnotes:

- each opens a line with a bare number and a capital ("1 Practice Committee of ..."; no period after
  the number, as a numbered list has), printed in small type (its line is smaller than the body's
  usual size: the superscript number), so the typography must be known (PDF);
- the numbers count 1, 2, 3 ... through the document, at least MIN_CHAIN of them;
- a footnote runs to the next one or to the end of its page, never across a page break;
- most of them cite a year or a web address, as literature does.

A numbered list in the body (steps, criteria, table rows) fails these tests and gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from extractors.citation_parse import YEAR
from extractors.document import PolicyDoc

FOOTNOTE = re.compile(r"^(\d{1,3})[ \t]+(?=[A-Z\"“(])")  # e.g. "1 Practice Committee of ...", "28 ASRM/ESHRE Consensus"
URL = re.compile(r"(?i)https?://|www\.")
MIN_CHAIN = 3
SMALL_TYPE = 0.85  # a footnote's first line is printed smaller than this share of the body's usual size
LITERATURE_SHARE = 0.6


@dataclass(frozen=True)
class Footnote:
    start: int  # the footnote's text, after its number
    end: int
    lines: tuple[str, ...]  # its printed lines, number and blank lines left out

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def footnote_references(doc: PolicyDoc) -> list[Footnote]:
    """The document's footnotes, in order, when they pass every test above; else []."""
    sizes = {start: size for start, _, size in doc.source.line_sizes}
    if not sizes or doc.source.pages < 2:
        return []
    small = SMALL_TYPE * median(sizes.values())
    starts: list[tuple[int, re.Match]] = []  # (line index, number match) of each footnote in the chain
    for i, line in enumerate(doc.lines):
        match = FOOTNOTE.match(line.text)
        if match and int(match.group(1)) == len(starts) + 1 and sizes.get(line.start, small) < small:
            starts.append((i, match))
    if len(starts) < MIN_CHAIN:
        return []
    notes = [_footnote(doc, i, match, starts[n + 1][0] if n + 1 < len(starts) else len(doc.lines)) for n, (i, match) in enumerate(starts)]
    cited = sum(bool(YEAR.search(note.text) or URL.search(note.text)) for note in notes)
    return notes if cited >= LITERATURE_SHARE * len(notes) else []


def _footnote(doc: PolicyDoc, first: int, number: re.Match, stop: int) -> Footnote:
    """The footnote opening at line `first`: its lines up to line `stop` or to the end of its page."""
    page = doc.page_of(doc.lines[first].start)
    start = doc.lines[first].start + number.end()
    end, parts = start, []
    for line in doc.lines[first:stop]:
        if doc.page_of(line.start) != page:
            break
        if line.is_blank or line.start in doc.furniture_lines:
            continue
        a = max(line.start, start)
        parts.append(doc.text[a : line.end].strip())
        end = line.end
    return Footnote(start, end, tuple(p for p in parts if p))
