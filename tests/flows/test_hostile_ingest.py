"""The hostile-input corpus (tests/hostile.py) through the real ingestion path: `policy-pipeline
ingest` in a subprocess on the session's Prefect harness, the five seeds beside the hostile files.

Every case ends as a record (its own, or the record of the same bytes for a duplicate) or as one
quarantine entry with a one-line message; the seeds all land; the summary counts match exactly; the
symlink loop and the FIFO hang nothing; nothing is written outside --out; and each record is exactly
what its document gives alone, so no document touched another's output. The limits fail with a
message naming their option.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.pipeline import extract_bytes
from flows.discover import path_uri
from flows.files import canonical_json
from tests.hostile import Case, build_corpus, read_feed

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "raw_documents").glob("*.txt"))
KINDS = {"InputError", "UnsupportedInput", "EncryptedPDF", "CorruptPDF", "OCRUnavailable", "LimitExceeded", "internal"}
TIMEOUT = 600  # generous: a hang shows as a failure, never as a stuck CI


def ingest(api_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_API_URL=api_url, POLICY_PIPELINE_DEBUG="")
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", "ingest", *args, "--no-progress", "--json"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=TIMEOUT, start_new_session=True)


def tree(root: Path, skip: Path) -> dict[str, tuple]:
    """Every entry under root (not following links) with its type, size and mtime, except under `skip`."""
    entries = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            if path == skip or path.is_relative_to(skip):
                continue
            info = os.lstat(path)
            entries[path.relative_to(root).as_posix()] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return entries


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-ingest")
    src = root / "src"
    cases = {case.name: case for case in build_corpus(src)}
    for seed in SEEDS:
        (src / seed.name).write_bytes(seed.read_bytes())
        cases[seed.name] = Case(seed.name, "record", "seed")
    return root, src, cases


def test_every_hostile_case_is_a_record_or_one_quarantine_line(prefect_harness, corpus):
    root, src, cases = corpus
    out = root / "out"
    before = tree(root, out)

    done = ingest(prefect_harness, str(src), "--out", str(out))
    assert done.returncode == 1, done.stderr  # finished, some documents failed
    summary = json.loads(done.stdout)
    view = read_feed(out)  # whole JSON everywhere, gapless log, index consistent with it

    records_by_uri = {r["source"]["uri"]: r for r in view.records.values()}
    sha_of_record = {r["source"]["sha256"] for r in view.records.values()}
    quarantined = {e["uri"]: e for e in view.quarantine["entries"]}
    outcomes: dict[str, str] = {}
    for name, case in cases.items():
        path = src / name
        uri = path_uri(str(path))
        if case.expect == "skipped":
            assert uri not in quarantined and uri not in records_by_uri, name
            continue
        if uri in quarantined:
            entry = quarantined[uri]
            assert uri not in records_by_uri, name
            assert entry["error"] and "\n" not in entry["error"] and len(entry["error"]) < 300 + len(uri), entry
            assert entry["kind"] in KINDS, entry
            outcomes[name] = "error"
        elif uri in records_by_uri:
            assert records_by_uri[uri]["source"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), name
            outcomes[name] = "record"
        else:
            assert hashlib.sha256(path.read_bytes()).hexdigest() in sha_of_record, f"{name}: neither a record nor quarantined"
            outcomes[name] = "duplicate"  # the record of the same bytes, under the first uri
        allowed = {"record": {"record", "duplicate"}, "error": {"error"}, "either": {"record", "error"}}[case.expect]
        assert outcomes[name] in allowed, f"{name} ({case.why}): {outcomes[name]} {quarantined.get(uri)}"

    assert all(outcomes[seed.name] == "record" for seed in SEEDS)  # the seeds all land, under their own uri
    assert sorted(n for n, o in outcomes.items() if o == "duplicate") == ["duplicate-a.txt", "duplicate-b.txt"]
    errors = {name: quarantined[path_uri(str(src / name))] for name, o in outcomes.items() if o == "error"}
    assert "empty file" in errors["empty.txt"]["error"] and "empty file" in errors["whitespace.txt"]["error"]
    assert "password required" in errors["user-password.pdf"]["error"]
    assert errors["big.txt"]["kind"] == "LimitExceeded" and "--max-chars" in errors["big.txt"]["error"]
    assert errors["junk.txt"]["kind"] == "UnsupportedInput" and errors["junk.pdf"]["kind"] == "CorruptPDF"
    assert "cannot read" in errors["self-loop.txt"]["error"]

    counts = {k: summary[k] for k in ("discovered", "new", "updated", "unchanged", "duplicate", "failed")}
    assert counts == {"discovered": len(outcomes), "new": list(outcomes.values()).count("record"), "updated": 0,
                      "unchanged": 0, "duplicate": 2, "failed": len(errors)}
    assert len(view.records) == summary["new"] and len(view.quarantine["entries"]) == summary["failed"]
    assert len(view.events) == summary["new"] == summary["last_seq"]

    server, *lines = done.stderr.strip().splitlines()  # the server used, one line per failed document, nothing else
    assert server == f"policy-pipeline: using the Prefect server at PREFECT_API_URL ({prefect_harness})", done.stderr
    assert len(lines) == summary["failed"] and all(line.startswith("policy-pipeline: failed: ") for line in lines), done.stderr

    after = tree(root, out)
    assert after == before  # nothing written outside --out, the source untouched
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())

    # Each record is exactly what its document gives alone: no document touched another's output.
    path_of = {path_uri(str(src / name)): src / name for name in outcomes}
    for relpath, record in view.records.items():
        uri = record["source"]["uri"]
        alone = canonical_json(extract_bytes(path_of[uri].read_bytes(), uri=uri))
        assert (out / relpath).read_bytes() == alone, relpath

    # A re-run retries the quarantined, skips the rest, and rewrites nothing.
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file() and ".pipeline" not in p.parts}
    again = ingest(prefect_harness, str(src), "--out", str(out))
    assert again.returncode == 1, again.stderr
    second = json.loads(again.stdout)
    assert (second["unchanged"], second["failed"], second["new"], second["events"]) == (summary["new"] + 2, summary["failed"], 0, {})
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == files
    assert sorted(p for p in out.rglob("*") if p.is_file() and ".pipeline" not in p.parts) == sorted(files)


def test_limits_fail_with_a_message_naming_their_option(prefect_harness, corpus, tmp_path):
    _, hostile, _ = corpus
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, src / seed.name)
    os.link(hostile / "blank-pages.pdf", src / "pages.pdf")  # 3001 pages
    os.link(hostile / "big.txt", src / "size.txt")  # 50 MB
    (src / "slow.txt").write_bytes(SEEDS[0].read_bytes() * 640)  # 4.8 MB of policy text: seconds of work

    done = ingest(prefect_harness, str(src), "--out", str(out), "--max-pages", "100", "--max-mb", "10", "--timeout", "2")
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["new"], summary["failed"]) == (len(SEEDS), 3)
    failures = {Path(f["uri"]).name: f for f in summary["failures"]}
    assert sorted(failures) == ["pages.pdf", "size.txt", "slow.txt"]
    assert all(f["kind"] == "LimitExceeded" and "\n" not in f["error"] for f in failures.values())
    assert "3001 pages" in failures["pages.pdf"]["error"] and "--max-pages" in failures["pages.pdf"]["error"]
    assert "size limit of 10 MB" in failures["size.txt"]["error"] and "--max-mb" in failures["size.txt"]["error"]
    assert "longer than 2 s" in failures["slow.txt"]["error"] and "--timeout" in failures["slow.txt"]["error"]
    read_feed(out)
