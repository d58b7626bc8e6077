"""The background Prefect server, `policy-pipeline server start|stop|status`, and which server the flow
commands use. Every server here lives in a temporary folder (POLICY_PIPELINE_SERVER_HOME), never the
user's, and is started and stopped through the CLI as a person would. The commands' tests share the
session's background server (conftest); the life-cycle test starts its own, kills it, starts another.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows import server

ROOT = Path(__file__).resolve().parents[2]
CIGNA_2025 = ROOT / "raw_documents" / "000_28171920f14a321b.txt"
EVICORE_2023 = ROOT / "raw_documents" / "001_cf16fd06cb47044d.txt"
HANG_GUARD = 900  # seconds; a flow command takes 3-10 s against a running server


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=HANG_GUARD, start_new_session=True)


def command_env(home: Path, tmp_path: Path, **extra: str) -> dict:
    """No PREFECT_API_URL, the given server folder, and a fresh client PREFECT_HOME (to see that no
    temporary server was started: it would leave its database there)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "POLICY_PIPELINE_DEBUG")}
    env.update(POLICY_PIPELINE_SERVER_HOME=str(home), PREFECT_HOME=str(tmp_path / "client-home"), **extra)
    return env


# ---------------------------------------------------------------- the commands and the running server


def test_status_says_up_and_where(background_server, server_cli):
    done = server_cli(background_server.folder, "status")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"up: Prefect server at {background_server.url}") and f"pid {background_server.pid}" in done.stdout


def test_start_when_up_keeps_the_running_server(background_server, server_cli):
    done = server_cli(background_server.folder, "start")
    assert done.returncode == 0, done.stderr
    assert "already running" in done.stdout and background_server.url in done.stdout
    assert server.status(background_server.folder).pid == background_server.pid


def test_ingest_and_reextract_run_on_the_background_server(background_server, seeds, tmp_path):
    env = command_env(background_server.folder, tmp_path)
    out = tmp_path / "out"
    line = f"policy-pipeline: using the local background Prefect server at {background_server.url} (policy-pipeline server)"
    ingested = cli("ingest", str(seeds), "--out", str(out), env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stderr.splitlines() == [line] and "5 new" in ingested.stdout
    again = cli("reextract", str(CIGNA_2025), "--out", str(tmp_path / "out2"), env=env)
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines() == [line] and again.stdout.startswith("new ")
    assert not list((tmp_path / "client-home").rglob("*.db"))  # no temporary server was started

    api = background_server.api_url
    query = {"flow_runs": {"deployment_id": {"is_null_": True}}, "sort": "START_TIME_DESC", "limit": 50}  # not serve's
    runs = httpx.post(f"{api}/flow_runs/filter", json=query, timeout=60).json()
    flows = {f["id"]: f["name"] for f in httpx.post(f"{api}/flows/filter", json={}, timeout=60).json()}
    by_flow = {}
    for run in runs:
        by_flow.setdefault(flows[run["flow_id"]], []).append(run)
    ingest_run = next(r for r in by_flow["ingest-policies"] if r["parameters"].get("out") == str(out))
    reextract_run = next(r for r in by_flow["reextract-policy"] if r["parameters"].get("out") == str(tmp_path / "out2"))
    assert ingest_run["state_type"] == reextract_run["state_type"] == "COMPLETED"
    query = {"artifacts": {"flow_run_id": {"any_": [ingest_run["id"], reextract_run["id"]]}}}
    artifacts = httpx.post(f"{api}/artifacts/filter", json=query, timeout=60).json()
    summaries = {a["flow_run_id"]: a["data"] for a in artifacts if a["key"] == "ingest-summary"}
    assert "| new | 5 |" in summaries[ingest_run["id"]]
    assert summaries[reextract_run["id"]].startswith("# Re-extraction summary") and "| new | 1 |" in summaries[reextract_run["id"]]


def test_prefect_api_url_wins_over_the_background_server(background_server, prefect_harness, tmp_path):
    env = command_env(background_server.folder, tmp_path, PREFECT_API_URL=prefect_harness)
    done = cli("reextract", str(EVICORE_2023), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"policy-pipeline: using the Prefect server at PREFECT_API_URL ({prefect_harness})"]


# ---------------------------------------------------------------- start, SIGKILL, stale, start, stop


def test_a_killed_server_is_stale_and_start_replaces_it(tmp_path, server_cli, monkeypatch):
    home = tmp_path / "server-home"
    started = server_cli(home, "start")
    assert started.returncode == 0, started.stdout + started.stderr
    first = server.status(home)
    assert first.state == "up" and f"Prefect server started at {first.url}" in started.stdout and "/api" in started.stdout
    try:
        os.kill(first.pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while server.group_members(first.pid) and time.monotonic() < deadline:
            time.sleep(0.1)

        stale = server_cli(home, "status")
        assert stale.returncode == 1 and stale.stdout.startswith(f"stale: the Prefect server (pid {first.pid}") \
            and "policy-pipeline server start" in stale.stdout, stale.stdout
        monkeypatch.setenv("POLICY_PIPELINE_SERVER_HOME", str(home))
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        choice = server.choose_server()
        assert choice.kind == "temporary" and f"pid {first.pid}, has died" in choice.describe()

        again = server_cli(home, "start")
        assert again.returncode == 0, again.stdout + again.stderr
        second = server.status(home)
        assert second.state == "up" and second.pid != first.pid and "replaced a stale server" in again.stdout
    finally:
        stopped = server_cli(home, "stop")
    assert stopped.returncode == 0 and stopped.stdout.startswith("stopped the Prefect server"), stopped.stdout + stopped.stderr
    assert server.group_members(second.pid) == [] and server.group_members(first.pid) == []
    assert not (home / "server.json").exists()
    down = server_cli(home, "status")
    assert down.returncode == 1 and down.stdout.startswith("not running"), down.stdout


def test_stop_and_status_without_a_server(tmp_path, server_cli):
    stop = server_cli(tmp_path / "none", "stop")
    assert stop.returncode == 0 and stop.stdout.startswith("no background Prefect server was running"), stop.stdout
    status = server_cli(tmp_path / "none", "status")
    assert status.returncode == 1 and status.stdout.startswith("not running")


def test_a_server_that_exits_while_starting_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "_server_command", lambda port: [sys.executable, "-c", "print('boom: no database'); raise SystemExit(1)"])
    with pytest.raises(server.ServerError, match=r"^the Prefect server exited while starting: boom: no database \(log: "):
        server.start(tmp_path)
    assert not (tmp_path / "server.json").exists()


def test_a_busy_port_asked_for_is_one_line(tmp_path, server_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = server_cli(tmp_path, "start", "--port", str(port))
    assert done.returncode == 3 and done.stderr.splitlines() == [f"policy-pipeline: port {port} on 127.0.0.1 is in use"]


# ---------------------------------------------------------------- which server, in process


def test_choice_of_server(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("POLICY_PIPELINE_SERVER_HOME", str(tmp_path / "none"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    assert server.choose_server().kind == "temporary"
    (tmp_path / "prefect-home").mkdir()
    (tmp_path / "prefect-home" / "profiles.toml").write_text(
        'active = "mine"\n[profiles.mine]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n')
    assert server.choose_server() == server.ServerChoice("api_url", "http://10.0.0.5:4200/api")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert server.choose_server() == server.ServerChoice("api_url", "http://127.0.0.1:9/api")


def test_the_server_folder_follows_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICY_PIPELINE_SERVER_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert server.server_folder() == tmp_path / "policy-pipeline" / "prefect-server"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times are read from /proc")
def test_a_recorded_process_id_taken_by_another_process_is_stale(tmp_path):
    (tmp_path / "server.json").write_text(json.dumps({"pid": os.getpid(), "port": 4200, "start_ticks": "1"}))
    assert server.status(tmp_path).state == "stale"  # this process is alive, but it is not the recorded one


# ---------------------------------------------------------------- a server that cannot be had


def test_a_temporary_server_that_does_not_start_is_one_line_and_exit_status_3(tmp_path):
    env = command_env(tmp_path / "no-server", tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0")
    done = cli("reextract", str(EVICORE_2023), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 3, done.stderr
    assert done.stderr.splitlines() == [
        "policy-pipeline: using a temporary Prefect server for this command (starts in 10-30 s; "
        "`policy-pipeline server start` keeps one running)",
        "policy-pipeline: Prefect's temporary server did not start within 0 s; on a busy machine raise "
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start a server that stays up (`policy-pipeline server start`, "
        "or your own with PREFECT_API_URL set) and run the command again",
    ]


def test_an_unreachable_prefect_api_url_is_one_line_and_exit_status_3(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    api = f"http://127.0.0.1:{closed}/api"
    done = cli("reextract", str(EVICORE_2023), "--out", str(tmp_path / "out"), env=command_env(tmp_path, tmp_path, PREFECT_API_URL=api))
    assert done.returncode == 3, done.stderr
    assert done.stderr.splitlines()[1:] == [f"policy-pipeline: cannot reach the Prefect server at PREFECT_API_URL ({api}); start it, "
                                            "or unset PREFECT_API_URL to use the background server (`policy-pipeline server start`) "
                                            "or a temporary one"]
