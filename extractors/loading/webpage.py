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
   with under half of the policy headings, gives way to the page without furniture; a page whose
   furniture removal loses half of its policy headings (or, without headings, 70 % of its text) is
   rendered whole, as before.
3. A header before the content holds the page facts a reader sees around the policy (page_facts.py):
   "Title: ..." when the content neither opens with the title nor labels one, and the furniture's
   lines naming a policy date or number ("Last Review: 03/12/2025", "Policy Number: X") that the
   content does not print, which the date and number extractors then read as printed. Its lines are
   marked as furniture, so a date the body prints under the same label wins over them.
4. A "Page properties" block after the content (a metadata section, like a PDF's "Document
   properties") holds what the page says of itself without printing it (site, author, address, the
   <meta> page dates, which no date extractor reads) and the copyright notices of the footer left out.

Saved fragments of a page (no <html>/<body>) are not whole pages and are rendered as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from extractors.errors import LimitExceeded
from extractors.loading import page_facts
from extractors.loading.html import DOCUMENT_START, MAX_DEPTH, nesting_depth, render
from extractors.loading.page_facts import GENERIC_TITLE, PROPERTIES_HEADING, TITLE_LABELED, TITLE_REACH, WS, clean, under

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
    furniture = page_facts.furniture_lines(chrome)
    facts, notices = page_facts.facts(furniture), page_facts.notices(furniture)
    # a sidebar inside <main> stays in place, but prints its dates after the references, where no date is read
    side_facts = page_facts.facts(page_facts.furniture_lines(_sides_in_content(body, chrome)))
    title = page_facts.title(tree, main, chrome)
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
        content,
        title=title,
        facts=facts + page_facts.policy_meta(tree),
        side_facts=side_facts,
        properties=page_facts.properties(tree) + notices,
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
        if node.css_first("h1, main, article") is not None or node.mem_id == body.mem_id:
            continue  # e.g. <body class="no-sidebar">, <div class="has-sidebar"> around the content
        if not under(node, taken):
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
    if tag == "a" and (attributes.get("href") or "").startswith("#") and GENERIC_TITLE.match(clean(node.text(deep=True) or "")):
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


def _contains(outer, inner) -> bool:
    node = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


