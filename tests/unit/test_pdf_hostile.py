"""Hostile PDFs end as a record or as one clear line of error, never as a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from extractors.errors import CorruptPDF, EncryptedPDF, InputError, LimitExceeded, OCRUnavailable, PolicyError
from extractors.loading import Limits, load_bytes
from extractors.pipeline import extract_bytes
from tests.pdf_fixtures import image_only_pdf, simple_pdf, zero_page_pdf

POLICY = [
    "Medical Policy",
    "Subject: Prolotherapy",
    "Policy Number: CMM-204",
    "Prolotherapy is considered investigational for the treatment of musculoskeletal pain.",
    "Applicable Codes",
    "M0076    Prolotherapy",
]


def one_line_error(data: bytes, **kwargs) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_bytes(data, name="bad.pdf", **kwargs)
    message = str(caught.value)
    assert message.startswith("bad.pdf: ") and "\n" not in message and len(message) < 200
    return caught.value


@pytest.fixture(scope="module")
def policy_pdf() -> bytes:
    return simple_pdf([POLICY, ["Second page of the policy."]])


@pytest.mark.parametrize("fraction", [pytest.param(f, id=f"cut-at-{int(f * 100)}pct") for f in (0.05, 0.3, 0.6, 0.9, 0.99)])
def test_truncated_pdf_gives_an_error_or_the_text_it_still_holds(policy_pdf, fraction):
    data = policy_pdf[: int(len(policy_pdf) * fraction)]
    try:
        text = load_bytes(data, name="bad.pdf").text
    except PolicyError as error:
        assert isinstance(error, (CorruptPDF, InputError)) and "\n" not in str(error)
        return
    assert "Prolotherapy" in text  # pdfium rebuilt the file: a record of what is there


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n" + os.urandom(20_000), id="random-bytes"),
        pytest.param(b"%PDF-1.4\n%%EOF\n", id="header-only"),
        pytest.param(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF", id="no-page-tree"),
    ],
)
def test_corrupt_pdf_is_one_line_error(data):
    error = one_line_error(data)
    assert isinstance(error, (CorruptPDF, InputError))


def test_user_password_pdf():
    error = one_line_error(simple_pdf([POLICY], encrypt=("secret", "owner")))
    assert isinstance(error, EncryptedPDF) and str(error) == "bad.pdf: encrypted PDF: password required"


def test_owner_password_only_pdf_is_read_normally():
    record = extract_bytes(simple_pdf([POLICY], encrypt=("", "owner")), uri="owner.pdf")
    assert [c.code for c in record.codes] == ["M0076"]
    assert record.coverage.status == "experimental_investigational_unproven"


def test_zero_page_pdf():
    error = one_line_error(zero_page_pdf())
    assert isinstance(error, InputError) and "no pages" in str(error)


def test_page_limit_is_checked_before_reading_pages():
    data = simple_pdf([POLICY], blank_pages=50)
    started = time.perf_counter()
    error = one_line_error(data, limits=Limits(max_pages=10))
    assert isinstance(error, LimitExceeded) and "51 pages" in str(error) and "--max-pages" in str(error)
    assert time.perf_counter() - started < 5  # generous: no page was read


def test_thousands_of_blank_pages_are_skipped_cheaply():
    data = simple_pdf([POLICY], blank_pages=3000)
    loaded = load_bytes(data, name="blank.pdf", limits=Limits(max_pages=5000))
    assert loaded.pages == 3001 and loaded.ocr_pages == ()
    body_end = loaded.text.index("M0076 Prolotherapy") + len("M0076 Prolotherapy")  # the PDF's properties follow the pages
    assert loaded.text.startswith("Medical Policy") and loaded.page_of(body_end - 1) == 1


def test_all_blank_pdf_is_no_text_error():
    error = one_line_error(simple_pdf([], blank_pages=3))
    assert isinstance(error, InputError) and "no text" in str(error)


def test_image_only_pdf_without_tesseract_names_the_missing_program(monkeypatch):
    import extractors.loading.ocr as ocr

    monkeypatch.setattr(ocr, "tesseract_program", lambda: None)
    error = one_line_error(image_only_pdf(simple_pdf([POLICY]), scale=1.0))
    assert isinstance(error, OCRUnavailable)
    assert str(error) == "bad.pdf: page 1 has no text layer and needs OCR, but the program 'tesseract' is not installed"


def test_cli_prints_one_line_without_traceback(tmp_path):
    bad = tmp_path / "locked.pdf"
    bad.write_bytes(simple_pdf([POLICY], encrypt=("secret", "owner")))
    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "policy-pipeline"), "extract", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().endswith("locked.pdf: encrypted PDF: password required")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_pdfplumber_reads_what_pdfium_would(policy_pdf):
    """The fallback reader (used when pdfium refuses a file pdfminer accepts) gives the same text."""
    import pdfplumber

    from extractors.loading.pdf import _read_with_pdfplumber

    with pdfplumber.open(__import__("io").BytesIO(policy_pdf)) as plumber:
        fallback = _read_with_pdfplumber(plumber, name="x.pdf", limits=None, reason="test")
    assert fallback.text.split() == load_bytes(policy_pdf, name="x.pdf").text.split()
    assert fallback.page_starts == load_bytes(policy_pdf, name="x.pdf").page_starts


def test_concurrent_loads_in_threads_are_safe(policy_pdf):
    """pdfium is not thread-safe; the loader serializes its calls (the flows extract in threads)."""
    import threading

    expected = load_bytes(policy_pdf, name="x.pdf").text
    results: list[str] = []

    def work():
        for _ in range(10):
            results.append(load_bytes(policy_pdf, name="x.pdf").text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40 and set(results) == {expected}
