"""Prefect wrapper for fetching: one task around `fetch_sources`, for the ingestion flow to call before extraction.

Retries, rate limits and per-URL failures are handled inside `fetch_sources`, so the task itself never retries
and never caches (a scheduled run must always ask the servers again).
"""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.fetch import DEFAULT_OPTIONS, FetchOptions, FetchReport, fetch_sources
from flows.sources import load_manifest


@task(name="fetch-sources", cache_policy=NO_CACHE, retries=0)
def fetch_sources_task(manifest_path: str | Path, out_dir: str | Path, options: FetchOptions = DEFAULT_OPTIONS) -> FetchReport:
    """Pull every source of the manifest into <out>/raw; raises InputError only for a bad manifest."""
    report = fetch_sources(load_manifest(manifest_path), out_dir, options=options)
    counts = report.counts()
    get_run_logger().info(
        "downloads: %d fetched, %d not modified, %d failed", counts["fetched"], counts["not_modified"], counts["failed"]
    )
    for document in report.failed:
        get_run_logger().warning("%s", document.error)
    return report
