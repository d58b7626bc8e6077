"""Whole saved web pages -> the policy's text: main content, a header of page facts, a properties block.

A payer's policy page saved whole carries the site around the policy: skip links, menus, breadcrumbs,
sidebars, footers. Rendered as it is, the page opens with "Skip to main content" or "Top" (read as the
title) and its sidebar dates land after the references (where no date is read). Here:

1. Page furniture is found in the parsed tree (selectolax/lexbor, as the HTML renderer) and left out:
   navigation, banners, footers and sidebars outside the page's <main>/<article> (by element, ARIA
   role or a class/id word such as "nav", "breadcrumb", "footer", "sidebar"), skip links, buttons,
   screen-reader-only text, and blocks of short links (menus). The element tree is kept as it is and
   rendered with the project's own renderer, so tables, lists and evidence behave as on any page.
   Measured on the six composed pages of tests/fixtures/pages (policy headings, table rows and list
   items kept): trafilatura 2.3.1 (favor_recall, tables, formatting) kept no heading on four pages
   and turned numbered lists into bullets; readability-lxml 0.9 dropped the coverage criteria lists
   of one page and all headings and 5 of 8 table rows of another. This rule kept all of them.
2. The main content is the page's <main> (or its one <article>) when it holds the policy; otherwise
   the page without its furniture. The policy is never lost: a <main> with under 30 % of the text, or
   without the policy headings, gives way to the page without furniture; a page whose furniture
   removal loses the policy headings (or most of its text) is rendered whole, as before.
3. A header, before the content, holds what a reader sees around the policy: "Title: ..." (the <h1>,
   else the <title> cleaned of " | Site" parts) when the content does not open with it, and the
   label/value lines of the furniture that name the policy's dates or number ("Last Review: 03/2025",
   "Policy Number: X"), which the date and number extractors read as printed. Its lines are marked as
   furniture so that a date the body prints under the same label wins over them.
4. A "Page properties" block after the content (a metadata section, like a PDF's "Document
   properties") holds what the page says of itself but does not print: site, author, address, and the
   <meta> dates as "Page published" / "Page modified" -- a page's modified time is not a policy
   date, so no date extractor reads them -- and the copyright notices of the footer left out.
   Only <meta> named for a policy date ("effective-date", "last-review-date", ...) goes to the header.

Saved fragments of a page (no <html>/<body>) are not whole pages and are rendered as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from extractors.errors import LimitExceeded
from extractors.loading.html import DOCUMENT_START, MAX_DEPTH, nesting_depth, render

# --- furniture ------------------------------------------------------------------------------------
CHROME_TAGS = ("nav", "aside", "header", "footer")  # inside <main>/<article> (header/footer: <section>) they are content
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
# words of a class or id that name page furniture, e.g. class="site-footer", id="site-navigation", "leftnav"
CHROME_WORDS = frozenset(
    "nav navbar navigation leftnav sidenav topnav subnav menu menubar megamenu breadcrumb breadcrumbs footer "
    "sidebar skip skiplink share social cookie cookies masthead topbar toolbar utility login".split()
)
# ... unless the same class or id names a part of a content block: "card-footer", "table-footer-group",
# "document-view-status-banner", "accordion-menu"
PART_WORDS = frozenset("card panel modal table tab accordion dialog status alert notice".split())
ROW_PARTS = frozenset({"thead", "tbody", "tfoot", "tr", "th", "caption"})  # a table's rows are its content
# text for screen readers only ("opens a dialog"); content hidden by a style or an attribute stays (a closed
# accordion panel of a saved page holds policy text)
HIDDEN_WORDS = frozenset({"sr-only", "visually-hidden", "screen-reader-text", "screenreader"})
WORD_SPLIT = re.compile(r"[_-]+")  # e.g. "site-footer", "main_nav" -> site, footer; main, nav
MENU_LINKS = 3  # a block of at least this many links ...
MENU_LINK_SHARE = 0.8  # ... whose text is this much link text ...
MENU_LINK_CHARS = 40  # ... of short links (a menu item, not a reference's title) is navigation
CODE_SHAPED = re.compile(r"\b(?:\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?)\b")  # e.g. 0662T, A9279, C50.011
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "-comment"})  # no text of the page
PARTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "table"})
SEPARATORS = re.compile(r"[\s|•·>/]+")  # not text of a link bar ("Home | Search | Help")
MAIN_SHARE = 0.3  # <main> holding less of the page's text than this does not hold the policy
# e.g. "Policy", "Coverage Criteria", "III. Background", "Applicable CPT / HCPCS Codes": a policy's headings
POLICY_HEADING = re.compile(
    r"(?im)^[ \t]*(?:[IVX]{1,4}\.|\d{1,2}\.)?[ \t]*(?:[A-Za-z/&,-]+[ \t]+){0,4}?"
    r"(?:polic(?:y|ies)|position\s+statement|coverage|criteria|indications?|description|scope|background|rationale|"
    r"references|codes|coding|history|definitions|guidelines?|summary|medical\s+necessity|limitations|instructions)"
    r"\b[^\n.]{0,60}$"
)

# --- page facts -----------------------------------------------------------------------------------
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
FACT_LINE = re.compile(rf"(?i)^[ \t]*(?P<label>{DATE_LABEL}|{NUMBER_LABEL})[ \t]*(?:[:#]|\.{{2,}})?[ \t]*(?P<value>[^\n]{{0,60}}?)[ \t]*$")
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


@dataclass(frozen=True)
class WebPage:
    """A whole page rendered: the text, and how many of its first lines are the header of page facts."""

    text: str
    header_lines: int = 0


def is_whole_page(markup: str) -> bool:
    """A saved page with its <html>/<head>/<body> (a fragment of one is rendered as before)."""
    return bool(DOCUMENT_START.match(markup[:4096]))


def page_to_text(markup: str, *, name: str = "document") -> WebPage:
    """The page's text: header of page facts, main content (or the page rendered whole, as before,
    when the content cannot be told from the furniture without losing the policy), properties block."""
    if nesting_depth(markup) > MAX_DEPTH:
        raise LimitExceeded(f"{name}: HTML nested more than {MAX_DEPTH} elements deep")
    tree = LexborHTMLParser(markup)
    whole = render(tree.root)
    body = tree.body
    if body is None:
        return WebPage(whole)
    main = _main_element(body)
    chrome = _chrome(body, main)
    furniture = _furniture_lines(chrome)
    facts, notices = _facts(furniture), _notices(furniture)
    side_facts = _facts(_furniture_lines(_sides_in_content(body, chrome)))  # printed after the references, where no date is read
    title = _title(tree, main, chrome)
    for node in chrome:
        node.decompose()
    kept = render(body)
    content = whole
    if _keeps_policy(kept, whole, share=0):  # furniture is marked as such: a big menu may outweigh a short policy
        content = kept
        if main is not None:
            in_main = render(main)
            if _keeps_policy(in_main, kept, share=MAIN_SHARE):
                content = in_main
    if content is whole:
        side_facts, facts = facts + side_facts, []  # the page rendered whole prints them where no date may be read
    return _assemble(
        content, title=title, facts=facts + _policy_meta(tree), side_facts=side_facts, properties=_properties(tree) + notices
    )


def _assemble(content: str, *, title: str | None, facts: list[str], side_facts: list[str], properties: list[str]) -> WebPage:
    content = content.strip("\n")
    flat = WS.sub(" ", content)
    header = []
    first = next((line.strip() for line in content.splitlines() if line.strip()), "")
    if title and WS.sub(" ", first) != title and not TITLE_LABELED.search(content[:TITLE_REACH]):
        header.append(f"Title: {title}")
    for line in facts:
        label, value = line.split(": ", 1)
        printed = re.search(rf"(?i){re.escape(label)}\W{{0,12}}{re.escape(value)}", flat)  # e.g. "Next Review: 01/08/2026"
        if line not in header and not printed:
            header.append(line)  # printed only in the furniture left out (or nowhere: a <meta>)
    header += [line for line in side_facts if line not in header]
    text = "\n".join(header) + ("\n\n" if header else "") + content
    properties = [p for p in dict.fromkeys(properties) if ": " in p or WS.sub(" ", p) not in flat]  # a notice printed once
    if properties:
        text += "\n\n" + PROPERTIES_HEADING + "\n" + "\n".join(properties)
    return WebPage(text, header_lines=len(header))


# --- main content ---------------------------------------------------------------------------------


def _main_element(body):
    """The page's <main> (or role=main), else its one <article>: where the page says its content is."""
    found = body.css_first('main, [role="main"]')
    if found is not None:
        return found
    articles = body.css("article")
    return articles[0] if len(articles) == 1 else None


def _keeps_policy(part: str, whole: str, *, share: float) -> bool:
    """`part` keeps the policy of `whole`: at least half of its policy headings (and `share` of its
    text), or, when `whole` has no policy heading, at least MAIN_SHARE of its text."""
    size, whole_size = len(WS.sub("", part)), len(WS.sub("", whole))
    if not size:
        return False
    whole_headings = len(POLICY_HEADING.findall(whole))
    if whole_headings:
        return 2 * len(POLICY_HEADING.findall(part)) >= whole_headings and size >= share * whole_size
    return size >= max(share, MAIN_SHARE) * whole_size


def _chrome(body, main) -> list:
    """The page furniture under `body`, outermost elements only (a walk that does not enter what it
    finds), never one holding the main content."""
    sizes = _measure(body)
    found = []
    stack = [(child, False, False) for child in _children(body)]
    while stack:
        node, inside_content, in_section = stack.pop()
        if _is_chrome(node, sizes, inside_content=inside_content, in_section=in_section) and not _holds_content(node, main):
            found.append(node)
            continue
        inside_content = inside_content or node.tag in ("main", "article") or node.attributes.get("role") == "main"
        in_section = in_section or inside_content or node.tag == "section"
        stack.extend((child, inside_content, in_section) for child in _children(node))
    return found


@dataclass
class Size:
    """What an element holds, for the menu rule: text and link text (characters), links, linked codes, headings or tables."""

    chars: int = 0
    link_chars: int = 0
    links: int = 0
    code_links: int = 0
    parts: bool = False  # a heading or a table


def _measure(body) -> dict[int, Size]:
    """Every element's Size, in one walk of the tree (an element's size is its children's, summed)."""
    sizes: dict[int, Size] = {}
    stack: list[tuple[object, bool, bool]] = [(body, False, False)]  # (node, in a link, leaving)
    while stack:
        node, in_link, leaving = stack.pop()
        tag = node.tag
        if tag == "-text":
            continue
        if not leaving:
            if tag in SKIPPED:
                continue
            stack.append((node, in_link, True))
            child = node.child
            children = []
            while child is not None:
                children.append(child)
                child = child.next
            for child in reversed(children):
                if child.tag == "-text":
                    chars = len(SEPARATORS.sub("", child.text_content or ""))
                    size = sizes.setdefault(node.mem_id, Size())
                    size.chars += chars
                    size.link_chars += chars if in_link or tag == "a" else 0
                else:
                    stack.append((child, in_link or tag == "a", False))
            continue
        size = sizes.setdefault(node.mem_id, Size())
        if tag == "a":
            size.links += 1
            size.code_links += bool(CODE_SHAPED.search(node.text(deep=True) or ""))
        size.parts = size.parts or tag in PARTS
        parent = node.parent
        if parent is not None and node is not body:
            total = sizes.setdefault(parent.mem_id, Size())
            total.chars += size.chars
            total.link_chars += size.link_chars
            total.links += size.links
            total.code_links += size.code_links
            total.parts = total.parts or size.parts
    return sizes


def _children(node) -> list:
    out = []
    child = node.child
    while child is not None:
        if child.tag not in ("-text", "-comment"):
            out.append(child)
        child = child.next
    return out[::-1]


def _sides_in_content(body, chrome: list) -> list:
    """Sidebars the page puts inside its <main>/<article> (an <aside>, role=complementary, a "sidebar")."""
    out: list = []
    taken = {node.mem_id for node in chrome}
    for node in body.css('aside, [role="complementary"], [class*="sidebar"], [id*="sidebar"]'):
        if not _under(node, taken):
            out.append(node)
            taken.add(node.mem_id)
    return out


def _holds_content(node, main) -> bool:
    return node.css_first('main, [role="main"], article') is not None or (main is not None and _contains(node, main))


def _is_chrome(node, sizes: dict[int, Size], *, inside_content: bool, in_section: bool) -> bool:
    """Furniture: navigation anywhere; banners, footers, sidebars and furniture words outside the page's
    content (a <header>/<footer> of a <section> heads or closes that section); menus; buttons; skip links."""
    tag = node.tag
    attributes = node.attributes
    if tag in ("button", "select", "option", "textarea"):
        return True
    if tag == "a" and (attributes.get("href") or "").startswith("#") and GENERIC_TITLE.match(_clean(node.text(deep=True) or "")):
        return True  # e.g. <a href="#main">Skip to main content</a>, <a href="#top">Top</a>
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower().split()
    classes = set((attributes.get("class") or "").lower().split())
    if classes & HIDDEN_WORDS:
        return True
    if tag == "nav" or (attributes.get("role") or "") == "navigation":
        return True
    if tag in ("header", "footer") and in_section:
        return False
    if (tag in CHROME_TAGS or (attributes.get("role") or "") in CHROME_ROLES) and not inside_content:
        return True
    if not inside_content and tag not in ROW_PARTS and any(_furniture_name(name) for name in names):
        return True
    return tag in ("ul", "ol", "div", "td", "p", "section", "table") and not inside_content and _menu(sizes.get(node.mem_id))


def _furniture_name(name: str) -> bool:
    """A class or id that names page furniture ("site-footer", "leftnav"), not a part of a block ("card-footer")."""
    words = set(WORD_SPLIT.split(name))
    return bool(words & CHROME_WORDS) and not words & PART_WORDS


def _menu(size: Size | None) -> bool:
    """A block of short links and little else (a menu, a link bar): navigation. A block with headings or
    a table is a page's part, and linked codes or policy numbers ("0662T", "CPB 0227") are content."""
    if size is None or size.links < MENU_LINKS or size.parts or size.code_links or not size.chars:
        return False
    return size.link_chars >= MENU_LINK_SHARE * size.chars and size.link_chars / size.links <= MENU_LINK_CHARS


def _under(node, ids: set[int]) -> bool:
    """`node` is one of the elements `ids` names, or inside one."""
    while node is not None:
        if node.mem_id in ids:
            return True
        node = node.parent
    return False


def _contains(outer, inner) -> bool:
    node = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


# --- page facts -----------------------------------------------------------------------------------


def _furniture_lines(nodes: list) -> list[str]:
    """The text lines of the furniture left out that may hold a fact or a notice, list markers dropped."""
    lines = []
    for node in nodes:
        if MAY_TELL.search(node.text(deep=True) or ""):  # a menu without a digit or a notice is not rendered
            lines += [LIST_MARKER.sub("", line).strip() for line in render(node).splitlines() if line.strip()]
    return lines


def _facts(lines: list[str]) -> list[str]:
    """The "Label: value" lines (or "Label" over "value") that name a policy date or number, as printed."""
    out = []
    for i, line in enumerate(lines):
        match = FACT_LINE.match(line)
        if match is None:
            continue
        label, value = match.group("label").strip(), match.group("value").strip()
        if not value and i + 1 < len(lines):
            value = lines[i + 1]  # e.g. "Last Review" over "03/12/2025"
        is_date = re.fullmatch(DATE_LABEL, label, re.I) is not None
        if (DATE_VALUE.match(value) if is_date else NUMBER_VALUE.match(value)) and len(value) <= 60:
            out.append(f"{label}: {value}")
    return list(dict.fromkeys(out))


def _notices(lines: list[str]) -> list[str]:
    """Copyright and licensee notices: they name who publishes the page."""
    out = []
    for line in lines:
        for part in LINK_BAR.split(line):  # e.g. "Privacy | Terms of Use | © 2024 Acme Inc." -> the notice
            mark = NOTICE_MARK.search(part)
            part = part[mark.start() if mark else 0 :].strip()  # e.g. "Accessibility © 2024 Acme" -> "© 2024 Acme"
            if NOTICE.search(part) and 8 <= len(part) <= 300:
                out.append(part)
    return out


def _title(tree: LexborHTMLParser, main, chrome: list) -> str | None:
    """The policy's title: the page's <h1> (the one in its main content first, then one outside the
    furniture, then one of the furniture that the <title> repeats), else the <title> without the
    site's name and section ("X - Medical Clinical Policy Bulletins | Aetna" -> "X")."""
    site = {s.lower() for s in (_meta(tree, name) for name in SITE_META) if s}
    title_node = tree.css_first("title")
    page_title = _clean(title_node.text() or "") if title_node is not None else ""
    headings = [_clean(h.text(deep=True) or "") for h in main.css("h1")[:MAX_HEADINGS]] if main is not None else []
    in_chrome, chrome_ids = [], {node.mem_id for node in chrome}
    for heading in tree.body.css("h1")[:MAX_HEADINGS] if tree.body is not None else []:
        (in_chrome if _under(heading, chrome_ids) else headings).append(_clean(heading.text(deep=True) or ""))
    headings += [text for text in in_chrome if text and text.lower() in page_title.lower()]
    for text in headings:
        if _usable_title(text, site):
            return text
    parts = [LEADING_DOC_TYPE.sub("", _clean(part)) for part in TITLE_PARTS.split(page_title)]
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


def _clean(text: str) -> str:
    return WS.sub(" ", text).strip()


def _meta(tree: LexborHTMLParser, key: str) -> str | None:
    node = tree.css_first(f'meta[property="{key}"], meta[name="{key}"], meta[itemprop="{key}"]')
    value = _clean(META_VALUE.sub("", (node.attributes.get("content") or "") if node is not None else ""))
    return value[:200] or None


def _all_meta(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    out = []
    for node in tree.css("meta"):
        attributes = node.attributes
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or attributes.get("http-equiv") or "").strip().lower()
        value = _clean(META_VALUE.sub("", attributes.get("content") or ""))
        if key and value:
            out.append((key, value[:200]))
    return out


def _policy_meta(tree: LexborHTMLParser) -> list[str]:
    """<meta> named for the policy's own date or number, as labelled lines."""
    out = []
    for key, value in _all_meta(tree):
        label = POLICY_META.get(NOT_LETTER.sub("", key))
        if label:
            out.append(f"{label}: {_day(value)}")
    return out


def _properties(tree: LexborHTMLParser) -> list[str]:
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
