"""OCR for PDF pages with no text layer: render with pypdfium2, read with Tesseract.

Tesseract is a system program (Debian package `tesseract-ocr`), called through pytesseract. Its
words come back with pixel boxes; they are turned into the same positioned segments as a text layer
so the page goes through the same layout (reading order, paragraphs, table rows) as any other.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pypdfium2 as pdfium

from extractors.errors import LimitExceeded, OCRUnavailable
from extractors.loading.layout import Segment

DPI = 300
MIN_IMAGE_AREA = 0.25  # a page with no text whose images cover at least this share needs OCR
GAP = 1.0  # em: words further apart than this on one OCR line are separate segments
OCR_BULLETS = frozenset("•·●▪■e¢©®«»°*~")  # how Tesseract reads list bullets (round dots often become "e" or "¢")


def needs_ocr(chars: int, image_area: float) -> bool:
    """No text layer, and images cover the page: a scan. (A blank page or a lone logo does not.)"""
    return chars == 0 and image_area >= MIN_IMAGE_AREA


def tesseract_program() -> str | None:
    import pytesseract

    return shutil.which(pytesseract.pytesseract.tesseract_cmd)


def require_tesseract(name: str, number: int) -> None:
    if tesseract_program() is None:
        raise OCRUnavailable(
            f"{name}: page {number} has no text layer and needs OCR, but the program 'tesseract' is not installed"
        )


def render(page: pdfium.PdfPage):
    """The page as a grayscale picture at 300 dpi (pdfium is not thread-safe: render in one thread)."""
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    try:
        return bitmap.to_pil().copy()  # our own pixels: the bitmap is freed here, under the caller's lock
    finally:
        bitmap.close()


def ocr_pages(images: list[tuple[int, object]], *, name: str, timeout: float | None = None) -> dict[int, list[Segment]]:
    """OCR (page number, picture) pairs, one Tesseract process per core at a time."""
    # Tesseract's own OpenMP threads make it several times slower on few cores; run one thread
    # per process and the pages side by side instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    workers = max(1, min(len(images), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {number: pool.submit(_ocr, image, name=name, number=number, timeout=timeout) for number, image in images}
        return {number: future.result() for number, future in futures.items()}


def _ocr(image, *, name: str, number: int, timeout: float | None) -> list[Segment]:
    import pytesseract

    try:
        data = pytesseract.image_to_data(image, lang="eng", output_type=pytesseract.Output.DICT, timeout=timeout or 0)
    except pytesseract.TesseractNotFoundError:
        require_tesseract(name, number)
        raise OCRUnavailable(f"{name}: OCR of page {number} failed (tesseract could not be started)") from None
    except RuntimeError as error:  # pytesseract raises RuntimeError on its timeout
        if "timeout" in str(error).lower():
            raise LimitExceeded(f"{name}: OCR of page {number} ran over the time limit of {timeout:.0f} s") from None
        raise OCRUnavailable(f"{name}: OCR of page {number} failed ({str(error).strip() or 'tesseract error'})") from None
    except pytesseract.TesseractError as error:
        raise OCRUnavailable(f"{name}: OCR of page {number} failed ({error.message or 'tesseract error'})") from None
    return _segments(data, 72 / DPI)


def _segments(data: dict, scale: float) -> list[Segment]:
    lines: dict[tuple, list[tuple]] = {}
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word or float(data["conf"][i]) < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        x, y, w, h = (data[k][i] * scale for k in ("left", "top", "width", "height"))
        lines.setdefault(key, []).append((x, y, x + w, y + h, word))
    out: list[Segment] = []
    for words in lines.values():
        words.sort()
        height = sorted(w[3] - w[1] for w in words)[len(words) // 2]
        size = max(4.0, height * 1.1)
        baseline = sorted(w[3] for w in words)[len(words) // 2]
        if len(words) > 1 and words[0][4] in OCR_BULLETS and words[1][0] - words[0][2] > 0.4 * size:
            words[0] = (*words[0][:4], "•")  # a bullet read as a letter or sign, set apart from its item
        run = [words[0]]
        for word in words[1:]:
            if word[0] - run[-1][2] > GAP * size:
                out.append(_segment(run, baseline, size, len(out)))
                run = []
            run.append(word)
        out.append(_segment(run, baseline, size, len(out)))
    return out


def _segment(words: list[tuple], baseline: float, size: float, order: int) -> Segment:
    return Segment(
        " ".join(w[4] for w in words),
        min(w[0] for w in words),
        min(w[1] for w in words),
        max(w[2] for w in words),
        max(w[3] for w in words),
        baseline,
        size,
        order,
    )
