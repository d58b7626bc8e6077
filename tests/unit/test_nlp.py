"""The spaCy components on their own: each built into a blank English pipeline, as spaCy tests do."""

import pytest
import spacy

import extractors.nlp  # noqa: F401  (registers the components)
from extractors.nlp import TOKEN_MATCH, TailSearch, make_nlp, run, whole_token


@pytest.mark.parametrize("token", ["0232T", "M0076", "M54.50", "ICD-10-CM", "0R533ZZ", "20550"], ids=str)
def test_codes_stay_whole_tokens(token):
    nlp = spacy.blank("en")
    nlp.tokenizer.token_match = TOKEN_MATCH
    assert [t.text for t in nlp(f"see {token}, here")] == ["see", token, ",", "here"]


@pytest.mark.parametrize("text", [
    pytest.param("and/or  Inc.\tcannot\nvs. (e.g., U.S.) don't 10mm $5.00 \"quoted\" M54.50,", id="special-cases-first"),
    pytest.param("Covered\n\n  when:\t\u2022 0232T (and/or) medically necessary. Inc. e.g. Inc.,", id="specials-later"),
    pytest.param(" \n leading blanks  and  double  spaces \n", id="whitespace-chunks"),
])
def test_cached_tokenizer_splits_as_spacy_does(text):
    """The pipeline's tokenizer (whitespace special cases dropped, chunks cached ahead): spaCy's tokens."""
    stock = spacy.blank("en")
    stock.tokenizer.token_match = whole_token
    stock.tokenizer.suffix_search = TailSearch(stock.tokenizer.suffix_search)
    make_nlp()
    for _ in range(2):  # second time: every chunk from the cache
        ours = run(text)
        assert [(t.text, t.idx, t.whitespace_, t.norm_) for t in ours] == [(t.text, t.idx, t.whitespace_, t.norm_) for t in stock(text)]


def test_policy_senter_uses_layout():
    nlp = spacy.blank("en")
    nlp.add_pipe("policy_senter")
    doc = nlp("Outpatient\nCommercial PPO This is not covered (e.g., rarely). Next one.\n• Item one\n• Item two\nLead:\nBody")
    assert [s.text.strip() for s in doc.sents] == [
        "Outpatient", "Commercial PPO This is not covered (e.g., rarely).", "Next one.", "• Item one", "• Item two", "Lead:", "Body",
    ]


def test_policy_sections_keep_whole_line_headers_only():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "section_candidates", "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "references", "pattern": "references"}, {"label": "history", "pattern": "policy history"}])
    nlp.add_pipe("policy_sections")
    doc = nlp("Policy\nSee the references below.\n\n## References (CMM-204)\n1. A.\n\nPolicy History:\n1/2025 Reviewed.")
    assert [(s.label_, s.text.split("\n")[0]) for s in doc.spans["sections"]] == [
        ("references", "References (CMM-204)"), ("history", "Policy History:"),
    ]


def test_status_negation_moves_negated_phrases_aside():
    nlp = spacy.blank("en")
    nlp.add_pipe("policy_senter")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "statuses", "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([
        {"label": "experimental_investigational_unproven", "pattern": "investigational"},
        {"label": "not_medically_necessary", "pattern": "not medically necessary"},
    ])
    nlp.add_pipe("status_negation")
    doc = nlp("A is not considered investigational. B is investigational. C is not medically necessary.")
    assert [s.text for s in doc.spans["statuses"]] == ["investigational", "not medically necessary"]
    assert [s.sent.text for s in doc.spans["negated_statuses"]] == ["A is not considered investigational."]


@pytest.mark.parametrize(
    "text, sections",
    [
        pytest.param(
            "POLICY\nRELATED POLICIES\nREFERENCES\nHISTORY\n\nA title\n\nPolicy\n\nX is investigational.\n\nReferences\n\n1. A.",
            ["policy", "references"], id="contents-list-is-not-sections",
        ),
        pytest.param(
            "Contents\nPolicy\nReferences\nHistory\nPolicy\n\nX is investigational.",
            ["policy"], id="first-section-right-after-contents",
        ),
        pytest.param("Policy\nCoverage Rationale\n\nX is investigational.\n\nReferences\n\n1. A.", ["policy", "policy", "references"], id="two-headings-in-a-row-stay"),
    ],
)
def test_contents_lists(text, sections):
    from extractors.nlp import make_nlp

    doc = make_nlp()(text)
    assert [s.label_ for s in doc.spans["sections"]] == sections


@pytest.mark.parametrize(
    "text, headings",
    [
        pytest.param("Intro\n\nAPPROVAL HISTORY\n12/11/2024\tAdded review.", [("history", "APPROVAL HISTORY")], id="approval-history"),
        pytest.param("Intro\n\nJoint Medical Policy History\n5/1/13\tEstablished", [("history", "Joint Medical Policy History")], id="words-before-history"),
        pytest.param("Intro\n\nReviews, Revisions, and Approvals\nPolicy developed 02/22", [("history", "Reviews, Revisions, and Approvals")], id="reviews-revisions-approvals"),
        pytest.param("Intro\n\nPolicy Update Information: Reviewed annually.\n\nJanuary 2026: Coding change.", [("history", "Policy Update Information")], id="run-in-update-information"),
        pytest.param("Intro\n\nHistory:\tDate:\tActivity:\nCommittee\t11/21/24\tReview", [("history", "History")], id="heading-opens-a-header-row"),
        pytest.param("Criteria\n\nFamily History\nA first-degree relative with cancer.", [("policy", "Criteria")], id="family-history-is-no-heading"),
        pytest.param("Criteria\n\nPositive tests in cases without\nfamily\nhistory\nof cancer.", [("policy", "Criteria")], id="wrapped-lowercase-word-is-no-heading"),
        pytest.param("Contractor Information\n\nNote History\n\nOriginal Effective Date 01/01/2019", [], id="note-history-is-page-navigation"),
        pytest.param("Intro\n\nX. POLICY HISTORY\tTOP\n\n4/6/2020 Minor review.", [("history", "POLICY HISTORY\tTOP")], id="numbered-with-a-top-link"),
        pytest.param("Intro\n\nPOLICY HISTORY - THIS POLICY WAS APPROVED BY THE COMMITTEE ACCORDING TO THE HISTORY BELOW:\nSeptember 2016New policy",
                     [("history", "POLICY HISTORY - THIS POLICY WAS APPROVED BY THE COMMITTEE ACCORDING TO THE HISTORY BELOW:")], id="run-on-caption"),
        pytest.param("Intro\n\nPolicy updates\n\n5/2016: initial review.", [("history", "Policy updates")], id="policy-updates"),
        pytest.param(
            "Policy History\n06/01/2026\tRemoved: Information under Miscellaneous and\nAppendices\nAdded: codes\n\nReferences\n1. A.",
            [("history", "Policy History"), ("references", "References")], id="heading-word-inside-a-history-row",
        ),
        pytest.param(
            "Change Summary: Updated Description, Coverage Determination\n\nDescription\nA test.\n\nReferences\n1. A.",
            [("history", "Change Summary"), ("description", "Description"), ("references", "References")], id="one-line-change-summary-is-not-sticky",
        ),
        pytest.param(
            "Intro\n\nIX. REFERENCES\tTOP\n1. A.\n\nX. POLICY HISTORY\tBack to Top\n1/2025 Reviewed.",
            [("references", "REFERENCES"), ("history", "POLICY HISTORY")], id="roman-numerals-and-back-links",
        ),
        pytest.param("Intro\n\nVIII. Evidence-based Scientific References\n\nA.", [("references", "Evidence-based Scientific References")], id="numbered-line-rule"),
        pytest.param("Intro\n\nReference Sources\n\nA.", [("references", "Reference Sources")], id="reference-sources"),
        pytest.param("Intro\n\nV. Reference Materials\n\nA.", [("references", "Reference Materials")], id="reference-materials"),
        pytest.param("Intro\n\nCROSS REFERENCES\nA policy.\n\nREFERENCE TABLE\nA\tB\n\nReference\nStandard", [], id="cross-references-tables-and-columns-are-no-references"),
        pytest.param("Intro\n\nSpecial Notes: *\nMedical policies are technical.", [("instructions", "Special Notes")], id="footnote-mark-after-heading"),
    ],
)
def test_section_headings(text, headings):
    from extractors.nlp import make_nlp

    doc = make_nlp()(text)
    assert [(s.label_, s.text.strip()) for s in doc.spans["section_headers"]] == headings
