"""Coverage statements in the payer's own words, with normalized status and scope, and the overall status.

Statements come from `structure.statements` (status phrases in a verb frame, negation-aware, outside
narrative sections). Scope is read from the statement's own leading words ("Commercial PPO and
Indemnity This is not a covered service.") or from the nearest scope line above it in its section
("For Medicare Members", "Outpatient").
"""

from __future__ import annotations

import re
from bisect import bisect_left

from extractors.document import PolicyDoc
from extractors.models import Coverage, CoverageStatement
from extractors.lists import lists
from extractors.statuses import heading_status, overall
from extractors.structure import NOT_STATEMENTS, Statement, statements

SETTINGS = {"inpatient", "outpatient"}
SCOPE_LINE_MAX = 120  # chars: a scope line is a short heading, not prose


def extract(doc: PolicyDoc) -> Coverage:
    scopes = sorted(doc.spacy.spans.get("scopes", []), key=lambda s: s.start_char)
    starts = [s.start_char for s in scopes]
    out = []
    for statement in statements(doc) + _status_headings(doc):
        scope_text, labels = _scope(doc, statement.start, statement.end, scopes, starts)
        setting = next((label for label in labels if label in SETTINGS), None)
        out.append(
            CoverageStatement(
                status=statement.status,
                text=" ".join(statement.text.split()),
                scope=scope_text,
                lines_of_business=sorted({label for label in labels if label not in SETTINGS}),
                setting=setting,
                basis=statement.basis,
                evidence=doc.evidence(statement.start, statement.end),
            )
        )
    return Coverage(status=overall(s.status for s in out), statements=out)


def _scope(doc: PolicyDoc, start: int, end: int, scopes, starts) -> tuple[str | None, list[str]]:
    """(scope as printed, normalized labels) from the statement's prefix and the scope lines above it."""
    labels: list[str] = []
    scope_text = None
    # 1. scope words that open the statement line, before its subject: "Commercial PPO and Indemnity This is ..."
    line = doc.line_at(start)
    prefix_end = start if start > line.start else _prefix_end(doc.text, start, end)
    in_prefix = [s for s in scopes[bisect_left(starts, line.start) :] if s.end_char <= prefix_end]
    if in_prefix:
        scope_text = doc.text[line.content_start : prefix_end].strip() or None
        labels += [s.label_ for s in in_prefix]
    # 2. the nearest scope line above, within the statement's section
    section_start = max((s.start for s in doc.sections if s.start <= start), default=0)
    index = doc.line_index(start) - 1
    while index >= 0 and doc.lines[index].start >= section_start:
        candidate = doc.lines[index]
        content = candidate.text.strip()
        if content and len(content) <= SCOPE_LINE_MAX:
            found = [s for s in scopes[bisect_left(starts, candidate.start) :] if s.end_char <= candidate.end]
            if found and not re.search(r"[.;]$", content):
                labels += [s.label_ for s in found]
                scope_text = scope_text or content.rstrip(":")
                if not any(s.label_ in SETTINGS for s in found) or any(l not in SETTINGS for l in labels):
                    break
        index -= 1
    if "non_medicare" in labels:
        labels = [l for l in labels if l != "medicare"]
    return scope_text, list(dict.fromkeys(labels))


def _prefix_end(text: str, start: int, end: int) -> int:
    """Where a statement line's leading scope words end: 'Commercial PPO and Indemnity | This is not ...'."""
    match = re.search(r"\s(?=(?:This|These|It|The)\s)", text[start:end])
    return start + match.start() if match else start


def _status_headings(doc: PolicyDoc) -> list[Statement]:
    """A status heading over a list states the status of what it lists ("Covered" / "Non-Covered" over
    the services): each such heading is a statement, in the payer's own words."""
    out, seen = [], set()
    structure = lists(doc)
    for group in structure.groups:
        if group.heading is None or group.lead is not None or group.heading in seen:
            continue
        start, end = group.heading
        if doc.section_label_at(start) in NOT_STATEMENTS:
            continue
        status = heading_status(doc.text[start:end])
        if status is not None:
            seen.add(group.heading)
            out.append(Statement(start, end, status, doc.text[start:end], "structure"))
    return out
