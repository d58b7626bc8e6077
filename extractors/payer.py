"""The payer that issues the policy, from the payer gazetteer spans and the web domains the document prints.

Mentions in references, websites and the index do not count; mentions in history count half. A guideline developer (eviCore, Carelon...)
is the payer only when no plan adopts the document (a plan adopts it when the letterhead or a copyright or
proprietary line names it; one named only in passing does not); otherwise it is noted as `developer`. A generic
"Blue Cross Blue Shield" gives way to a specific plan of the same family (by name or by domain). A name found only
in the PDF's properties (a parent's "Company: Health Net, Inc.") gives way to the body's own claim (a plan in the
letterhead or a copyright line, or the holder of the document's rights notice).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.document import PolicyDoc
from extractors.models import Payer
from extractors.nlp import payer_domains
from extractors.self_named import self_named

IGNORED_SECTIONS = frozenset({"references", "websites", "index"})  # they cite other organizations
CITING_SECTIONS = frozenset({"references", "websites"})
CITATION_MARK = re.compile(r"\b(?:19|20)\d{2}\b|https?://|www\.|\bet al\b")  # a year, an address: a citation
# History tables end many documents, and the issuer's own notice often follows them inside the same
# section ("Services provided by Anthem ..."): mentions there count, at half weight.
HALF_WEIGHT_SECTIONS = frozenset({"history", "metadata"})  # the PDF's own Author/Company: a weak hint
# A match starts only where a host name can (not inside a run of name characters): a long run like
# "aaaa..." is then tried once, not from each of its positions (which was quadratic: 100 KB took a minute).
TLD = re.compile(r"\.(?:com|org|net|gov)(?=[/:\s]|$)")  # e.g. ".org/" of "www.bluecrossma.org/x" (lower-cased text)
DOMAIN = re.compile(r"(?<![a-z0-9.-])(?:https?://)?(?:[a-z0-9-]+\.)*?([a-z0-9-]+\.(?:com|org|net|gov))(?=[/:\s]|$)", re.I)  # e.g. https://www.bluecrossma.org/x
HOST_CHARS = 300  # chars: longer than any web address's host part
EARLY = 1500  # chars: the letterhead, where the issuer names itself
ROLES = ("plan", "generic", "developer", "contractor", "regulator")
NEVER_ISSUERS = frozenset({"cited", "association"})  # the FDA, the AMA, NCCN, InterQual, the BCBS Association ...
# Whose document it is, by kind: a Medicare contractor's LCD or billing article is the contractor's; a health
# plan's policy is the plan's, even when it quotes a contractor's LCD or CMS.
COMMERCIAL_ORDER = ("plan", "generic", "developer", "contractor", "regulator")
MEDICARE_ORDER = ("contractor", "regulator", "plan", "generic", "developer")
# the labels of a Medicare coverage document's own header, e.g. "LCD ID", "Article Title", "Contractor Name",
# a title "Billing and Coding: ..." (a plan's policy that only mentions LCDs has none of them)
# e.g. "LCD ID", "Article Information", "Contractor Name", a "Billing and Coding:" title line (lower-cased text)
MEDICARE_DOCUMENT = re.compile(
    r"(?m)(?:lcd|lca|ncd)\s+(?:id|title|information)\b|article\s+(?:id|title|information)\b|"
    r"contractor\s+(?:name|information)\b|billing\s+and\s+coding:"
)
MEDICARE_WINDOW = 6000  # chars: where a Medicare document says what it is
# a line where an organization claims the document: copyright, proprietary notice, licensee, civil rights notice
# (over the lower-cased text; the word boundary before a word is checked apart: a regex that opens with
# literals is found by a fast scan, one that opens with \b is tried at every position)
ISSUER_LINE = re.compile(
    r"©|copyright\b|proprietary\s+information\s+of\b|all\s+rights\s+reserved|independent\s+licensee|"
    r"complies\s+with\s+applicable\s+federal\s+civil\s+rights"
)  # e.g. "© 2024 Acme", "Copyright 2025", "an Independent Licensee of the Blue Cross Blue Shield Association"
ISSUER_WEIGHT = 2.0
# e.g. "© 2024 Acme Health Plan, Inc.", "Copyright 2025 Acme Health. All rights reserved."
COPYRIGHT_HOLDER = re.compile(
    r"(?:©|\(c\)|\bCopyright\b)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[A-Z][\w&'’-]*(?:[ ][A-Z&][\w&'’-]*){0,6})"
)
CODE_SET_WORDS = re.compile(r"\b(?:CPT|HCPCS|ICD|AMA|CDT)\b")  # e.g. "CPT Only - Copyright 2024 ...": the code set's notice
PDF_PROPERTIES_HEADING = "Document properties"  # the heading the PDF loader prints the PDF's Author/Company under
OWN_NOTICE_NOT = re.compile(r"https?://|www\.|\bet al\b|\bdoi\b")  # e.g. "et al" in a cited work's paragraph (lower-cased text)
PLAN_WORDS = re.compile(r"\b(?:Health|Healthcare|Care|Plan|Plans|Blue|Cross|Shield|Insurance|Medical|Mutual|Alliance)\b")


@dataclass
class Candidate:
    """One organization family (e.g. all Kaiser names), scored over its mentions."""

    family: str
    role: str
    score: float = 0.0
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, canonical label)
    claims: bool = False  # named in the letterhead or in a line claiming the document (copyright, proprietary notice)
    in_body: bool = False  # named in the document's own text, not only in the PDF's properties (Author, Company;
    # a web page's "Page properties" are the site's own words and count as its text)

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
def _rows() -> list[dict]:
    from extractors.nlp import _patterns

    return _patterns("payers.jsonl")


@lru_cache(maxsize=1)
def _families() -> dict[str, tuple[str, str]]:
    """Canonical name -> (role, family) from the gazetteer, for names found by domain."""
    from extractors.nlp import _patterns

    return {row["label"]: tuple(row["id"].split(":", 1)) for row in _patterns("payers.jsonl")}


def extract(doc: PolicyDoc) -> Payer:
    candidates: dict[str, Candidate] = {}
    issuer_lines = _issuer_lines(doc)
    pdf_properties = doc.text.rfind("\n\n" + PDF_PROPERTIES_HEADING + "\n")  # the PDF's Author/Company, rendered last

    def add(label: str, role: str, family: str, start: int, end: int, weight: float) -> None:
        candidate = candidates.setdefault(family, Candidate(family, role))
        if role == "plan":
            candidate.role = "plan"
        boost = ISSUER_WEIGHT if doc.line_at(start).start in issuer_lines else 1.0
        candidate.score += weight * boost * (3.0 if start < EARLY else 1.0)
        candidate.claims = candidate.claims or boost > 1.0 or start < EARLY
        candidate.mentions.append((start, end, label))
        candidate.in_body = candidate.in_body or not 0 <= pdf_properties <= start

    for span in doc.spacy.spans.get("payers", []):
        label = doc.section_label_at(span.start_char)
        if label in IGNORED_SECTIONS and (label not in CITING_SECTIONS or _cites(doc, span.start_char)):
            continue  # a reference cites its organization; a notice after the list ("HCSC makes no representation") does not
        role, _, family = (span.id_ or "plan:").partition(":")
        if role in NEVER_ISSUERS:
            continue
        add(span.label_, role, family or span.label_, span.start_char, span.end_char, 0.5 if label in HALF_WEIGHT_SECTIONS else 1.0)
    domains, families = _domains(), _families()
    for match in _domains_in(doc):
        name = domains.get(match.group(1).lower())
        if name and doc.section_label_at(match.start()) not in IGNORED_SECTIONS:
            role, family = families.get(name, ("plan", name))
            if role not in NEVER_ISSUERS:
                add(name, role, family, match.start(1), match.end(1), 1.5)

    known = [(span.start_char, span.end_char) for span in doc.spacy.spans.get("payers", [])]
    for mention in self_named(doc):  # a plan the gazetteer does not know, named as the document's own
        if not any(start < mention.end and mention.start < end for start, end in known):
            weight = 0.5 if doc.section_label_at(mention.start) in HALF_WEIGHT_SECTIONS else 1.0
            add(mention.name, "plan", "self:" + mention.name.lower(), mention.start, mention.end, weight)
            candidates["self:" + mention.name.lower()].claims = True  # "CountyCare considers ...": the document's own voice

    by_role = {role: [c for c in candidates.values() if c.role == role] for role in ROLES}
    best = {role: max(found, key=lambda c: c.score, default=None) for role, found in by_role.items()}
    order = MEDICARE_ORDER if _medicare_document(doc) else COMMERCIAL_ORDER
    chosen = next((best[role] for role in order if best[role] is not None), None)
    if chosen is not None and chosen.role in ("plan", "generic") and not chosen.claims and best["developer"] is not None and best["developer"].claims:
        chosen = best["developer"]  # a plan named only in passing ("except for Anthem BCBS OH Medicaid") adopts nothing
    if chosen is not None and not chosen.in_body:
        # named only in the PDF's properties (a parent company's template, "Company: Health Net, Inc."): the body's
        # own claim wins, a gazetteer name in the letterhead or a copyright line, else the holder of its copyright
        # notice whatever its name ("©2018 Envolve Pharmacy Solutions. All rights reserved.")
        claimed = max((c for c in candidates.values() if c.in_body and c.claims and c.role in ("plan", "generic", "developer")),
                      key=lambda c: c.score, default=None)
        if claimed is None:
            holder = _copyright_holder(doc, plan_words=False)
            if holder is not None:
                return holder
        chosen = claimed or chosen
    developer = best["developer"] if chosen is not None and chosen.role != "developer" else None
    if chosen is None:
        return _copyright_holder(doc) or Payer(name=None)
    return Payer(
        name=chosen.name,
        printed=doc.text[slice(*chosen.first)],
        developer=developer.name if developer else None,
        evidence=doc.evidence(*chosen.first),
        developer_evidence=doc.evidence(*developer.first) if developer else None,
        basis="document",
    )


def _cites(doc: PolicyDoc, offset: int) -> bool:
    """True when the paragraph holding `offset` reads as a citation (a year, an address, "et al")."""
    start = doc.text.rfind("\n\n", 0, offset)
    end = doc.text.find("\n\n", offset)
    return bool(CITATION_MARK.search(doc.text, start + 1, len(doc.text) if end < 0 else end))


def _issuer_lines(doc: PolicyDoc) -> set[int]:
    """Start offsets of lines where an organization names itself as the document's owner."""
    return {doc.line_at(m.start()).start for m in ISSUER_LINE.finditer(doc.lower) if _word_start(doc.lower, m.start())}


def _word_start(text: str, offset: int) -> bool:
    return offset == 0 or not (text[offset - 1].isalnum() or text[offset - 1] == "_")


def _medicare_document(doc: PolicyDoc) -> bool:
    """True when the first MEDICARE_WINDOW chars say the document is an LCD, an article or an NCD."""
    for match in MEDICARE_DOCUMENT.finditer(doc.lower, 0, MEDICARE_WINDOW):
        if not _word_start(doc.lower, match.start()):
            continue
        if not match.group(0).startswith("billing") or not doc.lower[doc.lower.rfind("\n", 0, match.start()) + 1 : match.start()].strip(" \t"):
            return True
    return False


def _domains_in(doc: PolicyDoc):
    """DOMAIN matches, found from their top-level domain (a scan for ".com" and the like) back to where
    the host name starts: DOMAIN itself can start at any word and would be tried at each one."""
    done = 0
    for tld in TLD.finditer(doc.lower):
        start = tld.start()
        while start > done and tld.start() - start < HOST_CHARS and not doc.text[start - 1].isspace():
            start -= 1
        for match in DOMAIN.finditer(doc.text, start, tld.end() + 1):
            if match.end(1) == tld.end():
                done = tld.end()
                yield match
                break


def _copyright_holder(doc: PolicyDoc, *, plan_words: bool = True) -> Payer | None:
    """When no known organization is named: the holder of the document's own copyright or proprietary
    notice ("© 2024 Acme Health Plan, Inc."), if it reads as a health plan (`plan_words`; a pharmacy benefit
    manager's "Envolve Pharmacy Solutions" does not) and is not a cited body."""
    cited = {row["label"].lower() for row in _rows() if row["id"].split(":", 1)[0] in NEVER_ISSUERS}
    for match in COPYRIGHT_HOLDER.finditer(doc.text):
        name = match.group("name").strip(" ,.")
        section = doc.section_label_at(match.start())
        if name.lower() in cited or section in IGNORED_SECTIONS and not _own_notice(doc, match.start()):
            continue
        if (plan_words and not PLAN_WORDS.search(name)) or not plan_words and _cited_name(name, cited):
            continue
        start = match.start("name")
        return Payer(name=name, printed=name, evidence=doc.evidence(start, start + len(name)), basis="document")
    return None


def _own_notice(doc: PolicyDoc, offset: int) -> bool:
    """True when the paragraph holding `offset` is the document's own rights notice, printed after the
    reference list ("©2018 Acme. All rights reserved. All materials are exclusively owned by Acme"), not a citation."""
    start = doc.text.rfind("\n\n", 0, offset) + 1
    end = doc.text.find("\n\n", offset)
    paragraph = doc.lower[start : len(doc.text) if end < 0 else end]
    return "all rights reserved" in paragraph and not OWN_NOTICE_NOT.search(paragraph)


def _cited_name(name: str, cited: set[str]) -> bool:
    """True when `name` is a cited body or no organization's name: "American Medical Association", "CPT", "All"."""
    words = name.split()
    return (any(c in name.lower() for c in cited) or len(words) < 2 and name.isupper() or words[0] in {"All", "The", "This"}
            or bool(CODE_SET_WORDS.search(name)))


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
