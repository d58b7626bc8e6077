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
    ],
)
def test_history_table_shapes(make_doc, text, rows):
    assert [(h.date, h.text) for h in history.extract(make_doc(text))] == rows


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("History\n1. Smith J. Sleep. https://example.org. Accessed December 27, 2022.\n2. Doe A. Title. Published March 2020.", id="references-are-not-rows"),
        pytest.param("Policy History\nN/A\n", id="not-applicable"),
        pytest.param("Family History\n12/01/2020 the patient's mother was diagnosed", id="family-history-is-no-history-heading"),
    ],
)
def test_no_history_rows(make_doc, text):
    assert history.extract(make_doc(text)) == []


def test_label_value_cells_are_no_review_table(make_doc):
    text = "EVIDENCE-BASED CRITERIA\tORIGINAL EFFECTIVE DATE:\t12/01/22\nSECTION: DRUGS\tLAST REVIEW DATE:\t11/21/24\n"
    assert history.extract(make_doc(text)) == []
