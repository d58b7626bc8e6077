"""History rows and review-date tables."""

import pytest

from extractors import history


@pytest.mark.parametrize(
    "text, rows",
    [
        pytest.param("Policy History:\n\n  • October 2020 - Annual Review, Policy Renewed\n  • August 2011 - Annual Review", [("2020-10", "Annual Review, Policy Renewed"), ("2011-08", "Annual Review")], id="bulleted"),
        pytest.param(
            "Policy History\n\nDate Action\n\n1/2025 Annual policy review.\n\n11/2011-4/2012 | ICD 10 remediation.\nNo changes.\n\n6/2011 Reviewed.\n\nNo changes to policy statements.",
            [("2025-01", "Annual policy review."), ("2011-11", "ICD 10 remediation. No changes."), ("2011-06", "Reviewed. No changes to policy statements.")],
            id="dated-rows-with-range-and-continuations",
        ),
        pytest.param(
            "Document History\nStatus Date Action\nReviewed 08/07/2025 MPTAC review. Revised\nDescription.\n12/31/2019 Updated Coding section.\nNew 11/20/2008 MPTAC review. Initial document development.\nFederal and State law, as well as contract language, take precedence.",
            [("2025-08-07", "MPTAC review. Revised Description."), ("2019-12-31", "Updated Coding section."), ("2008-11-20", "MPTAC review. Initial document development.")],
            id="status-word-rows-then-boilerplate",
        ),
    ],
)
def test_history_rows(make_doc, text, rows):
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == rows


def test_review_date_table(make_doc):
    text = "Date Created\tDate Reviewed\tDate Last Revised\n04/1999\t04/05/2011 MPC, 02/07/2012 MPC\t04/05/2011\n"
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == [
        ("1999-04", "Date Created"), ("2011-04-05", "Date Reviewed"), ("2012-02-07", "Date Reviewed"), ("2011-04-05", "Date Last Revised"),
    ]


def test_history_headings_inside_rows_do_not_end_history(make_doc):
    text = "Policy History/Revision Information\nDate Summary of Changes\n06/01/2026 Coverage Rationale\nDefinitions\nUpdated definition of X\nApplicable Codes\nAdded 0737T\n\nInstructions for Use\nThis policy..."
    (row,) = history.extract(make_doc(text))
    assert row.text == "Coverage Rationale Definitions Updated definition of X Applicable Codes Added 0737T"


@pytest.mark.parametrize(
    "text, rows",
    [
        pytest.param(
            "Revision Log\nType\tSummary\tDate\nNew\tNew policy\t11/01/2024\nSelected Revision\tCodes added:\t2/15/2025\n"
            "Added: J0139\nSelected Revision\tCriteria for the second indication were revised at length\nso that the text runs on\n03/01/2026\n",
            [("2024-11-01", "New New policy"), ("2025-02-15", "Selected Revision Codes added: Added: J0139"),
             ("2026-03-01", "Selected Revision Criteria for the second indication were revised at length so that the text runs on")],
            id="date-in-last-cell-and-below-a-long-row",
        ),
        pytest.param(
            "Revision History\nDate\tNumber\tExplanation\n07/02/2023\tR6\tRevision Effective Date: 07/02/2023:\nAdded modifiers\n"
            "02/27/2020: these revisions do not require notice\n01/01/2020\tR5\tRevised wording\n",
            [("2023-07-02", "R6 Revision Effective Date: 07/02/2023: Added modifiers 02/27/2020: these revisions do not require notice"),
             ("2020-01-01", "R5 Revised wording")],
            id="date-lines-inside-a-cell-row-continue-it",
        ),
        pytest.param(
            "Document History\nStatus\tDate\tAction\nReviewed\t05/14/2026\tMPTAC review.\n"
            "Pre-Merger Organizations\tLast Review Date\tDocument Number\tTitle\nAcme, Inc.\t07/27/2004\tSURG.52\tSpine\n",
            [("2026-05-14", "Reviewed MPTAC review.")],
            id="another-table-header-ends-the-table",
        ),
        pytest.param(
            "Coverage policy development and revision history\nVersion\tDate\tNote(s)\n\nV1 Jan. 1, 2022 New policy\n\nNov.30, 2022\n\n"
            "Annual review; no content change.\n\nOct.20, 2023 Annual Review: No changes.\n",
            [("2022-01-01", "New policy"), ("2022-11-30", "Annual review; no content change."), ("2023-10-20", "Annual Review: No changes.")],
            id="version-prefix-and-dotted-months",
        ),
        pytest.param(
            "Policy Update Information: Criteria are reviewed annually.\n\nJanuary 2026: Coding change: added Q5160.\nJuly 2025: Criteria update.\n",
            [("2026-01", "Coding change: added Q5160."), ("2025-07", "Criteria update.")],
            id="run-in-heading-then-month-rows",
        ),
        pytest.param(
            "Reviews, Revisions, and Approvals\nRevision Date Approval Date\nPolicy developed. 02/22 02/22\nReferences\n1. Smith J. Title. Accessed December 27, 2022.\n",
            [("2022-02", "Policy developed.")],
            id="dated-at-end-with-two-digit-year",
        ),
        pytest.param(
            "REVISIONS\n03-10-2011\tPolicy added to the web site.\n06-05-2012\tDescription section updated\nRationale section updated\n",
            [("2011-03-10", "Policy added to the web site."), ("2012-06-05", "Description section updated Rationale section updated")],
            id="month-day-year-with-dashes",
        ),
        pytest.param(
            "REVISIONS\n\n12-09-2024\nUpdated policy version for 01/01/2025\n\n01-01-2024\nMinor updates to Background information.\n",
            [("2024-12-09", "Updated policy version for 01/01/2025"), ("2024-01-01", "Minor updates to Background information.")],
            id="date-alone-above-its-text",
        ),
        pytest.param(
            "POLICY HISTORY - THIS POLICY WAS APPROVED BY THE PHARMACY AND MEDICAL POLICY\nCOMMITTEE ACCORDING TO THE HISTORY BELOW:\n"
            "DateActionDescription\nSeptember 2016New policy\nSeptember 2018Replace policy\nPolicy updated with a literature review.\n",
            [("2016-09", "New policy"), ("2018-09", "Replace policy Policy updated with a literature review.")],
            id="month-year-run-into-the-action",
        ),
        pytest.param(
            "Policy updates\n\n5/2016: initial review date and clinical policy effective date: 7/2016\n\n4/2017: Policy references updated.\n",
            [("2016-05", "initial review date and clinical policy effective date: 7/2016"), ("2017-04", "Policy references updated.")],
            id="policy-updates-month-rows",
        ),
        pytest.param(
            "Document History:\nRevised Dates:\n• 2023: September\n• 2023: January\n\nReviewed Dates:\n• 2016: April\n\nEffective Date:\n• January 2012\n",
            [("2023-09", "Revised Dates"), ("2023-01", "Revised Dates"), ("2016-04", "Reviewed Dates"), ("2012-01", "Effective Date")],
            id="year-then-month-bullets-under-group-headings",
        ),
        pytest.param(
            "X. POLICY HISTORY\tTOP\n\nMP 2.251\n\n4/6/2020 Minor review. Policy statement changed.\n\n8/2/2022 Administrative update. Added code I47.21, effective\n10/1/2022\n"
            "2/19/2024 Consensus review.\n",
            [("2020-04-06", "Minor review. Policy statement changed."), ("2022-08-02", "Administrative update. Added code I47.21, effective 10/1/2022"),
             ("2024-02-19", "Consensus review.")],
            id="roman-numeral-heading-with-top-link-and-a-wrapped-date",
        ),
        pytest.param(
            "Revision History Information\nRevision\tRevision\nHistory\tHistory\nDate\tNumber\tExplanation\n\n08/13/2020\tR11\tLCD revised.\n"
            "Revision\tRevision\nHistory\tHistory\nDate\tNumber\tExplanation\n\n10/31/2019\tR10\tLCD revised and published.\n",
            [("2020-08-13", "R11 LCD revised."), ("2019-10-31", "R10 LCD revised and published.")],
            id="header-row-repeated-on-the-next-page",
        ),
        pytest.param(
            "G. Review/Revision History\nDATE\tACTION\nDate Issued\t02/24/2015\tNew Policy\nDate Revised\t06/05/2019\n09/03/2020\n\n07/03/2024\n\n"
            "Revised title\nDate Effective\t11/01/2024\n",
            [("2015-02-24", "Date Issued New Policy"), ("2019-06-05", "Date Revised"), ("2020-09-03", ""), ("2024-07-03", "Revised title"),
             ("2024-11-01", "Date Effective")],
            id="date-column-printed-apart-from-the-action-column",
        ),
        pytest.param(
            "History\nStatus\tReview Date\tEffective Date\tAction\nUpdated codes\tn/a\tUnchanged\tAdded CPT code 0536U.\n04/01/2025\n\n"
            "Revised\t04/15/2024\t11/17/2024\tPanel review.\n",
            [("2025-04-01", "Updated codes n/a Unchanged Added CPT code 0536U."), ("2024-04-15", "Revised 11/17/2024 Panel review.")],
            id="a-row-whose-date-cell-wraps-below-it",
        ),
        pytest.param(
            "History\nStatus Review Date Effective Date Action\nUpdated n/a 01/01/2024 Annual CPT code update.\n"
            "Revised 04/12/2023 11/05/2023 Panel review.\n",
            [("2024-01-01", "Annual CPT code update."), ("2023-04-12", "11/05/2023 Panel review.")],
            id="status-word-and-an-empty-date-column",
        ),
        pytest.param(
            "Document History:\n\nCommittee\tApproval Date (last 5 years)\nMedical\t06/13/2019 06/22/2020 06/10/2021\nDirector\t08/03/2021\n"
            "CMO\t06/13/2019 06/22/2020 06/07/2022\n\nDocument Owner\tDepartment\nDr. A. Smith\tUtilization Management\n\n"
            "Review/Revision Date\n\n11/19/2018\tNo changes\n05/14/2021\tUpdated references\n",
            [("2018-11-19", "No changes"), ("2021-05-14", "Updated references")],
            id="a-change-log-after-an-approval-grid",
        ),
        pytest.param(
            "Approved by the Policy Committee\n\nDate\tUpdate\n2/2023\tNew policy template.\n5/2024\tReviewed with minor changes.\n\nDisclaimer\n",
            [("2023-02", "New policy template."), ("2024-05", "Reviewed with minor changes.")],
            id="a-date-update-table-under-no-history-heading",
        ),
        pytest.param(
            "S3841\tGenetic testing for retinoblastoma\n\nCommittee/Source\tDate(s)\n\nDocument\nCreated:\tQA Committee\tDecember 18, 1991\n\n"
            "Revised:\n\nUM Committee/Genetics Work\nGroup\nMedical Director Committee\n\nMarch 4, 1998\nMarch 10, 1999\n"
            "Committee/Source\tDate(s)\nReviewed:\tMedical Director Committee\nMedical Policy Committee\n\nApril 11, 2001\nOctober 19, 2022\n"
            "Published: 11/01/2022\n\nEffective: 11/01/2022\n",
            [("1991-12-18", "Created"), ("1998-03-04", "Revised"), ("1999-03-10", "Revised"), ("2001-04-11", "Reviewed"), ("2022-10-19", "Reviewed")],
            id="a-committee-table-whose-date-column-prints-apart",
        ),
        pytest.param(
            "History\nCreated Date:\t07/28/98\nEffective Date:\t07/28/98\nNext Review Date:\t01/30/2025\nRevision Date:\t09/22/98\t12/15/98\n"
            "08/24/99\t03/28/01 – MDC\t09/05/01 – MDC\n07/08/15 – MDC-Revision, added language.\n01/13/16\t03/08/17\n"
            "1/16/24 – MDC – Annual review, coverage added\nfor two plans.\n",
            [("1998-07-28", "Created Date"), ("1998-09-22", ""), ("1998-12-15", ""), ("1999-08-24", ""), ("2001-03-28", "MDC"),
             ("2001-09-05", "MDC"), ("2015-07-08", "MDC-Revision, added language."), ("2016-01-13", ""), ("2017-03-08", ""),
             ("2024-01-16", "MDC – Annual review, coverage added for two plans.")],
            id="a-grid-of-dated-cells-then-dated-lines",
        ),
        pytest.param(
            "History\nStatus\tReview Date\tEffective Date\tAction\nRevised\t04/15/2024\t11/17/2024\tPanel review.\n"
            "Created\t09/21/2022\t02/12/2023\tOriginal effective date.\n",
            [("2024-04-15", "Revised 11/17/2024 Panel review."), ("2022-09-21", "Created 02/12/2023 Original effective date.")],
            id="two-date-cells-and-an-action-are-one-row",
        ),
        pytest.param(
            "Revision History Information\nRevision History Date\tNumber\tExplanation\tReasons for Change\n"
            "08/11/2024\tR3\tLCD posted for notice on 06/27/2024 to become effective\tCreation of\n08/11/2024.\tUniform LCDs\n\n"
            "04/21/2022\tR2\tLCD revised and published.\tOther\n",
            [("2024-08-11", "R3 LCD posted for notice on 06/27/2024 to become effective Creation of 08/11/2024. Uniform LCDs"),
             ("2022-04-21", "R2 LCD revised and published. Other")],
            id="a-wrapped-line-opening-with-the-date-a-cell-asks-for",
        ),
        pytest.param(
            "Policy History\nDate\tAction\n08/11/2024\tR3\tAnnual review, no changes in effect\n09/01/2023.\tR2\tReviewed.\n",
            [("2024-08-11", "R3 Annual review, no changes in effect"), ("2023-09-01", ". R2 Reviewed.")],
            id="a-dated-row-under-a-row-asking-for-no-date",
        ),
        pytest.param(
            "Reviews, Revisions, and Approvals\tDate\tP&T\nApproval\nDate\nPolicy created.\t05.08.18\t08.18\n"
            "Annual review.\t07.19.22\t08.22\n\nImportant Reminder\nThis clinical policy has been developed by appropriately experienced "
            "professionals.\n",
            [("2018-05-08", "Policy created. 08.18"), ("2022-07-19", "Annual review. 08.22")],
            id="dotted-dates-with-two-digit-years-under-a-heading-over-its-columns",
        ),
    ],
)
def test_history_table_shapes(make_doc, text, rows):
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == rows


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("History\n1. Smith J. Sleep. https://example.org. Accessed December 27, 2022.\n2. Doe A. Title. Published March 2020.", id="references-are-not-rows"),
        pytest.param("Policy History\nN/A\n", id="not-applicable"),
        pytest.param("Rationale\n\nDate\tDescription\n2/2013\tFDA approved the test.\n5/2016\tFDA cleared a second test.\n",
                     id="a-dated-table-in-the-rationale"),
        pytest.param("Policy\n\nDate\tUpdate\n2/2023\tNew policy template.\n", id="one-dated-row-under-a-date-update-header"),
        pytest.param("Study\tDates\nSmith et al. enrolled 200 patients in a multicenter trial of the test and followed them for years.\n"
                     "March 4, 1998\nMarch 10, 1999\nApril 2, 2001\n", id="a-dates-column-header-over-prose"),
        pytest.param("Family History\n12/01/2020 the patient's mother was diagnosed", id="family-history-is-no-history-heading"),
    ],
)
def test_no_history_rows(make_doc, text):
    assert history.extract(make_doc(text)) == []


def test_label_value_cells_are_no_review_table(make_doc):
    text = "EVIDENCE-BASED CRITERIA\tORIGINAL EFFECTIVE DATE:\t12/01/22\nSECTION: DRUGS\tLAST REVIEW DATE:\t11/21/24\n"
    assert history.extract(make_doc(text)) == []


@pytest.mark.parametrize(
    "text, rows",
    [
        pytest.param(
            "Clinical Guideline Revision / History Information\n\nOriginal Date: 10/11/2017\nReviewed/Revised: 1/18/2018, 11/6/2018,\n10/20/2022, 04/16/2024\n",
            [("2017-10-11", "Original Date"), ("2018-01-18", "Reviewed/Revised"), ("2018-11-06", "Reviewed/Revised"),
             ("2022-10-20", "Reviewed/Revised"), ("2024-04-16", "Reviewed/Revised")],
            id="labeled-list-of-dates-wrapped",
        ),
        pytest.param(
            "Policy history\nReview/Approval(s):\tBenefit Committee: 11/01/2006, 06/26/2009\nAssessment Committee: 08/28/2013, 10/22/2014 (updated\n"
            "references) 10/28/2015\n(updated references), 04/23/2024 (annual review, no changes).\n",
            [("2006-11-01", "Benefit Committee"), ("2009-06-26", "Benefit Committee"), ("2013-08-28", "Assessment Committee"),
             ("2014-10-22", "updated references"), ("2015-10-28", "updated references"), ("2024-04-23", "annual review, no changes")],
            id="paragraph-of-dates-with-notes",
        ),
        pytest.param(
            "POLICY HISTORY/REVISION\nCommittee Approval Dates\n10/22/20, 11/18/21, 01/19/23\nDate  Summary of Changes\n09/30/25 • Off-cycle review.\n"
            "02/20/25 • Annual review.\n",
            [("2025-09-30", "• Off-cycle review."), ("2025-02-20", "• Annual review.")],
            id="approval-dates-beside-a-table-are-no-rows",
        ),
        pytest.param(
            "Revision History\n05/01/2022\tR17\tCode C56.3 is effective on or after 10/1/2021,\n05/01/2022\tR16\tAdded code C56.3.\n",
            [("2022-05-01", "R17 Code C56.3 is effective on or after 10/1/2021,"), ("2022-05-01", "R16 Added code C56.3.")],
            id="a-list-across-two-rows-changes-nothing",
        ),
    ],
)
def test_lists_of_dates(make_doc, text, rows):
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == rows


def test_month_rows_under_no_history_heading(make_doc):
    text = "Related Policies\n\n• Infertility Services\n\nEffective\nMarch 2024: Annual update.\nJune 2020: Annual update. Added\nclarification.\nJune 2012: Effective date.\n"
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == [
        ("2024-03", "Annual update."), ("2020-06", "Annual update. Added clarification."), ("2012-06", "Effective date."),
    ]


@pytest.mark.parametrize(
    "text, reviewed",
    [
        pytest.param("References\n\nLast Review\n\nPolicy History\n\n12/03/2024\nEffective: 09/28/2001\nNext Review: 06/12/2025\n\nReview History\n",
                     "2024-12-03", id="tab-strip-date-under-the-heading"),
        pytest.param("Policy History\n\nLast Review  10/29/2025\n\nEffective: 09/13/1999\n\nNext Review: 04/09/2026\n\nReview History\n",
                     "2025-10-29", id="tab-panel-of-labeled-dates"),
    ],
)
def test_block_of_policy_dates_is_no_history(make_doc, text, reviewed):
    doc = make_doc(text)
    assert history.extract(doc) == []
    assert history.label_dates(doc)["last_reviewed"].value == reviewed
