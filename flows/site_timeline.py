"""A policy's revisions and change events as the site shows them: the timeline of a policy's page
(every revision by effective date, every change event newest first, each change in a short line),
the neighbours of an earlier revision, the policies table's rows and the change log's rows.
"""

from __future__ import annotations

from collections import defaultdict

from flows.site_model import Summary, policy_url
from flows.site_values import status_label

WITHOUT_CHANGES = {  # what an event without a list of changes means, in the change log
    "new": "the policy's first revision in the feed",
    "older_revision": "an earlier revision arrived; the latest stays",
    "cosmetic": "no change in substance",
    "reextracted": "extracted again: no change in substance",
    "updated": "the previous revision could not be compared",
}
LINES_PER_EVENT = 6  # on a policy's timeline; the revision's own page lists all of an event's changes


class Timelines:
    """Per policy: its revisions in effective-date order (undated last, then in order of arrival) and
    its change events, newest first."""

    def __init__(self, summaries: dict[str, Summary], events: list[dict], url_of) -> None:
        self.url_of = url_of
        self.summaries = summaries
        self.events = defaultdict(list)
        for event in events:
            self.events[event["policy_key"]].append(event)
        arrived = {e["record_id"]: e for e in events if e["kind"] != "reextracted"}
        revisions = defaultdict(list)
        for s in summaries.values():
            revisions[s.policy_key].append(s)
        self.revisions = {
            key: [self._revision(s, arrived.get(s.record_id, {})) for s in sorted(
                items, key=lambda s: (s.effective is None, s.effective or "", arrived.get(s.record_id, {}).get("seq", 0)))]
            for key, items in revisions.items()
        }

    def _revision(self, s: Summary, event: dict) -> dict:
        return {"record_id": s.record_id, "url": self.url_of(s.record_id), "latest": s.latest, "payer": s.payer,
                "number": s.number, "effective": s.effective, "version": s.version, "status": s.status,
                "status_label": status_label(s.status), "codes": len(s.codes), "arrived": (event.get("at") or "")[:10]}

    def name(self, record_id: str | None) -> str | None:
        s = self.summaries.get(record_id)
        return f"{s.payer or 'unknown payer'}, effective {s.effective or '—'}" if s else None

    def for_page(self, key: str, record_id: str, *, latest: bool) -> dict:
        """The latest revision's page: every revision and every event (each other revision's changes cut
        to LINES_PER_EVENT lines). An earlier revision's page: where it stands, and its own events in full."""
        revisions = self.revisions.get(key, [])
        if latest:
            events = []
            for event in reversed(self.events.get(key, [])):
                view = self._event(event)
                if view["record_id"] != record_id and len(view["lines"]) > LINES_PER_EVENT:
                    view["more"] = len(view["lines"]) - LINES_PER_EVENT
                    view["lines"] = view["lines"][:LINES_PER_EVENT]
                events.append(view)
            return {"revisions": revisions, "events": events, "position": None}
        at = next((i for i, r in enumerate(revisions) if r["record_id"] == record_id), 0)
        own = [self._event(e) for e in reversed(self.events.get(key, [])) if e["record_id"] == record_id]
        return {"revisions": [], "events": own,
                "position": {"number": at + 1, "total": len(revisions),
                             "previous": revisions[at - 1] if at > 0 else None,
                             "next": revisions[at + 1] if at + 1 < len(revisions) else None}}

    def _event(self, event: dict) -> dict:
        previous = event.get("previous_record_id")
        return {"seq": event["seq"], "kind": event["kind"], "at": event.get("at", ""), "date": (event.get("at") or "")[:10],
                "record_id": event["record_id"], "url": self.url_of(event["record_id"]),
                "name": self.name(event["record_id"]) or event["record_id"],
                "previous_url": self.url_of(previous) if previous and previous != event["record_id"] else None,
                "previous_name": self.name(previous) if previous else None,
                "lines": event_lines(event.get("changes")), "more": 0}


def policy_rows(latest: dict, summaries: dict, timelines: Timelines) -> list[dict]:
    """The policies table: one row per policy, its latest revision, its last change event."""
    revisions = defaultdict(int)
    for s in summaries.values():
        revisions[s.policy_key] += 1
    rows = []
    for key in sorted(latest):
        s = summaries.get(latest[key])
        if s is None:
            continue
        last = (timelines.events.get(key) or [{}])[-1]
        rows.append({"key": key, "payer": s.payer or "", "number": s.number or "", "title": s.title or "",
                     "effective": s.effective or "", "status": s.status or "", "codes": len(s.codes),
                     "revisions": revisions[key], "changed": (last.get("at") or "")[:10], "change": last.get("kind") or "",
                     "url": policy_url(key)})
    return rows


def change_rows(events: list[dict], url_of) -> list[dict]:
    rows = []
    for event in reversed(events):
        lines = event_lines(event.get("changes"))
        summary = "; ".join(lines[:3]) + (f"; … {len(lines) - 3} more" if len(lines) > 3 else "")
        if not lines:
            summary = WITHOUT_CHANGES.get(event["kind"], "")
        rows.append({"seq": event["seq"], "at": (event.get("at") or "")[:16].replace("T", " "), "kind": event["kind"],
                     "key": event["policy_key"], "payer": event.get("payer") or "", "number": event.get("number") or "",
                     "title": event.get("title") or "", "summary": summary, "url": url_of(event["record_id"]),
                     "previous_url": url_of(event["previous_record_id"]) if event.get("previous_record_id") else None})
    return rows


def event_lines(changes: dict | None) -> list[str]:
    """A change event's `changes` as short lines (the timeline and the change log show them)."""
    if not changes:
        return []
    lines = []
    for name, label in (("effective_date", "effective date"), ("version", "version"), ("coverage_status", "overall status")):
        change = changes.get(name)
        if change:
            before, after = change.get("before"), change.get("after")
            if name == "coverage_status":
                before, after = status_label(before), status_label(after)
            lines.append(f"{label}: {before or '—'} → {after or '—'}")
    for s in changes.get("statements") or []:
        what = {"added": "statement added", "removed": "statement removed", "status_changed": "statement status changed",
                "reworded": "statement reworded"}.get(s.get("change"), "statement changed")
        statuses = f" ({status_label(s.get('before'))} → {status_label(s.get('after'))})" if s.get("change") in ("status_changed", "reworded") else ""
        lines.append(f"{what}{statuses}: {_short(s.get('text'))}")
    lines += [f"code added: {c.get('system')} {c.get('code')} ({status_label(c.get('status'))})" for c in changes.get("codes_added") or []]
    lines += [f"code removed: {c.get('system')} {c.get('code')} ({status_label(c.get('status'))})" for c in changes.get("codes_removed") or []]
    lines += [f"code status: {c.get('system')} {c.get('code')}: {status_label(c.get('before'))} → {status_label(c.get('after'))}"
              for c in changes.get("codes_status_changed") or []]
    lines += [f"indication added: {_short(t)}" for t in changes.get("indications_added") or []]
    lines += [f"indication removed: {_short(t)}" for t in changes.get("indications_removed") or []]
    lines += [f"reference added: {_short(r.get('text'))}" for r in changes.get("references_added") or []]
    lines += [f"reference removed: {_short(r.get('text'))}" for r in changes.get("references_removed") or []]
    lines += [f"history row added: {h.get('date') or '—'}: {_short(h.get('text'))}" for h in changes.get("history_added") or []]
    return lines


def _short(text, limit: int = 160) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
