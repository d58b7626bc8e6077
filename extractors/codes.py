"""Procedure and diagnosis codes: CPT, HCPCS Level II, ICD-10-CM, ICD-10-PCS, and printed ranges.

Codes are read from code-table rows (a line that starts with a code or a run of codes, then its
description) in code sections, from such rows elsewhere when a code-system heading or a second row
confirms the table, and from prose that names the system ("CPT code 0232T"). Narrative sections,
references and history never give codes. A status heading in the table ("When services are
Investigational and Not Medically Necessary:") gives the codes under it their status.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from extractors import icd10, ocr_codes
from extractors.document import NARRATIVE, Line, PolicyDoc
from extractors.models import Code, Evidence, Repair, Status
from extractors.statuses import DISCLAIMER, StatusIndex
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
CODE = re.compile(
    rf"(?<![\w.\-/+])\+?(?P<first>{_SINGLE})(?:[ \t]*[-–—][ \t]*(?P<last>{_SINGLE}))?{FOOTNOTE}(?![\w/]|\.\d|-\d)"
)
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
# e.g. "CPT code 0232T", "HCPCS codes M0076 and M0075", "ICD-10-CM: M54.50"
PROSE_CUE = re.compile(r"(?:\bCPT|\bHCPCS|\bICD-?10(?:-?CM|-?PCS)?)(?:®)?(?:[ \t]+codes?)?[ \t]*:?[ \t]*(?=[+\dA-Z])")
CODE_SEPARATOR = re.compile(r"[ \t]*(?:,|;|/|\band\b|\bor\b|\bthrough\b)[ \t]*|\t+")  # e.g. "20550, 20551 and 0232T", "81420<TAB>81507"
CONTINUES = re.compile(r"(?:\b(?:and|or|includes?|including)|[,;(\[/-])[ \t]*$", re.I)  # e.g. "... [lumbar; includes codes 0R533ZZ,"
# a table header naming code columns: "Common CPT Codes", "ICD-10 Codes", "HCPCS Code(s)"
CODE_COLUMN = re.compile(r"(?i)\b(?:cpt|hcpcs|icd(?:-?10)?(?:-?(?:cm|pcs))?)(?:®)?[ \t\n]+codes?\b|\bcode\(s\)")
# an ICD-10-CM category or code in a column of ICD codes: "C15", "C18-C20", "Z12.10-Z12.13", "C91.4"
ICD_CELL = re.compile(r"(?<![\w.\-/])(?P<first>[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Zx]{1,4})?)(?:[ \t]*[-–—][ \t]*(?P<last>[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Zx]{1,4})?))?(?![\w/]|\.\d)")
TABLE_LINE = 150  # chars: a longer line is prose, the table has ended
HCPCS_CELL = re.compile(r"[A-CEGHJ-MP-V]\d{4}\*{0,3}\t")  # e.g. "J9035<TAB>", "C9399**<TAB>": a HCPCS code in its own cell
# codes named in parentheses: "(0239U, 0242U, 81455)", "(CPT 81235)", "(codes 0177U and 81309)"
PAREN_CODES = re.compile(r"\((?:(?:CPT|HCPCS|codes?)®?\s*:?\s*)?[+\dA-Z][\dA-Z.]{4,7}(?:\s*(?:,|and|or|-|–)\s*[+\dA-Z][\dA-Z.]{4,7})*\)")
TABLE_GAP = 8  # lines: two code rows this close are rows of one table
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


def system_of(code: str, hint: str | None = None) -> str | None:
    """Code system from the code's grammar, with a table heading's hint for the ambiguous shapes."""
    code = code.upper()
    if re.fullmatch(r"\d{4}[0-9FTUM]", code):
        return "CPT"
    if re.fullmatch(r"[A-Z]\d{4}", code):
        return "ICD-10-CM" if hint == "ICD-10-CM" and icd10.is_valid(code) else "HCPCS"
    if re.fullmatch(r"[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}", code):
        return "ICD-10-CM"
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
    return list(codes.values()), repairs


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


@dataclass(frozen=True)
class _Found:
    """A code or range as printed: where its first code starts and where the code (or range) ends."""

    first: str
    last: str | None
    start: int
    end: int  # footnote marks after the code are left out
    repaired_code: str | None = None  # the code an OCR-damaged token stands for (first stays as printed)

    @property
    def repaired(self) -> bool:
        return self.repaired_code is not None

    @classmethod
    def of(cls, match: re.Match, repaired_code: str | None = None) -> "_Found":
        last = match.group("last") if "last" in match.re.groupindex else None
        end = match.end("last") if last else match.end("first")
        return cls(match.group("first"), last, match.start("first"), end, repaired_code)


def _make_code(doc, found: _Found, row, description, description_evidence, hint: str | None = None) -> Code | None:
    first = (found.repaired_code or found.first).upper()  # e.g. the ICD placeholder "x" in S42.00xA
    last = (found.last or "").upper() or None
    hint = row.system_hint if row else hint
    system = system_of(first, hint)
    if system is None or (last and system_of(last, hint) != system):
        return None
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
        status_source="heading" if row and row.status else None,
        description=description,
        printed=doc.text[found.start : found.end],
        flags=flags,
        evidence=doc.evidence(found.start, found.end),
        basis="structure",
        description_evidence=description_evidence,
        status_evidence=row.status_evidence if row else None,
    )


def _leading_codes(doc: PolicyDoc, line: Line, in_code_section: bool, *, hint: str | None = None, ocr: bool = False) -> tuple[list[_Found], int]:
    """The run of codes a row line starts with (after a system name: "HCPCS G0452"), and where its
    description begins (-1: not a row). A range whose end opens the next line ("81105 –" / "81112") is one."""
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
        if match is None and in_code_section:
            loose = OCR_CODE.match(text, pos)
            if loose and re.search(r"[OIl]", loose.group("first")) and sum(ch.isdigit() for ch in loose.group("first")) >= 2:
                match = loose
                found.append(_Found.of(loose, loose.group("first").replace("O", "0").replace("I", "1").replace("l", "1")))
        elif match is not None and (not found or found[-1].start != match.start()):
            found.append(_Found.of(match))
        if match is None or match.start() >= line.end:
            break
        sep = CODE_SEPARATOR.match(text, match.end())
        if sep and CODE.match(text, sep.end()):
            pos = sep.end()
            continue
        pos = match.end()
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
    heading_lines = {s.header_start for s in doc.sections}
    skip = -1  # a line that ended the range printed on the line above it
    for index, line in enumerate(doc.lines):
        if index == skip:
            continue
        label = doc.section_label_at(line.start)
        if label != section:
            section, status, status_evidence, hint, open_brackets = label, None, None, None, 0
        if label == "codes" and line.start in heading_lines:
            hint = _hint(line.text) or hint  # a code heading names its system ("ICD-10-CM Codes", "HCPCS Codes")
        if label in NARRATIVE or line.is_blank:
            continue
        in_codes = label == "codes"
        content = line.text.strip()
        previous = rows[-1] if rows and (_adjacent(doc, rows[-1], index) or (in_codes and _bare_row_above(doc, rows[-1], index))) else None
        if previous is not None and (open_brackets > 0 or CONTINUES.search(_last_text(previous, text))):
            previous.continuation.append(line)  # e.g. "... includes codes" / "0S523ZZ, 0S543ZZ]"
            open_brackets = max(0, open_brackets + _bracket_balance(content))
            continue
        found, description_start = _leading_codes(doc, line, in_codes, hint=hint, ocr=doc.page_of(line.start) in ocr_pages)
        if found:
            near = rows and rows[-1].section == label and doc.line_index(rows[-1].line.start) >= index - TABLE_GAP
            hcpcs_cell = len(found) == 1 and HCPCS_CELL.match(text, found[0].start)  # e.g. "J9035<TAB>9999" in a dosing table
            if in_codes or index - hint_line <= 3 or previous is not None or near or hcpcs_cell or _next_is_row(doc, index):
                rows.append(_Row(found, line, description_start, line.end, status, status_evidence, hint, section=label))
                open_brackets = max(0, _bracket_balance(text[description_start : line.end]))
                if found[-1].end > line.end:
                    skip = index + 1
            continue
        if SYSTEM_HINT.match(content):
            hint, hint_line = _hint(content) or hint, index
            continue
        if not in_codes:
            continue
        line_status = statement_status(doc, statuses, line.start, line.end)
        wrapped = previous is not None and content[:1].islower()  # e.g. "... [when specified as\nexperimental ...]"
        heading = bool(line_status) and len(content) < 250 and not DISCLAIMER.search(content) and not wrapped
        if heading:
            status, status_evidence, status_line = line_status, doc.evidence(line.start, line.end), index
        elif content.endswith(":") and len(content) < 250 and index != status_line + 1:
            status, status_evidence = None, None  # e.g. "Other CPT codes related to the CPB:" ends the group above
            heading = True
        if not heading and previous is not None and not BOILERPLATE.search(content):
            previous.continuation.append(line)  # a wrapped description
            open_brackets = max(0, open_brackets + _bracket_balance(content))
            continue
        mentioned = [_Found.of(m) for m in CODE.finditer(text, line.start, line.end)]
        if mentioned and not DISCLAIMER.search(content):
            # codes listed in a sentence of the code section: "The following codes apply: 20550, 20551"
            listed.append(_Row(mentioned, line, line.end, line.end, status, status_evidence, hint))
    return rows + listed


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
        if doc.section_label_at(cue.start()) in NARRATIVE | {"codes"}:
            continue  # code sections are read row by row (see _rows)
        sentence = None
        pos = cue.end()
        while (match := CODE.match(text, pos)) is not None:
            if sentence is None:
                span = doc.spacy.char_span(match.start("first"), match.end(), alignment_mode="expand")
                sentence = span.sent if span is not None else False
            code = _make_code(doc, _Found.of(match), None, None, None, hint=_hint(cue.group(0)))
            status = statement_status(doc, statuses, sentence.start_char, sentence.end_char) if sentence else None
            if code is not None:
                out.append(code.model_copy(update={"status": status, "status_source": "statement" if status else None, "basis": "prose"}))
            sep = CODE_SEPARATOR.match(text, match.end())
            if not sep:
                break
            pos = sep.end()
    return out


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
        headings = {s.header_start for s in doc.sections}
        j = i + 1
        while j < len(lines):
            row = lines[j]
            content = row.text.strip()
            if (row.start in headings and j > i + 1) or len(content) > TABLE_LINE or BOILERPLATE.search(content) or DISCLAIMER.search(content):
                break  # (the header's own second line may read as a heading: "... Common ICD" / "Codes")
            for match in CODE.finditer(doc.text, row.start, row.end):
                code = _make_code(doc, _Found.of(match), None, None, None)
                if code is not None and code.system != "ICD-10-PCS":
                    if status is not None:
                        code = code.model_copy(update={"status": status, "status_source": "heading", "status_evidence": status_evidence})
                    out.append(code)
            if icd:
                for match in ICD_CELL.finditer(doc.text, row.start, row.end):
                    if "." not in match.group(0) or not CODE.match(doc.text, match.start()):
                        out.append(_icd_cell(doc, match))
            j += 1
        i = j
    return out


def _lead_status(doc: PolicyDoc, statuses: StatusIndex, header_index: int) -> tuple[Status | None, Evidence | None]:
    """The status of the sentence ending in ':' just above a table's header row (blank lines between allowed)."""
    for line in reversed(doc.lines[max(0, header_index - 3) : header_index]):
        if line.is_blank:
            continue
        if not line.text.rstrip().endswith(":"):
            return None, None
        status = statement_status(doc, statuses, line.start, line.end)
        return (status, doc.evidence(line.start, line.end)) if status else (None, None)
    return None, None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect_right(spans, (start, float("inf")))
    return any(a < end and start < b for a, b in spans[max(0, i - 2) : i + 1])


def _sentence(text: str) -> bool:
    """A line of prose (several lower-case words), not a row of column names."""
    return len(re.findall(r"\b[a-z]{3,}\b", text)) > 6


def _icd_cell(doc: PolicyDoc, match: re.Match) -> Code:
    first, last = match.group("first").upper(), (match.group("last") or "").upper() or None
    normalized = f"{first}-{last}" if last else first
    flags = ["range"] if last else []
    if not all(icd10.is_valid(c) for c in normalized.split("-")):
        flags.append("unknown_code")
    end = match.end("last") if last else match.end("first")
    return Code(
        code=normalized, system="ICD-10-CM", printed=doc.text[match.start() : end], flags=flags, basis="structure",
        evidence=doc.evidence(match.start(), end),
    )
