"""HTML pages, HTML fragments inside text, and HTML-escaped text -> plain text.

Parsed with a real HTML parser (selectolax/lexbor), never with regex tricks: scripts, styles and
comments are dropped, block elements end lines, table cells are kept apart by tabs, entities decoded.
"""

from __future__ import annotations

import html as html_lib
import re

from selectolax.lexbor import LexborHTMLParser

from extractors.errors import LimitExceeded

SKIP = frozenset({"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "math", "-comment"})
BLOCK = frozenset(
    "p div section article header footer aside nav main h1 h2 h3 h4 h5 h6 ul ol dl dt dd table thead tbody "
    "tfoot tr caption blockquote pre hr form fieldset figure figcaption address details summary".split()
)
CELL = frozenset({"td", "th"})
ROWS = frozenset({"tr", "thead", "tbody", "tfoot"})  # a line ends after each row: no blank line between rows
LISTS = frozenset({"ul", "ol"})
# e.g. "<b>Date</b>", "</td>", "<br/>": a tag the document uses as markup, not a "<" in prose like "FEV1 < 60%"
TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|sup|sub|span|font|br|p|div|table|thead|tbody|tr|td|th|li|ul|ol|h[1-6]|"
    r"html|body|head|script|style|img|hr|section|article)\b[^<>]{0,2000}>",
    re.I,
)
ESCAPED_TAG = re.compile(r"&lt;/?(?:p|div|b|i|br|li|ul|td|tr|table|span|strong|em|a|h[1-6])\b.{0,200}?&gt;", re.I)  # e.g. "&lt;p&gt;"
ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")  # e.g. "&amp;", "&#8211;"
DOCUMENT_START = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.I)  # e.g. "<!DOCTYPE html>"
# e.g. '<div class="col">' opening a saved fragment of a page: markup, not text with a few inline tags
FRAGMENT_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:div|section|article|main|table|header|nav|form|ul|ol|h[1-6])\b", re.I | re.S)
FLAT_CELL_CHARS = 3000  # a table cell with less text is one cell of a row; more is a page laid out in a table
WS = re.compile(r"[ \t\n\r\f]+")  # collapsible HTML whitespace
# e.g. "<div class='x'>", "</span>": elements that must be closed explicitly (so their depth is real)
CONTAINER = re.compile(
    r"<(/?)(?:div|span|table|tbody|thead|tr|ul|ol|dl|section|article|aside|nav|main|header|footer|blockquote|"
    r"font|b|i|u|em|strong|a|form|fieldset|center|small|big|sup|sub)\b[^<>]{0,2000}?(/?)>",
    re.I,
)
MAX_DEPTH = 2000  # real policy pages nest a few dozen elements deep; parsers are quadratic in depth


def looks_like_html_document(text: str) -> bool:
    """A whole page, or a saved fragment of one that opens with a block element."""
    head = text[:4096]
    return bool(DOCUMENT_START.match(head) or (FRAGMENT_START.match(head) and len(TAG.findall(head)) >= 5))


def _flat_cell(node) -> bool:
    """A data cell: its blocks (paragraphs, divs, list items) stay on the row's line, joined by spaces,
    so a table row stays one line of tab-separated cells. A cell holding headings, a table or a long
    text is page layout, and keeps its lines."""
    if node.css_first("table, h1, h2, h3, h4, h5, h6") is not None:
        return False
    return len(node.text(deep=True) or "") <= FLAT_CELL_CHARS


def has_markup(text: str) -> bool:
    """True when the text carries HTML tags (or HTML-escaped tags) a parser should remove."""
    return bool(TAG.search(text) or ESCAPED_TAG.search(text))


def unescape_if_escaped(text: str) -> str:
    """`&lt;p&gt;Policy&lt;/p&gt;` -> `<p>Policy</p>`; other text is returned as is."""
    if ESCAPED_TAG.search(text) and not TAG.search(text):
        return html_lib.unescape(text)
    return text


def nesting_depth(markup: str) -> int:
    """How deep explicitly closed elements nest (one linear scan, before any parsing)."""
    depth = deepest = 0
    for match in CONTAINER.finditer(markup):
        if match.group(2):
            continue  # "<div/>"
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def html_to_text(markup: str, *, keep_whitespace: bool, name: str = "document") -> str:
    """Render HTML to text. `keep_whitespace` is for text with inline tags, whose newlines are meaningful."""
    if nesting_depth(markup) > MAX_DEPTH:
        raise LimitExceeded(f"{name}: HTML nested more than {MAX_DEPTH} elements deep")
    return render(LexborHTMLParser(markup).root, keep_whitespace=keep_whitespace)


def render(root, *, keep_whitespace: bool = False) -> str:
    """Render a parsed node and what it holds (a whole page, or one element of it) to text."""
    if root is None:
        return ""
    out: list[str] = []
    # iterative walk: (node, leaving) pairs; hostile pages nest deeper than Python's recursion limit
    stack: list[tuple[object, bool]] = [(root, False)]
    in_pre = 0
    flat = 0  # depth of data cells being rendered on one line
    lists: list[list] = []  # open <ul>/<ol>: [tag, items so far]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag == "pre":
                in_pre -= 1
            if tag in CELL and flat:
                flat -= 1
            if tag in LISTS and lists:
                lists.pop()
            if tag in CELL:
                out.append("\t")
            elif tag in ROWS and tag != "tr":
                pass  # thead/tbody: the rows end their own lines
            elif tag in BLOCK:
                out.append(_space(out) if flat else "\n")
            continue
        if tag in SKIP:
            continue
        if tag == "-text":
            chunk = node.text_content or ""
            if not keep_whitespace and not in_pre:
                chunk = WS.sub(" ", chunk)
            out.append(chunk)
            continue
        if tag == "br":
            out.append(_space(out) if flat else "\n")
            continue
        if tag in CELL and (flat or _flat_cell(node)):
            flat += 1
        if tag in LISTS:
            lists.append([tag, 0])
        if tag == "li":
            # a list item keeps its marker, as a bullet ("• ") or its number ("2. "), so lists stay lists
            kind = lists[-1] if lists else ["ul", 0]
            kind[1] += 1
            out.append((_space(out) if flat else "\n") + ("• " if kind[0] == "ul" else f"{kind[1]}. "))
        elif tag in BLOCK and tag not in ROWS:
            out.append(_space(out) if flat else "\n")
        if tag == "pre":
            in_pre += 1
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    text = "".join(out)
    # cells: "a\t\n" -> "a\n"; spaces around tabs and line ends go
    text = re.sub(r"[ \t]*\t[ \t]*", "\t", text)  # e.g. "A \t B" -> "A\tB"
    text = re.sub(r"\t+\n", "\n", text)  # e.g. "M0076\tProlotherapy\t\n" -> "...Prolotherapy\n"
    text = re.sub(r"\n[ ]+", "\n", text) if not keep_whitespace else text  # e.g. "\n   Policy" -> "\nPolicy"
    return text


def _space(out: list[str]) -> str:
    """A space between two blocks of a flat cell, unless one is there already."""
    return "" if not out or out[-1][-1:] in (" ", "\t") else " "


def decode_entities(text: str) -> str:
    """`&amp;` -> `&` in text that has entities but no tags."""
    return html_lib.unescape(text) if ENTITY.search(text) else text
