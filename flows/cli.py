"""`policy-pipeline`: the command line. Prefect is imported only by the commands that run flows, so
`extract`, `text` and `schema` start fast.

The flow commands (`ingest`, `reextract`, `serve`) say on stderr, in one line, which Prefect server
they use (flows/server.py chooses): PREFECT_API_URL, the background server of `policy-pipeline server
start`, or a temporary one started for the command.

Exit statuses: 0 done; 1 a run finished but some documents failed (each named on stderr, all in
quarantine.json), or `server status` found no server up; 2 bad input or usage (one line on stderr, no
traceback); 3 no Prefect server could be started or reached (one line saying what to do), or an
internal error (one line; set POLICY_PIPELINE_DEBUG=1 for the traceback); 4 the output folder is locked
by another run (after waiting --lock-timeout seconds); 130 interrupted.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from extractors.errors import PolicyError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn medical coverage policies into validated, evidence-backed JSON records.",
)

EXIT_FAILED_DOCUMENTS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_NO_SERVER = 3  # a known condition with its own message, never "internal error"
EXIT_BUSY = 4


def _loaded() -> None:
    """A command has imported what it needs: garbage collection on, without what exists now (see main)."""
    gc.freeze()
    gc.enable()


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    typer.echo(f"policy-pipeline: {message}", err=True)
    raise typer.Exit(code)


def _limits(max_mb: float | None, max_pages: int | None, max_chars: int | None, timeout: float | None):
    from extractors.loading import DEFAULT_LIMITS, MB, Limits

    return Limits(
        max_bytes=int(max_mb * MB) if max_mb else DEFAULT_LIMITS.max_bytes,
        max_pages=max_pages or DEFAULT_LIMITS.max_pages,
        max_chars=max_chars or DEFAULT_LIMITS.max_chars,
        timeout_seconds=timeout or DEFAULT_LIMITS.timeout_seconds,
    )


MaxMb = typer.Option(None, "--max-mb", help="Size limit per document in MB (default 64).")
MaxPages = typer.Option(None, "--max-pages", help="Page limit per PDF (default 5000).")
MaxChars = typer.Option(None, "--max-chars", help="Limit on a document's text length (default 5,000,000).")
Timeout = typer.Option(None, "--timeout", help="Time limit per document in seconds (default 300).")
Out = typer.Option(Path("structured_output"), "--out", help="The feed folder (records, index, change log).")
LockTimeout = typer.Option(60.0, "--lock-timeout", help="Seconds to wait while another run holds the feed's lock.")


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A policy document: PDF, HTML, Markdown or plain text."),
    indent: int = typer.Option(2, help="JSON indentation (0 for one line)."),
    max_mb: Optional[float] = MaxMb,
    max_pages: Optional[int] = MaxPages,
    max_chars: Optional[int] = MaxChars,
) -> None:
    """Print one policy record as JSON."""
    from extractors.pipeline import extract_file

    _loaded()
    try:
        record = extract_file(file, limits=_limits(max_mb, max_pages, max_chars, None))
    except PolicyError as error:
        _fail(str(error))
    typer.echo(record.model_dump_json(indent=indent or None))


@app.command()
def text(
    file: Path = typer.Argument(..., help="A policy document."),
    max_mb: Optional[float] = MaxMb,
    max_pages: Optional[int] = MaxPages,
    max_chars: Optional[int] = MaxChars,
) -> None:
    """Print the normalized text that every evidence offset indexes into."""
    from extractors.pipeline import text_of

    _loaded()
    try:
        content = text_of(file, limits=_limits(max_mb, max_pages, max_chars, None))
    except PolicyError as error:
        _fail(str(error))
    sys.stdout.write(content)
    sys.stdout.write("\n")


@app.command()
def schema(
    name: str = typer.Argument("record", help="record, index-entry or change-event."),
) -> None:
    """Print a JSON Schema of the feed: the record (default), an index entry or a change event."""
    from flows.schemas import SCHEMAS

    if name not in SCHEMAS:
        _fail(f"unknown schema {name!r}; choose one of: {', '.join(SCHEMAS)}")
    typer.echo(json.dumps(SCHEMAS[name](), indent=2, sort_keys=True))


# ---------------------------------------------------------------- commands that run Prefect flows


def _check_limits(max_mb, max_pages, max_chars, timeout) -> None:
    for name, value in (("--max-mb", max_mb), ("--max-pages", max_pages), ("--max-chars", max_chars), ("--timeout", timeout)):
        if value is not None and value <= 0:
            _fail(f"{name} must be a positive number, not {value}")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        _fail(f"{out}: exists and is not a folder (--out)")


def _prefect_env(*, temporary_allowed: bool = True):
    """Before Prefect is imported: keep its logs off the console (they still reach the Prefect API and
    UI; the CLI speaks in one line per problem unless POLICY_PIPELINE_DEBUG is set), choose the server
    and say which on stderr. Returns the choice (flows.server.ServerChoice)."""
    from flows.server import TEMPORARY_STARTUP_TIMEOUT, choose_server, prefect_setting

    if not os.environ.get("POLICY_PIPELINE_DEBUG"):
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    choice = choose_server()
    if choice.kind == "background":
        os.environ["PREFECT_API_URL"] = choice.api_url
    elif choice.kind == "temporary" and temporary_allowed and not prefect_setting("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = str(TEMPORARY_STARTUP_TIMEOUT)
    if choice.kind != "temporary" or temporary_allowed:
        typer.echo(f"policy-pipeline: {choice.describe()}", err=True)
    return choice


def _no_server_message(error: Exception, choice) -> str | None:
    """One line for a Prefect server that could not be started or reached, or None for other errors."""
    import httpx

    if choice.kind == "temporary" and isinstance(error, RuntimeError) and "ephemeral Prefect API server" in str(error):
        from flows.server import prefect_setting

        seconds = prefect_setting("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS")
        return (f"Prefect's temporary server did not start within {seconds} s; on a busy machine raise "
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start a server that stays up "
                "(`policy-pipeline server start`, or your own with PREFECT_API_URL set) and run the command again")
    unreachable = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)) or (
        isinstance(error, RuntimeError) and "Failed to reach API" in str(error))
    if choice.kind == "api_url" and unreachable:
        return (f"cannot reach the Prefect server at PREFECT_API_URL ({choice.api_url}); start it, "
                "or unset PREFECT_API_URL to use the background server (`policy-pipeline server start`) or a temporary one")
    if choice.kind == "background" and unreachable:
        return (f"the background Prefect server at {choice.api_url} stopped answering; "
                "`policy-pipeline server status` says why, `policy-pipeline server start` starts a new one")
    return None


def _run_flow(call, *, show_progress: bool, choice):
    """Run a flow in this process with a progress bar on stderr; map feed errors and a server that
    could not be started or reached to exit statuses."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.engine import progress_listener
    from flows.progress import progress_bar
    from flows.store import FeedBusy, FeedError

    # No flow-run heartbeats: the person who ran the command watches it, and Prefect ends every run by
    # waiting for its heartbeat thread, which sleeps in 1 s steps (0.5 s of a 3 s `reextract` on average).
    no_heartbeats = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
    _loaded()
    try:
        with no_heartbeats, progress_bar(enabled=show_progress and sys.stderr.isatty()) as listener, progress_listener(listener):
            return call()
    except FeedBusy as error:
        _fail(str(error), EXIT_BUSY)
    except FeedError as error:
        _fail(str(error))
    except Exception as error:
        message = _no_server_message(error, choice)
        if message is None or os.environ.get("POLICY_PIPELINE_DEBUG"):
            raise
        _fail(message, EXIT_NO_SERVER)


def _one_line(text: str) -> str:
    """Control characters (a newline in a file name) shown escaped, so one failure stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _report_failures(summary) -> None:
    for failure in summary.failures:
        message = failure.error if failure.error.startswith(failure.uri) else f"{failure.uri}: {failure.error}"
        typer.echo(f"policy-pipeline: failed: {_one_line(message)}", err=True)
    total = summary.failed + (summary.downloads or {}).get("failed", 0)
    if total > len(summary.failures):
        typer.echo(f"policy-pipeline: ... and {total - len(summary.failures)} more in quarantine.json", err=True)


@app.command()
def ingest(
    source: Optional[str] = typer.Argument(None, help="A folder, one file, or an fsspec URL (s3://... needs s3fs); default raw_documents."),
    out: Path = Out,
    sources: Optional[Path] = typer.Option(None, "--sources", help="A source manifest (YAML/TOML) of web sources to pull instead of SOURCE."),
    task_runner: str = typer.Option("thread", "--task-runner", help="thread (default) or dask."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="An existing Dask scheduler (implies dask)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes of the local Dask cluster (default 2)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Documents per Prefect task (default 25; 50 on Dask)."),
    max_mb: Optional[float] = MaxMb,
    max_pages: Optional[int] = MaxPages,
    max_chars: Optional[int] = MaxChars,
    timeout: Optional[float] = Timeout,
    lock_timeout: float = LockTimeout,
    force: bool = typer.Option(False, "--force", help="Re-extract unchanged documents too."),
    rehash: bool = typer.Option(False, "--rehash", help="Hash every file's bytes, even those whose size and times are unchanged."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr (when a terminal)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
    report: Optional[Path] = typer.Option(None, "--report", help="After the run, write the feed as a static site into this folder (see `report`)."),
) -> None:
    """Ingest every policy of SOURCE into the feed: new and changed documents become records, the
    index and the change log follow, failures go to quarantine.json (exit status 1)."""
    from flows.discover import check_source

    if report is not None:
        _check_site_folder(report)

    if dask_address:
        task_runner = "dask"
    if task_runner not in ("thread", "dask"):
        _fail(f"unknown --task-runner {task_runner!r}; choose thread or dask")
    _check_limits(max_mb, max_pages, max_chars, timeout)
    _check_out(out)
    if sources is not None:
        if source is not None:
            _fail("give SOURCE or --sources, not both")
        from flows.sources import load_manifest

        load_manifest(sources)  # a bad manifest stops here, with one line, before Prefect starts
    else:
        source = source or "raw_documents"
        check_source(source)
    if out.is_dir():
        from flows.corrections import load_corrections

        load_corrections(out)  # a malformed corrections file stops here, with one line, before Prefect starts
    choice = _prefect_env()
    from flows.events import RunSummary
    from flows.ingest import flow_with_runner

    window = 2 if task_runner == "thread" else 2 * (workers or 2) if not dask_address else 8
    batch_size = batch_size or (25 if task_runner == "thread" else 50)  # a Dask task costs ~0.1 s: bigger batches
    run = flow_with_runner(task_runner, dask_address=dask_address, workers=workers)
    params = dict(source=source or "raw_documents", out=str(out), batch_size=batch_size, window=window, max_mb=max_mb,
                  max_pages=max_pages, max_chars=max_chars, timeout_seconds=timeout, lock_timeout=lock_timeout, force=force,
                  rehash=rehash, sources=str(sources.absolute()) if sources else None)
    summary = RunSummary.model_validate(_run_flow(lambda: run(**params), show_progress=progress, choice=choice))
    site_lines = _build_site(out, report) if report is not None else []
    _print_summary(summary, as_json, site_lines)


def _print_summary(summary, as_json: bool, more_lines: list[str] = ()) -> None:
    from flows.engine import summary_lines

    if as_json:
        typer.echo(summary.model_dump_json(indent=2))
    else:
        for line in summary_lines(summary):
            typer.echo(line)
    for line in more_lines:
        typer.echo(line, err=as_json)
    _report_failures(summary)
    for note in summary.correction_notes:  # not failures: the run's exit status does not change
        typer.echo(f"policy-pipeline: correction {note.file}:{note.line} ({note.field}): {note.status}: {_one_line(note.message)}", err=True)
    if summary.failed or (summary.downloads or {}).get("failed"):
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


@app.command()
def reextract(
    file: str = typer.Argument(..., help="The new revision: a file or an fsspec URL."),
    out: Path = Out,
    max_mb: Optional[float] = MaxMb,
    max_pages: Optional[int] = MaxPages,
    max_chars: Optional[int] = MaxChars,
    timeout: Optional[float] = Timeout,
    lock_timeout: float = LockTimeout,
    as_json: bool = typer.Option(False, "--json", help="Print the change events as JSON lines."),
) -> None:
    """Extract one new revision into the feed and print the change event against the policy's
    previous revision (effective date, version, statuses, codes, indications, references, history)."""
    from flows.discover import single_ref

    _check_limits(max_mb, max_pages, max_chars, timeout)
    _check_out(out)
    single_ref(file)
    choice = _prefect_env()
    from flows.events import ChangeEvent, RunSummary
    from flows.reextract import reextract_flow

    params = dict(file=file, out=str(out), max_mb=max_mb, max_pages=max_pages, max_chars=max_chars,
                  timeout_seconds=timeout, lock_timeout=lock_timeout)
    result = _run_flow(lambda: reextract_flow(**params), show_progress=False, choice=choice)
    summary = RunSummary.model_validate(result["summary"])
    events = [ChangeEvent.model_validate(e) for e in result["events"]]
    if as_json:
        for event in events:
            typer.echo(event.model_dump_json())
    else:
        from flows.progress import describe_event

        for event in events:
            for line in describe_event(event):
                typer.echo(line)
        if not events and not summary.failed:
            typer.echo("unchanged: the feed already holds this revision")
    _report_failures(summary)
    if summary.failed:
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


@app.command()
def serve(
    source: str = typer.Argument("raw_documents", help="What the scheduled runs ingest (folder, file or fsspec URL)."),
    out: Path = Out,
    cron: str = typer.Option("0 3 * * *", "--cron", help="Schedule as a cron expression (default daily at 03:00 UTC)."),
    interval: Optional[float] = typer.Option(None, "--interval", help="Schedule every N seconds instead of --cron."),
    name: str = typer.Option("scheduled-ingest", "--name", help="Deployment name."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Documents per Prefect task (default 25; 50 on Dask)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Send each run's batches to this Dask scheduler."),
    max_mb: Optional[float] = MaxMb,
    max_pages: Optional[int] = MaxPages,
    max_chars: Optional[int] = MaxChars,
    timeout: Optional[float] = Timeout,
    report: Optional[Path] = typer.Option(None, "--report", help="After each run, write the static site from the feed into this folder."),
) -> None:
    """Register the ingestion flow with a schedule on a Prefect server that stays up (PREFECT_API_URL, or
    the background server of `policy-pipeline server start`) and run the scheduled runs until
    interrupted (Ctrl-C)."""
    from flows.discover import check_source

    _check_limits(max_mb, max_pages, max_chars, timeout)
    if interval is not None and interval <= 0:
        _fail(f"--interval must be a positive number, not {interval}")
    _check_out(out)
    check_source(source)
    if report is not None:
        _check_site_folder(report)
    if _prefect_env(temporary_allowed=False).kind == "temporary":
        _fail("serve needs a Prefect server that stays up: run `policy-pipeline server start` "
              "(or `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api)")
    from flows.discover import is_url
    from flows.ingest import serve as serve_flow

    _loaded()

    absolute = source if is_url(source) else str(Path(source).absolute())
    serve_flow(source=absolute, out=str(out.absolute()), cron=cron, interval=interval, name=name,
               parameters=dict(batch_size=batch_size or (50 if dask_address else 25), dask_address=dask_address,
                               max_mb=max_mb, max_pages=max_pages, max_chars=max_chars,
                               timeout_seconds=timeout, report=str(report.absolute()) if report else None))


# ---------------------------------------------------------------- the review queue (no Prefect)


@app.command()
def review(
    feed: Path = typer.Option(Path("structured_output"), "--feed", help="The feed folder (the --out of ingest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the groups as JSON."),
) -> None:
    """List the records that need review, grouped by reason, most severe first, each with the field and
    its evidence (the latest revision of each policy)."""
    from flows.review import queue_lines, review_queue

    groups = review_queue(feed)
    if as_json:
        typer.echo(json.dumps([g.model_dump(mode="json") for g in groups], indent=2))
    else:
        for line in queue_lines(groups):
            typer.echo(line)


# ---------------------------------------------------------------- the background Prefect server

server_app = typer.Typer(no_args_is_help=True, help="A local Prefect server that stays up between commands "
                         "(ingest, reextract and serve use it while it is up, unless PREFECT_API_URL is set).")
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start(
    port: Optional[int] = typer.Option(None, "--port", help="Use this port only (default: 4200 or the next free one)."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds to wait for the server to answer."),
) -> None:
    """Start Prefect's server in the background (its own PREFECT_HOME under the user's data folder) and
    print its address; does nothing when it is already up."""
    import time

    from flows.server import ServerError, start

    started = time.perf_counter()
    try:
        up, before = start(port=port, timeout=timeout)
    except ServerError as error:
        _fail(str(error), EXIT_NO_SERVER)
    where = f"{up.url} (UI; API {up.api_url}), pid {up.pid}"
    if before in ("up", "starting"):
        typer.echo(f"already running: Prefect server at {where}")
    else:
        replaced = "; replaced a stale server" if before == "stale" else ""
        typer.echo(f"Prefect server started at {where}, in {time.perf_counter() - started:.1f} s{replaced}")
    typer.echo(f"  data and log: {up.folder}; ingest, reextract and serve use it while it is up "
               "(unless PREFECT_API_URL is set); `policy-pipeline server stop` stops it")


@server_app.command("status")
def server_status() -> None:
    """Say whether the background server is up and where (exit status 0 when up, 1 when not)."""
    from flows.server import status

    found = status()
    lines = {
        "up": f"up: Prefect server at {found.url} (UI; API {found.api_url}), pid {found.pid}; data and log: {found.folder}",
        "starting": f"starting: the Prefect server (pid {found.pid}) does not answer at {found.api_url}/health yet; log: {found.log}",
        "stale": f"stale: the Prefect server (pid {found.pid}, port {found.port}) is no longer running; "
                 "`policy-pipeline server start` starts a new one",
        "down": f"not running; `policy-pipeline server start` starts one (its folder: {found.folder})",
    }
    typer.echo(lines[found.state])
    if found.state != "up":
        raise typer.Exit(EXIT_FAILED_DOCUMENTS)


@server_app.command("stop")
def server_stop() -> None:
    """Stop the background server: its whole process group, nothing left running."""
    from flows.server import ServerError, stop

    try:
        before = stop()
    except ServerError as error:
        _fail(str(error), EXIT_NO_SERVER)
    if before.state == "down":
        typer.echo("no background Prefect server was running")
    elif before.state == "stale":
        typer.echo(f"the Prefect server (pid {before.pid}) had already stopped; cleared what it left")
    else:
        typer.echo(f"stopped the Prefect server at {before.url} (pid {before.pid})")


# ---------------------------------------------------------------- the feed for people and for SQL (no Prefect)


FeedIn = typer.Option(Path("structured_output"), "--feed", help="The feed folder to read (made by ingest).")


def _check_site_folder(out: Path) -> None:
    from flows.report import check_site_folder
    from flows.store import FeedError

    try:
        check_site_folder(out)
    except FeedError as error:
        _fail(str(error))


def _build_site(feed: Path, out: Path) -> list[str]:
    from flows.report import build_site
    from flows.store import FeedError

    try:
        site = build_site(feed, out)
    except FeedError as error:
        _fail(str(error))
    return [f"site: {site.policies} policies, {site.revisions} revisions, {site.codes} codes, {site.events} change events; "
            f"{site.written} of {site.pages} files written, {site.removed} removed; open {Path(site.out) / 'index.html'}"]


@app.command()
def report(
    feed: Path = FeedIn,
    out: Path = typer.Option(Path("site"), "--out", help="The site's folder (new, empty, or made by an earlier report)."),
) -> None:
    """Write the feed as a static site that works offline from the file system: the policies table,
    a page per policy with each value's evidence, revisions and changes, a page per code comparing
    payers, and the change log. A rebuild writes only the pages that changed."""
    _check_site_folder(out)
    for line in _build_site(feed, out):
        typer.echo(line)


@app.command()
def export(
    feed: Path = FeedIn,
    to: Path = typer.Option(..., "--to", help="A DuckDB file (*.duckdb) or a folder for Parquet files (one folder per table)."),
) -> None:
    """Export the feed as SQL tables (policies, revisions, codes, statements, indications, references,
    history, changes), keyed by record_id and policy_key. Incremental: an unchanged feed writes nothing."""
    from flows.export import export_feed
    from flows.store import FeedError

    try:
        summary = export_feed(feed, to)
    except FeedError as error:
        _fail(str(error))
    typer.echo(summary.line())


def main() -> None:
    """Console entry point: one clear line for every failure, a traceback only when asked for.

    The imports (spaCy, pydantic, Prefect) make hundreds of thousands of objects that live until exit.
    Garbage collection is off while they load (collecting them then is 15-20 % of a command's start)
    and on again, with them frozen out of it, once a command has what it needs (`_loaded`); and
    frozen again at exit, where the interpreter's last collection would walk them all (0.3-1 s)."""
    gc.disable()
    try:
        _main()
    finally:
        gc.freeze()


def _main() -> None:
    try:
        result = app(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("policy-pipeline: interrupted", err=True)
        sys.exit(130)
    except PolicyError as error:
        typer.echo(f"policy-pipeline: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as error:  # click usage errors carry their own exit code
        import click

        if isinstance(error, click.ClickException):
            typer.echo(f"policy-pipeline: {error.format_message()}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        if os.environ.get("POLICY_PIPELINE_DEBUG"):
            raise
        typer.echo(f"policy-pipeline: internal error: {type(error).__name__}: {error}".splitlines()[0], err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(result if isinstance(result, int) else 0)
