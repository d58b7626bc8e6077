"""The static site at scale: time to build it from the feed of the 10,000-document benchmark corpus
(target < 60 s) and time for its index page to become usable in headless Chromium (target < 2 s).

    python benchmarks/report.py [--count 10000] [--seed 7] [--workdir DIR] [--jobs 2] [--wait-idle 300]

The corpus (benchmarks/corpus.py) and its feed are made once and kept under --workdir (default: a
folder in the system's temp dir named after count and seed), so a second run times the site alone.
The feed is ingested with the library (flows.engine.ingest_refs) on `--jobs` processes: not timed.

Timed: `build_site` into a new folder (every page rendered and written), then again into the same
folder (nothing changed: pages rendered, none written); the export to DuckDB and to Parquet, then
again (nothing written). In Chromium (Debian's chromium + chromium-driver): from navigation to the
index's first page of rows (`window.siteTable.readyAt`, ms since navigation start), and one filter
round trip (typing a payer's name into the search box until the row count changes).
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def _extract_batch(args):
    from flows.engine import extract_batch

    refs, limits = args
    return extract_batch(refs, limits)


def process_runner(jobs: int):
    """A batch runner for ingest_refs on `jobs` worker processes, results in submission order."""

    def run(batches, limits):
        with ProcessPoolExecutor(jobs) as pool:
            yield from pool.map(_extract_batch, ((batch, limits) for batch in batches))

    return run


def prepare_feed(work: Path, count: int, seed: int, jobs: int) -> tuple[Path, float]:
    """The corpus and its feed under `work`, made once; returns the feed folder and seconds spent now."""
    import corpus
    from flows.discover import discover
    from flows.engine import ingest_refs

    started = time.perf_counter()
    source, feed = work / "corpus", work / "feed"
    done = work / "feed.done"
    if not done.exists():
        if not (work / "corpus.done").exists():
            shutil.rmtree(source, ignore_errors=True)
            kinds = corpus.generate(source, count, seed=seed, jobs=jobs)
            (work / "corpus.done").write_text(repr(kinds))
            print(f"corpus: {count} documents {kinds} generated in {time.perf_counter() - started:.0f} s", flush=True)
        shutil.rmtree(feed, ignore_errors=True)
        began = time.perf_counter()
        summary = ingest_refs(discover(source), str(feed), batch_size=25, runner=process_runner(jobs)).summary
        done.write_text(summary.model_dump_json())
        print(f"feed: {summary.new} new, {summary.updated} updated, {summary.failed} failed in "
              f"{time.perf_counter() - began:.0f} s ({jobs} processes)", flush=True)
    return feed, time.perf_counter() - started


def timed(call):
    """(result, wall seconds, CPU seconds of this process and its finished children: the page renderers)."""
    before, started = os.times(), time.perf_counter()
    result = call()
    after = os.times()
    cpu = sum(after[:4]) - sum(before[:4])
    return result, time.perf_counter() - started, cpu


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all programs), to tell what others took meanwhile."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "steal", 0.0)


def browser_figures(site: Path) -> dict:
    """Milliseconds from navigation to the index's first rows, and for one filter round trip."""
    from tests.browser import chromium_driver

    with chromium_driver() as driver:
        driver.get((site / "index.html").as_uri())
        ready = _wait(driver, "return window.siteTable && window.siteTable.readyAt")
        total = driver.execute_script("return window.siteTable.count()")
        payer = driver.execute_script("return window.siteTable.rows()[0].payer")
        started = time.perf_counter()
        box = driver.find_element("id", "filter-text")
        box.send_keys(payer or "x")
        _wait(driver, f"return window.siteTable.count() !== {total} ? window.siteTable.count() : null")
        filtered_ms = (time.perf_counter() - started) * 1000
        timing = driver.execute_script("return performance.getEntriesByType('navigation')[0].toJSON()")
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return {"ready_ms": ready, "filter_ms": filtered_ms, "rows": total, "load_event_ms": timing.get("loadEventEnd"),
            "console_errors": len(errors)}


def _wait(driver, script: str, limit: float = 120.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.01)
    raise SystemExit(f"report benchmark: the page did not answer {script!r} within {limit:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for making the corpus and feed")
    parser.add_argument("--workdir", type=Path, default=None, help="where the corpus, feed and site go (kept)")
    parser.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                        help="wait up to this long for other programs to leave the cores idle before timing (the machine may be shared)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.gettempdir()) / f"policy-report-bench-{args.count}-{args.seed}"
    if work.resolve().is_relative_to(ROOT):
        sys.exit(f"--workdir {work}: corpora and feeds stay out of the repository")
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DO_NOT_TRACK", "1")

    feed, prepared = prepare_feed(work, args.count, args.seed, args.jobs)
    from flows.export import export_feed
    from flows.report import build_site

    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    if args.wait_idle:
        import scale

        waited = scale.wait_until_idle(args.wait_idle)
        print(f"(waited {waited:.0f} s for other programs to leave the cores idle)", flush=True)
    busy_before = _machine_busy()
    first, build_s, build_cpu = timed(lambda: build_site(feed, site))
    others = _machine_busy() - busy_before - build_cpu
    again, rebuild_s, rebuild_cpu = timed(lambda: build_site(feed, site))
    size_mb = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    for target in (work / "feed.duckdb", work / "parquet"):
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    duck, duck_s, _ = timed(lambda: export_feed(feed, work / "feed.duckdb"))
    duck_again, duck_again_s, _ = timed(lambda: export_feed(feed, work / "feed.duckdb"))
    parquet, parquet_s, _ = timed(lambda: export_feed(feed, work / "parquet"))
    parquet_again, parquet_again_s, _ = timed(lambda: export_feed(feed, work / "parquet"))

    print(f"report benchmark: {os.cpu_count()} cores ({platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}); corpus of {args.count} documents, seed {args.seed}; feed ready "
          f"({prepared:.0f} s spent on it now, not timed)")
    print(f"site: {first.policies} policies, {first.revisions} revisions, {first.codes} code pages, {first.events} change "
          f"events; {first.pages} files, {size_mb:.0f} MB")
    print(f"  build, new folder          {build_s:7.1f} s   (target < 60 s: {'met' if build_s < 60 else 'MISSED'}); "
          f"{build_cpu:.0f} CPU s (this process and its page renderers); other programs took {max(others, 0):.0f} CPU s meanwhile")
    print(f"  build again, nothing new   {rebuild_s:7.1f} s   ({again.written} files written; {rebuild_cpu:.0f} CPU s)")
    print(f"export: DuckDB {duck_s:.1f} s ({duck.rows} rows), again {duck_again_s:.1f} s ({duck_again.rows} rows written); "
          f"Parquet {parquet_s:.1f} s, again {parquet_again_s:.1f} s ({parquet_again.rows} rows written)")
    try:
        figures = browser_figures(site)
    except Exception as error:  # no Chromium here: the build figures still stand
        print(f"browser: not measured ({type(error).__name__}: {error})".splitlines()[0])
        return
    print(f"browser (headless Chromium): index usable after {figures['ready_ms']:.0f} ms "
          f"(target < 2000 ms: {'met' if figures['ready_ms'] < 2000 else 'MISSED'}), load event at "
          f"{figures['load_event_ms']:.0f} ms; {figures['rows']} rows; a filter round trip {figures['filter_ms']:.0f} ms; "
          f"console errors: {figures['console_errors']}")


if __name__ == "__main__":
    main()
