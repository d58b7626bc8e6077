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
        pytest.param("03-10-2011", "2011-03-10", "day", id="mm-dd-yyyy-with-dashes"),
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
    ],
)
def test_not_dates(text):
    assert find_dates(text) == []


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
    ],
)
def test_no_labeled_date(make_doc, text, field):
    assert field not in dates.extract(make_doc(text))


def test_dotted_dates_and_versions(make_doc):
    assert [(d.value, d.precision) for d in find_dates("on 01.15.2024 and version 1.0.2023")] == [("2024-01-15", "day")]


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


def test_a_review_mentioned_in_an_older_row_is_no_last_review():
    text = "Policy History\n\n01/2025 Coding update.\n\n01/2024 Annual review: no changes.\n"
    assert record_dates(text).last_reviewed is None
