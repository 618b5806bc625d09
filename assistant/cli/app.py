"""The typer application every command module adds itself to, and the one way a command fails."""

from __future__ import annotations

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
