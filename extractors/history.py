"""Policy history: one entry per row of the policy's history / revision table, and per date of a
review-date table ("Date Created | Date Reviewed | Date Last Revised").

Rows are read by the table's shape, found once per history section:
- `cells`: rows printed as cells (tab-separated) with a date in one cell ("12/11/2024<TAB>Added ...",
  "Reviewed<TAB>05/26/2022<TAB>Reviewed without changes", "Selected Revision<TAB>...<TAB>2/15/2025").
  Lines without cells continue the row above, even when they open with a date ("02/27/2020: Pursuant
  to ..." inside a row's explanation). A row whose category cell repeats the first cell of dated rows
  ("Selected Revision") is a row too; its date may sit alone on a later line.
- `lead`: lines that open with a date, after a bullet, a status word or a version ("• October 2020 -
  Annual Review", "January 2026: Coding change: ...", "V1 Jan. 1, 2022 New policy").
- `end`: lines whose last word is a date ("Policy developed. 02/22 02/22", "Annual review No
  changes.<TAB>4/15/2025").
The lines after a row's first line continue it, up to the next row; boilerplate after the table does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.dates import DATE, TABLE_LABELS, ParsedDate, find_dates, parse_match, short_month
from extractors.document import Line, PolicyDoc
from extractors.models import HistoryEntry

# e.g. "Reviewed ", "New ", "Annual Review ", "V1 ", "R27 " before a row's date
STATUS_WORD = re.compile(
    r"[ \t]*(?:(?:Reviewed|Revised|New|Updated?|Archived|Retired|Created|Replaced|Annual\s+Review|Effective|Published|Deleted|"
    r"Approved|Version\s+\d+(?:\.\d+)*|[VR]\d{1,3}(?:\.\d+)?)[ \t]+)?"
)
RANGE_TAIL = re.compile(r"[ \t]*[-–—][ \t]*")  # e.g. "11/2011-4/2012": a row dated by a range
SEPARATOR = re.compile(r"[ \t]*(?:[-–—|:][ \t]*)?")  # between a row's date and its text, e.g. " - "
HEADER_ROW = re.compile(r"(?i)^[ \t]*(?:status[ \t]+)?(?:date|effective date)[ \t]+(?:action|summary of changes|description|comments?|changes?|revision)\b")
BOILERPLATE = re.compile(
    r"(?i)^(?:federal\s+and\s+state\s+law|no\s+part\s+of\s+this|the\s+use\s+of\s+specific|\S+\s+medical\s+polic(?:y|ies)\s+(?:address|are)|"
    r"this\s+medical\s+policy\s+(?:provides|may)|information\s+pertaining|click\s+on|medical\s+policy\s+terms|©|copyright|cpt\s+codes,|"
    r"blue\s+cross®|the\s+articles\s+reviewed)"
)
CITED = re.compile(r"(?i)\b(?:accessed|updated|published|retrieved|cited|revised|reviewed|on|as\s+of|in|since|from|until|by)[\s:,]*$")  # e.g. "Accessed "
SHORT_TOKEN = re.compile(r"(?<![\w/.])\d{2}/\d{2}(?![\w/])")  # e.g. "02/22" (month/year in a table cell)
MAX_CONTINUATION = 12  # lines: a row's text does not run on forever (cell rows: twice that)
LONG_PROSE = 200  # chars: a long line after a blank line is prose after the table, not a row's text


@dataclass
class _Row:
    line: Line
    date: ParsedDate | None
    text_spans: list[tuple[int, int]] = field(default_factory=list)  # the row's text, without its date
    end: int = 0
    continued: int = 0


def extract(doc: PolicyDoc) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for section in doc.sections_labeled("history"):
        entries += _section_rows(doc, section.start, section.end)
    entries += _review_table(doc)
    return entries


# --- row starts, by shape --------------------------------------------------------------------------


def _cells(line: Line) -> list[tuple[int, int]]:
    out, start = [], line.start
    for cell in line.text.split("\t"):
        out.append((start, start + len(cell)))
        start += len(cell) + 1
    return out


def _cell_date(doc: PolicyDoc, line: Line) -> tuple[ParsedDate, int] | None:
    """The first date that opens a cell of a tab-separated line, and the cell's index."""
    if "\t" not in line.text:
        return None
    for index, (start, end) in enumerate(_cells(line)):
        cell = doc.text[start:end]
        at = start + len(cell) - len(cell.lstrip())
        found = _date_at(doc.text, STATUS_WORD.match(doc.text, at).end(), end)
        if found is not None:
            return found, index
    return None


def _date_at(text: str, pos: int, end: int | None = None) -> ParsedDate | None:
    """A date (or a range, dated by its start) printed at `pos`; "02/22" counts here (a table's date)."""
    match = DATE.match(text, pos, len(text) if end is None else end)
    parsed = parse_match(match) if match else None
    if parsed is None:
        return short_month(text, pos, end)
    tail = RANGE_TAIL.match(text, parsed.end)
    if tail:
        second = DATE.match(text, tail.end())
        if second and parse_match(second):
            return ParsedDate(parsed.value, parsed.precision, parsed.start, second.end())
    return parsed


def _lead_date(doc: PolicyDoc, line: Line) -> ParsedDate | None:
    return _date_at(doc.text, STATUS_WORD.match(doc.text, line.content_start).end(), line.end)


def _end_date(doc: PolicyDoc, line: Line) -> ParsedDate | None:
    """The date a line ends with, after some text: the first of the run of dates that ends it
    ("Policy developed. 02/22 02/22" -> the first "02/22")."""
    text = doc.text
    dates = find_dates(text, line.start, line.end)
    taken = [(d.start, d.end) for d in dates]
    for match in SHORT_TOKEN.finditer(text, line.start, line.end):
        if not any(a < match.end() and match.start() < b for a, b in taken):
            dates.append(short_month(text, match.start(), match.end()))
    dates = sorted((d for d in dates if d is not None), key=lambda d: d.start)
    if not dates or text[dates[-1].end : line.end].strip(" \t."):
        return None
    first = len(dates) - 1
    while first > 0 and not text[dates[first - 1].end : dates[first].start].strip():
        first -= 1
    before = text[line.content_start : dates[first].start]
    if not before.strip(" \t|-") or CITED.search(before):
        return None  # a date alone on its line is no row; "... Accessed December 27, 2022." is a reference
    return dates[first]


def _shape(doc: PolicyDoc, lines: list[Line]) -> str:
    cells = sum(1 for line in lines if _cell_date(doc, line))
    lead = sum(1 for line in lines if "\t" not in line.text and _lead_date(doc, line))
    if cells and cells >= lead:
        return "cells"
    if lead:
        return "lead"
    return "end"


def _row_start(doc: PolicyDoc, line: Line, shape: str, categories: set[str]) -> tuple[ParsedDate | None, list[tuple[int, int]]] | None:
    """(date, text spans) when `line` opens a row of a table of this shape, else None."""
    if shape == "cells":
        found = _cell_date(doc, line)
        cells = _cells(line)
        if found is None:
            if "\t" in line.text and doc.text[slice(*cells[0])].strip() in categories:
                return None, cells  # e.g. "Selected Revision<TAB>Plaque Psoriasis: ..." (its date comes later)
            return None
        parsed, index = found
        spans = [c for i, c in enumerate(cells) if i != index]
        date_cell = cells[index]
        spans.insert(index, (parsed.end, date_cell[1]))
        return parsed, spans
    if shape == "lead":
        parsed = _lead_date(doc, line)
        if parsed is None:
            return None
        return parsed, [(SEPARATOR.match(doc.text, parsed.end).end(), line.end)]
    parsed = _end_date(doc, line)
    if parsed is None or HEADER_ROW.match(line.text):
        return None
    return parsed, [(line.content_start, parsed.start)]


def _categories(doc: PolicyDoc, lines: list[Line]) -> set[str]:
    """First cells of dated cell rows whose date is not in the first cell: a row-type column ("Selected Revision")."""
    out: set[str] = set()
    for line in lines:
        found = _cell_date(doc, line)
        if found and found[1] > 0:
            first = doc.text[slice(*_cells(line)[0])].strip()
            if first and len(first) <= 40:
                out.add(first)
    return out


# --- rows ------------------------------------------------------------------------------------------


def _section_rows(doc: PolicyDoc, start: int, end: int) -> list[HistoryEntry]:
    lines = [line for line in doc.lines_between(start, end) if line.end > start]
    shape = _shape(doc, lines)
    categories = _categories(doc, lines) if shape == "cells" else set()
    limit = MAX_CONTINUATION * (2 if shape == "cells" else 1)
    rows: list[_Row] = []
    current: _Row | None = None
    blank_run = 0
    header: str | None = None  # the table's header row ("Status<TAB>Date<TAB>Action")
    for line in lines:
        content = line.text.strip()
        if not content:
            blank_run += 1
            continue
        if shape == "cells" and _header_like(doc, line):
            if not rows:
                header = header or content
            elif content != header:
                break  # another table begins ("Pre-Merger Organizations<TAB>Last Review Date ...")
        started = None if HEADER_ROW.match(content) else _row_start(doc, line, shape, categories)
        if started is not None:
            current = _Row(line, started[0], [(max(a, start), b) for a, b in started[1]], line.end)
            rows.append(current)
        elif current is not None:
            if BOILERPLATE.match(content) or (blank_run and len(content) > LONG_PROSE) or current.continued >= limit:
                current = None
            else:
                if current.date is None:
                    alone = _date_at(doc.text, line.content_start, line.end)
                    if alone is not None and not doc.text[alone.end : line.end].strip():
                        current.date = alone  # the row's date, printed below its long text
                        current.end, current.continued = line.end, current.continued + 1
                        continue
                current.text_spans.append((line.start, line.end))
                current.end, current.continued = line.end, current.continued + 1
        blank_run = 0
    return [_entry(doc, row) for row in rows if row.date is not None]


def _header_like(doc: PolicyDoc, line: Line) -> bool:
    """A row of column names: cells of a few capitalized words, no date, no sentence."""
    if "\t" not in line.text or find_dates(doc.text, line.start, line.end):
        return False
    cells = [c.strip() for c in line.text.split("\t") if c.strip()]
    return len(cells) >= 2 and all(len(c.split()) <= 5 and c[:1].isupper() and not c.endswith((".", ",", ";")) for c in cells)


def _entry(doc: PolicyDoc, row: _Row) -> HistoryEntry:
    body = " ".join(" ".join(doc.text[a:b].replace("\t", " ").split()) for a, b in row.text_spans)
    body = " ".join(body.split()).strip(" |-–:")
    first = row.line.start + len(row.line.text) - len(row.line.text.lstrip())
    return HistoryEntry(
        date=row.date.value, precision=row.date.precision, printed_date=doc.text[row.date.start : row.date.end],
        text=body, evidence=doc.evidence(first, row.end),
    )


# --- review-date tables ----------------------------------------------------------------------------


def _review_table(doc: PolicyDoc) -> list[HistoryEntry]:
    """Each date under a date column ("Date Reviewed") of a review-date table is one history entry. The
    header row holds only date labels (a "Label:<TAB>date" line is a pair, not a header)."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text:
            continue
        headers = line.text.split("\t")
        fields = [next((f for f, p in TABLE_LABELS if p.match(h)), None) for h in headers if h.strip()]
        if len(fields) < 2 or not all(fields):
            continue
        row = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
        if row is None:
            continue
        cursor = row.start
        for header, cell in zip(headers, row.text.split("\t")):
            cell_start, cell_end = cursor, cursor + len(cell)
            cursor = cell_end + 1
            if not next((f for f, p in TABLE_LABELS if p.match(header)), None):
                continue
            for found in find_dates(doc.text, cell_start, cell_end):
                out.append(
                    HistoryEntry(
                        date=found.value, precision=found.precision, printed_date=doc.text[found.start : found.end],
                        text=" ".join(header.split()), evidence=doc.evidence(found.start, found.end),
                    )
                )
    return out
