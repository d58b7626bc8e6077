"""flows.store without Prefect: slugs that stay inside the feed, atomic files, the change log's torn
tail and recovery, the lock, quarantine, and views that are rewritten only when they change."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from flows.engine import Outcome
from flows.files import FeedBusy, FeedError, append_lines, atomic_write, read_changes, repair_log_tail, safe_path, slug
from flows.store import CHANGES_FILE, Feed


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("CMM-204", "cmm-204", id="number"),
        pytest.param("02.01.18", "02.01.18", id="dotted-number"),
        pytest.param("../../etc/passwd", "etc-passwd", id="traversal"),
        pytest.param("..", "none", id="dot-dot"),
        pytest.param("a\\b/c\x00d", "a-b-c-d", id="separators-and-nul"),
        pytest.param("Société Générale", "societe-generale", id="accents"),
        pytest.param("  ", "none", id="blank"),
        pytest.param(None, "none", id="none"),
        pytest.param("Prolotherapy/Sclerotherapy", "prolotherapy-sclerotherapy", id="slash-in-title"),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


def test_long_slug_is_capped_and_unique():
    a, b = slug("x" * 300 + "a"), slug("x" * 300 + "b")
    assert len(a) <= 80 and a != b


@pytest.mark.parametrize("part", ["..", ".", "a/b", "", "-x", "a\x00"])
def test_safe_path_refuses_unsafe_parts(tmp_path, part):
    with pytest.raises(FeedError):
        safe_path(tmp_path, "records", part)


def test_safe_path_refuses_a_symlink_out_of_the_feed(tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "records").symlink_to(tmp_path)
    with pytest.raises(FeedError, match="outside"):
        safe_path(tmp_path / "feed", "records", "x.json")


def test_atomic_write_leaves_old_content_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temp file left


def test_reader_ignores_a_torn_last_line(tmp_path):
    log = tmp_path / CHANGES_FILE
    append_lines(log, [b'{"seq": 1}\n', b'{"seq": 2}\n'])
    with open(log, "ab") as handle:
        handle.write(b'{"seq": 3, "ki')
    assert [e["seq"] for e in read_changes(log)] == [1, 2]
    assert [e["seq"] for e in read_changes(log, after=1)] == [2]


def test_repair_truncates_the_torn_tail(tmp_path):
    log = tmp_path / CHANGES_FILE
    append_lines(log, [b'{"seq": 1}\n', b'{"seq": 2}\n'])
    with open(log, "ab") as handle:
        handle.write(b'{"seq": 3, "ki')
    assert repair_log_tail(log) == 2
    assert log.read_bytes() == b'{"seq": 1}\n{"seq": 2}\n'
    assert repair_log_tail(tmp_path / "missing.jsonl") == 0


def _record_outcome(seed, uri=None):
    from extractors.pipeline import extract_file
    from flows.files import canonical_json

    record = extract_file(seed, uri=uri or str(seed))
    return Outcome(uri=record.source.uri, record_json=canonical_json(record), sha256=record.source.sha256)


def test_recovery_appends_events_the_log_lacks(tmp_path, seeds):
    out = tmp_path / "out"
    with Feed.open(out) as feed:
        feed.commit([_record_outcome(p) for p in sorted(seeds.iterdir())[:3]], run_id="r1")
    log = out / CHANGES_FILE
    lines = log.read_bytes().splitlines(keepends=True)
    assert len(lines) == 3
    # a crash after the state committed but while the log was being appended: one line torn, one lost
    log.write_bytes(lines[0] + lines[1][:20])
    with Feed.open(out) as feed:
        assert feed.last_seq == 3
    assert log.read_bytes() == b"".join(lines)
    assert [e["seq"] for e in read_changes(log)] == [1, 2, 3]


def test_log_ahead_of_state_is_reported(tmp_path, seeds):
    out = tmp_path / "out"
    with Feed.open(out) as feed:
        feed.commit([_record_outcome(sorted(seeds.iterdir())[0])], run_id="r1")
    append_lines(out / CHANGES_FILE, [b'{"seq": 9}\n'])
    with pytest.raises(FeedError, match="seq 9"):
        with Feed.open(out):
            pass


def test_temp_files_of_a_killed_run_are_swept(tmp_path, seeds):
    out = tmp_path / "out"
    with Feed.open(out) as feed:
        feed.commit([_record_outcome(sorted(seeds.iterdir())[0])], run_id="r1")
    stray = next((out / "records").rglob("*.json")).parent / ".rec_x.json.abc123.tmp"
    stray.write_bytes(b'{"half')
    with Feed.open(out):  # a clean previous run: no sweep (it would cost a walk of records/)
        pass
    assert stray.exists()
    with sqlite3.connect(out / ".pipeline" / "state.sqlite") as db:  # as if the last run had been killed
        db.execute("UPDATE meta SET value = '1' WHERE key = 'dirty'")
    with Feed.open(out):
        pass
    assert not stray.exists()


def test_quarantine_entry_and_its_clearing(tmp_path, seeds):
    out = tmp_path / "out"
    seed = sorted(seeds.iterdir())[0]
    failed = Outcome(uri=str(seed), sha256="ab" * 32, error="broken: one line", kind="CorruptPDF")
    with Feed.open(out) as feed:
        [done] = feed.commit([failed], run_id="r1")
    assert done.category == "failed"
    entries = json.loads((out / "quarantine.json").read_text())["entries"]
    assert entries == [{"uri": str(seed), "sha256": "ab" * 32, "error": "broken: one line", "kind": "CorruptPDF", "source_name": None}]
    with Feed.open(out) as feed:
        [done] = feed.commit([_record_outcome(seed)], run_id="r2")
    assert done.category == "new"
    assert json.loads((out / "quarantine.json").read_text())["entries"] == []


def test_a_record_that_cannot_be_stored_costs_only_itself(tmp_path, seeds):
    out = tmp_path / "out"
    first, second = sorted(seeds.iterdir())[:2]
    bad = Outcome(uri="bad://x", record_json=b'{"not": "a record"}\n', sha256="00" * 32)
    with Feed.open(out) as feed:
        done = feed.commit([_record_outcome(first), bad, _record_outcome(second)], run_id="r1")
    assert [d.category for d in done] == ["new", "failed", "new"]
    assert [e["seq"] for e in read_changes(out / CHANGES_FILE)] == [1, 2]
    assert "cannot store the record" in json.loads((out / "quarantine.json").read_text())["entries"][0]["error"]


def test_views_are_not_rewritten_when_nothing_changed(tmp_path, seeds):
    out = tmp_path / "out"
    with Feed.open(out) as feed:
        feed.commit([_record_outcome(sorted(seeds.iterdir())[0])], run_id="r1")
    before = {name: (out / name).stat().st_mtime_ns for name in ("index.json", "quarantine.json", CHANGES_FILE)}
    time.sleep(0.01)
    with Feed.open(out):
        pass
    assert {name: (out / name).stat().st_mtime_ns for name in before} == before


def test_a_second_writer_waits_then_stops_with_a_clear_message(tmp_path, lock_held):
    out = tmp_path / "out"
    with lock_held(out):
        waited = []
        with pytest.raises(FeedBusy, match="another ingestion run holds the lock"):
            with Feed.open(out, lock_timeout=0.3, on_wait=waited.append):
                pass
        assert waited and "waiting up to 0.3 s" in waited[0]
    with Feed.open(out, lock_timeout=5):  # the OS released the lock with the killed process
        pass
