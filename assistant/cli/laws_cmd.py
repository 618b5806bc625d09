"""`assistant laws import PATH [--json]`: import law texts (a LawRefBook checkout, or .docx/.pdf/.txt/.md files
from the 国家法律法规数据库) so that `cite` and `check` can show and compare article text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError

laws_app = typer.Typer(help="法规原文：导入后 cite/check 可显示并核对条文。", no_args_is_help=True)
app.add_typer(laws_app, name="laws")


@laws_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="LawRefBook 目录，或存放法规 .docx/.pdf/.txt/.md 的文件夹或文件")],
    as_json: Annotated[bool, typer.Option("--json", help="结束时输出一个 JSON 对象")] = False,
) -> None:
    """导入法规原文（逐条存入本机条文库），显示进度，最后汇总：新导入、已存在、无法读取（及原因）。"""
    from assistant.services import laws

    def progress(done: int, total: int, f: Path) -> None:
        if not as_json and (done == total or done % 25 == 0):
            typer.echo(f"  {done}/{total}  {f.name}", err=True)

    try:
        report = laws.import_laws(path, progress=progress)
        coverage = laws.law_text_coverage()
    except AssistantError as err:
        fail(err)
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "coverage": coverage}, ensure_ascii=False))
        return
    typer.echo(f"新导入 {len(report.imported)} 部，已存在 {len(report.present)} 部，无法读取 {len(report.unreadable)} 个文件")
    for bad in report.unreadable[:20]:
        typer.echo(f"  无法读取：{bad['file']}：{bad['reason']}")
    if len(report.unreadable) > 20:
        typer.echo(f"  ……另有 {len(report.unreadable) - 20} 个文件无法读取（--json 可列出全部）")
    typer.echo(coverage["label"])
