"""`make_nlp()`: the blank English pipeline every document goes through, built once per process.

Components, in order (each a thin match -> set-annotations step over rules kept as data in `patterns/`):
  sentencizer        punctuation sentence starts
  line_boundaries    sentence starts at bullets, blank lines and after lines ending in ":"
  section_ruler      SpanRuler over section-header phrases -> doc.spans["section_candidates"]
  policy_sections    keeps whole-line headers -> doc.spans["section_headers"], doc.spans["sections"]
  payer_ruler        SpanRuler over the payer gazetteer -> doc.spans["payers"]
  status_ruler       SpanRuler over coverage-status phrases -> doc.spans["statuses"]
  status_negation    moves negated status phrases to doc.spans["negated_statuses"]
  scope_ruler        SpanRuler over lines of business / settings -> doc.spans["scopes"]
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

# A token that must stay whole, e.g. "0232T", "M54.50", "ICD-10-CM", "0R533ZZ", "G0428", "20550".
TOKEN_MATCH = re.compile(
    r"^(?:\d{4}[0-9A-Z]"  # e.g. 0232T, 20550
    r"|[A-Z]\d{4}"  # e.g. M0076
    r"|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})"  # e.g. M54.50
    r"|ICD-?(?:9|10)(?:-(?:CM|PCS))?"  # e.g. ICD-10-CM
    r"|[0-9B-DF-HX][0-9A-HJ-NP-Z]{6})$"  # e.g. 0R533ZZ
).match

BULLET_LINE = re.compile(r"^[ \t]*(?:[•●▪■◦‣∙·○□➢►✓✔\-–*]|o(?=[ \t]+[A-Z]))[ \t]+")  # e.g. "  • Back pain", "o Insomnia"
SHORT_LINE = 60  # chars: a shorter line before a capitalized one is a heading or a paragraph's end
OPEN_END = re.compile(r"(?:[,;(/\-–]|\b(?:of|and|or|the|a|an|to|for|with|in|on|by|as|at|from|than|that|is|are))$", re.I)  # e.g. "... of"
NEGATORS = frozenset({"not", "no", "never", "neither", "nor", "n't", "without"})
MAX_CHARS = 10_000_000
LONGEST = {"@misc": "spacy.first_longest_spans_filter.v1"}


def _patterns(name: str) -> list[dict]:
    text = resources.files("extractors.patterns").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@Language.component("line_boundaries")
def line_boundaries(doc: Doc) -> Doc:
    """Sentence starts where the layout says so: after a blank line or a line ending in ':', at a
    bullet, and at a table row (a line with tab-separated cells)."""
    text = doc.text
    for token in doc[1:-1]:
        if not token.is_space or "\n" not in token.text:
            continue
        line_start = token.idx + token.text.rfind("\n") + 1
        line_end = text.find("\n", line_start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        previous = text[text.rfind("\n", 0, token.idx) + 1 : token.idx].strip()
        if (
            "\n\n" in token.text
            or previous.endswith(":")
            or BULLET_LINE.match(line)
            or "\t" in line
            or "\t" in previous
            or (len(previous) < SHORT_LINE and line[:1].isupper() and not OPEN_END.search(previous))
        ):
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("policy_sections", default_config={"candidates_key": "section_candidates"})
def make_policy_sections(nlp: Language, name: str, candidates_key: str):
    return PolicySections(candidates_key)


HEADER_PREFIX = re.compile(r"^[ \t]*(?:[•●▪■\-*#]+[ \t]*|(?:[IVX]{1,4}|\d{1,2}|[A-H])[.)][ \t]+)?$")  # e.g. "  ", "II. ", "• "
HEADER_SUFFIX = re.compile(r"^[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*:?[ \t]*$")  # e.g. " (CMM-204)", ":", ""
STICKY = {"history": {"instructions", "index", "references", "websites"}}


class PolicySections:
    """Section headers are candidate phrases that fill their whole line; a section runs to the next header."""

    def __init__(self, candidates_key: str) -> None:
        self.candidates_key = candidates_key

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        headers: list[Span] = []
        for span in sorted(doc.spans.get(self.candidates_key, []), key=lambda s: (s.start_char, -len(s))):
            if headers and span.start_char < headers[-1].end_char:
                continue
            line_start = text.rfind("\n", 0, span.start_char) + 1
            line_end = text.find("\n", span.end_char)
            line_end = len(text) if line_end < 0 else line_end
            if not HEADER_PREFIX.match(text[line_start : span.start_char]):
                continue
            if not HEADER_SUFFIX.match(text[span.end_char : line_end]):
                continue
            if headers and STICKY.get(headers[-1].label_) and span.label_ not in STICKY[headers[-1].label_]:
                continue  # e.g. "Definitions" inside a history row summarizing what changed
            headers.append(span)
        sections = [
            Span(doc, header.start, headers[i + 1].start if i + 1 < len(headers) else len(doc), label=header.label_)
            for i, header in enumerate(headers)
        ]
        doc.spans["section_headers"] = headers
        doc.spans["sections"] = sections
        return doc


@Language.component("status_negation")
def status_negation(doc: Doc) -> Doc:
    """A status phrase with a negator shortly before it in its sentence is negated: 'is not considered investigational'."""
    kept, negated = [], []
    for span in doc.spans.get("statuses", []):
        if span[0].lower_ in NEGATORS or span[0].lower_ in {"non", "noncovered"}:
            kept.append(span)  # the phrase carries its own negation: "not medically necessary"
            continue
        window = doc[max(span.sent.start, span.start - 4) : span.start]
        if any(t.lower_ in NEGATORS or t.lower_ == "longer" for t in window):
            negated.append(span)
        else:
            kept.append(span)
    doc.spans["statuses"] = kept
    doc.spans["negated_statuses"] = negated
    return doc


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The pipeline, built once per process (patterns compiled once)."""
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS
    nlp.tokenizer.token_match = TOKEN_MATCH
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_boundaries")
    ruler = nlp.add_pipe(
        "span_ruler", name="section_ruler",
        config={"spans_key": "section_candidates", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    ruler.add_patterns(_patterns("section_headers.jsonl"))
    nlp.add_pipe("policy_sections")
    ruler = nlp.add_pipe(
        "span_ruler", name="payer_ruler",
        config={"spans_key": "payers", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    ruler.add_patterns(_patterns("payers.jsonl"))
    ruler = nlp.add_pipe("span_ruler", name="status_ruler", config={"spans_key": "statuses", "overwrite": True, "spans_filter": LONGEST})
    ruler.add_patterns(_patterns("status_phrases.jsonl"))
    nlp.add_pipe("status_negation")
    ruler = nlp.add_pipe(
        "span_ruler", name="scope_ruler",
        config={"spans_key": "scopes", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    ruler.add_patterns(_patterns("scope_terms.jsonl"))
    return nlp


def payer_domains() -> dict[str, str]:
    return {row["domain"]: row["payer"] for row in _patterns("payer_domains.jsonl")}
