"""Lists on a PolicyDoc: items with their markers, nesting, wrapped lines, and the text that leads into
each group of sibling items. Computed once; indications (and any other reader) ask it.

Markers: bullets ("•", "o", "-", "▪"), numbers ("1.", "2)", "(3)", "10.Genetic"), letters ("A.", "b)"),
roman numerals ("II.", "iv.", and "v." after "iv."), decimal outline numbers ("8.1.", "8.2.1.", "2.1 ").
Nesting follows the marker kind, as outlines print it: a new kind opens a level below; a kind seen
above closes the levels under it ("1." ... "a." ... "2."); a decimal number's depth is its kind
("8." ... "8.1." ... "8.2.1.").
A group's lead is its parent item, or else the sentence ending in ":" just above the first item
(headings between are skipped, and remembered: a status heading such as "Covered" leads too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Line, PolicyDoc
from extractors.nlp import BULLET_LINE
from extractors.statuses import StatusIndex

# e.g. "1. ", "2) ", "(3) ", "A. ", "b) ", "II. ", "iv. " opening a line; "10.Genetic testing" (no space)
ENUMERATED = re.compile(
    r"^[ \t]*(?:\(?(?P<mark>\d{1,3}|[A-Za-z]|[IVXLivxl]{2,5})[.)][ \t]+(?=\S)|(?P<tight>\d{1,2})\.(?=[A-Z][a-z]))"
)
# e.g. "8.1.Preconception", "8.2.1. The individual", "8.2.2.1.<TAB>A specific", "2.1 Genetic counseling";
# never a dotted date ("12.15.2023"), a dose ("1.5 mg") or a policy number ("2.02.51 Molecular Testing")
DECIMAL = re.compile(r"^[ \t]*(?P<mark>\d{1,2}(?:\.(?:0|[1-9]\d?)){1,4})(?:\.(?!\d)[ \t]*(?=\S)|[ \t]+(?=[A-Z(]))")
ROMAN = re.compile(r"^(?:[ivxl]{2,5}|[IVXL]{2,5})$")  # e.g. "ii", "IV" (a lone "i" or "I" is decided by its neighbours)
NOTE = re.compile(r"^[ \t]*(?:\*\s*)?notes?[ \t]*:", re.I)  # e.g. "Note: Examples of ..." never continues an item
LEADS_INTO = re.compile(r"(?i)(?::|\bfollowing\s*;)\s*$")  # e.g. "... ALL of the following:", "... 1 or more of the following;"
# a footnote's number alone on its line ("1") or opening its text ("1 Commonly prescribed for ...")
FOOTNOTE_MARK = re.compile(r"^[ \t]*\d{1,2}(?:[ \t]*$|[ \t]+[A-Z][a-z])")
SENTENCE_END = re.compile(r"[.;:]\s*$")
NOTE_CHARS = 1500  # a note inside a list is shorter than this; after it the list may go on
OUTLINE_BACK = 200  # items: how far back a decimal outline number looks for the number it extends
HEADING_WORDS = 8  # a numbered sub-heading is this short
LEAD_BACK = 4  # non-blank lines: how far above the first item its lead-in may stand


@dataclass
class Item:
    start: int  # the item's text, marker excluded
    end: int
    kind: str  # "bullet:•", "number", "upper", "lower", "roman"
    level: int
    parent: int | None  # index of the parent item in the document's list of items
    lines: list[Line] = field(default_factory=list)
    mark: str = ""
    last: int = 0  # end of the item with everything nested under it
    resumed: bool = False  # the list goes on here after a note that interrupted it


@dataclass
class Group:
    """Sibling items under one lead (a parent item, or the text above the first item)."""

    items: list[int]  # indexes into ListIndex.items
    parent: int | None
    lead: tuple[int, int] | None  # the lead-in text (a sentence ending in ":"), or None
    heading: tuple[int, int] | None  # a short heading line between the lead and the items ("Covered")


@dataclass
class ListIndex:
    items: list[Item]
    groups: list[Group]


def marker(line: Line) -> tuple[str, str, int] | None:
    """(kind, mark, where the item's text starts) for a line that opens a list item."""
    bullet = BULLET_LINE.match(line.text)
    if bullet:
        return "bullet:" + bullet.group(0).strip(), bullet.group(0).strip(), line.start + bullet.end()
    decimal = DECIMAL.match(line.text) if line.text[:8].count(".") else None
    if decimal:
        mark = re.sub(r"(?:\.0)+$", "", decimal.group("mark"))  # "2.0 POLICY" heads "2.1", as "2." would
        return ("number" if "." not in mark else f"decimal{mark.count('.') + 1}"), mark, line.start + decimal.end()
    enum = ENUMERATED.match(line.text)
    if enum is None:
        return None
    mark = enum.group("mark") or enum.group("tight")
    if mark.isdigit():
        kind = "number"
    elif ROMAN.match(mark):
        kind = "roman"
    else:
        kind = "upper" if mark.isupper() else "lower"
    return kind, mark, line.start + enum.end()


def lists(doc: PolicyDoc) -> ListIndex:
    if "lists" in doc.cache:
        return doc.cache["lists"]
    items: list[Item] = []
    statuses = StatusIndex(doc)
    stack: list[tuple[str, int]] = []  # (kind, item index) of the open levels
    paused: list[tuple[str, int]] = []  # the levels a prose paragraph closed, which the next item may resume
    paused_at, by_note, resuming = 0, False, False
    blank_run = 0
    for line in doc.lines:
        if line.is_blank:
            blank_run += 1
            continue
        found = None if _heading(doc, line) else marker(line)  # "II. Experimental and Investigational" is a heading
        if found is None:
            if stack and not _heading(doc, line) and _continues(doc, items[stack[-1][1]], line, blank_run):
                item = items[stack[-1][1]]
                item.end = line.end
                item.lines.append(line)
            else:
                # prose ends the lists above (a note inside a list may be followed by its next item);
                # a heading ends them for good
                if _heading(doc, line):
                    paused = []
                elif stack:
                    # a note: "Note: ...", or a parenthetical paragraph ("(Karyotyping would be necessary ...)")
                    by_note = bool(NOTE.match(line.text)) or (blank_run > 0 and line.text.lstrip().startswith("("))
                    paused, paused_at = stack, line.start
                stack = []
            blank_run = 0
            continue
        kind, mark, text_start = found
        if mark in ("i", "I") and not (stack and items[stack[-1][1]].mark in ("h", "H")):
            kind = "roman"  # "i." after "h." is a letter; otherwise the first roman numeral
        elif mark in ("v", "x", "V", "X") and any(_roman_before(items[j], mark) for _, j in stack):
            kind = "roman"  # "v." after "iv.", "x." after "ix."
        if not stack and paused and line.start - paused_at <= NOTE_CHARS:
            probe = Item(0, 0, kind, 0, None, [], mark)
            resumed = next((k for k, (_, j) in enumerate(paused) if _next_mark(items[j], probe)), None)
            if resumed is None and (by_note or not _opens_list(mark, kind)):
                # a misprinted marker, or the next bullet after a note ("(Karyotyping would be necessary ...)")
                resumed = next((k for k in reversed(range(len(paused))) if paused[k][0] == kind), None)
            if resumed is not None:  # "3. Juvenile ..." after a note that followed "2. Crohn's ..."
                stack = paused[: resumed + 1]
                resuming = True
            elif _opens_list(mark, kind) and doc.text[: items[paused[-1][1]].end].rstrip().endswith(":"):
                stack = list(paused)  # "A)" after a note under "3. ... ONE of the following (A or B):"
        if not stack and kind in ("number", "upper", "roman") and not _opens_list(mark, kind) and heading_like_item(line.text[text_start - line.start :]):
            # "2. Germline (Inherited) Cancer" after "1. Somatic (Acquired) Cancer" and its paragraphs and lists:
            # numbered sub-headings of one outline, however much text stands between them
            stack = _sibling_heading_stack(doc, items, kind, mark)
        if not stack:
            paused = []
        if kind.startswith("decimal"):
            stack = _outline_stack(items, mark)
        states_status = kind.startswith("bullet") and statuses.status_of(line.start, line.end) is not None
        if states_status and sum(k == kind for k, _ in stack) > 1:
            # "• NTRK testing is medically necessary ..." after "•" sub-criteria at the third level: a bullet
            # that states coverage goes back to the outermost level of its glyph
            stack = stack[: next(n for n, (k, _) in enumerate(stack) if k == kind) + 1]
        elif not (stack and stack[-1][0] != kind and not states_status and _leads_in(doc, items[stack[-1][1]], kind)):
            while stack and stack[-1][0] != kind and any(k == kind for k, _ in stack):
                stack.pop()  # "2." after "a.": back to the level of "1."
        if stack and stack[-1][0] == kind:
            stack.pop()  # a sibling
        parent = stack[-1][1] if stack else None
        items.append(Item(text_start, line.end, kind, len(stack), parent, [line], mark, resumed=resuming))
        resuming = False
        stack.append((kind, len(items) - 1))
        blank_run = 0
    for item in reversed(items):
        item.last = max(item.last, item.end)
        if item.parent is not None:
            items[item.parent].last = max(items[item.parent].last, item.last)
    index = ListIndex(items, _groups(doc, items))
    doc.cache["lists"] = index
    return index


def _heading(doc: PolicyDoc, line: Line) -> bool:
    return line.start in doc.heading_starts


def _leads_in(doc: PolicyDoc, item: Item, kind: str) -> bool:
    """A bulleted item that ends leading into a list ("o ... is medically necessary for 1 or more of the
    following:") has the bullets right under it as its own, even with a glyph seen above: word processors
    cycle their bullet glyphs ("•", "o", "▪", then "•" again) at deeper levels."""
    return kind.startswith("bullet") and item.kind.startswith("bullet") and bool(LEADS_INTO.search(doc.text[item.start : item.end]))


def _continues(doc: PolicyDoc, item: Item, line: Line, blank_run: int) -> bool:
    """A wrapped line of the item above: no blank line between, the item's text has not ended a
    sentence with the next line starting a new one, and no heading."""
    if blank_run or NOTE.match(line.text):
        return False
    text = doc.text[item.start : item.end]
    if text.count("(") + text.count("[") > text.count(")") + text.count("]"):
        return True
    last = doc.text[item.lines[-1].start : item.lines[-1].end].rstrip()
    if last.endswith((".", ":")) and FOOTNOTE_MARK.match(line.text):
        return False  # "... medication selection." then "1" or "1 Commonly prescribed ...": a footnote
    return not (last.endswith((".", ":")) and line.text.lstrip()[:1].isupper())


def _groups(doc: PolicyDoc, items: list[Item]) -> list[Group]:
    by_parent: dict[int | None, list[list[int]]] = {}
    for i, item in enumerate(items):
        runs = by_parent.setdefault(item.parent, [])
        last = items[runs[-1][-1]] if runs else None
        resumes = item.kind.startswith("decimal") or item.resumed
        outline = next((run for run in reversed(runs) if _next_mark(items[run[-1]], item)), None) if resumes else None
        if last is not None and item.parent is None and outline is not None:
            # "2.3" after "2.2", or "C." after "B." and a list under B's text: the run of the item it follows
            outline.append(i)
        elif last is not None and item.parent is None and not (_adjacent(doc, last, item) or _next_mark(last, item) or item.resumed):
            runs.append([i])  # top-level items far apart are separate lists, unless "3." follows "2." after a note
        elif last is not None and last.kind == item.kind:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for parent, runs in by_parent.items():
        for run in runs:
            first = items[run[0]]
            if parent is not None:
                lead, heading = (items[parent].start, items[parent].end), None
            else:
                lead, heading = _lead_in(doc, first)
            out.append(Group(run, parent, lead, heading))
    return sorted(out, key=lambda g: items[g.items[0]].start)


def _opens_list(mark: str, kind: str) -> bool:
    """The first marker of a list: "1", "A", "a", "i", "8.1", or a bullet."""
    return kind.startswith("bullet") or mark in ("1", "A", "a", "i", "I") or (kind.startswith("decimal") and mark.endswith(".1"))


def _outline_stack(items: list[Item], mark: str) -> list[tuple[str, int]]:
    """The open levels a decimal outline number goes under: the item its number extends ("2.3" under "2.")
    or its previous sibling ("2.2"), with their parents, wherever the outline was interrupted (a note or
    a bullet between); never under a bullet or letter item between."""
    prefix, depth = mark.rsplit(".", 1)[0], mark.count(".") + 1
    for j in range(len(items) - 1, max(-1, len(items) - OUTLINE_BACK), -1):
        item = items[j]
        if item.mark == prefix and (item.kind == "number" or item.kind.startswith("decimal")) or (
            item.kind == f"decimal{depth}" and item.mark.rsplit(".", 1)[0] == prefix
        ):
            return _open_levels(items, j)
    return []


def _open_levels(items: list[Item], j: int) -> list[tuple[str, int]]:
    """(kind, index) of item `j` and its parents, outermost first: the stack a list goes on under."""
    chain: list[tuple[str, int]] = []
    k: int | None = j
    while k is not None:
        chain.append((items[k].kind, k))
        k = items[k].parent
    return chain[::-1]


def heading_like_item(text: str) -> bool:
    """A short item with no sentence in it: a numbered sub-heading ("1. Somatic (Acquired) Cancer")."""
    text = text.strip()
    return 0 < len(text.split()) <= HEADING_WORDS and text[:1].isupper() and not SENTENCE_END.search(text) and "." not in text


def _sibling_heading_stack(doc: PolicyDoc, items: list[Item], kind: str, mark: str) -> list[tuple[str, int]]:
    """The open levels down to the numbered sub-heading before this one ("1." for "2."), if there is one."""
    probe = Item(0, 0, kind, 0, None, [], mark)
    for j in range(len(items) - 1, max(-1, len(items) - OUTLINE_BACK), -1):
        item = items[j]
        if _next_mark(item, probe) and len(item.lines) == 1 and heading_like_item(doc.text[item.start : item.end]):
            return _open_levels(items, j)
    return []


def _roman_before(item: Item, mark: str) -> bool:
    """True when `item` is the roman numeral just before the letter-like `mark` ("iv" before "v")."""
    return item.kind == "roman" and item.mark.islower() == mark.islower() and _roman(item.mark) + 1 == _roman(mark)


def _next_mark(a: Item, b: Item) -> bool:
    """True when b's marker is the one after a's ("3." after "2.", "C." after "B.")."""
    if a.kind != b.kind or a.kind.startswith("bullet"):
        return False
    if a.kind == "roman":
        return _roman(b.mark) == _roman(a.mark) + 1
    if a.kind.startswith("decimal"):  # "8.2" after "8.1"
        (a_head, a_last), (b_head, b_last) = a.mark.rsplit(".", 1), b.mark.rsplit(".", 1)
        return a_head == b_head and int(b_last) == int(a_last) + 1
    if a.mark.isdigit() and b.mark.isdigit():
        return int(b.mark) == int(a.mark) + 1
    return len(a.mark) == len(b.mark) == 1 and ord(b.mark) == ord(a.mark) + 1


def _roman(mark: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for ch, nxt in zip(mark.lower(), mark.lower()[1:] + " "):
        value = values.get(ch, 0)
        total += -value if values.get(nxt, 0) > value else value
    return total


def _adjacent(doc: PolicyDoc, a: Item, b: Item) -> bool:
    """True when only blank lines and the items' own lines stand between two top-level items."""
    between = doc.text[a.last : doc.line_at(b.start).start]
    return not between.strip()


def _lead_in(doc: PolicyDoc, first: Item) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The sentence ending in ':' above a list (headings between skipped), and a heading just above."""
    index = doc.line_index(first.lines[0].start) - 1
    heading = None
    seen = 0
    while index >= 0 and seen < LEAD_BACK:
        line = doc.lines[index]
        index -= 1
        if line.is_blank:
            continue
        seen += 1
        content = line.text.strip()
        if marker(line) is not None:
            return None, heading
        if content.endswith(":"):
            end = line.start + len(line.text.rstrip())
            return (_sentence_start(doc, end), end), heading
        if _heading_like(doc, line):
            heading = heading or (line.content_start, line.start + len(line.text.rstrip()))
            continue
        return None, heading
    return None, heading


def _heading_like(doc: PolicyDoc, line: Line) -> bool:
    content = line.text.strip()
    if _heading(doc, line):
        return True
    return len(content.split()) <= 6 and not SENTENCE_END.search(content) and content[:1].isupper()


def _sentence_start(doc: PolicyDoc, end: int) -> int:
    span = doc.spacy.char_span(end - 1, end, alignment_mode="expand")
    if span is None:
        return doc.line_at(end - 1).start
    start = span.sent.start_char
    while start < end and doc.text[start].isspace():
        start += 1
    return start
