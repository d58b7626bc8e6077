"""Structured sources: a CMS Coverage API record (NCD, LCD or billing article JSON) -> policy text.

The CMS Coverage API (api.coverage.cms.gov) serves each document as JSON: `{"meta": ..., "data": [record]}`
from /v1/data/ncd, /v1/data/lcd and /v1/data/article, with the document's codes, code groups and
revision history on sub-endpoints (/v1/data/article/hcpc-code, .../icd10-covered-group,
.../lcd/revision-history ...), its contractors on the report rows (/v1/reports/...: `contractor_name_type`).
Its HTML fields are entity-escaped (`&lt;p&gt;`, `&amp;sect;`), sometimes twice.

A file is such a record when a dict in it has a title and keys only these documents have (`lcd_id`,
`article_eff_date`, `indications_limitations`, ...); the pieces may come as saved: one record, an
envelope, a report row merged with the detail record, or a dict of endpoint responses. Everything is
rendered into labelled lines and headings the extractors already read ("LCD ID: L33801", "Coverage
Indications, Limitations, and/or Medical Necessity", "Revision History Information" ...), so the
record's fields are stated values with evidence in `policy-pipeline text`. One file is one document:
a file holding several documents is refused with a one-line error naming the count (taking the first
would drop the others silently).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from extractors.errors import InputError
from extractors.loading.document import PolicyText
from extractors.loading.html import ESCAPED_TAG, TAG, html_to_text
from extractors.loading.text import normalize_whitespace, repair_mojibake

MEDIA_TYPE = "application/json"
JSON_START = re.compile(r"\A\s*[\[{]")  # e.g. '{"meta": ...', '[{"lcd_id": ...'
# a file that says it is a CMS record, e.g. '"lcd_id": 33801', '"indications_limitations":'
CLAIMS_CMS = re.compile(
    r'"(?:lcd_id|article_id|ncd_id|document_display_id|contractor_name_type|orig_det_eff_date|rev_eff_date|'
    r'article_eff_date|indications_limitations|item_service_description)"\s*:'
)
MAX_DEPTH = 8  # saved responses nest a few levels (endpoint -> envelope -> data -> record)
EMPTY = frozenset({"", "n/a", "na", "none", "null"})  # a section holding only this is not printed

LCD, ARTICLE, NCD = "LCD", "Article", "NCD"
KIND_KEYS = {
    LCD: {"lcd_id", "lcd_version", "orig_det_eff_date", "rev_eff_date", "indication", "determination_number",
          "doc_reqs", "util_guide", "diagnoses_support", "diagnoses_dont_support"},
    ARTICLE: {"article_id", "article_version", "article_eff_date", "article_type", "article_pub_date", "article_rev_end_date"},
    NCD: {"ncd_id", "ncd_version", "ncd_mnl_sect", "indications_limitations", "item_service_description", "benefit_category",
          "reasons_for_denial"},
}
SHARED_KEYS = {"cms_cov_policy", "contractor_name_type", "summary_of_evidence", "analysis_of_evidence", "bibliography",
               "last_reviewed_on", "keywords"}
# keys no other JSON is likely to use; any other key of the sets above ("indication", "keywords") needs a second one
STRONG_KEYS = {"lcd_id", "lcd_version", "orig_det_eff_date", "article_id", "article_version", "article_eff_date", "ncd_id",
               "ncd_version", "ncd_mnl_sect", "indications_limitations", "item_service_description", "cms_cov_policy",
               "contractor_name_type"}
CMS_KEYS = set().union(*KIND_KEYS.values(), SHARED_KEYS)
DISPLAY_ID = re.compile(r"(?:D?[LA]\d{4,6}|\d{1,3}(?:\.\d{1,3}){1,3})")  # e.g. "L33801", "DL33801", "A57528", NCD "30.3.3"
DISPLAY_KIND = {"L": LCD, "DL": LCD, "A": ARTICLE, "DA": ARTICLE}

# code tables: (row key, group key, heading); the ICD-10-CM headings state the group's status
TABLES = {
    "hcpcs": ("hcpc_code_id", "hcpc_code_group", "CPT/HCPCS Codes"),
    "modifiers": ("hcpc_modifier_code_id", "hcpc_modifier_group", "CPT/HCPCS Modifiers"),
    "icd10_covered": ("icd10_code_id", "icd10_covered_group", "ICD-10-CM Codes that Support Medical Necessity"),
    "icd10_noncovered": ("icd10_code_id", "icd10_noncovered_group", "ICD-10-CM Codes that DO NOT Support Medical Necessity"),
    "icd10_pcs": ("icd10_pcs_code_id", "icd10_pcs_code_group", "ICD-10-PCS Codes"),
    "bill_types": ("bill_code_id", None, "Bill Type Codes"),
    "revenue": ("revenue_code_id", None, "Revenue Codes"),
}
STATUS_TABLES = ("icd10_covered", "icd10_noncovered")
# the table's lead paragraph, when the record carries one
TABLE_PARAGRAPHS = {"icd10_covered": "icd9_covered_para", "icd10_noncovered": "icd9_noncovered_para", "revenue": "revenue_para"}

# (record key, heading) in the order the Medicare Coverage Database prints them; "@codes" and "@history"
# stand for the code tables and the revision history rows
SECTIONS = {
    LCD: [("issue", "Issue Description"), ("cms_cov_policy", "CMS National Coverage Policy"),
          ("indication", "Coverage Indications, Limitations, and/or Medical Necessity"),
          ("summary_of_evidence", "Summary of Evidence"),
          ("analysis_of_evidence", "Analysis of Evidence (Rationale for Determination)"),
          ("coding_guidelines", "Coding Guidelines"), ("@codes", ""),
          ("diagnoses_support", "ICD-10-CM Codes that Support Medical Necessity"),
          ("diagnoses_dont_support", "ICD-10-CM Codes that DO NOT Support Medical Necessity"),
          ("add_icd10_info", "Additional ICD-10 Information"), ("doc_reqs", "Documentation Requirements"),
          ("util_guide", "Utilization Guidelines"), ("associated_info", "Associated Information"),
          ("appendices", "Appendices"), ("source_info", "Sources of Information"), ("bibliography", "Bibliography"),
          ("@history", "Revision History Information"), ("history_exp", "Revision History Explanation"),
          ("keywords", "Keywords")],
    ARTICLE: [("cms_cov_policy", "CMS National Coverage Policy"), ("description", "Article Text"),
              ("other_comments", "Other Comments"), ("@codes", ""), ("add_icd10_info", "Additional ICD-10 Information"),
              ("@history", "Revision History Information"), ("history_exp", "Revision History Explanation"),
              ("keywords", "Keywords")],
    NCD: [("item_service_description", "Item/Service Description"),
          ("indications_limitations", "Indications and Limitations of Coverage"),
          ("reasons_for_denial", "Reasons for Denial"), ("cross_reference", "Cross Reference"), ("other_text", "Other"),
          ("@codes", ""), ("revision_history", "Revision History"), ("@history", "Revision History")],
}
KIND_LINE = {LCD: "Local Coverage Determination (LCD)", ARTICLE: "Local Coverage Article",
             NCD: "National Coverage Determination (NCD)"}
ID_LABEL = {LCD: "LCD ID", ARTICLE: "Article ID", NCD: "NCD ID"}
TITLE_LABEL = {LCD: "LCD Title", ARTICLE: "Article Title", NCD: "Title"}  # labels extractors/titles.py reads
CMS = "Centers for Medicare & Medicaid Services"  # who issues an NCD (the NCD Manual, Pub. 100-03, is CMS's)
# header lines after the contractors: (label, keys tried in order, is a date); the labels are the MCD's
HEADER = {
    LCD: [("Determination Number", ("determination_number",), False),
          ("Original Effective Date", ("orig_det_eff_date",), True), ("Revision Effective Date", ("rev_eff_date",), True),
          ("Revision Ending Date", ("rev_end_date",), True), ("Retirement Date", ("date_retired", "retirement_date"), True),
          ("Notice Period Start Date", ("notice_start_dt",), True), ("Notice Period End Date", ("notice_end_dt",), True)],
    ARTICLE: [("Article Type", ("article_type",), False), ("Effective Date", ("article_eff_date",), True),
              ("Revision Ending Date", ("article_rev_end_date",), True), ("Article End Date", ("article_end_date",), True),
              ("Retirement Date", ("date_retired", "retirement_date"), True), ("Publication Date", ("article_pub_date",), True)],
    NCD: [("Publication Number", ("publication_number",), False), ("Benefit Category", ("benefit_category",), False),
          ("Effective Date", ("effective_date",), True), ("Effective End Date", ("effective_end_date",), True),
          ("Implementation Date", ("implementation_date",), True), ("Transmittal Number", ("transmittal_number",), False)],
}
DATE_FORMS = [
    re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$"),  # e.g. "10/01/2015"
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$"),  # e.g. "2015-10-01 00:00:00"
]
CONTRACTOR_ENTRY = re.compile(r"\r?\n[ \t]*\r?\n")  # e.g. "CGS Administrators, LLC\r\n(DME MAC)\r\n\r\nNoridian ..."


@dataclass
class Collected:
    """The pieces of one saved response, found by their keys wherever they sit."""

    documents: list[dict] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> code rows
    paragraphs: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> group -> paragraph
    contractors: list[dict] = field(default_factory=list)


def looks_like_cms_record(obj: object) -> bool:
    """True when the parsed JSON holds a CMS Coverage API document (NCD, LCD or article), by its keys."""
    return bool(_collect(obj).documents)


def load_structured(raw: str, *, name: str = "document") -> PolicyText | None:
    """Decoded text -> PolicyText when it is a CMS Coverage API record; None for anything else (other JSON,
    text that only starts with a brace). Invalid JSON that names CMS record keys is refused in one line."""
    if not JSON_START.match(raw):
        return None
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError) as error:
        if CLAIMS_CMS.search(raw, 0, 65536):
            raise InputError(f"{name}: not valid JSON, though it reads as a CMS Coverage API record ({_one_line(error)})") from None
        return None
    collected = _collect(parsed)
    if not collected.documents:
        return None
    text = normalize_whitespace(render(collected, name=name))
    text, repairs = repair_mojibake(text)
    return PolicyText(text=text, media_type=MEDIA_TYPE, repairs=tuple(repairs))


def render_cms_record(obj: object, *, name: str = "document") -> str:
    """A parsed CMS Coverage API record -> the policy text (labelled header lines, then headed sections)."""
    collected = _collect(obj)
    if not collected.documents:
        raise InputError(f"{name}: no CMS Coverage API document (NCD, LCD or article) in this JSON")
    return normalize_whitespace(render(collected, name=name))


# --- finding the pieces ------------------------------------------------------------------------


def _collect(obj: object) -> Collected:
    found = Collected()
    stack: list[tuple[object, int]] = [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        if "data" in node and "meta" in node:  # an API envelope: the records are in "data"
            stack.append((node["data"], depth + 1))
            continue
        if not _take_row(node, found):
            if _kind(node):
                found.documents.append(node)
            stack.extend((value, depth + 1) for value in reversed(list(node.values())) if isinstance(value, (dict, list)))
    return found


def _take_row(row: dict, found: Collected) -> bool:
    """File a sub-endpoint row (revision history, code, code group, contractor); False for anything else."""
    if "rev_hist_date" in row or "rev_hist_exp" in row:
        found.revisions.append(row)
        return True
    if "contractor_bus_name" in row:
        found.contractors.append(row)
        return True
    for table, (code_key, group_key, _) in TABLES.items():
        if group_key and group_key in row and "paragraph" in row and code_key not in row:
            found.paragraphs.setdefault(table, {})[_group(row.get(group_key))] = row.get("paragraph") or ""
            return True
    for table, (code_key, _, _) in TABLES.items():
        if code_key in row and not (table == "icd10_covered" and "icd10_noncovered_group" in row):
            found.rows.setdefault(table, []).append(row)  # (an ICD-10 row says its table by its group key)
            return True
    return False


def _kind(record: dict) -> str | None:
    """LCD, Article or NCD for a document record, else None. A record has a title and two signs of being
    a CMS document, one of them a key only CMS uses (it counts two), the stated document type or an id
    shaped like a display id; other CMS keys count one ({"title", "indication", "keywords"} is anybody's)."""
    if not isinstance(record.get("title"), str) or not record["title"].strip():
        return None
    keys = set(record)
    stated = next((k for k in (LCD, ARTICLE, NCD) if str(record.get("document_type") or "").strip().upper() == k.upper()), None)
    display = DISPLAY_ID.fullmatch((_display_id(record) or "").upper())
    signs = 2 * len(keys & STRONG_KEYS) + len((keys & CMS_KEYS) - STRONG_KEYS) + bool(stated) + bool(display)
    if signs < 2 or not (keys & STRONG_KEYS or stated or display):
        return None
    for kind in (LCD, ARTICLE, NCD):
        if keys & KIND_KEYS[kind]:
            return kind
    if stated:
        return stated
    if display:
        return DISPLAY_KIND.get(re.match(r"D?[LA]|", display.group(0)).group(0), NCD)  # e.g. "DL" of "DL33801"; "" for "30.3.3"
    return None


def _display_id(record: dict) -> str | None:
    value = record.get("document_display_id") or record.get("display_id")
    return _plain(value) or None


def _identities(record: dict, kind: str) -> set[str]:
    """The ids a record answers to: its display id and its numeric id, so a report row and the detail
    record of one document are recognized as one ("L33801" / 33801)."""
    out = set()
    display = _display_id(record)
    if display:
        out.add(display.upper())
    for key in ("lcd_id", "article_id", "ncd_id", "document_id"):
        value = str(record.get(key) or "").strip()
        if value.isdigit():
            out.add(f"{kind}:{int(value)}")
    return out


def _one_document(found: Collected, name: str) -> tuple[str, dict]:
    """Merge the records of one document (a report row and a detail record); refuse several documents."""
    groups: list[tuple[str, set[str], list[dict]]] = []
    for record in found.documents:
        kind = _kind(record)
        ids = _identities(record, kind)
        match = next((g for g in groups if g[0] == kind and (g[1] & ids or not ids or not g[1])), None)
        if match is None:
            groups.append((kind, set(ids), [record]))
        else:
            match[1].update(ids)
            match[2].append(record)
    if len(groups) > 1:
        shown = ", ".join(sorted(min(g[1], key=len) if g[1] else g[0] for g in groups)[:5])
        raise InputError(
            f"{name}: {len(groups)} CMS Coverage API documents in one file ({shown}{', ...' if len(groups) > 5 else ''}); "
            "one file must hold one document"
        )
    kind, _, records = groups[0]
    merged: dict = {}
    for record in records:  # the first non-empty value of a key wins
        for key, value in record.items():
            if key not in merged or _blank(merged[key]):
                merged[key] = value
    return kind, merged


# --- rendering -----------------------------------------------------------------------------------


def render(found: Collected, *, name: str = "document") -> str:
    kind, record = _one_document(found, name)
    lines = [CMS, KIND_LINE[kind]] if kind == NCD else [KIND_LINE[kind]]
    number = _number(kind, record)
    if number:
        lines.append(f"{ID_LABEL[kind]}: {number}")
    lines.append(f"{TITLE_LABEL[kind]}: {_plain(record['title'])}")
    version = _plain(record.get({LCD: "lcd_version", ARTICLE: "article_version", NCD: "ncd_version"}[kind]) or record.get("document_version"))
    if version:
        lines.append(f"{kind} Version: {version}")
    lines += [f"Contractor Name: {contractor}" for contractor in _contractors(record, found.contractors)]
    lines += _header(kind, record)
    blocks = ["\n".join(lines)]
    for key, heading in SECTIONS[kind]:
        if key == "@codes":
            blocks += _code_tables(found, record)
        elif key == "@history":
            if found.revisions:
                blocks.append(heading + "\n" + _revision_table(found.revisions))
        else:
            body = _html_block(record.get(key))
            if body:
                blocks.append(f"{heading}\n{body}")
    return "\n\n".join(blocks) + "\n"


def _number(kind: str, record: dict) -> str:
    """The id the MCD prints: the display id, else "L"/"A" + the numeric id (an NCD's is its manual section)."""
    display = _display_id(record)
    if display:
        return display
    if kind == NCD:
        return _plain(record.get("ncd_mnl_sect"))
    numeric = _plain(record.get("lcd_id" if kind == LCD else "article_id") or record.get("document_id"))
    return f"{kind[0]}{numeric}" if numeric.isdigit() else numeric


def _header(kind: str, record: dict) -> list[str]:
    out = []
    for label, keys, is_date in HEADER[kind]:
        value = next((record[k] for k in keys if not _blank(record.get(k))), None)
        if value is not None:
            out.append(f"{label}: {_date(value) if is_date else _plain(value)}")
    if kind != NCD and not any(k in record for k in ("orig_det_eff_date", "rev_eff_date", "article_eff_date")):
        if not _blank(record.get("effective_date")):  # a report row's effective date of the current version
            out.append(f"Effective Date: {_date(record['effective_date'])}")
    if not _blank(record.get("last_reviewed_on")):
        out.append(f"Last Reviewed: {_date(record['last_reviewed_on'])}")
    updated = next((record[k] for k in ("last_updated", "updated_on") if not _blank(record.get(k))), None)
    if updated is not None:
        out.append(f"Last Updated: {_date(updated)}")
    return out


def _contractors(record: dict, rows: list[dict]) -> list[str]:
    """'Name (contract type)' for each contractor: the report row's contractor_name_type
    ("CGS Administrators, LLC\\r\\n(DME MAC)\\r\\n\\r\\nNoridian ...") and contractor rows."""
    out: list[str] = []
    text = record.get("contractor_name_type")
    if isinstance(text, str):
        for entry in CONTRACTOR_ENTRY.split(text.strip()):
            parts = [_plain(p) for p in entry.splitlines() if p.strip()]
            if parts:
                kind = " ".join(p.strip("()") for p in parts[1:])
                out.append(f"{parts[0]} ({kind})" if kind else parts[0])
    for row in rows:
        name = _plain(row.get("contractor_bus_name"))
        kind = _plain(row.get("contractor_type") or row.get("description") or row.get("subtype_description"))
        if name:
            out.append(f"{name} ({kind})" if kind else name)
    return list(dict.fromkeys(out))


def _code_tables(found: Collected, record: dict) -> list[str]:
    """One block per code table, as the MCD prints them: per group its paragraph, then its code rows. A
    group of an ICD-10-CM table opens with the table's heading again, so the status it states
    ("... Support Medical Necessity") heads the group's codes even after a paragraph."""
    blocks = []
    for table, (code_key, group_key, heading) in TABLES.items():
        rows = found.rows.get(table, [])
        paragraphs = found.paragraphs.get(table, {})
        lead = _html_block(record.get(TABLE_PARAGRAPHS.get(table, ""))) if table in TABLE_PARAGRAPHS else ""
        if not rows and not paragraphs and not lead:
            continue
        lines = [heading] + ([lead] if lead else [])
        groups = sorted({_group(r.get(group_key)) for r in rows} | set(paragraphs), key=_group_order) if group_key else [""]
        for group in groups:
            members = [r for r in rows if not group_key or _group(r.get(group_key)) == group]
            paragraph = _html_block(paragraphs.get(group))
            if group:
                lines.append(f"\nGroup {group} Paragraph\n{paragraph}" if paragraph else f"\nGroup {group}")
            if members:
                title = f"Group {group} Codes" if group else "Codes"
                # a status table's group states its status; any other group's line ends what a paragraph
                # line said ("GZ - ... denied as not reasonable and necessary" is no status of the codes)
                lines.append(f"\n{title} ({heading})" if table in STATUS_TABLES else f"\n{title}:")
                lines.append("Code\tDescription")
                lines += [_code_row(r, code_key) for r in members]
        blocks.append("\n".join(lines))
    return blocks


def _code_row(row: dict, code_key: str) -> str:
    description = _plain(row.get("long_description") or row.get("short_description") or row.get("description"))
    code = _plain(row.get(code_key))
    return f"{code}\t{description}" if description else code


def _revision_table(rows: list[dict]) -> str:
    """One line per revision: 'date<TAB>number<TAB>explanation' under the MCD's column names."""
    lines = ["Revision History Date\tRevision History Number\tRevision History Explanation"]
    for row in rows:
        explanation = " ".join(_html_block(row.get("rev_hist_exp")).split())
        lines.append("\t".join([_date(row.get("rev_hist_date")) or "", _plain(row.get("rev_hist_num")), explanation]).rstrip("\t"))
    return "\n".join(lines)


# --- values --------------------------------------------------------------------------------------


def _unescape(value: str) -> str:
    """Peel entity escaping until the markup is real: "&amp;lt;p&amp;gt;" -> "&lt;p&gt;" -> "<p>". Text
    whose peeling reveals no tags is left to the entity decoding ("FEV1 &lt; 60%" stays one "<")."""
    for _ in range(3):
        if TAG.search(value):
            break
        peeled = html_lib.unescape(value)
        if peeled == value or not (ESCAPED_TAG.search(value) or ESCAPED_TAG.search(peeled) or TAG.search(peeled)):
            break
        value = peeled
    return value


def _html_block(value: object) -> str:
    """An HTML field as text: lists keep their bullets and numbers, paragraphs their lines."""
    if not isinstance(value, str) or value.strip().lower() in EMPTY:
        return ""
    markup = _unescape(value)
    if TAG.search(markup):
        text = html_to_text(markup, keep_whitespace=False)
    else:
        text = _entities(markup)
    # lines trimmed, runs of spaces collapsed as a browser does: e.g. "practitioners </span> that" -> one space
    text = "\n".join(re.sub(r" {2,}", " ", line.strip()) for line in text.replace("\r", "").split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()  # e.g. "<p>a</p>\n\n<p>b</p>" leaves runs of newlines
    return "" if text.lower() in EMPTY else text


def _plain(value: object) -> str:
    """A short value (id, title, name) on one line, entities decoded and markup dropped."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = _unescape(str(value))
    if TAG.search(text):
        text = html_to_text(text, keep_whitespace=False)  # e.g. "Vitamin B<sub>12</sub> Injections"
    return " ".join(_entities(text).split())


def _entities(text: str) -> str:
    for _ in range(3):  # "&amp;sect;" -> "&sect;" -> "§"
        decoded = html_lib.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _date(value: object) -> str:
    """A date as MM/DD/YYYY ("2015-10-01 00:00:00" -> "10/01/2015"); other values ("N/A") as printed."""
    text = _plain(value)
    for form in DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                parsed = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            except ValueError:
                return text
            return parsed.strftime("%m/%d/%Y")
    return text


def _group(value: object) -> str:
    text = _plain(value)
    return str(int(text)) if text.isdigit() else text


def _group_order(group: str) -> tuple[int, str]:
    return (int(group), "") if group.isdigit() else (1 << 30, group)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY - {"n/a"})


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
