"""ICD-10-CM code set check, backed by simple-icd-10-cm.

The library parses its XML on import (about 2 s), so the set of valid codes is cached on disk once per
library version (`$POLICY_PIPELINE_CACHE` or `~/.cache/policy-pipeline`) and read from there after.
It is loaded only when a document actually has an ICD-10-CM candidate.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

CODE = re.compile(r"^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$")  # e.g. Z00.00, M54


def _cache_dir() -> Path:
    root = os.environ.get("POLICY_PIPELINE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "policy-pipeline")
    return Path(root)


@lru_cache(maxsize=1)
def valid_codes() -> frozenset[str]:
    version = metadata.version("simple-icd-10-cm")
    path = _cache_dir() / f"icd10cm-{version}.txt"
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except OSError:
        pass
    import simple_icd_10_cm as icd  # slow import: only when the cache is cold

    codes = frozenset(code for code in icd.get_all_codes(True) if CODE.match(code))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="ascii") as handle:
            handle.write("\n".join(sorted(codes)))
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home still works, only slower
    return codes


def is_valid(code: str) -> bool:
    """True for a category or subcategory of the code set, dotted ("M54.50") or not ("M5450")."""
    code = code.upper()
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code in valid_codes()
