"""The feed on disk: `Feed`, which holds the output folder's lock and commits extraction outcomes
(records, index, change events, quarantine) for one run. File-level helpers (slugs, atomic writes,
the change log's appends and repair) are in flows/files.py.

Layout under the output folder (see structured_output/README.md):
    records/<payer>/<policy>/<record_id>.json   every revision, written once (temp file, fsync, rename)
    index.json        latest revision per policy, exported at the end of a run when it changed
    changes.jsonl     typed change events, one JSON line each, seq 1, 2, 3 ... (append + fsync)
    quarantine.json   documents that failed, exported like the index
    .pipeline/        private: state.sqlite (fingerprints, index, events, quarantine, runs) and the lock

Crash safety: a batch writes its record files first, then commits state.sqlite in one transaction
(the write-ahead log of events), then appends those events to changes.jsonl. Opening the feed
truncates a torn last line and appends events that the log lacks, so after a SIGKILL at any point a
re-run leaves every record whole, every document once and the sequence without gaps or duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, NamedTuple

from filelock import FileLock, Timeout

from extractors.models import PolicyRecord
from flows.files import (
    STATE_DIR, FeedBusy, FeedError, append_lines, atomic_write, atomic_writer, canonical_json, policy_key,
    record_relpath, repair_log_tail, safe_path, sweep_temp_files, text_relpath,
)
from flows import corrections as reviewer
from flows.events import (
    FEED_SCHEMA_VERSION, ChangeEvent, IndexEntry, QuarantineEntry, RecordChanges,
)

INDEX_FILE = "index.json"
CHANGES_FILE = "changes.jsonl"
QUARANTINE_FILE = "quarantine.json"
FINGERPRINT_BATCH = 1000  # fingerprint-cache rows written per transaction
# ---------------------------------------------------------------- the feed

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS documents(uri TEXT PRIMARY KEY, sha256 TEXT NOT NULL, record_id TEXT NOT NULL, extractor TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(record_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, policy_key TEXT NOT NULL,
    path TEXT NOT NULL, uri TEXT NOT NULL, effective TEXT);
CREATE INDEX IF NOT EXISTS records_by_sha ON records(sha256);
CREATE INDEX IF NOT EXISTS documents_by_record ON documents(record_id);
CREATE TABLE IF NOT EXISTS policies(policy_key TEXT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine(uri TEXT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fingerprints(uri TEXT PRIMARY KEY, stat TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corrected(record_id TEXT PRIMARY KEY);
"""


class RecordRow(NamedTuple):
    record_id: str
    sha256: str
    policy_key: str
    path: str  # relative to the feed folder
    uri: str  # the first uri these bytes came from


@dataclass(frozen=True)
class Committed:
    """What committing one outcome did: its per-document category and the event it wrote, if any."""

    uri: str
    category: str  # new | updated | unchanged | duplicate | failed
    event: ChangeEvent | None = None
    failure: QuarantineEntry | None = None


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Feed:
    """One writer's handle on an output folder. Open it with `Feed.open(out)` (takes the lock)."""

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.root = root
        self.db = connection
        self.changes_path = root / CHANGES_FILE
        self.last_seq = self.db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        self._fingerprints: list[tuple[str, str, str]] = []
        self.corrections: dict[str, list[reviewer.Entry]] = {}  # policy key -> reviewer corrections (set by the run)

    # ---- opening, recovery, closing

    @classmethod
    @contextmanager
    def open(
        cls, out: str | Path, *, lock_timeout: float = 60.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator["Feed"]:
        root = Path(out).absolute()
        if root.exists() and not root.is_dir():
            raise FeedError(f"{out}: exists and is not a folder")
        (root / STATE_DIR).mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(root / STATE_DIR / "lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait:
                on_wait(f"waiting up to {lock_timeout:g} s for another run on {out} to finish")
            try:
                lock.acquire(timeout=max(lock_timeout, 0))
            except Timeout:
                raise FeedBusy(
                    f"{out}: another ingestion run holds the lock ({root / STATE_DIR / 'lock'}); "
                    f"waited {lock_timeout:g} s (--lock-timeout)"
                ) from None
        try:
            connection = sqlite3.connect(root / STATE_DIR / "state.sqlite", isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")
                connection.executescript(SCHEMA_SQL)
                feed = cls(root, connection)
                feed._recover()
                try:
                    yield feed
                except BaseException:
                    feed._export_quietly()
                    raise
                feed.export_views()
                feed._set_meta("dirty", "0")
            finally:
                connection.close()
        finally:
            lock.release()

    def _recover(self) -> None:
        if self._meta("dirty") == "1":
            sweep_temp_files(self.root)
        self._set_meta("dirty", "1")
        in_log = repair_log_tail(self.changes_path)
        if in_log > self.last_seq:
            raise FeedError(
                f"{self.changes_path}: the change log is at seq {in_log} but the state knows only {self.last_seq}; "
                "the state under .pipeline/ is older than the feed (restored from a backup?)"
            )
        self._append_events_after(in_log)

    def _append_events_after(self, seq: int) -> None:
        rows = self.db.execute("SELECT event FROM events WHERE seq > ? ORDER BY seq", (seq,))
        batch: list[bytes] = []
        for (event,) in rows:
            batch.append(event.encode("utf-8") + b"\n")
            if len(batch) >= 1000:
                append_lines(self.changes_path, batch)
                batch = []
        append_lines(self.changes_path, batch)

    def _meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def _bump(self, view: str) -> None:
        self._set_meta(f"{view}_gen", str(int(self._meta(f"{view}_gen", "0")) + 1))

    # ---- runs

    def begin_run(self, run_id: str, started_at: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO runs(run_id, started_at, summary) VALUES (?, ?, NULL)", (run_id, started_at))

    def finish_run(self, run_id: str, summary_json: str) -> None:
        self.flush_fingerprints()
        self.db.execute("UPDATE runs SET summary = ? WHERE run_id = ?", (summary_json, run_id))

    # ---- the fingerprint cache: a local file whose stat is unchanged keeps its last hash

    def cached_sha256(self, uri: str, stat_key: str | None) -> str | None:
        if stat_key is None:
            return None
        row = self.db.execute("SELECT stat, sha256 FROM fingerprints WHERE uri = ?", (uri,)).fetchone()
        return row[1] if row and row[0] == stat_key else None

    def remember_sha256(self, uri: str, stat_key: str, sha256: str) -> None:
        """Buffered, written FINGERPRINT_BATCH rows at a time and at the end of the run: losing rows
        costs a re-hash only. A row whose stat no longer matches is never used, so none is deleted."""
        self._fingerprints.append((uri, stat_key, sha256))
        if len(self._fingerprints) >= FINGERPRINT_BATCH:
            self.flush_fingerprints()

    def flush_fingerprints(self) -> None:
        if not self._fingerprints:
            return
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO fingerprints(uri, stat, sha256) VALUES (?, ?, ?)", self._fingerprints)
        self._fingerprints = []

    # ---- the unchanged check (cheap: one indexed lookup and one stat)

    def check(self, uri: str, sha256: str, extractor: str) -> str | None:
        """'unchanged' when the feed holds this uri's bytes, 'duplicate' when it holds them under another
        uri (the uri is adopted), None when the document must be extracted."""
        row = self.db.execute("SELECT sha256, record_id, extractor FROM documents WHERE uri = ?", (uri,)).fetchone()
        if row and row[0] == sha256 and row[2] == extractor:
            known = self._record_row(row[1])
            if known and (self.root / known.path).is_file():
                return "unchanged"
        same_bytes = self.db.execute(
            "SELECT r.record_id, r.path FROM records r JOIN documents d ON d.record_id = r.record_id "
            "WHERE r.sha256 = ? AND d.extractor = ? LIMIT 1", (sha256, extractor),
        ).fetchone()
        if same_bytes and (self.root / same_bytes[1]).is_file():
            with self.transaction():
                self._set_document(uri, sha256, same_bytes[0], extractor)
                self._clear_quarantine(uri)
            return "duplicate"
        return None

    # ---- commits

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def commit(self, outcomes: list, *, run_id: str) -> list[Committed]:
        """Commit a batch of `engine.Outcome`s: record files, then one transaction, then the log."""
        first_seq = self.last_seq
        done: list[Committed] = []
        try:
            with self.transaction():
                for outcome in outcomes:
                    done.append(self._commit_one(outcome, run_id))
        except BaseException:
            self.last_seq = first_seq
            raise
        events = [c.event for c in done if c.event is not None]
        append_lines(self.changes_path, [e.model_dump_json().encode("utf-8") + b"\n" for e in events])
        return done

    def _commit_one(self, outcome, run_id: str) -> Committed:
        """One outcome inside its own savepoint: a record that cannot be stored becomes a failure."""
        if outcome.record_json is None:
            return self._commit_failure(outcome)
        seq = self.last_seq
        self.db.execute("SAVEPOINT outcome")
        try:
            committed = self._commit_record(outcome, run_id)
        except Exception as error:  # e.g. a record that does not validate: quarantine it, keep the batch
            self.db.execute("ROLLBACK TO outcome")
            self.db.execute("RELEASE outcome")
            self.last_seq = seq
            message = f"internal error: cannot store the record: {type(error).__name__}: {error}"
            failed = type(outcome)(uri=outcome.uri, sha256=outcome.sha256, error=message.splitlines()[0], kind="internal",
                                   source_name=outcome.source_name)
            return self._commit_failure(failed)
        self.db.execute("RELEASE outcome")
        return committed

    def _commit_failure(self, outcome) -> Committed:
        entry = QuarantineEntry(
            uri=outcome.uri, sha256=outcome.sha256, error=outcome.error or "failed", kind=outcome.kind or "internal",
            source_name=outcome.source_name,
        )
        text = entry.model_dump_json()
        row = self.db.execute("SELECT entry FROM quarantine WHERE uri = ?", (outcome.uri,)).fetchone()
        if not row or row[0] != text:
            self.db.execute("INSERT OR REPLACE INTO quarantine(uri, entry) VALUES (?, ?)", (outcome.uri, text))
            self._bump("quarantine")
        return Committed(outcome.uri, "failed", failure=entry)

    def _commit_record(self, outcome, run_id: str) -> Committed:
        data: bytes = outcome.record_json
        record = PolicyRecord.model_validate_json(data)
        uri, sha256 = outcome.uri, record.source.sha256
        extractor = record.extractor.version
        document = self.db.execute("SELECT sha256 FROM documents WHERE uri = ?", (uri,)).fetchone()
        self._clear_quarantine(uri)
        known = self._record_row(record.record_id)
        if known:
            return self._commit_known_bytes(outcome, record, known, document, run_id)

        relpath = record_relpath(record)
        key = policy_key(record)  # key and path: the extracted record's, whatever a reviewer corrects
        record, data = self._corrected(record, key, data)
        self._write_text(record.record_id, outcome.text_gz)
        atomic_write(safe_path(self.root, *relpath.split("/")), data)
        self._track_corrected(record)
        effective = record.dates.effective.value if record.dates.effective else None
        self.db.execute(
            "INSERT INTO records(record_id, sha256, policy_key, path, uri, effective) VALUES (?, ?, ?, ?, ?, ?)",
            (record.record_id, sha256, key, relpath, uri, effective),
        )
        self._set_document(uri, sha256, record.record_id, extractor)
        category = "updated" if document else "new"

        row = self.db.execute("SELECT entry FROM policies WHERE policy_key = ?", (key,)).fetchone()
        previous = IndexEntry.model_validate_json(row[0]) if row else None
        seq = self.last_seq + 1
        if previous is None:
            event = self._event(seq, "new", record, relpath, key, run_id)
            entry = _index_entry(record, key, relpath, revisions=1, seq=seq)
        elif _is_newer(effective, previous.effective):
            changes = self._diff_with(previous.record_path, record)
            kind = "updated" if changes is None or changes.substantive else "cosmetic"
            event = self._event(seq, kind, record, relpath, key, run_id, previous=previous, changes=changes)
            entry = _index_entry(record, key, relpath, revisions=previous.revisions + 1, seq=seq)
        else:
            event = self._event(seq, "older_revision", record, relpath, key, run_id, previous=previous)
            entry = previous.model_copy(update={"revisions": previous.revisions + 1, "last_seq": seq})
        self.db.execute("INSERT OR REPLACE INTO policies(policy_key, entry) VALUES (?, ?)", (key, entry.model_dump_json()))
        self._bump("index")
        self._add_event(event)
        return Committed(uri, category, event=event)

    def _commit_known_bytes(self, outcome, record: PolicyRecord, known: RecordRow, document, run_id: str) -> Committed:
        """Bytes the feed already has a record for: a duplicate uri, a restored file, or a new extractor."""
        record_id, sha256, key, relpath, first_uri = known
        path = safe_path(self.root, *relpath.split("/"))
        old = path.read_bytes() if path.is_file() else None
        same_uri = first_uri == outcome.uri
        self._set_document(outcome.uri, sha256, record_id, record.extractor.version)
        record, data = self._corrected(record, key, outcome.record_json)
        record_kept = old == data or (old is not None and not same_uri)
        self._write_text(record_id, outcome.text_gz, only_if_missing=record_kept)
        if record_kept:
            category = "unchanged" if document and document[0] == sha256 else "duplicate"
            return Committed(outcome.uri, category)
        if not same_uri:  # the file was lost: restore it from the first uri's point of view
            record = record.model_copy(update={"source": record.source.model_copy(update={"uri": first_uri})})
        data = canonical_json(record)
        atomic_write(path, data)
        self._track_corrected(record)
        if old is None:
            return Committed(outcome.uri, "updated")
        changes = _diff_bytes(old, record)
        seq = self.last_seq + 1
        event = self._event(seq, "reextracted", record, relpath, key, run_id, changes=changes, previous_id=record_id, previous_path=relpath)
        row = self.db.execute("SELECT entry FROM policies WHERE policy_key = ?", (key,)).fetchone()
        entry = IndexEntry.model_validate_json(row[0])
        if entry.record_id == record_id:
            entry = _index_entry(record, key, relpath, revisions=entry.revisions, seq=seq)
        else:
            entry = entry.model_copy(update={"last_seq": seq})
        self.db.execute("INSERT OR REPLACE INTO policies(policy_key, entry) VALUES (?, ?)", (key, entry.model_dump_json()))
        self._bump("index")
        self._add_event(event)
        return Committed(outcome.uri, "updated", event=event)

    # ---- reviewer corrections (flows/corrections.py)

    def _corrected(self, record: PolicyRecord, key: str, data: bytes) -> tuple[PolicyRecord, bytes]:
        """The record with the corrections made against it, and its bytes (`data` when there are none)."""
        entries = [e for e in self.corrections.get(key, ()) if e.record_id == record.record_id]
        if not entries:
            return record, data
        corrected, _ = reviewer.apply(record, entries)
        return (corrected, canonical_json(corrected)) if corrected.corrections else (record, data)

    def _track_corrected(self, record: PolicyRecord) -> None:
        if record.corrections:
            self.db.execute("INSERT OR IGNORE INTO corrected(record_id) VALUES (?)", (record.record_id,))
        else:
            self.db.execute("DELETE FROM corrected WHERE record_id = ?", (record.record_id,))

    def _latest_record_id(self, key: str) -> str | None:
        row = self.db.execute("SELECT entry FROM policies WHERE policy_key = ?", (key,)).fetchone()
        return IndexEntry.model_validate_json(row[0]).record_id if row else None

    def sync_corrections(self, *, run_id: str) -> tuple[list[ChangeEvent], list[reviewer.Outcome]]:
        """Bring every stored record in line with the corrections files: apply new or changed corrections,
        put back the extracted value of withdrawn ones (a `corrected` event each time a record changes), and
        say what became of every correction. Records are written first, then one transaction, then the log."""
        outcomes: list[reviewer.Outcome] = []
        targets: dict[str, list[reviewer.Entry]] = {}
        for key, entries in self.corrections.items():
            for entry in entries:
                row = self._record_row(entry.record_id)
                if row is None or row.policy_key != key:
                    outcomes.append(reviewer.Outcome(entry, "unknown_record", f"the feed has no record {entry.record_id} of policy {key}"))
                else:
                    targets.setdefault(entry.record_id, []).append(entry)
        previously = {record_id for (record_id,) in self.db.execute("SELECT record_id FROM corrected")}
        changed: list[tuple[RecordRow, bytes, PolicyRecord]] = []
        for record_id in sorted(set(targets) | previously):
            row = self._record_row(record_id)
            path = safe_path(self.root, *row.path.split("/")) if row else None
            if path is None or not path.is_file():
                continue
            old = path.read_bytes()
            record, results = reviewer.apply(PolicyRecord.model_validate_json(old), targets.get(record_id, []))
            latest = self._latest_record_id(row.policy_key)
            for result in results:
                if result.status == "applied" and latest not in (None, record_id):
                    result = reviewer.Outcome(result.entry, "stale", (
                        f"made against {record_id}, which is no longer the latest revision ({latest}): applied to {record_id} "
                        f"only; check it against {latest} and update its record_id"))
                outcomes.append(result)
            data = canonical_json(record)
            if data != old:
                atomic_write(path, data)
                changed.append((row, old, record))
        events: list[ChangeEvent] = []
        gone = [record_id for record_id in previously if self._record_row(record_id) is None]
        if not changed and not gone:
            return events, outcomes
        first_seq = self.last_seq
        try:
            with self.transaction():
                self._record_corrections(changed, gone, run_id, events)
        except BaseException:
            self.last_seq = first_seq
            raise
        append_lines(self.changes_path, [e.model_dump_json().encode("utf-8") + b"\n" for e in events])
        return events, outcomes

    def _record_corrections(self, changed: list, gone: list[str], run_id: str, events: list[ChangeEvent]) -> None:
        """Inside the transaction: a `corrected` event and the index entry for each record written."""
        for record_id in gone:
            self.db.execute("DELETE FROM corrected WHERE record_id = ?", (record_id,))
        for row, old, record in changed:
            self._track_corrected(record)
            seq = self.last_seq + 1
            event = self._event(seq, "corrected", record, row.path, row.policy_key, run_id, changes=_diff_bytes(old, record),
                                previous_id=row.record_id, previous_path=row.path)
            entry = IndexEntry.model_validate_json(
                self.db.execute("SELECT entry FROM policies WHERE policy_key = ?", (row.policy_key,)).fetchone()[0])
            if entry.record_id == row.record_id:
                entry = _index_entry(record, row.policy_key, row.path, revisions=entry.revisions, seq=seq)
            else:
                entry = entry.model_copy(update={"last_seq": seq})
            self.db.execute("INSERT OR REPLACE INTO policies(policy_key, entry) VALUES (?, ?)", (row.policy_key, entry.model_dump_json()))
            self._bump("index")
            self._add_event(event)
            events.append(event)

    def _write_text(self, record_id: str, text_gz: bytes | None, *, only_if_missing: bool = False) -> None:
        """texts/<2 hex>/<record_id>.txt.gz, written before its record (a feed made before texts were
        kept gets them on `ingest --force`; the same record's text is never rewritten needlessly)."""
        if text_gz is None:
            return
        path = safe_path(self.root, *text_relpath(record_id).split("/"))
        if only_if_missing and path.is_file():
            return
        if not path.is_file() or path.read_bytes() != text_gz:
            atomic_write(path, text_gz)

    def _diff_with(self, relpath: str, record: PolicyRecord) -> RecordChanges | None:
        try:
            return _diff_bytes(safe_path(self.root, *relpath.split("/")).read_bytes(), record)
        except (OSError, ValueError, FeedError):
            return None  # the previous record file is gone or damaged: the event says 'updated' without changes

    def _event(self, seq, kind, record, relpath, key, run_id, *, previous=None, changes=None, previous_id=None, previous_path=None):
        return ChangeEvent(
            seq=seq, kind=kind, policy_key=key, payer=record.payer.name, number=record.policy.number,
            title=record.policy.title, record_id=record.record_id, record_path=relpath,
            previous_record_id=previous.record_id if previous else previous_id,
            previous_record_path=previous.record_path if previous else previous_path,
            source_uri=record.source.uri, sha256=record.source.sha256, changes=changes, run_id=run_id, at=utc_now(),
        )

    def _add_event(self, event: ChangeEvent) -> None:
        self.db.execute("INSERT INTO events(seq, event) VALUES (?, ?)", (event.seq, event.model_dump_json()))
        self.last_seq = event.seq

    def _record_row(self, record_id: str) -> RecordRow | None:
        row = self.db.execute(
            "SELECT record_id, sha256, policy_key, path, uri FROM records WHERE record_id = ?", (record_id,)
        ).fetchone()
        return RecordRow(*row) if row else None

    def _set_document(self, uri: str, sha256: str, record_id: str, extractor: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO documents(uri, sha256, record_id, extractor) VALUES (?, ?, ?, ?)",
            (uri, sha256, record_id, extractor),
        )

    def _clear_quarantine(self, uri: str) -> None:
        if self.db.execute("DELETE FROM quarantine WHERE uri = ?", (uri,)).rowcount:
            self._bump("quarantine")

    # ---- views: index.json and quarantine.json

    def export_views(self) -> None:
        """Rewrite index.json / quarantine.json when their tables changed since the last export."""
        for view, path, write in (
            ("index", self.root / INDEX_FILE, self._write_index),
            ("quarantine", self.root / QUARANTINE_FILE, self._write_quarantine),
        ):
            generation = self._meta(f"{view}_gen", "0")
            if self._meta(f"{view}_exported", "-1") != generation or not path.exists():
                with atomic_writer(path) as handle:
                    write(handle)
                self._set_meta(f"{view}_exported", generation)

    def _export_quietly(self) -> None:
        """On the way out of a failed run: keep the views as fresh as possible, never mask the error."""
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self.export_views()
        except Exception:
            pass

    def _write_index(self, handle) -> None:
        head = {"schema_name": "policy-index", "schema_version": FEED_SCHEMA_VERSION, "last_seq": self.last_seq}
        handle.write(json.dumps(head)[:-1].encode() + b', "policies": [')
        rows = self.db.execute("SELECT entry FROM policies ORDER BY policy_key")
        _write_json_list(handle, (entry for (entry,) in rows))
        handle.write(b"]}\n")

    def _write_quarantine(self, handle) -> None:
        head = {"schema_name": "policy-quarantine", "schema_version": FEED_SCHEMA_VERSION}
        handle.write(json.dumps(head)[:-1].encode() + b', "entries": [')
        rows = self.db.execute("SELECT entry FROM quarantine ORDER BY uri")
        _write_json_list(handle, (entry for (entry,) in rows))
        handle.write(b"]}\n")

    def quarantine_entries(self) -> Iterator[QuarantineEntry]:
        for (entry,) in self.db.execute("SELECT entry FROM quarantine ORDER BY uri"):
            yield QuarantineEntry.model_validate_json(entry)


def _write_json_list(handle, items: Iterator[str]) -> None:
    first = True
    for item in items:
        handle.write(b"\n" if first else b",\n")
        handle.write(item.encode("utf-8"))
        first = False
    if not first:
        handle.write(b"\n")


def _is_newer(effective: str | None, latest: str | None) -> bool:
    """A revision replaces the latest unless both print effective dates and its date is earlier."""
    if effective and latest and effective != latest:
        return effective > latest
    return True


def _diff_bytes(old: bytes, record: PolicyRecord) -> RecordChanges:
    from flows.diff import diff_records

    return diff_records(PolicyRecord.model_validate_json(old), record)


def _index_entry(record: PolicyRecord, key: str, relpath: str, *, revisions: int, seq: int) -> IndexEntry:
    return IndexEntry(
        policy_key=key, payer=record.payer.name, number=record.policy.number, title=record.policy.title,
        version=record.policy.version, effective=record.dates.effective.value if record.dates.effective else None,
        coverage_status=record.coverage.status, record_id=record.record_id, record_path=relpath,
        source_uri=record.source.uri, sha256=record.source.sha256, revisions=revisions, last_seq=seq,
    )
