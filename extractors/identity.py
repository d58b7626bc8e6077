"""Policy number and version as the document prints them, and the title (see titles.py).

Number: a labeled id ("Policy Number:", "Document #:", "Guideline #:", "Medical Policy:") or the id of a
"CMM-204: Prolotherapy" title line. Only the letterhead region and non-narrative sections count.
"""

from __future__ import annotations

import re

from extractors import titles
from extractors import document
from extractors.document import PolicyDoc
from extractors.models import Policy

# the id itself, e.g. "2026T0553II", "MP 7.01.06", "CP.MP.239", "HUM‐0381‐026" (U+2010 hyphens), "2024 P 1234-5"
VALUE = r"(?P<number>\d{4} [A-Z] \d{3,5}(?:-\d{1,3})?(?![\w.-])|(?:[A-Z]{1,4} (?=\d))?[A-Z0-9][A-Z0-9._/\u2010-\u2014-]{1,24}[A-Z0-9])"
# e.g. "Policy Number: 2026T0553II", "Document #: RAD.00057", "Guideline #: CG-MED-62", "Medical Policy: 02.01.18",
# "Reference Number: CP.MP.239", "Coverage Policy Number..........IP0652"
NUMBER_LABEL = re.compile(
    r"(?:(?<![\w-])(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate|Pharmacy)\s+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol|Criteria|Determination|LCD|LCA|NCD|Article|CPB|Reference)\s*"
    r"(?:Number|No\.?|Num\.?|ID|#)?|^[ \t]*Number)"  # e.g. "LCD ID", or a bare "Number:" opening a line (Aetna)
    r"(?:[ \t]*[.…]{2,}|[ \t]*(?:#[ \t]*)?[:#]|[ \t]+[-–—](?=[ \t]+[A-Z]{0,5}[ \t]?\d)|(?<=ID)|(?<=CPB)|(?<=Number)|(?<=No\.))[ \t]*"  # e.g. ": ", " #: ", " ..... ", " – 7.01.551"
    + VALUE + r"(?![\w.-])",
    re.I | re.M,
)
# A label alone on its line and the id alone on the next (one blank line allowed): web pages and PDF
# tables print them so. The label must say it is an id (Number, No., ID, #) or end with ":".
# e.g. "LCD ID\nL33707", "Medical Policy:\nZ-67-096", "Policy Number\n\n2026T0553II"
NUMBER_NEXT_LINE = re.compile(
    r"^[ \t]*(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate)[ \t]+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol|LCD|LCA|NCD|Article|CPB)"
    r"(?:[ \t]*(?:Number|No\.|ID|\#)[ \t]*:?|[ \t]*:)[ \t]*\n(?:[ \t]*\n)?"
    r"[ \t]*" + VALUE + r"[ \t]*$",
    re.I | re.M,
)
DASHES = re.compile(r"[\u2010-\u2014]")  # e.g. "HUM‐0381‐026" printed with U+2010 hyphens
# e.g. "GT20", "O1120.3" (".docx" left out), "SUR716.015": an id-shaped token of a running line
RUNNING_ID = re.compile(r"(?<![\w.\-])(?P<number>(?=[\w.\-]*\d)(?=[\w.\-]*[A-Z])[A-Z][A-Z0-9]*(?:[.\-][A-Z0-9]+)*)(?:\.(?:docx?|pdf))?(?![\w\-]|\.\w)")
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
    found = _labeled_number(doc)
    basis = "label"
    if found is None:
        found, basis = _id_title_number(doc) or _lone_id(doc) or _running_id(doc), "structure"
    if found is None:
        return None
    value, span = found
    return DASHES.sub("-", value), span, basis


def _labeled_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    # e.g. "Number: 04/05/2011" is a date; alone on the line under its label, "2024" is a year
    for pattern, not_an_id in ((NUMBER_LABEL, r"\d{1,2}/\d{1,2}/\d{2,4}"), (NUMBER_NEXT_LINE, r"(?:19|20)\d\d|\d{1,2}/\d{1,2}/\d{2,4}")):
        for match in pattern.finditer(doc.text):
            value = match.group("number")
            if _allowed(doc, match.start()) and re.search(r"\d", value) and not re.fullmatch(not_an_id, value):
                return value, match.span("number")
    return None


def _id_title_number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for match in titles.ID_TITLE_LINE.finditer(doc.text):
        if _allowed(doc, match.start()):
            return match.group("number"), match.span("number")
    return None


def _lone_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id printed alone on a line of the letterhead, right above the title ("BSC2.18")."""
    found = titles.lone_id_line(doc)
    if found is None:
        return None
    match = titles.LONE_ID.match(found.text)
    return match.group("number"), (found.start + match.start("number"), found.start + match.end("number"))


def _running_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """An id in a running header or footer beside the page counter ("GT20 | 1", "O1120.3.docx  Page 1 of 17")."""
    for start, end in doc.source.furniture:
        line = doc.text[start:end]
        if not PAGE_COUNTER.search(line):
            continue
        for match in RUNNING_ID.finditer(line):
            value = match.group("number")
            if not titles.CODE_SHAPED.fullmatch(value) and not re.fullmatch(r"(?i)page|\d+", value):
                return value, (start + match.start("number"), start + match.end("number"))
    return None


def _version(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for match in VERSION.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        return match.group("version"), match.span("version")
    return None
