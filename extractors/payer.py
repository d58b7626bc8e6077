"""The payer that issues the policy, from the payer gazetteer spans and the web domains the document prints.

Mentions in references, websites and the index do not count; mentions in history count half. A guideline developer (eviCore, Carelon...)
is the payer only when no plan adopts the document; otherwise it is noted as `developer`. A generic
"Blue Cross Blue Shield" gives way to a specific plan of the same family (by name or by domain).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.document import PolicyDoc
from extractors.models import Payer
from extractors.nlp import payer_domains

IGNORED_SECTIONS = frozenset({"references", "websites", "index"})  # they cite other organizations
# History tables end many documents, and the issuer's own notice often follows them inside the same
# section ("Services provided by Anthem ..."): mentions there count, at half weight.
HALF_WEIGHT_SECTIONS = frozenset({"history"})
# A match starts only where a host name can (not inside a run of name characters): a long run like
# "aaaa..." is then tried once, not from each of its positions (which was quadratic: 100 KB took a minute).
DOMAIN = re.compile(r"(?<![a-z0-9.-])(?:https?://)?(?:[a-z0-9-]+\.)*?([a-z0-9-]+\.(?:com|org|net|gov))(?=[/:\s]|$)", re.I)  # e.g. https://www.bluecrossma.org/x
EARLY = 1500  # chars: the letterhead, where the issuer names itself


@dataclass
class Candidate:
    """One organization family (e.g. all Kaiser names), scored over its mentions."""

    family: str
    role: str
    score: float = 0.0
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, canonical label)

    @property
    def name(self) -> str:
        """The family's most specific name printed in the letterhead, else its most frequent name."""
        early = [m for m in self.mentions if m[0] < EARLY]
        pool = early or self.mentions
        counts = Counter(label for _, _, label in pool)
        return max(counts, key=lambda label: (len(label) if early else counts[label], counts[label]))

    @property
    def first(self) -> tuple[int, int]:
        name = self.name
        return min((s, e) for s, e, label in self.mentions if label == name)


@lru_cache(maxsize=1)
def _domains() -> dict[str, str]:
    return payer_domains()


@lru_cache(maxsize=1)
def _families() -> dict[str, tuple[str, str]]:
    """Canonical name -> (role, family) from the gazetteer, for names found by domain."""
    from extractors.nlp import _patterns

    return {row["label"]: tuple(row["id"].split(":", 1)) for row in _patterns("payers.jsonl")}


def extract(doc: PolicyDoc) -> Payer:
    candidates: dict[str, Candidate] = {}

    def add(label: str, role: str, family: str, start: int, end: int, weight: float) -> None:
        candidate = candidates.setdefault(family, Candidate(family, role))
        if role == "plan":
            candidate.role = "plan"
        candidate.score += weight * (3.0 if start < EARLY else 1.0)
        candidate.mentions.append((start, end, label))

    for span in doc.spacy.spans.get("payers", []):
        label = doc.section_label_at(span.start_char)
        if label in IGNORED_SECTIONS:
            continue
        role, _, family = (span.id_ or "plan:").partition(":")
        add(span.label_, role, family or span.label_, span.start_char, span.end_char, 0.5 if label in HALF_WEIGHT_SECTIONS else 1.0)
    domains, families = _domains(), _families()
    for match in DOMAIN.finditer(doc.text):
        name = domains.get(match.group(1).lower())
        if name and doc.section_label_at(match.start()) not in IGNORED_SECTIONS:
            role, family = families.get(name, ("plan", name))
            add(name, role, family, match.start(1), match.end(1), 1.5)

    by_role = {role: [c for c in candidates.values() if c.role == role] for role in ("plan", "generic", "developer", "regulator")}
    best = {role: max(found, key=lambda c: c.score, default=None) for role, found in by_role.items()}
    chosen = best["plan"] or best["generic"]
    developer = best["developer"]
    if chosen is None:
        chosen, developer = developer or best["regulator"], None
    if chosen is None:
        return Payer(name=None)
    return Payer(
        name=chosen.name,
        printed=doc.text[slice(*chosen.first)],
        developer=developer.name if developer else None,
        evidence=doc.evidence(*chosen.first),
        developer_evidence=doc.evidence(*developer.first) if developer else None,
        basis="document",
    )


def with_hint(found: Payer, hint: str | None) -> Payer:
    """The payer once the source's payer hint is known (a manifest says whose website a document came from).

    The document's own words win; the hint fills in only when the document names no issuer, or names
    only a guideline developer (then the hint is the adopting plan and the developer is kept as such).
    A hint that is a gazetteer name or alias is given its canonical name ("uhc" -> "UnitedHealthcare").
    """
    hint = " ".join((hint or "").split())
    if not hint:
        return found
    name = _aliases().get(hint.lower(), hint)
    if found.name is None:
        return Payer(name=name, basis="source_hint")
    if found.developer is None and _roles().get(found.name) == {"developer"} and name != found.name:
        return Payer(name=name, developer=found.name, developer_evidence=found.evidence, basis="source_hint")
    return found


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Every gazetteer pattern and label, lower-cased -> canonical name (plans win over developers)."""
    from extractors.nlp import _patterns

    rows = sorted(_patterns("payers.jsonl"), key=lambda row: row["id"].startswith("plan:"))
    return {key.lower(): row["label"] for row in rows for key in (row["pattern"], row["label"])}


@lru_cache(maxsize=1)
def _roles() -> dict[str, set[str]]:
    from extractors.nlp import _patterns

    roles: dict[str, set[str]] = {}
    for row in _patterns("payers.jsonl"):
        roles.setdefault(row["label"], set()).add(row["id"].split(":", 1)[0])
    return roles
