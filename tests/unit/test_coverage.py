"""Coverage statements: status vocabulary, negation, scope and the overall status."""

import pytest

from extractors import coverage


@pytest.mark.parametrize(
    "sentence, status",
    [
        pytest.param("Prolotherapy is considered investigational.", "experimental_investigational_unproven", id="investigational"),
        pytest.param("X is considered experimental, investigational, or unproven (EIU).", "experimental_investigational_unproven", id="eiu"),
        pytest.param("X is considered investigational and not medically necessary.", "experimental_investigational_unproven", id="eiu-beats-nmn"),
        pytest.param("X is unproven and not medically necessary due to insufficient evidence.", "experimental_investigational_unproven", id="unproven"),
        pytest.param("X is considered not medically necessary.", "not_medically_necessary", id="nmn"),
        pytest.param("X is not considered medically necessary.", "not_medically_necessary", id="negated-mn-is-nmn"),
        pytest.param("This is not a covered service.", "not_covered", id="not-covered"),
        pytest.param("X is proven and medically necessary.", "medically_necessary", id="mn"),
        pytest.param("X is medically necessary when all of the following criteria are met:", "medically_necessary_with_criteria", id="mn-criteria"),
        pytest.param("X is proven and medically necessary in certain circumstances.", "medically_necessary_with_criteria", id="mn-circumstances"),
    ],
)
def test_statement_status(make_doc, sentence, status):
    found = coverage.extract(make_doc(f"Policy\n\n{sentence}"))
    assert [s.status for s in found.statements] == [status]
    assert found.statements[0].evidence.text == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Prolotherapy is not considered investigational.", id="negated-eiu"),
        pytest.param("This device is no longer considered experimental.", id="no-longer"),
        pytest.param("Is this clinically appropriate?", id="question"),
        pytest.param("Listing of a code does not imply that the service is a covered or non-covered health service.", id="disclaimer"),
        pytest.param("Experimental/Investigational services are defined as services not proven safe and effective.", id="definition"),
        pytest.param("The term 'experimental' means a service not yet accepted as standard care.", id="term-means"),
    ],
)
def test_not_a_negative_statement(make_doc, sentence):
    statuses = [s.status for s in coverage.extract(make_doc(f"Policy\n\n{sentence}")).statements]
    assert "experimental_investigational_unproven" not in statuses and "not_covered" not in statuses


def test_narrative_sections_are_not_statements(make_doc):
    text = "Rationale\n\nThe device is considered investigational by some authors.\n\nPolicy\n\nThe device is medically necessary."
    assert [s.status for s in coverage.extract(make_doc(text)).statements] == ["medically_necessary"]


def test_scope_from_lines_and_prefix(make_doc):
    text = (
        "Policy\n\nFor Medicare Members\n\nThis service is not covered per Medicare criteria.\n\n"
        "For Non-Medicare Members\n\nProlotherapy is considered investigational.\n\n"
        "Outpatient\nCommercial PPO and Indemnity This is not a covered service.\n"
    )
    statements = coverage.extract(make_doc(text)).statements
    assert [(s.lines_of_business, s.setting) for s in statements] == [
        (["medicare"], None), (["non_medicare"], None), (["commercial", "indemnity", "ppo"], "outpatient"),
    ]
    assert statements[2].scope == "Commercial PPO and Indemnity"


@pytest.mark.parametrize(
    "sentences, overall",
    [
        pytest.param(["A is investigational.", "B is not medically necessary."], "experimental_investigational_unproven", id="negatives-most-specific"),
        pytest.param(["A is medically necessary when criteria are met.", "B is unproven."], "mixed", id="mixed"),
        pytest.param(["This is not a covered service."], "not_covered", id="single"),
    ],
)
def test_overall_status(make_doc, sentences, overall):
    assert coverage.extract(make_doc("Policy\n\n" + "\n\n".join(sentences))).status == overall
