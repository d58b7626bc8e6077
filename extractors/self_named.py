"""Organizations a policy names as itself that the payer gazetteer does not know.

A plan's policy speaks of its issuer in the third person: "CountyCare considers genetic testing medically
necessary ...", "Health Alliance uses written criteria ...", "Manual: IU Health Plans", "This policy
applies to all IU Health Plans ...", "... without the prior written consent of Acme Health Plan, Inc.".
When no plan of the gazetteer is named, a guideline vendor, a cited Medicare contractor or the template's
author would otherwise be taken for the payer. A name counts only when it reads as a health plan (an
organization word such as Health, Care, Plan, Alliance, Insurance, HMO, Medicaid) and is not a body
that writes guidance (a College, Society, Association ...), and only where the document uses it as
itself (`SELF_CONTEXT`), never in references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import PolicyDoc

# A proper name of 1-6 words: capitalized words, "of", "and", "&" inside, e.g. "Health Alliance",
# "Commonwealth Care Alliance", "IU Health Plans", "CountyCare", "Health Plan of San Joaquin"
NAME = r"(?:[A-Z][A-Za-z’'&.-]*[A-Za-z]|[A-Z]{2,})(?:[ ](?:of|and|&|the|[A-Z][A-Za-z’'&.-]*[A-Za-z]|[A-Z]{2,})){0,5}"
# what a plan does in its own policy, after its name: e.g. "CountyCare considers", "Health Alliance uses",
# "Commonwealth Care Alliance (CCA) follows", "IU Health Plans will not cover", "Acme Health Plan members"
VERB = re.compile(
    r"[ ](?:considers?|covers?|does[ ]not|do[ ]not|will|may|uses|follows|requires|reserves|adopts|has[ ]adopted|"
    r"determines|reimburses|pays|provides|allows|limits|excludes|members?|enrollees?|recognizes|defines|develops|"
    r"developed|approves|reviews|is[ ]not[ ]responsible)\b"
)
# the name just before the verb, with its short form or a possessive, e.g. "Commonwealth Care Alliance (CCA)", "Acme Health's"
NAME_BEFORE = re.compile(rf"(?P<name>{NAME})(?:[ ]\((?P<short>[A-Z]{{2,8}})\))?(?:’s|'s)?")
WINDOW = 90  # chars before the verb where its subject's name is looked for
# what opens a mention of the issuer (over the lower-cased text), e.g. "Manual: IU Health Plans",
# "proprietary information of Acme Health", "prior written consent of Acme Health Plan, Inc."
NOTICE = re.compile(r"manual:|proprietary\s+information\s+of|written\s+consent\s+of|applies\s+to\s+all")
NAME_AT = re.compile(rf"[ \t]*(?P<name>{NAME})")  # e.g. " IU Health Plans" after "Manual:"
# the organization words of a health plan's name, e.g. "Health", "Care" in "CountyCare", "Plans", "HMO"
PLAN_WORD = re.compile(r"(?:Health|Care|Plans?\b|Alliance|Insurance|Assurance|HMO\b|Medicaid|Mutual|Blue|Cross|Shield)")
# bodies that write guidance, and parts of an organization, e.g. "American College of Medical Genetics",
# "Medical Director", "Utilization Management Department"
NOT_A_PLAN = re.compile(
    r"\b(?:College|Society|Association|Academy|Institute|Foundation|Agency|Administration|Council|Coalition|"
    r"Center|Centers|Commission|Committee|Board|Department|Director|Team|Staff|Officer|Services?|Provider|"
    r"Providers|Physicians?|Professionals?|Guidelines?|Policy|Policies|Criteria|Program|Programs|Network|"
    r"Organization|Federation|Medicare|Medicaid[ ]Services|Management|Review|Reviewer|Benefits?|Coverage)\b"
)
# words every plan's name may have: a name of these alone ("Health Plan", "the Plan") names no one
GENERIC_WORDS = frozenset({"Health", "Healthcare", "Care", "Plan", "Plans", "Insurance", "Medical", "HMO", "PPO", "Medicaid",
                           "Member", "Members", "Company", "Mutual", "Blue", "Cross", "Shield", "Assurance", "Group", "of", "and", "&", "the"})
LEADING_WORDS = re.compile(r"^(?:(?:The|This|That|These|Our|Each|Every|All|Any|In|For|When|If|Where|Note|And|Or)[ ])+")
IGNORED_SECTIONS = frozenset({"references", "websites", "index"})


@dataclass(frozen=True)
class SelfName:
    name: str
    start: int
    end: int


def self_named(doc: PolicyDoc) -> list[SelfName]:
    """Mentions of each organization the document uses as itself at least once: every mention of that
    exact name outside the references (the first self-use included)."""
    names: dict[str, str] = {}  # name or its short form -> the name
    found = [m for m in (_subject_before(doc.text, v.start()) for v in VERB.finditer(doc.text)) if m is not None]
    for notice in NOTICE.finditer(doc.lower):
        if notice.group(0) == "manual:" and doc.text[doc.text.rfind("\n", 0, notice.start()) + 1 : notice.start()].strip():
            continue  # "Manual:" labels the letterhead's first cell only
        match = NAME_AT.match(doc.text, notice.end())
        if match and _clean(match.group("name")):
            found.append(match)
    for match in found:
        if doc.section_label_at(match.start()) in IGNORED_SECTIONS or doc.in_furniture(match.start()):
            continue  # (a running header or footer is the printer's frame: it adds no name of its own)
        name = _clean(match.group("name"))
        names.setdefault(name, name)
        short = match.groupdict().get("short")
        if short:
            names.setdefault(short, name)
    if not names:
        return []
    out = []
    alternation = re.compile(r"(?<![\w&’'-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w&-])")
    for match in alternation.finditer(doc.text):
        if doc.section_label_at(match.start()) not in IGNORED_SECTIONS:
            out.append(SelfName(names[match.group(0)], match.start(), match.end()))
    return out


def _subject_before(text: str, verb_start: int) -> re.Match | None:
    """The plan name that ends right before a verb on its line (the longest that reads as a plan)."""
    line_start = text.rfind("\n", 0, verb_start) + 1
    last_word = max(line_start, text.rfind(" ", line_start, verb_start) + 1)
    if not (text[last_word : last_word + 1].isupper() or text[last_word : last_word + 1] == "("):
        return None  # the word before the verb is no name's last word (most verbs: "... tests will be")
    window_start = max(line_start, verb_start - WINDOW)
    for word in re.finditer(r"(?<![\w&’'-])[A-Z]", text[window_start:verb_start]):  # e.g. each capitalized word
        match = NAME_BEFORE.fullmatch(text, window_start + word.start(), verb_start)
        if match and _clean(match.group("name")):
            return match
    return None


def _clean(name: str) -> str | None:
    """The name without leading function words ("The", "This") or a trailing "Inc", if it reads as a plan."""
    name = LEADING_WORDS.sub("", name).strip(" .,")
    name = re.sub(r",?[ ](?:Inc|LLC|Corp|Co)\.?$", "", name)  # e.g. "Acme Health Plan, Inc."
    words = name.split(" ")
    while words and words[-1] in {"of", "and", "&", "the"}:
        words.pop()
    name = " ".join(words)
    if not name or not PLAN_WORD.search(name) or NOT_A_PLAN.search(name) or all(w in GENERIC_WORDS for w in words):
        return None
    if len(words) == 1 and name.isupper() and len(name) < 3:
        return None
    return name
