"""Indications: the items of lists the policy names as covered or as experimental/investigational/unproven.

A list (bulleted, numbered or lettered, see lists.py) is read with the status that governs it: its
lead-in sentence ("... is considered investigational for the following:"), a status heading above
it ("Covered", "Experimental/Investigational"), the sentence right after it ("These are considered
experimental/investigational ..."), or the status of the list it is nested in.
Not indications: criteria lists, which name what a patient must meet ("when ALL of the following
criteria are met", items joined by "; AND"), with the lists nested in them, unless a nested list names
diagnoses or conditions ("has a diagnosis of one of the following:"); lists governed by a not
medically necessary or not covered status; lists in narrative sections; lists of what decisions rest on
("Review criteria used ...:", "information the Medical Director will consider includes:"), of plans or groups,
and numbered outline headings ("I. Criteria for Approval", "III. What is Considered Investigational").
Sub-items that say when their item applies ("EEG if ANY of the following are present:") are not items; an item
that only leads into its sub-items ("Tests for:") gives way to them.
A numbered item that opens with a short sentence and goes on ("1. Ankylosing Spondylitis. Approve for
...") is indicated by that first sentence.
Numbered or lettered headings that name a condition and carry its approval criteria under them ("1. Dravet
Syndrome. Approve if ...", "A. Major depressive disorder (treatment-resistant)" over "1. Initial Authorization")
are indications even where the lead-in calls what follows criteria; the criteria under them are not.
The first column of an indication table ("Indication<TAB>Criteria", indication_tables.py) lists
indications too.
When a policy has no such list, the conditions named in its statements count ("... for the treatment
of musculoskeletal pain and/or instability"), unless its statements both cover and deny (the conditions
are then the settings of criteria).
"""

from __future__ import annotations

import re

from extractors.document import Line, PolicyDoc
from extractors.indication_tables import indication_rows
from extractors.lists import Group, ListIndex, heading_like_item, lists, marker
from extractors.models import Evidence, Indication, Status
from extractors.statuses import NEGATIVE, POSITIVE, StatusIndex, heading_status
from extractors.structure import NOT_STATEMENTS, POSITION, Statement, statement_status, statements

INCLUDED = frozenset({Status.experimental_investigational_unproven, Status.medically_necessary, Status.medically_necessary_with_criteria})
# e.g. "when ALL of the following criteria are met", "BOTH the following are met", "must also be met"
CONJUNCTIVE = re.compile(
    r"(?i)\b(?:all\s+(?:of\s+)?the\s+following|both\s+(?:of\s+)?the\s+following|each\s+of\s+the\s+following|"
    r"following\s+(?:criteria|requirements)|criteria\s+(?:are|is|must\s+be)\s+met|must\s+(?:also\s+)?(?:meet|have|be)|meets?\s+(?:all|the\s+following)|"
    r"(?:patient|individual|member|enrollee|beneficiary)s?\s+(?:meets?|has|have)\s+(?:at\s+least\s+)?(?:one|both|all|any|two|the))"  # e.g. "if the patient meets ONE of"
)
# a covered use beyond the listed ones comes with conditions, e.g. "medically necessary for indications not
# listed above when the drug is prescribed ... either:" (a negative statement so worded lists examples)
OTHER_USES = re.compile(r"(?i)\bnot\s+listed\s+(?:above|below)|\bother\s+than\s+those\s+listed")
# e.g. "has a diagnosis of one of the following:", "for individuals with any of the following conditions:",
# "In the treatment of ANY of the following:", "meets criteria for 1 or more of the following approved tests:"
CONDITIONS = re.compile(
    r"(?i)\b(?:diagnos(?:is|es)|conditions?|indications?|disorders?|diseases?)\s+"
    r"(?:(?:of|including|such\s+as)(?:,?\s+but\s+not\s+limited\s+to,?)?\s+)?"  # e.g. "disorder such as, but not limited to the following"
    r"(?:(?:one|any|at\s+least\s+one|one\s+or\s+more)\s+of\s+)?the\s+following\b"
    r"|\bfollowing\s+(?:\w+\s+){0,2}(?:conditions|indications|diagnoses|disorders|diseases|cancers)\b"
    r"|\b(?:treatment|management)\s+of\s+(?:one|any|either|at\s+least\s+one|one\s+or\s+more|1\s+or\s+more)\s+of\s+the\s+following\b"
    r"|\b(?:one|any|either|at\s+least\s+one|one\s+or\s+more|1\s+or\s+more)\s+of\s+the\s+following\s+(?:\w+\s+)?(?:tests|services|procedures)\b"
)
# "conditions" that are circumstances or criteria, e.g. "is covered for the donor under the following conditions:",
# "when the following conditions are met:", "meets ALL of the following conditions:"
CIRCUMSTANCES = re.compile(
    r"(?i)\bunder\s+the\s+following\s+(?:\w+\s+)?conditions\b|\bconditions\s+(?:are|is|must\s+be|have\s+been)\s+met\b"
    r"|\bmeets?\s+(?:all|both|each|the)\s+(?:of\s+)?(?:the\s+)?following\s+conditions\b"
)
# an item's lead into sub-items that qualify it: when it applies ("EEG if ANY of the following are present:",
# "Genetic testing ... in ANY of the following situations:")
QUALIFIER_LEAD = re.compile(
    r"(?i)\b(?:if|when|where)\s+(?:any|all|one|either|both|each|at\s+least\s+one|one\s+or\s+more)\s+(?:of\s+)?the\s+following\b"
    r"|\bin\s+(?:any|all|one|either|each)\s+of\s+the\s+following\s+(?:situations|circumstances)\b"  # e.g. "Genetic testing ... in ANY of the following situations:"
)
# a stub that leads into its sub-items and names nothing alone: a class of things or a preposition left open, e.g.
# "Tests for:", "Functional imaging modalities, including:", "Screening for the following:", "Devices, such as:"
# (not "Congenital adrenal hyperplasia, including:", which names a condition)
STUB = re.compile(
    r"(?i)\W*(?P<stub>[^:]*?)[,\s]*(?:(?:for|of)(?:\s+the\s+following)?|including|such\s+as)?\s*:\s*$"
)
GENERIC_LAST = re.compile(
    r"(?i)(?:^|\s)(?:modalities|tests|testing|services|procedures|devices|therapies|treatments|studies|panels|methods|techniques|"
    r"screening|requirements)$"
)
OPEN_STUB = re.compile(r"(?i)\b(?:for|of)(?:\s+the\s+following)?\s*:\s*$")  # e.g. "Tests for:", "Screening for the following:"
STUB_WORDS = 4
# alternative conditions are indications, e.g. "when either of the following conditions are met:"
ALTERNATIVES = re.compile(r"(?i)\b(?:either|any|one|1|one\s+or\s+more|1\s+or\s+more|at\s+least\s+one)\s+of\s+the\s+following\s+conditions\b")
# a clause after the named conditions that the items complete, e.g. "any of the following genetic disorders in an
# embryo when:" (the items say when, not which disorders)
WHEN_CLAUSE = re.compile(r"(?i)\b(?:when|if|where|provided|unless)\b")
# a lead-in that defines a term: its items say what the term means, e.g. "Medically Necessary means Covered
# Services ... that the Plan determines are:", "... is one that:", "male factor infertility ... defined as followed:"
DEFINITION = re.compile(r"(?i)(?<!\bby\s)\bmeans\b|\bdefined\s+as\b|\bis\s+one\s+that\b")
# a lead-in that names what decisions rest on, not what is covered: its items are sources or standards of evidence,
# e.g. "Review criteria used by X to determine whether test(s) are medically necessary:", "information that the
# Medical Director will consider and includes:", "X will use the following as guidelines to ...", "The peer-reviewed
# literature does not support at least one of the following for the testing:"
DECISION_BASIS = re.compile(
    r"(?i)\b(?:criteria|sources|guidelines|standards|information)\s+(?:used|considered|applied|reviewed)\b"
    r"|\b(?:will|may|shall)\s+(?:also\s+)?consider\b|\buses?\s+the\s+following\s+as\b"
    r"|\bdocumentation\s+(?:submitted|required|must|should|reflects?|includes?)\b"  # e.g. "Clinical documentation submitted to support ..."
    r"|\b(?:literature|evidence|studies|data)\s+(?:does|do|must|should|may)?\s*(?:not\s+)?(?:supports?|demonstrates?|establish(?:es)?)\b"
)
# a lead-in over a list of plans, groups or products: the items say whom a statement applies to, e.g. "couples in the
# following group plans need to follow 1.1 above to be covered ...", "for members of the following products:"
SCOPE_LEAD = re.compile(r"(?i)\bfollowing\s+(?:\w+\s+){0,2}(?:plans|groups|products|employers|states|networks|lines\s+of\s+business)\b")
LEADS_INTO = re.compile(r"(?i)[:;]\s*$|\bfollowing\b")  # e.g. "... is covered for the following:", "... 1 or more of the following;"
# e.g. "Experimental, Investigational, or Unproven", "EXCLUSIONS", "Covered Indications:", "Not Medically Necessary"
STATUS_HEADING = re.compile(
    r"(?i)^\W*(?:nationally\s+)?(?:(?:experimental|investigational|unproven|(?:not\s+)?medically\s+necessary|non-?covered|not\s+covered|covered|"
    r"exclusions?|inclusions?|and|or)[\s,/&:]*)+(?:services|indications)?\W*$"
)
NATIONALLY = re.compile(r"(?i)^\W*nationally\s+")  # e.g. "Nationally Covered Indications" (a CMS NCD's heading)
STARRED = re.compile(r"\w\*(?!\*)")  # e.g. "Donor egg/embryo* is covered": a word with a footnote mark
FOOTNOTE_BACK = 1500  # chars: how far above a "*" line the word it explains may stand
AND_LEAD = re.compile(r"(?i)\band\s*:\s*$")  # e.g. "... for women less than 35 years of age and:" (more criteria)
# an item that explains or points elsewhere, e.g. "Rationale: The use of ...", "For prenatal screening, see Chapter 6",
# "For additional information, ..., please see the Individual & Family Plan Preventive Health Care Guidelines"
NOT_AN_ITEM = re.compile(
    r"(?i)^\W*(?:rationale|explanation|comments?|background)\s*:"
    r"|^\W*(?:all|any|both|either|one|each)\s+(?:of\s+)?(?:the\s+)?following(?:\s+\w+){0,2}\s*:?\s*$"  # e.g. "1. All of the following:" (a lead)
    r"|^\W*(?:for\b[^.;:]{0,120}?,\s*)?(?:please\s+)?(?:see|refer\s+to)\s+(?:the\s+)?(?:[\w&]+\s+){0,8}?(?:chapter|section|policy|manual|guidelines?|website)\b"
)
INDICATIONS_HEADING = re.compile(r"(?i)\bindications\b")  # e.g. "Indications", "FDA-Approved Indications", "Covered Indications"
EXCLUSIONS = re.compile(r"(?i)^\W*exclusions?\b")  # e.g. "Exclusions:"
EXCLUSIONS_BACK = 3000  # chars: how far above an "Exclusions:" list the statement it lists may stand
GOES_ON = re.compile(r"(?i)^\W*(?:and|or|plus|also)\b")  # e.g. "AND any of the following:"
AND_ITEM = re.compile(r"(?i)[;,]?\s+and\s*$|;\s*$")  # e.g. "...; AND"
# e.g. "These are considered experimental/investigational", "All other indications are considered ..."
TRAILING = re.compile(r"(?i)^\s*(?:these|this|the\s+above|such|they|all\s+of\s+the\s+above)\b")
ITEM_TAIL = re.compile(r"(?i)[;,]?\s*(?:\b(?:and/or|or|and)\b\s*[;,]?|;)\s*$")  # e.g. "Insomnia; OR" -> "Insomnia", "SNPs, OR;" -> "SNPs", "...; and/or"
HEAD_SENTENCE = re.compile(r"^(?P<head>[^.]{3,80}?)\.\s+[A-Z]")  # e.g. "Ankylosing Spondylitis. Approve for ..."
TREATMENT = re.compile(
    r"(?i)\b(?:(?:for|in|as)\s+(?:the\s+|a\s+)?(?:treatment|management)\s+(?:of|for)|for\s+treating|to\s+treat)\s+(?P<x>[^.;:]+)"
)
# where a condition phrase ends, e.g. " (e.g., laxity)", " is considered", ", including", " due to"
CONDITION_END = re.compile(
    r"\s*\(|\s*;|\s+(?:is|are|was|were|has|have)\b|,\s*(?:including|such\s+as|which|and\s+is)\b|\s+(?:due\s+to|because|when|unless|except|if)\b"
)
SPLIT = re.compile(r"\s+and/or\s+|\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")  # e.g. "pain and/or instability"
COPULA = re.compile(r"\s(?:is|are)\s")
CONDITION_SECTIONS = frozenset({"policy", "prior_auth"})
SUBJECT_WORDS = 8  # a statement's subject ("Prolotherapy/Sclerotherapy for ANY indication") is short
STATEMENT_WORDS = 15  # an item this long with a status of its own is a statement
LEAD_BACK = 400  # chars: how far above a list a governing statement may stand
NOT_A_CONDITION = re.compile(r"(?i)^(?:any|all|each|the)\s+of\s+the\s+following|^individuals\b|^patients\b|^members\b")
NOT_HERE = NOT_STATEMENTS
# the body under a condition heading approves it, e.g. "Approve if the patient meets ...", "will be approved based on"
APPROVAL_BODY = re.compile(r"(?i)\bapprov(?:e|ed|al)\b|\bmedically\s+necessary\b|\bcovered\b")
# a heading that names a step, a person or a requirement, not a condition, e.g. "Initial Therapy", "Reauthorization",
# "Patient is Currently Receiving X", "Coverage Criteria", "Dosing", "Prior Authorization"
NOT_A_CONDITION_HEADING = re.compile(
    r"(?i)\b(?:initial|continu\w*|renewal|re-?authori[sz]ation|authori[sz]ation|approval|criteria|requirements?|"
    r"dos(?:e|es|ing|age)|duration|quantity|limits?|background|overview|policy|coverage|documentation|exclusions?|"
    r"definitions?|references?|patients?|members?|individuals?|prescriber|provider|age|diagnosis|therapy\s+(?:stage|step))\b"
    r"|\b(?:is|are|was|were|has|have|must|should|will|may|can|meets?|requires?|receiving)\b"
)
CONDITION_HEADING_WORDS = 16  # words of a condition heading outside its parentheses


def extract(doc: PolicyDoc) -> list[Indication]:
    index = StatusIndex(doc)
    found: dict[str, Indication] = {}

    def add(start: int, end: int, status: Status | None, kind: str, statement: tuple[int, int] | None, text: str | None = None) -> None:
        evidence = doc.evidence(start, end)
        text = " ".join((text or evidence.text).split()).strip(" ;,")
        key = text.casefold()
        if len(text) < 2 or key in found:
            return
        found[key] = Indication(
            text=text, status=status, kind=kind, basis="structure" if kind == "list_item" else "prose", evidence=evidence,
            statement_evidence=doc.evidence(*statement) if statement else None,
        )

    structure = lists(doc)
    for group, status, governing, named in _indicated_groups(doc, index, structure):
        if _outline_headings(doc, structure, group):
            continue
        for i in group.items:
            start, end = _item_text(doc, structure, i)
            if NOT_AN_ITEM.match(doc.text[start:end]) or _status_heading(doc.text[start:end]) or _stub(doc, structure, i):
                continue
            if _is_statement(doc, index, start, end, status if named else None):
                continue  # "I. It is the policy of ... that current evidence does not support X": a statement
            add(start, end, status, "list_item", governing)
    for start, end, status, governing in _condition_headings(doc, index, structure):
        add(start, end, status, "list_item", governing)
    for start, end, status, governing in _table_items(doc, index):
        add(start, end, status, "list_item", governing)
    for header, rows in indication_rows(doc):
        status, governing = _indication_table_status(doc, header)
        for row in rows if status in INCLUDED else []:
            add(row.pieces[0][0], row.pieces[-1][1], status, "list_item", governing, text=row.text(doc))
    if not found and not _mixed_positions(doc):
        for statement in statements(doc):
            if statement.text.rstrip().endswith(":") or doc.section_label_at(statement.start) not in CONDITION_SECTIONS:
                continue  # it leads into a list, or stands outside the policy's own statements
            for start, end in _conditions(doc, statement):
                add(start, end, statement.status, "condition", (statement.start, statement.end))
    return list(found.values())


# --- lists -----------------------------------------------------------------------------------------


def _indicated_groups(doc: PolicyDoc, index: StatusIndex, structure: ListIndex):
    """(group, status, governing span, named) for every list group whose items are indications; `named`
    when the lead names what the items are ("any of the following conditions:", "1 or more of the
    following approved tests:"), so that an item stating its own status is still an item.
    A list of conditions inside criteria is indicated; the lists nested in its items qualify each
    condition (the genes to test, the findings that define it) and are criteria."""
    decided: dict[int, tuple[Status | None, tuple[int, int] | None, bool]] = {}  # item -> (status, span, criteria for nested lists)
    previous = (None, None, False)  # the last top-level group's decision
    for group in structure.groups:
        first = structure.items[group.items[0]]
        if doc.section_label_at(first.start) in NOT_HERE or _footnote(doc, structure, group):
            continue
        if group.parent is not None:
            inherited = decided.get(group.parent, (None, None, False))
        elif group.lead and GOES_ON.match(doc.text[slice(*group.lead)]):
            inherited = previous  # "AND any of the following:" goes on with the list above
        else:
            inherited = (None, None, False)
        status, governing = _status(doc, index, structure, group)
        if status is None and not _sub_points(doc, group):
            status, governing = inherited[0], inherited[1]
        if status is None and group.parent is None and doc.section_label_at(first.start) in CONDITION_SECTIONS and _names_things(doc, structure, group):
            status, governing = _plain_coverage(doc)  # a benefit list under topic headings ("For all Adults", "Women's Health")
        lead = doc.text[slice(*group.lead)] if group.lead else ""
        conditions = _names_conditions(lead)
        # a statement above the lead that governs the list ("... when the following criteria are met:" over
        # "Initial Criteria for Approval:") says what the items are as well as a lead would
        above = doc.text[slice(*governing)] if governing and governing != group.lead and group.parent is None else ""
        in_criteria = (
            bool(CONJUNCTIVE.search(lead)) or _circumstances(lead) or _joined_by_and(doc, structure, group) or inherited[2]
            or (status in POSITIVE and bool(OTHER_USES.search(lead))) or bool(above.rstrip().endswith(":") and CONJUNCTIVE.search(above))
        )
        criteria = bool(DEFINITION.search(lead) or AND_LEAD.search(lead) or DECISION_BASIS.search(lead) or SCOPE_LEAD.search(lead)) or (not conditions and in_criteria)
        criteria = criteria or (group.parent is not None and bool(QUALIFIER_LEAD.search(lead)) and statement_status(doc, index, *group.lead) is None)
        for i in group.items:
            decided[i] = (status, governing, criteria or (conditions and in_criteria))
        if group.parent is None:
            previous = (status, governing, criteria)
        if status in INCLUDED and not criteria:
            yield group, status, governing, conditions


def _condition_headings(doc: PolicyDoc, index: StatusIndex, structure: ListIndex):
    """(start, end, status, governing span) of numbered or lettered items that head a condition's approval
    criteria ("1. Dravet Syndrome. Approve if the patient meets ..."; "A. Major depressive disorder" over
    "1. Initial Authorization" / "a. X will be approved based on ..."): the heading names the covered condition.
    Most items of the group (two thirds) must be so shaped, and only those count; headings nested in such a
    heading ("A) Initial Therapy") are its criteria."""
    heading_items: set[int] = set()
    for group in structure.groups:
        first = structure.items[group.items[0]]
        if first.kind not in ("number", "upper") or doc.section_label_at(first.start) in NOT_HERE:
            continue
        if _under(structure, group.parent, heading_items):
            continue
        heads = [_condition_head(doc, structure.items[i]) for i in group.items]
        if 3 * sum(1 for h in heads if h) < 2 * len(heads):
            continue  # most items must be so shaped; "A. Patients less than 19 years of age" among them is a case, not a condition
        status, governing = _status(doc, index, structure, group)
        if status is not None and status not in INCLUDED:
            continue
        heading_items.update(group.items)
        for start, end in filter(None, heads):
            yield start, end, status or Status.medically_necessary_with_criteria, governing or (start, end)


def _under(structure: ListIndex, parent: int | None, marked: set[int]) -> bool:
    while parent is not None:
        if parent in marked:
            return True
        parent = structure.items[parent].parent
    return False


def _condition_head(doc: PolicyDoc, item) -> tuple[int, int] | None:
    """(start, end) of the condition an item heads: its text up to the first sentence end outside brackets
    ("Treatment-Refractory Seizures [specific rare conditions] (i.e., CDKL5 ...). Approve if ..."), when the
    head is a short noun phrase and what follows it (the rest of the item and the items nested in it) approves."""
    text = doc.text[item.start : item.end]
    depth, cut = 0, len(text.rstrip())
    for k, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "." and depth == 0:
            cut = k
            break
    head = text[:cut]
    bare = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", head)
    if not head[:1].isupper() or head.rstrip().endswith(":") or not 0 < len(bare.split()) <= CONDITION_HEADING_WORDS:
        return None
    if NOT_A_CONDITION_HEADING.search(bare) or _status_heading(head):
        return None
    body = doc.text[item.start + cut : max(item.last, item.end)]
    if len(body.split()) < 4 or not APPROVAL_BODY.search(body[:600]):
        return None
    return item.start, item.start + len(head.rstrip())


def _stub(doc: PolicyDoc, structure: ListIndex, i: int) -> bool:
    """An item that only leads into its sub-items ("Tests for:" over "1. Celiac antibodies, ..."): its sub-items
    are the list's items in its place."""
    item = structure.items[i]
    if item.last <= item.end:
        return False
    match = STUB.match(doc.text, item.start, item.end)
    if match is None or len(match.group("stub").split()) > STUB_WORDS:
        return False
    return bool(OPEN_STUB.search(match.group(0)) or GENERIC_LAST.search(match.group("stub")))


def _outline_headings(doc: PolicyDoc, structure: ListIndex, group: Group) -> bool:
    """Top-level numbered items that head the parts of the policy ("I. Criteria for Approval", "II. Covered
    diagnoses include the following:", "III. What is Considered Investigational"): each is a short heading or a
    lead into what follows, and each has text, a list or a table under it. They head lists; they list nothing."""
    if group.parent is not None or group.lead is not None or len(group.items) < 2:
        return False  # items a sentence leads into ("... when criteria A, B or C below are met:") are its alternatives
    items = [structure.items[i] for i in group.items]
    if any(item.kind.startswith("bullet") for item in items) or items[0].mark not in ("I", "1", "A", "i", "a"):
        return False  # an outline starts at its first number; "D. ... E. ..." after a page break goes on with a list
    texts = [" ".join(doc.text[item.start : item.end].split()) for item in items]
    headed = [t.endswith(":") or heading_like_item(t) for t in texts]
    has_body = [item.last > item.end or _text_follows(doc, item) for item in items]
    return all(headed) and all(has_body) and any(heading_like_item(t) for t in texts)


def _text_follows(doc: PolicyDoc, item) -> bool:
    """More than a line of text under the item before its next sibling (a paragraph, a table)."""
    index = doc.line_index(item.end) + 1
    body = 0
    for line in doc.lines[index : index + 6]:
        if line.is_blank:
            continue
        if marker(line) is not None:
            break  # the next item
        body += 1
    return body >= 2


def _sub_points(doc: PolicyDoc, group: Group) -> bool:
    """Sub-items of a parent item that is a sentence not leading into them ("1.2 ... will be covered for
    embryos created by approved IVF procedures." over a list of group plans): they go on with what the
    sentence says, and no status governs them as a list."""
    lead = doc.text[slice(*group.lead)] if group.parent is not None and group.lead else ""
    return lead.rstrip().endswith(".") and not LEADS_INTO.search(lead)


def _footnote(doc: PolicyDoc, structure: ListIndex, group: Group) -> bool:
    """A "*" line under a list whose lead-in marks a word with "*" ("Donor egg/embryo* is covered for ...:")
    is that word's footnote ("* The egg donor must be less than 34 years of age.")."""
    first = structure.items[group.items[0]]
    if first.kind != "bullet:*":
        return False
    above = doc.text[max(0, doc.line_at(first.start).start - FOOTNOTE_BACK) : doc.line_at(first.start).start]
    return bool(STARRED.search(above))


def _names_conditions(lead: str) -> bool:
    """The lead-in names the kind of thing its items are: conditions, diagnoses, tests ("has a diagnosis of
    one of the following:"), not circumstances ("under the following conditions:") nor a "when" clause."""
    match = CONDITIONS.search(lead)
    return match is not None and not _circumstances(lead) and not WHEN_CLAUSE.search(lead, match.end())


def _circumstances(lead: str) -> bool:
    return bool(CIRCUMSTANCES.search(lead)) and not ALTERNATIVES.search(lead)


def _status(doc: PolicyDoc, index: StatusIndex, structure: ListIndex, group: Group) -> tuple[Status | None, tuple[int, int] | None]:
    lead = doc.text[slice(*group.lead)] if group.lead else ""
    if _sub_points(doc, group):
        return None, None
    if group.lead:
        status = statement_status(doc, index, *group.lead) or (heading_status(NATIONALLY.sub("", lead)) if len(lead.split()) <= 4 else None)
        if status is Status.not_covered and EXCLUSIONS.match(lead):
            # "Exclusions:" lists what the policy's negative statement above excludes (often investigational)
            status = _negative_above(doc, group.lead[0]) or status
        if status is Status.not_covered and group.parent is None:
            # "may NOT be eligible ... including:" then "These are considered experimental/investigational"
            trailing = _trailing(doc, index, structure, group)
            if trailing and trailing[0] is not Status.not_covered:
                return trailing
        if status is not None:
            return status, group.lead
    if group.heading:
        status = statement_status(doc, index, *group.heading) or heading_status(doc.text[slice(*group.heading)])
        if status is not None:
            return status, group.heading
    if group.parent is None:
        trailing = _trailing(doc, index, structure, group)
        if trailing:
            return trailing
        if group.heading is None:  # a heading between a statement and a list starts another topic
            return _statement_above(doc, structure, group)
    return None, None





def _names_things(doc: PolicyDoc, structure: ListIndex, group: Group) -> bool:
    """A bulleted list of names ("Alcohol misuse screening and counseling"), not an outline of sentences
    ("A. Prior authorization may be required for genetic testing. This includes ...") nor a table's cell."""
    items = [structure.items[i] for i in group.items]
    if not all(item.kind.startswith("bullet") for item in items):
        return False
    above = doc.lines[max(0, doc.line_index(items[0].start) - 3) : doc.line_index(items[0].start)]
    if any("\t" in line.text for line in above):
        return False  # a list in a table's cell ("Relevant outcomes include:" under "Populations<TAB>Outcomes")
    sentences = sum(1 for item in items if re.search(r"[.:]\s*$", doc.text[item.start : item.end]))
    return 3 * sentences <= len(items)


def _plain_coverage(doc: PolicyDoc) -> tuple[Status | None, tuple[int, int] | None]:
    """A policy whose every statement covers without conditions ("Preventive services ... are covered") lists
    what it covers: its policy section's lists under topic headings ("For all Adults", "Women's Health") with no
    status of their own are covered items. Nothing when any statement sets criteria or denies."""
    if "plain_coverage" not in doc.cache:
        found = [s for s in statements(doc) if doc.section_label_at(s.start) in CONDITION_SECTIONS]
        plain = bool(found) and all(s.status is Status.medically_necessary for s in found)
        doc.cache["plain_coverage"] = (Status.medically_necessary, (found[0].start, found[0].end)) if plain else (None, None)
    return doc.cache["plain_coverage"]


def _negative_above(doc: PolicyDoc, start: int) -> Status | None:
    """The status of the nearest negative coverage statement above `start` (an "Exclusions" heading is
    often a section of its own, right after the policy statement)."""
    for statement in reversed(statements(doc)):
        if statement.end <= start and statement.start >= start - EXCLUSIONS_BACK and statement.status in NEGATIVE:
            return statement.status
    return None


def _trailing(doc: PolicyDoc, index: StatusIndex, structure: ListIndex, group: Group):
    """The sentence right after a list that says what its items are: "These are considered experimental/investigational"."""
    end = max(structure.items[i].last for i in group.items)
    line_index = doc.line_index(end) + 1
    for line in doc.lines[line_index : line_index + 3]:
        if line.is_blank:
            continue
        if not TRAILING.match(line.text) and not re.match(r"(?i)\s*all\s+other\b", line.text):
            return None
        span = doc.spacy.char_span(line.content_start, line.content_start + 1, alignment_mode="expand")
        sentence = span.sent if span is not None else None
        if sentence is None:
            return None
        if not POSITION.search(doc.text, sentence.start_char, sentence.end_char):
            return None  # "This LCD gives general guidance to the medically reasonable and necessary applications": no position
        status = statement_status(doc, index, sentence.start_char, sentence.end_char)
        return (status, (sentence.start_char, sentence.end_char)) if status else None
    return None


def _statement_above(doc: PolicyDoc, structure: ListIndex, group: Group):
    """The nearest coverage statement a few lines above a list with no lead-in, in the same section, with
    no table between."""
    start = structure.items[group.items[0]].start
    section_start = max((s.header_start for s in doc.sections if s.header_start <= start), default=0)
    for statement in reversed(statements(doc)):
        if statement.end <= start and statement.start >= max(section_start, start - LEAD_BACK):
            if _table_rows_in(doc, doc.line_at(statement.end).end + 1, doc.line_at(start).start):
                break  # a table stands between: the list is in one of its cells ("Populations<TAB>Interventions")
            return statement.status, (statement.start, statement.end)
        if statement.end < start - LEAD_BACK:
            break
    return None, None


def _joined_by_and(doc: PolicyDoc, structure: ListIndex, group: Group) -> bool:
    """Items joined by "; AND" (criteria), not by "; OR" (alternatives)."""
    tails = [doc.text[structure.items[i].start : structure.items[i].end] for i in group.items[:-1]]
    ands = sum(1 for t in tails if re.search(r"(?i)\band\s*[;,]?\s*$", t))  # e.g. "...; AND", "..., AND;"
    return len(tails) > 0 and ands * 2 > len(tails)


def _status_heading(text: str) -> bool:
    """An item that is a status heading printed with a list marker ("II. Experimental, Investigational, or
    Unproven", "3.0 EXCLUSIONS"): it heads the items under it."""
    return bool(STATUS_HEADING.match(text))


def _is_statement(doc: PolicyDoc, index: StatusIndex, start: int, end: int, named: Status | None = None) -> bool:
    """A long item that states a status itself is a coverage statement, not an item of a list of services;
    unless the list's lead named its items ("1 or more of the following approved tests:") and the item
    states a status on the same side (each approved test "is medically necessary for ...")."""
    if len(doc.text[start:end].split()) <= STATEMENT_WORDS:
        return False
    own = statement_status(doc, index, start, end)
    return own is not None and (named is None or (own in POSITIVE) != (named in POSITIVE))


def _item_text(doc: PolicyDoc, structure: ListIndex, i: int) -> tuple[int, int]:
    """An item's own text (nested items excluded), without a trailing "; OR"; a numbered item that opens
    with a short sentence and goes on is indicated by that sentence."""
    item = structure.items[i]
    start, end = item.start, item.end
    text = doc.text[start:end]
    head = HEAD_SENTENCE.match(text)
    if head and item.kind in ("number", "upper") and len(head.group("head").split()) <= 8 and len(text) > 60:
        return start, start + head.end("head")
    tail = ITEM_TAIL.search(text)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


def empty_headings(doc: PolicyDoc) -> list[Evidence]:
    """Section headings that announce indications ("Indications", "FDA-Approved Indications") with
    nothing under them: no list item, no table row, no coverage statement. A review reason: the list may
    have been lost (an image, a layout the loader could not read)."""
    structure = lists(doc)
    item_starts = sorted(item.start for item in structure.items)
    sections = doc.sections
    out = []
    for i, section in enumerate(sections):
        heading = doc.text[section.header_start : section.header_end]
        if not INDICATIONS_HEADING.search(heading) or section.label in NOT_HERE:
            continue
        # the heading's reach: its sub-headings of the same kind ("Not Medically Necessary:") belong to it
        end = next((s.header_start for s in sections[i + 1 :] if s.label != section.label), len(doc.text))
        if any(section.start <= start < end for start in item_starts) or _table_rows_in(doc, section.start, end):
            continue
        if any(section.start <= st.start < end for st in statements(doc)):
            continue  # the section states its coverage in sentences
        if any(s is not section and doc.text[s.header_start : s.header_end] == heading and s.end - s.start > 2 for s in sections):
            continue  # an entry of a contents list; the same heading heads the content further on
        out.append(doc.evidence(section.header_start, section.header_end))
    return out


def _table_rows_in(doc: PolicyDoc, start: int, end: int) -> bool:
    return any("\t" in line.text for line in doc.lines_between(start, end))


# --- tables ----------------------------------------------------------------------------------------


def _table_items(doc: PolicyDoc, index: StatusIndex):
    """The first cells of a table that a status statement leads into ("PacificSource considers the
    following genetic tests to be Experimental/Investigational/Unproven:" over "Genetic Test<TAB>CPT
    Codes" and its rows): the services it lists."""
    lines = doc.lines
    for i, line in enumerate(lines):
        if "\t" not in line.text or not _header_row(line.text) or doc.section_label_at(line.start) in NOT_HERE:
            continue
        lead = next((l for l in reversed(lines[max(0, i - 3) : i]) if not l.is_blank), None)
        if lead is None or not lead.text.rstrip().endswith(":"):
            continue
        status = statement_status(doc, index, lead.start, lead.end)
        if status not in INCLUDED or CONJUNCTIVE.search(lead.text):
            continue
        for row in lines[i + 1 :]:
            if "\t" not in row.text or _header_row(row.text):
                break
            first = row.text.split("\t", 1)[0]
            if first.strip():
                start = row.start + len(first) - len(first.lstrip())
                yield start, row.start + len(first.rstrip()), status, (lead.start, lead.end)


def _indication_table_status(doc: PolicyDoc, header: Line) -> tuple[Status | None, tuple[int, int] | None]:
    """An indication table pairs each indication with the criteria it is covered under: medically necessary
    with criteria, or the status of the coverage statement above it in its section; none outside the policy."""
    if doc.section_label_at(header.start) in NOT_HERE:
        return None, None
    section_start = max((s.header_start for s in doc.sections if s.header_start <= header.start), default=0)
    above = [st for st in statements(doc) if section_start <= st.start and st.end <= header.start]
    if above:
        return above[-1].status, (above[-1].start, above[-1].end)
    return Status.medically_necessary_with_criteria, (header.start, header.end)


def _header_row(text: str) -> bool:
    """A row of column names: a few capitalized words per cell, no digits."""
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    return len(cells) >= 2 and all(c[:1].isupper() and len(c.split()) <= 4 and not re.search(r"\d", c) for c in cells)


# --- conditions named in statements ----------------------------------------------------------------


def _mixed_positions(doc: PolicyDoc) -> bool:
    """The policy covers some uses (with criteria) and denies others in prose: the conditions its sentences
    name are the settings of those criteria ("... as part of the treatment of acute ischemic stroke for members
    who meet ALL of the following"), no list of what is covered or denied."""
    found = {s.status in POSITIVE for s in statements(doc) if doc.section_label_at(s.start) in CONDITION_SECTIONS}
    return len(found) > 1


def _conditions(doc: PolicyDoc, statement: Statement) -> list[tuple[int, int]]:
    text = doc.text
    out: list[tuple[int, int]] = []
    for match in TREATMENT.finditer(text, statement.start, statement.end):
        out += _split(text, match.start("x"), _phrase_end(text, match.start("x"), match.end("x")))
    if not out:
        subject_end = _subject_end(text, statement)
        if len(text[statement.start : subject_end].split()) > SUBJECT_WORDS:
            return []  # "A specific genetic test may only be performed once ... for inherited conditions" is no subject
        cue = re.compile(r"\bfor\s+(?!the\s+treatment|treating)").search(text, statement.start, subject_end)
        if cue:
            out += _split(text, cue.end(), _phrase_end(text, cue.end(), subject_end))
    return [(a, b) for a, b in out if not NOT_A_CONDITION.match(text[a:b])]


def _subject_end(text: str, statement: Statement) -> int:
    """End of the statement's subject: its first table cell, or the text before 'is'/'are'."""
    line_end = text.find("\n", statement.start)
    first_line = text[statement.start : line_end if 0 <= line_end < statement.end else statement.end]
    if "\t" in first_line:
        return statement.start + first_line.index("\t")
    copula = COPULA.search(text, statement.start, statement.end)
    return copula.start() if copula else statement.start


def _phrase_end(text: str, start: int, limit: int) -> int:
    stop = CONDITION_END.search(text, start, limit)
    end = stop.start() if stop else limit
    return end if end > start else limit


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'musculoskeletal pain and/or instability' -> two conditions, offsets kept."""
    out, cursor = [], start
    for sep in SPLIT.finditer(text, start, end):
        out.append((cursor, sep.start()))
        cursor = sep.end()
    out.append((cursor, end))
    return [(a, b) for a, b in out if text[a:b].strip(" .,;")]
