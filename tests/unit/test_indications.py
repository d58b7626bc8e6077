"""Indications: bulleted lists governed by a statement, and conditions named in a statement."""

import pytest

from extractors import indications
from extractors.models import Status


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


def test_conditions_of_a_mixed_policy_are_settings_of_criteria(make_doc):
    text = (
        "Position Statement\n\nStent placement meets the definition of medical necessity as part of the treatment of intracranial "
        "aneurysms when surgery is not appropriate.\n\nAngioplasty is considered experimental or investigational for the treatment of "
        "atherosclerotic disease.\n"
    )
    assert texts(make_doc, text) == []


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
        pytest.param(
            "Policy\n\n8. Where the reason is not clear, the plan considers the following as indications for medically necessary testing:\n"
            "8.1.Preconception carrier screening recommended by ACOG OR\n8.2.When the following criteria are met:\n"
            "8.2.1. The individual is at significant risk; OR\n8.2.2.\tTesting is accompanied by genetic counseling.\n"
            "8.3.OR Clinical risk verified by the Medical Director\n\n9. Tests need only be conducted once.\n",
            [("Preconception carrier screening recommended by ACOG", "medically_necessary_with_criteria"),
             ("When the following criteria are met:", "medically_necessary_with_criteria"),
             ("OR Clinical risk verified by the Medical Director", "medically_necessary_with_criteria")],
            id="decimal-outline-numbers",
        ),
        pytest.param(
            "Policy Statement\n\nI. Liquid biopsy is considered medically appropriate when ALL the following criteria are met:\n"
            "A. To direct targeted therapy;\nB. In the treatment of ANY of the following:\n"
            "1. Metastatic colorectal cancer for the following targeted genes:\na. KRAS (CPT: 81275);\nb. NRAS (CPT: 81311);\n"
            "2. Metastatic prostate cancer for the following targeted gene mutations:\na. BRCA1/2.\n",
            [("Metastatic colorectal cancer for the following targeted genes:", "medically_necessary_with_criteria"),
             ("Metastatic prostate cancer for the following targeted gene mutations:", "medically_necessary_with_criteria")],
            id="conditions-numbered-under-a-lettered-criterion",
        ),
        pytest.param(
            "Criteria:\nPharmacogenetic testing is considered medically necessary for patients who meet ALL of the following:\n"
            "• There must be 1 or more of the following:\no There is an approved mutation specific treatment available\n"
            "• The patient meets criteria for 1 or more of the following approved tests:\n"
            "o HLA-B 1502 testing is medically necessary for persons of Asian ancestry before initiating treatment with carbamazepine\n"
            "o CYP2C19 variant testing is medically necessary for 1 or more of the following;\n• Member is undergoing treatment with clopidogrel;\n"
            "• Members whom the use of clopidogrel is being proposed.\n"
            "o PD-L1 is medically necessary for triple negative breast cancer\n",
            [("HLA-B 1502 testing is medically necessary for persons of Asian ancestry before initiating treatment with carbamazepine", "medically_necessary_with_criteria"),
             ("CYP2C19 variant testing is medically necessary for 1 or more of the following", "medically_necessary_with_criteria"),
             ("PD-L1 is medically necessary for triple negative breast cancer", "medically_necessary_with_criteria")],
            id="approved-tests-o-bulleted-under-criteria-with-recycled-glyphs",
        ),
        pytest.param(
            "Policy\n\nAuthorization of PGT-M is limited to the following criteria:\n1. The plan covers medically necessary PGT-SR for translocations.\n"
            "2. The plan covers medically necessary PGT-M to detect any of the following genetic disorders in an embryo when:\n"
            "a. Both parents are known carriers of an autosomal recessive disorder such as, but not limited to the following:\n"
            "i. Canavan disease\nii. Cystic Fibrosis\niii. Familial dysautonomia\niv. Fanconi Anemia\nv. Gaucher Disease\n"
            "b. One parent is a known carrier of an autosomal dominant disorder such as, but not limited to, the following:\n"
            "i. Huntington Disease\n",
            [(name, "medically_necessary_with_criteria") for name in ("Canavan disease", "Cystic Fibrosis", "Familial dysautonomia", "Fanconi Anemia", "Gaucher Disease", "Huntington Disease")],
            id="roman-v-after-iv-and-disorders-such-as",
        ),
        pytest.param(
            "Policy\n\nThe following are considered experimental and investigational:\n• Whole genome NIPT\n"
            "• Rationale: The outcomes of whole genome sequencing have not been validated.\n• Fetal RhD genotyping\n",
            [("Whole genome NIPT", EIU), ("Fetal RhD genotyping", EIU)], id="rationale-bullets-are-not-items",
        ),
        pytest.param(
            "Policy\n\nTesting may be considered medically necessary when either of the following conditions are met:\n"
            "1. Individual is suspected of having the deficiency; or\n2. Individual has a serum level in the range of severe deficiency.\n",
            [("Individual is suspected of having the deficiency", "medically_necessary_with_criteria"),
             ("Individual has a serum level in the range of severe deficiency.", "medically_necessary_with_criteria")],
            id="either-of-the-following-conditions",
        ),
        pytest.param(
            "Policy\n\nPharmacogenetic panel tests are considered investigational for all other indications, including:\n"
            "A. As an initial screening test for medication selection.\n1\nExample Tests and CPT codes: GeneSight: 0345U\n"
            "B. For managing treatment with tamoxifen.\n1 Commonly prescribed for treatment of Gaucher disease\n",
            [("As an initial screening test for medication selection.", EIU), ("For managing treatment with tamoxifen.", EIU)], id="footnote-number-ends-an-item",
        ),
        pytest.param(
            "Indications and Limitations of Coverage\n\nB.    Nationally Covered Indications\n\n1.    Somatic (Acquired) Cancer\n\n"
            "Effective for services on or after March 16, 2018, CMS has determined that NGS is reasonable and necessary and covered "
            "nationally when all of the following requirements are met:\n\n   a. Patient has:\n\neither recurrent or advanced cancer; and\n"
            "   b. The test using NGS must have:\nFDA approval; and,\n\n2.    Germline (Inherited) Cancer\n\n"
            "Effective for services on or after January 27, 2020, NGS is covered nationally for patients with germline cancer.\n\n"
            "C.    Nationally Non-Covered Indications\n\n1. Somatic (Acquired) Cancer\n\nNGS tests for other patients are non-covered.\n",
            [("Somatic (Acquired) Cancer", "medically_necessary"), ("Germline (Inherited) Cancer", "medically_necessary")],
            id="numbered-sub-headings-under-nationally-covered-indications",
        ),
        pytest.param(
            "Policy\n\nThe plan considers the following genetic tests experimental and investigational for all indications:\n"
            "a. Polygenic risk score testing, OR;\nb. Optical genome mapping.\n",
            [("Polygenic risk score testing", EIU), ("Optical genome mapping.", EIU)], id="items-ending-in-or-semicolon",
        ),
        pytest.param(
            "Policy Statements\nThe plan considers genetic tests necessary for one of the following indications:\n1. All of the following:\n"
            "a. The member has signs of a genetically linked disease.\nb. The result determines treatment.\n2. Any genetic test which is state mandated.\n",
            [("Any genetic test which is state mandated.", "medically_necessary_with_criteria")], id="an-all-of-lead-item-is-no-indication",
        ),
        pytest.param(
            "Coverage Policy\n\n1. For individuals suspected of the deficiency, serum testing MEETS COVERAGE CRITERIA in any of the following situations:\n"
            "a. For symptomatic individuals with emphysema.\nb. For individuals with neonatal cholestasis.\n",
            [("For symptomatic individuals with emphysema.", "medically_necessary_with_criteria"), ("For individuals with neonatal cholestasis.", "medically_necessary_with_criteria")],
            id="situations-that-meet-coverage-criteria",
        ),
        pytest.param(
            "Policy\n\nDonor egg/embryo* is covered for medical illness which causes unnatural loss of egg quantity:\n"
            "• Absent ovaries prior to age 40, OR\n• FSH >12 prior to age 40.\n* The egg donor must be less than 34 years of age.\n",
            [("Absent ovaries prior to age 40", "medically_necessary_with_criteria"), ("FSH >12 prior to age 40.", "medically_necessary_with_criteria")],
            id="asterisk-footnote-under-a-list",
        ),
    ],
)
def test_list_indications(make_doc, text, items):
    assert texts(make_doc, text) == items


MNC = "medically_necessary_with_criteria"


@pytest.mark.parametrize(
    "text, items",
    [
        pytest.param(
            "Policy\n\nDrug X is covered as medically necessary when the following criteria are met for FDA-approved indication(s):\n\n"
            "1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):\n"
            "A) Initial Therapy. Approve for 1 year if the patient meets the following (i and ii):\n"
            "i. Patient is >= 1 year of age; AND\nii. Patient has tried two other medications.\n"
            "B) Patient is Currently Receiving Drug X. Approve for 1 year if the patient is responding.\n"
            "2. Rare Epilepsies [specific conditions] (i.e., CDKL5 deficiency disorder; lissencephaly). Approve if the patient meets ONE of the following:\n"
            "A) Initial Therapy. Approve for 1 year if the patient is >= 1 year of age.\n",
            [("Dravet Syndrome", MNC), ("Rare Epilepsies [specific conditions] (i.e., CDKL5 deficiency disorder; lissencephaly)", MNC)],
            id="numbered-condition-headings-over-approval-criteria",
        ),
        pytest.param(
            "Coverage Criteria\n\nA. Major depressive disorder (treatment-resistant)\n\n1. Initial Authorization\n\n"
            "a. Drug X will be approved based on all of the following criteria\n\n(1) Diagnosis of major depressive disorder\n",
            [("Major depressive disorder (treatment-resistant)", MNC)],
            id="lettered-condition-heading-over-authorization-steps",
        ),
        pytest.param(
            "Coverage Criteria\n\n1. Initial Therapy. Approve for 1 year if the patient meets the following:\n"
            "a. Patient is >= 18 years of age\n2. Patient is Currently Receiving Drug X. Approve if the patient responds.\n",
            [],
            id="approval-steps-are-no-conditions",
        ),
        pytest.param(
            "2. Coverage Criteriaa:\nA. Patients less than 19 years of age\n1. Drug X will be approved based on the following criterion:\n"
            "a. Patient is less than 19 years of age\nB. Breast Cancer\n1. Drug X will be approved based on all of the following criteria:\n"
            "a. Diagnosis of breast cancer\nC. Hodgkin Lymphoma\n1. Drug X will be approved based on the following criterion:\n"
            "a. Diagnosis of Hodgkin lymphoma\n",
            [("Breast Cancer", MNC), ("Hodgkin Lymphoma", MNC)],
            id="a-case-heading-among-condition-headings-is-left-out",
        ),
        pytest.param(
            "Coverage Criteria\n\n1. Sleep Apnea. The literature on this use is limited and of low quality overall.\n"
            "2. Insomnia. Several trials were small and short in their follow-up.\n",
            [],
            id="headings-over-prose-that-approves-nothing",
        ),
    ],
)
def test_condition_headings(make_doc, text, items):
    assert texts(make_doc, text) == items


EIU_LIST = (
    "Policy\n\nProcedures that are considered experimental, investigational and/or unproven for autism include:\n"
    "• Magnetoencephalography;\n• Functional imaging modalities, including:\n1. Functional magnetic resonance imaging (fMRI),\n"
    "2. Positron-emission tomography (PET);\n• Tests for:\n1. Celiac antibodies,\n2. Stool analysis;\n• Elimination diets;\n"
)
MN_LIST = (
    "Policy\n\nThe services that may be considered medically necessary for autism include ANY of the following:\n"
    "• Formal audiological evaluation;\n• Genetic testing for Fragile X Syndrome (FraX), in ANY of the following situations:\n"
    "1. Intellectual disability is present,\n2. Dysmorphic physical features are present;\n"
    "• Epileptiform electroencephalogram (EEG) if ANY of the following are present:\n1. Clinical seizures,\n2. Staring spells;\n"
    "• Speech therapy; and/or\n• Occupational therapy\n"
)


@pytest.mark.parametrize(
    "text, items",
    [
        pytest.param(EIU_LIST, ["Magnetoencephalography", "Functional magnetic resonance imaging (fMRI)", "Positron-emission tomography (PET)",
                                "Celiac antibodies", "Stool analysis", "Elimination diets"], id="a-lead-in-stub-gives-way-to-its-items"),
        pytest.param(MN_LIST, ["Formal audiological evaluation", "Genetic testing for Fragile X Syndrome (FraX), in ANY of the following situations:",
                               "Epileptiform electroencephalogram (EEG) if ANY of the following are present:", "Speech therapy", "Occupational therapy"],
                     id="sub-items-saying-when-a-service-applies-are-criteria"),
    ],
)
def test_sub_items_of_listed_services(make_doc, text, items):
    assert sorted(t for t, _ in texts(make_doc, text)) == sorted(items)  # nested items come after the top-level ones


BENEFIT_LIST = (
    "Coverage Policy\n\nPreventive services are covered without member cost share.\n\nFor all Adults\n"
    "• Alcohol misuse screening and counseling\n• Blood pressure screening\n\nWomen's Health\n"
    "• Bone density screening for women over age 65\n• For more information, please see the Plan Preventive Health Care Guidelines\n"
)


@pytest.mark.parametrize(
    "text, items",
    [
        pytest.param(BENEFIT_LIST, ["Alcohol misuse screening and counseling", "Blood pressure screening", "Bone density screening for women over age 65"],
                     id="topic-lists-of-a-policy-that-only-covers"),
        pytest.param(BENEFIT_LIST.replace("are covered without member cost share", "are covered when the following criteria are met"), [],
                     id="not-when-the-policy-sets-criteria"),
        pytest.param(BENEFIT_LIST.replace("For all Adults\n• Alcohol misuse screening and counseling\n• Blood pressure screening",
                                          "For all Adults\nA. Prior authorization may be required.\nB. Records are reviewed."),
                     ["Bone density screening for women over age 65"], id="not-an-outline-of-sentences"),
    ],
)
def test_lists_of_a_plain_benefit_policy(make_doc, text, items):
    assert [t for t, _ in texts(make_doc, text)] == items


INDICATION_TABLE = (
    "POSITION STATEMENT:\n\nI. Initiation of the drug meets the definition of medical necessity when ALL of the following are met:\n"
    "1. When used to treat an indication listed in Table 1\n\nTable 1\n\nIndications and Specific Criteria\nIndication\tCriteria\n"
    "Ampullary Cancer\tBOTH of the following:\n1. Member has metastatic disease\n2. When used with ONE of the following regimens:\n"
    "a. FOLFOX (fluorouracil, leucovorin,\noxaliplatin)\nColon and Rectal Cancer\tBOTH of the following:\n"
    "(also includes anal\t1. Member has ONE of the following:\nadenocarcinoma)\ta. Metastatic disease\n"
    "Hepatocellular carcinoma When ALL of the following are met:\n1. When used in combination with atezolizumab\n"
    "Hereditary hemorrhagic\tWhen the member has ONE of the following:\ntelangiectasia\t1. Received red blood cell transfusions\n"
    "Ovarian Cancer [includes\nepithelial and fallopian tube\ntumors)]\n\nONE of the following:\n1. When used as a single agent\n\n"
    "Radiation necrosis of the\tWhen the member is symptomatic\nbrain\nOther FDA-approved or\tWhen ONE of the following are met:\n"
    "NCCN supported\t1. Member is diagnosed with a condition that is consistent with an\ndiagnosis (not previously\tindication listed in the label\n"
    "CNS, central nervous system\n\nApproval Duration: 180 days\n"
)


def test_first_column_of_an_indication_table(make_doc):
    doc = make_doc(INDICATION_TABLE)
    found = indications.extract(doc)
    assert [i.text for i in found] == [
        "Ampullary Cancer", "Colon and Rectal Cancer (also includes anal adenocarcinoma)", "Hepatocellular carcinoma",
        "Hereditary hemorrhagic telangiectasia", "Ovarian Cancer [includes epithelial and fallopian tube tumors)]",
        "Radiation necrosis of the brain", "Other FDA-approved or NCCN supported diagnosis (not previously",
    ]
    assert {i.status for i in found} == {Status.medically_necessary_with_criteria}
    assert all(doc.text[i.evidence.start : i.evidence.end] == i.evidence.text for i in found)


def test_a_dosage_table_is_no_indication_table(make_doc):
    text = "Dosage\n\nTable 2\nIndication\tDosage Regimen\nColon cancer\t5 mg/kg every 2 weeks\n"
    assert texts(make_doc, text) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Policy\n\nPSG is medically necessary when ALL of the following criteria are met:\n• Excessive daytime sleepiness; AND\n• Snoring\n", id="criteria-list"),
        pytest.param("Policy\n\nA facility study is medically necessary when the following criteria are met:\n• Diagnosis of OSA;\n\nAND any of the following:\n• Failure of APAP\n• Central apnea\n", id="criteria-go-on-after-and"),
        pytest.param("Policy\n\nDrugs may be medically necessary for indications not listed above when prescribed either:\n1. In accordance with the FDA label; OR\n2. Per compendia\n", id="other-uses-with-conditions"),
        pytest.param("Policy\n\nX is not medically necessary for the following:\n• Screening\n• Surveillance\n", id="not-medically-necessary-list"),
        pytest.param("Policy\n\n1. Testing is covered for embryos created by approved IVF when members in the following group plans follow 1.1 above:\n• State Employee Group Plan – 2001688\n• Federal Employee Group – 1000030\n", id="list-of-group-plans"),
        pytest.param("Policy\n\nMedicare criteria details:\n• MCD Search (cms.gov)\n• NGS - LCD - Molecular Pathology Procedures (L35000)\n\nThis LCD gives guidance to the medically reasonable and necessary applications of the tests.\n", id="sentence-after-links-states-no-position"),
        pytest.param("Policy\n\nClinical documentation submitted to support medical necessity reflects the following:\ni. Clinical rationale for genetic testing, AND;\nii. Genetic counseling was received, AND;\niii. The result changes management.\n", id="documentation-list-joined-by-and"),
        pytest.param("Policy\n\nReview criteria used by the plan to determine whether tests are medically necessary:\n• Use of a test consistent with FDA labeling\n• NCCN Guidelines\n", id="review-criteria-used"),
        pytest.param("Policy\n\nX is covered as medically necessary. Other information the Medical Director will consider includes:\n• Peer reviewed literature\n• Professional standards\n", id="sources-the-director-will-consider"),
        pytest.param("Policy\n\nY is considered investigational. The peer-reviewed literature does not support at least one of the following for the testing:\n• The analytical validity\n• The clinical validity\n", id="evidence-standards"),
        pytest.param("Policy\n\nThere are other payment rules, discussed in the following documents, that must also be met:\n• The Policy Article\n", id="must-also-be-met"),
        pytest.param(
            "Policy\n\nV. Additional Definitions\nMedically Necessary means Covered Services rendered by a Health Care Provider that the Plan determines are:\n"
            "a. appropriate for the symptoms and diagnosis of the Member's condition;\nb. not primarily for the convenience of the Member.\n"
            "Medically Necessary - A service that is necessary for the treatment of an illness is one that:\n• Will prevent the onset of an illness.\n",
            id="definition-of-medically-necessary",
        ),
        pytest.param(
            "Policy\n\nKIF6 genotyping is covered under a different plan's medical policy.\n\nPopulations\tInterventions\tComparators\tOutcomes\n"
            "Individuals:\tInterventions of interest are:\tComparators of interest are:\tRelevant outcomes include:\n• Morbid events\n• Medication use\n",
            id="evidence-table-cells",
        ),
        pytest.param(
            "2.0 POLICY\n\n2.1 Genetic counseling provided by an authorized provider is covered.\n\n"
            "Note: Non-FDA approved genetic tests that are covered under the demonstration are in the Operations Manual.\n\n"
            "• For preconception and prenatal carrier screening tests, see Chapter 6, Section 3.2 .\n\n"
            "2.3 Coverage of preventive services must be based on HHS recommendations.\n\n3.0 EXCLUSIONS\n\n3.1 Tests that are not medically necessary.\n",
            id="cross-reference-and-decimal-sections",
        ),
        pytest.param(
            "Policy\n\nMedication for donor egg IVF is covered for the donor under the following conditions:\n• Recipient is a member with pharmacy benefits, AND\n"
            "• Donor is known to the member, OR\n• Medications for anonymous donors.\n", id="under-the-following-conditions",
        ),
        pytest.param(
            "Policy\n\nThe plan considers genetic testing medically necessary when the following conditions are met:\n"
            "A. The request is submitted by the ordering provider.\nB. A requested test meets the specific criteria.\n", id="when-the-following-conditions-are-met",
        ),
        pytest.param(
            "Policy\n\n• ICSI is covered for male factor infertility defined as followed (same abnormality in each specimen):\n"
            "o At least 2 semen analyses show <3 million total motile sperm, OR\no At least 2 processed semen analyses show ≤1 million motile sperm\n",
            id="defined-as",
        ),
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


def test_numbered_outline_headings_head_lists_and_list_nothing(make_doc):
    text = (
        "Policy\n\nTesting is medically necessary for members who carry certain genetic disorders.\n\n"
        "I. Criteria for Approval\n\nPGT-M may be medically necessary when counseling has been provided and the\n"
        "embryo is at risk of a severe disorder.\n\n"
        "II. MEDICALLY NECESSARY diagnoses include but are not limited to the following:\n\n"
        "Recessive Disorders\tDominant Disorders\nCanavan Disease\tMarfan Syndrome\nCystic Fibrosis\tMyotonic Dystrophy\n\n"
        "III. What is Considered Investigational\n\nGender selection is investigational for all members\n"
        "who undergo IVF in any situation.\n"
    )
    found = [t for t, _ in texts(make_doc, text)]
    assert "Criteria for Approval" not in found and "What is Considered Investigational" not in found
    assert not any(t.startswith("MEDICALLY NECESSARY diagnoses") for t in found)


def test_a_short_numbered_list_under_a_covered_lead_stays_a_list(make_doc):
    text = "Policy\n\nInfliximab is medically necessary for the following diagnoses:\n1. Crohn Disease\n2. Ulcerative Colitis\n3. Psoriatic Arthritis\n"
    assert [t for t, _ in texts(make_doc, text)] == ["Crohn Disease", "Ulcerative Colitis", "Psoriatic Arthritis"]
