"""Command-line edge: `assistant <command>`. Each command parses arguments, calls one core function and
renders a table or --json. Heavy libraries (chromadb, gradio, langchain) are imported inside the commands
that need them, so `assistant check` and `assistant cite` start fast."""

from __future__ import annotations

import sys

import typer

from assistant.errors import AssistantError

app = typer.Typer(
    name="assistant",
    help="公文助手：起草、检查公文并核查法规引用（本地运行）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(err: AssistantError) -> None:
    """Print one readable error (never a traceback) and exit with the error's code."""
    typer.echo(f"错误：{err}", err=True)
    raise typer.Exit(err.exit_code)


def _register() -> None:
    # Each module adds its commands to `app`; importing them is cheap (no heavy imports at module level).
    from assistant.cli import (  # noqa: F401
        check_cmd,
        cite_cmd,
        draft_cmd,
        kb_cmd,
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
