"""Where a reference list stops before its section does, and which of its lines are page furniture.

A references section runs to the next known heading, but what a policy prints after its last citation
often has a heading nobody listed, or none: a web page's "back to top" link, the plan's
own date labels or sign-off after a blank line ("Devised: 7/23", "Medica Original Effective Date: ...", "Approved by the
Policy Committee"), a sentence about the policy
("This policy will be revised as necessary ..."), or an unknown heading ("Policy updates") over dated
rows or prose. The list ends at the first of these (`list_end`). Lines repeated as running headers in
text without a page layout ("Medical Policy: ... / Page: 16 of 18") are furniture (`running_lines`).
Each test looks at one line (and, for a heading, the few lines below it): linear in the section.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.citation_parse import YEAR, opens_with_person
from extractors.document import Line, PolicyDoc

# a web page's link back to its top, on its own line, e.g. "back to top", "Top", "Return to Top ↑"
BACK_LINK_LINE = re.compile(r"(?i)^[ \t]*(?:(?:back|return|go)[ \t]+to[ \t]+top|top)(?:[ \t]+of[ \t]+(?:the[ \t]+)?page)?[ \t]*[↑⇧▲]?[ \t]*$")
# the plan's own date labels, e.g. "Devised: 7/23", "Revised: 7/24 (...)", "Medica Original Effective Date: December 30, 2022",
# "Medica Re-Review Date(s):", "Date of Origin: 01/2010", "Next Review Date: ..."
DATE_LABEL = re.compile(
    r"(?i)^[ \t]*(?:[A-Z][\w&'’-]*[ \t]+){0,2}?(?:(?:original[ \t]+)?effective[ \t]+date|(?:re-?)?review(?:ed)?[ \t]+dates?(?:[ \t]*\(s\))?"
    r"|revision[ \t]+dates?(?:[ \t]*\(s\))?|last[ \t]+(?:reviewed|revised|review)(?:[ \t]+date)?|next[ \t]+review(?:[ \t]+date)?"
    r"|date[ \t]+of[ \t]+origin|devised|revised|reviewed|approved[ \t]+by|approval[ \t]+dates?)[ \t]*:"
)
# a sentence about the policy itself, e.g. "This policy will be revised as necessary and reviewed no less than annually."
POLICY_SENTENCE = re.compile(
    r"(?i)^[ \t]*(?:this|these)[ \t]+(?:medical[ \t]+|clinical[ \t]+|coverage[ \t]+|payment[ \t]+)?(?:policy|policies|guidelines?|document)"
    r"[ \t]+(?:will|is|are|was|has|have|may|does|do|must|should|shall|can)\b"
)
# a line shaped like a heading: a capitalized short phrase without digits or a closing period, e.g. "Policy updates", "SEARCH TERMS"
HEADING_SHAPE = re.compile(r"^[ \t]*[A-Z][A-Za-z'’&/-]*(?:[ \t]+[A-Za-z'’&/()-]+){0,4}[ \t]*$")
# a row led by a date, as history rows are: "5/2016: initial review", "03-10-2011", "March 2024: Annual update", "2023: September"
DATE_LED = re.compile(
    r"(?i)^[ \t]*(?:\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?|\d{1,2}/(?:19|20)?\d{2}\b|(?:19|20)\d{2}[ \t]*[:-]"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t]+(?:\d{1,2},?[ \t]+)?(?:19|20)\d{2}[ \t]*[:-])"
)
# words that make a line a statement rather than a title, e.g. "Medical policies can be highly technical ..."
STATEMENT = re.compile(r"(?i)\b(?:is|are|may|will|must|should|shall|can|does|do|we|you|our|your)\b")
URL = re.compile(r"(?i)https?://|www\.")
# the policy's sign-off, e.g. "Approved by the Medical and Pharmacy Policy Committee", "Reviewed and approved by:", "Signed by"
SIGN_OFF = re.compile(r"(?i)^[ \t]*(?:(?:reviewed|endorsed)[ \t]+and[ \t]+)?(?:approved|signed|authorized|authorised)[ \t]+by\b")
# a page label, alone or ending a running title, e.g. "Page: 16 of 18", "Molecular Oncology Testing ... Page 14 of 16"
PAGE_LABEL = re.compile(
    r"(?i)^(?:[ \t]*page:?[ \t]*\d+(?:[ \t]*(?:of|/)[ \t]*\d+)?|.*[ \t]page:?[ \t]*\d+[ \t]*(?:of|/)[ \t]*\d+|[ \t]*\d+[ \t]+of[ \t]+\d+)[ \t]*$"
)
LOOK_AHEAD = 4  # lines below a heading-shaped line that say what it heads
RUNNING_MIN = 2  # a line printed this often above the list as well is a running header or footer


def list_end(doc: PolicyDoc, lines: list[Line], start: int, end: int) -> int:
    """Offset where the list in text[start:end] ends: `end`, or the first line past its last citation."""
    seen_entry = False
    for i, line in enumerate(lines):
        text = line.text
        if not text.strip() or line.start < start:
            continue
        if seen_entry and _ends_list(lines, i):
            return line.start
        seen_entry = seen_entry or bool(YEAR.search(text) or opens_with_person(text.strip()))
    return end


def _ends_list(lines: list[Line], i: int) -> bool:
    text = lines[i].text
    after_blank = i == 0 or not lines[i - 1].text.strip()
    label = DATE_LABEL.match(text)  # (in upper case, "ORIGINAL EFFECTIVE DATE: 9/30/2025", no citation's note: a flattened page has no blank lines)
    if BACK_LINK_LINE.match(text) or (label and label.group(0).isupper()) or (after_blank and (label or _sign_off(text))):
        return True  # (a date label inside a citation, "Annual Review Date: June 14, 2024.", goes on from the line above)
    after_break = after_blank or lines[i - 1].text.rstrip().endswith((".", ")"))
    if after_break and POLICY_SENTENCE.match(text):
        return True
    return _foreign_heading(lines, i)


def _foreign_heading(lines: list[Line], i: int) -> bool:
    """An unknown heading after a blank line over dated rows or prose, which no reference list holds."""
    text = lines[i].text.strip()
    if i == 0 or lines[i - 1].text.strip() or len(text) > 40 or not HEADING_SHAPE.match(text) or opens_with_person(text):
        return False
    below = [line.text.strip() for line in lines[i + 1 : i + 1 + LOOK_AHEAD] if line.text.strip()]
    if not below:
        return False
    first = below[0]
    if DATE_LED.match(first) or _sign_off(first):
        return True
    block = " ".join(below)
    return not YEAR.search(block) and not URL.search(block) and len(block.split()) >= 12 and len(STATEMENT.findall(block)) >= 2


def _sign_off(text: str) -> bool:
    """A sign-off line ("Approved by the ... Committee"), which no citation opens; a dated one may be a citation's note."""
    return bool(SIGN_OFF.match(text)) and not YEAR.search(text)


def running_lines(doc: PolicyDoc, start: int, end: int) -> frozenset[str]:
    """Lines of text[start:end] printed at least RUNNING_MIN times above the list too (running headers
    of a text without page layout, printed on every page from the first), and page labels ("Page: 16 of 18")."""
    inside = {line.text.strip() for line in doc.lines_between(start, end) if line.text.strip()}
    above = Counter(line.text.strip() for line in doc.lines[: doc.line_index(start)] if line.text.strip() in inside)
    return frozenset(text for text in inside if PAGE_LABEL.match(text) or (len(text) >= 8 and above[text] >= RUNNING_MIN))
