"""Code sets: is a procedure or diagnosis code real, and in which release? A pure lookup, no I/O beyond
reading the shipped tables once.

- ICD-10-CM: simple-icd-10-cm (extractors/icd10.py).
- ICD-10-PCS: the FY2024 table of the `drg` package (every section), plus the FY2025 additions and
  deletions of the medical-surgical section (data/icd10pcs_changes.tsv, scripts/build_pcs_changes.py).
- HCPCS Level II: data/hcpcs.tsv, built by scripts/build_hcpcs.py from CMS's alpha-numeric HCPCS file
  (current and deleted codes with their termination dates; the release is its first line).
- CPT is licensed by the AMA: only its grammar is checked (`valid` is None, status "grammar_only").

`validate(code, system)` answers one code, `validate_range("81105-81112", system)` both ends of a range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractors.codesets import hcpcs, pcs

CheckStatus = Literal["valid", "invalid", "deleted", "grammar_only", "no_code_set"]
CPT = re.compile(r"^\d{4}[0-9FTUM]$")  # e.g. 20550, 0232T (Category III), 3044F (II), 0001U (PLA), 0002M (MAA)


@dataclass(frozen=True)
class CodeCheck:
    """`valid`: True (in the code set), False (not in it, or deleted), None (no set to check: CPT)."""

    valid: bool | None
    release: str | None
    status: CheckStatus
    terminated: str | None = None  # "YYYY-MM-DD" for a deleted HCPCS code, when CMS printed it


def validate(code: str, system: str) -> CodeCheck:
    code = code.strip().upper()
    if system == "CPT":
        return CodeCheck(None, None, "grammar_only") if CPT.match(code) else CodeCheck(False, None, "invalid")
    if system == "HCPCS":
        return hcpcs.check(code)
    if system == "ICD-10-PCS":
        return pcs.check(code)
    if system == "ICD-10-CM":
        from extractors import icd10

        release = icd10_cm_release()
        return CodeCheck(True, release, "valid") if icd10.is_valid(code) else CodeCheck(False, release, "invalid")
    return CodeCheck(None, None, "no_code_set")


def validate_range(code_range: str, system: str) -> CodeCheck:
    """Both ends of "first-last" (a single code is checked alone); the first end that fails decides."""
    ends = [part for part in code_range.split("-") if part] or [code_range]
    checks = [validate(end, system) for end in ends[:2]]
    return next((check for check in checks if check.valid is False), checks[0])


def icd10_cm_release() -> str:
    from importlib import metadata

    version = metadata.version("simple-icd-10-cm")
    return {"1.5.0": "ICD-10-CM 2026-04"}.get(version, f"ICD-10-CM (simple-icd-10-cm {version})")


__all__ = ["CodeCheck", "validate", "validate_range", "icd10_cm_release"]
