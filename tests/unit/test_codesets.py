"""Code sets: HCPCS Level II and ICD-10-PCS with valid, invalid and deleted codes; CPT by grammar only;
ranges checked at both ends; the shipped HCPCS table and the script that rebuilds it."""

from __future__ import annotations

import zipfile

import pytest

from extractors.codesets import hcpcs, validate, validate_range
from scripts import build_hcpcs


@pytest.mark.parametrize(
    "code, valid, status",
    [
        pytest.param("G0428", True, "valid", id="valid"),
        pytest.param("M0076", True, "valid", id="valid-prolotherapy"),
        pytest.param("C2614", True, "valid", id="valid-c-code"),
        pytest.param("A4466", False, "deleted", id="deleted-2016"),
        pytest.param("A7042", False, "deleted", id="deleted-2014"),
        pytest.param("Z9999", False, "invalid", id="invalid-letter"),
        pytest.param("V9999", False, "invalid", id="invalid-unassigned"),
    ],
)
def test_hcpcs(code, valid, status):
    check = validate(code, "HCPCS")
    assert (check.valid, check.status) == (valid, status)
    assert check.release == hcpcs.table()[0] and check.release.startswith("HCPCS 20")


def test_a_deleted_hcpcs_code_carries_its_termination_date():
    assert validate("A4466", "HCPCS").terminated == "2016-12-31"
    assert validate("G0428", "HCPCS").terminated is None


@pytest.mark.parametrize(
    "code, valid, status, release",
    [
        pytest.param("0R533ZZ", True, "valid", "ICD-10-PCS FY2024", id="valid"),
        pytest.param("8E023DZ", True, "valid", "ICD-10-PCS FY2024", id="valid-other-section"),
        pytest.param("00503Z4", True, "valid", "ICD-10-PCS FY2025", id="valid-added-fy2025"),
        pytest.param("0SG604Z", False, "deleted", "ICD-10-PCS FY2025", id="deleted-fy2025"),
        pytest.param("0R5ZZZZ", False, "invalid", "ICD-10-PCS FY2024", id="invalid"),
        pytest.param("0r533zz", True, "valid", "ICD-10-PCS FY2024", id="lower-case"),
    ],
)
def test_icd10_pcs(code, valid, status, release):
    check = validate(code, "ICD-10-PCS")
    assert (check.valid, check.status, check.release) == (valid, status, release)


@pytest.mark.parametrize(
    "code, valid, status",
    [
        pytest.param("20550", None, "grammar_only", id="category-i"),
        pytest.param("0232T", None, "grammar_only", id="category-iii"),
        pytest.param("3044F", None, "grammar_only", id="category-ii"),
        pytest.param("0001U", None, "grammar_only", id="pla"),
        pytest.param("2055", False, "invalid", id="four-digits"),
    ],
)
def test_cpt_is_checked_by_grammar_only(code, valid, status):
    check = validate(code, "CPT")
    assert (check.valid, check.status, check.release) == (valid, status, None)


@pytest.mark.parametrize(
    "code_range, system, valid, status",
    [
        pytest.param("81105-81112", "CPT", None, "grammar_only", id="cpt-range"),
        pytest.param("0R533ZZ-0R5B3ZZ", "ICD-10-PCS", True, "valid", id="pcs-range"),
        pytest.param("0R533ZZ-0R5ZZZZ", "ICD-10-PCS", False, "invalid", id="pcs-range-bad-last"),
        pytest.param("A4466-A4470", "HCPCS", False, "deleted", id="hcpcs-range-deleted-first"),
        pytest.param("G0428", "HCPCS", True, "valid", id="single-code"),
    ],
)
def test_ranges_are_checked_at_both_ends(code_range, system, valid, status):
    check = validate_range(code_range, system)
    assert (check.valid, check.status) == (valid, status)


def test_icd10_cm_goes_through_simple_icd_10_cm():
    assert validate("M54.50", "ICD-10-CM").valid is True
    assert validate("M54.99", "ICD-10-CM").valid is False
    assert validate("M54.50", "ICD-10-CM").release.startswith("ICD-10-CM")


# ---------------------------------------------------------------- scripts/build_hcpcs.py


def _record(code: str, ric: str = "3", added: str = "20200101", terminated: str = "") -> str:
    """One 320-character record of CMS's fixed-width layout (only the columns the script reads)."""
    line = list(" " * 320)
    line[0:5], line[5:10], line[10] = code, "00100", ric
    line[11:30] = "A long description "
    line[268:276], line[284:292], line[292] = added, terminated.ljust(8), "N"
    return "".join(line)


def test_build_hcpcs_reads_the_cms_file_and_marks_deletions(tmp_path):
    old = tmp_path / "HCPC2024_JAN_ANWEB.txt"
    old.write_text("\r\n".join(["disclaimer text", _record("A0001"), _record("A0002"), _record("A0003", terminated="20221231"),
                                _record("A0004")]) + "\r\n", encoding="cp1252")
    new = tmp_path / "january-2026-alpha-numeric-hcpcs-file.zip"
    with zipfile.ZipFile(new, "w") as archive:
        archive.writestr("HCPC2026_JAN_ANWEB_01122026.txt", "\r\n".join([
            _record("A0001"), _record("A0001", ric="4"), _record("A0002", terminated="20251231"), _record("A0003"),
            _record("   A1", ric="7"), _record("A0005", terminated="20261231"),
        ]))
        archive.writestr("HCPC2026_recordlayout.txt", "layout")
    release, sources, codes = build_hcpcs.build([old, new])
    assert release == "2026-01" and len(sources) == 2
    assert codes == {
        "A0001": ("valid", ""),
        "A0002": ("deleted", "2025-12-31"),  # terminated in the newest file
        "A0003": ("deleted", "2022-12-31"),  # an older file printed its termination
        "A0004": ("deleted", ""),  # gone from the newest file
        "A0005": ("valid", "2026-12-31"),  # terminated only after the release starts
    }
    out = tmp_path / "hcpcs.tsv"
    build_hcpcs.write(out, release, sources, codes)
    assert out.read_text().splitlines()[0] == "# release: HCPCS 2026-01"
    assert "A0002\tdeleted\t2025-12-31" in out.read_text().splitlines()


def test_the_shipped_table_names_its_release_and_sources():
    head = [line for line in hcpcs.DATA.read_text().splitlines() if line.startswith("#")]
    assert head[0].startswith("# release: HCPCS ") and any("sha256" in line for line in head)
