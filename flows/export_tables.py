"""The feed as tables for SQL: their Arrow schemas, derived from the feed's JSON Schemas (so columns
carry the schema's field names and grow with it), and the rows one record or event gives.

    policies      one row per policy: index.json's entries (schema/index-entry.schema.json)
    revisions     one row per record: record_id, policy_key, record_path, then the record's fields
                  (payer, policy, dates, source ... as structs; coverage_status; repairs; warnings)
    codes, statements, indications, references, history
                  one row per item of the record's list: record_id, policy_key, position (0-based),
                  then the item's fields (evidence as a struct: start, end, page, text)
    changes       one row per change event (schema/change-event.schema.json), `changes` as a struct

Values that do not fit their column's type (a record from another producer version) become null
rather than failing the export.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import pyarrow as pa

KEYS = [("record_id", pa.string()), ("policy_key", pa.string())]
ITEM_TABLES = {  # table -> where its items are in a record, and the JSON Schema definition of one item
    "codes": (("codes",), "Code"),
    "statements": (("coverage", "statements"), "CoverageStatement"),
    "indications": (("indications",), "Indication"),
    "references": (("references",), "Reference"),
    "history": (("history",), "HistoryEntry"),
}
RECORD_TABLES = ("revisions", *ITEM_TABLES)
TABLES = ("policies", *RECORD_TABLES, "changes")
IN_OTHER_TABLES = {"codes", "indications", "references", "history", "coverage", "record_id"}


def arrow_type(schema: dict, defs: dict) -> pa.DataType:
    """A JSON Schema (pydantic's dialect: $ref into $defs, anyOf with null for optional) as an Arrow type."""
    if "$ref" in schema:
        return arrow_type(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return arrow_type(options[0], defs) if len(options) == 1 else pa.string()
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        return pa.struct([(name, arrow_type(sub, defs)) for name, sub in schema["properties"].items()])
    if kind == "array":
        return pa.list_(arrow_type(schema.get("items", {}), defs))
    return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}.get(kind, pa.string())


@lru_cache(maxsize=1)
def schemas() -> dict[str, pa.Schema]:
    from flows.schemas import SCHEMAS

    record, index_entry, event = SCHEMAS["record"](), SCHEMAS["index-entry"](), SCHEMAS["change-event"]()
    defs = record.get("$defs", {})
    revision = [(name, arrow_type(sub, defs)) for name, sub in record["properties"].items() if name not in IN_OTHER_TABLES]
    tables = {
        "policies": _schema(index_entry),
        "revisions": pa.schema(KEYS + [("record_path", pa.string())] + revision[:_after(revision, "dates")]
                               + [("coverage_status", pa.string())] + revision[_after(revision, "dates"):]),
        "changes": _schema(event),
    }
    for table, (_, definition) in ITEM_TABLES.items():
        item = arrow_type(defs[definition], defs)
        tables[table] = pa.schema(KEYS + [("position", pa.int32())] + [(f.name, f.type) for f in item])
    return {name: tables[name] for name in TABLES}


def _schema(json_schema: dict) -> pa.Schema:
    defs = json_schema.get("$defs", {})
    return pa.schema([(name, arrow_type(sub, defs)) for name, sub in json_schema["properties"].items()])


def _after(fields: list, name: str) -> int:
    names = [n for n, _ in fields]
    return names.index(name) + 1 if name in names else len(fields)


def schema_fingerprint() -> str:
    """Changes when any table's columns change (a new record schema): the export then starts over."""
    text = "\n".join(f"{name}: {schema}" for name, schema in schemas().items())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record_rows(record: dict, *, record_id: str, policy_key: str, record_path: str) -> dict[str, list[dict]]:
    """The rows one record gives in each record table."""
    keys = {"record_id": record_id, "policy_key": policy_key}
    revision = {**record, **keys, "record_path": record_path,
                "coverage_status": (record.get("coverage") or {}).get("status") if isinstance(record.get("coverage"), dict) else None}
    rows = {"revisions": [revision]}
    for table, (path, _) in ITEM_TABLES.items():
        items = record
        for step in path:
            items = items.get(step) if isinstance(items, dict) else None
        rows[table] = [{**item, **keys, "position": i} for i, item in enumerate(items or []) if isinstance(item, dict)]
    return rows


def to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of `schema`; unknown fields are dropped, values of the wrong type become null."""
    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.Table.from_pylist([{f.name: conform(row.get(f.name), f.type) for f in schema} for row in rows], schema=schema)


def conform(value, kind: pa.DataType):
    """`value` if it fits `kind`, else null (strings keep scalars as text; objects as JSON)."""
    if value is None:
        return None
    if pa.types.is_struct(kind):
        return {f.name: conform(value.get(f.name), f.type) for f in kind} if isinstance(value, dict) else None
    if pa.types.is_list(kind):
        return [conform(v, kind.value_type) for v in value] if isinstance(value, list) else None
    if pa.types.is_string(kind):
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if pa.types.is_boolean(kind):
        return value if isinstance(value, bool) else None
    if pa.types.is_integer(kind):
        return value if isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63 else None
    if pa.types.is_floating(kind):
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return None
