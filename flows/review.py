"""The review queue: the latest revision of every policy in a feed whose record needs review, grouped by
reason, most severe first. Reads index.json and the record files; writes nothing.

`review_queue(feed)` returns the groups; `queue_lines(groups)` is what `policy-pipeline review` prints.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from extractors.errors import InputError
from extractors.models import Evidence, PolicyRecord, ReviewCode
from flows.files import safe_path


class QueueItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy_key: str
    record_id: str
    record_path: str
    payer: str | None
    title: str | None
    field: str
    message: str
    evidence: Evidence | None = None


class QueueGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: ReviewCode
    severity: int
    items: list[QueueItem] = Field(default_factory=list)


def review_queue(feed: str | Path) -> list[QueueGroup]:
    """Groups of (record, field, evidence) by reason: most severe first, then the most records first."""
    root = Path(feed)
    try:
        index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{feed}: no index.json; is this a feed folder (the --out of ingest)?") from None
    except (OSError, ValueError) as error:
        raise InputError(f"{root / 'index.json'}: cannot read ({error})") from None
    groups: dict[str, QueueGroup] = {}
    for entry in index.get("policies", []):
        record = PolicyRecord.model_validate_json(safe_path(root, *entry["record_path"].split("/")).read_bytes())
        for reason in record.review:
            group = groups.setdefault(reason.reason, QueueGroup(reason=reason.reason, severity=reason.severity))
            group.items.append(QueueItem(
                policy_key=entry["policy_key"], record_id=record.record_id, record_path=entry["record_path"],
                payer=record.payer.name, title=record.policy.title, field=reason.field, message=reason.message,
                evidence=reason.evidence,
            ))
    return sorted(groups.values(), key=lambda g: (-g.severity, -len({i.record_id for i in g.items}), g.reason))


def queue_lines(groups: list[QueueGroup]) -> list[str]:
    if not groups:
        return ["no record needs review"]
    lines = []
    for group in groups:
        records = len({item.record_id for item in group.items})
        lines.append(f"{group.reason} (severity {group.severity}, {records} record{'s' if records != 1 else ''})")
        for item in group.items:
            where = f' p.{item.evidence.page} "{" ".join(item.evidence.text.split())[:60]}"' if item.evidence and item.evidence.text else ""
            lines.append(f"  {item.policy_key}  {item.record_id}  {item.field}: {item.message}{where}")
    return lines
