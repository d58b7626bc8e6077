"""Reviewer corrections (corrections/<policy_key>.yaml): applied by ingest, kept by --force and new extractor
versions, reported when no longer needed or made against an older revision, and a malformed file changes
nothing. Library runs (`ingest_refs`), no Prefect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.errors import InputError
from extractors.models import Extractor
from flows.corrections import load_corrections
from flows.discover import discover
from flows.engine import ingest_refs
from flows.files import read_changes

CIGNA = "000_28171920f14a321b.txt"  # CMM-204, "Effective July 1, 2025"
KEY = "cmm-204"


def entry(record_id: str, value: str = "2025-08-01", field: str = "dates.effective") -> str:
    return (f"  - field: {field}\n    value: \"{value}\"\n    reason: the letterhead date was superseded\n"
            f"    who: jdoe\n    when: 2026-01-05\n    record_id: {record_id}\n")


def write_corrections(out: Path, *entries: str, key: str = KEY) -> Path:
    path = out / "corrections" / f"{key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("corrections:\n" + "".join(entries), encoding="utf-8")
    return path


def latest(out: Path) -> tuple[dict, dict]:
    entry = next(e for e in json.loads((out / "index.json").read_text())["policies"] if e["policy_key"] == KEY)
    return entry, json.loads((out / entry["record_path"]).read_text())


@pytest.fixture
def feed(tmp_path, seeds):
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    return out


def test_a_correction_is_applied_kept_beside_the_extracted_value_and_announced(feed, seeds):
    entry_before, record = latest(feed)
    assert record["dates"]["effective"]["value"] == "2025-07-01"
    write_corrections(feed, entry(record["record_id"]))
    result = ingest_refs(discover(seeds), str(feed), collect_events=True)
    assert result.summary.corrections == {"applied": 1} and result.summary.correction_notes == []
    assert [e.kind for e in result.events] == ["corrected"]
    assert result.events[0].changes.effective_date.after == "2025-08-01"
    index_entry, record = latest(feed)
    assert index_entry["effective"] == "2025-08-01" and record["dates"]["effective"]["value"] == "2025-08-01"
    (correction,) = record["corrections"]
    assert correction["who"] == "jdoe" and correction["record_id"] == record["record_id"]
    assert correction["extracted"]["value"] == "2025-07-01" and correction["extracted"]["label"] == "Effective"


def test_a_correction_survives_reruns_force_and_a_new_extractor_version(feed, seeds, feed_files, monkeypatch):
    _, record = latest(feed)
    write_corrections(feed, entry(record["record_id"]))
    ingest_refs(discover(seeds), str(feed))
    before = feed_files(feed)
    for force in (False, True):
        result = ingest_refs(discover(seeds), str(feed), force=force)
        assert result.summary.events == {} and result.summary.corrections == {"applied": 1}
    assert feed_files(feed) == before  # nothing rewritten, not even touched

    import extractors.assemble

    monkeypatch.setattr(extractors.assemble, "extractor_info", lambda: Extractor(version="99.0.0"))
    result = ingest_refs(discover(seeds), str(feed))
    assert result.summary.events.get("reextracted", 0) >= 1 and "corrected" not in result.summary.events
    _, record = latest(feed)
    assert record["extractor"]["version"] == "99.0.0" and record["dates"]["effective"]["value"] == "2025-08-01"


def test_a_correction_the_extractor_agrees_with_is_reported_as_not_needed(feed, seeds):
    _, record = latest(feed)
    write_corrections(feed, entry(record["record_id"], value="2025-07-01"))
    result = ingest_refs(discover(seeds), str(feed))
    (note,) = result.summary.correction_notes
    assert note.status == "not_needed" and note.file == f"corrections/{KEY}.yaml" and note.line == 2
    assert "no longer needed" in note.message and result.summary.events == {}
    assert latest(feed)[1]["corrections"] == []


def test_a_correction_made_against_an_older_revision_is_reported_not_carried_over(feed, seeds):
    _, old = latest(feed)
    write_corrections(feed, entry(old["record_id"]))
    ingest_refs(discover(seeds), str(feed))
    document = seeds / CIGNA
    document.write_text(document.read_text().replace("Effective July 1, 2025", "Effective January 1, 2026"))
    result = ingest_refs(discover(seeds), str(feed))
    (note,) = result.summary.correction_notes
    assert note.status == "stale" and old["record_id"] in note.message
    _, new = latest(feed)
    assert new["record_id"] != old["record_id"] and new["corrections"] == []
    assert new["dates"]["effective"]["value"] == "2026-01-01"  # the new revision's own date, not the correction
    assert note.record_id == old["record_id"] and new["record_id"] in note.message


@pytest.mark.parametrize(
    "text, error",
    [
        pytest.param("corrections:\n  - field: dates.effective\n    value: [unclosed\n", "corrections/cmm-204.yaml:4: not valid YAML",
                     id="broken-yaml"),
        pytest.param("corrections:\n  - field: dates.effective\n    value: \"2025-08-01\"\n", "corrections/cmm-204.yaml:2: required field 'reason'",
                     id="missing-field"),
        pytest.param("corrections:\n" + entry("rec_x") + "  - field: dates.effective\n    value: soon\n    reason: r\n    who: w\n"
                     "    when: 2026-01-01\n    record_id: rec_x\n", "corrections/cmm-204.yaml:8: dates.effective takes a date",
                     id="bad-date-on-second-entry"),
        pytest.param("corrections:\n" + entry("rec_x", field="record_id"), "corrections/cmm-204.yaml:2: field 'record_id' cannot be corrected",
                     id="uncorrectable-field"),
        pytest.param("- field: x\n", "corrections/cmm-204.yaml:1: expected a mapping", id="not-a-mapping"),
    ],
)
def test_a_malformed_corrections_file_is_one_clear_error_and_changes_nothing(feed, seeds, feed_files, text, error):
    _, record = latest(feed)
    (feed / "corrections").mkdir()
    (feed / "corrections" / f"{KEY}.yaml").write_text(text.replace("rec_x", record["record_id"]), encoding="utf-8")
    (seeds / CIGNA).write_text((seeds / CIGNA).read_text() + "\nA new paragraph.\n")  # a change the run would commit
    before, log = feed_files(feed), list(read_changes(feed / "changes.jsonl"))
    with pytest.raises(InputError) as raised:
        ingest_refs(discover(seeds), str(feed))
    assert str(raised.value).startswith(error) and "\n" not in str(raised.value)
    assert feed_files(feed) == before and list(read_changes(feed / "changes.jsonl")) == log


def test_withdrawing_a_correction_puts_the_extracted_value_back(feed, seeds):
    _, record = latest(feed)
    path = write_corrections(feed, entry(record["record_id"]))
    ingest_refs(discover(seeds), str(feed))
    path.unlink()
    result = ingest_refs(discover(seeds), str(feed), collect_events=True)
    assert [e.kind for e in result.events] == ["corrected"]
    _, record = latest(feed)
    assert record["dates"]["effective"]["value"] == "2025-07-01" and record["corrections"] == []


def test_unknown_records_and_values_that_do_not_fit_are_reported(feed, seeds):
    _, record = latest(feed)
    write_corrections(feed, entry("rec_nope"), entry(record["record_id"], field="coverage.status", value="maybe"))
    notes = {n.status: n for n in ingest_refs(discover(seeds), str(feed)).summary.correction_notes}
    assert set(notes) == {"unknown_record", "cannot_apply"} and "rec_nope" in notes["unknown_record"].message
    assert latest(feed)[1]["corrections"] == []


def test_load_corrections_reads_nested_policy_keys(tmp_path):
    write_corrections(tmp_path, entry("rec_1"), key="cigna/some-title")
    (entry_,) = load_corrections(tmp_path)["cigna/some-title"]
    assert (entry_.field, entry_.value, entry_.when, entry_.line) == ("dates.effective", "2025-08-01", "2026-01-05", 2)
