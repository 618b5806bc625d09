"""The chat's replies as Markdown: the same text the page shows and the /chat API returns.

Everything that comes from a document, the knowledge base or a model is escaped, so a Markdown image or link
in indexed text is shown as written and never makes the browser fetch anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.services.citing import KIND_LABELS, MATCH_LABELS, CiteResult

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
IMPORT_HOW = ("可以在“知识库”页上传法规文件，或在命令行运行 "
              "`assistant index 法规目录/ --kind regulation`（或 `assistant laws import 法规目录/`）导入后再问。")
IMPORT_HINT = "本机还没有这部法规的原文。" + IMPORT_HOW
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def md(text: Any) -> str:
    """Escape Markdown and HTML syntax in untrusted text (documents, knowledge base, model output)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def cell(text: Any, limit: int = 120) -> str:
    s = re.sub(r"\s+", " ", "" if text is None else str(text)).strip()
    return md(s if len(s) <= limit else s[:limit] + "…")


def plain(text: str) -> str:
    """A streamed draft: escaped, line breaks kept."""
    return md(text).replace("\n", "  \n")


def quote(text: str) -> str:
    return "\n".join(f"> {md(line)}" if line.strip() else ">" for line in text.strip().splitlines())


# --- check ------------------------------------------------------------------------------------------------------


def check_reply(report: Any) -> str:
    parts = [f"**文种**：{md(report.genre['name']) if report.genre else '未识别（只检查通用格式）'}"]
    if report.title:
        parts[0] += f"　**标题**：{md(report.title)}"
    missing = [s for s in report.sections if s.required and s.status == "missing"]
    unsure = [s for s in report.sections if s.required and s.status == "uncertain"]
    found = [s for s in report.sections if s.status == "found"]
    if report.genre:
        if missing:
            parts.append("**缺少的必备部分**\n" + "\n".join(
                f"- {md(s.name)}" + (f"（依据：{md(s.source)}）" if s.source else "") for s in missing))
        else:
            parts.append("**必备部分齐全。**" if not unsure else "**没有确认缺少的必备部分。**")
        if unsure:
            parts.append("**未能确认的部分（请人工核对）**\n" + "\n".join(
                f"- {md(s.name)}" + (f"：最接近的是第{s.line}行“{cell(s.heading, 40)}”" if s.line else "")
                for s in unsure))
        if found:
            parts.append("**已找到**：" + "；".join(
                f"{md(s.name)}（第{s.line}行）" if s.line else md(s.name) for s in found))
    # Missing parts and citations have their own lists above and below.
    findings = [f for f in report.findings
                if not f.rule.startswith("citation") and f.rule not in ("section.missing", "section.uncertain")]
    if findings:
        rows = ["| 位置 | 级别 | 问题 | 修改建议 | 依据 |", "|---|---|---|---|---|"]
        rows += [f"| {f.where} | {SEVERITY.get(f.severity, f.severity)} | {cell(f.message)} | {cell(f.fix)} | "
                 f"{cell(f.source, 60)} |" for f in findings]
        parts.append(f"**格式和用语**（{report.counts_text()}）\n\n" + "\n".join(rows))
    elif not missing:
        parts.append("格式和用语：未发现问题。")
    problems = [c for c in report.citations if c.severity]
    if problems:
        parts.append("**法规引用**\n" + "\n".join(_citation_line(c) for c in problems))
    return "\n\n".join(parts)


# --- cite and look up -------------------------------------------------------------------------------------------


def _citation_line(c: Any) -> str:
    head = f"- 第{c.line}行 {md(c.text)}" if c.line else f"- {md(c.text)}"
    if c.resolved_title:
        head += f" → 《{md(c.resolved_title)}》（{MATCH_LABELS.get(c.match, c.match)}，{KIND_LABELS.get(c.kind, c.kind)}"
        head += f"，{md(c.status)}）" if c.status else "）"
    elif c.suggestion:
        head += f" → 建议改为《{md(c.suggestion)}》" + (f"（{md(c.suggestion_reason)}）" if c.suggestion_reason else "")
    if c.replaced_by:
        head += f"；已由《{md(c.replaced_by)}》取代"
    if c.message:
        head += f"\n  {SEVERITY.get(c.severity or '', '')}：{md(c.message)}"
    return head


def cite_reply(result: CiteResult) -> str:
    if not result.citations:
        return "没有找到书名号《》引用。"
    counts = result.counts()
    date_note = f"按{result.date_from} {md(result.date)} 判断效力" if result.date else "按今天判断效力"
    lines = [f"共 {len(result.citations)} 处引用：错误 {counts['error']}，警告 {counts['warning']}，"
             f"提示 {counts['info']}（{date_note}）。"]
    for c in result.citations:
        line = _citation_line(c)
        if not c.severity:
            line += " ✓"
        if c.article and c.article_text:
            line += f"\n  {md(c.article)}：{cell(c.article_text, 200)}"
        lines.append(line)
    return "\n".join(lines)


def lookup_reply(citations: Sequence[Any], kb_hits: dict[str, Any]) -> str:
    parts = []
    for c in citations:
        title = c.resolved_title or c.suggestion or c.title_as_written
        status = f"（{md(c.status)}）" if c.status else ""
        head = f"**《{md(title)}》{md(c.article)}**{status}"
        if c.resolved_title and c.resolved_title != c.title_as_written and c.match != "short_title":
            head += f"\n\n原文写作《{md(c.title_as_written)}》，规范名称为《{md(c.resolved_title)}》。"
        if c.replaced_by:
            head += f"\n\n注意：该法规已由《{md(c.replaced_by)}》取代。"
        hit = kb_hits.get(c.text)
        if c.article_text:
            parts.append(f"{head}\n\n{quote(c.article_text)}\n\n来源：本机法规原文库（导入的法规文本）")
        elif hit is not None:
            parts.append(f"{head}\n\n{quote(hit.text)}\n\n来源：知识库 {md(hit.source)}")
        else:
            parts.append(f"{head}\n\n{md(c.text_hint) if c.text_hint else IMPORT_HINT}")
    return "\n\n---\n\n".join(parts)


def question_reply(query: str, hits: Sequence[Any], has_laws: bool) -> str:
    if not has_laws:
        return "知识库里还没有法规原文，无法按问题查找条文。" + IMPORT_HOW
    if not hits:
        return f"没有找到与“{cell(query, 40)}”相关的法规条文。可以换个说法，或直接写出法规名称和条号。"
    parts = [f"与“{cell(query, 40)}”最相关的条文："]
    for i, h in enumerate(hits, 1):
        parts.append(f"{i}. **《{md(h.title)}》{md(h.article)}**（来源：{md(h.source)}）\n\n{quote(h.text)}")
    parts.append("以上按相关程度排列，请以法规原文为准。")
    return "\n\n".join(parts)


# --- drafting ---------------------------------------------------------------------------------------------------


def draft_reply(result: Any, offline_note: str | None) -> str:
    parts = [plain(result.text)]
    if result.sources:
        parts.append("**参考的往年范文**（只学习文风，内容以您的材料为准）\n" + "\n".join(
            f"- {md(s.get('title'))}（{md(s.get('year') or '年份不详')}）{md(s.get('source') or '')}"
            for s in result.sources))
    warnings = [w for w in result.warnings if w.get("kind") != "masked"]
    if warnings:
        parts.append("**核对提示**\n" + "\n".join(f"- ⚠ {md(w.get('message'))}" for w in warnings))
    if offline_note:
        parts.append(f"_{md(offline_note)}_")
    return "\n\n".join(parts)
