"""Fetching web sources: HTTP downloads with retries, per-host rate limits, conditional requests and a raw blob store.

`fetch_sources(manifest, out_dir)` pulls every document a manifest names and returns a `FetchReport` with one
`FetchedDocument` per URL, status fetched | not_modified | failed. Raw bytes are kept content-addressed under
<out>/raw/<sha256[:2]>/<sha256><ext> (identical bytes stored once) so any record can be re-extracted without
the network; <out>/fetch_state.json keeps each URL's ETag / Last-Modified so the next run only asks "changed?".
A failed download is one line in its document (kind "download") and never stops the other downloads.

What a fetched page may point at: the URLs written in the manifest (document URLs and index pages) are
trusted. A link found on an index page, and every redirect hop, must lead to a public address: its host is
resolved, every address it resolves to must be public (not loopback, private, link-local, shared, reserved,
multicast or unspecified), and the request then goes to the address that was checked (the name stays in
the Host header and TLS SNI), so a second lookup cannot swap it. A source with `allow_private: true`
(intranets, tests) skips the check. A refused link or redirect is one failed download saying why.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import random
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx
from filelock import FileLock
from pydantic import BaseModel, ConfigDict

from extractors.errors import PolicyError, UnsupportedInput
from extractors.loading import sniff
from extractors.loading.html import looks_like_html_document
from flows.sources import Manifest, Source, links_from_index

__all__ = [
    "Download", "FetchError", "FetchOptions", "FetchReport", "FetchedDocument", "Fetcher", "HostRateLimiter",
    "fetch_sources", "make_client", "public_address", "resolve_addresses", "store_blob",
]

MB = 1024 * 1024
STATE_FILE = "fetch_state.json"
RAW_DIR = "raw"
EXTENSIONS = {"application/pdf": ".pdf", "text/html": ".html", "text/plain": ".txt"}
REDIRECTS = (301, 302, 303, 307, 308)
ACCEPT = "application/pdf, text/html;q=0.9, text/plain;q=0.8, */*;q=0.5"
PRIVATE_HEADERS = ("authorization", "cookie")  # dropped when a redirect leaves the host

Status = Literal["fetched", "not_modified", "failed"]


class FetchError(PolicyError):
    """A download that failed; the message starts with the URL and says why in one line."""


@dataclass(frozen=True)
class FetchOptions:
    """Run-wide knobs (per-source rate limit, timeout and size cap live in the manifest)."""

    retries: int = 3  # extra attempts after the first, on 429 / 5xx / timeouts / connection errors
    backoff: float = 0.5  # seconds before the first retry; doubles each time (with jitter) unless Retry-After says
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a server asking to wait longer fails the URL for this run
    max_redirects: int = 5
    max_seconds: float = 300.0  # one download's total time, against servers that drip bytes
    workers: int = 4  # downloads in flight (the per-host rate limit still applies)
    user_agent: str = "policy-pipeline/0.1 (medical policy fetcher)"


DEFAULT_OPTIONS = FetchOptions()


class FetchedDocument(BaseModel):
    """One URL's outcome. `path` is the stored blob (also for not_modified); failures carry `kind` and `error`."""

    model_config = ConfigDict(frozen=True)

    uri: str
    source_name: str
    status: Status
    path: Path | None = None
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    payer_hint: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    kind: Literal["download"] | None = None
    error: str | None = None

    def quarantine_fields(self) -> dict[str, str | None]:
        """A failed download as the fields of a quarantine entry: uri, sha256, error, kind, source_name."""
        return {"uri": self.uri, "sha256": self.sha256, "error": self.error or "", "kind": self.kind or "download",
                "source_name": self.source_name}


class FetchReport(BaseModel):
    """All documents in manifest order; failed index pages appear as failed documents with the index URL."""

    model_config = ConfigDict(frozen=True)

    documents: tuple[FetchedDocument, ...]

    def by_status(self, status: Status) -> list[FetchedDocument]:
        return [document for document in self.documents if document.status == status]

    @property
    def ready(self) -> list[FetchedDocument]:
        """Documents whose bytes are on disk (fetched or not modified): the input of extraction."""
        return [document for document in self.documents if document.status != "failed"]

    @property
    def failed(self) -> list[FetchedDocument]:
        return self.by_status("failed")

    def counts(self) -> dict[str, int]:
        return {status: len(self.by_status(status)) for status in ("fetched", "not_modified", "failed")}


class HostRateLimiter:
    """Spaces requests to one host at least 1/rate seconds apart, across threads; `defer` honours Retry-After."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, rate: float | None) -> float:
        """Block until `host` may get another request; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + (1.0 / rate if rate else 0.0)
        if start > now:
            self._sleep(start - now)
        return start - now

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (a 429/503 asked every worker to back off)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self._clock() + seconds)


def make_client(*, transport: httpx.BaseTransport | None = None, options: FetchOptions = DEFAULT_OPTIONS) -> httpx.Client:
    """The HTTP client `fetch_sources` uses; redirects are followed by the fetcher itself (loop detection)."""
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        headers={"User-Agent": options.user_agent, "Accept": ACCEPT},
        limits=httpx.Limits(max_connections=max(options.workers, 1) * 2),
    )


def atomic_write(path: Path, data: bytes) -> None:
    """Temp file in the same folder + fsync + os.replace: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def store_blob(out_dir: Path, data: bytes, media_type: str) -> tuple[str, Path]:
    """Keep raw bytes at <out>/raw/<sha256[:2]>/<sha256><ext>; identical bytes are written once. -> (sha256, path)."""
    digest = hashlib.sha256(data).hexdigest()
    path = out_dir / RAW_DIR / digest[:2] / f"{digest}{EXTENSIONS.get(media_type, '.bin')}"
    if not (path.is_file() and path.stat().st_size == len(data)):
        atomic_write(path, data)
    return digest, path


class FetchState:
    """Per-URL validators and blob of the last good download, in <out>/fetch_state.json (merged on save)."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / STATE_FILE
        self._lock = threading.Lock()
        self._entries = self._read()
        self._changed: dict[str, dict[str, Any]] = {}

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # an unreadable state only costs full downloads; it is rewritten on save
        return data.get("urls", {}) if isinstance(data, dict) else {}

    def get(self, url: str) -> dict[str, Any] | None:
        with self._lock:
            return self._entries.get(url)

    def put(self, url: str, entry: dict[str, Any]) -> None:
        with self._lock:
            if self._entries.get(url) != entry:
                self._entries[url] = entry
                self._changed[url] = entry

    def save(self) -> None:
        """Write only if something changed; another run's entries written meanwhile are kept."""
        with self._lock:
            if not self._changed:
                return
            with FileLock(str(self.path) + ".lock"):
                entries = {**self._read(), **self._changed}
                text = json.dumps({"version": 1, "urls": entries}, indent=1, sort_keys=True)
                atomic_write(self.path, text.encode("utf-8"))
            self._changed.clear()


@dataclass(frozen=True)
class Download:
    """One finished GET: status, headers, the body (read only for 200) and the URL after redirects."""

    status: int
    reason: str
    headers: httpx.Headers
    body: bytes
    final_url: str


Resolver = Callable[[str, int], list[str]]


def resolve_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6), in the resolver's order."""
    found = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if sockaddr[0] not in found:
            found.append(sockaddr[0])
    return found


def address_problem(address: str) -> str | None:
    """Why an address is not a public one ("a loopback address" ...), or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # e.g. ::ffff:127.0.0.1
    for test, kind in ((ip.is_loopback, "a loopback"), (ip.is_link_local, "a link-local"), (ip.is_unspecified, "an unspecified"),
                       (ip.is_multicast, "a multicast"), (ip.is_private, "a private"), (ip.is_reserved, "a reserved")):
        if test:
            return f"{kind} address"
    return None if ip.is_global else "not a public address"


def public_address(url: str, resolve: Resolver) -> str:
    """The public address to connect to for `url`, or FetchError saying which address is not public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise httpx.ConnectError(f"cannot resolve {host} ({_one_line(error)})") from None
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host} (no address)")
    for address in addresses:
        problem = address_problem(address)
        if problem:
            named = host if host == address else f"{host} resolves to {address}, which"
            raise FetchError(f"{named} is {problem}: not fetched (links on index pages and redirects must lead to public "
                             "addresses unless the source says allow_private: true)")
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, str, str]:
    """(url with the checked address as its host, Host header, TLS server name)."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(host=address)), parsed.netloc.decode("ascii"), parsed.host


class Fetcher:
    """Downloads for one run: shared client, rate limiter, state and blob store."""

    def __init__(self, manifest: Manifest, out_dir: Path, *, client: httpx.Client, options: FetchOptions = DEFAULT_OPTIONS,
                 limiter: HostRateLimiter | None = None, resolve: Resolver = resolve_addresses):
        self.manifest, self.out_dir, self.client, self.options = manifest, out_dir, client, options
        self.limiter = limiter or HostRateLimiter()
        self.state = FetchState(out_dir)
        self.resolve = resolve

    def discover(self, source: Source) -> tuple[list[str], FetchedDocument | None]:
        """An index source's document URLs, or ([], failed entry) when the index page cannot be used."""
        page = self.fetch_url(source.index or "", source, index=True)
        if page.status == "failed":
            return [], page.model_copy(update={"error": f"index page {page.error}"})
        try:
            links = links_from_index(page.path.read_bytes(), page_url=page.final_url or page.uri, pattern=source.link_pattern or "")
        except (OSError, AttributeError, ValueError) as error:
            return [], _failed(page.uri, source, f"index page {page.uri}: cannot read the stored page ({_one_line(error)})")
        if not links:
            error = f"index page {page.uri}: no link matches link_pattern '{source.link_pattern}'"
            return [], _failed(page.uri, source, error, page.http_status)
        return links, None

    def fetch_url(self, url: str, source: Source, *, index: bool = False, trusted: bool = True) -> FetchedDocument:
        """One URL -> FetchedDocument; never raises for a bad download. `trusted`: written in the manifest (a
        link found on an index page is not: its address must be public, see the module docstring)."""
        entry = self.state.get(url)
        blob = self.out_dir / entry["path"] if entry and entry.get("path") else None
        conditional = {}
        if blob is not None and blob.is_file():
            if entry.get("etag"):
                conditional["If-None-Match"] = entry["etag"]
            if entry.get("last_modified"):
                conditional["If-Modified-Since"] = entry["last_modified"]
        try:
            response = self._download(url, source, {**self.manifest.headers(source), **conditional}, trusted=trusted)
            if response.status == 304 and conditional:
                return self._not_modified(url, source, entry or {}, response)
            if response.status != 200:
                where = f" (at {response.final_url})" if response.final_url != url else ""
                raise FetchError(f"{url}: HTTP {response.status} {response.reason}{where}")
            return self._stored(url, source, response, index=index)
        except FetchError as error:
            return _failed(url, source, str(error))
        except Exception as error:  # a bug or an odd server must cost one URL, not the run
            return _failed(url, source, f"{url}: unexpected {type(error).__name__}: {error}")

    def _not_modified(self, url: str, source: Source, entry: dict[str, Any], response: Download) -> FetchedDocument:
        validators = _validators(response.headers)
        if validators and any(entry.get(key) != value for key, value in validators.items()):
            self.state.put(url, {**entry, **validators})
        return FetchedDocument(
            uri=url, source_name=source.name, status="not_modified", path=self.out_dir / entry["path"],
            sha256=entry.get("sha256"), size=entry.get("size"), media_type=entry.get("media_type"),
            payer_hint=source.payer, http_status=304, final_url=response.final_url,
        )

    def _stored(self, url: str, source: Source, response: Download, *, index: bool) -> FetchedDocument:
        media_type = check_content(url, response, index=index)
        digest, path = store_blob(self.out_dir, response.body, media_type)
        entry = {
            "path": path.relative_to(self.out_dir).as_posix(), "sha256": digest, "size": len(response.body),
            "media_type": media_type, "final_url": response.final_url, **_validators(response.headers),
        }
        self.state.put(url, entry)
        return FetchedDocument(
            uri=url, source_name=source.name, status="fetched", path=path, sha256=digest, size=len(response.body),
            media_type=media_type, payer_hint=source.payer, http_status=200, final_url=response.final_url,
        )

    def _download(self, url: str, source: Source, headers: dict[str, str], *, trusted: bool = True) -> Download:
        """GET with retries: 429 and 5xx (Retry-After honoured up to a cap), timeouts and connection errors."""
        options, timeout = self.options, self.manifest.timeout(source)
        attempt = 0
        while True:
            attempt += 1
            wait = None
            try:
                response = self._attempt(url, source, headers, trusted=trusted)
            except httpx.TimeoutException:
                problem = f"timed out after {timeout:g} s"
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                problem = f"cannot connect ({_one_line(error)})"
            except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
                problem = f"connection failed ({_one_line(error)})"
            else:
                if not retryable(response.status):
                    return response
                problem = f"HTTP {response.status} {response.reason}"
                wait = retry_after(response.headers.get("retry-after"))
                if wait is not None and wait > options.max_retry_after:
                    raise FetchError(
                        f"{url}: {problem}; the server asked to wait {wait:.0f} s, more than the "
                        f"{options.max_retry_after:g} s cap (try again later)"
                    )
            if attempt > options.retries:
                raise FetchError(f"{url}: {problem}; gave up after {attempt} attempt{'s' if attempt > 1 else ''}")
            delay = wait if wait is not None else self.backoff(attempt)
            self.limiter.defer(_host(url), delay)
            time.sleep(delay)

    def backoff(self, attempt: int) -> float:
        delay = min(self.options.max_backoff, self.options.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # equal jitter: parallel workers do not retry in step

    def _attempt(self, url: str, source: Source, headers: dict[str, str], *, trusted: bool = True) -> Download:
        """One GET, following up to max_redirects redirects; a loop or too many hops is a FetchError. Every hop
        but a trusted first one goes to a checked public address (unless the source allows private ones)."""
        chain, current = [url], url
        timeout = httpx.Timeout(self.manifest.timeout(source))
        deadline = time.monotonic() + self.options.max_seconds
        for hop in range(self.options.max_redirects + 1):
            target, hop_headers, extensions = current, headers, {}
            if not source.allow_private and (hop > 0 or not trusted):
                try:
                    address = public_address(current, self.resolve)
                except FetchError as error:
                    where = f"redirected to {current}: " if hop else ""
                    raise FetchError(f"{url}: {where}{error}") from None
                target, host_header, server_name = _pinned(current, address)
                hop_headers, extensions = {**headers, "Host": host_header}, {"sni_hostname": server_name}
            self.limiter.wait(_host(current), self.manifest.rate_limit(source))
            with self.client.stream("GET", target, headers=hop_headers, timeout=timeout, follow_redirects=False,
                                    extensions=extensions) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    target = urljoin(current, location.strip())
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise FetchError(f"{url}: redirected to {target}, which is not an http(s) URL")
                    if target in chain:
                        raise FetchError(f"{url}: redirect loop ({' -> '.join([*chain, target])})")
                    if _host(target) != _host(current):
                        headers = {key: value for key, value in headers.items() if key.lower() not in PRIVATE_HEADERS}
                    chain.append(target)
                    current = target
                    continue
                body = b""
                if response.status_code == 200:
                    body = self._read_body(url, response, self.manifest.max_mb(source), deadline)
                return Download(response.status_code, response.reason_phrase, response.headers, body, current)
        raise FetchError(f"{url}: more than {self.options.max_redirects} redirects (the last one pointed to {current})")

    def _read_body(self, url: str, response: httpx.Response, max_mb: float, deadline: float) -> bytes:
        """The body, stopped as soon as it passes the size cap or the time budget."""
        max_bytes, limit = int(max_mb * MB), f"the size limit of {max_mb:g} MB (max_mb)"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url}: {int(declared) / MB:.1f} MB is over {limit}; not downloaded")
        chunks, total = [], 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                raise FetchError(f"{url}: more than {limit}; download stopped")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: download took longer than {self.options.max_seconds:g} s; stopped")
            chunks.append(chunk)
        return b"".join(chunks)


def check_content(url: str, response: Download, *, index: bool = False) -> str:
    """The media type from the bytes; raise when they are not what the URL / Content-Type promised."""
    data = response.body
    if not data.strip():
        raise FetchError(f"{url}: the server sent an empty body")
    try:
        sniffed = sniff(data)
    except UnsupportedInput as error:
        raise FetchError(f"{url}: {error}") from None
    html = sniffed != "application/pdf" and looks_like_html(data)
    if index:
        if sniffed == "application/pdf":
            raise FetchError(f"{url}: expected an HTML page but the server sent a PDF")
        return "text/html" if html else "text/plain"
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    says_pdf = declared == "application/pdf" or any(
        urlsplit(address).path.lower().endswith(".pdf") for address in (url, response.final_url)
    )
    if says_pdf and sniffed != "application/pdf":
        raise FetchError(f"{url}: expected a PDF but the server sent {'an HTML page' if html else 'something else (no PDF header)'}")
    return sniffed if sniffed == "application/pdf" else "text/html" if html else "text/plain"


def looks_like_html(data: bytes) -> bool:
    """An HTML document (doctype or <html>/<head>/<body> near the top), e.g. a server's error page."""
    head = data[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    while head.startswith(("<!--", "<?xml")):  # e.g. "<?xml version=...?>" or a comment before the doctype
        end = head.find("-->" if head.startswith("<!--") else "?>")
        if end < 0:
            return False
        head = head[end + 3 if head.startswith("<!--") else end + 2 :].lstrip()
    return looks_like_html_document(head)


def retryable(status: int) -> bool:
    return status == 429 or (500 <= status < 600 and status not in (501, 505))


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds (e.g. "120") or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)  # e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _validators(headers: httpx.Headers) -> dict[str, str]:
    found = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified")}
    return {key: value for key, value in found.items() if value}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _failed(url: str, source: Source, error: str, http_status: int | None = None) -> FetchedDocument:
    return FetchedDocument(
        uri=url, source_name=source.name, status="failed", payer_hint=source.payer, http_status=http_status,
        kind="download", error=" ".join(error.split()),
    )


def fetch_sources(
    manifest: Manifest,
    out_dir: str | Path,
    *,
    client: httpx.Client | None = None,
    options: FetchOptions = DEFAULT_OPTIONS,
    on_document: Callable[[FetchedDocument], None] | None = None,
    resolve: Resolver = resolve_addresses,
) -> FetchReport:
    """Pull every document of every source into <out>/raw; a URL listed twice is fetched once (first source wins).

    Index pages are fetched (conditionally too) and parsed first; downloads run on `options.workers` threads
    under the per-host rate limit. `on_document` is called in this thread for each document, in manifest order.
    """
    out = Path(out_dir).resolve()
    (out / RAW_DIR).mkdir(parents=True, exist_ok=True)
    own_client = client is None
    client = client or make_client(options=options)
    fetcher = Fetcher(manifest, out, client=client, options=options, resolve=resolve)
    slots: list[FetchedDocument | Future[FetchedDocument]] = []
    seen: set[str] = set()
    try:
        with ThreadPoolExecutor(max_workers=max(options.workers, 1), thread_name_prefix="fetch") as pool:
            for source in manifest.sources:
                urls = source.urls or ()
                if source.index:
                    urls, failure = fetcher.discover(source)
                    if failure is not None:
                        slots.append(failure)
                for url in urls:
                    if url not in seen:
                        seen.add(url)
                        slots.append(pool.submit(fetcher.fetch_url, url, source, trusted=not source.index))
            documents = []
            for slot in slots:
                document = slot.result() if isinstance(slot, Future) else slot
                if on_document is not None:
                    on_document(document)
                documents.append(document)
    finally:
        fetcher.state.save()
        if own_client:
            client.close()
    return FetchReport(documents=tuple(documents))
