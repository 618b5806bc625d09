"""Law / regulation text → `Regulation`: title, header lines (dates and events), articles with their 编/章/节 path.

Reads LawRefBook Markdown (a `<!-- INFO END -->` header, `#` headings) and plain text / .docx from the national
law database (bracketed history lines, a 目录 block that is skipped). All numbering patterns come from
`assistant.documents.numbering`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents.normalize import squeeze_cjk_spaces
from assistant.documents.numbering import (
    ARTICLE_START_RE,
    REG_HEADING_RANK,
    REG_HEADING_RE,
    cn_to_int,
    format_article,
)
from assistant.documents.paragraphs import as_paragraphs, normalized_of
from assistant.models import Article, Paragraph, Regulation, SourceText

_MD_HEADING_RE = re.compile(r"^(#{1,6})\s*(.*)$")
_INFO_END = "<!-- INFO END -->"
_SPACES_RE = re.compile(r"[^\S\n]+")
_HEADING_PUNCT_RE = re.compile("[。；，]")


def _normalise_reg_heading(text: str) -> str:
    text = text.strip()
    m = REG_HEADING_RE.match(text)
    if m:
        name = _SPACES_RE.sub("", m["name"])
        return f"第{m['num']}{m['kind']} {name}".strip()
    return _SPACES_RE.sub("", text)


def _reg_heading(text: str) -> tuple[int, str] | None:
    """(rank, heading) of a 编/章/节 heading line (Markdown "#" or plain "第一章 总则"), else None."""
    md = _MD_HEADING_RE.match(text)
    if md:
        return len(md[1]), _normalise_reg_heading(md[2])
    hm = REG_HEADING_RE.match(text)
    if hm and len(text) <= 40 and not _HEADING_PUNCT_RE.search(text):
        return REG_HEADING_RANK[hm["kind"]] + 1, _normalise_reg_heading(text)
    return None


def _parse_header(lines: list[tuple[Paragraph, str]], reg: Regulation) -> int:
    """Title and history lines; returns the index of the first line after them."""
    m = _MD_HEADING_RE.match(lines[0][1])
    reg.title = squeeze_cjk_spaces(m[2] if m else lines[0][1])
    info_end = next((k for k, (_, t) in enumerate(lines[:200]) if t == _INFO_END), None)
    if info_end is not None:
        reg.history = [t for _, t in lines[1:info_end]]
        return info_end + 1
    # Plain text: bracketed header lines right after the title; a 目录 block is skipped by the caller.
    start = 1
    while start < len(lines) and re.fullmatch(r"[（(].*[）)]", lines[start][1]) and not ARTICLE_START_RE.match(
            lines[start][1]):
        reg.history.append(lines[start][1].strip("（）()"))
        start += 1
    return start


@dataclass
class _Reader:
    """State while walking the body: the heading path, the current article, the 目录 being skipped."""

    reg: Regulation
    path: list[tuple[int, str]] = field(default_factory=list)
    current: Article | None = None
    last: tuple[int, int] = (0, 0)
    toc_first: str | None = None
    in_toc: bool = False

    def skip_toc(self, heading: tuple[int, str] | None) -> bool:
        """True while inside the 目录 block: it ends where its first entry appears again."""
        if not self.in_toc:
            return False
        if heading is None:
            self.in_toc = False
            return False
        if self.toc_first is None:
            self.toc_first = heading[1]
            return True
        if heading[1] != self.toc_first:
            return True
        self.in_toc = False  # the first TOC entry again: the body starts here
        return False

    def heading(self, rank: int, text: str) -> None:
        if not text:
            return  # an empty "##" line in the source
        while self.path and self.path[-1][0] >= rank:
            self.path.pop()
        self.path.append((rank, text))
        self.current = None

    def article(self, p: Paragraph, text: str) -> bool:
        """Start an article when the line opens the next one in sequence (or a well-formed later one)."""
        am = ARTICLE_START_RE.match(text)
        if not am:
            return False
        index = cn_to_int(am["num"]) or 0
        suffix = (cn_to_int(am["suffix"]) if am["suffix"] else 0) or 0
        strict = am["di"] == "第" and not am["gap"] and am["sep"] is not None
        key = (index, suffix)
        expected = {(self.last[0] + 1, 0), (self.last[0], self.last[1] + 1)}
        if not index or not ((strict and key > self.last) or key in expected):
            return False
        self.current = Article(number=format_article(index, suffix), index=index,
                               chapter_path=[h for _, h in self.path], text=text[am.end():].strip(), line=p.line,
                               suffix=suffix)
        self.reg.articles.append(self.current)
        self.last = key
        return True


def parse_regulation(src: SourceText | str) -> Regulation:
    """Parse a law / regulation: LawRefBook Markdown or plain text / docx from the national law database.

    Articles start only at paragraph starts ("第十条 …"), never at "依照本法第十条规定" inside a text; a marker
    without the space after 条, with a space inside ("第一百二十八 条") or with the typo 笫 is accepted only
    when it is the next number in sequence."""
    paras, path = as_paragraphs(src)
    lines = [(p, p.text.strip().strip("\ufeff").strip()) for p in paras]
    lines = [(p, t) for p, t in lines if t]
    reg = Regulation(title="", source=path, normalized=normalized_of(src))
    if not lines:
        return reg
    reader = _Reader(reg)
    for p, text in lines[_parse_header(lines, reg):]:
        if text == _INFO_END:
            continue
        if not _MD_HEADING_RE.match(text) and _SPACES_RE.sub("", text) in ("目录", "目次"):
            reader.in_toc, reader.toc_first = True, None
            continue
        heading = _reg_heading(text)
        if reader.skip_toc(heading):
            continue
        if heading is not None:
            reader.heading(*heading)
        elif not reader.article(p, text) and reader.current is not None:
            reader.current.text = f"{reader.current.text}\n{text}" if reader.current.text else text
    return reg


def is_regulation(src: SourceText | str) -> bool:
    """A law / regulation rather than a 公文: LawRefBook header marker, or at least three paragraphs that start
    with articles numbered in sequence from 第一条."""
    paras, _ = as_paragraphs(src)
    if any(p.text.strip() == _INFO_END for p in paras[:200]):
        return True
    last, count = (0, 0), 0
    for p in paras:
        am = ARTICLE_START_RE.match(p.text.strip())
        if not am:
            continue
        index = cn_to_int(am["num"]) or 0
        suffix = (cn_to_int(am["suffix"]) if am["suffix"] else 0) or 0
        if (index, suffix) in {(last[0] + 1, 0), (last[0], last[1] + 1)}:
            last, count = (index, suffix), count + 1
            if count >= 3:
                return True
    return False
