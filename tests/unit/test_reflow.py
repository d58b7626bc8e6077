"""Line breaks for a page a crawler flattened into one line (extractors/loading/reflow.py): same length,
same offsets; breaks at headings, header labels, bullets and rows of the end matter; other text untouched."""

import pytest

from extractors.loading.reflow import is_flat, reflow

FILLER = ("Detection of the marker has been studied in several trials with mixed results. " * 45).strip()  # ~3,600 chars


def flat(*parts: str) -> str:
    return " ".join(parts)


@pytest.mark.parametrize(
    "text, lines",
    [
        pytest.param(flat("Marker Testing Medical Policy Subject: Marker Testing Document #: LAB.00099 Publish Date: 04/16/2025",
                          "Last Review Date: 02/20/2025 Description/Scope This document addresses marker testing.", FILLER),
                     ["Subject: Marker Testing", "Document #: LAB.00099", "Publish Date: 04/16/2025", "Last Review Date: 02/20/2025",
                      "Description/Scope"], id="header-labels-and-a-heading"),
        pytest.param(flat("Policy text.", FILLER, "Position Statement Investigational and Not Medically Necessary: Marker testing is",
                          "considered investigational. Rationale The evidence is weak."),
                     ["Position Statement", "Rationale", "The evidence is weak."], id="headings-after-a-sentence"),
        pytest.param(flat("Policy text.", FILLER, "References Peer Reviewed Publications: Allard WJ, Matera J, et al. Tumor cells. Clin",
                          "Cancer Res. 2004; 10(20):6897-6904. de Bono JS, Scher HI. Circulating cells. Clin Cancer Res. 2008; 14:6302.",
                          "Gouton, E., Malissen, N., et al. (2022). Clinical impact. Current Oncology, 29 (3), 1902-1918."),
                     ["References", "Allard WJ, Matera J, et al. Tumor cells. Clin Cancer Res. 2004; 10(20):6897-6904.",
                      "de Bono JS, Scher HI. Circulating cells. Clin Cancer Res. 2008; 14:6302."], id="reference-entries"),
        pytest.param(flat("Policy text.", FILLER, "Document History Status Date Action Reviewed 02/20/2025 MPTAC review. Revised",
                          "Description. 10/01/2024 Updated Coding section with 10/01/2024 CPT changes. New 07/14/2005 MPTAC review."),
                     ["Reviewed 02/20/2025 MPTAC review. Revised Description.",
                      "10/01/2024 Updated Coding section with 10/01/2024 CPT changes.", "New 07/14/2005 MPTAC review."], id="history-rows"),
        pytest.param(flat("Policy text.", FILLER, "Coding The following codes apply: CPT 86152 Cell enumeration; 86153 Cell enumeration;",
                          "physician interpretation 0337U Oncology panel"),
                     ["86153 Cell enumeration;", "0337U Oncology panel"], id="code-rows"),
        pytest.param(flat("Policy text.", FILLER, "Coding Lab/Manufacturer: NeoGenomics 0012M (effective 01/01/2026) Oncology (urothelial), mRNA",
                          "0333U (revised laboratory name ) Oncology (liver), surveillance; for codes, see 0611U. See Appendix O."),
                     ["0012M (effective 01/01/2026) Oncology", "0333U (revised laboratory name ) Oncology (liver), surveillance; for codes, see 0611U. See"],
                     id="code-rows-with-a-note-before-the-description"),
        pytest.param(flat("Policy text.", FILLER, "Sources Gouton, E., Malissen, N. (2022). Clinical impact. Current Oncology, 29 (3), 1902-1918.",
                          "CMS.gov: Centers for Medicare & Medicaid Services. Palmetto GBA. (2021, December). MolDX. Retrieved from www.cms.gov.",
                          "National Comprehensive Cancer Network (2024, December). Prostate cancer. Retrieved February 25, 2025 from the National",
                          "Comprehensive Cancer Network National Comprehensive Cancer Network (2024, July). Ovarian cancer. Retrieved from the National",
                          "Comprehensive Cancer Network Sposito, M., Belluomini, L., Nocini, R., et al. (2024). Tissue- and liquid-biopsy based ngs."),
                     ["CMS.gov:", "Centers for Medicare & Medicaid Services. Palmetto GBA. (2021, December).",
                      "National Comprehensive Cancer Network (2024, December).", "National Comprehensive Cancer Network (2024, July).",
                      "Sposito, M., Belluomini, L., Nocini, R., et al. (2024)."],
                     id="apa-entries-after-a-word-or-a-publisher-named-twice"),
        pytest.param(flat("Policy text.", FILLER, "References Peer Reviewed Publications: Xu Y, Lou J. Urinary Exosomes Diagnosis of Urological Tumors: A Systematic",
                          "Review. Front Oncol. 2021;11:734587. Government Agency, Medical Society, and Other Authoritative Publications: Andre F, Ismaila N.",
                          "Use of biomarkers. J Clin Oncol. 2019; 37(22):1956-1964. NCCN Clinical Practice Guidelines in Oncology™ (NCCN). © 2023 National",
                          "Comprehensive Cancer Network, Inc."),
                     ["Government Agency, Medical Society, and Other Authoritative Publications:",
                      "Andre F, Ismaila N.", "NCCN Clinical Practice Guidelines in Oncology™ (NCCN). © 2023"],
                     id="sub-heading-with-small-words-over-an-author-and-a-marked-name"),
        pytest.param(flat("Policy text.", FILLER, "References 1. Haber DA. Blood-based analyses. Cancer Discov. 2014;4(6):650-61. doi:10.1158/2159-8290",
                          "2. Bedard PL. Tumour heterogeneity. Nature. 2013;501:355-64. doi:10.1038/nature12627 3. NCCN. Guidelines for Lung Cancer.",
                          "https://www.nccn.org/nscl.pdf 4. Guardant. Guardant360 CDx. https://www.guardantcomplete.com/ Volume 9. Smith J was cited."),
                     ["1. Haber DA.", "2. Bedard PL.", "3. NCCN. Guidelines for Lung Cancer.", "4. Guardant. Guardant360 CDx. https://www.guardantcomplete.com/ Volume 9. Smith"],
                     id="reference-numbers-that-count-on-after-a-doi-or-address"),
    ],
)
def test_breaks(text, lines):
    out = reflow(text)
    assert len(out) == len(text) and out.replace("\n", " ") == text
    got = out.split("\n")
    for line in lines:
        assert any(g.startswith(line) for g in got), (line, got)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Line one.\nLine two.\n" * 400, id="text-with-its-line-breaks"),
        pytest.param("Short note. References apply.", id="a-short-text"),
    ],
)
def test_texts_with_lines_are_left_alone(text):
    assert reflow(text) == text


def test_a_heading_word_inside_a_sentence_is_no_heading():
    text = flat(FILLER, "The rationale for coding this is unclear and the Policy Number: 7 applies.")
    assert is_flat(text)
    out = reflow(text)
    assert "rationale for coding" in out and "Policy Number: 7" in out
