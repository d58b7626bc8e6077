"""Schedules: a real `prefect server start` on a free localhost port, `policy-pipeline serve` with a
short interval, and a scheduled run that completes and fills the feed. Both processes run in their
own process groups and the groups are killed at the end (a killed serve leaves no flow runner behind).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
def test_a_scheduled_run_completes_on_a_real_server(seeds, tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api, "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1", "POLICY_PIPELINE_DEBUG": "",
    })
    logs = tmp_path / "logs"
    logs.mkdir()
    out = tmp_path / "out"
    with open(logs / "server.log", "wb") as server_log, open(logs / "serve.log", "wb") as serve_log:
        server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        serve = None
        try:
            wait_for(lambda: _healthy(api), timeout=90, what="the Prefect server", processes=[server])
            serve = subprocess.Popen(
                [sys.executable, "-c", "from flows.cli import main; main()", "serve", str(seeds), "--out", str(out),
                 "--interval", "5", "--name", "test-schedule"],
                env=env, stdout=serve_log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            run = wait_for(lambda: _completed_scheduled_run(api), timeout=150, what="a completed scheduled run",
                           processes=[server, serve])
        finally:
            if serve is not None:
                stop_group(serve)
            stop_group(server)
    assert run["deployment_id"] and run["auto_scheduled"]
    assert len(list((out / "records").rglob("*.json"))) == 5
    assert (out / "index.json").exists()


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _completed_scheduled_run(api: str) -> dict | None:
    query = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 5}
    runs = httpx.post(f"{api}/flow_runs/filter", json=query, timeout=5).json()
    return next((r for r in runs if r.get("deployment_id")), None)
