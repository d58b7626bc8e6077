"""flows.diff without Prefect: typed changes between revisions, blind to cosmetics."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.models import Code, Evidence, HistoryEntry, Reference, Status
from extractors.pipeline import extract_bytes, extract_file
from flows.diff import diff_records, normalize

RAW = Path(__file__).resolve().parents[2] / "raw_documents"
CIGNA_2025 = RAW / "000_28171920f14a321b.txt"
EVICORE_2023 = RAW / "001_cf16fd06cb47044d.txt"

EV = Evidence(start=0, end=1, page=1, text="x")


@pytest.fixture(scope="module")
def evicore():
    return extract_file(EVICORE_2023)


@pytest.fixture(scope="module")
def cigna():
    return extract_file(CIGNA_2025)


def test_cmm_204_from_2023_to_2025(evicore, cigna):
    changes = diff_records(evicore, cigna)
    assert (changes.effective_date.before, changes.effective_date.after) == ("2023-05-31", "2025-07-01")
    assert [r.text for r in changes.references_removed] == ["Workloss Data Institute. Official Disability Guidelines."]
    assert changes.references_added == []  # re-styled citations (initials, page ranges, a DOI added) are the same works
    assert not changes.status_changed and changes.coverage_status is None and changes.statements == []
    assert changes.codes_added == changes.codes_removed == changes.codes_status_changed == []
    assert changes.substantive


def test_same_record_has_no_changes(evicore):
    assert not diff_records(evicore, evicore).substantive


def test_whitespace_and_boilerplate_are_cosmetic(evicore):
    text = EVICORE_2023.read_text(encoding="utf-8")
    reflowed = text.replace("\n\n", "\n\n\n").replace(". ", ".  ")
    reflowed = reflowed.replace("eviCore healthcare Clinical Decision Support Tool", "eviCore Healthcare clinical decision-support tool")
    assert reflowed != text
    revised = extract_bytes(reflowed.encode(), uri="revised.txt")
    assert revised.record_id != evicore.record_id
    assert not diff_records(evicore, revised).substantive


def _with(record, **update):
    return record.model_copy(update=update)


def test_codes_added_removed_and_status_changed(evicore):
    base = [Code(code="M0076", system="HCPCS", status=Status.experimental_investigational_unproven, printed="M0076", evidence=EV),
            Code(code="20550", system="CPT", status=Status.medically_necessary, printed="20550", evidence=EV)]
    new = [Code(code="M0076", system="HCPCS", status=Status.medically_necessary, printed="M0076", evidence=EV),
           Code(code="J3490", system="HCPCS", status=None, printed="J3490", evidence=EV)]
    changes = diff_records(_with(evicore, codes=base), _with(evicore, codes=new))
    assert [(c.system, c.code) for c in changes.codes_added] == [("HCPCS", "J3490")]
    assert [(c.system, c.code) for c in changes.codes_removed] == [("CPT", "20550")]
    [moved] = changes.codes_status_changed
    assert (moved.code, moved.before, moved.after) == ("M0076", Status.experimental_investigational_unproven, Status.medically_necessary)
    assert changes.status_changed


def test_statement_status_change(evicore):
    statement = evicore.coverage.statements[0]
    flipped = statement.model_copy(update={"status": Status.medically_necessary, "text": "  " + statement.text.upper()})
    changes = diff_records(evicore, _with(evicore, coverage=evicore.coverage.model_copy(update={"statements": [flipped]})))
    [change] = changes.statements
    assert change.change == "status_changed" and change.after == Status.medically_necessary


def _ref(text, doi=None, pmid=None):
    return Reference(text=text, doi=doi, pmid=pmid, evidence=EV)


@pytest.mark.parametrize(
    "old, new, added, removed",
    [
        pytest.param(_ref("Smith J. A trial. JAMA. 2001;1:1-2.", doi="10.1/abc"),
                     _ref("Totally reprinted title", doi="https://doi.org/10.1/ABC"), 0, 0, id="same-doi"),
        pytest.param(_ref("Smith J. A trial. JAMA. 2001;1:1-2.", pmid="123"), _ref("Other words", pmid="PMID: 123"), 0, 0, id="same-pmid"),
        pytest.param(_ref("Smith J. A trial of x. JAMA. 2001;1:1-2.", doi="10.1/a"),
                     _ref("Smith J. A trial of x. JAMA. 2001;1:1-2.", doi="10.1/b"), 1, 1, id="different-doi-never-match"),
        pytest.param(_ref("Smith J, Doe K. A randomized trial of prolotherapy. Spine J. 2005;5(3):310-28."),
                     _ref("Smith JA, Doe KB. A randomized trial of prolotherapy. Spine J. 2005;5(3):310-328."), 0, 0, id="restyled"),
        pytest.param(_ref("Smith J. A randomized trial of prolotherapy. Spine J. 2005."),
                     _ref("Jones P. A randomized trial of prolotherapy. Spine J. 2005."), 1, 1, id="other-first-author"),
    ],
)
def test_reference_matching(evicore, old, new, added, removed):
    changes = diff_records(_with(evicore, references=[old]), _with(evicore, references=[new]))
    assert (len(changes.references_added), len(changes.references_removed)) == (added, removed)


def test_history_rows_added(evicore):
    row = HistoryEntry(date="2024-01-01", text="Annual review, no changes", evidence=EV)
    changes = diff_records(_with(evicore, history=[row]), _with(evicore, history=[row, row.model_copy(update={"date": "2025-01-01"})]))
    assert [(h.date, h.text) for h in changes.history_added] == [("2025-01-01", "Annual review, no changes")]


def test_indications_compare_normalized(evicore):
    first = evicore.indications[0]
    recased = first.model_copy(update={"text": first.text.upper() + "."})
    extra = first.model_copy(update={"text": "knee osteoarthritis"})
    changes = diff_records(evicore, _with(evicore, indications=[recased, extra] + list(evicore.indications[1:])))
    assert changes.indications_added == ["knee osteoarthritis"] and changes.indications_removed == []


def test_normalize():
    assert normalize('Prolotherapy  is\u2013"unproven".') == "prolotherapy is unproven"
