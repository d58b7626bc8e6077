"""The source manifest (YAML / TOML) and index-page link discovery. Pure library tests: no network, no Prefect."""

from __future__ import annotations

import pytest

from extractors.errors import InputError
from flows.sources import DEFAULT_MAX_MB, DEFAULT_RATE_LIMIT, links_from_index, load_manifest, parse_manifest

YAML = """\
defaults:
  rate_limit: 1
  timeout: 20
  headers: {User-Agent: "policy-bot/1.0", Accept-Language: en}
sources:
  - name: uhc-commercial
    payer: UnitedHealthcare
    index: https://www.example.com/policies/index.html
    link_pattern: '/medical-policies/.*\\.pdf$'
    rate_limit: 0.5
    headers: {Accept-Language: en-US}
  - name: anthem
    urls:
      - https://anthem.example.com/a.pdf
      - " https://anthem.example.com/b.pdf "
    max_mb: 10
"""

TOML = """\
[defaults]
rate_limit = 1
timeout = 20
headers = { "User-Agent" = "policy-bot/1.0", "Accept-Language" = "en" }

[[sources]]
name = "uhc-commercial"
payer = "UnitedHealthcare"
index = "https://www.example.com/policies/index.html"
link_pattern = '/medical-policies/.*\\.pdf$'
rate_limit = 0.5
headers = { "Accept-Language" = "en-US" }

[[sources]]
name = "anthem"
urls = ["https://anthem.example.com/a.pdf", " https://anthem.example.com/b.pdf "]
max_mb = 10
"""


@pytest.mark.parametrize("suffix, text", [pytest.param(".yaml", YAML, id="yaml"), pytest.param(".toml", TOML, id="toml")])
def test_yaml_and_toml_give_the_same_manifest(tmp_path, suffix, text):
    path = tmp_path / f"sources{suffix}"
    path.write_text(text, encoding="utf-8")
    manifest = load_manifest(path)
    uhc, anthem = manifest.sources
    assert (uhc.name, uhc.payer, uhc.urls) == ("uhc-commercial", "UnitedHealthcare", None)
    assert uhc.link_pattern == r"/medical-policies/.*\.pdf$"
    assert anthem.urls == ("https://anthem.example.com/a.pdf", "https://anthem.example.com/b.pdf")
    assert manifest.rate_limit(uhc) == 0.5 and manifest.rate_limit(anthem) == 1
    assert manifest.timeout(uhc) == 20 and manifest.max_mb(anthem) == 10 and manifest.max_mb(uhc) == DEFAULT_MAX_MB
    assert manifest.headers(uhc) == {"User-Agent": "policy-bot/1.0", "Accept-Language": "en-US"}
    assert manifest.headers(anthem) == {"User-Agent": "policy-bot/1.0", "Accept-Language": "en"}


def test_defaults_are_optional():
    manifest = parse_manifest("sources:\n  - {name: one, urls: ['http://h/a.pdf']}\n")
    assert manifest.rate_limit(manifest.sources[0]) == DEFAULT_RATE_LIMIT


@pytest.mark.parametrize(
    "text, error",
    [
        pytest.param("sources: []", "m.yaml: `sources` is empty: name at least one source", id="no-sources"),
        pytest.param("- a\n- b", "m.yaml: expected a mapping with a `sources` list at the top", id="top-level-list"),
        pytest.param("sources: 3", "m.yaml: sources: should be a list", id="sources-not-a-list"),
        pytest.param("sources:\n - {urls: ['http://h/a']}", "m.yaml: sources[0].name: required field is missing", id="no-name"),
        pytest.param("sources:\n - {name: a}", "m.yaml: sources[0] (a): give either `urls` or `index`, not both and not neither", id="neither"),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a'], index: 'http://h/', link_pattern: x}",
            "m.yaml: sources[0] (a): give either `urls` or `index`, not both and not neither", id="both",
        ),
        pytest.param(
            "sources:\n - {name: a, index: 'http://h/'}",
            "m.yaml: sources[0] (a): `index` needs a `link_pattern` (a regular expression, e.g. '/medical-policies/.*\\.pdf$')",
            id="index-without-pattern",
        ),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a'], link_pattern: x}",
            "m.yaml: sources[0] (a): `link_pattern` only applies to an `index` source", id="pattern-without-index",
        ),
        pytest.param("sources:\n - {name: a, urls: []}", "m.yaml: sources[0] (a).urls: the list is empty", id="empty-urls"),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a', 'ftp://h/b']}",
            "m.yaml: sources[0] (a).urls[1]: 'ftp://h/b' is not an absolute http(s) URL", id="ftp-url",
        ),
        pytest.param(
            "sources:\n - {name: a, urls: ['/relative/a.pdf']}",
            "m.yaml: sources[0] (a).urls[0]: '/relative/a.pdf' is not an absolute http(s) URL", id="relative-url",
        ),
        pytest.param(
            "sources:\n - {name: a, index: 'http://h/', link_pattern: '(unclosed'}",
            "m.yaml: sources[0] (a).link_pattern: '(unclosed' is not a valid regular expression "
            "(missing ), unterminated subpattern at position 0)",
            id="bad-regex",
        ),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a'], rate_limit: 0}",
            "m.yaml: sources[0] (a).rate_limit: Input should be greater than 0", id="zero-rate",
        ),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a'], link_patern: x}",
            "m.yaml: sources[0] (a).link_patern: unknown field", id="typo-field",
        ),
        pytest.param(
            "sources:\n - {name: a, urls: ['http://h/a']}\n - {name: a, urls: ['http://h/b']}",
            "m.yaml: two sources are named 'a'", id="duplicate-names",
        ),
        pytest.param(
            "defaults: {timeout: -1}\nsources:\n - {name: a, urls: ['http://h/a']}",
            "m.yaml: defaults.timeout: Input should be greater than 0", id="bad-default",
        ),
        pytest.param("sources: [", "m.yaml: not valid YAML (line 1, column 11: expected the node content, but found '<stream end>')", id="bad-yaml"),
    ],
)
def test_bad_manifests_get_one_clear_line(text, error):
    with pytest.raises(InputError) as raised:
        parse_manifest(text, name="m.yaml")
    assert str(raised.value) == error
    assert "\n" not in str(raised.value)


def test_bad_toml_names_the_file(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]\nname = 'a'\n")
    with pytest.raises(InputError, match=r"sources\.toml: not valid TOML \("):
        load_manifest(path)


@pytest.mark.parametrize(
    "name, error",
    [
        pytest.param("missing.yaml", "missing.yaml: no such file", id="missing"),
        pytest.param("sources.json", "sources.json: a source manifest must be a .yaml, .yml or .toml file", id="wrong-suffix"),
    ],
)
def test_manifest_file_problems(tmp_path, name, error):
    if name.endswith(".json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(InputError) as raised:
        load_manifest(tmp_path / name)
    assert str(raised.value) == f"{tmp_path / error}"


PAGE = "http://h.test/policies/index.html"
PDF = r"\.pdf$"


@pytest.mark.parametrize(
    "html, pattern, links",
    [
        pytest.param('<a href="a.pdf">A</a><a href="/b.pdf">B</a>', PDF, ["http://h.test/policies/a.pdf", "http://h.test/b.pdf"], id="relative-and-rooted"),
        pytest.param('<a href="a.pdf#page=3">A</a><a href="a.pdf">again</a>', PDF, ["http://h.test/policies/a.pdf"], id="fragment-duplicate"),
        pytest.param('<base href="https://cdn.test/docs/"><a href="a.pdf">A</a>', PDF, ["https://cdn.test/docs/a.pdf"], id="base-href"),
        pytest.param(
            '<a href="mailto:x@h.test">m</a><a href="javascript:open(\'a.pdf\')">j</a><a href="ftp://h.test/a.pdf">f</a><a href="#top">t</a>',
            PDF, [], id="non-http-skipped",
        ),
        pytest.param('<a href="a.pdf?v=2&amp;lang=en">A</a>', r"\.pdf\?", ["http://h.test/policies/a.pdf?v=2&lang=en"], id="entity-in-href"),
        pytest.param('<map><area href="c.pdf"></map><a>no href</a>', PDF, ["http://h.test/policies/c.pdf"], id="area-tag"),
        pytest.param(
            '<a href="/medical-policies/x.pdf">x</a><a href="/other/y.pdf">y</a><a href="/medical-policies/z.html">z</a>',
            r"/medical-policies/.*\.pdf$", ["http://h.test/medical-policies/x.pdf"], id="pattern-filters",
        ),
        pytest.param('<a href=" b.PDF ">B</a><a href="a.pdf">A</a>', r"(?i)\.pdf$", ["http://h.test/policies/b.PDF", "http://h.test/policies/a.pdf"], id="page-order-and-flags"),
        pytest.param("<p>unclosed <a href='a.pdf'>A<div><a href=b.pdf>B", PDF, ["http://h.test/policies/a.pdf", "http://h.test/policies/b.pdf"], id="broken-markup"),
    ],
)
def test_links_from_index(html, pattern, links):
    assert links_from_index(html, page_url=PAGE, pattern=pattern) == links


def test_links_from_index_reads_bytes():
    html = '<html><body><a href="caf\u00e9.pdf">x</a></body></html>'.encode("utf-8")
    assert links_from_index(html, page_url=PAGE, pattern=PDF) == ["http://h.test/policies/caf\u00e9.pdf"]
