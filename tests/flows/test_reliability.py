"""Ingestion as a process that dies, races and meets hostile names: SIGKILL at many points then a
re-run, two runs at once on one feed, byte-identical output across runs, paths that stay inside --out.

The killed and racing runs are subprocesses in their own process group (killed as a group, so a flow
process never leaves a Prefect server behind); the CLI ones talk to the session's Prefect harness
through PREFECT_API_URL. A run that was killed and re-run must end with exactly the feed an
uninterrupted run makes (`reference`): same record bytes, same index, same events but for run ids.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.discover import discover
from flows.engine import ingest_refs
from tests.hostile import POLICY, _image_only_pdf, _pdf, policy_set, read_feed

ROOT = Path(__file__).resolve().parents[2]
N_DOCS = 60  # distinct policies: each is one "new" event
BATCH = 3  # small batches: many commits, so many points to die at
TIMEOUT = 300  # generous: CI is a loaded 2-core machine

# The ingestion loop without Prefect, made to SIGKILL its own process group at the k-th call of one
# of the store's writing steps (the steps' own code runs, as far as the step says).
ENGINE = r"""
import itertools, os, signal, sys
import flows.store as store
from flows.discover import discover
from flows.engine import ingest_refs

src, out, mode, k, limit, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
calls = 0

def nth():
    global calls
    calls += 1
    return calls == k

def die():
    os.killpg(0, signal.SIGKILL)

real_write, real_append, real_index = store.atomic_write, store.append_lines, store.Feed._write_index

def atomic_write(path, data):
    if "records" in path.parts and nth():
        if mode == "record-half-written":
            with store.atomic_writer(path) as handle:
                handle.write(data[: len(data) // 2]); handle.flush(); os.fsync(handle.fileno()); die()
        real_write(path, data)
        die()  # "record-written-state-not-committed"
    real_write(path, data)

def append_lines(path, lines):
    if lines and nth():
        if mode == "torn-log-line":
            data = b"".join(lines)
            with open(path, "ab") as handle:
                handle.write(data[: len(data) // 2]); handle.flush(); os.fsync(handle.fileno())
        die()  # "state-committed-log-not-appended" dies before writing
    real_append(path, lines)

def write_index(self, handle):
    if nth():
        import io
        buffer = io.BytesIO(); real_index(self, buffer); data = buffer.getvalue()
        handle.write(data[: len(data) // 2]); handle.flush(); os.fsync(handle.fileno()); die()
    real_index(self, handle)

if mode in ("record-half-written", "record-written-state-not-committed"):
    store.atomic_write = atomic_write
elif mode in ("torn-log-line", "state-committed-log-not-appended"):
    store.append_lines = append_lines
elif mode == "index-half-written":
    store.Feed._write_index = write_index
refs = discover(src, exclude=[out])
ingest_refs(itertools.islice(refs, limit) if limit else refs, out, batch_size=batch)
"""


# ---------------------------------------------------------------- helpers


def _env(api_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["POLICY_PIPELINE_DEBUG"] = ""
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def start(args: list[str], *, env: dict, logs: Path) -> subprocess.Popen:
    """A subprocess in its own process group (session), output to files (no pipe can fill up)."""
    logs.mkdir(parents=True, exist_ok=True)
    n = len(list(logs.glob("*.out")))
    paths = (logs / f"{n}.out", logs / f"{n}.err")
    with open(paths[0], "wb") as stdout, open(paths[1], "wb") as stderr:
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, start_new_session=True, stdout=stdout, stderr=stderr)
    proc.log_paths = paths
    return proc


def engine(src: Path, out: Path, logs: Path, *, mode: str = "none", k: int = 0, limit: int = 0) -> subprocess.Popen:
    return start(["-c", ENGINE, str(src), str(out), mode, str(k), str(limit), str(BATCH)], env=_env(), logs=logs)


def cli(api_url: str, logs: Path, *args: str) -> subprocess.Popen:
    return start(["-c", "from flows.cli import main; main()", *args], env=_env(api_url), logs=logs)


def output(proc: subprocess.Popen) -> tuple[str, str]:
    return tuple(path.read_text(errors="replace") for path in proc.log_paths)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    try:
        code = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise AssertionError(f"{proc.args[:3]} did not finish in {TIMEOUT} s: {output(proc)}") from None
    return (code, *output(proc))


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def log_lines(out: Path) -> int:
    try:
        return (out / "changes.jsonl").read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def wait_until(condition, proc: subprocess.Popen, *, what: str) -> bool:
    """Poll `condition` every 5 ms; False when the process ended first."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return condition()
        time.sleep(0.005)
    kill_group(proc)
    raise AssertionError(f"timed out waiting for {what}")


def strip_run(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in ("run_id", "at")} for e in events]


def feed_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".pipeline" not in p.relative_to(out).parts}


def assert_same_feed(out: Path, reference: Path) -> None:
    """The feed equals the uninterrupted reference: every record and view byte for byte, every event
    but for its run id and time."""
    got, want = feed_bytes(out), feed_bytes(reference)
    assert sorted(got) == sorted(want)
    for name in want:
        if name != "changes.jsonl":
            assert got[name] == want[name], name
    assert strip_run(read_feed(out).events) == strip_run(read_feed(reference).events)


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    """N_DOCS distinct policies and the feed an uninterrupted run makes of them."""
    src = tmp_path_factory.mktemp("policies")
    policy_set(src, N_DOCS)
    reference = tmp_path_factory.mktemp("reference") / "out"
    summary = ingest_refs(discover(src), str(reference), batch_size=BATCH).summary
    assert (summary.new, summary.failed) == (N_DOCS, 0)
    view = read_feed(reference)
    assert len(view.events) == len(view.records) == len(view.index["policies"]) == N_DOCS
    assert {e["kind"] for e in view.events} == {"new"}
    assert sorted(r["source"]["uri"] for r in view.records.values()) == sorted(p.as_posix() for p in src.iterdir())
    return src, reference


# ---------------------------------------------------------------- SIGKILL, then a re-run


KILLS = [
    # (id, how, k): engine modes die inside a store step at its k-th call; "random" and "cli-*" are killed from outside
    ("record-half-written", "engine", 10),
    ("record-written-state-not-committed", "engine", 29),
    ("state-committed-log-not-appended", "engine", 6),
    ("torn-log-line", "engine", 13),
    ("index-half-written", "engine", 1),
    ("random-delays", "random", 3),
    ("cli-after-first-events", "cli", 1),
    ("cli-mid-run", "cli", N_DOCS // 2),
]


@pytest.mark.parametrize("mode, how, k", [pytest.param(*kill, id=kill[0]) for kill in KILLS])
def test_sigkill_then_rerun_leaves_a_whole_feed(request, policies, tmp_path, mode, how, k):
    src, reference = policies
    out, logs = tmp_path / "out", tmp_path / "logs"
    api_url = request.getfixturevalue("prefect_harness") if how == "cli" else None

    if how == "engine":
        if mode == "index-half-written":  # a previous complete run, so there is an index.json to keep
            assert finish(engine(src, out, logs, limit=N_DOCS // 2))[0] == 0
        proc = engine(src, out, logs, mode=mode, k=k)
        code, _, err = finish(proc)
        assert code == -signal.SIGKILL, err
        killed = 1
    elif how == "cli":
        proc = cli(api_url, logs, "ingest", str(src), "--out", str(out), "--batch-size", str(BATCH), "--no-progress")
        assert wait_until(lambda: log_lines(out) >= k, proc, what=f"{k} change events"), output(proc)
        kill_group(proc)
        assert proc.returncode == -signal.SIGKILL
        output(proc)
        killed = 1
    else:  # several runs, each killed at a random moment after it wrote its first events
        rng, killed = random.Random(k), 0
        for _ in range(k):
            before = log_lines(out)
            proc = engine(src, out, logs)
            if wait_until(lambda: log_lines(out) > before, proc, what="a first change event"):
                time.sleep(rng.uniform(0, 0.4))
            kill_group(proc)
            killed += proc.returncode == -signal.SIGKILL
            output(proc)
        assert killed >= 1

    # What a reader sees right after the kill: whole JSON files and a gapless log (a torn last line is skipped).
    crashed = read_feed(out, settled=False)
    assert len(crashed.events) <= N_DOCS
    if mode == "record-half-written":
        assert crashed.temp_files  # the half-written record stayed a temp file that no reader takes for a record
    if mode == "torn-log-line":
        assert crashed.torn_tail
    if mode == "index-half-written":
        assert crashed.index["last_seq"] == N_DOCS // 2 and len(crashed.events) == N_DOCS  # the old index, whole

    # The re-run completes and repairs everything.
    if how == "cli":
        code, stdout, err = finish(cli(api_url, logs, "ingest", str(src), "--out", str(out), "--batch-size", str(BATCH),
                                       "--no-progress", "--json"))
        assert code == 0, err
        summary = json.loads(stdout)
    else:
        summary = ingest_refs(discover(src), str(out), batch_size=BATCH).summary.model_dump()
    assert summary["discovered"] == N_DOCS and summary["failed"] == summary["duplicate"] == 0
    assert summary["new"] + summary["updated"] + summary["unchanged"] == N_DOCS
    view = read_feed(out)  # settled: no temp file, no torn line, index at the end of the log
    assert [e["kind"] for e in view.events] == ["new"] * N_DOCS
    assert len({e["record_id"] for e in view.events}) == N_DOCS  # every document exactly once
    assert sorted(r["source"]["uri"] for r in view.records.values()) == sorted(p.as_posix() for p in src.iterdir())
    assert view.quarantine["entries"] == []
    assert_same_feed(out, reference)


# ---------------------------------------------------------------- two runs at once


@pytest.mark.parametrize("lock_timeout", [pytest.param(t, id=f"{i}-lock-timeout-{t}") for i, t in
                                          enumerate(["300", "300", "300", "0", "0"], start=1)])
def test_two_runs_at_once_are_serialized_by_the_lock(prefect_harness, policies, tmp_path, lock_timeout):
    src, reference = policies
    out, logs = tmp_path / "out", tmp_path / "logs"
    args = ("ingest", str(src), "--out", str(out), "--batch-size", str(BATCH), "--lock-timeout", lock_timeout,
            "--no-progress", "--json")
    runs = [finish(p) for p in [cli(prefect_harness, logs, *args), cli(prefect_harness, logs, *args)]]

    summaries = []
    for code, stdout, err in runs:
        if code == 4:  # the second stopped: one clear line after the server's, nothing else
            assert lock_timeout == "0", err
            server, line = err.strip().splitlines()
            assert server == f"policy-pipeline: using the Prefect server at PREFECT_API_URL ({prefect_harness})", err
            assert line.startswith("policy-pipeline: ") and "another ingestion run holds the lock" in line, err
            assert "--lock-timeout" in line and not stdout.strip()
        else:
            assert code == 0, err
            summaries.append(json.loads(stdout))
    assert summaries, runs
    first = next(s for s in summaries if s["new"])  # the run that got the lock first wrote everything
    assert (first["new"], first["unchanged"], first["failed"]) == (N_DOCS, 0, 0)
    for other in summaries:
        if other is not first:  # it waited for the lock (or came later): it found everything done
            assert (other["new"], other["unchanged"], other["failed"]) == (0, N_DOCS, 0)
            assert other["finished_at"] >= first["finished_at"]
    overlapped = len(summaries) == 1 or any(s is not first and s["started_at"] < first["finished_at"] for s in summaries)
    print(f"exit statuses {sorted(r[0] for r in runs)}, the runs overlapped: {overlapped}")
    view = read_feed(out)
    assert {e["run_id"] for e in view.events} == {first["run_id"]}  # never interleaved
    assert_same_feed(out, reference)


# ---------------------------------------------------------------- determinism


@pytest.fixture(scope="module")
def mixed_source(tmp_path_factory):
    """Seeds, generated policies, HTML, a PDF, a scan, a duplicate, broken and hostile-named files."""
    src = tmp_path_factory.mktemp("mixed")
    policy_set(src, 20)
    for path in sorted((ROOT / "raw_documents").glob("*.txt")):
        (src / path.name).write_bytes(path.read_bytes())
    policy = POLICY.format(title="Prolotherapy", number="CMM-204")
    (src / "page.html").write_text(f"<html><script>x()</script><body><p>{policy.replace(chr(10), '</p><p>')}</p></body></html>")
    (src / "printed.pdf").write_bytes(_pdf(policy.split("\n\n")))
    (src / "scan.pdf").write_bytes(_image_only_pdf(policy))
    (src / "copy of 000.txt").write_bytes((ROOT / "raw_documents" / "000_28171920f14a321b.txt").read_bytes())
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    (src / "traversal.txt").write_text(POLICY.format(title="../../etc/passwd", number="../../etc/passwd"))
    return src


def test_two_runs_give_byte_identical_records_and_views(prefect_harness, mixed_source, tmp_path):
    from flows.ingest import ingest_flow

    a, b = tmp_path / "a", tmp_path / "b"
    first = ingest_flow(source=str(mixed_source), out=str(a), batch_size=1)
    second = ingest_flow(source=str(mixed_source), out=str(b), batch_size=25, window=4)
    counts = lambda s: {k: s[k] for k in ("discovered", "new", "duplicate", "failed")}  # noqa: E731
    assert counts(first) == counts(second) and first["duplicate"] == 1
    assert first["failed"] == 1 + (shutil.which("tesseract") is None)  # broken.pdf (and the scan without OCR)
    files_a, files_b = feed_bytes(a), feed_bytes(b)
    assert sorted(files_a) == sorted(files_b)
    for name in files_a:
        if name != "changes.jsonl":
            assert files_a[name] == files_b[name], name  # records, index.json and quarantine.json
    events_a, events_b = read_feed(a).events, read_feed(b).events
    assert strip_run(events_a) == strip_run(events_b)  # the log differs only in run ids and times
    for name, data in files_a.items():
        if name.startswith("records/"):  # run-specific values live outside the record
            assert first["run_id"].encode() not in data and first["started_at"][:16].encode() not in data

    mtimes = {p: p.stat().st_mtime_ns for p in a.rglob("*.json")}
    forced = ingest_flow(source=str(mixed_source), out=str(a), force=True)
    assert forced["events"] == {} and forced["new"] == forced["updated"] == 0
    assert {p: p.stat().st_mtime_ns for p in a.rglob("*.json")} == mtimes  # nothing rewritten


# ---------------------------------------------------------------- paths stay inside --out


HOSTILE_NAMES = [
    ("../../etc/passwd", "../../etc/passwd"),
    ("AB/12\\34", "A/B\\C"),
    ("X\x00-1", "Pro\x00lo"),
    ("N" * 300, "Very long title " * 40),
    ("ПОЛ-123", "Prolothérapie 治疗 🙂"),
    ("/abs/path", "/abs/path"),
    ("..", ".."),
    ("C:\\Windows\\system32", "C:\\Windows"),
    ("%2e%2e%2f", "~root"),
    ("CON", "NUL"),
]


def tree(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if not p.is_relative_to(skip) and not p.is_symlink()}


def test_hostile_numbers_and_titles_stay_inside_out(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    src, out = tmp_path / "src", tmp_path / "deep" / "out"
    src.mkdir()
    for i, (number, title) in enumerate(HOSTILE_NAMES):
        (src / f"{i:02d}.txt").write_text(POLICY.format(number=number, title=title), encoding="utf-8")
    before = tree(tmp_path, out)
    summary = ingest_flow(source=str(src), out=str(out))
    assert (summary["new"], summary["failed"]) == (len(HOSTILE_NAMES), 0)
    assert tree(tmp_path, out) == {**before, "deep": tree(tmp_path, out)["deep"]}  # nothing new beside out
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["out"]
    view = read_feed(out)  # every record under records/<slug>/<slug>/<record_id>.json, inside out
    assert len(view.records) == len(HOSTILE_NAMES)
    titles = {r["policy"]["title"] for r in view.records.values()}
    assert "../../etc/passwd" in titles and "A/B\\C" in titles  # the hostile strings did reach the store
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payer=st.text(max_size=120), number=st.one_of(st.none(), st.text(max_size=300)), title=st.one_of(st.none(), st.text(max_size=300)),
       uri=st.text(max_size=100))
def test_any_printed_name_gives_a_slug_path_inside_the_feed(tmp_path_factory, payer, number, title, uri):
    """Whatever a policy prints as payer, number or title: the record path is slugs and stays inside."""
    from flows.files import policy_key, record_relpath, safe_path

    record = _base_record()
    record = record.model_copy(update={
        "payer": record.payer.model_copy(update={"name": payer}),
        "policy": record.policy.model_copy(update={"number": number, "title": title}),
        "source": record.source.model_copy(update={"uri": uri}),
    })
    root = _feed_root(tmp_path_factory)
    relpath = record_relpath(record)
    path = safe_path(root, *relpath.split("/"))  # raises for anything unsafe
    assert path.resolve().is_relative_to(root.resolve()) and len(path.name) < 255
    assert all(part and len(part) <= 80 for part in policy_key(record).split("/"))


_cache: dict = {}


def _base_record():
    if "record" not in _cache:
        from extractors.pipeline import extract_bytes

        _cache["record"] = extract_bytes(POLICY.format(title="T", number="N-1").encode(), uri="base.txt")
    return _cache["record"]


def _feed_root(factory) -> Path:
    if "root" not in _cache:
        _cache["root"] = factory.mktemp("slug-root")
    return _cache["root"]


# ---------------------------------------------------------------- input is parsed, never executed


def test_input_is_parsed_never_executed_or_unpickled():
    """No code path of the pipeline evaluates, executes or unpickles anything: no eval/exec/compile,
    no pickle-like modules, YAML only through safe_load, no shell."""
    import ast

    unsafe_modules = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
    found = []
    for path in sorted((ROOT / "extractors").rglob("*.py")) + sorted((ROOT / "flows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{where} imports {n}" for n in names if n.split(".")[0] in unsafe_modules]
            elif isinstance(node, ast.Call):
                function = node.func
                if isinstance(function, ast.Name) and function.id in {"eval", "exec", "compile", "__import__"}:
                    found.append(f"{where} calls {function.id}")
                if isinstance(function, ast.Attribute) and function.attr in {"load", "unsafe_load", "full_load", "load_all"} \
                        and isinstance(function.value, ast.Name) and function.value.id == "yaml":
                    found.append(f"{where} calls yaml.{function.attr}")
                if isinstance(function, ast.Attribute) and function.attr == "system" and getattr(function.value, "id", "") == "os":
                    found.append(f"{where} calls os.system")
                if any(k.arg == "shell" and getattr(k.value, "value", False) is True for k in node.keywords):
                    found.append(f"{where} runs a shell")
    assert found == []
