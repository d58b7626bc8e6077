"""The committed JSON Schemas match the models, and what the feed writes validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from flows.discover import discover
from flows.engine import ingest_refs
from flows.schemas import SCHEMA_FILES, SCHEMAS, schema_text, write_schemas
from flows.files import read_changes

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "structured_output" / "schema"
REGENERATE = "python -c \"from flows.schemas import write_schemas; write_schemas('structured_output/schema')\""


@pytest.mark.parametrize("name", list(SCHEMA_FILES))
def test_committed_schema_matches_the_models(name):
    path = SCHEMA_DIR / SCHEMA_FILES[name]
    assert path.exists(), f"{path} is missing; regenerate with: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == schema_text(name), f"{path.name} drifted from the models; regenerate with: {REGENERATE}"


def test_write_schemas_writes_every_file(tmp_path):
    written = write_schemas(tmp_path / "schema")
    assert sorted(p.name for p in written) == sorted(SCHEMA_FILES.values())
    for path in written:
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_record_schema_file_name_is_fixed():
    assert SCHEMA_FILES["record"] == "policy-record.schema.json"


def test_feed_files_validate(tmp_path, seeds):
    out = tmp_path / "out"
    (seeds / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    ingest_refs(discover(seeds), str(out))
    validate = {name: jsonschema.Draft202012Validator(build()) for name, build in SCHEMAS.items()}
    validate["index"].validate(json.loads((out / "index.json").read_text()))
    validate["quarantine"].validate(json.loads((out / "quarantine.json").read_text()))
    for entry in json.loads((out / "index.json").read_text())["policies"]:
        validate["index-entry"].validate(entry)
    for event in read_changes(out / "changes.jsonl"):
        validate["change-event"].validate(event)
    for record in (out / "records").rglob("*.json"):
        validate["record"].validate(json.loads(record.read_text()))
