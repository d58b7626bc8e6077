"""PDFs made on demand for the PDF loader tests (reportlab), never committed as files.

`render_policy(text)` prints a normalized policy text the way payers print policies: wrapped
paragraphs, a running header ("Title ... Page n of N") and a two-line footer on every page, bullets
(glyphs or drawn dots), and tab rows as a code table (ruled or borderless) whose header row is
repeated when the table continues on the next page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

FONT, BOLD, SIZE, LEADING = "Helvetica", "Helvetica-Bold", 10, 12.5
LEFT, RIGHT, TOP, BOTTOM = 72, 540, 720, 80
BULLETS = ("• ", "- ", "* ", "o ")
PAD = 8  # table cell padding


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)  # ("text", x, y, str, font) | ("dot", x, y) | ("rule", x0, x1, y)


def render_policy(
    text: str,
    *,
    title: str = "Medical Policy",
    running: bool = True,
    drawn_bullets: bool = False,
    ruled: bool = True,
    pagesize: tuple[float, float] = letter,
    bottom: float = BOTTOM,
) -> bytes:
    """A multi-page PDF of `text` (paragraphs split on blank lines; tab rows become a table)."""
    pages = _paginate(text, drawn_bullets=drawn_bullets, ruled=ruled, bottom=bottom)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize)
    for number, page in enumerate(pages, 1):
        if running:
            pdf.setFont(FONT, 8)
            pdf.drawString(LEFT, 760, title)
            pdf.drawRightString(RIGHT, 760, f"Page {number} of {len(pages)}")
            pdf.drawString(LEFT, 44, "Example Health Plan Medical Policy")
            pdf.drawRightString(RIGHT, 44, "Effective 08/01/2026")
            pdf.drawCentredString((LEFT + RIGHT) / 2, 34, "Proprietary Information of Example Health. Copyright 2026")
        for op in page.ops:
            if op[0] == "text":
                _, x, y, string, font = op
                pdf.setFont(font, SIZE)
                pdf.drawString(x, y, string)
            elif op[0] == "dot":
                pdf.circle(op[1], op[2], 1.8, stroke=0, fill=1)
            else:
                _, x0, x1, y = op
                pdf.setLineWidth(0.5)
                pdf.line(x0, y, x1, y)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _paginate(text: str, *, drawn_bullets: bool, ruled: bool, bottom: float) -> list[_Page]:
    pages = [_Page()]
    y = TOP
    header_row: list[str] | None = None

    def room(height: float) -> None:
        nonlocal y
        if y - height < bottom:
            pages.append(_Page())
            y = TOP
            if header_row is not None:  # a continued table repeats its header row
                draw_row(header_row, bold=True)

    def draw_row(cells: list[str], *, bold: bool = False) -> None:
        nonlocal y
        widths = _cell_widths(len(cells))
        wrapped = [simpleSplit(cell, FONT, SIZE, w - 2 * PAD) or [""] for cell, w in zip(cells, widths)]
        x = LEFT
        for cell_lines, w in zip(wrapped, widths):
            for k, line in enumerate(cell_lines):
                pages[-1].ops.append(("text", x + PAD, y - k * LEADING, line, BOLD if bold else FONT))
            x += w
        y -= LEADING * max(len(lines) for lines in wrapped)
        if ruled:
            pages[-1].ops.append(("rule", LEFT, RIGHT, y + LEADING - 3))
        y -= 3

    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        for index, line in enumerate(lines):
            if "\t" in line:
                cells = [c.strip() for c in line.split("\t")]
                height = LEADING * max(len(simpleSplit(c, FONT, SIZE, w - 2 * PAD) or [""]) for c, w in zip(cells, _cell_widths(len(cells))))
                room(height + 3)
                starts_table = index == 0 or "\t" not in lines[index - 1]
                draw_row(cells, bold=starts_table)
                header_row = cells if starts_table else header_row
                continue
            header_row = None
            bullet = line.startswith(BULLETS)
            body = line[2:] if bullet else line
            indent = 16 if bullet else 0
            wrapped = simpleSplit(body, FONT, SIZE, RIGHT - LEFT - indent) or [""]
            for k, piece in enumerate(wrapped):
                room(LEADING)
                if bullet and k == 0:
                    if drawn_bullets:
                        pages[-1].ops.append(("dot", LEFT + 4, y + 3))
                    else:
                        pages[-1].ops.append(("text", LEFT, y, "•" if line[0] in "•*-" else "o", FONT))
                pages[-1].ops.append(("text", LEFT + indent, y, piece, FONT))
                y -= LEADING
        header_row = None
        y -= 8  # paragraph spacing
    return pages


def _cell_widths(count: int) -> list[float]:
    if count == 1:
        return [RIGHT - LEFT]
    first = 96
    rest = (RIGHT - LEFT - first) / (count - 1)
    return [first] + [rest] * (count - 1)


def two_column_pdf(left: list[str], right: list[str]) -> bytes:
    """One page, two text columns written column by column (as layout programs write them)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setFont(FONT, SIZE)
    for column, x in ((left, LEFT), (right, 320)):
        y = TOP
        for paragraph in column:
            for line in simpleSplit(paragraph, FONT, SIZE, 220):
                pdf.drawString(x, y, line)
                y -= LEADING
            y -= 8
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf(pdf_bytes: bytes, *, scale: float = 200 / 72) -> bytes:
    """A scan: every page of `pdf_bytes` rendered to a picture and wrapped in a PDF with no text."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    source = pdfium.PdfDocument(pdf_bytes)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for index in range(len(source)):
        image = source[index].render(scale=scale, grayscale=True).to_pil()
        pdf.drawImage(ImageReader(image), 0, 0, *letter)
        pdf.showPage()
    pdf.save()
    source.close()
    return buffer.getvalue()


def simple_pdf(pages: list[list[str]], *, encrypt: tuple[str, str] | None = None, blank_pages: int = 0) -> bytes:
    """Plain pages of lines; optionally encrypted (user password, owner password)."""
    buffer = io.BytesIO()
    options = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        user, owner = encrypt
        options["encrypt"] = pdfencrypt.StandardEncryption(user, ownerPassword=owner, strength=128)
    pdf = canvas.Canvas(buffer, pagesize=letter, **options)
    for lines in pages:
        pdf.setFont(FONT, SIZE)
        y = TOP
        for line in lines:
            pdf.drawString(LEFT, y, line)
            y -= 14
        pdf.showPage()
    for _ in range(blank_pages):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
