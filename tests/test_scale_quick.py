"""The scale benchmark runs end to end in its tiny mode: corpus generation, a temporary Prefect server,
thread and Dask runs, the incremental re-run, and the table of figures (which it prints, never asserts).

The figures themselves are not checked here (speed targets are read from benchmarks/, never timed in
tests); this only keeps `python benchmarks/scale.py` working, on a workload of seconds (10 and 100
documents; the fixed costs, a Prefect server, two Dask clusters and a process per run, make it about
1 min on a quiet 2-core machine). The guard against a hang is far above that: CI has its own limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


HANG_GUARD = 1800  # seconds


@pytest.mark.slow
def test_scale_tiny_prints_the_table(tmp_path):
    env = {
        **os.environ,
        "PREFECT_HOME": tempfile.mkdtemp(prefix="scale-tiny-prefect-"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    }
    env.pop("PREFECT_API_URL", None)  # the benchmark starts (and stops) its own server
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--tiny", "--workdir", str(tmp_path / "work")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the benchmark, its runs and its Prefect server
        process.communicate()
        pytest.fail(f"benchmarks/scale.py --tiny did not finish in {HANG_GUARD} s: a hang")
    assert process.returncode == 0, err[-3000:]
    for line in ("cores", "ingest (thread runner)", "re-run, nothing changed", "changed (1 %)", "dask, 1 worker",
                 "dask, 2 workers", f"targets ({os.cpu_count()} cores)", "documents/s at 100 vs 10",
                 "peak RSS at 100 vs 10", "1 % changed re-run", "Dask 2 workers vs 1"):
        assert line in out, f"{line!r} missing from:\n{out}"


@pytest.mark.parametrize("kind", [pytest.param("txt", id="text"), pytest.param("pdf", id="printed-pdf"),
                                  pytest.param("real", id="real-pdf-copy")])
def test_corpus_is_deterministic_varied_and_revisable(kind):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import corpus

    mix = {kind: 1.0}
    first, again, other = corpus.document(3, mix=mix), corpus.document(3, mix=mix), corpus.document(4, mix=mix)
    assert first.kind == kind and first.data == again.data  # the same seed and index give the same bytes
    assert first.data != other.data
    assert corpus.document(3, mix=mix, revision=1).data != first.data
    assert corpus.document(3, seed=8, mix=mix).data != first.data
    tally = corpus.check(4, mix=mix)
    assert tally["failed"] == 0 and tally["number"] == 4  # the generated numbers are printed and read back
