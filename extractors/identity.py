"""Policy number and version as the document prints them, and the title (see titles.py).

Number, the first found of:
1. a labeled id ("Policy Number:", "Program Number<TAB>2026 P 2168-11", "Document #:", "Doc ID:", "Guideline #:", "Medical Policy:", "Manual Section
   Number\n90.2", a series acronym "MNG #: 110"; not another policy's "Cross Reference: CMP-054"), a label cell
   beside its value cell ("Coverage Policy<TAB>Medical 34E"), or the value cell under a header cell naming a
   number ("Policy Name & Number" over "Genetic Testing-OH MCD-MM-0003");
2. the id of a title line ("CMM-204: Prolotherapy", "FEP 2.04.141 Circulating Tumor DNA", "Genetic Testing<TAB>MP9012",
   "Liquid Biopsy - CAM 273"), an id glued to a labeled title ("Policy Name: Genetic Testing: Hearing Loss MP9594"),
   in parentheses after it ("Prenatal Testing (CG043, Ver. 10)"), after a "#" ("... - # 007") or opening its line
   ("BSC_CON_2.05 Oncology: ...");
3. an id alone on a letterhead line (above the title, or the document's first line: "09-J0000-66"), a
   manual's "Chapter 6 / Section 3.1" lines, an id alone beside the page counter of a running line.
Without a label an id needs an id's shape (see `number_like`): a gene symbol opening the title ("KIF6
Genotyping ...") is not one. Only the letterhead region and non-narrative sections count.
"""

from __future__ import annotations

import re

from extractors import titles
from extractors import document
from extractors.document import PolicyDoc
from extractors.models import Policy

# the id itself, e.g. "2026T0553II", "MP 7.01.06", "CP.MP.239", "HUM‐0381‐026" (U+2010 hyphens), "2024 P 1234-5"
VALUE = r"(?P<number>\d{4} [A-Z] \d{3,5}(?:-\d{1,3})?(?![\w.-])|(?:(?:[A-Z]{1,4}|(?-i:[A-Z]{5,12})) (?=\d))?[A-Z0-9][A-Z0-9._/\u2010-\u2014-]{1,24}[A-Z0-9])"
# (a series in capitals may open it: "LABORATORY 021.15")
# e.g. "Policy Number: 2026T0553II", "Program Number<TAB>2026 P 2168-11" (a label opening its line), "Document #: RAD.00057", "Guideline #: CG-MED-62", "Medical Policy: 02.01.18",
# "Reference Number: CP.MP.239", "Coverage Policy Number..........IP0652"
NUMBER_LABEL = re.compile(
    r"(?:(?<![\w-])(?<!Cross[ \t])(?<!Cross-)(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate|Pharmacy)\s+)?"
    r"(?:Policy|Document|Doc|Guideline|Bulletin|Protocol|Criteria|Determination|LCD|LCA|NCD|Article|CPB|Reference)\s*"
    r"(?:Number|No\.?|Num\.?|ID|#)?|^[ \t]*(?:Program[ \t]+(?:Number|No\.|ID|\#)|Number))"  # e.g. "LCD ID", or a bare "Number:" opening a line (Aetna)
    r"(?:[ \t]*[.…]{2,}|[ \t]*(?:#[ \t]*)?[:#]|[ \t]+[-–—](?=[ \t]+[A-Z]{0,5}[ \t]?\d)|(?<=ID)|(?<=CPB)|(?<=Number)|(?<=No\.))[ \t]*"  # e.g. ": ", " #: ", " ..... ", " – 7.01.551"
    r"(?:Ref(?:erence)?[ \t]*(?:\#|No\.?|Number)[ \t]*:[ \t]*)?"  # the label printed twice: e.g. "Reference #: Ref #: DD 2024-H1-A"
    + VALUE + r"(?![\w.-])",
    re.I | re.M,
)  # not "CMP Cross Reference: CMP-054" (another policy's id); "Doc ID: GEN03-1125.1-UC0126"
# A series acronym as the label of its number, in a label cell opening a line. e.g. "MNG #: 110", "CMP #: 007"
SERIES_NUMBER = re.compile(r"^[ \t]*(?P<series>[A-Z]{2,5})[ \t]*\#[ \t]*:?[ \t]*(?P<number>\d{1,6}|[A-Z]{0,4}[-.]?\d{1,6}(?:[-.][A-Z0-9]{1,6})?)(?=[ \t]*(?:\t|$))", re.M)
# the words NUMBER_LABEL opens with, over doc.lower: a cheap scan for where it may match ((?i) tried at every
# position costs more than the rest of the id reading). e.g. "policy" in "Policy Number: 123"
NUMBER_LABEL_START = re.compile(
    r"(?<![\w-])(?:medical|clinical|coverage|reimbursement|payment|corporate|pharmacy|policy|doc|guideline|bulletin|"
    r"protocol|criteria|determination|lcd|lca|ncd|article|cpb|reference|number|program)"
)
# A label alone on its line and the id alone on the next (one blank line allowed): web pages and PDF
# tables print them so. The label must say it is an id (Number, No., ID, #) or end with ":".
# e.g. "LCD ID\nL33707", "Medical Policy:\nZ-67-096", "Policy Number\n\n2026T0553II", "Manual Section Number\n90.2" (an NCD)
NUMBER_NEXT_LINE = re.compile(
    r"^[ \t]*(?:(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate)[ \t]+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol|LCD|LCA|NCD|Article|CPB)"
    r"(?:[ \t]*(?:Number|No\.|ID|\#)[ \t]*:?|[ \t]*:)|Manual[ \t]+Section[ \t]+Number[ \t]*:?)[ \t]*\n(?:[ \t]*\n)?"
    r"[ \t]*" + VALUE + r"[ \t]*(?:\t|$)",
    re.I | re.M,
)  # the value may open a row of cells: "Policy Number\nPP029POL<TAB>Annual Approval Date<TAB>October 1, 2024"
# A label cell and its value in the next cell of the same row: PDF tables print them so. The value may
# open with a word, part of the id as printed ("Medical 34E", "Surgical 15": a series and its number).
# e.g. "Coverage Policy<TAB>Medical 34E", "Policy ID<TAB>MP-12"
NUMBER_CELL = re.compile(
    r"^[ \t]*(?i:(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate|Pharmacy)[ \t]+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol)(?:[ \t]+(?:Number|No\.?|ID|\#))?)[ \t]*\t[ \t]*"
    r"(?P<number>(?:[A-Z][a-z]{1,12}[ \t]+)?(?P<id>[A-Z0-9][A-Z0-9._/-]{0,24}[A-Z0-9]))[ \t]*(?:\t|$)",
    re.M,
)
# A manual's chapter and section on two letterhead lines. e.g. "Chapter 6\nSection 3.1" (TRICARE Policy Manual)
CHAPTER_SECTION = re.compile(r"^[ \t]*Chapter[ \t]+\d{1,3}[ \t]*\n[ \t]*Section[ \t]+\d{1,3}(?:\.\d{1,3})*[ \t]*$", re.M)
# An id alone on the first line: letters and digits in groups. e.g. "09-J0000-66", "MP-010-MD-PA"
FIRST_LINE_ID = re.compile(r"^[ \t]*(?P<number>(?=[\w.-]*\d)[A-Z0-9]{1,8}(?:[.-][A-Z0-9]{1,8}){1,3})[ \t]*$")
# A header cell that names the id: "Policy Number", "Policy Name & Number", "Guideline #"
NUMBER_HEADER = re.compile(r"(?i)^(?!.*\b(?:prior|previous|former|replaced|related)\b).*(?:\b(?:number|no\.|id)\b|\#)")
DASHES = re.compile(r"[\u2010-\u2014]")  # e.g. "HUM‐0381‐026" printed with U+2010 hyphens
# e.g. "GT20", "O1120.3" (".docx" left out), "SUR716.015": an id-shaped token of a running line
RUNNING_ID = re.compile(r"(?<![\w.\-])(?P<number>(?=[\w.\-]*\d)(?=[\w.\-]*[A-Z])[A-Z][A-Z0-9]*(?:[.\-][A-Z0-9]+)*)(?:\.(?:docx?|pdf))?(?![\w\-]|\.\w)")
CELL_EDGE = re.compile(r"\t|\||[ ]{2,}")  # e.g. the tab in "GT20<TAB>Page 1 of 3", the bar in "GT20 | 1"
PAGE_COUNTER = re.compile(r"(?i)\bpage\s*:?\s*\d+|\|\s*\d+\s*$|^\s*\d+\s*\||\b\d+\s+of\s+\d+\b")  # e.g. "Page 1 of 17", "GT20 | 1"
VERSION = re.compile(r"(?<![\w-])(?:Version|Ver\.)[ \t]*:?[ \t]*(?P<version>\d+(?:\.\d+){0,3}|[A-Z]{0,2}\d[\w.-]{0,15})(?![\w.-])")  # e.g. Version 1.0.2023, Ver. 3
LETTERHEAD = 3000  # chars
NARRATIVE = (document.NARRATIVE - {"instructions"}) | {"codes"}


def extract(doc: PolicyDoc) -> Policy:
    """The policy's number, title and version, and how the number and title were found."""
    number = _number(doc)
    title = titles.extract(doc)
    version = _version(doc)
    return Policy(
        number=number[0] if number else None,
        number_evidence=doc.evidence(*number[1]) if number else None,
        title=title[0] if title else None,
        title_evidence=doc.evidence(*title[1]) if title else None,
        version=version[0] if version else None,
        version_evidence=doc.evidence(*version[1]) if version else None,
        number_basis=number[2] if number else None,
        title_basis=title[2] if title else None,
    )


def _allowed(doc: PolicyDoc, offset: int) -> bool:
    return offset < LETTERHEAD or doc.section_label_at(offset) not in NARRATIVE


def _number(doc: PolicyDoc) -> tuple[str, tuple[int, int], str] | None:
    found = _labeled_number(doc) or _number_cell(doc) or _header_cell_number(doc)
    basis = "label"
    if found is None:
        found, basis = (
            _id_title_number(doc) or _title_glued_number(doc) or _title_leading_number(doc) or _lone_id(doc) or _first_line_id(doc) or _chapter_section(doc)
            or _running_id(doc)
        ), "structure"
    if found is None:
        return None
    value, span = found
    return DASHES.sub("-", value), span, basis


def _labeled_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    # e.g. "Number: 04/05/2011" is a date; alone on the line under its label, "2024" is a year
    for pattern, not_an_id in ((NUMBER_LABEL, r"\d{1,2}/\d{1,2}/\d{2,4}"), (NUMBER_NEXT_LINE, r"(?:19|20)\d\d|\d{1,2}/\d{1,2}/\d{2,4}")):
        for match in _number_labels(doc) if pattern is NUMBER_LABEL else pattern.finditer(doc.text):
            value = match.group("number")
            if _allowed(doc, match.start()) and re.search(r"\d", value) and not re.fullmatch(not_an_id, value):
                return value, match.span("number")
    for match in SERIES_NUMBER.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        return match.group("number"), match.span("number")
    return None


def _number_labels(doc: PolicyDoc):
    """NUMBER_LABEL.finditer(doc.text), tried only where one of its opening words starts (or at the start of
    a line that opens with "Number"): the same matches, in order, without overlaps."""
    text, taken = doc.text, 0
    for start in NUMBER_LABEL_START.finditer(doc.lower):
        position = start.start()
        if position < taken:
            continue
        line_start = text.rfind("\n", 0, position) + 1
        if start.group(0) in ("number", "program") and not text[line_start:position].strip(" \t") and line_start >= taken:
            position = line_start  # e.g. "   Number: 0012" (the bare label opens its line)
        match = NUMBER_LABEL.match(text, position) or (NUMBER_LABEL.match(text, start.start()) if position != start.start() else None)
        if match:
            taken = match.end()
            yield match


def _number_cell(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A label cell with the id in the next cell of its row ("Coverage Policy<TAB>Medical 34E")."""
    for match in NUMBER_CELL.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        value = match.group("id")
        if re.search(r"\d", value) and not titles.NOT_AN_ID.fullmatch(value):
            return match.group("number"), match.span("number")
    return None


def _header_cell_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """The value cell under a header cell naming the id: the whole cell, or the id glued to the title when
    the header names both ("Policy Name & Number" over "Genetic Testing and Counseling-OH MCD-MM-0003")."""
    for header, start, end in titles.header_cells(doc):
        if not NUMBER_HEADER.search(header):
            continue
        cell = doc.text[start:end]
        glued = titles.trailing_id(cell) if titles.TITLE_HEADER.search(header) else None
        if glued:
            first = glued.start("prefix") if glued.groupdict().get("prefix") else glued.start("number")
            return " ".join(cell[first : glued.end("number")].split()), (start + first, start + glued.end("number"))
        whole = re.fullmatch(r"[ \t]*" + VALUE + r"[ \t]*", cell, re.I)
        if whole and re.search(r"\d", whole.group("number")) and not titles.NOT_AN_ID.fullmatch(whole.group("number")):
            return whole.group("number"), (start + whole.start("number"), start + whole.end("number"))
    return None


def _id_title_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for match in titles.ID_TITLE_LINE.finditer(doc.text):
        if _allowed(doc, match.start()):
            return match.group("number"), match.span("number")
    for match in titles.ACRONYM_ID_TITLE_LINE.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        if _allowed(doc, match.start()):
            return match.group("number"), match.span("number")
    match = titles.title_id_cells(doc) or titles.headed_id_title(doc)  # e.g. "Genetic Testing<TAB>MP9012", "Liquid Biopsy - CAM 273"
    return (match.group("number"), match.span("number")) if match else None


def _title_glued_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id printed at the end of the title ("Policy Name: Genetic Testing: Hearing Loss MP9594",
    "Oscar Clinical Guideline: Prenatal Testing (CG043, Ver. 10)"): on the title's line, or on a
    document-type line of the letterhead that names the title."""
    title = titles.extract(doc)
    lines = [doc.line_at(max(title[1][0], title[1][1] - 1))] if title else []  # its last line
    lines += [doc.line_at(m.start()) for m in titles.DOC_TYPE.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)) if m.group("title")]
    for line in lines:
        glued = titles.trailing_id(line.text.rstrip())
        if glued:
            first = glued.start("prefix") if "prefix" in glued.groupdict() and glued.group("prefix") else glued.start("number")
            return " ".join(line.text[first : glued.end("number")].split()), (line.start + first, line.start + glued.end("number"))
    return None


def _title_leading_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id opening the title's line ("BSC_CON_2.05 Oncology: Algorithmic Testing", "PA.259.CC Genetic Testing")."""
    title = titles.extract(doc)
    if title is None:
        return None
    line = doc.line_at(title[1][0])
    match = titles.LEADING_ID.match(doc.text[line.content_start : line.end])
    if match and line.content_start + match.end() <= title[1][0] and titles.number_like(match.group("number")):
        return match.group("number"), (line.content_start + match.start("number"), line.content_start + match.end("number"))
    return None


def _lone_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id printed alone on a line of the letterhead, right above the title ("BSC2.18")."""
    found = titles.lone_id_line(doc)
    if found is None:
        return None
    match = titles.LONE_ID.match(found.text)
    return match.group("number"), (found.start + match.start("number"), found.start + match.end("number"))


def _first_line_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id alone on the document's first line, the corner of its letterhead ("09-J0000-66")."""
    first = next((line for line in doc.lines[:20] if not line.is_blank), None)
    match = FIRST_LINE_ID.match(first.text) if first else None
    if match and titles.number_like(match.group("number")):
        return match.group("number"), (first.start + match.start("number"), first.start + match.end("number"))
    return None


def _chapter_section(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A manual's "Chapter 6" over "Section 3.1" in the letterhead: the section's id, "Chapter 6 Section 3.1"."""
    match = CHAPTER_SECTION.search(doc.text, 0, min(len(doc.text), LETTERHEAD // 2))
    if match is None:
        return None
    start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
    return " ".join(match.group(0).split()), (start, match.end())


def _running_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id in a running header or footer beside the page counter ("GT20 | 1", "O1120.3.docx  Page 1 of 17")."""
    for start, end in doc.source.furniture:
        line = doc.text[start:end]
        if not PAGE_COUNTER.search(line):
            continue
        for match in RUNNING_ID.finditer(line):
            value = match.group("number")
            if titles.CODE_SHAPED.fullmatch(value) or re.fullmatch(r"(?i)page|\d+", value):
                continue
            if titles.number_like(value) or _alone_in_cell(line, match.start(), match.end()):
                return value, (start + match.start("number"), start + match.end("number"))
    return None


def _alone_in_cell(line: str, start: int, end: int) -> bool:
    """text[start:end] fills its cell of a running line (cells end at a tab, a "|" or a run of spaces): a
    short id such as "GT20" counts there, and not as the first word of a title ("KIF6 Genotyping ...")."""
    before = CELL_EDGE.split(line[:start])[-1]
    after = CELL_EDGE.split(line[end:])[0]
    return not before.strip() and not after.strip()


def _version(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for match in VERSION.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        return match.group("version"), match.span("version")
    return None
