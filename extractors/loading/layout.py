"""Page layout: positioned text segments -> lines in reading order, with paragraph breaks, bullets
and table rows. Independent of where the segments came from (pdfium text layer, OCR, pdfplumber).

- Lines: segments are taken in content-stream order (the order the author's tool wrote them, which is
  the reading order for nearly every generated PDF); a segment joins a recent line on the same
  baseline, starts a new line below, or, when it jumps back up the page, starts a new block.
- Blocks that jump back up (a sidebar written after the body, a browser's print header written last)
  are placed by geometry: after the paragraph they sit beside when they are to its right, before it
  when to its left, else before the first line below them. Never inside a paragraph.
- Paragraphs: a blank line where the baseline pitch is clearly wider than the page's usual pitch;
  none between the rows of a table.
- Segments on one line far apart are table cells, joined by a tab; list markers join their item with
  a space; a small image or filled shape just left of a line is a drawn bullet ("• ").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

LOOKBACK = 6  # lines: how far back a run may join a line on its baseline
TAB_GAP = 1.2  # em: a wider gap between two segments on one line is a cell boundary
PUA_BULLETS = "\uf0a7\uf0b7\uf0d8\uf0fc\uf076\uf06e\uf0a8\uf0e0\uf0d2\uf0b2\uf09f\uf071\uf0be\uf02d\uf0a1\uf0ad"
# e.g. "•", "▪", "\uf0b7" (Symbol font bullet): a bullet glyph that opens a line
GLYPH_BULLET = re.compile(rf"^[•●▪■◦‣∙⁃○□➢►❖➤✓✔{PUA_BULLETS}][ \t]*")
# e.g. "•", "o", "1.", "a)", "(iv)", "-": a list marker printed apart from its item
MARKER = re.compile(rf"^(?:[•●▪■◦‣∙⁃○□➢►❖➤✓✔o\-–{PUA_BULLETS}]|\d{{1,3}}[.)]|[a-zA-Z][.)]|\([0-9a-zA-Z]{{1,4}}\))$")
PRIVATE_USE = re.compile(r"(?:^|(?<=\s))[\ue000-\uf8ff](?=\s|$)[ \t]?")  # e.g. "\uf0dc " icon glyph
SPACE_RUN = re.compile(r" {2,}")  # e.g. "a  b" -> "a b"


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Segment:
    """A run of text on one line with no wide gap inside; top-down coordinates in points."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    order: int = 0


class Line:
    """Segments on one baseline; its box and main baseline are kept up to date as segments join."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments: list[Segment] = []
        self.text = ""
        self.para = False  # a paragraph starts here (blank line before it)
        self.running = False  # page 1's copy of a running header/footer (kept, gathered at the top)
        self.bullet = False  # a drawn bullet mark sits left of it
        self.cells = 1
        self.kind = "text"  # "text", "row" (table row: several cells) or "cont" (a cell's wrapped line)
        self.cell_starts: list[float] = []  # x where each cell of a row starts
        self.x0 = self.top = float("inf")
        self.x1 = self.bottom = self.size = float("-inf")
        self.baseline = 0.0
        self._main = (float("-inf"), 0.0)
        for segment in segments:
            self.add(segment)

    def add(self, seg: Segment) -> None:
        self.segments.append(seg)
        self.x0, self.x1 = min(self.x0, seg.x0), max(self.x1, seg.x1)
        self.top, self.bottom = min(self.top, seg.top), max(self.bottom, seg.bottom)
        self.size = max(self.size, seg.size)
        weight = (seg.size, seg.x1 - seg.x0)
        if weight > self._main:  # the baseline of the line's main (largest, widest) run
            self._main, self.baseline = weight, seg.baseline


@dataclass
class PageLayout:
    lines: list[Line] = field(default_factory=list)
    width: float = 612.0
    height: float = 792.0
    ocr: bool = False


def lay_out(segments: list[Segment], marks: list[Box], *, width: float, height: float) -> PageLayout:
    """Segments (content order) and drawn marks of one page -> its lines in reading order."""
    segments = [s for s in (_clean(s) for s in segments) if s.text]
    blocks = _blocks(segments)
    ratio = _usual_pitch(blocks)
    for block in blocks:
        for line in block:
            _compose(line)
        _mark_table_lines(block)
        _paragraphs(block, ratio)
    lines = _side_labels(_order(blocks))
    _drawn_bullets(lines, marks)
    return PageLayout(lines, width, height)


def _clean(segment: Segment) -> Segment:
    text = GLYPH_BULLET.sub("• ", segment.text.strip())  # any bullet glyph opening the run
    if not text.isascii() and max(text) >= "\ue000":  # most runs have no private-use char: no scan for one
        text = PRIVATE_USE.sub("", text)  # icon glyphs of symbol fonts, e.g. an arrow before a link
    if "  " in text:
        text = SPACE_RUN.sub(" ", text)
    segment.text = text.strip()
    return segment


# --- lines and blocks ------------------------------------------------------------------------


def _same_row(line: Line, seg: Segment) -> bool:
    size = max(line.size, seg.size)
    on_baseline = abs(line.baseline - seg.baseline) <= 0.3 * size
    # a superscript / subscript: smaller type whose middle lies inside the line
    raised = seg.size < 0.85 * line.size and line.top - 1 <= (seg.top + seg.bottom) / 2 <= line.bottom + 1
    if not (on_baseline or raised):
        return False
    return all(seg.x0 >= s.x1 - 0.5 or seg.x1 <= s.x0 + 0.5 for s in line.segments)


def _blocks(segments: list[Segment]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for seg in segments:
        block = blocks[-1] if blocks else None
        if block:
            # a run on the baseline of one of the last lines joins it: a table cell written after its
            # neighbour's wrapped lines. (A text column beside the block starts further back.)
            target = next((line for line in reversed(block[-LOOKBACK:]) if _same_row(line, seg)), None)
            if target is not None:
                target.add(seg)
                continue
            last = block[-1]
            below = seg.baseline > last.baseline + 0.5 * min(seg.size, last.size)
            near = seg.top - last.bottom < 4.0 * max(seg.size, last.size)
            if below and near:
                block.append(Line([seg]))
                continue
        blocks.append([Line([seg])])
    if len(blocks) > 8 and len(blocks) * 3 > sum(len(b) for b in blocks):
        return _geometric(segments)  # no usable content order: read top to bottom, left to right
    return blocks


def _geometric(segments: list[Segment]) -> list[list[Line]]:
    lines: list[Line] = []
    for seg in sorted(segments, key=lambda s: (round(s.baseline), s.x0)):
        target = next((line for line in reversed(lines[-3:]) if _same_row(line, seg)), None)
        if target is not None:
            target.add(seg)
        else:
            lines.append(Line([seg]))
    return [lines] if lines else []


def _compose(line: Line) -> None:
    """Join a line's segments left to right: tab between cells, space or nothing between runs."""
    segs = sorted(line.segments, key=lambda s: s.x0)
    line.segments = segs
    parts = [segs[0].text]
    cells = 1
    for prev, seg in zip(segs, segs[1:]):
        gap = seg.x0 - prev.x1
        size = max(prev.size, seg.size)
        if prev is segs[0] and MARKER.match(prev.text):
            sep = " "
        elif gap <= 0.12 * size and not (prev.text[-1].isalnum() and seg.text[0].isalnum() and gap > 0.05 * size):
            sep = ""
        elif gap < TAB_GAP * size:
            sep = " "
        else:
            sep = "\t"
            cells += 1
        parts.append(sep + seg.text)
    line.text = "".join(parts)
    line.cells = cells


def _mark_table_lines(block: list[Line]) -> None:
    """Rows (several cells) and the wrapped lines of a row's later cells."""
    cell_starts: list[float] = []
    last_bottom = 0.0
    for line in block:
        if line.cells > 1:
            line.kind = "row"
            line.cell_starts = cell_starts = _cell_starts(line)
            last_bottom = line.bottom
        elif cell_starts and line.top - last_bottom < 3 * line.size and any(
            abs(line.x0 - start) <= 0.6 * line.size for start in cell_starts[1:]
        ):
            line.kind = "cont"
            last_bottom = line.bottom
        else:
            cell_starts = []


def _cell_starts(line: Line) -> list[float]:
    starts = [line.segments[0].x0]
    for prev, seg in zip(line.segments, line.segments[1:]):
        if seg.x0 - prev.x1 >= TAB_GAP * max(prev.size, seg.size):
            starts.append(seg.x0)
    return starts


def _usual_pitch(blocks: list[list[Line]]) -> float:
    """The page's usual baseline pitch, as a multiple of the font size."""
    ratios: Counter = Counter()
    for block in blocks:
        for a, b in zip(block, block[1:]):
            if abs(a.size - b.size) <= 0.15 * b.size and b.size > 0:
                ratio = (b.baseline - a.baseline) / b.size
                if 0.9 <= ratio <= 2.5:
                    ratios[round(ratio * 20) / 20] += 1
    if not ratios:
        return 1.2
    return min(ratio for ratio, n in ratios.items() if n == max(ratios.values()))


def _paragraphs(block: list[Line], ratio: float) -> None:
    block[0].para = True
    for a, b in zip(block, block[1:]):
        pitch = b.baseline - a.baseline
        size = max(b.size, 0.1)
        usual = ratio * size
        if a.kind != "text" and b.kind != "text":
            b.para = pitch > 2.2 * usual  # rows of one table stay together
        elif abs(a.size - b.size) > 0.15 * size:
            b.para = pitch > 1.15 * ratio * max(a.size, b.size)  # a heading in larger type
        else:
            b.para = pitch > usual + max(0.3 * size, 0.15 * usual)


# --- reading order ---------------------------------------------------------------------------


def _order(blocks: list[list[Line]]) -> list[Line]:
    out: list[Line] = []
    lowest = float("-inf")
    for block in blocks:
        top = min(line.top for line in block)
        bottom = max(line.bottom for line in block)
        if not out or top >= lowest - 0.5 * block[0].size:
            out.extend(block)
        else:
            position = _insertion_point(out, block, top, bottom)
            out[position:position] = block
            if position < len(out) - len(block):
                out[position + len(block)].para = True
        block[0].para = True
        lowest = max(lowest, bottom)
    return out


def _insertion_point(out: list[Line], block: list[Line], top: float, bottom: float) -> int:
    x0 = min(line.x0 for line in block)
    x1 = max(line.x1 for line in block)
    beside = [
        i
        for i, line in enumerate(out)
        if line.top < bottom and line.bottom > top and (line.x1 <= x0 + 1 or line.x0 >= x1 - 1)
    ]
    if beside:
        if all(out[i].x1 <= x0 + 1 for i in beside):  # the block is to the right: after that paragraph
            return _paragraph_end(out, max(beside))
        return _paragraph_start(out, min(beside))
    below = next((i for i, line in enumerate(out) if line.top >= bottom - 1), len(out))
    return _paragraph_start(out, below) if below < len(out) else below


def _paragraph_start(out: list[Line], i: int) -> int:
    while i > 0 and not out[i].para:
        i -= 1
    return i


def _paragraph_end(out: list[Line], i: int) -> int:
    i += 1
    while i < len(out) and not out[i].para:
        i += 1
    return i


# --- side labels -------------------------------------------------------------------------------

# e.g. "Coverage", "Provider Claims", "Medical": a section label in a margin column (words, no digits)
SIDE_LABEL = re.compile(r"^[A-Z][A-Za-z&/'’-]*(?: [A-Za-z&/'’-]+){0,3}:?$")
SIDE_GAP = 10.0  # pt: how near the left margin a side label starts
SIDE_LARGER = 1.1  # a side label is printed larger than the page's usual text


def _side_labels(lines: list[Line]) -> list[Line]:
    """Section labels printed in a left margin column beside the body ("Coverage" / "Determination"
    to the left of the policy text) become heading lines of their own, above the text they sit beside,
    with the words of a label wrapped onto the next line joined. A label sits at the left margin in
    larger type, and the text beside it starts where other lines of the page start (the body column)."""
    if len(lines) < 5:
        return lines
    margin = min(line.x0 for line in lines)
    sized = sorted((seg.size, len(seg.text)) for line in lines for seg in line.segments)
    half, seen, usual = sum(n for _, n in sized) / 2, 0, sized[0][0]
    for size, n in sized:  # the size most of the page's characters are printed in
        seen += n
        if seen >= half:
            usual = size
            break
    line_starts = Counter(round(line.segments[0].x0) for line in lines)

    def looks(seg: Segment) -> bool:
        return seg.x0 - margin < SIDE_GAP and seg.size >= SIDE_LARGER * usual and bool(SIDE_LABEL.match(seg.text))

    long_starts = Counter(round(line.x0) for line in lines if len(line.text) >= 40 and not looks(line.segments[0]))

    def label(seg: Segment) -> bool:
        """In larger type at the margin, where no running text starts (else it is a table's first cell)."""
        return looks(seg) and sum(n for start, n in long_starts.items() if abs(start - seg.x0) <= 3) < 2

    def body_column(x: float) -> bool:
        return sum(n for start, n in line_starts.items() if abs(start - x) <= 3) >= 2

    out: list[Line] = []
    labels: list[Line] = []
    for line in lines:
        first, rest = line.segments[0], line.segments[1:]
        if label(first):
            above = next((h for h in labels if 0 <= first.top - h.bottom < 0.8 * h.size and abs(first.x0 - h.x0) < 4), None)
            if above is not None:  # "Determination" under "Coverage": one label; the text beside it goes on
                above.add(first)
                above.text += " " + first.text
                if rest:
                    out.append(_recomposed(rest, para=False))
                continue
            beside = " ".join(seg.text for seg in rest)
            if rest and rest[0].x0 - first.x1 >= 0.8 * first.size and (body_column(rest[0].x0) or len(beside) >= 20):
                head = _recomposed([first], para=True)
                out += [head, _recomposed(rest, para=True)]
                labels.append(head)
                continue
        out.append(line)
    return out


def _recomposed(segments: list[Segment], *, para: bool) -> Line:
    line = Line(segments)
    _compose(line)
    line.para = para
    return line


# --- drawn bullets ---------------------------------------------------------------------------


def _drawn_bullets(lines: list[Line], marks: list[Box]) -> None:
    if not marks:
        return
    for line in lines:
        if line.text.startswith("• "):
            continue
        first = line.segments[0]
        for mark in marks:
            middle = (mark.top + mark.bottom) / 2
            if first.top - 1 <= middle <= first.bottom + 1 and mark.x1 <= first.x0 + 0.5 and first.x0 - mark.x1 <= 2.5 * first.size:
                line.bullet = True
                line.text = "• " + line.text
                break
