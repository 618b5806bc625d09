"""`assistant export INPUT -o OUT.docx [--from-draft] [--json]`: a 公文 as a .docx in GB/T 9704-2012 layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


@app.command("export")
def export_command(
    input_file: Annotated[Path, typer.Argument(help="要导出的公文（.txt/.md/.docx），或 --from-draft 时的草稿 JSON")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的 Word 文件（.docx）")],
    from_draft: Annotated[bool, typer.Option("--from-draft", help="输入是 assistant draft --json 的输出")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
) -> None:
    """按 GB/T 9704-2012《党政机关公文格式》导出 Word 文件（A4，版心 156×225 mm，每页 22 行、每行 28 字）。"""
    from assistant.services import export

    try:
        result = export.export_file(input_file, output, from_draft=from_draft)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"已导出：{result.path}（{result.paragraphs} 段，用时 {result.seconds:.2f} 秒）")
    if result.left_out:
        typer.echo(f"提示：原文没有{'、'.join(result.left_out)}，导出的文件中也没有这些部分，请补全后再印发。",
                   err=True)
