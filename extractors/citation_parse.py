"""One printed citation -> authors, title, journal, year, volume, issue, pages, DOI, PMID.

A small grammar for the styles policies print (Vancouver/AMA, NLM with months, APA-ish, Wellmark's
"2000; vol 6, No 4: 311-320", Cochrane's "2007, Issue 2", organization and web references):

    citation := authors "." [ "(" year ")" "." ] title "." [ journal ["."] source ] [ tail ]
    source   := [month] year [month [day]] ";" [volume] ["(" issue ")"] [":" pages]
    tail     := "doi:" ... | "PMID" ... | "Available at" ... | "Accessed" ... | "Erratum in" ...

The author run is read item by item (Vancouver "de Bie RA", dotted "Reeves, K.D.", group names
after ";", "et al" dropped); an entry that opens with an organization takes it as the author.
Without a journal source the first content sentence is the title, and a book title followed by an
edition is the container. A field the entry does not print stays null.
"""

from __future__ import annotations

import re

UP = "A-ZÀ-ÖØ-ÞĆČĐŁŃŒŘŚŠŹŻŽ"  # upper-case letters that start names
# e.g. "Dagenais", "L'Allier", "D’Alberton", "Borg-Stein", "Matsu-ura", "García-García" (one lower-case letter at least)
WORD = rf"[{UP}](?=[\w'’\-]*[a-zß-ÿ])[\w'’\-]*\w"
# e.g. "de ", "van der ", "Van "
PARTICLES = r"(?:(?:[dD]e|[dD]a|[dD]i|[dD]el|della|[dD]er|[dD]en|des|do|dos|du|la|le|[vV]an|[vV]on|ten|ter|bin|al|el)\s)*"
# e.g. "Dagenais S", "de Bie RA", "van den Akker-van Marle ME", "King JT Jr", "Lo Turco E"
PERSON = re.compile(rf"{PARTICLES}{WORD}(?:[ ]{PARTICLES}{WORD}){{0,3}}[ ][{UP}]{{1,3}}(?![\w'’])(?:[ ](?:Jr|Sr|II|III|IV)\b)?")
# e.g. "Reeves, K.D.", "Linetsky, F. S.", "Chou, R."
PERSON_DOTTED = re.compile(rf"{PARTICLES}{WORD}(?:[ \-]{WORD})?,[ ](?:[{UP}]\.[ ]?-?){{1,3}}")
# e.g. "Alderman, D Prolotherapy", "Ongley, MJ, et al" (undotted initials after a comma: first author only)
PERSON_COMMA = re.compile(rf"{WORD},[ ][{UP}]{{1,2}}(?=[ ][{UP}]|,)")
AFTER_PERSON = re.compile(r"\s*(?:[,.;:]|$|et\.?\s*al\b|(?:and|&)\s)")  # e.g. ", " or " et al" after "Dagenais S"
ET_AL = re.compile(r",?\s*\bet\.?\s*al\b\.?")  # e.g. ", et al.", " et al", " et. al."
SEPARATOR = re.compile(r"\.?(?:\s*(?P<sep>[,;])\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+)")  # e.g. ", ", ", and ", "; ", " and ", "., "
RUN_END = re.compile(r"\s*(?:[.,;:]\s*|$)|\s*(?=[\"“(\[]?[A-Z0-9])")  # e.g. ". " after the last author
# e.g. "Neeru Jayanthi M.D.", "Richard A. Deyo, M.D.", "Alex Scott, PhD"
CREDENTIALED = re.compile(
    rf"(?P<given>[{UP}][a-z]+(?:\s[{UP}]\.)*)\s(?P<family>{WORD}),?\s(?:M\.?\s?D|Ph\.?\s?D|D\.O|Pharm\.?D|MPH|MSc?|RN|DDS)\b"
)

DOI = re.compile(r"(?i)(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/|\b(?=10\.\d{4,9}/))(?P<doi>10\.\d{4,9}/[^\s\"<>]+)")  # e.g. doi:10.1002/14651858.CD004059.pub3
PMID = re.compile(r"(?i)\bPMID:?\s*(?P<pmid>\d{5,9})\b")  # e.g. PMID 26051574
# e.g. " Available at: ...", " Accessed May 1, 2020", " https://...", " Erratum in: ...", " [cited 2026 Jan 29]"
TAIL = re.compile(
    r"(?i)(?:^|(?<=[\s.,;]))(?:Available\s+(?:at|from|online)|Accessed\b|Retrieved\s+from|Erratum\s+in|Comment\s+in|Epub\b|"
    r"URL\b|https?://|www\.|\[cited\b|\[accessed\b)"
)
NO_DATE = re.compile(r"(?i)(?<!\w)n\.\s?d\.?(?!\w)")  # e.g. "n.d."
JUNK_END = re.compile(r"[^\w.)\]?!]+$")  # e.g. "; •" left after "n.d."
NOTE = re.compile(r"\s*\[(?:website|internet|online|electronic resource|serial online)\]", re.I)  # e.g. " [Internet]"

YEAR = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?![\d/])")  # e.g. 2008 (not 1/2008, not 12345)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_MONTHS = rf"{_MONTH}(?:\s?[-/]\s?{_MONTH})?"  # e.g. "Feb/March", "Sep-Dec"
_PAGE = r"[A-Za-z]{0,4}\d+[A-Za-z]?"  # e.g. "58", "e12600", "CD004059", "p3", "S12", "rjaa074"
SOURCE = re.compile(
    rf"""(?:(?P<month_before>{_MONTHS})\s+)?                     # e.g. "Jun " in "Jun 2015;23(3)"
    (?P<year>(?:19|20)\d{{2}})[a-z]?                              # e.g. "2008", "2018a"
    (?:\s+{_MONTHS}(?:\s+\d{{1,2}})?)?(?:\s*\(\d{{1,2}}\))?       # e.g. " Mar", " Aug 15", " Oct (20)"
    \s*[;:,]\s*
    (?:
      (?:vol(?:ume)?\.?\s*(?P<w_volume>\d+)\s*,?\s*)?(?:No\.?|Issue)\s*(?P<w_issue>\d+)  # e.g. "vol 6, No 4", "Issue 2"
      (?:\s*[:,]\s*(?P<w_pages>\d+(?:\s*[-–]\s*\d+)?))?
    | (?P<range>\d+\s*[-–]\s*\d+)(?![\d(:])                      # e.g. ";26-30" (pages, no volume)
    | (?P<volume>[A-Za-z]?\d+[A-Za-z]?(?:\s+Suppl\s*\d*)?)?\s*     # e.g. "25", "2007", "92 Suppl"
      (?:\((?P<issue>[^()]{{1,20}})\))?                           # e.g. "(1)", "(1 Pt 2)", "(No. RR-3)"
      (?:\s*:\s*|(?<=\))\s*)?(?P<pages>{_PAGE}(?:\s*[-–]\s*{_PAGE})?)?   # e.g. ":23-9", ": 2962-70", ")337-344"
    )""",
    re.X,
)
# e.g. "Journal of Pain, 12(3), 45-67", "Journal of Manual Therapy, 3(2), pp. 1-10" (APA/Harvard: at the end)
APA_SOURCE = re.compile(
    rf"(?:^|(?<=\.\s))(?P<journal>[^.,][^.]*?),\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,20}})\))?,\s*(?:pp?\.\s*)?(?P<pages>{_PAGE}(?:\s*[-–]\s*{_PAGE})?)\.?$"
)
APA_YEAR = re.compile(r"^\((?P<year>(?:19|20)\d{2})[a-z]?(?:,[^)]*)?\)\.?\s*")  # e.g. "(2025). "

SEMICOLON = re.compile(r";\s*")  # e.g. "; " between group authors
YEAR_FIRST = re.compile(rf"(?:{_MONTHS}\s+)?(?:19|20)\d{{2}}\b")  # e.g. "2005;5(3)" after "Spine J. " (a journal, not an author)
BREAK = re.compile(rf"(?<=[.?!])[\"”’)\]]?\s+(?=[{UP}0-9\[(“\"']|[a-z][A-Z])")  # e.g. "literature. Spine J", "Database. iLab": a sentence break
ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\bet al\.|\b(?:No|Vol|vs|Dr|St|Jr|Sr|Fig|pp|Suppl)\.)$")  # e.g. "U.S.", "No."
EDITION = re.compile(r"(?i),?\s*\b\d+(?:st|nd|rd|th)\s+ed(?:ition)?\.?$")  # e.g. ", 2nd Ed" closing a title
# e.g. "2nd ed", "Third Edition", "V3", "Version 2.1": a sentence that only names an edition
EDITION_ONLY = re.compile(r"(?i)^(?:\d+(?:st|nd|rd|th)\s+ed(?:ition)?|[a-z]+\s+edition|v\d+(?:\.\d+)?|version\s+\d+(?:\.\d+)?)\.?$")
IDENTIFIER = re.compile(r"^(?:No\.\s*)?[A-Z]{1,6}[\s:#.\-]*\d[\w.\-]*$")  # e.g. "NGC: 9327", "NCD #140.5", "K062038"
# e.g. "Position Statement", "Evidence Analysis Research Brief", "VA/DOD Clinical Practice Guidelines": a document-type label
LABEL = re.compile(r"(?i)^(?:[\w/\-]+\s){0,3}(?:statement|brief|review|report|memo|summary|bulletin|alert|assessment|series|guidelines?)$")
# e.g. "Criteria Committee", "National Heart, Lung and Blood Institute": a sub-organization before the title
SUB_ORG = re.compile(r"(?:Committee|Council|Institute|Department|Division|Office|Cent(?:er|re)|Agency|Association|Society|Board|Task Force|Group|Panel|Program)$")
PUBLISHER = re.compile(rf"^[{UP}][\w .'\-]*(?:,\s*[A-Z]{{2}}|\s\([A-Z]{{2}}\))\s*:\s")  # e.g. "Boston, MA: Little", "Plymouth Meeting (PA): ECRI"
# e.g. "2004", "Updated June 14, 2005", "Topic last updated January 13, 2014", "February 2025a"
DATE_LINE = re.compile(
    rf"(?i)^(?:(?:topic\s+)?(?:last\s+)?(?:updated|reviewed|revised|effective|published|archived)\s+(?:on\s+)?)?(?:{_MONTH}\s+)?(?:\d{{1,2}},?\s+)?(?:19|20)\d{{2}}"
)
CONNECTORS = frozenset("of the and for in on with to a an by from at or as its their".split())


def parse_reference(text: str) -> dict:
    """One citation -> authors, title, journal, year, volume, issue, pages, doi, pmid (null where absent)."""
    fields: dict = dict(authors=[], title=None, journal=None, year=None, volume=None, issue=None, pages=None, doi=None, pmid=None)
    doi, pmid = DOI.search(text), PMID.search(text)
    if doi:
        fields["doi"] = doi.group("doi").rstrip(".,;)")
    if pmid:
        fields["pmid"] = pmid.group("pmid")
    body = text
    for cut in (doi, pmid, TAIL.search(text)):
        if cut is not None:
            body = body[: min(len(body), cut.start())]
    body = JUNK_END.sub("", NOTE.sub("", NO_DATE.sub("", body))).strip(" ,;")
    if not body:
        return fields

    authors, rest, container, org_author = _authors_and_rest(body)
    fields["authors"] = authors
    apa = APA_YEAR.match(rest)
    if apa:
        fields["year"] = int(apa.group("year"))
        rest = rest[apa.end() :]

    source = _source(rest)
    if source:
        fields["year"] = int(source.group("year"))
        fields["volume"] = _value(source.group("volume") or source.group("w_volume"))
        fields["issue"] = _value(source.group("issue") or source.group("w_issue"))
        fields["pages"] = _value(source.group("pages") or source.group("w_pages") or source.group("range"))
        title, journal = _title_and_journal(_segments(rest[: source.start()]), org_author)
    else:
        title, journal = _unsourced(_segments(rest), org_author)
        apa_source = APA_SOURCE.search(rest) if apa else None
        if apa_source:  # e.g. "(2019). Title. Journal of Pain, 12(3), 45-67."
            journal = _clean(apa_source.group("journal"))
            fields.update(volume=_value(apa_source.group("volume")), issue=_value(apa_source.group("issue")), pages=_value(apa_source.group("pages")))
        if fields["year"] is None:
            after_title = rest.split(title, 1)[-1] if title and title in rest else rest
            year = YEAR.search(after_title) or YEAR.search(rest)
            fields["year"] = int(year.group(0)) if year else None
    if not (authors or fields["year"] or source or doi or pmid):
        return fields  # nothing of a citation: no author, date, source or identifier (e.g. a prose line)
    fields["title"] = title or None
    fields["journal"] = container or journal or None
    return fields


# --- authors ----------------------------------------------------------------------------------


def author_run(text: str) -> tuple[list[str], int] | None:
    """Persons (and group names among them) that open `text` and where the run ends; None without a person.

    e.g. "Nelemans PJ, de Bie RA, et al. Injection ..." -> (["Nelemans PJ", "de Bie RA"], 32)
    """
    authors: list[str] = []
    persons, pos, dotted = 0, 0, None
    lead = _group_at(text, 0, stop=",")  # e.g. "American Association of Orthopedic Medicine, Klein RG, ..."
    if lead and (following := SEPARATOR.match(text, lead[1])) and PERSON.match(text, following.end()):
        authors.append(lead[0])
        pos = following.end()
    while True:
        person = _person_at(text, pos, dotted, first=not authors)
        if person is None:
            break
        name, pos, dotted = person
        authors.append(name)
        persons += 1
        et_al = ET_AL.match(text, pos)
        pos = et_al.end() if et_al else pos
        separator = SEPARATOR.match(text, pos)
        if separator is None:
            if dotted and _person_at(text, pos, dotted, first=False):
                continue  # e.g. "Sanderson, L. Bryant, A." (no comma between dotted authors)
            break
        if _person_at(text, separator.end(), dotted, first=False):
            pos = separator.end()
            continue
        groups = _groups(text, separator)  # e.g. "et al.; American Academy of Sleep Medicine."
        if groups:
            authors.extend(groups[0])
            pos = groups[1]
        break
    if not persons:
        return None
    ended = RUN_END.match(text, pos)
    return (authors, ended.end()) if ended else None


def opens_with_person(text: str) -> bool:
    """Does `text` open with an author run followed by a title (not by a year, as "Spine J. 2005;" is)?"""
    run = author_run(text)
    if run is None:
        return False
    rest = text[run[1] :]
    return bool(rest.strip()) and not YEAR_FIRST.match(rest)


def _person_at(text: str, pos: int, dotted: bool | None, *, first: bool) -> tuple[str, int, bool] | None:
    """A person at `pos` -> (name as "Surname Initials", end, dotted style?); one style per run."""
    if dotted is not True:
        match = PERSON.match(text, pos)
        if match and AFTER_PERSON.match(text, match.end()):
            return " ".join(match.group(0).split()), match.end(), False
    if dotted is not False:
        match = PERSON_DOTTED.match(text, pos) or (PERSON_COMMA.match(text, pos) if first else None)
        if match:
            surname, initials = match.group(0).split(",", 1)
            return f"{' '.join(surname.split())} {re.sub(rf'[^{UP}]', '', initials)}", match.end(), True
    return None


def _groups(text: str, separator: re.Match) -> tuple[list[str], int] | None:
    """Group authors after the persons: after ";" (one or more), or one after "," that ends the run.

    e.g. "...; Standards of Practice Committee; American Academy of Sleep Medicine. Best practice ..."
    """
    names, pos, sep = [], separator.end(), separator.group("sep")
    while True:
        group = _group_at(text, pos, stop=";")
        if group is None or (sep == "," and text[group[1] : group[1] + 1] != "."):
            break
        names.append(group[0])
        pos = group[1]
        semicolon = SEMICOLON.match(text, pos)
        if semicolon is None:
            break
        pos, sep = semicolon.end(), ";"
    return (names, pos) if names else None


def _group_at(text: str, pos: int, *, stop: str) -> tuple[str, int] | None:
    """An organization name at `pos`, ending at the first sentence break or `stop` character."""
    end = next(_breaks(text, pos), len(text.rstrip(". ")))
    if stop in text[pos:end]:
        end = text.index(stop, pos)
    name = text[pos:end].rstrip().rstrip(".")
    if not name.strip() or "," in name or not is_name(name):
        return None
    return _clean(name), pos + len(name)


def is_name(segment: str) -> bool:
    """Organization-like: every word capitalized but small connectors, at most 15 words, no year, no colon.

    e.g. "American College of Radiology (ACR)", "Hayes, Inc", "U.S. National Institutes of Health (NIH)"
    """
    words = NOTE.sub("", segment).replace("/", " ").split()
    if not words or len(words) > 15 or YEAR.search(segment) or ":" in segment:
        return False
    return all(w[0].isupper() or w[0] in "(&[" or w[0].isdigit() or w.lower() in CONNECTORS for w in words)


def _authors_and_rest(body: str) -> tuple[list[str], str, str | None, bool]:
    """(authors, text after them, container named before them, authored by an organization?)"""
    run = author_run(body)
    if run:
        return run[0], body[run[1] :].lstrip(" .,;:"), None, False
    lead = _segments(body)[0]
    rest = body[body.find(lead) + len(lead) :].lstrip(" .,;:")
    credentialed = list(CREDENTIALED.finditer(rest))
    if credentialed and not author_run(lead):  # e.g. "UpToDate. Title. Neeru Jayanthi M.D.. Topic last updated ..."
        names = [f"{m.group('family')} {''.join(w[0] for w in m.group('given').split())}" for m in credentialed]
        rest = rest[: credentialed[0].start()].rstrip(" .,") + ". " + rest[credentialed[-1].end() :].lstrip(" .,")
        return names, rest, _clean(lead), False
    inner = author_run(rest)
    if inner and len(lead.split()) <= 3:  # e.g. "UpToDate. Chou, R., Atlas, S., Subacute and chronic back pain."
        return inner[0], rest[inner[1] :].lstrip(" .,;:"), _clean(lead), False
    if is_name(lead):
        return [_clean(lead)], rest, None, True
    return [], body, None, False


# --- title, journal, source --------------------------------------------------------------------


def _breaks(text: str, pos: int = 0):
    """Offsets of sentence breaks from `pos`, skipping periods that close an abbreviation ("U.S.", "et al.", "No.")."""
    start = pos
    for match in BREAK.finditer(text, pos):
        if not ABBREVIATION.search(text[start : match.start()]):
            yield match.start()
            start = match.start()


def _segments(text: str) -> list[str]:
    """Sentences of a citation, trimmed of their closing punctuation."""
    cuts = [0, *_breaks(text), len(text)]
    return [s for s in (text[a:b].strip(" .,;") for a, b in zip(cuts, cuts[1:])) if s] or [""]


def _source(rest: str) -> re.Match | None:
    """The first year;volume(issue):pages group with an issue or pages (else the first with a volume)."""
    with_volume = None
    for match in SOURCE.finditer(rest):
        if any(match.group(k) for k in ("issue", "pages", "w_issue", "range")):
            return match
        if match.group("volume") and with_volume is None:
            with_volume = match
    return with_volume


def _title_and_journal(segments: list[str], org_author: bool) -> tuple[str | None, str | None]:
    """Title and journal of the text before the source: the journal is the last sentence."""
    segments = _skip_leading(segments, org_author, keep=2)
    if len(segments) == 1:
        return _split_comma_journal(segments[0])
    journal = segments[-1]
    if PUBLISHER.match(journal + " ") or _is_edition(journal):  # e.g. "Boston, MA: Little, Brown & Co.; 1994: 253-256"
        return _unsourced(segments[:-1], False)[0], None
    return _clean(_join(segments[:-1])) or None, _clean(journal) or None


def _unsourced(segments: list[str], org_author: bool) -> tuple[str | None, str | None]:
    """Books, guidelines, web pages: the title is the first content sentence; a book title before an edition is the container."""
    content: list[str] = []
    edition = False
    for segment in _skip_leading(segments, org_author, keep=1):
        if _is_edition(segment):
            edition = True
            break
        if _is_meta(segment):
            if content:
                break  # a date or a publisher ends the title (and container)
            continue
        content.append(segment)
    if not content:
        return None, None
    container = content[-1] if edition and len(content) >= 2 and not LABEL.match(content[-1]) else None
    return _clean(content[0]) or None, _clean(container) or None


def _skip_leading(segments: list[str], org_author: bool, *, keep: int) -> list[str]:
    """Drop identifiers, document-type labels and sub-organizations before the title.

    e.g. "NGC: 9327", "Position Statement", "Criteria Committee" (after an organization author)
    """
    while len(segments) > keep and not _is_meta(segments[1]) and (
        IDENTIFIER.match(segments[0]) or LABEL.match(segments[0]) or org_author and is_name(segments[0]) and SUB_ORG.search(segments[0])
    ):
        segments = segments[1:]
    return segments


def _is_meta(segment: str) -> bool:
    """A sentence that is no title: a date, edition, publisher, identifier or parenthetical note."""
    return bool(
        DATE_LINE.match(segment) or _is_edition(segment) or PUBLISHER.match(segment + " ") or IDENTIFIER.match(segment) or segment.startswith("(")
    )


def _split_comma_journal(segment: str) -> tuple[str | None, str | None]:
    """ "Title, Am J Phys Med Rehabil" -> title and journal when the last comma part reads like an abbreviated journal."""
    head, _, last = segment.rpartition(", ")
    words = last.split()
    if head and 1 <= len(words) <= 8 and all(w[0].isupper() for w in words) and ":" not in last and not YEAR.search(last):
        return _clean(head) or None, _clean(last)
    return _clean(segment) or None, None


def _is_edition(segment: str) -> bool:
    return bool(EDITION_ONLY.match(segment.strip()))


def _join(segments: list[str]) -> str:
    """Sentences back into one string: "Does it work?" + "A trial" -> "Does it work? A trial"."""
    return " ".join(s if s.endswith(("?", "!")) else s + "." for s in segments)


def _clean(value: str | None) -> str:
    return " ".join(EDITION.sub("", NOTE.sub("", value or "")).split()).strip(" .,;")


def _value(value: str | None) -> str | None:
    """ "1 Pt 2" stays spaced; "948- 68" loses the wrap's space."""
    if not value:
        return None
    return re.sub(r"\s*([-–])\s*", r"\1", " ".join(value.split())) or None
