"""`policy-pipeline`: the command line. Prefect is imported only by the commands that run flows, so
`extract`, `text` and `schema` start fast.

Exit statuses: 0 done; 1 a run finished but some documents failed; 2 bad input or usage (one line
on stderr, no traceback); 3 an internal error (one line; set POLICY_PIPELINE_DEBUG=1 for the traceback).
"""

from __future__ import annotations

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
MaxPages = typer.Option(None, "--max-pages", help="Page limit per PDF (default 2000).")
MaxChars = typer.Option(None, "--max-chars", help="Limit on a document's text length (default 5,000,000).")


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


def main() -> None:
    """Console entry point: one clear line for every failure, a traceback only when asked for."""
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
