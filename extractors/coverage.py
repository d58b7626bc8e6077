"""Coverage statements in the payer's own words, with normalized status and scope, and the overall status.

Statements come from `structure.statements` (status phrases in a verb frame, negation-aware, outside
narrative sections). Scope is read from the statement's own leading words ("Commercial PPO and
Indemnity This is not a covered service.") or from the nearest scope line above it in its section
("For Medicare Members", "Outpatient").
A policy that states no position but requires prior authorization for the service, or says it "will be approved
based on the following criteria", covers it with criteria.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from extractors.document import PolicyDoc
from extractors.models import Coverage, CoverageStatement, Status
from extractors.lists import lists
from extractors.statuses import DISCLAIMER, StatusIndex, heading_status, overall
from extractors.structure import NOT_STATEMENTS, Statement, statements

SETTINGS = {"inpatient", "outpatient"}
SCOPE_LINE_MAX = 120  # chars: a scope line is a short heading, not prose
# a heading (or an outline item) over a list that says when the services have a status, e.g. "3. When services
# are not covered", "When services may be eligible for coverage", "When Services Are Considered Investigational"
WHEN_HEADING = re.compile(
    r"(?i)\W*when\s+(?:the\s+)?(?:services?|procedures?|tests?|testing|items?|treatments?|devices?|drugs?)\s+"
    r"(?:are|is|may\s+be|will\s+be)\b[^.:;\n]{0,50}:?\s*$"
)
# an exclusions heading over a list, e.g. "7. Specific Exclusions as Non-Covered Services", "Exclusions:", "Non-covered services"
EXCLUSIONS_HEADING = re.compile(r"(?i)\W*(?:[a-z]+\s+){0,2}(?:exclusions?|non-?covered(?:\s+services)?)\b[^.:;\n]{0,40}:?\s*$")
# a policy whose only position is that the service needs prior authorization covers it under review, e.g. "Driscoll
# Health Plan requires prior authorization of all requests for Cystic Fibrosis Carrier Screening", "Prior
# authorization is required for ..." (not "does not require prior authorization")
PRIOR_AUTH = re.compile(
    r"(?i)(?<!not\s)(?<!n't\s)\b(?:requires?|required)\s+(?:a\s+)?(?:prior\s+authori[sz]ation|pre-?authori[sz]ation|pre-?certification|prior\s+approval)\b"
    r"|\b(?:prior\s+authori[sz]ation|pre-?authori[sz]ation|pre-?certification)\s+(?:is|are)\s+required\b"
    # e.g. "Prior authorization may be granted for the test when the following criteria are met" (a state notice)
    r"|\b(?:prior\s+authori[sz]ation|pre-?authori[sz]ation|pre-?certification|prior\s+approval)\s+(?:may|will|can)\s+be\s+(?:granted|approved|given)\b"
    r"|(?<!not\s)\bsubject\s+to\s+(?:prior\s+authori[sz]ation|pre-?authori[sz]ation|pre-?certification|prior\s+approval)\b"  # e.g. "is subject to prior authorization"
    # e.g. "Spravato will be approved based on all of the following criteria", "... may be approved when:" (a PA program)
    r"|(?<!not\s)\b(?:will|may|can|shall)\s+be\s+approved\s+(?:based\s+on\b[^.\n]{0,40}\bcriteria|if|when|for\s+patients\s+who)\b"
)
NO_POSITION_HERE = frozenset({"references", "websites", "history", "index", "metadata", "instructions", "codes"})
# sections whose headings are never the policy's, even when the outline misleads the section labels
NOT_POLICY_HEADINGS = frozenset({"references", "websites", "history", "index", "metadata", "instructions", "definitions", "codes"})


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
    if not out:
        out = _prior_authorization(doc)
    return Coverage(status=overall(s.status for s in out), statements=out)


def _prior_authorization(doc: PolicyDoc) -> list[CoverageStatement]:
    """The first prior-authorization requirement of a policy that states no coverage position otherwise."""
    if "authori" not in doc.text and "certification" not in doc.text and "approved" not in doc.text:
        return []
    for match in PRIOR_AUTH.finditer(doc.text):
        if doc.section_label_at(match.start()) in NO_POSITION_HERE:
            continue
        span = doc.spacy.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        start, end = span.sent.start_char, span.sent.end_char
        text = doc.text[start:end].strip()
        if DISCLAIMER.search(text):
            continue  # "... does not imply that the code is under management or requires prior authorization."
        start = doc.text.index(text, start)
        return [CoverageStatement(
            status=Status.medically_necessary_with_criteria, text=" ".join(text.split()), scope=None, lines_of_business=[],
            setting=None, basis="prose", evidence=doc.evidence(start, start + len(text)),
        )]
    return []


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
    index = StatusIndex(doc)
    for group in structure.groups:
        when = _when_heading(doc, structure, group, index)
        if when is not None and when[:2] not in seen:
            seen.add(when[:2])
            out.append(Statement(when[0], when[1], when[2], doc.text[when[0] : when[1]], "structure"))
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


def _when_heading(doc: PolicyDoc, structure, group, index: StatusIndex) -> tuple[int, int, Status] | None:
    """(start, end, status) of a "When services are not covered" or an exclusions heading over the group:
    its parent outline item ("3. When services are not covered" / "• Services are not covered for ..."),
    its lead or its heading line. Such a heading is the policy's wherever the outline puts it (a numbered outline can
    mislead the section labels), except in references, history, definitions and the like."""
    if group.parent is not None:
        parent = structure.items[group.parent]
        span = (parent.start, min(parent.end, doc.line_at(parent.start).end))
    else:
        span = group.heading or group.lead
    if span is None or doc.section_label_at(span[0]) in NOT_POLICY_HEADINGS:
        return None
    if WHEN_HEADING.match(doc.text, span[0], span[1]):
        status = index.status_of(*span)
    elif EXCLUSIONS_HEADING.match(doc.text, span[0], span[1]):
        status = Status.not_covered
    else:
        return None
    return (span[0], span[1], status) if status is not None else None
