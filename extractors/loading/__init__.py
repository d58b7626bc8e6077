"""Loaders: raw bytes -> `PolicyText` (normalized text + page map), one module per media type.

`load_bytes` sniffs the media type from the bytes (never trusting the file name alone), applies the
size limits, and dispatches to the text, HTML or PDF loader; JSON that is a CMS Coverage API record goes
to the structured loader (structured.py), other JSON stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractors.errors import InputError, LimitExceeded, UnsupportedInput
from extractors.loading.document import PolicyText, TextRepair
from extractors.loading.html import decode_entities, has_markup, html_to_text, looks_like_html_document, unescape_if_escaped
from extractors.loading.reflow import reflow
from extractors.loading.structured import load_structured
from extractors.loading.text import decode, normalize_whitespace, reject_binary, repair_mojibake, strip_markdown
from extractors.loading.webpage import is_whole_page, page_to_text

__all__ = ["Limits", "PolicyText", "TextRepair", "load_bytes", "read_path", "sniff"]

MB = 1024 * 1024

# Signatures of formats we do not read, named in the error so the user knows what arrived.
SIGNATURES = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"PK\x03\x04": "ZIP archive (e.g. .docx, .xlsx)",
    b"\xd0\xcf\x11\xe0": "OLE document (e.g. .doc, .xls)",
    b"\x1f\x8b": "gzip archive",
    b"7z\xbc\xaf": "7-Zip archive",
    b"Rar!": "RAR archive",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"{\\rtf": "RTF document",
}


@dataclass(frozen=True)
class Limits:
    """Per-document limits; each crossing fails with a message naming the limit and its option."""

    max_bytes: int = 64 * MB
    max_pages: int = 5000
    max_chars: int = 5_000_000
    timeout_seconds: float = 300.0


DEFAULT_LIMITS = Limits()


def read_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a document's bytes with the checks every entry point needs (exists, file, size, not empty)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a document")
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if size > limits.max_bytes:
        raise LimitExceeded(f"{path}: {size / MB:.1f} MB is over the size limit of {limits.max_bytes / MB:.0f} MB (--max-mb)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if not data.strip():
        raise InputError(f"{path}: empty file")
    return data


def sniff(data: bytes) -> str:
    """Media type from the bytes: application/pdf, text/html or text/plain; raise for known binaries."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "application/pdf"
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            raise UnsupportedInput(f"unsupported file type: {kind}")
    return "text/plain"


def load_bytes(data: bytes, *, name: str = "document", limits: Limits = DEFAULT_LIMITS) -> PolicyText:
    """Bytes -> PolicyText. Raises a `PolicyError` subclass with a one-line message for bad input."""
    if len(data) > limits.max_bytes:
        raise LimitExceeded(f"{name}: {len(data) / MB:.1f} MB is over the size limit of {limits.max_bytes / MB:.0f} MB (--max-mb)")
    if not data.strip():
        raise InputError(f"{name}: empty file")
    media_type = sniff(data)
    if media_type == "application/pdf":
        from extractors.loading.pdf import load_pdf  # pdf libraries load only for PDFs

        policy_text = load_pdf(data, name=name, limits=limits)
    else:
        raw = decode(data)
        if len(raw) > 2 * limits.max_chars:  # fail before normalizing tens of MB that cannot pass anyway
            raise LimitExceeded(f"{name}: {len(raw):,} characters is over the limit of {limits.max_chars:,} (--max-chars)")
        policy_text = load_structured(raw, name=name) or load_text(raw, name=name, markdown=not name.lower().endswith((".htm", ".html")))
    if len(policy_text.text) > limits.max_chars:
        raise LimitExceeded(
            f"{name}: {len(policy_text.text):,} characters is over the limit of {limits.max_chars:,} (--max-chars)"
        )
    if not policy_text.text.strip():
        raise InputError(f"{name}: no text in document")
    return policy_text


def load_text(raw: str, *, name: str = "document", markdown: bool = True) -> PolicyText:
    """Decoded text (plain, Markdown, HTML page, fragment or HTML-escaped) -> PolicyText."""
    reject_binary(raw, name)
    raw = unescape_if_escaped(raw)
    header_lines = 0
    if is_whole_page(raw):
        page = page_to_text(raw, name=name)  # main content, page facts before it, page properties after it
        media_type, text, header_lines = "text/html", page.text, page.header_lines
    elif looks_like_html_document(raw):
        media_type, text = "text/html", html_to_text(raw, keep_whitespace=False, name=name)
    elif has_markup(raw):
        media_type, text = "text/plain", html_to_text(strip_markdown(raw) if markdown else raw, keep_whitespace=True, name=name)
    else:
        media_type, text = "text/plain", decode_entities(strip_markdown(raw) if markdown else raw)
    text = normalize_whitespace(text)
    text, repairs = repair_mojibake(text)
    if media_type == "text/plain":
        text = reflow(text)  # a page a crawler flattened into one line gets its line breaks back (same offsets)
    return PolicyText(text=text, media_type=media_type, repairs=tuple(repairs), furniture=_first_lines(text, header_lines))


def _first_lines(text: str, count: int) -> tuple[tuple[int, int], ...]:
    """(start, end) of the first `count` lines: a page's header of facts, furniture beside the policy
    (a date the body prints under the same label wins over one there)."""
    spans, start = [], 0
    for _ in range(count):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        start = end + 1
    return tuple(spans)
