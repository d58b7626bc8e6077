"""`policy-pipeline export`: the feed as SQL tables in DuckDB and Parquet, with the JSON Schema's
field names, incremental (an unchanged feed writes nothing), and the README's two example queries."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset
import pytest

from flows.discover import single_ref
from flows.engine import ingest_refs
from flows.export import STATE_FILE, export_feed
from flows.export_tables import TABLES
from flows.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw_documents"
README = ROOT / "README.md"
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)  # e.g. "```sql\nSELECT ...;\n```"


def records(feed: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((feed / "records").rglob("*.json"))]


def files_of(target: Path) -> dict[str, tuple[bytes, int]]:
    paths = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    paths += sorted(target.parent.glob(target.name + ".wal"))
    return {p.as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def table_contents(target: Path) -> dict[str, list]:
    """Every table's rows, sorted, from a DuckDB file or a Parquet folder."""
    with duckdb.connect() as db:
        if target.is_file():
            db.execute(f"ATTACH '{target}' AS feed (READ_ONLY)")
            source = {t: f'feed."{t}"' for t in TABLES}
        else:
            source = {t: f"read_parquet('{target}/{t}/*.parquet')" for t in TABLES}
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM {source[t]}").fetchall())) for t in TABLES}


def parquet_views(db, folder: Path) -> None:
    for table in TABLES:
        db.execute(f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{folder}/{table}/*.parquet')")


@pytest.fixture(scope="module")
def duck(raw_feed, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "feed.duckdb"
    summary = export_feed(raw_feed, path)
    assert summary.records_added == 10 and summary.events_added == 10
    return path


def test_tables_keys_and_schema_field_names(raw_feed, duck):
    defs = SCHEMAS["record"]()["$defs"]
    with duckdb.connect(str(duck), read_only=True) as db:
        columns = {t: [row[0] for row in db.execute(f'DESCRIBE "{t}"').fetchall()] for t in TABLES}
        counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        effective = db.execute("SELECT dates.effective.value, dates.effective.evidence.page, payer.name FROM revisions "
                               "WHERE policy_key = 'cmm-204' ORDER BY dates.effective.value").fetchall()
        m0076 = db.execute("SELECT evidence.text, status FROM codes WHERE code = 'M0076' AND policy_key = 'cmm-204' "
                           "ORDER BY record_id").fetchall()
    for table in TABLES:
        assert {"record_id", "policy_key"} <= set(columns[table]), table
    for table, definition in (("codes", "Code"), ("statements", "CoverageStatement"), ("indications", "Indication"),
                              ("references", "Reference"), ("history", "HistoryEntry")):
        assert columns[table] == ["record_id", "policy_key", "position", *defs[definition]["properties"]], table
    assert columns["policies"] == list(SCHEMAS["index-entry"]()["properties"])
    assert columns["changes"] == list(SCHEMAS["change-event"]()["properties"])
    assert {"payer", "policy", "dates", "source", "coverage_status"} <= set(columns["revisions"])
    every = records(raw_feed)
    assert counts == {"policies": 9, "revisions": 10, "codes": sum(len(r["codes"]) for r in every),
                      "statements": sum(len(r["coverage"]["statements"]) for r in every),
                      "indications": sum(len(r["indications"]) for r in every), "references": sum(len(r["references"]) for r in every),
                      "history": sum(len(r["history"]) for r in every), "changes": 10}
    assert effective == [("2023-05-31", 1, "eviCore"), ("2025-07-01", 1, "Cigna")]
    assert m0076 == [("M0076", "experimental_investigational_unproven")] * 2


def test_parquet_holds_the_same_rows_as_duckdb(raw_feed, duck, tmp_path):
    folder = tmp_path / "parquet"
    export_feed(raw_feed, folder)
    assert table_contents(folder) == table_contents(duck)
    assert pyarrow.dataset.dataset(folder / "codes").to_table().num_rows == len(table_contents(duck)["codes"])  # as pandas/Spark read it


@pytest.mark.parametrize("name", ["feed.duckdb", "parquet"])
def test_an_unchanged_feed_writes_nothing(raw_feed, tmp_path, name):
    target = tmp_path / name
    export_feed(raw_feed, target)
    before = files_of(target)
    again = export_feed(raw_feed, target)
    assert (again.rows, again.records_added, again.records_replaced, again.events_added, again.policies_rewritten) == (0, 0, 0, 0, False)
    assert again.line().endswith("up to date, nothing written (" + ("duckdb" if name.endswith("duckdb") else "parquet") + ")")
    assert files_of(target) == before  # same bytes, same mtimes


@pytest.mark.parametrize("name", ["feed.duckdb", "parquet"])
def test_new_and_rewritten_records_update_the_tables_as_a_fresh_export_would(raw_feed, tmp_path, name):
    feed = tmp_path / "feed"
    shutil.copytree(raw_feed, feed)
    target = tmp_path / name
    export_feed(feed, target)

    revised = tmp_path / "cmm-204-2026.txt"
    revised.write_bytes((RAW / "000_28171920f14a321b.txt").read_bytes().replace(b"July 1, 2025", b"July 1, 2026"))
    ingest_refs([single_ref(revised)], str(feed))
    summary = export_feed(feed, target)
    assert (summary.records_added, summary.records_replaced, summary.events_added, summary.policies_rewritten) == (1, 0, 1, True)
    fresh = tmp_path / ("fresh.duckdb" if name.endswith("duckdb") else "fresh")
    export_feed(feed, fresh)
    assert table_contents(target) == table_contents(fresh)

    record = next((feed / "records").rglob("*.json"))
    record.write_bytes(record.read_bytes())  # rewritten (as a re-extraction does): its rows are replaced, not doubled
    summary = export_feed(feed, target)
    assert (summary.records_added, summary.records_replaced) == (0, 1)
    assert table_contents(target) == table_contents(fresh)
    if target.is_dir():  # no part file is left that the state does not name
        state = json.loads((target / STATE_FILE).read_text())
        listed = {p for parts in state["parts"].values() for p in parts}
        assert {p.relative_to(target).as_posix() for p in target.rglob("*.parquet")} == listed


def test_values_of_a_newer_or_damaged_record_never_fail_the_export(raw_feed, tmp_path):
    feed = tmp_path / "feed"
    shutil.copytree(raw_feed, feed)
    path = next((feed / "records").rglob("*.json"))
    record = json.loads(path.read_text())
    record["review"] = {"needs_review": True}  # a field of a newer schema: not a column yet
    record["source"]["pages"] = "ten"  # the wrong type: null
    record["codes"].append({"code": "X1", "system": "CPT", "valid": False})  # missing fields: null
    path.write_text(json.dumps(record))
    target = tmp_path / "feed.duckdb"
    export_feed(feed, target)
    with duckdb.connect(str(target), read_only=True) as db:
        assert db.execute("SELECT source.pages FROM revisions WHERE record_id = ?", [record["record_id"]]).fetchone() == (None,)
        assert db.execute("SELECT status, evidence FROM codes WHERE code = 'X1'").fetchall() == [(None, None)]


def readme_queries() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Tables for SQL", 1)[1].split("\n## ", 1)[0]
    queries = SQL_BLOCK.findall(section)
    assert len(queries) == 2, "the README's 'Tables for SQL' section shows two SQL queries"
    return queries


def test_the_readme_queries_answer_on_the_export(duck, raw_feed, tmp_path):
    differ, recent = readme_queries()
    with duckdb.connect(str(duck), read_only=True) as db:
        rows = db.execute(differ).fetchall()
        assert [row[:2] for row in rows] == [("HCPCS", "M0076")]
        statuses = dict(item.rsplit(": ", 1) for item in rows[0][-1].split("; "))
        assert statuses == {"Blue Cross Blue Shield of Massachusetts": "experimental_investigational_unproven",
                            "Cigna": "experimental_investigational_unproven",
                            "Kaiser Foundation Health Plan of Washington": "not_medically_necessary",
                            "Wellmark": "experimental_investigational_unproven"}
        changed = db.execute(recent).fetchall()
    index = json.loads((raw_feed / "index.json").read_text())["policies"]
    assert sorted((r[0], r[1]) for r in changed) == sorted((e["payer"], e["number"]) for e in index)  # all ingested just now

    copy = tmp_path / "older.duckdb"
    shutil.copy(duck, copy)
    with duckdb.connect(str(copy)) as db:  # CG-MED-62 last changed 60 days ago: no longer in the answer
        db.execute("""UPDATE changes SET "at" = strftime(now() - INTERVAL 60 DAY, '%Y-%m-%dT%H:%M:%S.000Z') WHERE policy_key = 'cg-med-62'""")
        numbers = [r[1] for r in db.execute(recent).fetchall()]
    assert "CG-MED-62" not in numbers and len(numbers) == len(index) - 1


def test_the_readme_queries_run_on_parquet_too(raw_feed, duck, tmp_path):
    folder = tmp_path / "parquet"
    export_feed(raw_feed, folder)
    with duckdb.connect() as db, duckdb.connect(str(duck), read_only=True) as reference:
        parquet_views(db, folder)
        for query in readme_queries():
            assert db.execute(query).fetchall() == reference.execute(query).fetchall()


def test_a_parquet_export_whose_parts_went_missing_is_written_again(raw_feed, duck, tmp_path):
    folder = tmp_path / "parquet"
    export_feed(raw_feed, folder)
    shutil.rmtree(folder / "codes")
    summary = export_feed(raw_feed, folder)
    assert summary.records_added == 10
    assert table_contents(folder) == table_contents(duck)
