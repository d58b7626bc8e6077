"""A hostile-input corpus, generated on demand (never committed as bulk files).

`build_corpus(folder)` writes every case into `folder` and returns what each one must end as:
a record ("record") or a one-line error ("error"); "either" where the outcome depends on the
machine (an image-only PDF is a record with Tesseract, an OCR error without it).
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "raw_documents" / "000_28171920f14a321b.txt"

POLICY = """Medical Policy
Subject: {title}
Policy Number: {number}
Effective Date: July 1, 2025

Policy

Prolotherapy is considered investigational for the treatment of musculoskeletal pain.

Applicable Codes

M0076\tProlotherapy
"""


@dataclass(frozen=True)
class Case:
    name: str  # file name inside the corpus folder
    expect: str  # "record", "error" or "either"
    why: str


def _pdf(pages: list[str] | None = None, *, blank_pages: int = 0, encrypt: tuple[str, str] | None = None) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    options = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        user, owner = encrypt
        options["encrypt"] = pdfencrypt.StandardEncryption(user, ownerPassword=owner, strength=128)
    pdf = canvas.Canvas(buffer, pagesize=letter, **options)
    for page in pages or []:
        y = 740
        for line in page.splitlines():
            pdf.drawString(72, y, line.replace("\t", "    "))
            y -= 14
        pdf.showPage()
    for _ in range(blank_pages):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _image_only_pdf(text: str) -> bytes:
    """A scan: the policy rendered to a picture, wrapped in a PDF with no text layer."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    page = pdfium.PdfDocument(_pdf([text]))[0]
    image = page.render(scale=3).to_pil()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.drawImage(ImageReader(image), 0, 0, *letter)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def build_corpus(folder: Path, *, big_mb: int = 50) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_bytes()
    policy = POLICY.format(title="Prolotherapy", number="CMM-204")
    real_pdf = _pdf(policy.split("\n\n"))
    files: dict[str, tuple[bytes, str, str]] = {
        "empty.txt": (b"", "error", "empty file"),
        "whitespace.txt": (b"  \n\t\n   \n", "error", "whitespace only"),
        "junk.pdf": (b"%PDF-1.7\n" + os.urandom(20_000), "error", "binary junk named .pdf"),
        "junk.txt": (os.urandom(20_000), "error", "binary junk named .txt"),
        "truncated.pdf": (real_pdf[: len(real_pdf) // 2], "either", "truncated PDF (pdfium may recover the first pages)"),
        "user-password.pdf": (_pdf([policy], encrypt=("secret", "owner")), "error", "needs a user password"),
        "owner-password-only.pdf": (_pdf([policy], encrypt=("", "owner")), "record", "owner password only"),
        "image-only.pdf": (_image_only_pdf(policy), "either", "scan: OCR with Tesseract, else an error naming it"),
        "blank-pages.pdf": (_pdf([policy], blank_pages=3000), "record", "thousands of blank pages"),
        "big.txt": ((seed + b"\n") * (big_mb * 1024 * 1024 // (len(seed) + 1) + 1), "error", "50 MB text: over the character limit"),
        "invalid-utf8.txt": (seed.replace(b"Prolotherapy", b"Prolo\xff\xfetherapy", 3), "record", "stray invalid UTF-8 bytes"),
        "utf16-bom.txt": (codecs.BOM_UTF16_LE + seed.decode("utf-8").encode("utf-16-le"), "record", "UTF-16 with BOM"),
        "scripts.html": (
            (
                "<!DOCTYPE html><html><head><style>body{x:y}</style><script>document.write('<p>evil</p>')</script></head><body>"
                + "".join(f"<p>{line}</p>" for line in policy.splitlines())
                + "<script>fetch('http://example.invalid')</script><noscript>x</noscript></body></html>"
            ).encode(),
            "record",
            "HTML full of scripts and styles",
        ),
        "name with spaces ünïcødé 'quotes\".txt": (policy.encode(), "record", "odd file name"),
        "duplicate-a.txt": (seed, "record", "same bytes as duplicate-b"),
        "duplicate-b.txt": (seed, "record", "same bytes as duplicate-a"),
        "path-number.txt": (POLICY.format(title="../../etc/passwd", number="../../etc/passwd").encode(), "record", "number and title are a path"),
        "slash-number.txt": (POLICY.format(title="A/B\\C", number="AB/12\\34").encode(), "record", "number with / and \\"),
        "nul-title.txt": (POLICY.format(title="Pro\x00lo", number="X\x00-1").encode(), "record", "NUL in number and title"),
    }
    cases = []
    for name, (data, expect, why) in files.items():
        (folder / name).write_bytes(data)
        cases.append(Case(name, expect, why))
    loop = folder / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "again").exists():
        os.symlink("..", loop / "again")  # a symlink loop in the source folder
    return cases
