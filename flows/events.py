"""The feed's own models besides the record: index entries, typed change events, quarantine entries
and the run summary. Consumers read them as JSON (schemas in structured_output/schema/).

`FEED_SCHEMA_VERSION` follows semver like the record's: a renamed or removed field is a new major.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractors.models import CodeSystem, Status

FEED_SCHEMA_VERSION = "1.1.0"

EventKind = Literal["new", "updated", "cosmetic", "older_revision", "reextracted", "corrected"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndexEntry(Model):
    """The latest revision of one policy (latest = latest effective date; ties go to the later ingested)."""

    policy_key: str = Field(description="normalized policy number, else '<payer>/<title>' slugs, else '<payer>/doc-<hash of uri>'")
    payer: str | None
    number: str | None
    title: str | None
    version: str | None
    effective: str | None = Field(description='effective date of the latest revision: "YYYY-MM-DD" | "YYYY-MM" | "YYYY"')
    coverage_status: Status | None
    record_id: str
    record_path: str = Field(description="path of the latest revision's record, relative to the feed folder")
    source_uri: str
    sha256: str
    revisions: int = Field(ge=1, description="how many revisions of this policy the feed holds")
    last_seq: int = Field(ge=1, description="seq of the last change event about this policy")


class PolicyIndex(Model):
    """index.json: every policy's latest revision, consistent with changes.jsonl up to `last_seq`."""

    schema_name: Literal["policy-index"] = "policy-index"
    schema_version: str = FEED_SCHEMA_VERSION
    last_seq: int = Field(ge=0, description="the change log's seq this index reflects; resume changes.jsonl after it")
    policies: list[IndexEntry] = Field(default_factory=list)


class ValueChange(Model):
    before: str | None
    after: str | None


class StatementChange(Model):
    """A coverage statement that appeared, disappeared, changed status, or was reworded (similar text)."""

    change: Literal["added", "removed", "status_changed", "reworded"]
    text: str = Field(description="the statement in the payer's words (the new revision's, when both exist)")
    previous_text: str | None = Field(default=None, description="the earlier wording, for reworded statements")
    before: Status | None = None
    after: Status | None = None


class CodeItem(Model):
    code: str
    system: CodeSystem
    status: Status | None = None


class CodeStatusChange(Model):
    code: str
    system: CodeSystem
    before: Status | None
    after: Status | None


class ReferenceItem(Model):
    text: str
    doi: str | None = None
    pmid: str | None = None


class HistoryItem(Model):
    date: str | None
    text: str


class RecordChanges(Model):
    """What differs in substance between two revisions. Whitespace, punctuation, letter case, evidence
    offsets and fields outside this list never count."""

    effective_date: ValueChange | None = None
    version: ValueChange | None = None
    coverage_status: ValueChange | None = None
    statements: list[StatementChange] = Field(default_factory=list)
    codes_added: list[CodeItem] = Field(default_factory=list)
    codes_removed: list[CodeItem] = Field(default_factory=list)
    codes_status_changed: list[CodeStatusChange] = Field(default_factory=list)
    indications_added: list[str] = Field(default_factory=list)
    indications_removed: list[str] = Field(default_factory=list)
    references_added: list[ReferenceItem] = Field(default_factory=list)
    references_removed: list[ReferenceItem] = Field(default_factory=list)
    history_added: list[HistoryItem] = Field(default_factory=list)

    @property
    def substantive(self) -> bool:
        return any(getattr(self, name) for name in type(self).model_fields)

    @property
    def status_changed(self) -> bool:
        return (
            self.coverage_status is not None
            or any(s.change in ("status_changed", "reworded") and s.before != s.after for s in self.statements)
            or bool(self.codes_status_changed)
        )


class ChangeEvent(Model):
    """One line of changes.jsonl. `seq` starts at 1 and grows by one per event, with no gaps."""

    seq: int = Field(ge=1)
    kind: EventKind = Field(
        description=(
            "new: first revision of a policy; updated: a later revision that differs in substance; "
            "cosmetic: a later revision with the same substance (whitespace, boilerplate); "
            "older_revision: a revision older than the index's latest (kept, index unchanged); "
            "reextracted: the same bytes gave a different record (a new extractor version); "
            "corrected: a reviewer's correction (corrections/<policy_key>.yaml) was applied to the record, changed or withdrawn"
        )
    )
    policy_key: str
    payer: str | None
    number: str | None
    title: str | None
    record_id: str
    record_path: str
    previous_record_id: str | None = None
    previous_record_path: str | None = None
    source_uri: str
    sha256: str
    changes: RecordChanges | None = Field(default=None, description="set for updated, cosmetic, reextracted and corrected")
    run_id: str
    at: str = Field(description="UTC time the event was written, ISO 8601")


class QuarantineEntry(Model):
    """A document that could not become a record. A later successful run of the same uri removes it."""

    uri: str
    sha256: str | None = Field(description="hash of the bytes, when they could be read")
    error: str = Field(description="one line")
    kind: str = Field(description="PolicyError subclass name (InputError, LimitExceeded ...) or 'internal'")
    source_name: str | None = None


class QuarantineFile(Model):
    schema_name: Literal["policy-quarantine"] = "policy-quarantine"
    schema_version: str = FEED_SCHEMA_VERSION
    entries: list[QuarantineEntry] = Field(default_factory=list)


class CorrectionNote(Model):
    """What a run did with one reviewer correction (flows/corrections.py)."""

    file: str = Field(description='the corrections file, relative to the feed, e.g. "corrections/cpg-123.yaml"')
    line: int = Field(ge=1)
    policy_key: str
    field: str
    record_id: str = Field(description="the record the correction names")
    status: Literal["applied", "not_needed", "stale", "unknown_record", "cannot_apply"] = Field(
        description="applied; not_needed: the extracted value already agrees; stale: made against a revision that is no "
        "longer the policy's latest (applied to that revision only); unknown_record: the feed has no such record of "
        "this policy; cannot_apply: the value does not fit the field"
    )
    message: str


class RunSummary(Model):
    """What one ingestion run did, per document: new (a record the feed lacked, from a new uri),
    updated (a uri whose bytes changed, or the same bytes re-extracted differently), unchanged,
    duplicate (bytes the feed already holds under another uri), failed (quarantined)."""

    run_id: str
    out: str
    started_at: str
    finished_at: str
    seconds: float
    discovered: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    events: dict[str, int] = Field(default_factory=dict, description="change events written, by kind")
    failures: list[QuarantineEntry] = Field(default_factory=list, description="the first 100 failures of this run")
    downloads: dict[str, int] | None = Field(
        default=None, description="web sources only: documents fetched / not_modified / failed to download (failed ones are quarantined, kind 'download')"
    )
    last_seq: int = 0
    corrections: dict[str, int] = Field(default_factory=dict, description="reviewer corrections by status (see CorrectionNote)")
    correction_notes: list[CorrectionNote] = Field(
        default_factory=list, description="every correction that was not simply applied: not needed, stale, unknown record, cannot apply"
    )
