"""The Prefect flows and the CLI commands that run them, under the session's one Prefect harness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.files import read_changes

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw_documents"
CIGNA_2025 = RAW / "000_28171920f14a321b.txt"
EVICORE_2023 = RAW / "001_cf16fd06cb47044d.txt"


def cli(*args, api_url: str | None, cwd: Path = ROOT, extra_env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; `timeout` guards against a hang (a run here takes 3-15 s)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"POLICY_PIPELINE_DEBUG": "", **(extra_env or {})})
    env = {k: v for k, v in env.items() if v is not None}  # extra_env's None: not set
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def test_ingest_flow_twice_second_run_unchanged_and_nothing_rewritten(prefect_harness, seeds, tmp_path, feed_files):
    from flows.ingest import ingest_flow

    out = tmp_path / "out"
    first = ingest_flow(source=str(seeds), out=str(out))
    assert (first["new"], first["failed"]) == (5, 0)
    before = feed_files(out)
    time.sleep(0.01)
    second = ingest_flow(source=str(seeds), out=str(out))
    assert (second["unchanged"], second["new"], second["updated"]) == (5, 0, 0)
    assert feed_files(out) == before


def test_ingest_flow_with_report_writes_the_site_after_the_run(prefect_harness, seeds, tmp_path):
    """What `serve --report` schedules: each run ends by rebuilding the site from the feed."""
    from flows.ingest import ingest_flow

    site = tmp_path / "site"
    summary = ingest_flow(source=str(seeds), out=str(tmp_path / "out"), report=str(site))
    assert summary["new"] == 5
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<table" in index or "policies" in index.lower()
    assert len(list((site / "policies").rglob("*.html"))) == 4  # the seeds: five documents, four policies


def test_summary_is_a_prefect_artifact(prefect_harness, seeds, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.ingest import ingest_flow

    state = ingest_flow(source=str(seeds), out=str(tmp_path / "out"), return_state=True)
    assert state.is_completed() and state.result()["new"] == 5
    this_run = ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary"]),
                              flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]))
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=this_run)
    assert "| new | 5 |" in artifact.data and "| failed | 0 |" in artifact.data


def test_reextract_flow_writes_one_change_event(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow
    from flows.reextract import reextract_flow

    source, out = tmp_path / "source", tmp_path / "out"
    source.mkdir()
    (source / EVICORE_2023.name).write_bytes(EVICORE_2023.read_bytes())
    ingest_flow(source=str(source), out=str(out))
    result = reextract_flow(file=str(CIGNA_2025), out=str(out))
    [event] = result["events"]
    assert event["kind"] == "updated" and event["seq"] == 2
    assert event["changes"]["effective_date"] == {"before": "2023-05-31", "after": "2025-07-01"}
    assert [r["text"] for r in event["changes"]["references_removed"]] == ["Workloss Data Institute. Official Disability Guidelines."]
    assert event["changes"]["coverage_status"] is None and event["changes"]["statements"] == []
    assert len(list((out / "records").rglob("*.json"))) == 2
    assert [e["kind"] for e in read_changes(out / "changes.jsonl")] == ["new", "updated"]


def test_cli_ingest_with_an_unreadable_file(prefect_harness, seeds, tmp_path):
    (seeds / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    out = tmp_path / "out"
    done = cli("ingest", str(seeds), "--out", str(out), api_url=prefect_harness)
    assert done.returncode == 1, done.stderr
    assert "5 new" in done.stdout and "1 failed" in done.stdout
    assert done.stderr.strip().splitlines() == [f"policy-pipeline: using the Prefect server at PREFECT_API_URL ({prefect_harness})",
                                                f"policy-pipeline: failed: {(seeds / 'scan.txt').as_posix()}: unsupported file type: PNG image"]
    assert len(list((out / "records").rglob("*.json"))) == 5
    [entry] = json.loads((out / "quarantine.json").read_text())["entries"]
    assert entry["kind"] == "UnsupportedInput"


def test_cli_reextract_prints_the_change(prefect_harness, tmp_path):
    out = tmp_path / "out"
    assert cli("reextract", str(EVICORE_2023), "--out", str(out), api_url=prefect_harness).returncode == 0
    done = cli("reextract", str(CIGNA_2025), "--out", str(out), api_url=prefect_harness)
    assert done.returncode == 0, done.stderr
    assert "effective date: 2023-05-31 -> 2025-07-01" in done.stdout
    assert "reference removed: Workloss Data Institute" in done.stdout and "(no status change)" in done.stdout


def test_cli_stops_when_another_run_holds_the_lock(prefect_harness, seeds, tmp_path, lock_held):
    out = tmp_path / "out"
    with lock_held(out):
        done = cli("ingest", str(seeds), "--out", str(out), "--lock-timeout", "0.5", api_url=prefect_harness)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines()[-1].startswith("policy-pipeline: ") and "holds the lock" in done.stderr
    assert "Traceback" not in done.stderr


def test_dask_runner_output_equals_default_runner(prefect_harness, seeds, tmp_path, feed_files):
    from flows.ingest import flow_with_runner

    thread_out, dask_out = tmp_path / "thread", tmp_path / "dask"
    flow_with_runner("thread")(source=str(seeds), out=str(thread_out), batch_size=2)
    summary = flow_with_runner("dask", workers=2)(source=str(seeds), out=str(dask_out), batch_size=2, window=4)
    assert summary["new"] == 5
    a, b = feed_files(thread_out), feed_files(dask_out)
    assert a.keys() == b.keys()
    assert all(a[name][0] == b[name][0] for name in a if name != "changes.jsonl")
    strip = lambda out: [{k: v for k, v in e.items() if k not in ("at", "run_id")} for e in read_changes(out / "changes.jsonl")]  # noqa: E731
    assert strip(thread_out) == strip(dask_out)


@pytest.mark.slow
def test_cli_ingest_on_the_embedded_temporary_server_beside_two_busy_processes(tmp_path):
    """The README's first command as a new user meets it on a busy 2-core machine: no server
    configured, a fresh PREFECT_HOME (the temporary server creates its database first), two CPU-bound
    processes beside it, Prefect's default startup timeout (the CLI's, not a test's)."""
    home = tmp_path / "prefect-home"
    env = {"PREFECT_HOME": str(home), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": None}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        done = cli("ingest", "raw_documents", "--out", str(tmp_path / "out"), api_url=None, extra_env=env, timeout=1800)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith("policy-pipeline: using a temporary Prefect server for this command")
    assert "10 new" in done.stdout
    assert list(home.glob("*.db"))  # the temporary server's SQLite database lives under PREFECT_HOME
