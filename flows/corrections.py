"""Reviewer corrections: `corrections/<policy_key>.yaml` in the feed, applied to records by `ingest`.

A file lists corrections of one policy (its policy key, see flows/files.py `policy_key`; a key with a
slash, "cigna/some-title", is a subfolder):

    corrections:
      - field: dates.effective          # dotted path into the record; "codes[2].status" or "codes.2.status"
        value: "2025-03-01"             # a date field takes "YYYY-MM-DD", "YYYY-MM" or "YYYY"; null clears a value
        reason: letterhead date misread
        who: jdoe
        when: "2026-01-05"
        record_id: rec_0123...          # the record (revision) the correction was made against

`apply` puts the corrected value in the record and keeps the extracted one beside it in
`record.corrections`; `strip` puts the extracted values back, so a record can be corrected again from
scratch. A correction whose extracted value already equals it is `not_needed`; one whose record is not the
policy's latest revision is `stale` (applied to the revision it names, never carried to a newer one).
Reading the files is all-or-nothing: one malformed file raises one `InputError` naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from extractors.errors import InputError
from extractors.models import Correction, PolicyRecord
from extractors.review import reasons

CORRECTIONS_DIR = "corrections"
FIELDS = ("field", "value", "reason", "who", "when", "record_id")
CORRECTABLE = frozenset({"payer", "policy", "dates", "coverage", "codes", "indications", "references", "history"})
DATE_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # e.g. 2025, 2025-03, 2025-03-01
PATH_PART = re.compile(r"^[a-z_]+$|^\d+$")  # e.g. "dates", "effective", "3"
PRECISION = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True)
class Entry:
    """One correction as written, with where it was written."""

    field: str
    value: Any
    reason: str
    who: str
    when: str
    record_id: str
    policy_key: str
    file: str  # relative to the feed, e.g. "corrections/cpg-123.yaml"
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Outcome:
    """What became of one correction: applied | not_needed | stale | unknown_record | cannot_apply."""

    entry: Entry
    status: str
    message: str


# ---------------------------------------------------------------- reading the files


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the 1-based line of every mapping (under the key '__line__')."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_corrections(feed: str | Path) -> dict[str, list[Entry]]:
    """Every corrections file of the feed: policy key -> entries, in file order. One malformed file raises
    `InputError` ("<file>:<line>: <problem>") before anything is applied."""
    root = Path(feed) / CORRECTIONS_DIR
    found: dict[str, list[Entry]] = {}
    if not root.is_dir():
        return found
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file()):
        key = path.relative_to(root).with_suffix("").as_posix()
        found[key] = _read_file(path, key, f"{CORRECTIONS_DIR}/{path.relative_to(root).as_posix()}")
    return found


def _read_file(path: Path, key: str, name: str) -> list[Entry]:
    try:
        loader = _LineLoader(path.read_text(encoding="utf-8"))  # a SafeLoader: plain data only, never objects
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        raise InputError(f"{name}:1: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InputError(f"{name}:{line}: not valid YAML ({getattr(error, 'problem', None) or error})") from None
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"corrections", "__line__"} or not isinstance(data.get("corrections"), list):
        line = data.get("__line__", 1) if isinstance(data, dict) else 1
        raise InputError(f"{name}:{line}: expected a mapping with one key, `corrections`, holding a list")
    entries = []
    for item in data["corrections"]:
        line = item.get("__line__", 1) if isinstance(item, dict) else data["__line__"]
        entries.append(_entry(item, key, name, line))
    return entries


def _entry(item: Any, key: str, name: str, line: int) -> Entry:
    where = f"{name}:{line}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: a correction is a mapping of {', '.join(FIELDS)}")
    item = {k: v for k, v in item.items() if k != "__line__"}
    unknown = sorted(set(item) - set(FIELDS))
    missing = [f for f in FIELDS if f not in item]
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r} (a correction has {', '.join(FIELDS)})")
    if missing:
        raise InputError(f"{where}: required field {missing[0]!r} is missing")
    for text in ("field", "reason", "who", "record_id"):
        if not isinstance(item[text], str) or not item[text].strip():
            raise InputError(f"{where}: {text} must be a non-empty string")
    when = item["when"]
    if not str(when).strip():
        raise InputError(f"{where}: when must be a date or a time")
    try:
        parts = split_path(item["field"])
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None
    value = item["value"]
    if parts[0] == "dates" and len(parts) == 2 and value is not None and not (isinstance(value, str) and DATE_VALUE.match(value)):
        raise InputError(f"{where}: {item['field']} takes a date written \"YYYY-MM-DD\", \"YYYY-MM\" or \"YYYY\" (quoted), not {value!r}")
    return Entry(field=item["field"], value=_plain(value), reason=item["reason"].strip(), who=item["who"].strip(),
                 when=str(when), record_id=item["record_id"].strip(), policy_key=key, file=name, line=line)


def _plain(value: Any) -> Any:
    """YAML values as JSON values: line markers dropped, dates as ISO strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def split_path(field: str) -> list[str]:
    """'codes[2].status' -> ['codes', '2', 'status']; only correctable parts of the record."""
    parts = re.sub(r"\[(\d+)\]", r".\1", field.strip()).split(".")
    if not all(PATH_PART.match(p) for p in parts):
        raise ValueError(f"field {field!r} is not a dotted path like dates.effective or codes[2].status")
    if parts[0] not in CORRECTABLE:
        raise ValueError(f"field {field!r} cannot be corrected (correctable: {', '.join(sorted(CORRECTABLE))})")
    return parts


# ---------------------------------------------------------------- applying them


def _get(data: Any, parts: list[str]) -> Any:
    for part in parts:
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def _set(data: Any, parts: list[str], value: Any) -> None:
    parent = _get(data, parts[:-1])
    if isinstance(parent, list):
        parent[int(parts[-1])] = value
    elif parts[-1] in parent:
        parent[parts[-1]] = value
    else:
        raise KeyError(parts[-1])


def _new_value(parts: list[str], value: Any, extracted: Any) -> Any:
    """A date field written as a string becomes a date value; its evidence stays the extracted one (an
    empty slice at 0 when nothing was extracted), and `corrections` says who set it."""
    if parts[0] == "dates" and len(parts) == 2 and isinstance(value, str):
        evidence = extracted["evidence"] if isinstance(extracted, dict) else {"start": 0, "end": 0, "page": 1, "text": ""}
        return {"value": value, "precision": PRECISION[len(value)], "label": "correction", "evidence": evidence}
    return value


def _agrees(parts: list[str], value: Any, extracted: Any) -> bool:
    if parts[0] == "dates" and len(parts) == 2 and isinstance(extracted, dict):
        extracted = extracted.get("value")
    if isinstance(value, str) and isinstance(extracted, str):
        return " ".join(value.split()).casefold() == " ".join(extracted.split()).casefold()
    return value == extracted


def strip(record: PolicyRecord) -> PolicyRecord:
    """The record as extracted: every corrected value put back, `corrections` empty, review recomputed."""
    if not record.corrections:
        return record
    data = record.model_dump(mode="json")
    for correction in reversed(record.corrections):
        _set(data, split_path(correction.field), correction.extracted)
    data["corrections"] = []
    return _reviewed(PolicyRecord.model_validate(data))


def _reviewed(record: PolicyRecord) -> PolicyRecord:
    found = reasons(record)
    return record.model_copy(update={"review": found, "needs_review": bool(found)})


def apply(record: PolicyRecord, entries: list[Entry]) -> tuple[PolicyRecord, list[Outcome]]:
    """The record (as extracted) with the entries made against it applied, and what became of each entry.
    Entries made against other records are skipped (the caller reports them)."""
    record = strip(record)
    data = record.model_dump(mode="json")
    applied: list[Correction] = []
    outcomes: list[Outcome] = []
    for entry in entries:
        if entry.record_id != record.record_id:
            continue
        parts = split_path(entry.field)
        try:
            extracted = _get(data, parts)
        except (KeyError, IndexError, TypeError, ValueError):
            outcomes.append(Outcome(entry, "cannot_apply", f"the record has no field {entry.field}"))
            continue
        if _agrees(parts, entry.value, extracted):
            outcomes.append(Outcome(entry, "not_needed", f"no longer needed: the extracted {entry.field} is already {entry.value!r}"))
            continue
        trial = _copy(data)
        _set(trial, parts, _new_value(parts, entry.value, extracted))
        try:
            PolicyRecord.model_validate(trial)
        except ValidationError as error:
            problem = error.errors()[0]
            outcomes.append(Outcome(entry, "cannot_apply", f"{entry.value!r} does not fit {entry.field}: {problem['msg']}"))
            continue
        data = trial
        applied.append(Correction(field=entry.field, value=entry.value, extracted=extracted, reason=entry.reason,
                                  who=entry.who, when=entry.when, record_id=entry.record_id))
        outcomes.append(Outcome(entry, "applied", f"{entry.field} set to {entry.value!r} by {entry.who}"))
    if not applied:
        return record, outcomes
    data["corrections"] = [c.model_dump(mode="json") for c in applied]
    return _reviewed(PolicyRecord.model_validate(data)), outcomes


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data
