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

Built from the feed alone (flows/feed_read.py), never by extracting again. A rebuild writes only the
files whose bytes changed and removes the files an earlier build wrote that are no longer part of
the site (listed in .policy-pipeline-site.json); it refuses a non-empty folder it did not make.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from flows.feed_read import check_feed, latest_by_policy, read_events, read_index, read_record, read_text, record_files
from flows.files import FeedError
from flows.site_model import CodeTable, codes_index, policy_url, revision_url, summarize
from flows.site_revision import event_lines, revision_page
from flows.site_values import STATUS_LABELS, status_label

MANIFEST = ".policy-pipeline-site.json"
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
    return env


class SiteWriter:
    """Writes files under the site folder only when their bytes change; remembers what the site holds."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: set[str] = set()
        self.written = 0

    def write(self, relpath: str, data: str | bytes) -> None:
        if relpath in self.files:
            raise FeedError(f"two pages of the site map to {relpath}")
        self.files.add(relpath)
        data = data.encode("utf-8") if isinstance(data, str) else data
        path = self.out / relpath
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self.written += 1


def root_of(relpath: str) -> str:
    return "../" * relpath.count("/")


def js_data(name: str, value) -> str:
    """A data file for <script src>: assigns window.<name> (no fetch(): it fails under file://)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{name} = {text};\n"


def build_site(feed: str | Path, out: str | Path) -> SiteSummary:
    """Write the site for the feed at `feed` into `out` (created if missing)."""
    root = check_feed(feed)
    out = Path(out)
    previous = check_site_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    index, events = read_index(root), read_events(root)
    files = record_files(root, events)
    latest = latest_by_policy(index, files, events)
    latest_ids = set(latest.values())
    key_of = {f.record_id: f.policy_key for f in files}

    def url_of(record_id: str) -> str | None:
        key = key_of.get(record_id)
        if key is None:
            return None
        return policy_url(key) if latest.get(key) == record_id else revision_url(record_id)

    summaries, codes = {}, CodeTable()
    for f in files:  # pass 1: what other pages need of each revision
        record = read_record(f.path)
        if record is None:
            continue
        summary, listings = summarize(record, record_id=f.record_id, policy_key=f.policy_key, latest=f.record_id in latest_ids)
        summaries[f.record_id] = summary
        codes.add(listings)

    by_policy = defaultdict(list)
    for event in events:
        by_policy[event["policy_key"]].append(event)
    timelines = _timelines(summaries, by_policy, url_of)
    env, site = environment(), SiteWriter(out)
    revision_template = env.get_template("revision.html.j2")
    for f in files:  # pass 2: one page per revision
        summary = summaries.get(f.record_id)
        record = read_record(f.path) if summary else None
        if record is None:
            continue
        relpath = url_of(f.record_id)
        is_latest = f.record_id in latest_ids
        page = revision_page(record, record_id=f.record_id, policy_key=f.policy_key, text=read_text(root, f.record_id),
                             latest=is_latest, latest_url=policy_url(f.policy_key), revisions=timelines[f.policy_key]["revisions"],
                             events=timelines[f.policy_key]["events"], matrix=codes.shared_matrix(summary) if is_latest else None)
        site.write(relpath, revision_template.render(page=page, root=root_of(relpath), here=relpath))

    code_pages = codes.code_pages(url_of)
    code_template = env.get_template("code.html.j2")
    for page in code_pages:
        site.write(page["url"], code_template.render(page=page, root=root_of(page["url"]), here=page["url"]))
    site.write("codes/index.html", env.get_template("codes.html.j2").render(
        systems=codes_index(code_pages), root="../", here="codes/index.html"))

    rows = _policy_rows(index, latest, summaries, by_policy)
    site.write("data/policies.js", js_data("POLICY_ROWS", rows))
    site.write("data/changes.js", js_data("CHANGE_ROWS", _change_rows(events, url_of)))
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
    site.write(MANIFEST, json.dumps({"files": sorted(site.files | {MANIFEST})}, indent=0) + "\n")
    return SiteSummary(out=str(out), policies=len(latest), revisions=len(summaries), codes=len(code_pages), events=len(events),
                       pages=len(site.files), written=site.written, removed=removed)


def check_site_folder(out: Path) -> set[str]:
    """The files an earlier build wrote into `out`; a one-line FeedError for a folder that is not ours
    to fill (a file, or a non-empty folder without our manifest)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FeedError(f"{out}: exists and is not a folder")
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            return set(json.loads(manifest.read_text(encoding="utf-8"))["files"])
        except (ValueError, KeyError, TypeError):
            raise FeedError(f"{manifest}: damaged; remove the folder and build again") from None
    if out.is_dir() and any(out.iterdir()):
        raise FeedError(f"{out}: not empty and not a site made by policy-pipeline report; choose a new or empty folder")
    return set()


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


def _timelines(summaries: dict, by_policy: dict, url_of) -> dict:
    """Per policy: its revisions by effective date (undated last) and its change events, newest first."""
    revisions = defaultdict(list)
    for s in summaries.values():
        revisions[s.policy_key].append(s)
    timelines = {}
    for key in set(revisions) | set(by_policy):
        arrived = {e["record_id"]: e for e in by_policy.get(key, []) if e["kind"] != "reextracted"}
        items = sorted(revisions.get(key, []), key=lambda s: (s.effective is None, s.effective or "", arrived.get(s.record_id, {}).get("seq", 0)))
        timelines[key] = {
            "revisions": [{"record_id": s.record_id, "url": url_of(s.record_id), "latest": s.latest, "payer": s.payer,
                           "number": s.number, "effective": s.effective, "version": s.version, "status": s.status,
                           "status_label": status_label(s.status), "codes": len(s.codes),
                           "arrived": arrived.get(s.record_id, {}).get("at", "")[:10]} for s in items],
            "events": [_event_view(e, url_of, summaries) for e in reversed(by_policy.get(key, []))],
        }
    return timelines


def _event_view(event: dict, url_of, summaries: dict) -> dict:
    def name(record_id: str | None) -> str | None:
        s = summaries.get(record_id)
        return f"{s.payer or 'unknown payer'}, effective {s.effective or '—'}" if s else None

    previous = event.get("previous_record_id")
    return {"seq": event["seq"], "kind": event["kind"], "at": event.get("at", ""), "date": event.get("at", "")[:10],
            "payer": event.get("payer"), "url": url_of(event["record_id"]), "name": name(event["record_id"]) or event["record_id"],
            "previous_url": url_of(previous) if previous and previous != event["record_id"] else None,
            "previous_name": name(previous) if previous else None, "lines": event_lines(event.get("changes"))}


def _policy_rows(index: dict, latest: dict, summaries: dict, by_policy: dict) -> list[dict]:
    """The policies table: one row per policy, its latest revision, its last change event."""
    revisions = defaultdict(int)
    for s in summaries.values():
        revisions[s.policy_key] += 1
    rows = []
    for key in sorted(latest):
        s = summaries.get(latest[key])
        if s is None:
            continue
        last = by_policy.get(key, [{}])[-1]
        rows.append({"key": key, "payer": s.payer or "", "number": s.number or "", "title": s.title or "",
                     "effective": s.effective or "", "status": s.status or "", "codes": len(s.codes),
                     "revisions": revisions[key], "changed": (last.get("at") or "")[:10], "change": last.get("kind") or "",
                     "url": policy_url(key)})
    return rows


def _change_rows(events: list[dict], url_of) -> list[dict]:
    rows = []
    for event in reversed(events):
        lines = event_lines(event.get("changes"))
        summary = "; ".join(lines[:3]) + (f"; … {len(lines) - 3} more" if len(lines) > 3 else "")
        if event["kind"] == "cosmetic" and not lines:
            summary = "no change in substance"
        rows.append({"seq": event["seq"], "at": (event.get("at") or "")[:16].replace("T", " "), "kind": event["kind"],
                     "key": event["policy_key"], "payer": event.get("payer") or "", "number": event.get("number") or "",
                     "title": event.get("title") or "", "summary": summary, "url": url_of(event["record_id"]),
                     "previous_url": url_of(event["previous_record_id"]) if event.get("previous_record_id") else None})
    return rows
