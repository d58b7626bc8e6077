"""Errors a document can raise on its way to a record. Each message is one clear line for the user.

Everything the pipeline can reject on purpose derives from `PolicyError`; the CLI and the flows print
`str(error)` and never a traceback for these.
"""

from __future__ import annotations


class PolicyError(Exception):
    """A document that cannot become a record; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()) or self.__class__.__name__)


class InputError(PolicyError):
    """Missing path, directory, empty or unreadable file."""


class UnsupportedInput(PolicyError):
    """Bytes that are no policy format we read (binary junk, images, archives)."""


class EncryptedPDF(PolicyError):
    """A PDF that needs a user password."""


class CorruptPDF(PolicyError):
    """A truncated or damaged PDF."""


class OCRUnavailable(PolicyError):
    """A page needs OCR and the OCR program is missing."""


class LimitExceeded(PolicyError):
    """A configured size, page or time limit was crossed."""
