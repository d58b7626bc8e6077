"""Flow tests share ONE Prefect harness per session (a temporary API server on a temporary SQLite
database, started once, ~10 s); library tests in this folder never request it and need no Prefect.
Tests of the background server (`policy-pipeline server`) share one too, `background_server`, in a
folder of its own (the session's POLICY_PIPELINE_SERVER_HOME stays empty: commands that get no
PREFECT_API_URL use a temporary server unless a test points them at that folder).

Prefect reads its settings when first imported, so the environment is set here, before any test
module imports it: a private PREFECT_HOME, no telemetry, a quiet server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw_documents"
CIGNA_2025 = RAW / "000_28171920f14a321b.txt"
EVICORE_2023 = RAW / "001_cf16fd06cb47044d.txt"

PREFECT_ENV = {
    "PREFECT_HOME": tempfile.mkdtemp(prefix="policy-pipeline-prefect-"),
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
SERVER_START_GUARD = 600  # seconds; a Prefect server starts in about 10 s on a quiet 2-core machine, 30 s on a busy one
for _key, _value in PREFECT_ENV.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="session")
def prefect_harness():
    """The session's Prefect API; yields its URL (give it to subprocesses as PREFECT_API_URL)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=SERVER_START_GUARD):
        yield PREFECT_API_URL.value()


def _server_cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`policy-pipeline server ARGS` with its state in `folder`."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["POLICY_PIPELINE_SERVER_HOME"] = str(folder)
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", "server", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=2 * SERVER_START_GUARD)


@pytest.fixture
def server_cli():
    return _server_cli


@pytest.fixture(scope="session")
def background_server(tmp_path_factory):
    """A background server started with `policy-pipeline server start` in a folder of its own; yields its
    status (folder, pid, url, api_url); stopped with `policy-pipeline server stop` at the end."""
    from flows.server import group_members, status

    folder = tmp_path_factory.mktemp("background-server")
    done = _server_cli(folder, "start", "--timeout", str(SERVER_START_GUARD))
    up = status(folder)
    try:
        assert done.returncode == 0 and up.state == "up", done.stdout + done.stderr
        yield up
    finally:
        _server_cli(folder, "stop")
        if up.pid and group_members(up.pid):  # stop failed: leave no server behind all the same
            os.killpg(up.pid, signal.SIGKILL)

@pytest.fixture
def seeds(tmp_path) -> Path:
    """A private copy of the five seed documents (tests may add or break files in it)."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sorted(RAW.glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="session")
def raw_feed(tmp_path_factory) -> Path:
    """The feed of raw_documents/ (five seed texts, five payer PDFs), made once per session with the
    library (no Prefect). Read-only: copy it to change it."""
    from flows.discover import discover
    from flows.engine import ingest_refs

    out = tmp_path_factory.mktemp("raw-feed") / "feed"
    summary = ingest_refs(discover(RAW), str(out)).summary
    assert (summary.new, summary.failed) == (10, 0)
    return out


def _feed_files(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a feed except the private state: relative path -> (bytes, mtime in ns)."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".pipeline" not in p.relative_to(out).parts
    }


@pytest.fixture
def feed_files():
    return _feed_files


@contextmanager
def _lock_held(out: Path):
    """Another process holds the feed's lock on `out` while the block runs (killed after it)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom flows.store import Feed\nwith Feed.open(sys.argv[1]):\n"
         "    print('locked', flush=True); time.sleep(3600)", str(out)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def lock_held():
    return _lock_held
