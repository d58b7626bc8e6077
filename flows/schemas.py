"""JSON Schemas of the feed, generated from the pydantic models (a test keeps structured_output/schema/ in step)."""

from __future__ import annotations

from typing import Callable

from extractors.models import SCHEMA_NAME, SCHEMA_VERSION, PolicyRecord


def record_schema() -> dict:
    schema = PolicyRecord.model_json_schema()
    schema["$id"] = f"https://policy-pipeline.local/schema/{SCHEMA_NAME}/{SCHEMA_VERSION}.json"
    schema["title"] = f"{SCHEMA_NAME} {SCHEMA_VERSION}"
    return schema


SCHEMAS: dict[str, Callable[[], dict]] = {"record": record_schema}
