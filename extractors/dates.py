"""Policy dates: effective, original effective, last reviewed, last revised, next review (+ created).

A date is read only under a label ("Effective Date:", "Publish Date", "Reviewed:", a "Date Reviewed"
table column...), outside narrative sections, references and history. The date grammar keeps the
printed precision: "November 1996" -> 1996-11 (month), "04/05/2011" -> 2011-04-05 (day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors.document import NARRATIVE, PolicyDoc
from extractors.models import DateValue

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

# One alternation, most specific first; each branch has its own group names.
_DATE_BODY = (
    r"(?:"
    rf"(?P<mon1>{_MON})(?:\.\s*|\s+)(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"  # e.g. July 1, 2025
    rf"|(?P<d2>\d{{1,2}})\s+(?P<mon2>{_MON})\.?,?\s+(?P<y2>\d{{4}})"  # e.g. 1 July 2025
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"  # e.g. 2025-07-01
    r"|(?P<m4>\d{1,2})/(?P<d4>\d{1,2})/(?P<y4>\d{4}|\d{2})(?![\d/])"  # e.g. 04/05/2011, 8/12/26
    r"|(?P<m9>\d{1,2})-(?P<d9>\d{1,2})-(?P<y9>\d{4})(?![\d-])"  # e.g. 03-10-2011
    rf"|(?P<mon5>{_MON})\.?,?\s+(?P<y5>\d{{4}})"  # e.g. November 1996
    r"|(?P<m6>\d{1,2})/(?P<y6>\d{4})"  # e.g. 1/2025
    r"|(?P<y7>\d{4})-(?P<m7>\d{2})(?![\d-])"  # e.g. 2025-07
    r"|(?P<m8>\d{1,2})\.(?P<d8>\d{1,2})\.(?P<y8>\d{4})(?![\d.])"  # e.g. 01.15.2024
    r")(?![\w/])"
)
DATE = re.compile(r"(?<![\w/.])" + _DATE_BODY, re.I)
DATE_AT = re.compile(_DATE_BODY, re.I)  # anchored right after a label's separator ("Effective Date .....03/15/2026")
# e.g. "4TH QTR 2025", "4th Qtr, 2025", "Q4 2025": a review planned for a quarter, read as its year
QUARTER = re.compile(r"(?i)(?:[1-4](?:st|nd|rd|th)?[ \t]+(?:qtr\.?|quarter)(?:[ \t]+of)?|Q[1-4]),?[ \t]*(?P<y>(?:19|20)\d{2})(?![\w/])")
YEAR = re.compile(r"(?<![\w/.-])(?P<y>(?:19|20)\d{2})(?![\w/.-])")  # e.g. 2025, under a label only


@dataclass(frozen=True)
class ParsedDate:
    value: str
    precision: str
    start: int
    end: int


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 70 else 1900) if len(text) == 2 else year


def parse_match(match: re.Match) -> ParsedDate | None:
    """A DATE match -> normalized value and precision, or None when the calendar says no (13/45/2020)."""
    g = match.groupdict()
    try:
        for n in ("1", "2"):
            if g[f"y{n}"]:
                d = date(int(g[f"y{n}"]), MONTHS[g[f"mon{n}"].lower().rstrip(".")], int(g[f"d{n}"]))
                return ParsedDate(d.isoformat(), "day", match.start(), match.end())
        for n in ("3", "4", "8", "9"):
            if g[f"y{n}"]:
                d = date(_year(g[f"y{n}"]), int(g[f"m{n}"]), int(g[f"d{n}"]))
                return ParsedDate(d.isoformat(), "day", match.start(), match.end())
        if g["y5"]:
            return _month(int(g["y5"]), MONTHS[g["mon5"].lower().rstrip(".")], match)
        for n in ("6", "7"):
            if g[f"y{n}"]:
                return _month(int(g[f"y{n}"]), int(g[f"m{n}"]), match)
    except (ValueError, KeyError):
        return None
    return None


def _month(year: int, month: int, match: re.Match) -> ParsedDate | None:
    if not (1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return ParsedDate(f"{year:04d}-{month:02d}", "month", match.start(), match.end())


# e.g. "02/22": month and two-digit year, read only where a date must stand (a history table's date
# cell, right after a date label); elsewhere "02/22" is as likely a ratio or a fraction
SHORT_MONTH = re.compile(r"(?<![\w/.])(?P<m>0[1-9]|1[0-2])/(?P<y>\d{2})(?![\w/]|\.\d)")


def short_month(text: str, pos: int, end: int | None = None) -> ParsedDate | None:
    match = SHORT_MONTH.match(text, pos, len(text) if end is None else end)
    if match is None:
        return None
    return ParsedDate(f"{_year(match.group('y')):04d}-{match.group('m')}", "month", match.start(), match.end())


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[ParsedDate]:
    """Every calendar-valid date in text[start:end], offsets into `text`."""
    out = []
    for match in DATE.finditer(text, start, len(text) if end is None else end):
        parsed = parse_match(match)
        if parsed and 1900 <= int(parsed.value[:4]) <= 2100:
            out.append(parsed)
    return out


def labeled_value(text: str, pos: int, *, year_alone: bool = True) -> ParsedDate | None:
    """The date a label's value starts with at `pos`: a full date, "02/22" (month, two-digit year), a
    quarter ("4TH QTR 2025", read as its year) or, where `year_alone`, a bare year."""
    match = DATE_AT.match(text, pos)
    parsed = parse_match(match) if match else None
    if parsed is None:
        parsed = short_month(text, pos)  # e.g. "Date of Last Revision: 02/22"
    if parsed is None:
        quarter = QUARTER.match(text, pos)
        if quarter:
            parsed = ParsedDate(quarter.group("y"), "year", quarter.start(), quarter.end())
    if parsed is None and year_alone:
        year = YEAR.match(text, pos)
        if year:
            parsed = ParsedDate(year.group("y"), "year", year.start(), year.end())
    return parsed


# --- labels -------------------------------------------------------------------------------------
# (field, priority, label regex). Lower priority wins; one-word labels must be capitalized and
# followed by ":" or a date on the same line, so prose like "became effective in 2019" is not a label.
LABELS: list[tuple[str, int, str]] = [
    ("original_effective", 0, r"(?i:original\s+effective\s+date|original\s+effective|date\s+of\s+origin|origination\s+date|original\s+policy\s+date|effective\s+date\s+of\s+origin|first\s+effective\s+date|original\s+date)"),
    ("original_effective", 1, r"Origination(?=\s*:)"),  # e.g. "Origination: 2/2010"
    # e.g. "Next Review Date:", "Next Annual Review:", "Next CAP Review: 8/2018" (a committee's acronym)
    ("next_review", 0, r"(?i:next\s+(?:annual\s+|scheduled\s+|(?-i:[A-Z]{2,6})\s+)?review(?:\s+(?:date|due(?:\s+by)?))?|scheduled\s+review\s+date|review\s+due(?:\s+by)?)"),
    ("last_reviewed", 0, r"(?i:last\s+review(?:ed)?\s+date|date\s+(?:last\s+)?reviewed|last\s+reviewed|last\s+review|review\s+date|reviewed\s+date|annual\s+review\s+date|last\s+approv(?:al|ed)(?:\s+date)?)"),
    ("last_reviewed", 0, r"Last\s+[A-Z]{2,6}\s+Review(?:ed)?(?:\s+Date)?"),  # e.g. "Last CAP Review: 9/2016"
    ("last_reviewed", 1, r"(?:Reviewed|Annual\s+Review)(?=\s*:|\s+(?:\d|" + _MON + r"))"),  # e.g. "Reviewed: 3/2024", "Annual Review: November 2023"
    ("last_revised", 0, r"(?i:date\s+(?:last\s+)?revised|last\s+revised(?:\s+date)?|last\s+revision(?:\s+date)?|revision\s+date|revised\s+date)"),
    ("last_revised", 1, r"Revised(?=\s*:|\s+(?:\d|" + _MON + r"))"),  # e.g. "Revised: 3/2024", "Revised February 2015"
    ("created", 0, r"(?i:date\s+created|creation\s+date)"),
    ("effective", 0, r"(?i:(?:current\s+|policy\s+)?effective\s+date(?:\s+of\s+(?:this\s+version|(?:the\s+)?current\s+(?:policy|version)))?|date\s+effective|effective\s+for\s+dates\s+of\s+service\s+on\s+or\s+after)"),
    ("effective", 1, r"Effective(?=\s*:|\s+(?:\d|" + _MON + r"))"),
    ("effective", 2, r"(?i:publish(?:ed)?\s+date|date\s+(?:of\s+)?publication|date\s+published)"),
]
LABEL = re.compile("|".join(f"(?P<L{i}>(?<![\\w-]){pattern})" for i, (_, _, pattern) in enumerate(LABELS)))
# the words every label opens with: a cheap scan for where LABEL may match (the full alternation tried at
# every position of a long text costs more than the rest of the date reading)
LABEL_START = re.compile(r"(?i)(?<![\w-])(?:origin|date|effective|first|next|scheduled|review|last|annual|revis|creation|current|policy|publish)")
SEPARATOR = re.compile(
    r"(?:\(s\))?[ \t]*(?:[:\-–—|][ \t]*|\.{2,}[ \t]*)?(?:\n[ \t]*){0,2}"  # e.g. ": ", "(s): ", ":\n", ":\n\n", " - ", " ........ "
    r"(?:(?i:for\s+services\s+(?:performed|rendered)\s+on\s+or\s+after)[ \t]+)?"  # e.g. LCDs' "For services performed on or after"
)
EXCLUDED = NARRATIVE - {"instructions"}
LCD_QUOTE = re.compile(r"(?i)for\s+services\s+(?:performed|rendered)")  # e.g. "Original Effective Date: For services performed on or after"
LETTERHEAD = 3000  # chars
METADATA_WORDS = 4  # words besides labels and dates on a metadata line
LISTED = frozenset({"last_reviewed", "last_revised", "original_effective"})  # fields whose label may head a list of dates
DATE_LIST = re.compile(r"[ \t]*[,;][ \t]*(?:\n[ \t]*)?")  # e.g. ", " between "12/2021, 7/2022"
CELL_END = re.compile(r"[ \t]*[,;]?[ \t]*\t")  # e.g. ";<TAB>": a list in a cell stops at the cell's end
CITED_NOTE = frozenset({"last_revised", "last_reviewed"})  # one-word labels of these, mid-line after a sentence, are a citation's
MAX_LIST_LINES = 12  # lines a column's list of dates runs on
# Of those, the sections that never hold a metadata line ("Effective Date: ..." there is someone else's date).
NO_METADATA = frozenset({"references", "websites", "history", "metadata"})


@dataclass(frozen=True)
class DateMention:
    field: str
    priority: float
    label: str
    date: ParsedDate
    basis: str = "label"  # "structure" for a date under a table column


def extract(doc: PolicyDoc) -> dict[str, DateValue]:
    """The policy's dates by field, each the best-ranked labeled mention (table columns included)."""
    mentions = _labeled(doc) + _table_columns(doc)
    best: dict[str, DateMention] = {}
    for mention in mentions:
        current = best.get(mention.field)
        if current is None or mention.priority < current.priority:
            best[mention.field] = mention
    return {
        field: DateValue(
            value=m.date.value, precision=m.date.precision, label=m.label, evidence=doc.evidence(m.date.start, m.date.end),
            basis="structured" if doc.section_label_at(m.date.start) == "metadata" else m.basis,
        )
        for field, m in best.items()
    }


def _labeled(doc: PolicyDoc) -> list[DateMention]:
    text = doc.text
    out, taken = [], 0
    for start in LABEL_START.finditer(text):
        if start.start() < taken:
            continue  # a word inside the label just read ("Effective" in "Original Effective Date")
        match = LABEL.match(text, start.start())
        if match is None:
            continue
        taken = match.end()
        section = doc.section_label_at(match.start())
        narrative = section in EXCLUDED
        index = int(match.lastgroup[1:])
        field, priority, _ = LABELS[index]
        metadata_line = narrative and section not in NO_METADATA and _metadata_line(doc, match.start())
        if narrative and not metadata_line and (
            (section in NO_METADATA and field != "next_review") or not _opens_line(doc, match.start())
        ):
            continue  # (a "Next Review Date:" line after a history table is the policy's own)
        separator = SEPARATOR.match(text, match.end())
        if field in CITED_NOTE and priority == 1 and ":" not in separator.group(0) and _after_sentence(doc, match.start()) and not (
            metadata_line or _metadata_line(doc, match.start())
        ):
            continue  # a citation's note ("... Breast Cancer (V6.2024). Revised November 11, 2024."), not a label
        if LCD_QUOTE.search(separator.group(0)) and match.start() > LETTERHEAD:
            continue  # a plan's policy quoting a Medicare LCD's header: the LCD's dates, not the policy's
        parsed = labeled_value(text, separator.end(), year_alone=field != "effective")
        if parsed and narrative and not metadata_line and text[parsed.end : doc.line_at(parsed.end).end].strip(" \t.;"):
            continue  # inside prose sections only a whole "Label: date" line counts
        if parsed and field in LISTED:
            parsed = _from_list(doc, parsed, latest=field != "original_effective")
        if parsed:
            # a running header's date ("... Medical Policy Effective 06/01/2026") loses to the body's label;
            # a metadata line inside a narrative section (a page that opens with its Description) to both
            penalty = (0.5 if doc.in_furniture(match.start()) else 0) + (1 if narrative else 0)
            out.append(DateMention(field, priority + penalty, match.group(0), parsed))
    return out


def _metadata_line(doc: PolicyDoc, offset: int) -> bool:
    """A line of labels and dates only ("Approved Medical Director Committee 6/15/2021; 3/6/2024 Reviewed
    12/2021, 7/2022"): once its labels, dates and separators are taken out, a few words at most remain."""
    line = doc.line_at(offset)
    rest = DATE.sub(" ", LABEL.sub(" ", line.text))
    return len(re.findall(r"[A-Za-z]{2,}", rest)) <= METADATA_WORDS and bool(DATE.search(line.text))


def _from_list(doc: PolicyDoc, first: ParsedDate, *, latest: bool) -> ParsedDate:
    """A label over a list of dates ("Reviewed 12/2021, 7/2022, 1/2023"): the latest (or the earliest).
    A list in a column of cells goes on in the same cell of the lines below ("Revision Date(s): June 5,
    2012;<TAB>...", "January 15, 2013; May 10, 2013<TAB>...")."""
    text = doc.text
    found, cursor = [first], first.end
    while (comma := DATE_LIST.match(text, cursor)) is not None:
        nxt = labeled_value(text, comma.end(), year_alone=False)
        if nxt is None:
            break
        found.append(nxt)
        cursor = nxt.end
    line = doc.line_at(first.start)
    if CELL_END.match(text, cursor) and cursor <= line.end:
        found += _column_dates(doc, doc.line_index(first.start), text.count("\t", line.start, first.start))
    pick = max if latest else min
    return pick(found, key=lambda d: d.value)


def _column_dates(doc: PolicyDoc, index: int, column: int) -> list[ParsedDate]:
    """The dates of cell `column` of the lines after line `index`, while that cell holds dates only."""
    out: list[ParsedDate] = []
    for line in doc.lines[index + 1 : index + 1 + MAX_LIST_LINES]:
        cells = line.text.split("\t")
        if "\t" not in line.text or column >= len(cells):
            break
        start = line.start + sum(len(c) + 1 for c in cells[:column])
        dates = find_dates(doc.text, start, start + len(cells[column]))
        if not dates or DATE.sub("", cells[column]).strip(" ,;"):
            break
        out += dates
    return out


def _after_sentence(doc: PolicyDoc, offset: int) -> bool:
    """True when a sentence of the same line ends right before `offset` ("... (V6.2024). Revised ...")."""
    return doc.text[doc.line_at(offset).start : offset].rstrip().endswith(".")


def _opens_line(doc: PolicyDoc, offset: int) -> bool:
    return not doc.text[doc.line_at(offset).start : offset].strip()


TABLE_LABELS = [(field, re.compile(rf"^\s*(?:{pattern})\s*:?\s*$")) for field, _, pattern in LABELS]


def _table_columns(doc: PolicyDoc) -> list[DateMention]:
    """A header row of date labels in tab-separated cells over a row of dates: 'Date Created<TAB>Date Reviewed'."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text or not any(p.match(c) for c in line.text.split("\t") for _, p in TABLE_LABELS):
            continue
        if find_dates(doc.text, line.start, line.end):
            continue  # a "Label<TAB>date" pair ("Date Revised<TAB>06/05/2019"), not a header row over a row of dates
        if doc.section_label_at(line.start) in {"references", "websites"}:
            continue
        row = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
        if row is None:
            continue
        headers, cells = line.text.split("\t"), _cells(row)
        for column, header in enumerate(headers):
            field = next((f for f, p in TABLE_LABELS if p.match(header)), None)
            if field is None or column >= len(cells):
                continue
            start, end = cells[column]
            dates = find_dates(doc.text, start, end)
            if dates:
                chosen = min(dates, key=lambda d: d.value) if field in {"created", "original_effective"} else max(dates, key=lambda d: d.value)
                out.append(DateMention(field, -1, header.strip(), chosen, "structure"))
    return out


def _cells(line) -> list[tuple[int, int]]:
    cells, start = [], line.start
    for cell in line.text.split("\t"):
        cells.append((start, start + len(cell)))
        start += len(cell) + 1
    return cells
