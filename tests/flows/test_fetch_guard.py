"""What a fetched page may point at: links on index pages and redirects never lead to loopback, private,
link-local or other non-public addresses (names resolved first, every hop checked) unless the source says
`allow_private: true`. Served by tests/flows/local_site.py on 127.0.0.1; names are resolved by a fake
resolver and routed to 127.0.0.1 by the test transport, so nothing leaves this machine."""

from __future__ import annotations

import socket

import httpx
import pytest

from flows.fetch import FetchOptions, address_problem, fetch_sources, make_client, public_address
from flows.sources import parse_manifest
from tests.flows.local_site import SEEDS, start_site, stop_site

OPTIONS = FetchOptions(retries=0, backoff=0.01, max_redirects=4, workers=2)
NAMES = {"intranet.test": ["10.1.2.3"], "localhost": ["127.0.0.1"], "public.test": ["93.184.216.34"]}


def fake_resolve(host: str, port: int) -> list[str]:
    if host not in NAMES:
        raise socket.gaierror(f"unknown name {host}")
    return NAMES[host]


class HostsFile(httpx.HTTPTransport):
    """Routes the test's names (and the public address public.test resolves to) to 127.0.0.1, records every
    request, refuses anything else before a socket opens."""

    ROUTED = {"intranet.test", "localhost", "public.test", "93.184.216.34"}

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if request.url.host in self.ROUTED:
            request.url = request.url.copy_with(host="127.0.0.1")
        elif request.url.host != "127.0.0.1":
            raise httpx.ConnectError(f"test guard refused {request.url.host}", request=request)
        return super().handle_request(request)


@pytest.fixture(autouse=True)
def no_real_lookups(monkeypatch):
    """Nothing may resolve a name or connect anywhere but 127.0.0.1."""
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
            raise AssertionError(f"connected to {address[0]}")
        return real_connect(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in ("127.0.0.1", b"127.0.0.1"):  # the HTTP client looks up even a literal
            raise AssertionError(f"resolved {host!r} for real")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    httpd = start_site(tmp_path_factory.mktemp("pdfs"))
    yield httpd
    stop_site(httpd)


@pytest.fixture
def lan(server):
    """An index page whose five links lead, directly or by a redirect, to non-public addresses."""
    site, port = server.site, server.server_address[1]
    site.reset()
    names = [p.name for p in SEEDS]
    links = [
        f"http://127.0.0.1:{port}/seeds/{names[0]}",  # a loopback literal
        f"/seeds/{names[1]}",  # relative: the index page's own loopback host
        f"http://localhost:{port}/seeds/{names[2]}",  # a name that resolves to loopback
        f"http://intranet.test:{port}/seeds/{names[3]}",  # a name that resolves to a private address
        f"http://public.test:{port}/redirect?to=http://127.0.0.1:{port}/seeds/{names[4]}",  # public, then a redirect to loopback
    ]
    page = "<html><body>" + "".join(f'<a href="{link}">{i}</a>' for i, link in enumerate(links)) + "</body></html>"
    site.static["/lan/index.html"] = (page.encode(), "text/html")
    return server, links


def run(server, out, sources: str):
    transport = HostsFile()
    manifest = parse_manifest("defaults:\n  rate_limit: 500\n  timeout: 5\nsources:\n" + sources.replace("BASE", server.base), name="t.yaml")
    with make_client(transport=transport, options=OPTIONS) as client:
        report = fetch_sources(manifest, out, client=client, options=OPTIONS, resolve=fake_resolve)
    return report, transport


LAN = "  - name: lan\n    index: BASE/lan/index.html\n    link_pattern: '/seeds/|/redirect'\n"


def test_links_to_non_public_addresses_are_refused_and_each_is_reported(lan, tmp_path):
    server, links = lan
    report, transport = run(server, tmp_path, LAN)
    documents = {d.uri: d for d in report.documents}
    assert report.counts() == {"fetched": 0, "not_modified": 0, "failed": 5}, [d.error for d in report.documents]
    absolute = [links[0], server.base + links[1], *links[2:]]
    expected = [
        "127.0.0.1 is a loopback address: not fetched",
        "127.0.0.1 is a loopback address: not fetched",
        "localhost resolves to 127.0.0.1, which is a loopback address: not fetched",
        "intranet.test resolves to 10.1.2.3, which is a private address: not fetched",
        f"redirected to {links[4].split('to=')[1]}: 127.0.0.1 is a loopback address: not fetched",
    ]
    for uri, reason in zip(absolute, expected):
        document = documents[uri]
        assert document.status == "failed" and document.kind == "download"
        assert document.error.startswith(f"{uri}: {reason}") and "allow_private: true" in document.error
    fetched_paths = [entry["path"] for entry in server.site.log]
    assert not [p for p in fetched_paths if p.startswith("/seeds/")], "a refused address was fetched"
    # only the trusted index page and the public first hop went out; the public hop went to the checked address
    assert [r for r in transport.requests if "/seeds/" in r.split("?")[0]] == []
    assert any(r.startswith("http://93.184.216.34:") for r in transport.requests)


def test_redirects_from_manifest_urls_are_checked_on_every_hop(server, tmp_path):
    server.site.reset()
    port = server.server_address[1]
    targets = ["http://169.254.169.254/latest/meta-data/", f"http://[::1]:{port}/seeds/x.txt", f"http://intranet.test:{port}/seeds/x.txt",
               "http://10.0.0.5/policy.pdf"]
    urls = [f"'BASE/redirect?to={t}'" for t in targets]
    report, transport = run(server, tmp_path, f"  - name: redirects\n    urls: [{', '.join(urls)}]\n")
    assert [d.status for d in report.documents] == ["failed"] * 4
    for document, target in zip(report.documents, targets):
        assert f"redirected to {target}: " in document.error and "not fetched" in document.error
    assert [r for r in transport.requests if "/redirect" not in r] == []


def test_the_same_source_with_allow_private_lands_its_documents(lan, tmp_path):
    server, links = lan
    report, transport = run(server, tmp_path, LAN + "    allow_private: true\n")
    assert report.counts() == {"fetched": 5, "not_modified": 0, "failed": 0}
    fetched = sorted(entry["path"] for entry in server.site.log if entry["path"].startswith("/seeds/"))
    assert fetched == sorted(f"/seeds/{p.name}" for p in SEEDS)


@pytest.mark.parametrize(
    "address, problem",
    [
        pytest.param("127.0.0.1", "a loopback address", id="loopback-v4"),
        pytest.param("127.8.9.10", "a loopback address", id="loopback-range"),
        pytest.param("::1", "a loopback address", id="loopback-v6"),
        pytest.param("::ffff:127.0.0.1", "a loopback address", id="v4-mapped-loopback"),
        pytest.param("10.1.2.3", "a private address", id="private-10"),
        pytest.param("192.168.1.1", "a private address", id="private-192-168"),
        pytest.param("172.16.0.1", "a private address", id="private-172-16"),
        pytest.param("169.254.169.254", "a link-local address", id="cloud-metadata"),
        pytest.param("fe80::1", "a link-local address", id="link-local-v6"),
        pytest.param("0.0.0.0", "an unspecified address", id="unspecified"),
        pytest.param("100.64.0.1", "not a public address", id="shared-cgnat"),
        pytest.param("93.184.216.34", None, id="public-v4"),
        pytest.param("2606:4700::1111", None, id="public-v6"),
    ],
)
def test_address_problem(address, problem):
    assert address_problem(address) == problem


def test_a_name_is_refused_when_any_of_its_addresses_is_not_public():
    NAMES["mixed.test"] = ["93.184.216.34", "10.0.0.1"]
    try:
        with pytest.raises(Exception, match="mixed.test resolves to 10.0.0.1, which is a private address"):
            public_address("https://mixed.test/a.pdf", fake_resolve)
        assert public_address("https://public.test/a.pdf", fake_resolve) == "93.184.216.34"
    finally:
        del NAMES["mixed.test"]


def test_a_checked_request_goes_to_the_checked_address_with_the_name_in_host_and_sni(tmp_path):
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers["host"], request.extensions.get("sni_hostname")))
        if request.url.path.endswith("index.html"):
            return httpx.Response(200, html='<a href="https://public.test/docs/a.txt">a</a>')
        return httpx.Response(200, text="Medical policy text", headers={"content-type": "text/plain"})

    manifest = parse_manifest("sources:\n  - name: web\n    index: https://index.example/index.html\n    link_pattern: 'a\\.txt$'\n", name="t.yaml")
    with make_client(transport=httpx.MockTransport(answer), options=OPTIONS) as client:
        report = fetch_sources(manifest, tmp_path, client=client, options=OPTIONS, resolve=fake_resolve)
    assert report.counts()["fetched"] == 1
    assert seen[0] == ("https://index.example/index.html", "index.example", None)  # trusted: not resolved, not pinned
    assert seen[1] == ("https://93.184.216.34/docs/a.txt", "public.test", "public.test")
    assert report.documents[0].uri == "https://public.test/docs/a.txt"
