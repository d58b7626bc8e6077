"""JSON Schemas of the feed, generated from the pydantic models. `write_schemas(dir)` writes them to
structured_output/schema/; a test fails when the committed files drift from the models
(regenerate with `python -c "from flows.schemas import write_schemas; write_schemas('structured_output/schema')"`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

from extractors.models import SCHEMA_NAME, SCHEMA_VERSION, PolicyRecord
from flows.events import FEED_SCHEMA_VERSION, ChangeEvent, IndexEntry, PolicyIndex, QuarantineFile

BASE_ID = "https://policy-pipeline.local/schema"


def record_schema() -> dict:
    schema = PolicyRecord.model_json_schema()
    schema["$id"] = f"{BASE_ID}/{SCHEMA_NAME}/{SCHEMA_VERSION}.json"
    schema["title"] = f"{SCHEMA_NAME} {SCHEMA_VERSION}"
    return schema


def _feed_schema(model: type[BaseModel], name: str) -> Callable[[], dict]:
    def build() -> dict:
        schema = model.model_json_schema()
        schema["$id"] = f"{BASE_ID}/{name}/{FEED_SCHEMA_VERSION}.json"
        schema["title"] = f"{name} {FEED_SCHEMA_VERSION}"
        return schema

    return build


SCHEMAS: dict[str, Callable[[], dict]] = {
    "record": record_schema,
    "index": _feed_schema(PolicyIndex, "policy-index"),
    "index-entry": _feed_schema(IndexEntry, "index-entry"),
    "change-event": _feed_schema(ChangeEvent, "change-event"),
    "quarantine": _feed_schema(QuarantineFile, "policy-quarantine"),
}

SCHEMA_FILES: dict[str, str] = {
    "record": "policy-record.schema.json",
    "index": "policy-index.schema.json",
    "index-entry": "index-entry.schema.json",
    "change-event": "change-event.schema.json",
    "quarantine": "quarantine.schema.json",
}


def schema_text(name: str) -> str:
    """The file content for one schema: stable key order, two-space indent, final newline."""
    return json.dumps(SCHEMAS[name](), indent=2, sort_keys=True) + "\n"


def write_schemas(directory: str | Path) -> list[Path]:
    """Write every feed schema into `directory` (created if missing); returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, filename in SCHEMA_FILES.items():
        path = directory / filename
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
