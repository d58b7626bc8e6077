"""flows.discover without Prefect: which files become refs, fsspec sources, defensive reading."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from extractors.errors import InputError, LimitExceeded
from extractors.loading import Limits
from flows.discover import DocumentRef, check_source, discover, fingerprint, read_ref, refs_from_fetched, single_ref


def _touch(path: Path, data: bytes = b"policy text") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folder_walk_is_sorted_and_skips_hidden_and_excluded(tmp_path):
    for name in ("b.txt", "a.txt", "sub/c.pdf", ".hidden.txt", ".git/x.txt", "out/records/r.json"):
        _touch(tmp_path / name)
    os.mkfifo(tmp_path / "pipe.txt")
    uris = [ref.uri for ref in discover(tmp_path, exclude=[tmp_path / "out"])]
    assert uris == [(tmp_path / n).as_posix() for n in ("a.txt", "b.txt", "sub/c.pdf")]


def test_single_file_and_missing_source(tmp_path):
    doc = _touch(tmp_path / "a.txt")
    assert [r.path for r in discover(doc)] == [str(doc)]
    with pytest.raises(InputError, match="no such file or folder"):
        discover(tmp_path / "missing")
    with pytest.raises(InputError, match="no such file"):
        single_ref(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        single_ref(tmp_path)


def test_memory_filesystem_source():
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe({"/policies/b.txt": b"second", "/policies/a.txt": b"first", "/policies/.tmp": b"x"})
    refs = list(discover("memory://policies"))
    assert [r.uri for r in refs] == ["memory:///policies/a.txt", "memory:///policies/b.txt"]
    assert read_ref(refs[0]) == b"first"
    assert fingerprint(refs[1]) == hashlib.sha256(b"second").hexdigest()


@pytest.mark.parametrize(
    "url, message",
    [
        pytest.param("s3://bucket/policies", "s3fs", id="package-missing"),
        pytest.param("nosuchproto://x", "nosuchproto", id="unknown-protocol"),
        pytest.param("memory://nothing/here", "no such file or folder", id="missing-path"),
    ],
)
def test_bad_urls_fail_with_one_line(url, message):
    with pytest.raises(InputError, match=message) as raised:
        check_source(url)
    assert "\n" not in str(raised.value)


@dataclass
class Fetched:  # the shape of flows.sources.FetchedDocument
    uri: str
    path: Path
    sha256: str
    payer_hint: str | None
    source_name: str


def test_fetched_documents_keep_their_url(tmp_path):
    blob = _touch(tmp_path / "raw" / "ab" / "abcdef", b"<html>policy</html>")
    sha = hashlib.sha256(blob.read_bytes()).hexdigest()
    [ref] = refs_from_fetched([Fetched("https://payer.example/p.html", blob, sha, "Aetna", "aetna-web")])
    assert ref == DocumentRef(uri="https://payer.example/p.html", path=str(blob), sha256=sha, payer_hint="Aetna", source_name="aetna-web")
    assert fingerprint(ref) == sha and read_ref(ref) == blob.read_bytes()


@pytest.mark.parametrize(
    "make, error, message",
    [
        pytest.param(lambda d: _touch(d / "empty.txt", b"  \n"), InputError, "empty file", id="empty"),
        pytest.param(lambda d: _touch(d / "big.txt", b"x" * 2_000_000), LimitExceeded, "--max-mb", id="too-big"),
        pytest.param(lambda d: d / "missing.txt", InputError, "no such file", id="missing"),
        pytest.param(lambda d: _link(d / "broken.txt", d / "nowhere"), InputError, "no such file", id="broken-link"),
        pytest.param(lambda d: _fifo(d / "pipe.txt"), InputError, "not a regular file", id="fifo-never-blocks"),
    ],
)
def test_reading_fails_with_one_clear_line(tmp_path, make, error, message):
    ref = DocumentRef(uri="doc", path=str(make(tmp_path)))
    with pytest.raises(error, match=message):
        read_ref(ref, Limits(max_bytes=1_000_000))


def _link(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def test_fsspec_folders_are_walked_in_a_stable_order_without_hidden_files():
    import fsspec

    fs = fsspec.filesystem("memory")
    for name in ["walk/b.txt", "walk/a.txt", "walk/.hidden.txt", "walk/sub/c.txt", "walk/.git/x.txt"]:
        fs.pipe(f"/{name}", b"policy")
    assert [ref.uri for ref in discover("memory://walk")] == [
        "memory:///walk/a.txt", "memory:///walk/b.txt", "memory:///walk/sub/c.txt",
    ]
