"""Policy number, title and version, as the document prints them.

Number: a labeled id ("Policy Number:", "Document #:", "Guideline #:", "Medical Policy:") or the id of a
"CMM-204: Prolotherapy" title line. Title: a labeled title ("Subject:", "Title:"), the title of such an
id line, the line after a document-type line ("Medical Policy" / "Clinical Review Criteria"), a
document-type heading with a dash ("Cigna Medical Coverage Policies – Prolotherapy"), a title line
standing alone at the top, or last, the subject of the first coverage statement. Only the letterhead region and non-narrative sections count.
"""

from __future__ import annotations

import re

from extractors.document import PolicyDoc
from extractors.models import Policy

# e.g. "Policy Number: 2026T0553II", "Document #: RAD.00057", "Guideline #: CG-MED-62", "Medical Policy: 02.01.18"
NUMBER_LABEL = re.compile(
    r"(?:(?<![\w-])(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate|Pharmacy)\s+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol|Criteria|Determination|LCD|LCA|NCD|Article|CPB)\s*"
    r"(?:Number|No\.?|Num\.?|ID|#)?|^[ \t]*Number)"  # e.g. "LCD ID", or a bare "Number:" opening a line (Aetna)
    r"(?:[ \t]*\.{2,}|[ \t]*(?:#[ \t]*)?[:#]|[ \t]+[-–—](?=[ \t]+[A-Z]{0,5}[ \t]?\d)|(?<=ID)|(?<=CPB)|(?<=Number)|(?<=No\.))[ \t]*"  # e.g. ": ", " #: ", " ..... ", " – 7.01.551"
    r"(?P<number>(?:[A-Z]{1,4} (?=\d))?[A-Z0-9][A-Z0-9._/-]{1,24}[A-Z0-9])(?![\w.-])",  # e.g. "2026T0553II", "MP 7.01.06"
    re.I | re.M,
)
# A label alone on its line and the id alone on the next (one blank line allowed): web pages and PDF
# tables print them so. The label must say it is an id (Number, No., ID, #) or end with ":".
# e.g. "LCD ID\nL33707", "Medical Policy:\nZ-67-096", "Policy Number\n\n2026T0553II"
NUMBER_NEXT_LINE = re.compile(
    r"^[ \t]*(?:(?:Medical|Clinical|Coverage|Reimbursement|Payment|Corporate)[ \t]+)?"
    r"(?:Policy|Document|Guideline|Bulletin|Protocol|LCD|LCA|NCD|Article|CPB)"
    r"(?:[ \t]*(?:Number|No\.|ID|\#)[ \t]*:?|[ \t]*:)[ \t]*\n(?:[ \t]*\n)?"
    r"[ \t]*(?P<number>(?:[A-Z]{1,4} (?=\d))?[A-Z0-9][A-Z0-9._/-]{1,24}[A-Z0-9])[ \t]*$",
    re.I | re.M,
)
# e.g. "CMM-204: Prolotherapy", "SURG.00071 Percutaneous Spinal Surgery" (id then title on one line)
ID_TITLE_LINE = re.compile(r"^[ \t]*(?P<number>[A-Z]{2,6}[-.][A-Z]{0,5}[-.]?\d{2,5}(?:\.\d+)?)(?::[ \t]*|[ \t]+-[ \t]+)(?P<title>[A-Z][^\n]{2,150})$", re.M)
TITLE_LABEL = re.compile(
    r"^[ \t]*(?:Subject|Title|Policy\s+Title|Policy\s+Name|Topic|Guideline\s+Title|LCD\s+Title|Article\s+Title|"
    r"Clinical\s+Policy\s+Bulletin)(?:[ \t]*:[ \t]*|[ \t]*:?[ \t]*\n(?:[ \t]*\n)?[ \t]*)(?P<title>[^\n\t]{3,200}?)[ \t]*$",
    re.M | re.I,
)  # e.g. "Subject: Percutaneous Spinal Surgery", "LCD Title: Facet Joint Interventions", "LCD Title\nHeavy Metal Testing"
# Lines that name the kind of document, not its subject: the title is the next line.
DOC_TYPE = re.compile(
    r"^[ \t]*(?:[\w&®.,'-]+[ \t]+){0,6}?(?:Medical(?:[ \t]+Coverage)?[ \t]+Polic(?:y|ies)|Clinical[ \t]+(?:UM[ \t]+)?Guidelines?|"
    r"Coverage[ \t]+Polic(?:y|ies)|Clinical[ \t]+Review[ \t]+Criteria|Clinical[ \t]+Policy|Payment[ \t]+Policy|"
    r"Reimbursement[ \t]+Policy|Medical[ \t]+Guideline|Clinical[ \t]+Coverage[ \t]+Guideline|Medical[ \t]+Coverage[ \t]+Guideline|"
    r"Clinical[ \t]+Policy[ \t]+Bulletin|Local[ \t]+Coverage[ \t]+(?:Determination|Article)(?:[ \t]+\((?:LCD|LCA)\))?)[ \t]*"
    r"(?:[-–—:][ \t]*(?P<title>[^\n]{3,150}))?$",
    re.I | re.M,
)
METADATA_LINE = re.compile(r"\.{4,}|^[\w ]{2,40}:\s|\b\d{1,2}/\d{1,2}/\d{2,4}\b")  # e.g. "Effective Date ..... 4/15/2025", "Number: 0012"
VERSION = re.compile(r"(?<![\w-])(?:Version|Ver\.)[ \t]*:?[ \t]*(?P<version>\d+(?:\.\d+){0,3}|[A-Z]{0,2}\d[\w.-]{0,15})(?![\w.-])")  # e.g. Version 1.0.2023, Ver. 3
LETTERHEAD = 3000  # chars
NOT_TITLE = re.compile(r"(?i)^(?:policy|page|effective|table of contents|instructions for use|status|date|version|subject|"
                       r"(?:last|next|original|annual)\s+(?:review|revision|revised|reviewed|effective)|revision\s+dates?|review\s+date|"
                       r"(?:lcd|lca|ncd|article|document|guideline)\s+(?:id|number|no\.?|\#)(?!\w))|\d{1,2}/\d{1,2}/\d{2,4}|\.{4,}")
STATEMENT_SUBJECT = re.compile(r"^(?P<subject>[A-Z][\w/ ,()'-]{2,80}?)\s+(?:is|are)\s+(?:considered\s+)?(?:not\s+)?(?:INVESTIGATIONAL|investigational|experimental|unproven|medically|covered|a covered)", re.M)
NARRATIVE = frozenset({"references", "websites", "history", "description", "rationale", "definitions", "index", "codes"})


def extract(doc: PolicyDoc) -> Policy:
    number = _number(doc)
    title = _title(doc)
    version = _version(doc)
    return Policy(
        number=number[0] if number else None,
        number_evidence=doc.evidence(*number[1]) if number else None,
        title=title[0] if title else None,
        title_evidence=doc.evidence(*title[1]) if title else None,
        version=version[0] if version else None,
        version_evidence=doc.evidence(*version[1]) if version else None,
    )


def _allowed(doc: PolicyDoc, offset: int) -> bool:
    return offset < LETTERHEAD or doc.section_label_at(offset) not in NARRATIVE


def _number(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    # e.g. "Number: 04/05/2011" is a date; alone on the line under its label, "2024" is a year
    for pattern, not_an_id in ((NUMBER_LABEL, r"\d{1,2}/\d{1,2}/\d{2,4}"), (NUMBER_NEXT_LINE, r"(?:19|20)\d\d|\d{1,2}/\d{1,2}/\d{2,4}")):
        for match in pattern.finditer(doc.text):
            value = match.group("number")
            if _allowed(doc, match.start()) and re.search(r"\d", value) and not re.fullmatch(not_an_id, value):
                return value, match.span("number")
    for match in ID_TITLE_LINE.finditer(doc.text):
        if _allowed(doc, match.start()):
            return match.group("number"), match.span("number")
    return None


def _title(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    found = _title_candidate(doc)
    if found and not re.search(r"[^\W\d_]", found[0]):
        return None  # e.g. a title printed as ".." or "12": a guess is worse than a gap
    return found


def _title_candidate(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    text = doc.text
    for match in TITLE_LABEL.finditer(text, 0, min(len(text), LETTERHEAD * 2)):
        return _clean(match.group("title"), match.span("title"))
    for match in ID_TITLE_LINE.finditer(text):
        if _allowed(doc, match.start()):
            return _clean(match.group("title"), match.span("title"))
    for match in DOC_TYPE.finditer(text, 0, min(len(text), LETTERHEAD)):
        if match.group("title") and _looks_like_title(match.group("title")):
            return _clean(match.group("title"), match.span("title"))
        following = _next_title_line(doc, match.end())
        if following:
            return following
    return _letterhead_line(doc) or _statement_subject(doc)


def _letterhead_line(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A title standing alone at the top, before the first section ("Prolotherapy" over "Policy"):
    the first short title-like line that is not a payer's name, a label or a sentence."""
    payer_lines = {doc.line_at(s.start_char).start for s in doc.spacy.spans.get("payers", [])}
    seen = 0
    for line in doc.lines_between(0, min(doc.first_section_start, LETTERHEAD)):
        content = line.text.strip()
        if not content or _is_heading_line(doc, line):
            continue
        seen += 1
        if seen > 5:
            break
        if line.start in payer_lines or METADATA_LINE.search(content) or DOC_TYPE.match(content):
            continue
        if _looks_like_title(content) and "\t" not in content and not content.endswith((".", ":", ",")) and len(content.split()) <= 12:
            start = line.start + len(line.text) - len(line.text.lstrip())
            return _clean(content, (start, start + len(content)))
    return None


def _next_title_line(doc: PolicyDoc, offset: int) -> tuple[str, tuple[int, int]] | None:
    """The first title-like line below a document-type line, past label lines ("Effective Date ....")."""
    index = doc.line_index(offset) + 1
    for line in doc.lines[index : index + 8]:
        content = line.text.strip()
        if not content:
            continue
        if METADATA_LINE.search(content):
            continue
        if not _looks_like_title(content) or "\t" in content or content.endswith((".", ":")):
            return None
        if DOC_TYPE.match(content) or _is_heading_line(doc, line):
            continue
        start = line.start + len(line.text) - len(line.text.lstrip())
        return _clean(content, (start, start + len(content)))
    return None


def _statement_subject(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """The service a coverage statement is about: "Prolotherapy is considered investigational ..."."""
    for span in doc.spacy.spans.get("statuses", []):
        if doc.section_label_at(span.start_char) in NARRATIVE | {"codes"}:
            continue
        sentence = span.sent
        match = STATEMENT_SUBJECT.match(sentence.text)
        if match and len(match.group("subject").split()) <= 8:
            start = sentence.start_char + match.start("subject")
            return match.group("subject"), (start, start + len(match.group("subject")))
    return None


def _is_heading_line(doc: PolicyDoc, line) -> bool:
    """A line that is nothing but a section-heading phrase ("RELATED POLICIES"), used as a heading or not
    (an entry of a contents list is not a section but is no title either)."""
    if "heading_lines" not in doc.cache:
        starts = set()
        for span in doc.spacy.spans.get("section_candidates", []):
            around = doc.line_at(span.start_char)
            if not doc.text[around.start : span.start_char].strip() and not doc.text[span.end_char : around.end].strip(" \t:"):
                starts.add(around.start)
        doc.cache["heading_lines"] = starts
    return line.start in doc.cache["heading_lines"]


def _version(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for match in VERSION.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        return match.group("version"), match.span("version")
    return None


def _looks_like_title(text: str) -> bool:
    """A few words with letters, not an id, a date, a label or a dotted table-of-contents line."""
    text = text.strip()
    return bool(re.search(r"[A-Za-z]{3}", text)) and len(text) <= 150 and not NOT_TITLE.search(text)


def _clean(title: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    stripped = title.rstrip(" .:;,")
    start = span[0] + len(title) - len(title.lstrip())
    stripped = stripped.strip()
    return stripped, (start, start + len(stripped))
