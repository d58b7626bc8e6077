"""A local HTTP site for fetching tests: the seeds and the real PDFs (or small stand-ins), an index page,
and one route for each failure mode of issue #7. Bound to 127.0.0.1 on a free port; no name lookups."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(p for p in (ROOT / "raw_documents").glob("*.txt"))
REAL_PDFS = sorted((ROOT / "raw_documents").glob("*.pdf"))
LAST_MODIFIED = "Mon, 01 Jun 2026 00:00:00 GMT"
HTML_ERROR = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Access denied</h1></body></html>"


def make_pdfs(folder: Path) -> list[Path]:
    """Small PDFs when the real ones (/work/shared/real/docs) are not on this machine."""
    from reportlab.pdfgen import canvas

    paths = []
    for number in range(3):
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, f"Medical Policy {number}: coverage criteria")
        page.save()
        paths.append(folder / f"policy-{number}.pdf")
        paths[-1].write_bytes(buffer.getvalue())
    return paths


class Site:
    """What the server serves; `hits` and `log` let tests see every request and its answer."""

    def __init__(self, pdfs: list[Path]):
        self.pdfs = {f"/medical-policies/{p.name}": p.read_bytes() for p in pdfs}
        self.seeds = {f"/seeds/{p.name}": p.read_bytes() for p in SEEDS}
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.hits: dict[str, int] = {}
            self.log: list[dict] = []
            self.static = {
                **{path: (body, "application/pdf") for path, body in self.pdfs.items()},
                **{path: (body, "text/plain; charset=utf-8") for path, body in self.seeds.items()},
                "/medical-policies/index.html": (self.index_page(), "text/html"),
                "/policy.html": (b"<!DOCTYPE html><html><body>" + next(iter(self.seeds.values())) + b"</body></html>", "text/html"),
                "/copy.pdf": (next(iter(self.pdfs.values())), "application/pdf"),
                "/fake.pdf": (HTML_ERROR, "application/pdf"),
                "/big.pdf": (b"%PDF-1.4\n" + b"0" * 300_000, "application/pdf"),
                "/scan.png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png"),
                "/empty.txt": (b"", "text/plain"),
                "/bare/index.html": (b"<html><body><a href='/seeds/none.txt'>no PDFs here</a></body></html>", "text/html"),
            }

    def index_page(self) -> bytes:
        names = [path.rsplit("/", 1)[1] for path in self.pdfs]
        links = [f'<a href="{name}">{name}</a>' for name in names]
        links.append(f'<a href="{names[0]}#page=2">same document, another page</a>')
        links.append(f'<a href="/medical-policies/{names[0]}">same document, absolute path</a>')
        links += ['<a href="../seeds/x.txt">not a PDF</a>', '<a href="mailto:policy@example.com">mail</a>',
                  '<a href="https://example.com/other/policy.pdf">elsewhere</a>', '<a href="javascript:void(0)">js</a>']
        return ("<!DOCTYPE html><html><body><h1>Medical policies</h1>" + "\n".join(links) + "</body></html>").encode()

    def record(self, path: str, headers, status: int) -> None:
        with self.lock:
            self.log.append({"path": path, "status": status, "time": time.monotonic(),
                             "if_none_match": headers.get("If-None-Match"), "if_modified_since": headers.get("If-Modified-Since")})

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        try:
            self.route(self.path.split("?")[0])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size cap): expected

    def send(self, status: int, body: bytes = b"", headers: dict | None = None, *, length: bool = True) -> None:
        self.site.record(self.path, self.headers, status)
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, path: str) -> None:
        site, count = self.site, self.site.hit(path)
        if path == "/flaky.pdf" and count == 1:
            return self.send(500, b"oops")
        if path == "/busy.txt" and count == 1:
            return self.send(429, b"slow down", {"Retry-After": "1"})
        if path == "/down.pdf":
            return self.send(503, b"maintenance")
        if path == "/later.pdf":
            return self.send(429, b"come back tomorrow", {"Retry-After": "3600"})
        if path == "/slow.pdf":
            time.sleep(1.5)
            return self.send(200, next(iter(site.pdfs.values())), {"Content-Type": "application/pdf"})
        if path in ("/loop-a", "/loop-b"):
            return self.send(302, b"", {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        if path.startswith("/chain/"):
            return self.send(302, b"", {"Location": f"/chain/{int(path.rsplit('/', 1)[1]) + 1}"})
        if path == "/redirect":  # e.g. /redirect?to=http://169.254.169.254/latest/meta-data/
            return self.send(302, b"", {"Location": unquote(self.path.split("to=", 1)[1])})
        if path == "/moved.pdf":
            return self.send(301, b"", {"Location": next(iter(site.pdfs))})
        if path == "/big-stream.pdf":
            return self.send(200, site.static["/big.pdf"][0], {"Content-Type": "application/pdf"}, length=False)
        if path == "/flaky.pdf":
            path = next(iter(site.pdfs))
        if path == "/busy.txt":
            path = next(iter(site.seeds))
        lm_only = path.startswith("/lm-only/")
        if lm_only:
            path = path.removeprefix("/lm-only")
        if path not in site.static:
            return self.send(404, b"not found")
        body, content_type = site.static[path]
        validators = {"Last-Modified": LAST_MODIFIED}
        if not lm_only:
            validators["ETag"] = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.not_modified(validators):
            return self.send(304, b"", validators, length=False)
        self.send(200, body, {"Content-Type": content_type, **validators})

    def not_modified(self, validators: dict) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since only when there is no If-None-Match."""
        if self.headers.get("If-None-Match"):
            return self.headers["If-None-Match"] == validators.get("ETag")
        since = self.headers.get("If-Modified-Since")
        return bool(since) and parsedate_to_datetime(since) >= parsedate_to_datetime(validators["Last-Modified"])


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:  # skip getfqdn(): no name lookups at all
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        pass




def start_site(pdf_folder: Path) -> LocalServer:
    """Serve a fresh Site on 127.0.0.1:<free port> in a daemon thread; `.base` is its URL, `.site` its state."""
    pdfs = REAL_PDFS or make_pdfs(pdf_folder)
    site = Site(pdfs)
    handler = type("SiteHandler", (Handler,), {"site": site})
    httpd = LocalServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.site = site
    return httpd


def stop_site(httpd: LocalServer) -> None:
    httpd.shutdown()
    httpd.server_close()
