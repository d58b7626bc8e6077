"""A link checker for the static site: starting at index.html, follow every link of every page it
reaches (href and src attributes, and the `url` fields of the data files the tables are drawn from),
check each target file exists and each #fragment names an element of its page.

External links are not followed; only the ones the site is meant to have (DOI and PubMed) are allowed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

EXTERNAL = re.compile(r"^https://(doi\.org/10\.\S+|pubmed\.ncbi\.nlm\.nih\.gov/\d+/)$")  # e.g. "https://doi.org/10.1016/x"
DATA_ASSIGNMENT = re.compile(r"^window\.\w+ = (.*);\s*$", re.S)  # e.g. "window.POLICY_ROWS = [...];"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append((tag, values[name]))


@dataclass
class LinkReport:
    pages: set[Path] = field(default_factory=set)  # HTML pages visited
    files: set[Path] = field(default_factory=set)  # every local file a link reached
    links: int = 0
    broken: list[str] = field(default_factory=list)
    external: set[str] = field(default_factory=set)


def check_site(site: Path) -> LinkReport:
    site = site.resolve()
    report = LinkReport()
    ids: dict[Path, set[str]] = {}
    fragments: list[tuple[Path, Path, str]] = []
    queue = [site / "index.html"]
    while queue:
        page = queue.pop()
        if page in report.pages:
            continue
        report.pages.add(page)
        parser = _Page()
        parser.feed(page.read_text(encoding="utf-8"))
        ids[page] = parser.ids
        links = [url for _, url in parser.links]
        for tag, url in parser.links:
            if tag == "script" and url.split("/")[-2:-1] == ["data"]:
                links += _data_urls(page.parent / url)
        for url in links:
            report.links += 1
            target = _resolve(page, url, site, report)
            if target is None:
                continue
            path, fragment = target
            report.files.add(path)
            if not path.is_file():
                report.broken.append(f"{page.relative_to(site)}: {url} (no such file)")
                continue
            if fragment:
                fragments.append((page, path, fragment))
            if path.suffix == ".html":
                queue.append(path)
    for page, path, fragment in fragments:
        if path in ids and fragment not in ids[path]:
            report.broken.append(f"{page.relative_to(site)}: #{fragment} not in {path.relative_to(site)}")
    return report


def _resolve(page: Path, url: str, site: Path, report: LinkReport) -> tuple[Path, str] | None:
    if url.startswith("data:"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if EXTERNAL.match(url):
            report.external.add(url)
        else:
            report.broken.append(f"{page.relative_to(site)}: {url} (a link off the site)")
        return None
    address, fragment = urldefrag(url)
    path = (page.parent / unquote(address)).resolve() if address else page
    if not path.is_relative_to(site):
        report.broken.append(f"{page.relative_to(site)}: {url} (leaves the site)")
        return None
    return path, fragment


def _data_urls(path: Path) -> list[str]:
    """The url fields of a data file (they are links of the page that loads it)."""
    if not path.is_file():
        return []
    match = DATA_ASSIGNMENT.match(path.read_text(encoding="utf-8"))
    rows = json.loads(match.group(1)) if match else []
    return [row[key] for row in rows for key in ("url", "previous_url") if isinstance(row, dict) and row.get(key)]
