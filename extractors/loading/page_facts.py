"""Page facts of a whole saved web page: its title, the dates and number its furniture prints, what it
says of itself in <head>.

- the title: the page's <h1> (the one in its main content first, then one outside the furniture, then
  one of the furniture that the <title> repeats), else the <title> without the site's name and section;
- facts: the "Label: value" lines of the furniture (a sidebar's "Last Review" over "03/12/2025",
  "Policy Number: X") that name a policy date or number, and <meta> named for one ("effective-date");
- notices: the copyright and licensee lines of the furniture (they name who publishes the page);
- properties: site, author, address and the <meta> page dates, labelled "Page published" / "Page
  modified" (a page's modified time is not a policy date: no date extractor reads these labels).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from extractors.loading.html import render

# e.g. "Skip to main content", "Top", "Medical Policy": what a page calls itself, not the policy
GENERIC_TITLE = re.compile(
    r"(?i)^(?:top|back\s+to\s+top|home|menu|search|skip\s+to\b.*|log\s*in|sign\s+in|main\s+content|"
    r"(?:(?:medical|clinical|payment|reimbursement|coverage|commercial|medicare)\s+)*(?:polic(?:y|ies)|guidelines?|"
    r"policy\s+bulletins?|clinical\s+policy\s+bulletins?)(?:\s+(?:bulletins?|manual|library|search|home))?|providers?|members?)$"
)
TITLE_PARTS = re.compile(r"\s+[|–—•:]{1,2}\s+|\s+-\s+")  # e.g. "Title - Medical Clinical Policy Bulletins | Aetna"
LEADING_DOC_TYPE = re.compile(r"(?i)^(?:medical|clinical|payment|reimbursement|coverage)\s+(?:policy|guideline)\s*:\s*")  # e.g. "Medical Policy: "
MAX_TITLE = 200
MAX_HEADINGS = 20  # <h1> elements looked at for the title (a page has one or two)
# e.g. "Subject: Cryoablation ...", "Topic: Vitamin D Testing": the page prints its title under a label
TITLE_LABELED = re.compile(r"(?im)^[ \t]*(?:Subject|Title|Policy\s+Title|Policy\s+Name|Topic|Guideline\s+Title|LCD\s+Title|Article\s+Title)[ \t]*:")
TITLE_REACH = 6000  # chars: where the title extractor reads a labelled title
# labels a page prints beside its policy (a sidebar, a banner), read as "Label: value" or "Label" over "value",
# e.g. "Last Review", "Next Review Date", "Effective", "Origination"; "Policy Number", "Document #", "Number"
DATE_LABEL = (
    r"(?:last|next)\s+(?:annual\s+|scheduled\s+)?review(?:ed)?(?:\s+date)?|date\s+(?:last\s+)?reviewed|review\s+date|"
    r"(?:original\s+|current\s+|policy\s+)?effective(?:\s+date)?|origination(?:\s+date)?|date\s+of\s+origin|"
    r"(?:last\s+)?revis(?:ed|ion)(?:\s+date)?|publish(?:ed)?\s+date|issue\s+date|approv(?:al|ed)\s+date"
)
NUMBER_LABEL = r"(?:policy|document|guideline|bulletin|medical\s+policy|clinical\s+policy)\s*(?:number|no\.?|#|id)|number|medical\s+policy|policy"
# e.g. "Last Review: 03/12/2025", "Policy #: MP-7", "Effective Date ...... 01/01/2025", "Last Review" (value below)
FACT_LINE = re.compile(rf"(?i)^[ \t]*(?P<label>{DATE_LABEL}|{NUMBER_LABEL})[ \t]*(?P<separator>[:#]|\.{{2,}})?[ \t]*(?P<value>[^\n]{{0,60}}?)[ \t]*$")
# e.g. "03/12/2025", "3/2025", "2025-03-12", "March 12, 2025", "March 2025"
DATE_VALUE = re.compile(
    r"(?i)^(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/\d{4}|\d{1,2}/\d{2}|\d{4}-\d{2}(?:-\d{2})?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4})\b"
)
LIST_MARKER = re.compile(r"^[ \t]*(?:[•·*-]|\d{1,2}\.)[ \t]+")  # e.g. "• Policy Number: X" (a sidebar's list)
NUMBER_VALUE = re.compile(r"^(?=[\w.#-]*\d)[A-Za-z0-9][\w.#-]{1,30}$")  # e.g. "0977", "SCHP.CP.MP.95", "L-187-004"
LINK_BAR = re.compile(r"[ \t]+\|[ \t]+|\t")  # e.g. "Privacy | Terms of Use"
# e.g. "© 2025 Acme Health Plan. All rights reserved.": who holds the page, kept from the footer left out
NOTICE = re.compile(r"(?i)©|&copy;|\bcopyright\b|all\s+rights\s+reserved|independent\s+licensee")
MAY_TELL = re.compile(r"(?i)\d|©|copyright|rights\s+reserved|licensee")  # e.g. "03/2025", "© Acme": a fact or a notice
NOTICE_MARK = re.compile(r"(?i)©|\bcopyright\b")  # e.g. "© 2025", "Copyright 2025"
# <meta> that dates the page (its publication, its last edit), never the policy
PAGE_DATE_META = {
    "article:published_time": "Page published", "datepublished": "Page published", "dc.date": "Page published",
    "dcterms.created": "Page published", "dc.date.created": "Page published", "date": "Page published",
    "article:modified_time": "Page modified", "og:updated_time": "Page modified", "datemodified": "Page modified",
    "dcterms.modified": "Page modified", "dc.date.modified": "Page modified", "last-modified": "Page modified",
}
# <meta> named for a policy's own date or number, e.g. <meta name="effective-date" content="2025-01-01">
POLICY_META = {
    "effectivedate": "Effective Date", "policyeffectivedate": "Effective Date", "lastreviewdate": "Last Review Date",
    "lastreviewed": "Last Review Date", "nextreviewdate": "Next Review Date", "originaleffectivedate": "Original Effective Date",
    "policynumber": "Policy Number",
}
SITE_META = ("og:site_name", "application-name")
URL_META = ('link[rel="canonical"]', 'meta[property="og:url"]')
PROPERTIES_HEADING = "Page properties"
META_VALUE = re.compile(r"[<>{}\[\]\\`\x00-\x1f\x7f]")  # e.g. "<", "\x00": characters a property value may not keep
ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")  # e.g. "2025-03-18T16:22:40+00:00"
WS = re.compile(r"\s+")  # e.g. "\n\t  "
ADDRESS = re.compile(r"https?://[\w.-]+\S*$")  # e.g. "https://www.aetna.com/cpb/medical/data/0977.html"
LETTERS = re.compile(r"[A-Za-z]{3}")  # e.g. "Pro": a title has words
NOT_LETTER = re.compile(r"[^a-z]")  # e.g. "-", ":" in "last-review-date"



def under(node, ids: set[int]) -> bool:
    """`node` is one of the elements `ids` names, or inside one."""
    while node is not None:
        if node.mem_id in ids:
            return True
        node = node.parent
    return False




def furniture_lines(nodes: list) -> list[str]:
    """The text lines of the furniture left out that may hold a fact or a notice, list markers dropped."""
    lines = []
    for node in nodes:
        if MAY_TELL.search(node.text(deep=True) or ""):  # a menu without a digit or a notice is not rendered
            cells = (cell for line in render(node).splitlines() for cell in line.split("\t"))  # a table's cells apart
            lines += [LIST_MARKER.sub("", cell).strip() for cell in cells if cell.strip()]
    return lines


def facts(lines: list[str]) -> list[str]:
    """The "Label: value" lines (or "Label" over "value") that name a policy date or number, as printed."""
    out = []
    for i, line in enumerate(lines):
        match = FACT_LINE.match(line)
        if match is None:
            continue
        label, value = match.group("label").strip(), match.group("value").strip()
        is_date = re.fullmatch(DATE_LABEL, label, re.I) is not None
        if not is_date and not match.group("separator"):
            continue  # "Policy" or "Number" alone is a word, not a label
        if not value and i + 1 < len(lines):
            value = lines[i + 1]  # e.g. "Last Review" over "03/12/2025", a "Document #:" cell beside "SURG.00301"
        if (DATE_VALUE.match(value) if is_date else NUMBER_VALUE.match(value)) and len(value) <= 60:
            out.append(f"{label}: {value}")
    return list(dict.fromkeys(out))


def notices(lines: list[str]) -> list[str]:
    """Copyright and licensee notices: they name who publishes the page."""
    out = []
    for line in lines:
        for part in LINK_BAR.split(line):  # e.g. "Privacy | Terms of Use | © 2024 Acme Inc." -> the notice
            mark = NOTICE_MARK.search(part)
            part = part[mark.start() if mark else 0 :].strip()  # e.g. "Accessibility © 2024 Acme" -> "© 2024 Acme"
            if NOTICE.search(part) and 8 <= len(part) <= 300:
                out.append(part)
    return out


def title(tree: LexborHTMLParser, main, chrome: list) -> str | None:
    """The policy's title: the page's <h1> (the one in its main content first, then one outside the
    furniture, then one of the furniture that the <title> repeats), else the <title> without the
    site's name and section ("X - Medical Clinical Policy Bulletins | Aetna" -> "X")."""
    site = {s.lower() for s in (_meta(tree, name) for name in SITE_META) if s}
    title_node = tree.css_first("title")
    page_title = clean(title_node.text() or "") if title_node is not None else ""
    headings = [clean(h.text(deep=True) or "") for h in main.css("h1")[:MAX_HEADINGS]] if main is not None else []
    in_chrome, chrome_ids = [], {node.mem_id for node in chrome}
    for heading in tree.body.css("h1")[:MAX_HEADINGS] if tree.body is not None else []:
        (in_chrome if under(heading, chrome_ids) else headings).append(clean(heading.text(deep=True) or ""))
    headings += [text for text in in_chrome if text and text.lower() in page_title.lower()]
    for text in headings:
        if _usable_title(text, site):
            return text
    parts = [LEADING_DOC_TYPE.sub("", clean(part)) for part in TITLE_PARTS.split(page_title)]
    usable = [part for part in parts if _usable_title(part, site)]
    return usable[0] if usable else None


def _usable_title(text: str, site: set[str]) -> bool:
    words = text.replace("_", " ")
    return (
        2 < len(text) <= MAX_TITLE
        and LETTERS.search(text) is not None
        and not GENERIC_TITLE.match(words)
        and text.lower() not in site
    )


def clean(text: str) -> str:
    return WS.sub(" ", text).strip()


def _meta(tree: LexborHTMLParser, key: str) -> str | None:
    node = tree.css_first(f'meta[property="{key}"], meta[name="{key}"], meta[itemprop="{key}"]')
    value = clean(META_VALUE.sub("", (node.attributes.get("content") or "") if node is not None else ""))
    return value[:200] or None


def _all_meta(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    out = []
    for node in tree.css("meta"):
        attributes = node.attributes
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or attributes.get("http-equiv") or "").strip().lower()
        value = clean(META_VALUE.sub("", attributes.get("content") or ""))
        if key and value:
            out.append((key, value[:200]))
    return out


def policy_meta(tree: LexborHTMLParser) -> list[str]:
    """<meta> named for the policy's own date or number, as labelled lines."""
    out = []
    for key, value in _all_meta(tree):
        label = POLICY_META.get(NOT_LETTER.sub("", key))
        if label:
            out.append(f"{label}: {_day(value)}")
    return out


def properties(tree: LexborHTMLParser) -> list[str]:
    """What the page says of itself without printing it: site, author, address, page dates."""
    out = []
    for name in SITE_META:
        if value := _meta(tree, name):
            out.append(f"Site: {value}")
    if author := _meta(tree, "author"):
        out.append(f"Author: {author}")
    for selector in URL_META:
        node = tree.css_first(selector)
        if node is not None:
            address = (node.attributes.get("href") or node.attributes.get("content") or "").strip()
            if ADDRESS.match(address):
                out.append(f"Address: {address[:300]}")
                break
    for key, value in _all_meta(tree):
        label = PAGE_DATE_META.get(key)
        if label:
            out.append(f"{label}: {_day(value)}")
    return out


def _day(value: str) -> str:
    """"2025-03-18T16:22:40+00:00" -> "2025-03-18"; other values as given."""
    match = ISO_DAY.match(value)
    return match.group(1) if match else value
