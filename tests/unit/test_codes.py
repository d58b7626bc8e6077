"""Code grammar, code tables, statuses from headings, OCR repair and the things that are not codes."""

import pytest

from extractors import codes
from extractors.codes import system_of


def found(make_doc, text):
    return {(c.code, c.system): c for c in codes.extract(make_doc(text))[0]}


@pytest.mark.parametrize(
    "code, system",
    [
        pytest.param("20550", "CPT", id="cpt-category-i"),
        pytest.param("0232T", "CPT", id="cpt-category-iii"),
        pytest.param("3044F", "CPT", id="cpt-category-ii"),
        pytest.param("M0076", "HCPCS", id="hcpcs"),
        pytest.param("Z00.00", "ICD-10-CM", id="icd-10-cm"),
        pytest.param("0R533ZZ", "ICD-10-PCS", id="icd-10-pcs"),
        pytest.param("1234567", None, id="seven-digits-not-pcs"),
    ],
)
def test_system_of(code, system):
    assert system_of(code) == system


TABLE = """Coding

When services are Investigational and Not Medically Necessary:

CPT
22899\tUnlisted procedure, spine [when specified as a percutaneous procedure for decompression,
for example, DTRAX cage procedure]
+64484\tInjection, anesthetic agent; each additional level
20550-20553\tInjection(s); tendon sheath
HCPCS
C2614\tProbe, percutaneous lumbar discectomy
ICD-10 Procedure
0S523ZZ-0S543ZZ\tDestruction of vertebral disc, percutaneous approach [lumbar or lumbosacral; includes codes
0S523ZZ, 0S543ZZ]
ICD-10 Diagnosis
Z00.00\tEncounter for general adult medical examination without abnormal findings
"""


def test_code_table(make_doc):
    got = found(make_doc, TABLE)
    assert set(got) == {
        ("22899", "CPT"), ("64484", "CPT"), ("20550-20553", "CPT"), ("C2614", "HCPCS"),
        ("0S523ZZ-0S543ZZ", "ICD-10-PCS"), ("Z00.00", "ICD-10-CM"),
    }
    assert {c.status for c in got.values()} == {"experimental_investigational_unproven"}
    assert got[("22899", "CPT")].description.endswith("DTRAX cage procedure]")
    assert got[("0S523ZZ-0S543ZZ", "ICD-10-PCS")].description.endswith("0S543ZZ]")
    assert "range" in got[("20550-20553", "CPT")].flags
    assert got[("64484", "CPT")].printed == "64484"


def test_status_headings_switch(make_doc):
    text = "Applicable Codes\n\nConsidered Not Medically Necessary:\n\nM0076\tProlotherapy\n\nConsidered Investigational:\n\n0232T\tInjection\n"
    got = found(make_doc, text)
    assert got[("M0076", "HCPCS")].status == "not_medically_necessary"
    assert got[("0232T", "CPT")].status == "experimental_investigational_unproven"
    assert got[("M0076", "HCPCS")].status_evidence.text == "Considered Not Medically Necessary:"


def test_disclaimer_is_not_a_status_heading(make_doc):
    text = (
        "Applicable Codes\n\nListing of a code in this policy does not imply that the service described by the code "
        "is a covered or non-covered health service.\n\nCPT Code Description\n29870 Arthroscopy, knee, diagnostic\n"
    )
    assert found(make_doc, text)[("29870", "CPT")].status is None


def test_ocr_damaged_code_is_repaired_and_flagged(make_doc):
    extracted, repairs = codes.extract(make_doc("HCPCS Codes\n\nCode Description\nMO076 Prolotherapy\n"))
    (code,) = extracted
    assert (code.code, code.printed, code.flags) == ("M0076", "MO076", ["ocr_repaired"])
    assert repairs[0].printed == "MO076" and repairs[0].repaired == "M0076"


def test_unknown_icd_code_is_flagged(make_doc):
    got = found(make_doc, "ICD-10 Codes\n\nICD-10-CM\nZ99.99 Not a real code\nZ00.00 Encounter\n")
    assert "unknown_code" in got[("Z99.99", "ICD-10-CM")].flags
    assert "unknown_code" not in got[("Z00.00", "ICD-10-CM")].flags


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Please call customer service at 800-524-9242 or 1-888-901-4636.", id="phone-numbers"),
        pytest.param("Policy\n\nIn 2019 and 2020 the evidence grew.", id="years"),
        pytest.param("Page 10 of 15\nPolicy Number: 2026T0553II", id="page-and-policy-number"),
        pytest.param("See LCD L33618 and article A57765 for Medicare.", id="medicare-lcd-ids"),
        pytest.param("Policy History\n\n12/31/2019 Updated Coding section; added 93799 replacing 0205T deleted 12/31/2019.", id="history"),
        pytest.param("References\n\n1. Krakow B. A daytime study (CPT 95807-52). J Clin Sleep Med. 2008;4(3):212-22.", id="references"),
        pytest.param("Description\n\nThe device (Boston Scientific, Burlington, MA 01803) was cleared.", id="zip-code-in-prose"),
        pytest.param("Policy\n\nFDA 510(k) K051679 and NCT00355914 trials", id="fda-and-trial-ids"),
        pytest.param("Coding\n\nNewborn Screening Section\n850 Marine Bay Parkway, F-175\nRichmond, CA 94804\n(510) 412-6213", id="zip-code-in-an-address-block"),
        pytest.param("Coding\n\nConsent is required by state law:\n333.17020 Genetic test; informed consent Sec. 17020\nSee § 20550 and Section 81479 of the code.\n",
                     id="statute-sections"),
    ],
)
def test_not_codes(make_doc, text):
    assert codes.extract(make_doc(text))[0] == []


def test_codes_named_in_prose(make_doc):
    got = found(make_doc, "Policy\n\nCPT code 0232T is considered investigational for all indications.")
    assert got[("0232T", "CPT")].status == "experimental_investigational_unproven"


def test_icd_placeholder_x_and_ranges(make_doc):
    got = found(make_doc, "ICD-10 Codes\n\nICD-10-CM\nS42.00xA-S42.92xA\tFracture of clavicle, initial encounter\n")
    assert [(c.code, c.printed) for c in got.values()] == [("S42.00XA-S42.92XA", "S42.00xA-S42.92xA")]


@pytest.mark.parametrize(
    "heading",
    [
        pytest.param("Code Table", id="code-table"),
        pytest.param("CODING & BILLING INFORMATION", id="coding-and-billing"),
        pytest.param("Billing/Coding Information", id="billing-slash-coding"),
    ],
)
def test_code_section_headings_by_vocabulary(make_doc, heading):
    text = f"Policy\n\nX is investigational.\n\n{heading}\n\nCPT codes not covered for indications listed in the CPB:\n0232T\tInjection(s), platelet rich plasma"
    [code] = codes.extract(make_doc(text))[0]
    assert (code.code, code.status, code.description) == ("0232T", "not_covered", "Injection(s), platelet rich plasma")


def test_code_alone_on_its_line_takes_the_next_line_as_description(make_doc):
    text = "Coding\n\nCPT\n\n0275T\n\nPercutaneous laminotomy/laminectomy; lumbar\n\n0274T\n\nPercutaneous laminotomy/laminectomy; cervical or thoracic\n\nThe procedure is investigational."
    got = {c.code: c.description for c in codes.extract(make_doc(text))[0]}
    assert got == {"0275T": "Percutaneous laminotomy/laminectomy; lumbar", "0274T": "Percutaneous laminotomy/laminectomy; cervical or thoracic"}


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("CPT/HCPCS Level II Codes (Note: The inclusion of a code is not a guarantee.)\n\nEstablished codes:\n81420\t81479a\t81507\t81599b\t0327U\n"
                     "a If the codes above do not apply.\n\nOther codes (investigational, not medically necessary, etc.):\n81422\t81479c\t0060U\n",
                     {("81420", "medically_necessary_with_criteria"), ("81479", "medically_necessary_with_criteria"), ("81507", "medically_necessary_with_criteria"),
                      ("81599", "medically_necessary_with_criteria"), ("0327U", "medically_necessary_with_criteria"), ("81422", "experimental_investigational_unproven"), ("81479", "experimental_investigational_unproven"),
                      ("0060U", "experimental_investigational_unproven")},
                     id="grid-with-footnote-letters-and-status-groups"),
        pytest.param("Codes\tNumber Description\nCPT\t0032U\tCOMT gene analysis\n81105 –\tHPA genotyping code range\n81112\n81170\tABL1 gene analysis\nHCPCS G0452\tMolecular pathology; interpretation\n",
                     {("0032U", None), ("81105-81112", None), ("81170", None), ("G0452", None)}, id="range-over-two-lines-and-system-before-code"),
        pytest.param("Dosing\n\nBevacizumab 15 mg/kg every 3 weeks\n\nJ9035\t9999\n\nTrastuzumab 8 mg/kg loading dose\n", {("J9035", None)}, id="hcpcs-in-its-own-cell"),
        pytest.param("Dosing\n\nBevacizumab 15 mg/kg every 3 weeks\n\nJ9035\t9999\n\nRituximab\t• NHL: 375 mg/m2 IV\tJ9312\t9999\n\nSee table\tJ9999\t20\n",
                     {("J9035", None), ("J9312", None), ("J9999", None)}, id="hcpcs-cell-further-right-in-the-same-table"),
        pytest.param("Dosing\n\nRituximab\t• NHL: 375 mg/m2 IV\tJ9312\t9999\n", set(), id="a-lone-trailing-cell-makes-no-table"),
        pytest.param("Coverage Criteria Sections Example Tests (Labs)\tCommon CPT Codes Common ICD Codes\nUrinary Tests\tPolypDx 0002U\tZ12.10-Z12.13\n"
                     "Blood Tests\tEpi proColon\t81327, G0327\nLung\tFirstLook\tZ12.2, C34\n"
                     "CPT Copyright American Medical Association. All rights reserved.\nC50 is mentioned after the table.",
                     {("0002U", None), ("Z12.10-Z12.13", None), ("81327", None), ("G0327", None), ("Z12.2", None), ("C34", None)}, id="code-columns-of-a-table"),
        pytest.param("Policy\n\nThe reviewer will count 20550 cases.\n\n20551\tpatients enrolled in the trial\n", set(), id="a-lone-number-row-in-prose-is-no-code"),
        pytest.param("Key Details:\n\nGenetic counseling (procedure codes 96040 and S0265) and fluoride varnish (procedure code 99188) are benefits. "
                     "Diagnosis code Z41.8 applies.\n", {("96040", None), ("S0265", None), ("99188", None), ("Z41.8", None)},
                     id="codes-named-by-kind-without-their-system"),
        pytest.param("Key Details:\n\nThe procedure code modifier 26 and the billing code set of 2024 apply.\n", set(), id="kind-words-without-a-code"),
        pytest.param("ICD-10 Codes\n\nZ31.430\tEncounter for genetic testing\nZ34.00 thru Z34.03\tSupervision of normal first pregnancy\n81200 through 81210\tGene analysis\n",
                     {("Z31.430", None), ("Z34.00-Z34.03", None), ("81200-81210", None)}, id="range-written-with-thru-or-through"),
        pytest.param("Coverage Determination:\n\nFor pregnancy, ICD-10 Diagnosis Code: O01.0 to O01.9, O02.0, O26.20 to\no N\nO26.23, O99.411\n",
                     {("O01.0-O01.9", None), ("O02.0", None), ("O26.20-O26.23", None), ("O99.411", None)}, id="prose-list-with-to-ranges-wrapped-past-a-rotated-label"),
        pytest.param("Coverage Determination:\n\nReport CPT codes 81479 to G0452 and ICD-10 codes Z34.90 to Z34.03 as before.\n",
                     {("81479", None), ("G0452", None), ("Z34.90", None), ("Z34.03", None)}, id="to-between-codes-of-two-systems-or-backwards-is-no-range"),
        pytest.param("Coding\n\nCPT\tDescription\n89290\tBiopsy, oocyte polar body or embryo blastomere\n89398\tUnlisted reproductive medicine laboratory procedure ** Experimental & Investigational **\n"
                     "81479\tUnlisted molecular pathology procedure (e.g., investigational gene panels)\n",
                     {("89290", None), ("89398", "experimental_investigational_unproven"), ("81479", None)}, id="status-note-at-a-row-end"),
        pytest.param("Example Tests\tCommon CPT Codes\nMaple syrup urine disease\t81205\nBCKDHB gene analysis, common variants (eg, R183P, G2785, E422X)\n"
                     "Colorectal screening (e.g., CPT 81327)\n",
                     {("81205", None), ("81327", None)}, id="variant-names-in-examples-are-no-codes-named-codes-are"),
        pytest.param("Coding\n\nCPT\n86152 Cell enumeration using immunologic selection (eg, circulating tumor cells in blood);\n"
                     "86153 Cell enumeration using immunologic selection; physician interpretation and report, when required\n"
                     "Add-on codes apply:\n81479 Unlisted procedure of the genes listed;\nfragile X, FMR1 and others\n",
                     {("86152", None), ("86153", None), ("81479", None)}, id="child-row-below-a-descriptor-ending-in-semicolon"),
    ],
)
def test_code_table_shapes(make_doc, text, expected):
    assert {(c.code, c.status) for c in codes.extract(make_doc(text))[0]} == expected


def test_footnote_mark_is_not_printed_as_the_code(make_doc):
    (code,) = codes.extract(make_doc("Established codes:\n81479ᵃ\tUnlisted molecular pathology procedure\n"))[0]
    assert (code.code, code.printed, code.evidence.text) == ("81479", "81479", "81479")


def test_a_status_line_does_not_end_a_code_table_and_genes_are_not_codes(make_doc):
    text = "Coding Information\nCPT Code(s)\tDescription\tComments\n81225\tCYP2C19 gene analysis\tNot Covered\n\nNot Covered\n\n81226\n\nCYP2D6 gene analysis\n"
    assert {c.code for c in codes.extract(make_doc(text))[0]} == {"81225", "81226"}


def test_maaa_and_pla_codes(make_doc):
    text = "Applicable Codes\nCPT\n0004M\tScoliosis, DNA analysis of 53 SNPs\n0237U\tCardiac ion channelopathies\n"
    assert {(c.code, c.system) for c in codes.extract(make_doc(text))[0]} == {("0004M", "CPT"), ("0237U", "CPT")}


def test_a_statement_leading_into_a_code_table_gives_its_codes_their_status(make_doc):
    text = ("Policy\n\nThe plan considers the following genetic tests to be Experimental/Investigational/Unproven:\n\n"
            "Genetic Test\tCPT/HCPCS Codes\nST2 Assay\t83006\n\nCoding Information\n\n83006\tGrowth stimulation expressed gene 2\n")
    (code,) = codes.extract(make_doc(text))[0]
    assert (code.code, code.status, code.description) == ("83006", "experimental_investigational_unproven", "Growth stimulation expressed gene 2")


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Procedure Codes\n\n96116 96121 96130 96131\n\nDocumentation Submission:\n",
                     {"96116", "96121", "96130", "96131"}, id="codes-apart-by-spaces-on-one-line"),
        pytest.param("Coding\n\nEstablished codes:\nS3870  81228 81229 81349\n", {"S3870", "81228", "81229", "81349"}, id="hcpcs-and-cpt-apart-by-spaces"),
        pytest.param("Coding\n\nCPT\n81225 CYP2C19 gene analysis\n", {"81225"}, id="a-gene-name-after-a-code-is-its-description"),
        pytest.param("Codes\n\nICD-10 Diagnosis Codes That Support Medical Necessity:\nC18.0 – C18.9\tMalignant neoplasm of colon\n"
                     "C19 – C20\tMalignant neoplasm of rectum\nC33 – C34.92\tMalignant neoplasm of lung\nC55\tMalignant neoplasm of uterus\n",
                     {"C18.0-C18.9", "C19-C20", "C33-C34.92", "C55"}, id="icd-categories-in-an-icd-table"),
        pytest.param("Codes\n\nCPT\n81225\tCYP2C19 gene analysis\nP53\tnot a code under a CPT heading\n", {"81225"}, id="no-category-outside-an-icd-table"),
        pytest.param("Codes\n\nICD-10-CM\nC50.911\tMalignant neoplasm of breast\nB12\tvitamin B12, not in the code set\n", {"C50.911"}, id="category-not-in-the-code-set"),
        pytest.param("Codes\n\nICD-10-CM\nH90.A-90.A3\tHearing loss, restricted hearing on the contralateral side\n",
                     {"H90.A-H90.A3"}, id="range-end-without-its-letter"),
    ],
)
def test_code_runs_and_icd_categories(make_doc, text, expected):
    assert {c.code for c in codes.extract(make_doc(text))[0]} == expected


def test_range_end_with_a_zero_for_the_letter_o_is_repaired(make_doc):
    extracted, repairs = codes.extract(make_doc("Codes\n\nICD-10 codes\nCode\tDescription\nO09.A0 - 009.A3\tSupervision of pregnancy with history of molar pregnancy\n"))
    (code,) = extracted
    assert (code.code, code.printed, code.flags) == ("O09.A0-O09.A3", "O09.A0 - 009.A3", ["range", "ocr_repaired"])
    assert (repairs[0].printed, repairs[0].repaired) == ("O09.A0 - 009.A3", "O09.A0-O09.A3")


def test_code_columns_with_wrapped_ranges_and_a_late_icd_header(make_doc):
    text = ("Coverage Criteria\nExample Tests (Labs)\n\nCommon CPT\nCodes\n\nCommon ICD Codes\tRef\n\n"
            "Panel Tests\tGeneSight\t0345U\tB20, C00.0-C96.9, F01-\t4, 5\nF99, G10, G89.0-\nG89.4, I10\n"
            "CYP2C9 Variant\tCytochrome P450 2C9\t81227\tE78.00, G35, I21.0-\t8\nAnalysis\tGenotype (Quest)\tI22.9, I48.0\n")
    got = {c.code for c in codes.extract(make_doc(text))[0]}
    assert got == {"0345U", "B20", "C00.0-C96.9", "F01-F99", "G10", "G89.0-G89.4", "I10", "81227", "E78.00", "G35", "I21.0-I22.9", "I48.0"}


def test_an_open_bracket_does_not_swallow_the_next_row(make_doc):
    text = ("Coding\n\nCPT\n81242 FANCC (Fanconi anemia, complementation group\n"
            "81243 FMR1 (fragile X mental retardation 1 (e.g., fragile X) gene analysis; evaluation\nto detect abnormal alleles\n"
            "81244 FMR1 (fragile X mental retardation 1) gene analysis\n")
    got = {c.code: c.description for c in codes.extract(make_doc(text))[0]}
    assert got == {"81242": "FANCC (Fanconi anemia, complementation group",
                   "81243": "FMR1 (fragile X mental retardation 1 (e.g., fragile X) gene analysis; evaluation to detect abnormal alleles",
                   "81244": "FMR1 (fragile X mental retardation 1) gene analysis"}


def test_status_markers_spelled_out_by_a_legend(make_doc):
    text = ("Codes\n\n• Code list may not be all inclusive.\n• (E/I)=Experimental/Investigational\n• (NMN)=Not medically necessary\n"
            "CPT Codes\nCode Description\n81276 KRAS gene analysis; additional variants\n81277 (E/I)\nCytogenomic neoplasia microarray analysis\n"
            "0229U (E/I) BCAT1 methylation analysis\n81479 (NMN) Unlisted molecular pathology procedure\n")
    got = {c.code: (c.status, c.status_source, c.description) for c in codes.extract(make_doc(text))[0]}
    assert got == {
        "81276": (None, None, "KRAS gene analysis; additional variants"),
        "81277": ("experimental_investigational_unproven", "marker", "Cytogenomic neoplasia microarray analysis"),
        "0229U": ("experimental_investigational_unproven", "marker", "BCAT1 methylation analysis"),
        "81479": ("not_medically_necessary", "marker", "Unlisted molecular pathology procedure"),
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Rationale\n\nSee below.\n\nCovered when medically necessary:\n\nProcedure Codes\nG0452\t81332\n",
                     {("G0452", "medically_necessary_with_criteria"), ("81332", "medically_necessary_with_criteria")}, id="status-line-above-the-code-heading"),
        pytest.param("Applicable Billing Codes (HCPCS/CPT Codes)\n\nCPT/HCPCS Codes considered medically necessary if criteria are met:\n\n"
                     "Code\tDescription\n59015\tChorionic villus sampling\nZ86.718\tPersonal history of venous thrombosis\n\n"
                     "CPT/HCPCS Codes for Genetic Counseling required for prenatal testing to be considered medically\nnecessary:\n\n"
                     "96040\tMedical genetics and genetic counseling services\n\nCPT/HCPCS codes not considered medically necessary:\n\n0327U\tFetal aneuploidy\n",
                     {("59015", "medically_necessary_with_criteria"), ("Z86.718", "medically_necessary_with_criteria"),
                      ("96040", "medically_necessary_with_criteria"), ("0327U", "not_medically_necessary")}, id="status-heading-wrapped-over-two-lines"),
        pytest.param("Coding\n\n• (E/I)=Experimental/Investigational\nCPT Codes\n81162\tBRCA1 full sequence analysis\n",
                     {("81162", None)}, id="a-legend-line-is-no-status-heading"),
        pytest.param("Codes\n\nCPT Code\tDescription\n89290\tBiopsy, oocyte polar body\n89398\tUnlisted reproductive medicine procedure ** Experimental & Investigational **\n",
                     {("89290", None), ("89398", "experimental_investigational_unproven")}, id="a-status-set-off-at-the-end-of-a-row"),
        pytest.param("Codes\n\nCPT Code\tDescription\n81479\tUnlisted molecular pathology procedure [e.g., BRCA panel]\n",
                     {("81479", None)}, id="brackets-without-a-status-give-none"),
        pytest.param("Codes\n\nICD-10 Code\tDescription\nD01.5\tCarcinoma in situ of liver and bile ducts [not covered for liver]\n",
                     {("D01.5", None)}, id="a-qualified-status-is-no-row-status"),
        pytest.param("3.0 EXCLUSIONS\n\n3.1 Tests that do not influence management.\n\n3.2 Current Procedural Terminology (CPT) code 96040 medical "
                     "genetics and genetic counseling services, as this code is limited to genetic counselors.\n",
                     {("96040", "not_covered")}, id="cpt-code-in-prose-under-an-exclusions-heading"),
        pytest.param("Billing/Coding Information\n\nCPT Coding\n61630\tBalloon angioplasty, intracranial, percutaneous\n(Investigational)\n"
                     "61635\tTranscatheter placement of intravascular stent(s), intracranial\n61641\tBalloon dilatation; each additional vessel in\n"
                     "same vascular territory (List separately in addition to code for primary procedure)\n(Investigational)\n",
                     {("61630", "experimental_investigational_unproven"), ("61635", None), ("61641", "experimental_investigational_unproven")},
                     id="a-status-note-on-a-wrapped-line-is-the-rows-own"),
        pytest.param("Coding Information\n\nHCPCS MODIFIERS:\n\nGA - Waiver of liability statement issued\n\n"
                     "GZ - Item or service expected to be denied as not reasonable and necessary\n\nHCPCS CODES:\n\nE0470\tRespiratory assist device\n",
                     {("E0470", None)}, id="a-modifier-legend-line-is-no-status-heading"),
        pytest.param("Coding Information\n\nCodes not reasonable and necessary:\n\nE0470\tRespiratory assist device\n",
                     {("E0470", "not_medically_necessary")}, id="a-status-heading-still-heads-its-codes"),
        pytest.param("BILLING/CODING INFORMATION:\n\nCPT Coding:\n\n37215\tTranscatheter placement of intravascular stent(s), cervical carotid artery\n"
                     "37216\tTranscatheter placement of intravascular stent(s); without distal embolic protection\n\n"
                     "ICD-10 Diagnosis Codes That Support Medical Necessity:\nI65.21 - I65.29 Occlusion and stenosis of carotid artery\n",
                     {("37215", "medically_necessary_with_criteria"), ("37216", "medically_necessary_with_criteria"),
                      ("I65.21-I65.29", "medically_necessary_with_criteria")}, id="procedures-billed-with-supporting-diagnoses"),
        pytest.param("BILLING/CODING INFORMATION:\n\nCPT Coding:\n\n61630\tBalloon angioplasty, intracranial\n61635\tTranscatheter placement of stent\n\n"
                     "ICD-10 Diagnosis Codes That Support Medical Necessity for codes 61635:\nI63.00-I63.9\tCerebral infarction\n",
                     {("61630", None), ("61635", None), ("61635", "medically_necessary_with_criteria"), ("I63.00-I63.9", "medically_necessary_with_criteria")},
                     id="not-when-the-diagnoses-name-their-procedure-codes"),
    ],
)
def test_status_groups(make_doc, text, expected):
    assert {(c.code, c.status) for c in codes.extract(make_doc(text))[0]} == expected


def test_a_range_named_in_prose_gives_way_to_the_rows_of_its_codes(make_doc):
    text = ("Policy\n\nb. NTRK fusion (CPT: 81191-81193, or 81194);\n\nCPT Codes\n\nCode Description\n81191 NTRK1 translocation analysis\n"
            "81192 NTRK2 translocation analysis\n81193 NTRK3 translocation analysis\n81194 NTRK translocation analysis\n")
    assert {c.code for c in codes.extract(make_doc(text))[0]} == {"81191", "81192", "81193", "81194"}


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Policy\n\nIn alignment with Office and Outpatient Coding Guidelines (99202-99205)\nchanges that were effective in 2021, the CPT "
                     "codes section for Non-Office Visits (99221-99223, 99231-\n99239) were revised in 2023 and must be used with care.\n\n"
                     "Procedure Code List\n\n99202\t99203\t99204\t99205\t99221\n99222\t99223\t99231\t99232\t99233\n99234\t99235\t99236\t99238\t99239\n",
                     {"99202", "99203", "99204", "99205", "99221", "99222", "99223", "99231", "99232", "99233", "99234", "99235", "99236", "99238", "99239"},
                     id="prose-ranges-beside-a-list-of-every-code"),
        pytest.param("Policy\n\nIn alignment with Office and Outpatient Coding Guidelines\nchanges that were effective in 2021, the CPT "
                     "codes section for Non-Office Visits (99221-99223, 99231-\n99239) were revised in 2023 and must be used with care.\n\n"
                     "Procedure Code List\n\n99202\t99203\t99221\t99222\t99223\n",
                     {"99202", "99203", "99221", "99222", "99223", "99231-99239"}, id="a-range-the-list-only-partly-prints-stays"),
        pytest.param("Codes\n\nCPT Codes\tNot To Be Reported With\nCode first\t0362T, 0373T,\n90791, 90792,\t90839, +90840,\n"
                     "90832, +90833,\t90847, 96130-\n90834, +90836,\t96134, 96136-\n90837, +90838,\t96139, 96146\n",
                     {"0362T", "0373T", "90791", "90792", "90839", "90840", "90832", "90833", "90847", "96130-96134", "90834", "90836",
                      "96136-96139", "90837", "90838", "96146"}, id="ranges-wrapped-in-the-second-of-two-code-columns"),
        pytest.param("Codes\n\nCPT Code\tMay Be Reported With\tNot To Be Reported With\n+90833\t+90785 (Code\t90832, 90834,\n"
                     "service is performed\tfirst 99202-\t90837, 90839,\nduring the encounter\t99239, 99304-\t+90840\nof psychotherapy.\t99316)\t90847\n",
                     {"90833", "90785", "90832", "90834", "99202-99239", "90837", "90839", "90840", "99304-99316", "90847"}, id="a-range-wrapped-in-a-middle-column"),
    ],
)
def test_ranges_in_prose_and_columns(make_doc, text, expected):
    assert {c.code for c in codes.extract(make_doc(text))[0]} == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Background:\n\nEffective for dates of service on or after September 1, 2024, procedure codes 81279, 81305, and 81443 will\n"
                     "become a benefit of Texas Medicaid.\n\nExclusions\n\nNone.\n", {"81279", "81305", "81443"}, id="codes-named-in-a-description"),
        pytest.param("Background:\n\nTesting is covered.\n\nHistory\n\n01/01/2024 Procedure codes 81400 and 81401 deleted.\n", set(),
                     id="history-codes-stay-out"),
    ],
)
def test_prose_codes_by_section(make_doc, text, expected):
    assert {c.code for c in codes.extract(make_doc(text))[0]} == expected
