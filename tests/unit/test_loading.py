"""Loaders: encodings, Markdown, HTML, mojibake, and the input they refuse."""

import codecs

import pytest

from extractors.errors import InputError, LimitExceeded, UnsupportedInput
from extractors.loading import Limits, load_bytes

POLICY = "Prolotherapy is considered investigational – “EIU”.\nCode M0076"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(POLICY.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + POLICY.encode("utf-8"), id="utf-8-bom"),
        pytest.param(POLICY.encode("utf-16"), id="utf-16-bom"),
        pytest.param(POLICY.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(POLICY.encode("utf-16-be"), id="utf-16-be-no-bom"),
        pytest.param(POLICY.encode("cp1252"), id="cp1252"),
    ],
)
def test_encodings(data):
    assert load_bytes(data).text == POLICY


def test_mojibake_is_repaired_and_recorded():
    loaded = load_bytes("Prolotherapy â€“ “EIU”\n  â€¢ n.d.;  ï‚§".encode("utf-8"))
    assert loaded.text == "Prolotherapy – “EIU”\n  • n.d.;  •"
    assert {r.printed for r in loaded.repairs} >= {"â€“", "â€¢ n.d.;  ï‚§"} or loaded.repairs
    for repair in loaded.repairs:
        assert loaded.text[repair.start : repair.end]


@pytest.mark.parametrize(
    "markdown, text",
    [
        pytest.param("## **Definitions**", "Definitions", id="heading-bold"),
        pytest.param("1. Alderman D. *Pract Pain Manag*. 2007;7(4):58-63.", "1. Alderman D. Pract Pain Manag. 2007;7(4):58-63.", id="italic"),
        pytest.param("See [Evidence Table](#).", "See Evidence Table.", id="link"),
        pytest.param("\\*\\*To verify, call.", "**To verify, call.", id="escaped-stars-stay"),
        pytest.param("use CPT* codes", "use CPT* codes", id="lone-star-stays"),
        pytest.param("| Code | Description |\n|---|---|\n| M0076 | Prolotherapy |", "Code\tDescription\nM0076\tProlotherapy", id="pipe-table"),
        pytest.param("**Clinical Review Criteria  \nProlotherapy**", "Clinical Review Criteria\nProlotherapy", id="bold-over-two-lines"),
    ],
)
def test_markdown(markdown, text):
    assert load_bytes(markdown.encode()).text == text


def test_html_page():
    page = (
        "<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><h1>Prolotherapy</h1><p>Prolotherapy is considered <b>investigational</b> &amp; unproven.</p>"
        "<table><tr><th>Code</th><th>Description</th></tr><tr><td>M0076</td><td>Prolotherapy</td></tr></table>"
        "<!-- a comment --></body></html>"
    )
    loaded = load_bytes(page.encode(), name="p.html")
    assert loaded.media_type == "text/html"
    assert "alert" not in loaded.text and "color" not in loaded.text and "comment" not in loaded.text
    assert "Prolotherapy is considered investigational & unproven." in loaded.text
    assert "M0076\tProlotherapy" in loaded.text


def test_html_fragments_in_text_keep_lines():
    text = "<b>Date Created</b>\t<b>Date Reviewed</b>\n04/1999\t04/05/2011 <sup>MPC</sup>\nFEV1 < 60% predicted"
    assert load_bytes(text.encode()).text == "Date Created\tDate Reviewed\n04/1999\t04/05/2011 MPC\nFEV1 < 60% predicted"


def test_html_escaped_text():
    assert load_bytes(b"&lt;p&gt;Prolotherapy is &lt;b&gt;investigational&lt;/b&gt;.&lt;/p&gt;").text == "Prolotherapy is investigational."


@pytest.mark.parametrize(
    "data, error",
    [
        pytest.param(b"", InputError, id="empty"),
        pytest.param(b"  \n\t \n", InputError, id="whitespace-only"),
        pytest.param(bytes(range(256)) * 40, UnsupportedInput, id="binary-junk"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, UnsupportedInput, id="png"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 100, UnsupportedInput, id="zip-docx"),
    ],
)
def test_refused_input(data, error):
    with pytest.raises(error) as raised:
        load_bytes(data, name="doc")
    assert "\n" not in str(raised.value) and str(raised.value)


def test_limits():
    with pytest.raises(LimitExceeded, match="--max-chars"):
        load_bytes(b"word " * 1000, limits=Limits(max_chars=100))
    with pytest.raises(LimitExceeded, match="--max-mb"):
        load_bytes(b"word " * 1000, limits=Limits(max_bytes=100))


def test_html_lists_keep_their_markers():
    page = b"<html><body><p>Lead-in:</p><ul><li>Back pain</li><li>Knee pain</li></ul><ol><li>One</li><li>Two</li></ol></body></html>"
    assert load_bytes(page, name="p.html").text == "Lead-in:\n\n\xe2\x80\xa2 Back pain\n\xe2\x80\xa2 Knee pain\n\n1. One\n2. Two".encode("latin-1").decode("utf-8")


def test_absurdly_deep_html_is_refused_quickly():
    from extractors.errors import LimitExceeded

    with pytest.raises(LimitExceeded, match="nested more than"):
        load_bytes(b"<html><body>" + b"<div>" * 50_000 + b"x", name="deep.html")
    assert "hello" in load_bytes(b"<html><body>" + b"<div><p>hello</p></div>" * 5_000, name="wide.html").text


def test_table_rows_stay_one_line_of_cells():
    page = (
        b"<html><body><h2>Revision History</h2><table><thead><tr><th>Date</th><th>Number</th><th>Explanation</th></tr></thead>"
        b"<tbody><tr><td>\n   10/01/2024\n  </td><td>R27</td><td><p>- First change.</p><p>- Second change.</p></td></tr>"
        b"<tr><td>08/01/2024</td><td>R25</td><td><ul><li>Added 0119U</li></ul></td></tr></tbody></table></body></html>"
    )
    assert load_bytes(page, name="p.html").text == (
        "Revision History\n\nDate\tNumber\tExplanation\n10/01/2024\tR27\t- First change. - Second change.\n08/01/2024\tR25\t• Added 0119U"
    )


def test_a_layout_table_cell_keeps_its_lines():
    page = b"<html><body><table><tr><td><h1>Policy</h1><p>First paragraph.</p><p>Second paragraph.</p></td></tr></table></body></html>"
    assert load_bytes(page, name="p.html").text == "Policy\n\nFirst paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    "data, name",
    [
        pytest.param(b'<div class="col">\n\t<h1>Billing and Coding</h1>\n\t<div><span>A56199</span></div>\n\t<p>Text</p>\n\t<p>More</p></div>', "a.html", id="saved-fragment"),
        pytest.param(b'<div class="col">\n\t<h1>Billing and Coding</h1>\n\t<div><span>A56199</span></div>\n\t<p>Text</p>\n\t<p>More</p></div>', "a.txt", id="fragment-in-txt"),
    ],
)
def test_a_saved_page_fragment_is_a_page(data, name):
    loaded = load_bytes(data, name=name)
    assert loaded.media_type == "text/html"
    assert loaded.text == "Billing and Coding\n\nA56199\n\nText\n\nMore"
