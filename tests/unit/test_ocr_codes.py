"""Codes misread by OCR: repaired only to a real code of the table's system, printed form kept, flagged."""

import io

import pytest

from extractors import ocr_codes
from extractors.pipeline import extract_bytes


@pytest.mark.parametrize(
    "token, system, code",
    [
        pytest.param("59131", "HCPCS", "S9131", id="S-read-as-5"),
        pytest.param("145.909", "ICD-10-CM", "J45.909", id="J-read-as-1"),
        pytest.param(")45.909", "ICD-10-CM", "J45.909", id="J-read-as-paren"),
        pytest.param("MO0076", "HCPCS", "M0076", id="stray-O"),
        pytest.param("2O550", "CPT", "20550", id="cpt-letter-in-digits"),
        pytest.param("J45.909", "ICD-10-CM", None, id="a-real-code-is-left-alone"),
        pytest.param("20550", "HCPCS", None, id="no-real-candidate"),
        pytest.param("59131", None, None, id="no-system-named"),
        pytest.param("59131", "CPT", None, id="cpt-cannot-be-checked"),
    ],
)
def test_repair(token, system, code):
    assert ocr_codes.repair(token, system) == code


def scanned_pdf(lines: list[str]) -> bytes:
    """A page-wide picture with text drawn over it, as an OCR'd scan carries its text layer."""
    from PIL import Image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.drawImage(ImageReader(Image.new("L", (850, 1100), 235)), 0, 0, *letter)
    y = 720
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 16
    pdf.save()
    return buffer.getvalue()


def test_an_ocr_text_layer_gets_its_codes_repaired():
    pdf = scanned_pdf(["Home Therapy Policy", "Applicable Codes", "HCPCS Codes", "59131  Home infusion therapy", "ICD-10-CM Codes", "145.909  Unspecified asthma"])
    record = extract_bytes(pdf, uri="scan.pdf")
    assert record.source.ocr_pages == [1]
    got = {c.code: c for c in record.codes}
    assert set(got) == {"S9131", "J45.909"}
    assert (got["S9131"].printed, got["S9131"].flags) == ("59131", ["ocr_repaired"])
    assert {r.printed for r in record.repairs if r.kind == "ocr_code"} == {"59131", "145.909"}


def test_a_native_pdf_is_not_repaired():
    from tests.pdf_fixtures import simple_pdf

    record = extract_bytes(simple_pdf([["Home Therapy Policy", "Applicable Codes", "HCPCS Codes", "59131 Home infusion therapy"]]), uri="native.pdf")
    assert record.source.ocr_pages == [] and all(c.code != "S9131" for c in record.codes)
