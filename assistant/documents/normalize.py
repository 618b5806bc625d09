"""Text normalisation primitives shared by the project: one place for whitespace, zero-width marks, full-width
digits, NFKC and traditional → simplified conversion.

- `normalize_spaces`: what every paragraph read from a file goes through ("2023 年" → "2023年", indentation and
  zero-width marks dropped, separator spaces after 第一条 / dates / markdown markers kept).
- `squeeze_cjk_spaces`: the structure parser's view (every space next to CJK removed, separators included).
- `compact`: the rule matcher's key (no whitespace at all, half-width digits).
- `nfkc`, `to_halfwidth_digits`, `to_simplified` / `count_traditional`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# ---------------------------------------------------------------------------------------------------------
# Whitespace
# ---------------------------------------------------------------------------------------------------------

# A regex, not str.translate: translate with a deletion table is ~20x slower on long Chinese text.
# NUL too: a NUL byte in a text file is debris from a broken editor or transfer, never content.
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00]")
SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# What SPACES.sub(" ", …) changes, without rewriting every single ASCII space (5 MB of "法 法 …" stays fast).
_SPACES_TO_FIX = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}"
                            r"|[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ANY_SPACE = re.compile(r"[^\S\n]")
# CJK ideographs, kana, CJK symbols and punctuation, full-width forms, and the quotes/dashes Chinese text uses.
_CJK_CHARS = (r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
              r"\uff01-\uffef\u2014\u2015\u2018-\u201f\u2026\u00b7\u2460-\u24ff")
_CJK_RE = re.compile(f"[{_CJK_CHARS}]")
# A space right after these prefixes is a separator, not a stray: "第一条 为了…", "## 第一章 总则",
# "2021年8月20日 第十三届…通过" (regulation header lines), markdown markers "# " / "- ".
_KEEP_PREFIX = re.compile(
    r"^(?:#{1,6}[ \t]+|[-*+>][ \t]+)?"
    r"(?:第[零〇○一二三四五六七八九十百千万\d]+[条章节编](?:之[一二三四五六七八九十]+)?"
    r"|第[零〇○一二三四五六七八九十百千万\d]+部分"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?(?=[ \t\u3000\u00a0])"
)
_MD_PREFIX = re.compile(r"^(?:#{1,6}|[-*+>])(?=[ \t])")


_IDEO_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \u00a0]*\u3000[\u3000 \u00a0]*(?=[\u4e00-\u9fff])")


def _is_cjk(c: str) -> bool:
    return bool(_CJK_RE.match(c))


def normalize_spaces(text: str) -> str:
    """Strip (incl. full-width indentation), drop zero-width characters, and remove stray spaces next to CJK:
    "2023 年" → "2023年", "法治政府 建设" → "法治政府建设". Spaces between Latin words stay (collapsed to one)."""
    text = strip_zero_width(text).strip(" \t\f\v\u00a0\u3000")
    # A full-width space typed between two words ("张某某　县长") is deliberate, unlike the ASCII spaces
    # PDF extraction scatters ("2023 年"): treat it like a tab.
    text = _IDEO_GAP.sub("\t", text)
    if "\t" in text:
        # A tab inside a line separates things (发文字号⇥签发人, 印发机关⇥日期): it stays one space.
        return " ".join(normalize_spaces(part) for part in re.split(r"[ \u3000]*\t[\t \u3000]*", text))
    text = _SPACES_TO_FIX.sub(" ", text).strip()
    if " " not in text:
        return text
    m = _KEEP_PREFIX.match(text)
    if m and m.group(0) and not _MD_PREFIX.fullmatch(m.group(0)):
        head = m.group(0)
        md = _MD_PREFIX.match(head)
        if md:  # "## 第一章" → keep the markdown marker and its space, normalise the rest of the prefix
            marker, rest = head[: md.end()], head[md.end():].strip()
            head = f"{marker} {_squeeze(rest)}"
        else:
            head = _squeeze(head)
        return f"{head} {_squeeze(text[m.end():].strip())}"
    md = _MD_PREFIX.match(text)
    if md:
        return f"{text[: md.end()]} {_squeeze(text[md.end():].strip())}"
    return _squeeze(text)


# A single space (runs are collapsed before) with CJK on one side and no Latin letter or table bar "|" on
# either side is stray: "2023 年", "法治政府 建设". One regex pass keeps a 5 MB line linear and fast.
_STRAY = re.compile(rf"(?<=[{_CJK_CHARS}]) (?=[^|A-Za-z ])|(?<=[^|A-Za-z ]) (?=[{_CJK_CHARS}])")


def _squeeze(text: str) -> str:
    return _STRAY.sub("", text) if " " in text else text


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha()




def split_lines(text: str) -> list[str]:
    """Physical lines as an editor numbers them (\\r\\n, \\r or \\n; not the other Unicode separators)."""
    return re.split(r"\r\n|\r|\n", text)


def strip_zero_width(text: str) -> str:
    """Zero-width spaces/joiners, BOM and soft hyphens removed."""
    return _ZERO_WIDTH_RE.sub("", text)


_CJK_CLASS = r"\u3400-\u9fff\uf900-\ufaff"
_STRAY_SPACE = re.compile(rf"(?<=[{_CJK_CLASS}0-9])[^\S\n]+(?=[{_CJK_CLASS}])|(?<=[{_CJK_CLASS}])[^\S\n]+(?=[0-9])")


def squeeze_cjk_spaces(text: str) -> str:
    """Strip, drop zero-width marks and every space between CJK characters and digits, separators included
    ("第一条 为了" → "第一条为了"): the form the structure parser matches on."""
    text = strip_zero_width(text).strip()
    return _STRAY_SPACE.sub("", text) if _ANY_SPACE.search(text) else text


# ---------------------------------------------------------------------------------------------------------
# Character forms
# ---------------------------------------------------------------------------------------------------------

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGITS_DOT = str.maketrans("０１２３４５６７８９．", "0123456789.")
_ALL_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff]+")


def to_halfwidth_digits(text: str) -> str:
    """０-９ → 0-9 (same length, so match offsets stay valid)."""
    return text.translate(_FULLWIDTH_DIGITS)


def compact(text: str | None) -> str:
    """Key for rule matching: no whitespace or zero-width marks at all, half-width digits and ．; brackets and
    colons as written."""
    if not text:
        return ""
    return _ALL_SPACE.sub("", text).translate(_FULLWIDTH_DIGITS_DOT)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width Latin/digits/punctuation → half-width, compatibility characters unified."""
    return unicodedata.normalize("NFKC", text)


# ---------------------------------------------------------------------------------------------------------
# Traditional → simplified
# ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s: characters and phrases); simplified text is unchanged."""
    return _t2s().convert(text) if text else text


def to_simplified_same_length(text: str) -> str:
    """Like `to_simplified`, but guaranteed to keep every character's offset (a phrase conversion that changes
    the length falls back to character-by-character conversion), so spans found in the result can be cut from
    the original too."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    chars = [to_simplified(c) for c in text]
    return "".join(c if len(c) == 1 else o for c, o in zip(chars, text, strict=True))


def count_traditional(text: str) -> tuple[int, int]:
    """(characters OpenCC would change, Chinese characters) in `text`."""
    converted = to_simplified_same_length(text)
    changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    hanzi = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")
    return changed, hanzi
