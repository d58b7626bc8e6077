"""Ingestion wall time: the Prefect flow next to the library called directly on the same documents.

Generates N distinct documents from the seeds (policy numbers, titles and dates varied per copy), then:
  library   flows.engine.ingest_refs in this process, no Prefect (serial)
  prefect   flows.ingest.ingest_flow (thread runner, batches as tasks) on Prefect's temporary server,
            started beforehand by a warm-up flow so its start (7-16 s) is not counted
and prints both wall times and the overhead (target: Prefect adds under 10 %). Then re-runs over the
same documents unchanged and with 1 % of them changed (target: < 5 % of the full run), and optionally
the Dask runner. Prints figures, asserts nothing.
Run: python benchmarks/ingest.py [--count 1000] [--batch-size 25] [--dask]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# e.g. "CMM-204", "02.01.18": the seeds' policy numbers, replaced per copy
NUMBERS = re.compile(r"\bCMM-204\b|\b02\.01\.18\b")
YEARS = re.compile(r"\b(20[12]\d)\b")  # e.g. "2023" in "May 31, 2023"
TITLE = re.compile(r"\bProlotherapy\b")  # e.g. the seeds' shared title word


def generate(folder: Path, count: int) -> None:
    seeds = sorted((ROOT / "raw_documents").glob("*.txt"))  # the text seeds (the PDFs are not varied here)
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    for i in range(count):
        text = texts[i % len(texts)]
        text = NUMBERS.sub(lambda m: f"BEN-{i:05d}" if m.group(0).startswith("CMM") else f"{i // 100:02d}.{i % 100:02d}.18", text)
        text = YEARS.sub(lambda m: str(2000 + (int(m.group(1)) - 2000 + i) % 26), text)
        text = TITLE.sub(f"Prolotherapy Variant {i}", text, count=3)
        (folder / f"{i:05d}_{seeds[i % len(seeds)].stem}.txt").write_text(text, encoding="utf-8")


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def same_records(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in (a / "records").rglob("*.json"))
    files_b = sorted(p.relative_to(b) for p in (b / "records").rglob("*.json"))
    return files_a == files_b and all((a / p).read_bytes() == (b / p).read_bytes() for p in files_a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2, help="full runs of each, alternating; the best is reported")
    parser.add_argument("--dask", action="store_true", help="also time --task-runner dask (local cluster, 2 workers)")
    args = parser.parse_args()

    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="bench-prefect-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")

    from extractors.pipeline import extract_file
    from flows.discover import discover
    from flows.engine import ingest_refs

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        source = work / "docs"
        source.mkdir()
        generate(source, args.count)
        extract_file(next(source.iterdir()))  # warm up: spaCy pipeline, code-set cache

        from prefect import flow

        from flows.ingest import flow_with_runner, ingest_flow

        @flow(name="warm-up")
        def warm_up() -> None:
            return None

        server_s, _ = timed(warm_up)  # starts the temporary server (when PREFECT_API_URL is unset)
        library_times, prefect_times = [], []
        for round_ in range(args.rounds):  # alternate, fresh folders, best of: this machine's noise is large
            for out in (work / "library", work / "prefect"):
                shutil.rmtree(out, ignore_errors=True)
            seconds, library = timed(lambda: ingest_refs(discover(source), str(work / "library"), batch_size=args.batch_size))
            library_times.append(seconds)
            seconds, summary = timed(lambda: ingest_flow(source=str(source), out=str(work / "prefect"), batch_size=args.batch_size))
            prefect_times.append(seconds)
        library_s, prefect_s = min(library_times), min(prefect_times)
        identical = same_records(work / "library", work / "prefect")
        print(f"documents: {args.count} (generated from the seeds)  batch size: {args.batch_size}  cores: {os.cpu_count()}  "
              f"best of {args.rounds} rounds")
        print(f"library, no Prefect:         {library_s:8.2f} s  ({args.count / library_s:6.1f} docs/s)  new={library.summary.new}  "
              f"all: {' '.join(f'{t:.1f}' for t in library_times)}")
        print(f"Prefect flow (thread):       {prefect_s:8.2f} s  ({args.count / prefect_s:6.1f} docs/s)  new={summary['new']}  "
              f"all: {' '.join(f'{t:.1f}' for t in prefect_times)}")
        print(f"Prefect overhead:            {100 * (prefect_s - library_s) / library_s:+8.1f} %  (target < 10 %; "
              f"temporary server start {server_s:.1f} s not counted)")
        print(f"records byte-identical, library vs flow: {identical}")
        if args.dask:
            dask_s, dask = timed(lambda: flow_with_runner("dask", workers=2)(
                source=str(source), out=str(work / "dask"), batch_size=args.batch_size, window=4))
            print(f"Prefect flow (dask, 2 workers): {dask_s:5.2f} s  ({args.count / dask_s:6.1f} docs/s)  new={dask['new']}  "
                  f"identical: {same_records(work / 'library', work / 'dask')}")

        unchanged_s, unchanged = timed(lambda: ingest_flow(source=str(source), out=str(work / "prefect"), batch_size=args.batch_size))
        print(f"re-run, nothing changed:     {unchanged_s:8.2f} s  ({100 * unchanged_s / prefect_s:.1f} % of the full run)  "
              f"unchanged={unchanged['unchanged']}")
        changed = sorted(source.iterdir())[::100][: max(1, args.count // 100)]
        for path in changed:
            path.write_text(path.read_text(encoding="utf-8") + "\nReviewed again with no change.\n", encoding="utf-8")
        one_pct_s, one_pct = timed(lambda: ingest_flow(source=str(source), out=str(work / "prefect"), batch_size=args.batch_size))
        print(f"re-run, 1 % changed:         {one_pct_s:8.2f} s  ({100 * one_pct_s / prefect_s:.1f} % of the full run; target < 5 %)  "
              f"updated={one_pct['updated']} unchanged={one_pct['unchanged']}")
        lib_pct_s, lib_pct = timed(lambda: ingest_refs(discover(source), str(work / "library"), batch_size=args.batch_size))
        print(f"  same, library:             {lib_pct_s:8.2f} s  ({100 * lib_pct_s / library_s:.1f} % of its full run)  "
              f"updated={lib_pct.summary.updated}  (the flow's floor is ~1 s: Prefect joins its heartbeat thread at exit)")
        print(f"peak RSS of this process:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
