"""Shared test helpers: paths, building a PolicyDoc straight from text, and an empty folder for the
background Prefect server so that no test meets the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The background Prefect server's folder (flows/server.py): an empty one of the session's own, so no
# test sees or touches a server the user runs; tests of that server give their own folders.
os.environ["POLICY_PIPELINE_SERVER_HOME"] = tempfile.mkdtemp(prefix="policy-pipeline-server-")

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
