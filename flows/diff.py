"""Typed changes between two revisions of a policy, blind to cosmetics.

Texts are compared after `normalize` (Unicode form, letter case, quotes and dashes, punctuation and
whitespace), so reflowed lines, changed boilerplate around the fields, or moved evidence offsets never
make a change. References are matched by DOI, then PMID, then normalized text, then (for citation
style edits such as "310-28" -> "310-328" or added initials) by a close text match with the same first
author; two references whose DOIs or PMIDs differ never match.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher

from extractors.models import Code, CoverageStatement, PolicyRecord, Reference, Status
from flows.events import (
    CodeItem, CodeStatusChange, HistoryItem, RecordChanges, ReferenceItem, StatementChange, ValueChange,
)

REFERENCE_MATCH = 0.75  # text similarity of two printings of one reference (author initials, page ranges)
STATEMENT_MATCH = 0.8  # similarity above which an edited statement is the same statement reworded

_NON_WORD = re.compile(r"[\W_]+")  # e.g. "and/or," -> "and or"
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)  # e.g. "https://doi.org/10.1/x" -> "10.1/x"


def normalize(text: str | None) -> str:
    """Comparable form of a printed text: 'Prolotherapy  is\u2013"unproven".' -> 'prolotherapy is unproven'."""
    value = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", value).split())


def diff_records(old: PolicyRecord, new: PolicyRecord) -> RecordChanges:
    return RecordChanges(
        effective_date=_value_change(
            old.dates.effective.value if old.dates.effective else None,
            new.dates.effective.value if new.dates.effective else None,
        ),
        version=_value_change(old.policy.version, new.policy.version),
        coverage_status=_value_change(_status(old.coverage.status), _status(new.coverage.status)),
        statements=_statements(old.coverage.statements, new.coverage.statements),
        **_codes(old.codes, new.codes),
        **_texts("indications", [i.text for i in old.indications], [i.text for i in new.indications]),
        **_references(old.references, new.references),
        history_added=_history_added(old, new),
    )


def _status(status: Status | None) -> str | None:
    return status.value if status else None


def _value_change(before: str | None, after: str | None) -> ValueChange | None:
    return None if normalize(before) == normalize(after) else ValueChange(before=before, after=after)


def _statements(old: list[CoverageStatement], new: list[CoverageStatement]) -> list[StatementChange]:
    pairs, gone, added = _pair(old, new, key=lambda s: normalize(s.text), similar=STATEMENT_MATCH)
    changes = []
    for before, after in pairs:
        if normalize(before.text) != normalize(after.text):
            changes.append(StatementChange(change="reworded", text=after.text, previous_text=before.text,
                                           before=before.status, after=after.status))
        elif before.status != after.status:
            changes.append(StatementChange(change="status_changed", text=after.text, before=before.status, after=after.status))
    changes += [StatementChange(change="removed", text=s.text, before=s.status) for s in gone]
    changes += [StatementChange(change="added", text=s.text, after=s.status) for s in added]
    return changes


def _codes(old: list[Code], new: list[Code]) -> dict:
    def statuses(codes: list[Code]) -> dict[tuple, set]:
        found: dict[tuple, set] = defaultdict(set)
        for code in codes:
            found[(code.system, code.code.upper())].add(code.status)
        return found

    before, after = statuses(old), statuses(new)

    def one(values: set) -> Status | None:
        return next(iter(values)) if len(values) == 1 else Status.mixed

    return {
        "codes_added": [CodeItem(code=c, system=s, status=one(after[(s, c)])) for s, c in after if (s, c) not in before],
        "codes_removed": [CodeItem(code=c, system=s, status=one(before[(s, c)])) for s, c in before if (s, c) not in after],
        "codes_status_changed": [
            CodeStatusChange(code=c, system=s, before=one(before[(s, c)]), after=one(after[(s, c)]))
            for s, c in after if (s, c) in before and before[(s, c)] != after[(s, c)]
        ],
    }


def _texts(field: str, old: list[str], new: list[str]) -> dict:
    before = {normalize(t) for t in old}
    after = {normalize(t) for t in new}
    return {
        f"{field}_added": _unique(t for t in new if normalize(t) not in before),
        f"{field}_removed": _unique(t for t in old if normalize(t) not in after),
    }


def _unique(texts) -> list[str]:
    seen, out = set(), []
    for text in texts:
        if normalize(text) not in seen:
            seen.add(normalize(text))
            out.append(text)
    return out


def _history_added(old: PolicyRecord, new: PolicyRecord) -> list[HistoryItem]:
    before = {(row.date, normalize(row.text)) for row in old.history}
    return [HistoryItem(date=row.date, text=row.text) for row in new.history if (row.date, normalize(row.text)) not in before]


# ---------------------------------------------------------------- references


def _doi(reference: Reference) -> str | None:
    return _DOI_PREFIX.sub("", reference.doi.strip()).rstrip(".").casefold() if reference.doi else None


def _pmid(reference: Reference) -> str | None:
    return re.sub(r"\D", "", reference.pmid) or None if reference.pmid else None


def _conflict(a: Reference, b: Reference) -> bool:
    """Two references that carry different identifiers are different works, however alike they read."""
    return bool((_doi(a) and _doi(b) and _doi(a) != _doi(b)) or (_pmid(a) and _pmid(b) and _pmid(a) != _pmid(b)))


def _references(old: list[Reference], new: list[Reference]) -> dict:
    left = list(range(len(old)))
    unmatched_new = []
    for ref in new:
        match = next((i for i in left if _same_id(old[i], ref)), None)
        if match is None:
            text = normalize(ref.text)
            match = next((i for i in left if normalize(old[i].text) == text and not _conflict(old[i], ref)), None)
        if match is None:
            unmatched_new.append(ref)
        else:
            left.remove(match)
    pairs, gone, added = _pair([old[i] for i in left], unmatched_new, key=None, similar=REFERENCE_MATCH,
                               compatible=lambda a, b: _first_word(a.text) == _first_word(b.text) and not _conflict(a, b))
    return {
        "references_added": [_reference_item(r) for r in added],
        "references_removed": [_reference_item(r) for r in gone],
    }


def _same_id(a: Reference, b: Reference) -> bool:
    return bool((_doi(a) and _doi(a) == _doi(b)) or (_pmid(a) and _pmid(a) == _pmid(b)))


def _first_word(text: str) -> str:
    words = normalize(text).split()
    return words[0] if words else ""


def _reference_item(reference: Reference) -> ReferenceItem:
    return ReferenceItem(text=reference.text, doi=reference.doi, pmid=reference.pmid)


# ---------------------------------------------------------------- pairing


def _pair(old: list, new: list, *, key, similar: float, compatible=lambda a, b: True):
    """Pair items of two revisions: equal keys first, then the most similar texts above `similar`.
    Returns (pairs, removed, added)."""
    old_left, new_left, pairs = list(old), [], []
    for item in new:
        match = next((o for o in old_left if key and key(o) == key(item)), None) if key else None
        if match is None:
            new_left.append(item)
        else:
            old_left.remove(match)
            pairs.append((match, item))
    scored = []
    for i, a in enumerate(old_left):
        for j, b in enumerate(new_left):
            if not compatible(a, b):
                continue
            matcher = SequenceMatcher(None, normalize(a.text), normalize(b.text), autojunk=False)
            if matcher.real_quick_ratio() >= similar and matcher.quick_ratio() >= similar:
                score = matcher.ratio()
                if score >= similar:
                    scored.append((-score, i, j))
    used_old, used_new = set(), set()
    for _, i, j in sorted(scored):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old_left[i], new_left[j]))
    removed = [a for i, a in enumerate(old_left) if i not in used_old]
    added = [b for j, b in enumerate(new_left) if j not in used_new]
    return pairs, removed, added
