"""How the site shows one value: status labels, evidence in its context, and fields it does not know.

A page carries, for its evidence spans, only the parts of the record's text around them
(`EvidenceBook.payload`): windows of CONTEXT characters on each side of every span, merged where
they overlap, so a page holds at most its document's text once and usually far less. The page's
script cuts a span's context out of its window and highlights the span. The text comes from the
feed (texts/<id>.txt.gz, written at ingestion); a record without it shows the span's own words.
"""

from __future__ import annotations

from typing import Any

CONTEXT = 300  # characters of text shown on each side of an evidence span

STATUS_LABELS = {
    "experimental_investigational_unproven": "Experimental / investigational / unproven",
    "not_medically_necessary": "Not medically necessary",
    "not_covered": "Not covered",
    "medically_necessary": "Medically necessary",
    "medically_necessary_with_criteria": "Medically necessary with criteria",
    "mixed": "Mixed",
}
STATUS_SHORT = {
    "experimental_investigational_unproven": "E/I/U",
    "not_medically_necessary": "NMN",
    "not_covered": "NC",
    "medically_necessary": "MN",
    "medically_necessary_with_criteria": "MN+criteria",
    "mixed": "mixed",
}


STATUS_CLASS = {  # CSS classes of the statuses (s-eiu ...): short, they repeat on every page
    "experimental_investigational_unproven": "eiu", "not_medically_necessary": "nmn", "not_covered": "nc",
    "medically_necessary": "mn", "medically_necessary_with_criteria": "mnc", "mixed": "mixed",
}


def status_class(status: str | None) -> str:
    return STATUS_CLASS.get(status or "", "none")


def status_label(status: str | None) -> str:
    if not status:
        return "—"
    return STATUS_LABELS.get(status, status.replace("_", " "))


def is_evidence(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("start"), int) and isinstance(value.get("end"), int)
            and isinstance(value.get("text"), str) and 0 <= value["start"] <= value["end"])


class EvidenceBook:
    """The evidence spans of one page, numbered in the order the page shows them."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.spans: list[tuple[int, int, int, str]] = []  # start, end, page, the span's own text

    def add(self, evidence: Any) -> int | None:
        """Number an evidence object for the page (None when there is none)."""
        if not is_evidence(evidence):
            return None
        page = evidence.get("page") if isinstance(evidence.get("page"), int) else 0
        self.spans.append((evidence["start"], evidence["end"], page, evidence["text"]))
        return len(self.spans) - 1

    def payload(self) -> dict:
        """{"spans": [[start, end, page, segment, in_text]], "segments": [[offset, text]], "complete": bool}:
        each span points at the segment of text that holds it with its context (in_text 0: the feed
        has no text for it, the segment is the span's own words)."""
        text, spans = self.text, self.spans
        in_text = [text is not None and end <= len(text) and text[start:end] == own for start, end, _, own in spans]
        windows = sorted({(max(0, s - CONTEXT), min(len(text), e + CONTEXT)) for (s, e, _, _), ok in zip(spans, in_text) if ok}) if text else []
        merged: list[list[int]] = []
        for start, end in windows:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        segments = [[start, text[start:end]] for start, end in merged]
        starts = [start for start, _ in merged]
        rows = []
        for (start, end, page, own), ok in zip(spans, in_text):
            if ok:
                rows.append([start, end, page, _segment_of(starts, start), 1])
            else:  # no text for it: the span's own words are its whole context
                segments.append([start, own])
                rows.append([start, end, page, len(segments) - 1, 0])
        return {"spans": rows, "segments": segments, "complete": all(in_text)}


def _segment_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1


# ---------------------------------------------------------------- fields the site does not know


def extra_fields(obj: Any, known: set[str], book: EvidenceBook) -> list[dict]:
    """The fields of `obj` outside `known` (a newer record schema's `review`, a code's `valid` ...),
    each as {"label", "node"} for the generic macro; evidence anywhere inside stays activatable."""
    if not isinstance(obj, dict):
        return []
    return [{"label": label_of(key), "node": node(value, book)} for key, value in obj.items() if key not in known]


def node(value: Any, book: EvidenceBook, depth: int = 0) -> dict:
    """A value as a small tree the generic macro renders: text, evidence, list or map."""
    if is_evidence(value):
        return {"kind": "evidence", "text": value["text"], "ev": book.add(value)}
    if isinstance(value, dict) and depth < 4:
        evidence = value.get("evidence")
        items = [{"label": label_of(k), "node": node(v, book, depth + 1)} for k, v in value.items() if k != "evidence" or not is_evidence(v)]
        if is_evidence(evidence):
            items.append({"label": "evidence", "node": {"kind": "evidence", "text": evidence["text"], "ev": book.add(evidence)}})
        return {"kind": "map", "items": items}
    if isinstance(value, list) and depth < 4:
        return {"kind": "list", "items": [node(v, book, depth + 1) for v in value]}
    if value is None:
        return {"kind": "text", "text": "—"}
    if isinstance(value, bool):
        return {"kind": "text", "text": "yes" if value else "no"}
    return {"kind": "text", "text": str(value)}


def label_of(key: str) -> str:
    return key.replace("_", " ")
