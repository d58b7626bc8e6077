"""`make_nlp()`: the blank English pipeline every document goes through, built once per process.

Components, in order (each a thin match -> set-annotations step over rules kept as data in `patterns/`):
  policy_senter      sentence starts from punctuation and from layout (blank lines, bullets, rows)
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

import numpy as np
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

# A token that must stay whole, e.g. "0232T", "M54.50", "ICD-10-CM", "0R533ZZ", "G0428", "20550".
TOKEN_MATCH = re.compile(
    r"^(?:\d{4}[0-9A-Z]"  # e.g. 0232T, 20550
    r"|[A-Z]\d{4}"  # e.g. M0076
    r"|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})"  # e.g. M54.50
    r"|(?i:ICD-?(?:9|10)(?:-(?:CM|PCS))?)"  # e.g. ICD-10-CM
    r"|[0-9B-DF-HX][0-9A-HJ-NP-Z]{6})$"  # e.g. 0R533ZZ
).match

BULLET_LINE = re.compile(r"^[ \t]*(?:[•●▪■◦‣∙·○□➢►✓✔\-–*]|o(?=[ \t]+[A-Z]))[ \t]+")  # e.g. "  • Back pain", "o Insomnia"
LINE = re.compile(r"[^\n]*")  # e.g. each line of the text, empty ones included
# e.g. "... investigational. The" -> a sentence starts at "The"
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t\n]+(?=[\"“(\[]?[A-Z0-9])")
# e.g. "e.g.", "et al.", "Dr.", "No.", "U.S.", a single initial "J." - no sentence ends there
ABBREVIATION = re.compile(r"(?i)(?:\b(?:e\.g|i\.e|et\s+al|vs|dr|mr|ms|mrs|no|nos|fig|figs|approx|ca|st|jr|sr|inc|co|corp|ltd|vol|ed|eds|pp|p|u\.s|u\.k)|(?<![\w.])[A-Z])\.$")
SHORT_LINE = 60  # chars: a shorter line before a capitalized one is a heading or a paragraph's end
OPEN_END = re.compile(r"(?:[,;(/\-–]|\b(?:of|and|or|the|a|an|to|for|with|in|on|by|as|at|from|than|that|is|are))$", re.I)  # e.g. "... of"
NEGATORS = frozenset({"not", "no", "never", "neither", "nor", "n't", "without"})
MAX_CHARS = 10_000_000
LONGEST = {"@misc": "spacy.first_longest_spans_filter.v1"}
MAX_SENTENCE = 400  # tokens; the longest sentence of the real policies has 116
SUFFIX_TAIL = 100  # chars: a suffix (punctuation, units, an ellipsis) is far shorter
LONG_TOKEN = 1000  # chars without a space: kept as one token (no real word is that long)


# spaCy's token_match: codes stay whole (TOKEN_MATCH), and so does a run of LONG_TOKEN or more characters
# without a space (a blob, not words): splitting its affixes one at a time is quadratic. One compiled
# pattern's bound `match`, so the tokenizer calls C, not a Python function, for every candidate token.
whole_token = re.compile(rf"^(?:[\s\S]{{{LONG_TOKEN}}}|{TOKEN_MATCH.__self__.pattern[1:]})").match  # e.g. "0232T", 1,000 commas


class TailSearch:
    """spaCy's suffix search over a token's last SUFFIX_TAIL characters only. The tokenizer strips
    suffixes one at a time and searched the whole rest of the token each time: quadratic on a long run
    of suffix characters (10,000 commas took 7 s, 100,000 over ten minutes). Lookbehinds still see the
    characters before the tail, so every suffix shorter than the tail is found exactly as before."""

    def __init__(self, search) -> None:
        self.pattern = search.__self__  # the compiled suffix regex behind `pattern.search`
        self.search = self.pattern.search

    def __call__(self, string: str):
        n = len(string)
        return self.search(string, n - SUFFIX_TAIL if n > SUFFIX_TAIL else 0)


# spaCy's own special cases for a lone " ", "\n" or "\t" make the same single token the tokenizer makes
# without them, but a special-case hit turns off the tokenizer's chunk cache for the rest of the document
# (spaCy keeps one has_special flag per call), and nearly every text has one in its first line: without
# them, words already seen are looked up instead of re-split (tokenizer about 40% faster, same tokens).
UNCACHED_SPECIALS = frozenset({" ", "\n", "\t"})

# Chunks (whitespace-separated strings) the tokenizer keeps split (spaCy's default keeps 10,000; one
# policy has up to ~5,000 distinct ones): a few MB, and words seen in earlier documents are looked up.
TOKENIZER_CACHE = 100_000
CACHED_CHUNK = 100  # chars: a longer chunk (a URL, a blob) is rarely seen twice and is not kept
_SPLIT_ALONE: set[str] = set()  # chunks already split on their own (so now cached, or never cacheable)


def _fill_tokenizer_cache(tokenizer, text: str) -> None:
    """Split each chunk of `text` not seen before on its own, which caches it. Within one call, spaCy
    caches no chunk after the first special-case hit ("and/or", "Inc.", "cannot": in nearly every
    policy), so most of a document was split affix by affix, again in every document. A chunk is
    split the same way alone as in its text (that is what spaCy's cache relies on): same tokens."""
    room = TOKENIZER_CACHE - len(_SPLIT_ALONE)
    if room <= 0:
        return  # the cache is full: splitting alone would only be done twice
    new = [chunk for chunk in set(text.split()).difference(_SPLIT_ALONE) if len(chunk) < CACHED_CHUNK][:room]
    _SPLIT_ALONE.update(new)
    for chunk in new:
        tokenizer(chunk)


TEXT_KEY = "policy_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, computed once (Doc.text joins every token on each call)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def run(text: str) -> Doc:
    """The pipeline over `text`, with the text handed to the components instead of rebuilt from tokens."""
    nlp = make_nlp()
    _fill_tokenizer_cache(nlp.tokenizer, text)
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _patterns(name: str) -> list[dict]:
    text = resources.files("extractors.patterns").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _wrapped(patterns: list[dict]) -> list[dict]:
    """Each phrase also as printed across a line break ("not medically\nnecessary"): a newline is a
    token of its own, so a hard-wrapped phrase would otherwise never match."""
    out = list(patterns)
    for row in patterns:
        if not isinstance(row["pattern"], str):
            continue  # token patterns say what they allow themselves
        words = row["pattern"].split(" ")
        for i in range(1, len(words)):
            out.append({**row, "pattern": " ".join(words[:i]) + "\n" + " ".join(words[i:])})
    return out


@Language.component("policy_senter")
def policy_senter(doc: Doc) -> Doc:
    """Sentence starts from punctuation and from the layout: after a blank line or a line ending in
    ':', at a bullet, at a table row (tab-separated cells), and after a short heading-like line.
    Computed on the text and written in one array operation (no Python loop over tokens)."""
    text = doc_text(doc)
    starts = {m.end() for m in SENTENCE_END.finditer(text) if not ABBREVIATION.search(text, max(0, m.start() - 12), m.start())}
    previous = ""
    for match in LINE.finditer(text):
        line = match.group(0)
        content = line.strip()
        if not content:
            continue
        start = match.start()
        if start and (
            text[start - 2 : start] == "\n\n"
            or previous.endswith(":")
            or BULLET_LINE.match(line)
            or "\t" in line
            or "\t" in previous
            or (len(previous) < SHORT_LINE and content[:1].isupper() and not OPEN_END.search(previous))
        ):
            starts.add(start + line.index(content[:1]))
        previous = content
    token_starts = doc.to_array(IDX)
    sent_starts = np.full(len(doc), -1, dtype="int32")
    if len(doc):
        index = np.searchsorted(token_starts, sorted(starts), side="left")
        sent_starts[index[index < len(doc)]] = 1
        sent_starts[0] = 1
        # A sentence is cut every MAX_SENTENCE tokens: `span.sent` walks its whole sentence, so one
        # endless "sentence" full of matches (a hostile page) made every extractor quadratic.
        bounds = np.append(np.flatnonzero(sent_starts == 1), len(doc))
        for i in np.flatnonzero(np.diff(bounds) > MAX_SENTENCE):
            sent_starts[bounds[i] + MAX_SENTENCE : bounds[i + 1] : MAX_SENTENCE] = 1
    doc.from_array([SENT_START], sent_starts.reshape(-1, 1).astype("uint64"))
    return doc


@Language.factory("policy_sections", default_config={"candidates_key": "section_candidates", "line_rules": []})
def make_policy_sections(nlp: Language, name: str, candidates_key: str, line_rules: list[dict]):
    return PolicySections(candidates_key, line_rules)


HEADER_PREFIX = re.compile(r"^[ \t]*(?:[•●▪■\-*#]+[ \t]*|(?:[IVX]{1,4}|\d{1,2}|[A-H])[.)][ \t]+)?$")  # e.g. "  ", "II. ", "• "
RUN_IN = r"(?::[^\n]*|:?)"  # e.g. ": Criteria and treatment protocols are reviewed annually ..."
LINE_NUMBERING = r"[ \t]*(?:(?:[IVX]{1,4}|\d{1,2}|[A-H])[.)][ \t]+)?"  # e.g. "IX. ", "3) ", "B. " before a line rule's heading
# A web page's link back to its top beside each heading, e.g. "IX. REFERENCES<TAB>TOP", "Policy<TAB>Back to Top"
BACK_LINK = r"(?:\t[ ]*(?i:(?:(?:back|return|go)[ ]+to[ ]+)?top(?:[ ]+of[ ]+(?:the[ ]+)?page)?)|[ \t]*[↑⇧▲])"
# e.g. "*" after "Special Notes:": a footnote mark on the heading
FOOTNOTE_MARK = r"(?:[ \t]*[*†‡])"
ENDING = rf"(?::?{FOOTNOTE_MARK}?{BACK_LINK}?)"  # what may follow a line rule's heading, e.g. ":", "\tTOP"
# e.g. " (CMM-204)", ":", "", and the other column labels when the heading opens a table's header row
# ("History:<TAB>Date:<TAB>Activity:"), a footnote mark or a back link
HEADER_SUFFIX = re.compile(
    rf"^[ \t]*(?:\([^()\n]{{1,40}}\))?[ \t]*(?::(?:\t[ ]*[A-Z][\w /()&.-]{{0,30}}:)*)?{FOOTNOTE_MARK}?{BACK_LINK}?[ \t]*$"
)
# a heading that is only a status: inside a code table it heads a group of codes, the table goes on
STATUS_HEADING = re.compile(r"(?i)^(?:not\s+)?(?:covered|medically\s+necessary|experimental|investigational|unproven)(?:\s*(?:/|and|or)\s*(?:experimental|investigational|unproven))*$")
STICKY = {"history": {"index", "references", "websites"}}


TITLE_WORDS = re.compile(r"^ *(?:[A-Z][\w/&'’-]* +){1,3}$")  # e.g. "Clinical Guideline ", "Medical " (spaces only: a tab is a cell)
NOT_A_PREFIX = frozenset({"history"})  # "Family History", "Medical History" are no history headings


def _title_words_before(prefix: str, span: Span, rest: str) -> bool:
    """A heading phrase of two words or more after one to three capitalized words fills a heading line
    too ("Clinical Guideline Coverage Criteria", "Medical Policy Criteria"): a short line, every word
    capitalized, no sentence."""
    if span.label_ in NOT_A_PREFIX or len(span) < 2 or not TITLE_WORDS.match(prefix) or not HEADER_SUFFIX.match(rest):
        return False  # a lone word ("Criteria", "Policy") after others is a document type or a subtopic
    line = (prefix + span.text).strip()
    return len(line) <= 60 and all(w[:1].isupper() or w in {"and", "of", "for", "the", "&", "to"} for w in line.split())


def _inside_phrase(text: str, line_start: int, line_end: int) -> bool:
    """A heading-like line that a wrapped phrase runs through: the line above stops on a word that needs
    more ("outlined in"), or the line below goes on in lower case ("section")."""
    above_end = line_start - 1
    if above_end > 0 and text[above_end - 1 : above_end] != "\n":
        above = text[text.rfind("\n", 0, above_end) + 1 : above_end].rstrip()
        if above and OPEN_END.search(above) and not above.endswith(":"):
            return True
    below = text[line_end + 1 : text.find("\n", line_end + 1) if text.find("\n", line_end + 1) >= 0 else len(text)]
    return bool(below[:1].islower())


def _runs_in(text: str, header: Span) -> bool:
    """A heading followed by text on its line ("Change Summary: Updated Description ...") is a one-line
    note in a letterhead, not a table that later headings could sit inside."""
    line_end = text.find("\n", header.end_char)
    return not HEADER_SUFFIX.match(text[header.end_char : len(text) if line_end < 0 else line_end])


def _bulleted(text: str, offset: int) -> bool:
    """True when a bullet opens the line before `offset` ("• Medical Policy Statement updated" in a history row)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return bool(re.match(r"[ \t]*[•●▪■\-*]", text[line_start:offset]))


def _after_blank(text: str, offset: int) -> bool:
    """True when the line holding `offset` opens the text or follows a blank line."""
    line_start = text.rfind("\n", 0, offset) + 1
    return line_start == 0 or text[: line_start - 1].endswith("\n") or not text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].strip()


class PolicySections:
    """Section headers are candidate phrases (from the span ruler) or line rules (whole-line regexes,
    also data) that fill their whole line; a section runs to the next header."""

    def __init__(self, candidates_key: str, line_rules: list[dict]) -> None:
        self.candidates_key = candidates_key
        # a rule marked "run_in" also takes a heading that runs into its text after a colon
        # ("Policy Update Information: Criteria are reviewed annually ..."); others fill their line
        self.line_rules = [
            (rule["label"], re.compile(rf"^{LINE_NUMBERING}({rule['regex']})[ \t]*{RUN_IN if rule.get('run_in') else ENDING}[ \t]*$", re.M | re.I))
            for rule in line_rules
        ]

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        candidates = list(doc.spans.get(self.candidates_key, []))
        whole_line: set[int] = set()  # line rules already checked what stands beside the heading
        for label, rule in self.line_rules:
            for match in rule.finditer(text):
                span = doc.char_span(match.start(1), match.end(1), label=label, alignment_mode="expand")
                if span is not None:
                    candidates.append(span)
                    whole_line.add(span.start_char)
        headers: list[Span] = []
        for span in sorted(candidates, key=lambda s: (s.start_char, -len(s))):
            if headers and span.start_char < headers[-1].end_char:
                continue
            line_start = text.rfind("\n", 0, span.start_char) + 1
            line_end = text.find("\n", span.end_char)
            line_end = len(text) if line_end < 0 else line_end
            prefix = text[line_start : span.start_char]
            if not HEADER_PREFIX.match(prefix) and not _title_words_before(prefix, span, text[span.end_char : line_end]):
                continue
            if span.start_char not in whole_line and not HEADER_SUFFIX.match(text[span.end_char : line_end]):
                continue
            if text[span.start_char].islower() or (HEADER_SUFFIX.match(text[span.end_char : line_end]) and _inside_phrase(text, line_start, line_end)):
                continue  # e.g. "... or family\nhistory", "report any test outlined in\nCoverage Limitations\nsection"
            headers.append(span)
        sticky: list[Span] = []
        for span in _without_contents_lists(text, headers):
            if sticky and sticky[-1].label_ == "codes" and STATUS_HEADING.match(span.text):
                continue  # e.g. "Not Covered" in a code table's comment column: a status group, not a section
            if sticky and sticky[-1].label_ in STICKY and not _runs_in(text, sticky[-1]):
                # e.g. "Definitions" inside a history row summarizing what changed: inside a history
                # table only a heading after a blank line ends it, or a references/index heading
                if span.label_ not in STICKY[sticky[-1].label_] and (not _after_blank(text, span.start_char) or _bulleted(text, span.start_char)):
                    continue
            sticky.append(span)
        headers = sticky
        sections = [
            Span(doc, header.start, headers[i + 1].start if i + 1 < len(headers) else len(doc), label=header.label_)
            for i, header in enumerate(headers)
        ]
        doc.spans["section_headers"] = headers
        doc.spans["sections"] = sections
        return doc


CONTENTS_RUN = 3  # headings in a row with no text between them: a list of contents, not sections


def _without_contents_lists(text: str, headers: list[Span]) -> list[Span]:
    """Drop runs of CONTENTS_RUN or more headings with nothing but blank lines between them (a page's
    contents list or navigation: "POLICY / RELATED POLICIES / ... / HISTORY"), which would otherwise
    make the last entry swallow the document. A final heading that repeats an earlier entry's label is
    the real first section, printed right after the list, and is kept."""
    kept: list[Span] = []
    run: list[Span] = []

    def flush() -> None:
        if len(run) < CONTENTS_RUN:
            kept.extend(run)
        elif run[-1].label_ in {h.label_ for h in run[:-1]}:
            kept.append(run[-1])
        run.clear()

    for header in headers:
        if run and text[run[-1].end_char : header.start_char].strip(" \t\n:") != "":
            flush()
        run.append(header)
    flush()
    return kept


QUOTE_WINDOW = 80  # chars: how far a quoted title may reach on either side of a status phrase


def _quoted_title(text: str, start: int, end: int) -> bool:
    """A status word inside curly quotes that open with a capital letter names a document, not a status."""
    opening = text.rfind("“", max(0, start - QUOTE_WINDOW), start)
    if opening < 0 or text.rfind("”", opening, start) >= 0 or not text[opening + 1 : opening + 2].isupper():
        return False
    return text.find("”", end, end + QUOTE_WINDOW) >= 0


JUDGING_VERBS = frozenset({"consider", "considers", "deem", "deems", "find", "finds"})
JUDGEMENT_REACH = 10  # tokens: "does not consider maternal cfDNA testing to be medically necessary"


def _negated_judgement(doc: Doc, span: Span) -> bool:
    """A negated judging verb whose object the status phrase qualifies: "CCA does not consider X to be
    medically necessary", "The plan does not deem X medically necessary"."""
    window = doc[max(span.sent.start, span.start - JUDGEMENT_REACH) : span.start + 1]  # the phrase may open with the verb
    for i, token in enumerate(window):
        if token.lower_ in JUDGING_VERBS:
            before = doc[max(span.sent.start, window.start + i - 2) : window.start + i]
            return any(t.lower_ in NEGATORS for t in before) and not any(t.text in ".;:" for t in window[i:])
    return False


# a judging verb with a bare "necessary", e.g. "considers molecular/genetic tests necessary for ..." (a regex, not a
# token pattern: a quantified token pattern costs the span ruler a Matcher pass over every document)
JUDGED_NECESSARY = re.compile(r"(?i)\b(?:consider(?:s|ed)?|deem(?:s|ed)?)[ \t\n]+(?:(?!medically\b|not\b)[^\s.;:,]+[ \t\n]+){1,6}?necessary\b")


def _judged_necessary(doc: Doc, text: str, spans: list[Span]) -> list[Span]:
    if "necessary" not in text:
        return []
    taken = {(s.start_char, s.end_char) for s in spans}
    out = []
    for match in JUDGED_NECESSARY.finditer(text):
        span = doc.char_span(match.start(), match.end(), label="medically_necessary", alignment_mode="expand")
        if span is not None and (span.start_char, span.end_char) not in taken and not any(s.start < span.end and span.start < s.end for s in spans):
            out.append(span)
    return out


@Language.component("status_negation")
def status_negation(doc: Doc) -> Doc:
    """A status phrase with a negator shortly before it in its sentence is negated: 'is not considered investigational'."""
    kept, negated = [], []
    text = doc_text(doc)
    phrases = list(doc.spans.get("statuses", []))
    phrases = sorted(phrases + _judged_necessary(doc, text, phrases), key=lambda s: (s.start, s.end))
    for span in phrases:
        if _quoted_title(text, span.start_char, span.end_char):
            negated.append(span)  # the title of another document: “Investigational (Experimental) Services”
            continue
        if span[0].lower_ in NEGATORS or span[0].lower_ in {"non", "noncovered"}:
            kept.append(span)  # the phrase carries its own negation: "not medically necessary"
            continue
        window = doc[max(span.sent.start, span.start - 4) : span.start]
        if span.label_ == "medically_necessary" and _negated_judgement(doc, span):
            kept.append(Span(doc, span.start, span.end, label="not_medically_necessary", span_id=span.id_))
            continue  # "does not consider X to be medically necessary" says X is not medically necessary
        if any(t.lower_ in NEGATORS or t.lower_ == "longer" for t in window) or _negated_judgement(doc, span):
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
    nlp.tokenizer.token_match = whole_token
    nlp.tokenizer.suffix_search = TailSearch(nlp.tokenizer.suffix_search)
    nlp.tokenizer.rules = {orth: tokens for orth, tokens in nlp.tokenizer.rules.items() if orth not in UNCACHED_SPECIALS}
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE
    _SPLIT_ALONE.clear()  # a new tokenizer has an empty cache
    nlp.add_pipe("policy_senter")
    ruler = nlp.add_pipe(
        "span_ruler", name="section_ruler",
        config={"spans_key": "section_candidates", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    headers = _patterns("section_headers.jsonl")
    with nlp.select_pipes(enable=[]):  # patterns are tokenized only: running them through the pipes is wasted time
        ruler.add_patterns([row for row in headers if "pattern" in row])
    nlp.add_pipe("policy_sections", config={"line_rules": [row for row in headers if "regex" in row]})
    ruler = nlp.add_pipe(
        "span_ruler", name="payer_ruler",
        config={"spans_key": "payers", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_wrapped(_patterns("payers.jsonl")))
    ruler = nlp.add_pipe(
        "span_ruler", name="status_ruler",
        config={"spans_key": "statuses", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_wrapped(_patterns("status_phrases.jsonl")))
    nlp.add_pipe("status_negation")
    ruler = nlp.add_pipe(
        "span_ruler", name="scope_ruler",
        config={"spans_key": "scopes", "phrase_matcher_attr": "LOWER", "overwrite": True, "spans_filter": LONGEST},
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_wrapped(_patterns("scope_terms.jsonl")))
    return nlp


def payer_domains() -> dict[str, str]:
    return {row["domain"]: row["payer"] for row in _patterns("payer_domains.jsonl")}
