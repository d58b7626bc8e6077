"""HCPCS Level II from data/hcpcs.tsv (see scripts/build_hcpcs.py): current codes, and deleted codes with
the termination date CMS printed. Read once, on the first HCPCS code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "hcpcs.tsv"


@lru_cache(maxsize=1)
def table() -> tuple[str, dict[str, tuple[str, str | None]]]:
    """(release, code -> (status, termination date)) e.g. ("HCPCS 2025-10", {"A4466": ("deleted", "2016-12-31")})."""
    release, codes = "HCPCS", {}
    for line in DATA.read_text(encoding="ascii").splitlines():
        if line.startswith("# release: "):
            release = line.removeprefix("# release: ").strip()
        elif line and not line.startswith("#"):
            code, status, end = (line.split("\t") + ["", ""])[:3]
            codes[code] = (status, end or None)
    return release, codes


def check(code: str):
    from extractors.codesets import CodeCheck

    release, codes = table()
    status, end = codes.get(code, ("invalid", None))
    return CodeCheck(status == "valid", release, status, end if status == "deleted" else None)
