"""`assistant draft` (one section, or next year's skeleton from last year's report) and `assistant outline`."""

from __future__ import annotations

import json
import sys

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


def _facts(facts: str | None) -> str:
    from assistant.services.inputs import read_facts

    return read_facts(facts, sys.stdin.read() if facts == "-" else None)


def _print_warnings(warnings: list[dict[str, str]]) -> None:
    if not warnings:
        return
    typer.echo("\n——核查提示——", err=True)
    for w in warnings:
        typer.echo(f"⚠ [{w['kind']}] {w['message']}", err=True)


@app.command("draft", help="起草报告的一个部分（有大模型接口时流式输出，否则生成离线模板草稿），"
                           "或用 --from-previous 由上一年度报告生成本年度骨架。")
def draft(
    genre: str | None = typer.Option(None, "--genre", help="文种，如 法治政府建设年度报告"),
    section: str | None = typer.Option(None, "--section", help="章节角色，如 shortcomings、measures"),
    facts: str | None = typer.Option(None, "--facts", help="本单位材料文件（txt/docx/pdf），- 表示标准输入"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文机关名称"),
    year: int | None = typer.Option(None, "--year", help="报告年度，如 2024"),
    from_previous: str | None = typer.Option(None, "--from-previous", help="上一年度的报告，生成本年度骨架"),
    strict: bool = typer.Option(False, "--strict", help="材料中没有的数字一律替换为【待核实】"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    from assistant.services import drafting

    try:
        if from_previous is not None:
            result = drafting.skeleton(from_previous, year)
            if as_json:
                typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
            else:
                typer.echo(result.text, nl=False)
                _print_warnings([w for w in result.warnings if w["kind"] != "masked"])
                masked = sum(1 for w in result.warnings if w["kind"] == "masked")
                if masked:
                    typer.echo(f"已隐去上一年度的数字 {masked} 处（【待补充】），请填写本年度数据。", err=True)
            return
        if not genre or not section:
            raise AssistantError("请给出 --genre 和 --section（或用 --from-previous 生成骨架）",
                                 hint="例如 assistant draft --genre 法治政府建设年度报告 --section shortcomings")
        request = drafting.DraftRequest(genre=genre, role=section, facts=_facts(facts), issuer=issuer, year=year,
                                        strict=strict)
        stream = not as_json and not strict  # strict output is rewritten after the check: print it whole

        def on_chunk(piece: str) -> None:
            sys.stdout.write(piece)
            sys.stdout.flush()

        result = drafting.draft(request, on_chunk=on_chunk if stream else None)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
            return
        if result.mode != "llm" or not stream:
            typer.echo(result.text, nl=False)
        typer.echo("")
        _print_warnings(result.warnings)
    except AssistantError as err:
        fail(err)


@app.command("outline", help="按文种列出全文提纲：必备部分及惯常顺序、每部分要点和参考范文。")
def outline_cmd(
    genre: str = typer.Option(..., "--genre", help="文种，如 法治政府建设年度报告"),
    year: int | None = typer.Option(None, "--year", help="报告年度"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文机关名称"),
    use_llm: bool = typer.Option(False, "--llm", help="再请大模型按提纲拟写二级标题（需配置接口）"),
    facts: str | None = typer.Option(None, "--facts", help="本单位材料文件，供 --llm 使用"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    from assistant.services import drafting

    try:
        material = _facts(facts) if use_llm else ""
        result = drafting.make_outline(genre, year=year, issuer=issuer)
        if use_llm:
            drafting.require_llm()
            if as_json:
                result["llm_outline"] = drafting.model_outline(result, material)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"《{result['genre']}》提纲" + (f"：{result['title']}" if result.get("title") else ""))
    for s in result["sections"]:
        typer.echo(f"{s['heading']}（{'必备' if s['required'] else '可选'}）")
        if s["guidance"]:
            typer.echo(f"    要点：{s['guidance']}")
        for e in s["exemplars"]:
            typer.echo(f"    参考：{e.get('title') or ''}（{e.get('year') or '年份不详'}）{e.get('source') or ''}")
    if use_llm:
        typer.echo("\n——大模型拟写的提纲——")
        try:
            # Printed as it streams, after the bundled outline.
            drafting.model_outline(result, material, on_chunk=lambda p: (sys.stdout.write(p), sys.stdout.flush()))
        except AssistantError as err:
            fail(err)
        typer.echo("")
