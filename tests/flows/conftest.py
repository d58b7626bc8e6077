"""Flow tests share ONE Prefect harness per session (a temporary API server on a temporary SQLite
database, started once, ~10 s); library tests in this folder never request it and need no Prefect.

Prefect reads its settings when first imported, so the environment is set here, before any test
module imports it: a private PREFECT_HOME, no telemetry, a quiet server.
"""

from __future__ import annotations

import os
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
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}
for _key, _value in PREFECT_ENV.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="session")
def prefect_harness():
    """The session's Prefect API; yields its URL (give it to subprocesses as PREFECT_API_URL)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield PREFECT_API_URL.value()


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
         "    print('locked', flush=True); time.sleep(60)", str(out)],
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
