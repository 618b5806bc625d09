#!/usr/bin/env python
"""Generate the citation slip dev set from the catalog: benchmarks/cite_generated.jsonl.

    python benchmarks/cite_gen.py [--per-category 200] [--seed 11]

Categories: homophone (one character replaced by a same-pinyin one, anywhere in the title), missing / extra /
swapped (one character), generic (管理/暂行/实施/保障 added or dropped), traditional (title and article number in
traditional characters, OpenCC s2t), edition (an edition family named without its edition, dated inside one
edition's range); the correct citations (every title and short title in force, for false alarms) are made by
`correct_cases` when the set is evaluated. Each case is put in the
"tune" or "holdout" half by a hash of its text, so the split does not move when the set is regenerated.
Deterministic for a given catalog and seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.citations.catalog import (  # noqa: E402
    PRC,
    Catalog,
    CatalogEntry,
    load_catalog,
    normalize_title,
    parse_date,
)
from assistant.citations.slips import readings  # noqa: E402
from assistant.documents.numbering import format_article  # noqa: E402

OUT = ROOT / "benchmarks" / "cite_generated.jsonl"
GENERIC = ("管理", "暂行", "实施", "保障")
KINDS = ("law", "administrative_regulation")
WHEN = "2026年12月1日"  # after the laws of 2025 took effect


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def split_of(text: str) -> str:
    return "holdout" if hashlib.sha1(text.encode("utf-8")).digest()[0] % 2 else "tune"


SUFFIXES = ("条例", "规定", "办法", "细则", "决定", "规则", "法")
_TAIL_RE = re.compile(r"[（(][^（()）]*[)）]$")


def _body(title: str) -> tuple[str, str]:
    """(prefix kept as is, the part a slip may touch): 中华人民共和国 is left alone."""
    pre = PRC if title.startswith(PRC) else ""
    return pre, title[len(pre):]


def _split(title: str) -> tuple[str, str, str] | None:
    """(prefix, middle, tail): slips touch only the middle — not 中华人民共和国, not the final 条例 / 规定 / 法
    (people do not drop those) and not a bracketed tail （八） / （试行）."""
    pre, body = _body(title)
    if _TAIL_RE.search(body):
        return None
    suffix = next((x for x in SUFFIXES if body.endswith(x)), None)
    if suffix is None or len(body) - len(suffix) < 4:
        return None
    return pre, body[: -len(suffix)], suffix


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.catalog = load_catalog(path=ROOT / "knowledge" / "regulations" / "catalog.jsonl")
        self.names = {normalize_title(n) for e in self.catalog.entries
                      for n in (e.title, *e.short_titles, *e.aliases, *e.abbreviations)}
        pool = sorted({ch for e in self.catalog.entries for ch in e.title if "\u4e00" <= ch <= "\u9fff"})
        self.by_reading: dict[str, list[str]] = {}
        for ch in pool:
            for r in readings(ch):
                self.by_reading.setdefault(r, []).append(ch)
        self.entries = sorted((e for e in self.catalog.entries if e.kind in KINDS and e.status == "现行有效"
                               and len(_body(e.title)[1]) >= 5), key=lambda e: e.title)

    def _new(self, title: str) -> bool:
        """A slip that happens to be another catalog name is not a slip."""
        return normalize_title(title) not in self.names

    def homophone(self, e: CatalogEntry) -> str | None:
        parts = _split(e.title)
        if parts is None:
            return None
        pre, mid, suf = parts
        for _ in range(10):
            i = self.rng.randrange(len(mid))
            options = sorted({c for r in readings(mid[i]) for c in self.by_reading.get(r, []) if c != mid[i]})
            if options:
                slip = pre + mid[:i] + self.rng.choice(options) + mid[i + 1:] + suf
                if self._new(slip):
                    return slip
        return None

    def missing(self, e: CatalogEntry) -> str | None:
        parts = _split(e.title)
        if parts is None:
            return None
        pre, mid, suf = parts
        i = self.rng.randrange(len(mid))
        slip = pre + mid[:i] + mid[i + 1:] + suf
        return slip if self._new(slip) else None

    def extra(self, e: CatalogEntry) -> str | None:
        parts = _split(e.title)
        if parts is None:
            return None
        pre, mid, suf = parts
        i = self.rng.randrange(len(mid))
        slip = pre + mid[:i] + mid[i] + mid[i:] + suf  # a doubled character, the commonest extra one
        return slip if self._new(slip) else None

    def swapped(self, e: CatalogEntry) -> str | None:
        parts = _split(e.title)
        if parts is None:
            return None
        pre, mid, suf = parts
        i = self.rng.randrange(len(mid) - 1)
        if mid[i] == mid[i + 1]:
            return None
        slip = pre + mid[:i] + mid[i + 1] + mid[i] + mid[i + 2:] + suf
        return slip if self._new(slip) else None

    def generic(self, e: CatalogEntry) -> str | None:
        parts = _split(e.title)
        if parts is None:
            return None
        pre, mid, suf = parts
        present = [w for w in GENERIC if w in mid]
        if present and self.rng.random() < 0.5:
            slip = pre + mid.replace(present[0], "", 1) + suf
        else:
            word = self.rng.choice([w for w in GENERIC if not mid.endswith(w)])
            slip = pre + mid + word + suf
        return slip if self._new(slip) else None

    def traditional(self, e: CatalogEntry) -> tuple[str, str, str] | None:
        s2t = _s2t()
        art = self.rng.randint(1, max(1, min(e.articles or 20, 60)))
        written = s2t.convert(e.title)
        if written == e.title:
            return None
        return written, s2t.convert(format_article(art)), format_article(art)


def _case(category: str, text: str, title: str, expect: dict, when: str = WHEN) -> dict:
    return {"category": category, "split": split_of(category + text), "date": when, "text": text,
            "expect": {"title": title, **expect}}


def _editions(gen: Generator) -> list[dict]:
    out = []
    families: dict[str, list[CatalogEntry]] = {}
    for e in gen.catalog.entries:
        if e.family:
            families.setdefault(e.family, []).append(e)
    for name, editions in sorted(families.items()):
        for e in editions:
            start = parse_date(e.edition_from)
            end = parse_date(e.edition_to) or date(2026, 12, 31)
            if not start:
                continue
            for k in range(4):
                day = start + timedelta(days=(end - start).days * k // 4 + 1)
                out.append(_case("edition", f"对照《{name}》", name, {"resolved_title": e.title},
                                 f"{day.year}年{day.month}月{day.day}日"))
    return out


def generate(per_category: int, seed: int) -> list[dict]:
    gen = Generator(seed)
    cases: list[dict] = []
    makers = {"homophone": gen.homophone, "missing": gen.missing, "extra": gen.extra, "swapped": gen.swapped,
              "generic": gen.generic}
    for category, make in makers.items():
        picks = gen.rng.sample(gen.entries, min(len(gen.entries), per_category * 2))
        made = 0
        for e in picks:
            slip = make(e)
            if slip and made < per_category:
                cases.append(_case(category, f"依据《{slip}》", slip, {"resolved_title": e.title}))
                made += 1
    for e in gen.rng.sample(gen.entries, min(len(gen.entries), per_category)):
        got = gen.traditional(e)
        if got:
            written, art_written, art = got
            cases.append(_case("traditional", f"依据《{written}》{art_written}", written,
                               {"resolved_title": e.title, "article": art}))
    return cases + _editions(gen)


def correct_cases(catalog: Catalog) -> list[dict]:
    """Every title and short title in force, for false alarms; made at evaluation time (not stored: it is the
    catalog itself), split by the same hash."""
    out = []
    for e in catalog.entries:
        if e.status != "现行有效" or e.kind in ("local", "other", "unknown"):
            continue
        for name in (e.title, *e.short_titles):
            out.append(_case("correct", f"依据《{name}》", name, {"resolved_title": e.title}))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-category", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    cases = generate(args.per_category, args.seed)
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    counts: dict[str, int] = {}
    for c in cases:
        counts[c["category"]] = counts.get(c["category"], 0) + 1
    print(f"已写入 {OUT}：{len(cases)} 条 {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
