"""Review reasons: why a person should check a record before trusting it. Pure functions of the assembled
record (plus the code sets), so the same document always gives the same reasons.

`annotate(record)` is the post-step `assemble.build_record` runs: it checks every code against its code set
(`Code.valid`, `Code.code_set`, the "deleted" flag) and fills `review` and `needs_review`.
`reasons(record)` lists the reasons, most severe first (3: a key value is missing or contradicts itself;
2: a value is doubtful; 1: worth a look):

- no_effective_date (3), no_payer (3), payer_from_hint (2: the name came only from the source manifest),
  no_policy_number (2);
- conflicting_statuses (3): see `conflicting_statements`, deliberately narrow;
- invalid_code / deleted_code (2): not in the code set, or deleted from it; ocr_repaired_code (1);
- effective_after_next_review (2): the effective date is later than the next review date;
- effective_far_future (2): the effective date is more than a year after the latest date the document says
  it was written, reviewed or revised (last_reviewed, last_revised, created, history rows), or after
  `reference_date` when a caller passes one. Never today's date: a record must come out byte-identical on
  every run, so "the future" is judged against the document's own dates (no such date: no reason);
- empty_indications (2): an indications heading with no item under it. A hook: the extractor passes the
  headings' evidence (`empty_indication_headings`); the record alone does not show headings;
- ocr_pages (1): pages whose text came from OCR.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

from extractors import codesets
from extractors.models import Code, CoverageStatement, Evidence, PolicyRecord, ReviewReason, Status

FAR_FUTURE = timedelta(days=366)
POSITIVE = frozenset({Status.medically_necessary, Status.medically_necessary_with_criteria})
NEGATIVE = frozenset({Status.experimental_investigational_unproven, Status.not_medically_necessary, Status.not_covered})
# e.g. "is considered not medically necessary" -> removed; what is left is the statement's subject
STATUS_WORDS = re.compile(
    r"\b(?:not|non|no|considered|consider|is|are|be|been|being|deemed|remains?|medically|necessary|necessity|"
    r"investigational|experimental|unproven|proven|covered|coverage|eligible|reimbursable|reasonable|may|will|"
    r"shall|and|or|as|the|a|an)\b"
)
MIN_SUBJECT = 8  # characters of subject two statements must share before they can contradict each other


def annotate(record: PolicyRecord, *, empty_indication_headings: Iterable[Evidence] = ()) -> PolicyRecord:
    """The record with its codes checked against their code sets and its review reasons filled in."""
    checked = record.model_copy(update={"codes": [check_code(code) for code in record.codes]})
    found = reasons(checked, empty_indication_headings=empty_indication_headings)
    return checked.model_copy(update={"review": found, "needs_review": bool(found)})


def check_code(code: Code) -> Code:
    check = codesets.validate_range(code.code, code.system)
    flags = list(code.flags)
    if check.status == "deleted" and "deleted" not in flags:
        flags.append("deleted")
    return code.model_copy(update={"valid": check.valid, "code_set": check.release, "flags": flags})


def reasons(
    record: PolicyRecord, *, reference_date: str | None = None, empty_indication_headings: Iterable[Evidence] = ()
) -> list[ReviewReason]:
    found: list[ReviewReason] = []
    found += _identity(record)
    found += _conflicts(record)
    found += _codes(record)
    found += _dates(record, reference_date)
    found += [
        ReviewReason(field="indications", reason="empty_indications", severity=2, evidence=heading,
                     message=f"the heading {heading.text.strip()!r} has no item under it")
        for heading in empty_indication_headings
    ]
    if record.source.ocr_pages:
        pages = ", ".join(str(p) for p in record.source.ocr_pages)
        found.append(ReviewReason(field="source.ocr_pages", reason="ocr_pages", severity=1,
                                  message=f"text of page{'s' if len(record.source.ocr_pages) > 1 else ''} {pages} was read by OCR"))
    return sorted(found, key=lambda r: -r.severity)


def _identity(record: PolicyRecord) -> list[ReviewReason]:
    found = []
    if record.dates.effective is None:
        found.append(ReviewReason(field="dates.effective", reason="no_effective_date", severity=3, message="no effective date found"))
    if record.payer.name is None:
        found.append(ReviewReason(field="payer.name", reason="no_payer", severity=3, message="no payer found"))
    elif record.payer.basis == "source_hint":
        found.append(ReviewReason(field="payer.name", reason="payer_from_hint", severity=2,
                                  message=f"the payer {record.payer.name!r} comes only from the source manifest's hint"))
    if not record.policy.number:
        found.append(ReviewReason(field="policy.number", reason="no_policy_number", severity=2, message="no policy number found"))
    return found


# ---------------------------------------------------------------- conflicting statements


def subject(text: str) -> str:
    """A statement's words without its status wording: 'Prolotherapy is not medically necessary.' -> 'prolotherapy'."""
    value = unicodedata.normalize("NFKC", text).casefold()
    value = re.sub(r"[\W_]+", " ", value)  # e.g. "and/or," -> "and or"
    return " ".join(STATUS_WORDS.sub(" ", value).split())


def conflicting_statements(statements: list[CoverageStatement]) -> list[tuple[CoverageStatement, CoverageStatement]]:
    """Pairs of statements that contradict each other: the same subject in the same scope (lines of business,
    setting), one covering it and one denying it.

    Deliberately narrow. A `mixed` policy covers a service in some cases and denies it in others ("X is
    medically necessary when ... criteria are met" / "X is investigational for all other indications"):
    those statements differ in more than their status words, so they never count. Two statements count only
    when nothing but the status wording tells them apart ("Prolotherapy is medically necessary." and
    "Prolotherapy is not medically necessary."), a subject of at least MIN_SUBJECT characters."""
    by_key: dict[tuple, list[CoverageStatement]] = {}
    for statement in statements:
        words = subject(statement.text)
        if len(words) < MIN_SUBJECT:
            continue
        key = (words, tuple(sorted(statement.lines_of_business)), statement.setting)
        by_key.setdefault(key, []).append(statement)
    pairs = []
    for group in by_key.values():
        positive = next((s for s in group if s.status in POSITIVE), None)
        negative = next((s for s in group if s.status in NEGATIVE), None)
        if positive is not None and negative is not None:
            pairs.append((positive, negative))
    return pairs


def _conflicts(record: PolicyRecord) -> list[ReviewReason]:
    index = {id(s): i for i, s in enumerate(record.coverage.statements)}
    return [
        ReviewReason(field=f"coverage.statements[{index[id(negative)]}]", reason="conflicting_statuses", severity=3,
                     evidence=negative.evidence,
                     message=f"says {negative.status.value} where statement {index[id(positive)]} says {positive.status.value} "
                             "for the same service and scope")
        for positive, negative in conflicting_statements(record.coverage.statements)
    ]


# ---------------------------------------------------------------- codes and dates


def _codes(record: PolicyRecord) -> list[ReviewReason]:
    found = []
    for i, code in enumerate(record.codes):
        where = f"codes[{i}]"
        if code.valid is False and "deleted" in code.flags:
            found.append(ReviewReason(field=where, reason="deleted_code", severity=2, evidence=code.evidence,
                                      message=f"{code.system} {code.code} was deleted from the code set ({code.code_set})"))
        elif code.valid is False:
            found.append(ReviewReason(field=where, reason="invalid_code", severity=2, evidence=code.evidence,
                                      message=f"{code.system} {code.code} is not in the code set ({code.code_set})"))
        if "ocr_repaired" in code.flags:
            found.append(ReviewReason(field=where, reason="ocr_repaired_code", severity=1, evidence=code.evidence,
                                      message=f"{code.code} was repaired from the OCR-damaged {code.printed!r}"))
    return found


def _start(value: str) -> date:
    """First day of a "YYYY", "YYYY-MM" or "YYYY-MM-DD" date."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def _dates(record: PolicyRecord, reference_date: str | None) -> list[ReviewReason]:
    effective, found = record.dates.effective, []
    if effective is None:
        return found
    upcoming = record.dates.next_review
    if upcoming is not None:
        common = min(len(effective.value), len(upcoming.value))  # compare at the coarser precision
        if effective.value[:common] > upcoming.value[:common]:
            found.append(ReviewReason(field="dates.effective", reason="effective_after_next_review", severity=2,
                                      evidence=effective.evidence,
                                      message=f"effective {effective.value} is after the next review date {upcoming.value}"))
    written = [d.value for d in (record.dates.last_reviewed, record.dates.last_revised, record.dates.created) if d]
    written += [row.date for row in record.history if row.date]
    reference = reference_date or max(written, default=None)
    if reference and _start(effective.value) > _start(reference) + FAR_FUTURE:
        against = "the reference date" if reference_date else "the latest date the document was written, reviewed or revised"
        found.append(ReviewReason(field="dates.effective", reason="effective_far_future", severity=2, evidence=effective.evidence,
                                  message=f"effective {effective.value} is more than a year after {against} ({reference})"))
    return found
