"""How ingestion cost grows with the corpus: the Prefect flow over generated corpora of two sizes,
an incremental re-run with 1 % of the documents changed, and the Dask runner with 1 and 2 workers.

    python benchmarks/scale.py            # full: 1,000 and 10,000 documents, Dask on 1,000 (about 30 min on 2 cores)
    python benchmarks/scale.py --quick    # 100 and 300 documents, Dask on 100 (about 1.5 min)
    python benchmarks/scale.py --tiny     # CI keeps it runnable: 10 and 100 documents, Dask on 10 (seconds of work
                                          # after the fixed costs: a Prefect server, two Dask clusters, a process per run)

The corpus comes from benchmarks/corpus.py (deterministic from --seed) and goes to a temporary folder
(or --workdir); the small run ingests the first shard folder of the big corpus, so both sizes share
their first documents. One Prefect server is started first (not timed) and every run is a fresh
child process, so each run's peak RSS is its own:
  ingest N          the flow with its default thread runner into a new feed; wall time of the flow
                    call (imports and a one-document warm-up excluded), documents/s, peak RSS
  re-run            the big corpus again with nothing changed, then with 1 % of its documents
                    replaced by their next revision (the 1 % run's time against the full run's)
  dask, k workers   the small corpus on a local Dask cluster of k worker processes (started and
                    warmed up before the flow, as a long-lived cluster would be); peak RSS is the
                    flow process and the largest worker
Each run also reports the CPU seconds of the flow process, of the Dask workers and of the Prefect
server during the run, so a reader can see where the cores went. Prints figures, asserts nothing.
`--profile DIR` writes a cProfile of each run's flow process to DIR (the Dask workers are
summarized from their task stream instead).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

QUIET_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "DASK_LOGGING__DISTRIBUTED": "error",
}


# ---------------------------------------------------------------- one run, in a child process


def child(spec: dict) -> dict:
    """Run one measured ingestion as `spec` says; return the figures (printed as one JSON line)."""
    import cProfile

    import corpus
    from extractors.pipeline import extract_bytes
    from flows.ingest import flow_with_runner, ingest_flow

    extract_bytes(corpus.document(0, seed=spec["seed"]).data, uri="warm-up")  # spaCy pipeline, code sets
    result: dict = {"runs": []}
    cluster = client = None
    flow = ingest_flow
    workers_pids: list[int] = []
    if spec.get("workers"):
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        cluster = LocalCluster(n_workers=spec["workers"], threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        client.run(_warm_worker, spec["seed"])
        workers_pids = list(client.run(os.getpid).values())
        client.get_task_stream(start=time.time())  # the scheduler records task times from now on
        result["cluster_start"] = round(time.perf_counter() - started, 2)
        flow = flow_with_runner("dask", dask_address=cluster.scheduler_address)

    for step in spec["steps"]:
        if step.get("change"):
            count = corpus.change(spec["source"], step["change"], seed=spec["seed"], per_folder=spec["per_folder"])
            result["changed"] = count
            continue
        profiler = cProfile.Profile() if spec.get("profile") else None
        server = [spec["server_pid"]] if spec.get("server_pid") else []
        cpu_before, workers_before, server_before, machine_before = _cpu_self(), _cpu_of(workers_pids), _cpu_of(server), _machine()
        task_stream_start = time.time()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = flow(source=step["source"], out=step["out"], batch_size=spec["batch_size"], window=spec["window"])
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
        machine = [round(after - before, 2) for after, before in zip(_machine(), machine_before)]
        run = {
            "name": step["name"], "wall": round(wall, 3), "cpu_flow": round(_cpu_self() - cpu_before, 2),
            "cpu_workers": round(_cpu_of(workers_pids) - workers_before, 2) if workers_pids else None,
            "cpu_server": round(_cpu_of(server) - server_before, 2) if server else None,
            "cpu_machine": machine[0], "steal": machine[1],
            "discovered": summary["discovered"], "new": summary["new"], "updated": summary["updated"],
            "unchanged": summary["unchanged"], "duplicate": summary["duplicate"], "failed": summary["failed"],
        }
        if client is not None:
            run["tasks"] = _task_stream_summary(client, task_stream_start)
        if profiler:
            path = Path(spec["profile"]) / f"{step['name'].replace(' ', '_').replace(',', '')}.prof"
            profiler.dump_stats(path)
            run["profile"] = str(path)
        result["runs"].append(run)
    if client is not None:
        client.close()
        cluster.close()
    result["rss_flow_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the Dask workers, reaped by close()
    result["rss_worker_mb"] = round(children / 1024, 1) if workers_pids else None
    return result


def _warm_worker(seed: int) -> None:
    """Load what extraction and Prefect's task engine need once per worker, before the clock starts."""
    import flows.ingest  # noqa: F401
    import prefect.task_engine  # noqa: F401
    from extractors.pipeline import extract_bytes

    extract_bytes(b"Medical Policy: AB-100\nTitle: Warm-up\n\nThe service is considered not medically necessary.\n", uri="warm-up")


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def _machine() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy (all processes, all cores) and lost to the hypervisor."""
    import psutil

    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    steal = getattr(times, "steal", 0.0)
    return sum(times) - idle - steal - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0), steal


def _task_stream_summary(client, since: float) -> dict:
    """Tasks, their compute seconds and how busy the workers were, from the scheduler's task stream."""
    try:
        stream = client.get_task_stream(start=since)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    compute = [(s["start"], s["stop"]) for task in stream for s in task.get("startstops", ()) if s.get("action") == "compute"]
    if not compute:
        return {"tasks": 0}
    first, last = min(a for a, _ in compute), max(b for _, b in compute)
    busy = sum(b - a for a, b in compute)
    return {"tasks": len(compute), "compute_s": round(busy, 2), "first_to_last_s": round(last - first, 2),
            "mean_task_s": round(busy / len(compute), 3)}


# ---------------------------------------------------------------- the parent


def wait_until_idle(limit: float, *, busy_below: float = 0.25) -> float:
    """Wait (up to `limit` seconds) until other programs use under `busy_below` of a core over 3 s;
    returns the seconds waited. The machine may be shared: figures taken while something else runs
    are not comparable (each run also reports the CPU others took)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = _machine()[0]
        time.sleep(3)
        if (_machine()[0] - before) / 3 < busy_below:
            break
    return time.perf_counter() - started


def run_child(spec: dict, env: dict, *, server_pid: int | None, wait_idle: float = 0.0) -> dict:
    spec = {**spec, "server_pid": server_pid}
    if wait_idle:
        waited = wait_until_idle(wait_idle)
        if waited > 5:
            print(f"(waited {waited:.0f} s for other programs to leave the cores idle)", flush=True)
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"scale: the run {spec['steps'][0].get('name')} failed (exit {done.returncode})")
    result = json.loads(lines[-1][len("RESULT "):])
    for run in result["runs"]:  # CPU that other programs on the machine took during the run
        ours = run["cpu_flow"] + (run["cpu_workers"] or 0) + (run["cpu_server"] or 0)
        run["cpu_other"] = round(max(0.0, run["cpu_machine"] - ours), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpora (100 and 300 documents, Dask on 100)")
    parser.add_argument("--tiny", action="store_true", help="the least that runs every step, for CI (10 and 100 documents, Dask on 10)")
    parser.add_argument("--sizes", default=None, help="small,big corpus sizes (default 1000,10000; quick 100,300; tiny 10,100)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=None, help="documents per task for the thread runs (default 25, the CLI's)")
    parser.add_argument("--dask-batch-size", type=int, default=None, help="documents per Dask task (default 50; quick 10)")
    parser.add_argument("--dask-window", type=int, default=None, help="Dask batches in flight (default 4 per worker)")
    parser.add_argument("--dask-rounds", type=int, default=None, help="alternating rounds of 1 and 2 workers (default 2; quick 1)")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora and feeds go (default: a temporary folder, removed)")
    parser.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                        help="before each run, wait up to this long until other programs leave the cores idle")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of each run's flow process here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(json.loads(args.child))), flush=True)
        return

    small, big = (int(n) for n in (args.sizes or ("10,100" if args.tiny else "100,300" if args.quick else "1000,10000")).split(","))
    batch = args.batch_size or (5 if args.tiny else 25)
    dask_batch = args.dask_batch_size or (5 if args.tiny else 10 if args.quick else 50)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="policy-scale-"))
    if work.resolve().is_relative_to(ROOT):
        sys.exit(f"--workdir {work}: corpora and feeds stay out of the repository")
    work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(work / "prefect-home"), "PYTHONPATH": str(ROOT)}
    os.environ.update({k: v for k, v in env.items() if k.startswith(("PREFECT_", "DO_NOT", "DASK_"))})
    server = None
    try:
        import corpus

        started = time.perf_counter()
        source = work / "corpus"
        kinds = corpus.generate(source, big, seed=args.seed, per_folder=small, jobs=os.cpu_count() or 1)
        size_mb = sum(p.stat().st_size for p in source.rglob("*") if p.is_file()) / 1e6
        generated = time.perf_counter() - started

        started = time.perf_counter()
        server_pid = None
        if not os.environ.get("PREFECT_API_URL"):
            from prefect.server.api.server import SubprocessASGIServer

            server = SubprocessASGIServer()
            server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 600))
            env["PREFECT_API_URL"] = server.api_url
            server_pid = server.server_process.pid
        server_s = time.perf_counter() - started

        cores = os.cpu_count()
        print(f"scale benchmark: {cores} cores ({platform.machine()}, {platform.python_implementation()} {platform.python_version()}), "
              f"seed {args.seed}, thread runs {batch} documents per task, Dask runs {dask_batch} per task")
        print(f"corpus: {big} documents ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}; {size_mb:.0f} MB) generated in "
              f"{generated:.0f} s; the {small}-document runs use its first {small}; Prefect server started in {server_s:.0f} s "
              f"(neither timed)", flush=True)

        first = source / "000"
        base = dict(seed=args.seed, per_folder=small, source=str(source), profile=str(args.profile) if args.profile else None)

        def thread(steps):
            return run_child({**base, "batch_size": batch, "window": 2, "steps": steps}, env, server_pid=server_pid,
                             wait_idle=args.wait_idle)

        r_small = thread([{"name": f"ingest {small}", "source": str(first), "out": str(work / "feed-small")}])
        print_row("ingest (thread runner)", small, r_small["runs"][0], r_small)
        r_big = thread([{"name": f"ingest {big}", "source": str(source), "out": str(work / "feed-big")}])
        print_row("ingest (thread runner)", big, r_big["runs"][0], r_big)
        changed = list(range(37 % 100, big, 100))  # every 100th document: 1 %
        r_again = thread([
            {"name": "re-run unchanged", "source": str(source), "out": str(work / "feed-big")},
            {"change": changed},
            {"name": "re-run 1 % changed", "source": str(source), "out": str(work / "feed-big")},
        ])
        print_row("re-run, nothing changed", big, r_again["runs"][0], r_again)
        print_row(f"re-run, {r_again['changed']} changed (1 %)", big, r_again["runs"][1], r_again)

        dask: dict[int, list[dict]] = {1: [], 2: []}
        if not args.no_dask:
            rounds = args.dask_rounds or (1 if args.quick or args.tiny else 2)
            for round_ in range(rounds):  # alternating rounds, the best of each reported: others may share the cores
                for workers in (1, 2):
                    window = args.dask_window or 4 * workers
                    result = run_child({**base, "batch_size": dask_batch, "window": window, "workers": workers, "steps": [
                        {"name": f"dask {workers} workers round {round_ + 1}", "source": str(first),
                         "out": str(work / f"feed-dask-{workers}-{round_}")}]}, env, server_pid=server_pid, wait_idle=args.wait_idle)
                    dask[workers].append(result)
                    label = f"dask, {workers} worker{'s' if workers > 1 else ''} (window {window})" + (f" #{round_ + 1}" if rounds > 1 else "")
                    print_row(label, small, result["runs"][0], result)

        print_summary(small, big, r_small, r_big, r_again, dask, cores)
        if args.quick or args.tiny:
            print(f"  ({'tiny' if args.tiny else 'quick'} mode: with so few documents a flow run's fixed cost, about 1 s, and the few Dask tasks dominate; "
                  "the targets are for the full run)")
        if args.profile:
            print_profiles(args.profile)
    finally:
        if server is not None:
            server.stop()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


HEADER = (f"{'run':<38}{'docs':>7}{'wall s':>9}{'docs/s':>8}{'peak RSS MB':>13}{'CPU s flow/workers/server/other':>33}"
          f"  outcome")
printed_header = False


def print_row(name: str, docs: int, run: dict, result: dict) -> None:
    global printed_header
    if not printed_header:
        print(HEADER)
        printed_header = True
    rss = f"{result['rss_flow_mb']:.0f}"
    if result.get("rss_worker_mb"):
        rss += f"+{result['rss_worker_mb']:.0f}w"
    cpu = f"{run['cpu_flow']:.0f}/{run['cpu_workers']:.0f}" if run.get("cpu_workers") is not None else f"{run['cpu_flow']:.0f}/-"
    cpu += f"/{run['cpu_server']:.0f}" if run.get("cpu_server") is not None else "/-"
    cpu += f"/{run['cpu_other']:.0f}"
    outcome = ", ".join(f"{run[k]} {k}" for k in ("new", "updated", "unchanged", "duplicate", "failed") if run[k])
    print(f"{name:<38}{docs:>7}{run['wall']:>9.1f}{docs / run['wall']:>8.1f}{rss:>13}{cpu:>33}  {outcome}", flush=True)
    if run.get("tasks"):
        t = run["tasks"]
        if t.get("tasks"):
            print(f"{'':<38}tasks {t['tasks']}, {t['mean_task_s']:.2f} s each, compute {t['compute_s']:.0f} s over "
                  f"{t['first_to_last_s']:.0f} s from first start to last end" + (f"; cluster start + warm-up {result['cluster_start']:.1f} s (not timed)" if result.get("cluster_start") is not None else ""))


def print_summary(small: int, big: int, r_small: dict, r_big: dict, r_again: dict, dask: dict, cores: int) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rate_small = small / r_small["runs"][0]["wall"]
    rate_big = big / r_big["runs"][0]["wall"]
    drop = (rate_big - rate_small) / rate_small
    rss = r_big["rss_flow_mb"] / r_small["rss_flow_mb"]
    full = r_big["runs"][0]["wall"]
    unchanged, incremental = r_again["runs"][0]["wall"], r_again["runs"][1]["wall"]
    print(f"targets ({cores} cores):")
    print(f"  documents/s at {big} vs {small}: {rate_big:.1f} vs {rate_small:.1f} ({100 * drop:+.1f} %; target within 15 %): "
          f"{verdict(abs(drop) <= 0.15 or drop > 0)}")
    print(f"  peak RSS at {big} vs {small}: {r_big['rss_flow_mb']:.0f} vs {r_small['rss_flow_mb']:.0f} MB ({rss:.2f}x; target <= 1.5x): "
          f"{verdict(rss <= 1.5)}")
    print(f"  1 % changed re-run: {incremental:.1f} s = {100 * incremental / full:.1f} % of the full run's {full:.0f} s "
          f"(target < 5 %): {verdict(incremental < 0.05 * full)}; nothing changed: {unchanged:.1f} s = {100 * unchanged / full:.1f} %")
    if dask[1] and dask[2]:
        best = {k: min(results, key=lambda r: r["runs"][0]["wall"]) for k, results in dask.items()}
        one, two = best[1]["runs"][0]["wall"], best[2]["runs"][0]["wall"]
        rounds = f" (best of {len(dask[1])} rounds)" if len(dask[1]) > 1 else ""
        print(f"  Dask 2 workers vs 1{rounds}: {one:.1f} s / {two:.1f} s = {one / two:.2f}x (target >= 1.7x): {verdict(one / two >= 1.7)}")
        for workers, result in sorted(best.items()):
            run = result["runs"][0]
            used = run["cpu_flow"] + (run["cpu_workers"] or 0) + (run.get("cpu_server") or 0)
            print(f"    {workers} worker(s): {used:.0f} CPU s used of {cores * run['wall']:.0f} available "
                  f"({100 * used / (cores * run['wall']):.0f} %): workers {run['cpu_workers']:.0f}, flow process {run['cpu_flow']:.0f}, "
                  f"Prefect server {run.get('cpu_server') or 0:.0f}; other programs on the machine {run['cpu_other']:.0f}, "
                  f"hypervisor steal {run['steal']:.0f}")


def print_profiles(folder: Path) -> None:
    import pstats

    for path in sorted(folder.glob("*.prof")):
        print(f"\nprofile of the flow process, {path.stem} (cumulative, top 15):")
        stats = pstats.Stats(str(path))
        stats.sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
