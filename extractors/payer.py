"""The payer that issues the policy, from the payer gazetteer spans and the web domains the document prints.

Mentions in references, history and websites do not count. A guideline developer (eviCore, Carelon...)
is the payer only when no plan adopts the document; otherwise it is noted as `developer`. A generic
"Blue Cross Blue Shield" gives way to a specific plan of the same family (by name or by domain).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from extractors.document import PolicyDoc
from extractors.models import Evidence, Payer
from extractors.nlp import payer_domains

IGNORED_SECTIONS = frozenset({"references", "websites", "history", "index"})
DOMAIN = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)*?([a-z0-9-]+\.(?:com|org|net|gov))(?=[/:\s]|$)", re.I)  # e.g. https://www.bluecrossma.org/x
EARLY = 1500  # chars: the letterhead, where the issuer names itself


@dataclass
class Candidate:
    name: str
    role: str
    score: float = 0.0
    first: tuple[int, int] | None = None
    printed: str | None = None


@lru_cache(maxsize=1)
def _domains() -> dict[str, str]:
    return payer_domains()


def extract(doc: PolicyDoc) -> Payer:
    candidates: dict[str, Candidate] = {}

    def add(name: str, role: str, start: int, end: int, weight: float) -> None:
        candidate = candidates.setdefault(name, Candidate(name, role))
        if role == "plan":
            candidate.role = "plan"
        candidate.score += weight * (3.0 if start < EARLY else 1.0)
        if candidate.first is None:
            candidate.first = (start, end)
            candidate.printed = doc.text[start:end]

    for span in doc.spacy.spans.get("payers", []):
        if doc.section_label_at(span.start_char) in IGNORED_SECTIONS:
            continue
        add(span.label_, span.id_ or "plan", span.start_char, span.end_char, 1.0)
    domains = _domains()
    for match in DOMAIN.finditer(doc.text):
        if doc.section_label_at(match.start()) in IGNORED_SECTIONS:
            continue
        domain = match.group(1).lower()
        name = domains.get(domain)
        if name:
            add(name, "plan" if name not in {"eviCore", "Carelon"} else "developer", match.start(1), match.end(1), 1.5)

    plans = [c for c in candidates.values() if c.role == "plan"]
    generic = [c for c in candidates.values() if c.role == "generic"]
    developers = [c for c in candidates.values() if c.role == "developer"]
    chosen = max(plans, key=lambda c: c.score, default=None)
    if chosen is None and generic:
        chosen = max(generic, key=lambda c: c.score)
    developer = max(developers, key=lambda c: c.score, default=None)
    if chosen is None and developer is not None:
        chosen, developer = developer, None
    if chosen is None:
        regulators = [c for c in candidates.values() if c.role == "regulator"]
        chosen = max(regulators, key=lambda c: c.score, default=None)
    if chosen is None:
        return Payer(name=None)
    return Payer(
        name=chosen.name,
        printed=chosen.printed,
        developer=developer.name if developer else None,
        evidence=_evidence(doc, chosen),
        developer_evidence=_evidence(doc, developer) if developer else None,
    )


def _evidence(doc: PolicyDoc, candidate: Candidate) -> Evidence | None:
    return doc.evidence(*candidate.first) if candidate.first else None
