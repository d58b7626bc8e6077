"""Source manifest: which web pages and documents a scheduled run pulls, read from YAML or TOML.

A manifest names sources; each is either a list of document URLs or an index page whose links are
filtered by a regular expression. `load_manifest` validates the file and raises `InputError` with one
line naming the file and the problem. `links_from_index` turns an index page into document URLs.
The format is documented in docs/sources.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from extractors.errors import InputError
from extractors.loading.text import decode

__all__ = ["Defaults", "Manifest", "Source", "links_from_index", "load_manifest", "parse_manifest"]

DEFAULT_RATE_LIMIT = 2.0  # requests per second per host: polite unless a source says otherwise
DEFAULT_TIMEOUT = 30.0  # seconds to connect, and between two reads of the body
DEFAULT_MAX_MB = 64.0  # the same default as `policy-pipeline extract --max-mb`


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, kept exactly as written (no normalization)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an absolute http(s) URL")
    return url


Url = Annotated[str, AfterValidator(check_url)]


class Defaults(BaseModel):
    """Settings every source inherits unless it sets its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_limit: float = Field(DEFAULT_RATE_LIMIT, gt=0)
    timeout: float = Field(DEFAULT_TIMEOUT, gt=0)
    max_mb: float = Field(DEFAULT_MAX_MB, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)


class Source(BaseModel):
    """One named source: `urls`, or `index` + `link_pattern` (a regex searched in each absolute link)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    urls: tuple[Url, ...] | None = None
    index: Url | None = None
    link_pattern: str | None = None
    payer: str | None = None
    rate_limit: float | None = Field(None, gt=0)
    timeout: float | None = Field(None, gt=0)
    max_mb: float | None = Field(None, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)
    allow_private: bool = False  # links and redirects may lead to loopback / private addresses (intranets, tests)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("a source name cannot be blank")
        return name.strip()

    @field_validator("urls")
    @classmethod
    def _urls(cls, urls: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if urls is not None and not urls:
            raise ValueError("the list is empty")
        return urls

    @field_validator("link_pattern")
    @classmethod
    def _pattern(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a valid regular expression ({error})") from None
        return pattern

    @model_validator(mode="after")
    def _one_kind(self) -> "Source":
        if (self.urls is None) == (self.index is None):
            raise ValueError("give either `urls` or `index`, not both and not neither")
        if self.index is not None and not self.link_pattern:
            raise ValueError("`index` needs a `link_pattern` (a regular expression, e.g. '/medical-policies/.*\\.pdf$')")
        if self.urls is not None and self.link_pattern is not None:
            raise ValueError("`link_pattern` only applies to an `index` source")
        return self


class Manifest(BaseModel):
    """A validated manifest; `settings(source)` gives a source's effective limits and headers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    defaults: Defaults = Field(default_factory=Defaults)
    sources: tuple[Source, ...]

    @model_validator(mode="after")
    def _unique_names(self) -> "Manifest":
        if not self.sources:
            raise ValueError("`sources` is empty: name at least one source")
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}")
            seen.add(source.name)
        return self

    def rate_limit(self, source: Source) -> float:
        return source.rate_limit or self.defaults.rate_limit

    def timeout(self, source: Source) -> float:
        return source.timeout or self.defaults.timeout

    def max_mb(self, source: Source) -> float:
        return source.max_mb or self.defaults.max_mb

    def headers(self, source: Source) -> dict[str, str]:
        return {**self.defaults.headers, **source.headers}


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest (.yaml, .yml or .toml). Raises `InputError` with one line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise InputError(f"{path}: a source manifest must be a .yaml, .yml or .toml file")
    return parse_manifest(raw.decode("utf-8", errors="replace"), name=str(path), toml=suffix == ".toml")


def parse_manifest(text: str, *, name: str = "manifest", toml: bool = False) -> Manifest:
    """Manifest text -> `Manifest`; `name` prefixes every error."""
    try:
        data = tomllib.loads(text) if toml else yaml.safe_load(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{name}: not valid TOML ({error})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(f"{name}: not valid YAML ({where}{getattr(error, 'problem', None) or error})") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: expected a mapping with a `sources` list at the top")
    try:
        return Manifest.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{name}: {_describe(error, data)}") from None


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    """The first problems of a validation error as one line, e.g. "sources[1] (uhc).rate_limit: ..."."""
    problems = []
    for item in error.errors()[:3]:
        where = _where(item["loc"], data)
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "required field is missing"
        elif item["type"] == "tuple_type":
            message = "should be a list"
        problems.append(f"{where}: {message}" if where else message)
    extra = error.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {extra} more problem(s)" if extra > 0 else "")


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            if text == f"sources[{part}]":
                name = _source_name(data, part)
                text += f" ({name})" if name else ""
        else:
            text += f".{part}" if text else str(part)
    return text


def _source_name(data: dict[str, Any], index: int) -> str | None:
    sources = data.get("sources")
    if isinstance(sources, list) and index < len(sources) and isinstance(sources[index], dict):
        name = sources[index].get("name")
        return str(name).strip() or None if name else None
    return None


SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")


def links_from_index(html: str | bytes, *, page_url: str, pattern: str) -> list[str]:
    """Absolute http(s) links of an index page that match `pattern` (re.search), in page order, unique.

    Links resolve against `<base href>` if the page has one, else against `page_url` (the final URL
    after redirects); fragments are dropped, so `a.pdf#page=2` and `a.pdf` are one document.
    """
    tree = HTMLParser(html if isinstance(html, str) else decode(html))
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None and (base_node.attributes.get("href") or "").strip():
        base = urljoin(page_url, (base_node.attributes.get("href") or "").strip())
    wanted = re.compile(pattern)
    links: list[str] = []
    seen: set[str] = set()
    for node in tree.css("a[href], area[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            continue
        if url not in seen and wanted.search(url):
            seen.add(url)
            links.append(url)
    return links
