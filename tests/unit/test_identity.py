"""Payer, policy number, title and version."""

import pytest

from extractors import identity, payer


@pytest.mark.parametrize(
    "text, number, title",
    [
        pytest.param("Medical Policy\nSurgery of the Knee\nPolicy Number: 2026T0553II\nEffective Date: June 1, 2026", "2026T0553II", "Surgery of the Knee", id="line-after-doc-type"),
        pytest.param("Clinical UM Guideline\nSubject: Resting Electrocardiogram Screening in Adults\nGuideline #: CG-MED-62 Publish Date: 10/01/2025", "CG-MED-62", "Resting Electrocardiogram Screening in Adults", id="subject-label"),
        pytest.param("Medical Policy\nSubject: Near-Infrared Imaging\nDocument #: RAD.00057 Publish Date: 10/01/2025", "RAD.00057", "Near-Infrared Imaging", id="document-number"),
        pytest.param("CLINICAL GUIDELINES\n\nCMM-204: Prolotherapy\n\nVersion 1.0.2023", "CMM-204", "Prolotherapy", id="id-title-line"),
        pytest.param("Medical Policy: 02.01.18\n\nPolicy\n\nProlotherapy is considered investigational for all applications.", "02.01.18", "Prolotherapy", id="statement-subject"),
        pytest.param("Kaiser Foundation Health Plan of Washington\n\nClinical Review Criteria\nProlotherapy/Sclerotherapy\n\nNOTICE: text.", None, "Prolotherapy/Sclerotherapy", id="no-number"),
        pytest.param("Related Policies\nDiagnosis and Treatment of Sacroiliac Joint Pain, #320\n\nPolicy\n\nProlotherapy is investigational.", None, "Prolotherapy", id="related-policy-number-is-not-ours"),
        pytest.param("LCD ID\nL33707\n\nLCD Title\nPulmonary Diagnostic Services\n\nCoverage Indications", "L33707", "Pulmonary Diagnostic Services", id="id-and-title-on-the-next-line"),
        pytest.param("Medical Policy:\n\nZ-67-096\n\nTopic: Experimental Services", "Z-67-096", "Experimental Services", id="id-after-blank-line"),
        pytest.param("Clinical Policy\n2024\n\nPolicy\n\nX is investigational.", None, None, id="year-after-doc-type-is-no-id"),
        pytest.param("Humana Sleep Studies Form\n\nEffective Date\n\n02/02/2023\n\nLast Reviewed\n\nNA", None, None, id="date-label-is-no-title"),
        pytest.param("09-J0000-66\n\nOriginal Effective Date: 11/15/06\n\nSubject: Bevacizumab (Avastin) Injection\n\nDESCRIPTION:\n\nText.",
                     "09-J0000-66", "Bevacizumab (Avastin) Injection", id="id-alone-on-the-first-line"),
        pytest.param("1\n\nClinical Guideline\n\nScreening Tests\n\nDisclaimer\nText.", None, "Screening Tests", id="page-number-on-the-first-line-is-no-id"),
        pytest.param(
            "MEDICAL POLICY STATEMENT\nOhio Medicaid\nPolicy Name & Number\tDate Effective\nGenetic Testing and Counseling-OH MCD-MM-0003\t11/01/2024\n"
            "Policy Type\nMEDICAL\n\nText.", "OH MCD-MM-0003", "Genetic Testing and Counseling", id="title-and-number-in-one-header-cell",
        ),
        pytest.param("Liquid Biopsy\n\nPolicy Number:\tPrior Policy Name and Number:\nAHS-G2055\tNot applicable\n\nPolicy\nText.",
                     "AHS-G2055", "Liquid Biopsy", id="prior-policy-cell-is-not-ours"),
        pytest.param(
            "MCD\nMedicare Coverage Database\nSearch Reports Downloads\nContents\nManual Section Number\nManual Section Title\nVersion Number\n\n"
            "National Coverage Determination (NCD)\n\nNext Generation Sequencing (NGS)\n\n90.2\n\nTracking Information\nManual Section Number\n90.2\n"
            "Manual Section Title\nNext Generation Sequencing (NGS)\n", "90.2", "Next Generation Sequencing (NGS)", id="ncd-manual-section-under-a-site-banner",
        ),
        pytest.param(
            "FEP Medical Policy Manual\n\nFEP 2.04.141 Circulating Tumor DNA for Cancer Management\n(Liquid Biopsy)\n"
            "Annual Effective Policy Date: January 1, 2025\nRelated Policies:\n2.04.111 - Gene Expression Profiling\n",
            "FEP 2.04.141", "Circulating Tumor DNA for Cancer Management (Liquid Biopsy)", id="acronym-and-dotted-id-open-the-title-line",
        ),
        pytest.param("1\n\nClinical Guideline\nOscar Clinical Guideline: Prenatal Testing (CG043, Ver. 10)\n\nPrenatal Testing\n\nDisclaimer\nText.",
                     "CG043", "Prenatal Testing", id="id-in-parentheses-after-the-title"),
        pytest.param("Dean Health Plan Coverage Policy\n\nPolicy Name:\tGenetic Testing: Hearing Loss MP9594\n\nEffective Date:\tJanuary 01, 2025\n",
                     "MP9594", "Genetic Testing: Hearing Loss", id="id-glued-to-the-labeled-title"),
        pytest.param("Policy Name:\tGenetic Testing for CYP2C19\n\nEffective Date:\tJanuary 01, 2025\n", None, "Genetic Testing for CYP2C19",
                     id="gene-symbol-ending-the-title-is-no-id"),
        pytest.param("MEDICAL POLICY\nMedical Policy Title\nCirculating Tumor DNA for Management of Cancer (Liquid\nBiopsy)\nPolicy Number  2.02.56\n",
                     "2.02.56", "Circulating Tumor DNA for Management of Cancer (Liquid Biopsy)", id="medical-policy-title-label-value-wrapped-below"),
        pytest.param("GUIDELINE\n\nVersion #: 2\tGenetic Testing Guidelines\tPage 1 of 3\n\nPrinted copies are for reference only.\n\n"
                     "Genetic Testing Guidelines\n\nGuideline Number\n6181\n", "6181", "Genetic Testing Guidelines", id="document-type-banner-is-no-title"),
        pytest.param("Celiac Disease Laboratory Testing\n\nClinical Policy Bulletins\tMedical Clinical Policy Bulletins\n\nNumber: 0561\n\n"
                     "Clinical Policy Bulletin\nNotes\n\nI. Medical Necessity\n", "0561", "Celiac Disease Laboratory Testing", id="web-page-tab-label-is-no-title"),
        pytest.param("MEDICAL POLICY\n\nPOLICY TITLE\tGENETIC TESTING FOR LYNCH SYNDROME AND OTHER\nINHERITED COLON CANCER SYNDROMES\nPOLICY NUMBER\tMP 5.013\n",
                     "MP 5.013", "GENETIC TESTING FOR LYNCH SYNDROME AND OTHER INHERITED COLON CANCER SYNDROMES", id="title-label-cell-wrapped"),
        pytest.param("Medica Coverage Policy\n\nPolicy Name: MedicaEffective Date:\n\nGenetic Testing: Pharmacogenetics\nJanuary 01, 2025\n\nImportant Information\n",
                     None, "Genetic Testing: Pharmacogenetics", id="glued-two-column-header"),
        pytest.param("Maternal Serum Testing\nMedical Necessity Guideline\n\nMNG #: 110\t☐ Senior Care Options\tPrior Authorization Needed?\n",
                     "110", "Maternal Serum Testing", id="series-acronym-labels-its-number"),
        pytest.param("Clinical Guidelines\n\nDoc ID: GEN03-1125.1-UC0126      Last Review Date: 04/21/2025\n\nSubject: Genetic Liquid Biopsy\n",
                     "GEN03-1125.1-UC0126", "Genetic Liquid Biopsy", id="doc-id-label"),
        pytest.param("Molecular Testing Review Criteria\n\nReference #: Ref #: DD 2024-H1-A UM 1 A 5 & 6\nDate/Last Approved: 5/31/2023\n",
                     "DD 2024-H1-A", "Molecular Testing Review Criteria", id="label-printed-twice"),
        pytest.param("Clinical Medical Policy\nGenetic Testing (Developmental -\nNon-Hematology/Oncology) - # 007\nLast reviewed: 03/08/2023\n\n"
                     "Policy\nText.\n\nCMP Cross Reference: CMP-054 Aneuploidy Testing\n", "007", "Genetic Testing (Developmental - Non-Hematology/Oncology)",
                     id="hash-number-closes-the-title-cross-reference-is-not-ours"),
        pytest.param("Medical Policy & Procedure\n\nPolicy Name:\tMedical Policy: Genetic Testing/Molecular\tPolicy #:\tMP-37\nDiagnostics\n\nPolicy Information\n",
                     "MP-37", "Genetic Testing/Molecular Diagnostics", id="title-cell-before-a-label-cell-wraps-below"),
        pytest.param("Coverage of any medical intervention is subject to the member's certificate.\n\nGenetic Testing\tMP9012\nCovered Service:\tYes\n",
                     "MP9012", "Genetic Testing", id="title-cell-and-id-cell"),
        pytest.param("Blue Shield of Acme\n\nMedical Policy\n\nAn independent member of the Blue Shield Association\n\nBSC_CON_2.05 Oncology: Algorithmic Testing\n"
                     "Original Policy Date: August 1, 2023\n", "BSC_CON_2.05", "Oncology: Algorithmic Testing", id="affiliation-is-no-title-id-opens-the-title"),
        pytest.param("1\n\nGenetic Testing Payment Policy\n\nEffective: October 1, 2017\n\nPolicy Number\nPP029POL\tAnnual Approval Date\tOctober 1, 2024\n",
                     "PP029POL", "Genetic Testing", id="number-label-over-a-row-of-cells-subject-before-doc-type"),
        pytest.param("LAB46 |  1\n\nMedical Policy Manual\nLaboratory, Policy No. 46\nCirculating Tumor DNA for\nManagement of Solid Tumors\nEffective: January 1, 2026\n",
                     None, "Circulating Tumor DNA for Management of Solid Tumors", id="running-line-and-manual-name-are-no-title"),
        pytest.param("Lab Management Guidelines\tV1.0.2025\n\nGenetic Testing for Carrier Status\n\nDescription\nText.\n",
                     None, "Genetic Testing for Carrier Status", id="version-cell-is-no-id"),
        pytest.param("Medical Policy\n\nAn independent member of\nthe Blue Shield Association\n\nBSC_CON_2.10\nOncology: Circulating Tumor DNA\n"
                     "Original Policy Date: June 1, 2023\n", "BSC_CON_2.10", "Oncology: Circulating Tumor DNA", id="lone-id-over-a-title-with-a-colon"),
        pytest.param('Log in Policy List Toggle Menu {{ navItem.title }} class="site-content-header"> Liquid Biopsy Liquid Biopsy - CAM 273\nDescription\n'
                     "The National Cancer Institute defines liquid biopsy as a test.\n", "CAM 273", "Liquid Biopsy", id="flattened-page-title-and-id-above-the-first-heading"),
        pytest.param("Medical_Policy_Bulletin Acme Commercial Medical Policy - Pennsylvania Medical Policy: L-113-009 Topic: Liquid Biopsy Testing – Solid Tumors "
                     "Section: Laboratory\nEffective Date: July 1, 2018 Issue Date: July 2, 2018 Text of the policy.\n", "L-113-009", "Liquid Biopsy Testing – Solid Tumors",
                     id="inline-topic-label-among-other-labels"),
        pytest.param("Genetic Testing\n\nVersion\tV3.100\nProcedure Code\tG0452\nMedicare\tLCD L35000\n", None, "Genetic Testing", id="label-cell-and-value-is-no-title-and-id"),
    ],
)
def test_number_and_title(make_doc, text, number, title):
    policy = identity.extract(make_doc(text))
    assert (policy.number, policy.title) == (number, title)
    if number:
        assert policy.number_evidence.text == number


def test_version(make_doc):
    assert identity.extract(make_doc("CMM-204: Prolotherapy\n\nVersion 1.0.2023\nEffective May 31, 2023")).version == "1.0.2023"


@pytest.mark.parametrize(
    "text, name, developer",
    [
        pytest.param("Cigna Medical Coverage Policies\n\nThis policy has been developed by eviCore, Inc. for plans administered by Cigna.", "Cigna", "eviCore", id="plan-adopts-developer-guideline"),
        pytest.param("eviCore healthcare Clinical Decision Support Tool\n\nCMM-204: Prolotherapy", "eviCore", None, id="developer-alone"),
        pytest.param("Policy\n\nServices provided by Anthem HealthChoice HMO, Inc., licensees of the Blue Cross and Blue Shield Association.", "Anthem", None, id="association-is-not-issuer"),
        pytest.param("Medical Policy Terms\nhttps://www.bluecrossma.org/medical-policies/x.pdf\nInformation Pertaining to All Blue Cross Blue Shield Medical Policies", "Blue Cross Blue Shield of Massachusetts", None, id="domain-names-specific-plan"),
        pytest.param("Policy\n\nX is covered.\n\nReferences\n\n1. Aetna. Clinical policy bulletin. 2020.", None, None, id="references-do-not-count"),
        pytest.param("Oscar\nClinical Guideline CG012\n\nPlease contact Oscar. Medicare Advantage plans follow CMS rules.", "Oscar Health", None, id="brand-alone-beats-regulator"),
    ],
)
def test_payer(make_doc, text, name, developer):
    found = payer.extract(make_doc(text))
    assert (found.name, found.developer) == (name, developer)
    if name:
        assert found.evidence.text


@pytest.mark.parametrize(
    "text, hint, name, developer, basis",
    [
        pytest.param("Policy\n\nX is covered.", "Acme Health Plan", "Acme Health Plan", None, "source_hint", id="no-payer-printed-hint-fills"),
        pytest.param("Policy\n\nX is covered.", "  uhc ", "UnitedHealthcare", None, "source_hint", id="hint-alias-is-canonical"),
        pytest.param("Cigna Medical Coverage Policy\n\nX is covered.", "Aetna", "Cigna", None, "document", id="document-wins-over-hint"),
        pytest.param("eviCore healthcare Clinical Guidelines\n\nCMM-204: Prolotherapy", "Cigna", "Cigna", "eviCore", "source_hint", id="developer-only-hint-is-the-plan"),
        pytest.param("Cigna Medical Coverage Policies\n\nThis policy has been developed by eviCore, Inc. for Cigna.", "Aetna", "Cigna", "eviCore", "document", id="plan-and-developer-printed"),
        pytest.param("Policy\n\nX is covered.", None, None, None, None, id="no-payer-no-hint"),
        pytest.param("Policy\n\nX is covered.", " ", None, None, None, id="blank-hint-is-no-hint"),
    ],
)
def test_payer_hint(make_doc, text, hint, name, developer, basis):
    found = payer.with_hint(payer.extract(make_doc(text)), hint)
    assert (found.name, found.developer, found.basis) == (name, developer, basis)
    if basis == "source_hint":
        assert found.evidence is None  # the hint is not in the text: nothing to point at
        if developer:
            assert found.developer_evidence.text.lower().startswith("evicore")


@pytest.mark.parametrize(
    "text, title",
    [
        pytest.param("Prolotherapy\n\nPolicy\n\nX is considered investigational.", "Prolotherapy", id="title-line-alone"),
        pytest.param("Wellmark Blue Cross and Blue Shield\nProlotherapy\n\nPolicy\n\nX is investigational.", "Prolotherapy", id="after-payer-line"),
        pytest.param("This policy describes coverage.\n\nPolicy\n\nProlotherapy is considered investigational.", "Prolotherapy", id="sentence-is-not-a-title"),
    ],
)
def test_letterhead_title(make_doc, text, title):
    assert identity.extract(make_doc(text)).title == title


def test_a_title_without_letters_is_no_title(make_doc):
    assert identity.extract(make_doc("Medical Policy\nSubject: ..\nPolicy Number: A-1")).title is None
