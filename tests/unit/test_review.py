"""Review reasons: each one fires on a record that deserves it and stays quiet on one that does not."""

from __future__ import annotations

import pytest

from extractors.models import (
    Code, Coverage, CoverageStatement, DateValue, Dates, Evidence, Extractor, HistoryEntry, Payer, Policy, PolicyRecord,
    Source, Status,
)
from extractors.review import annotate, conflicting_statements, reasons, subject

EV = Evidence(start=0, end=4, page=1, text="text")


def date(value: str) -> DateValue:
    return DateValue(value=value, precision={4: "year", 7: "month", 10: "day"}[len(value)], evidence=EV)


def statement(text: str, status: Status, **extra) -> CoverageStatement:
    return CoverageStatement(status=status, text=text, evidence=EV, **extra)


def code(value: str, system: str, **extra) -> Code:
    return Code(code=value, system=system, printed=extra.pop("printed", value), evidence=EV, **extra)


def record(**changes) -> PolicyRecord:
    """A record that needs no review; each test changes one thing."""
    base = PolicyRecord(
        record_id="rec_x", extractor=Extractor(version="0"),
        source=Source(uri="x.txt", sha256="0" * 64, media_type="text/plain", pages=1, bytes=4),
        payer=Payer(name="Cigna", evidence=EV, basis="document"),
        policy=Policy(number="CPG 123"),
        dates=Dates(effective=date("2025-01-15"), last_reviewed=date("2024-12-01"), next_review=date("2025-12-01")),
        coverage=Coverage(status=Status.mixed, statements=[
            statement("Prolotherapy is medically necessary when all of the following criteria are met.", Status.medically_necessary_with_criteria),
            statement("Prolotherapy is investigational for all other indications.", Status.experimental_investigational_unproven),
        ]),
        codes=[code("M0076", "HCPCS"), code("20550", "CPT")],
    )
    updates = {}
    for key, value in changes.items():
        part, _, field = key.partition("__")
        updates[part] = getattr(base, part).model_copy(update={field: value}) if field else value
    return base.model_copy(update=updates)


def fired(rec: PolicyRecord, **options) -> set[str]:
    return {r.reason for r in reasons(annotate(rec), **options)}


def test_a_clean_record_needs_no_review():
    done = annotate(record())
    assert done.review == [] and done.needs_review is False
    assert [(c.valid, c.code_set) for c in done.codes] == [(True, done.codes[0].code_set), (None, None)]


@pytest.mark.parametrize(
    "changes, reason",
    [
        pytest.param({"dates__effective": None}, "no_effective_date", id="no-effective-date"),
        pytest.param({"payer": Payer(name=None)}, "no_payer", id="no-payer"),
        pytest.param({"payer": Payer(name="Aetna", basis="source_hint")}, "payer_from_hint", id="payer-from-hint"),
        pytest.param({"policy__number": None}, "no_policy_number", id="no-policy-number"),
        pytest.param({"coverage__statements": [statement("Prolotherapy is medically necessary.", Status.medically_necessary),
                                               statement("Prolotherapy is not medically necessary.", Status.not_medically_necessary)]},
                     "conflicting_statuses", id="conflicting-statuses"),
        pytest.param({"codes": [code("Z9999", "HCPCS")]}, "invalid_code", id="invalid-hcpcs"),
        pytest.param({"codes": [code("0R5ZZZZ", "ICD-10-PCS")]}, "invalid_code", id="invalid-pcs"),
        pytest.param({"codes": [code("A4466", "HCPCS")]}, "deleted_code", id="deleted-hcpcs"),
        pytest.param({"codes": [code("M0076", "HCPCS", printed="MO076", flags=["ocr_repaired"])]}, "ocr_repaired_code", id="ocr-repaired"),
        pytest.param({"dates__next_review": date("2024-06")}, "effective_after_next_review", id="effective-after-next-review"),
        pytest.param({"dates__effective": date("2027-03-01")}, "effective_far_future", id="effective-far-future"),
        pytest.param({"source__ocr_pages": [2, 5]}, "ocr_pages", id="ocr-pages"),
    ],
)
def test_reason_fires(changes, reason):
    rec = annotate(record(**changes))
    assert reason in {r.reason for r in rec.review} and rec.needs_review


@pytest.mark.parametrize(
    "changes, reason",
    [
        pytest.param({"dates__effective": date("2025")}, "no_effective_date", id="a-year-is-an-effective-date"),
        pytest.param({"payer": Payer(name="Aetna", developer="eviCore", basis="document", evidence=EV)}, "no_payer", id="payer-found"),
        pytest.param({"payer": Payer(name="Cigna", basis="document", evidence=EV)}, "payer_from_hint", id="payer-from-document"),
        pytest.param({"policy__number": "0123"}, "no_policy_number", id="number-found"),
        pytest.param({"coverage__statements": [
            statement("Prolotherapy is medically necessary for members with chronic low back pain.", Status.medically_necessary),
            statement("Prolotherapy is investigational for all other indications.", Status.experimental_investigational_unproven)]},
            "conflicting_statuses", id="mixed-policy-is-no-conflict"),
        pytest.param({"coverage__statements": [
            statement("Prolotherapy is medically necessary.", Status.medically_necessary, lines_of_business=["commercial"]),
            statement("Prolotherapy is not medically necessary.", Status.not_medically_necessary, lines_of_business=["medicare"])]},
            "conflicting_statuses", id="other-line-of-business-is-no-conflict"),
        pytest.param({"coverage__statements": [statement("It is covered.", Status.medically_necessary),
                                               statement("It is not covered.", Status.not_covered)]},
                     "conflicting_statuses", id="no-subject-is-no-conflict"),
        pytest.param({"codes": [code("G0428", "HCPCS"), code("0R533ZZ-0R5B3ZZ", "ICD-10-PCS", flags=["range"])]}, "invalid_code", id="valid-codes"),
        pytest.param({"codes": [code("99999", "CPT")]}, "invalid_code", id="cpt-has-no-code-set"),
        pytest.param({"codes": [code("G0428", "HCPCS")]}, "deleted_code", id="current-hcpcs"),
        pytest.param({"codes": [code("M0076", "HCPCS")]}, "ocr_repaired_code", id="printed-clean"),
        pytest.param({"dates__next_review": date("2025-01")}, "effective_after_next_review", id="same-month-is-not-after"),
        pytest.param({"dates__effective": date("2025-11-30")}, "effective_far_future", id="within-a-year"),
        pytest.param({"dates": Dates(effective=date("2030-01-01"), original_effective=date("2010-01-01"))}, "effective_far_future",
                     id="no-written-date-no-judgement"),
        pytest.param({"source__ocr_pages": []}, "ocr_pages", id="no-ocr"),
    ],
)
def test_reason_stays_quiet(changes, reason):
    assert reason not in fired(record(**changes))


def test_far_future_is_judged_against_history_rows_and_a_reference_date():
    rec = record(dates=Dates(effective=date("2025-06-01")),
                 history=[HistoryEntry(date="2023-01-10", precision="day", text="Reviewed", evidence=EV)])
    assert "effective_far_future" in fired(rec)
    assert "effective_far_future" not in fired(rec.model_copy(update={"history": []}))
    assert "effective_far_future" in fired(rec.model_copy(update={"history": []}), reference_date="2024-01-01")
    assert "effective_far_future" not in fired(rec, reference_date="2025-01-01")


def test_empty_indications_is_a_hook_the_extractor_feeds():
    heading = Evidence(start=10, end=25, page=2, text="Indications:")
    rec = annotate(record(), empty_indication_headings=[heading])
    assert [(r.reason, r.evidence) for r in rec.review] == [("empty_indications", heading)]
    assert annotate(record()).review == []


def test_reasons_come_most_severe_first_with_field_and_evidence():
    rec = annotate(record(dates__effective=None, source__ocr_pages=[1], codes=[code("A4466", "HCPCS")]))
    assert [r.reason for r in rec.review] == ["no_effective_date", "deleted_code", "ocr_pages"]
    deleted = rec.review[1]
    assert deleted.field == "codes[0]" and deleted.evidence == EV and "A4466" in deleted.message
    assert rec.codes[0].valid is False and "deleted" in rec.codes[0].flags


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Prolotherapy is not medically necessary.", "prolotherapy", id="negative"),
        pytest.param("Prolotherapy is considered medically necessary", "prolotherapy", id="positive"),
        pytest.param("Services are investigational and/or unproven.", "services", id="and-or"),
    ],
)
def test_subject_drops_the_status_wording(text, expected):
    assert subject(text) == expected


def test_conflicting_statements_pairs_the_two_sides():
    yes = statement("Prolotherapy is medically necessary.", Status.medically_necessary)
    no = statement("Prolotherapy is not covered.", Status.not_covered)
    assert conflicting_statements([yes, no]) == [(yes, no)]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Medical Policy\nPolicy Number: CMM-204\nEffective Date: 01/01/2024\n\nPolicy\n\nX is considered investigational.\n\n"
                     "© 2024 Acme Health Plan, Inc.",
                     {"policy.number": "label", "dates.effective": "label", "coverage.status": "prose", "payer.name": "label"}, id="labels-and-notice"),
        pytest.param("Prolotherapy\n\nPolicy\n\nProlotherapy is considered investigational.\n\nPolicy History\n\n01/2025 Annual review.\n",
                     {"policy.title": "structure", "dates.last_revised": "history", "dates.last_reviewed": "history", "coverage.status": "prose"},
                     id="history-and-letterhead"),
        pytest.param("Coverage\n\nCovered\n• Screening\n\nNon-Covered\n• Fetal sex\n", {"coverage.status": "structure"}, id="status-headings-only"),
    ],
)
def test_basis_says_how_each_value_was_found(text, expected):
    from extractors.assemble import build_record
    from extractors.loading import load_text

    record = build_record(load_text(text), uri="t.txt", sha256="0" * 64, size=1)
    assert {path: record.basis.get(path) for path in expected} == expected
