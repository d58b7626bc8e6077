"""The ingestion library without Prefect (flows.engine.ingest_refs over flows.store): the issue's
scenarios at library level, plus determinism, duplicates, timeouts, hostile names and streaming."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from extractors.loading import Limits
from flows.discover import DocumentRef, discover, single_ref
from flows.engine import extract_batch, ingest_refs, serial_runner
from flows.files import read_changes

RAW = Path(__file__).resolve().parents[2] / "raw_documents"
CIGNA_2025 = RAW / "000_28171920f14a321b.txt"
EVICORE_2023 = RAW / "001_cf16fd06cb47044d.txt"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def records(out: Path) -> list[Path]:
    return sorted((out / "records").rglob("*.json"))


def events(out: Path) -> list[dict]:
    return list(read_changes(out / "changes.jsonl"))


def test_seeds_twice_second_run_is_all_unchanged_and_writes_nothing(tmp_path, seeds, feed_files):
    out = tmp_path / "out"
    first = ingest_refs(discover(seeds), str(out)).summary
    assert (first.new, first.failed, first.discovered) == (5, 0, 5)
    before = feed_files(out)
    time.sleep(0.01)
    second = ingest_refs(discover(seeds), str(out)).summary
    assert (second.unchanged, second.new, second.updated, second.failed) == (5, 0, 0, 0)
    assert feed_files(out) == before  # same bytes and same mtimes: nothing rewritten


def test_evicore_2023_then_cigna_2025(tmp_path):
    out = tmp_path / "out"
    ingest_refs([single_ref(EVICORE_2023)], str(out))
    result = ingest_refs([single_ref(CIGNA_2025)], str(out), force=True, collect_events=True)
    [event] = result.events
    assert event.kind == "updated" and event.policy_key == "cmm-204"
    changes = event.changes
    assert (changes.effective_date.before, changes.effective_date.after) == ("2023-05-31", "2025-07-01")
    assert [r.text for r in changes.references_removed] == ["Workloss Data Institute. Official Disability Guidelines."]
    assert not changes.status_changed
    assert [p.parent.parent.name for p in records(out)] == ["cigna", "evicore"]  # both revisions kept
    index = json.loads((out / "index.json").read_text())
    [entry] = index["policies"]
    assert (entry["record_id"], entry["revisions"], entry["effective"], index["last_seq"]) == (event.record_id, 2, "2025-07-01", 2)
    assert [e["seq"] for e in events(out)] == [1, 2]


def test_older_revision_does_not_replace_the_latest(tmp_path):
    out = tmp_path / "out"
    ingest_refs([single_ref(CIGNA_2025)], str(out))
    ingest_refs([single_ref(EVICORE_2023)], str(out))
    assert [e["kind"] for e in events(out)] == ["new", "older_revision"]
    [entry] = json.loads((out / "index.json").read_text())["policies"]
    assert entry["effective"] == "2025-07-01" and entry["revisions"] == 2


def test_unreadable_file_is_quarantined_and_cleared_when_fixed(tmp_path, seeds):
    out = tmp_path / "out"
    bad = seeds / "scan.txt"
    bad.write_bytes(PNG)
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.new, summary.failed) == (5, 1)
    assert len(records(out)) == 5
    [entry] = json.loads((out / "quarantine.json").read_text())["entries"]
    assert entry["uri"] == bad.as_posix() and entry["kind"] == "UnsupportedInput" and "PNG" in entry["error"]
    assert entry["sha256"] and "\n" not in entry["error"]

    bad.write_bytes(EVICORE_2023.read_bytes().replace(b"Effective May 31, 2023", b"Effective June 1, 2023"))
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.failed, summary.unchanged, summary.new) == (0, 5, 1)  # its first record
    assert json.loads((out / "quarantine.json").read_text())["entries"] == []


def test_two_runs_give_byte_identical_records_and_index(tmp_path, seeds, feed_files):
    a, b = tmp_path / "a", tmp_path / "b"
    ingest_refs(discover(seeds), str(a))
    ingest_refs(discover(seeds), str(b), batch_size=2)
    files_a, files_b = feed_files(a), feed_files(b)
    assert files_a.keys() == files_b.keys()
    for name in files_a:
        if name != "changes.jsonl":
            assert files_a[name][0] == files_b[name][0], name
    strip = lambda out: [{k: v for k, v in e.items() if k not in ("at", "run_id")} for e in events(out)]  # noqa: E731
    assert strip(a) == strip(b)


def test_same_bytes_under_a_second_uri_are_a_duplicate(tmp_path, seeds):
    out = tmp_path / "out"
    (seeds / "copy.txt").write_bytes(CIGNA_2025.read_bytes())
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.new, summary.duplicate) == (5, 1)
    (seeds / "copy2.txt").write_bytes(CIGNA_2025.read_bytes())
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.duplicate, summary.unchanged) == (1, 6)
    assert len(records(out)) == 5


def test_cosmetic_revision_gives_a_cosmetic_event(tmp_path):
    out = tmp_path / "out"
    revised = tmp_path / "revised.txt"
    revised.write_text(EVICORE_2023.read_text(encoding="utf-8").replace("\n\n", "\n\n\n"), encoding="utf-8")
    ingest_refs([single_ref(EVICORE_2023), single_ref(revised)], str(out))
    assert [e["kind"] for e in events(out)] == ["new", "cosmetic"]
    assert len(records(out)) == 2


def test_only_changed_documents_are_extracted(tmp_path, seeds):
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    extracted = []

    def counting(batches, limits):
        for batch in batches:
            extracted.extend(ref.uri for ref in batch)
            yield extract_batch(batch, limits)

    target = seeds / "002_8419a1a18e368a6f.txt"
    target.write_bytes(target.read_bytes() + b"\n\nReviewed again.\n")
    summary = ingest_refs(discover(seeds), str(out), runner=counting).summary
    assert extracted == [target.as_posix()]
    assert (summary.updated, summary.unchanged) == (1, 4)


def _hashed_uris(monkeypatch) -> list[str]:
    """Record which files the unchanged check reads to hash."""
    import flows.engine as engine

    hashed: list[str] = []
    real = engine.fingerprint_and_stat

    def counting(ref, limits):
        hashed.append(ref.uri)
        return real(ref, limits)

    monkeypatch.setattr(engine, "fingerprint_and_stat", counting)
    return hashed


def test_files_with_unchanged_stat_are_not_read_again(tmp_path, seeds, monkeypatch):
    monkeypatch.setattr("flows.discover.SETTLED_NS", 0)  # the seeds were written just now
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    hashed = _hashed_uris(monkeypatch)
    assert ingest_refs(discover(seeds), str(out)).summary.unchanged == 5
    assert hashed == []

    target = seeds / "002_8419a1a18e368a6f.txt"
    target.write_bytes(target.read_bytes().replace(b"Reviewed", b"reviewed", 1) + b"\n\nReviewed again.\n")
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert hashed == [target.as_posix()] and (summary.updated, summary.unchanged) == (1, 4)

    hashed.clear()
    assert ingest_refs(discover(seeds), str(out), rehash=True).summary.unchanged == 5
    assert len(hashed) == 5  # --rehash reads every file


def test_a_just_written_file_is_hashed_again_next_run(tmp_path, seeds, monkeypatch):
    """A file modified within the last moments cannot be vouched for by its timestamps (a rewrite of
    the same size in the same clock tick keeps them): it is hashed until it has settled."""
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    hashed = _hashed_uris(monkeypatch)
    ingest_refs(discover(seeds), str(out))
    assert len(hashed) == 5


def test_same_size_rewrite_with_old_mtime_is_still_noticed(tmp_path, seeds, monkeypatch):
    import os

    monkeypatch.setattr("flows.discover.SETTLED_NS", 0)
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    target = seeds / "002_8419a1a18e368a6f.txt"
    info = target.stat()
    data = target.read_bytes()
    target.write_bytes(data.replace(b"2", b"3", 1))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))  # like cp -p: same size, same mtime
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.updated, summary.unchanged) == (1, 4)  # the change time moved


def test_a_sources_payer_hint_names_the_payer_the_document_does_not(tmp_path):
    doc = tmp_path / "policy.txt"
    doc.write_text("Medical Policy\nSubject: Widget Therapy\n\nPolicy\n\nWidget therapy is considered investigational.\n")
    ref = DocumentRef(uri="https://plan.example/policies/widget.txt", path=str(doc), payer_hint="Example Health Plan")
    out = tmp_path / "out"
    assert ingest_refs([ref], str(out)).summary.new == 1
    [path] = records(out)
    payer = json.loads(path.read_text())["payer"]
    assert (payer["name"], payer["basis"], payer["evidence"]) == ("Example Health Plan", "source_hint", None)
    assert path.parent.parent.name == "example-health-plan"


def test_discovery_streams_through_batches(tmp_path, seeds):
    trace = []

    def refs():
        for ref in discover(seeds):
            trace.append("ref")
            yield ref

    def runner(batches, limits):
        for batch in batches:
            trace.append("batch")
            yield extract_batch(batch, limits)

    ingest_refs(refs(), str(tmp_path / "out"), batch_size=2, runner=runner)
    assert trace == ["ref", "ref", "batch", "ref", "ref", "batch", "ref", "batch"]


def test_per_document_timeout(tmp_path, seeds, monkeypatch):
    """One document hangs (until the test ends): the run goes on without it. The others, a few ms of
    work each once the pipeline is built (outside their clocks), keep far within their 2 s."""
    import threading

    import flows.engine

    real = flows.engine.extract_with_text
    release = threading.Event()

    def hangs_for_one(data, *, uri, **options):
        if uri.endswith("003_661f0c03eaab9786.txt"):
            release.wait(600)
        return real(data, uri=uri, **options)

    monkeypatch.setattr(flows.engine, "extract_with_text", hangs_for_one)
    try:
        summary = ingest_refs(discover(seeds), str(tmp_path / "out"), limits=Limits(timeout_seconds=2)).summary
    finally:
        release.set()
    assert (summary.new, summary.failed) == (4, 1)
    [failure] = summary.failures
    assert failure.kind == "LimitExceeded" and "--timeout" in failure.error


def test_internal_error_costs_only_that_document(tmp_path, seeds, monkeypatch):
    import flows.engine

    real = flows.engine.extract_with_text

    def broken_for_one(data, *, uri, **options):
        if uri.endswith("004_932140991e830c15.txt"):
            raise RuntimeError("boom\nsecond line")
        return real(data, uri=uri, **options)

    monkeypatch.setattr(flows.engine, "extract_with_text", broken_for_one)
    summary = ingest_refs(discover(seeds), str(tmp_path / "out")).summary
    assert (summary.new, summary.failed) == (4, 1)
    assert summary.failures[0].kind == "internal" and summary.failures[0].error == "internal error: RuntimeError: boom"


@pytest.mark.parametrize("number", ["../../etc/passwd", "a/b\\c\x00d", "..", "/abs/path"])
def test_hostile_printed_names_stay_inside_the_feed(tmp_path, number):
    out = tmp_path / "feed" / "out"

    def hostile(batches, limits):
        for batch in batches:
            outcomes = extract_batch(batch, limits)
            yield [_rename(o, number) for o in outcomes]

    ingest_refs([single_ref(CIGNA_2025)], str(out), runner=hostile)
    [path] = records(out)
    assert path.resolve().is_relative_to(out.resolve())
    assert [p.name for p in tmp_path.iterdir()] == ["feed"]


def _rename(outcome, number):
    from dataclasses import replace

    from extractors.models import PolicyRecord
    from flows.files import canonical_json

    record = PolicyRecord.model_validate_json(outcome.record_json)
    record = record.model_copy(update={
        "policy": record.policy.model_copy(update={"number": number, "title": number}),
        "payer": record.payer.model_copy(update={"name": "../" + number}),
    })
    return replace(outcome, record_json=canonical_json(record))


def test_a_ref_with_nothing_to_read_is_quarantined(tmp_path):
    summary = ingest_refs([DocumentRef(uri="https://example.test/p.pdf")], str(tmp_path / "out"), runner=serial_runner).summary
    assert summary.failed == 1 and "neither a path nor a url" in summary.failures[0].error


def test_new_extractor_output_for_the_same_bytes_is_a_reextracted_event(tmp_path):
    out = tmp_path / "out"
    ingest_refs([single_ref(CIGNA_2025)], str(out))

    def upgraded(batches, limits):
        for batch in batches:
            yield [_add_code(o) for o in extract_batch(batch, limits)]

    result = ingest_refs([single_ref(CIGNA_2025)], str(out), runner=upgraded, force=True, collect_events=True)
    [event] = result.events
    assert event.kind == "reextracted" and event.previous_record_id == event.record_id
    assert [c.code for c in event.changes.codes_added] == ["J3490"]
    [path] = records(out)
    assert "J3490" in path.read_text()


def _add_code(outcome):
    from dataclasses import replace

    from extractors.models import Code, PolicyRecord
    from flows.files import canonical_json

    record = PolicyRecord.model_validate_json(outcome.record_json)
    extra = Code(code="J3490", system="HCPCS", printed="J3490", evidence=record.codes[0].evidence)
    return replace(outcome, record_json=canonical_json(record.model_copy(update={"codes": [*record.codes, extra]})))


def test_a_lost_record_file_is_restored_without_an_event(tmp_path, seeds):
    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    lost = records(out)[0]
    content = lost.read_bytes()
    lost.unlink()
    summary = ingest_refs(discover(seeds), str(out)).summary
    assert (summary.updated, summary.unchanged) == (1, 4)
    assert lost.read_bytes() == content
    assert len(events(out)) == 5


def test_the_library_never_imports_prefect():
    import subprocess
    import sys

    probe = ("import sys, flows.engine, flows.store, flows.diff, flows.discover, flows.events, flows.schemas, flows.progress;"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_feed_keeps_each_records_text_and_the_record_is_extract_bytes(tmp_path):
    """texts/<2 hex>/<record_id>.txt.gz is what `policy-pipeline text` prints, every evidence slice of
    the record matches it, and the engine's record is byte for byte extract_bytes' own."""
    import gzip

    from extractors.pipeline import extract_bytes, text_of
    from flows.files import canonical_json, text_relpath

    out = tmp_path / "out"
    ingest_refs(discover(RAW), str(out))
    for path in sorted(RAW.iterdir()):
        record = extract_bytes(path.read_bytes(), uri=path.as_posix())
        stored = next((out / "records").rglob(f"{record.record_id}.json"))
        assert stored.read_bytes() == canonical_json(record), path.name
        text = gzip.decompress((out / text_relpath(record.record_id)).read_bytes()).decode("utf-8")
        assert text == text_of(path), path.name
        assert record.dates.effective is None or text[record.dates.effective.evidence.start:record.dates.effective.evidence.end] == record.dates.effective.evidence.text


def test_texts_missing_from_an_older_feed_come_back_with_force(tmp_path, seeds, feed_files):
    import shutil

    out = tmp_path / "out"
    ingest_refs(discover(seeds), str(out))
    texts = {p: p.read_bytes() for p in (out / "texts").rglob("*.gz")}
    shutil.rmtree(out / "texts")
    records_before = {p: p.stat().st_mtime_ns for p in records(out)}
    summary = ingest_refs(discover(seeds), str(out), force=True).summary
    assert summary.unchanged == 5
    assert {p: p.read_bytes() for p in (out / "texts").rglob("*.gz")} == texts
    assert {p: p.stat().st_mtime_ns for p in records(out)} == records_before  # records not rewritten
    before = feed_files(out)
    ingest_refs(discover(seeds), str(out), force=True)
    assert feed_files(out) == before  # nothing rewritten when the texts are there
