"""The static site in a real headless browser (Debian's chromium, driven by selenium through
chromium-driver), opened from the file system as a person would: the policies table, filtering,
paging at 10,000 rows, the code page's cross-payer comparison, evidence shown with the keyboard,
and no console errors. Skipped, with the reason, only where Chromium is not installed; CI installs it
(.ci/run), and there a missing browser fails.

`UPDATE_SCREENSHOTS=1 pytest tests/flows/test_site_browser.py` also writes the README's screenshots
(docs/screenshots/), taken by this browser.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from flows.report import build_site
from tests.browser import chromium_driver, chromium_missing

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
WAIT = 60.0  # seconds: a hang guard; each wait here is over in well under a second

if chromium_missing():
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {chromium_missing()}", pytrace=False)
    pytest.skip(chromium_missing(), allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def site(raw_feed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    build_site(raw_feed, out)
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium_driver(width=1280, height=1000) as driver:
        yield driver


@pytest.fixture
def open_page(browser, site):
    """Open a page of the site; after the test, the browser console must hold no error."""
    browser.get_log("browser")  # drop what earlier tests left

    def go(relpath: str, *, ready: str | None = None):
        browser.get((site / relpath).as_uri())
        if ready:
            wait_for(lambda: browser.execute_script(ready), f"{relpath}: {ready}")
        return browser

    yield go
    errors = [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
    assert not errors, errors


TABLE_READY = "return window.siteTable && window.siteTable.readyAt"


def table_rows(browser) -> list[list[str]]:
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in browser.find_elements(By.CSS_SELECTOR, "#data-table tbody tr")]


def index_entries(feed: Path) -> list[dict]:
    return json.loads((feed / "index.json").read_text())["policies"]


def test_the_index_lists_every_policy(open_page, raw_feed):
    browser = open_page("index.html", ready=TABLE_READY)
    rows = table_rows(browser)
    entries = index_entries(raw_feed)
    assert len(rows) == len(entries) == 9
    shown = sorted((row[0], row[1]) for row in rows)
    assert shown == sorted((e["payer"], e["number"] or e["policy_key"]) for e in entries)
    assert browser.find_element(By.ID, "table-status").text == "Showing 1–9 of 9."


def test_filtering_by_payer_narrows_the_table(open_page):
    browser = open_page("index.html", ready=TABLE_READY)
    Select(browser.find_element(By.ID, "filter-payer")).select_by_visible_text("Anthem")
    rows = wait_for(lambda: (r := table_rows(browser)) and len(r) < 9 and r, "the filter")
    assert sorted(row[1] for row in rows) == ["CG-MED-62", "RAD.00057", "SURG.00071"]
    assert all(row[0] == "Anthem" for row in rows)
    assert "(filtered from 9)" in browser.find_element(By.ID, "table-status").text
    search = browser.find_element(By.ID, "filter-text")
    search.send_keys("spinal")
    assert wait_for(lambda: (r := table_rows(browser)) and len(r) == 1 and r, "the search")[0][1] == "SURG.00071"


def test_sorting_by_a_column_heading(open_page):
    browser = open_page("index.html", ready=TABLE_READY)
    heading = browser.find_element(By.CSS_SELECTOR, 'th[data-key="codes"] button')
    heading.send_keys(Keys.ENTER)  # a keyboard user sorts the same way
    counts = [int(row[5]) for row in table_rows(browser)]
    assert counts == sorted(counts)
    heading.send_keys(Keys.ENTER)
    assert [int(row[5]) for row in table_rows(browser)] == sorted(counts, reverse=True)
    assert browser.find_element(By.CSS_SELECTOR, 'th[data-key="codes"]').get_attribute("aria-sort") == "descending"


def test_the_m0076_page_lists_the_five_seed_policies_with_their_payers_and_statuses(open_page, raw_feed, site):
    expected = {}
    for path in (raw_feed / "records").rglob("*.json"):
        record = json.loads(path.read_text())
        for code in record["codes"]:
            if code["code"] == "M0076":
                expected[record["payer"]["name"]] = code["status"]
    assert sorted(expected) == ["Blue Cross Blue Shield of Massachusetts", "Cigna", "Kaiser Foundation Health Plan of Washington",
                                "Wellmark", "eviCore"]
    browser = open_page("codes/hcpcs/m0076.html")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.listings tr[data-payer]")
    shown = {row.get_attribute("data-payer"): row.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-status") for row in rows}
    assert shown == expected
    labels = {row.get_attribute("data-payer"): row.find_element(By.CSS_SELECTOR, ".status").text for row in rows}
    assert labels["Kaiser Foundation Health Plan of Washington"] == "Not medically necessary"
    assert labels["Cigna"] == "Experimental / investigational / unproven"
    earlier = browser.find_elements(By.CSS_SELECTOR, "#h-earlier + table tr[data-payer]")
    assert [row.get_attribute("data-payer") for row in earlier] == ["eviCore"]  # the 2023 revision of CMM-204
    if os.environ.get("UPDATE_SCREENSHOTS"):
        screenshot(browser, "code-page.png", whole=True)


def test_activating_the_effective_date_shows_its_evidence_highlighted_with_its_page(open_page, raw_feed):
    entry = next(e for e in index_entries(raw_feed) if e["policy_key"] == "cmm-204")
    evidence = json.loads((raw_feed / entry["record_path"]).read_text())["dates"]["effective"]["evidence"]
    browser = open_page("policies/cmm-204.html")
    button = browser.find_element(By.CSS_SELECTOR, "#date-effective button.ev")
    assert button.get_attribute("aria-expanded") == "false" and not browser.find_elements(By.CSS_SELECTOR, "#date-effective .evidence")
    button.send_keys(Keys.ENTER)  # the keyboard: focus the value, press Enter
    wait_for(lambda: button.get_attribute("aria-expanded") == "true", "the evidence panel")
    panel = browser.find_element(By.ID, button.get_attribute("aria-controls"))
    assert panel.is_displayed() and panel.get_attribute("role") == "region"
    assert panel.find_element(By.TAG_NAME, "mark").text == evidence["text"] == "July 1, 2025"
    assert panel.find_element(By.CSS_SELECTOR, ".page").text == f"Page {evidence['page']}"
    context = panel.find_element(By.TAG_NAME, "blockquote").text
    assert "Effective July 1, 2025" in context and len(context) > len(evidence["text"]) + 40  # the words around it
    if os.environ.get("UPDATE_SCREENSHOTS"):
        screenshot(browser, "policy-page.png")
    button.send_keys(Keys.SPACE)  # Space closes it again
    wait_for(lambda: not panel.is_displayed(), "the panel to close")


def test_evidence_on_a_later_page_of_a_pdf_names_that_page(open_page, raw_feed):
    entry = next(e for e in index_entries(raw_feed) if e["policy_key"] == "2026t0334ss")
    record = json.loads((raw_feed / entry["record_path"]).read_text())
    reference = max(record["references"], key=lambda r: r["evidence"]["page"])
    assert reference["evidence"]["page"] > 10
    browser = open_page("policies/2026t0334ss.html")
    index = record["references"].index(reference)
    button = browser.find_elements(By.CSS_SELECTOR, "#references tbody tr")[index].find_element(By.CSS_SELECTOR, "button.ev")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_for(lambda: button.get_attribute("aria-expanded") == "true", "the evidence panel")
    panel = browser.find_element(By.ID, button.get_attribute("aria-controls"))
    assert panel.is_displayed()
    assert panel.find_element(By.CSS_SELECTOR, ".page").text == f"Page {reference['evidence']['page']}"
    assert panel.find_element(By.TAG_NAME, "mark").text.split() == reference["evidence"]["text"].split()


def test_every_page_opens_without_console_errors(open_page, site):
    pages = ["index.html", "changes.html", "codes/index.html"]
    pages += [p.relative_to(site).as_posix() for p in sorted(site.glob("policies/**/*.html")) + sorted(site.glob("revisions/*.html"))]
    pages += [p.relative_to(site).as_posix() for p in sorted(site.glob("codes/*/*.html"))[:10]]
    for relpath in pages:
        browser = open_page(relpath)
        assert browser.find_element(By.TAG_NAME, "h1").text, relpath
    browser = open_page("changes.html", ready=TABLE_READY)
    assert len(table_rows(browser)) == 10 and table_rows(browser)[0][0] == "10"  # newest first


def test_the_table_is_paged_at_ten_thousand_policies(open_page, browser, site, tmp_path):
    """The index with 10,000 rows (the data file of a big feed, made up here): paged, filterable, quick."""
    big = tmp_path / "big"
    shutil.copytree(site, big)
    payers = ["Aetna", "Anthem", "Cigna", "Humana", "UnitedHealthcare"]
    rows = [{"key": f"p-{i:05d}", "payer": payers[i % 5], "number": f"P-{i:05d}", "title": f"Policy {i}", "effective": f"20{10 + i % 15}-01-01",
             "status": "medically_necessary" if i % 3 else "not_covered", "codes": i % 40, "revisions": 1, "changed": "2026-01-01",
             "change": "new", "url": "index.html"} for i in range(10_000)]
    (big / "data" / "policies.js").write_text("window.POLICY_ROWS = " + json.dumps(rows) + ";\n")
    browser.get((big / "index.html").as_uri())
    wait_for(lambda: browser.execute_script(TABLE_READY), "the big table")
    assert len(table_rows(browser)) == 50 and browser.find_element(By.ID, "page-info").text == "Page 1 of 200"
    browser.find_element(By.ID, "page-next").send_keys(Keys.ENTER)
    assert table_rows(browser)[0][1] == "P-00050"
    Select(browser.find_element(By.ID, "filter-status")).select_by_value("not_covered")
    assert browser.execute_script("return window.siteTable.count()") == 3334
    browser.find_element(By.ID, "page-last").click()
    assert browser.find_element(By.ID, "page-info").text == "Page 67 of 67"
    errors = [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
    assert not errors, errors


def screenshot(browser, name: str, *, whole: bool = False) -> None:
    """A README screenshot as this browser shows the page: its top, or (`whole`) all of it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = browser.get_window_size()
    if whole:
        browser.set_window_size(size["width"], browser.execute_script("return document.documentElement.scrollHeight") + 120)
    try:
        browser.save_screenshot(str(SCREENSHOTS / name))
    finally:
        browser.set_window_size(size["width"], size["height"])
