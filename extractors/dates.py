"""Policy dates: effective, original effective, last reviewed, last revised, next review (+ created).

A date is read only under a label ("Effective Date:", "Publish Date", "Reviewed:", a "Date Reviewed"
table column, labels split over two rows of cells...), outside narrative sections, references and history
(except a block of "Label: date" lines printed after them). A label opening a sentence or a note in brackets
gives no date. The date grammar keeps the printed precision: "November 1996" -> 1996-11 (month), "04/05/2011"
-> 2011-04-05 (day); "01|07|2026", "2026/01/07" and "07-Jan-2026" read too. Short forms read only right after a
label (and in a history table's date cell), where a date must stand: "02/22", "09.01.18", "08.18".
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
    rf"|(?P<mon5>{_MON})\.?,?\s+(?P<y5>\d{{4}})"  # e.g. November 1996
    r"|(?P<m6>\d{1,2})/(?P<y6>\d{4})"  # e.g. 1/2025
    r"|(?P<y7>\d{4})-(?P<m7>\d{2})(?![\d-])"  # e.g. 2025-07
    r"|(?P<m8>\d{1,2})\.(?P<d8>\d{1,2})\.(?P<y8>\d{4})(?![\d.])"  # e.g. 01.15.2024
    r"|(?P<m9>\d{1,2})-(?P<d9>\d{1,2})-(?P<y9>\d{4})(?![\d-])"  # e.g. 07-21-2016 (web pages, BCBS plans)
    r"|(?P<m10>\d{1,2})\|(?P<d10>\d{1,2})\|(?P<y10>\d{4})(?![\d|])"  # e.g. 01|07|2026 (a letterhead's pipe-separated date)
    r"|(?P<y11>\d{4})/(?P<m11>\d{1,2})/(?P<d11>\d{1,2})"  # e.g. 2026/01/07 (year first)
    rf"|(?P<d12>\d{{1,2}})-(?P<mon12>{_MON})-(?P<y12>\d{{4}})"  # e.g. 07-Jan-2026
    r")(?![\w/])"
)
DATE = re.compile(r"(?<![\w/.])" + _DATE_BODY, re.I)
DATE_AT = re.compile(_DATE_BODY, re.I)  # anchored right after a label's separator ("Effective Date .....03/15/2026")
# e.g. "4TH QTR 2025", "4th Qtr, 2025", "Q4 2025": a review planned for a quarter, read as its year
QUARTER = re.compile(r"(?i)(?:[1-4](?:st|nd|rd|th)?[ \t]+(?:qtr\.?|quarter)(?:[ \t]+of)?|Q[1-4]),?[ \t]*(?P<y>(?:19|20)\d{2})(?![\w/])")
YEAR_MONTH = re.compile(rf"(?i)(?P<y>(?:19|20)\d{{2}}):[ \t]*(?P<mon>{_MON})\.?(?![\w/])")  # e.g. "2023: September", under a label only
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
        for n in ("1", "2", "12"):
            if g[f"y{n}"]:
                d = date(int(g[f"y{n}"]), MONTHS[g[f"mon{n}"].lower().rstrip(".")], int(g[f"d{n}"]))
                return ParsedDate(d.isoformat(), "day", match.start(), match.end())
        for n in ("3", "4", "8", "9", "10", "11"):
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


# right after a date label a one-digit month reads too: e.g. "Revised: 7/24 (add criteria); 9/24"
LABEL_SHORT_MONTH = re.compile(r"(?<![\w/.])(?P<m>0?[1-9]|1[0-2])/(?P<y>\d{2})(?![\w/]|\.\d)")


def short_month(text: str, pos: int, end: int | None = None, *, pattern: re.Pattern = SHORT_MONTH) -> ParsedDate | None:
    match = pattern.match(text, pos, len(text) if end is None else end)
    if match is None:
        return None
    return ParsedDate(f"{_year(match.group('y')):04d}-{int(match.group('m')):02d}", "month", match.start(), match.end())


# e.g. "09.01.18": month, day and two-digit year with dots, read only where a date must stand (right after a date label,
# a history table's date cell); elsewhere "02.01.18" is as likely a policy number or a section number
DOTTED_DAY = re.compile(r"(?<![\w/.])(?P<m>0?[1-9]|1[0-2])\.(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<y>\d{2})(?![\w/]|\.\d)")
# e.g. "08.18" in "Last Review Date: 08.18": month and two-digit year with a dot, right after a date label only (anywhere
# else it is a version or a number)
DOTTED_MONTH = re.compile(r"(?<![\w/.])(?P<m>0[1-9]|1[0-2])\.(?P<y>\d{2})(?![\w/]|\.\d)")


def dotted_day(text: str, pos: int, end: int | None = None) -> ParsedDate | None:
    """A dotted date with a two-digit year ("09.01.18") at `pos`, or None (or when the calendar says no)."""
    match = DOTTED_DAY.match(text, pos, len(text) if end is None else end)
    if match is None:
        return None
    try:
        value = date(_year(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None
    return ParsedDate(value.isoformat(), "day", match.start(), match.end())


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[ParsedDate]:
    """Every calendar-valid date in text[start:end], offsets into `text`."""
    out = []
    for match in DATE.finditer(text, start, len(text) if end is None else end):
        parsed = parse_match(match)
        if parsed and 1900 <= int(parsed.value[:4]) <= 2100:
            out.append(parsed)
    return out


def labeled_value(text: str, pos: int, *, year_alone: bool = True) -> ParsedDate | None:
    """The date a label's value starts with at `pos`: a full date, "02/22" (month, two-digit year), "09.01.18"
    or "08.18" (dotted, two-digit year), a quarter ("4TH QTR 2025", read as its year) or, where `year_alone`, a bare year."""
    match = DATE_AT.match(text, pos)
    parsed = parse_match(match) if match else None
    if parsed is None:
        parsed = short_month(text, pos, pattern=LABEL_SHORT_MONTH)  # e.g. "Date of Last Revision: 02/22", "Revised: 7/24"
    if parsed is None:
        parsed = dotted_day(text, pos) or short_month(text, pos, pattern=DOTTED_MONTH)  # e.g. "Effective Date: 09.01.18", "Last Review Date: 08.18"
    if parsed is None and (year_month := YEAR_MONTH.match(text, pos)):  # e.g. "• 2023: September" under "Revised Dates:"
        parsed = _month(int(year_month.group("y")), MONTHS[year_month.group("mon").lower()], year_month)
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
# A combined label names its fields joined by "+" ("Reviewed/Revised: ..." is both dates).
LABELS: list[tuple[str, int, str]] = [
    ("original_effective", 0, r"(?i:original\s+effective\s+date|original\s+effective|date\s+of\s+origin|origination\s+date|original\s+policy\s+date|effective\s+date\s+of\s+origin|first\s+effective\s+date|original\s+date)"),
    ("original_effective", 1, r"Origination(?=\s*:)"),  # e.g. "Origination: 2/2010"
    # e.g. "Next Review Date:", "Next Annual Review:", "Next CAP Review: 8/2018" (a committee's acronym)
    ("next_review", 0, r"(?i:next\s+(?:annual\s+|scheduled\s+|(?-i:[A-Z]{2,6})\s+)?review(?:\s+(?:date|due(?:\s+by)?))?|scheduled\s+review\s+date|review\s+due(?:\s+by)?)"),
    # e.g. "Reviewed/Revised: 1/18/2018, ..., 04/16/2024", "Review/Revision Date:"
    ("last_reviewed+last_revised", 1, r"(?i:review(?:ed)?\s*/\s*revis(?:ed|ion)(?:\s+dates?)?|revis(?:ed|ion)\s*/\s*review(?:ed)?(?:\s+dates?)?)(?=\s*(?:\(s\))?\s*:)"),
    # e.g. "Last Review Date:", "Re-Review Date(s):" (a list under it), "Last Approval:"
    ("last_reviewed", 0, r"(?i:(?:last|most\s+recent)\s+review(?:ed)?\s+date|date\s+(?:last\s+)?reviewed|last\s+reviewed|last\s+review|review\s+date|reviewed\s+date|annual\s+review\s+date|last\s+approv(?:al|ed)(?:\s+date)?|re-?review\s+date)"),
    ("last_reviewed", 0, r"Last\s+[A-Z]{2,6}\s+Review(?:ed)?(?:\s+Date)?"),  # e.g. "Last CAP Review: 9/2016"
    # e.g. "Approval Date: 5/21/2024", "Date Approved": a committee's approval, the last review only where no review label is printed
    ("last_reviewed", 3, r"(?i:approv(?:al|ed)\s+dates?|date\s+(?:of\s+)?approv(?:al|ed))"),
    ("last_reviewed", 1, r"(?:Reviewed|Annual\s+Review)(?=\s*:|\s+(?:\d|" + _MON + r"))"),  # e.g. "Reviewed: 3/2024", "Annual Review: November 2023"
    ("last_revised", 0, r"(?i:date\s+(?:last\s+)?revised|last\s+revised(?:\s+date)?|last\s+revision(?:\s+date)?|revision\s+date|revised\s+date)"),
    ("last_revised", 1, r"Revised(?=\s*:|\s+(?:\d|" + _MON + r"))"),  # e.g. "Revised: 3/2024", "Revised February 2015"
    ("last_revised", 1, r"Revision(?=\s*:)"),  # e.g. "Revision: C-24, October 31, 2024" (a manual's change number first)
    # e.g. "Page updated: September 2024", "Policy updated: 03/2025": a manual page's revision stamp (not a database
    # record's "Last Updated:", which any edit of the record moves)
    ("last_revised", 2, r"(?i:(?:page|policy|document)\s+updated|updated\s+date)(?=\s*:)"),
    ("created", 0, r"(?i:date\s+created|creation\s+date)"),
    # e.g. "Effective Date:", "Annual Effective Policy Date:", "Effective/Publication Date:"
    ("effective", 0, r"(?i:(?:current\s+|policy\s+|annual\s+)?effective\s+(?:policy\s+)?date(?:\s+of\s+(?:this\s+version|(?:the\s+)?current\s+(?:policy|version)))?|date\s+effective|effective\s+for\s+dates\s+of\s+service\s+on\s+or\s+after|effective\s*/\s*publication\s+date)"),
    ("effective", 1, r"Effective(?=\s*:|\s+(?:\d|" + _MON + r"))"),
    ("effective", 2, r"(?i:publish(?:ed)?\s+date|date\s+(?:of\s+)?publication|date\s+published)"),
]
# a label starts a word, or a capitalized word glued to the one before it: "MedicaEffective Date:" (a logo's text
# run into a two-column header by the PDF's text layer)
WORD_START = r"(?:(?<![\w-])|(?<=[a-z])(?=[A-Z]))"
LABEL = re.compile("|".join(f"(?P<L{i}>{WORD_START}{pattern})" for i, (_, _, pattern) in enumerate(LABELS)))
# the words every label opens with (their first letters looked ahead first), over the lower-cased text: a cheap
# scan for where LABEL may match (the full alternation tried at every position of a long text costs more than the rest of the date reading)
LABEL_START = re.compile(r"(?<![\w-])(?=[acdeflmnoprsu])(?:approv|origin|date|effective|first|next|scheduled|review|last|annual|revis|creation|current|policy|publish|re-?review|most\s+recent|(?:page|document)\s+updated|updated\s+date)")  # over doc.lower
# ... and where a label glued to the word before it may start: looked for in the letterhead only, where two-column
# headers are (a second scan of the whole text would cost half as much as the first)
GLUED_LABEL_START = re.compile(r"(?<=[a-z])(?:Approv|Origin|Date|Effective|First|Next|Scheduled|Review|Last|Annual|Revis|Creation|Current|Policy|Publish|Re-?[Rr]eview|Most\s+[Rr]ecent|(?:Page|Document)\s+[Uu]pdated)")
SEPARATOR = re.compile(
    r"(?:\(s\)|(?<=[Dd]ate)s)?[ \t]*(?:[:\-–—|][ \t]*|\.{2,}[ \t]*)?(?:\n[ \t]*){0,2}"  # e.g. ": ", "(s): ", ":\n", ":\n\n", " - ", " ........ "
    r"(?:(?i:for\s+services\s+(?:performed|rendered)\s+on\s+or\s+after)[ \t]+)?"  # e.g. LCDs' "For services performed on or after"
    r"(?:[A-Z]{1,3}-\d{1,4},[ \t]*)?"  # e.g. "C-24, " (a manual's change number) in "Revision: C-24, October 31, 2024"
)
EXCLUDED = NARRATIVE - {"instructions"}
LCD_QUOTE = re.compile(r"(?i)for\s+services\s+(?:performed|rendered)")  # e.g. "Original Effective Date: For services performed on or after"
LETTERHEAD = 3000  # chars
METADATA_WORDS = 4  # words besides labels and dates on a metadata line
METADATA_LINE_CHARS = 400  # a longer line is prose (or flat text), never a metadata line
BLOCK_FREE = frozenset({"last_reviewed", "last_revised"})  # in a history section "Reviewed: 3/2019" / "Revised: 4/2020" are rows
LISTED = frozenset({"last_reviewed", "last_revised", "original_effective"})  # fields whose label may head a list of dates
# e.g. ", " between "12/2021, 7/2022"; "; " after a date's note in parentheses ("7/24 (add criteria); 9/24"); a list goes
# on only while a date follows
DATE_LIST = re.compile(r"(?:[ \t]*\([^()\n]{0,200}\))?[ \t]*(?:[,;]|\.(?=[ \t]))[ \t]*(?:\n[ \t]*)?")  # "3/10/21. 3/16/22" too
NOTE = re.compile(r"\([^()\n]{0,200}\)")  # e.g. "(add criteria for Familial Hyperparathyroidism)" after a date
# Of those, the sections that never hold a metadata line ("Effective Date: ..." there is someone else's date).
NO_METADATA = frozenset({"references", "websites", "history", "metadata"})
# ... except a metadata line standing apart, after a blank line: a policy's footer block swallowed by the
# reference list above it ("Medica Original Effective Date: December 30, 2022")
FOOTER_SECTIONS = frozenset({"references", "websites"})
BLOCK_SECTIONS = FOOTER_SECTIONS | {"history"}  # where a block of "Label: date" lines is the policy's own dates
# what may open a footer line before its label: a company's name. e.g. "Medica " in "Medica Re-Review Date(s):"
OPENING_WORDS = re.compile(r"[ \t]*(?:[A-Z][\w&.'-]*[ \t]+){0,2}")
LABEL_ENDS_LINE = re.compile(r"(?:\(s\)|s)?[ \t]*:[ \t]*")  # e.g. "(s):" closing "Re-Review Date(s):", "s:" closing "Revised Dates:"
ONE_WORD = frozenset({"Revised", "Reviewed"})  # without a colon these open a line or a cell ("Revised February 2015")


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


# e.g. "Retired Date: 07/01/2024", "Archive Date: 1/1/2023" in the letterhead: a policy no longer in force
RETIRED_LABEL = re.compile(r"(?im)^[ \t]*(?:retired|retirement|archived?|inactive)[ \t]+date[ \t]*:[ \t]*\S")


def retired(doc: PolicyDoc) -> bool:
    """The letterhead dates the policy's retirement: no version of it is in force (its original effective date is no current one)."""
    return RETIRED_LABEL.search(doc.text, 0, min(len(doc.text), LETTERHEAD)) is not None


def _labeled(doc: PolicyDoc) -> list[DateMention]:
    text = doc.text
    out, taken = [], 0
    starts = [m.start() for m in LABEL_START.finditer(doc.lower)]
    glued = [m.start() for m in GLUED_LABEL_START.finditer(text, 0, min(len(text), LETTERHEAD))]
    for start in sorted(starts + glued) if glued else starts:
        if start < taken:
            continue  # a word inside the label just read ("Effective" in "Original Effective Date")
        match = LABEL.match(text, start)
        if match is None:
            continue
        taken = match.end()
        index = int(match.lastgroup[1:])
        field, priority, _ = LABELS[index]
        found = _read(doc, match, field)
        if found:
            parsed, penalty = found
            out += [DateMention(one, priority + penalty, match.group(0), parsed) for one in field.split("+")]
    return out


def _read(doc: PolicyDoc, match: re.Match, field: str) -> tuple[ParsedDate, float] | None:
    """The date a label gives, with the penalty of where it stands, or None.

    Inside a narrative section a label counts only on a metadata line (labels and dates only), on a whole
    line of its own ("Label: date"), as a "Next Review Date:" line after a history table, as a footer line
    standing apart in a reference list, as a "Reviewed:" list of dates in a history section, or in a row
    that prints its date first ("08/15/19 / • Original effective date")."""
    text = doc.text
    section = doc.section_label_at(match.start())
    narrative = section in EXCLUDED
    listed = bool(LISTED.intersection(field.split("+")))
    opens = _opens_line(doc, match.start())
    one_word = match.group(0) in ONE_WORD and not _opens_cell(doc, match.start()) and ":" not in text[match.end() : match.end() + 3]
    if one_word and not _metadata_line(doc, match):
        return None  # e.g. "Breast Cancer (V6.2024). Revised November 11, 2024." inside a reference
    if _in_brackets(doc, match):
        return None  # e.g. "0490U (effective date 10/01/2024) Oncology ...": a code's note, not the policy's date
    metadata_line = narrative and _metadata_line(doc, match) and (
        section not in NO_METADATA
        or (section in FOOTER_SECTIONS and _stands_apart(doc, match))
        or (section in BLOCK_SECTIONS and not (section == "history" and field in BLOCK_FREE) and _in_label_block(doc, match))
    )
    history_list = narrative and section == "history" and listed and opens and _colon_after(text, match.end())
    if narrative and not metadata_line and not history_list and (
        (section in NO_METADATA and field != "next_review") or not opens
    ):
        before = _date_before_label(doc, match, field)
        return (before, 1) if before else None
    separator = SEPARATOR.match(text, match.end())
    if LCD_QUOTE.search(separator.group(0)) and match.start() > LETTERHEAD:
        return None  # a plan's policy quoting a Medicare LCD's header: the LCD's dates, not the policy's
    parsed = labeled_value(text, separator.end(), year_alone=field != "effective")
    found = [parsed] if parsed else (_bulleted(doc, match) or _stacked(doc, match, narrative))
    if not found:
        before = _date_before_label(doc, match, field)
        return (before, 1 if narrative else 0) if before else None
    if listed or field == "effective":  # e.g. "Effective Dates: 1/28/14, ..., 3/8/23": the version in force is the latest
        found = _listed(doc, match, found)
    if narrative and not metadata_line and text[found[-1].end : doc.line_at(found[-1].end).end].strip(" \t.;"):
        return None  # inside prose sections only a whole "Label: date" line counts
    if ":" not in separator.group(0) and (_prose_after(doc, found[-1].end) or (_after_a_sentence(doc, match.start()) and not _metadata_line(doc, match))):
        # e.g. "Effective August 1, 2019, the plan uses ... criteria", "... NCD #90.2. Effective March 16, 2018. Available at:":
        # a sentence opening with its date
        return None
    if history_list and len(found) < 2:
        return None  # one "Revised: 3/2019" line of a history table dates that row, not the policy
    chosen = min(found, key=lambda d: d.value) if field == "original_effective" else max(found, key=lambda d: d.value)
    # a running header's date ("... Medical Policy Effective 06/01/2026") loses to the body's label;
    # a metadata line inside a narrative section (a page that opens with its Description) to both
    return chosen, (0.5 if doc.in_furniture(match.start()) else 0) + (1 if narrative else 0)


def _metadata_line(doc: PolicyDoc, match: re.Match) -> bool:
    """A line of labels and dates only ("Approved Medical Director Committee 6/15/2021; 3/6/2024 Reviewed
    12/2021, 7/2022"): once its labels, dates, notes in parentheses and separators are taken out, a few words
    at most remain (in each tab cell). A label ending its line over a bulleted list of dates is one too."""
    line = doc.line_at(match.start())
    if len(line.text) > METADATA_LINE_CHARS:
        return False  # e.g. a page of flat text with no line breaks
    if _bulleted(doc, match):
        return True
    for cell in line.text.split("\t"):
        rest = NOTE.sub(" ", DATE.sub(" ", LABEL.sub(" ", cell)))
        rest = LABEL_SHORT_MONTH.sub(" ", rest)
        if len(re.findall(r"[A-Za-z]{2,}", rest)) > METADATA_WORDS:
            return False
    return bool(DATE.search(line.text) or LABEL_SHORT_MONTH.search(line.text))


def _in_brackets(doc: PolicyDoc, match: re.Match) -> bool:
    """The label opens a note in brackets: "(effective date 10/01/2024)"."""
    line = doc.line_at(match.start())
    return doc.text[line.start : match.start()].rstrip().endswith(("(", "["))


PROSE_AFTER = re.compile(r"[^\t\n]*")  # the rest of a date's cell, e.g. ", Health Alliance uses eviCore criteria to ..."
SENTENCE_BEFORE = re.compile(r"[\w)]\.[ \t]+$")  # e.g. "2. " before "Effective March 16, 2018."
LOWER_WORD = re.compile(r"(?<![\w/.])[a-z][a-z]+")  # e.g. "uses", "to" in "..., Health Alliance uses eviCore criteria to determine"


def _prose_after(doc: PolicyDoc, offset: int) -> bool:
    """The date's cell goes on with a sentence (more than a few words): "..., 2019, Health Alliance uses eviCore criteria to ..."."""
    rest = NOTE.sub(" ", DATE.sub(" ", LABEL.sub(" ", PROSE_AFTER.match(doc.text, offset).group(0))))
    return len(LOWER_WORD.findall(rest)) > METADATA_WORDS  # a header's next labels are capitalized ("Next Review Date Policy Number")


# e.g. "Version Issued Date: 01/06/2025", "MOST RECENT REVIEW DATE: 9/30/2025", "Version Reissued Date: N/A": a line that
# is a label and its value alone
LABEL_LINE = re.compile(r"[ \t]*(?P<label>[A-Z][A-Za-z/ -]{2,60}?)[ \t]*:[ \t]*(?P<value>[^\t\n]*?)[ \t.;]*$")
NO_VALUE = re.compile(r"(?i)n/?a|none|not\s+set|-+")  # e.g. "N/A" for a date never set


def _after_a_sentence(doc: PolicyDoc, offset: int) -> bool:
    """The label follows a sentence's end on its line ("NCD #90.2. Effective ..."): it opens a sentence of running text."""
    line = doc.line_at(offset)
    return bool(SENTENCE_BEFORE.search(doc.text, max(line.start, offset - 3), offset))


def _label_line(doc: PolicyDoc, line) -> str | None:
    """The label of a line that is "Label: date" (or "Label: N/A") alone, lowercased; None for any other line."""
    found = LABEL_LINE.fullmatch(doc.text, line.start, line.end)
    if found is None:
        return None
    value = found.start("value")
    parsed = labeled_value(doc.text, value, year_alone=False)
    if not (parsed is not None and parsed.end == found.end("value") or NO_VALUE.fullmatch(found.group("value"))):
        return None
    return " ".join(found.group("label").lower().split())


def _in_label_block(doc: PolicyDoc, match: re.Match) -> bool:
    """A line of a block of the policy's own dates printed after the references or the history: "Label: date" lines
    one over the other naming different dates ("ORIGINAL EFFECTIVE DATE: 9/30/2025" / "MOST RECENT REVIEW DATE: 9/30/2025"),
    never a history table's rows (those repeat their label: "Revised: 3/2019" / "Revised: 4/2020")."""
    index = doc.line_index(match.start())
    own = _label_line(doc, doc.lines[index])
    if own is None:
        return False
    neighbours = [next((l for l in doc.lines[index + 1 : index + 3] if not l.is_blank), None),
                  next((l for l in reversed(doc.lines[max(0, index - 2) : index]) if not l.is_blank), None)]
    return any(n is not None and _label_line(doc, n) not in (None, own) for n in neighbours)


def _stands_apart(doc: PolicyDoc, match: re.Match) -> bool:
    """A footer line: after a blank line, its label opening the line or a tab cell (after a company's name)."""
    index = doc.line_index(match.start())
    line = doc.lines[index]
    cell_start = max(line.start, doc.text.rfind("\t", line.start, match.start()) + 1)
    return (index == 0 or doc.lines[index - 1].is_blank) and bool(OPENING_WORDS.fullmatch(doc.text, cell_start, match.start()))


def _listed(doc: PolicyDoc, match: re.Match, found: list[ParsedDate]) -> list[ParsedDate]:
    """A label over a list of dates ("Reviewed 12/2021, 7/2022, 1/2023"; "7/24 (note); 9/24"), on to the
    same tab column of the lines below when the label heads a column ("Revision Date(s): June 5, 2012;<TAB>
    ..." over "January 15, 2013; May 10, 2013<TAB>...")."""
    text = doc.text
    found, cursor = list(found), found[-1].end
    while (comma := DATE_LIST.match(text, cursor)) is not None:
        nxt = labeled_value(text, comma.end(), year_alone=False)
        if nxt is None:
            break
        found.append(nxt)
        cursor = nxt.end
    line = doc.line_at(match.start())
    # the label's cell holds its dates ("Revision Date(s): June 5, 2012;<TAB>"); a "Label<TAB>date" pair is a row, not a column's head
    if "\t" in line.text and doc.line_at(cursor).start == line.start and "\t" not in text[match.start() : cursor]:
        column = text.count("\t", line.start, match.start())
        for below in doc.lines[doc.line_index(line.start) + 1 : doc.line_index(line.start) + 12]:
            cells = below.text.split("\t")
            start = below.start + sum(len(c) + 1 for c in cells[:column])
            dates = _dates_only(text, start, start + len(cells[column])) if column < len(cells) else None
            if not dates:
                break
            found += dates
    return found


def _dates_only(text: str, start: int, end: int) -> list[ParsedDate] | None:
    """The dates of a cell that holds nothing else ("January 15, 2013; May 10, 2013;"), or None."""
    found, cursor = [], start
    while True:
        cursor = re.compile(r"[ \t,;.]*").match(text, cursor, end).end()
        if cursor >= end:
            return found or None
        parsed = labeled_value(text, cursor, year_alone=False)
        if parsed is None or parsed.end > end:
            return None
        found.append(parsed)
        cursor = parsed.end


def _bulleted(doc: PolicyDoc, match: re.Match) -> list[ParsedDate]:
    """A label ending its line over a bulleted list: the bullets that are a date alone ("Re-Review Date(s):"
    over "o June 21, 2023" / "o Concert Genetics Effective Date: ..." / "o December 19, 2024")."""
    text = doc.text
    line = doc.line_at(match.start())
    if not LABEL_ENDS_LINE.fullmatch(text, match.end(), line.end):
        return []
    found = []
    for below in doc.lines[doc.line_index(line.start) + 1 : doc.line_index(line.start) + 60]:
        if below.is_blank:
            continue  # e.g. a page break inside the list
        if below.bullet is None:
            break
        parsed = labeled_value(text, below.content_start, year_alone=False)
        if parsed and not text[parsed.end : below.end].strip(" \t.;"):
            found.append(parsed)
    return found


def _stacked(doc: PolicyDoc, match: re.Match, narrative: bool) -> list[ParsedDate]:
    """A two-column header glued into one line of labels ("Policy Name: MedicaEffective Date:") over its
    value lines ("Genetic Testing: Pharmacogenetics" / "January 01, 2025"): the value line in the label's place."""
    text = doc.text
    line = doc.line_at(match.start())
    if narrative or not LABEL_ENDS_LINE.fullmatch(text, match.end(), line.end):
        return []
    place = text.count(":", line.start, match.start())  # labels before this one on the line
    if place == 0:
        return []
    values = [l for l in doc.lines[doc.line_index(line.start) + 1 : doc.line_index(line.start) + 2 * place + 4] if not l.is_blank]
    if place >= len(values):
        return []
    value = values[place]
    parsed = labeled_value(text, value.content_start, year_alone=False)
    return [parsed] if parsed and not text[parsed.end : value.end].strip() else []


def _date_before_label(doc: PolicyDoc, match: re.Match, field: str) -> ParsedDate | None:
    """A row that prints its date before the label filling the rest of it: "08/15/19" over "• Original
    effective date", "08/15/19 Original effective date", or a row of a few words whose last date is the label's
    ("Created 09/21/2022 02/12/2023 IMPP review. Original effective date.": review date, then effective date), for
    an original effective date only (a row "June 2012: Effective date." is when the policy began, no current version)."""
    text = doc.text
    index = doc.line_index(match.start())
    line = doc.lines[index]
    before = text[line.content_start : match.start()]
    if text[match.end() : line.end].strip(" \t.") or before.strip() and not DATE.fullmatch(before.strip()) and not (field == "original_effective" and _dated_row(before)):
        return None
    if before.strip():
        found = [m for m in DATE.finditer(text, line.content_start, match.start()) if parse_match(m)]
        return parse_match(found[-1]) if found else None
    previous = next((l for l in reversed(doc.lines[max(0, index - 2) : index]) if not l.is_blank), None)
    if previous is None:
        return None
    found = DATE.fullmatch(previous.text.strip())
    if found is None:
        return None
    parsed = parse_match(found)
    offset = previous.start + len(previous.text) - len(previous.text.lstrip())
    return ParsedDate(parsed.value, parsed.precision, parsed.start + offset, parsed.end + offset) if parsed else None


def _dated_row(before: str) -> bool:
    """Dates and a few words at most ("Created 09/21/2022 02/12/2023 IMPP review. "): a history row's cells before its label."""
    return bool(DATE.search(before)) and len(re.findall(r"[A-Za-z]{2,}", DATE.sub(" ", before))) <= METADATA_WORDS


def _colon_after(text: str, offset: int) -> bool:
    """The label ends with its colon ("Reviewed/Revised:", "Revised Dates:"), not a history row's status word ("Revised 10/28/2024")."""
    return bool(re.match(r"(?:\(s\)|s)?[ \t]*:", text[offset : offset + 8]))


def _opens_line(doc: PolicyDoc, offset: int) -> bool:
    return not doc.text[doc.line_at(offset).start : offset].strip()


def _opens_cell(doc: PolicyDoc, offset: int) -> bool:
    line = doc.line_at(offset)
    return not doc.text[max(line.start, doc.text.rfind("\t", line.start, offset) + 1) : offset].strip()


TABLE_LABELS = [(field, re.compile(rf"^\s*(?:{pattern})\s*:?\s*$")) for field, _, pattern in LABELS]


def _table_columns(doc: PolicyDoc) -> list[DateMention]:
    """A header row of date labels in tab-separated cells over a row of dates: 'Date Created<TAB>Date Reviewed', or
    labels split over two rows ('Creation<TAB>Review<TAB>Effective' over 'Date:<TAB>Date:<TAB>Date:')."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text:
            continue
        headers, below = line.text.split("\t"), i + 1
        if not any(p.match(c) for c in headers for _, p in TABLE_LABELS):
            headers = _split_labels(doc, i)
            if headers is None:
                continue
            below = i + 2
        if doc.section_label_at(line.start) in {"references", "websites"}:
            continue
        if find_dates(doc.text, line.start, line.end):
            continue  # a "Label<TAB>date" pair ("Date Revised<TAB>06/05/2019"), not a header row over a row of dates
        row = next((l for l in lines[below : below + 2] if not l.is_blank), None)
        if row is None:
            continue
        cells = _cells(row)
        for column, header in enumerate(headers):
            field = next((f for f, p in TABLE_LABELS if p.match(header)), None)
            if field is None or column >= len(cells):
                continue
            start, end = cells[column]
            dates = find_dates(doc.text, start, end)
            for one in field.split("+") if dates else ():
                chosen = min(dates, key=lambda d: d.value) if one in {"created", "original_effective"} else max(dates, key=lambda d: d.value)
                out.append(DateMention(one, -1, " ".join(header.split()), chosen, "structure"))
    return out


SPLIT_LABEL_HALF = re.compile(r"(?i)\s*(?:date|dates|date\s*\(s\))\s*:?\s*")  # e.g. "Date:" under "Creation"


def _split_labels(doc: PolicyDoc, index: int) -> list[str] | None:
    """Labels printed over two rows of cells ("Creation<TAB>Review" over "Date:<TAB>Date:"): each column's two
    halves joined, when the second row is "Date" cells only and a joined cell is a date label; else None."""
    lines = doc.lines
    if index + 1 >= len(lines):
        return None
    top, bottom = lines[index].text.split("\t"), lines[index + 1].text.split("\t")
    if len(top) != len(bottom) or not any(SPLIT_LABEL_HALF.fullmatch(c) for c in bottom):
        return None
    joined = [f"{a.strip()} {b.strip()}" if SPLIT_LABEL_HALF.fullmatch(b) else "" for a, b in zip(top, bottom)]
    return joined if any(p.match(c) for c in joined for _, p in TABLE_LABELS) else None


def _cells(line) -> list[tuple[int, int]]:
    cells, start = [], line.start
    for cell in line.text.split("\t"):
        cells.append((start, start + len(cell)))
        start += len(cell) + 1
    return cells
