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


@pytest.mark.parametrize(
    "text, items",
    [
        pytest.param(
            "Policy\n\nHumana members may NOT be eligible for MSLT for any indications other than those listed above, including:\n\n"
            "• Single nap studies; OR\n\n• Unattended MSLT study\n\nThese are considered experimental/investigational as they are not widely used.",
            [("Single nap studies", EIU), ("Unattended MSLT study", EIU)], id="trailing-sentence-gives-the-status",
        ),
        pytest.param(
            "Policy\n\nThe following are considered experimental, investigational, and unproven:\n1. Any indication other than those listed above\n"
            "Note: based on the literature the safety has not been established.\n2. Use in Becker muscular dystrophy\n",
            [("Any indication other than those listed above", EIU), ("Use in Becker muscular dystrophy", EIU)], id="numbered-list-resumes-after-a-note",
        ),
        pytest.param(
            "Coverage\n\nCovered\n• Pregnant persons with a singleton pregnancy\no Serum screening\no Cell-free DNA\n\nNon-Covered\n\n• For determination of fetal sex.\n",
            [("Pregnant persons with a singleton pregnancy", "medically_necessary"), ("Serum screening", "medically_necessary"), ("Cell-free DNA", "medically_necessary")],
            id="status-headings-and-nested-items",
        ),
        pytest.param(
            "Policy\n\nX is considered medically necessary when meeting all of the following:\nA. The member has a diagnosis of one of the following:\n"
            "1. Metastatic lung adenocarcinoma,\n2. Gastric cancer,\nB. The member is a candidate for therapy.\n",
            [("Metastatic lung adenocarcinoma", "medically_necessary_with_criteria"), ("Gastric cancer", "medically_necessary_with_criteria")],
            id="diagnoses-nested-in-criteria",
        ),
        pytest.param(
            "Policy\n\nAdalimumab is considered medically necessary when ONE of the following is met (1-3):\n\nFDA-Approved Indications\n\n"
            "1. Ankylosing Spondylitis. Approve for the duration noted if the patient meets ONE of the following (A or B):\n"
            "Note: This includes juvenile disease.\nA) Initial Therapy. Approve for 6 months.\nB) Patient is Currently Receiving the drug. Approve for 1 year.\n"
            "Note: A patient restarting therapy is reviewed under A.\n2. Crohn's Disease. Approve for the duration noted if the patient meets ONE of the following.\n",
            [("Ankylosing Spondylitis", "medically_necessary_with_criteria"), ("Crohn's Disease", "medically_necessary_with_criteria")],
            id="numbered-conditions-with-criteria-under-them",
        ),
        pytest.param(
            "Medical Policy Statement\n\nThe peer reviewed literature has not shown its utility. Therefore, this service is considered investigational.\n\n"
            "Inclusions:\n• Testing to screen for trisomy 21 in singleton pregnancies.\n\n(Karyotyping would confirm a positive result.)\n"
            "• Testing for fetal sex when ultrasound shows ambiguous genitalia.\n\nExclusions:\n• Testing for microdeletions.\n",
            [("Testing to screen for trisomy 21 in singleton pregnancies.", "medically_necessary"),
             ("Testing for fetal sex when ultrasound shows ambiguous genitalia.", "medically_necessary"),
             ("Testing for microdeletions.", EIU)],
            id="inclusions-exclusions-and-a-note-between-bullets",
        ),
        pytest.param(
            "Policy\n\nThe plan considers the following genetic tests to be Experimental/Investigational/Unproven:\n\n"
            "Genetic Test\tCPT/HCPCS Codes\nST2 Assay\t83006\nChemosensitivity testing\t81535, 81536\n\nCoding Information\n",
            [("ST2 Assay", EIU), ("Chemosensitivity testing", EIU)], id="first-cells-of-a-table-led-by-a-statement",
        ),
    ],
)
def test_list_indications(make_doc, text, items):
    assert texts(make_doc, text) == items


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Policy\n\nPSG is medically necessary when ALL of the following criteria are met:\n• Excessive daytime sleepiness; AND\n• Snoring\n", id="criteria-list"),
        pytest.param("Policy\n\nA facility study is medically necessary when the following criteria are met:\n• Diagnosis of OSA;\n\nAND any of the following:\n• Failure of APAP\n• Central apnea\n", id="criteria-go-on-after-and"),
        pytest.param("Policy\n\nDrugs may be medically necessary for indications not listed above when prescribed either:\n1. In accordance with the FDA label; OR\n2. Per compendia\n", id="other-uses-with-conditions"),
        pytest.param("Policy\n\nX is not medically necessary for the following:\n• Screening\n• Surveillance\n", id="not-medically-necessary-list"),
        pytest.param("Policy\n\nThere are other payment rules, discussed in the following documents, that must also be met:\n• The Policy Article\n", id="must-also-be-met"),
    ],
)
def test_lists_that_are_not_indications(make_doc, text):
    assert texts(make_doc, text) == []


@pytest.mark.parametrize(
    "text, empty",
    [
        pytest.param("Policy\n\nThis policy addresses knee surgery.\n\nCovered Indications\n\n\nCoding\n\n20550\tInjection\n", ["Covered Indications"], id="nothing-under-it"),
        pytest.param("Policy\n\nCovered Indications\n\n• Back pain\n\nCoding\n", [], id="a-list-under-it"),
        pytest.param("Clinical Indications\n\nResting ECG is considered not medically necessary for screening.\n", [], id="a-statement-under-it"),
    ],
)
def test_empty_indication_headings(make_doc, text, empty):
    assert [e.text for e in indications.empty_headings(make_doc(text))] == empty
