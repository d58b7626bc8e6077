"""Status vocabulary shared by coverage, codes and indications: ranking, lookup by span, disclaimers.

The phrases themselves live in `patterns/status_phrases.jsonl` (the `status_ruler`); this module only
says which of several statuses wins and how statements combine into an overall status.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Span

from extractors.document import PolicyDoc
from extractors.models import Status

# Most specific / restrictive first: "investigational and not medically necessary" is EIU.
RANK = [
    Status.experimental_investigational_unproven,
    Status.not_medically_necessary,
    Status.not_covered,
    Status.medically_necessary_with_criteria,
    Status.medically_necessary,
]
NEGATIVE = frozenset(RANK[:3])
POSITIVE = frozenset(RANK[3:])

# Sentences that talk about codes or coverage in general, not about this service, e.g.
# "Listing of a code in this policy does not imply that the service ... is a covered or non-covered health service.",
# "Coverage for experimental or investigational treatments ... is specifically excluded under the member's certificate",
# "A complete description of the process by which a given technology ... is determined to be experimental ...",
# "If your patient is covered under a different Blue Cross and Blue Shield plan, please refer to ..."
# ("the definition of medical necessity" is a glossary pointer unless the service "meets" it or does "not meet" it)
DISCLAIMER = re.compile(
    r"(?i)\b(?:does\s+not\s+(?:imply|constitute|guarantee|necessarily)|do\s+not\s+imply|not\s+(?:be\s+)?all[\s-]inclusive|"
    r"not\s+intended\s+to\s+be\s+used|for\s+informational\s+purposes|for\s+reference\s+purposes|"
    r"covered\s+or\s+non-?covered|coverage\s+or\s+non-?coverage|is\s+not\s+a\s+guarantee|"
    r"benefit\s+plan\s+document|member\s+specific\s+benefit|refer\s+to\s+the\s+member|"
    r"may\s+not\s+be\s+covered|(?<!meets\sthe\s)(?<!not\smeet\sthe\s)definition\s+of\s+med|contracts?\s+exclude|providers?\s+may\s+bill|"
    r"member['’]?s\s+(?:certificate|contract|evidence\s+of\s+coverage)|certificate\s+of\s+coverage|process\s+by\s+which|"
    r"(?:patient|member|enrollee|beneficiary|individual|you)s?\s+(?:is|are)\s+(?:covered|insured|enrolled)\s+(?:under|by|with|in)\b)"
    # a glossary entry for a status term: "Medical Necessity or Medically Necessary means ...", "Medically Necessary — A service ..."
    r"|^\W*(?:medical(?:ly)?\s+necess\w+|experimental|investigational|unproven)(?:\s+(?:or|and|/)\s+[\w\s]{3,40}?)?[\"”']?"
    r"\s*(?:means\b|shall\s+mean\b|refers\s+to\b|[—–]\s+(?:a|an|any)\s)"
)


# a heading that is a status: "Covered", "Non-Covered", "Experimental/Investigational", "Medically Necessary"
HEADING_STATUS = [
    (re.compile(r"(?i)^\W*(?:non-?covered|not\s+covered|exclusions?)\b"), Status.not_covered),
    (re.compile(r"(?i)^\W*(?:experimental|investigational|unproven)\b"), Status.experimental_investigational_unproven),
    (re.compile(r"(?i)^\W*(?:not\s+medically\s+necessary)\b"), Status.not_medically_necessary),
    (re.compile(r"(?i)^\W*(?:covered(?:\s+(?:services|indications))?|medically\s+necessary|inclusions?|(?:fda[- ]approved\s+)?indications)\W*$"), Status.medically_necessary),
]


def heading_status(heading: str) -> Status | None:
    """The status a heading names ("Covered", "Non-Covered", "Experimental/Investigational"), if any."""
    return next((status for pattern, status in HEADING_STATUS if pattern.search(heading)), None)


def strongest(statuses) -> Status | None:
    found = set(statuses)
    return next((s for s in RANK if s in found), None)


def overall(statuses) -> Status | None:
    """Negative statuses together give the most specific one; negative with positive is `mixed`."""
    found = set(statuses)
    if not found:
        return None
    if found & NEGATIVE and found & POSITIVE:
        return Status.mixed
    return strongest(found)


class StatusIndex:
    """Status phrase spans of a document, found by char range."""

    def __init__(self, doc: PolicyDoc) -> None:
        self.spans: list[Span] = sorted(doc.spacy.spans.get("statuses", []), key=lambda s: s.start_char)
        self._starts = [s.start_char for s in self.spans]

    def within(self, start: int, end: int) -> list[Span]:
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self.spans) and self.spans[i].start_char < end:
            if self.spans[i].end_char <= end:
                out.append(self.spans[i])
            i += 1
        return out

    def status_of(self, start: int, end: int) -> Status | None:
        """The strongest status stated in text[start:end]. A weak phrase ("insufficient evidence")
        counts only when nothing else states a status: in "not medically necessary due to insufficient
        evidence" it is the reason, not the status."""
        spans = self.within(start, end)
        strong = [s for s in spans if s.id_ != "weak"]
        return strongest(Status(s.label_) for s in (strong or spans))
