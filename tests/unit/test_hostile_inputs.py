"""Every hostile input ends as a record or as one clear line of error, never as a traceback."""

from __future__ import annotations

import shutil

import pytest

from extractors.errors import PolicyError
from extractors.pipeline import extract_file
from tests.hostile import build_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, {case.name: case for case in build_corpus(folder)}


CASES = [
    "empty.txt", "whitespace.txt", "junk.pdf", "junk.txt", "truncated.pdf", "user-password.pdf", "owner-password-only.pdf",
    "image-only.pdf", "blank-pages.pdf", "big.txt", "invalid-utf8.txt", "utf16-bom.txt", "scripts.html",
    "name with spaces ünïcødé 'quotes\".txt", "path-number.txt", "slash-number.txt", "nul-title.txt",
]


@pytest.mark.parametrize("name", CASES, ids=[c.split(".")[0].replace(" ", "-")[:20] for c in CASES])
def test_hostile_input(corpus, name):
    folder, cases = corpus
    case = cases[name]
    try:
        record = extract_file(folder / name)
    except PolicyError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) < 300
        assert case.expect in {"error", "either"}, f"{name} ({case.why}) failed: {message}"
        if name == "user-password.pdf":
            assert "encrypted PDF: password required" in message
        if name == "image-only.pdf":
            assert shutil.which("tesseract") is None and "tesseract" in message
        return
    assert case.expect in {"record", "either"}, f"{name} ({case.why}) gave a record"
    if name in {"owner-password-only.pdf", "blank-pages.pdf", "image-only.pdf", "scripts.html"}:
        assert [c.code for c in record.codes] == ["M0076"]
        assert record.coverage.status == "experimental_investigational_unproven"
    if name == "scripts.html":
        assert "evil" not in record.model_dump_json() and "fetch(" not in record.model_dump_json()
    if name == "path-number.txt":
        assert record.policy.number is None or ".." not in record.policy.number or record.policy.number == "../../etc/passwd"
