"""Seed policies printed to PDF (running headers, page counters, footers, code tables) give the
same record as their text; a scanned (image-only) PDF gives its codes back through OCR."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from extractors.loading import load_bytes
from extractors.pipeline import extract_bytes
from tests.pdf_fixtures import image_only_pdf, render_policy, two_column_pdf

SEEDS = Path(__file__).resolve().parents[2] / "raw_documents"  # the five seed texts
SEED_FILES = sorted(SEEDS.glob("*.txt"))

CODE_TABLE_POLICY = """Medical Policy
Subject: Knee Procedures
Policy Number: KP-001
Effective Date: July 1, 2025

Position Statement

Meniscal allograft transplantation is considered investigational and not medically necessary.

Coding

When services are Investigational and Not Medically Necessary:

CPT Code\tDescription
""" + "\n".join(
    f"{29860 + i}\tArthroscopy, knee, surgical; procedure number {i} with a description long enough to wrap over "
    "the width of the description column of the table"
    for i in range(30)
) + """

When services may be Medically Necessary when criteria are met:

HCPCS Code\tDescription
G0428\tCollagen meniscus implant procedure for filling meniscal defects
"""


@lru_cache(maxsize=None)
def seed_text(path: Path) -> str:
    return load_bytes(path.read_bytes(), name=path.name).text


def summary(record) -> dict:
    return {
        "payer": record.payer.name,
        "number": record.policy.number,
        "status": record.coverage.status,
        "codes": sorted((c.code, c.system, c.status) for c in record.codes),
    }


@pytest.mark.parametrize(
    "path, options",
    [pytest.param(p, {}, id=p.stem[:3]) for p in SEED_FILES]
    + [pytest.param(SEED_FILES[0] if SEED_FILES else None, {"drawn_bullets": True, "ruled": False}, id="000-drawn-bullets-borderless")],
)
def test_seed_printed_to_pdf_gives_the_same_record(path, options):
    text_record = extract_bytes(path.read_bytes(), uri=path.name)
    pdf = render_policy(seed_text(path), title="Policy X", **options)
    pdf_record = extract_bytes(pdf, uri=path.stem + ".pdf")
    assert pdf_record.source.pages >= 2
    assert summary(pdf_record) == summary(text_record)


def test_running_lines_of_a_printed_seed_appear_once():
    text = load_bytes(render_policy(seed_text(SEED_FILES[2]), title="Policy X"), name="seed.pdf").text
    assert text.count("Page ") == 1 and text.count("Proprietary Information") == 1
    assert text.startswith("Policy X\tPage 1 of ")


def test_code_table_over_pages_keeps_rows_and_group_status():
    pdf = render_policy(CODE_TABLE_POLICY, title="Knee Procedures")
    loaded = load_bytes(pdf, name="table.pdf")
    assert loaded.pages >= 2
    assert loaded.text.count("CPT Code\tDescription") == 1  # the header row repeated on page 2 is dropped
    record = extract_bytes(pdf, uri="table.pdf")
    by_code = {c.code: c for c in record.codes}
    assert set(by_code) == {str(29860 + i) for i in range(30)} | {"G0428"}
    assert all(by_code[str(29860 + i)].status == "experimental_investigational_unproven" for i in range(30))
    assert by_code["29889"].description.startswith("Arthroscopy, knee, surgical; procedure number 29")
    assert "wrap over the width" in by_code["29889"].description
    for code in record.codes:  # a code's page is the page it is printed on
        page_text = loaded.text[loaded.page_starts[code.evidence.page - 1] :]
        assert code.evidence.text in page_text.split("\n\n\n")[0]


def test_page_of_each_code_row_matches_the_printed_page():
    pdf = render_policy(CODE_TABLE_POLICY, title="Knee Procedures")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    printed = {}
    for index in range(len(document)):
        for token in document[index].get_textpage().get_text_range().split():
            printed.setdefault(token, index + 1)
    record = extract_bytes(pdf, uri="table.pdf")
    assert record.codes and all(c.evidence.page == printed[c.code] for c in record.codes)


def test_two_column_page_reads_column_by_column():
    knees = "Left column paragraph one talks about knees and keeps going. " * 4
    hips = "Right column paragraph starts at the same height and talks about hips. " * 4
    text = load_bytes(two_column_pdf([knees, "Left two ends the column."], [hips, "Right two."]), name="columns.pdf").text
    assert text.index("Left two ends the column.") < text.index("Right column paragraph")
    assert "\t" not in text and "knees" not in text[text.index("Right column") :]


@pytest.mark.parametrize("rotation", [pytest.param(r, id=f"rotate-{r}") for r in (0, 90, 180, 270)])
def test_rotated_page_reads_upright(rotation):
    """Content drawn turned by -rotation and shown with /Rotate: upright on screen, read upright."""
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(612, 792))
    pdf.translate(306, 396)
    pdf.rotate(rotation)  # counter-clockwise in PDF space; /Rotate turns the page back clockwise
    for n, line in enumerate(["First line of a page turned sideways", "Second line below it", "Third"]):
        pdf.drawString(-150, 100 - 14 * n, line)
    pdf.showPage()
    pdf.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    document[0].set_rotation(rotation)
    rotated = io.BytesIO()
    document.save(rotated)
    text = load_bytes(rotated.getvalue(), name="rotated.pdf").text
    assert text == "First line of a page turned sideways\nSecond line below it\nThird"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")
def test_image_only_seed_gives_codes_and_status_through_ocr():
    path = SEED_FILES[0]
    text_record = extract_bytes(path.read_bytes(), uri=path.name)
    scan = image_only_pdf(render_policy(seed_text(path), title="Policy X", bottom=40))
    record = extract_bytes(scan, uri="scan.pdf")
    assert record.source.ocr_pages == list(range(1, record.source.pages + 1))
    assert [c.code for c in record.codes] == [c.code for c in text_record.codes]
    assert record.coverage.status == text_record.coverage.status


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")
@pytest.mark.parametrize("drawn", [pytest.param(False, id="glyph-bullets"), pytest.param(True, id="drawn-bullets")])
def test_ocr_bullets_become_bullets(drawn):
    text = "Coverage\n\nProlotherapy is considered investigational for:\n• Back pain of any kind\n• Knee pain\n\nEnd of list."
    scan = image_only_pdf(render_policy(text, running=False, drawn_bullets=drawn))
    loaded = load_bytes(scan, name="scan.pdf")
    assert loaded.ocr_pages == (1,)
    assert "for:\n• Back pain of any kind\n• Knee pain\n\nEnd of list." in loaded.text
