"""Arbitrary text never crashes extraction, and every evidence offset stays inside the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.assemble import build_record
from extractors.loading import load_text
from extractors.errors import PolicyError
from tests.evidence import evidences

# Text made of the pieces policies are made of, so the rules actually fire.
PIECES = st.sampled_from([
    "Policy\n", "References\n", "Policy History\n", "Applicable Codes\n", "CPT\n", "M0076\tProlotherapy\n", "0232T ",
    "20550-20553 ", "Z00.00 ", "is considered investigational", " not medically necessary", " when:\n", "• Back pain\n",
    "1. Alderman D. Pain. 2007;7(4):58-63.\n", "Effective Date: July 1, 2025\n", "1/2025 Annual review.\n", "\t", "\n\n",
    "Policy Number: CMM-204\n", "Subject: Prolotherapy\n", "<b>", "</td>", "&amp;", "ï‚§", "\u00a0", ":", ".",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_arbitrary_text_never_crashes(raw):
    try:
        policy_text = load_text(raw)
    except PolicyError:
        return
    record = build_record(policy_text, uri="fuzz.txt", sha256="0" * 64, size=len(raw))
    text = policy_text.text
    for evidence in evidences(record.model_dump(mode="json")):
        assert 0 <= evidence["start"] <= evidence["end"] <= len(text)
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
