"""Domain types shared by every step: documents → structure → index → retrieval → draft | check | cite.

Glossary: genre=文种, issuer=发文机关, doc_number=发文字号, signer=签发人, recipients=主送机关,
cc=抄送机关, print_line=印发机关和印发日期, notes=附注, role=章节角色, article=条, clause=款, item=项.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    """One logical paragraph of a source file, after line-wrap repair.

    `line` is the 1-based line in the original file where the paragraph starts (for .docx: the paragraph
    number), so every finding can point the user at their own file.
    """

    text: str
    line: int
    style: str | None = None  # .docx paragraph style name (e.g. "Heading 1"), when known
    original: str | None = None  # the user's own text when normalisation changed it (繁体 → 简体), for display


@dataclass(frozen=True)
class SourceText:
    """What `documents.read_document` returns: the paragraphs of one file and how it was decoded."""

    paragraphs: list[Paragraph]
    path: str | None = None
    format: str = "txt"  # txt | md | docx | pdf | text (given inline)
    encoding: str | None = None
    normalized: list[str] = field(default_factory=list)  # what the normalisation step of reading did (Chinese)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class Section:
    """A heading of the body (正文) and everything under it, by 层次序数 (一、 / （一） / 1. / （1）)."""

    level: int  # 1 = 一、  2 = （一）  3 = 1.  4 = （1）
    number: str  # the 序数 as written, normalised: "一、", "（一）", "1.", "（1）"
    heading: str  # heading text without the number ("存在的不足和原因")
    line: int
    role: str | None = None  # 章节角色, filled by genres.classify_sections
    paragraphs: list[Paragraph] = field(default_factory=list)  # body directly under the heading
    children: list[Section] = field(default_factory=list)
    # A heading that runs on into its first sentence ("1.加强领导。全年召开……") keeps that sentence here.
    inline_text: str = ""

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def body_text(self) -> str:
        """All text under this heading, children included, without the heading line itself."""
        parts = [self.inline_text] if self.inline_text else []
        parts += [p.text for p in self.paragraphs]
        for child in self.children:
            parts.append(child.full_text())
        return "\n".join(x for x in parts if x)

    def full_text(self) -> str:
        return f"{self.number}{self.heading}\n{self.body_text()}".rstrip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "number": self.number,
            "heading": self.heading,
            "line": self.line,
            "role": self.role,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class OfficialDocument:
    """A parsed 公文 / report: 版头, 主体, 版记 and the section tree of the body."""

    title: str | None = None
    title_line: int | None = None
    issuer_mark: str | None = None  # 发文机关标志 ("××文件")
    doc_number: str | None = None
    doc_number_line: int | None = None
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    recipients_line: int | None = None
    preamble: list[Paragraph] = field(default_factory=list)  # body before the first heading
    sections: list[Section] = field(default_factory=list)
    closing: str | None = None  # 特此报告。/ 妥否，请批示。
    closing_line: int | None = None
    attachments: list[str] = field(default_factory=list)  # 附件说明
    issuer: str | None = None  # 发文机关署名
    date: str | None = None  # 成文日期 as written (normalised spaces)
    date_line: int | None = None
    notes: str | None = None  # 附注, with its brackets
    notes_line: int | None = None
    cc: list[str] = field(default_factory=list)
    cc_line: int | None = None
    cc_raw: str | None = None
    print_line: str | None = None  # 印发机关和印发日期, e.g. "××综合科 2024年2月26日印发"
    print_org: str | None = None
    print_date: str | None = None
    print_line_no: int | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)  # every paragraph, for line-based checks
    source: str | None = None
    normalized: list[str] = field(default_factory=list)  # SourceText.normalized of the text parsed

    def iter_sections(self):
        for s in self.sections:
            yield from s.iter()

    @property
    def body_text(self) -> str:
        parts = [p.text for p in self.preamble] + [s.full_text() for s in self.sections]
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "signer": self.signer,
            "recipients": list(self.recipients),
            "date": self.date,
            "attachments": list(self.attachments),
            "notes": self.notes,
            "cc": list(self.cc),
            "print_line": self.print_line,
            "issuer_mark": self.issuer_mark,
            "closing": self.closing,
            "sections": [s.to_dict() for s in self.sections],
            "normalized": list(self.normalized),
        }


@dataclass
class Article:
    """One 条 of a regulation."""

    number: str  # "第一条", "第十条之一"
    index: int  # 1-based article number (第十条之一 → 10)
    chapter_path: list[str]  # ["第一章 总则"] or ["第二编 物权", "第一章 一般规定", "第一节 ..."]
    text: str  # full text of the article, without the "第X条" prefix
    line: int
    suffix: int = 0  # 之一 → 1

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "chapter_path": list(self.chapter_path), "text": self.text, "line": self.line}


@dataclass
class Regulation:
    """A parsed law / regulation: title, header lines (dates and events), articles."""

    title: str
    articles: list[Article] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    source: str | None = None
    normalized: list[str] = field(default_factory=list)  # SourceText.normalized of the text parsed

    def article(self, index: int, suffix: int = 0) -> Article | None:
        for a in self.articles:
            if a.index == index and a.suffix == suffix:
                return a
        return None

    @property
    def max_article(self) -> int:
        return max((a.index for a in self.articles), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "articles": [a.to_dict() for a in self.articles],
                "normalized": list(self.normalized)}


def as_dict(obj: Any) -> dict[str, Any]:
    """Dataclass → plain dict (for --json output of types without their own to_dict)."""
    return asdict(obj)
