"""Indication tables: the first column of a table that pairs each covered indication with its criteria
("Indication<TAB>Criteria" over "Ampullary Cancer<TAB>BOTH of the following:" and the numbered criteria).

Drug policies print their covered uses this way. In the text layer a row's first cell often wraps over
the next lines, each with its own piece of the criteria cell ("Hereditary hemorrhagic<TAB>When the
member has ONE of the following:" then "telangiectasia<TAB>1. Received ..."); a line whose second cell
goes on with a list item or a lower-case word continues the row above. Two cells the text layer joined
with a space ("Hepatocellular carcinoma When ALL of the following are met:") and a first cell printed
alone over several lines ("Ovarian Cancer [includes" ... "tumors)]") start rows too.
A name read in pieces keeps its pieces' text; its evidence runs from the first piece to the last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Line, PolicyDoc

# e.g. "Indication<TAB>Criteria", "Diagnosis<TAB>Coverage Criteria", "Indications<TAB>Indication-Specific Requirements"
HEADER = re.compile(
    r"(?i)^[ \t]*(?:covered\s+|fda[- ]approved\s+)?(?:indications?|diagnos[ie]s|conditions?|diseases?)(?:\s*\(s\))?[ \t]*\t"
    r"[ \t]*(?:[\w-]+\s+){0,2}(?:criteria|requirements)\b"
)
# a cell that opens a list item, e.g. "1. Member has", "a. FOLFOX", "1.", "• Testing", "ii. carboplatin"
ITEM_CELL = re.compile(r"^\s*(?:\(?(?:\d{1,3}|[A-Za-z]|[ivxlIVXL]{2,5})[.)](?:\s|$)|[•●▪■◦‣∙·○□➢►✓✔\-–*](?:\s|$)|o\s+[A-Z])")
# two cells joined by a space, e.g. "Hepatocellular carcinoma When ALL of the following are met:"
JOINED = re.compile(r"^(?P<name>[A-Z][^\t:;.]{2,60}?)\s+(?:When\b[^\t]*|(?:ALL|ONE|BOTH|ANY|EITHER)\s+of\s+the\s+following\b[^\t]*):\s*$")
DANGLING = re.compile(r"(?i)\b(?:of|the|and|or|with|for|in|to|a|an|by)\s*$")  # e.g. "Radiation necrosis of the" goes on
NAME_WORDS = 4  # a line that finishes a dangling name ("brain") is this short
ROW_LIMIT = 400  # lines: how far a table is read


@dataclass
class Row:
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each piece of the first cell

    def text(self, doc: PolicyDoc) -> str:
        return " ".join(" ".join(doc.text[a:b].split()) for a, b in self.pieces).strip()


def indication_rows(doc: PolicyDoc) -> list[tuple[Line, list[Row]]]:
    """(header line, rows) of every indication table."""
    lines = doc.lines
    out = []
    for i, line in enumerate(lines):
        if "\t" in line.text and HEADER.match(line.text):
            out.append((line, _rows(doc, lines[i + 1 : i + 1 + ROW_LIMIT])))
    return out


def _rows(doc: PolicyDoc, lines: list[Line]) -> list[Row]:
    rows: list[Row] = []
    blank, joined, wrapping = False, False, False  # a blank line above; the last line was a row's; inside a bracket
    for line in lines:
        text = line.text
        if not text.strip():
            blank, joined = True, False
            continue
        if line.start in doc.heading_starts or (blank and "\t" not in text and not ITEM_CELL.match(text) and not text.rstrip().endswith(":") and not wrapping):
            break  # a heading, or a paragraph after the table ("Approval Duration: 180 days")
        blank = False
        if wrapping:  # the rest of a first cell printed alone: "epithelial, fallopian tube," ... "tumors)]"
            rows[-1].pieces.append(_span(line, 0, len(text)))
            wrapping = _open_bracket(rows[-1].text(doc))
            continue
        cells = text.split("\t")
        first = cells[0]
        if len(cells) > 1 and first.strip() and not ITEM_CELL.match(first):
            second = next((c.strip() for c in cells[1:] if c.strip()), "")
            goes_on = rows and joined and (ITEM_CELL.match(second) or second[:1].islower() or DANGLING.search(rows[-1].text(doc)))
            piece = _span(line, 0, len(first))
            if goes_on:
                rows[-1].pieces.append(piece)
            else:
                rows.append(Row([piece]))
            joined = True
            continue
        if "\t" in text or ITEM_CELL.match(text):
            joined = False
            continue
        merged = JOINED.match(text)
        if merged:
            rows.append(Row([_span(line, 0, merged.end("name"))]))
            joined = True
        elif rows and joined and DANGLING.search(rows[-1].text(doc)) and len(text.split()) <= NAME_WORDS:
            rows[-1].pieces.append(_span(line, 0, len(text)))  # "Radiation necrosis of the" ... "brain"
        elif text[:1].isupper() and _open_bracket(text):
            rows.append(Row([_span(line, 0, len(text))]))  # "Ovarian Cancer [includes" printed alone
            wrapping, joined = True, False
        else:
            joined = False
    return [row for row in rows if row.text(doc)]


def _span(line: Line, start: int, end: int) -> tuple[int, int]:
    """The stripped span of line.text[start:end] as document offsets."""
    piece = line.text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return line.start + start + lead, line.start + start + len(piece.rstrip())


def _open_bracket(text: str) -> bool:
    return text.count("[") + text.count("(") > text.count("]") + text.count(")")
