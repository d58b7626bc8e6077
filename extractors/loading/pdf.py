"""PDF -> PolicyText with a page map (first version: pypdfium2 page text, one page after another)."""

from __future__ import annotations

import pypdfium2 as pdfium

from extractors.errors import CorruptPDF, EncryptedPDF, LimitExceeded
from extractors.loading.document import PolicyText
from extractors.loading.text import normalize_whitespace, repair_mojibake


def load_pdf(data: bytes, *, name: str = "document", limits=None) -> PolicyText:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise EncryptedPDF(f"{name}: encrypted PDF: password required") from None
        raise CorruptPDF(f"{name}: unreadable PDF ({message})") from None
    try:
        if limits is not None and len(pdf) > limits.max_pages:
            raise LimitExceeded(f"{name}: {len(pdf)} pages is over the page limit of {limits.max_pages} (--max-pages)")
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            raw = textpage.get_text_range().replace("\ufffe", "-")
            textpage.close()
            page.close()
            pages.append(normalize_whitespace(raw))
    finally:
        pdf.close()
    starts, parts, offset = [], [], 0
    for text in pages:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
    text, repairs = repair_mojibake("\n\n".join(parts))
    return PolicyText(text=text, media_type="application/pdf", page_starts=tuple(starts), repairs=tuple(repairs))
