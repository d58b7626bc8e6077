"""Finding documents and reading their bytes: `DocumentRef` is what ingestion consumes.

A ref says what the record's `source.uri` will be (`uri`) and how to read the bytes: a local `path`
(a file in a folder, or a blob that a web fetch stored) or an fsspec `url` (s3://, gs://, memory:// ...
when the filesystem's package is installed). Any iterator of refs can be ingested
(`flows.engine.ingest_refs`, or `flows.ingest.ingest_documents` inside a Prefect flow); `discover`
makes them for a folder or URL, `refs_from_fetched` for documents a web source downloaded.

Reading is defensive: only regular files are opened (never a FIFO or device, even through a
symlink), sizes are checked before reading, and every failure is a one-line `PolicyError`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import InputError, LimitExceeded, PolicyError
from extractors.loading import DEFAULT_LIMITS, MB, Limits

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")  # e.g. "s3://bucket/policies/", "memory://docs"
CHUNK = 1 << 20
SETTLED_NS = 2_000_000_000  # a file written in the last 2 s is hashed again next time: its mtime may not move on a rewrite


@dataclass(frozen=True)
class DocumentRef:
    """One document to ingest. `uri` becomes the record's source.uri and keys the fingerprint state."""

    uri: str
    path: str | None = None  # a local file holding the bytes
    url: str | None = None  # an fsspec URL, read when there is no local path
    sha256: str | None = None  # the bytes' hash when already known (content-addressed blobs); trusted for the unchanged check
    payer_hint: str | None = None
    source_name: str | None = None


def is_url(text: str) -> bool:
    return bool(_URL.match(text)) and not text.startswith("file://")


def discover(source: str | Path, *, exclude: Iterable[str | Path] = ()) -> Iterator[DocumentRef]:
    """Refs for every document under a folder, a single file, or an fsspec URL (sorted, hidden names
    skipped, folders in `exclude` skipped). Raises InputError now when the source does not exist."""
    text = str(source)
    if is_url(text):
        return _fsspec_refs(text)
    if text.startswith("file://"):
        text = text[len("file://"):]
    root = Path(text)
    if not root.exists():
        raise InputError(f"{source}: no such file or folder")
    if root.is_file():
        return iter([local_ref(root)])
    if not root.is_dir():
        raise InputError(f"{source}: not a file or folder")
    skip = {os.path.realpath(p) for p in exclude}
    return _walk(root, skip)


def check_source(source: str | Path) -> None:
    """Fail now, with one line, for a source that does not exist or whose filesystem is not installed."""
    text = str(source)
    if is_url(text):
        fs, path = _filesystem(text)
        try:
            found = fs.exists(path)
        except Exception as error:
            raise InputError(f"{source}: cannot list ({type(error).__name__}: {error})".splitlines()[0]) from None
        if not found:
            raise InputError(f"{source}: no such file or folder")
    else:
        discover(text)


def local_ref(path: str | Path, *, source_name: str | None = None) -> DocumentRef:
    absolute = os.path.abspath(path)
    return DocumentRef(uri=path_uri(absolute), path=absolute, source_name=source_name)


def path_uri(path: str) -> str:
    """A local file's uri: its absolute path, where bytes of a file name that are not UTF-8 (a name
    from another system) are written as backslash escapes, e.g. 'caf\\xe9.txt', so that the uri can be
    stored and printed; the ref's `path` keeps the real name for reading."""
    uri = Path(path).as_posix()
    try:
        uri.encode("utf-8")
    except UnicodeEncodeError:
        uri = os.fsencode(uri).decode("utf-8", "backslashreplace")
    return uri


def single_ref(target: str | Path) -> DocumentRef:
    """The ref for one document named on the command line (a path or an fsspec URL)."""
    text = str(target)
    if is_url(text):
        return DocumentRef(uri=text, url=text)
    path = Path(text)
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{target}: no such file")
    if path.is_dir():
        raise InputError(f"{target}: is a directory, not a document")
    return local_ref(path)


def refs_from_fetched(documents: Iterable) -> Iterator[DocumentRef]:
    """Refs for documents a web source downloaded (objects with uri, path, sha256 and optionally
    payer_hint, source_name, like `flows.sources.FetchedDocument`): the record's uri is the URL."""
    for document in documents:
        yield DocumentRef(
            uri=str(document.uri), path=str(document.path), sha256=getattr(document, "sha256", None),
            payer_hint=getattr(document, "payer_hint", None), source_name=getattr(document, "source_name", None),
        )


def _walk(root: Path, skip: set[str]) -> Iterator[DocumentRef]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(directory, d)) not in skip)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(directory, name)
            try:
                mode = os.stat(path).st_mode
            except OSError:
                yield local_ref(path)  # a broken link: reading it fails with a clear error
                continue
            if stat.S_ISREG(mode):
                yield local_ref(path)


def _filesystem(url: str):
    try:
        from fsspec.core import url_to_fs

        return url_to_fs(url)
    except ImportError as error:
        raise InputError(f"{url}: {error}".splitlines()[0]) from None
    except ValueError as error:
        raise InputError(f"{url}: {error}".splitlines()[0]) from None


def _fsspec_refs(url: str) -> Iterator[DocumentRef]:
    fs, path = _filesystem(url)
    try:
        is_dir = fs.isdir(path)
        if not is_dir and not fs.exists(path):
            raise InputError(f"{url}: no such file or folder")
    except PolicyError:
        raise
    except Exception as error:
        raise InputError(_cannot_list(url, error)) from None
    if not is_dir:
        return iter([DocumentRef(uri=fs.unstrip_protocol(path), url=fs.unstrip_protocol(path))])
    return _fsspec_walk(fs, path, url)


def _fsspec_walk(fs, path: str, url: str) -> Iterator[DocumentRef]:
    """A folder of an fsspec filesystem, one directory listing at a time (a bucket of 300,000 objects is
    never held in memory), in a stable order: each directory's files, then its sub-folders, sorted."""
    try:
        for directory, dirs, files in fs.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # fsspec walks the list it yielded
            for name in sorted(f for f in files if not f.startswith(".")):
                full = f"{directory.rstrip('/')}/{name}" if name else directory
                yield DocumentRef(uri=fs.unstrip_protocol(full), url=fs.unstrip_protocol(full))
    except Exception as error:
        raise InputError(_cannot_list(url, error)) from None


def _cannot_list(url: str, error: BaseException) -> str:
    return f"{url}: cannot list ({type(error).__name__}: {error})".splitlines()[0]


# ---------------------------------------------------------------- reading


def _too_big(uri: str, size: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"{uri}: {size / MB:.1f} MB is over the size limit of {limits.max_bytes / MB:.0f} MB (--max-mb)")


def _open_regular(ref: DocumentRef, limits: Limits) -> tuple[int, int]:
    """(fd, size) of a ref's local file after checking it is a regular file within the size limit."""
    try:
        fd = os.open(ref.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(f"{ref.uri}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{ref.uri}: is a directory, not a document") from None
    except OSError as error:
        raise InputError(f"{ref.uri}: cannot read ({error.strerror or error})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise InputError(f"{ref.uri}: is {kind}, not a document")
    if info.st_size > limits.max_bytes:
        os.close(fd)
        raise _too_big(ref.uri, info.st_size, limits)
    return fd, info.st_size


def read_ref(ref: DocumentRef, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The document's bytes, or a one-line PolicyError (missing, unreadable, empty, too big)."""
    if ref.path is not None:
        fd, _ = _open_regular(ref, limits)
        try:
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except OSError as error:
            raise InputError(f"{ref.uri}: cannot read ({error.strerror or error})") from None
    elif ref.url is not None:
        data = _read_url(ref, limits)
    else:
        raise InputError(f"{ref.uri}: nothing to read (the ref has neither a path nor a url)")
    if len(data) > limits.max_bytes:
        raise _too_big(ref.uri, len(data), limits)
    if not data.strip():
        raise InputError(f"{ref.uri}: empty file")
    return data


def _read_url(ref: DocumentRef, limits: Limits) -> bytes:
    fs, path = _filesystem(ref.url)
    try:
        size = fs.size(path)
        if size is not None and size > limits.max_bytes:
            raise _too_big(ref.uri, size, limits)
        with fs.open(path, "rb") as handle:
            return handle.read(limits.max_bytes + 1)
    except PolicyError:
        raise
    except FileNotFoundError:
        raise InputError(f"{ref.uri}: no such file") from None
    except Exception as error:
        raise InputError(f"{ref.uri}: cannot read ({type(error).__name__}: {error})".splitlines()[0]) from None


def fingerprint(ref: DocumentRef, limits: Limits = DEFAULT_LIMITS) -> str:
    """sha256 of the bytes, streamed (memory stays flat). A ref that carries its hash is trusted."""
    return fingerprint_and_stat(ref, limits)[0]


def fingerprint_and_stat(ref: DocumentRef, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str | None]:
    """(sha256, stat key) where the stat key is what `stat_key` will say while the file keeps these
    bytes, or None when it cannot vouch for them: not a local file, changed while being read, or
    modified too recently for its timestamp to tell a later write apart (git's "racy" case)."""
    if ref.sha256:
        return ref.sha256, None
    if ref.path is None:
        return hashlib.sha256(read_ref(ref, limits)).hexdigest(), None
    digest = hashlib.sha256()
    fd, _ = _open_regular(ref, limits)
    try:
        with os.fdopen(fd, "rb") as handle:
            before = _stat_key(os.fstat(handle.fileno()))
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            info = os.fstat(handle.fileno())
    except OSError as error:
        raise InputError(f"{ref.uri}: cannot read ({error.strerror or error})") from None
    settled = max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns() - SETTLED_NS
    return digest.hexdigest(), before if settled and _stat_key(info) == before else None


def stat_key(ref: DocumentRef) -> str | None:
    """size, modification and change times and inode of a local regular file, as one string; None
    for anything else (then the bytes are always hashed)."""
    if ref.path is None or ref.sha256:
        return None
    try:
        info = os.stat(ref.path)
    except OSError:
        return None
    return _stat_key(info) if stat.S_ISREG(info.st_mode) else None


def _stat_key(info: os.stat_result) -> str:
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
