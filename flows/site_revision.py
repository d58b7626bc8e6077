"""One revision's page of the site, as plain data for flows/templates/revision.html.j2: every field
of the record with its value, each value with its evidence (numbered in an `EvidenceBook`), the
policy's revisions and change events as a timeline, and the codes it shares with other policies.

Records are read as dicts: a missing optional field shows as a dash, a field this version does not
know shows under "Other fields" (or in its table's "other" column) with its evidence still activatable.
"""

from __future__ import annotations

from types import SimpleNamespace as Row  # rows of the page's tables: attribute access is Jinja2's fast path

from flows.site_model import DATE_LABELS, RECORD_FIELDS, _get, _list, code_url, governing_statement
from flows.site_values import EvidenceBook, extra_fields, label_of, node, status_label

STATEMENT_FIELDS = {"status", "text", "scope", "lines_of_business", "setting", "evidence"}
CODE_FIELDS = {"code", "system", "status", "status_source", "description", "printed", "flags", "evidence",
               "description_evidence", "status_evidence", "valid"}
INDICATION_FIELDS = {"text", "status", "kind", "evidence", "statement_evidence"}
REFERENCE_FIELDS = {"text", "authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "evidence"}
HISTORY_FIELDS = {"date", "precision", "printed_date", "text", "evidence"}
REPAIR_FIELDS = {"kind", "printed", "repaired", "evidence"}


def value(label: str, text, book: EvidenceBook, evidence=None, *, status: str | None = None, href: str | None = None) -> dict:
    """One labelled value; `ev` numbers its evidence on the page (None: nothing to show)."""
    shown = status_label(status) if status is not None else ("—" if text in (None, "", []) else str(text))
    return Row(label=label, value=shown, ev=book.add(evidence), status=status, href=href)


def revision_page(record: dict, *, record_id: str, policy_key: str, text: str | None, latest: bool, latest_url: str,
                  timeline: dict, matrix: dict | None) -> dict:
    book = EvidenceBook(text)
    payer, policy, source = record.get("payer") or {}, record.get("policy") or {}, record.get("source") or {}
    statements = _list(record.get("coverage"), "statements")
    page = {
        "record_id": record_id, "policy_key": policy_key, "latest": latest, "latest_url": latest_url,
        "payer_name": payer.get("name"), "number": policy.get("number"), "title": policy.get("title"),
        "status": _get(record, "coverage", "status"), "status_label": status_label(_get(record, "coverage", "status")),
        "effective": _get(record, "dates", "effective", "value"),
        "has_text": text is not None,
    }
    page["policy"] = [
        value("Payer", payer.get("name"), book, payer.get("evidence")),
        value("Payer as printed", payer.get("printed"), book),
        value("Guideline developer", payer.get("developer"), book, payer.get("developer_evidence")),
        value("Payer named by", payer.get("basis"), book),
        value("Number", policy.get("number"), book, policy.get("number_evidence")),
        value("Title", policy.get("title"), book, policy.get("title_evidence")),
        value("Version", policy.get("version"), book, policy.get("version_evidence")),
        value("Overall status", None, book, status=_get(record, "coverage", "status") or ""),
    ] + _extras(payer, {"name", "printed", "developer", "evidence", "developer_evidence", "basis"}, book, "payer") \
      + _extras(policy, {"number", "title", "version", "number_evidence", "title_evidence", "version_evidence"}, book, "policy")
    page["dates"] = _dates(record.get("dates") or {}, book)
    page["statements"] = [Row(
        status=s.get("status"), status_label=status_label(s.get("status")),
        text=value("Statement", s.get("text"), book, s.get("evidence")), scope=s.get("scope"),
        lines_of_business=", ".join(s.get("lines_of_business") or []), setting=s.get("setting"),
        other=extra_fields(s, STATEMENT_FIELDS, book),
    ) for s in statements]
    page["codes"] = [_code_row(code, statements, book) for code in _list(record, "codes")]
    page["indications"] = [Row(
        text=value("Indication", i.get("text"), book, i.get("evidence")), status=i.get("status"),
        status_label=status_label(i.get("status")), kind=i.get("kind"),
        statement=value("Governing statement", _covering_text(i.get("statement_evidence")), book, i.get("statement_evidence")),
        other=extra_fields(i, INDICATION_FIELDS, book),
    ) for i in _list(record, "indications")]
    page["references"] = [_reference_row(r, book) for r in _list(record, "references")]
    page["history"] = [Row(
        date=h.get("date"), printed_date=h.get("printed_date"), text=value("History", h.get("text"), book, h.get("evidence")),
        other=extra_fields(h, HISTORY_FIELDS, book),
    ) for h in _list(record, "history")]
    page["repairs"] = [Row(
        kind=r.get("kind"), printed=r.get("printed"), repaired=value("Repaired", r.get("repaired"), book, r.get("evidence")),
        other=extra_fields(r, REPAIR_FIELDS, book),
    ) for r in _list(record, "repairs")]
    page["warnings"] = [str(w) for w in record.get("warnings") or []]
    page["source"] = [
        {"label": "Document", "value": source.get("uri")}, {"label": "Media type", "value": source.get("media_type")},
        {"label": "Pages", "value": source.get("pages")}, {"label": "Bytes", "value": source.get("bytes")},
        {"label": "Pages read by OCR", "value": ", ".join(str(p) for p in source.get("ocr_pages") or []) or "none"},
        {"label": "sha256", "value": source.get("sha256")}, {"label": "Record", "value": record_id},
        {"label": "Extractor", "value": _get(record, "extractor", "version")},
        {"label": "Schema", "value": f"{record.get('schema_name')} {record.get('schema_version')}"},
    ]
    page["other"] = extra_fields(record, RECORD_FIELDS, book) + extra_fields(record.get("coverage"), {"status", "statements"}, book)
    page["timeline"] = timeline
    page["matrix"] = matrix
    page["evidence"] = book.payload()
    return page


def _extras(obj: dict, known: set[str], book: EvidenceBook, prefix: str) -> list[dict]:
    """Unknown fields of a known object as value rows (generic nodes)."""
    return [{"label": f"{prefix} {item['label']}", "node": item["node"]} for item in extra_fields(obj, known, book)]


def _dates(dates: dict, book: EvidenceBook) -> list[dict]:
    rows = []
    for kind in list(DATE_LABELS) + sorted(k for k in dates if k not in DATE_LABELS):
        date = dates.get(kind)
        if not isinstance(date, dict):
            rows.append({"kind": kind, "value": value(DATE_LABELS.get(kind, label_of(kind)), None, book), "precision": None,
                         "printed_label": None, "other": []})
            continue
        rows.append({"kind": kind, "value": value(DATE_LABELS.get(kind, label_of(kind)), date.get("value"), book, date.get("evidence")),
                     "precision": date.get("precision"), "printed_label": date.get("label"),
                     "other": extra_fields(date, {"value", "precision", "label", "evidence"}, book)})
    return rows


def _code_row(code: dict, statements: list[dict], book: EvidenceBook) -> dict:
    system, value_ = code.get("system"), code.get("code")
    has_page = isinstance(system, str) and isinstance(value_, str)
    flags = [str(f).replace("_", " ") for f in code.get("flags") or []]
    return Row(
        code=value("Code", value_, book, code.get("evidence"), href=code_url(system, value_) if has_page else None),
        system=system, printed=code.get("printed"),
        status=value("Status", None, book, code.get("status_evidence"), status=code.get("status") or ""),
        status_source=code.get("status_source"),
        description=value("Description", code.get("description"), book, code.get("description_evidence")),
        validation=", ".join(([] if "valid" not in code else ["valid" if code["valid"] else "not valid"]) + flags) or "—",
        governing=governing_statement(code, statements),
        other=extra_fields(code, CODE_FIELDS, book),
    )


def _reference_row(ref: dict, book: EvidenceBook) -> dict:
    doi, pmid = ref.get("doi"), ref.get("pmid")
    return Row(
        text=value("Reference", ref.get("text"), book, ref.get("evidence")),
        authors=", ".join(str(a) for a in ref.get("authors") or []), year=ref.get("year"),
        title=ref.get("title"), journal=ref.get("journal"),
        doi=doi, doi_url=f"https://doi.org/{doi}" if doi else None,
        pmid=pmid, pmid_url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid and str(pmid).isdigit() else None,
        other=extra_fields(ref, REFERENCE_FIELDS, book),
    )


def _covering_text(evidence) -> str | None:
    return evidence.get("text") if isinstance(evidence, dict) else None
