"""Shared test helpers: paths, and building a PolicyDoc straight from text."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw_documents"
SHARED = ROOT.parent / "shared"


def policy_doc(text: str):
    """Normalize `text` like a loaded .txt file and run the pipeline over it."""
    from extractors.document import parse
    from extractors.loading import load_text

    return parse(load_text(text))


@pytest.fixture
def make_doc():
    return policy_doc
