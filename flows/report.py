"""`build_site(feed, out)`: the feed as a static site people can read offline, from the file system.

Pages (Jinja2 templates in flows/templates/, one stylesheet and one script in templates/assets/):
    index.html                  every policy's latest revision: a sortable, filterable, paged table
                                (plain JavaScript over data/policies.js, so it stays quick at 10,000)
    policies/<key>.html         a policy's latest revision: every field, each value with its evidence
                                in context, the revisions timeline, the codes it shares with others
    revisions/<record_id>.html  an earlier revision, laid out the same way
    codes/index.html            the codes by system; codes/<system>/<code>.html: every policy that lists
                                the code, by payer, with its status and the statement that governs it
    changes.html                the change log, newest first (data/changes.js), linked to its revisions

Data reaches the pages as `<script src>` files that assign a global (a fetch() of a local file fails
under file://), or inline JSON. Nothing is loaded from the network.

Built from the feed alone (flows/feed_read.py), never by extracting again. A large feed's revision
pages are rendered on worker processes. A rebuild renders only the revision pages whose inputs changed
(their fingerprints are kept in .policy-pipeline-site.json with the site's file list), writes only
the files whose bytes changed, and removes the files an earlier build wrote that are no longer part
of the site; it refuses a non-empty folder it did not make.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from flows.feed_read import (
    check_feed, latest_by_policy, read_events, read_index, read_record, read_text, record_files, text_stat,
)
from flows.files import FeedError
from flows.site_model import CodeTable, codes_index, policy_url, revision_url, summarize
from flows.site_revision import revision_page
from flows.site_timeline import Timelines, change_rows, policy_rows
from flows.site_values import STATUS_LABELS, status_class, status_label

MANIFEST = ".policy-pipeline-site.json"
CHUNK = 200  # revision pages per rendering task
PARALLEL_FROM = 1000  # revisions: a smaller feed is rendered in this process
MAX_WORKERS = 4
ASSETS = ("site.css", "site.js")


@dataclass(frozen=True)
class SiteSummary:
    out: str
    policies: int
    revisions: int
    codes: int
    events: int
    pages: int  # files of the site
    written: int  # files written by this build (0 when nothing changed)
    removed: int


def environment() -> Environment:
    env = Environment(loader=PackageLoader("flows", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["status_label"] = status_label
    env.filters["status_class"] = status_class
    return env


def write_file(out: Path, relpath: str, data: str | bytes) -> bool:
    """Write a file of the site unless it already holds these bytes; True when written."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    path = out / relpath
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


class SiteWriter:
    """Writes files under the site folder only when their bytes change; remembers what the site holds."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: set[str] = set()
        self.written = 0

    def claim(self, relpath: str) -> None:
        if relpath in self.files:
            raise FeedError(f"two pages of the site map to {relpath}")
        self.files.add(relpath)

    def write(self, relpath: str, data: str | bytes) -> None:
        self.claim(relpath)
        self.written += write_file(self.out, relpath, data)


@dataclass(frozen=True)
class PageJob:
    """What rendering one revision's page needs besides its record and text (read by the renderer)."""

    path: str
    record_id: str
    policy_key: str
    relpath: str
    latest: bool
    timeline: dict
    matrix: dict | None

    def fingerprint(self, record_stat: tuple, text_stat: tuple | None) -> str:
        """Changes whenever the page would: its record or text file, its timeline or matrix, the site's code."""
        parts = [site_version(), self.relpath, self.latest, list(record_stat), text_stat, self.timeline, self.matrix]
        return hashlib.sha256(json.dumps(parts, default=list).encode()).hexdigest()[:24]  # key order is the build's own, stable


@lru_cache(maxsize=1)
def site_version() -> str:
    """A hash of the templates and of the modules that lay pages out: a new version renders every page again."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*(here / "templates").rglob("*"), *here.glob("site_*.py"), Path(__file__)]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def revision_renderer(jobs: list[PageJob], root: Path, out: Path, *, workers: int) -> Iterator[Iterator[tuple[list[str], int]]]:
    """Start rendering and writing the revisions' pages, CHUNK at a time, on `workers` processes (1: in
    this process, as the results are read); the block may do other work meanwhile, then read each
    chunk's (page paths, files written)."""
    chunks = [(jobs[i:i + CHUNK], str(root), str(out)) for i in range(0, len(jobs), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        yield map(_render_chunk, chunks)
        return
    context = multiprocessing.get_context("spawn")  # not fork: the caller may run threads (a Prefect flow)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield pool.map(_render_chunk, chunks)


_templates: dict = {}


def _render_chunk(args) -> tuple[list[str], int]:
    jobs, root, out = args
    if "revision" not in _templates:
        _templates["revision"] = environment().get_template("revision.html.j2")
    template, root, out = _templates["revision"], Path(root), Path(out)
    paths, written = [], 0
    for job in jobs:
        record = read_record(Path(job.path))
        if record is None:
            continue
        page = revision_page(record, record_id=job.record_id, policy_key=job.policy_key, text=read_text(root, job.record_id),
                             latest=job.latest, latest_url=policy_url(job.policy_key), timeline=job.timeline, matrix=job.matrix)
        written += write_file(out, job.relpath, template.render(page=page, root=root_of(job.relpath), here=job.relpath))
        paths.append(job.relpath)
    return paths, written


def root_of(relpath: str) -> str:
    return "../" * relpath.count("/")


def js_data(name: str, value) -> str:
    """A data file for <script src>: assigns window.<name> (no fetch(): it fails under file://)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{name} = {text};\n"


def build_site(feed: str | Path, out: str | Path, *, workers: int | None = None) -> SiteSummary:
    """Write the site for the feed at `feed` into `out` (created if missing). The revisions' pages are
    rendered on `workers` processes (default: one per core, up to MAX_WORKERS, for large feeds)."""
    root = check_feed(feed)
    out = Path(out)
    manifest = check_site_folder(out)
    previous, previous_pages = set(manifest.get("files", [])), manifest.get("pages", {})
    fingerprints: dict[str, str] = {}
    out.mkdir(parents=True, exist_ok=True)
    index, events = read_index(root), read_events(root)
    files = record_files(root, events)
    latest = latest_by_policy(index, files, events)
    latest_ids = set(latest.values())
    key_of = {f.record_id: f.policy_key for f in files}
    summaries, codes = {}, CodeTable()

    def url_of(record_id: str) -> str | None:
        key = key_of.get(record_id)
        if key is None or record_id not in summaries:  # not in the feed, or its file could not be read
            return None
        return policy_url(key) if latest.get(key) == record_id else revision_url(record_id)

    for f in files:  # pass 1: what other pages need of each revision
        record = read_record(f.path)
        if record is None:
            continue
        summary, listings = summarize(record, record_id=f.record_id, policy_key=f.policy_key, latest=f.record_id in latest_ids)
        summaries[f.record_id] = summary
        codes.add(listings)

    timelines = Timelines(summaries, events, url_of)
    env, site = environment(), SiteWriter(out)
    jobs, unchanged = [], []
    for f in files:
        if f.record_id not in summaries:
            continue
        is_latest = f.record_id in latest_ids
        job = PageJob(str(f.path), f.record_id, f.policy_key, url_of(f.record_id), is_latest,
                      timelines.for_page(f.policy_key, f.record_id, latest=is_latest),
                      codes.shared_matrix(summaries[f.record_id]) if is_latest else None)
        fingerprint = job.fingerprint(f.stat_key, text_stat(root, f.record_id))
        fingerprints[job.relpath] = fingerprint
        if previous_pages.get(job.relpath) == fingerprint and (out / job.relpath).is_file():
            unchanged.append(job.relpath)  # nothing it shows has changed: not rendered again
        else:
            jobs.append(job)
    for relpath in unchanged:
        site.claim(relpath)
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(jobs) >= PARALLEL_FROM else 1
    with revision_renderer(jobs, root, out, workers=workers) as rendered:  # pass 2: one page per revision
        code_pages = codes.code_pages(url_of)  # meanwhile, here: the codes' pages
        code_template = env.get_template("code.html.j2")
        for page in code_pages:
            site.write(page["url"], code_template.render(page=page, root=root_of(page["url"]), here=page["url"]))
        site.write("codes/index.html", env.get_template("codes.html.j2").render(
            systems=codes_index(code_pages), root="../", here="codes/index.html"))
        for paths, written in rendered:
            for relpath in paths:
                site.claim(relpath)
            site.written += written

    rows = policy_rows(latest, summaries, timelines)
    site.write("data/policies.js", js_data("POLICY_ROWS", rows))
    site.write("data/changes.js", js_data("CHANGE_ROWS", change_rows(events, url_of)))
    statuses = [{"value": s, "label": label} for s, label in STATUS_LABELS.items()]
    payers = sorted({r["payer"] for r in rows if r["payer"]}, key=str.casefold)
    common = dict(root="", statuses=statuses, payers=payers)
    site.write("index.html", env.get_template("index.html.j2").render(
        here="index.html", total=len(rows), last_seq=index.get("last_seq", 0), **common))
    kinds = sorted({e["kind"] for e in events})
    site.write("changes.html", env.get_template("changes.html.j2").render(here="changes.html", total=len(events), kinds=kinds, **common))
    for name in ASSETS:
        site.write(f"assets/{name}", env.loader.get_source(env, f"assets/{name}")[0])

    removed = _remove_stale(out, previous, site.files)
    site.write(MANIFEST, json.dumps({"files": sorted(site.files | {MANIFEST}), "pages": fingerprints}, indent=0, sort_keys=True) + "\n")
    return SiteSummary(out=str(out), policies=len(rows), revisions=len(summaries), codes=len(code_pages), events=len(events),
                       pages=len(site.files), written=site.written, removed=removed)


def check_site_folder(out: Path) -> dict:
    """The manifest of an earlier build in `out` ({"files": [...], "pages": {path: fingerprint}}), or {};
    a one-line FeedError for a folder that is not ours to fill (a file, or a non-empty folder without
    our manifest)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FeedError(f"{out}: exists and is not a folder")
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            found = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(found.get("files"), list) or not isinstance(found.get("pages", {}), dict):
                raise ValueError
            return found
        except (ValueError, AttributeError):
            raise FeedError(f"{manifest}: damaged; remove the folder and build again") from None
    if out.is_dir() and any(out.iterdir()):
        raise FeedError(f"{out}: not empty and not a site made by policy-pipeline report; choose a new or empty folder")
    return {}


def _remove_stale(out: Path, previous: set[str], current: set[str]) -> int:
    removed = 0
    for relpath in sorted(previous - current - {MANIFEST}):
        path = out / relpath
        if path.is_file() and path.resolve().is_relative_to(out.resolve()):
            path.unlink()
            removed += 1
    for directory in sorted({(out / p).parent for p in previous - current}, key=lambda d: -len(d.parts)):
        if directory != out and directory.is_dir() and not any(directory.iterdir()):
            shutil.rmtree(directory, ignore_errors=True)
    return removed
