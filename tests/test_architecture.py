"""Layer contracts (import-linter) and a documented CLI (every command appears in the README)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    done = subprocess.run([lint, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_every_cli_command_is_documented():
    from flows.cli import app
    import typer.main

    command = typer.main.get_command(app)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in command.commands if not re.search(rf"policy-pipeline {re.escape(name)}\b", readme)]
    assert not missing, f"commands not shown in README.md: {missing}"
    groups = {name: group for name, group in command.commands.items() if hasattr(group, "commands")}
    missing = [f"{name} {sub}" for name, group in groups.items() for sub in group.commands
               if not re.search(rf"policy-pipeline {re.escape(name)} (\S+\|)*{re.escape(sub)}\b", readme)]
    assert groups and not missing, f"commands not shown in README.md: {missing}"
