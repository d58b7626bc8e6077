"""The policy record and its parts: the contract other teams read (see structured_output/README.md).

Every model is frozen and forbids unknown fields. Every extracted value carries `Evidence`: a char
interval into the normalized text that `policy-pipeline text FILE` prints, with the page it is on.
`SCHEMA_VERSION` follows semver: a renamed or removed field is a new major version.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

SCHEMA_NAME = "policy-record"
SCHEMA_VERSION = "1.4.0"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(str, Enum):
    """Normalized coverage status, from the most to the least restrictive."""

    experimental_investigational_unproven = "experimental_investigational_unproven"
    not_medically_necessary = "not_medically_necessary"
    not_covered = "not_covered"
    medically_necessary = "medically_necessary"
    medically_necessary_with_criteria = "medically_necessary_with_criteria"
    mixed = "mixed"


CodeSystem = Literal["CPT", "HCPCS", "ICD-10-CM", "ICD-10-PCS"]
Precision = Literal["day", "month", "year"]
# How a value was found: next to its printed label; by its place in a table, list, section or the page's
# layout; in a sentence; in a structured source's field (a CMS record, a file's own properties); derived
# from the history table; from the source manifest's hint.
Basis = Literal["label", "structure", "prose", "structured", "history", "hint"]


class Evidence(Model):
    """Where a value was read: `text == policy_text[start:end]`, printed on `page` (1-based)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int = Field(ge=1)
    text: str


class Source(Model):
    uri: str
    sha256: str
    media_type: str
    pages: int = Field(ge=0)
    bytes: int = Field(ge=0)
    ocr_pages: list[int] = Field(default_factory=list, description="1-based pages whose text came from OCR")


class Repair(Model):
    """A change the loader or an extractor made to what was printed (mojibake, OCR damage in a code)."""

    kind: Literal["mojibake", "ocr_code"]
    printed: str
    repaired: str
    evidence: Evidence


class Payer(Model):
    name: str | None = Field(description="issuing organization, canonical name")
    printed: str | None = Field(default=None, description="the mention as printed")
    developer: str | None = Field(default=None, description="who wrote the guideline when a plan adopts it (eviCore...)")
    evidence: Evidence | None = None
    developer_evidence: Evidence | None = None
    basis: Literal["document", "source_hint"] | None = Field(
        default=None,
        description="where `name` came from: the document (see `evidence`) or, when the document names no "
        "issuing plan, the payer hint of the source it was pulled from (no evidence)",
    )


class Policy(Model):
    number: str | None = None
    title: str | None = None
    version: str | None = None
    number_evidence: Evidence | None = None
    title_evidence: Evidence | None = None
    version_evidence: Evidence | None = None
    number_basis: Basis | None = Field(default=None, description="label: beside its label; structure: its place (an id line, a running header)")
    title_basis: Basis | None = Field(default=None, description="label, structure (typography, letterhead), prose (a statement's subject)")


class DateValue(Model):
    value: str = Field(description='"YYYY-MM-DD", "YYYY-MM" or "YYYY"', pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    precision: Precision
    label: str | None = Field(default=None, description="the label or source it was read under, as printed")
    basis: Basis | None = Field(default=None, description="how it was found (see `PolicyRecord.basis`)")
    evidence: Evidence


class Dates(Model):
    effective: DateValue | None = None
    original_effective: DateValue | None = None
    last_reviewed: DateValue | None = None
    last_revised: DateValue | None = None
    next_review: DateValue | None = None
    created: DateValue | None = Field(default=None, description='a "Date Created" the document prints')


class CoverageStatement(Model):
    status: Status
    text: str = Field(description="the payer's own words")
    scope: str | None = Field(default=None, description="line of business / setting as printed, or null")
    lines_of_business: list[str] = Field(default_factory=list, description="normalized: medicare, medicaid, commercial, hmo, ppo ...")
    setting: Literal["inpatient", "outpatient"] | None = None
    basis: Basis | None = Field(default=None, description="prose: a sentence; structure: a status heading over a list")
    evidence: Evidence


class Coverage(Model):
    status: Status | None = None
    statements: list[CoverageStatement] = Field(default_factory=list)


class Code(Model):
    code: str = Field(description="normalized code or range (no spaces, '-' as the range dash)")
    system: CodeSystem
    status: Status | None = None
    status_source: Literal["heading", "statement", "policy", "marker"] | None = Field(
        default=None,
        description="heading: a status heading above the code in its table; statement: the sentence that names the code; "
        "policy: the policy's single overall status; marker: a status marker beside the code that the policy's legend "
        "spells out (\"81277 (E/I)\" with \"(E/I)=Experimental/Investigational\")",
    )
    description: str | None = None
    printed: str = Field(description="the code as printed (OCR-damaged forms stay here)")
    flags: list[Literal["ocr_repaired", "unknown_code", "range", "deleted"]] = Field(default_factory=list)
    basis: Basis | None = Field(default=None, description="structure: a code table; prose: a sentence naming the code")
    evidence: Evidence
    description_evidence: Evidence | None = None
    status_evidence: Evidence | None = None
    valid: bool | None = Field(
        default=None,
        description="true: in its code set (both ends of a range); false: not in it, or deleted; null: no code set "
        "applies (CPT is licensed: only its grammar is checked)",
    )
    code_set: str | None = Field(default=None, description='the code set release checked, e.g. "HCPCS 2025-10", "ICD-10-PCS FY2024"')


class Indication(Model):
    text: str
    status: Status | None = None
    kind: Literal["list_item", "condition"] = "list_item"
    basis: Basis | None = Field(default=None, description="structure: an item of a list or table; prose: named in a statement")
    evidence: Evidence
    statement_evidence: Evidence | None = Field(default=None, description="the statement that governs it")


class Reference(Model):
    text: str = Field(description="as printed, numbering removed")
    authors: list[str] = Field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    evidence: Evidence


class HistoryEntry(Model):
    date: str | None = Field(description='start date "YYYY-MM-DD" | "YYYY-MM" | "YYYY"')
    precision: Precision | None = None
    printed_date: str | None = None
    text: str
    evidence: Evidence


ReviewCode = Literal[
    "no_effective_date", "no_payer", "payer_from_hint", "no_policy_number", "conflicting_statuses",
    "invalid_code", "deleted_code", "ocr_repaired_code", "effective_after_next_review", "effective_far_future",
    "empty_indications", "ocr_pages",
]


class ReviewReason(Model):
    """Why a person should look at a record before trusting one of its values (extractors/review.py)."""

    field: str = Field(description='dotted path of the value concerned, e.g. "dates.effective", "codes[3]"')
    reason: ReviewCode
    message: str = Field(description="one short sentence")
    severity: int = Field(ge=1, le=3, description="3: a key value is missing or contradicts itself; 2: a value is doubtful; 1: worth a look")
    evidence: Evidence | None = None


class Correction(Model):
    """A reviewer's correction (corrections/<policy_key>.yaml in the feed), applied by `ingest`."""

    field: str = Field(description='dotted path of the corrected value, e.g. "dates.effective", "policy.number"')
    value: JsonValue = Field(description="the corrected value as the reviewer wrote it (a date field takes a date string)")
    extracted: JsonValue = Field(description="what the extractor had there, as it was in the record (null: nothing)")
    reason: str
    who: str
    when: str
    record_id: str = Field(description="the record the correction was made against")


class Extractor(Model):
    name: str = "policy-pipeline"
    version: str


class PolicyRecord(Model):
    schema_name: Literal["policy-record"] = SCHEMA_NAME
    schema_version: str = SCHEMA_VERSION
    record_id: str = Field(description="stable: the same bytes give the same id on every run")
    extractor: Extractor
    source: Source
    payer: Payer
    policy: Policy
    dates: Dates
    coverage: Coverage
    codes: list[Code] = Field(default_factory=list)
    indications: list[Indication] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="what the extractor could not settle")
    basis: dict[str, Basis] = Field(
        default_factory=dict,
        description='how each scalar value was found, by dotted path: "payer.name", "policy.number", "policy.title", '
        '"dates.<field>", "coverage.status" (label, structure, prose, structured, history, hint)',
    )
    review: list[ReviewReason] = Field(default_factory=list, description="why a person should check this record, most severe first")
    needs_review: bool = Field(default=False, description="true when `review` is not empty")
    corrections: list[Correction] = Field(
        default_factory=list, description="reviewer corrections applied to this record; each keeps the extracted value"
    )
