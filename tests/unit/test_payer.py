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
