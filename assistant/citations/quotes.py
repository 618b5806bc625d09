"""A quoted passage (“…”) after an article reference, compared with the article's text."""

from __future__ import annotations

import difflib
import re

from assistant.citations.citation import Citation
from assistant.citations.extraction import ArticleRef
from assistant.citations.messages import CitationRules

_PUNCT_MAP = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
_OPS = {"replace": "改", "delete": "漏", "insert": "多"}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_PUNCT_MAP)


def _describe(d: dict[str, str]) -> str:
    if d["op"] == "改":
        return f"原文“{d['article']}”引作“{d['quote']}”"
    return f"漏了“{d['article']}”" if d["op"] == "漏" else f"多了“{d['quote']}”"


def compare_quote(c: Citation, ref: ArticleRef, article: str, quote: str, rules: CitationRules) -> None:
    a, q = _plain(article), _plain(quote)
    if q and q in a:
        c.quote_diff = []
        return
    sm = difflib.SequenceMatcher(None, a, q, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        c.add_finding(rules.finding("quote_unrelated", title=c.resolved_title, article=ref.label))
        return
    # The stretch of the article the quote corresponds to.
    lo = max(0, blocks[0].a - blocks[0].b)
    hi = min(len(a), blocks[-1].a + blocks[-1].size + (len(q) - blocks[-1].b - blocks[-1].size))
    window = a[lo:hi]
    sm = difflib.SequenceMatcher(None, window, q, autojunk=False)
    diff = [{"op": _OPS[tag], "article": window[i1:i2], "quote": q[j1:j2]}
            for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]
    c.quote_diff = diff
    shown = "；".join(_describe(d) for d in diff[:5]) + (f"等{len(diff)}处" if len(diff) > 5 else "")
    ratio = sm.ratio()
    lead = "引文与原文差异较大，可能引错条文" if ratio < 0.5 else "引文与原文不一致"
    c.add_finding(rules.finding("quote_differs", lead=lead, title=c.resolved_title, article=ref.label, shown=shown,
                                fix=f"按原文改正：“{window}”" if ratio >= 0.5 else ""))
