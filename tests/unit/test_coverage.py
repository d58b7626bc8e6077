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
        pytest.param("For individuals with symptoms, X MEETS COVERAGE CRITERIA.", "medically_necessary_with_criteria", id="meets-coverage-criteria"),
        pytest.param("For all other situations, X DOES NOT MEET\nCOVERAGE CRITERIA.", "not_covered", id="does-not-meet-coverage-criteria"),
        pytest.param("Screening is not covered unless there is documentation of medical necessity.", "medically_necessary_with_criteria", id="not-covered-unless"),
        pytest.param("The plan does not consider cfDNA testing to be medically necessary for sex determination.", "not_medically_necessary", id="negated-judgement-is-nmn"),
        pytest.param("The plan considers cfDNA testing to be medically necessary; it does not require a referral.", "medically_necessary", id="judgement-not-negated"),
        pytest.param("The plan may cover cfDNA testing when either of the following criteria are met:", "medically_necessary_with_criteria", id="may-cover"),
        pytest.param("The plan considers molecular/genetic tests necessary for one of the following indications:", "medically_necessary_with_criteria", id="considers-x-necessary"),
        pytest.param("The plan does not consider repeat tests necessary.", "not_medically_necessary", id="does-not-consider-x-necessary"),
        pytest.param("Carotid stenting meets the definition of medical necessity when ALL of the following criteria are met:",
                     "medically_necessary_with_criteria", id="meets-the-definition-of-medical-necessity"),
        pytest.param("Carotid stenting does not meet the definition of medical necessity.", "not_medically_necessary", id="does-not-meet-the-definition"),
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


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Coverage for experimental or investigational treatments, services and procedures is specifically excluded under "
                     "the member's certificate with the Health Plan.", id="benefit-exclusion-footer"),
        pytest.param("Note: A complete description of the process by which a given technology or service is evaluated and determined "
                     "to be experimental, investigational or unproven is outlined in MP 15.", id="process-cross-reference"),
        pytest.param("If your patient is covered under a different Blue Cross and Blue Shield plan, please refer to the Medical "
                     "Policies of that plan.", id="patient-covered-under-a-plan"),
        pytest.param("Medical Necessity or Medically Necessary means Covered Services rendered by a Health Care Provider that the "
                     "Plan determines are:", id="glossary-means"),
        pytest.param("Medically Necessary — A service, item, procedure, or level of care that is necessary for the proper treatment "
                     "of an illness is one that:", id="glossary-dash"),
    ],
)
def test_general_sentences_are_no_statements(make_doc, sentence):
    assert coverage.extract(make_doc(f"Policy\n\n{sentence}")).statements == []


@pytest.mark.parametrize(
    "heading",
    [
        pytest.param("When services are not covered", id="when-services-are-not-covered"),
        pytest.param("Specific Exclusions as Non-Covered Services", id="exclusions-as-non-covered-services"),
    ],
)
def test_a_not_covered_outline_item_over_a_list_states_a_status(make_doc, heading):
    text = ("Policy Statement\n\n1. ALL of the following criteria must be met for the test to be considered medically necessary:\n"
            "A. A complete history has been established; AND\nB. The results will direct the patient's care.\n\n"
            f"Rationale\n\n3. {heading}\n• Direct-to-consumer testing kits.\n• Genetic testing in the screening "
            "of the general population.\n\n4. Post-payment Audit Statement\nThe medical record must include documentation.\n")
    found = coverage.extract(make_doc(text))
    assert found.status == "mixed"
    assert ("not_covered", heading) in [(s.status, s.text) for s in found.statements]


def test_a_position_printed_only_under_the_description_heading(make_doc):
    text = ("Description:\n\nGeneral Indications: Genetic testing for inheritable diseases is considered to be medically necessary when:\n"
            "• There is a reasonable expectation that a genetically inherited condition exists; and\n"
            "• The test results will guide treatment decisions.\n\nReferences:\n\n1. Smith J. A study. 2020.\n")
    assert coverage.extract(make_doc(text)).status == "medically_necessary_with_criteria"


def test_a_description_never_outweighs_the_policy_section(make_doc):
    text = "Description\n\nThe test is considered investigational by some payers.\n\nPolicy\n\nThe test is medically necessary.\n"
    assert coverage.extract(make_doc(text)).status == "medically_necessary"


def test_a_sentence_split_by_a_print_break_is_one_statement(make_doc):
    text = (
        "Policy\n\nRefer to Attachment C for a list of services that the Company considers\n\n"
        "experimental/investigational.\n\nX is medically necessary when criteria are met.\n"
    )
    found = coverage.extract(make_doc(text))
    assert [s.status for s in found.statements] == ["experimental_investigational_unproven", "medically_necessary_with_criteria"]
    assert found.status == "mixed"


def test_a_lower_case_line_after_a_finished_sentence_stays_its_own(make_doc):
    text = "Policy\n\nThe Company reviews this policy yearly.\n\nmedically necessary services are listed below.\n"
    assert [s.text for s in coverage.extract(make_doc(text)).statements] == ["medically necessary services are listed below."]


def test_an_exceptions_section_states_coverage(make_doc):
    text = (
        "I. Purpose\n\nThe plan considers clinical indications.\n\nIII.\tExceptions\n"
        "1. Direct-to-consumer tests are not covered.\n\nV. Policy Statements\n\nX is medically necessary when criteria are met.\n"
    )
    assert coverage.extract(make_doc(text)).status == "mixed"


@pytest.mark.parametrize(
    "text, overall",
    [
        pytest.param("Guideline\n\nThe Plan requires prior authorization of all requests for carrier screening (CPT 81220).\n",
                     "medically_necessary_with_criteria", id="prior-authorization-only"),
        pytest.param("Guideline\n\nNewborn screening does not require prior authorization under this policy.\n", None, id="no-prior-authorization"),
        pytest.param("Guideline\n\nThe inclusion of a code in this table does not imply that the code requires prior authorization.\n", None, id="code-table-disclaimer"),
        pytest.param("Policy\n\nPrior authorization is required. Screening is considered investigational.\n",
                     "experimental_investigational_unproven", id="a-stated-position-wins"),
        pytest.param("Prior Authorization Requirements\n\nPrior authorization may be granted for sealant therapy using procedure code D1351 when the "
                     "following criteria are met:\n\n• The client is 6 to 14 years of age.\n", "medically_necessary_with_criteria",
                     id="prior-authorization-may-be-granted"),
        pytest.param("Guideline\n\nHome sleep testing is subject to prior authorization.\n", "medically_necessary_with_criteria", id="subject-to-prior-authorization"),
        pytest.param("Guideline\n\nHome sleep testing is not subject to prior authorization.\n", None, id="not-subject-to-prior-authorization"),
        pytest.param(
            "Coverage Criteria\n\na. Drug X will be approved based on all of the following criteria:\n(1) Diagnosis of depression\n",
            "medically_necessary_with_criteria", id="approved-based-on-criteria",
        ),
        pytest.param("Background\n\nDrug X was approved by the FDA in 2019 for depression.\n", None, id="fda-approval-is-no-position"),
        pytest.param("Guideline\n\nFor the definition of medical necessity, see the member contract.\n", None, id="a-pointer-to-the-definition-is-no-position"),
    ],
)
def test_a_prior_authorization_requirement_is_the_position_only_when_none_is_stated(make_doc, text, overall):
    assert coverage.extract(make_doc(text)).status == overall


def test_a_lower_case_sentence_under_a_heading_does_not_take_the_heading(make_doc):
    text = "Coverage Criteria\n\ngenetic testing is considered investigational for all indications.\n"
    assert [s.text for s in coverage.extract(make_doc(text)).statements] == ["genetic testing is considered investigational for all indications."]
