"""`assistant config [--json]`: the effective settings and where each came from (API keys masked)."""

from __future__ import annotations

import json

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


@app.command("config")
def config_command(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """显示当前生效的设置，以及每项来自默认值、配置文件还是环境变量（密钥只显示首尾几位）。"""
    from assistant.services.admin import SOURCE_LABELS, effective_config

    try:
        report = effective_config()
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    exists = "存在" if report["config_file_exists"] else "不存在，使用默认值和环境变量"
    typer.echo(f"配置文件：{report['config_file']}（{report['config_file_from']}；{exists}）")
    typer.echo(f"数据目录：{report['data_dir']}")
    for e in report["settings"]:
        value = "（未设置）" if e["value"] is None else e["value"]
        origin = SOURCE_LABELS[e["source"]] + (f" {e['origin']}" if e["source"] == "env" else "")
        env = f"  [{' / '.join(e['env'])}]" if e["env"] else ""
        typer.echo(f"  {e['name']} = {value}    ← {origin}{env}")
