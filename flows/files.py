"""Files of the feed: safe path components (slugs), atomic writes, and the append-only change log.

Everything here is a plain function over paths: a record is written whole (temp file in the same
folder, fsync, rename, fsync of the folder); the change log grows by whole fsynced lines, and a torn
last line (a crash mid-append) is cut off by `repair_log_tail`. `Feed` (store.py) builds on these.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractors.models import PolicyRecord

RECORDS_DIR = "records"
TEXTS_DIR = "texts"  # the normalized text of each record, gzip: texts/<2 hex>/<record_id>.txt.gz
STATE_DIR = ".pipeline"  # the producer's private state: never swept, never read by consumers
SLUG_MAX = 80

_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")  # e.g. "CMM 204/../x" -> "cmm-204-..-x"
_RUNS = re.compile(r"([-_.])[-_.]*-[-_.]*|--+")  # e.g. "a-.-b" or "a--b" -> one separator
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")  # e.g. "cmm-204", "rec_6ae4"


class FeedError(Exception):
    """The output folder cannot be used (locked, or its state is inconsistent); one line."""


class FeedBusy(FeedError):
    """Another run holds the output folder's lock."""


# ---------------------------------------------------------------- slugs and paths


def slug(text: str | None, *, default: str = "none") -> str:
    """A path component that is always safe: lowercase ASCII letters, digits, '.', '-', '_', never
    starting or ending with a separator (so never '.' or '..'), at most SLUG_MAX characters."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    value = _NOT_SLUG.sub("-", ascii_text.casefold())
    value = _RUNS.sub(lambda m: "-" if "-" in m.group(0) else m.group(1), value).strip("._-")
    if not value:
        return default
    if len(value) > SLUG_MAX:
        digest = hashlib.sha256(value.encode()).hexdigest()[:12]
        value = value[: SLUG_MAX - 13].rstrip("._-") + "-" + digest
    return value


def safe_path(root: Path, *parts: str) -> Path:
    """root/part/... for slug parts (and a final '<slug>.json'), refusing anything that would leave root."""
    for part in parts:
        stem = part[:-5] if part.endswith(".json") else part
        if not _SLUG.match(stem):
            raise FeedError(f"unsafe path component {part!r}")
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise FeedError(f"{'/'.join(parts)} resolves outside {root}")
    return path


def policy_key(record: PolicyRecord) -> str:
    """Which revisions belong together: the normalized number when printed, else payer + title."""
    if record.policy.number and slug(record.policy.number, default=""):
        return slug(record.policy.number)
    payer = slug(record.payer.name, default="unknown-payer")
    if record.policy.title and slug(record.policy.title, default=""):
        return f"{payer}/{slug(record.policy.title)}"
    return f"{payer}/doc-{hashlib.sha256(record.source.uri.encode()).hexdigest()[:12]}"


def record_relpath(record: PolicyRecord) -> str:
    payer = slug(record.payer.name, default="unknown-payer")
    policy = policy_key(record).rsplit("/", 1)[-1]
    return f"{RECORDS_DIR}/{payer}/{policy}/{slug(record.record_id)}.json"


def text_relpath(record_id: str) -> str:
    """Where a record's normalized text lives (the text its evidence offsets index into)."""
    name = slug(record_id)
    return f"{TEXTS_DIR}/{name[4:6] or '00'}/{name}.txt.gz"


def text_gzip(text: str) -> bytes:
    """A text file's bytes: gzip without a time stamp, so the same text always gives the same bytes."""
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def canonical_json(record: PolicyRecord) -> bytes:
    """The bytes of a record file: the same record always gives the same bytes."""
    return record.model_dump_json(indent=2).encode("utf-8") + b"\n"


# ---------------------------------------------------------------- atomic files


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_writer(path: Path) -> Iterator:
    """Write a file whole or not at all: a temp file in the same folder, fsync, rename, fsync folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def sweep_temp_files(root: Path) -> int:
    """Remove temp files a killed run left behind (names '.<file>.<random>.tmp')."""
    removed = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != STATE_DIR]
        for name in files:
            if name.startswith(".") and name.endswith(".tmp"):
                os.unlink(os.path.join(directory, name))
                removed += 1
    return removed


# ---------------------------------------------------------------- the change log


def append_lines(path: Path, lines: list[bytes]) -> None:
    """Append whole lines (each ends with a newline) and fsync them."""
    if not lines:
        return
    created = not path.exists()
    with open(path, "ab") as handle:
        handle.write(b"".join(lines))
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        fsync_dir(path.parent)


def read_changes(path: str | Path, *, after: int = 0) -> Iterator[dict]:
    """Events of a changes.jsonl with seq > `after`, in order. A last line without its newline is a
    write in progress (or torn by a crash) and is skipped; it will be complete on a later read."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return
            event = json.loads(line)
            if event["seq"] > after:
                yield event


def repair_log_tail(path: Path) -> int:
    """Truncate a torn last line; return the seq of the last complete line (0 for an empty log)."""
    if not path.exists():
        return 0
    with open(path, "r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = _last_newline(handle, size)  # offset just past the last complete line
        if end < size:
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
        if end == 0:
            return 0
        start = _last_newline(handle, end - 1)
        handle.seek(start)
        line = handle.read(end - start)
    try:
        return int(json.loads(line)["seq"])
    except (ValueError, KeyError, TypeError):
        raise FeedError(f"{path}: last line is not a change event; restore the file or remove it to rebuild it") from None


def _last_newline(handle, limit: int, chunk: int = 1 << 16) -> int:
    """Offset just past the last b'\\n' before `limit` (0 when there is none)."""
    position = limit
    while position > 0:
        start = max(0, position - chunk)
        handle.seek(start)
        found = handle.read(position - start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0
