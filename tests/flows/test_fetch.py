"""Fetching against a real local HTTP server (127.0.0.1, free port) serving the seeds and the real PDFs.

The server covers every case of issue #7: an index page, a 404, a 500 that recovers, a 429 with
Retry-After, a slow response, a redirect loop, an HTML page served as PDF, and ETag / Last-Modified.
No test touches an address outside 127.0.0.1: a transport guard refuses other hosts, and a socket guard
fails the test if anything even tries to resolve or connect elsewhere. No Prefect needed.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from flows.fetch import (
    Download, FetchError, FetchOptions, FetchReport, HostRateLimiter, check_content, fetch_sources, looks_like_html, make_client, retry_after,
    retryable, store_blob,
)
from flows.sources import parse_manifest
from tests.flows.local_site import HTML_ERROR, LAST_MODIFIED, SEEDS, start_site, stop_site
OPTIONS = FetchOptions(retries=2, backoff=0.01, max_backoff=0.05, max_retry_after=5, max_redirects=4, workers=4)


# ---------------------------------------------------------------------------------------------- guards


@pytest.fixture(autouse=True)
def loopback_sockets_only(monkeypatch):
    """Fail the test if any code resolves or connects to anything but 127.0.0.1."""
    outside: list[object] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
            outside.append(address)
            raise ConnectionRefusedError(f"test guard: {address[0]} is not 127.0.0.1")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in ("127.0.0.1", b"127.0.0.1"):
            outside.append(host)
            raise socket.gaierror(f"test guard: will not resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield outside
    assert outside == [], f"a test tried to reach outside 127.0.0.1: {outside}"


class LoopbackOnly(httpx.HTTPTransport):
    """The client transport used by the tests: anything but 127.0.0.1 is refused before a socket opens."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            self.refused.append(str(request.url))
            raise httpx.ConnectError(f"test guard refused {request.url.host}: only 127.0.0.1 is allowed", request=request)
        return super().handle_request(request)


# ---------------------------------------------------------------------------------------------- server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    httpd = start_site(tmp_path_factory.mktemp("pdfs"))
    yield httpd
    stop_site(httpd)


@pytest.fixture
def site(server):
    server.site.reset()
    return server.site


@pytest.fixture
def guard():
    transport = LoopbackOnly()
    yield transport
    transport.close()


def manifest_for(base: str, sources: str):
    """A YAML manifest with test-friendly defaults (fast rate limit, short timeout)."""
    text = "defaults:\n  rate_limit: 500\n  timeout: 5\nsources:\n" + sources.replace("BASE", base)
    return parse_manifest(text, name="test.yaml")


def run(server, guard, out: Path, sources: str, **kwargs) -> FetchReport:
    with make_client(transport=guard, options=OPTIONS) as client:
        return fetch_sources(manifest_for(server.base, sources), out, client=client, options=OPTIONS, **kwargs)


GOOD = """\
  - name: seeds
    payer: Cigna
    urls: [{seeds}]
  - name: pdf-index
    payer: UnitedHealthcare
    allow_private: true  # the links on the index page point at 127.0.0.1
    index: BASE/medical-policies/index.html
    link_pattern: '/medical-policies/[^/]+\\.pdf$'
  - name: misc
    allow_private: true  # BASE/moved.pdf redirects to 127.0.0.1
    urls: [BASE/policy.html, BASE/lm-only/seeds/{first_seed}, BASE/flaky.pdf, BASE/moved.pdf]
""".format(seeds=", ".join(f"BASE/seeds/{p.name}" for p in SEEDS), first_seed=SEEDS[0].name)


def blobs(out: Path) -> dict[str, float]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in (out / "raw").rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------- runs


def test_first_run_fetches_every_document(server, site, guard, tmp_path):
    report = run(server, guard, tmp_path, GOOD)

    assert report.failed == [], [d.error for d in report.failed]
    expected = len(SEEDS) + len(site.pdfs) + 4
    assert report.counts() == {"fetched": expected, "not_modified": 0, "failed": 0}
    by_uri = {d.uri: d for d in report.documents}
    for path, body in {**site.seeds, **site.pdfs}.items():
        document = by_uri[server.base + path]
        assert document.path.read_bytes() == body
        assert document.sha256 == hashlib.sha256(body).hexdigest()
        assert document.path == tmp_path / "raw" / document.sha256[:2] / f"{document.sha256}{document.path.suffix}"
    assert {by_uri[server.base + p].media_type for p in site.pdfs} == {"application/pdf"}
    assert {by_uri[server.base + p].payer_hint for p in site.pdfs} == {"UnitedHealthcare"}
    assert by_uri[server.base + "/policy.html"].media_type == "text/html"
    assert by_uri[server.base + "/moved.pdf"].final_url == server.base + next(iter(site.pdfs))
    assert site.hits["/flaky.pdf"] == 2  # a 500, then the PDF
    assert guard.refused == []  # the external link on the index page did not match the pattern


def test_index_links_are_resolved_deduplicated_and_filtered(server, site, guard, tmp_path):
    report = run(server, guard, tmp_path, GOOD)
    from_index = [d.uri for d in report.documents if d.source_name == "pdf-index"]
    assert from_index == [server.base + path for path in site.pdfs]  # page order, fragment and duplicates dropped


def test_second_run_only_asks_and_reports_everything_not_modified(server, site, guard, tmp_path):
    first = run(server, guard, tmp_path, GOOD)
    stored, state = blobs(tmp_path), (tmp_path / "fetch_state.json").stat().st_mtime_ns
    site.log.clear()

    second = run(server, guard, tmp_path, GOOD)

    assert second.counts() == {"fetched": 0, "not_modified": len(first.documents), "failed": 0}
    assert [(d.uri, d.path, d.sha256) for d in second.documents] == [(d.uri, d.path, d.sha256) for d in first.documents]
    assert all(d.path.is_file() for d in second.documents)
    assert site.log, "no request at all"
    for entry in site.log:
        assert entry["if_none_match"] or entry["if_modified_since"], f"unconditional request: {entry['path']}"
    assert {entry["status"] for entry in site.log} == {304, 301}  # the redirect hop of /moved.pdf, then 304
    assert blobs(tmp_path) == stored, "a blob was written on an unchanged run"
    assert (tmp_path / "fetch_state.json").stat().st_mtime_ns == state, "the state was rewritten on an unchanged run"


def test_a_changed_document_is_downloaded_again(server, site, guard, tmp_path):
    run(server, guard, tmp_path, GOOD)
    changed = list(site.seeds)[-1]
    site.static[changed] = (site.static[changed][0] + b"\nRevised.\n", "text/plain")

    report = run(server, guard, tmp_path, GOOD)

    fetched = report.by_status("fetched")
    assert [d.uri for d in fetched] == [server.base + changed]
    assert fetched[0].path.read_bytes().endswith(b"Revised.\n")
    assert report.counts()["not_modified"] == len(report.documents) - 1


def test_a_lost_blob_is_downloaded_again_without_conditions(server, site, guard, tmp_path):
    sources = "  - name: one\n    urls: [BASE/seeds/%s]\n" % SEEDS[0].name
    first = run(server, guard, tmp_path, sources).documents[0]
    first.path.unlink()
    site.log.clear()

    again = run(server, guard, tmp_path, sources).documents[0]

    assert again.status == "fetched" and again.path.read_bytes() == SEEDS[0].read_bytes()
    assert site.log[0]["if_none_match"] is None and site.log[0]["if_modified_since"] is None


def test_identical_bytes_are_stored_once(server, site, guard, tmp_path):
    first_pdf = next(iter(site.pdfs))
    report = run(server, guard, tmp_path, f"  - name: dup\n    allow_private: true\n    urls: [BASE{first_pdf}, BASE/copy.pdf, BASE/moved.pdf]\n")
    assert report.counts()["fetched"] == 3
    assert len({d.path for d in report.documents}) == 1
    assert len(blobs(tmp_path)) == 1


def test_state_file_is_json_and_no_temp_file_is_left(server, site, guard, tmp_path):
    run(server, guard, tmp_path, GOOD)
    state = json.loads((tmp_path / "fetch_state.json").read_text())
    entry = state["urls"][server.base + "/seeds/" + SEEDS[0].name]
    assert entry["etag"].startswith('"') and entry["last_modified"] == LAST_MODIFIED
    assert (tmp_path / entry["path"]).is_file()
    assert "etag" not in state["urls"][f"{server.base}/lm-only/seeds/{SEEDS[0].name}"]
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_documents_come_back_in_manifest_order_through_the_callback(server, site, guard, tmp_path):
    seen = []
    report = run(server, guard, tmp_path, GOOD, on_document=seen.append)
    assert seen == list(report.documents)


def test_fetch_sources_builds_its_own_client(server, site, tmp_path):
    manifest = manifest_for(server.base, "  - name: one\n    urls: [BASE/seeds/%s]\n" % SEEDS[0].name)
    report = fetch_sources(manifest, tmp_path, options=OPTIONS)
    assert report.counts() == {"fetched": 1, "not_modified": 0, "failed": 0}


# ---------------------------------------------------------------------------------------------- failures

FAILURES = """\
  - name: bad
    allow_private: true  # the redirects stay on 127.0.0.1
    urls: [BASE/missing.pdf, BASE/down.pdf, BASE/later.pdf, BASE/loop-a, BASE/chain/0, BASE/fake.pdf,
           BASE/scan.png, BASE/empty.txt, BASE/flaky.pdf, BASE/busy.txt, {closed}/policy.pdf]
  - name: slow
    timeout: 0.3
    urls: [BASE/slow.pdf]
  - name: small
    max_mb: 0.1
    urls: [BASE/big.pdf, BASE/big-stream.pdf]
  - name: gone-index
    index: BASE/gone/index.html
    link_pattern: '\\.pdf$'
  - name: bare-index
    index: BASE/bare/index.html
    link_pattern: '\\.pdf$'
  - name: outside
    urls: [http://example.com/policy.pdf]
  - name: outside-index
    index: https://policies.example.org/index.html
    link_pattern: '\\.pdf$'
  - name: good
    urls: [{seeds}]
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def failure_run(server, tmp_path_factory):
    server.site.reset()
    sources = FAILURES.format(closed=f"http://127.0.0.1:{closed_port()}", seeds=", ".join(f"BASE/seeds/{p.name}" for p in SEEDS))
    transport = LoopbackOnly()
    with make_client(transport=transport, options=OPTIONS) as client:
        report = fetch_sources(manifest_for(server.base, sources), tmp_path_factory.mktemp("out"), client=client, options=OPTIONS)
    return report, transport, server.base, list(server.site.log)


@pytest.mark.parametrize(
    "url, error",
    [
        pytest.param("/missing.pdf", "{url}: HTTP 404 Not Found", id="404"),
        pytest.param("/down.pdf", "{url}: HTTP 503 Service Unavailable; gave up after 3 attempts", id="503-never-recovers"),
        pytest.param("/later.pdf", "{url}: HTTP 429 Too Many Requests; the server asked to wait 3600 s, more than the 5 s cap (try again later)", id="429-retry-after-over-cap"),
        pytest.param("/loop-a", "{url}: redirect loop ({url} -> {base}/loop-b -> {url})", id="redirect-loop"),
        pytest.param("/chain/0", "{url}: more than 4 redirects (the last one pointed to {base}/chain/5)", id="too-many-redirects"),
        pytest.param("/fake.pdf", "{url}: expected a PDF but the server sent an HTML page", id="html-served-as-pdf"),
        pytest.param("/scan.png", "{url}: unsupported file type: PNG image", id="image"),
        pytest.param("/empty.txt", "{url}: the server sent an empty body", id="empty-body"),
        pytest.param("/slow.pdf", "{url}: timed out after 0.3 s; gave up after 3 attempts", id="slow-past-timeout"),
        pytest.param("/big.pdf", "{url}: 0.3 MB is over the size limit of 0.1 MB (max_mb); not downloaded", id="too-big-declared"),
        pytest.param("/big-stream.pdf", "{url}: more than the size limit of 0.1 MB (max_mb); download stopped", id="too-big-streamed"),
        pytest.param("/gone/index.html", "index page {url}: HTTP 404 Not Found", id="index-404"),
        pytest.param("/bare/index.html", "index page {url}: no link matches link_pattern '\\.pdf$'", id="index-without-links"),
    ],
)
def test_every_failure_mode_is_one_clear_line(failure_run, url, error):
    report, _, base, _ = failure_run
    document = next(d for d in report.documents if d.uri == base + url)
    assert document.status == "failed" and document.kind == "download" and document.path is None
    assert document.error == error.format(url=base + url, base=base)


def test_a_refused_connection_is_retried_then_reported(failure_run):
    report, _, _, _ = failure_run
    document = next(d for d in report.documents if d.uri.endswith("/policy.pdf") and "127.0.0.1" in d.uri)
    assert document.status == "failed"
    assert document.error.startswith(f"{document.uri}: cannot connect (") and document.error.endswith("; gave up after 3 attempts")


def test_failures_never_stop_the_other_downloads(failure_run):
    report, _, base, log = failure_run
    by_uri = {d.uri: d for d in report.documents}
    for path in ("/flaky.pdf", "/busy.txt", *(f"/seeds/{p.name}" for p in SEEDS)):
        assert by_uri[base + path].status == "fetched", by_uri[base + path].error
    assert report.counts() == {"fetched": 2 + len(SEEDS), "not_modified": 0, "failed": 16}
    busy = [entry for entry in log if entry["path"] == "/busy.txt"]
    assert [entry["status"] for entry in busy] == [429, 200]
    assert busy[1]["time"] - busy[0]["time"] >= 0.9, "Retry-After: 1 was not honoured"
    assert all("\n" not in d.error for d in report.failed)


def test_no_request_goes_outside_loopback(failure_run):
    report, transport, _, _ = failure_run
    assert set(transport.refused) == {"http://example.com/policy.pdf", "https://policies.example.org/index.html"}
    outside = [d for d in report.documents if "example" in d.uri]
    assert [d.status for d in outside] == ["failed", "failed"]
    assert "test guard refused" in outside[0].error


# ---------------------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("1", 1.0, id="seconds"),
        pytest.param(" 120 ", 120.0, id="seconds-padded"),
        pytest.param(None, None, id="absent"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, id="date-in-the-past"),
    ],
)
def test_retry_after(value, expected):
    assert retry_after(value) == expected


def test_retry_after_as_a_future_date():
    when = format_datetime(datetime.fromtimestamp(time.time() + 30, timezone.utc), usegmt=True)
    assert 25 <= retry_after(when) <= 30


@pytest.mark.parametrize(
    "status, expected",
    [
        pytest.param(429, True, id="429"),
        pytest.param(500, True, id="500"),
        pytest.param(503, True, id="503"),
        pytest.param(501, False, id="501-not-implemented"),
        pytest.param(404, False, id="404"),
        pytest.param(403, False, id="403"),
    ],
)
def test_retryable(status, expected):
    assert retryable(status) is expected


@pytest.mark.parametrize(
    "body, expected",
    [
        pytest.param(HTML_ERROR, True, id="doctype"),
        pytest.param(b"\xef\xbb\xbf  <html lang='en'><body>x</body></html>", True, id="bom-and-html"),
        pytest.param(b"<?xml version='1.0'?>\n<!-- cms -->\n<html><body/></html>", True, id="xml-prolog-and-comment"),
        pytest.param(b"Medical policy <b>text</b> with a tag", False, id="text-with-markup"),
        pytest.param(b"%PDF-1.7\n...", False, id="pdf"),
    ],
)
def test_looks_like_html(body, expected):
    assert looks_like_html(body) is expected


@pytest.mark.parametrize(
    "url, content_type, body, expected",
    [
        pytest.param("http://h/a.pdf", "application/pdf", b"%PDF-1.4 x", "application/pdf", id="pdf"),
        pytest.param("http://h/a", "text/html", HTML_ERROR, "text/html", id="html-page"),
        pytest.param("http://h/a.txt", "text/plain", b"Policy text", "text/plain", id="text"),
        pytest.param("http://h/a", "application/octet-stream", b"%PDF-1.4 x", "application/pdf", id="pdf-by-bytes"),
    ],
)
def test_check_content_names_the_media_type(url, content_type, body, expected):
    assert check_content(url, Download(200, "OK", httpx.Headers({"content-type": content_type}), body, url)) == expected


@pytest.mark.parametrize(
    "url, content_type, body, error",
    [
        pytest.param("http://h/a", "application/pdf", HTML_ERROR, "expected a PDF but the server sent an HTML page", id="html-with-pdf-type"),
        pytest.param("http://h/a.PDF", "text/html", HTML_ERROR, "expected a PDF but the server sent an HTML page", id="html-at-pdf-url"),
        pytest.param("http://h/a.pdf", "application/pdf", b"plain words", "expected a PDF but the server sent something else (no PDF header)", id="text-at-pdf-url"),
        pytest.param("http://h/a.zip", "application/zip", b"PK\x03\x04rest", "unsupported file type: ZIP archive (e.g. .docx, .xlsx)", id="zip"),
        pytest.param("http://h/a.txt", "text/plain", b" \n ", "the server sent an empty body", id="blank"),
    ],
)
def test_check_content_rejects_what_the_url_did_not_promise(url, content_type, body, error):
    with pytest.raises(FetchError) as raised:
        check_content(url, Download(200, "OK", httpx.Headers({"content-type": content_type}), body, url))
    assert str(raised.value) == f"{url}: {error}"


def test_rate_limiter_spaces_requests_per_host():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = HostRateLimiter(clock=lambda: now[0], sleep=sleep)
    waits = [limiter.wait("a.example", 4) for _ in range(3)] + [limiter.wait("b.example", 4)]
    assert waits == [0.0, 0.25, 0.25, 0.0]  # b.example has its own budget
    limiter.defer("a.example", 2.0)
    assert limiter.wait("a.example", 4) == pytest.approx(2.0)


def test_store_blob_is_content_addressed(tmp_path):
    digest, path = store_blob(tmp_path, b"%PDF-1.4 same", "application/pdf")
    again = store_blob(tmp_path, b"%PDF-1.4 same", "application/pdf")
    assert again == (digest, path) and path == tmp_path / "raw" / digest[:2] / f"{digest}.pdf"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_failed_download_gives_the_quarantine_fields(failure_run):
    report, _, base, _ = failure_run
    document = next(d for d in report.documents if d.uri == base + "/fake.pdf")
    assert document.quarantine_fields() == {
        "uri": base + "/fake.pdf", "sha256": None, "kind": "download", "source_name": "bad",
        "error": f"{base}/fake.pdf: expected a PDF but the server sent an HTML page",
    }
