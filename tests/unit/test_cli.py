"""The command line: output contracts, one-line errors for bad input, fast start without Prefect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "raw_documents" / "000_28171920f14a321b.txt"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-c", "from flows.cli import main; main()", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, env={**os.environ, "POLICY_PIPELINE_DEBUG": ""},
    )


def test_extract_prints_one_record():
    done = run("extract", str(SEED))
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["policy"]["number"] == "CMM-204"


def test_text_is_what_evidence_indexes():
    text = run("text", str(SEED)).stdout[:-1]  # the command ends its output with one newline
    record = json.loads(run("extract", str(SEED)).stdout)
    evidence = record["codes"][0]["evidence"]
    assert text[evidence["start"] : evidence["end"]] == evidence["text"]


def test_schema_command():
    done = run("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"].startswith("policy-record")


@pytest.mark.parametrize(
    "make_input, message",
    [
        pytest.param(lambda tmp: tmp / "missing.pdf", "no such file", id="missing-path"),
        pytest.param(lambda tmp: tmp, "is a directory", id="directory"),
        pytest.param(lambda tmp: _write(tmp / "empty.txt", b""), "empty file", id="empty-file"),
        pytest.param(lambda tmp: _write(tmp / "junk.txt", os.urandom(4096)), "binary", id="binary-junk-txt"),
        pytest.param(lambda tmp: _write(tmp / "junk.pdf", b"%PDF-1.7\n" + os.urandom(4096)), "PDF", id="binary-junk-pdf"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, make_input, message):
    done = run("extract", str(make_input(tmp_path)))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_extract_does_not_import_prefect():
    probe = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write('\\nprefect loaded' if 'prefect' in sys.modules else ''));"
        "from flows.cli import main; sys.argv = ['policy-pipeline', 'extract', sys.argv[1]]; main()"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(SEED)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "prefect loaded" not in done.stderr
