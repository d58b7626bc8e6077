"""Indications: bulleted lists governed by a statement, and conditions named in a statement."""

import pytest

from extractors import indications


def texts(make_doc, text):
    return [(i.text, i.status) for i in indications.extract(make_doc(text))]


EIU = "experimental_investigational_unproven"


def test_bulleted_list_under_statement(make_doc):
    text = "Policy\n\nProlotherapy is considered investigational for all applications, including:\n\n  • Back pain\n  • Knee osteoarthritis\n\nOther text."
    assert texts(make_doc, text) == [("Back pain", EIU), ("Knee osteoarthritis", EIU)]


def test_list_governed_by_previous_sentence(make_doc):
    text = (
        "Coverage Rationale\n\nSurgery is proven and medically necessary in certain circumstances. "
        "For criteria, refer to the following:\n• Arthroscopy, Knee\n• Arthrotomy, Knee\n"
    )
    assert [t for t, _ in texts(make_doc, text)] == ["Arthroscopy, Knee", "Arthrotomy, Knee"]


def test_wrapped_items_and_sub_bullets(make_doc):
    text = (
        "Policy\n\nPolysomnography is medically necessary when:\n• Individual is known to have one of the following:\n"
        "o Chronic opiate medication use (> 3 months)\no Body mass index (BMI) ≥ 50 (DeMaria et al.,\n2007)\n"
    )
    items = [t for t, _ in texts(make_doc, text)]
    assert items == ["Individual is known to have one of the following:", "Chronic opiate medication use (> 3 months)", "Body mass index (BMI) ≥ 50 (DeMaria et al., 2007)"]


@pytest.mark.parametrize(
    "sentence, conditions",
    [
        pytest.param("Prolotherapy performed for the treatment of musculoskeletal pain and/or instability (e.g., laxity) is considered EIU.", ["musculoskeletal pain", "instability"], id="treatment-clause"),
        pytest.param("Prolotherapy is considered INVESTIGATIONAL as a treatment of musculoskeletal pain.", ["musculoskeletal pain"], id="as-a-treatment"),
        pytest.param("Service\tPolicy\nProlotherapy for ANY indication\tThere is insufficient evidence to show that this service is safe.", ["ANY indication"], id="table-row-subject"),
        pytest.param("Near-infrared imaging is considered investigational and not medically necessary for all indications.", [], id="universal-predicate"),
        pytest.param("Resting ECG in adults is considered not medically necessary.", [], id="no-condition"),
    ],
)
def test_conditions_in_statement(make_doc, sentence, conditions):
    assert [t for t, _ in texts(make_doc, f"Policy\n\n{sentence}")] == conditions


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Policy\n\nX is not medically necessary when both are present:\n1. No symptoms; and\n2. Low risk.", id="numbered-criteria"),
        pytest.param("Related Policies\n\nSee the following:\n• Sleep Studies\n• Joint Procedures", id="related-policies"),
        pytest.param("Policy History:\n\n  • October 2020 - Annual Review", id="history-bullets"),
        pytest.param("Policy\n\nThe following are available:\n• Item A\n• Item B", id="no-status"),
    ],
)
def test_not_indications(make_doc, text):
    assert texts(make_doc, text) == []
