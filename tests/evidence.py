"""Walk a record (as JSON-able dicts) for its evidence objects."""

from __future__ import annotations

from collections.abc import Iterator

EVIDENCE_KEYS = {"start", "end", "page", "text"}


def evidences(node) -> Iterator[dict]:
    """Every evidence object in a record dump, however deep."""
    if isinstance(node, dict):
        if set(node) == EVIDENCE_KEYS:
            yield node
        for value in node.values():
            yield from evidences(value)
    elif isinstance(node, list):
        for value in node:
            yield from evidences(value)
