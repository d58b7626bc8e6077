"""The policy's title, as printed, with the lines it wraps onto.

Tried in order, the first that gives a title wins:
1. a labeled title ("Subject:", "Title:", "Policy Title ........ X", "Medical Policy Title\nX", "Service: X",
   "POLICY TITLE<TAB>X", "Policy Name:<TAB>X<TAB>Policy #:<TAB>MP-37"), with its wrapped lines; under a glued
   two-column header ("Policy Name: Effective Date:" over the value lines) the value line in the label's place;
   or the value cell under a header cell naming the title ("Policy Name & Number" over "Genetic Testing-OH MCD-MM-0003");
   in a label/value header that labels a number, its subject line ("Medication<TAB>Spravato® (esketamine)"); "POLICY:<TAB>X" in title case;
2. the title of an id line ("CMM-204: Prolotherapy", "FEP 2.04.141 Circulating Tumor DNA ...", "Genetic Testing<TAB>MP9012");
   an inline "Topic:" among the labels of a flattened header; "Title - CAM 273" above the first section heading;
3. typography: the largest print on page 1 (PDF font sizes, HTML headings), past the payer's name,
   the document type, labels, contact lines and numbered headings; consecutive lines of that size are one
   wrapped title; "X Medical Policy" gives X when X is no organization;
4. the title after a document-type line ("Medical Policy" / "Clinical Policy: X" / "National Coverage
   Determination (NCD)"); in a stack of them, the innermost;
5. a running line "Medical Coverage Policy | X"; a short line over a block of labels ("Liquid Biopsy" over
   "Effective Date: ..."); a title line standing alone at the top of the letterhead, past banners ("GUIDELINE",
   "Retired Policy", "CLINICAL POLICY AND PROCEDURE MANUAL") and contact lines ("carelon.com");
6. the subject of the first coverage statement ("Prolotherapy is considered investigational").
A title printed as a paragraph of its own, or in a table cell wrapped over its row's lines, is joined whole.
An id printed with the title ("... Hearing Loss MP9594", "... (CG043, Ver. 10)", "... - # 007", "PA.259.CC X")
is left out of it. Only the letterhead region and non-narrative sections count (a running header often prints
the title).
"""

from __future__ import annotations

import re
from statistics import median

from extractors import document
from extractors.document import Line, PolicyDoc

TITLE_LABEL = re.compile(
    r"^[ \t]*(?:Subject|Title|(?:(?:Medical|Clinical)\s+)?Policy\s+Title|Policy\s+Name|Topic|Guideline\s+Title|LCD\s+Title|Article\s+Title|Service|"
    r"Clinical\s+Policy\s+Bulletin(?=[ \t]*:))(?:[ \t]*(?::|[.…]{2,})[ \t]*|(?:(?<=Title)|(?<=Name))[ \t]*\t[ \t]*|[ \t]*:?[ \t]*\n(?:[ \t]*\n)?[ \t]*)(?P<title>[^\n\t]{3,200}?)[ \t]*(?:$|(?=\t[ \t]*[A-Z][\w .#/&]{0,30}:))",
    re.M | re.I,
)  # e.g. "Subject: Percutaneous Spinal Surgery", "Policy Name:<TAB>Genetic Testing<TAB>Policy #:<TAB>MP-37" (the next label cell ends it), "LCD Title\nHeavy Metal Testing", "Policy Title…….. Adalimumab Products",
# "POLICY TITLE<TAB>GENETIC TESTING ..." (a cell after a Title or Name label only: "Service<TAB>Investigational" heads a
# table), "Medical Policy Title\nCirculating Tumor DNA ..."; "Clinical Policy Bulletin" is a
# label only with its colon (alone on a line it is the document type, and a web page's tab label "Notes" follows it)
# e.g. "FEP 2.04.141 Circulating Tumor DNA ...": a program's acronym and a dotted number open the title line
ACRONYM_ID_TITLE_LINE = re.compile(r"^[ \t]*(?P<number>[A-Z]{2,5}[ \t]+\d{1,2}(?:\.\d{1,3}){2,3})[ \t]+(?P<title>[A-Z][^\n\t]{2,150})$", re.M)
# an id in parentheses closing a title, with its version: e.g. "Prenatal Testing (CG043, Ver. 10)"
PAREN_ID = re.compile(r"[ \t]*\((?P<number>[A-Z]{1,5}[-.]?\d{3,}[A-Z]?)(?:,[ \t]*(?:Ver(?:sion|\.)?|v\.?)[ \t]*\d+(?:\.\d+)*)?\)[ \t]*$")
# an id glued to the end of a title, after a space or a dash (then with a short prefix): e.g. "Genetic Testing: Hearing
# Loss MP9594", "Genetic Testing and Counseling-OH MCD-MM-0003"
TRAILING_ID = re.compile(
    r"(?<=[a-z)])(?:[ \t]+|[ \t]*[-–—][ \t]*(?P<prefix>[A-Z]{2,5}[ \t]+)?)(?P<number>(?=[A-Z0-9.\-]*\d)[A-Z0-9]+(?:[.\-][A-Z0-9]+)*)[ \t]*$"
)
# a "#" and a number closing a title: e.g. "Genetic Testing (Developmental) - # 007", "Maternal Serum Screening #12"
HASH_ID = re.compile(r"(?<=[\w)])[ \t]*(?:[-–—,][ \t]*)?\#[ \t]*(?P<number>\d{1,6})[ \t]*$")
# a label/value header's line naming what the policy is about, e.g. "Medication<TAB>Spravato® (esketamine)",
# "Drug Name: Dupixent (dupilumab)" (a title only in a header block that also labels the policy's number)
SUBJECT_LABEL_LINE = re.compile(
    r"^[ \t]*(?:Medications?|Drugs?(?:[ \t]+Names?)?|Test[ \t]+Name)[ \t]*(?:\t|:)[ \t]*(?P<title>[^\t\n]{3,150}?)[ \t]*$", re.M | re.I
)
# a header line labeling a number, e.g. "Program Number<TAB>2026 P 2168-11", "Policy #: 12"
NUMBER_LABEL_LINE = re.compile(r"(?i)\b(?:number|no\.|id|\#)[ \t]*(?::|\t)[ \t]*[\w .-]*\d")
# "Policy:" labeling the policy's name on its own line, e.g. "POLICY:<TAB>Antiseizure Medications – Epidiolex Prior Authorization Policy"
# (the value in title case: "Policy: MP374" is a number, "POLICY: Please review the plan's EOC ..." a sentence)
POLICY_NAME_LINE = re.compile(r"^[ \t]*(?i:policy)[ \t]*:[ \t]*(?P<title>[^\t\n]{3,150}?)[ \t]*$", re.M)
DOC_KIND_LINE = re.compile(r"(?i)^[ \t]*(?:polic(?:y|ies)|program|guidelines?|criteria)[ \t]*$")  # e.g. "Policy", a title's wrapped last word
SUBJECT_BLOCK = 4  # lines above or below the subject line where the number's label may stand
# a header cell over a value cell: a few capitalized words, no digits. e.g. "Policy Name & Number", "Date Effective"
HEADER_CELL = re.compile(r"[ \t]*(?:[A-Z][A-Za-z.]*|&|/|\#)(?:[ \t]+(?:[A-Z][A-Za-z.]*|&|/|and|of|\#)){0,5}[ \t]*:?[ \t]*")
# a header cell naming this policy's title, not an earlier one's. e.g. "Policy Name & Number", not "Prior Policy Name and Number"
TITLE_HEADER = re.compile(r"(?i)^(?!.*\b(?:prior|previous|former|replaced|related)\b).*\b(?:name|title|subject)\b")
# a banner line naming only the kind of document, e.g. "GUIDELINE", "MEDICAL POLICY STATEMENT"
# also a status banner ("Retired Policy", "ARCHIVED"), a program's banner ("PRIOR AUTHORIZATION POLICY", "Clinical Pharmacy Programs") and a manual's name ("CLINICAL POLICY AND PROCEDURE MANUAL",
# "Medical Policy & Procedure", "Medical Policy Manual")
BANNER = re.compile(
    r"(?i)^[ \t]*(?:(?:(?:medical|clinical)[ \t]+)?(?:guidelines?|polic(?:y|ies)|protocol|bulletin|(?:policy[ \t]+)?statement)"
    r"|(?:prior[ \t]+authorization|precertification|step[ \t]+therapy|utilization[ \t]+management)(?:[ \t]*/[ \t]*medical[ \t]+necessity)?"
    r"[ \t]+(?:polic(?:y|ies)|programs?|guidelines?|criteria)|(?:clinical[ \t]+)?pharmacy[ \t]+programs?"
    r"|(?:(?:retired|archived|inactive|draft|final|superseded|obsolete)(?:[ \t]+(?:medical[ \t]+)?(?:policy|guideline))?|policy[ \t]+(?:retired|archived))"
    r"|(?:[\w&]+[ \t]+){0,3}?(?:polic(?:y|ies)[ \t]+(?:and|&)[ \t]+procedures?(?:[ \t]+manual)?|(?:policy|procedures?|provider|coverage|benefits?)[ \t]+manual))[ \t]*$"
)
# a letterhead's contact line or web address: e.g. "500 EXCHANGE STREET, PROVIDENCE, RI 02903-2699 ...", "carelon.com",
# "(401) 274-4848   WWW.BCBSRI.COM", "Corpus Christi, Texas 78415"
CONTACT_LINE = re.compile(
    r"(?i)\bwww\.|https?://|^[ \t]*[\w.-]+\.(?:com|org|net|gov|us)[ \t]*$|\(\d{3}\)[ \t]*\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b"
    r"|\b[A-Z]{2},?[ \t]+\d{5}(?:-\d{4})?\b|^[ \t]*\d{1,5}[ \t]+(?:[\w.]+[ \t]+){0,3}(?:street|st\.|avenue|ave\.?|road|rd\.|drive|dr\.|boulevard|blvd\.?|pike|suite)\b"
    r"|\ban[ \t]+independent[ \t]+(?:member|licensee)\b|\|[ \t]*\d{1,3}[ \t]*$|,[ \t]*[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?[ \t]+\d{5}(?:-\d{4})?\b"
)  # and an affiliation ("An independent member of the Blue Shield Association"), a running line's "LAB46 | 1"
# a numbered section heading: e.g. "I. ACTION", "3. Policy" (a title is not numbered)
NUMBERED_HEADING = re.compile(r"^[ \t]*(?:[IVXL]{1,5}|\d{1,2}|[A-Z])\.[ \t]+[A-Za-z]")
# a subject line closed by the kind of document: e.g. "Preimplantation Genetic Testing Medical Policy", "Genetic Testing Payment Policy"
SUBJECT_DOC_TYPE = re.compile(
    r"^[ \t]*(?P<subject>[A-Z][\w/&(),'-]*(?:[ \t]+[\w/&(),'-]+){1,9}?)[ \t]+(?:Medical|Clinical|Coverage|Drug|Payment|Reimbursement)[ \t]+(?:Coverage[ \t]+)?(?:Polic(?:y|ies)|Guidelines?)[ \t]*$"
)
# words that make such a prefix an organization or a line of business, not a subject: "Blue Cross Medical Policy",
# "Medicare Advantage Medical Policy"
ORGANIZATION_WORDS = re.compile(
    r"(?i)\b(?:health|plans?|blue|cross|shield|care|inc|llc|medicare|medicaid|commercial|advantage|community|exchange|marketplace|"
    r"hmo|ppo|corporate|company|insurance|association|state|federal|network|group|individual|employer|members?|provider|national|local)\b"
)
# not an id: a year, a date, a version ("V6.2024")
NOT_AN_ID = re.compile(r"(?:19|20)\d\d|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4})|[Vv]\d+(?:\.\d+)*")
# e.g. "CMM-204: Prolotherapy", "SURG.00071 Percutaneous Spinal Surgery" (id then title on one line)
ID_TITLE_LINE = re.compile(r"^[ \t]*(?P<number>[A-Z]{2,6}[-.][A-Z]{0,5}[-.]?\d{2,5}(?:\.\d+)?)(?::[ \t]*|[ \t]+-[ \t]+)(?P<title>[A-Z][^\n]{2,150})$", re.M)
# a title and its id closing the line above the first section heading: e.g. '... class="header"> Liquid Biopsy Liquid Biopsy - CAM 273'
# (a web page flattened to text; its title and its heading print the same words twice)
HEADED_ID_TITLE = re.compile(
    r"(?<![\w-])(?P<title>[A-Z][\w/&(),'’-]*(?:[ \t]+(?:[A-Z(][\w/&(),'’-]*|of|and|for|the|in|with|to|or|by)){0,14})"
    r"[ \t]+[-–—][ \t]+(?P<number>[A-Z]{2,5}[ \t]?\d{2,6}(?:\.\d{1,3})?)[ \t]*$"
)
# inline labels of a flattened header: e.g. "Medical Policy: L-113-009 Topic: Molecular Testing Section: Laboratory"
INLINE_TITLE_LABEL = re.compile(r"(?<=[ \t])(?:Topic|Subject|Title|Policy[ \t]+Title)[ \t]*:[ \t]*(?P<title>[A-Z][^\n:]{2,200})")
# the next label closing such a value: e.g. " Section", " Effective Date", " Last Reviewed"
LABEL_TAIL = re.compile(r"[ \t]+(?:(?:(?:Effective|Issue|Review|Revision|Last|Next|Original|Approval|Policy)[ \t]+)?(?:Section|Dates?|Number|No\.|Category|Product|Status|Reviewed|Revised|Version|Type|Owner|Department|Page)|[A-Z][a-z]+)[ \t]*$")
# a letterhead row of two cells, the title and the id: e.g. "Genetic Testing<TAB>MP9012"
TITLE_ID_CELLS = re.compile(
    r"^[ \t]*(?P<title>[A-Z][^\t\n]{2,120}?)[ \t]*\t[ \t]*(?P<number>(?=[\w.-]*\d)(?=[\w.-]*[A-Z])[A-Z0-9]{2,12}(?:[.-][A-Z0-9]{1,8}){0,3})[ \t]*$", re.M
)
# a cell that names a value instead of being one: e.g. "Policy Number", "Procedure Code", "Version"
LABEL_CELL = re.compile(r"(?i)(?:\b(?:number|no\.?|id|code|version|date)|\#)[ \t]*:?$|:$")
# Lines that name the kind of document, not its subject: the title is the next line, or follows a dash or colon.
DOC_TYPE = re.compile(
    r"^[ \t]*(?:[\w&®.,'-]+[ \t]+){0,6}?(?:Medical(?:[ \t]+Coverage)?[ \t]+Polic(?:y|ies)|Clinical[ \t]+(?:UM[ \t]+)?Guidelines?|"
    r"Coverage[ \t]+Polic(?:y|ies)|Clinical[ \t]+Review[ \t]+Criteria|Clinical[ \t]+Policy|Payment[ \t]+Policy|"
    r"Reimbursement[ \t]+Policy|Medical[ \t]+Guideline|Clinical[ \t]+Coverage[ \t]+Guideline|Medical[ \t]+Coverage[ \t]+Guideline|"
    r"(?:Medical[ \t]+Benefit[ \t]+)?Drug[ \t]+(?:Coverage[ \t]+)?Policy|Medical[ \t]+Necessity[ \t]+Guidelines?|Evidence-Based[ \t]+Criteria|"
    r"Clinical[ \t]+Policy[ \t]+Bulletin|Local[ \t]+Coverage[ \t]+(?:Determination|Article)(?:[ \t]+\((?:LCD|LCA)\))?|"
    r"National[ \t]+Coverage[ \t]+Determination(?:[ \t]+\(NCD\))?|Medical[ \t]+Policy[ \t]+Statement|"
    r"Clinical[ \t]+Appropriateness[ \t]+Guidelines?|Appropriate[ \t]+Use[ \t]+Criteria)[ \t]*"
    r"(?:[-–—:][ \t]*(?P<title>[^\n]{3,150})|:)?$",  # a colon with the title on the next line: "Medical Necessity Guidelines:"
    re.I | re.M,
)  # e.g. "UnitedHealthcare® Community Plan\nMedical Benefit Drug Policy", "Clinical Policy: Liquid Biopsy", "National Coverage Determination (NCD)",
# "Appropriate Use Criteria: Genetic Liquid Biopsy"
# a running line naming the kind of document and the title, split by a bar: e.g. "Medical Coverage Policy | Circulating Tumor DNA"
RUNNING_TITLE = re.compile(
    r"^[ \t]*(?:Medical|Clinical|Coverage|Payment|Reimbursement|Drug)[ \t]+(?:Coverage[ \t]+)?(?:Polic(?:y|ies)|Guidelines?|Bulletin)"
    r"[ \t]*\|[ \t]*(?P<title>[A-Z][^|\n\t]{2,150}?)[ \t]*$",
    re.M,
)
# a title closed by its number label: e.g. "Genetic Testing: Policy No. 051", "Sleep Studies - Policy #: 12"
TITLE_NUMBER_LINE = re.compile(
    r"^(?P<title>[A-Z][^:\n\t]{2,120}?)[ \t]*[:\-–—][ \t]*(?i:policy|guideline|document)[ \t]*(?i:no\.?|number|\#)[ \t]*:?[ \t]*[\w.-]*\d[\w.-]*[ \t]*$"
)
# programs or lines of business, not a title: e.g. "STAR, CHIP, STAR Kids", "HMO, PPO"
PROGRAM_LIST = re.compile(r"^[A-Z]{2,}(?:[ \t]+[A-Za-z]+)?(?:[ \t]*(?:,|and|&)[ \t]*[A-Z]{2,}(?:[ \t]+[A-Za-z]+)?)+[ \t]*$")
# an id opening a title line: e.g. "PA.259.CC Genetic Testing", "2.04.141 Circulating Tumor DNA", "BSC_CON_2.05 Oncology: ..."
LEADING_ID = re.compile(r"^(?P<number>(?=[\w.-]*\d)[A-Z0-9]{1,8}(?:[._-][A-Z0-9]{1,8}){1,3})[ \t]+(?=[A-Z][a-z])")  # "BSC_CON_2.05 Oncology: ..."
METADATA_LINE = re.compile(r"\.{4,}|…|^[\w ]{2,40}:(?:\s|$)|\b\d{1,2}/\d{1,2}/\d{2,4}\b")  # e.g. "Effective Date ..... 4/15/2025", "Number: 0012"
# a metadata line among large print: leaders, a date, a known label ("Policy Number: 037"), a manual's locator ("Chapter 6")
LABEL_LINE = re.compile(
    r"(?i:^[ \t]*(?:chapter|section|part)[ \t]+\d{1,3}(?:\.\d{1,3})*[ \t]*$)|\.{4,}|…|\b\d{1,2}/\d{1,2}/\d{2,4}\b|(?i:\b(?:number|no\.|\#)[ \t]*:?[ \t]*[\w.-]*\d)|(?i:^[ \t]*(?:[\w ]{0,20}\b(?:number|no\.?|date|effective|review(?:ed)?|revised|version|status|page|section|"
    r"id|approval|approved|product|plan|line of business|category|type|department|author|owner)):)"
)
PAGE_COUNTER = re.compile(r"(?i)\bpage\s*:?\s*\d+(?:\s+of\s+\d+)?")  # e.g. "Page 1 of 3"
NOT_TITLE = re.compile(r"(?i)^(?:policy|page|effective|table of contents|instructions for use|status|date|version|subject|back to top|not applicable|"
                       r"(?:last|next|original|annual)\s+(?:review|revision|revised|reviewed|effective)|revision\s+dates?|review\s+date|"
                       r"(?:lcd|lca|ncd|article|document|guideline)\s+(?:id|number|no\.?|\#)(?!\w))|\d{1,2}/\d{1,2}/\d{2,4}|\.{4,}|\bpage\s+\d+\s+of\s+\d+")
# a preposition ending the words before a payer's name on a title line, e.g. "... Benefits for " (Texas Medicaid)
PROGRAM_OF = re.compile(r"(?i)\b(?:for|under|in)[ \t]+(?:the[ \t]+)?$")
# a web page's chrome alone on a line: tab labels, buttons. e.g. "Notes" under an Aetna bulletin's "Clinical Policy Bulletin"
PAGE_CHROME = re.compile(r"(?i)^(?:notes|print|share|email|search|menu|home|glossary|download|expand all|collapse all|back)$")
STATEMENT_SUBJECT = re.compile(r"^(?P<subject>[A-Z][\w/ ,()'-]{2,80}?)\s+(?:is|are)\s+(?:considered\s+)?(?:not\s+)?(?:INVESTIGATIONAL|investigational|experimental|unproven|medically|covered|a covered)", re.M)
# a line that a title wraps from: it stops on a word that needs more ("... Testing for", "... and")
OPEN_END = re.compile(r"(?i)(?:\b(?:and|or|of|for|the|a|an|in|on|with|to|by|using|from|via|versus|vs\.?)|[,&/(–-])$")
# e.g. "BSC2.18", "CP.MP.239", "HUM-0381-026" alone on a letterhead line: letters and digits, a separator
LONE_ID = re.compile(r"^[ \t]*(?P<number>(?=[\w.\u2010-]*\d)[A-Z][A-Z0-9]{0,7}(?:[._\-\u2010][A-Z0-9]{1,8}){1,3})[ \t]*$")  # "BSC_CON_2.10"
CODE_SHAPED = re.compile(r"\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?")  # e.g. 0232T, M0076, M54.50
NARRATIVE = (document.NARRATIVE - {"instructions"}) | {"codes"}
LETTERHEAD = 3000  # chars
WRAP_WIDTH = 45  # chars: a title line at least this long may wrap onto a short line below it
LARGER = 1.15  # a title is printed at least this much larger than the page's body text


def extract(doc: PolicyDoc) -> tuple[str, tuple[int, int], str] | None:
    """(title, (start, end) of its evidence, basis) or None. Basis: "label" (a labeled title), "structure"
    (its place: an id line, typography, a document-type line, the letterhead), "prose" (a statement's subject)."""
    if "title" not in doc.cache:
        doc.cache["title"] = _title(doc)
    return doc.cache["title"]


def _title(doc: PolicyDoc) -> tuple[str, tuple[int, int], str] | None:
    found = _candidate(doc)
    if found is None:
        return None
    (title, (start, end)), basis = found
    glued = trailing_id(doc.text[start:end])
    if glued:  # the id printed with the title is no part of it
        end = start + len(doc.text[start : start + glued.start()].rstrip(" \t\n-–—:,"))
        title = " ".join(doc.text[start:end].split())
    leading = LEADING_ID.match(doc.text[start:end])
    if leading and number_like(leading.group("number")) and title.startswith(leading.group("number")):
        start, title = start + leading.end(), title[len(leading.group("number")) :].strip()  # "PA.259.CC Genetic Testing"
    if not re.search(r"[^\W\d_]", title):
        return None  # e.g. a title printed as ".." or "12": a guess is worse than a gap
    return title, (start, end), basis


def _candidate(doc: PolicyDoc) -> tuple[tuple[str, tuple[int, int]], str] | None:
    text = doc.text
    for match in TITLE_LABEL.finditer(text, 0, min(len(text), LETTERHEAD * 2)):
        found = _label_value(doc, match)
        if found:
            return found, "label"
    found = _header_cell_title(doc) or _label_block_title(doc)
    if found:
        return found, "label"
    for match in ID_TITLE_LINE.finditer(text):
        if _allowed(doc, match.start()):
            return _clean(match.group("title"), match.span("title")), "structure"
    for match in ACRONYM_ID_TITLE_LINE.finditer(text, 0, min(len(text), LETTERHEAD)):
        if _allowed(doc, match.start()):
            return _wrapped(doc, match.start("title"), match.end("title")), "structure"
    match = title_id_cells(doc)
    if match:
        return _clean(match.group("title"), match.span("title")), "structure"
    found = _inline_label_title(doc)
    if found:
        return found, "label"
    match = headed_id_title(doc)
    if match:
        return _headed_title(doc, match), "structure"
    found = _typographic(doc) or _after_lone_id(doc) or _after_doc_type(doc) or _running_title(doc) or _title_over_labels(doc) or _letterhead_line(doc)
    if found:
        return found, "structure"
    found = _statement_subject(doc)
    return (found, "prose") if found else None


def _label_value(doc: PolicyDoc, match: re.Match) -> tuple[str, tuple[int, int]] | None:
    """A labeled title; when the label's value is itself a label ("Policy Name: MedicaEffective Date:", a
    two-column header glued into one line over its value lines), the value line in the label's place."""
    value = match.group("title")
    if value.rstrip().endswith(":"):
        line = doc.line_at(match.start("title"))
        place = doc.text.count(":", line.start, match.start("title")) - 1  # labels before this one on the line
        values = [l for l in doc.lines[doc.line_index(line.start) + 1 : doc.line_index(line.start) + 8] if not l.is_blank]
        if place < 0 or place >= len(values) or not _looks_like_title(values[place].text) or values[place].text.rstrip().endswith(":"):
            return None
        nxt = values[place]
        return _joined(doc, nxt.content_start, nxt.start + len(nxt.text.rstrip()))
    same_line = "\n" not in doc.text[match.start() : match.start("title")]
    if not (_looks_like_title(value) or same_line and re.search(r"[^\W\d_]", value) and not NOT_TITLE.search(value.strip())):
        # e.g. "Manual Section Title\nVersion Number": a list of labels, not a label and its value; a value on
        # the label's own line ("Subject: A/B") is the title as printed, however short
        return None
    typed = DOC_TYPE.match(value)  # the value repeats the kind of document: "Policy Name: Medical Policy: Genetic Testing"
    if typed and typed.group("title") and _looks_like_title(typed.group("title")):
        return _wrapped(doc, match.start("title") + typed.start("title"), match.end("title"))
    return _wrapped(doc, match.start("title"), match.end("title"))


def _label_block_title(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A header laid out as label/value lines: the value of its subject label ("Medication<TAB>Spravato®
    (esketamine)") when a number label stands in the same block ("Program Number<TAB>2026 P 2168-11"), else a
    "POLICY:" label's value in title case in the letterhead."""
    end = min(len(doc.text), LETTERHEAD)
    for match in SUBJECT_LABEL_LINE.finditer(doc.text, 0, end):
        index = doc.line_index(match.start())
        block = doc.lines[max(0, index - SUBJECT_BLOCK) : index + SUBJECT_BLOCK + 1]
        if any(NUMBER_LABEL_LINE.search(line.text) for line in block) and _looks_like_title(match.group("title")):
            return _clean(match.group("title"), match.span("title"))
    for match in POLICY_NAME_LINE.finditer(doc.text, 0, end):
        title = match.group("title")
        if not _allowed(doc, match.start()):
            continue
        words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", title) if len(w) > 3]
        if (len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.8 * len(words) and not title.rstrip().endswith(".")
                and _looks_like_title(title) and not number_like(title.split()[0])):
            index = doc.line_index(match.start())
            nxt = doc.lines[index + 1] if index + 1 < len(doc.lines) else None
            if nxt is not None and DOC_KIND_LINE.match(nxt.text):  # "... Adalimumab Products Prior Authorization" / "Policy"
                return _joined(doc, match.start("title"), nxt.start + len(nxt.text.rstrip()))
            return _clean(title, match.span("title"))
    return None


def header_cells(doc: PolicyDoc) -> list[tuple[str, int, int]]:
    """The first letterhead row of header cells over a row of value cells ("Policy Name & Number<TAB>Date
    Effective" over "Genetic Testing and Counseling-OH MCD-MM-0003<TAB>11/01/2024"): (header, start, end)
    of each value cell. Header cells are a few capitalized words; the value row has as many cells."""
    if "header_cells" in doc.cache:
        return doc.cache["header_cells"]
    found: list[tuple[str, int, int]] = []
    lines = doc.lines_between(0, min(len(doc.text), LETTERHEAD))
    for i, line in enumerate(lines):
        if "\t" not in line.text or not all(HEADER_CELL.fullmatch(cell) for cell in line.text.split("\t")):
            continue
        row = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
        if row is None or row.text.count("\t") != line.text.count("\t") or HEADER_CELL.fullmatch(row.text.split("\t")[0]):
            continue
        start = row.start
        for header, cell in zip(line.text.split("\t"), row.text.split("\t")):
            found.append((header.strip(), start, start + len(cell)))
            start += len(cell) + 1
        break
    doc.cache["header_cells"] = found
    return found


def _header_cell_title(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    for header, start, end in header_cells(doc):
        if TITLE_HEADER.search(header) and _looks_like_title(doc.text[start:end]):
            return _joined(doc, start, end)
    return None


def number_like(value: str) -> bool:
    """An id's shape, for an id printed with no label: a run of three digits or a dotted number ("CG043",
    "09-J0000-66", "2.04.141", "MCD-MM-0003"), and not a year, a date, a version or a code. A gene symbol
    ("KIF6", "CYP2C19", "BRCA1") has neither; nor has a short id ("GT20"), which needs a label or a place."""
    return bool(re.search(r"\d{3}|\d\.\d", value)) and not NOT_AN_ID.fullmatch(value) and not CODE_SHAPED.fullmatch(value)


def trailing_id(title: str) -> re.Match | None:
    """The id glued to the end of a title ("... Hearing Loss MP9594", "...-OH MCD-MM-0003", "... (CG043, Ver. 10)",
    "... - # 007")."""
    for pattern in (PAREN_ID, TRAILING_ID):
        match = pattern.search(title)
        if match and number_like(match.group("number")) and title[: match.start()].strip():
            return match
    match = HASH_ID.search(title)  # "#" says it is a number: no id shape needed
    return match if match and re.search(r"[^\W\d_]{3}", title[: match.start()]) else None


def headed_id_title(doc: PolicyDoc) -> re.Match | None:
    """The title and id closing the line right above the first section heading ("Liquid Biopsy - CAM 273")."""
    if not doc.sections:
        return None
    index = doc.line_index(doc.sections[0].header_start) - 1
    while index >= 0 and doc.lines[index].is_blank:
        index -= 1
    if index < 0:
        return None
    line = doc.lines[index]
    match = HEADED_ID_TITLE.search(doc.text, line.start, line.end)
    if match and number_like(match.group("number").split()[-1]) and _looks_like_title(match.group("title")):
        return match
    return None


def _headed_title(doc: PolicyDoc, match: re.Match) -> tuple[str, tuple[int, int]]:
    words = list(re.finditer(r"\S+", match.group("title")))
    half = len(words) // 2
    start, end = match.span("title")
    if len(words) % 2 == 0 and [w.group() for w in words[:half]] == [w.group() for w in words[half:]]:
        start += words[half].start()  # "Liquid Biopsy Liquid Biopsy": the page's title and its heading
    return _joined(doc, start, end)


def _inline_label_title(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A title label among other labels of one line ("Medical Policy: L-113-009 Topic: X Section: Laboratory")."""
    for match in INLINE_TITLE_LABEL.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        before = doc.text[doc.line_at(match.start()).start : match.start()]
        if ":" not in before:
            continue
        value, start = match.group("title"), match.start("title")
        if doc.text[match.end() : match.end() + 1] == ":":  # up to the next label: "X Section: Laboratory" -> "X"
            tail = LABEL_TAIL.search(value)
            value = value[: tail.start()] if tail else ""
        if _looks_like_title(value):
            return _clean(value, (start, start + len(value)))
    return None


def title_id_cells(doc: PolicyDoc) -> re.Match | None:
    """A letterhead row holding the title in one cell and its id in the next ("Genetic Testing<TAB>MP9012")."""
    for match in TITLE_ID_CELLS.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        title, number = match.group("title"), match.group("number")
        if match.start() > _letterhead_end(doc):
            break  # a table row under a section (a code table's "Panel<TAB>Q87.40-Q87.43") is no title row
        if number_like(number) and not any(CODE_SHAPED.fullmatch(part) for part in number.split("-")) and _looks_like_title(title) \
                and not LABEL_CELL.search(title) and not LABEL_LINE.search(title) and not DOC_TYPE.match(title) and not BANNER.match(title):
            return match
    return None


def lone_id_line(doc: PolicyDoc) -> Line | None:
    """A letterhead line holding only an id, right above a title line ("BSC2.18" over "Tumor-Informed ...", "BSC_CON_2.10"
    over "Oncology: Circulating Tumor DNA ...": a colon in a title, not after a label word)."""
    lines = doc.lines_between(0, min(len(doc.text), LETTERHEAD // 2))
    for i, line in enumerate(lines):
        match = LONE_ID.match(line.text)
        if match is None or CODE_SHAPED.fullmatch(match.group("number")):
            continue
        following = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
        if following is not None and _looks_like_title(following.text) and not LABEL_LINE.search(following.text):
            return line
    return None


def _after_lone_id(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    line = lone_id_line(doc)
    if line is None:
        return None
    following = next(l for l in doc.lines[doc.line_index(line.start) + 1 :] if not l.is_blank)
    return _wrapped(doc, following.content_start, following.start + len(following.text.rstrip()))


def _allowed(doc: PolicyDoc, offset: int) -> bool:
    return offset < LETTERHEAD or doc.section_label_at(offset) not in NARRATIVE


def _after_doc_type(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """The title a document-type line names or stands over. In a stack of document-type lines ("Clinical
    Appropriateness Guidelines" / "Genetic Testing" / "Appropriate Use Criteria: X"), a line between two of them
    is a series, and the innermost names the title."""
    for match in DOC_TYPE.finditer(doc.text, 0, min(len(doc.text), LETTERHEAD)):
        title = match.group("title").split("\t")[0].rstrip() if match.group("title") else None  # the title's cell of a row
        if title and _looks_like_title(title) and not PROGRAM_LIST.match(title):
            return _wrapped(doc, match.start("title"), match.start("title") + len(title))
        following = _next_title_line(doc, match.end())
        if following and not _doc_type_follows(doc, following[1][1]):
            return following
        subject = subject_before_doc_type(match.group(0)) if following is None else None
        if subject:  # "Genetic Testing Payment Policy" over labels only
            return _joined(doc, match.start() + subject.start("subject"), match.start() + subject.end("subject"))
    return None


def _doc_type_follows(doc: PolicyDoc, offset: int) -> bool:
    index = doc.line_index(offset) + 1
    nxt = next((line for line in doc.lines[index : index + 3] if not line.is_blank), None)
    return nxt is not None and bool(DOC_TYPE.match(nxt.text))


# --- typography --------------------------------------------------------------------------------------


def _typographic(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """The largest print of page 1 that reads as a title; its consecutive lines of that size joined."""
    sizes = doc.source.line_sizes
    if not sizes:
        return None
    page_end = doc.source.page_starts[1] if len(doc.source.page_starts) > 1 else len(doc.text)
    first_page = [(a, b, size) for a, b, size in sizes if a < min(page_end, LETTERHEAD * 2)]
    if len(first_page) < 3:
        return None
    body = median(size for _, _, size in first_page)
    payer_lines = _payer_lines(doc)
    candidates = []
    for i, (start, end, size) in enumerate(first_page):
        content = doc.text[start:end].strip()
        if size < LARGER * body or start in payer_lines:
            continue
        typed = DOC_TYPE.match(content)
        if subject_before_doc_type(content) or (typed and typed.group("title") and _looks_like_title(typed.group("title"))):
            pass  # "Preimplantation Genetic Testing Medical Policy", "Appropriate Use Criteria: Carrier": titles, with their type
        elif typed or BANNER.match(content) or LABEL_LINE.search(content) or not _looks_like_title(content) or _is_heading_line(doc, doc.line_at(start)):
            continue
        if CONTACT_LINE.search(content) or NUMBERED_HEADING.match(content) or PAGE_COUNTER.search(content):
            continue  # (a running header with its page counter, "Fast Facts January 2025<TAB>Page 7", is no title)
        candidates.append((size, i))
    if not candidates:
        return None
    biggest = max(size for size, _ in candidates)
    first = min(i for size, i in candidates if size == biggest)
    last = first
    while last + 1 < len(first_page) and abs(first_page[last + 1][2] - biggest) < 0.6 and _continues(doc, first_page[last + 1][0]):
        last += 1
    start, end = first_page[first][0], first_page[last][1]
    subject = subject_before_doc_type(doc.text[start:end]) if first == last else None
    if subject:
        line = doc.line_at(start)
        return _joined(doc, line.start + subject.start("subject"), line.start + subject.end("subject"))
    typed = DOC_TYPE.match(doc.text, start, doc.line_at(start).end)
    if typed and typed.group("title"):  # "Appropriate Use Criteria: Carrier" / "Screening in the Reproductive Setting"
        start = typed.start("title")
    return _joined(doc, start, end)


def subject_before_doc_type(line: str) -> re.Match | None:
    """A title line that ends with the kind of document ("Preimplantation Genetic Testing Medical Policy"), not an
    organization's or a line of business's document-type line ("Blue Cross Medical Policy")."""
    match = SUBJECT_DOC_TYPE.match(line)
    if match and not ORGANIZATION_WORDS.search(match.group("subject")) and _looks_like_title(match.group("subject")):
        return match
    return None


def _continues(doc: PolicyDoc, start: int) -> bool:
    line = doc.line_at(start)
    content = line.text.strip()
    return bool(content) and not LABEL_LINE.search(content) and not DOC_TYPE.match(content) and not _is_heading_line(doc, line)


# --- lines -------------------------------------------------------------------------------------------


def _running_title(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """The title a running line prints after the kind of document ("Medical Coverage Policy | Circulating Tumor DNA")."""
    if "|" not in doc.text:
        return None
    for match in RUNNING_TITLE.finditer(doc.text):
        if _looks_like_title(match.group("title")) and not PAGE_COUNTER.search(match.group("title")):
            return _wrapped(doc, match.start("title"), match.end("title"))
    return None


def _title_over_labels(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A short title line standing over a block of label lines ("Liquid Biopsy" over "Effective Date: ...",
    "Revision Date: ...", "Policy Number: ..."), wherever the letterhead starts (after a disclaimer)."""
    lines = doc.lines_between(0, min(len(doc.text), LETTERHEAD * 2))
    for i, line in enumerate(lines[:-2]):
        content = line.text.strip()
        if not content or not all(LABEL_LINE.search(l.text) for l in lines[i + 1 : i + 3]):
            continue
        if (_looks_like_title(content) and not LABEL_LINE.search(content) and not METADATA_LINE.search(content) and "\t" not in content
                and not content.endswith((".", ":", ",")) and len(content.split()) <= 12 and not content[:1].islower()
                and not DOC_TYPE.match(content) and not BANNER.match(content) and not CONTACT_LINE.search(content)
                and line.start not in _payer_lines(doc) and not _is_heading_line(doc, line)):
            start = line.content_start
            above = lines[i - 1].text.strip() if i > 0 else ""
            if (above and OPEN_END.search(above) and _looks_like_title(above) and not LABEL_LINE.search(above) and not DOC_TYPE.match(above)
                    and not BANNER.match(above) and "\t" not in above and lines[i - 1].start not in _payer_lines(doc)):
                start = lines[i - 1].content_start  # the title's first line, wrapped on a word that needs more ("... Cells for")
            return _joined(doc, start, line.start + len(line.text.rstrip()))
    return None


def _letterhead_line(doc: PolicyDoc) -> tuple[str, tuple[int, int]] | None:
    """A title standing alone at the top, before the first section ("Prolotherapy" over "Policy"):
    the first short title-like line that is not a payer's name, a label, a running line or a sentence."""
    payer_lines = _payer_lines(doc)
    seen = 0
    for line in doc.lines_between(0, min(_letterhead_end(doc), LETTERHEAD)):
        content = line.text.strip()
        if not content or _is_heading_line(doc, line):
            continue
        seen += 1
        if seen > 5:
            break
        if line.start in payer_lines or LABEL_LINE.search(content) or DOC_TYPE.match(content) or BANNER.match(content) or CONTACT_LINE.search(content):
            continue
        if _looks_like_title(content) and "\t" not in content and not content.endswith((".", ":", ",")) and len(content.split()) <= 12:
            return _wrapped(doc, line.content_start, line.start + len(line.text.rstrip()))
    return None


def _letterhead_end(doc: PolicyDoc) -> int:
    """Where the letterhead ends: the first section heading, unless it opens the text (a document-type
    line such as "Coverage Policy" read as a heading) -- then the next one."""
    for section in doc.sections:
        if doc.text[: section.header_start].strip() or not DOC_TYPE.match(doc.text[section.header_start : section.header_end]):
            return section.header_start
    return len(doc.text)


def _next_title_line(doc: PolicyDoc, offset: int) -> tuple[str, tuple[int, int]] | None:
    """The first title-like line below a document-type line, past label lines ("Effective Date ....")."""
    index = doc.line_index(offset) + 1
    after_contact = False  # a lower-case line goes on with the contact line before it ("An independent member of" / "the ...")
    for line in doc.lines[index : index + 8]:
        content = line.text.strip()
        if not content:
            continue
        if after_contact and content[:1].islower():
            continue
        after_contact = bool(CONTACT_LINE.search(content))
        numbered = TITLE_NUMBER_LINE.match(content)
        if numbered and _looks_like_title(numbered.group("title")):
            return _joined(doc, line.content_start, line.content_start + numbered.end("title"))
        if METADATA_LINE.search(content) or PAGE_COUNTER.search(content) or CONTACT_LINE.search(content):
            continue
        if not _looks_like_title(content) or "\t" in content or content.endswith((".", ":")) or content[:1].islower() or len(content.split()) > 15:
            return None  # e.g. "proprietary information NOT to be reproduced ...": a sentence, not a title
        if DOC_TYPE.match(content) or BANNER.match(content) or _is_heading_line(doc, line):
            continue
        return _wrapped(doc, line.content_start, line.start + len(line.text.rstrip()))
    return None


def _wrapped(doc: PolicyDoc, start: int, end: int) -> tuple[str, tuple[int, int]]:
    """A title from text[start:end] on one line, with the lines it wraps onto: the line stops on a word
    that needs more ("... Testing for"), or it is long and a short title-like line follows it
    ("Oncology Circulating Tumor DNA and Circulating" / "Tumor Cells (Liquid Biopsy)")."""
    line = doc.line_at(start)
    index = doc.line_index(start)
    paragraph = _title_paragraph(doc, index)
    if paragraph is not None:
        return _joined(doc, start, paragraph)
    pieces = _title_cell_rows(doc, start, end)
    if len(pieces) > 1:
        title, span = _joined(doc, start, pieces[-1][1])
        return " ".join(" ".join(doc.text[a:b] for a, b in pieces).split()).rstrip(" .:;,"), span
    pieces = [(start, end)]  # a title in a cell ("Policy Name:<TAB>X<TAB>Policy #:<TAB>MP-37") wraps without the cells after it
    for _ in range(3):
        current = doc.text[line.start : end].strip()
        if index + 1 >= len(doc.lines):
            break
        nxt = doc.lines[index + 1]
        content = nxt.text.strip()
        if not content or "\t" in content or doc.in_furniture(nxt.start) != doc.in_furniture(line.start) or METADATA_LINE.search(content):
            break  # e.g. "Contractor: Noridian Healthcare Solutions, LLC" is the next label, not the title's end
        if not _continues(doc, nxt.start) or sum(b - a for a, b in pieces) + len(content) > 200:
            break
        if not (OPEN_END.search(current) or content[:1].islower() or content[:1] == "(" or (
            len(current) >= WRAP_WIDTH and _looks_like_title(content) and len(content.split()) <= 8 and not content.endswith((".", ":", ";"))
        )):
            break
        end, line, index = nxt.start + len(nxt.text.rstrip()), nxt, index + 1
        pieces.append((nxt.content_start, end))
    if len(pieces) > 1 and doc.text.find("\t", pieces[0][1], pieces[1][0]) >= 0:
        title, span = _joined(doc, start, end)
        return " ".join(" ".join(doc.text[a:b] for a, b in pieces).split()).rstrip(" .:;,"), span
    return _joined(doc, start, end)


def _title_cell_rows(doc: PolicyDoc, start: int, end: int) -> list[tuple[int, int]]:
    """A title in a cell of a table row whose cells wrap over the lines below, up to a blank line ("Cystic Fibrosis
    <TAB>Creation" / "Carrier Screening<TAB>Date:" / "Regulator (CFTR)<TAB>09/24/2018"): the cell's piece on each line."""
    line = doc.line_at(start)
    tabs = line.text.count("\t")
    column = doc.text.count("\t", line.start, start)
    if not tabs or doc.text.find("\t", end, line.end) < 0:
        return [(start, end)]
    pieces, index = [(start, end)], doc.line_index(start)
    for nxt in doc.lines[index + 1 : index + 4]:
        if nxt.is_blank:
            return pieces
        cells = nxt.text.split("\t")
        if len(cells) != tabs + 1 or not _looks_like_title(cells[column]) or METADATA_LINE.search(cells[column]) or cells[column].rstrip().endswith((".", ":")):
            return [(start, end)]
        cell_start = nxt.start + sum(len(c) + 1 for c in cells[:column])
        pieces.append((cell_start, cell_start + len(cells[column].rstrip())))
    return [(start, end)]


def _title_paragraph(doc: PolicyDoc, index: int) -> int | None:
    """The end of a title printed as a paragraph of its own: 2 to 4 short title-like lines between blank lines
    ("Appropriate Use Criteria: Genetic" / "Liquid Biopsy in the Management" / "of Cancer and Cancer" /
    "Surveillance"), or None."""
    first = doc.lines[index]
    if (index > 0 and not doc.lines[index - 1].is_blank) or "\t" in first.text:
        return None
    end, total = None, len(first.text.strip())
    for line in doc.lines[index + 1 : index + 5]:
        content = line.text.strip()
        if not content:
            return end
        total += len(content)
        if ("\t" in content or total > 200 or content.endswith((".", ":", ";")) or METADATA_LINE.search(content) or not _looks_like_title(content)
                or doc.in_furniture(line.start) != doc.in_furniture(first.start) or line.start in _payer_lines(doc) or not _continues(doc, line.start)
                or BANNER.match(content) or CONTACT_LINE.search(content)):
            return None
        end = line.start + len(line.text.rstrip())
    return None


def _joined(doc: PolicyDoc, start: int, end: int) -> tuple[str, tuple[int, int]]:
    title, span = _clean(doc.text[start:end], (start, end))
    return " ".join(title.split()), span


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


def _payer_lines(doc: PolicyDoc) -> set[int]:
    """Start offsets of lines that name a payer (a letterhead's "UnitedHealthcare® Community Plan"), not a cited body."""
    if "payer_lines" not in doc.cache:
        doc.cache["payer_lines"] = {  # a cited body is no letterhead: "FDA Cleared or Approved Companion Diagnostic Testing" is a title
            doc.line_at(s.start_char).start for s in doc.spacy.spans.get("payers", [])
            if not (s.id_ or "").startswith(("cited:", "association:")) and not _program_of_title(doc, s.start_char)
        }
    return doc.cache["payer_lines"]


def _program_of_title(doc: PolicyDoc, offset: int) -> bool:
    """A payer named as the program a title line is about, after a few words and a preposition ("Genetic
    Services Biomarker Testing Benefits for Texas Medicaid"): the line is a title, not a letterhead's name."""
    before = doc.text[doc.line_at(offset).start : offset]
    return len(before.split()) >= 3 and bool(PROGRAM_OF.search(before)) and not DOC_TYPE.search(before.strip())


def _is_heading_line(doc: PolicyDoc, line: Line) -> bool:
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


def _looks_like_title(text: str) -> bool:
    """A few words with letters, not an id, a date, a label or a dotted table-of-contents line."""
    text = text.strip()
    return bool(re.search(r"[A-Za-z]{3}", text)) and len(text) <= 150 and not NOT_TITLE.search(text) and not PAGE_CHROME.match(text)


def _clean(title: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    stripped = title.rstrip(" .:;,")
    start = span[0] + len(title) - len(title.lstrip())
    stripped = stripped.strip()
    return stripped, (start, start + len(stripped))
