"""Rebuild extractors/codesets/data/hcpcs.tsv, the HCPCS Level II code set, from CMS's alpha-numeric HCPCS file.

The source is the public-domain "Alpha-Numeric HCPCS File" CMS publishes every quarter at
https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update
(e.g. `january-2026-alpha-numeric-hcpcs-file.zip`). Download the zip by hand, then:

    python scripts/build_hcpcs.py ~/Downloads/january-2026-alpha-numeric-hcpcs-file.zip
    python scripts/build_hcpcs.py OLD.zip NEW.zip          # older releases first: they add deletions

Each FILE is the zip, the `HCPC<YYYY>_<MON>_ANWEB*.txt` member inside it, or a CSV export of that member whose
first column holds the record's first 11 characters (code, sequence number, record id). The .txt is fixed
width, 320 characters per record (CMS's `HCPC<YYYY>_recordlayout.txt`), 1-based columns:

    1-5 HCPCS code (modifiers: 4-5)   6-10 sequence number   11 record id (3 = a procedure's first line,
    4 = its continuation, 7/8 = modifier lines)   12-91 long description   92-119 short description
    269-276 date added   277-284 action effective date   285-292 termination date   293 action code

Only procedure codes (record id 3) are kept. A code is `deleted` when the newest file prints a termination
date before the release starts, or an older file printed one (and it was not added again since), or it is
missing from the newest file; otherwise `valid`. The release is named from the newest file
(`HCPC2026_JAN_ANWEB` -> 2026-01; an annual `HCPC2020_ANWEB` -> 2020-01) unless --release says.

Output (tab separated, small enough to ship): `# ` header lines (release, sources), then
`code<TAB>valid|deleted<TAB>termination date or empty`, sorted by code.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "extractors" / "codesets" / "data" / "hcpcs.tsv"
MONTHS = {"JAN": "01", "APR": "04", "JUL": "07", "OCT": "10"}
RELEASE = re.compile(r"HCPC(?P<year>\d{4})(?:_(?P<month>JAN|APR|JUL|OCT))?", re.I)  # e.g. HCPC2026_JAN_ANWEB_01122026.txt
ANWEB = re.compile(r"HCPC\d{4}.*ANWEB.*\.(?:txt|csv)$", re.I)  # e.g. HCPC2020_ANWEB_w_disclaimer.txt
CODE = re.compile(r"^[A-V]\d{4}$")  # e.g. G0428


@dataclass
class Row:
    code: str
    terminated: str | None  # "YYYY-MM-DD"
    added: str | None


def read_rows(path: Path) -> tuple[str, list[Row]]:
    """(member name, procedure rows) of one CMS file: zip, fixed-width .txt or CSV export."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if ANWEB.search(name) and name.lower().endswith(".txt")]
            if not members:
                raise SystemExit(f"{path}: no HCPC<YYYY>..ANWEB..txt member in the zip")
            return members[0], _fixed_width(archive.read(members[0]).decode("cp1252"))
    text = path.read_bytes().decode("cp1252" if path.suffix.lower() == ".txt" else "utf-8")
    if path.suffix.lower() == ".csv":
        return path.name, _csv_export(text)
    return path.name, _fixed_width(text)


def _date(value: str) -> str | None:
    value = value.strip()
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if re.fullmatch(r"\d{8}", value) else None


def _fixed_width(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        if len(line) < 293 or line[10] != "3" or not CODE.match(line[:5]):
            continue  # the disclaimer above the records, continuation lines, modifiers
        rows.append(Row(line[:5], _date(line[284:292]), _date(line[268:276])))
    return rows


def _csv_export(text: str) -> list[Row]:
    rows = []
    for record in csv.reader(io.StringIO(text)):
        head = record[0].strip() if record else ""
        if len(head) == 11 and head[10] == "3" and CODE.match(head[:5]):
            rows.append(Row(head[:5], None, None))  # an export without the date columns: presence only
    return rows


def release_of(name: str) -> str:
    match = RELEASE.search(name)
    if not match:
        raise SystemExit(f"{name}: cannot tell the release from the name; give --release YYYY-MM")
    return f"{match['year']}-{MONTHS.get((match['month'] or 'JAN').upper())}"


def build(paths: list[Path], release: str | None = None) -> tuple[str, list[str], dict[str, tuple[str, str]]]:
    """(release, source lines, code -> (status, termination date)) from files given oldest first."""
    terminated: dict[str, str] = {}
    sources, newest, name = [], [], ""
    for path in paths:
        name, rows = read_rows(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append(f"{path.name} ({name}, {len(rows)} procedure codes, sha256 {digest})")
        for row in rows:
            if row.terminated:
                terminated[row.code] = row.terminated
            elif row.added and row.code in terminated and row.added > terminated[row.code]:
                del terminated[row.code]  # added again after its termination
        newest = rows
    release = release or release_of(name)
    starts = f"{release}-01"
    codes: dict[str, tuple[str, str]] = {}
    current = {row.code for row in newest}
    for path in paths[:-1]:
        for row in read_rows(path)[1]:
            if row.code not in current:
                codes[row.code] = ("deleted", terminated.get(row.code, ""))
    for code in sorted(current):
        end = terminated.get(code, "")
        codes[code] = ("deleted" if end and end < starts else "valid", end)
    return release, sources, dict(sorted(codes.items()))


def write(out: Path, release: str, sources: list[str], codes: dict[str, tuple[str, str]]) -> None:
    lines = [f"# release: HCPCS {release}", "# built by scripts/build_hcpcs.py from CMS's alpha-numeric HCPCS file(s):"]
    lines += [f"#   {source}" for source in sources]
    lines += ["# code<TAB>status<TAB>termination date"]
    lines += [f"{code}\t{status}\t{end}" for code, (status, end) in codes.items()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="CMS alpha-numeric HCPCS files, oldest first")
    parser.add_argument("--release", help="YYYY-MM of the newest file (default: from its name)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    release, sources, codes = build(args.files, args.release)
    write(args.out, release, sources, codes)
    deleted = sum(1 for status, _ in codes.values() if status == "deleted")
    print(f"{args.out}: HCPCS {release}, {len(codes) - deleted} valid and {deleted} deleted codes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
