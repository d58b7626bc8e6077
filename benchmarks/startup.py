"""What a command costs a person who runs it by hand: wall time of whole `policy-pipeline` processes,
Prefect's start included, next to the same work without Prefect.

    python benchmarks/startup.py [--rounds 3] [--seed raw_documents/000_28171920f14a321b.txt] [--no-temporary]

Measured, each as the median of --rounds runs (the fastest in brackets), rounds interleaved so that a
neighbour's load falls on every row alike:
  extract SEED                          `policy-pipeline extract SEED` (no Prefect)
  reextract SEED, temporary server      `policy-pipeline reextract SEED --out NEW` with no server up: Prefect
                                        starts its temporary server (an existing PREFECT_HOME, as on a
                                        second run; the first run, which also creates the database, is
                                        a warm-up and not counted)
  reextract SEED, background server     the same with `policy-pipeline server start` up
  extract raw_documents, no Prefect     one Python process that extracts every document of raw_documents/
                                        with the library (interpreter start and imports included)
  ingest raw_documents, temporary/background server
                                        `policy-pipeline ingest raw_documents --out NEW`, both ways
and the ratio of each to its no-Prefect row (targets with the background server: reextract <= 3x
extract, ingest <= 3x the extraction). Everything lives in a temporary folder: the background server
of this run has its own folder (POLICY_PIPELINE_SERVER_HOME) and is stopped at the end; a server you
run yourself is not used or touched. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = str(Path(sys.executable).parent / "policy-pipeline")
EXTRACT_ALL = ("import sys\nfrom pathlib import Path\nfrom extractors.pipeline import extract_file\n"
               "for path in sorted(Path(sys.argv[1]).iterdir()):\n"
               "    if path.is_file() and not path.name.startswith(('.', 'README')):\n        extract_file(path)\n")


def timed(command: list[str], env: dict, *, what: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
        raise SystemExit(f"startup: {what} failed (exit {done.returncode})")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=Path, default=ROOT / "raw_documents" / "000_28171920f14a321b.txt")
    parser.add_argument("--source", type=Path, default=ROOT / "raw_documents")
    parser.add_argument("--no-temporary", action="store_true", help="skip the temporary-server rows (about 20 s a run)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="policy-startup-"))
    base = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH")}
    base.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(work / "prefect-home"))
    temporary = {**base, "POLICY_PIPELINE_SERVER_HOME": str(work / "no-server")}  # nothing recorded there: temporary
    background = {**base, "POLICY_PIPELINE_SERVER_HOME": str(work / "server")}
    outs = iter(range(10_000))

    def out() -> str:
        return str(work / f"out-{next(outs)}")

    rows: dict[str, list[float]] = {}
    commands = {
        "extract SEED": ([PROGRAM, "extract", str(args.seed)], base),
        "reextract SEED, background server": (lambda: [PROGRAM, "reextract", str(args.seed), "--out", out()], background),
        "extract raw_documents, no Prefect": ([sys.executable, "-c", EXTRACT_ALL, str(args.source)], base),
        "ingest raw_documents, background server": (lambda: [PROGRAM, "ingest", str(args.source), "--out", out()], background),
    }
    if not args.no_temporary:
        commands["reextract SEED, temporary server"] = (lambda: [PROGRAM, "reextract", str(args.seed), "--out", out()], temporary)
        commands["ingest raw_documents, temporary server"] = (lambda: [PROGRAM, "ingest", str(args.source), "--out", out()], temporary)
    try:
        started = time.perf_counter()
        done = subprocess.run([PROGRAM, "server", "start"], env=background, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"startup: the background server did not start: {done.stdout}{done.stderr}")
        server_start = time.perf_counter() - started
        for name, (command, env) in commands.items():  # warm-up: databases, OS caches; not counted
            timed(command() if callable(command) else command, env, what=name)
        load_before = os.getloadavg()
        for _ in range(args.rounds):
            for name, (command, env) in commands.items():
                rows.setdefault(name, []).append(timed(command() if callable(command) else command, env, what=name))
        load_after = os.getloadavg()
    finally:
        subprocess.run([PROGRAM, "server", "stop"], env=background, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    seed_docs = sum(1 for p in args.source.iterdir() if p.is_file() and not p.name.startswith((".", "README")))
    print(f"startup benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}; seed {args.seed.name}, "
          f"{seed_docs} documents in {args.source.name}/; median of {args.rounds} rounds (fastest in brackets)")
    print(f"load average (1 min) {load_before[0]:.1f} before the rounds, {load_after[0]:.1f} after; "
          f"background server started in {server_start:.1f} s (once, not counted)")
    print(f"{'command':<44}{'wall s':>16}{'ratio':>9}")
    order = ["extract SEED", "reextract SEED, temporary server", "reextract SEED, background server",
             "extract raw_documents, no Prefect", "ingest raw_documents, temporary server", "ingest raw_documents, background server"]
    medians = {name: statistics.median(times) for name, times in rows.items()}
    for name in order:
        if name not in rows:
            continue
        reference = "extract SEED" if "SEED" in name else "extract raw_documents, no Prefect"
        ratio = medians[name] / medians[reference]
        print(f"{name:<44}{medians[name]:>8.2f} ({min(rows[name]):5.2f}){ratio:>8.1f}x")
    for name, reference, label in (("reextract SEED, background server", "extract SEED", "reextract vs extract"),
                                   ("ingest raw_documents, background server", "extract raw_documents, no Prefect",
                                    "ingest vs extraction without Prefect")):
        ratio = medians[name] / medians[reference]
        fastest = min(rows[name]) / min(rows[reference])  # less moved by a neighbour's load
        print(f"target, background server: {label}: {ratio:.2f}x median, {fastest:.2f}x fastest (<= 3x): "
              f"{'met' if ratio <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
