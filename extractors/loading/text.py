"""Plain text and Markdown: bytes -> normalized text.

Decoding (BOMs, UTF-16, UTF-8, cp1252), mojibake repair with ftfy, Markdown markup removed, and one
whitespace normalization shared by every loader (`normalize_whitespace`).
"""

from __future__ import annotations

import codecs
import re

import ftfy

from extractors.errors import UnsupportedInput
from extractors.loading.document import TextRepair

# Private-use glyphs of the Symbol/Wingdings fonts that Word exports for list bullets.
PUA_BULLETS = dict.fromkeys(
    map(ord, "\uf0a7\uf0b7\uf0d8\uf0fc\uf076\uf06e\uf0a8\uf0e0\uf0d2\uf0b2\uf09f\uf071\uf0be\uf02d"), "•"
)
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, unescape_html=False, explain=False)

SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")  # e.g. "July\u00a01" -> "July 1"
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\ufffe\uffff]")  # e.g. zero-width space, soft hyphen
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # e.g. "\x07" (bell); keeps \t \n \x0c \r
# Patterns that scan a run start only where the run starts (a lookbehind) or scan a bounded length:
# tried from every position of a long run, they were quadratic (40,000 spaces took 8 s, a megabyte hours).
TRAILING = re.compile(r"(?<![ \t])[ \t]+$", re.M)  # e.g. "Prolotherapy   \n" -> "Prolotherapy\n"
BLANK_RUNS = re.compile(r"\n{3,}")  # e.g. "\n\n\n\n" -> "\n\n"


def decode(data: bytes) -> str:
    """Bytes -> str: BOM first, then UTF-16 without BOM, UTF-8, cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        # e.g. b"P\x00o\x00l\x00" is UTF-16-LE text without its BOM
        even_zeros = sample[0::2].count(0)
        odd_zeros = sample[1::2].count(0)
        if max(even_zeros, odd_zeros) * 2 >= len(sample) // 2 and min(even_zeros, odd_zeros) * 8 < len(sample) // 2:
            return data.decode("utf-16-be" if even_zeros > odd_zeros else "utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") * 1000 <= len(lenient):
        return lenient  # a few stray bytes in a UTF-8 file
    return data.decode("cp1252", errors="replace")


def reject_binary(text: str, name: str = "document") -> None:
    """Raise when decoded text is really binary content (NULs, many control characters)."""
    sample = text[:65536]
    if not sample:
        return
    controls = len(CONTROLS.findall(sample))  # NUL included
    if controls * 50 > len(sample) or sample.count("\ufffd") * 20 > len(sample):
        raise UnsupportedInput(f"{name}: not a text document (binary content)")


_CONT = re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
# UTF-8 bytes shown through cp1252 that ftfy leaves alone because they decode to a private-use glyph,
# e.g. "ï‚§" (EF 82 A7 -> U+F0A7, a Wingdings bullet)
UTF8_AS_CP1252 = re.compile(f"[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00c2-\u00df][{_CONT}]")


def _redecode(match: re.Match) -> str:
    try:
        return match.group(0).encode("cp1252").decode("utf-8")
    except UnicodeError:
        return match.group(0)


def fix_line(line: str) -> str:
    """ftfy first; then the UTF-8-as-cp1252 sequences ftfy judges too unlikely to touch."""
    fixed = ftfy.fix_text(line, _FTFY)
    fixed = UTF8_AS_CP1252.sub(_redecode, fixed).translate(PUA_BULLETS).replace("\n", " ")
    return CONTROLS.sub("", INVISIBLE.sub("", SPACES.sub(" ", fixed))).rstrip()


def repair_mojibake(text: str) -> tuple[str, list[TextRepair]]:
    """Fix mis-decoded text line by line; report each changed stretch with its new offsets."""
    if text.isascii():
        return text, []
    out: list[str] = []
    repairs: list[TextRepair] = []
    offset = 0
    for line in text.split("\n"):
        fixed = line
        if not line.isascii():
            fixed = fix_line(line)
            if fixed != line:
                head = len(_common_prefix(line, fixed))
                tail = len(_common_prefix(line[head:][::-1], fixed[head:][::-1]))
                printed = line[head : len(line) - tail]
                if printed.strip():
                    repairs.append(TextRepair("mojibake", printed, offset + head, offset + len(fixed) - tail))
        out.append(fixed)
        offset += len(fixed) + 1
    return "\n".join(out), repairs


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


# --- Markdown -------------------------------------------------------------------------------

ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")  # e.g. "\*\*Note" -> "**Note" (kept literal)
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)  # e.g. "## References" -> "References"
HEADING_CLOSE = re.compile(r"(?<![ \t])[ \t]+#+[ \t]*$", re.M)  # e.g. "References ##" -> "References"
RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)  # e.g. "---"
BOLD = re.compile(r"(\*\*|__)(?=\S)(.{1,1000}?)(?<=\S)\1", re.S)  # e.g. "**Criteria**" -> "Criteria"
ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*\\])\*(?![\w*])")  # e.g. "*Spine J*." -> "Spine J."
LINK = re.compile(r"!?\[([^\]\n]{0,1000})\]\([^)\n]{0,2000}\)")  # e.g. "[Evidence Table](#)" -> "Evidence Table"
TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)  # e.g. "| 20550 | Injection |"
# possessive quantifiers: a line of spaces is not re-split between "[ \t]*" and "[ \t:]*" (quadratic)
TABLE_RULE = re.compile(r"^[ \t]*+\|?[ \t:]*+-{3,}+[ \t:]*+(?:\|[ \t:]*+-{3,}+[ \t:]*+)++\|?[ \t]*+(?:\n|$)", re.M)  # e.g. "|---|:--|"
_LITERAL = "\ue000"  # stands for an escaped character while markup is removed


def strip_markdown(text: str) -> str:
    """Markdown -> plain text: headings, emphasis, links, rules and pipe tables (cells -> tabs)."""
    escaped: list[str] = []

    def protect(match: re.Match) -> str:
        escaped.append(match.group(1))
        return _LITERAL

    text = ESCAPED.sub(protect, text)
    text = TABLE_RULE.sub("", text)
    text = TABLE_ROW.sub(lambda m: "\t".join(cell.strip() for cell in m.group(1).split("|")), text)
    text = RULE.sub("", text)
    text = HEADING.sub("", text)
    text = HEADING_CLOSE.sub("", text)
    text = LINK.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***x***
        text = BOLD.sub(r"\2", text)
    text = ITALIC.sub(r"\1", text)
    if escaped:
        parts = iter(escaped)
        text = re.sub(_LITERAL, lambda _m: next(parts), text)
    return text


def normalize_whitespace(text: str) -> str:
    """The one whitespace normalization: newlines, odd spaces, controls, trailing blanks, blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = SPACES.sub(" ", text)
    text = INVISIBLE.sub("", text)
    text = CONTROLS.sub("", text)
    text = TRAILING.sub("", text)
    text = BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")
