"""Procedure and diagnosis codes: CPT, HCPCS Level II, ICD-10-CM, ICD-10-PCS, and printed ranges.

Codes are read from code-table rows (a line that starts with a code or a run of codes, then its
description) in code sections, from such rows elsewhere when a code-system heading or a second row
confirms the table, and from prose that names the system ("CPT code 0232T", "ICD-10 Diagnosis Code:
O01.0 to O01.9, ..."). A range is printed with a dash or a word ("Z34.00 thru Z34.03"). Narrative
sections, references and history never give codes. A status heading in the table ("When services are
Investigational and Not Medically Necessary:") or a status note at a row's end ("** Experimental &
Investigational **") gives the codes their status.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from extractors import icd10, ocr_codes
from extractors.document import NARRATIVE, Line, PolicyDoc
from extractors.models import Code, Evidence, Repair, Status
from extractors.statuses import DISCLAIMER, StatusIndex, heading_status
from extractors.structure import statement_status, statements

_SINGLE = (
    r"\d{4}[0-9FTUM]"  # CPT, e.g. 20550, 0232T, 3044F, 0004M (MAAA)
    r"|[A-CEGHJ-MP-V]\d{4}"  # HCPCS Level II, e.g. M0076, G0428
    r"|[A-TV-Z]\d[0-9A-Z]\.[0-9A-Zx]{1,4}"  # ICD-10-CM, e.g. Z00.00, M54.50, S42.00xA (placeholder x)
    r"|[0-9B-DF-HX][0-9A-HJ-NP-Z]{6}"  # ICD-10-PCS, e.g. 0R533ZZ, 8E023DZ
)
# a footnote mark printed on a code, not part of it: e.g. "81479a", "81479ᵃ", "C9399**"
FOOTNOTE = r"(?:[a-e](?![\w])|[\u1d43\u1d47\u1d9c\u1d48\u1d49]|\*{1,3})?"
# e.g. "20550", "+64484", "20550-20553", "I83.001 – I83.899", "81479a"
CODE = re.compile(  # not a statute's section: e.g. "Sec. 17020", "§ 17020", "Section 17020"
    rf"(?<![\w.\-/+§])(?<!§[ \t])(?<!Sec\.[ \t])(?<!Section[ \t])(?<!SECTION[ \t])\+?(?P<first>{_SINGLE})(?:[ \t]*[-–—][ ]*(?P<last>{_SINGLE}))?{FOOTNOTE}(?![\w/]|\.\d|-\d)"
)  # (a tab after the dash ends the cell: "first 99202-<TAB>90837" is a range wrapped in its column, then another column's code)
# a range whose end is printed on the next line: "81105 –<TAB>HPA genotyping code range" / "81112"
DANGLING_RANGE = re.compile(r"[ \t]*[-–—][ \t]*(?=\t|$)", re.M)
# e.g. "HCPCS G0452<TAB>...", "CPT® 81479": the system named before a row's first code
ROW_SYSTEM = re.compile(r"(?:CPT®?|HCPCS|ICD-?10(?:-?(?:CM|PCS))?)[ \t:]+(?=[+\dA-Z])")
# e.g. "MO076", "2O550": a code-shaped token with OCR letters for digits (rows only)
OCR_CODE = re.compile(r"(?<![\w.\-/])(?P<first>[A-CEGHJ-MP-V][0-9OIl]{4}|[0-9OIl]{5})(?![\w/])")
# e.g. "CPT", "HCPCS Code Description", "ICD-10 Procedure", "CPT® or HCPC Codes<TAB>Description"
SYSTEM_HINT = re.compile(
    r"^(?:CPT|HCPCS?|ICD(?:-?10)?(?:-?(?:CM|PCS))?|Codes?)(?:®|\[®\])?"
    r"(?:[ \t/,]*(?:or|and|CPT|HCPCS?|ICD(?:-?10)?(?:-?(?:CM|PCS))?|Codes?|Description|Definition|Diagnos[ie]s|Procedures?|"
    r"Level[ \t]+II|Category[ \t]+I{1,3}|®|\(|\)|:))*[ \t:]*$",
    re.I,
)
# e.g. "CPT code 0232T", "HCPCS codes M0076 and M0075", "ICD-10-CM: M54.50", "Current Procedural Terminology (CPT) code 96040",
# "ICD-10 Diagnosis Code: O01.0"
PROSE_CUE = re.compile(
    r"(?:(?:\bCPT|\bHCPCS|\bICD-?10(?:-?CM|-?PCS)?)\)?(?:®)?(?:[ \t]+(?:[Dd]iagnos[ie]s|DIAGNOS[IE]S|[Pp]rocedure|PROCEDURE))?(?:[ \t]+(?:codes?|Codes?|CODES?))?"
    # a code's kind named without its system: e.g. "procedure code 81443", "diagnosis codes Z31.430, Z31.440" (the shape says which)
    r"|\b(?:[Pp]rocedure|PROCEDURE|[Dd]iagnosis|DIAGNOSIS|[Bb]illing|BILLING)[ \t]+(?:codes?|Codes?|CODES?))[ \t]*:?[ \t]*(?=[+\dA-Z])"
)
CODE_SEPARATOR = re.compile(r"[ \t]*(?:,[ \t]*(?:and|or)\b|,|;|/|\band\b|\bor\b|\bthrough\b)[ \t]*|[ \t]+")  # e.g. "20550, 20551 and 0232T", "81427, and 81443", "81420<TAB>81507", "96116 96121"
CONTINUES = re.compile(r"(?:\b(?:and|or|includes?|including)|[,;(\[/-])[ \t]*$", re.I)  # e.g. "... [lumbar; includes codes 0R533ZZ,"
# a table header naming code columns: "Common CPT Codes", "ICD-10 Codes", "HCPCS Code(s)"
CODE_COLUMN = re.compile(r"(?i)\b(?:cpt|hcpcs|icd(?:-?10)?(?:-?(?:cm|pcs))?)(?:®)?[ \t\n]+codes?\b|\bcode\(s\)")
# an ICD-10-CM category or code in a column of ICD codes: "C15", "C18-C20", "Z12.10-Z12.13", "C91.4", "C33 – C34.92"
ICD_CELL = re.compile(r"(?<![\w.\-/])(?P<first>[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Zx]{1,4})?)(?:[ \t]*[-–—][ \t]*(?P<last>[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Zx]{1,4})?))?(?![\w/]|\.\d)")
TAB_CELL = re.compile(r"\t[ \t]*")  # e.g. the "<TAB>" before "I22.9" in "Analysis<TAB>Genotype<TAB>I22.9": where a cell begins
ICD_CATEGORY = re.compile(r"[A-TV-Z]\d[0-9A-Z]")  # e.g. "C55", "F32": a 3-character category, a code only where the code set has it
# a range dash that ends its cell and line (a last cell of another column may follow), the range's end
# opening the next line: "D07.30-" / "D07.39, E11.9", "F01-<TAB>4, 5, 6" / "F99, G10"
WRAPPED_DASH = re.compile(r"[ \t]*[-–—](?:\t[^\t\n]{1,40})?[ \t]*\n[ \t]*")
# the end of an ICD-10-CM range printed without its letter, or with a zero for the letter O:
# e.g. "H90.A-90.A3", "O09.A0 - 009.A3"
ICD_RANGE_TAIL = re.compile(r"[ \t]*[-–—][ \t]*(?P<tail>0?\d[0-9A-Z]\.[0-9A-Z]{1,4})(?![\w/]|\.\d)")
# a range written with a word between its ends, e.g. "Z34.00 thru Z34.03", "81200 through 81210", "O01.0 to O01.9"
WORD_RANGE = re.compile(rf"[ \t]+(?:thru|through|to)[ \t]+(?P<last>{_SINGLE}){FOOTNOTE}(?![\w/]|\.\d|-\d)", re.I)
# a list of codes in prose that goes on at the next line, a rotated label's letters possibly printed between:
# e.g. "O01.0 to O01.9, O26.20 to" / "o N" / "O26.23, O99.411", "O02.9," / "O31.00X0"
LIST_WRAP = re.compile(r"(?:[ \t]*(?P<comma>[,;])|[ \t]+(?P<word>thru|through|to))[ \t]*\n(?:[ \t]*(?:\S{1,3}[ \t]*){0,2}\n){0,2}[ \t]*", re.I)
# a status spelled out as a note at the end of a code row, e.g. "89398<TAB>Unlisted ... procedure ** Experimental & Investigational **",
# "0100U ... (Not Covered)", "[investigational]" (not "(e.g., investigational panels)")
ROW_STATUS_NOTE = re.compile(
    r"(?:\*{1,3}|\(|\[)[ \t]*(?P<phrase>(?i:non-?covered|not[ \t]+covered|experimental|investigational|unproven|not[ \t]+medically[ \t]+necessary)"
    r"(?:[ \t]*(?:&|and|/|,|or)[ \t]*(?i:experimental|investigational|unproven|not[ \t]+medically[ \t]+necessary))*)[ \t]*(?:\*{1,3}|\)|\])[ \t]*$"
)
# a parenthesis of examples in a code's description, e.g. "(eg, R183P, G2785, E422X)": variant names, not codes
EXAMPLES_OPEN = re.compile(r"(?i)\((?:e\.?g\.?|i\.?e\.?|such[ \t]+as)[,:]?[ \t]")
# a status marker printed beside a code, spelled out in the policy's legend: e.g. "81277 (E/I)"
MARKER = re.compile(r"[ \t]*\((?P<key>[^()\s]{1,8})\)(?=[ \t]|$)", re.M)
# a status set off at the end of a code row's description: e.g. "89398<TAB>Unlisted ... procedure ** Experimental & Investigational **"
# (status words only: "[not covered for liver]" qualifies the code, it is no status of the row)
ROW_STATUS = re.compile(
    r"(?:\*\*|\[)[ \t]*(?P<status>(?i:experimental|investigational|unproven|not|non-?covered|covered|medically|necessary|and|or|[&/, -])+?)"
    r"[ \t]*(?:\*\*|\])[ \t]*$"
)
# a legend line: e.g. "• (E/I)=Experimental/Investigational", "NMN = Not medically necessary"
LEGEND = re.compile(r"\(?(?P<key>[A-Z*][A-Za-z/&*]{0,7})\)?[ \t]*=[ \t]*(?P<meaning>[A-Za-z][^=\n]{3,80})$", re.M)
LISTED_GAP_MIN = 5  # codes: a range this long may have a retired code inside that a full list leaves out
LISTED_SHARE = 0.8  # of a range's codes listed one by one, with both its ends: the list prints the range
PARAGRAPH_CHARS = 2000  # chars of a paragraph read to tell prose from a table
TABLE_LINE = 150  # chars: a longer line is prose, the table has ended
HCPCS_CELL = re.compile(r"[A-CEGHJ-MP-V]\d{4}\*{0,3}\t")  # e.g. "J9035<TAB>", "C9399**<TAB>": a HCPCS code in its own cell
# the same cell pair ending a row whose first columns are filled, e.g. "• NHL: 375 mg/m2 IV<TAB>J9312<TAB>9999"
TRAILING_HCPCS_CELL = re.compile(r"\t(?P<first>[A-CEGHJ-MP-V]\d{4})\*{0,3}\t[ \t]*\d{1,5}[ \t]*$")
# codes named in parentheses: "(0239U, 0242U, 81455)", "(CPT 81235)", "(codes 0177U and 81309)"
PAREN_CODES = re.compile(r"\((?:(?:CPT|HCPCS|codes?)®?\s*:?\s*)?[+\dA-Z][\dA-Z.]{4,7}(?:\s*(?:,|and|or|-|–)\s*[+\dA-Z][\dA-Z.]{4,7})*\)")
TABLE_GAP = 8  # lines: two code rows this close are rows of one table
HEADING_BACK = 30  # lines: how far above a code named in prose its heading may stand
OUTLINE_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]{1,4}\.)[ \t]+")  # e.g. "3.0 ", "3.2 ", "B. ", "IV. "
# a US state in an address, just before a 5-digit ZIP code, e.g. "Richmond, CA 94804", "Providence, RI  02903"
STATE_BEFORE_ZIP = re.compile(
    r"\b[A-Z][A-Za-z .'-]*,[ \t]*(?:A[KLRZS]|C[AOT]|D[CE]|FL|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY])[ \t]+$"
)
# a modifier's legend line in a code section, e.g. "GZ - Item or service expected to be denied as not reasonable and
# necessary", "KX - Requirements ... have been met": it explains a billing modifier, it heads no group of codes
MODIFIER_LINE = re.compile(r"[ \t]*[A-Z0-9]{2}[ \t]*[-–—:][ \t]+[A-Z]")
SUPPORTS = re.compile(r"(?i)\bsupports?\s+medical\s+necessity\b")  # e.g. "ICD-10 Diagnosis Codes That Support Medical Necessity:"
BOILERPLATE = re.compile(r"(?i)registered\s+trademark|copyright|all\s+rights\s+reserved|copyrighted")


@dataclass
class _Row:
    codes: list["_Found"]
    line: Line
    description_start: int
    description_end: int
    status: Status | None
    status_evidence: Evidence | None
    system_hint: str | None
    continuation: list[Line] = field(default_factory=list)
    section: str | None = None
    status_source: str = "heading"  # or "marker": a status marker beside the code ("81277 (E/I)")


def system_of(code: str, hint: str | None = None) -> str | None:
    """Code system from the code's grammar, with a table heading's hint for the ambiguous shapes."""
    code = code.upper()
    if re.fullmatch(r"\d{4}[0-9FTUM]", code):
        return "CPT"
    if re.fullmatch(r"[A-Z]\d{4}", code):
        return "ICD-10-CM" if hint == "ICD-10-CM" and icd10.is_valid(code) else "HCPCS"
    if re.fullmatch(r"[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}", code):
        return "ICD-10-CM"
    if ICD_CATEGORY.fullmatch(code) and icd10.is_valid(code):
        return "ICD-10-CM"  # a category: "C55", "F32"
    if re.fullmatch(r"[0-9B-DF-HX][0-9A-HJ-NP-Z]{6}", code) and re.search(r"[A-Z]", code) and re.search(r"\d", code):
        return "ICD-10-PCS"
    return None


def _hint(line_text: str) -> str | None:
    upper = line_text.upper()
    if re.search(r"\bICD-?10-?PCS\b|\bICD\b.*\bPROCEDURE", upper):
        return "ICD-10-PCS"
    if "ICD" in upper:
        return "ICD-10-CM"
    if "HCPC" in upper:
        return "HCPCS"
    if "CPT" in upper:
        return "CPT"
    return None


def extract(doc: PolicyDoc) -> tuple[list[Code], list[Repair]]:
    statuses = StatusIndex(doc)
    rows = _rows(doc, statuses)
    codes: dict[tuple, Code] = {}
    repairs: list[Repair] = []
    for row in rows:
        description, description_evidence = _description(doc, row)
        for found in row.codes:
            code = _make_code(doc, found, row, description, description_evidence)
            if code is None:
                continue
            codes.setdefault((code.code, code.system, code.status), code)
            if found.repaired:
                repairs.append(Repair(kind="ocr_code", printed=code.printed, repaired=code.code, evidence=code.evidence))
    taken = sorted((c.evidence.start, c.evidence.end) for c in codes.values())
    for code in _prose_codes(doc, statuses) + _column_codes(doc, statuses):
        if _overlaps(taken, code.evidence.start, code.evidence.end):
            continue  # e.g. "81112", the end of the range "81105 –" / "81112" read as a row
        known = [key for key in codes if key[:2] == (code.code, code.system)]
        if known and (code.status is None or any(key[2] == code.status for key in known)):
            continue
        bare = next((key for key in known if key[2] is None), None)
        if bare is not None:  # the code's status group, read here, completes its statusless listing
            status = {"status": code.status, "status_source": code.status_source, "status_evidence": code.status_evidence}
            code = codes.pop(bare).model_copy(update=status)
        codes[(code.code, code.system, code.status)] = code
    _statuses_from_statements(doc, codes)
    _statuses_from_supporting_diagnoses(doc, codes)
    listed = {key[0] for key, code in codes.items() if code.basis == "structure"}
    return [code for code in codes.values() if not _listed_one_by_one(code, listed)], repairs


def _listed_one_by_one(code: Code, listed: set[str]) -> bool:
    """A CPT range named in prose ("(CPT: 81191-81193, or 81194)") whose every code the table lists on a
    row of its own: the rows are the codes (the record contract's "one entry as printed unless the
    document lists each code on its own row"). A longer range needs its two ends and most codes listed:
    CPT retires codes inside ranges (99237 of "99231-99239")."""
    if code.basis != "prose" or code.system != "CPT" or "range" not in code.flags:
        return False
    first, last = code.code.split("-")
    digits = 5 if first.isdigit() and last.isdigit() else 4  # "81191-81193", "0037U-0040U"
    if first[digits:] != last[digits:] or not (first[:digits].isdigit() and last[:digits].isdigit()):
        return False
    low, high, suffix = int(first[:digits]), int(last[:digits]), first[digits:]
    if not 0 < high - low < 50 or first not in listed or last not in listed:
        return False
    # a deleted code leaves a gap the list cannot fill ("99231-99239" over a list without 99237): most codes will do
    found = sum(f"{n:0{digits}d}{suffix}" in listed for n in range(low, high + 1))
    return found == high - low + 1 or high - low + 1 >= LISTED_GAP_MIN and found >= LISTED_SHARE * (high - low + 1)


def _statuses_from_statements(doc: PolicyDoc, codes: dict[tuple, Code]) -> None:
    """A coverage statement that names codes in parentheses ("... analysis (0177U, 81309) is considered
    medically necessary when:") gives them its status: a code without one takes it, a code with another
    status gets an entry for this status group too."""
    for statement in statements(doc):
        for group in PAREN_CODES.finditer(doc.text, statement.start, statement.end):
            for match in CODE.finditer(doc.text, group.start(), group.end()):
                found = _Found.of(match)
                code = (found.first + ("-" + found.last if found.last else "")).upper()
                keys = [k for k in codes if k[0] == code]
                if not keys or any(k[2] == statement.status for k in keys):
                    continue
                evidence = doc.evidence(statement.start, statement.end)
                update = {"status": statement.status, "status_source": "statement", "status_evidence": evidence}
                bare = next((k for k in keys if k[2] is None), None)
                if bare is not None:
                    codes[(code, bare[1], statement.status)] = codes.pop(bare).model_copy(update=update)
                else:
                    first = codes[keys[0]]
                    codes[(code, first.system, statement.status)] = first.model_copy(update=update)


def _statuses_from_supporting_diagnoses(doc: PolicyDoc, codes: dict[tuple, Code]) -> None:
    """Procedure codes listed with no status right above "ICD-10 Diagnosis Codes That Support Medical Necessity:" (a
    heading inside their own code block that names no procedure codes of its own) are covered when billed with those
    diagnoses: with criteria. A CMS article's "ICD-10-CM Codes that Support Medical Necessity" section is a group of
    its own: its procedure codes keep no status."""
    supporting = [
        c for c in codes.values()
        if c.system == "ICD-10-CM" and c.status_source == "heading" and c.status in (Status.medically_necessary, Status.medically_necessary_with_criteria)
        and c.status_evidence is not None and SUPPORTS.search(c.status_evidence.text) and not CODE.search(c.status_evidence.text)
    ]
    if not supporting:
        return
    heading = supporting[0].status_evidence
    update = {"status": Status.medically_necessary_with_criteria, "status_source": "statement", "status_evidence": heading}
    kept = {}  # in the order listed
    for key, code in codes.items():
        beside = code.evidence.start < heading.start and not any(code.evidence.start < h <= heading.start for h in doc.heading_starts)
        if code.status is None and code.system != "ICD-10-CM" and code.basis == "structure" and beside:
            key, code = (key[0], key[1], Status.medically_necessary_with_criteria), code.model_copy(update=update)
        kept.setdefault(key, code)
    codes.clear()
    codes.update(kept)


@dataclass(frozen=True)
class _Found:
    """A code or range as printed: where its first code starts and where the code (or range) ends."""

    first: str
    last: str | None
    start: int
    end: int  # footnote marks after the code are left out
    repaired_code: str | None = None  # the code an OCR-damaged token stands for (first stays as printed)
    last_repaired: bool = False  # the range's end was printed with a zero for the letter O ("009.A3")

    @property
    def repaired(self) -> bool:
        return self.repaired_code is not None or self.last_repaired

    @classmethod
    def of(cls, match: re.Match, repaired_code: str | None = None) -> "_Found":
        last = match.group("last") if "last" in match.re.groupindex else None
        end = match.end("last") if last else match.end("first")
        return cls(match.group("first"), last, match.start("first"), end, repaired_code)


def _range_tail(text: str, found: _Found) -> _Found:
    """An ICD-10-CM range whose end is printed without its letter ("H90.A-90.A3") or with a zero for the
    letter O ("O09.A0 - 009.A3"): the end is completed from the first code when the code set has it and
    it is in the first code's category."""
    if found.last is None and (worded := _word_range(text, found)) is not None:
        return worded
    if found.last is not None or system_of(found.first) != "ICD-10-CM":
        return found
    tail = ICD_RANGE_TAIL.match(text, found.end)
    if tail is None:
        return found
    first, printed = found.first.upper(), tail.group("tail").upper()
    if printed.index(".") == 2:  # "90.A3": the letter left out
        last, damaged = first[0] + printed, False
    elif printed[0] == "0" and first[0] == "O":  # "009.A3": a zero for the letter O
        last, damaged = "O" + printed[1:], True
    else:
        return found
    if last[:3] != first[:3] or not icd10.is_valid(last):
        return found
    return replace(found, last=last, end=tail.end("tail"), last_repaired=damaged)


def _word_range(text: str, found: _Found) -> _Found | None:
    """A range written with a word ("Z34.00 thru Z34.03"): two codes of one system, the second after
    the first and of its shape (same letter and category length for ICD-10-CM, same suffix for CPT and
    HCPCS); otherwise two codes ("... change 81479 to 0101U" names both)."""
    match = WORD_RANGE.match(text, found.end)
    return None if match is None else _range_to(found, match.group("last"), match.end("last"))


def _range_to(found: _Found, printed_last: str, end: int) -> _Found | None:
    """`found` as a range ending in `printed_last` (at `end`), if the two codes make one (see _word_range)."""
    first, last = found.first.upper(), printed_last.upper()
    system = system_of(first)
    if system is None or system_of(last) != system or last <= first or first[0] != last[0]:
        return None
    if system == "ICD-10-CM" and first.index(".") != last.index("."):
        return None
    if system in ("CPT", "HCPCS") and (first[-1].isdigit() != last[-1].isdigit() or (not first[-1].isdigit() and first[-1] != last[-1])):
        return None
    return replace(found, last=printed_last, end=end)


def _wrapped_range(text: str, found: _Found, *, icd: bool, cells: bool = False) -> _Found:
    """A range whose dash ends the line and whose end opens the next ("D07.30-" / "D07.39, E11.9"); in a
    table of code columns (`cells`) the end may open the next line's cell of that column instead
    ("I21.0-" / "Analysis<TAB>Genotype<TAB>I22.9"), the cell of the dash's own column first when it holds a code
    ("90832<TAB>90847, 96130-" / "90834<TAB>96134, 96136-"). The end is of the same system and after the start."""
    if found.last is not None or (dash := WRAPPED_DASH.match(text, found.end)) is None:
        return found
    starts = [dash.end()]
    if cells:
        line_end = text.find("\n", dash.end())
        starts += [m.end() for m in TAB_CELL.finditer(text, dash.end(), len(text) if line_end < 0 else line_end)]
        column = text.count("\t", text.rfind("\n", 0, found.start) + 1, found.start)  # the dash's cell in its row
        if 0 < column < len(starts):  # two code columns side by side: the end opens the next line's cell of the same
            starts.insert(0, starts.pop(column))  # column ("90847, 96130-" / "90834, +90836<TAB>96134, 96136-")
    for start in starts:
        end = CODE.match(text, start) or (ICD_CELL.match(text, start) if icd else None)
        if end is not None:
            break
    else:
        return found
    first, last = found.first.upper(), end.group("first").upper()
    if end.group("last") or system_of(last) != system_of(first) or last <= first:
        return found
    return replace(found, last=end.group("first"), end=end.end("first"))


def _family(code: str, hint: str | None) -> str | None:
    """Procedure codes (CPT, HCPCS) or diagnoses (ICD-10-CM); ICD-10-PCS only where the table says so
    (seven letters and digits are also gene names: "CYP2C19")."""
    system = system_of(code, hint)
    if system == "ICD-10-PCS":
        return system if hint == "ICD-10-PCS" else None
    return "procedure" if system in ("CPT", "HCPCS") else system


def _in_code_set(cell: re.Match) -> bool:
    """An ICD cell whose 3-character categories are all in the code set ("C55", "M05-M06.9"): a random
    3-character token ("P53" is also a gene) is taken only where the ICD-10-CM code set has it."""
    ends = [cell.group("first"), cell.group("last")]
    return all(icd10.is_valid(end) for end in ends if end and ICD_CATEGORY.fullmatch(end.upper()))


def _make_code(doc, found: _Found, row, description, description_evidence, hint: str | None = None) -> Code | None:
    first = (found.repaired_code or found.first).upper()  # e.g. the ICD placeholder "x" in S42.00xA
    last = (found.last or "").upper() or None
    hint = row.system_hint if row else hint
    system = system_of(first, hint)
    if system is None or (last and system_of(last, hint) != system):
        return None
    if system == "CPT" and not last and first.isdigit() and STATE_BEFORE_ZIP.search(doc.text, max(0, found.start - 40), found.start):
        return None  # a ZIP code in an address
    if system == "ICD-10-PCS" and hint != "ICD-10-PCS":
        return None  # seven letters and digits are also gene names ("CYP2C19"): ICD-10-PCS only where the table says so
    flags = []
    normalized = f"{first}-{last}" if last else first
    if last:
        flags.append("range")
        if system == "CPT" and first.isdigit() and last.isdigit() and int(last) < int(first):
            return None
    if found.repaired:
        flags.append("ocr_repaired")
    if system == "ICD-10-CM" and not all(icd10.is_valid(c) for c in normalized.split("-")):
        flags.append("unknown_code")
    return Code(
        code=normalized,
        system=system,
        status=row.status if row else None,
        status_source=row.status_source if row and row.status else None,
        description=description,
        printed=doc.text[found.start : found.end],
        flags=flags,
        evidence=doc.evidence(found.start, found.end),
        basis="structure",
        description_evidence=description_evidence,
        status_evidence=row.status_evidence if row else None,
    )


def _leading_codes(doc: PolicyDoc, line: Line, in_code_section: bool, *, hint: str | None = None, ocr: bool = False,
                   icd: bool = False) -> tuple[list[_Found], int]:
    """The run of codes a row line starts with (after a system name: "HCPCS G0452"), and where its
    description begins (-1: not a row). A range whose end opens the next line ("81105 –" / "81112") is one.
    Where the table is one of ICD-10-CM codes (`icd`), 3-character categories of the code set count too
    ("C55", "C19 – C20")."""
    text = doc.text
    pos = line.content_start
    prefix = ROW_SYSTEM.match(text, pos)
    if prefix and prefix.end() <= line.end:
        pos = prefix.end()
    found: list[_Found] = []
    while True:
        match = CODE.match(text, pos)
        if in_code_section and ocr and hint and (misread := ocr_codes.TOKEN.match(text, pos)) is not None:
            fixed = ocr_codes.repair(misread.group("token"), hint)  # e.g. "59131" under a HCPCS heading
            if fixed is not None:
                found.append(_Found(misread.group("token"), None, misread.start("token"), misread.end("token"), fixed))
                match = misread
        if match is None and icd and (cell := ICD_CELL.match(text, pos)) is not None and _in_code_set(cell):
            match = cell
            found.append(_Found.of(cell))
        elif match is None and in_code_section:
            loose = OCR_CODE.match(text, pos)
            if loose and re.search(r"[OIl]", loose.group("first")) and sum(ch.isdigit() for ch in loose.group("first")) >= 2:
                match = loose
                found.append(_Found.of(loose, loose.group("first").replace("O", "0").replace("I", "1").replace("l", "1")))
        elif match is not None and (not found or found[-1].start != match.start()):
            found.append(_Found.of(match))
        if match is None or match.start() >= line.end:
            break
        found[-1] = _range_tail(text, found[-1])
        end = max(match.end(), found[-1].end)
        sep = CODE_SEPARATOR.match(text, end)
        following = sep and (CODE.match(text, sep.end()) or (icd and (cell := ICD_CELL.match(text, sep.end())) and _in_code_set(cell)) or None)
        if following and (sep.group().strip(" ") or _family(following.group("first"), hint) == _family(found[-1].first, hint)):
            pos = sep.end()  # (codes apart by spaces only are one run when of one family: "S3870  81228 81229", not "81225 CYP2C19")
            continue
        pos = end
        break
    if not found:
        return [], -1
    dangling = DANGLING_RANGE.match(text, pos) if found[-1].last is None else None
    if dangling and dangling.end() <= line.end:
        index = doc.line_index(line.start) + 1
        below = doc.lines[index] if index < len(doc.lines) else None
        end = CODE.fullmatch(text, below.content_start, below.end) if below is not None else None
        if end is not None and end.group("last") is None:
            found[-1] = _Found(found[-1].first, end.group("first"), found[-1].start, end.end("first"), found[-1].repaired_code)
            return found, dangling.end()
    rest = text[pos : line.end]
    if rest and not rest[0] in " \t:|":
        return [], -1
    return found, pos


def _rows(doc: PolicyDoc, statuses: StatusIndex) -> list[_Row]:
    """Walk the lines once: status headings and system headings set the state the rows below inherit."""
    text = doc.text
    rows: list[_Row] = []
    status: Status | None = None
    status_evidence: Evidence | None = None
    hint: str | None = None
    hint_line = -10
    section: str | None = None
    open_brackets = 0
    status_line = -10
    listed: list[_Row] = []  # codes named in sentences of a code section (never continued by the lines below)
    ocr_pages = frozenset(doc.source.ocr_pages)  # pages whose text an OCR read: misread codes are repaired there
    legend = _legend(doc, statuses)
    consumed: set[int] = set()  # where the end of a range wrapped onto the next line starts ("G89.0-" / "G89.4, I20.0")
    skip = -1  # a line that ended the range printed on the line above it, or a status heading's second line
    hcpcs_cells = 0  # rows seen so far that are a HCPCS code in its own cell ("J9035<TAB>9999")
    for index, line in enumerate(doc.lines):
        if index == skip:
            continue
        label = doc.section_label_at(line.start)
        if label != section:
            section, status, status_evidence, hint, open_brackets = label, None, None, None, 0
            if label == "codes":  # a status lead-in just above the code heading: "Covered when medically necessary:"
                status, status_evidence = _lead_status(doc, statuses, index)
        if label == "codes" and line.start in doc.heading_starts:
            hint = _hint(line.text) or hint  # a code heading names its system ("ICD-10-CM Codes", "HCPCS Codes")
        if label in NARRATIVE or line.is_blank:
            continue
        in_codes = label == "codes"
        content = line.text.strip()
        previous = rows[-1] if rows and (_adjacent(doc, rows[-1], index) or (in_codes and _bare_row_above(doc, rows[-1], index))) else None
        icd = hint == "ICD-10-CM" or _icd_rows_above(doc, rows, index, label)
        ocr = doc.page_of(line.start) in ocr_pages
        found, description_start = None, -1
        if previous is not None and (
            (open_brackets > 0 and not CONTINUES.search(_last_text(previous, text))) or _last_text(previous, text).rstrip().endswith(";")
        ):
            # a bracket left open in the row above ("81242 FANCC (Fanconi anemia, complementation group"), or a
            # descriptor ending in ";" that its child rows complete ("86152 Cell enumeration ... in blood);" /
            # "86153 Cell enumeration ...; physician interpretation"), does not swallow the next row of the same table
            found, description_start = _leading_codes(doc, line, in_codes, hint=hint, ocr=ocr, icd=icd)
            if not _opens_row(doc, found, description_start, line, previous):
                found = None
        if found is None and previous is not None and (open_brackets > 0 or CONTINUES.search(_last_text(previous, text))):
            previous.continuation.append(line)  # e.g. "... includes codes" / "0S523ZZ, 0S543ZZ]"
            open_brackets = max(0, open_brackets + _bracket_balance(content))
            continue
        if found is None:
            found, description_start = _leading_codes(doc, line, in_codes, hint=hint, ocr=ocr, icd=icd)
        found = [f for f in found if f.start not in consumed]  # not the end of a range begun on the line above
        if not found and hcpcs_cells and (cell := TRAILING_HCPCS_CELL.search(text, line.start, line.end)) is not None:
            found, description_start = [_Found.of(cell)], line.end  # a table of "J9035<TAB>9999" rows: its cell further right
        if found:
            near = rows and rows[-1].section == label and doc.line_index(rows[-1].line.start) >= index - TABLE_GAP
            hcpcs_cell = len(found) == 1 and HCPCS_CELL.match(text, found[0].start)  # e.g. "J9035<TAB>9999" in a dosing table
            hcpcs_cells += bool(hcpcs_cell)
            if in_codes or index - hint_line <= 3 or previous is not None or near or hcpcs_cell or _next_is_row(doc, index):
                row = _Row(found, line, description_start, line.end, status, status_evidence, hint, section=label)
                marker = MARKER.match(text, description_start) if legend and description_start < line.end else None
                if marker is not None and marker.group("key") in legend:  # "81277 (E/I)": the legend says what it means
                    row.status, row.status_evidence = legend[marker.group("key")]
                    row.status_source, row.description_start = "marker", marker.end()
                elif description_start < line.end and (note := ROW_STATUS_NOTE.search(text, description_start, line.end)) is not None:
                    row.status, row.status_evidence = heading_status(note.group("phrase")), doc.evidence(note.start(), note.end())
                    row.status_source = "marker"  # the row's own note, over any heading's
                elif (own := ROW_STATUS.search(text, description_start, line.end)) and heading_status(own.group("status")):
                    row.status, row.status_source = heading_status(own.group("status")), "marker"
                    row.status_evidence = doc.evidence(own.start("status"), own.end("status"))
                rows.append(row)
                open_brackets = max(0, _bracket_balance(text[description_start : line.end]))
                if found[-1].end > line.end:
                    skip = index + 1
            continue
        if SYSTEM_HINT.match(content):
            hint, hint_line = _hint(content) or hint, index
            continue
        if not in_codes or LEGEND.fullmatch(text, line.content_start, line.end):
            continue
        if previous is not None and previous.status_source != "marker" and (note := ROW_STATUS_NOTE.search(text, line.start, line.end)):
            # a status note ending a row's wrapped description ("... (List separately ...)" / "(Investigational)")
            # is the row's own, not a heading over the rows below
            if (own_status := heading_status(note.group("phrase"))) is not None:
                previous.status, previous.status_evidence, previous.status_source = own_status, doc.evidence(note.start(), note.end()), "marker"
                previous.continuation.append(line)
                continue
        if MODIFIER_LINE.match(line.text):
            continue  # "GZ - Item or service expected to be denied as not reasonable and necessary"
        heading_end = _heading_end(doc, index)  # a status heading may wrap: "... to be considered medically" / "necessary:"
        line_status = statement_status(doc, statuses, line.start, heading_end)
        wrapped = previous is not None and content[:1].islower()  # e.g. "... [when specified as\nexperimental ...]"
        heading = bool(line_status) and heading_end - line.start < 250 and not DISCLAIMER.search(text, line.start, heading_end) and not wrapped
        if heading:
            status, status_evidence, status_line = line_status, doc.evidence(line.start, heading_end), index
            hint = _hint(text[line.start : heading_end]) or hint  # "ICD-10 Diagnosis Codes That Support Medical Necessity:"
            if heading_end > line.end:
                skip = status_line = index + 1
        elif content.endswith(":") and len(content) < 250 and index != status_line + 1:
            status, status_evidence = None, None  # e.g. "Other CPT codes related to the CPB:" ends the group above
            heading = True
        if not heading and previous is not None and not BOILERPLATE.search(content):
            previous.continuation.append(line)  # a wrapped description
            open_brackets = max(0, open_brackets + _bracket_balance(content))
            continue
        mentioned = [found for found, _ in _cells(doc, line, icd=False, consumed=consumed)]
        if mentioned and not DISCLAIMER.search(content):
            # codes listed in a sentence of the code section: "The following codes apply: 20550, 20551"
            listed.append(_Row(mentioned, line, line.end, line.end, status, status_evidence, hint))
    return rows + listed


def _icd_rows_above(doc: PolicyDoc, rows: list[_Row], index: int, label: str | None) -> bool:
    """The table's last row, a few lines above in the same section, was one of ICD-10-CM codes."""
    if not rows or rows[-1].section != label or doc.line_index(rows[-1].line.start) < index - TABLE_GAP:
        return False
    return system_of(rows[-1].codes[0].first) == "ICD-10-CM"


def _opens_row(doc: PolicyDoc, found: list[_Found], description_start: int, line: Line, previous: _Row) -> bool:
    """A line that starts with a code of the row above's system and goes on with words of its own,
    closing no bracket the row above left open, is the table's next row: "81243 FMR1 (fragile X ...",
    not "0S523ZZ, 0S543ZZ]"."""
    if not found or description_start < 0:
        return False
    rest = doc.text[description_start : line.end].lstrip(" \t:|")
    if not rest[:1].isalnum() or _bracket_balance(rest) < 0 or re.search(r"(?i)\bcodes?\W*$", _last_text(previous, doc.text)):
        return False
    return system_of(found[0].first, previous.system_hint) == system_of(previous.codes[0].first, previous.system_hint)


def _heading_end(doc: PolicyDoc, index: int) -> int:
    """Where a heading line ends: at the end of the next line too when the heading wraps onto it
    (the next line goes on in lower case and ends with ':', as a group heading does)."""
    line = doc.lines[index]
    below = doc.lines[index + 1] if index + 1 < len(doc.lines) else None
    if below is None or line.text.rstrip().endswith(":") or not below.text.rstrip().endswith(":"):
        return line.end
    if not below.text.lstrip()[:1].islower() or len(line.text) + len(below.text) >= 250:
        return line.end
    return below.end


def _legend(doc: PolicyDoc, statuses: StatusIndex) -> dict[str, tuple[Status, Evidence]]:
    """Status markers the policy spells out in a legend: {"E/I": experimental...} from
    "(E/I)=Experimental/Investigational"."""
    out: dict[str, tuple[Status, Evidence]] = {}
    if "=" not in doc.text:
        return out
    for line in doc.lines:
        if "=" not in line.text or doc.section_label_at(line.start) in {"references", "history"}:
            continue
        match = LEGEND.fullmatch(doc.text, line.content_start, line.end)
        if match is None:
            continue
        # (the words first: "(NMN)=Not medically necessary" is tokenized "=Not", which hides the negation from the status spans)
        status = heading_status(match.group("meaning")) or statuses.status_of(match.start("meaning"), match.end("meaning"))
        if status is not None:
            out.setdefault(match.group("key"), (status, doc.evidence(line.start, line.end)))
    return out


def _adjacent(doc: PolicyDoc, row: _Row, index: int) -> bool:
    """True when line `index` directly follows the row or its last continuation line."""
    last = row.continuation[-1] if row.continuation else row.line
    return doc.line_index(last.start) == index - 1


def _bare_row_above(doc: PolicyDoc, row: _Row, index: int) -> bool:
    """A code printed alone on its line, one blank line above: its description is this line
    (web pages and some PDFs print "0275T", a blank line, then "Percutaneous laminotomy ...")."""
    if row.continuation or doc.text[row.description_start : row.line.end].strip(" \t:|-–"):
        return False
    between = doc.lines[doc.line_index(row.line.start) + 1 : index]
    return len(between) == 1 and between[0].is_blank


def _last_text(row: _Row, text: str) -> str:
    last = row.continuation[-1] if row.continuation else row.line
    return text[last.start : last.end]


def _next_is_row(doc: PolicyDoc, index: int) -> bool:
    """Another code row follows within TABLE_GAP lines (a table's rows may be far apart when their
    descriptions and comments wrap), in the same section."""
    label = doc.section_label_at(doc.lines[index].start)
    for line in doc.lines[index + 1 : index + 1 + TABLE_GAP]:
        if not line.is_blank and doc.section_label_at(line.start) == label and _leading_codes(doc, line, False)[0]:
            return True
    return False


def _bracket_balance(text: str) -> int:
    """Opened minus closed brackets: a row whose "[" is still open continues on the next line."""
    return text.count("[") + text.count("(") - text.count("]") - text.count(")")


def _description(doc: PolicyDoc, row: _Row) -> tuple[str | None, Evidence | None]:
    start = row.description_start
    end = row.continuation[-1].end if row.continuation else row.line.end
    chunk = doc.text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" \t:|-–"))
    start += lead
    if start >= end:
        return None, None
    evidence = doc.evidence(start, end)
    description = " ".join(evidence.text.split())
    return (description or None), (evidence if description else None)


def _prose_codes(doc: PolicyDoc, statuses: StatusIndex) -> list[Code]:
    """Codes named with their system in a sentence outside code sections ("CPT code 0232T is
    considered investigational"); the sentence's own status is theirs."""
    out = []
    text = doc.text
    for cue in PROSE_CUE.finditer(text):
        if doc.section_label_at(cue.start()) in (NARRATIVE - {"description"}) | {"codes"}:
            continue  # code sections are read row by row (see _rows); a description's "Procedure codes 81279, ..." names the policy's codes
        sentence = None
        pos = cue.end()
        while (match := CODE.match(text, pos)) is not None:
            if sentence is None:
                span = doc.spacy.char_span(match.start("first"), match.end(), alignment_mode="expand")
                sentence = span.sent if span is not None else False
            found = _range_tail(text, _Found.of(match))
            wrap = LIST_WRAP.match(text, found.end)
            if found.last is None and wrap and wrap.group("word") and (end := CODE.match(text, wrap.end())) and not end.group("last"):
                found = _range_to(found, end.group("first"), end.end("first")) or found
                wrap = LIST_WRAP.match(text, found.end)
            code = _make_code(doc, found, None, None, None, hint=_hint(cue.group(0)))
            status = statement_status(doc, statuses, sentence.start_char, sentence.end_char) if sentence else None
            status_evidence, source = (doc.evidence(sentence.start_char, sentence.end_char), "statement") if status else (None, None)
            if status is None and (heading := _status_heading_above(doc, match.start())) is not None:
                status, status_evidence, source = heading[0], heading[1], "heading"  # "3.0 EXCLUSIONS" over "3.2 ... (CPT) code 96040 ..."
            if code is not None:
                update = {"status": status, "status_source": source, "basis": "prose"}
                if status_evidence is not None:
                    update["status_evidence"] = status_evidence
                out.append(code.model_copy(update=update))
            if wrap and wrap.group("comma") and CODE.match(text, wrap.end()):
                pos = wrap.end()
                continue
            sep = CODE_SEPARATOR.match(text, max(match.end(), found.end))
            if not sep:
                break
            pos = sep.end()
    return out


def _status_heading_above(doc: PolicyDoc, offset: int) -> tuple[Status, Evidence] | None:
    """The status a short heading above names, when the nearest heading over `offset` is one
    ("3.0 EXCLUSIONS", "Not Covered:"); numbered items and prose between are passed over."""
    index = doc.line_index(offset)
    for line in reversed(doc.lines[max(0, index - HEADING_BACK) : index]):
        content = OUTLINE_NUMBER.sub("", line.text.strip())
        if not content or len(content) > 60 or content[-1] in ".,;" or not content[0].isupper():
            continue
        if not (content.isupper() or content.endswith(":")):
            continue
        status = heading_status(content)
        return (status, doc.evidence(line.start, line.end)) if status is not None else None
    return None


def _column_codes(doc: PolicyDoc, statuses: StatusIndex) -> list[Code]:
    """Codes in a table whose header names code columns ("Example Tests (Labs)<TAB>Common CPT Codes
    Common ICD Codes"): every code in its rows, wherever the cell sits in the row; under an ICD column
    ICD-10-CM categories count too ("C15", "C18-C20"). The table ends at a heading, a prose line or
    the AMA's copyright line. A statement that leads into the table ("... considers the following genetic
    tests to be Experimental/Investigational/Unproven:") gives its codes its status."""
    out: list[Code] = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        header = line.text + " " + (lines[i + 1].text if i + 1 < len(lines) else "")
        if "ode" not in header.lower() or not CODE_COLUMN.search(header) or len(line.text.strip()) > TABLE_LINE or line.text.rstrip().endswith(".") or _sentence(line.text):
            i += 1
            continue
        if doc.section_label_at(line.start) in {"references", "websites", "history", "index"}:
            i += 1
            continue
        icd = bool(re.search(r"(?i)\bicd", header))
        status, status_evidence = _lead_status(doc, statuses, i)
        j = i + 1
        consumed: set[int] = set()  # where the end of a range wrapped onto the next line starts
        while j < len(lines):
            row = lines[j]
            content = row.text.strip()
            if (row.start in doc.heading_starts and j > i + 1) or len(content) > TABLE_LINE or BOILERPLATE.search(content) or DISCLAIMER.search(content):
                break  # (the header's own second line may read as a heading: "... Common ICD" / "Codes")
            icd = icd or bool(re.search(r"(?i)\bicd", content) and CODE_COLUMN.search(content))  # "Common ICD Codes" a few lines below
            prose = "\t" not in row.text and _in_prose(doc, row)  # "... Consultations codes (99242-99245, 99252-99255), ..."
            for found, in_code_grammar in _cells(doc, row, icd=icd, consumed=consumed):
                code = _make_code(doc, found, None, None, None)
                if code is None or code.system == "ICD-10-PCS":
                    continue
                if prose:
                    code = code.model_copy(update={"basis": "prose"})
                if status is not None and in_code_grammar:
                    code = code.model_copy(update={"status": status, "status_source": "heading", "status_evidence": status_evidence})
                out.append(code)
            j += 1
        i = j
    return out


def _cells(doc: PolicyDoc, row: Line, *, icd: bool, consumed: set[int]):
    """(code or range, read by the code grammar) for each code in a row of a code-column table; under an
    ICD column 3-character categories too ("B20", "F01-" / "F99"). A range's end on the next line is
    remembered in `consumed` so that it is not read again as a code of its own."""
    text = doc.text
    cells = [(match, True) for match in CODE.finditer(text, row.start, row.end)]
    if icd:
        cells += [(m, False) for m in ICD_CELL.finditer(text, row.start, row.end) if "." not in m.group(0) or not CODE.match(text, m.start())]
    for match, in_code_grammar in cells:
        if match.start() in consumed or _in_examples(text, row.start, match.start()):
            continue
        found = _wrapped_range(text, _range_tail(text, _Found.of(match)), icd=icd, cells=True)
        if found.end > max(row.end, match.end()):  # the range's end, on the next line or after a word ("thru"): not a code of its own
            consumed.add(found.end - len(found.last))
        yield found, in_code_grammar


def _in_examples(text: str, line_start: int, offset: int) -> bool:
    """Does `offset` stand inside a parenthesis of examples opened earlier on its line ("(eg, R183P, G2785"),
    one that names no code system ("(e.g., CPT 81327" names codes)?"""
    before = text[line_start:offset]
    opened = before.rfind("(")
    if opened < 0 or ")" in before[opened:] or EXAMPLES_OPEN.match(before, opened) is None:
        return False
    return not re.search(r"(?i)\b(?:cpt|hcpcs|icd|codes?)\b", before[opened:])


def _lead_status(doc: PolicyDoc, statuses: StatusIndex, header_index: int) -> tuple[Status | None, Evidence | None]:
    """The status of the sentence ending in ':' just above a table's header row (blank lines between allowed)."""
    for line in reversed(doc.lines[max(0, header_index - 3) : header_index]):
        if line.is_blank:
            continue
        if not line.text.rstrip().endswith(":") or DISCLAIMER.search(line.text):
            return None, None
        status = statement_status(doc, statuses, line.start, line.end)
        return (status, doc.evidence(line.start, line.end)) if status else (None, None)
    return None, None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect_right(spans, (start, float("inf")))
    return any(a < end and start < b for a, b in spans[max(0, i - 2) : i + 1])


def _in_prose(doc: PolicyDoc, row: Line) -> bool:
    """Is the row a line of a paragraph of prose (its lines between blank lines read as sentences), not a table row?"""
    reach = max(0, row.start - PARAGRAPH_CHARS)
    start = max(reach, doc.text.rfind("\n\n", reach, row.start) + 2)
    end = doc.text.find("\n\n", row.end, row.end + PARAGRAPH_CHARS)
    return _sentence(doc.text[start : row.end + PARAGRAPH_CHARS if end < 0 else end])


def _sentence(text: str) -> bool:
    """A line of prose (several lower-case words), not a row of column names."""
    return len(re.findall(r"\b[a-z]{3,}\b", text)) > 6
