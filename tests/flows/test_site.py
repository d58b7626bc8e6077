"""The static site (`policy-pipeline report`), read as files: every page is there, every link leads
somewhere, a rebuild writes only what changed, evidence carries the document's text around each span,
and records of a newer schema or without texts still make pages. In a real browser: test_site_browser.py."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.files import FeedError, read_changes, text_relpath
from flows.report import MANIFEST, build_site
from tests.flows.site_links import check_site

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE_DATA = re.compile(r'<script type="application/json" id="evidence-data">(.*?)</script>', re.S)  # e.g. <script type="application/json" id="evidence-data">{"spans": ...}</script>


def index_entries(feed: Path) -> list[dict]:
    return json.loads((feed / "index.json").read_text())["policies"]


def records(feed: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (feed / "records").rglob("*.json")}


def data_rows(site: Path, name: str) -> list[dict]:
    text = (site / "data" / f"{name}.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


def evidence_of(page: Path) -> dict:
    return json.loads(html.unescape(EVIDENCE_DATA.search(page.read_text(encoding="utf-8")).group(1)))


def button_index(page: Path, row_id: str) -> int:
    """The data-ev number of the value button in the element with id `row_id`."""
    text = page.read_text(encoding="utf-8")
    row = text[text.index(f'id="{row_id}"'):]
    return int(re.search(r'class="ev[^"]*" data-ev="(\d+)"', row[: row.index("</tr>")]).group(1))


def copy_feed(feed: Path, to: Path) -> Path:
    shutil.copytree(feed, to, ignore=shutil.ignore_patterns(".pipeline"))
    return to


@pytest.fixture(scope="module")
def site(raw_feed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    summary = build_site(raw_feed, out)
    assert (summary.policies, summary.revisions, summary.events) == (9, 10, 10)
    return out


def test_a_page_for_every_policy_revision_and_code(raw_feed, site):
    entries = index_entries(raw_feed)
    for entry in entries:
        assert (site / "policies" / f"{entry['policy_key']}.html").is_file(), entry["policy_key"]
    latest = {e["record_id"] for e in entries}
    for record_id, record in records(raw_feed).items():
        if record_id not in latest:  # the 2023 eviCore CMM-204: an earlier revision
            assert record["payer"]["name"] == "eviCore"
            assert (site / "revisions" / f"{record_id}.html").is_file()
        for code in record["codes"]:
            assert (site / "codes" / code["system"].lower() / f"{code['code'].lower()}.html").is_file(), code["code"]
    rows = {row["key"]: row for row in data_rows(site, "policies")}
    assert sorted(rows) == sorted(e["policy_key"] for e in entries)
    for entry in entries:
        row = rows[entry["policy_key"]]
        assert (row["payer"], row["number"], row["title"], row["effective"], row["status"]) == (
            entry["payer"], entry["number"] or "", entry["title"], entry["effective"] or "", entry["coverage_status"])
    assert rows["cmm-204"]["revisions"] == 2 and rows["cmm-204"]["change"] == "older_revision"
    changes = data_rows(site, "changes")
    assert [c["seq"] for c in changes] == list(range(10, 0, -1))  # newest first


def test_every_link_of_the_site_leads_somewhere(site):
    report = check_site(site)
    assert not report.broken, report.broken[:20]
    pages = {p.resolve() for p in site.rglob("*.html")}
    assert report.pages == pages  # every page is reached from the index
    assert report.links > 1000
    assert report.external and all(url.startswith(("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/")) for url in report.external)


def test_effective_date_evidence_comes_with_the_text_around_it(raw_feed, site):
    record = records(raw_feed)[next(e["record_id"] for e in index_entries(raw_feed) if e["policy_key"] == "cmm-204")]
    evidence = record["dates"]["effective"]["evidence"]
    page = site / "policies" / "cmm-204.html"
    data = evidence_of(page)
    start, end, page_no, segment, in_text = data["spans"][button_index(page, "date-effective")]
    assert (start, end, page_no, in_text) == (evidence["start"], evidence["end"], evidence["page"], 1)
    offset, text = data["segments"][segment]
    assert text[start - offset:end - offset] == evidence["text"] == "July 1, 2025"
    full = gzip.decompress((raw_feed / text_relpath(record["record_id"])).read_bytes()).decode()
    assert offset == max(0, start - 300) and text == full[offset:offset + len(text)] and offset + len(text) >= min(len(full), end + 300)
    assert data["complete"] is True


def test_code_page_compares_the_payers(raw_feed, site):
    page = (site / "codes" / "hcpcs" / "m0076.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-payer="([^"]*)" data-status="([^"]*)">', page)
    listed = {}
    for record in records(raw_feed).values():
        for code in record["codes"]:
            if code["code"] == "M0076":
                listed[record["payer"]["name"]] = code["status"]
    assert len(listed) == 5 and sorted(rows) == sorted(listed.items())
    assert "The payers do not agree on its status." in page  # Kaiser: not medically necessary, the others: investigational


def test_a_second_build_writes_nothing(raw_feed, site):
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}
    summary = build_site(raw_feed, site)
    assert (summary.written, summary.removed) == (0, 0)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()} == before


def test_a_rebuild_follows_the_feed_and_removes_pages_it_no_longer_has(raw_feed, tmp_path):
    feed = copy_feed(raw_feed, tmp_path / "feed")
    out = tmp_path / "site"
    build_site(feed, out)
    surgery = next(e for e in index_entries(feed) if e["policy_key"] == "surg.00071")
    (feed / surgery["record_path"]).unlink()  # as if that revision had never been ingested
    summary = build_site(feed, out)
    assert summary.removed >= 1 and summary.policies == 8
    assert not (out / "policies" / "surg.00071.html").exists()
    assert "surg.00071" not in {row["key"] for row in data_rows(out, "policies")}
    assert not check_site(out).broken
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("make", [
    pytest.param(lambda path: path.mkdir() or (path / "notes.txt").write_text("mine"), id="folder-with-other-files"),
    pytest.param(lambda path: path.write_text("a file"), id="a-file"),
])
def test_refuses_a_folder_it_did_not_make(raw_feed, tmp_path, make):
    out = tmp_path / "out"
    make(out)
    with pytest.raises(FeedError, match="not a site made by policy-pipeline report|not a folder"):
        build_site(raw_feed, out)


def test_a_feed_without_texts_shows_each_values_own_words(raw_feed, tmp_path):
    feed = copy_feed(raw_feed, tmp_path / "feed")
    shutil.rmtree(feed / "texts")
    out = tmp_path / "site"
    build_site(feed, out)
    page = out / "policies" / "cmm-204.html"
    assert "The feed holds no text for this revision" in page.read_text(encoding="utf-8")
    data = evidence_of(page)
    start, end, _, segment, in_text = data["spans"][button_index(page, "date-effective")]
    assert in_text == 0 and data["segments"][segment] == [start, "July 1, 2025"] and data["complete"] is False


def test_a_record_of_a_newer_schema_shows_its_unknown_fields(raw_feed, tmp_path):
    """Fields this version does not know (a record-level review, a code's `valid`) are shown, with their
    evidence; optional fields that are missing show as nothing."""
    feed = copy_feed(raw_feed, tmp_path / "feed")
    entry = next(e for e in index_entries(feed) if e["policy_key"] == "cmm-204")
    path = feed / entry["record_path"]
    record = json.loads(path.read_text())
    effective = record["dates"]["effective"]["evidence"]
    record["review"] = {"needs_review": True, "reason": "date printed twice", "evidence": effective}
    record["codes"][0]["valid"] = False
    record["codes"][0]["checked_against"] = "HCPCS 2026"
    del record["indications"], record["dates"]["last_reviewed"], record["payer"]["printed"]
    record["payer"]["name"] = None  # no payer: the code pages group it as "unknown payer"
    path.write_text(json.dumps(record))
    out = tmp_path / "site"
    build_site(feed, out)
    page = (out / "policies" / "cmm-204.html").read_text(encoding="utf-8")
    assert "Other fields" in page and "needs review" in page and "date printed twice" in page
    assert "checked against" in page and "HCPCS 2026" in page and "not valid" in page
    assert "No indications are listed." in page
    assert "unknown payer" in (out / "codes" / "hcpcs" / "m0076.html").read_text(encoding="utf-8")
    data = evidence_of(out / "policies" / "cmm-204.html")
    assert sum(1 for span in data["spans"] if span[:2] == [effective["start"], effective["end"]]) == 2  # the date and the review


def test_hostile_text_is_escaped(raw_feed, tmp_path):
    """A record's text (a title with markup, a payer closing a script) is shown as text, never as markup."""
    feed = copy_feed(raw_feed, tmp_path / "feed")
    entry = next(e for e in index_entries(feed) if e["policy_key"] == "cmm-204")
    path = feed / entry["record_path"]
    record = json.loads(path.read_text())
    record["policy"]["title"] = '<img src=x onerror="alert(1)">'
    record["payer"]["name"] = "Cigna</script><script>alert(2)</script>"
    path.write_text(json.dumps(record))
    index = json.loads((feed / "index.json").read_text())
    out = tmp_path / "site"
    build_site(feed, out)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page
    page = (out / "policies" / "cmm-204.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page and "Cigna&lt;/script&gt;" in page
    data = (out / "data" / "policies.js").read_text(encoding="utf-8")
    assert "<\\/script>" in data and "</script>" not in data  # a data file cannot end its script early
    assert index["policies"]  # the index itself was not touched


# ---------------------------------------------------------------- the command line


PROBE = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('\\nprefect loaded' if 'prefect.flows' in sys.modules else ''));"
    "from flows.cli import main; sys.argv = ['policy-pipeline', *sys.argv[1:]]; main()"
)


def run(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_report_command_builds_the_site_without_prefect(raw_feed, tmp_path):
    done = run("report", "--feed", str(raw_feed), "--out", str(tmp_path / "site"))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("site: 9 policies, 10 revisions") and (tmp_path / "site" / "index.html").is_file()
    again = run("report", "--feed", str(raw_feed), "--out", str(tmp_path / "site"))
    assert "0 of " in again.stdout and again.returncode == 0


@pytest.mark.parametrize("args, message", [
    pytest.param(["report", "--feed", "/no/such/feed", "--out", "{tmp}/site"], "no such feed folder", id="no-feed"),
    pytest.param(["report", "--out", "pyproject.toml"], "not a folder", id="out-is-a-file"),
    pytest.param(["report", "--out", "flows"], "not a site made by policy-pipeline report", id="out-is-not-a-site"),
    pytest.param(["export", "--feed", "/no/such/feed", "--to", "{tmp}/x.duckdb"], "no such feed folder", id="export-no-feed"),
    pytest.param(["export", "--feed", "{feed}", "--to", "pyproject.toml"], "not a folder", id="export-to-a-file"),
    pytest.param(["export", "--feed", "{feed}", "--to", "flows"], "not a Parquet export made by this command", id="export-to-a-folder"),
])
def test_report_and_export_usage_errors_are_one_line(raw_feed, tmp_path, args, message):
    done = run(*[a.replace("{tmp}", str(tmp_path)).replace("{feed}", str(raw_feed)) for a in args])
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("policy-pipeline: "), done.stderr


def test_ingest_with_report_writes_the_site_after_the_run(prefect_harness, seeds, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_API_URL"] = prefect_harness
    out, site = tmp_path / "out", tmp_path / "site"
    done = subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", "ingest", str(seeds), "--out", str(out),
                           "--report", str(site), "--no-progress"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "5 new" in done.stdout and "site: 4 policies, 5 revisions" in done.stdout
    assert len(data_rows(site, "policies")) == 4 and len(list(read_changes(out / "changes.jsonl"))) == 5
    assert not check_site(site).broken


def test_pages_rendered_on_worker_processes_are_the_same(raw_feed, site, tmp_path, monkeypatch):
    import flows.report

    monkeypatch.setattr(flows.report, "CHUNK", 3)  # 10 revisions: four tasks on two processes
    out = tmp_path / "site"
    summary = build_site(raw_feed, out, workers=2)
    assert summary.written == summary.pages
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (site / f).read_bytes() for f in files)


def test_a_rebuild_renders_only_the_pages_whose_content_changed(raw_feed, tmp_path, monkeypatch):
    import flows.report

    rendered: list[str] = []
    real = flows.report._render_chunk

    def counting(args):
        rendered.extend(job.relpath for job in args[0])
        return real(args)

    monkeypatch.setattr(flows.report, "_render_chunk", counting)
    feed = copy_feed(raw_feed, tmp_path / "feed")
    out = tmp_path / "site"
    build_site(feed, out)
    assert len(rendered) == 10
    rendered.clear()
    build_site(feed, out)
    assert rendered == []  # nothing changed: no page rendered again
    entry = next(e for e in index_entries(feed) if e["policy_key"] == "cg-med-62")
    record = feed / entry["record_path"]
    record.write_text(record.read_text().replace("Resting Electrocardiogram", "Resting ECG"))
    summary = build_site(feed, out)
    assert rendered == ["policies/cg-med-62.html"] and summary.written >= 2  # its page, and the data file's title
    assert "Resting ECG Screening" in (out / "policies" / "cg-med-62.html").read_text(encoding="utf-8")


def test_a_damaged_record_file_costs_only_its_own_page(raw_feed, tmp_path, capfd):
    feed = copy_feed(raw_feed, tmp_path / "feed")
    entry = next(e for e in index_entries(feed) if e["policy_key"] == "rad.00057")
    (feed / entry["record_path"]).write_bytes(b"{not json")
    out = tmp_path / "site"
    summary = build_site(feed, out)
    assert (summary.policies, summary.revisions) == (8, 9) and not (out / "policies" / "rad.00057.html").exists()
    assert not check_site(out).broken  # the change log names it without a link
    lines = [line for line in capfd.readouterr().err.splitlines() if "rad.00057" in line]
    assert lines and all(line.startswith("policy-pipeline: skipped ") for line in lines)
