"""`assistant check FILE... [--genre NAME] [--json]`: required sections and 公文 format rules.

Exit status: 0 no error found, 1 errors found, 2 an input could not be used (or the rules could not load)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


@app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(help="要检查的公文文件（.txt/.md/.docx/.pdf），可以多个")],
    genre: Annotated[str | None, typer.Option("--genre", "-g", help="指定文种（名称或编号），不指定则自动识别")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="每个文件输出一行 JSON")] = False,
) -> None:
    """检查公文：必备部分是否齐全、格式是否符合 GB/T 9704-2012 和《党政机关公文处理工作条例》。"""
    from assistant.services import checking

    try:
        checking.validate_rules()  # a broken rule file is reported once, before any input is read
    except AssistantError as err:
        fail(err)
    status = 0
    for path in files:
        try:
            report = checking.check_path(path, genre=genre)
        except AssistantError as err:
            if as_json:
                # Keep one line per input, so scripts can tell which file could not be checked and why.
                typer.echo(json.dumps({"file": str(path), "error": str(err), "genre": None, "sections": [],
                                       "missing": [], "findings": [], "citations": []}, ensure_ascii=False))
            if len(files) == 1:
                fail(err)
            typer.echo(f"错误：{path}：{err}", err=True)
            status = 2
            continue
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            _render(report)
        if report.has_errors and status == 0:
            status = 1
    raise typer.Exit(status)


def _render(report) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]{escape(report.file or '（文本）')}[/bold]")
    if report.title:
        console.print(f"标题：{escape(report.title)}")
    console.print(f"文种：{escape(report.genre['name']) if report.genre else '未识别（只检查通用格式）'}")
    if report.sections:
        console.print("[bold]组成部分[/bold]")
        for s in report.sections:
            kind = "必备" if s.required else "可选"
            if s.found:
                console.print(f"  [green]✓[/green] {escape(s.name)}（{kind}）— 第{s.line}行 {escape(s.heading or '')}")
            elif s.status == "uncertain":
                console.print(f"  [yellow]?[/yellow] {escape(s.name)}（{kind}）— 未能确认，请人工核对第{s.line}行 "
                              f"{escape(s.heading or '')}")
            else:
                mark = "[red]✗[/red]" if s.required else "[dim]–[/dim]"
                console.print(f"  {mark} {escape(s.name)}（{kind}）— 未找到")
    colors = {"error": "red", "warning": "yellow", "info": "cyan"}
    for severity, label, items in report.groups():
        console.print(f"[bold {colors[severity]}]{label}（{len(items)}）[/bold {colors[severity]}]")
        for f in items:
            console.print(f"  • {f.where}：{escape(f.message)}")
            if f.fix:
                console.print(f"    修改：{escape(f.fix)}")
            if f.source:
                console.print(f"    [dim]依据：{escape(f.source)}[/dim]")
    if not report.findings:
        console.print("[green]未发现问题。[/green]")
    else:
        console.print(f"合计：{report.counts_text()}")
    console.print()
