"""Date grammar and labeled policy dates."""

import pytest

from extractors import dates
from extractors.dates import find_dates


@pytest.mark.parametrize(
    "text, value, precision",
    [
        pytest.param("July 1, 2025", "2025-07-01", "day", id="month-day-year"),
        pytest.param("Jul. 1 2025", "2025-07-01", "day", id="abbrev-month-no-comma"),
        pytest.param("1 July 2025", "2025-07-01", "day", id="day-month-year"),
        pytest.param("04/05/2011", "2011-04-05", "day", id="mm-dd-yyyy"),
        pytest.param("8/12/26", "2026-08-12", "day", id="two-digit-year"),
        pytest.param("2025-07-01", "2025-07-01", "day", id="iso"),
        pytest.param("November 1996", "1996-11", "month", id="month-year"),
        pytest.param("1/2025", "2025-01", "month", id="m-yyyy"),
        pytest.param("2025-07", "2025-07", "month", id="iso-month"),
        pytest.param("07-21-2016", "2016-07-21", "day", id="mm-dd-yyyy-dashed"),
        pytest.param("01|07|2026", "2026-01-07", "day", id="mm-dd-yyyy-pipes"),
        pytest.param("2026/01/07", "2026-01-07", "day", id="yyyy-mm-dd-slashes"),
        pytest.param("07-Jan-2026", "2026-01-07", "day", id="dd-mon-yyyy-dashed"),
    ],
)
def test_date_grammar(text, value, precision):
    found = find_dates(f"on {text} here")
    assert [(d.value, d.precision) for d in found] == [(value, precision)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("call 800-524-9242 today", id="phone-number"),
        pytest.param("13/45/2020", id="impossible-calendar-date"),
        pytest.param("CPT 20550-20553", id="code-range"),
        pytest.param("version 1.0.2023", id="version-string"),
        pytest.param("page 10 of 15", id="page-counter"),
        pytest.param("call 1-800-458-5512 toll-free", id="phone-number-with-country-code"),
        pytest.param("policy 09-J0000-66", id="dashed-policy-number"),
        pytest.param("| 12 | 05 | 2024 |", id="cells-of-a-pipe-table"),
        pytest.param("ratio 2026/13/45 here", id="year-first-impossible-date"),
    ],
)
def test_not_dates(text):
    assert find_dates(text) == []


REFERENCES_THEN_DATES = (
    "Policy\n\nText.\n\nSources\n\nSmith J. A study. J Med. 2020;1:1-2.\nORIGINAL EFFECTIVE DATE: 9/30/2025\n"
    "MOST RECENT REVIEW DATE: 9/30/2025\nPolicies included in the manual are not intended to certify coverage.\n"
)
HISTORY_THEN_VERSION_DATES = (
    "Policy\n\nText.\n\nPolicy History\n\n11/22/2017\tThis policy has been reissued.\n\n"
    "Version Effective Date: 07/01/2024\n\nVersion Issued Date: 01/06/2025\n\nVersion Reissued Date: N/A\n"
)
MEDICA_FOOTER = (
    "Policy\n\nText.\n\nReferences\n\n1. Author A. A title. J Med. 2020;1:1-2.\n\nback to top\n\n"
    "Medica Original Effective Date: December 30, 2022\no Concert Genetics Effective Date: January 01, 2023 (V.1.2023)\n\n"
    "Medica Re-Review Date(s):\no June 21, 2023\no Concert Genetics Effective Date: July 01, 2023 (V.2.2023)\no December 19, 2024\n"
    "o Concert Genetics Effective Date: January 01, 2025 (V.1.2025)\n"
)
OSCAR_HISTORY = (
    "Clinical Guideline Revision / History Information\n\nOriginal Date: 10/11/2017\n"
    "Reviewed/Revised: 1/18/2018, 11/6/2018, 10/21/2021, 12/01/2021,\n10/20/2022, 10/19/2023, 04/16/2024\n"
)
KANSAS_COLUMNS = (
    "Professional\tInstitutional\nOriginal Effective Date: March 10, 2011\tOriginal Effective Date: April 11, 2011\n"
    "Revision Date(s): June 5, 2012;\tRevision Date(s): June 5, 2012;\nJanuary 15, 2013; May 10, 2013\tJanuary 15, 2013; May 10, 2013;\n"
    "August 15, 2017; August 1, 2018;\tAugust 15, 2017; August 1, 2018;\nJuly 28, 2021\tJuly 28, 2021\n"
    "Current Effective Date: March 10, 2011\tCurrent Effective Date: April 11, 2011\n"
)
SENTARA_HISTORY = (
    "Document History:\nRevised Dates:\n• 2023: September\n• 2023: January\n• 2016: June\n\n• 2015: October\n• 2014: January\n\n"
    "Reviewed Dates:\n• 2016: April\n• 2015: December\n• 2013: October\n\nEffective Date:\n• January 2012\n"
)


@pytest.mark.parametrize(
    "text, field, value, precision",
    [
        pytest.param("Effective July 1, 2025\n\nPolicy", "effective", "2025-07-01", "day", id="bare-effective"),
        pytest.param("Effective Date: June 1, 2026", "effective", "2026-06-01", "day", id="effective-date-label"),
        pytest.param("Document #: X.1 Publish Date: 10/01/2025", "effective", "2025-10-01", "day", id="publish-date"),
        pytest.param("Original Effective Date: November 1996", "original_effective", "1996-11", "month", id="original"),
        pytest.param("Status: Reviewed Last Review Date:\n08/07/2025", "last_reviewed", "2025-08-07", "day", id="value-next-line"),
        pytest.param("Reviewed: October 2020\nRevised: October 2019", "last_revised", "2019-10", "month", id="revised"),
        pytest.param("Next Review Date: 2027", "next_review", "2027", "year", id="year-precision"),
        pytest.param(
            "Date Created\tDate Reviewed\tDate Last Revised\n04/1999\t04/05/2011 MPC, 11/07/2023 MPC\t04/05/2011",
            "last_reviewed", "2023-11-07", "day", id="review-table-latest",
        ),
        pytest.param("Effective Date\n\n02/02/2023\n\nLast Reviewed\n\nNA", "effective", "2023-02-02", "day", id="value-after-blank-line"),
        pytest.param("Origination: 2/2010\nLast Review: 8/2017", "original_effective", "2010-02", "month", id="origination"),
        pytest.param("Next CAP Review: 8/2018", "next_review", "2018-08", "month", id="next-acronym-review"),
        pytest.param("Last CAP Review: 9/2016", "last_reviewed", "2016-09", "month", id="last-acronym-review"),
        pytest.param("Annual Review: November 2023", "last_reviewed", "2023-11", "month", id="annual-review"),
        pytest.param("Effective Date of current policy: 9/01/2018", "effective", "2018-09-01", "day", id="effective-of-current-policy"),
        pytest.param("Clinical Policy Bulletin: Acupuncture\nRevised February 2015", "last_revised", "2015-02", "month", id="revised-without-colon"),
        pytest.param(
            "Description\n\nA sleep study records bodily functions.\n\nSleep Studies\n\nEffective Date: 02/02/2023\nReview Date: 03/01/2024",
            "last_reviewed", "2024-03-01", "day", id="metadata-lines-after-a-description",
        ),
        pytest.param("Date of Last Revision: 02/22", "last_revised", "2022-02", "month", id="month-and-two-digit-year"),
        pytest.param("NEXT ANNUAL REVIEW DATE: 4TH QTR 2025\tARCHIVE DATE:", "next_review", "2025", "year", id="quarter-is-its-year"),
        pytest.param("Definitions\n\nA term.\n\nApproved Medical Director Committee 6/15/2021; 3/6/2024 Reviewed 12/2021, 7/2022,\n1/2025",
                     "last_reviewed", "2025-01", "month", id="latest-of-a-list-on-a-metadata-line"),
        pytest.param("Policy History\n\n5/1/13\tJoint policy established\n\nNext Review Date:\t4th Qtr, 2025", "next_review", "2025", "year",
                     id="next-review-after-the-history-table"),
        pytest.param("Effective Date ..................03/15/2026", "effective", "2026-03-15", "day", id="leader-dots-then-date"),
        pytest.param("Effective Date: Nov.30, 2022", "effective", "2022-11-30", "day", id="month-abbreviation-without-space"),
        pytest.param(
            "Revision Date(s): June 5, 2012;\tRevision Date(s): June 5, 2012;\nJanuary 15, 2013; May 10, 2013\tJanuary 15, 2013; May 10, 2013;\n"
            "July 28, 2021\tJuly 28, 2021\nCurrent Effective Date: March 10, 2011\tCurrent Effective Date: April 11, 2011",
            "last_revised", "2021-07-28", "day", id="latest-of-a-list-in-a-column-of-cells",
        ),
        pytest.param("Approved Medical Director Committee 05/11/2021. Revised 4/11/22, 3/12/2024\nReviewed 12/2021, 1/2025",
                     "last_revised", "2024-03-12", "day", id="revised-after-a-date-on-a-metadata-line"),
        pytest.param("Dates\nOriginal Effective\n07-21-2016\nLast Review\n08-07-2024\nNext Review\n08-11-2025\nPOLICY\nText.",
                     "last_reviewed", "2024-08-07", "day", id="labels-and-dashed-dates-on-separate-lines"),
        pytest.param("Dates\nOriginal Effective\n07-21-2016\nLast Review\n08-07-2024\nNext Review\n08-11-2025\nPOLICY\nText.",
                     "next_review", "2025-08-11", "day", id="next-review-on-the-next-line"),
        pytest.param("FEP 2.04.141 Liquid Biopsy\nAnnual Effective Policy Date: January 1, 2025\nOriginal Policy Date: October 2016",
                     "effective", "2025-01-01", "day", id="annual-effective-policy-date"),
        pytest.param("Medica Coverage Policy\n\nPolicy Name: MedicaEffective Date:\n\nGenetic Testing: Pharmacogenetics\nJanuary 01, 2025\n\nText.",
                     "effective", "2025-01-01", "day", id="glued-two-column-header-value-in-its-place"),
        pytest.param(MEDICA_FOOTER, "original_effective", "2022-12-30", "day", id="company-original-effective-after-the-references"),
        pytest.param(MEDICA_FOOTER, "last_reviewed", "2024-12-19", "day", id="latest-bulleted-re-review-date"),
        pytest.param(
            "References\n\n• Carrier screening. Obstet Gynecol 2017;129:e41-55.\n\nOriginal Document Creation Date: Not Set\t"
            "This Version Creation Date: 09/30/2019\tEffective/Publication Date: 09/30/2019", "effective", "2019-09-30", "day",
            id="tab-joined-footer-labels-after-the-references",
        ),
        pytest.param("Policy History/Revision\n\nDate\tSummary of Changes\n02/20/25 • Annual review.\n08/15/19\n• Original effective date\n",
                     "original_effective", "2019-08-15", "day", id="history-row-date-before-its-label"),
        pytest.param("History\nStatus Review Date Effective Date Action\nRevised 04/12/2023 11/05/2023 Panel review. Edits for clarity.\n"
                     "Created 09/21/2022 02/12/2023 Panel review. Original effective date.\n", "original_effective", "2023-02-12", "day",
                     id="history-row-dates-and-a-few-words-before-its-label"),
        pytest.param("Devised: 7/23\n\nRevised: 7/24 (add criteria for X); 9/24 (move criteria to MP 378)\n", "last_revised", "2024-09", "month",
                     id="month-two-digit-year-list-with-notes"),
        pytest.param("Issue Date: March 10, 2000\nRevision: C-24, October 31, 2024\n\n1.0 DESCRIPTION\nText.", "last_revised", "2024-10-31", "day",
                     id="revision-with-a-change-number"),
        pytest.param(OSCAR_HISTORY, "last_reviewed", "2024-04-16", "day", id="reviewed-revised-list-in-a-history-section"),
        pytest.param(OSCAR_HISTORY, "last_revised", "2024-04-16", "day", id="reviewed-revised-is-both-dates"),
        pytest.param(KANSAS_COLUMNS, "last_revised", "2021-07-28", "day", id="latest-of-a-list-down-its-table-column"),
        pytest.param(SENTARA_HISTORY, "last_revised", "2023-09", "month", id="bulleted-year-month-list"),
        pytest.param(SENTARA_HISTORY, "last_reviewed", "2016-04", "month", id="bulleted-year-month-list-after-a-blank-line"),
        pytest.param("Effective Dates:\t1/28/14, 6/20/14, 6/8/15,\n3/16/22, 3/8/23\nDisclaimer:\n", "effective", "2023-03-08", "day",
                     id="latest-of-a-list-of-effective-dates"),
        pytest.param("Review Dates:\t3/4/20, 10/01/20, 3/10/21. 3/16/22,\n3/8/23\nRevision Dates:\t3/16/22\n", "last_reviewed", "2023-03-08", "day",
                     id="a-period-between-two-dates-of-a-list"),
        pytest.param("Medical Coverage Policy\nEFFECTIVE DATE: 01|01|2024\nPOLICY LAST REVIEWED: 01|07|2026\n", "last_reviewed", "2026-01-07", "day",
                     id="pipe-separated-letterhead-dates"),
        pytest.param("Part 2 - Counseling\n\nPage updated: September 2024\n\nText.\n", "last_revised", "2024-09", "month",
                     id="page-updated-stamp"),
        pytest.param(REFERENCES_THEN_DATES, "original_effective", "2025-09-30", "day", id="block-of-date-lines-after-the-references"),
        pytest.param(REFERENCES_THEN_DATES, "last_reviewed", "2025-09-30", "day", id="most-recent-review-date-after-the-references"),
        pytest.param("Guideline: Carrier\tCreation\tReview\tEffective\nScreening\tDate:\tDate:\tDate:\nTesting\t09/24/2018\t05/30/2023\t11/21/2018\n",
                     "last_reviewed", "2023-05-30", "day", id="labels-split-over-two-rows-of-cells"),
        pytest.param("Guideline: Carrier\tCreation\tReview\tEffective\nScreening\tDate:\tDate:\tDate:\nTesting\t09/24/2018\t05/30/2023\t11/21/2018\n",
                     "effective", "2018-11-21", "day", id="effective-label-split-over-two-rows-of-cells"),
        pytest.param("Genetic Testing Policy\nEffective 01/01/2025 Next Review Date 01/01/2026 Policy Number GT-12 Product Commercial\n",
                     "effective", "2025-01-01", "day", id="colonless-label-before-more-header-labels"),
        pytest.param("Policy Number\tUM481\tApproval Date:\t5/21/2024\n\nDescription\n", "last_reviewed", "2024-05-21", "day",
                     id="approval-date-where-no-review-label-is-printed"),
        pytest.param("Approval Date:\t5/21/2024\nLast Review Date:\t3/02/2023\n\nDescription\n", "last_reviewed", "2023-03-02", "day",
                     id="a-review-label-wins-over-an-approval-date"),
        pytest.param(HISTORY_THEN_VERSION_DATES, "effective", "2024-07-01", "day", id="version-dates-block-after-the-history"),
        pytest.param("Clinical Policy: Drug X\nReference Number: ERX.SPA.999\nEffective Date: 09.01.18\nLast Review Date: 08.18\tRevision Log\n",
                     "effective", "2018-09-01", "day", id="dotted-date-with-a-two-digit-year"),
        pytest.param("Clinical Policy: Drug X\nReference Number: ERX.SPA.999\nEffective Date: 09.01.18\nLast Review Date: 08.18\tRevision Log\n",
                     "last_reviewed", "2018-08", "month", id="dotted-month-and-two-digit-year"),
    ],
)
def test_labeled_dates(make_doc, text, field, value, precision):
    found = dates.extract(make_doc(text))
    assert found[field].value == value and found[field].precision == precision
    assert found[field].evidence.text in text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Original Effective Date: November 1996", id="original-is-not-effective"),
        pytest.param("Policy History\n\n5/1/2010 Medical Policy 183 effective 5/1/2010 describing non-coverage", id="history-row"),
        pytest.param("References\n\n1. CMS. National Coverage Determination. Effective March 7, 2019.", id="reference-entry"),
        pytest.param("This rule became effective January 1, 2020 for all plans.", id="lowercase-prose"),
        pytest.param("Rationale\n\nEffective Date: 10/01/2015 of the LCD cited above applies here.", id="label-in-rationale-prose"),
        pytest.param("Policy History\n\nEffective Date: 10/01/2015", id="metadata-line-in-history"),
        pytest.param("Policy History\n\nEffective Date: 10/01/2015\n\nEffective Date: 10/01/2016\n", id="same-label-lines-in-history"),
        pytest.param("Policy History\nMarch 2024: Annual review.\nJune 2012: Effective date.\n", id="a-history-row-naming-when-the-policy-began"),
        pytest.param("Coding\n\n0490U (effective date 10/01/2024) Oncology, circulating tumor cell selection\n", id="a-code's-note-in-brackets"),
        pytest.param("Policy\n\n6. CMS. National Coverage Determination: NGS. NCD #90.2. Effective March 16, 2018. Available at: https://www.cms.gov\n",
                     id="a-sentence-of-a-reference-outside-the-references"),
        pytest.param("Policy\n\nEffective August 1, 2019, the plan uses vendor criteria to determine the medical necessity of tests.\n",
                     id="a-sentence-opening-with-effective-and-its-date"),
        pytest.param("Policy\n\nText.\n\nMedicare\n\n" + "x " * 1600 + "\nOriginal Effective Date: For services performed on or after 02/16/2017",
                     id="a-quoted-lcd-header"),
    ],
)
def test_no_effective_date(make_doc, text):
    assert "effective" not in dates.extract(make_doc(text))


@pytest.mark.parametrize(
    "text, field",
    [
        pytest.param("NCCN Clinical Practice Guidelines. Accessed on December 18, 2024. Breast Cancer (V6.2024). Revised November 11, 2024. "
                     "Colon Cancer (V5.2024). Revised August 22, 2024.", "last_revised", id="revision-note-of-a-cited-guideline"),
        pytest.param("Review/Revision History\nDATE\tACTION\nDate Revised\t06/05/2019\n09/03/2020\n", "last_revised", id="label-date-pair-is-no-table-header"),
        pytest.param("Medical Policy Subject: Tumor Cells Document #: LAB.00015 References NCCN. Breast Cancer (V6.2024). Revised November 11, 2024. "
                     "Websites", "last_revised", id="revised-inside-a-reference-of-flat-text"),
        pytest.param("Policy History\n\nStatus\tDate\tAction\nRevised 10/28/2024,\n07/16/2024\tIMPP review.\nRevised 01/30/2025\tUpdated.\n",
                     "last_revised", id="history-rows-with-a-status-word"),
        pytest.param(MEDICA_FOOTER, "effective", id="another-company's-effective-dates-in-the-footer"),
        pytest.param("Policy History\n01/01/2020 The committee voted to keep the policy and to correct its original effective date\n",
                     "original_effective", id="a-sentence-before-the-label-is-no-row"),
        pytest.param("Test\tEffective\tPrice\nPanel\tNow\tLow\nA\t09/24/2018\t$10\n", "effective", id="a-word-over-a-word-is-no-split-label"),
        pytest.param("Policy Name: MedicaEffective Date:\n\nGenetic Testing: Pharmacogenetics\nJanuary 01/2025\n", "effective", id="stacked-value-is-no-date"),
    ],
)
def test_no_date_from(make_doc, text, field):
    assert field not in dates.extract(make_doc(text))


def test_dotted_dates_and_versions(make_doc):
    assert [(d.value, d.precision) for d in find_dates("on 01.15.2024 and version 1.0.2023")] == [("2024-01-15", "day")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Medical Policy: 02.01.18\n\nDescription\n", id="a-policy-number-shaped-like-a-date"),
        pytest.param("Policy\n\nThe policy ID was changed from CP #02.01.23 to CCP.1282 on review 08.18 of the panel.\n", id="dotted-numbers-in-prose"),
        pytest.param("Version: 08.18\nSection 10.12.18 applies.\n", id="a-version-and-a-section-number"),
    ],
)
def test_dotted_two_digit_years_need_a_date_label(make_doc, text):
    assert dates.extract(make_doc(text)) == {}


@pytest.mark.parametrize("text", [pytest.param("a ratio of 02/22 in prose", id="ratio"), pytest.param("page 13/45", id="not-a-month")])
def test_a_two_digit_year_needs_a_label(text):
    assert find_dates(text) == []


def record_dates(text: str):
    from extractors.assemble import build_record
    from extractors.loading import load_text

    return build_record(load_text(text), uri="t.txt", sha256="0" * 64, size=len(text)).dates


def test_a_quoted_lcd_header_gives_no_date():
    text = "Policy\n\nText.\n\nMedicare\n\n" + "word " * 700 + "\nOriginal Effective Date: For services performed on or after 02/16/2017\n"
    assert record_dates(text).original_effective is None


@pytest.mark.parametrize(
    "text, effective",
    [
        pytest.param("Original Effective Date\n10/24/2019\n\nRevision Effective Date\nN/A\n", "2019-10-24", id="never-revised"),
        pytest.param("Original Effective Date\n10/24/2019\n\nPolicy History\n\n01/01/2021 Annual review.\n", None, id="revised-since"),
        pytest.param("Retired Policy\n\nOriginal Effective Date: 07/11/2022\nRetired Date: 07/01/2024\n\nThis policy was retired.\n", None,
                     id="retired"),
    ],
)
def test_effective_date_of_a_policy_never_revised(text, effective):
    found = record_dates(text).effective
    assert (found.value if found else None) == effective


@pytest.mark.parametrize(
    "text, field, value",
    [
        pytest.param("Document History:\nRevised Dates:\n• 2023: September\n\nReviewed Dates:\n• 2016: April\n", "last_reviewed", "2016-04",
                     id="newest-row-of-a-reviewed-group"),
        pytest.param("Document History:\nRevised Dates:\n• 2023: September\n\nReviewed Dates:\n• 2016: April\n", "last_revised", "2023-09",
                     id="newest-row-of-the-history"),
        pytest.param("Review/Revision History\nDATE\tACTION\nDate Issued\t02/24/2015\tNew Policy\nDate Revised\t06/05/2019\n07/03/2024\n"
                     "Date Effective\t11/01/2024\n", "last_revised", "2024-07-03", id="an-effective-date-row-is-no-revision"),
        pytest.param("Number: 0561\n\nLast Review\n\nPolicy History\n\n12/03/2024\nEffective: 09/28/2001\nNext Review: 06/12/2025\n",
                     "last_reviewed", "2024-12-03", id="web-page-tab-strip"),
    ],
)
def test_dates_from_the_history(text, field, value):
    assert getattr(record_dates(text), field).value == value


@pytest.mark.parametrize(
    "text, field, value",
    [
        pytest.param("Policy History\nDate\tAction\n1/2024\tAnnual policy review. References updated.\n"
                     "4/2014\tNew medical policy describing investigational indications. Effective 4/1/2014.\n",
                     "original_effective", "2014-04-01", id="original-effective-stated-in-the-oldest-row"),
        pytest.param("Policy History\n01/01/2021 Annual review.\n03/01/2015 Original policy effective 3/1/2015\n",
                     "original_effective", "2015-03-01", id="original-policy-effective-row"),
        pytest.param("Reviews, Revisions, and Approvals\tDate\tP&T\nApproval\nDate\nPolicy created.\t05.08.18\t08.18\n",
                     "last_revised", "2018-05-08", id="dotted-date-of-a-history-cell"),
    ],
)
def test_dates_stated_in_history_rows(text, field, value):
    assert getattr(record_dates(text), field).value == value


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Policy History\n01/01/2021 Annual review.\n11/22/2017 Reissued. Effective 10/05/2017 this policy has been updated to the "
                     "new policy template format.\n", id="a-reissue-naming-a-new-template"),
        pytest.param("Policy History\n01/01/2021 Annual review.\n4/2014 New medical policy describing investigational indications.\n",
                     id="a-new-policy-row-stating-no-effective-date"),
        pytest.param("Policy History\n01/01/2021 Annual review.\n4/2014 Coding update. New policy effective 4/1/2014 for another plan.\n"
                     "5/2015 Coverage revised.\n", id="not-the-oldest-row"),
    ],
)
def test_no_original_effective_date_from_history(text):
    assert record_dates(text).original_effective is None


@pytest.mark.parametrize(
    "text, reviewed",
    [
        pytest.param("Policy History\nDate\tAction\n12/15/2024\tDocument updated with literature review. Coverage unchanged.\n"
                     "01/01/2023\tReviewed. No changes.\n", None, id="an-update-with-literature-review-is-no-policy-review"),
        pytest.param("Policy History\nDate\tAction\n12/15/2024\tAnnual review. Literature reviewed, coverage unchanged.\n",
                     "2024-12-15", id="an-annual-review-citing-the-literature"),
        pytest.param("Policy History\nDate\tAction\n06/01/2022\tProvider Effective date\n04/06/2022\tPARP Approval\n"
                     "11/17/2021\tQI/UM Committee review\n", "2021-11-17", id="a-row-labeled-as-a-committee-review"),
    ],
)
def test_last_review_from_the_history(text, reviewed):
    found = record_dates(text).last_reviewed
    assert (found.value if found else None) == reviewed


def test_a_review_mentioned_in_an_older_row_is_no_last_review():
    text = "Policy History\n\n01/2025 Coding update.\n\n01/2024 Annual review: no changes.\n"
    assert record_dates(text).last_reviewed is None
