"""References: the entries of the references section(s), each split out and parsed into fields.

Splitting follows the list's own markers: numbers ("1.", "[2]"), bullets, or, for unnumbered lists,
paragraphs (one entry per line when the list has no blank lines). Sub-headings ("Peer Reviewed
Publications:") are skipped. Parsing reads Vancouver/AMA-style citations: authors, title, journal,
year;volume(issue):pages, DOI and PMID; a field the entry does not print stays null.
"""

from __future__ import annotations

import re

from extractors.document import NUMBERED, PolicyDoc
from extractors.models import Reference

SUBHEADING = re.compile(r"^[^.\n]{3,120}:$")  # e.g. "Peer Reviewed Publications:"
DOI = re.compile(r"(?i)(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s\"<>]+)")  # e.g. doi:10.1002/14651858.CD004059.pub3
PMID = re.compile(r"(?i)\bPMID:?\s*(?P<pmid>\d{5,9})\b")  # e.g. PMID 26051574
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# e.g. "2007;7(4):58-63", "2008 Mar;25(1):23-9", "Jun 2015;23(3):388-395", "2000;(2):CD001824", "2011; 155:375-385"
SOURCE = re.compile(
    rf"(?:(?P<month_before>{_MONTH}(?:[-/]{_MONTH})?)\s+)?(?P<year>(?:19|20)\d{{2}})[a-z]?"
    rf"(?:\s+(?:{_MONTH}(?:[-/]{_MONTH})?)(?:\s+\d{{1,2}})?(?:\s*\(\d{{1,2}}\))?)?\s*[;:]\s*"
    r"(?:(?P<volume>[A-Za-z]?\d+[A-Za-z]?(?:\s+Suppl\s*\d*)?)\s*)?(?:\((?P<issue>[^()]{1,20})\))?"
    r"(?:\s*:\s*(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-–]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?))?"
)
# e.g. "2000; vol 6, No 4: 311-320"
SOURCE_WORDS = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*;\s*vol\.?\s*(?P<volume>\d+)\s*,?\s*(?:No\.?\s*(?P<issue>\d+))?\s*:\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)",
    re.I,
)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
PARTICLE = r"(?:(?:de|van|der|von|da|di|del|la|le|den|ten|dos|du)\s)*"
# e.g. "Dagenais S", "Del Mar C", "de Bie RA", "King JT Jr"
PERSON = rf"{PARTICLE}[A-Z][\w'’\-]+(?:\s{PARTICLE}[A-Z][\w'’\-]+)*\s[A-Z]{{1,3}}(?:\s(?:Jr|Sr|II|III)\.?)?"
# e.g. "Reeves, K.D.", "Linetsky, F. S."
PERSON_DOTTED = r"[A-Z][\w'’\-]+,\s(?:[A-Z]\.\s?){1,3}"
AUTHORS = re.compile(
    rf"^(?P<authors>(?:{PERSON}|{PERSON_DOTTED})(?:,?\s(?:and\s)?(?:{PERSON}|{PERSON_DOTTED}))*(?:,?\s*et\.?\s*al\.?)?)(?:[.,;]\s|\.$|\s(?=[A-Z]))"
)
ORG = re.compile(r"^(?P<org>[A-Z][^.;:]{2,150}?)(?:\.\s|\.$)")  # e.g. "American College of Occupational and Environmental Medicine. "
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9\[(“\"])")


def extract(doc: PolicyDoc) -> list[Reference]:
    out: list[Reference] = []
    for section in doc.sections_labeled("references"):
        for start, end in split_entries(doc, section.start, section.end):
            evidence = doc.evidence(start, end)
            text = " ".join(evidence.text.split())
            if len(text) < 8:
                continue
            out.append(Reference(text=text, evidence=evidence, **parse_reference(text)))
    return out


def split_entries(doc: PolicyDoc, start: int, end: int) -> list[tuple[int, int]]:
    lines = [l for l in doc.lines_between(start, end)]
    numbered = sum(1 for l in lines if NUMBERED.match(l.text)) >= 2
    bulleted = sum(1 for l in lines if l.bullet) >= 2
    paragraphs = any(l.is_blank for l in lines[1:-1]) and not (numbered or bulleted)
    entries: list[list[int]] = []
    previous_blank = True
    for line in lines:
        content = line.text.strip()
        if not content:
            previous_blank = True
            continue
        if SUBHEADING.match(content) and not YEAR.search(content):
            previous_blank = True
            entries.append(None)  # a sub-heading closes the entry above it
            continue
        starts_entry = (
            (numbered and NUMBERED.match(line.text))
            or (bulleted and line.bullet)
            or (not numbered and not bulleted and (previous_blank or not paragraphs))
            or not entries
            or entries[-1] is None
        )
        if starts_entry:
            entries.append([line.content_start, line.end])
        else:
            entries[-1][1] = line.end
        previous_blank = False
    return [(a, b) for a, b in (e for e in entries if e)]


def parse_reference(text: str) -> dict:
    """One citation -> authors, title, journal, year, volume, issue, pages, doi, pmid (null where absent)."""
    fields: dict = dict(authors=[], title=None, journal=None, year=None, volume=None, issue=None, pages=None, doi=None, pmid=None)
    doi = DOI.search(text)
    if doi:
        fields["doi"] = doi.group("doi").rstrip(".,;)")
    pmid = PMID.search(text)
    if pmid:
        fields["pmid"] = pmid.group("pmid")
    body = text
    for cut in (doi, pmid, re.search(r"(?i)\s(?:Available\s+(?:at|from)|Accessed|https?://)", text)):
        if cut is not None:
            body = body[: min(len(body), cut.start())]
    body = body.strip()

    rest, authors = body, []
    match = AUTHORS.match(body)
    if match:
        authors = _split_authors(match.group("authors"))
        rest = body[match.end() :]
    else:
        org = ORG.match(body)
        if org and not YEAR.search(org.group("org")):
            authors = [org.group("org").strip()]
            rest = body[org.end() :]
    fields["authors"] = authors

    source = SOURCE_WORDS.search(rest) or SOURCE.search(rest)
    if source:
        fields["year"] = int(source.group("year"))
        for key in ("volume", "issue", "pages"):
            value = source.group(key)
            fields[key] = re.sub(r"\s+", "", value) if value else None
        head = rest[: source.start()].rstrip(" .,;")
        parts = SENTENCE_BREAK.split(head)
        if len(parts) >= 2:
            fields["journal"] = parts[-1].strip(" .,;") or None
            fields["title"] = " ".join(parts[:-1]).strip(" .,;") or None
        else:
            fields["title"] = head.strip(" .,;") or None
    else:
        parts = SENTENCE_BREAK.split(rest.strip())
        fields["title"] = parts[0].strip(" .,;") if parts and parts[0].strip(" .,;") else None
        year = YEAR.search(rest)
        fields["year"] = int(year.group(0)) if year else None
    return fields


def _split_authors(run: str) -> list[str]:
    run = re.sub(r",?\s*et\.?\s*al\.?$", "", run.strip())
    dotted = re.findall(PERSON_DOTTED, run)
    if dotted and len(", ".join(dotted)) >= len(run) - 8:
        return [re.sub(r"\.\s?", "", d.replace(",", "")).strip() for d in dotted]
    return [a.strip() for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", run) if a.strip()]
