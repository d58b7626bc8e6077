"""Mentions -> PolicyRecord: runs each extractor once over the shared PolicyDoc and applies the few
rules that join fields (a code table with no status heading takes the policy's single status; a
review, revision or original effective date missing from the letterhead is read from the history table).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import metadata

from extractors import citations, codes, coverage, dates, history, identity, indications, payer, review
from extractors.document import parse
from extractors.statuses import overall
from extractors.loading.document import PolicyText
from extractors.models import (
    Code, DateValue, Dates, Extractor, HistoryEntry, PolicyRecord, Repair, Source, Status,
)

STRUCTURED_TYPE = "application/json"
LABEL_WORDS = 3  # a row whose whole text is a few words ("Reviewed Dates") is labeled by its kind
REVIEW = re.compile(r"(?i)\breview(?:ed)?\b")  # e.g. "Reviewed. No changes.", "Annual policy review"
# a review of something else than the policy: e.g. "updated with literature review", "systematic review", "peer-reviewed",
# "literature reviewed", "review of the literature"
OTHER_REVIEW = re.compile(
    r"(?i)\b(?:literature|systematic|peer|evidence|scientific|chart|records?|utilization|claims?)[ \t-]+review(?:ed|s)?\b"
    r"|\breview(?:ed)?[ \t]+(?:of[ \t]+)?(?:the[ \t]+)?(?:scientific[ \t]+|medical[ \t]+)?literature\b|\bliterature[ \t]+(?:was[ \t]+)?reviewed\b"
)


@lru_cache(maxsize=1)
def extractor_info() -> Extractor:
    try:
        version = metadata.version("policy-pipeline")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return Extractor(version=version)


def build_record(policy_text: PolicyText, *, uri: str, sha256: str, size: int, payer_hint: str | None = None) -> PolicyRecord:
    doc = parse(policy_text)
    found_dates = dates.extract(doc)
    found_coverage = coverage.extract(doc)
    found_codes, code_repairs = codes.extract(doc)
    found_history = history.extract(doc)
    warnings = []
    if not found_coverage.statements:
        warnings.append("no coverage statement found")

    # a code table's status headings ("ICD-10-CM Codes that Support Medical Necessity") state coverage too
    headed = [c.status for c in found_codes if c.status_source == "heading" and c.status is not None]
    if headed:
        found_coverage = found_coverage.model_copy(update={"status": overall([s.status for s in found_coverage.statements] + headed)})
    found_codes = _policy_status_for_codes(found_codes, found_coverage.status)
    if ("effective" not in found_dates and "original_effective" in found_dates and not found_history and "last_revised" not in found_dates
            and not dates.retired(doc)):
        # never revised ("Revision Effective Date: N/A"): the version in force is the original one (unless retired)
        found_dates["effective"] = found_dates["original_effective"]
    # a date whose label a history heading separates from it (a web page's tab strip: "Last Review",
    # "Policy History", "12/03/2024")
    for field, value in history.label_dates(doc).items():
        found_dates.setdefault(field, value)
    # dates the letterhead does not print are read from the history table: last_revised from its newest
    # row (the record contract's fallback), last_reviewed from it too when that row is a review
    if "original_effective" not in found_dates and (stated := history.stated_original(doc)) is not None:
        found_dates["original_effective"] = stated  # "New medical policy ... Effective 4/1/2014." as the oldest history row
    for field, wanted in (("last_reviewed", REVIEW), ("last_revised", None)):
        if field not in found_dates:
            derived = _date_from_history(found_history, wanted)
            if derived is not None:
                found_dates[field] = derived

    repairs = [
        Repair(kind=r.kind, printed=r.printed, repaired=policy_text.text[r.start : r.end], evidence=doc.evidence(r.start, r.end))
        for r in policy_text.repairs
    ] + code_repairs
    found_payer = payer.with_hint(payer.extract(doc), payer_hint)
    found_policy = identity.extract(doc)
    structured = policy_text.media_type == STRUCTURED_TYPE  # a CMS record: every value is a field's
    bases = {
        "payer.name": _payer_basis(doc, found_payer),
        "policy.number": found_policy.number_basis,
        "policy.title": found_policy.title_basis,
        **{f"dates.{field}": value.basis for field, value in found_dates.items()},
        "coverage.status": _status_basis(found_coverage, found_codes),
    }
    bases = {path: ("structured" if structured and basis not in (None, "hint", "history") else basis) for path, basis in bases.items()}
    return review.annotate(empty_indication_headings=indications.empty_headings(doc), record=PolicyRecord(  # code sets, review reasons
        record_id=f"rec_{sha256[:32]}",
        extractor=extractor_info(),
        source=Source(
            uri=uri, sha256=sha256, media_type=policy_text.media_type, pages=policy_text.pages, bytes=size,
            ocr_pages=list(policy_text.ocr_pages),
        ),
        payer=found_payer,
        policy=found_policy,
        dates=Dates(**found_dates),
        coverage=found_coverage,
        codes=found_codes,
        indications=indications.extract(doc),
        references=citations.extract(doc),
        history=found_history,
        repairs=repairs,
        warnings=warnings,
        basis={path: basis for path, basis in bases.items() if basis is not None},
    ))


def _payer_basis(doc, found) -> str | None:
    """hint: from the source manifest; structured: the file's own properties; label: an issuer notice
    ("© 2024 ...", "Proprietary information of ..."); prose: named in the text."""
    if found.name is None:
        return None
    if found.basis == "source_hint":
        return "hint"
    start = found.evidence.start
    if doc.section_label_at(start) == "metadata":
        return "structured"
    return "label" if payer.ISSUER_LINE.search(doc.line_at(start).text) else "prose"


def _status_basis(found_coverage, found_codes) -> str | None:
    """prose when a sentence states a status; structure when only headings do (over a list or a code table)."""
    if found_coverage.status is None:
        return None
    if any(s.basis == "prose" for s in found_coverage.statements):
        return "prose"
    return "structure"


def _policy_status_for_codes(found: list[Code], status: Status | None) -> list[Code]:
    """Codes under no status heading take the policy's overall status when it is one status, not mixed."""
    if status is None or status is Status.mixed:
        return found
    return [c if c.status is not None else c.model_copy(update={"status": status, "status_source": "policy"}) for c in found]


def _dated_label(text: str) -> bool:
    """A row that records when the policy takes effect or is next reviewed ("Date Effective<TAB>11/01/2024"):
    no revision or review of it."""
    match = dates.LABEL.match(text)
    return match is not None and dates.LABELS[int(match.lastgroup[1:])][0] in {"effective", "next_review"}


def _kind_label(text: str) -> bool:
    """A row's text that names its kind ("Reviewed Dates", "QI/UM Committee review"): a few words, no sentence (a row
    "Reviewed. No changes." is an event)."""
    return len(text.split()) <= LABEL_WORDS and not re.search(r"[.;!?]", text.rstrip(" .:"))


def _date_from_history(rows: list[HistoryEntry], wanted: re.Pattern | None) -> DateValue | None:
    """The newest history row's date (when `wanted` is given, only if that row's text matches it, or else the newest row
    labeled by its kind that does), with the row's printed date as evidence."""
    dated = [r for r in rows if r.date and not _dated_label(r.text)]
    if not dated:
        return None
    latest = max(dated, key=lambda r: r.date)
    if wanted is not None and not wanted.search(OTHER_REVIEW.sub(" ", latest.text)):
        # the newest row is another kind of change (an update "with literature review" too): the last review is known
        # only from rows labeled as reviews (a "Reviewed Dates:" group, a "QI/UM Committee review" cell), not from a
        # change that mentions a review nor from an older event row ("Reviewed. No changes.") that a change followed
        labeled = [r for r in dated if _kind_label(r.text) and wanted.search(OTHER_REVIEW.sub(" ", r.text))]
        if not labeled:
            return None
        latest = max(labeled, key=lambda r: r.date)
    evidence = latest.evidence
    printed = latest.printed_date or ""
    offset = evidence.text.find(printed) if printed else -1
    if offset >= 0:
        evidence = evidence.model_copy(update={"start": evidence.start + offset, "end": evidence.start + offset + len(printed), "text": printed})
    return DateValue(value=latest.date, precision=latest.precision, label="history", basis="history", evidence=evidence)
