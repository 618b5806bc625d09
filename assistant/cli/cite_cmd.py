"""`assistant cite FILE_OR_TEXT... [--json] [--date 2024年2月26日]`: check every 《…》 citation.

An argument naming an existing file is read (txt/md/docx/pdf); anything else is taken as text. The draft's date
(成文日期) decides status and in-force; --date overrides it, and without either today is used.
Exit status: 0 no error found, 1 errors found, 2 an input could not be used.
Imports stay light: no chromadb, gradio or langchain (article text comes from a SQLite file)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError

SEVERITY_STYLE = {"error": ("错误", "red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}


@app.command("cite")
def cite_command(
    inputs: Annotated[list[str], typer.Argument(metavar="FILE_OR_TEXT", help="公文文件路径，或直接输入的文字")],
    as_json: Annotated[bool, typer.Option("--json", help="每个输入输出一行 JSON")] = False,
    date: Annotated[str | None, typer.Option(
        "--date", help="按此日期判断效力（如 2024年2月26日），默认取成文日期，否则今天")] = None,
) -> None:
    """核查法规引用：名称是否准确、是否现行有效、条号是否存在、引文是否与原文一致。"""
    from assistant.services import citing

    try:
        citing.validate_date(date)
    except AssistantError as err:
        fail(err)
    status = 0
    for arg in inputs:
        try:
            result = citing.cite_input(arg, date)
        except AssistantError as err:
            if as_json:
                # One line per input, so scripts can tell which input could not be used and why.
                typer.echo(json.dumps({"file": arg if len(arg) <= 200 else arg[:200] + "…", "error": str(err),
                                       "date": None, "citations": []}, ensure_ascii=False))
            if len(inputs) == 1:
                fail(err)
            typer.echo(f"错误：{arg[:60]}：{err}", err=True)
            status = 2
            continue
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            _render(result)
        if result.has_errors and status == 0:
            status = 1
    raise typer.Exit(status)


def _render(result) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from assistant.services.citing import KIND_LABELS, MATCH_LABELS

    cites = result.citations
    console = Console(highlight=False)
    console.print(f"[bold]{escape(result.file or '（输入文字）')}[/bold]  效力判断日期：{escape(result.date or '今天')}"
                  f"（{result.date_from}）")
    if not cites:
        console.print("未发现《》引用。")
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("行", no_wrap=True, width=4)
    table.add_column("引用", ratio=3, overflow="fold")
    table.add_column("核查结果", ratio=3, overflow="fold")
    table.add_column("问题", ratio=4, overflow="fold")
    for c in cites:
        problems = []
        for f in c.findings:
            label, style = SEVERITY_STYLE.get(f["severity"], (f["severity"], "white"))
            problems.append(f"[{style}]{label}[/{style}] {escape(f['message'])}")
        result = [f"《{escape(c.resolved_title)}》" if c.resolved_title else "—",
                  f"{KIND_LABELS.get(c.kind, c.kind)} · {MATCH_LABELS.get(c.match, c.match)}"]
        if c.status:
            result.append(escape(c.status + (f" → 《{c.replaced_by}》" if c.replaced_by else "")))
        if c.article_text:
            text = c.article_text if len(c.article_text) <= 150 else c.article_text[:150] + "……"
            result.append(f"{escape(c.article or '')}：{escape(text)}")
        elif c.text_hint:
            result.append(escape(c.text_hint))
        table.add_row(str(c.line or ""), escape(c.text), "\n".join(result), "\n".join(problems) or "[green]✓[/green]")
    console.print(table)
    counts = {s: sum(1 for c in cites for f in c.findings if f["severity"] == s) for s in SEVERITY_STYLE}  # per finding
    console.print(f"共 {len(cites)} 处引用：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}")
