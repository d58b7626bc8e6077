"""The extraction entry points: a file or bytes in, a validated `PolicyRecord` (or its text) out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractors.assemble import build_record
from extractors.loading import DEFAULT_LIMITS, Limits, PolicyText, load_bytes, read_path
from extractors.models import PolicyRecord


def load_file(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, PolicyText]:
    data = read_path(path, limits)
    return data, load_bytes(data, name=str(path), limits=limits)


def extract_bytes(data: bytes, *, uri: str, limits: Limits = DEFAULT_LIMITS, payer_hint: str | None = None) -> PolicyRecord:
    """Raw bytes -> record. Raises `PolicyError` (one-line message) for input that cannot be read.
    `payer_hint` (whose website the bytes came from) names the payer when the document does not."""
    return extract_bytes_with_text(data, uri=uri, limits=limits, payer_hint=payer_hint)[0]


def extract_bytes_with_text(data: bytes, *, uri: str, limits: Limits = DEFAULT_LIMITS,
                            payer_hint: str | None = None) -> tuple[PolicyRecord, str]:
    """`extract_bytes`, with the normalized text every evidence offset indexes into (the feed keeps it)."""
    policy_text = load_bytes(data, name=uri, limits=limits)
    record = build_record(policy_text, uri=uri, sha256=hashlib.sha256(data).hexdigest(), size=len(data), payer_hint=payer_hint)
    return record, policy_text.text


def extract_file(path: str | Path, *, uri: str | None = None, limits: Limits = DEFAULT_LIMITS) -> PolicyRecord:
    data = read_path(path, limits)
    return extract_bytes(data, uri=uri or str(path), limits=limits)


def text_of(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """The normalized text that every evidence offset indexes into."""
    return load_file(path, limits=limits)[1].text
