"""Whole saved web pages: main content without the site's furniture, page facts, page properties.

The pages in tests/fixtures/pages are composed after five layouts of payer policy pages (see the
README there); the small pages below each show one rule, and a case where it must not apply.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.assemble import build_record
from extractors.loading import load_bytes
from extractors.loading.html import html_to_text
from extractors.loading.text import normalize_whitespace
from tests.evidence import evidences

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def load(html: str, name: str = "p.html"):
    return load_bytes(html.encode(), name=name)


def record_of(policy_text):
    record = build_record(policy_text, uri="test://page", sha256="0" * 64, size=len(policy_text.text))
    text = policy_text.text
    for evidence in evidences(record.model_dump(mode="json")):
        assert text[evidence["start"] : evidence["end"]] == evidence["text"], evidence
    return record


def as_before(markup: str) -> str:
    """The text the page gave before pages had their furniture left out: rendered whole."""
    return normalize_whitespace(html_to_text(markup, keep_whitespace=False))


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


POLICY = (
    "<h2>Policy</h2><p>Prolotherapy is considered investigational.</p>"
    "<h2>Coding</h2><table><tr><th>Code</th><th>Description</th></tr><tr><td>M0076</td><td>Prolotherapy</td></tr></table>"
    "<h2>References</h2><ol><li>Author A. A study of prolotherapy. J Pain. 2020;1:1-9.</li></ol>"
)
NAV = '<nav><ul><li><a href="/">Home</a></li><li><a href="/members">Members</a></li><li><a href="/providers">Providers</a></li></ul></nav>'
FOOTER = '<footer><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a><p>&copy; 2025 Acme Health Plan. All rights reserved.</p></footer>'


# --- the composed pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, title, number, dates, payer, kept, gone",
    [
        pytest.param(
            "cpb_sidebar.html", "Scalp Cooling for Chemotherapy Hair Loss", "0977",
            {"last_reviewed": "2025-03-12", "effective": "2022-05-17", "next_review": "2026-01-08"}, "Aetna",
            ["Scope of Policy", "\n1. The member is receiving", "\n• Hematologic malignancies;", "0662T\tScalp cooling, mechanical",
             "\n1. Author A, Author B."],
            ["Skip to main content", "Individuals & Families", "Shop plans", "Medical Clinical Policy Bulletins >", "Site Map",
             "opens a dialog", "Print", "Review History"],
            id="sidebar-policy-history",
        ),
        pytest.param(
            "megamenu_plan.html", "Home Sleep Apnea Testing AHS - M2199", None,
            {"original_effective": "2019-01", "last_reviewed": "2025-11"}, "Blue Cross and Blue Shield of North Carolina",
            ["Description of Procedure or Service", "\n2. Repeat testing", "95806\tSleep study, unattended", "Policy Implementation/Update Information"],
            ["Skip to main content", "Shop Plans", "Compare health, Medicare", "Continue to Log In", "Make a Payment", "Newsroom",
             "Policies, Guidelines & Codes"],
            id="mega-menu",
        ),
        pytest.param(
            "table_layout.html", "Vitamin D Testing", "L-187-004",
            {"effective": "2024-07-01", "last_reviewed": "2024-04"}, "Highmark",
            ["Policy Position", "\n• Osteoporosis or osteomalacia;", "82306\tVitamin D; 25 hydroxy", "Sources"],
            ["Top\n", "Medical Policy Home", "Archived Policies", "Medicare Advantage", "Terms of Use"],
            id="layout-table-with-link-column",
        ),
        pytest.param(
            "main_with_aside.html", "Continuous Glucose Monitors", "SCHP.CP.MP.95",
            {"effective": "2025-04-01", "last_reviewed": "2025-02", "next_review": "2026-02"}, "Sunflower Community Health Plan",
            ["\n3. An in-person or telehealth visit", "E2103\tNon-adjunctive", "Annual review; references updated\t02/25"],
            ["Skip to content", "Top ", "Español", "Recent Policies", "Insulin Pumps", "Report Fraud"],
            id="wordpress-main-and-sidebar",
        ),
        pytest.param(
            "document_viewer.html", "Cryoablation of Peripheral Nerves for Pain", "SURG.00301",
            {"effective": "2025-06-25", "last_reviewed": "2025-05-08"}, "Anthem",
            ["Position Statement", "\n• Chronic knee pain;", "0441T\tAblation, percutaneous", "Revised\t05/08/2025\tMedical Policy"],
            ["Skip to policy", "Clinical UM Guidelines", "Laws and the member's contract"],
            id="document-viewer",
        ),
    ],
)
def test_saved_payer_page(name, title, number, dates, payer, kept, gone):
    policy_text = load_bytes((PAGES / name).read_bytes(), name=name)
    text = policy_text.text
    record = record_of(policy_text)
    assert record.policy.title == title
    assert record.policy.number == number
    assert {field: getattr(record.dates, field).value for field in dates} == dates
    assert record.payer.name == payer
    for piece in kept:
        assert piece in text, piece
    for piece in gone:
        assert piece not in text, piece
    assert record.codes, "the code table is read"


def test_a_page_whose_main_is_a_stub_keeps_its_policy():
    """<main> holds a download note; the policy is beside it: the page without its furniture is read."""
    policy_text = load_bytes((PAGES / "main_too_small.html").read_bytes(), name="main_too_small.html")
    record = record_of(policy_text)
    assert "Acupuncture is considered medically necessary" in policy_text.text
    assert "97813\tAcupuncture, 1 or more needles" in policy_text.text
    assert "Medical Policies" not in policy_text.text  # the menu is gone all the same
    assert (record.policy.title, record.policy.number, record.dates.effective.value) == ("Acupuncture", "PHP-MP-044", "2025-03-01")


# --- furniture ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, gone, kept",
    [
        pytest.param(NAV + "<main>" + POLICY + "</main>" + FOOTER, ["Members", "Privacy"], ["Policy\n"], id="nav-and-footer"),
        pytest.param('<header class="site-header"><a href="/">Acme</a> <a href="/login">Log in</a></header>' + POLICY,
                     ["Log in"], ["Policy\n"], id="site-header"),
        pytest.param('<div role="navigation"><a href="/a">Alpha</a></div><div role="contentinfo">Contact us</div>' + POLICY,
                     ["Alpha", "Contact us"], ["Policy\n"], id="aria-roles"),
        pytest.param('<div class="breadcrumb"><a href="/">Home</a> &gt; Policies</div><div id="left-sidebar">Popular pages</div>' + POLICY,
                     ["Home", "Popular pages"], ["Policy\n"], id="class-and-id-words"),
        pytest.param('<a href="#main">Skip to main content</a><a href="#top">Top</a><button>Print</button>'
                     '<span class="sr-only">opens a dialog</span>' + POLICY,
                     ["Skip to", "Top", "Print", "opens a dialog"], ["Policy\n"], id="skip-links-buttons-screen-reader-text"),
        pytest.param('<div class="links"><a href="/a">Claims</a> | <a href="/b">Forms</a> | <a href="/c">News</a> | <a href="/d">Contact</a></div>' + POLICY,
                     ["Claims", "Forms"], ["Policy\n"], id="bar-of-short-links"),
    ],
)
def test_furniture_is_left_out(body, gone, kept):
    text = load(page(body)).text
    for piece in gone:
        assert piece not in text, piece
    for piece in kept:
        assert piece in text, piece
    assert "M0076\tProlotherapy" in text


@pytest.mark.parametrize(
    "body, kept",
    [
        pytest.param('<article><header><h1>Prolotherapy</h1><p>Policy Number: MP-7</p></header>' + POLICY
                     + "<footer><p>Approved by the Medical Policy Committee.</p></footer></article>",
                     ["Prolotherapy\n", "Policy Number: MP-7", "Approved by the Medical Policy Committee."], id="header-footer-of-the-article"),
        pytest.param('<main><aside class="note"><p>Note: criteria changed in 2025.</p></aside>' + POLICY + "</main>",
                     ["Note: criteria changed in 2025."], id="aside-inside-main"),
        pytest.param('<div class="navy-box"><p>Rates differ for Navy families.</p></div>' + POLICY,
                     ["Rates differ for Navy families."], id="class-word-only-looks-like-nav"),
        pytest.param('<p>Related codes: <a href="/c/0232T">0232T</a>, <a href="/c/M0076">M0076</a>, <a href="/c/20550">20550</a></p>' + POLICY,
                     ["Related codes: 0232T, M0076, 20550"], id="linked-codes"),
        pytest.param("<ul>" + "".join(f'<li><a href="/r{i}">Author {i}. Prolotherapy for chronic low back pain: a randomized trial. 2019.</a></li>' for i in range(4))
                     + "</ul>" + POLICY, ["• Author 0. Prolotherapy"], id="long-linked-references"),
        pytest.param("<section><header><h2>Policy</h2></header><p>Covered when criteria are met.</p><footer><p>Criteria revised in 2025.</p></footer></section>"
                     + POLICY, ["Policy\n\nCovered when criteria are met.", "Criteria revised in 2025."], id="header-footer-of-a-section"),
        pytest.param('<div class="card"><div class="card-body"><p>Criteria apply to adults.</p></div><div class="card-footer">Revised 2025.</div></div>' + POLICY,
                     ["Revised 2025."], id="card-footer"),
        pytest.param('<table><tr><th>Version</th></tr><tfoot class="table-footer-group"><tr><td>Older versions are archived.</td></tr></tfoot></table>' + POLICY,
                     ["Older versions are archived."], id="table-footer-group"),
        pytest.param('<div class="document-view-status-banner">Retired policy: kept for reference.</div>' + POLICY,
                     ["Retired policy: kept for reference."], id="status-banner"),
        pytest.param('<form id="aspnetForm"><div>' + POLICY + "</div></form>", ["Prolotherapy is considered investigational."],
                     id="page-wrapped-in-a-form"),
        pytest.param('<div style="display:none" class="accordion-panel"><h2>Background</h2><p>Closed panel text.</p></div>' + POLICY,
                     ["Closed panel text."], id="closed-accordion-panel"),
        pytest.param('<p><a href="/top-surgery">Top</a> procedures are listed below.</p>' + POLICY, ["Top procedures"], id="top-link-to-a-page"),
    ],
)
def test_content_that_looks_like_furniture_stays(body, kept):
    text = load(page(body)).text
    for piece in kept:
        assert piece in text, piece


# --- never lose the policy ------------------------------------------------------------------------------------


def test_main_holding_the_policy_is_the_content():
    text = load(page('<div class="promo"><p>Enroll today and save on dental plans for your whole family.</p></div><main>' + POLICY + "</main>")).text
    assert "Enroll today" not in text and text.startswith("Policy\n")


def test_main_without_the_policy_gives_way_to_the_page_without_furniture():
    text = load(page(NAV + "<main><h1>Prolotherapy</h1><p>See below.</p></main><div>" + POLICY + "</div>")).text
    assert "Prolotherapy is considered investigational." in text and "M0076\tProlotherapy" in text
    assert "Members" not in text


def test_furniture_removal_that_loses_the_policy_renders_the_page_whole():
    """A theme that wraps the whole page in a "sidebar-layout" element: left out, it would take the policy."""
    markup = page('<div class="sidebar-layout">' + NAV + POLICY + "</div>")
    text = load(markup).text
    assert "Prolotherapy is considered investigational." in text and "Members" in text
    assert text == as_before(markup)


def test_a_page_rendered_whole_still_gives_its_sidebar_dates():
    markup = page('<div class="sidebar-layout">' + NAV + POLICY + "<aside><p>Next Review: 01/08/2026</p></aside></div>")
    policy_text = load(markup)
    assert policy_text.text.startswith("Next Review: 01/08/2026\n\n")
    assert record_of(policy_text).dates.next_review.value == "2026-01-08"


def test_a_big_menu_does_not_outweigh_a_short_policy():
    menu = "<nav><ul>" + "".join(f'<li><a href="/p{i}">Service {i}</a></li>' for i in range(300)) + "</ul></nav>"
    text = load(page(menu + "<h2>Policy</h2><p>Covered when criteria are met.</p>")).text
    assert text == "Policy\n\nCovered when criteria are met."


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param("<html><body><p>Lead-in:</p><ul><li>Back pain</li><li>Knee pain</li></ul></body></html>", id="plain-page"),
        pytest.param("<html><body><table><tr><td><h1>Policy</h1><p>First.</p></td></tr></table></body></html>", id="layout-table"),
        pytest.param(page("<h1>Prolotherapy</h1>" + POLICY, "<title>Prolotherapy</title>"), id="titled-page-opening-with-its-title"),
    ],
)
def test_a_page_without_furniture_reads_as_before(markup):
    assert load(markup).text == as_before(markup)


@pytest.mark.parametrize(
    "fragment",
    [
        pytest.param('<div class="col">\n<nav><a href="/a">Alpha</a> <a href="/b">Beta</a> <a href="/c">Gamma</a></nav>\n<h1>Billing and Coding</h1>\n'
                     "<p>Text</p>\n<p>More</p>\n<footer>Footer</footer></div>", id="fragment-with-nav"),
        pytest.param('<div class="col">\n\t<h1>Billing and Coding</h1>\n\t<div><span>A56199</span></div>\n\t<p>Text</p>\n\t<p>More</p></div>', id="fragment"),
    ],
)
def test_a_saved_fragment_renders_as_before(fragment):
    loaded = load(fragment, name="a.html")
    assert loaded.media_type == "text/html" and not loaded.furniture
    assert loaded.text == as_before(fragment)


# --- page facts: title, sidebar labels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup, title",
    [
        pytest.param(page('<a href="#top">Top</a>' + NAV + POLICY, "<title>Prolotherapy - Medical Policies | Acme Health</title>"),
                     "Prolotherapy", id="title-without-its-site-parts"),
        pytest.param(page('<div class="logo-bar"><h1>Acme Health</h1></div><h1>Prolotherapy</h1>' + POLICY,
                          '<meta property="og:site_name" content="Acme Health">'), "Prolotherapy", id="h1-not-the-site-name"),
        pytest.param(page(NAV + "<h1>Medical Policy</h1>" + POLICY, "<title>Medical Policy: Prolotherapy | Acme</title>"),
                     "Prolotherapy", id="generic-h1-gives-way-to-title"),
        pytest.param(page('<header><h1>Prolotherapy</h1></header><main>' + POLICY + "</main>", "<title>Prolotherapy | Acme</title>"),
                     "Prolotherapy", id="h1-in-the-page-header"),
        pytest.param(page(NAV + "<h1>Top Surgery</h1>" + POLICY), "Top Surgery", id="a-title-with-a-generic-word"),
    ],
)
def test_title(markup, title):
    policy_text = load(markup)
    assert record_of(policy_text).policy.title == title
    assert policy_text.text.splitlines()[0] in (f"Title: {title}", title)


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(page("<h1>Prolotherapy</h1>" + POLICY, "<title>Other words | Acme</title>"), id="content-opens-with-the-title"),
        pytest.param(page(NAV + "<p>Subject: Prolotherapy</p>" + POLICY, "<title>PROLO-1 Prolotherapy | Acme</title>"), id="content-labels-its-title"),
        pytest.param(page(NAV + POLICY, "<title>Medical_Policy_Bulletin</title>"), id="generic-title-only"),
    ],
)
def test_no_title_line(markup):
    assert not load(markup).text.startswith("Title:")


def test_sidebar_facts_go_before_the_content_as_furniture():
    side = (
        '<aside><h3>Policy History</h3><div><a href="#lr">Last Review</a></div><div>03/12/2025</div>'
        "<div>Next Review: 01/08/2026</div><div>Policy Number: MP-204</div><div>Last Review Date: pending</div></aside>"
    )
    policy_text = load(page("<h1>Prolotherapy</h1><div>" + POLICY + "</div>" + side))
    lines = policy_text.text.splitlines()
    assert lines[:3] == ["Last Review: 03/12/2025", "Next Review: 01/08/2026", "Policy Number: MP-204"]
    assert "pending" not in policy_text.text  # a label over no date is no fact
    assert len(policy_text.furniture) == 3
    record = record_of(policy_text)
    assert (record.dates.last_reviewed.value, record.dates.next_review.value, record.policy.number) == ("2025-03-12", "2026-01-08", "MP-204")


@pytest.mark.parametrize(
    "side, facts",
    [
        pytest.param("<table><tr><td>Document #:</td><td>SURG.00301</td><td>Last Review Date:</td><td>05/08/2025</td></tr></table>",
                     ["Document #: SURG.00301", "Last Review Date: 05/08/2025"], id="table-cells"),
        pytest.param("<ul><li><strong>Policy Number:</strong> MP-204</li><li><strong>Effective Date:</strong> 04/01/2025</li></ul>",
                     ["Policy Number: MP-204", "Effective Date: 04/01/2025"], id="list-with-bold-labels"),
        pytest.param("<h3>Policy</h3><p>2025-05</p><p>Number 1 in service</p><p>Effective soon</p>", [], id="words-that-are-no-labels"),
    ],
)
def test_sidebar_facts(side, facts):
    text = load(page("<h1>Prolotherapy</h1><div>" + POLICY + "</div><aside>" + side + "</aside>")).text
    assert text.split("\n\n")[0].splitlines() == facts if facts else text.startswith("Prolotherapy\n")


def test_a_wrapper_named_for_its_sidebar_is_no_sidebar():
    markup = ('<!DOCTYPE html><html><body class="no-sidebar"><div class="has-sidebar"><main><h1>Prolotherapy</h1>'
              "<p>Effective Date: 04/01/2025</p>" + POLICY + "</main></div></body></html>")
    policy_text = load(markup)
    assert policy_text.text.startswith("Prolotherapy\n") and policy_text.text.count("Effective Date") == 1


def test_a_date_the_body_prints_wins_over_the_sidebar():
    side = "<aside><p>Last Review: 01/2024</p></aside>"
    policy_text = load(page("<h1>Prolotherapy</h1><p>Last Review: 02/2024</p>" + POLICY + side))
    assert policy_text.text.startswith("Last Review: 01/2024\n")
    assert record_of(policy_text).dates.last_reviewed.value == "2024-02"


def test_a_sidebar_fact_the_content_prints_is_not_repeated():
    policy_text = load(page("<h1>Prolotherapy</h1><p>Next Review: 01/08/2026</p>" + POLICY + "<aside><p>Next Review: 01/08/2026</p></aside>"))
    assert policy_text.text.count("Next Review") == 1 and not policy_text.furniture


def test_a_sidebar_inside_main_still_gives_its_dates():
    """The sidebar sits after the references (where no date is read): its facts are repeated before the content."""
    policy_text = load(page('<main><h1>Prolotherapy</h1>' + POLICY + '<div class="sidebar"><p>Effective Date: 04/01/2025</p></div></main>'))
    assert policy_text.text.startswith("Effective Date: 04/01/2025\n")
    assert record_of(policy_text).dates.effective.value == "2025-04-01"


# --- page properties -------------------------------------------------------------------------------------------


HEAD = (
    '<title>Prolotherapy | Acme Health</title><meta property="og:site_name" content="Acme Health">'
    '<meta name="author" content="Acme Health Plan, Inc."><link rel="canonical" href="https://www.acmehealth.example/policies/prolotherapy">'
    '<meta property="article:published_time" content="2023-02-10T09:00:00+00:00"><meta property="article:modified_time" content="2025-03-18T16:22:40Z">'
)


def test_page_properties_follow_the_content():
    text = load(page(NAV + "<h1>Prolotherapy</h1>" + POLICY + FOOTER, HEAD)).text
    assert text.endswith(
        "Page properties\nSite: Acme Health\nAuthor: Acme Health Plan, Inc.\nAddress: https://www.acmehealth.example/policies/prolotherapy\n"
        "Page published: 2023-02-10\nPage modified: 2025-03-18\n© 2025 Acme Health Plan. All rights reserved."
    )


def test_page_dates_are_no_policy_dates():
    record = record_of(load(page("<h1>Prolotherapy</h1>" + POLICY, HEAD)))
    assert all(value is None for value in record.dates.model_dump().values())


def test_a_meta_named_for_a_policy_date_is_read_but_loses_to_the_body():
    head = '<meta name="effective-date" content="2025-01-01"><meta name="last-review-date" content="2024-11-05">'
    policy_text = load(page("<h1>Prolotherapy</h1><p>Effective Date: 02/01/2025</p>" + POLICY, head))
    assert policy_text.text.startswith("Effective Date: 2025-01-01\nLast Review Date: 2024-11-05\n")
    record = record_of(policy_text)
    assert (record.dates.effective.value, record.dates.last_reviewed.value) == ("2025-02-01", "2024-11-05")


def test_the_footer_notice_names_an_unknown_plan():
    record = record_of(load(page(NAV + "<h1>Prolotherapy</h1>" + POLICY + FOOTER)))
    assert record.payer.name == "Acme Health Plan"


def test_a_notice_the_content_prints_is_not_repeated():
    text = load(page("<h1>Prolotherapy</h1>" + POLICY + "<p>© 2025 Acme Health Plan</p><footer><p>© 2025 Acme Health Plan</p></footer>")).text
    assert text.count("© 2025 Acme Health Plan") == 1 and "Page properties" not in text


@pytest.mark.parametrize(
    "head, payer",
    [
        pytest.param('<link rel="canonical" href="https://www.premera.com/medicalpolicies/8.01.514.pdf">', "Premera Blue Cross", id="address-domain"),
        pytest.param('<meta property="og:site_name" content="Premera Blue Cross">', "Premera Blue Cross", id="site-name"),
        pytest.param('<meta name="author" content="Wellmark Blue Cross and Blue Shield">', "Wellmark", id="author"),
        pytest.param("", None, id="no-properties"),
    ],
)
def test_page_properties_name_the_payer(head, payer):
    assert record_of(load(page(NAV + "<h1>Prolotherapy</h1>" + POLICY, head))).payer.name == payer
