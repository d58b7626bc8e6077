"""Pages -> one text with a page map: running headers and footers removed, pages joined.

- Running lines are found by repetition, never by wording: a line near the top or bottom edge whose
  text, digits masked, recurs on at least half of the pages ("Page 3 of 10", a browser's date and
  title line, the URL and "3/7" counter, a copyright or "Effective 08/01/2026" footer), or on half
  of the left or of the right pages (books alternate them). The first page keeps its copy, gathered
  at the top of the page.
- A table header row repeated at the top of a page that continues a table is dropped.
- Page joins: one newline where the text flows on (mid-paragraph, mid-list, mid-table, a word
  hyphenated over the break), a blank line where the paragraph ended on the page before.
- Words hyphenated at a line end ("self-" / "administered") are kept whole on the first line.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from extractors.loading.document import TextRepair
from extractors.loading.layout import Line, PageLayout
from extractors.loading.text import CONTROLS, INVISIBLE, SPACES, repair_mojibake

EDGE = 0.12  # share of the page height at the top and at the bottom where running lines live
DIGITS = re.compile(r"\d+")  # e.g. "Page 3 of 10" -> "page # of #"
HYPHENATED = re.compile(r"[A-Za-z]-$")  # e.g. "self-" at a line end
WORD_START = re.compile(r"^[a-z][^\s]*")  # e.g. "administered," opening the next line
LIST_START = re.compile(r"^(?:• |o |\d{1,3}[.)] |[a-z][.)] |\([0-9a-z]{1,4}\) )")  # e.g. "• Item", "2. Item"


def assemble(pages: list[PageLayout]) -> tuple[str, tuple[int, ...], tuple[TextRepair, ...], tuple[tuple[int, int], ...]]:
    """Lay the pages end to end: (text, page_starts, repairs, running-line ranges kept on page 1)."""
    remove_running_lines(pages)
    drop_repeated_table_headers(pages)
    for page in pages:
        _join_hyphenated(page.lines)
    separators = [_page_separator(pages, i) for i in range(1, len(pages))]
    for i in range(1, len(pages)):
        if separators[i - 1] == "\n" and pages[i].lines:
            _move_hyphenated_word(_last_line(pages, i), pages[i].lines)
    parts: list[str] = []
    starts: list[int] = []
    repairs: list[TextRepair] = []
    furniture: list[tuple[int, int]] = []
    offset = 0
    for i, page in enumerate(pages):
        text, page_repairs, page_furniture = _page_text(page)
        if text and parts:
            parts.append(separators[i - 1] if i >= 1 and pages[i - 1].lines else "\n\n")
            offset += len(parts[-1])
        starts.append(offset)
        repairs += [TextRepair(r.kind, r.printed, r.start + offset, r.end + offset) for r in page_repairs]
        furniture += [(a + offset, b + offset) for a, b in page_furniture]
        if text:
            parts.append(text)
            offset += len(text)
    text = "".join(parts)
    for i in reversed(range(len(pages))):  # an empty page starts where the next page with text starts
        if not pages[i].lines:
            starts[i] = starts[i + 1] if i + 1 < len(starts) else len(text)
    return text, tuple(starts) or (0,), tuple(repairs), tuple(furniture)


def _key(text: str) -> str:
    return " ".join(DIGITS.sub("#", text).casefold().split())


def _in_edge(line: Line, page: PageLayout) -> bool:
    return line.top < EDGE * page.height or line.bottom > (1 - EDGE) * page.height


def remove_running_lines(pages: list[PageLayout]) -> None:
    """Drop running headers and footers from every page but the first; there they are gathered at
    the top of the page, so a footer does not split a paragraph that flows on to page 2. That one
    copy keeps what only the print margin says (a browser print's source URL is often the one place
    the payer's web address appears)."""
    with_text = [p for p in pages if p.lines]
    if len(with_text) < 2:
        return
    seen: Counter = Counter()
    by_side: list[Counter] = [Counter(), Counter()]  # left and right pages of a book alternate headers
    for n, page in enumerate(with_text):
        keys = {_key(line.text) for line in page.lines if _in_edge(line, page)}
        seen.update(keys)
        by_side[n % 2].update(keys)
    needed = max(2, math.ceil(0.5 * len(with_text)))
    needed_side = [max(3, math.ceil(0.5 * len(with_text[side::2]))) for side in (0, 1)]
    running = {key for key, n in seen.items() if n >= needed}
    running |= {key for side in (0, 1) for key, n in by_side[side].items() if n >= needed_side[side]}
    if not running:
        return
    for n, page in enumerate(with_text):
        margin = [line for line in page.lines if _in_edge(line, page) and _key(line.text) in running]
        if not margin:
            continue
        body = [line for line in page.lines if not (_in_edge(line, page) and _key(line.text) in running)]
        if body:
            body[0].para = True
        if n == 0:
            margin[0].para = True
            for line in margin:
                line.running = True
            body = margin + body
        page.lines = body


def drop_repeated_table_headers(pages: list[PageLayout]) -> None:
    """A page that continues a table often repeats the table's header row first: drop the repeat."""
    header: str | None = None
    for page in pages:
        lines = page.lines
        if not lines:
            continue
        if header is not None and lines[0].kind == "row" and _key(lines[0].text) == header:
            page.lines = lines = lines[1:]
        header = _open_table_header(lines, header)


def _open_table_header(lines: list[Line], header: str | None) -> str | None:
    """The header row of the table a page ends in (None when the page does not end in a table)."""
    i = len(lines) - 1
    if i < 0 or lines[i].kind == "text":
        return None
    while i > 0 and lines[i - 1].kind != "text" and not lines[i].para:
        i -= 1
    first = lines[i]
    if first.kind == "row" and not DIGITS.search(first.text):
        return _key(first.text)
    return header  # the table began on an earlier page


def _last_line(pages: list[PageLayout], i: int) -> Line | None:
    for page in reversed(pages[:i]):
        if page.lines:
            return page.lines[-1]
    return None


def _page_separator(pages: list[PageLayout], i: int) -> str:
    prev_page = next((p for p in reversed(pages[:i]) if p.lines), None)
    page = pages[i]
    if prev_page is None or not page.lines:
        return "\n\n"
    prev, nxt = prev_page.lines[-1], page.lines[0]
    if prev.kind != "text" and (nxt.kind != "text" or _continues_cell(prev_page.lines, nxt)):
        return "\n"  # a table continues
    if HYPHENATED.search(prev.text) and WORD_START.match(nxt.text):
        return "\n"
    if nxt.text[:1].islower():
        return "\n"
    if nxt.size > 1.15 * prev.size:
        return "\n\n"  # a heading opens the page
    if LIST_START.match(nxt.text):
        return "\n" if _in_list(prev_page.lines) else "\n\n"
    bottom = max(line.bottom for line in prev_page.lines)
    if prev.bottom < bottom - 3 * prev.size:
        return "\n\n"  # the page before ended early: its last paragraph is complete
    right = _body_right(prev_page)
    full = prev.x1 >= right - 2.5 * prev.size
    if full and not prev.text.endswith(":"):
        return "\n"  # the last line runs to the margin: the paragraph goes on
    return "\n\n"


def _continues_cell(lines: list[Line], nxt: Line) -> bool:
    """The next page opens with a line under a later cell of the table the page before ends in."""
    row = next((line for line in reversed(lines) if line.kind == "row"), None)
    return row is not None and any(abs(nxt.x0 - x) <= 0.6 * nxt.size for x in row.cell_starts[1:])


def _in_list(lines: list[Line]) -> bool:
    """True when the page ends inside a list (its last paragraph holds list items)."""
    for line in reversed(lines):
        if LIST_START.match(line.text) or line.bullet:
            return True
        if line.para:
            return False
    return False


def _body_right(page: PageLayout) -> float:
    """Where the page's text lines end: the usual right end, or the mirror of the left margin."""
    text = [line for line in page.lines if line.kind == "text"] or page.lines
    rights = sorted(line.x1 for line in text)
    usual = rights[int(0.9 * (len(rights) - 1))]
    return max(usual, page.width - min(line.x0 for line in text))


def _join_hyphenated(lines: list[Line]) -> None:
    for a, b in zip(lines, lines[1:]):
        if not b.para:
            _move_hyphenated_word(a, [b])


def _move_hyphenated_word(a: Line | None, rest: list[Line]) -> None:
    """"self-" + "administered, disease" -> "self-administered," + "disease" (the hyphen is kept)."""
    if a is None or not rest or not HYPHENATED.search(a.text):
        return
    b = rest[0]
    match = WORD_START.match(b.text)
    if match is None or "\t" in match.group(0):
        return
    word = match.group(0)
    remainder = b.text[match.end() :].lstrip(" ")
    if not remainder:
        return  # the whole line is the word's end: leave it, an empty line would lose the page start
    a.text += word
    b.text = remainder


def _page_text(page: PageLayout) -> tuple[str, list[TextRepair], list[tuple[int, int]]]:
    """The page's text, its repairs, and the (start, end) of each running line it keeps."""
    out: list[str] = []
    running: list[bool] = []  # per printed line
    para = False
    for line in page.lines:
        text = _clean(line.text)
        para = para or line.para
        if not text:
            continue  # nothing printable left (e.g. only invisible characters)
        if out:
            out.append("\n\n" if para else "\n")
        out.append(text)
        running.append(line.running)
        para = False
    text = "".join(out)
    text, repairs = repair_mojibake(text)  # line by line: the printed lines stay in order
    furniture, offset = [], 0
    printed = iter(running)
    for line in text.split("\n"):
        if line and next(printed, False):
            furniture.append((offset, offset + len(line)))
        offset += len(line) + 1
    return text, repairs, furniture


def _clean(text: str) -> str:
    text = SPACES.sub(" ", text)
    text = INVISIBLE.sub("", text)
    return CONTROLS.sub("", text).rstrip()
