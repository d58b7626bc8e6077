"""A hostile-input corpus, generated on demand (never committed as bulk files), and the checks a
feed must pass whatever arrived and whenever its producer died.

`build_corpus(folder)` writes every case into `folder` and returns what each one must end as:
a record ("record") or a one-line error ("error"); "either" where the outcome depends on the
machine (an image-only PDF is a record with Tesseract, an OCR error without it); "skipped" for what
is no document at all (a FIFO: never opened, so never a hang).
`policy_set(folder, count)` writes `count` distinct policies made from the seeds (for kill and
concurrency tests); `read_feed(out)` reads a feed the way a consumer would and checks it.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "raw_documents" / "000_28171920f14a321b.txt"

POLICY = """Medical Policy
Subject: {title}
Policy Number: {number}
Effective Date: July 1, 2025

Policy

Prolotherapy is considered investigational for the treatment of musculoskeletal pain.

Applicable Codes

M0076\tProlotherapy
"""


@dataclass(frozen=True)
class Case:
    name: str  # file name inside the corpus folder
    expect: str  # "record", "error", "either" or "skipped"
    why: str


def _pdf(pages: list[str] | None = None, *, blank_pages: int = 0, encrypt: tuple[str, str] | None = None) -> bytes:
    """Pages of text as a plain PDF (tabs as spaces), from the shared PDF fixtures."""
    from tests.pdf_fixtures import simple_pdf

    return simple_pdf([page.replace("\t", "    ").splitlines() for page in pages or []], encrypt=encrypt, blank_pages=blank_pages)


def _image_only_pdf(text: str) -> bytes:
    """A scan: the policy rendered to a picture, wrapped in a PDF with no text layer."""
    from tests.pdf_fixtures import image_only_pdf

    return image_only_pdf(_pdf([text]), scale=3)


def build_corpus(folder: Path, *, big_mb: int = 50) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_bytes()
    policy = POLICY.format(title="Prolotherapy", number="CMM-204")
    real_pdf = _pdf(policy.split("\n\n"))
    files: dict[str, tuple[bytes, str, str]] = {
        "empty.txt": (b"", "error", "empty file"),
        "whitespace.txt": (b"  \n\t\n   \n", "error", "whitespace only"),
        "junk.pdf": (b"%PDF-1.7\n" + os.urandom(20_000), "error", "binary junk named .pdf"),
        "junk.txt": (os.urandom(20_000), "error", "binary junk named .txt"),
        "truncated.pdf": (real_pdf[: len(real_pdf) // 2], "either", "truncated PDF (pdfium may recover the first pages)"),
        "user-password.pdf": (_pdf([policy], encrypt=("secret", "owner")), "error", "needs a user password"),
        "owner-password-only.pdf": (_pdf([policy], encrypt=("", "owner")), "record", "owner password only"),
        "image-only.pdf": (_image_only_pdf(policy), "either", "scan: OCR with Tesseract, else an error naming it"),
        "blank-pages.pdf": (_pdf([policy], blank_pages=3000), "record", "thousands of blank pages"),
        "big.txt": ((seed + b"\n") * (big_mb * 1024 * 1024 // (len(seed) + 1) + 1), "error", "50 MB text: over the character limit"),
        "invalid-utf8.txt": (seed.replace(b"Prolotherapy", b"Prolo\xff\xfetherapy", 3), "record", "stray invalid UTF-8 bytes"),
        "utf16-bom.txt": (codecs.BOM_UTF16_LE + seed.decode("utf-8").encode("utf-16-le"), "record", "UTF-16 with BOM"),
        "scripts.html": (
            (
                "<!DOCTYPE html><html><head><style>body{x:y}</style><script>document.write('<p>evil</p>')</script></head><body>"
                + "".join(f"<p>{line}</p>" for line in policy.splitlines())
                + "<script>fetch('http://example.invalid')</script><noscript>x</noscript></body></html>"
            ).encode(),
            "record",
            "HTML full of scripts and styles",
        ),
        "name with spaces ünïcødé 'quotes\".txt": (policy.encode(), "record", "odd file name"),
        "duplicate-a.txt": (seed, "record", "same bytes as duplicate-b"),
        "duplicate-b.txt": (seed, "record", "same bytes as duplicate-a"),
        "path-number.txt": (POLICY.format(title="../../etc/passwd", number="../../etc/passwd").encode(), "record", "number and title are a path"),
        "slash-number.txt": (POLICY.format(title="A/B\\C", number="AB/12\\34").encode(), "record", "number with / and \\"),
        "nul-title.txt": (POLICY.format(title="Pro\x00lo", number="X\x00-1").encode(), "record", "NUL in number and title"),
    }
    cases = []
    for name, (data, expect, why) in files.items():
        (folder / name).write_bytes(data)
        cases.append(Case(name, expect, why))
    loop = folder / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "again").exists():
        os.symlink("..", loop / "again")  # a symlink loop in the source folder
    if not os.path.lexists(folder / "self-loop.txt"):
        os.symlink("self-loop.txt", folder / "self-loop.txt")  # a file symlink to itself: reading it fails (ELOOP)
    cases.append(Case("self-loop.txt", "error", "symlink to itself"))
    # a file name that is not UTF-8 (Latin-1 'café', from another system); its uri escapes the byte
    latin1 = os.fsdecode(b"caf\xe9-latin1-name.txt")
    (folder / latin1).write_bytes(POLICY.format(title="Latin-1 name", number="LAT-1").encode())
    cases.append(Case(latin1, "record", "file name that is not UTF-8"))
    if not (folder / "pipe.txt").exists():
        os.mkfifo(folder / "pipe.txt")  # opening a FIFO would block: it must never be read
    cases.append(Case("pipe.txt", "skipped", "a FIFO is no document"))
    return cases


# ---------------------------------------------------------------- many distinct policies


def policy_set(folder: Path, count: int) -> list[Path]:
    """`count` distinct policies (distinct policy keys, so each is one 'new' event) made from the five
    seeds by renumbering and retitling them; files named 'gen-NNN-<seed>.txt' in sorted order."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "raw_documents").glob("*.txt"))
    paths = []
    for i in range(count):
        seed = seeds[i % len(seeds)]
        data = seed.read_bytes().replace(b"CMM-204", f"CMM-{2000 + i}".encode()).replace(b"02.01.18", f"02.01.{100 + i}".encode())
        data = data.replace(b"Prolotherapy", f"Prolotherapy V{i}".encode())
        path = folder / f"gen-{i:03d}-{seed.stem[:3]}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- reading a feed as a consumer does

TEMP_FILE = re.compile(r"^\.(.+)\.[^.]+\.tmp$")  # e.g. ".index.json.k2j4x9.tmp" (store.atomic_writer)
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")  # e.g. "cmm-204"


@dataclass
class FeedView:
    events: list[dict] = field(default_factory=list)
    index: dict | None = None
    quarantine: dict | None = None
    records: dict[str, dict] = field(default_factory=dict)  # relative path -> record
    texts: dict[str, str] = field(default_factory=dict)  # record_id -> its normalized text (texts/)
    temp_files: list[str] = field(default_factory=list)
    torn_tail: bytes = b""


def read_feed(out: Path, *, settled: bool = True) -> FeedView:
    """Read and check a feed. Always (even right after a SIGKILL): every file is a known part of the
    layout or a temp file, every JSON file parses and validates, the change log's complete lines are
    seq 1..n, every event's and index entry's record exists, the index is not ahead of the log.
    `settled` (after a run that finished): no temp file, no torn line, the index at the log's end and
    pointing at each policy's last event."""
    from extractors.models import PolicyRecord
    from flows.events import ChangeEvent, PolicyIndex, QuarantineFile

    view = FeedView()
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if rel.parts[0] == ".pipeline" or path.is_dir():
            continue
        assert path.resolve().is_relative_to(out.resolve()), rel
        if TEMP_FILE.match(path.name):
            view.temp_files.append(rel.as_posix())
        elif rel.parts[0] == "records":
            assert len(rel.parts) == 4 and all(SLUG.match(p) for p in rel.parts[1:3]) and rel.suffix == ".json", rel
            record = PolicyRecord.model_validate_json(path.read_bytes())
            assert rel.stem == record.record_id == f"rec_{record.source.sha256[:32]}", rel
            view.records[rel.as_posix()] = json.loads(path.read_bytes())
        elif rel.parts[0] == "texts":
            assert len(rel.parts) == 3 and rel.name.endswith(".txt.gz") and rel.parts[1] == rel.name[4:6], rel
            view.texts[rel.name[: -len(".txt.gz")]] = gzip.decompress(path.read_bytes()).decode("utf-8")
        elif rel.as_posix() == "index.json":
            view.index = PolicyIndex.model_validate_json(path.read_bytes()).model_dump(mode="json")
        elif rel.as_posix() == "quarantine.json":
            view.quarantine = QuarantineFile.model_validate_json(path.read_bytes()).model_dump(mode="json")
        elif rel.as_posix() == "changes.jsonl":
            data = path.read_bytes()
            whole = data[: data.rfind(b"\n") + 1]
            view.torn_tail = data[len(whole):]
            view.events = [ChangeEvent.model_validate_json(line).model_dump(mode="json") for line in whole.splitlines()]
        else:
            raise AssertionError(f"unexpected file in the feed: {rel}")
    assert [e["seq"] for e in view.events] == list(range(1, len(view.events) + 1)), "change log seq has gaps or repeats"
    for event in view.events:
        assert event["record_path"] in view.records, event
    for record in view.records.values():  # a text is written before its record: every record has its text
        text = view.texts.get(record["record_id"])
        assert text is not None, record["record_id"]
        assert all(text[e["start"]:e["end"]] == e["text"] for e in _evidence(record)), record["record_id"]
    if view.index is not None:
        assert view.index["last_seq"] <= len(view.events)
        for entry in view.index["policies"]:
            assert entry["record_path"] in view.records, entry
            assert view.events[entry["last_seq"] - 1]["policy_key"] == entry["policy_key"], entry
    if settled:
        assert not view.temp_files and not view.torn_tail, (view.temp_files, view.torn_tail[:80])
        assert sorted(view.texts) == sorted(r["record_id"] for r in view.records.values())
        assert view.index is not None and view.quarantine is not None
        assert view.index["last_seq"] == len(view.events)
        last = {}
        for event in view.events:
            last[event["policy_key"]] = event["seq"]
        assert {e["policy_key"]: e["last_seq"] for e in view.index["policies"]} == last
    return view


def _evidence(value) -> list[dict]:
    """Every evidence object inside a record (any dict with start, end, page and text)."""
    if isinstance(value, dict):
        if {"start", "end", "page", "text"} <= value.keys():
            return [value]
        return [e for item in value.values() for e in _evidence(item)]
    if isinstance(value, list):
        return [e for item in value for e in _evidence(item)]
    return []
