"""One PDF page read with pypdfium2: text segments with their boxes, and the page's drawn marks.

pdfium gives the page text in content-stream order, with its own line breaks ("\\r\\n") and a
U+FFFE where a line ends in a hyphen. Positions are read per text *run* (`FPDFText_CountRects`),
not per character: a pdfium line is one range of chars, and only a line whose runs lie far apart
(a table row, a sidebar beside the body, a hyphen-joined line) is split with per-character boxes.
That keeps a page at a few hundred pdfium calls instead of several per character.

Coordinates are returned top-down in points (y grows down the page), as displayed, /Rotate applied.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as c

from extractors.loading.layout import Box, Segment

BREAK_GAP = 1.0  # em: runs further apart than this on one line become separate segments
BLANKS = " \t\r\n"
LINE_END = re.compile("[\n\ufffe]")  # e.g. "\r\n", or "self\ufffe" (pdfium: a hyphen ends the line)


@dataclass
class PageContent:
    width: float
    height: float
    segments: list[Segment]
    marks: list[Box]  # small images and filled shapes: candidates for drawn list bullets
    image_area: float  # share of the page covered by images (0..1)
    chars: int  # text characters on the page (0: no text layer)


class Geometry:
    """Maps pdfium's y-up page space to top-down display space, /Rotate included."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        self.left, self.bottom, self.right, self.top = page.get_bbox()
        self.rotation = page.get_rotation() % 360
        w, h = self.right - self.left, self.top - self.bottom
        self.width, self.height = (h, w) if self.rotation in (90, 270) else (w, h)

    def rect(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """Display-space (x0, top, x1, bottom) of a y-up rectangle: a plain tuple, made for every line and
        drawn object of a page (few of which are kept as a `Box`)."""
        if self.rotation == 0:  # `point` unrotated, and min/max spelled out (same values, fewer calls)
            x0, x1, y0, y1 = left - self.left, right - self.left, self.top - top, self.top - bottom
        else:
            x0, y0 = self.point(left, top)
            x1, y1 = self.point(right, bottom)
        return (x1 if x1 < x0 else x0), (y1 if y1 < y0 else y0), (x1 if x1 > x0 else x0), (y1 if y1 > y0 else y0)

    def point(self, x: float, y: float) -> tuple[float, float]:
        dx, dy = x - self.left, self.top - y  # unrotated, top-down
        if self.rotation == 90:  # shown turned clockwise: the page's left edge is now the top
            return self.width - dy, dx
        if self.rotation == 180:
            return self.width - dx, self.height - dy
        if self.rotation == 270:
            return dy, self.height - dx
        return dx, dy


def read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> PageContent:
    geometry = Geometry(page)
    chars = textpage.count_chars()
    segments = _segments(textpage.raw, geometry, chars) if chars > 0 else []
    marks, image_area = _graphics(page, geometry)
    return PageContent(geometry.width, geometry.height, segments, marks, image_area, chars)


def _page_text(raw, count: int) -> str:
    """All chars of the page, one str position per pdfium char index (per-char fallback if not)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = c.FPDFText_GetText(raw, 0, count, buffer)
    text = bytes(memoryview(buffer))[: max(0, written - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    return "".join(chr(c.FPDFText_GetUnicode(raw, i) or 0xFFFD) for i in range(count))


def _segments(raw, geometry: Geometry, count: int) -> list[Segment]:
    text = _page_text(raw, count)
    out: list[Segment] = []
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(top), ctypes.byref(right), ctypes.byref(bottom))
    count_rects, get_rect = c.FPDFText_CountRects, c.FPDFText_GetRect  # bound once: called per line
    reader = _CharReader(raw)
    start = 0
    for end in _line_ends(text):
        s, e, start = start, end, end
        while s < e and text[s] in BLANKS:
            s += 1
        while e > s and text[e - 1] in BLANKS:
            e -= 1
        if s >= e:
            continue
        rects = []
        for i in range(count_rects(raw, s, e - s)):
            if get_rect(raw, i, *refs):
                rects.append((left.value, bottom.value, right.value, top.value))
        if not rects:
            continue  # nothing visible (e.g. only generated chars)
        size = reader.font_size(s) or max(1.0, rects[0][3] - rects[0][1])
        pieces = [(s, e, _union(rects))]
        if len(rects) > 1:
            groups = _groups(rects, size)
            if groups is None:  # runs on different baselines: split char by char
                pieces = _split_by_chars(raw, text, s, e, size)
            elif len(groups) > 1:
                pieces = _split_at_runs(raw, text, s, e, groups) or _split_by_chars(raw, text, s, e, size)
        for ps, pe, box in pieces:
            out.append(_segment(reader, text, ps, pe, box, size, geometry, len(out)))
    return out


class _CharReader:
    """Per-char pdfium look-ups of one text page, with their ctypes out-parameters made once per page
    (not once per line: a page has a few hundred lines)."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.matrix = c.FS_MATRIX()
        self.matrix_ref = ctypes.byref(self.matrix)
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.origin_refs = (ctypes.byref(self.x), ctypes.byref(self.y))

    def font_size(self, index: int) -> float:
        """Displayed font size of a char: the nominal size times the text matrix scale (browser prints
        draw 12 pt text scaled by 0.72)."""
        size = c.FPDFText_GetFontSize(self.raw, index)
        if size > 0 and c.FPDFText_GetMatrix(self.raw, index, self.matrix_ref):
            matrix = self.matrix
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            if 0.05 < scale and 2 <= size * scale <= 300:  # Word exports draw titles as 1 pt text scaled 24x
                size *= scale
        return size

    def origin(self, index: int) -> tuple[float, float] | None:
        if c.FPDFText_GetCharOrigin(self.raw, index, *self.origin_refs):
            return self.x.value, self.y.value
        return None


def _line_ends(text: str):
    """Offsets where pdfium's lines end: after each line break and after a line-end hyphen (U+FFFE)."""
    for match in LINE_END.finditer(text):
        yield match.end()
    yield len(text)


def _union(rects: list[tuple]) -> tuple:
    if len(rects) == 1:
        return rects[0]
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _groups(rects: list[tuple], size: float) -> list[list[tuple]] | None:
    """Runs of one line grouped where they lie far apart; None when a run sits on another line."""
    groups = [[rects[0]]]
    for (l0, b0, r0, t0), run in zip(rects, rects[1:]):
        l1, b1, r1, t1 = run
        if t1 < b0 - 0.3 * size or b1 > t0 + 0.3 * size:  # well below or above: check char by char
            return None
        if l1 - r0 > BREAK_GAP * size or l1 < l0 - 0.5 * size:  # far apart, or back to the left
            groups.append([run])
        else:
            groups[-1].append(run)
    return groups


def _split_at_runs(raw, text: str, s: int, e: int, groups: list[list[tuple]]) -> list[tuple[int, int, tuple]] | None:
    """Cut chars s..e where each group of runs begins (found by position); None if a cut is unclear."""
    cuts = [s]
    for group in groups[1:]:
        left, bottom, right, top = group[0]
        index = c.FPDFText_GetCharIndexAtPos(raw, left + min(0.5, (right - left) / 2), (bottom + top) / 2, 0.5, 0.5)
        if not cuts[-1] < index < e or text[index] in BLANKS:
            return None
        cuts.append(index)
    ends = [_rstrip(text, a, b) for a, b in zip(cuts, cuts[1:] + [e])]
    return [(a, b, _union(group)) for a, b, group in zip(cuts, ends, groups) if b > a]


def _split_by_chars(raw, text: str, s: int, e: int, size: float) -> list[tuple[int, int, tuple]]:
    """Split chars s..e wherever a char lies far from the one before it, or on another baseline."""
    left, right, bottom, top, x, y = (ctypes.c_double() for _ in range(6))
    refs = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    origin = (ctypes.byref(x), ctypes.byref(y))
    pieces: list[tuple[int, int, tuple]] = []
    piece_start, box, prev = s, None, None
    for i in range(s, e):
        if text[i] in BLANKS or not c.FPDFText_GetCharBox(raw, i, *refs):
            continue
        l, r, b, t = left.value, right.value, bottom.value, top.value
        if r - l <= 0 and t - b <= 0:
            continue
        base = y.value if c.FPDFText_GetCharOrigin(raw, i, *origin) else b
        if prev is not None and box is not None:
            pl, pr, pbase = prev
            apart = l - pr > BREAK_GAP * size or l < pl - 0.5 * size
            other_line = abs(base - pbase) > 0.6 * size  # superscripts sit ~0.3 em off the baseline
            if apart or other_line:
                pieces.append((piece_start, _rstrip(text, piece_start, i), box))
                piece_start, box = i, None
        box = (l, b, r, t) if box is None else (min(box[0], l), min(box[1], b), max(box[2], r), max(box[3], t))
        prev = (l, r, base)
    if box is not None:
        pieces.append((piece_start, e, box))
    return [p for p in pieces if p[1] > p[0]]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in BLANKS:
        end -= 1
    return end


def _segment(reader: _CharReader, text: str, s: int, e: int, box: tuple, size: float, geometry: Geometry, order: int) -> Segment:
    x0, top, x1, bottom = geometry.rect(*box)
    origin = reader.origin(s)
    if origin is not None:
        baseline = geometry.point(*origin)[1]
    else:
        baseline = bottom
    if not top - 0.5 * size <= baseline <= bottom + 0.5 * size:
        baseline = bottom  # rotated text or odd origin: fall back to the box
    chunk = text[s:e].replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    chunk = chunk.replace("\ufffe", "-")
    return Segment(chunk, x0, top, x1, bottom, baseline, size, order)


def _graphics(page: pdfium.PdfPage, geometry: Geometry) -> tuple[list[Box], float]:
    """Small images and filled paths (bullet candidates), and the share of the page under images."""
    marks: list[Box] = []
    image_area = 0.0
    page_area = max(1.0, geometry.width * geometry.height)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = [(page.raw, False, 0, identity)]
    get_type, text_kind = c.FPDFPageObj_GetType, c.FPDF_PAGEOBJ_TEXT  # bound once: most objects are text
    while stack:
        parent, is_form, depth, matrix = stack.pop()
        count = c.FPDFFormObj_CountObjects(parent) if is_form else c.FPDFPage_CountObjects(parent)
        get_object = c.FPDFFormObj_GetObject if is_form else c.FPDFPage_GetObject
        for i in range(max(0, count)):
            obj = get_object(parent, i)
            if not obj:
                continue
            kind = get_type(obj)
            if kind == text_kind:
                continue
            if kind == c.FPDF_PAGEOBJ_FORM:
                form_matrix = c.FS_MATRIX()
                if depth < 8 and c.FPDFPageObj_GetMatrix(obj, ctypes.byref(form_matrix)):
                    m = form_matrix
                    stack.append((obj, True, depth + 1, _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrix)))
                continue
            if kind not in (c.FPDF_PAGEOBJ_IMAGE, c.FPDF_PAGEOBJ_PATH) or not c.FPDFPageObj_GetBounds(obj, *refs):
                continue
            # objects inside a form XObject report bounds in the form's space
            x0, y0, x1, y1 = geometry.rect(*_transform((left.value, bottom.value, right.value, top.value), matrix))
            w, h = x1 - x0, y1 - y0
            if kind == c.FPDF_PAGEOBJ_IMAGE:
                visible_w = max(0.0, min(x1, geometry.width) - max(x0, 0.0))
                visible_h = max(0.0, min(y1, geometry.height) - max(y0, 0.0))
                image_area += visible_w * visible_h / page_area
            if 1.0 <= w <= 9.0 and 1.0 <= h <= 9.0 and 0.5 <= w / h <= 2.0:
                if kind == c.FPDF_PAGEOBJ_PATH and not _filled(obj):
                    continue
                marks.append(Box(x0, y0, x1, y1))
    return marks, min(1.0, image_area)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix that applies `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c_, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c_ * A + d * C, c_ * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _transform(rect: tuple, matrix: tuple) -> tuple:
    if matrix == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
        return rect
    a, b, c_, d, e, f = matrix
    l, bo, r, t = rect
    xs, ys = [], []
    for x, y in ((l, bo), (l, t), (r, bo), (r, t)):
        xs.append(a * x + c_ * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _filled(obj) -> bool:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    if not c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return False
    return bool(fill.value)
