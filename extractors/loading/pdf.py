"""PDF -> PolicyText: layout-aware text with a page map, OCR for scanned pages, one-line errors.

Which library does which job, measured per job on the five real policies (54 pages, this machine,
benchmarks/pdf_throughput.py):
- Page text and positions: pypdfium2. Its text layer in content order plus per-run boxes costs about
  4 ms a page with our layout (raw pdfium text ~2 ms); pdfplumber's extract_text costs ~155 ms a page
  (6.4 pages/s) for the same characters, so the whole `extract` runs ~15x faster than pdfplumber's
  text alone (target: >= 10x).
- Tables: read from the same pypdfium2 runs: a row is a line whose runs lie far apart (cells joined by
  tabs); a wrapped cell line is known by its x position; a header row repeated on a continuation page
  is dropped. pdfplumber's `find_tables` needs the full pdfminer parse of the page (~180 ms a page);
  on the real PDFs its ruled code tables have 57 code rows and our text has all 57 with the same code
  and description on one line. So pdfplumber is not on the hot path.
- Opening: pypdfium2. When pdfium cannot open a file, pdfplumber (pdfminer) gives the second opinion:
  its password error (raised with an empty message) becomes "encrypted PDF: password required", and
  a file pdfminer can read although pdfium cannot is read with pdfplumber (no OCR on that path).
- OCR: pages with no text layer whose images cover them are rendered by pypdfium2 and read by
  Tesseract (ocr.py), a few pages side by side.

Layout (reading order, paragraphs, bullets, rows) is in layout.py; running headers/footers and page
joins in pagination.py; pypdfium2 page reading in pdfium_page.py.
"""

from __future__ import annotations

import io
import re
import threading
import time

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.errors import CorruptPDF, EncryptedPDF, InputError, LimitExceeded
from extractors.loading.document import PolicyText
from extractors.loading.layout import PageLayout, Segment, lay_out
from extractors.loading.ocr import MIN_IMAGE_AREA, needs_ocr, ocr_pages, render, require_tesseract
from extractors.loading.pagination import assemble
from extractors.loading.pdfium_page import read_page

MEDIA_TYPE = "application/pdf"
# pdfium is not thread-safe, not even across documents: every call into it holds this lock (the
# flows run an extraction in a worker thread and may abandon it on timeout while the next one starts)
PDFIUM = threading.RLock()
OCR_BATCH = 4  # scanned pages rendered and OCR'd together (pictures are ~8 MB each at 300 dpi)


def load_pdf(data: bytes, *, name: str = "document", limits=None) -> PolicyText:
    started = time.monotonic()
    try:
        with PDFIUM:
            pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        return _second_opinion(data, error, name=name, limits=limits)
    try:
        with PDFIUM:
            count = len(pdf)
        _check_pages(count, name, limits)
        with PDFIUM:
            info = pdf.get_metadata_dict(skip_empty=True)
        layouts: list[PageLayout] = []
        scans: list[tuple[int, object]] = []  # (page number, picture) waiting for OCR
        for index in range(count):
            _check_time(started, name, limits, index)
            with PDFIUM:
                layout, picture = _read(pdf, index, name=name)
            layouts.append(layout)
            if picture is not None:
                scans.append((index + 1, picture))
            if len(scans) >= OCR_BATCH or (scans and index == count - 1):
                _ocr(scans, layouts, name=name, remaining=_remaining(started, limits))  # without the lock
                scans = []
    finally:
        with PDFIUM:
            pdf.close()
    text, starts, repairs, furniture, sizes = assemble(layouts)
    if text.strip():
        text += properties_block(info, data)
    ocr_pages = tuple(n + 1 for n, layout in enumerate(layouts) if layout.ocr)
    return PolicyText(
        text=text, media_type=MEDIA_TYPE, page_starts=starts, repairs=repairs, ocr_pages=ocr_pages, furniture=furniture,
        line_sizes=sizes,
    )


PROPERTIES_HEADING = "Document properties"
# the issuer fields of the PDF's own metadata: Info dictionary, and XMP when stored uncompressed,
# e.g. b"<pdfx:Company>Regence</pdfx:Company>", b"/Company (Regence)"
XMP_COMPANY = re.compile(rb"<(?:pdfx|pdf|xmp|photoshop):(?:Company|Authors?)>\s*([^<]{2,120}?)\s*</", re.I)
INFO_COMPANY = re.compile(rb"/Company\s*\(([^()]{2,120})\)")
ORGANIZATION = re.compile(r"\b(?:Health|Healthcare|HealthCare|Care|Plans?|Blue|Cross|Shield|Insurance|Mutual|Alliance|Network|Inc|LLC|Corporation|Company)\b")
PROPERTY = re.compile(r"[^\w&.,'’()/ -]")  # characters a property value may not keep (controls, markup)


def properties_block(info: dict, data: bytes) -> str:
    """The PDF's author and company, rendered after the last page under "Document properties" so
    that a value read from them has evidence in the text (the block is not printed on any page; its
    offsets fall on the last page). Only the fields that name who wrote the document."""
    values: list[tuple[str, str]] = []
    author = PROPERTY.sub("", str(info.get("Author", ""))).strip()
    if ORGANIZATION.search(author):  # an organization, not the person or program that saved the file
        values.append(("Author", author[:120]))
    for pattern in (XMP_COMPANY, INFO_COMPANY):
        for match in pattern.finditer(data[:4_000_000]):
            company = PROPERTY.sub("", match.group(1).decode("utf-8", "replace")).strip()
            if company and ("Company", company) not in values and company != author:
                values.append(("Company", company[:120]))
    if not values:
        return ""
    return "\n\n" + PROPERTIES_HEADING + "\n" + "\n".join(f"{key}: {value}" for key, value in values)


def _read(pdf: pdfium.PdfDocument, index: int, *, name: str) -> tuple[PageLayout, object | None]:
    """A page's layout from its text layer, or (for a scan) an empty layout and its picture for OCR."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise CorruptPDF(f"{name}: page {index + 1} cannot be read (damaged PDF)") from None
    textpage = None
    try:
        textpage = page.get_textpage()
        content = read_page(page, textpage)
        layout = PageLayout(width=content.width, height=content.height)
        if content.segments:
            layout = lay_out(content.segments, content.marks, width=content.width, height=content.height)
            layout.ocr = content.image_area >= MIN_IMAGE_AREA  # text over a page-wide picture: a scan with an OCR text layer
            return layout, None
        if needs_ocr(content.chars, content.image_area):
            require_tesseract(name, index + 1)
            return layout, render(page)
        return layout, None
    except pdfium.PdfiumError:
        raise CorruptPDF(f"{name}: page {index + 1} cannot be read (damaged PDF)") from None
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


def _ocr(scans: list[tuple[int, object]], layouts: list[PageLayout], *, name: str, remaining: float | None) -> None:
    for number, segments in ocr_pages(scans, name=name, timeout=remaining).items():
        blank = layouts[number - 1]
        layouts[number - 1] = lay_out(segments, [], width=blank.width, height=blank.height)
        layouts[number - 1].ocr = True


def _check_pages(count: int, name: str, limits) -> None:
    if count == 0:
        raise InputError(f"{name}: PDF has no pages")
    if limits is not None and count > limits.max_pages:
        raise LimitExceeded(f"{name}: {count} pages is over the page limit of {limits.max_pages} (--max-pages)")


def _remaining(started: float, limits) -> float | None:
    if limits is None or not limits.timeout_seconds:
        return None
    return max(1.0, limits.timeout_seconds - (time.monotonic() - started))


def _check_time(started: float, name: str, limits, index: int) -> None:
    if limits is not None and limits.timeout_seconds and time.monotonic() - started > limits.timeout_seconds:
        raise LimitExceeded(
            f"{name}: reading stopped at page {index + 1}, over the time limit of {limits.timeout_seconds:.0f} s"
        )


# --- when pdfium cannot open the file --------------------------------------------------------


def _second_opinion(data: bytes, error: pdfium.PdfiumError, *, name: str, limits) -> PolicyText:
    """pdfium refused the file: ask pdfminer (via pdfplumber) why, and read it that way if it can.
    (pdfium's error code alone is not trusted: a failure that sets none reports the previous one.)"""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    code = getattr(error, "err_code", None)
    reason = str(error).split("(PDFium: ")[-1].rstrip(").").lower() if "PDFium: " in str(error) else "unreadable"
    try:
        plumber = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as failure:
        inner = failure.args[0] if failure.args else None
        if type(inner).__name__ == "PDFPasswordIncorrect" or (code == pdfium_c.FPDF_ERR_PASSWORD and not str(failure).strip()):
            raise EncryptedPDF(f"{name}: encrypted PDF: password required") from None
        if code == pdfium_c.FPDF_ERR_SECURITY or type(inner).__name__ == "PDFEncryptionError":
            raise EncryptedPDF(f"{name}: encrypted PDF: unsupported security handler") from None
        raise CorruptPDF(f"{name}: damaged or truncated PDF ({reason})") from None
    except Exception:  # pdfminer raises many kinds on hostile bytes
        raise CorruptPDF(f"{name}: damaged or truncated PDF ({reason})") from None
    try:
        return _read_with_pdfplumber(plumber, name=name, limits=limits, reason=reason)
    finally:
        try:
            plumber.close()
        except Exception:  # closing walks the pages again, and a damaged page raises there too
            pass


def _read_with_pdfplumber(plumber, *, name: str, limits, reason: str) -> PolicyText:
    try:
        pages = plumber.pages
        _check_pages(len(pages), name, limits)
        layouts = [_plumber_layout(page) for page in pages]
    except (InputError, LimitExceeded):
        raise
    except Exception:
        raise CorruptPDF(f"{name}: damaged or truncated PDF ({reason})") from None
    text, starts, repairs, furniture, sizes = assemble(layouts)
    return PolicyText(text=text, media_type=MEDIA_TYPE, page_starts=starts, repairs=repairs, furniture=furniture, line_sizes=sizes)


def _plumber_layout(page) -> PageLayout:
    """pdfplumber words -> segments (runs of words on one line without a wide gap) -> layout."""
    words = page.extract_words(use_text_flow=True, extra_attrs=["size"])
    segments: list[Segment] = []
    for word in words:
        size = float(word.get("size") or (word["bottom"] - word["top"]))
        last = segments[-1] if segments else None
        if last and abs(word["bottom"] - last.bottom) <= 0.3 * size and 0 <= word["x0"] - last.x1 <= size:
            last.text += " " + word["text"]
            last.x1 = word["x1"]
            last.top = min(last.top, word["top"])
            continue
        baseline = word["bottom"] - 0.2 * size
        segments.append(Segment(word["text"], word["x0"], word["top"], word["x1"], word["bottom"], baseline, size, len(segments)))
    return lay_out(segments, [], width=float(page.width), height=float(page.height))
