"""Manual re-extraction as a Prefect flow: one new revision (a file or fsspec URL) into the feed.

The document is always extracted (no unchanged check); the feed changes only if the record is new
or different. When the feed holds an earlier revision of the same policy (same normalized number, or
same payer + title when there is none) the change event lists what changed; every revision is kept.
"""

from __future__ import annotations

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.discover import single_ref
from flows.ingest import ingest_documents, limits_from


@flow(name="reextract-policy", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False)
def reextract_flow(
    file: str,
    out: str = "structured_output",
    max_mb: float | None = None,
    max_pages: int | None = None,
    max_chars: int | None = None,
    timeout_seconds: float | None = None,
    lock_timeout: float = 60.0,
) -> dict:
    """Returns {"summary": RunSummary, "events": [ChangeEvent ...]} as JSON-ready dicts."""
    limits = limits_from(max_mb, max_pages, max_chars, timeout_seconds)
    result = ingest_documents([single_ref(file)], out, limits=limits, batch_size=1, window=1, force=True,
                              lock_timeout=lock_timeout, collect_events=True, title="Re-extraction summary")
    return {
        "summary": result.summary.model_dump(mode="json"),
        "events": [event.model_dump(mode="json") for event in result.events],
    }
