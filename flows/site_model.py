"""What each page of the site shows, as plain data for the Jinja2 templates in flows/templates/.

Two passes over the feed's records (flows/report.py drives them): `summarize` keeps, per revision,
what other pages need of it (its row in the policies table, each code it lists with status and the
statement that governs it); `revision_page` then lays out one revision's own page: every field with
its evidence, its policy's revisions and change events, and the codes it shares with other policies.

URLs are relative to the site's root, with '/' separators; every path component is a slug.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace as Row
from typing import NamedTuple

from flows.files import slug
from flows.site_values import STATUS_SHORT, EvidenceBook, extra_fields, is_evidence, node, status_label

SYSTEMS = ("CPT", "HCPCS", "ICD-10-CM", "ICD-10-PCS")
NAMES_IN_A_CELL = 4  # a shared-codes cell names its payers up to this many, else counts them
DATE_LABELS = {"effective": "Effective", "original_effective": "Original effective", "last_reviewed": "Last reviewed",
               "last_revised": "Last revised", "next_review": "Next review", "created": "Created"}
RECORD_FIELDS = {"schema_name", "schema_version", "record_id", "extractor", "source", "payer", "policy", "dates",
                 "coverage", "codes", "indications", "references", "history", "repairs", "warnings"}


@lru_cache(maxsize=None)
def policy_url(key: str) -> str:
    return "policies/" + "/".join(slug(part) for part in key.split("/")) + ".html"


def revision_url(record_id: str) -> str:
    return f"revisions/{slug(record_id)}.html"


@lru_cache(maxsize=None)
def code_url(system: str, code: str) -> str:
    return f"codes/{slug(system)}/{slug(code)}.html"


class Listing(NamedTuple):
    """One code as one revision lists it (a row of the code's page)."""

    system: str
    code: str
    record_id: str
    policy_key: str
    latest: bool
    payer: str | None
    number: str | None
    title: str | None
    effective: str | None
    status: str | None
    status_source: str | None
    governing: str | None
    description: str | None


@dataclass
class Summary:
    """What the rest of the site needs of one revision."""

    record_id: str
    policy_key: str
    latest: bool
    payer: str | None
    number: str | None
    title: str | None
    version: str | None
    effective: str | None
    status: str | None
    codes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (system, code, status), once each


def _get(obj, *path):
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _list(obj, key) -> list:
    value = obj.get(key) if isinstance(obj, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def summarize(record: dict, *, record_id: str, policy_key: str, latest: bool) -> tuple[Summary, list[Listing]]:
    statements = _list(record.get("coverage"), "statements")
    summary = Summary(record_id, policy_key, latest, _get(record, "payer", "name"), _get(record, "policy", "number"),
                      _get(record, "policy", "title"), _get(record, "policy", "version"),
                      _get(record, "dates", "effective", "value"), _get(record, "coverage", "status"))
    listings, seen = [], set()
    for code in _list(record, "codes"):
        system, value = code.get("system"), code.get("code")
        if not isinstance(system, str) or not isinstance(value, str) or (system, value) in seen:
            continue
        seen.add((system, value))
        summary.codes.append((system, value, code.get("status")))
        listings.append(Listing(system, value, record_id, policy_key, latest, summary.payer, summary.number, summary.title,
                                summary.effective, code.get("status"), code.get("status_source"),
                                governing_statement(code, statements), code.get("description")))
    return summary, listings


def governing_statement(code: dict, statements: list[dict]) -> str | None:
    """The words that give a code its status: the coverage statement holding its status evidence, the
    table heading it sits under, or (status from the policy as a whole) the statement with its status."""
    evidence = code.get("status_evidence")
    if is_evidence(evidence):
        for statement in statements:
            span = statement.get("evidence")
            if is_evidence(span) and span["start"] <= evidence["start"] and evidence["end"] <= span["end"]:
                return statement.get("text")
        return evidence["text"]
    if code.get("status_source") == "policy":
        same = [s.get("text") for s in statements if s.get("status") == code.get("status")]
        return same[0] if same else None
    return None


# ---------------------------------------------------------------- the cross-payer comparison


class CodeTable:
    """Every code's listings, and per code how the latest revisions' payers classify it."""

    def __init__(self) -> None:
        self.listings: dict[tuple[str, str], list[Listing]] = defaultdict(list)
        self.by_payer: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (payer, status) -> latest revisions
        self._spreads: dict[tuple[str, str], dict | None] = {}

    def add(self, listings: list[Listing]) -> None:
        for item in listings:
            key = (item.system, item.code)
            self.listings[key].append(item)
            if item.latest:
                self.by_payer[key][(item.payer or "unknown payer", item.status)] += 1

    def shared_matrix(self, summary: Summary) -> dict | None:
        """For a latest revision: the codes it shares with other latest revisions, each as a row over the
        statuses: which payers give the code that status (their names when few, else how many) and in how
        many policies. The full payer by payer comparison is on the code's page."""
        rows = []
        for system, code, status in summary.codes:
            spread = self._spread(system, code)
            if spread is not None:
                rows.append({**spread, "status": status})
        if not rows:
            return None
        shown = {s for row in rows for s in row["cells"]} | {row["status"] for row in rows}
        columns = [{"status": s, "label": status_label(s)} for s in [*STATUS_SHORT, None] if s in shown]
        return {"statuses": columns, "rows": rows}

    def _spread(self, system: str, code: str) -> dict | None:
        """A code's payers and policies per status, over the latest revisions; computed once per code."""
        key = (system, code)
        if key not in self._spreads:
            counts = self.by_payer.get(key, Counter())
            if sum(counts.values()) <= 1:
                self._spreads[key] = None  # only one policy lists it
            else:
                cells: dict[str | None, dict] = {}
                for (payer, status), n in counts.items():
                    cell = cells.setdefault(status, {"payers": [], "policies": 0})
                    cell["payers"].append(payer)
                    cell["policies"] += n
                for cell in cells.values():
                    cell["payers"].sort(key=str.casefold)
                    cell["names"] = ", ".join(cell["payers"]) if len(cell["payers"]) <= NAMES_IN_A_CELL else None
                self._spreads[key] = {"system": system, "code": code, "url": code_url(system, code), "cells": cells,
                                      "differs": len(cells) > 1, "policies": sum(counts.values())}
        return self._spreads[key]

    def code_pages(self, url_of) -> list[dict]:
        """One page per code: latest revisions by payer, then earlier revisions that list it."""
        pages = []
        for (system, code), items in self.listings.items():
            rows = [_listing_row(item, url_of) for item in sorted(items, key=_listing_order)]
            counts = self.by_payer.get((system, code), Counter())
            statuses = sorted({s for (_, s) in counts}, key=lambda s: s or "")
            payers = sorted({p for (p, _) in counts})
            matrix = [{"payer": payer, "cells": [counts.get((payer, s), 0) for s in statuses]} for payer in payers]
            descriptions = Counter(item.description for item in items if item.description)
            pages.append({
                "system": system, "code": code, "url": code_url(system, code),
                "description": descriptions.most_common(1)[0][0] if descriptions else None,
                "current": _by_payer([r for r in rows if r.latest]), "earlier": _by_payer([r for r in rows if not r.latest]),
                "statuses": [{"status": s, "label": status_label(s)} for s in statuses], "matrix": matrix,
                "payers": len(payers), "differs": len(statuses) > 1,
                "n_current": sum(1 for r in rows if r.latest), "n_earlier": sum(1 for r in rows if not r.latest),
            })
        return sorted(pages, key=lambda p: (_system_rank(p["system"]), p["code"]))


def _by_payer(rows: list[dict]) -> list[dict]:
    """Rows (already in payer order) as groups: [{"payer", "rows"}]."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["payer"] != row.payer:
            groups.append({"payer": row.payer, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


def _listing_order(item: Listing):
    return (not item.latest, (item.payer or "").casefold(), item.number or "", item.title or "", item.effective or "")


def _listing_row(item: Listing, url_of) -> Row:
    return Row(latest=item.latest, payer=item.payer, number=item.number, title=item.title, effective=item.effective,
               status=item.status, status_label=status_label(item.status), status_source=item.status_source,
               governing=item.governing, url=url_of(item.record_id))


def _system_rank(system: str) -> int:
    return SYSTEMS.index(system) if system in SYSTEMS else len(SYSTEMS)


def codes_index(pages: list[dict]) -> list[dict]:
    """The codes by system, for codes/index.html."""
    groups: dict[str, list] = defaultdict(list)
    for page in pages:
        groups[page["system"]].append({
            "code": page["code"], "url": page["url"], "description": page["description"],
            "policies": page["n_current"], "earlier": page["n_earlier"], "payers": page["payers"],
            "statuses": [s["label"] for s in page["statuses"]], "differs": page["differs"],
        })
    return [{"system": system, "id": slug(system), "codes": groups[system]} for system in sorted(groups, key=_system_rank)]
