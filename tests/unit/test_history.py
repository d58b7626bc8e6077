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
