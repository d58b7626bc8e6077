"""CMS Coverage API records (NCD, LCD, billing article JSON): recognized by their keys, rendered into
labelled text, and extracted like any policy (fixtures: tests/fixtures/cms/README.md)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from extractors.errors import InputError
from extractors.loading import load_bytes, load_text
from extractors.loading.structured import looks_like_cms_record, render_cms_record
from extractors.pipeline import extract_bytes
from tests.evidence import evidences

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cms"
NCD = "ncd_30.3.3_acupuncture_clbp.json"
LCD_PALMETTO = "lcd_L40187_moldx_masld_biomarkers.json"
LCD_DME = "lcd_L33610_intravenous_immune_globulin.json"
LCD_COMPOSED = "lcd_L33801_composed.json"
ARTICLE_COMPOSED = "article_A57528_composed.json"
ALL = [NCD, LCD_PALMETTO, LCD_DME, LCD_COMPOSED, ARTICLE_COMPOSED]


def fixture(name: str) -> object:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def record_of(name: str) -> dict:
    data = (FIXTURES / name).read_bytes()
    return json.loads(extract_bytes(data, uri=f"tests/fixtures/cms/{name}").model_dump_json())


def text_of(name: str) -> str:
    return load_bytes((FIXTURES / name).read_bytes(), name=name).text


def date_of(record: dict, field: str) -> str | None:
    return (record["dates"].get(field) or {}).get("value")


# A small record composed here: the API's envelope, HTML escaped twice, ISO dates, a report row beside the
# detail record, a non-covered ICD-10 group.
COMPOSED = {
    "/v1/reports/local-coverage-articles": {"meta": {"status": {"id": 200, "message": "OK"}}, "data": [{
        "document_id": 99901, "document_display_id": "A99901", "document_type": "Article",
        "title": "Billing and Coding: Widgets &amp;amp; Gadgets",
        "contractor_name_type": "Novitas Solutions, Inc.\r\n(A and B MAC)",
        "updated_on": "2024-09-12 10:11:12.123",
    }]},
    "/v1/data/article": {"meta": {"status": {"id": 200, "message": "OK"}}, "data": [{
        "article_id": 99901, "title": "Billing and Coding: Widgets &amp;amp; Gadgets", "article_eff_date": "2024-10-01T00:00:00",
        "description": "&amp;lt;p&amp;gt;Social Security Act &amp;amp;#167; 1862(a)(1)(A).&amp;lt;&amp;sol;p&amp;gt;"
                       "&amp;lt;ul&amp;gt;&amp;lt;li&amp;gt;Widgets are not covered when FEV1 &amp;amp;lt; 60%.&amp;lt;&amp;sol;li&amp;gt;"
                       "&amp;lt;&amp;sol;ul&amp;gt;",
    }]},
    "/v1/data/article/icd10-noncovered-group": {"meta": {}, "data": [
        {"article_id": 99901, "icd10_noncovered_group": 1, "paragraph": "&lt;p&gt;Screening is not payable for:&lt;&sol;p&gt;"},
    ]},
    "/v1/data/article/icd10-noncovered": {"meta": {}, "data": [
        {"article_id": 99901, "icd10_code_id": "Z00.00", "icd10_noncovered_group": 1,
         "description": "Encounter for general adult medical examination without abnormal findings"},
    ]},
    "/v1/data/article/revision-history": {"meta": {}, "data": [
        {"article_id": 99901, "rev_hist_date": "2024-10-01", "rev_hist_num": "R2", "rev_hist_exp": "&lt;p&gt;Added group 1.&lt;&sol;p&gt;"},
        {"article_id": 99901, "rev_hist_date": "2023-01-01", "rev_hist_num": "R1", "rev_hist_exp": "&lt;p&gt;New article.&lt;&sol;p&gt;"},
    ]},
}


# --- recognition -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj, expected",
    [
        *[pytest.param(fixture(name), True, id=name.removesuffix(".json")) for name in ALL],
        pytest.param(COMPOSED, True, id="endpoint-responses"),
        pytest.param({"meta": {"status": {"id": 200}}, "data": [fixture(NCD)]}, True, id="envelope"),
        pytest.param([fixture(LCD_DME)], True, id="array-of-one"),
        pytest.param({"document_display_id": "L38568", "title": "MolDX: Allograft Rejection", "document_type": "LCD",
                      "contractor_name_type": "Palmetto GBA\r\n(MAC - Part A)", "effective_date": "07/10/2025"}, True, id="report-row"),
        pytest.param({"title": "Prolotherapy", "effective_date": "01/01/2025", "text": "..."}, False, id="title-and-date"),
        pytest.param({"document_id": 7, "title": "Something", "url": "https://example.org"}, False, id="generic-ids"),
        pytest.param({"lcd_id": 33801, "indication": "covered"}, False, id="no-title"),
        pytest.param({"title": "Drug X", "indication": "asthma", "keywords": "inhaler"}, False, id="common-keys-only"),
        pytest.param({"title": "Seat Lift", "display_id": "L33801", "indication": "covered"}, True, id="display-id-and-key"),
        pytest.param({"title": "Policy", "document_type": "NCD"}, False, id="stated-type-only"),
        pytest.param({"meta": {"status": {"id": 200}}, "data": []}, False, id="empty-envelope"),
        pytest.param({"data": [{"hcpc_code_id": "E0627", "hcpc_code_group": 1}], "meta": {}}, False, id="codes-only"),
        pytest.param([1, 2, 3], False, id="numbers"),
    ],
)
def test_recognized_by_keys(obj, expected):
    assert looks_like_cms_record(obj) is expected


# --- rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, lines",
    [
        pytest.param(NCD, ["Centers for Medicare & Medicaid Services", "NCD ID: 30.3.3",
                           "Title: Acupuncture for Chronic Lower Back Pain (cLBP)", "Effective Date: 01/21/2020",
                           "Last Updated: 10/28/2024", "Indications and Limitations of Coverage", "Revision History",
                           "• Lasting 12 weeks or longer;",
                           "Auxiliary personnel furnishing acupuncture must be under the appropriate level of supervision of a physician, "
                           "PA, or NP/CNS required by our regulations at 42 CFR §§ 410.26 and 410.27.",
                           "05/2020 - The purpose of this change request is to inform MACs that CMS will cover acupuncture for chronic "
                           "low back pain (cLBP) effective for claims with dates of service on and after January 21, 2020. (TN 10128) "
                           "(CR11755)"], id="ncd"),
        pytest.param(LCD_PALMETTO, ["LCD ID: L40187", "Contractor Name: Palmetto GBA (MAC - Part A, MAC - Part B)",
                                    "CMS National Coverage Policy", "Coverage Indications, Limitations, and/or Medical Necessity",
                                    "1. The patient is an adult with clinical evidence of liver dysfunction compatible with MASLD or MASH "
                                    "based on current professional society guidelines [e.g., AASLD, American Gastroenterological "
                                    "Association (AGA), American Association of Clinical Endocrinologists (AACE)].",
                                    "1. If the test relies on an algorithm, the algorithm must be validated in a cohort that is not a "
                                    "development cohort for the algorithm."], id="lcd-real"),
        pytest.param(LCD_DME, ["LCD ID: L33610", "LCD Title: Intravenous Immune Globulin",
                               "Contractor Name: CGS Administrators, LLC (DME MAC)",
                               "Contractor Name: Noridian Healthcare Solutions, LLC (DME MAC)",
                               "Suppliers must not dispense a quantity of supplies exceeding a beneficiary's expected utilization. "
                               "Suppliers must stay attuned to changed or atypical utilization patterns on the part of their clients. "
                               "Suppliers must verify with the treating practitioners that any changed or atypical utilization is "
                               "warranted."], id="lcd-dme"),
        pytest.param(LCD_COMPOSED, ["LCD ID: L33801", "LCD Title: Seat Lift Mechanisms", "Original Effective Date: 10/01/2015",
                                    "Revision Effective Date: 07/02/2023", "Revision Ending Date: N/A", "Last Updated: 05/11/2023",
                                    "CPT/HCPCS Codes", "Group 1 Codes:", "E0627\tSEAT LIFT MECHANISM, ELECTRIC, ANY TYPE",
                                    "Revision History Information",
                                    "Revision History Date\tRevision History Number\tRevision History Explanation",
                                    "07/01/2016\tR2\tEffective July 1, 2016 oversight for DME MAC LCDs is the responsibility of CGS "
                                    "Administrators, LLC 18003 and 17013 and Noridian Healthcare Solutions, LLC 19003 and 16013. No "
                                    "other changes have been made to the LCDs."], id="lcd-composed"),
        pytest.param(ARTICLE_COMPOSED, ["Article ID: A57528", "Article Title: Billing and Coding: Transcranial Magnetic Stimulation",
                                        "Article Version: 4", "Effective Date: 10/24/2019", "Article Text",
                                        "• Maintenance therapy is not covered.", "Group 1 Codes:", "90867",
                                        "ICD-10-CM Codes that Support Medical Necessity",
                                        "Group 1 Codes (ICD-10-CM Codes that Support Medical Necessity)",
                                        "F32.2\tMajor depressive disorder, single episode, severe without psychotic features"],
                     id="article-composed"),
    ],
)
def test_rendering(name, lines):
    loaded = load_bytes((FIXTURES / name).read_bytes(), name=name)
    assert loaded.media_type == "application/json"
    assert loaded.pages == 1
    text_lines = loaded.text.split("\n")
    for line in lines:
        assert line in text_lines
    assert "&lt;" not in loaded.text and "&amp;" not in loaded.text and "<p>" not in loaded.text


def test_rendered_text_is_the_same_through_both_entry_points():
    assert render_cms_record(fixture(NCD)) == text_of(NCD)


def test_section_without_content_is_not_printed():
    text = text_of(LCD_COMPOSED)
    assert "Bibliography" not in text  # "NA"
    assert "Keywords" not in text  # "N/A"


# --- records -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, number, title, payer, effective, original, last_revised",
    [
        pytest.param(NCD, "30.3.3", "Acupuncture for Chronic Lower Back Pain (cLBP)", "Centers for Medicare & Medicaid Services",
                     "2020-01-21", None, "2024-10", id="ncd"),
        pytest.param(LCD_PALMETTO, "L40187", "MolDX: Biomarker Testing in Metabolic Dysfunction-Associated Steatotic Liver Disease "
                     "and Metabolic Dysfunction-Associated Steatohepatitis", "Palmetto GBA", None, None, None, id="lcd-real"),
        pytest.param(LCD_DME, "L33610", "Intravenous Immune Globulin", "CGS Administrators", None, None, None, id="lcd-dme"),
        pytest.param(LCD_COMPOSED, "L33801", "Seat Lift Mechanisms", "CGS Administrators", "2023-07-02", "2015-10-01", "2023-07-02",
                     id="lcd-composed"),
        pytest.param(ARTICLE_COMPOSED, "A57528", "Billing and Coding: Transcranial Magnetic Stimulation", "National Government Services",
                     "2019-10-24", None, None, id="article-composed"),
    ],
)
def test_record_fields(name, number, title, payer, effective, original, last_revised):
    record = record_of(name)
    assert record["source"]["media_type"] == "application/json"
    assert record["policy"]["number"] == number
    assert record["policy"]["title"] == title
    assert record["payer"]["name"] == payer
    assert date_of(record, "effective") == effective
    assert date_of(record, "original_effective") == original
    assert date_of(record, "last_revised") == last_revised


@pytest.mark.parametrize(
    "name, rows",
    [
        pytest.param(NCD, [("2024-10", "The purpose of the Change Request (CR) is to provide a quarterly maintenance update"),
                           ("2020-05", "The purpose of this change request is to inform MACs")], id="ncd-html"),
        pytest.param(LCD_COMPOSED, [("2023-07-02", "R6 Revision Effective Date: 07/02/2023: SUMMARY OF EVIDENCE:"),
                                    ("2016-07-01", "R2 Effective July 1, 2016 oversight for DME MAC LCDs"),
                                    ("2015-10-01", "R1 Revision Effective Date: 10/31/2014")], id="lcd-rows"),
    ],
)
def test_revision_history_rows(name, rows):
    history = record_of(name)["history"]
    assert len(history) == {NCD: 11, LCD_COMPOSED: 6}[name]
    for when, text in rows:
        assert any(entry["date"] == when and entry["text"].startswith(text) for entry in history), (when, text)


@pytest.mark.parametrize(
    "name, expected",
    [
        pytest.param(ARTICLE_COMPOSED, {("90867", "CPT", None), ("90868", "CPT", None), ("90869", "CPT", None),
                                        ("F32.2", "ICD-10-CM", "medically_necessary"), ("F33.2", "ICD-10-CM", "medically_necessary")},
                     id="article-groups"),
        # the group paragraph's "GZ - ... denied as not reasonable and necessary" is a modifier's meaning, no status
        pytest.param(LCD_COMPOSED, {("E0172", "HCPCS", None), ("E0627", "HCPCS", None), ("E0629", "HCPCS", None)}, id="lcd-group"),
        pytest.param(NCD, set(), id="ncd-none"),
    ],
)
def test_codes_and_group_status(name, expected):
    codes = {(c["code"], c["system"], c["status"]) for c in record_of(name)["codes"]}
    assert codes == expected
    for code in record_of(name)["codes"]:
        if code["status"]:
            assert code["status_source"] == "heading"


@pytest.mark.parametrize("name", [pytest.param(name, id=name.removesuffix(".json")) for name in ALL])
def test_every_evidence_slice_matches_the_text(name):
    text = text_of(name)
    record = record_of(name)
    found = list(evidences(record))
    assert found
    for evidence in found:
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert evidence["page"] == 1


# --- a record composed here ---------------------------------------------------------------------


def test_composed_record():
    data = json.dumps(COMPOSED).encode()
    loaded = load_bytes(data, name="composed.json")
    lines = loaded.text.split("\n")
    assert "Article ID: A99901" in lines
    assert "Article Title: Billing and Coding: Widgets & Gadgets" in lines  # escaped twice
    assert "Effective Date: 10/01/2024" in lines  # ISO date -> MM/DD/YYYY
    assert "Last Updated: 09/12/2024" in lines  # the report row's updated_on
    assert "Contractor Name: Novitas Solutions, Inc. (A and B MAC)" in lines
    assert "Social Security Act § 1862(a)(1)(A)." in lines
    assert "• Widgets are not covered when FEV1 < 60%." in lines
    assert "10/01/2024\tR2\tAdded group 1." in lines  # a revision row, its ISO date as MM/DD/YYYY

    record = json.loads(extract_bytes(data, uri="composed.json").model_dump_json())
    assert record["policy"]["number"] == "A99901"
    assert record["payer"]["name"] == "Novitas Solutions"
    assert date_of(record, "effective") == "2024-10-01"
    assert [(c["code"], c["status"]) for c in record["codes"]] == [("Z00.00", "not_medically_necessary")]
    assert [h["date"] for h in record["history"]] == ["2024-10-01", "2023-01-01"]
    for evidence in evidences(record):
        assert loaded.text[evidence["start"] : evidence["end"]] == evidence["text"]


# --- what is not one CMS record -----------------------------------------------------------------


def test_several_documents_in_one_file_are_refused():
    data = json.dumps([fixture(LCD_PALMETTO), fixture(LCD_DME), fixture(NCD)]).encode()
    with pytest.raises(InputError, match=r"^many\.json: 3 CMS Coverage API documents in one file \(.*L33610.*\); one file must hold one document$"):
        load_bytes(data, name="many.json")


def test_report_row_and_detail_of_one_document_are_one_document():
    detail = {"lcd_id": 33801, "title": "Seat Lift Mechanisms", "rev_eff_date": "07/02/2023"}
    row = {"document_id": 33801, "document_display_id": "L33801", "title": "Seat Lift Mechanisms", "document_type": "LCD",
           "contractor_name_type": "CGS Administrators, LLC\r\n(DME MAC)"}
    text = load_bytes(json.dumps([row, detail]).encode()).text
    assert text.count("LCD ID: L33801") == 1 and "Revision Effective Date: 07/02/2023" in text


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"name": "not a policy", "items": [1, 2, 3]}', id="other-json"),
        pytest.param('{"title": "Prolotherapy", "text": "Prolotherapy is investigational."', id="broken-json-not-cms"),
        pytest.param("[1] Alderman D. Prolotherapy for musculoskeletal pain. 2007.", id="text-opening-with-a-bracket"),
    ],
)
def test_anything_else_stays_text(raw):
    loaded = load_bytes(raw.encode(), name="other.json")
    assert loaded == load_text(raw, name="other.json")
    assert loaded.media_type == "text/plain"


def test_broken_json_that_claims_to_be_cms_gets_one_line():
    with pytest.raises(InputError) as error:
        load_bytes(b'{"lcd_id": 33801, "title": "Seat Lift Mechanisms",\n "indication": }', name="l33801.json")
    message = str(error.value)
    assert message.startswith("l33801.json: not valid JSON, though it reads as a CMS Coverage API record (")
    assert "\n" not in message
