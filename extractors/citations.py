"""References: the entries of the references section(s), each split out and parsed into fields.

Splitting follows the list's own markers: numbers ("1.", "[2]"; numbering may restart under each
sub-heading), bullets, or, for unnumbered lists, blank-line paragraphs. A list with neither markers
nor blank lines (one entry per line, or entries wrapped over lines as PDFs print them) is split
where a line closes a citation and the next opens one. Page furniture (running headers and footers
repeated across pages) is left out of the entries' text, so an entry may cross a page break;
sub-headings ("Peer Reviewed Publications:") close the entry above them. An entry glued to the
next one ("...13(4):369-378.Chopko BW. Long-term ...") is cut in two. Where a list ends before its section
does is in reference_bounds; a document without a list may cite in footnotes (footnotes). Parsing is in
citation_parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors.citation_parse import YEAR, author_run, opens_with_person, parse_reference
from extractors.document import NUMBERED, Line, PolicyDoc
from extractors.footnotes import footnote_references
from extractors.models import Reference
from extractors.reference_bounds import list_end, running_lines

NUMBER_ALONE = re.compile(r"^[ \t]*(?:\(?(\d{1,3})[.)]|\[(\d{1,3})\])[ \t]*$")  # e.g. "12." on its own line, the entry below it
# a number glued to its entry or set off by spaces only: "10.Rubin D, ...", "12     Scher HI, ..."
TIGHT_NUMBER = re.compile(r"^[ \t]*(?:\d{1,3}\.(?=[A-Z][A-Za-z])|\d{1,3}[ \t]{2,}(?=[A-Z]))")
RESOURCES = re.compile(r"(?i)^\W*resources\W*$")  # a "Resources" heading may head links or literature
# a sentence that introduces the list, e.g. "Links to the UCare contracts ... used to create this policy",
# "The following references were used ...", "Literature reviewed 11/21/24.", a literature search told before the list:
# "On November 29, 2023, we searched PubMed and ...", "A literature search of MEDLINE was conducted ..."
LEAD_IN = re.compile(
    r"(?i)^(?:links?\s+to\b|the\s+following\b|these\s+(?:references|sources)\b|below\s+are\b|literature\s+reviewed\b|sources?\s+(?:used|reviewed)\b"
    r"|(?:on\s+[\w ,.]{3,30}?,\s+)?we\s+(?:searched|(?:conducted|performed|updated)\s+(?:a|the|an)\b)|an?\s+(?:systematic\s+|updated\s+)?(?:literature\s+)?search\s+(?:of|was|for)\b)"
)
SUBHEADING = re.compile(r"^[A-Z][^.\n]{2,119}:$")  # e.g. "Peer Reviewed Publications:"
SUBHEADING_WORDS = 10  # "Government Agency, Medical Society, and Other Authoritative Publications:" has 9
# A line that can only continue an entry: lower-case, digit or punctuation start, or a citation's tail words.
# e.g. "with neurogenic claudication", "2021 May;9(5):...", ",CAL,NCD", "Available at:", "Erratum in: ...", "Aug 1;35(8)"
CONTINUATION = re.compile(
    r"^(?:[^\w\"“(\[]|[a-z0-9]|(?:Available|Accessed|Retrieved|Erratum|Comment|Updated|Epub|PMID|PMCID|doi|DOI|URL)\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*(?:\d|;|\]))"
)
JOURNAL_THEN_YEAR = re.compile(r"^[^.]{1,60}\.?\s+(?:[A-Z][a-z]{2}\s+)?(?:19|20)\d{2}[a-z]?\s*[;:(]")  # e.g. "Sleep. 2002 Dec; 25(8)"
TERMINAL = re.compile(r"(?:[.?!)\]]|\d\s*[-–]\s*\d+|PMID:?\s*\d+)$")  # e.g. "...:58-63.", "... 2015-2022", "PMID 26051574"
OPEN_END = re.compile(r"(?:[,;:&/(\-–]|\b(?:of|the|and|for|in|on|with|to|a|an|by|from|at|or|et al\.?|vs\.?))$", re.I)  # e.g. "... of"
URL_END = re.compile(r"(?:https?://|www\.)\S*$")  # e.g. "...view/ncd.aspx?"
# Two entries run together: a citation's last period directly followed by the next one's first author.
GLUED = re.compile(r"(?<=[\d)\]]\.)(?=[A-Z][\w'’\-]+,? [A-Z])")  # e.g. "369-378.Chopko BW." / "Brief).Farr J,"
# an author-date opening (APA): "American College of Obstetricians (ACOG). (2018).", "Hayes. (December 5, 2023)."
# "Agendia. (2024a).", "Andrade, D. (2023, September 29).", "NORD. (2024b, 01/25/2024).", "NICE. (n.d.).", "U.S. Food and Drug Administration. (2022, August)." (never a wrapped initial: "H. (2018).")
DATED_AUTHOR = re.compile(
    r"^(?:(?:[A-Z]\.){2,}|[A-Z][\w&'’-]+)[^()\n]{0,120}?(?:\([A-Z]{2,10}\))?\.?\s*\((?:(?:[A-Z][a-z]+\.?\s+(?:\d{1,2},\s+)?)?(?:19|20)\d{2}[a-z]?(?:,\s*(?:[A-Z][a-z]+\.?(?:\s+\d{1,2})?|\d{1,2}/\d{1,2}/\d{2,4}))?|n\.\s?d\.)\)"
)
# e.g. "Carelon Medical Benefits Management. Genetic ...", "U.S. Food and Drug Administration. Drugs@FDA ...",
# "Health Resources & Services Administration. Recommended ..."
ORG_OPENER = re.compile(r"^[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’-]*|of|and|for|the|on|in|&|\([A-Z][\w&]{1,12}\))){1,10}\.\s+[A-Z]")
# an organization as author, e.g. "National Comprehensive Cancer Network (NCCN) [Internet]. Clinical practice ..."
ORG_AUTHOR = re.compile(r"^[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|for|the|on|in|&|\([A-Z][\w&]{1,12}\)|\[[A-Za-z ]{3,20}\])){1,10}\.\s+[A-Z]")
NUMERIC_TAIL = re.compile(r"[\d)][ \t]*[:;]$")  # e.g. "J Natl Cancer Inst. 2019;111(6):" cut off before its pages
ADDRESS_TAIL = re.compile(r"^[^\s/]*/\S*$")  # e.g. "test/bbdrisk-dx/", "breast-cancer-index#": the wrapped end of an address
APA_YEAR_END = re.compile(r"\((?:19|20)\d{2}[a-z]?(?:,[^()]{1,30})?\)\.$")  # e.g. "... & Bremer, T. (2023)." (authors and year, no title yet)
APA_SOURCE_LINE = re.compile(r"^[A-Z][\w .&:'’-]{0,80},\s+\d+(?:\([^()]{1,12}\))?,\s+[A-Za-z]?\d+")  # e.g. "Lancet, 378(9793), 771-784."
YEAR_OPENING = re.compile(r"^\((?:19|20)\d{2}[a-z]?[,)]")  # e.g. "(2019). Re-interpretation of ..."
URL_TAIL = re.compile(r"^\S*[/\-_]\S*[A-Za-z0-9/]$")  # e.g. "screening-for-genetic-conditions": a web address's wrapped end
# a surname particle opening a line, e.g. "de ", "van der " (checked before the costlier author parse)
PARTICLE_START = re.compile(r"(?:d[aeiou]s?|del|della|der|den|la|le|van|von|ten|ter|bin|al|el)\s")
HYPHEN_END = re.compile(r"\w-$")  # e.g. "Image-" at a line end
SHORT_LINE = 0.7  # a line shorter than this share of the list's widest line was not wrapped (wrapped lines measure >= 0.74 on real PDFs)


@dataclass(frozen=True)
class Entry:
    start: int
    end: int
    text: str  # the entry's lines joined, furniture left out


@dataclass
class _Row:
    line: Line
    start: int
    end: int
    text: str
    number: int | None
    alone: bool  # the line is only a number ("12."), the entry follows on the next line
    bullet: bool
    gap_before: bool  # a blank line (not a page break) above it
    page_break_before: bool


@dataclass
class _Open:
    rows: list[_Row] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines([r.text for r in self.rows])


def join_lines(lines: list[str]) -> str:
    """Wrapped lines as one line; a line broken after a hyphen joins without a space ("Image-" + "Guided")."""
    out = ""
    for line in lines:
        out += line if HYPHEN_END.search(out) else (" " + line if out else line)
    return out


def extract(doc: PolicyDoc) -> list[Reference]:
    out: list[Reference] = []
    for section in doc.sections_labeled("references", "websites"):
        entries = [e for e in split_entries(doc, section.start, section.end) if len(" ".join(e.text.split())) >= 8]
        if section.label == "websites" and not (RESOURCES.match(doc.text[section.header_start : section.header_end]) and _literature(entries)):
            continue  # links to websites, not the literature the policy cites
        for entry in entries:
            text = " ".join(entry.text.split())
            out.append(Reference(text=text, evidence=doc.evidence(entry.start, entry.end), **parse_reference(text)))
    if not out:  # no reference list: citations may be printed as footnotes
        for note in footnote_references(doc):
            text = " ".join(join_lines(list(note.lines)).split())
            out.append(Reference(text=text, evidence=doc.evidence(note.start, note.end), **parse_reference(text)))
    return out


def _literature(entries: list[Entry]) -> bool:
    """A 'Resources' section that is a reference list: most entries cite a year, as literature does."""
    return len(entries) >= 2 and sum(bool(YEAR.search(e.text)) for e in entries) >= 0.6 * len(entries)


def split_entries(doc: PolicyDoc, start: int, end: int) -> list[Entry]:
    """The entries of the list printed in text[start:end], in order."""
    rows = _rows(doc, start, end)
    numbered = _is_numbered([r.number for r in rows if r.number is not None])
    rows = _lone_numbers(rows, numbered)
    bulleted = not numbered and sum(r.bullet for r in rows) >= 2
    gapped = not (numbered or bulleted) and any(r.gap_before for r in rows[1:])
    width = max((len(r.text) for r in rows), default=0)
    entries: list[_Open | None] = []
    next_numbers: list[int | None] = [None] * len(rows)  # the number of the next numbered row below each row
    for i in range(len(rows) - 2, -1, -1):
        following = rows[i + 1]
        next_numbers[i] = following.number if following.number is not None else next_numbers[i + 1]
    last_number = 0
    lead_in = False
    for i, row in enumerate(rows):
        current = entries[-1] if entries else None
        if _is_subheading(row, current, rows[i + 1] if i + 1 < len(rows) else None):
            entries.append(None)  # a sub-heading closes the entry above it
            last_number = 0
            continue
        if current is None:
            new = True
            if (numbered or bulleted) and row.number is None and not row.bullet and (entries or not _looks_like_citation(row.text)):
                continue  # a lead-in line before the first marker, or text after the list's last sub-heading
            if not entries and (LEAD_IN.match(row.text) or (lead_in and not (row.gap_before or row.page_break_before))):
                lead_in = True
                continue  # e.g. "Links to the plan's contracts ... / ... used to create this policy"
        elif numbered:
            # a number printed twice ("4." then "4.", a numbering slip) opens an entry too; one that jumps ahead while
            # the next marker counts on from the last ("64." / "... 360-" / "367. PMID" / "65.") is a wrapped page number
            new = row.number is not None and (row.number == 1 or last_number < row.number <= last_number + 3 or row.number == last_number > 0)
            if new and row.number > last_number + 1 and next_numbers[i] == last_number + 1:
                new = False
        elif bulleted:
            new = row.bullet
        elif gapped:
            new = row.gap_before or (_starts_entry(current, row, width) and (row.page_break_before or _opens(current, row)))
        else:
            new = _starts_entry(current, row, width)
        if new:
            entries.append(_Open([row]))
            last_number = row.number if row.number is not None else last_number
        else:
            current.rows.append(row)
    out: list[Entry] = []
    for entry in entries:
        if entry is not None:
            out.extend(_unglue(doc, entry))
    return out


# --- rows ---------------------------------------------------------------------------------------


def _rows(doc: PolicyDoc, start: int, end: int) -> list[_Row]:
    """The section's content lines, markers stripped, furniture dropped, gaps and page breaks noted."""
    furniture = doc.furniture_lines
    lines = doc.lines_between(start, end)
    end = list_end(doc, lines, start, end)
    running = running_lines(doc, start, end)
    rows: list[_Row] = []
    gap = header = False
    for line in lines:
        if line.start >= end:
            break
        if line.is_blank:
            gap = True
            continue
        if line.start in furniture:
            continue
        if line.text.strip() in running:
            header = True  # a running header printed in the text: a page break, not a gap between entries
            continue
        a, b = max(line.content_start, start), min(line.end, end)
        text = doc.text[a:b].strip()
        if not text:
            continue
        a += len(doc.text[a:b]) - len(doc.text[a:b].lstrip())
        marker = NUMBERED.match(line.text) or NUMBER_ALONE.match(line.text) or TIGHT_NUMBER.match(line.text)
        number = int(re.sub(r"\D", "", marker.group(0))) if marker else None
        if marker and marker.re is TIGHT_NUMBER:
            a = max(a, line.start + marker.end())
            text = doc.text[a:b].strip()
        page_break = bool(rows) and (header or doc.page_of(rows[-1].start) != doc.page_of(a))
        rows.append(
            _Row(line, a, a + len(text), text, number, bool(NUMBER_ALONE.match(line.text)), line.bullet is not None,
                 gap and not page_break and bool(rows), page_break)
        )
        gap = header = False
    return rows


def _is_numbered(numbers: list[int]) -> bool:
    """At least two markers, and most of them count on from the one before or restart at 1 (the first may
    be any number: a list continued under its own heading, "Additional References" / "61. ...")."""
    steps, last = 0, 0
    for n in numbers:  # an outlier ("182." opening a wrapped "182. PMID: ...") does not break the count
        if n == 1 or last < n <= last + 2 or not steps:  # a number lost at a page break ("11." then "13.") still counts on
            steps, last = steps + 1, n
    return len(numbers) >= 2 and steps >= 0.8 * len(numbers)


def _lone_numbers(rows: list[_Row], numbered: bool) -> list[_Row]:
    """A lone "12." that continues the numbering numbers the row below it; otherwise it is text ("369." ending "362-")."""
    out: list[_Row] = []
    pending, last = None, 0
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        if row.alone and numbered and row.number in (1, last + 1) and following is not None and following.number is None:
            pending = last = row.number
            continue
        if row.alone or pending is not None:
            row = replace(row, number=pending, alone=False)
        elif row.number is not None:
            last = row.number
        out.append(row)
        pending = None
    return out


# --- where entries start -----------------------------------------------------------------------


def _starts_entry(current: _Open, row: _Row, width: int) -> bool:
    """Without markers or gaps: does `row` open a new citation rather than continue the wrapped one above?"""
    previous = current.rows[-1].text
    if (CONTINUATION.match(row.text) and not _particle_author(row.text)) or JOURNAL_THEN_YEAR.match(row.text) or APA_SOURCE_LINE.match(row.text) or APA_YEAR_END.search(previous):
        return False  # (an APA title goes on below its authors' year: "... & Bremer, T. (2023)." / "Analytical validation ...")
    if YEAR_OPENING.match(row.text) and _authors_only(previous):
        return False  # an APA year on the line below its authors: "... & Bernard, P. S." / "(2019). Re-interpretation ..."
    opener = _opener(row.text)
    if URL_END.search(previous) or ADDRESS_TAIL.match(previous):
        if _after_address(current, row):
            return True  # a web address ends its entry, an organization opens the next one
        if not opener:
            return False  # a web address goes on, unless an author-date opening follows it
    elif OPEN_END.search(previous) and not (opener and NUMERIC_TAIL.search(previous) and YEAR.search(current.text)):
        return False  # an open end goes on, unless it is a citation's cut-off numbers and authors follow
    terminal = bool(TERMINAL.search(previous) or URL_TAIL.match(previous))
    if not (terminal or opener):
        return False
    return bool(YEAR.search(current.text)) or len(previous) < SHORT_LINE * width or (opener and terminal)


def _particle_author(text: str) -> bool:
    """A first author whose surname opens with a lower-case particle ("de Serres, F. J., Blanco, I., ...",
    "van der Berg JT, ..."): a new entry, though a lower-case start otherwise continues one."""
    return bool(PARTICLE_START.match(text)) and opens_with_person(text)


def _opener(text: str) -> bool:
    """A citation's first line: authors then a title, an author-date opening, or a line of authors only
    that goes on below ("Andre, F., Ismaila, N., Allison, K. H., ... Jhaveri, K.,")."""
    return opens_with_person(text) or bool(DATED_AUTHOR.match(text)) or _authors_only(text)


def _authors_only(text: str) -> bool:
    """A line that is all author names, two or more ("Blok, E. J., Bastiaannet, E., ... & van de Velde, C. J.")."""
    run = author_run(text)
    return run is not None and len(run[0]) >= 2 and run[1] >= len(text) - 1


def _opens(current: _Open, row: _Row) -> bool:
    """`row` reads as a citation's first line: authors, an author-date or organization opening."""
    return _opener(row.text) or bool(ORG_OPENER.match(row.text)) or _after_address(current, row)


def _after_address(current: _Open, row: _Row) -> bool:
    """An organization's citation right after a line that ends with a web address (which ends its entry)."""
    return bool(URL_END.search(current.rows[-1].text) and ORG_AUTHOR.match(row.text))


def _is_subheading(row: _Row, current: _Open | None, following: _Row | None) -> bool:
    """ "Peer Reviewed Publications:" between entries (never a wrapped "Available at:")."""
    if row.number is not None or row.bullet or YEAR.search(row.text) or CONTINUATION.match(row.text):
        return False
    closed = current is None or row.gap_before or bool(TERMINAL.search(current.rows[-1].text))
    if SUBHEADING.match(row.text):  # (not an APA title ending in ":" below its authors' year)
        return closed and len(row.text.split()) <= SUBHEADING_WORDS and not (current and APA_YEAR_END.search(current.rows[-1].text))
    # A short title-case line without punctuation right before a numbered entry, e.g. "Other Publications"
    words = row.text.split()
    return (
        closed
        and following is not None
        and following.number == 1
        and len(words) <= 8
        and not re.search(r"[.,;\d]", row.text)
        and all(w[0].isupper() or w in {"and", "of", "for", "the", "on", "in"} for w in words)
    )


def _looks_like_citation(text: str) -> bool:
    return bool(YEAR.search(text)) or opens_with_person(text)


def _unglue(doc: PolicyDoc, entry: _Open) -> list[Entry]:
    """Cut an entry where a citation's final period runs straight into the next citation's authors."""
    pieces: list[list[tuple[int, int]]] = [[]]
    for i, row in enumerate(entry.rows):
        a = row.start
        for match in GLUED.finditer(doc.text, row.start, row.end):
            before = " ".join(doc.text[s:e] for s, e in pieces[-1]) + " " + doc.text[a : match.start()]
            after = " ".join([doc.text[match.start() : row.end]] + [r.text for r in entry.rows[i + 1 :]])
            if YEAR.search(before) and opens_with_person(after):
                pieces[-1].append((a, match.start()))
                pieces.append([])
                a = match.start()
        pieces[-1].append((a, row.end))
    return [Entry(p[0][0], p[-1][1], join_lines([doc.text[s:e].strip() for s, e in p])) for p in pieces if p]
