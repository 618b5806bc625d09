"""Command-line edge: `assistant <command>`. Each command parses arguments, calls one service function and
renders a table or --json. Heavy libraries (chromadb, gradio, langchain) are imported inside the commands
that need them, so `assistant check` and `assistant cite` start fast."""

from __future__ import annotations

import sys

import typer

from assistant.cli.app import app
from assistant.errors import AssistantError


def _register() -> None:
    # Each module adds its commands to `app`; importing them is cheap (no heavy imports at module level).
    from assistant.cli import (  # noqa: F401
        backup_cmd,
        check_cmd,
        cite_cmd,
        config_cmd,
        draft_cmd,
        export_cmd,
        kb_cmd,
        laws_cmd,
        parse_cmd,
        serve_cmd,
    )


def main() -> None:
    _register()
    try:
        app()
    except AssistantError as err:  # a core error that escaped a command
        typer.echo(f"错误：{err}", err=True)
        sys.exit(err.exit_code)
