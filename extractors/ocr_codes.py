"""Codes misread by OCR: one OCR-typical slip turned back, only where the result is a real code of the
system the table names and the token as printed is not.

OCR reads "S9131" as "59131", "J45.909" as "145.909" or ")45.909", "M0076" as "MO076". A repair is
one character substituted (the shapes OCR confuses: S/5, O/0, I/1/l/J, B/8, Z/2, G/6, ")"/J) or one
stray character dropped; it is kept only when exactly one candidate is a valid HCPCS Level II or
ICD-10-CM code (the code sets say so; CPT is licensed and cannot be checked, so a CPT table repairs
only letters inside digits: "2O550" -> "20550"). The printed form stays with the code, flagged.
"""

from __future__ import annotations

import re

from extractors import icd10
from extractors.codesets import validate

# what OCR prints for a character, by the character the code needs there
CONFUSED = {
    "S": "5$", "5": "S", "O": "0DQ", "0": "ODQ", "I": "1l|!", "1": "Il|!J)]", "J": "1)]I", "B": "8", "8": "B",
    "Z": "2", "2": "Z", "G": "6", "6": "G", "T": "7", "7": "T",
}
# a token that may be a misread code: letters, digits and the confusable marks, with an ICD dot
TOKEN = re.compile(r"(?<![\w.\-/])(?P<token>[A-Z0-9)\]|!$lO]{3,7}(?:\.[A-Z0-9xXlO]{1,4})?)(?![\w/]|\.\d)")
ICD = re.compile(r"^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$")  # e.g. J45.909
HCPCS = re.compile(r"^[A-CEGHJ-MP-V]\d{4}$")  # e.g. S9131
CPT_DIGITS = re.compile(r"^[0-9OIl]{4}[0-9OIlFTUM]$")  # e.g. "2O550"


def is_real(code: str, system: str) -> bool:
    if system == "ICD-10-CM":
        return bool(ICD.match(code)) and icd10.is_valid(code)
    if system == "HCPCS":
        return bool(HCPCS.match(code)) and validate(code, "HCPCS").valid is True
    return False


def repair(token: str, system: str | None) -> str | None:
    """The code `token` was meant to be, for a table of `system`, or None (not misread, or ambiguous)."""
    if system == "CPT":
        if CPT_DIGITS.match(token) and re.search(r"[OIl]", token):
            return token.replace("O", "0").replace("I", "1").replace("l", "1")
        return None
    if system not in ("HCPCS", "ICD-10-CM") or is_real(token.upper(), system):
        return None
    found = {candidate for candidate in _candidates(token) if is_real(candidate, system)}
    return found.pop() if len(found) == 1 else None


def _candidates(token: str):
    for i, printed in enumerate(token):
        for meant, shapes in CONFUSED.items():
            if printed in shapes:
                yield (token[:i] + meant + token[i + 1 :]).upper()
        yield (token[:i] + token[i + 1 :]).upper()  # a stray mark ("MO0076" -> "M0076")
