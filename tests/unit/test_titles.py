"""Titles: labels, wrapped lines, typography, document-type lines, lone ids; and the ids of running lines."""

import pytest

from extractors import identity
from extractors.document import parse
from extractors.loading import PolicyText, load_text


def styled(lines: list[tuple[str, float]], *, furniture: tuple[int, ...] = ()) -> PolicyText:
    """A PDF-like text: each line with its font size; `furniture` = indexes of running lines."""
    text = "\n".join(line for line, _ in lines)
    sizes, runs, offset = [], [], 0
    for i, (line, size) in enumerate(lines):
        sizes.append((offset, offset + len(line), size))
        if i in furniture:
            runs.append((offset, offset + len(line)))
        offset += len(line) + 1
    return PolicyText(text=text, media_type="application/pdf", line_sizes=tuple(sizes), furniture=tuple(runs))


@pytest.mark.parametrize(
    "text, title",
    [
        pytest.param(
            "*Current Policy Effective Date 1/1/25\n\nTitle: Genetic Testing-Noninvasive Prenatal Screening For Fetal\nAneuploidies, Microdeletions, and\n"
            "Twin Zygosity Using Cell-Free Fetal DNA\n\nDescription/Background\n\nText.",
            "Genetic Testing-Noninvasive Prenatal Screening For Fetal Aneuploidies, Microdeletions, and Twin Zygosity Using Cell-Free Fetal DNA",
            id="label-wrapped-over-three-lines",
        ),
        pytest.param("Effective Date ..........03/15/2026\nPolicy Title…….. Adalimumab Products\nPrior Authorization Policy", "Adalimumab Products", id="ellipsis-leaders"),
        pytest.param("MEDICAL COVERAGE POLICY\nSERVICE: Genetic Testing\n\nPolicy Number:\t037", "Genetic Testing", id="service-label"),
        pytest.param(
            "Clinical Policy: Oncology Circulating Tumor DNA and Circulating\nTumor Cells (Liquid Biopsy)\nReference Number: CP.MP.239\nDate of Last Revision: 02/22",
            "Oncology Circulating Tumor DNA and Circulating Tumor Cells (Liquid Biopsy)", id="doc-type-colon-title-wraps",
        ),
        pytest.param(
            "Medical Policy\n\nAn independent member of the Blue Shield Association\n\nBSC2.18\nTumor-Informed Circulating Tumor DNA Testing for\nCancer Management\n"
            "Original Policy Date: June 1, 2022",
            "Tumor-Informed Circulating Tumor DNA Testing for Cancer Management", id="title-under-a-lone-id",
        ),
        pytest.param("Back to top\n\nGenetic testing: oncology screening\nThese services may or may not be covered.", "Genetic testing: oncology screening", id="back-to-top-is-no-title"),
        pytest.param("Coverage Policy\n\nPROPRIETARY INFORMATION OF ACME | Page 1 of 3\n\nFetal Aneuploidy\n\nThe purpose of this policy is clarity.", "Fetal Aneuploidy", id="page-counter-line-is-no-title"),
        pytest.param("Retired Policy\n\nTumor-Informed and Tumor-Agnostic (Plasma-Only)\nCirculating Tumor DNA Minimal Residual Disease (MRD)\nDetection for Cancer Management\n\n"
                     "Policy #     00792\nRetired Date: 07/01/2024\n",
                     "Tumor-Informed and Tumor-Agnostic (Plasma-Only) Circulating Tumor DNA Minimal Residual Disease (MRD) Detection for Cancer Management",
                     id="status-banner-is-no-title"),
        pytest.param("CLINICAL POLICY AND PROCEDURE MANUAL\nPolicy Number: PA.259.CC\nEffective Date: 04/01/2025\n\nPA.259.CC Genetic Testing\n\nSummary\nText.\n",
                     "Genetic Testing", id="manual-name-is-no-title-id-opening-the-title-is-left-out"),
        pytest.param("500 EXCHANGE STREET, PROVIDENCE, RI 02903-2699 MEDICAL COVERAGE POLICY | 1\n(401) 555-0100   WWW.ACME.COM\nEFFECTIVE DATE: 01|01|2024\n"
                     "OVERVIEW\nText about the tests.\nMedical Coverage Policy | Circulating Tumor DNA\nand Circulating Tumor Cells for Cancer Management\n(Liquid Biopsy)\n\n"
                     "500 EXCHANGE STREET, PROVIDENCE, RI 02903-2699 MEDICAL COVERAGE POLICY | 2\n",
                     "Circulating Tumor DNA and Circulating Tumor Cells for Cancer Management (Liquid Biopsy)", id="contact-line-is-no-title-running-title-is"),
        pytest.param("acme.com\n\nDoc ID: GEN03-1125.1      Last Review Date: 04/21/2025\n\nClinical Appropriateness Guidelines\nGenetic Testing\n\n"
                     "Appropriate Use Criteria: Genetic\nLiquid Biopsy in the Management\nof Cancer and Cancer\nSurveillance\n\nProprietary\n",
                     "Genetic Liquid Biopsy in the Management of Cancer and Cancer Surveillance", id="innermost-of-stacked-doc-types-as-a-paragraph"),
        pytest.param("Clinical Guideline\nGenetic Testing\n\nPolicy\nGenetic testing is covered.\n", "Genetic Testing", id="one-doc-type-line-over-its-title"),
        pytest.param("Acme Health Plan\nMedical Necessity Guideline\n\nMedical Necessity Guideline: STAR, CHIP, STAR Kids\n\nConfidential: For use only by employees.\n"
                     "proprietary information NOT to be reproduced or distributed to others without consent of Acme\n\n"
                     "Medical Necessity Guideline: Cystic Fibrosis\tCreation\tReview\nCarrier Screening\tDate:\tDate:\nTransmembrane Regulator (CFTR)\t09/24/2018\t05/30/2023\n\n"
                     "PURPOSE:\nText.\n", "Cystic Fibrosis Carrier Screening Transmembrane Regulator (CFTR)", id="programs-and-sentences-are-no-title-cell-wraps-in-its-row"),
        pytest.param("Molina Clinical Policy\nGenetic Testing: Policy No. 051\nLast Approval: 02/12/2025\n\nDISCLAIMER\nThis policy is intended to help.\n",
                     "Genetic Testing", id="title-closed-by-its-number-label"),
        pytest.param("Genetic Testing\nPolicy\n\nCode\tDescription\nPanel testing (Acme)\tQ87.40-Q87.43\n", "Genetic Testing", id="code-table-row-is-no-title-and-id"),
        pytest.param("Medical Necessity Guidelines:\n\nNoncovered Investigational Services\n\nEffective: March 1, 2025\nDisclaimer\nText.\n",
                     "Noncovered Investigational Services", id="doc-type-with-a-colon-over-its-title"),
        pytest.param("State and federal law take precedence over this policy. No part of this publication may be reproduced without permission.\n"
                     "Liquid Biopsy\nEffective Date: 01/25/2024\nRevision Date: 01/25/2024\nPolicy Number: HUM-0555-026\nDescription\nThese tests are investigational.\n",
                     "Liquid Biopsy", id="title-over-a-block-of-labels"),
        pytest.param("LAB46 |  1\n\nMedical Policy Manual\nLaboratory, Policy No. 46\nCirculating Tumor DNA and Circulating Tumor Cells for\n"
                     "Management (Liquid Biopsy) of Solid Tumor Cancers\nEffective: January 1, 2026\nNext Review: August 2026\n\nDESCRIPTION\nText.\n",
                     "Circulating Tumor DNA and Circulating Tumor Cells for Management (Liquid Biopsy) of Solid Tumor Cancers",
                     id="title-over-labels-wrapped-from-the-line-above"),
        pytest.param("State and federal law take precedence over this policy.\nEffective Date: 01/25/2024\nRevision Date: 01/25/2024\n\nPolicy\n"
                     "Prolotherapy is investigational.\n", "Prolotherapy", id="a-sentence-over-labels-is-no-title"),
        pytest.param("03/14/2025\n\nDental Sealant Benefits for Texas Medicaid\nEffective May 1, 2025\n\nBackground:\n\nHHSC reviewed the benefit.\n",
                     "Dental Sealant Benefits for Texas Medicaid", id="title-naming-its-medicaid-program-after-a-date-line"),
        pytest.param("Texas Medicaid\nSealant Therapy\nEffective May 1, 2025\n\nBackground:\n\nHHSC reviewed the benefit.\n",
                     "Sealant Therapy", id="the-program-alone-is-still-the-letterhead"),
        pytest.param("Acme Pharmacy\nClinical Pharmacy Programs\n\nProgram Number\t2026 P 1234-5\nProgram\tPrior Authorization/Medical Necessity\n"
                     "Medication\tZyltrex® (zyltrexamab)\nEffective Date\t7/1/2026\n\n1. Background:\nText.\n",
                     "Zyltrex® (zyltrexamab)", id="medication-label-in-a-label-value-header"),
        pytest.param("Dosing\n\nMedication\tZyltrex® (zyltrexamab)\nDose\t10 mg\n\nPolicy\nZyltrex is medically necessary.\n",
                     "Dosing", id="a-medication-row-without-a-number-label-is-no-title"),
        pytest.param("Policy\n\nPRIOR AUTHORIZATION POLICY\n\nPOLICY:\tAntiseizure Medications – Zyltrex Prior Authorization Policy\n"
                     "• Zyltrex® (oral solution)\n\nREVIEW DATE: 02/07/2024\n", "Antiseizure Medications – Zyltrex Prior Authorization Policy",
                     id="policy-label-names-the-policy-under-a-banner"),
        pytest.param("Authorization Policy\n\nPRIOR AUTHORIZATION POLICY\n\nPOLICY:\tInflammatory Conditions – Zyltrex Products Prior Authorization\n"
                     "Policy\n• Zyltrex (subcutaneous injection)\n", "Inflammatory Conditions – Zyltrex Products Prior Authorization Policy",
                     id="policy-label-value-wrapped-onto-its-last-word"),
        pytest.param("Coverage Policy\nSleep Studies\n\nPOLICY: Please review the plan's certificate or summary plan description for benefits.\n",
                     "Sleep Studies", id="a-policy-label-over-a-sentence-is-no-title"),
        pytest.param("PRIOR AUTHORIZATION POLICY\nZyltrex\nREVIEW DATE: 02/07/2024\n", "Zyltrex", id="a-program-banner-is-no-title"),
    ],
)
def test_titles(text, title):
    assert identity.extract(parse(load_text(text))).title == title


@pytest.mark.parametrize(
    "lines, furniture, title",
    [
        pytest.param(
            [("Exome Sequencing and", 7), ("Whole Genome Sequencing", 7), ("Medical Necessity Guidelines:", 12), ("Genetic Testing: Whole Exome", 14),
             ("Sequencing and Whole Genome", 14), ("Sequencing", 14), ("Effective: January 1, 2025", 10), ("Prior Authorization Required", 10),
             ("Body text of the policy.", 10), ("More body text.", 10)],
            (), "Genetic Testing: Whole Exome Sequencing and Whole Genome Sequencing", id="largest-print-wrapped-over-three-lines",
        ),
        pytest.param(
            [("Molina Clinical Policy", 12), ("Elevidys (delandistrogene moxeparvovec): MEDICARE", 12), ("Policy No. 436", 12),
             ("Last Approval: 12/11/2024", 8), ("DISCLAIMER", 10), ("Body text.", 8), ("More body text.", 8)],
            (0, 1, 2, 3), "Elevidys (delandistrogene moxeparvovec): MEDICARE", id="title-in-the-running-header",
        ),
        pytest.param(
            [("Sleep Studies, Adult", 24), ("Medical Coverage Policy", 16), ("Effective Date: 02/02/2023", 10), ("Policy Number: HUM-0381-026", 10),
             ("Body text.", 10), ("More body text.", 10)],
            (), "Sleep Studies, Adult", id="doc-type-and-labels-are-not-the-title",
        ),
        pytest.param(
            [("TRICARE Policy Manual 6010.63-M", 10), ("Chapter 6", 14), ("Section 3.1", 14), ("Genetic Testing And Counseling", 14),
             ("Issue Date: March 10, 2000", 10), ("Body text.", 10), ("More body text.", 10)],
            (), "Genetic Testing And Counseling", id="manual-chapter-and-section-are-not-the-title",
        ),
        pytest.param(
            [("Preimplantation Genetic Testing Medical Policy", 16), ("Policy Number\tUM481POL-PGD", 14), ("Description", 16), ("Body text.", 11),
             ("Body text.", 11), ("Line of Business", 16), ("Body text.", 11), ("More body text.", 11), ("More.", 11)],
            (), "Preimplantation Genetic Testing", id="subject-before-the-doc-type",
        ),
        pytest.param(
            [("Acme Health® Commercial Plan", 12), ("Medical Policy", 12), ("FDA Cleared or Approved Companion Diagnostic", 20), ("Testing", 20),
             ("Policy Number: 2025T0653E", 10), ("Body text.", 10), ("More body text.", 10), ("More.", 10)],
            (), "FDA Cleared or Approved Companion Diagnostic Testing", id="a-cited-body-in-the-title-is-no-payer-line",
        ),
        pytest.param(
            [("Blue Cross Medical Policy", 16), ("Knee Surgery", 14), ("Body text.", 11), ("More body text.", 11), ("More.", 11), ("End.", 11)],
            (), "Knee Surgery", id="organization-before-the-doc-type-is-no-subject",
        ),
        pytest.param(
            [("Fast Facts January 2025\tPage 7", 14), ("Knee Surgery", 12), ("Body text.", 10), ("More body text.", 10), ("More.", 10)],
            (0,), "Knee Surgery", id="a-running-header-with-its-page-counter-is-no-title",
        ),
        pytest.param(
            [("Medical Policy Manual", 10), ("Subject\tSupersedes Date\t04/01/2024", 8), ("Genetic Testing", 10), ("Keywords: Carrier", 10),
             ("I. ACTION", 12), ("New Policy", 10), ("II. POLICY DISCLAIMER", 12), ("Body text.", 10)],
            (0, 1, 2), "Genetic Testing", id="numbered-section-heading-is-no-title",
        ),
    ],
)
def test_typographic_titles(lines, furniture, title):
    assert identity.extract(parse(styled(lines, furniture=furniture))).title == title


@pytest.mark.parametrize(
    "text, number",
    [
        pytest.param("Clinical Policy: Liquid Biopsy\nReference Number: CP.MP.239 Coding Implications", "CP.MP.239", id="reference-number"),
        pytest.param("Effective Date ..................03/15/2026\nCoverage Policy Number..........IP0652", "IP0652", id="dotted-leaders"),
        pytest.param("Policy Number: HUM\u20100381\u2010026", "HUM-0381-026", id="unicode-hyphens"),
        pytest.param("Policy Number: 2024 P 1234-5\nEffective Date: 01/01/2024", "2024 P 1234-5", id="spaced-groups"),
        pytest.param("Clinical Pharmacy Programs\n\nProgram Number\t2026 P 2168-11\nProgram\tPrior Authorization\n", "2026 P 2168-11",
                     id="program-number-label-cell"),
        pytest.param("Clinical Pharmacy Programs\n\nProgram\tPrior Authorization 2026\nThe Program Number 12 is retired.\n", None,
                     id="a-program-label-without-a-number-label-is-no-id"),
        pytest.param("Medical Policy\n\nBSC2.18\nTumor-Informed ctDNA Testing\nOriginal Policy Date: June 1, 2022", "BSC2.18", id="lone-id-above-title"),
        pytest.param("Coding\n\nM0076\nProlotherapy\n", None, id="a-code-alone-is-no-id"),
        pytest.param("Carrier Testing Panels\nPolicy Number: LABORATORY 021.15\nEffective Date: April 1, 2025\n", "LABORATORY 021.15", id="series-in-capitals-opens-the-id"),
        pytest.param("Carrier Testing Panels\nPolicy Number: Pending 021\nEffective Date: April 1, 2025\n", None, id="a-word-before-digits-is-no-series"),
        pytest.param("Home Policies Liquid Biopsy Testing - REV 2024\nDescription\nText.\n", None, id="a-year-after-a-dash-is-no-id"),
        pytest.param("Medical 34E\tPage 1 of 10\n\nPharmacogenetic Testing\n\nEffective Date\t1/2012\n\nCoverage Policy\tMedical 34E\n\nVersion\t1\n",
                     "Medical 34E", id="label-cell-and-value-cell"),
        pytest.param("Service\tInvestigational\nProlotherapy\tProlotherapy is investigational.\n", None, id="table-header-is-no-label-and-value"),
        pytest.param("TRICARE Policy Manual 6010.63-M, April 2021\nPathology And Laboratory\nChapter 6\nSection 3.1\n\nGenetic Testing And Counseling\n"
                     "Issue Date: March 10, 2000\n", "Chapter 6 Section 3.1", id="manual-chapter-and-section"),
    ],
)
def test_numbers(text, number):
    assert identity.extract(parse(load_text(text))).number == number


@pytest.mark.parametrize(
    "lines, furniture, number",
    [
        pytest.param([("GT20 | 1", 8), ("Medical Policy Manual", 10), ("Genetic Testing", 14), ("Body.", 10)], (0,), "GT20", id="id-beside-page-number"),
        pytest.param([("O1120.3.docx\tPage 1 of 17", 8), ("GENE THERAPY", 14), ("Body.", 10), ("More.", 10)], (0,), "O1120.3", id="file-name-in-footer"),
        pytest.param([("Proprietary Information of Acme. Copyright 2026", 8), ("Knee Surgery", 14), ("Body.", 10)], (0,), None, id="no-page-counter"),
        pytest.param([("Page 1 of 3", 8), ("Knee Surgery", 14), ("Body.", 10), ("More.", 10)], (0,), None, id="counter-alone"),
        pytest.param([("KIF6 Genotyping for Predicting Cardiovascular Risk\tPage 1 of 17", 8), ("Medical Policy", 10), ("KIF6 Genotyping", 14), ("Body.", 10)],
                     (0,), None, id="gene-symbol-opening-the-running-title"),
        pytest.param([("Genetic Testing SUR716.015\tPage 1 of 9", 8), ("Medical Policy", 10), ("Genetic Testing", 14), ("Body.", 10)],
                     (0,), "SUR716.015", id="id-shaped-token-in-the-running-title"),
    ],
)
def test_running_line_ids(lines, furniture, number):
    assert identity.extract(parse(styled(lines, furniture=furniture))).number == number
