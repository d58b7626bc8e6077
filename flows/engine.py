"""Ingestion as plain functions, without Prefect: extract a batch of refs (with the per-document
timeout), and `ingest_refs`, the run loop that fingerprints refs, skips unchanged ones, has the
rest extracted in batches by a pluggable batch runner, and commits the outcomes to the feed in order.

The Prefect flows in flows/ingest.py and flows/reextract.py call `ingest_refs` with a runner that
submits `extract_batch` as Prefect tasks; tests and benchmarks call it directly.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from extractors.errors import LimitExceeded, PolicyError
from extractors.loading import DEFAULT_LIMITS, Limits
from flows.discover import DocumentRef, fingerprint_and_stat, read_ref, stat_key
from flows.corrections import load_corrections
from flows.events import ChangeEvent, CorrectionNote, RunSummary
from flows.files import canonical_json, text_gzip
from flows.store import Committed, Feed, utc_now

MAX_FAILURES_LISTED = 100
BATCH_BYTES = 32 * 1024 * 1024  # a batch also ends when its documents reach this many bytes


@dataclass(frozen=True)
class Outcome:
    """What extracting one document gave: the record's canonical JSON bytes, or a one-line error."""

    uri: str
    record_json: bytes | None = None
    text_gz: bytes | None = None  # the normalized text the record's evidence indexes into (files.text_gzip)
    sha256: str | None = None
    error: str | None = None
    kind: str | None = None  # PolicyError subclass name, or "internal"
    source_name: str | None = None
    seconds: float = 0.0


BatchRunner = Callable[[Iterable[list[DocumentRef]], Limits], Iterator[list[Outcome]]]


# ---------------------------------------------------------------- extraction with a timeout


class ExtractionTimeout(Exception):
    """Raised inside an extraction thread that ran past its time limit."""


def call_with_timeout(function: Callable, seconds: float, *, what: str):
    """Run `function` in a daemon thread; past `seconds`, raise LimitExceeded and ask the thread to
    stop (it stops at its next Python instruction; a long C call finishes first, its result dropped)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = function()
        except BaseException as error:  # carried back to the caller
            result["error"] = error

    worker = threading.Thread(target=target, name="policy-extract", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(ExtractionTimeout))
        raise LimitExceeded(f"{what}: extraction took longer than {seconds:g} s (--timeout)")
    if "error" in result:
        raise result["error"]
    return result["value"]


def extract_with_text(data: bytes, *, uri: str, limits: Limits, payer_hint: str | None):
    """`extractors.pipeline.extract_bytes`, keeping the loaded text too (the feed stores it, so evidence
    can be shown in context without loading the document again). -> (record, text)"""
    from extractors.pipeline import extract_bytes_with_text

    return extract_bytes_with_text(data, uri=uri, limits=limits, payer_hint=payer_hint)


def extract_ref(ref: DocumentRef, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """One document -> Outcome. Never raises: bad input and internal errors become one-line errors."""
    started = time.perf_counter()
    sha256 = None
    try:
        data = read_ref(ref, limits)
        sha256 = hashlib.sha256(data).hexdigest()
        record, text = call_with_timeout(lambda: extract_with_text(data, uri=ref.uri, limits=limits, payer_hint=ref.payer_hint),
                                         limits.timeout_seconds, what=ref.uri)
        return Outcome(ref.uri, record_json=canonical_json(record), text_gz=text_gzip(text), sha256=sha256,
                       source_name=ref.source_name, seconds=time.perf_counter() - started)
    except PolicyError as error:
        return Outcome(ref.uri, sha256=sha256, error=str(error), kind=type(error).__name__, source_name=ref.source_name,
                       seconds=time.perf_counter() - started)
    except Exception as error:
        return Outcome(ref.uri, sha256=sha256, error=internal_message(error), kind="internal", source_name=ref.source_name,
                       seconds=time.perf_counter() - started)


def internal_message(error: BaseException) -> str:
    lines = f"internal error: {type(error).__name__}: {error}".strip().splitlines()
    return lines[0] if lines else "internal error"


def warm_up() -> None:
    """Build what every extraction shares (the spaCy pipeline, the ICD-10-CM code set) before any
    document's clock starts: that one-time second or two, longer on a slow or busy machine, is not the
    first document's work, and must not cost it its --timeout. Cached: later calls cost nothing."""
    from extractors.icd10 import valid_codes
    from extractors.nlp import make_nlp

    make_nlp()
    valid_codes()


def extract_batch(refs: list[DocumentRef], limits: Limits = DEFAULT_LIMITS) -> list[Outcome]:
    warm_up()
    return [extract_ref(ref, limits) for ref in refs]


def serial_runner(batches: Iterable[list[DocumentRef]], limits: Limits) -> Iterator[list[Outcome]]:
    """The runner without Prefect: each batch in this process, in order."""
    for batch in batches:
        yield extract_batch(batch, limits)


# ---------------------------------------------------------------- progress


_listeners: list[Callable[[str, dict], None]] = []


@contextmanager
def progress_listener(callback: Callable[[str, dict], None]) -> Iterator[None]:
    """Receive ('discovered', {uri}) and ('done', {uri, category, error}) while runs in this process go."""
    _listeners.append(callback)
    try:
        yield
    finally:
        _listeners.remove(callback)


def _emit(kind: str, **info) -> None:
    for callback in list(_listeners):
        callback(kind, info)


# ---------------------------------------------------------------- the run loop


@dataclass
class IngestResult:
    summary: RunSummary
    events: list[ChangeEvent] = field(default_factory=list)  # only with collect_events=True


def ingest_refs(
    refs: Iterable[DocumentRef],
    out: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    batch_size: int = 25,
    runner: BatchRunner | None = None,
    force: bool = False,
    rehash: bool = False,
    lock_timeout: float = 60.0,
    run_id: str | None = None,
    collect_events: bool = False,
    on_wait: Callable[[str], None] | None = None,
    downloads: dict[str, int] | None = None,
    failed_downloads: Iterable[Outcome] = (),
) -> IngestResult:
    """Ingest documents into the feed at `out`. Refs stream through: memory stays flat in their number.

    Unchanged documents (same uri, same bytes, same extractor, record present) are skipped after a
    hash and one lookup; a local file whose size, times and inode match the last run's is not even
    read (`rehash` reads it anyway); `force` re-extracts them (the feed still changes only if the record does).
    A web source passes its download counts and its failed downloads: those are quarantined like
    failed extractions but counted apart, in `summary.downloads`.
    """
    runner = runner or serial_runner
    run_id = run_id or uuid.uuid4().hex
    started_at, started = utc_now(), time.perf_counter()
    counts: Counter = Counter()
    event_kinds: Counter = Counter()
    failures: list = []
    events: list[ChangeEvent] = []

    def record(committed: Committed) -> None:
        counts[committed.category] += 1
        if committed.event is not None:
            event_kinds[committed.event.kind] += 1
            if collect_events:
                events.append(committed.event)
        if committed.failure is not None and len(failures) < MAX_FAILURES_LISTED:
            failures.append(committed.failure)
        _emit("done", uri=committed.uri, category=committed.category,
              error=committed.failure.error if committed.failure else None)

    corrections = load_corrections(out)  # a malformed corrections file stops the run here, before any change
    with Feed.open(out, lock_timeout=lock_timeout, on_wait=on_wait) as feed:
        feed.corrections = corrections
        feed.begin_run(run_id, started_at)
        for committed in feed.commit(list(failed_downloads), run_id=run_id):
            if len(failures) < MAX_FAILURES_LISTED:
                failures.append(committed.failure)
            _emit("done", uri=committed.uri, category="failed", error=committed.failure.error)
        from extractors.assemble import extractor_info

        extractor = extractor_info().version

        def batches() -> Iterator[list[DocumentRef]]:
            batch: list[DocumentRef] = []
            size = 0
            for ref in refs:
                counts["discovered"] += 1
                _emit("discovered", uri=ref.uri)
                if not force:
                    try:
                        sha256 = None if rehash else feed.cached_sha256(ref.uri, stat_key(ref))
                        if sha256 is None:
                            sha256, vouched = fingerprint_and_stat(ref, limits)
                            if vouched:
                                feed.remember_sha256(ref.uri, vouched, sha256)
                    except PolicyError as error:
                        failed = Outcome(ref.uri, error=str(error), kind=type(error).__name__, source_name=ref.source_name)
                        for committed in feed.commit([failed], run_id=run_id):
                            record(committed)
                        continue
                    state = feed.check(ref.uri, sha256, extractor)
                    if state:
                        record(Committed(ref.uri, state))
                        continue
                batch.append(ref)
                size += _size_hint(ref)
                if len(batch) >= batch_size or size >= BATCH_BYTES:
                    yield batch
                    batch, size = [], 0
            if batch:
                yield batch

        for outcomes in runner(batches(), limits):
            for committed in feed.commit(outcomes, run_id=run_id):
                record(committed)

        corrected, outcomes = feed.sync_corrections(run_id=run_id)
        for event in corrected:
            event_kinds[event.kind] += 1
            if collect_events:
                events.append(event)
        notes = [CorrectionNote(file=o.entry.file, line=o.entry.line, policy_key=o.entry.policy_key, field=o.entry.field,
                                record_id=o.entry.record_id, status=o.status, message=o.message) for o in outcomes]
        summary = RunSummary(
            corrections=dict(sorted(Counter(note.status for note in notes).items())),
            correction_notes=[note for note in notes if note.status != "applied"],
            run_id=run_id, out=str(feed.root), started_at=started_at, finished_at=utc_now(),
            seconds=round(time.perf_counter() - started, 3), discovered=counts["discovered"],
            new=counts["new"], updated=counts["updated"], unchanged=counts["unchanged"],
            duplicate=counts["duplicate"], failed=counts["failed"], events=dict(sorted(event_kinds.items())),
            failures=failures, last_seq=feed.last_seq, downloads=downloads,
        )
        feed.finish_run(run_id, summary.model_dump_json())
    return IngestResult(summary=summary, events=events)


def _size_hint(ref: DocumentRef) -> int:
    try:
        return os.path.getsize(ref.path) if ref.path else 0
    except OSError:
        return 0


def summary_lines(summary: RunSummary) -> list[str]:
    """The summary as printed by the CLI and shown in the Prefect artifact."""
    events = ", ".join(f"{n} {kind}" for kind, n in summary.events.items()) or "none"
    fetched = []
    if summary.downloads is not None:
        d = summary.downloads
        fetched = [f"downloads: {d.get('fetched', 0)} fetched, {d.get('not_modified', 0)} not modified, {d.get('failed', 0)} failed"]
    return fetched + [
        f"{summary.discovered} documents: {summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.duplicate} duplicate, {summary.failed} failed ({summary.seconds:.1f} s)",
        f"change events: {events}; change log at seq {summary.last_seq}; feed: {summary.out}",
    ] + _correction_lines(summary)


def _correction_lines(summary: RunSummary) -> list[str]:
    """e.g. "corrections: 1 applied, 1 not needed"; nothing when the feed has no corrections."""
    counts = [f"{n} {status.replace('_', ' ')}" for status, n in summary.corrections.items()]
    return [f"corrections: {', '.join(counts)}"] if counts else []


def summary_markdown(summary: RunSummary, *, title: str = "Ingestion summary") -> str:
    rows = [("new", summary.new), ("updated", summary.updated), ("unchanged", summary.unchanged),
            ("duplicate", summary.duplicate), ("failed", summary.failed)]
    lines = [f"# {title}", "", f"Feed: `{summary.out}` (change log at seq {summary.last_seq}); {summary.seconds:.1f} s", "",
             "| documents | count |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in rows]
    if summary.downloads is not None:
        lines += ["", "| downloads | count |", "|---|---:|"] + [f"| {k.replace('_', ' ')} | {n} |" for k, n in summary.downloads.items()]
    if summary.events:
        lines += ["", "| change events | count |", "|---|---:|"] + [f"| {k} | {n} |" for k, n in summary.events.items()]
    if summary.failures:
        lines += ["", "## Failed documents (quarantine.json)", "", "| uri | kind | error |", "|---|---|---|"]
        lines += [f"| {f.uri} | {f.kind} | {f.error.replace('|', '/')} |" for f in summary.failures]
    return "\n".join(lines) + "\n"
