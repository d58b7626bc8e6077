"""The issuing payer: roles (plan, contractor, developer, cited), Medicare documents, issuer notices,
the copyright holder when no known organization is named, and the PDF's own properties."""

import pytest

from extractors import payer
from extractors.document import parse
from extractors.loading import load_text
from extractors.loading.pdf import properties_block


def issuer(text: str) -> str | None:
    return payer.extract(parse(load_text(text))).name


@pytest.mark.parametrize(
    "text, name",
    [
        pytest.param("LCD - Seat Lift Mechanisms (L33801)\n\nContractor Information\nContractor Name\tCGS Administrators, LLC\n\n"
                     "See the CMS National Coverage Determination for lift chairs.", "CGS Administrators", id="medicare-lcd-is-the-contractors"),
        pytest.param("Medical Coverage Policy\n\nBaylor Scott & White Health Plan covers testing per the Palmetto GBA MolDX program and the LCD.",
                     "Baylor Scott & White Health Plan", id="plan-citing-a-contractor"),
        pytest.param("Clinical Policy\n\nPer the FDA label and NCCN guidelines, refer to the InterQual criteria.", None, id="cited-bodies-never-issue"),
        pytest.param("Medical Policy\n\nX is covered.\n\nReferences\n\n1. Smith J. Mastectomy. 2013.\n\nCenters for Medicare and Medicaid Services\n\n"
                     "The information contained in this section is for informational purposes only. HCSC makes no representation.",
                     "Health Care Service Corporation", id="a-notice-after-the-reference-list-counts"),
        pytest.param("Medical Policy\n\nX is covered.\n\nReferences\n\n1. Blue Cross Blue Shield of Michigan. Policy 12. 2020. https://www.bcbsm.com",
                     None, id="a-cited-plan-does-not-count"),
        pytest.param("Medical Policy\n\nX is covered.\n\n© 2024 Prairie Valley Health Plan, Inc. All rights reserved.", "Prairie Valley Health Plan",
                     id="copyright-holder-of-an-unknown-plan"),
        pytest.param("Medical Policy\n\nX is covered.\n\nCPT Copyright 2023 American Medical Association. All rights reserved.", None,
                     id="the-amas-copyright-names-no-issuer"),
        # a plan the gazetteer does not know, named as the document's own (extractors/self_named.py)
        pytest.param("Medical Policy\n\nPrairieCare considers genetic testing medically necessary when criteria are met. "
                     "Requests are reviewed by eviCore.\n\nPrairieCare will not cover screening.", "PrairieCare", id="unknown-plan-over-a-vendor"),
        pytest.param("Manual: North Valley Health Plans\nPolicy # MP050\n\nTesting is covered. Contractor: Wisconsin Physicians Service "
                     "Insurance Corporation (quoted LCD).", "North Valley Health Plans", id="manual-label-names-the-plan"),
        pytest.param("Guideline\n\nLakeshore Care Alliance (LCA) follows applicable Medicaid regulations. LCA members need prior "
                     "authorization.\n\nReferences\n1. National Government Services. Molecular pathology reminder. 2022.",
                     "Lakeshore Care Alliance", id="plan-with-short-form-over-a-cited-contractor"),
        pytest.param("Policy\n\nThe American College of Medical Genetics considers X useful. The Medical Director will review. "
                     "The Health Plan covers Y.", None, id="societies-officers-and-generic-words-are-no-plan"),
        pytest.param("Policy\n\nX is covered.\n\nReferences\n1. Northwind Health Plan considers X. Policy 7. 2021.", None,
                     id="a-plan-named-only-in-references-is-cited"),
        pytest.param("Part 2 - Genetic Counseling\n\nProviders may bill Medi-Cal for the screening of Medi-Cal recipients.", "Medi-Cal",
                     id="a-state-medicaid-program"),
        # a guideline developer's own guideline: a plan named in passing, far from the letterhead, adopts nothing
        pytest.param("carelon.com\n\nClinical Appropriateness Guidelines\n\n© 2026 Carelon Medical Benefits Management, Inc. All rights reserved.\n\n"
                     + "Testing is medically necessary when criteria are met.\n" * 40 + "\nHistory\nRevised 04/21/2025: codes updated except for\nAnthem BCBS\nOH Medicaid\n",
                     "Carelon", id="developer-own-guideline-plan-named-in-passing"),
        pytest.param("Anthem Blue Cross and Blue Shield\nClinical Appropriateness Guidelines\n\n© 2026 Carelon Medical Benefits Management, Inc. All rights reserved.\n\n"
                     + "Testing is medically necessary when criteria are met.\n" * 40, "Anthem", id="plan-in-the-letterhead-adopts-the-developers-guideline"),
    ],
)
def test_issuer(text, name):
    assert issuer(text) == name


@pytest.mark.parametrize(
    "info, data, block",
    [
        pytest.param({"Author": "Medical Policy"}, b"<pdfx:Company>Regence</pdfx:Company>", "\n\nDocument properties\nCompany: Regence", id="xmp-company"),
        pytest.param({"Author": "Molina Healthcare"}, b"", "\n\nDocument properties\nAuthor: Molina Healthcare", id="organization-author"),
        pytest.param({"Author": "Gary Strobel"}, b"", "", id="a-person-is-no-issuer"),
        pytest.param({"Author": "anonymous"}, b"/Company (Acme Health Plan)", "\n\nDocument properties\nCompany: Acme Health Plan", id="info-company"),
    ],
)
def test_pdf_properties_block(info, data, block):
    assert properties_block(info, data) == block


def test_company_property_names_the_payer():
    assert issuer("Genetic Testing\n\nX is medically necessary." + properties_block({}, b"<pdfx:Company>Regence</pdfx:Company>")) == "Regence"


@pytest.mark.parametrize(
    "body, name",
    [
        pytest.param("Clinical Policy: Blinatumomab\n\nX is medically necessary.\n\nReferences\n1. Label. Amgen; 2018.\n\n"
                     "©2018 Northwind Pharmacy Solutions. All rights reserved. All materials are exclusively owned by Northwind Pharmacy Solutions.",
                     "Northwind Pharmacy Solutions", id="body-copyright-holder-over-a-parent-in-the-properties"),
        pytest.param("Clinical Policy: Blinatumomab\n\nX is medically necessary.\n\nReferences\n1. Label. Amgen; 2018.\n\n"
                     "CPT Only - Copyright 2023 American Medical Association. All rights reserved.",
                     "Health Net", id="the-code-sets-copyright-leaves-the-properties-payer"),
        pytest.param("Anthem Blue Cross\nClinical Policy: Blinatumomab\n\nX is medically necessary.", "Anthem",
                     id="a-plan-in-the-letterhead-over-a-parent-in-the-properties"),
    ],
)
def test_body_names_its_issuer_over_the_pdf_properties(body, name):
    assert issuer(body + properties_block({}, b"<pdfx:Company>Health Net, Inc.</pdfx:Company>")) == name
