"""The local background Prefect server (`policy-pipeline server start|stop|status`) and the choice of
server for the commands that run flows (`ingest`, `reextract`, `serve`).

The background server is `prefect server start` on 127.0.0.1, port 4200 or the next free one, in its
own process group, with its own PREFECT_HOME (SQLite database) in the server folder:
$POLICY_PIPELINE_SERVER_HOME, else $XDG_DATA_HOME/policy-pipeline/prefect-server, else
~/.local/share/policy-pipeline/prefect-server. `server.json` there names its process (id and start
time, so a reused id is not mistaken for it) and port; `server.log` is its output. A server whose
process died (SIGKILL, reboot) is "stale": `status` says so and `start` replaces it. `stop` ends the
whole process group. Processes are read from /proc where there is one (Linux), since a killed server
may linger as a zombie that only its parent could reap.

A command uses, in this order: the server named by PREFECT_API_URL (environment or active Prefect
profile), the background server when it answers, else Prefect's temporary server (started by the
command, for that command only). This module never imports Prefect: the choice is made before
Prefect reads its settings.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 4200
PORTS_TRIED = 100  # 4200 ... 4299
START_TIMEOUT = 300.0  # seconds for the server to answer (about 10 s on a quiet 2-core machine, 30 s on a busy one)
STOP_GRACE = 30.0  # seconds between SIGTERM and SIGKILL
HEALTH_TIMEOUT = 10.0  # seconds for one /health request (milliseconds when the server is up)
TEMPORARY_STARTUP_TIMEOUT = 180  # Prefect's own default (20 s) is too short for a busy machine


class ServerError(Exception):
    """The background server could not be started or stopped; the message is one line."""


@dataclass(frozen=True)
class ServerStatus:
    """What `server.json` says and what is true: state is "up", "starting" (its process runs, its API
    does not answer yet), "stale" (its process is gone) or "down" (no server recorded)."""

    state: str
    folder: Path
    pid: int | None = None
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"


def server_folder() -> Path:
    """Where the background server keeps its state, database and log."""
    if os.environ.get("POLICY_PIPELINE_SERVER_HOME"):
        return Path(os.environ["POLICY_PIPELINE_SERVER_HOME"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "policy-pipeline" / "prefect-server"


# ---------------------------------------------------------------- processes


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...]; None if no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text.rsplit(")", 1)[1].split()  # e.g. "1234 (prefect) S 1 1234 1234 ..." -> ["S", "1", "1234", ...]


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or None."""
    fields = _proc_stat(pid)
    return fields[19] if fields else None


def _running(pid: int, start_ticks: str | None) -> bool:
    """The recorded process still runs (not a zombie, not another process that got its id)."""
    if Path("/proc/self/stat").exists():
        fields = _proc_stat(pid)
        return bool(fields) and fields[0] not in ("Z", "X") and (start_ticks is None or fields[19] == start_ticks)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process took the id
    return True


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


def _end_group(pgid: int, *, grace: float = STOP_GRACE) -> None:
    """SIGTERM the group, SIGKILL what is left after `grace` seconds; return when none of it runs."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 60.0)):
        if not group_members(pgid):
            return
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
    if group_members(pgid):
        raise ServerError(f"processes {group_members(pgid)} of the server's group survived SIGKILL")


# ---------------------------------------------------------------- state


def _state_file(folder: Path) -> Path:
    return folder / "server.json"


def _read_state(folder: Path) -> dict | None:
    try:
        return json.loads(_state_file(folder).read_text())
    except (FileNotFoundError, ValueError):
        return None


def healthy(api_url: str, *, timeout: float = HEALTH_TIMEOUT) -> bool:
    """The Prefect API at `api_url` answers its health check (no proxy: the server is local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{api_url}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


def status(folder: Path | None = None) -> ServerStatus:
    folder = folder or server_folder()
    state = _read_state(folder)
    if not state:
        return ServerStatus("down", folder)
    found = dict(folder=folder, pid=state["pid"], port=state["port"])
    if not _running(state["pid"], state.get("start_ticks")):
        return ServerStatus("stale", **found)
    return ServerStatus("up" if healthy(ServerStatus("up", **found).api_url) else "starting", **found)


# ---------------------------------------------------------------- start and stop


def _free_port(first: int, count: int) -> int:
    for port in range(first, first + count):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if count == 1:
        raise ServerError(f"port {first} on 127.0.0.1 is in use")
    raise ServerError(f"no free port in {first}-{first + count - 1} on 127.0.0.1")


def _server_env(folder: Path) -> dict[str, str]:
    """The caller's environment with the server's own PREFECT_HOME and nothing that points elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_HOME", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH")}
    env.update(PREFECT_HOME=str(folder / "prefect-home"))
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def _server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]


def start(folder: Path | None = None, *, port: int | None = None, timeout: float = START_TIMEOUT) -> tuple[ServerStatus, str]:
    """Start the background server unless one is up; returns its status and the state found before
    ("down", "stale": its leftovers were ended first, "up" or "starting": nothing was started). Waits
    until the API answers, up to `timeout` seconds."""
    from filelock import FileLock

    folder = folder or server_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / "server.lock")):
        found = status(folder)
        if found.state == "up":
            return found, found.state
        if found.state == "starting":
            return _wait_until_up(found, timeout=timeout), found.state
        if found.state == "stale":
            _clear(folder, found)
        chosen = _free_port(port, 1) if port else _free_port(DEFAULT_PORT, PORTS_TRIED)
        command = _server_command(chosen)
        with open(folder / "server.log", "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')}: {' '.join(command)}\n".encode())
            log.flush()
            process = subprocess.Popen(command, env=_server_env(folder), stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True, cwd=folder)
        state = {"pid": process.pid, "port": chosen, "start_ticks": _start_ticks(process.pid), "command": command}
        _state_file(folder).write_text(json.dumps(state, indent=2) + "\n")
        started = ServerStatus("starting", folder, pid=process.pid, port=chosen)
        try:
            return _wait_until_up(started, timeout=timeout, process=process), found.state
        except ServerError:
            _clear(folder, started)
            raise


def _wait_until_up(server: ServerStatus, *, timeout: float, process: subprocess.Popen | None = None) -> ServerStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(server.api_url, timeout=5.0):
            return ServerStatus("up", server.folder, pid=server.pid, port=server.port)
        if (process.poll() is not None) if process else not _running(server.pid, None):
            raise ServerError(f"the Prefect server exited while starting: {_last_line(server.log)} (log: {server.log})")
        time.sleep(0.25)
    raise ServerError(f"the Prefect server did not answer within {timeout:.0f} s (log: {server.log}); "
                      "on a busy machine try again with a longer --timeout")


def _last_line(path: Path) -> str:
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except FileNotFoundError:
        return "no output"
    return lines[-1][:300] if lines else "no output"


def _clear(folder: Path, server: ServerStatus) -> None:
    """End what is left of a recorded server (its group; a stale one's orphans) and forget it."""
    if server.pid and (server.state != "stale" or not _running(server.pid, None)):
        _end_group(server.pid)  # a stale leader's id cannot be reused while its group has members
    _state_file(folder).unlink(missing_ok=True)


def stop(folder: Path | None = None) -> ServerStatus:
    """Stop the background server (its whole process group); returns what it was before."""
    from filelock import FileLock

    folder = folder or server_folder()
    if not _state_file(folder).exists():
        return ServerStatus("down", folder)
    with FileLock(str(folder / "server.lock")):
        current = status(folder)
        if current.state != "down":
            _clear(folder, current)
        return current


# ---------------------------------------------------------------- which server a command uses


def prefect_setting(name: str) -> str | None:
    """A Prefect setting as the user set it: the environment, else the active profile of
    PREFECT_PROFILES_PATH (default $PREFECT_HOME/profiles.toml, PREFECT_HOME default ~/.prefect)."""
    if os.environ.get(name):
        return os.environ[name]
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text())
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    value = profiles.get("profiles", {}).get(active, {}).get(name)
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True)
class ServerChoice:
    """The server a command runs its flows on: kind is "api_url", "background" or "temporary"."""

    kind: str
    api_url: str | None = None
    note: str = ""

    def describe(self) -> str:
        if self.kind == "api_url":
            return f"using the Prefect server at PREFECT_API_URL ({self.api_url})"
        if self.kind == "background":
            return f"using the local background Prefect server at {self.api_url.removesuffix('/api')} (policy-pipeline server)"
        return ("using a temporary Prefect server for this command (starts in 10-30 s; "
                f"`policy-pipeline server start` keeps one running{self.note})")


def choose_server() -> ServerChoice:
    configured = prefect_setting("PREFECT_API_URL")
    if configured:
        return ServerChoice("api_url", configured)
    background = status()
    if background.state == "up":
        return ServerChoice("background", background.api_url)
    note = {"stale": f"; the last one, pid {background.pid}, has died",
            "starting": f"; the one at {background.url} does not answer yet"}.get(background.state, "")
    return ServerChoice("temporary", note=note)
