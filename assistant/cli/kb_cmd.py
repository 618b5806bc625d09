"""Knowledge-base commands: `assistant index`, `assistant search`, `assistant stats`, `assistant remove`.

`index` runs phase 1 (parse, chunk, keyword index: everything becomes searchable in seconds) and then phase 2
(vectors, with a progress bar and ETA). Ctrl-C during phase 2 is safe: what is embedded stays embedded and
`assistant index --embed-only` continues. `--no-embed` stops after phase 1 (e.g. to embed later, at night).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


def _open(auto_samples: bool = True):
    from assistant.services.knowledge import open_kb

    return open_kb(auto_samples=auto_samples)


def _console():
    from rich.console import Console

    return Console(stderr=True)


@app.command("index")
def index_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="要加入知识库的文件或目录（.txt/.md/.docx/.pdf）")] = None,
    kind: str = typer.Option("auto", "--kind", help="auto（自动识别）、report（报告类）或 regulation（法规）"),
    prune: bool = typer.Option(False, "--prune", help="从知识库移除所给目录中已不存在的文件"),
    samples: bool = typer.Option(False, "--samples", help="索引自带的示例文书 knowledge/samples"),
    no_embed: bool = typer.Option(False, "--no-embed", help="只建关键词索引，暂不生成向量"),
    embed_only: bool = typer.Option(False, "--embed-only", help="只为尚无向量的片段生成向量（继续上次中断的嵌入）"),
    reembed: bool = typer.Option(False, "--reembed", help="换了嵌入模型后：清空向量并用当前模型全部重新嵌入"),
    batch_size: int = typer.Option(32, "--batch-size", min=1, max=1024, help="每批嵌入的片段数"),
    as_json: bool = typer.Option(False, "--json", help="输出一个 JSON 对象"),
) -> None:
    """把文件加入知识库：先建关键词索引（几秒可检索），再生成向量（可中断、可续跑）。"""
    from assistant.services.knowledge import IndexReport

    if kind not in ("auto", "report", "regulation"):
        fail(AssistantError(f"未知的 --kind：{kind}", hint="可选 auto、report、regulation"))
    targets = list(paths or [])
    from assistant.services.admin import index_lock

    try:
        # One writer per knowledge base: a second `assistant index` waits here, saying so; a failed write
        # (disk full) becomes a clear error (services/admin.py).
        with index_lock(on_wait=lambda msg: typer.echo(msg, err=True)):
            kb = _open(auto_samples=not samples)
            if samples:
                targets.append(kb.samples_dir())
            if not targets and not (embed_only or reembed):
                fail(AssistantError("请给出要索引的文件或目录", hint="例如 assistant index 报告目录/，或 assistant index --samples"))
            console = None if as_json else _console()
            report = IndexReport()
            if reembed:
                kb.reembed()
            if targets and not embed_only:
                try:
                    report = _phase1(kb, targets, kind, prune, console)
                except KeyboardInterrupt:
                    # Each document is committed on its own: what finished is indexed, a rerun does the rest.
                    typer.echo("已中断。已处理完的文件保留在知识库中；重新运行同一命令即可继续。", err=True)
                    raise typer.Exit(130) from None
            if not no_embed:
                _phase2(kb, report, batch_size, console)
            report.pending = kb.pending()
            stats = kb.stats()
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "stats": stats}, ensure_ascii=False))
    else:
        _render_report(report, stats)
    if report.interrupted:
        raise typer.Exit(130)
    raise typer.Exit(1 if report.failed else 0)


def _phase1(kb, targets, kind, prune, console):
    if console is None:
        return kb.index(targets, kind=kind, prune=prune)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("解析与关键词索引"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_file(n: int, total: int, path: str) -> None:
            progress.update(task, completed=n - 1, total=total, description=Path(path).name[:40])

        return kb.index(targets, kind=kind, prune=prune, on_file=on_file)


def _phase2(kb, report, batch_size: int, console) -> None:
    import time

    pending = kb.pending()
    if pending == 0:
        kb.embed_pending()  # nothing to embed: applies deletions still queued for the vector store
        return
    t0 = time.perf_counter()
    try:
        if console is None:
            report.embedded = kb.embed_pending(batch_size=batch_size)
        else:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console.print(f"关键词检索已可用。正在生成向量：{pending} 个片段（可随时 Ctrl-C 中断，之后用 "
                          "`assistant index --embed-only` 继续）", highlight=False)
            with Progress(TextColumn("生成向量"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                          TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(), console=console) as progress:
                task = progress.add_task("", total=pending, rate="")

                def on_progress(done: int, total: int) -> None:
                    report.embedded = done
                    dt = time.perf_counter() - t0
                    rate = f"{done / dt:.1f} 段/秒" if dt > 0 and done else ""
                    progress.update(task, completed=done, total=total, rate=rate)

                report.embedded = kb.embed_pending(batch_size=batch_size, on_progress=on_progress)
    except KeyboardInterrupt:
        report.interrupted = True
    report.phase2_seconds = time.perf_counter() - t0


def _render_report(report, stats) -> None:
    lines = [
        f"新增 {len(report.added)} 个文件，更新 {len(report.updated)}，未变 {len(report.unchanged)}，"
        f"移除 {len(report.removed)}，失败 {len(report.failed)}；新增片段 {report.chunks_added}，"
        f"删除片段 {report.chunks_removed}",
        f"本次生成向量 {report.embedded} 个；知识库共 {stats['documents']} 个文档、{stats['chunks']} 个片段，"
        f"已嵌入 {stats['embedded']}（{stats['embedded_ratio']:.0%}）",
    ]
    if report.interrupted:
        lines.append(f"向量生成已中断，尚余 {stats['pending']} 个片段；运行 `assistant index --embed-only` 继续。"
                     "未嵌入的片段仍可用关键词检索。")
    elif stats["pending"]:
        lines.append(f"尚有 {stats['pending']} 个片段没有向量（关键词检索已可用）；运行 `assistant index --embed-only` 生成。")
    if not (report.added or report.updated or report.unchanged or report.removed or report.failed):
        lines.insert(0, "提示：所给路径中没有找到可加入知识库的文件（支持 .txt、.md、.docx、.pdf）。")
    for line in lines:
        typer.echo(line)
    if report.failed:
        typer.echo("以下文件未能索引：")
        for f in report.failed:
            typer.echo(f"  {f.path}：{f.message}")


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="检索内容，例如“存在的不足和原因”或“安全生产法第二十五条”"),
    k: int = typer.Option(5, "-k", "--k", min=1, max=100, help="返回条数"),
    kind: str | None = typer.Option(None, "--kind", help="report（报告类）或 regulation（法规）"),
    role: str | None = typer.Option(None, "--role", help="章节角色，例如 shortcomings"),
    genre: str | None = typer.Option(None, "--genre", help="文种，例如 法治政府建设年度报告"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文机关"),
    year_from: int | None = typer.Option(None, "--year-from", help="年份下限"),
    year_to: int | None = typer.Option(None, "--year-to", help="年份上限"),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid（默认）、dense 或 bm25"),
    per_doc: int = typer.Option(2, "--per-doc", min=0, help="同一文档最多几条（0 不限）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """在知识库中检索往年报告段落和法规条文。"""
    try:
        kb = _open()
        hits = kb.search(query, k=k, kind=kind, role=role, genre=genre, issuer=issuer, year_from=year_from,
                         year_to=year_to, mode=mode, per_doc=per_doc)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps({"results": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return
    if not hits:
        typer.echo("没有找到相关内容。")
        return
    for i, h in enumerate(hits, 1):
        where = " ".join(x for x in (h.heading_path, h.article) if x)
        tags = " ".join(x for x in (h.kind, h.role, str(h.year or "")) if x)
        typer.echo(f"{i}. [{h.score:.3f}] {h.title}  {where}  （{tags}）")
        text = h.text.replace("\n", " ")
        typer.echo(f"   {text[:160]}{'…' if len(text) > 160 else ''}")


@app.command("stats")
def stats_command(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """知识库概况：文档数、片段数、已生成向量的比例。"""
    try:
        kb = _open()
        stats = kb.stats(with_documents=as_json)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False))
        return
    names = {"report": "报告类", "regulation": "法规"}
    typer.echo(f"知识库：{stats['store']}（向量库：{stats['vector_store']}；嵌入模型：{stats['embedder']}）")
    for kind, v in stats["by_kind"].items():
        typer.echo(f"  {names[kind]}：{v['documents']} 个文档，{v['chunks']} 个片段，已嵌入 {v['embedded']}")
    typer.echo(f"  合计：{stats['chunks']} 个片段，已嵌入 {stats['embedded']}（{stats['embedded_ratio']:.0%}）")
    typer.echo(f"  {stats['law_texts']['label']}（引用核查和查法规用；`assistant laws import 法规目录/` 导入）")
    if stats["pending"]:
        typer.echo(f"  尚未嵌入的 {stats['pending']} 个片段只参与关键词检索；运行 `assistant index --embed-only` 生成向量。")


@app.command("remove")
def remove_command(
    doc: str = typer.Argument(..., help="文档编号（见 stats --json）、文件路径或文档标题"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """从知识库移除文档。"""
    try:
        kb = _open()
        removed = kb.remove(doc)
    except AssistantError as err:
        fail(err)
        return
    if as_json:
        typer.echo(json.dumps({"removed": removed}, ensure_ascii=False))
    else:
        for src in removed:
            typer.echo(f"已移除：{src}")
