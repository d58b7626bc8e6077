"""`policy-pipeline review`: on the feed of raw_documents it lists exactly the records with reasons."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.discover import discover
from flows.engine import ingest_refs
from flows.review import queue_lines, review_queue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def raw_feed(tmp_path_factory):
    out = tmp_path_factory.mktemp("feed")
    ingest_refs(discover(ROOT / "raw_documents"), str(out))
    return out


def test_review_lists_exactly_the_records_with_reasons(raw_feed):
    index = json.loads((raw_feed / "index.json").read_text())["policies"]
    records = {e["record_id"]: json.loads((raw_feed / e["record_path"]).read_text()) for e in index}
    expected = {(rid, reason["reason"], reason["field"])
                for rid, record in records.items() for reason in record["review"]}
    listed = {(item.record_id, group.reason, item.field) for group in review_queue(raw_feed) for item in group.items}
    assert listed == expected and listed
    assert {rid for rid, record in records.items() if record["needs_review"]} == {rid for rid, _, _ in listed}


def test_groups_come_most_severe_first(raw_feed):
    severities = [group.severity for group in review_queue(raw_feed)]
    assert severities == sorted(severities, reverse=True)
    lines = queue_lines(review_queue(raw_feed))
    assert lines[0].startswith("no_effective_date (severity 3")


def test_cli_review_prints_text_and_json(raw_feed):
    run = lambda *args: subprocess.run([str(Path(sys.executable).parent / "policy-pipeline"), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)  # noqa: E731
    text = run("review", "--feed", str(raw_feed))
    assert text.returncode == 0 and "no_effective_date" in text.stdout and "dates.effective" in text.stdout
    as_json = json.loads(run("review", "--feed", str(raw_feed), "--json").stdout)
    assert as_json[0]["reason"] == "no_effective_date" and as_json[0]["items"][0]["field"] == "dates.effective"
    missing = run("review", "--feed", str(raw_feed / "nope"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no index.json" in missing.stderr
