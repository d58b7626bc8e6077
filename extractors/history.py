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
The lines after a row's first line continue it, up to the next row; boilerplate after the table does not,
nor does a line of the policy's own dates ("Effective Date: July 2023"). A header row repeated on each page
is skipped. Row dates may be "03-10-2011", "2023: September" (year first) or run into the row's text
("September 2016New policy"); a date alone on its line is a row of its own in any shape (a date column
printed apart from its action column), unless the line above asks for it ("... effective\n10/1/2022").
Rows under a group heading ("Revised Dates:", "Reviewed Dates:") with no text of their own take its name. A line
opening with a date that ends a sentence ("08/11/2024.<TAB>Uniform LCDs") under a cell asking for a date ("... to become
effective") continues the row above. The oldest row, when it opens with the new policy, may state the policy's original
effective date ("New medical policy ... Effective 4/1/2014.": `stated_original`).

Other layouts of a history section:
- a paragraph of dates ("Reviewed/Revised: 1/18/2018, 11/6/2018, ...", "Committee: 08/28/2013, 10/22/2014
  (updated references) 10/28/2015"): one row per date outside brackets, unless a table of dated rows stands
  beside it (then that list is an approval line, not rows);
- a block of the policy's dates (a web page's "Policy History" tab: "Last Review 10/29/2025", "Effective:
  ...", "Next Review: ..."): no rows; its review date is the policy's (`label_dates`).
- a grid of dated cells ("Revision Date:<TAB>09/22/98<TAB>12/15/98", "08/24/99<TAB>03/28/01 – MDC"): a row per cell;
- an approval grid (a committee's dates across the years in one cell) before the change log: the change log.
With no history section, a run of lines opening with "Month YYYY:" is read as a history table, then a table under a
"Date<TAB>Update" header, then a committee table headed "<names><TAB>Date(s)" whose dates print apart from the names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.dates import DATE, LABEL, LABELS, MONTHS, TABLE_LABELS, ParsedDate, dotted_day, find_dates, labeled_value, parse_match, short_month
from extractors.dates import SEPARATOR as DATE_SEPARATOR
from extractors.document import Line, PolicyDoc
from extractors.models import DateValue, HistoryEntry

# e.g. "Reviewed ", "New ", "Annual Review ", "V1 ", "R27 ", "Updated n/a " before a row's date
STATUS_WORD = re.compile(
    r"[ \t]*(?:(?:Reviewed|Revised|New|Updated?|Archived|Retired|Created|Replaced|Annual\s+Review|Effective|Published|Deleted|"
    r"Approved|Version\s+\d+(?:\.\d+)*|[VR]\d{1,3}(?:\.\d+)?)[ \t]+)?"
    r"(?:(?i:n/a)[ \t]+)?"  # e.g. "n/a " in "Updated n/a 01/01/2024 Annual CPT code update": an empty date column before the row's date
)
RANGE_TAIL = re.compile(r"[ \t]*[-–—][ \t]*")  # e.g. "11/2011-4/2012": a row dated by a range
SEPARATOR = re.compile(r"[ \t]*(?:[-–—|:][ \t]*)?")  # between a row's date and its text, e.g. " - "
HEADER_ROW = re.compile(r"(?i)^[ \t]*(?:status[ \t]+)?(?:date|effective date)[ \t]+(?:action|summary of changes|description|comments?|changes?|revision|updates?)\b")
BOILERPLATE = re.compile(
    r"(?i)^(?:federal\s+and\s+state\s+law|no\s+part\s+of\s+this|the\s+use\s+of\s+specific|\S+\s+medical\s+polic(?:y|ies)\s+(?:address|are)|"
    r"this\s+medical\s+policy\s+(?:provides|may)|information\s+pertaining|click\s+on|medical\s+policy\s+terms|©|copyright|cpt\s+codes,|"
    r"blue\s+cross®|the\s+articles\s+reviewed|important\s+reminder|this\s+clinical\s+policy\s+has\s+been\s+developed)"
)
CITED = re.compile(r"(?i)\b(?:accessed|updated|published|retrieved|cited|revised|reviewed|on|as\s+of|in|since|from|until|by)[\s:,]*$")  # e.g. "Accessed "
SHORT_TOKEN = re.compile(r"(?<![\w/.])\d{2}/\d{2}(?![\w/])")  # e.g. "02/22" (month/year in a table cell)
MAX_CONTINUATION = 12  # lines: a row's text does not run on forever (cell rows: twice that)
GLUED = re.compile(r"[^\n]{0,20}?\d{4}(?=[A-Z][a-z])")  # e.g. "September 2016" in "September 2016New policy" (a PDF's cells run together)
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
YEAR_MONTH = re.compile(rf"(?i)(?P<y>(?:19|20)\d{{2}})[ \t]*:[ \t]*(?P<mon>{_MONTH_NAME})\.?(?![\w/])")  # e.g. "2023: September"
# e.g. "Revised Dates:", "Reviewed Dates:", "Effective Date:": a line naming the kind of the dated rows under it
GROUP_HEADING = re.compile(r"(?i)^(?:[a-z]+[ \t]+){0,2}?[a-z/]*(?:review|revis|effective|approv|update)[a-z/]*(?:[ \t]+(?:[a-z]+|\(s\))){0,2}[ \t]*:$")
# between the dates of a list ("11/01/2006, 06/26/2009", "10/22/2014 (updated\nreferences) 10/28/2015"): commas,
# a semicolon or a note in brackets, maybe a line break and "and" (never a tab: cells are no list)
LIST_GAP = re.compile(r"[ ]*(?:\n[ ]*)?(?:\((?P<note>[^()]{0,400})\))?[ ]*(?P<sep>[,;]+)?[ ]*(?:\n[ ]*)?(?:and[ ]+)?")
LIST_LABEL = re.compile(r"([A-Za-z][^:\n\t()]{0,60}?)[ \t]*:")  # e.g. "Technology Assessment Committee:" inside a list of dates
LIST_TEXT = re.compile(r"[ ,;.]*(?:(?:\n[ ]*)?\((?P<note>[^()]{0,400})\)|(?P<free>(?!\d)[^\n,;()]+))?")  # a date's note or words after it
SENTENCE_END = re.compile(r"[.,;](?:[ \t]|$)", re.M)  # e.g. "." after "08/11/2024" in "08/11/2024.<TAB>Uniform LCDs"
# a line that ends on a word wanting a date after it ("... effective\n10/1/2022"): the date below continues the row
WANTS_DATE = re.compile(r"(?i)\b(?:effective|on|as\s+of|after|before|by|until|from|since|dated|through|of|and|or)[ \t]*[:,]?[ \t]*$")
META_FIELDS = frozenset({"effective", "next_review", "original_effective", "created"})  # a row has none of these as its label
ALL_FIELDS = frozenset(field for field, _, _ in LABELS)
BLOCK_FIELDS = frozenset({"last_reviewed", "last_revised"})  # read from a block of dates under a history heading
TABLE_ROWS = 2  # dated rows with text beside a list of dates: the rows are the history, the list an approval line
HEADLESS_ROWS = 3  # lines opening with "Month YYYY:" in a row make a history table even under no history heading
HEADLESS_SEPARATOR = re.compile(r"[ \t]*:[ \t]+\S")  # e.g. ": " in "March 2024: Annual update."
HEADLESS_SECTIONS = frozenset({"references", "websites", "rationale", "definitions", "history"})
GRID_CELL = re.compile(r" +(?:\d{1,2}/\d{1,2}/\d{2,4}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})(?![\w/])")  # e.g. " 06/22/2020" after a row's date in its cell
PROSE_SECTIONS = frozenset({"rationale", "definitions"})  # a "Date<TAB>Description" table there is evidence's (an FDA timeline)
HEADED_ROWS = 2  # dated rows under a "Date<TAB>Update" header make a history table even under no history heading
GRID_NOTE_WORDS = 3  # words a dated cell of a grid may hold besides its date ("– MDC"); the last cell may run on (its row's text)
# e.g. "Committee/Source<TAB>Date(s)": a header row whose last cell names a column of dates
DATE_COLUMN_HEADER = re.compile(r"(?i)^[ \t]*[A-Za-z][A-Za-z/ &-]{2,40}\t[ \t]*(?:date\s*\(s\)|dates)[ \t]*$")
ROW_LABEL = re.compile(r"^([A-Z][a-z]+):(?:\t|$)")  # e.g. "Revised:", "Reviewed:<TAB>Medical Director Committee"
NAME_WORDS = 8  # a name cell's line (a committee's name); a longer line ends the table
LONG_PROSE = 200  # chars: a long line after a blank line is prose after the table, not a row's text


@dataclass
class _Row:
    line: Line
    date: ParsedDate | None
    text_spans: list[tuple[int, int]] = field(default_factory=list)  # the row's text, without its date
    end: int = 0
    continued: int = 0
    group: str = ""  # the heading of the group of rows it sits in ("Reviewed Dates")


def extract(doc: PolicyDoc) -> list[HistoryEntry]:
    return _read(doc)[0]


# e.g. "New medical policy", "Policy created", "Original policy", "New document": what the row that starts a policy's
# history opens with
NEW_POLICY = re.compile(
    r"(?i)\b(?:new[ \t]+(?:(?:medical|clinical|payment|coverage|reimbursement)[ \t]+)?(?:policy|document|guideline)|"
    r"(?:policy|document|guideline)[ \t]+(?:created|developed|established|implemented|issued)|original[ \t]+policy|initial[ \t]+(?:policy|release))\b"
)
# e.g. "Effective 4/1/2014", "effective date 03/01/2015", "effective on July 1, 2015": the date a row says it took effect on
STATED_EFFECTIVE = re.compile(r"(?i)\beffective(?:[ \t]+date)?(?:[ \t]+(?:on|as[ \t]+of))?[ \t]*:?[ \t]*(?=\d|[A-Z])")


def stated_original(doc: PolicyDoc) -> DateValue | None:
    """The original effective date a history table states only in its oldest row, when that row starts the policy
    ("4/2014<TAB>New medical policy describing ... Effective 4/1/2014.", "Original policy effective 3/1/2015"): the date
    after its "effective"; a row's own date is when it was written, not when the policy took effect. The row's text must
    open with the new policy (a reissue "updated to the new policy template format" is no start)."""
    dated = [e for e in extract(doc) if e.date]
    if not dated:
        return None
    oldest = min(dated, key=lambda e: e.date)
    start, end = oldest.evidence.start, oldest.evidence.end
    if not NEW_POLICY.match(oldest.text):
        return None  # the row must open with it: "... updated to the new policy template format" is a reissue
    for said in STATED_EFFECTIVE.finditer(doc.text, start, end):
        match = DATE.match(doc.text, said.end(), end)
        parsed = parse_match(match) if match else None
        if parsed is not None:
            return DateValue(value=parsed.value, precision=parsed.precision, label="history", basis="history",
                             evidence=doc.evidence(parsed.start, parsed.end))
    return None


def label_dates(doc: PolicyDoc) -> dict[str, DateValue]:
    """Dates a history heading separates from their label: a web page's tab strip prints "Last Review",
    then the "Policy History" tab, then the date. By field ("last_reviewed"), as a one-date entry."""
    return _read(doc)[1]


def _read(doc: PolicyDoc) -> tuple[list[HistoryEntry], dict[str, DateValue]]:
    if "history" in doc.cache:
        return doc.cache["history"]
    entries: list[HistoryEntry] = []
    dangling: dict[str, DateValue] = {}
    for section in doc.sections_labeled("history"):
        entries += _section_entries(doc, section.header_start, section.start, section.end, dangling)
    if not entries:
        entries += _headless(doc)
    if not entries:
        entries += _headed_table(doc)
    if not entries:
        entries += _date_column(doc)
    entries += _review_table(doc)
    doc.cache["history"] = entries, dangling
    return entries, dangling


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
    """A date (or a range, dated by its start) printed at `pos`; "02/22" and "05.08.18" count here (a table's date), and so
    do "2023: September" (year, then month) and a date run into the row's text ("September 2016New policy")."""
    end = len(text) if end is None else end
    match = DATE.match(text, pos, end)
    parsed = parse_match(match) if match else None
    if parsed is None and (glued := GLUED.match(text, pos, end)):
        match = DATE.match(text, pos, glued.end())
        parsed = parse_match(match) if match else None
    if parsed is None and (year_month := YEAR_MONTH.match(text, pos, end)):
        month = MONTHS[year_month.group("mon").lower()]
        return ParsedDate(f"{year_month.group('y')}-{month:02d}", "month", year_month.start(), year_month.end())
    if parsed is None:
        return short_month(text, pos, end) or dotted_day(text, pos, end)  # e.g. "02/22", "05.08.18"
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
        if parsed is None and (found := _cell_date(doc, line)) is not None:
            return _row_start(doc, line, "cells", categories)  # "Date Issued<TAB>02/24/2015<TAB>New Policy" among dated lines
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


def _section_entries(doc: PolicyDoc, header_start: int, start: int, end: int, dangling: dict[str, DateValue]) -> list[HistoryEntry]:
    """The rows of one history section. A section that is a paragraph of dates ("Reviewed/Revised: 1/18/2018,
    11/6/2018, ...") has one row per date, unless it has a table of dated rows beside the list (then the list is
    an approval line). A section holding the policy's next review date with no row of text is a block of dates
    (a web page's "Policy History" tab), no table."""
    lines = [line for line in doc.lines_between(start, end) if line.end > start and not doc.text[end : line.end].strip()]  # (not the next heading's line)
    if not lines:
        return []
    date_block = any(_metadata_field(doc, line) == "next_review" for line in lines)
    rows = _section_rows(doc, lines, start)
    if date_block and rows and all(not _row_body(doc, row) or _metadata_field(doc, row.line, fields=ALL_FIELDS) for row in rows):
        for row in rows:  # "Last Review  10/29/2025", or a date alone whose label is above the heading
            field = _metadata_field(doc, row.line, fields=ALL_FIELDS)
            if field is None and not _row_body(doc, row):
                _dangling_label(doc, header_start, row, dangling)
            elif field in BLOCK_FIELDS and field not in dangling:
                dangling[field] = DateValue(
                    value=row.date.value, precision=row.date.precision, label=_row_body(doc, row), basis="label",
                    evidence=doc.evidence(row.date.start, row.date.end),
                )
        return []
    runs = _date_runs(doc, lines[0].start, lines[-1].end)
    listed = {d.start for run in runs for d in run}
    if runs and sum(1 for row in rows if row.date.start not in listed) < TABLE_ROWS:
        return _list_rows(doc, lines[0].start, lines[-1].end)
    # a table: its rows, but not a line that is only a list of dates ("10/22/20, 11/18/21, ..." under "Committee
    # Approval Dates"); a list inside a row's text or across two rows changes nothing
    only_dates = {run[0].start for run in runs if _holds_only_dates(doc, run)}
    return [_entry(doc, row) for row in rows if row.date.start not in only_dates]


def _section_rows(doc: PolicyDoc, lines: list[Line], start: int) -> list[_Row]:
    """The rows of the section's history table: its first table, or, when that is a grid of approval dates
    (a committee's dates across the years in one cell: "Medical<TAB>06/13/2019 06/22/2020 06/10/2021"), the
    first table after it that is not."""
    first = None
    while lines:
        rows, stop = _table_rows(doc, lines, start)
        first = rows if first is None else first
        if rows and not _grid(doc, rows):
            return rows
        if stop is None:
            break
        lines = lines[stop:]
    return first or []


def _grid(doc: PolicyDoc, rows: list[_Row]) -> bool:
    """Most rows' date cells hold a run of dates ("06/13/2019 06/22/2020 ..."): an approval grid, not a change log."""
    runs = sum(1 for row in rows if GRID_CELL.match(doc.text, row.date.end, row.line.end))
    return runs * 2 >= len(rows)


def _table_rows(doc: PolicyDoc, lines: list[Line], start: int) -> tuple[list[_Row], int | None]:
    """The rows of the table the lines open with, and the index of the line where another table begins (or None)."""
    shape = _shape(doc, lines)
    categories = _categories(doc, lines) if shape == "cells" else set()
    limit = MAX_CONTINUATION * (2 if shape == "cells" else 1)
    starts = [None if HEADER_ROW.match(line.text.strip()) or line.is_blank else _row_start(doc, line, shape, categories) for line in lines]
    rows: list[_Row] = []
    current: _Row | None = None
    blank_run = 0
    headers: set[str] = set()  # the table's header rows ("Status<TAB>Date<TAB>Action"), repeated on each page
    group = ""
    for i, line in enumerate(lines):
        content = line.text.strip()
        if not content:
            blank_run += 1
            continue
        if shape == "cells" and _header_like(doc, line):
            if not rows:
                headers.add(content)
            elif content in headers:
                blank_run = 0
                continue  # the header row again, on the next page
            else:
                return [row for row in rows if row.date is not None], i  # another table begins ("Pre-Merger Organizations<TAB>Last Review Date ...")
        started = starts[i]
        above = lines[i - 1].text if i else ""
        if started is not None and current is not None and _lone_date(doc, line) and WANTS_DATE.search(above):
            started = None  # "... Added new ICD-10 code, I47.21, effective\n10/1/2022": the row's own words
        if started is not None and current is not None and started[0] is not None and _wrapped_date(doc, started[0], above):
            started = None  # "... posted ... to become effective<TAB>Creation of" over "08/11/2024.<TAB>Uniform LCDs": a cell's wrapped sentence
        if started is None and shape == "cells" and current is not None and current.date is not None and _lone_date(doc, line) and not WANTS_DATE.search(above):
            started = _lone_date(doc, line), []  # the next date of a date column printed apart from its action column
        if started is None and shape == "cells" and "\t" in line.text and _next_lone_date(doc, lines, i) and not _header_like(doc, line):
            started = None, _cells(line)  # "Updated codes<TAB>n/a<TAB>Unchanged<TAB>Added 0536U" over its date "04/01/2025"
        if started is None and GROUP_HEADING.match(content) and _next_starts(lines, starts, i):
            group, current = content.rstrip(": \t"), None
            continue
        if (started is None or _colon_label(doc, line)) and _metadata_field(doc, line):
            current = None  # "Effective Date: July 2023", "Next Review: ...": the policy's dates, no row's text
            continue
        if started is None and shape == "cells" and "\t" not in line.text and (dashed := _dashed_lead(doc, line)) is not None:
            started = dashed, [(SEPARATOR.match(doc.text, dashed.end).end(), line.end)]  # "07/08/15 – MDC-Revision, added ..." among grid lines
        if started is not None and shape == "cells" and (grid := _grid_cells(doc, line)):
            for parsed, (a, b) in grid:  # "08/24/99<TAB>03/28/01 – MDC<TAB>09/05/01 – MDC": a row per dated cell
                current = _Row(line, parsed, [(max(a, start), b)], line.end, group=group)
                rows.append(current)
        elif started is not None:
            current = _Row(line, started[0], [(max(a, start), b) for a, b in started[1]], line.end, group=group)
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
    return [row for row in rows if row.date is not None], None


# e.g. " – " in "07/08/15 – MDC-Revision, added language": a dash after a line's opening date
DASH_AFTER_DATE = re.compile(r"[ \t]+[-–—][ \t]+\S")
GRID_LABEL = re.compile(r"[^\t\d]{2,40}:[ \t]*")  # e.g. "Revision Date:" opening a line of dated cells


LABEL_COLON = re.compile(r"(?:\(s\)|s)?[ \t]*:")  # e.g. ":" closing "Next Review Date:", "(s):" closing "Revision Date(s):"


def _colon_label(doc: PolicyDoc, line: Line) -> bool:
    """The line opens with a label ending in a colon ("Next Review Date:<TAB>01/30/2025"): a field of the policy, where a
    category cell ("Date Effective<TAB>11/01/2024") is a row of the table."""
    match = LABEL.match(doc.text, line.content_start, line.end)
    return match is not None and LABEL_COLON.match(doc.text, match.end(), line.end) is not None


def _dashed_lead(doc: PolicyDoc, line: Line) -> ParsedDate | None:
    """The date opening a line without cells before a dash and the row's text ("07/08/15 – MDC-Revision, added ...")."""
    parsed = _date_at(doc.text, line.content_start, line.end)
    return parsed if parsed is not None and DASH_AFTER_DATE.match(doc.text, parsed.end, line.end) else None


def _grid_cells(doc: PolicyDoc, line: Line) -> list[tuple[ParsedDate, tuple[int, int]]]:
    """A line of two or more cells that each open with a date, maybe after a label cell ("Revision Date:<TAB>09/22/98<TAB>
    12/15/98"), each with a short note at most ("03/28/01 – MDC"): (date, text span) per cell; else []. A row of a date
    table ("Revised<TAB>04/15/2024<TAB>11/17/2024<TAB>Panel review.") has a cell of text, so is no grid."""
    text = doc.text
    cells = _cells(line)
    if cells and GRID_LABEL.fullmatch(text, *cells[0]):
        cells = cells[1:]
    out = []
    for a, b in cells:
        at = a + len(text[a:b]) - len(text[a:b].lstrip())
        parsed = _date_at(text, at, b)
        if parsed is None:
            return []
        rest = SEPARATOR.match(text, parsed.end, b).end()
        if len(text[rest:b].split()) > GRID_NOTE_WORDS and cells.index((a, b)) < len(cells) - 1:
            return []
        out.append((parsed, (rest, b)))
    return out if len(out) >= 2 else []


def _wrapped_date(doc: PolicyDoc, parsed: ParsedDate, above: str) -> bool:
    """A date that ends a sentence ("08/11/2024." opening a line) under a line one of whose cells ends on a word wanting a
    date ("... to become effective<TAB>Creation of"): the wrapped end of the row above, no row's date cell."""
    return bool(SENTENCE_END.match(doc.text, parsed.end)) and any(WANTS_DATE.search(cell) for cell in above.split("\t"))


def _next_starts(lines: list[Line], starts: list, i: int) -> bool:
    """True when the next non-blank line after line `i` opens a row."""
    for j in range(i + 1, len(lines)):
        if not lines[j].is_blank:
            return starts[j] is not None
    return False


def _next_lone_date(doc: PolicyDoc, lines: list[Line], i: int) -> bool:
    """True when the line after line `i` holds a date and nothing else."""
    return i + 1 < len(lines) and _lone_date(doc, lines[i + 1]) is not None


def _lone_date(doc: PolicyDoc, line: Line) -> ParsedDate | None:
    """The date a line holds and nothing else."""
    alone = _date_at(doc.text, line.content_start, line.end)
    return alone if alone is not None and not doc.text[alone.end : line.end].strip() else None


def _metadata_field(doc: PolicyDoc, line: Line, *, fields: frozenset[str] = META_FIELDS) -> str | None:
    """The field of a line that is one of the policy's own dates ("Effective Date: July 2023", "Next Review:
    06/12/2025"): a label of META_FIELDS opening the line, then a date and nothing else."""
    if line.is_blank:
        return None
    match = LABEL.match(doc.text, line.content_start, line.end)
    if match is None or (field := LABELS[int(match.lastgroup[1:])][0]) not in fields:
        return None
    value = labeled_value(doc.text, DATE_SEPARATOR.match(doc.text, match.end(), line.end).end())
    if value is None or value.end > line.end:
        return None  # "• Original effective date" is a row's text
    return field if not doc.text[value.end : line.end].strip(" \t.;") else None


def _row_body(doc: PolicyDoc, row: _Row) -> str:
    return " ".join(" ".join(doc.text[a:b].split()) for a, b in row.text_spans).strip(" |-–:")


def _dangling_label(doc: PolicyDoc, header_start: int, row: _Row, dangling: dict[str, DateValue]) -> None:
    """A date alone under a history heading whose line above is a date label with no date ("Last Review",
    "Policy History", "12/03/2024": a tab strip): the label's date."""
    index = doc.line_index(header_start)
    above = [line for line in doc.lines[max(0, index - 4) : index] if not line.is_blank][-2:]
    for line in reversed(above):
        field = next((f for f, p in TABLE_LABELS if p.match(line.text)), None)
        if field is not None and field not in dangling:
            date = row.date
            dangling[field] = DateValue(
                value=date.value, precision=date.precision, label=line.text.strip(), basis="structure",
                evidence=doc.evidence(date.start, date.end),
            )
            return


def _date_runs(doc: PolicyDoc, start: int, end: int) -> list[list[ParsedDate]]:
    """Runs of two dates or more joined by commas, semicolons or notes in brackets ("1/18/2018, 11/6/2018,\n
    10/20/2022", "10/22/2014 (updated references) 10/28/2015"); a date in a cell of its own opens a table row."""
    text = doc.text
    runs: list[list[ParsedDate]] = []
    current: list[ParsedDate] = []
    dates = find_dates(text, start, end)
    for i, parsed in enumerate(dates):
        current.append(parsed)
        gap = LIST_GAP.match(text, parsed.end, end)
        nxt = dates[i + 1] if i + 1 < len(dates) else None
        if nxt is None or gap.end() != nxt.start or not (gap.group("sep") or gap.group("note")) or text.startswith("\t", nxt.end):
            if len(current) >= 2:
                runs.append(current)
            current = []
    return runs


def _holds_only_dates(doc: PolicyDoc, run: list[ParsedDate]) -> bool:
    line = doc.line_at(run[0].start)
    return not DATE.sub("", doc.text[line.content_start : line.end]).strip(" ,;")


def _list_rows(doc: PolicyDoc, start: int, end: int) -> list[HistoryEntry]:
    """Every date of a paragraph of dates outside brackets is a row; its text is the note in brackets or the words
    after it, else the label it is listed under ("Reviewed/Revised", "Technology Assessment Committee")."""
    text = doc.text
    out: list[HistoryEntry] = []
    depth, cursor, label = 0, start, ""
    labels = [(m.end(), m.group(1)) for m in LIST_LABEL.finditer(text, start, end)]
    for parsed in find_dates(text, start, end):
        depth += text.count("(", cursor, parsed.start) - text.count(")", cursor, parsed.start)
        cursor = parsed.start
        if depth > 0:
            continue  # a date inside a note ("(... on or after November 21, 2024; ...)")
        label = next((name for at, name in reversed(labels) if at <= parsed.start), "")
        after = LIST_TEXT.match(text, parsed.end, end)
        words = after.group("note") or after.group("free") or ""
        if words.rstrip().endswith(":") or LIST_LABEL.fullmatch(words.strip()):
            words = ""  # the next label ("... 06/26/2009\nTechnology Assessment Committee:")
        body = " ".join((words.strip() or label.strip()).split())
        stop = after.end() if after.group("note") else parsed.end
        out.append(HistoryEntry(
            date=parsed.value, precision=parsed.precision, printed_date=text[parsed.start : parsed.end],
            text=body, evidence=doc.evidence(parsed.start, stop),
        ))
    return out


def _headless(doc: PolicyDoc) -> list[HistoryEntry]:
    """Rows opening with a date and a colon ("March 2024: Annual update.") in a run of HEADLESS_ROWS or more,
    newest first or oldest first, under no history heading (a table whose heading is only its column's name)."""
    lines = doc.lines
    run: list[tuple[int, ParsedDate]] = []
    found: list[list[tuple[int, ParsedDate]]] = []
    for i, line in enumerate(lines):
        parsed = None if line.is_blank else _headless_date(doc, line)
        if parsed is None:
            continue
        if run and i - run[-1][0] > MAX_CONTINUATION:
            found.append(run)
            run = []
        run.append((i, parsed))
    found.append(run)
    out: list[HistoryEntry] = []
    for run in found:
        values = [parsed.value for _, parsed in run]
        if len(run) < HEADLESS_ROWS or (values != sorted(values) and values != sorted(values, reverse=True)):
            continue
        if doc.section_label_at(lines[run[0][0]].start) in HEADLESS_SECTIONS:
            continue
        last = run[-1][0]
        stop = next((j for j in range(last + 1, len(lines)) if lines[j].is_blank), len(lines))
        block = lines[run[0][0] : stop]
        out += [_entry(doc, row) for row in _section_rows(doc, block, block[0].start)]
    return out


def _headed_table(doc: PolicyDoc) -> list[HistoryEntry]:
    """A table under no history heading whose header row names a date column and a change column ("Date<TAB>Update",
    "Date<TAB>Action"): its dated rows (HEADED_ROWS or more), up to the first blank line after them. A reference list
    swallowing the end of the page may hold it (a tab header row is no reference)."""
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text or not HEADER_ROW.match(line.text) or doc.section_label_at(line.start) in PROSE_SECTIONS:
            continue
        first = next((j for j in range(i + 1, len(lines)) if not lines[j].is_blank), None)
        if first is None:
            return []
        stop = next((j for j in range(first, len(lines)) if lines[j].is_blank), len(lines))
        block = lines[first:stop]
        rows = _section_rows(doc, block, block[0].start)
        if len(rows) >= HEADED_ROWS:
            return [_entry(doc, row) for row in rows]
    return []


def _date_column(doc: PolicyDoc) -> list[HistoryEntry]:
    """A table headed "<names><TAB>Date(s)" (a committee table: "Committee/Source<TAB>Date(s)") whose date column the
    text layer prints apart from its names, as lines holding a date alone: each of its dates is a row (HEADLESS_ROWS or
    more), named by the row label above it ("Revised:", "Reviewed:"). The table runs over its repeated header rows,
    blank lines and short name lines, up to a longer line or one of the policy's own dates ("Published: 11/01/2022")."""
    lines = doc.lines
    out: list[HistoryEntry] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" not in line.text or not DATE_COLUMN_HEADER.match(line.text) or doc.section_label_at(line.start) in PROSE_SECTIONS:
            i += 1
            continue
        rows, group, header = [], "", line.text.strip()
        for j in range(i + 1, len(lines)):
            below = lines[j]
            content = below.text.strip()
            if below.is_blank or content == header:
                continue
            if _metadata_field(doc, below, fields=ALL_FIELDS):
                break
            if (label := ROW_LABEL.match(content)) is not None:
                group = label.group(1)
            alone = _lone_date(doc, below)
            cell = _cell_date(doc, below)
            if alone is not None:
                rows.append((alone, below, group))
            elif cell is not None:
                rows.append((cell[0], below, group))
            elif len(content.split()) > NAME_WORDS:
                break
        i += 1
        if len(rows) >= HEADLESS_ROWS:
            for parsed, below, name in rows:
                out.append(HistoryEntry(
                    date=parsed.value, precision=parsed.precision, printed_date=doc.text[parsed.start : parsed.end],
                    text=name, evidence=doc.evidence(below.content_start, below.end),
                ))
            return out
    return out


def _headless_date(doc: PolicyDoc, line: Line) -> ParsedDate | None:
    match = DATE.match(doc.text, line.content_start, line.end)
    parsed = parse_match(match) if match else None
    if parsed is None or parsed.precision == "year" or not HEADLESS_SEPARATOR.match(doc.text, parsed.end, line.end):
        return None
    return parsed


def _header_like(doc: PolicyDoc, line: Line) -> bool:
    """A row of column names: cells of a few capitalized words, no date, no sentence."""
    if "\t" not in line.text or find_dates(doc.text, line.start, line.end):
        return False
    cells = [c.strip() for c in line.text.split("\t") if c.strip()]
    return len(cells) >= 2 and all(len(c.split()) <= 5 and c[:1].isupper() and not c.endswith((".", ",", ";")) for c in cells)


def _entry(doc: PolicyDoc, row: _Row) -> HistoryEntry:
    body = " ".join(" ".join(doc.text[a:b].replace("\t", " ").split()) for a, b in row.text_spans)
    body = " ".join(body.split()).strip(" |-–:") or row.group
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
