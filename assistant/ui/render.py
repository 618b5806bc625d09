"""Rendering of service results for the browser. Everything from documents is escaped: text from documents and
the knowledge base is data, shown as written (an <img> in indexed text must never make the browser fetch)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from assistant.errors import AssistantError
from assistant.services.citing import KIND_LABELS, MATCH_LABELS


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def chat_safe(text: str) -> str:
    """Chat bubbles render HTML even with Markdown off (an <img> there would be fetched from its host): the
    text goes in escaped, so it shows as written. Already-shown history is not escaped again."""
    return html.escape(text, quote=False)


def error_html(err: AssistantError | str) -> str:
    return f'<div class="gw-error">错误：{esc(err)}</div>'


def message_html(text: str) -> str:
    return f"<div>{esc(text)}</div>"


def report_html(report: Any) -> str:
    """The checker's report as a Chinese checklist: genre, sections found/missing, findings by severity."""
    parts = ['<div class="gw-report">']
    if getattr(report, "title", None):
        parts.append(f"<div>标题：{esc(report.title)}</div>")
    genre = report.genre["name"] if report.genre else "未识别（只检查通用格式）"
    parts.append(f"<div>文种：{esc(genre)}</div>")
    parts.append(f"<div><b>合计：{esc(report.counts_text())}</b></div>")
    for sev, label, items in report.groups():
        parts.append(f'<h4 class="gw-sev-{sev}">{label}（{len(items)}）</h4><ul>')
        for f in items:
            parts.append(f'<li><span class="gw-sev-{sev}">[{label}]</span> {f.where}：{esc(f.message)}')
            if f.fix:
                parts.append(f'<div class="gw-fix">修改：{esc(f.fix)}</div>')
            if f.source:
                parts.append(f'<div class="gw-basis">依据：{esc(f.source)}</div>')
            parts.append("</li>")
        parts.append("</ul>")
    if not report.findings:
        parts.append("<div>未发现问题。</div>")
    parts.append("</div>")
    return "".join(parts)


def sections_html(report: Any) -> str:
    if not report.genre:
        return "<div>未识别文种，无法核对必备部分；可在“文种”中手动指定后重新检查。</div>"
    rows = []
    for s in report.sections:
        kind = "必备" if s.required else "可选"
        if s.found:
            state = f"✓ 已找到：第{s.line}行 {esc(s.heading or '')}"
        elif s.status == "uncertain":
            state = f"? 未能确认，请人工核对：第{s.line}行 {esc(s.heading or '')}"
        else:
            state = "✗ 缺少" if s.required else "– 未写（可选）"
        rows.append(f"<li>{esc(s.name)}（{kind}）— {state}</li>")
    missing = [s.name for s in report.missing if s.status == "missing"]
    head = f"<div><b>缺少的必备部分：</b>{esc('、'.join(missing))}</div>" if missing else \
        "<div><b>必备部分齐全。</b></div>"
    return f'<div class="gw-report">{head}<ul>{"".join(rows)}</ul></div>'


def citation_rows(citations: Sequence[Any]) -> list[list[str]]:
    """One row per citation: 原文, 规范名称, 匹配方式, 类别, 状态, 说明, 条文."""
    rows = []
    for c in citations:
        d = c.to_dict() if hasattr(c, "to_dict") else dict(c)
        status = d.get("status") or ""
        if d.get("in_force") is False and d.get("replaced_by"):
            status = f"{status}（已由《{d['replaced_by']}》取代）"
        note = d.get("message") or ""
        if d.get("suggestion") and d["suggestion"] not in note:
            note = f"{note} 建议：{d['suggestion']}".strip()
        article = d.get("article") or ""
        if d.get("article_text"):
            article = f"{article}：{d['article_text']}"
        rows.append([
            d.get("text") or "", d.get("resolved_title") or "（未匹配）",
            MATCH_LABELS.get(d.get("match") or "none", d.get("match") or ""),
            KIND_LABELS.get(d.get("kind") or "unknown", d.get("kind") or ""), status, note, article,
        ])
    return rows



def _message_text(content: Any) -> str:
    """Gradio 6 message content is a string or a list of {"type": "text", "text": …} parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return "".join(_message_text(c) for c in content)
    return "" if content is None else str(content)


def normalize_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    out = []
    for m in history or []:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "role", None)
        content = m.get("content") if isinstance(m, dict) else getattr(m, "content", None)
        if role in ("user", "assistant"):
            out.append({"role": role, "content": _message_text(content)})
    return out


def source_rows(sources: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [[str(s.get("title") or ""), str(s.get("role") or ""), str(s.get("year") or ""),
             str(s.get("source") or "")] for s in sources]


def warning_rows(warnings: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [[str(w.get("kind") or ""), str(w.get("text") or ""), str(w.get("message") or "")] for w in warnings]


