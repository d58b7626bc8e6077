"""Line breaks for text that lost them: a web page flattened by a crawler into one long line.

"... by the plan. Position Statement Investigational and Not Medically Necessary: Detection of ... Coding
The following codes ... References Peer Reviewed Publications: Allard WJ, ... Document History Status
Date Action Reviewed 02/20/2025 MPTAC review. Revised 02/15/2024 ..." has the headings, labels, list
items and table rows of its page, with a space where each line break was. Every extractor reads lines,
so such a text gets them back: a space is replaced by a line break, one character for one, so every
offset stays the same (evidence still indexes the loaded text). Breaks go before and after a known
section heading (patterns/section_headers.jsonl) that follows a sentence's end and precedes a capital;
before a header label ("Document #:", "Publish Date:"); before a bullet; and, inside the section a
heading opened, before what starts a row there: a reference's author list or number (a number that counts
on from the one before, wherever it stands), a code with its description, a history row's action and date.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

FLAT_LINE = 3000  # chars: a text whose lines average this long has lost its line breaks
MIN_CHARS = 2000  # shorter texts are left alone (a one-paragraph note)
# e.g. "Document #:", "Publish Date:", "Last Review Date:", "Status:", "Subject:" in the flattened header
LABEL = re.compile(
    r"(?<= )(?:(?:Document|Policy|Guideline|Clinical\s+Policy)\s+(?:#|No\.|Number|ID)\s*:|"
    r"(?:(?:Original\s+|Last\s+|Next\s+|Current\s+)?(?:Publish|Effective|Review|Revision|Revised|Reviewed|Approval|Origination|Creation)\s+Date|"
    r"Status|Subject|Title|Category|Line\(?s?\)?\s+of\s+Business|Product\s+Types?)\s*:)"
)
# e.g. "ORIGINAL EFFECTIVE DATE: 9/30/2025 " anywhere: a line of its own (its date included)
UPPER_DATE_LABEL = re.compile(r"(?<= )[A-Z][A-Z ]{2,40}DATE:(?: \d{1,2}/\d{1,2}/\d{2,4}(?= ))?")
BULLET = re.compile(r" (?=[•●▪■◦‣∙○➢►] )")  # e.g. "... following: • Breast cancer • Colon cancer"
SENTENCE_END = re.compile(r"(?:[.!?:;)\]”\"]|\d)$")  # what ends the text before a heading, e.g. "the plan." "2024"
# rows inside a section, by the section's label: the space before a row's start becomes a line break
ROW_START = {
    # e.g. ". Allard WJ, Matera J", ". de Bono JS,", ". Jiménez-Fonseca P,", ". 12. Smith J", a sub-heading
    # ". Government Agency, Medical Society, and Other Publications:", an organization as author
    # ". Centers for Medicare and Medicaid Services (CMS). MolDX: ..." (not a journal: ". Clin Cancer Res. 2004")
    "references": re.compile(
        r"(?<=[.\]:)] )(?:\d{1,3}\.\s+[A-Z]"
        r"|[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*,\s+[A-Z]\.(?:[ -]?[A-Z]\.)*,"  # e.g. "Gouton, E., Malissen, N." (APA)
        r"|(?:(?:van|de|von|der|da|del|le|la|di)\s+)?[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*)?\s+[A-Z]{1,3}(?:,|\.|\s+et\s+al)"
        r"|(?:[A-Z][\w,]*\s+){1,7}[A-Z]\w*:\s"
        # with small words, only over an author: ". Government Agency, Medical Society, and Other Authoritative Publications: Andre F,"
        # (not a title's colon: "Urinary Exosomes Diagnosis of Urological Tumors: A Systematic Review")
        r"|(?:[A-Z][\w,]*\s+){1,7}(?:and|of|for|the|&)\s+(?:[A-Z][\w,]*\s+){0,3}[A-Z]\w*:\s(?=[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*,?\s+[A-Z]{1,3}[,.\s])"
        r"|[A-Z][\w-]*\.(?:gov|org|com|net|edu):\s+(?=[A-Z])"  # a web site as author, e.g. ". CMS.gov: Centers for Medicare"
        # (a name may carry a mark, "NCCN Clinical Practice Guidelines in Oncology™ (NCCN). © 2023 ...")
        r"|[A-Z][A-Za-z&.-]*(?:\s+(?:[A-Z][A-Za-z&.-]*[™®]?|for|of|and|&|the|on|in)){1,8}(?:\s+\([A-Z]{2,8}\))?(?:\.\s+(?=[A-Z©]|\(\d{4}[,)])|\s+(?=\(\d{4}[,)])))"
    ),
    "websites": re.compile(r"(?<=\. )(?:[A-Z][\w&'’.-]*(?:\s+[A-Z&][\w&'’.-]*){0,6}\.\s)"),  # e.g. ". American Cancer Society. Available at"
    # e.g. " 86152 Cell enumeration", " 0337U Oncology", " C50.911 Malignant", " ICD-10 Diagnosis",
    # a note in parentheses between code and description: " 0012M (effective 01/01/2026) Oncology"
    "codes": re.compile(
        r"(?<= )(?:(?:\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)\s+(?:\([^()]{1,40}\)\s+)?[A-Z]|(?:CPT|HCPCS|ICD-10(?:-CM|-PCS)?)\s+[A-Z])"
    ),
    # e.g. ". Reviewed 02/20/2025 MPTAC review", ". New 07/14/2005", ". 03/2024 Annual review" (not "... with 10/01/2024 CPT changes")
    "history": re.compile(r"(?:(?<=[.)\]”\"\d] )|(?<= )(?=[A-Z][a-z]+\s+\d))(?:[A-Z][a-z]+\s+)?\d{1,2}/(?:\d{1,2}/)?\d{4}\s"),
}


# a list number before an entry, e.g. " 12. Smith", " 37. MDx.", " 84. NCCN" (counted, see _counted_numbers)
LIST_NUMBER = re.compile(r"(?<= )(\d{1,3})\.(?= [A-Z\"“(])")
MIN_COUNTED = 3  # numbers that count on from 1 (or 2) before a list is taken as numbered


# an APA author list that opens an entry right after the last word of the one before (no period between):
# e.g. "... from the National Comprehensive Cancer Network Sposito, M., Belluomini, L., Nocini, R., ..."
APA_AUTHORS_AFTER_WORD = re.compile(r"(?<=[a-z] )[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*,\s+[A-Z]\.(?:[ -]?[A-Z]\.)*,\s+[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*,\s+[A-Z]\.")
# an author-date year, e.g. " (2024, July)", " (2022)": the end of an organization author named just before it
AUTHOR_YEAR = re.compile(r" \((?:19|20)\d{2}[a-z]?[,)]")
# an organization named twice in a row before a year: the first ends an entry ("Retrieved ... from the National
# Comprehensive Cancer Network"), the second opens the next (e.g. "National Comprehensive Cancer Network (2024, July).")
REPEATED_NAME = re.compile(r"(?:^|\s)(?P<name>[A-Z][\w&.-]*(?:\s+(?:[A-Z][\w&.-]*|for|of|and|&|the|on|in)){1,7}?)\s+(?P=name)$")
NAME_WINDOW = 160  # chars before a year that may hold a name printed twice


def is_flat(text: str) -> bool:
    return len(text) >= MIN_CHARS and len(text) / (text.count("\n") + 1) >= FLAT_LINE


def reflow(text: str) -> str:
    """`text` with line breaks where a flattened page had them (same length, same offsets)."""
    if not is_flat(text):
        return text
    chars = list(text)
    headings = _headings(text)
    for start, end, _ in headings:
        chars[start - 1] = "\n"
        if end < len(text) and text[end] == " ":
            chars[end] = "\n"
    first = headings[0][0] if headings else len(text)
    for match in LABEL.finditer(text, 0, first):
        chars[match.start() - 1] = "\n"
    for match in UPPER_DATE_LABEL.finditer(text):
        chars[match.start() - 1] = "\n"
        if match.group(0)[-1].isdigit():
            chars[match.end()] = "\n"
    for match in BULLET.finditer(text):
        chars[match.start()] = "\n"
    for i, (start, end, label) in enumerate(headings):
        rows = ROW_START.get(label)
        if rows is not None:
            stop = headings[i + 1][0] if i + 1 < len(headings) else len(text)
            for match in rows.finditer(text, end + 1, stop):
                if match.start() > end + 1:
                    chars[match.start() - 1] = "\n"
            if label == "references":
                for match in APA_AUTHORS_AFTER_WORD.finditer(text, end + 1, stop):
                    chars[match.start() - 1] = "\n"
                for year in AUTHOR_YEAR.finditer(text, end + 1, stop):
                    window = max(end + 1, year.start() - NAME_WINDOW)
                    twice = REPEATED_NAME.search(text, window, year.start())
                    if twice is not None:
                        chars[year.start() - len(twice.group("name")) - 1] = "\n"
                for number in _counted_numbers(text, end, stop):
                    chars[number.start() - 1] = "\n"  # the number opens its entry's line ("... doi:10.1038/x 9. Sequist LV")
                    chars[number.end()] = " "  # (not a line of its own: its entry follows on the same line)
    return "".join(chars)


def _counted_numbers(text: str, start: int, stop: int) -> list[re.Match]:
    """The list numbers of text[start:stop] that count on one by one from 1 (or 2), wherever they
    stand (after a DOI or a web address as well as after a period); stray numbers ("Volume 3. Smith")
    that break the count are passed over. None unless MIN_COUNTED count on."""
    out: list[re.Match] = []
    expected = None
    for match in LIST_NUMBER.finditer(text, start, stop):
        number = int(match.group(1))
        if number == expected or (expected is None and number <= 2):
            out.append(match)
            expected = number + 1
    return out if len(out) >= MIN_COUNTED else []


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of each known heading printed in the flow: after a sentence's end (or the
    text's first words), capitalized as a heading, followed by a space and a capital or a digit."""
    pattern, labels = _heading_pattern()
    out: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        start, end = match.start(), match.end()
        printed = match.group(0)
        if start == 0 or text[start - 1] != " " or (out and start < out[-1][1] + 1):
            continue
        if not (printed.isupper() or all(w[:1].isupper() for w in printed.split() if w.lower() not in SMALL_WORDS)):
            continue  # e.g. "coding" inside a sentence
        if not re.match(r" (?:[A-Z0-9•\"“(])", text[end : end + 2]) or re.match(r" [A-Z][\w-]*\s*(?:#|:)", text[end : end + 30]):
            continue  # e.g. "Policy Number:" is a label, "Coding of ..." a sentence
        label = labels[printed.lower()]
        if not SENTENCE_END.search(text[max(0, start - 3) : start - 1]) and label not in END_MATTER:
            continue  # a body heading opens after a sentence; the end matter's after a table's last cell too
        out.append((start, end, label))
    return out


END_MATTER = frozenset({"references", "websites", "index", "history", "codes", "definitions"})
SMALL_WORDS = frozenset({"of", "and", "for", "the", "to", "in", "on", "&", "or", "a", "an", "with"})


@lru_cache(maxsize=1)
def _heading_pattern() -> tuple[re.Pattern, dict[str, str]]:
    rows = resources.files("extractors.patterns").joinpath("section_headers.jsonl").read_text(encoding="utf-8")
    labels = {}
    for line in rows.splitlines():
        if line.strip():
            row = json.loads(line)
            if isinstance(row.get("pattern"), str):
                labels.setdefault(row["pattern"], row["label"])
    phrases = sorted(labels, key=len, reverse=True)  # the longest heading at a position wins
    pattern = re.compile(r"(?i)(?<![\w/&-])(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s") for p in phrases) + r")(?![\w/&-])")
    return pattern, labels
