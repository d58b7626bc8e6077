"""What the CLI shows while and after flows run: a rich progress bar fed by `engine.progress_listener`
events, and change events as readable lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flows.events import ChangeEvent


@contextmanager
def progress_bar(*, enabled: bool) -> Iterator:
    """A listener for `engine.progress_listener` that draws a bar on stderr (a no-op when disabled).
    The total grows as documents are discovered, so discovery can stream."""
    if not enabled:
        yield lambda kind, info: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[failed]} failed"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting Prefect", total=None, failed=0)
        failed = 0
        started = False

        def listener(kind: str, info: dict) -> None:
            nonlocal failed, started
            if not started:  # the flow runs: time from here, not from the server's start
                started = True
                bar.reset(task, description="ingesting", total=0, failed=0)
            if kind == "discovered":
                bar.update(task, total=(bar.tasks[0].total or 0) + 1)
            elif kind == "done":
                failed += info.get("category") == "failed"
                bar.update(task, advance=1, failed=failed)

        yield listener


def describe_event(event: ChangeEvent) -> list[str]:
    """A change event in a few lines: what happened to which policy, then each change."""
    head = f"{event.kind} {event.policy_key} (seq {event.seq}): {event.record_path}"
    if event.previous_record_id and event.previous_record_id != event.record_id:
        head += f" (previous: {event.previous_record_path})"
    lines = [head]
    changes = event.changes
    if changes is None:
        return lines
    for name in ("effective_date", "version", "coverage_status"):
        value = getattr(changes, name)
        if value is not None:
            lines.append(f"  {name.replace('_', ' ')}: {value.before} -> {value.after}")
    for statement in changes.statements:
        lines.append(f"  statement {statement.change}: {statement.before} -> {statement.after}: {statement.text[:100]}")
    lines += [f"  code added: {c.system} {c.code} ({c.status})" for c in changes.codes_added]
    lines += [f"  code removed: {c.system} {c.code} ({c.status})" for c in changes.codes_removed]
    lines += [f"  code status: {c.system} {c.code}: {c.before} -> {c.after}" for c in changes.codes_status_changed]
    lines += [f"  indication added: {t}" for t in changes.indications_added]
    lines += [f"  indication removed: {t}" for t in changes.indications_removed]
    lines += [f"  reference added: {r.text}" for r in changes.references_added]
    lines += [f"  reference removed: {r.text}" for r in changes.references_removed]
    lines += [f"  history added: {h.date}: {h.text[:100]}" for h in changes.history_added]
    if not changes.substantive:
        lines.append("  (cosmetic: no change in substance)")
    elif not changes.status_changed:
        lines.append("  (no status change)")
    return lines
