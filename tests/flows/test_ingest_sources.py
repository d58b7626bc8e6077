"""`ingest --sources`: web sources pulled from a local HTTP site (127.0.0.1 only), then extracted exactly
as a folder would be; download outcomes are counted apart and failed downloads are quarantined."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.local_site import SEEDS, start_site, stop_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    httpd = start_site(tmp_path_factory.mktemp("pdfs"))
    yield httpd
    stop_site(httpd)


def manifest(tmp_path: Path, base: str) -> Path:
    seeds = ", ".join(f"{base}/seeds/{p.name}" for p in SEEDS)
    path = tmp_path / "sources.yaml"
    path.write_text(
        "defaults:\n  rate_limit: 500\n  timeout: 5\n"
        f"sources:\n  - name: seeds\n    urls: [{seeds}]\n"
        f"  - name: broken\n    urls: [{base}/missing.pdf, {base}/fake.pdf]\n",
        encoding="utf-8",
    )
    return path


def test_sources_are_pulled_then_ingested_and_a_second_run_is_all_not_modified(prefect_harness, site, tmp_path, feed_files):
    from flows.ingest import ingest_flow

    out, sources = tmp_path / "out", manifest(tmp_path, site.base)
    site.site.reset()
    first = ingest_flow(sources=str(sources), out=str(out))
    assert first["downloads"] == {"fetched": len(SEEDS), "not_modified": 0, "failed": 2}
    assert (first["new"], first["failed"]) == (len(SEEDS), 0)
    quarantine = {e["uri"]: e for e in json.loads((out / "quarantine.json").read_text())["entries"]}
    assert set(quarantine) == {f"{site.base}/missing.pdf", f"{site.base}/fake.pdf"}
    assert {e["kind"] for e in quarantine.values()} == {"download"}
    assert "expected a PDF but the server sent an HTML page" in quarantine[f"{site.base}/fake.pdf"]["error"]
    index = json.loads((out / "index.json").read_text())
    assert all(entry["source_uri"].startswith(f"{site.base}/seeds/") for entry in index["policies"])

    before = feed_files(out)
    site.site.reset()
    second = ingest_flow(sources=str(sources), out=str(out))
    assert second["downloads"] == {"fetched": 0, "not_modified": len(SEEDS), "failed": 2}
    assert (second["unchanged"], second["new"], second["updated"]) == (len(SEEDS), 0, 0)
    seed_requests = [r for r in site.site.log if r["path"].startswith("/seeds/")]
    assert seed_requests and all(r["status"] == 304 and (r["if_none_match"] or r["if_modified_since"]) for r in seed_requests)
    assert {k: v for k, v in feed_files(out).items() if k != "fetch_state.json"} == {
        k: v for k, v in before.items() if k != "fetch_state.json"
    }


def test_cli_ingest_sources_reports_downloads_and_exits_1_on_failed_downloads(prefect_harness, site, tmp_path):
    out, sources = tmp_path / "out", manifest(tmp_path, site.base)
    done = subprocess.run(
        [sys.executable, "-c", "from flows.cli import main; main()", "ingest", "--sources", str(sources), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PREFECT_API_URL": prefect_harness},
    )
    assert done.returncode == 1, done.stderr
    assert f"downloads: {len(SEEDS)} fetched, 0 not modified, 2 failed" in done.stdout
    assert done.stderr.count("policy-pipeline: failed:") == 2 and "Traceback" not in done.stderr


def test_cli_rejects_a_bad_manifest_before_prefect_starts(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n    rate_limit: -1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from flows.cli import main; main()", "ingest", "--sources", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "bad.yaml" in done.stderr
