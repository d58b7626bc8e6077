"""Prefect 3 flows over the engine: the ingestion flow (scheduled or from the CLI), the batch task, a
runner that submits batches to the flow's task runner, and `serve` for a cron/interval deployment.

The flows are thin: discovery, fingerprints, commits and the summary are `flows.engine` functions.
Documents travel in batches (one Prefect task per batch) because a task costs ~5 ms with the thread
runner and ~130 ms with Dask. Only the flow process writes the feed; tasks return record bytes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.loading import DEFAULT_LIMITS, MB, Limits
from flows.discover import DocumentRef, discover, refs_from_fetched
from flows.engine import IngestResult, Outcome, extract_batch, ingest_refs, internal_message, summary_markdown

DEFAULT_CRON = "0 3 * * *"  # daily at 03:00 (server time zone: UTC unless set)
DEPLOYMENT_NAME = "scheduled-ingest"


@task(name="extract-batch", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def extract_batch_task(refs: list[DocumentRef], limits: dict) -> list[Outcome]:
    outcomes = extract_batch(refs, Limits(**limits))
    failed = [o for o in outcomes if o.error]
    if failed:  # at INFO: the CLI names each failure on stderr once, the run's artifact lists them
        logger = get_run_logger()
        for outcome in failed:
            logger.info("failed: %s: %s", outcome.uri, outcome.error)
    return outcomes


def prefect_runner(*, window: int = 2):
    """A batch runner for `ingest_refs` that submits each batch as a task on the current flow's task
    runner, keeps at most `window` batches in flight, and yields results in submission order (so the
    feed is written in the same order whatever the runner)."""

    def run(batches: Iterable[list[DocumentRef]], limits: Limits) -> Iterator[list[Outcome]]:
        plain = asdict(limits)
        pending: deque = deque()
        for batch in batches:
            pending.append((batch, extract_batch_task.submit(batch, plain)))
            if len(pending) >= window:
                yield _result(*pending.popleft(), plain)
        while pending:
            yield _result(*pending.popleft(), plain)

    return run


def _result(batch: list[DocumentRef], future, limits: dict) -> list[Outcome]:
    try:
        return future.result()
    except Exception:
        pass  # the batch task failed after its retries (e.g. a Dask worker died): retry its documents one by one
    outcomes = []
    for ref, single in [(ref, extract_batch_task.submit([ref], limits)) for ref in batch]:
        try:
            outcomes += single.result()
        except Exception as error:
            outcomes.append(Outcome(ref.uri, error=internal_message(error), kind="internal", source_name=ref.source_name))
    return outcomes


def limits_from(max_mb: float | None, max_pages: int | None, max_chars: int | None, timeout_seconds: float | None) -> Limits:
    return Limits(
        max_bytes=int(max_mb * MB) if max_mb else DEFAULT_LIMITS.max_bytes,
        max_pages=max_pages or DEFAULT_LIMITS.max_pages,
        max_chars=max_chars or DEFAULT_LIMITS.max_chars,
        timeout_seconds=timeout_seconds or DEFAULT_LIMITS.timeout_seconds,
    )


def ingest_documents(refs: Iterable[DocumentRef], out: str, *, limits: Limits = DEFAULT_LIMITS, batch_size: int = 25,
                     window: int = 2, force: bool = False, rehash: bool = False, lock_timeout: float = 60.0, collect_events: bool = False,
                     title: str = "Ingestion summary", downloads: dict[str, int] | None = None,
                     failed_downloads: Iterable[Outcome] = ()) -> IngestResult:
    """The seam for any document source inside a Prefect flow: ingest the given refs with batches as
    tasks, then publish the summary as a markdown artifact. (Without Prefect: `engine.ingest_refs`.)"""
    logger = get_run_logger()
    result = ingest_refs(
        refs, out, limits=limits, batch_size=batch_size, runner=prefect_runner(window=window), force=force, rehash=rehash,
        lock_timeout=lock_timeout, collect_events=collect_events, on_wait=logger.warning, downloads=downloads,
        failed_downloads=failed_downloads,
    )
    create_markdown_artifact(key="ingest-summary", markdown=summary_markdown(result.summary, title=title),
                             description="documents new / updated / unchanged / duplicate / failed")
    return result


@flow(name="ingest-policies", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False)
def ingest_flow(
    source: str = "raw_documents",
    out: str = "structured_output",
    batch_size: int = 25,
    window: int = 2,
    max_mb: float | None = None,
    max_pages: int | None = None,
    max_chars: int | None = None,
    timeout_seconds: float | None = None,
    lock_timeout: float = 60.0,
    force: bool = False,
    rehash: bool = False,
    sources: str | None = None,
    dask_address: str | None = None,
    report: str | None = None,
) -> dict:
    """Ingest every document of a folder or fsspec URL into the feed at `out`, or, with `sources`, every
    document the source manifest's web sources serve (pulled first, conditionally); returns the run summary.

    `dask_address` (e.g. "tcp://scheduler:8786") sends the batches to that Dask cluster: the flow runs
    again as a subflow with the Dask task runner. This is how a deployment (`serve`, or a work pool)
    reaches a cluster, since a deployment's task runner is the flow's own; the CLI uses --dask-address.

    `report` (a folder) writes the static site from the feed once the run is committed (`serve --report`;
    the CLI's `ingest --report` builds it itself, to print what it wrote)."""
    if dask_address:
        return flow_with_runner("dask", dask_address=dask_address)(
            source=source, out=out, batch_size=batch_size, window=window, max_mb=max_mb, max_pages=max_pages,
            max_chars=max_chars, timeout_seconds=timeout_seconds, lock_timeout=lock_timeout, force=force, rehash=rehash,
            sources=sources, report=report)
    limits = limits_from(max_mb, max_pages, max_chars, timeout_seconds)
    downloads, failed_downloads = None, []
    if sources:
        from flows.fetch_flow import fetch_sources_task

        fetched = fetch_sources_task(sources, out)
        refs = refs_from_fetched(fetched.ready)
        downloads = fetched.counts()
        failed_downloads = [Outcome(**d.quarantine_fields()) for d in fetched.failed]
    else:
        refs = discover(source, exclude=[out])
    result = ingest_documents(refs, out, limits=limits, batch_size=batch_size, window=window, force=force,
                              rehash=rehash, lock_timeout=lock_timeout, downloads=downloads, failed_downloads=failed_downloads)
    if report:
        build_site_task(out, report)
    return result.summary.model_dump(mode="json")


@task(name="build-site", cache_policy=NO_CACHE, persist_result=False)
def build_site_task(feed: str, out: str) -> dict:
    """The static site of the feed (flows.report.build_site); its figures go to the run's log."""
    from flows.report import build_site

    site = build_site(feed, out)
    get_run_logger().info("site: %s of %s files written to %s", site.written, site.pages, out)
    return asdict(site)


def flow_with_runner(task_runner: str = "thread", *, dask_address: str | None = None, workers: int | None = None):
    """The ingestion flow on the chosen task runner: "thread" (default) or "dask" (a local cluster with
    `workers` processes, or the scheduler at `dask_address`)."""
    if task_runner == "thread":
        return ingest_flow
    if task_runner != "dask":
        raise ValueError(f"unknown task runner {task_runner!r}; choose thread or dask")
    from prefect_dask import DaskTaskRunner

    if dask_address:
        runner = DaskTaskRunner(address=dask_address)
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1, "processes": True,
                                                "dashboard_address": None})
    return ingest_flow.with_options(task_runner=runner)


def serve(*, source: str, out: str, cron: str | None = DEFAULT_CRON, interval: float | None = None,
          name: str = DEPLOYMENT_NAME, parameters: dict | None = None) -> None:
    """Register the ingestion flow as a deployment with a schedule on the Prefect server named by
    PREFECT_API_URL, and run its scheduled runs until interrupted."""
    from prefect.deployments.runner import EntrypointType

    params = {"source": source, "out": out, **(parameters or {})}
    schedule = {"interval": interval} if interval else {"cron": cron or DEFAULT_CRON}
    ingest_flow.serve(name=name, parameters=params, entrypoint_type=EntrypointType.MODULE_PATH,
                      print_starting_message=True, **schedule)
