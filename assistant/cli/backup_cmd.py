"""`assistant kb export FILE` / `assistant kb import FILE [--replace]`: back up and restore the knowledge base
(documents, chunks, vectors and the embedder that made them) as one zip file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError

kb_app = typer.Typer(name="kb", help="知识库的备份与恢复。", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def _counts(c: dict) -> str:
    return f"{c['documents']} 个文档、{c['chunks']} 个片段、已嵌入 {c['embedded']}"


def _report(info: dict, as_json: bool, done: str) -> None:
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
    else:
        typer.echo(f"{done.format(file=info['file'])}：{_counts(info['counts'])}（嵌入模型 {info['embedder']}）")


@kb_app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="备份文件，例如 知识库备份.zip")],
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """把知识库（文档、片段、向量、嵌入模型设置）导出为一个备份文件。"""
    from assistant.services.admin import export_backup

    try:
        info = export_backup(file)
    except AssistantError as err:
        fail(err)
        return
    _report(info, as_json, "已导出到 {file}")


@kb_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="由 assistant kb export 生成的备份文件")],
    replace: bool = typer.Option(False, "--replace", help="数据目录中已有知识库时，用备份替换它"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """从备份文件恢复知识库（向量原样写回，不重新嵌入）。"""
    from assistant.services.admin import import_backup

    try:
        info = import_backup(file, replace=replace, on_wait=lambda msg: typer.echo(msg, err=True))
    except AssistantError as err:
        fail(err)
        return
    _report(info, as_json, "已从 {file} 恢复")
