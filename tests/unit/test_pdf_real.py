"""The five real policies (UnitedHealthcare native PDFs, Anthem browser prints): clean text, right
page map, and every evidence on the page its value is printed on."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.loading import load_bytes
from extractors.pipeline import extract_bytes

DOCS = Path(__file__).resolve().parents[2] / "raw_documents"  # the five real payer PDFs
PDFS = sorted(DOCS.glob("*.pdf"))
# e.g. "Page 3 of 10", "https://www.anthem.com/...html\t3/15", "8/12/26, 8:09 PM", a copyright line
RUNNING = re.compile(r"Page \d+ of \d+|\t\d+/\d+$|^\d+/\d+/\d+, \d+:\d+ [AP]M|^Proprietary Information|Effective \d\d/\d\d/\d{4}$", re.M)


@lru_cache(maxsize=None)
def loaded(path: Path):
    return load_bytes(path.read_bytes(), name=path.name)


@lru_cache(maxsize=None)
def printed_pages(path: Path) -> list[str]:
    """Each page's text as pdfium prints it, whitespace collapsed: what is printed where."""
    document = pdfium.PdfDocument(path.read_bytes())
    pages = []
    for index in range(len(document)):
        raw = document[index].get_textpage().get_text_range().replace("\ufffe", "-")
        pages.append(" ".join(raw.split()))
    return pages


def squash(text: str) -> str:
    return " ".join(text.split())


def ids(paths):
    return [p.stem[:12] for p in paths]


@pytest.mark.parametrize("path", PDFS, ids=ids(PDFS))
def test_running_headers_and_footers_appear_once(path):
    text = loaded(path).text
    found = Counter(re.sub(r"\d+", "#", m.group(0)) for m in RUNNING.finditer(text))
    assert found and all(n == 1 for n in found.values()), found
    assert all(m.start() < loaded(path).page_starts[1] for m in RUNNING.finditer(text))  # the copy kept is page 1's


def tokens(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


@pytest.mark.parametrize("path", PDFS, ids=ids(PDFS))
def test_page_map_puts_each_line_on_the_page_it_is_printed_on(path):
    policy_text = loaded(path)
    pages = [tokens(page) for page in printed_pages(path)]
    assert len(policy_text.page_starts) == len(pages)
    assert list(policy_text.page_starts) == sorted(policy_text.page_starts)
    bounds = list(policy_text.page_starts) + [len(policy_text.text)]
    for number in range(1, len(pages) + 1):
        lines = policy_text.text[bounds[number - 1] : bounds[number]].rstrip("\n").split("\n")
        cells = [tokens(cell) for line in lines[:-1] for cell in line.split("\t")]  # the last line may end
        cells += [tokens(lines[-1].rsplit(" ", 1)[0])]  # with a word hyphenated over the page break
        assert all(cell in pages[number - 1] for cell in cells if cell), number


@pytest.mark.parametrize("path", PDFS, ids=ids(PDFS))
def test_bullets_and_paragraphs(path):
    text = loaded(path).text
    if not path.name.startswith(("04", "05")):  # those two print no bulleted list
        assert text.count("\n• ") >= 3  # drawn (UHC images, Anthem shapes) and glyph bullets
    assert text.count("\n\n") >= 20  # paragraphs are separated
    assert "\ufffe" not in text and "\r" not in text and not re.search(r"[\ue000-\uf8ff]", text)


def _evidences(node, where=""):
    if isinstance(node, dict):
        if set(node) >= {"start", "end", "page", "text"}:
            yield where, node
        for key, value in node.items():
            yield from _evidences(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _evidences(value, f"{where}[{i}]")


@pytest.mark.parametrize("path", PDFS, ids=ids(PDFS))
def test_every_evidence_is_on_the_page_its_value_is_printed_on(path):
    record = extract_bytes(path.read_bytes(), uri=path.name).model_dump(mode="json")
    policy_text = loaded(path)
    pages = printed_pages(path)
    evidences = list(_evidences(record))
    assert len(evidences) > 20
    for where, evidence in evidences:
        assert policy_text.text[evidence["start"] : evidence["end"]] == evidence["text"], where
        assert evidence["page"] == policy_text.page_of(evidence["start"]), where
        first_line = squash(evidence["text"].split("\n")[0])[:60].rsplit(" ", 1)[0] if " " in evidence["text"] else squash(evidence["text"])
        assert first_line in pages[evidence["page"] - 1] or first_line.replace("• ", "") in pages[evidence["page"] - 1], (
            where,
            evidence["page"],
            first_line,
        )


def test_codes_report_their_printed_page():
    path = DOCS / "01_uhc-surgery-knee.pdf"
    record = extract_bytes(path.read_bytes(), uri=path.name)
    pages = {c.code: c.evidence.page for c in record.codes}
    assert pages["0737T"] == 3 and pages["29870"] == 4 and pages["G0428"] == 4


def test_sidebar_does_not_split_the_first_page_list():
    text = loaded(DOCS / "01_uhc-surgery-knee.pdf").text
    assert "• Reduced osteochondral discs (e.g., ProChondrix, Cartiform)\n• Synthetic Resorbable Polymers" in text
    assert "Instructions for Use .............................................................9\n\nCommunity Plan Policy" in text


def test_reference_entries_are_paragraphs():
    text = loaded(DOCS / "02_uhc-sleep-studies.pdf").text
    assert (
        "terminology and technical specifications. V3. February 2023.\n\n"
        "American Academy of Sleep Medicine (AASM). AASM Style Guide" in text
    )


def test_code_table_continues_over_the_page_break_without_its_repeated_header():
    text = loaded(DOCS / "01_uhc-surgery-knee.pdf").text
    assert text.count("CPT Code\tDescription") == 1
    assert "medial or lateral\n29870\tArthroscopy, knee, diagnostic" in text


def test_anthem_group_heading_and_rows():
    text = loaded(DOCS / "03_anthem-surg-00071-percutaneous-spinal-surgery.pdf").text
    assert "When services are Investigational and Not Medically Necessary:\n" in text
    assert "\nCPT\n22899\tUnlisted procedure, spine" in text
    assert "0R533ZZ-0R5B3ZZ\tDestruction of vertebral disc" in text


def test_cli_text_is_the_text_evidence_indexes_into():
    import os
    import subprocess
    import sys

    path = DOCS / "02_uhc-sleep-studies.pdf"
    program = os.path.join(os.path.dirname(sys.executable), "policy-pipeline")
    printed = subprocess.run([program, "text", str(path)], capture_output=True, text=True, timeout=120, check=True).stdout
    assert printed == loaded(path).text + "\n"
