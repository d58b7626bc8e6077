"""Page layout and page joining on hand-placed segments (no PDF needed)."""

from __future__ import annotations

import pytest

from extractors.loading.layout import Box, PageLayout, Segment, lay_out
from extractors.loading.pagination import assemble

_order = iter(range(1_000_000))


def seg(text: str, x: float, baseline: float, *, size: float = 10.0, width: float | None = None) -> Segment:
    width = width if width is not None else 0.5 * size * len(text)
    return Segment(text, x, baseline - 0.8 * size, x + width, baseline + 0.2 * size, baseline, size, next(_order))


def lines_of(segments, marks=(), *, height: float = 792.0) -> list[str]:
    return [line.text for line in lay_out(list(segments), list(marks), width=612, height=height).lines]


def text_of(segments, marks=()) -> str:
    page = lay_out(list(segments), list(marks), width=612, height=792)
    return assemble([page])[0]


def body(y0: float, texts: list[str], *, x: float = 72, pitch: float = 12.0, size: float = 10.0) -> list[Segment]:
    return [seg(t, x, y0 + i * pitch, size=size) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    "segments, expected",
    [
        pytest.param(
            [seg("27447", 72, 100), seg("Arthroplasty, knee; medial AND lateral", 160, 100), seg("resurfacing (total knee)", 160, 112)],
            ["27447\tArthroplasty, knee; medial AND lateral", "resurfacing (total knee)"],
            id="code-row-with-wrapped-description",
        ),
        pytest.param(
            [seg("Arthroplasty, knee", 160, 100), seg("27447", 72, 100)],
            ["27447\tArthroplasty, knee"],
            id="cell-written-after-its-neighbour",
        ),
        pytest.param(
            [seg("BioCartilage", 72, 100, width=60), seg("®", 132.2, 97, size=6, width=4), seg(", DeNovo Graft", 136.5, 100)],
            ["BioCartilage®, DeNovo Graft"],
            id="superscript-stays-in-line",
        ),
        pytest.param(
            [seg("•", 72, 100, width=4), seg("Collagen Meniscus Implant", 90, 100)],
            ["• Collagen Meniscus Implant"],
            id="glyph-bullet-apart-from-item",
        ),
        pytest.param(
            [seg("\uf0b7 Insomnia", 72, 100), seg("o Depression", 90, 112)],
            ["• Insomnia", "o Depression"],
            id="symbol-font-bullet-and-o-sub-bullet",
        ),
        pytest.param(
            [seg("\uf0dc Instructions for Use", 400, 100)],
            ["Instructions for Use"],
            id="private-use-icon-dropped",
        ),
    ],
)
def test_line_composition(segments, expected):
    assert lines_of(segments) == expected


def test_drawn_bullet_marks_prefix_their_line():
    segments = body(100, ["Arthrotomy, Knee", "Total Joint Replacement (TJR), Knee"], x=90)
    marks = [Box(74, 95, 79, 100), Box(74, 107, 79, 112), Box(300, 400, 304, 404)]
    assert lines_of(segments, marks) == ["• Arthrotomy, Knee", "• Total Joint Replacement (TJR), Knee"]


def test_paragraphs_split_on_wide_gaps_only():
    segments = body(100, ["Aurora RN, Kristo DA. The treatment of restless legs", "syndrome. Sleep. 2012."])
    segments += body(128, ["Bakker J, Campbell A. Randomized controlled trial of", "auto-adjusting pressure. 2011."])
    assert text_of(segments) == (
        "Aurora RN, Kristo DA. The treatment of restless legs\nsyndrome. Sleep. 2012.\n\n"
        "Bakker J, Campbell A. Randomized controlled trial of\nauto-adjusting pressure. 2011."
    )


def test_table_rows_stay_together_despite_row_padding():
    segments = [seg("CPT Code", 72, 100), seg("Description", 180, 100)]
    segments += [seg("29870", 72, 116), seg("Arthroscopy, knee, diagnostic", 180, 116)]
    segments += [seg("29874", 72, 132), seg("Arthroscopy, knee, surgical; for removal of", 180, 132), seg("loose body", 180, 142)]
    segments += [seg("29875", 72, 158), seg("Arthroscopy, knee, surgical; synovectomy", 180, 158)]
    assert text_of(segments) == (
        "CPT Code\tDescription\n29870\tArthroscopy, knee, diagnostic\n29874\tArthroscopy, knee, surgical; for removal of\n"
        "loose body\n29875\tArthroscopy, knee, surgical; synovectomy"
    )


def test_sidebar_written_after_the_body_is_not_inside_the_list():
    toc = body(100, ["Table of Contents", "Application ........ 1", "Coverage Rationale ........ 1", "Definitions ........ 2"])
    lead_in = body(170, ["Articular cartilage repair is unproven for any of the following:"], size=10)
    items = [seg("• Autologous minced cartilage", 72, 182), seg("• Collagen Meniscus Implant", 72, 194)]
    sidebar = [seg("Community Plan Policy", 330, 100), seg("• Surgery of the Knee", 330, 112)]
    text = text_of(toc + lead_in + items + sidebar)
    assert "• Autologous minced cartilage\n• Collagen Meniscus Implant" in text
    assert text.index("Definitions") < text.index("Community Plan Policy") < text.index("Articular")
    assert "\n\nCommunity Plan Policy\n• Surgery of the Knee\n\n" in text


def test_two_columns_in_content_order_are_read_column_by_column():
    left = body(100, [f"Left column line {n} of the first paragraph" for n in range(8)], x=72)
    right = body(100, [f"Right column line {n} at the same height" for n in range(7)], x=330)
    text = text_of(left + right)
    assert text.index("Left column line 7") < text.index("Right column line 0")
    assert "\t" not in text and "Left column line 6 of the first paragraph\nLeft column line 7" in text


def test_header_cell_written_after_a_wrapped_neighbour_stays_in_its_row():
    segments = [seg("Document", 308, 714), seg("Number", 308, 727), seg("Title", 392, 714)]
    segments += [seg("SURG.00052", 308, 739), seg("Chronic Spine Pain", 392, 739)]
    assert lines_of(segments) == ["Document\tTitle", "Number", "SURG.00052\tChronic Spine Pain"]


def test_print_header_written_last_goes_first():
    content = body(100, ["Subject: Percutaneous Spinal Surgery", "Document #: SURG.00071"])
    header = [seg("8/12/26, 8:09 PM", 24, 20, size=8), seg("SURG.00071 Percutaneous Spinal Surgery", 266, 20, size=8)]
    footer = [seg("https://www.anthem.com/medpolicies/mp_pw_a053367.html", 24, 780, size=8), seg("1/15", 552, 780, size=8)]
    assert lines_of(content + header + footer) == [
        "8/12/26, 8:09 PM\tSURG.00071 Percutaneous Spinal Surgery",
        "Subject: Percutaneous Spinal Surgery",
        "Document #: SURG.00071",
        "https://www.anthem.com/medpolicies/mp_pw_a053367.html\t1/15",
    ]


def test_unordered_content_falls_back_to_top_down_left_right():
    words = [seg(f"w{row}{col}", 72 + 60 * col, 100 + 12 * row, width=20) for row in range(6) for col in range(3)]
    shuffled = words[::-1]  # each segment jumps back up: no usable content order
    assert lines_of(shuffled)[:2] == ["w00 w01 w02", "w10 w11 w12"] or lines_of(shuffled)[0].startswith("w00")


# --- pagination ------------------------------------------------------------------------------


def page(segments, *, height: float = 792.0) -> PageLayout:
    return lay_out(list(segments), [], width=612, height=height)


def running(number: int, total: int) -> list[Segment]:
    return [
        seg("Surgery of the Knee", 36, 745, size=9),
        seg(f"Page {number} of {total}", 520, 745, size=9),
        seg("Proprietary Information of UnitedHealthcare. Copyright 2026", 86, 765, size=9),
    ]


def test_running_lines_removed_after_the_first_page_and_kept_once_at_its_top():
    pages = [page(body(300, [f"Body text of page {n} ends here."]) + running(n, 3)) for n in (1, 2, 3)]
    text, starts, *_ = assemble(pages)
    assert text.count("Proprietary Information") == 1 and text.count("Page ") == 1
    assert text.startswith("Surgery of the Knee\tPage 1 of 3\nProprietary Information")
    assert [text[s:].split("\n")[0] for s in starts[1:]] == ["Body text of page 2 ends here.", "Body text of page 3 ends here."]


def test_a_line_repeated_mid_page_is_not_running():
    pages = [page(body(100, [f"Unique {n}", "Repeated heading", "More"])) for n in range(4)]
    assert assemble(pages)[0].count("Repeated heading") == 4


def cells(text: str, baseline: float, full: float) -> list[Segment]:
    """A line given as "cell\tcell" (an empty first cell: a wrapped line of the second cell)."""
    first, _, second = text.partition("\t")
    out = [seg(first, 72, baseline, width=(full - 72 if len(first) > 60 else None))] if first else []
    return out + ([seg(second, 160, baseline)] if second else [])


@pytest.mark.parametrize(
    "last, first, separator",
    [
        pytest.param(["A paragraph that runs across the whole width of the page to the right", "margin and on"], ["to the next page."], "\n", id="lowercase-continues"),
        pytest.param(["The sentence ends on this line and the line is short."], ["New paragraph."], "\n\n", id="short-line-ends-paragraph"),
        pytest.param(["Coverage applies to any of the following:", "• First item"], ["• Second item"], "\n", id="list-continues"),
        pytest.param(["Intro paragraph before the list."], ["• First item"], "\n\n", id="list-starts"),
        pytest.param(["Percutaneous laminotomy with self-"], ["administered injections and more"], "\n", id="hyphenated-word"),
        pytest.param(["0274T\tPercutaneous laminotomy"], ["\tAny method under image guidance"], "\n", id="description-cell-continues"),
    ],
)
def test_page_joins(last, first, separator):
    full = 72 + 0.5 * 10 * 80  # a line of 80 characters runs to the right margin
    before = [piece for i, t in enumerate(last) for piece in cells(t, 700 + 12 * i, full)]
    after = [piece for i, t in enumerate(first) for piece in cells(t, 60 + 12 * i, full)]
    text, starts, *_ = assemble([page(before), page(after)])
    joint = text[: starts[1]]
    assert joint.endswith(separator) and not joint.endswith("\n" + separator)


def test_hyphenated_word_moves_up_whole():
    before = body(700, ["treated with a validated, self-"])
    after = body(60, ["administered, disease-specific measure"])
    text, starts, *_ = assemble([page(before), page(after)])
    assert text == "treated with a validated, self-administered,\ndisease-specific measure"
    assert text[starts[1] :] == "disease-specific measure"


def test_repeated_table_header_on_continuation_page_dropped():
    first = [seg("CPT Code", 72, 600), seg("Description", 180, 600), seg("29870", 72, 612), seg("Arthroscopy, diagnostic", 180, 612)]
    second = [seg("CPT Code", 72, 60), seg("Description", 180, 60), seg("29871", 72, 72), seg("Arthroscopy, lavage", 180, 72)]
    text = assemble([page(first), page(second)])[0]
    assert text == "CPT Code\tDescription\n29870\tArthroscopy, diagnostic\n29871\tArthroscopy, lavage"


def test_empty_pages_keep_their_place_in_the_page_map():
    text, starts, *_ = assemble([page(body(100, ["One"])), PageLayout(), page(body(100, ["Three"]))])
    assert text == "One\n\nThree" and starts == (0, 5, 5)


def test_book_style_alternating_headers_are_running():
    pages = []
    for n in range(1, 9):
        header = [seg(f"{n}", 72, 40, size=9), seg("GNU Manual", 300, 40, size=9)] if n % 2 == 0 else [seg(f"Chapter 1: Intro {n}", 72, 40, size=9)]
        pages.append(page(header + body(200, [f"Body line {chr(64 + n)} of the manual."])))
    text = assemble(pages)[0]
    assert text.count("GNU Manual") == 0 and text.count("Chapter 1: Intro") == 1


def letterhead(n: int) -> list[Segment]:
    """A header table printed on every page, starting below the edge (13 % of the page) and taller than it."""
    rows = ["CRITERIA\tORIGINAL EFFECTIVE DATE:\t12/01/22", "SECTION: DRUGS\tLAST REVIEW DATE:\t11/21/24", "CURRENT EFFECTIVE DATE:\t11/21/24",
            "NEXT ANNUAL REVIEW DATE: 4TH QTR 2025", "GENE THERAPY FOR SICKLE CELL DISEASE:"]
    return [seg(text, 72, 104 + 11 * i, size=8) for i, text in enumerate(rows)] + [seg(f"Page {n} of 3", 500, 760, size=8)]


def test_a_running_header_block_below_the_edge_is_kept_once():
    pages = [page(letterhead(n) + body(260, [f"Body {n} first line.", f"Body {n} second line."])) for n in (1, 2, 3)]
    text = assemble(pages)[0]
    assert text.count("LAST REVIEW DATE") == 1 and text.count("GENE THERAPY") == 1
    assert "Body 2 first line." in text and "Body 3 second line." in text


def test_a_repeated_table_row_below_the_edge_is_body():
    """Rows that repeat with other digits (a long code table) are not a running block: below the edge a
    line must repeat exactly."""
    pages = [page(body(110, [f"{29860 + 3 * n + i}\tArthroscopy, knee, procedure {29860 + 3 * n + i}" for i in range(3)])) for n in range(3)]
    text = assemble(pages)[0]
    assert all(str(29860 + k) in text for k in range(9))


def test_side_labels_become_headings():
    """Section labels in a left margin column, in larger type beside the body ("Coverage" / "Determination")."""
    segments = [
        seg("Coverage", 49, 100, size=14), seg("All criteria below apply only to adults of 18 years or older.", 190, 100, size=12),
        seg("Determination", 49, 116, size=14), seg("Humana members may be eligible for home sleep testing when", 190, 114, size=12),
        seg("all of the following criteria are met by the individual:", 190, 128, size=12),
        seg("Provider Claims", 49, 160, size=14), seg("Any CPT, HCPCS or ICD codes listed on this policy are for", 189, 160, size=12),
        seg("Codes", 49, 176, size=14), seg("informational purposes only. Do not rely on the accuracy.", 190, 174, size=12),
    ]
    assert lines_of(segments) == [
        "Coverage Determination", "All criteria below apply only to adults of 18 years or older.",
        "Humana members may be eligible for home sleep testing when", "all of the following criteria are met by the individual:",
        "Provider Claims Codes", "Any CPT, HCPCS or ICD codes listed on this policy are for", "informational purposes only. Do not rely on the accuracy.",
    ]


def test_a_code_column_is_no_side_label():
    segments = [seg("95811", 62, 100, size=12), seg("Polysomnography; age 6 years or older, sleep staging", 117, 100, size=12),
                seg("95810", 62, 130, size=12), seg("Polysomnography; age 6 years or older, with 4 or more", 117, 130, size=12),
                seg("Body text of the policy that runs across the page.", 72, 160, size=12)]
    assert lines_of(segments)[:2] == ["95811\tPolysomnography; age 6 years or older, sleep staging", "95810\tPolysomnography; age 6 years or older, with 4 or more"]
