"""The warm-up of the "first sight" throughput figures (text_throughput.py, pdf_throughput.py): a short
policy unrelated to the measured documents, extracted once as text and once printed to a PDF, and every
code set read, so a fresh process is as ready as one that has seen a few policies but not their words."""

from __future__ import annotations

import io

from extractors.codesets import validate
from extractors.pipeline import extract_bytes

WARM_UP = (
    "Example Health Plan\nMedical Policy\nSubject: Example Therapy\nPolicy Number: EX-001\nEffective Date: 01/01/2025\n"
    "Last Reviewed: 12/01/2024\n\nDescription\n\nAn example.\n\nPolicy\n\nExample therapy is considered medically necessary "
    "for:\n\n• Example condition\n• Another condition\n\nIt is investigational for all other indications.\n\nCoding\n\n"
    "CPT\tDescription\n20550\tInjection\nHCPCS\nM0076\tExample\nICD-10-CM\nM54.50\tLow back pain\nICD-10-PCS\n0R533ZZ\tRepair\n\nReferences\n\n"
    "1. Doe J, Roe R. An example study. J Example. 2020;1(2):3-4.\n\nPolicy History\n\nDate\tAction\n01/01/2025\tNew policy\n"
)  # every section, a code of each system, a reference and a history row; few words of the measured texts
CODES = (("0R533ZZ", "ICD-10-PCS"), ("M0076", "HCPCS"), ("M54.50", "ICD-10-CM"), ("20550", "CPT"))


def warm_up_pdf() -> bytes:
    """WARM_UP printed on one page with reportlab (a test dependency)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    for i, line in enumerate(WARM_UP.splitlines()):
        page.drawString(72, 760 - 14 * i, line.replace("\t", "    "))
    page.save()
    return out.getvalue()


def warm_up(*, pdf: bool = False) -> None:
    """Extract WARM_UP (and its PDF when `pdf`) and read every code set."""
    extract_bytes(WARM_UP.encode(), uri="warm-up.txt")
    if pdf:
        extract_bytes(warm_up_pdf(), uri="warm-up.pdf")
    for code, system in CODES:
        validate(code, system)
