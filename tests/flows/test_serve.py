"""Schedules: `policy-pipeline serve` with a short interval on the session's background Prefect server
(`policy-pipeline server start`, which serve picks up with no PREFECT_API_URL set), and a scheduled run
that completes and fills the feed. serve runs in its own process group, killed at the end (a killed
serve leaves no flow runner behind); the server is stopped with the session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest


def stop_group(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for(check, *, timeout: float, what: str, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args[:3]} exited with {process.returncode} while waiting for {what}"
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
def test_a_scheduled_run_completes_on_a_real_server(background_server, seeds, tmp_path):
    api = background_server.api_url
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({
        "POLICY_PIPELINE_SERVER_HOME": str(background_server.folder), "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "POLICY_PIPELINE_DEBUG": "",
    })
    logs = tmp_path / "logs"
    logs.mkdir()
    out = tmp_path / "out"
    with open(logs / "serve.log", "wb") as serve_log:
        assert _healthy(api)
        serve = subprocess.Popen(
            [sys.executable, "-c", "from flows.cli import main; main()", "serve", str(seeds), "--out", str(out),
             "--interval", "5", "--name", "test-schedule"],
            env=env, stdout=serve_log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            run = wait_for(lambda: _completed_scheduled_run(api), timeout=600, what="a completed scheduled run",
                           processes=[serve])
        finally:
            stop_group(serve)
            _delete_deployment(api, "ingest-policies/test-schedule")  # and its runs scheduled ahead: the server is shared
    assert run["deployment_id"] and run["auto_scheduled"]
    assert len(list((out / "records").rglob("*.json"))) == 5
    assert (out / "index.json").exists()
    said = (logs / "serve.log").read_text(errors="replace").splitlines()[0]
    assert said == f"policy-pipeline: using the local background Prefect server at {background_server.url} (policy-pipeline server)"


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=60).status_code == 200
    except httpx.HTTPError:
        return False


def _completed_scheduled_run(api: str) -> dict | None:
    query = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "sort": "EXPECTED_START_TIME_DESC", "limit": 50}
    try:
        runs = httpx.post(f"{api}/flow_runs/filter", json=query, timeout=60).json()
    except httpx.HTTPError:
        return None  # a busy server answers late: ask again
    return next((r for r in runs if r.get("deployment_id")), None)


def _delete_deployment(api: str, name: str) -> None:
    try:
        deployment = httpx.get(f"{api}/deployments/name/{name}", timeout=60)
        if deployment.status_code == 200:
            httpx.delete(f"{api}/deployments/{deployment.json()['id']}", timeout=60)
    except httpx.HTTPError:
        pass  # best effort: the runs it leaves are only scheduled ones
