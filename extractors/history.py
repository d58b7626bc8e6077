"""Policy history: one entry per row of the policy's history / revision table, and per date of a
review-date table ("Date Created | Date Reviewed | Date Last Revised").

A history row starts with a date, optionally after a bullet or a status word ("Reviewed 08/07/2025
MPTAC review...", "1/2025 Annual policy review...", "• October 2020 - Annual Review"); the lines
after it, up to the next row, continue it. Boilerplate after the table does not.
"""

from __future__ import annotations

import re

from extractors.dates import DATE, TABLE_LABELS, find_dates, parse_match
from extractors.document import PolicyDoc
from extractors.models import HistoryEntry

# e.g. "Reviewed ", "New ", "Revised ", "Archived " before a row's date
STATUS_WORD = re.compile(r"[ \t]*(?:(?:Reviewed|Revised|New|Updated|Archived|Retired|Created|Replaced|Annual\s+Review|Effective|Published|Deleted|Approved)[ \t]+)?")
RANGE_TAIL = re.compile(r"[ \t]*[-–—][ \t]*")  # e.g. "11/2011-4/2012": a row dated by a range
SEPARATOR = re.compile(r"[ \t]*(?:[-–—|:][ \t]*)?")  # between a row's date and its text, e.g. " - "
HEADER_ROW = re.compile(r"(?i)^[ \t]*(?:status[ \t]+)?(?:date|effective date)[ \t]+(?:action|summary of changes|description|comments?|changes?|revision)\b")
BOILERPLATE = re.compile(
    r"(?i)^(?:federal\s+and\s+state\s+law|no\s+part\s+of\s+this|the\s+use\s+of\s+specific|\S+\s+medical\s+polic(?:y|ies)\s+(?:address|are)|"
    r"this\s+medical\s+policy\s+(?:provides|may)|information\s+pertaining|click\s+on|medical\s+policy\s+terms|©|copyright|cpt\s+codes,)"
)
MAX_CONTINUATION = 12  # lines: a row's text does not run on forever


def extract(doc: PolicyDoc) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for section in doc.sections_labeled("history"):
        entries += _rows(doc, section.start, section.end) or _rows_dated_at_end(doc, section.start, section.end)
    entries += _review_table(doc)
    return entries


def _rows_dated_at_end(doc: PolicyDoc, start: int, end: int) -> list[HistoryEntry]:
    """Tables whose date is the last column: "Annual review<TAB>No policy statement changes.<TAB>4/15/2025"."""
    out = []
    for line in doc.lines_between(start, end):
        dates = find_dates(doc.text, line.start, line.end)
        if not dates or doc.text[dates[-1].end : line.end].strip(" \t.") or HEADER_ROW.match(line.text):
            continue
        last = dates[-1]
        body = " ".join(doc.text[line.content_start : last.start].replace("\t", " ").split()).strip(" |-")
        if body:
            out.append(
                HistoryEntry(
                    date=last.value, precision=last.precision, printed_date=doc.text[last.start : last.end],
                    text=body, evidence=doc.evidence(line.content_start, line.end),
                )
            )
    return out


def _row_date(text: str, line) -> tuple[re.Match, int, int] | None:
    """The date a history row starts with, where its printed date ends (a range included), where its text begins."""
    pos = line.content_start
    pos = STATUS_WORD.match(text, pos).end()
    match = DATE.match(text, pos)
    if match is None or parse_match(match) is None:
        return None
    end = match.end()
    tail = RANGE_TAIL.match(text, end)
    if tail:
        second = DATE.match(text, tail.end())
        if second and parse_match(second):
            end = second.end()
    after = SEPARATOR.match(text, end).end()
    return match, end, after


def _rows(doc: PolicyDoc, start: int, end: int) -> list[HistoryEntry]:
    text = doc.text
    out: list[HistoryEntry] = []
    current = None  # [date_match, row_start, text_start, last_end, continuation_count, printed_date]
    blank_run = 0

    def close():
        if current is None:
            return
        match, row_start, text_start, last_end, _, printed = current
        parsed = parse_match(match)
        body = " ".join(text[text_start:last_end].split()).lstrip("|").strip()
        out.append(
            HistoryEntry(
                date=parsed.value if parsed else None,
                precision=parsed.precision if parsed else None,
                printed_date=printed,
                text=body,
                evidence=doc.evidence(row_start, last_end),
            )
        )

    for line in doc.lines_between(start, end):
        content = line.text.strip()
        if not content:
            blank_run += 1
            continue
        if HEADER_ROW.match(content):
            continue
        row = _row_date(text, line)
        if row is not None:
            close()
            match, date_end, text_start = row
            current = [match, line.start + len(line.text) - len(line.text.lstrip()), text_start, line.end, 0, text[match.start() : date_end]]
        elif current is not None:
            if BOILERPLATE.match(content) or (blank_run and len(content) > 200) or current[4] >= MAX_CONTINUATION:
                close()
                current = None
            else:
                current[3] = line.end
                current[4] += 1
        blank_run = 0
    close()
    return out


def _review_table(doc: PolicyDoc) -> list[HistoryEntry]:
    """Each date under a date column ("Date Reviewed") of a review-date table is one history entry."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text:
            continue
        headers = line.text.split("\t")
        fields = [next((f for f, p in TABLE_LABELS if p.match(h)), None) for h in headers]
        if not any(fields):
            continue
        row = next((l for l in lines[i + 1 : i + 3] if not l.is_blank), None)
        if row is None:
            continue
        cursor = row.start
        for header, cell in zip(headers, row.text.split("\t")):
            cell_start, cell_end = cursor, cursor + len(cell)
            cursor = cell_end + 1
            if not next((f for f, p in TABLE_LABELS if p.match(header)), None):
                continue
            for found in find_dates(doc.text, cell_start, cell_end):
                out.append(
                    HistoryEntry(
                        date=found.value, precision=found.precision, printed_date=doc.text[found.start : found.end],
                        text=" ".join(header.split()), evidence=doc.evidence(found.start, found.end),
                    )
                )
    return out
