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
# A running block that starts at the edge may reach this far into the page: some payers repeat a whole
# header table (title, number, four dates) on every page, taller than the edge.
BLOCK_ZONE = 0.4
BLOCK_GAP = 0.06  # share of the page height: the widest gap between two lines of one running block
DIGITS = re.compile(r"\d+")  # e.g. "Page 3 of 10" -> "page # of #"
HYPHENATED = re.compile(r"[A-Za-z]-$")  # e.g. "self-" at a line end
WORD_START = re.compile(r"^[a-z][^\s]*")  # e.g. "administered," opening the next line
LIST_START = re.compile(r"^(?:• |o |\d{1,3}[.)] |[a-z][.)] |\([0-9a-z]{1,4}\) )")  # e.g. "• Item", "2. Item"


def assemble(pages: list[PageLayout]) -> tuple[str, tuple[int, ...], tuple[TextRepair, ...], tuple[tuple[int, int], ...], tuple[tuple[int, int, float], ...]]:
    """Lay the pages end to end: (text, page_starts, repairs, running-line ranges kept on page 1,
    (start, end, font size) of every printed line)."""
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
    sizes: list[tuple[int, int, float]] = []
    offset = 0
    for i, page in enumerate(pages):
        text, page_repairs, page_furniture, page_sizes = _page_text(page)
        if text and parts:
            parts.append(separators[i - 1] if i >= 1 and pages[i - 1].lines else "\n\n")
            offset += len(parts[-1])
        starts.append(offset)
        repairs += [TextRepair(r.kind, r.printed, r.start + offset, r.end + offset) for r in page_repairs]
        furniture += [(a + offset, b + offset) for a, b in page_furniture]
        sizes += [(a + offset, b + offset, size) for a, b, size in page_sizes]
        if text:
            parts.append(text)
            offset += len(text)
    text = "".join(parts)
    for i in reversed(range(len(pages))):  # an empty page starts where the next page with text starts
        if not pages[i].lines:
            starts[i] = starts[i + 1] if i + 1 < len(starts) else len(text)
    return text, tuple(starts) or (0,), tuple(repairs), tuple(furniture), tuple(sizes)


def _key(text: str) -> str:
    return " ".join(DIGITS.sub("#", text).casefold().split())


def _in_zone(line: Line, page: PageLayout, share: float) -> bool:
    return line.top < share * page.height or line.bottom > (1 - share) * page.height


def _exact(text: str) -> str:
    return " ".join(text.casefold().split())


def _running_lines(page: PageLayout, running: set[str], repeated: set[str], on_first: set[str]) -> set[int]:
    """ids of the page's running lines: repeated lines in the edge, and the whole block of repeated
    lines that runs on from the top (or up from the bottom) of the page without a line of body between;
    it starts in the edge, or with a line page 1 prints in its own margin block too."""
    marked = {id(line) for line in page.lines if _in_zone(line, page, EDGE) and _key(line.text) in running}
    by_top = sorted(page.lines, key=lambda line: line.top)
    for ordered, edge, below_edge in (
        (by_top, lambda l: l.top < EDGE * page.height, on_first),  # a tall letterhead may start below the edge
        (by_top[::-1], lambda l: l.bottom > (1 - EDGE) * page.height, set()),
    ):
        if not ordered or not (edge(ordered[0]) or _exact(ordered[0].text) in below_edge):
            continue
        block: list[Line] = []
        for line in ordered:
            if not (edge(line) and _key(line.text) in running) and not (_exact(line.text) in repeated and _in_zone(line, page, BLOCK_ZONE)):
                break
            if block and min(abs(line.top - block[-1].bottom), abs(block[-1].top - line.bottom)) > BLOCK_GAP * page.height:
                break  # a block is printed together: a line far below it is the body's
            block.append(line)
        if len(block) == len(ordered) or (not edge(ordered[0]) and len(block) < 2):
            continue  # the whole page, or one repeated line below the edge: body, not a running block
        marked.update(id(line) for line in block)
    return marked


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
    exact: Counter = Counter()  # below the edge a line must repeat as printed, digits included
    for n, page in enumerate(with_text):
        keys = {_key(line.text) for line in page.lines if _in_zone(line, page, EDGE)}
        seen.update(keys)
        by_side[n % 2].update(keys)
        exact.update({_exact(line.text) for line in page.lines if _in_zone(line, page, BLOCK_ZONE)})
    needed = max(2, math.ceil(0.5 * len(with_text)))
    needed_side = [max(3, math.ceil(0.5 * len(with_text[side::2]))) for side in (0, 1)]
    running = {key for key, n in seen.items() if n >= needed}
    running |= {key for side in (0, 1) for key, n in by_side[side].items() if n >= needed_side[side]}
    repeated = {key for key, n in exact.items() if n >= needed}
    if not running and not repeated:
        return
    # a block that starts below the edge (a tall letterhead margin) counts when page 1 prints it too
    on_first = {_exact(line.text) for line in with_text[0].lines if _in_zone(line, with_text[0], BLOCK_ZONE)} & repeated
    for n, page in enumerate(with_text):
        marked = _running_lines(page, running, repeated, on_first)
        if not marked:
            continue
        margin = [line for line in page.lines if id(line) in marked]
        body = [line for line in page.lines if id(line) not in marked]
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


def _page_text(page: PageLayout) -> tuple[str, list[TextRepair], list[tuple[int, int]], list[tuple[int, int, float]]]:
    """The page's text, its repairs, the (start, end) of each running line it keeps, and each printed
    line's (start, end, font size)."""
    out: list[str] = []
    running: list[bool] = []  # per printed line
    sizes: list[float] = []
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
        sizes.append(round(line.size, 1))
        para = False
    text = "".join(out)
    text, repairs = repair_mojibake(text)  # line by line: the printed lines stay in order
    furniture, styled, offset = [], [], 0
    printed = iter(zip(running, sizes))
    for line in text.split("\n"):
        if line:
            is_running, size = next(printed, (False, 0.0))
            if is_running:
                furniture.append((offset, offset + len(line)))
            styled.append((offset, offset + len(line), size))
        offset += len(line) + 1
    return text, repairs, furniture, styled


def _clean(text: str) -> str:
    if not text.isascii():  # (unusual spaces and invisible characters are all non-ASCII)
        text = SPACES.sub(" ", text)
        text = INVISIBLE.sub("", text)
    return CONTROLS.sub("", text).rstrip()
