"""Usage errors of the flow commands: exit status 2 and one line, found before Prefect starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('\\nprefect loaded' if 'prefect.flows' in sys.modules else ''));"
    "from flows.cli import main; sys.argv = ['policy-pipeline', *sys.argv[1:]]; main()"
)


def run(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["ingest", "/no/such/folder"], "no such file or folder", id="missing-source"),
        pytest.param(["ingest", "raw_documents", "--task-runner", "spark"], "unknown --task-runner", id="bad-runner"),
        pytest.param(["ingest", "raw_documents", "--out", "pyproject.toml"], "is not a folder", id="out-is-a-file"),
        pytest.param(["ingest", "raw_documents", "--timeout", "0"], "--timeout must be a positive", id="zero-timeout"),
        pytest.param(["ingest", "s3://bucket/policies"], "s3fs", id="fsspec-package-missing"),
        pytest.param(["reextract", "/no/such/file.pdf"], "no such file", id="reextract-missing"),
        pytest.param(["reextract", "raw_documents"], "is a directory", id="reextract-directory"),
    ],
)
def test_usage_errors_are_one_line_and_start_no_prefect(args, message):
    done = run(*args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("policy-pipeline: ")


def test_serve_needs_a_server():
    done = run("serve", "raw_documents", "--interval", "60")
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "PREFECT_API_URL" in done.stderr
