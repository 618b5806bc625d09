"""Extraction: every 《…》 of a text with what follows it — nested 《》/〈〉 inside, an optional version
(（2017年修正）), a 发文字号, a “（以下简称《X》）” declaration, article references (第X条, 第X条第Y款第Z项,
第X条至第Y条, 第X条、第Y条; Arabic or Chinese numerals, simplified or traditional 條) and a “quoted passage”
right after the article.

Linear in the length of the text: brackets are paired in one pass, so 20,000 unclosed 《 cost no more than
20,000 ordinary characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.normalize import to_simplified_same_length
from assistant.documents.numbering import (
    CITED_ARTICLE_MORE_RE,
    CITED_ARTICLE_RANGE_RE,
    CITED_ARTICLE_RE,
    cn_to_int,
    format_article,
)
from assistant.models import Paragraph

MAX_TITLE = 200  # a 《 not closed within this many characters opens no citation
_LOOKAHEAD = 900  # characters after 》 searched for version, declaration, articles and quote

_VERSION_AFTER_RE = re.compile(r"\s*[（(]\s*(?P<y>\d{4})\s*年?\s*(?P<w>修正|修订|修正本|修订本|版)\s*[)）]")
_DOCNO_AFTER_RE = re.compile(r"\s*[（(][^（()）]{1,20}[〔\[［(（]\s*\d{4}\s*[〕\]］)）][^（()）]{0,8}号[)）]")
_DECL_RE = re.compile(r"\s*[（(，,]?\s*(?:以下|下文|下)简称\s*(?:为)?\s*(?:《(?P<t>[^《》]{1,40})》|“(?P<q>[^“”]{1,40})”)\s*[)）]?")
_QUOTE_RE = re.compile(r"(?P<lead>[^“”。；;！？\n]{0,12}?)[：:，,]?\s*“(?P<q>[^“”]{2,800})”")
_BRACKETS_RE = re.compile(r"[《》\n。]")


@dataclass
class ArticleRef:
    text: str  # as written: 第二十五条第一款
    index: int
    suffix: int = 0
    clause: int | None = None
    item: int | None = None
    end_index: int | None = None  # 第X条至第Y条

    @property
    def label(self) -> str:
        return format_article(self.index, self.suffix)


@dataclass
class RawCitation:
    title: str
    text: str
    line: int | None
    version_year: int | None
    refs: list[ArticleRef]
    quote: str | None
    declared: str | None
    doc_number: str | None = None  # （国发〔2015〕28号） written after the title


def _num(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


def pair_brackets(text: str, limit: int = MAX_TITLE) -> dict[int, int]:
    """{index of 《: index of its 》} for every 《 closed within `limit` characters, nested pairs included.
    A line end or 。 ends every open 《. One pass with a stack."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACKETS_RE.finditer(text):
        ch, i = m.group(), m.start()
        if ch == "《":
            stack.append(i)
        elif ch == "》":
            if stack:
                start = stack.pop()
                if i - start <= limit:
                    pairs[start] = i
        else:
            stack.clear()
    return pairs


def _parse_refs(rest: str) -> tuple[list[ArticleRef], int]:
    m = CITED_ARTICLE_RE.match(rest)
    if not m:
        return [], 0
    first = ArticleRef(text=m.group(0).strip().removeprefix("的"), index=_num(m["a"]) or 0, suffix=_num(m["s"]) or 0,
                       clause=_num(m["c"]), item=_num(m["i"] or m["i2"] or m["i3"]))
    refs = [first]
    pos = m.end()
    r = CITED_ARTICLE_RANGE_RE.match(rest, pos)
    if r:
        first.end_index = _num(r["a"])
        first.text += r.group(0).strip()
        pos = r.end()
    while True:
        more = CITED_ARTICLE_MORE_RE.match(rest, pos)
        if not more:
            break
        refs.append(ArticleRef(text=more.group(0).strip().lstrip("、和及以，").strip(), index=_num(more["a"]) or 0,
                               suffix=_num(more["s"]) or 0, clause=_num(more["c"]), item=_num(more["i"] or more["i2"])))
        pos = more.end()
    return [x for x in refs if x.index > 0], pos


def _after_title(rest: str) -> tuple[int, int | None, str | None, str | None]:
    """(characters used, version year, 发文字号, declared short name) right after a 》."""
    pos, version, docno, declared = 0, None, None, None
    m = _VERSION_AFTER_RE.match(rest)
    if m:
        version, pos = int(m["y"]), m.end()
    m = _DOCNO_AFTER_RE.match(rest, pos)
    if m:
        docno, pos = m.group(0).strip()[1:-1], m.end()
    m = _DECL_RE.match(rest, pos)
    if m:
        declared, pos = (m["t"] or m["q"]).strip(), m.end()
    return pos, version, docno, declared


def _extract_paragraph(para: Paragraph) -> list[RawCitation]:
    text = para.text
    # Article numbers are read from the simplified text (第二十一條 → 第二十一条); offsets are the same.
    simple = to_simplified_same_length(text) if not text.isascii() else text
    pairs = pair_brackets(text)
    out: list[RawCitation] = []
    i = 0
    for start in sorted(pairs):
        if start < i:
            continue  # inside an earlier citation (nested 《》, or its declaration)
        end = pairs[start]
        title = text[start + 1:end]
        i = end + 1
        if not title.strip():
            continue
        rest = simple[i:i + _LOOKAHEAD]
        pos, version, docno, declared = _after_title(rest)
        refs, used = _parse_refs(rest[pos:])
        pos += used
        quote = None
        if refs:
            q = _QUOTE_RE.match(text[i:i + _LOOKAHEAD], pos)
            if q:
                quote = q["q"]
        out.append(RawCitation(title=title, text=text[start:i + pos], line=para.line, version_year=version,
                               refs=refs, quote=quote, declared=declared, doc_number=docno))
        # Past the version, 发文字号, declaration (its 《X》 names this citation) and article references.
        i += pos
    return out


def extract(paragraphs: list[Paragraph]) -> list[RawCitation]:
    """Every 《…》 of the text, in order, with what follows it."""
    out: list[RawCitation] = []
    for para in paragraphs:
        if "《" in para.text:
            out += _extract_paragraph(para)
    return out
