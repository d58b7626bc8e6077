"""`export_feed(feed, to)`: the feed as tables for SQL consumers (DuckDB, pandas, Spark), in a DuckDB
file (`to` ends with .duckdb or .db) or a folder of Parquet files (anything else: one folder per
table, `<to>/<table>/part-<n>.parquet`). The tables and their columns: flows/export_tables.py.

Incremental: the export remembers what it holds (the DuckDB table `_export_state`, or
`<to>/_export_state.json`): each record file's size and mtime, index.json's hash, the change log's
last seq, and the tables' schema. A second export of an unchanged feed finds nothing to do and
writes nothing. New records add rows; a rewritten record (re-extracted) replaces its rows; new
change events are appended; the policies table follows index.json. A new record schema (other
columns) starts the export over.

DuckDB: each export is one transaction. Parquet: new rows go to new part files, which count only
once the state names them (written last, atomically); a part no state names (left by an interrupted
export) is deleted by the next export. Replaced rows mean that table's parts are written anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flows.export_tables import RECORD_TABLES, TABLES, record_rows, schema_fingerprint, schemas, to_table
from flows.feed_read import check_feed, read_events, read_record, record_files
from flows.files import FeedError, atomic_write
from flows.store import INDEX_FILE

CHUNK = 500  # records per batch of rows (memory stays flat in the feed's size)
STATE_FILE = "_export_state.json"
MAX_PARTS = 32  # a Parquet table with more parts is compacted into one


@dataclass
class ExportSummary:
    to: str
    format: str  # duckdb | parquet
    records_added: int = 0
    records_replaced: int = 0
    records_removed: int = 0
    events_added: int = 0
    policies_rewritten: bool = False
    rows: int = 0  # rows written by this export (0: nothing to do, nothing written)
    tables: dict[str, int] = field(default_factory=dict)  # rows per table after the export

    def line(self) -> str:
        if not self.rows and not self.records_removed:
            return f"{self.to}: up to date, nothing written ({self.format})"
        return (f"{self.to}: {self.records_added} records added, {self.records_replaced} replaced, {self.records_removed} removed, "
                f"{self.events_added} change events added, {self.rows} rows written ({self.format})")


@dataclass
class Plan:
    """What an export must do, found without writing anything."""

    add: list = field(default_factory=list)  # RecordFile
    replace: list = field(default_factory=list)
    remove: list[str] = field(default_factory=list)  # record ids
    events: list[dict] = field(default_factory=list)
    index: dict | None = None  # the new index.json when it changed
    state: dict = field(default_factory=dict)  # the state after the export

    @property
    def empty(self) -> bool:
        return not (self.add or self.replace or self.remove or self.events or self.index is not None)


def target_format(to: str | Path) -> str:
    return "duckdb" if str(to).endswith((".duckdb", ".db")) else "parquet"


def export_feed(feed: str | Path, to: str | Path) -> ExportSummary:
    root = check_feed(feed)
    to = Path(to)
    kind = target_format(to)
    if kind == "parquet" and to.exists() and not to.is_dir():
        raise FeedError(f"{to}: exists and is not a folder (a Parquet export is a folder; name a DuckDB file *.duckdb)")
    if kind == "duckdb" and to.is_dir():
        raise FeedError(f"{to}: is a folder, not a DuckDB file")
    previous = _read_state_duckdb(to) if kind == "duckdb" else _read_state_parquet(to)
    if kind == "parquet" and previous and not _parts_ok(to, previous):
        previous = {"next_part": previous.get("next_part", 0)}  # part files went missing: export everything again
    plan = _plan(root, previous)
    summary = ExportSummary(to=str(to), format=kind, records_added=len(plan.add), records_replaced=len(plan.replace),
                            records_removed=len(plan.remove), events_added=len(plan.events), policies_rewritten=plan.index is not None)
    if plan.empty:
        summary.tables = previous.get("rows", {})
        return summary
    if kind == "duckdb":
        summary.rows, summary.tables = _write_duckdb(to, plan)
    else:
        summary.rows, summary.tables = _write_parquet(to, plan, previous)
    return summary


def _plan(root: Path, previous: dict) -> Plan:
    events = read_events(root)
    files = record_files(root, events)
    fingerprint = schema_fingerprint()
    if previous.get("schema") != fingerprint:
        previous = {}  # new columns (or a first export): everything again
    known: dict = previous.get("records", {})
    plan = Plan()
    current = {}
    for f in files:
        current[f.record_id] = [f.stat_key[0], f.stat_key[1], f.policy_key, f.relpath]
        before = known.get(f.record_id)
        if before is None:
            plan.add.append(f)
        elif before[:2] != list(f.stat_key):
            plan.replace.append(f)
    plan.remove = sorted(set(known) - set(current))
    last_seq = previous.get("last_seq", 0)
    plan.events = [e for e in events if e["seq"] > last_seq]
    index_bytes = (root / INDEX_FILE).read_bytes() if (root / INDEX_FILE).is_file() else b'{"policies": []}'
    index_hash = hashlib.sha256(index_bytes).hexdigest()
    if index_hash != previous.get("index"):
        plan.index = json.loads(index_bytes)
    plan.state = {"schema": fingerprint, "records": current, "last_seq": max([last_seq] + [e["seq"] for e in plan.events]),
                  "index": index_hash, "rows": previous.get("rows", {})}
    return plan


def _parts_ok(to: Path, state: dict) -> bool:
    """The Parquet parts the state names are all there (else the export is written again)."""
    parts = [p for names in state.get("parts", {}).values() for p in names]
    return bool(parts) and all((to / p).is_file() for p in parts)


def _record_batches(files: list) -> Iterator[dict[str, list[dict]]]:
    """Rows of the record tables, CHUNK records at a time."""
    for start in range(0, len(files), CHUNK):
        rows: dict[str, list[dict]] = {table: [] for table in RECORD_TABLES}
        for f in files[start:start + CHUNK]:
            record = read_record(f.path)
            if record is None:
                continue
            for table, items in record_rows(record, record_id=f.record_id, policy_key=f.policy_key, record_path=f.relpath).items():
                rows[table] += items
        yield rows


# ---------------------------------------------------------------- DuckDB


def _read_state_duckdb(path: Path) -> dict:
    if not path.exists():
        return {}
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as db:
            row = db.execute("SELECT value FROM _export_state WHERE key = 'state'").fetchone()
    except duckdb.Error as error:
        if "_export_state" in str(error):
            raise FeedError(f"{path}: a DuckDB file this command did not make; choose a new file") from None
        raise FeedError(f"{path}: cannot be read as DuckDB ({str(error).splitlines()[0]})") from None
    return json.loads(row[0]) if row else {}


def _write_duckdb(path: Path, plan: Plan) -> tuple[int, dict[str, int]]:
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with duckdb.connect(str(path)) as db:
        start_over = plan.state["schema"] != _duck_schema(db)
        db.execute("BEGIN TRANSACTION")
        try:
            if start_over:
                for table in TABLES:
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
            for table, schema in schemas().items():
                empty = schema.empty_table()  # noqa: F841 (read by DuckDB's replacement scan)
                db.execute(f'CREATE TABLE IF NOT EXISTS "{table}" AS SELECT * FROM empty')
            db.execute("CREATE TABLE IF NOT EXISTS _export_state(key VARCHAR PRIMARY KEY, value VARCHAR)")
            gone = plan.remove + [f.record_id for f in plan.replace]
            for start in range(0, len(gone), 1000):
                ids = gone[start:start + 1000]
                for table in RECORD_TABLES:
                    db.execute(f'DELETE FROM "{table}" WHERE record_id IN (SELECT unnest(?::VARCHAR[]))', [ids])
            for rows in _record_batches(plan.add + plan.replace):
                for table, items in rows.items():
                    written += _insert(db, table, items)
            if plan.index is not None:
                db.execute('DELETE FROM "policies"')
                written += _insert(db, "policies", plan.index.get("policies", []))
            written += _insert(db, "changes", plan.events)
            counts = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in TABLES}
            state = {**plan.state, "rows": counts}
            db.execute("INSERT OR REPLACE INTO _export_state VALUES ('state', ?)", [json.dumps(state)])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return written, counts


def _duck_schema(db) -> str | None:
    if not db.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = '_export_state'").fetchone()[0]:
        return None
    row = db.execute("SELECT value FROM _export_state WHERE key = 'state'").fetchone()
    return json.loads(row[0]).get("schema") if row else None


def _insert(db, table: str, rows: list[dict]) -> int:
    if not rows:
        return 0
    arrow = to_table(rows, schemas()[table])  # noqa: F841 (read by DuckDB's replacement scan)
    db.execute(f'INSERT INTO "{table}" SELECT * FROM arrow')
    return len(rows)


# ---------------------------------------------------------------- Parquet


def _read_state_parquet(folder: Path) -> dict:
    path = folder / STATE_FILE
    if not path.is_file():
        if folder.is_dir() and any(folder.iterdir()):
            raise FeedError(f"{folder}: not empty and not a Parquet export made by this command; choose a new or empty folder")
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise FeedError(f"{path}: damaged; remove the folder and export again") from None


def _write_parquet(folder: Path, plan: Plan, previous: dict) -> tuple[int, dict[str, int]]:
    import pyarrow.parquet as pq

    same_schema = previous.get("schema") == plan.state["schema"]
    parts: dict[str, list[str]] = {t: list(previous.get("parts", {}).get(t, [])) if same_schema else [] for t in TABLES}
    counts: dict[str, int] = {t: previous.get("rows", {}).get(t, 0) if same_schema else 0 for t in TABLES}
    number = previous.get("next_part", 0)
    drop = set(plan.remove) | {f.record_id for f in plan.replace}
    written = 0

    def new_part(table: str) -> tuple[str, Path]:
        nonlocal number
        name = f"{table}/part-{number:05d}.parquet"
        number += 1
        (folder / table).mkdir(parents=True, exist_ok=True)
        return name, folder / name

    writers: dict[str, tuple[str, object]] = {}

    def writer(table: str):
        if table not in writers:
            name, path = new_part(table)
            writers[table] = (name, pq.ParquetWriter(path, schemas()[table]))
        return writers[table][1]

    for table in TABLES:  # replaced or removed records, or too many parts: the table's kept rows go first
        if table == "policies" or not (drop and table in RECORD_TABLES or len(parts[table]) >= MAX_PARTS):
            continue
        counts[table] = 0
        for old in parts[table]:
            kept = _without(pq.read_table(folder / old, schema=schemas()[table]), drop if table in RECORD_TABLES else set())
            writer(table).write_table(kept)
            counts[table] += kept.num_rows
        parts[table] = []
    for rows in _record_batches(plan.add + plan.replace):
        for table, items in rows.items():
            if items:
                writer(table).write_table(to_table(items, schemas()[table]))
                counts[table] += len(items)
                written += len(items)
    if plan.events:
        writer("changes").write_table(to_table(plan.events, schemas()["changes"]))
        counts["changes"] += len(plan.events)
        written += len(plan.events)
    if plan.index is not None:
        rows = plan.index.get("policies", [])
        writer("policies").write_table(to_table(rows, schemas()["policies"]))
        parts["policies"], counts["policies"] = [], len(rows)
        written += len(rows)
    for table, (name, open_writer) in writers.items():
        open_writer.close()
        parts[table].append(name)
    for table in TABLES:  # every table has a part, so a reader always finds its columns
        if not parts[table]:
            name, path = new_part(table)
            pq.write_table(schemas()[table].empty_table(), path)
            parts[table] = [name]
    state = {**plan.state, "rows": counts, "parts": parts, "next_part": number}
    atomic_write(folder / STATE_FILE, json.dumps(state).encode("utf-8"))
    _remove_unlisted(folder, {p for names in parts.values() for p in names})
    return written, counts


def _without(table, record_ids: set[str]):
    import pyarrow as pa
    import pyarrow.compute as pc

    if not record_ids:
        return table
    return table.filter(pc.invert(pc.is_in(table["record_id"], value_set=pa.array(sorted(record_ids), pa.string()))))


def _remove_unlisted(folder: Path, listed: set[str]) -> None:
    """Parts no state names: superseded by this export, or left by an interrupted one."""
    for table in TABLES:
        directory = folder / table
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.suffix == ".parquet" and f"{table}/{path.name}" not in listed:
                os.unlink(path)
