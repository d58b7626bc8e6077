"""One golden record per raw document; every evidence slice matches the text it claims.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/golden` and review the diff;
CI refuses to run with UPDATE_GOLDEN set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractors.pipeline import extract_file, text_of
from tests.evidence import evidences

ROOT = Path(__file__).resolve().parents[2]
RAW = sorted(p for p in (ROOT / "raw_documents").iterdir() if p.is_file() and not p.name.startswith((".", "README")))
GOLDEN = Path(__file__).parent / "records"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def record_of(path: Path) -> dict:
    return json.loads(extract_file(path, uri=f"raw_documents/{path.name}").model_dump_json())


@pytest.mark.parametrize("path", RAW, ids=[p.name for p in RAW])
def test_golden_record(path):
    golden = GOLDEN / f"{path.stem}.json"
    record = record_of(path)
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip("golden file regenerated")
    assert golden.exists(), f"no golden file for {path.name}: run UPDATE_GOLDEN=1 pytest tests/golden"
    assert record == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", RAW, ids=[p.name for p in RAW])
def test_every_evidence_slice_matches_the_text(path):
    text = text_of(path)
    record = record_of(path)
    found = list(evidences(record))
    assert found, "a record with no evidence at all"
    for evidence in found:
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert 1 <= evidence["page"] <= record["source"]["pages"]
