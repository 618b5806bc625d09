"""`assistant parse FILE [--json]`: the structure of a 公文 / report (sections, 版头, 落款, 版记) or of a
law / regulation (articles with their 编/章/节 path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError
from assistant.models import OfficialDocument, Regulation, Section


@app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(help="要解析的文件（.txt/.md/.docx/.pdf）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
) -> None:
    """解析公文结构（版头、标题、主送机关、层次、落款、版记）或法规的条文。"""
    from assistant.services import checking

    try:
        parsed = checking.parse_with_roles(file)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
    elif isinstance(parsed.result, Regulation):
        _render_regulation(parsed.result)
    else:
        _render_document(parsed.result, parsed.genre, parsed.role_names)


def _render_document(doc: OfficialDocument, genre_name: str | None, role_names: dict[str, str]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    console = Console(highlight=False, soft_wrap=True)
    fields: list[tuple[str, Any]] = [
        ("发文机关标志", doc.issuer_mark),
        ("发文字号", doc.doc_number),
        ("签发人", doc.signer),
        ("标题", doc.title),
        ("文种", genre_name),
        ("主送机关", "、".join(doc.recipients) if doc.recipients else None),
    ]
    for label, value in fields:
        if value:
            console.print(f"[bold]{label}[/bold]：{escape(str(value))}")
    tree = Tree("[bold]正文层次[/bold]" + ("" if doc.sections else "（未识别到层次序数）"))
    for s in doc.sections:
        _add_section(tree, s, escape, role_names)
    # Wrap long labels instead of cropping them at the console width (soft_wrap crops renderables).
    console.print(tree, soft_wrap=False)
    tail: list[tuple[str, Any]] = [
        ("结束语", doc.closing),
        ("附件说明", "；".join(doc.attachments) if doc.attachments else None),
        ("发文机关署名", doc.issuer),
        ("成文日期", doc.date),
        ("附注", doc.notes),
        ("抄送机关", "、".join(doc.cc) if doc.cc else None),
        ("印发机关和印发日期", doc.print_line),
    ]
    for label, value in tail:
        if value:
            console.print(f"[bold]{label}[/bold]：{escape(str(value))}")


def _add_section(parent, section: Section, escape, role_names: dict[str, str]) -> None:
    role = ""
    if section.role:
        role = f" [cyan]〔{escape(role_names.get(section.role, section.role))}〕[/cyan]"
    label = f"{escape(section.number)}{escape(section.heading)}{role} [dim]第{section.line}行[/dim]"
    node = parent.add(label)
    for child in section.children:
        _add_section(node, child, escape, role_names)


def _render_regulation(reg: Regulation) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]{escape(reg.title or '（无标题）')}[/bold]  共{len(reg.articles)}条")
    for line in reg.history:
        console.print(f"[dim]{escape(line)}[/dim]")
    path: list[str] = []
    for a in reg.articles:
        if a.chapter_path != path:
            # Print only the headings that changed, indented by depth.
            common = 0
            while common < min(len(path), len(a.chapter_path)) and path[common] == a.chapter_path[common]:
                common += 1
            for depth, heading in enumerate(a.chapter_path[common:], start=common):
                console.print("  " * depth + f"[bold]{escape(heading)}[/bold]")
            path = a.chapter_path
        first_line = a.text.split("\n", 1)[0]
        snippet = first_line if len(first_line) <= 40 else first_line[:40] + "…"
        console.print("  " * len(path) + f"{escape(a.number)} {escape(snippet)}")
