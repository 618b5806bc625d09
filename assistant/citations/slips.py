"""Near-miss matching: a title the catalog does not know, matched to the names it probably meant, the way people
err — an input method's homophone (数据安全发 → 数据安全法, 监都 → 监督, anywhere in the title), one character
missing, extra, wrong or two swapped, a generic word added or dropped (管理, 保障, 暂行, 实施), a colloquial short
name made of the name's own characters (大气污染法, 环保法, 个税法).

Every candidate carries its reason (同音字 / 多字 / 少字 / 错字 / 俗称) so the finding can say why it was suggested.
The pinyin table (pypinyin) is loaded only when a title actually needs it: most drafts cite correct titles and
never pay for it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from assistant.citations.catalog import Catalog, CatalogEntry, normalize_title
from assistant.citations.messages import Matching
from assistant.errors import ConfigError

# Rank of a reason when candidates compete: an exact homophone beats one edit, which beats a colloquial name.
_REASON_RANK = {"同音字": 0, "错字": 1, "少字": 1, "多字": 1, "俗称": 2}
_MIN_KEY = 4  # shorter keys (《安全法》) match too many names to suggest one


@dataclass
class Candidate:
    entry: CatalogEntry
    reason: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {"title": self.entry.title, "reason": self.reason, "score": round(self.score, 1)}


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[int, str]:
    """pypinyin's character table, loaded on its own: importing the pypinyin package also loads its phrase
    dictionary (~0.6 s), which single-character readings do not need. Only when a title needs explaining."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        raise ConfigError("缺少 pypinyin，无法识别同音字", hint="pip install pypinyin")
    path = Path(spec.origin).with_name("pinyin_dict.py")
    loader = importlib.util.spec_from_file_location("_gongwen_pinyin_dict", path)
    if loader is None or loader.loader is None:
        raise ConfigError(f"无法读取 {path}")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module.pinyin_dict


_TONELESS = str.maketrans({**dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěèế", "e"), **dict.fromkeys("īíǐì", "i"),
                           **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ūúǔù", "u"),
                           **dict.fromkeys("ǖǘǚǜü", "v"), **dict.fromkeys("ńňǹ", "n"), "ḿ": "m"})


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """Toneless pinyin readings of a character (every reading of a polyphone); the character itself if none."""
    raw = _pinyin_table().get(ord(ch)) if len(ch) == 1 else None
    if not raw:
        return frozenset((ch,))
    return frozenset(r.translate(_TONELESS) for r in raw.split(","))


def homophones(a: str, b: str) -> bool:
    return a == b or bool(readings(a) & readings(b))


def pinyin_key(text: str) -> str:
    return " ".join(min(readings(c)) for c in text)


class SlipMatcher:
    """Candidates for one catalog; indexes are built on first use and kept for the process."""

    def __init__(self, catalog: Catalog, rules: Matching) -> None:
        self.catalog = catalog
        self.rules = rules
        self._generic = set(rules.generic_words)
        self._by_pinyin: dict[int, dict[str, list[int]]] = {}
        self._by_ends: dict[tuple[str, str], list[int]] | None = None
        self._last: dict[str, list[int]] | None = None
        self._memo: dict[tuple[str, bool], list[Candidate]] = {}
        self._suffixes = sorted(rules.regulation_suffixes, key=len, reverse=True)

    # ------------------------------------------------------------------ indexes

    def _pinyin_index(self, length: int) -> dict[str, list[int]]:
        """Pinyin keys of the names of one length (a homophone slip keeps the length), built on first use."""
        index = self._by_pinyin.get(length)
        if index is None:
            index = self._by_pinyin[length] = {}
            for i, key in enumerate(self.catalog.name_keys):
                if len(key) == length:
                    index.setdefault(pinyin_key(key), []).append(i)
        return index

    def _ends_index(self) -> dict[tuple[str, str], list[int]]:
        if self._by_ends is None:
            index: dict[tuple[str, str], list[int]] = {}
            for i, key in enumerate(self.catalog.name_keys):
                if key:
                    index.setdefault((key[0], key[-1]), []).append(i)
            self._by_ends = index
        return self._by_ends

    # ------------------------------------------------------------------ matching

    def candidates(self, title: str, *, strict: bool = False) -> list[Candidate]:
        """Ranked candidates for `title` (simplified, without version). `strict` (titles that do not look like a
        regulation: books, films, slogans) accepts only homophones of a whole name and one wrong character in a
        name of six or more characters."""
        key = normalize_title(title)
        if len(key) < 3:
            return []
        memo = self._memo.get((key, strict))
        if memo is None:
            memo = self._memo[(key, strict)] = self._candidates(key, strict)
            if len(self._memo) > 4096:  # a long-running UI process: keep the memo bounded
                self._memo.clear()
        return list(memo)

    def _candidates(self, key: str, strict: bool) -> list[Candidate]:
        found: dict[str, Candidate] = {}

        def add(idx: int, reason: str, score: float) -> None:
            entry = self.catalog.name_entries[idx]
            old = found.get(entry.title)
            if old is None or (_REASON_RANK[reason], -score) < (_REASON_RANK[old.reason], -old.score):
                found[entry.title] = Candidate(entry, reason, score)

        for idx in self._pinyin_index(len(key)).get(pinyin_key(key), []):
            if self.catalog.name_keys[idx] != key:
                add(idx, "同音字", 100.0)
        if len(key) >= _MIN_KEY:
            for idx, reason, score in self._edits(key, strict):
                add(idx, reason, score)
        if not strict:
            for idx, score in self._colloquial(key):
                add(idx, "俗称", score)
            for idx in self._other_genre(key):
                add(idx, "俗称", 90.0)
        ranked = sorted(found.values(), key=lambda c: (_REASON_RANK[c.reason], -c.score, len(c.entry.title),
                                                      c.entry.title))
        return ranked[: self.rules.max_candidates]

    def _edits(self, key: str, strict: bool) -> list[tuple[int, str, float]]:
        out = []
        for cand, score, idx in process.extract(key, self.catalog.name_keys, scorer=fuzz.ratio, limit=8,
                                                score_cutoff=70):
            reason = self.classify(key, cand, strict)
            if reason:
                out.append((idx, reason, float(score)))
        return out

    def classify(self, key: str, cand: str, strict: bool = False) -> str | None:
        """Why `key` (as written) is a slip of `cand` (a catalog name), or None when it is not one."""
        if len(key) == len(cand) and len(key) >= 5 and _transposed(key, cand):
            return "错字"  # two neighbours swapped
        ops = Levenshtein.editops(key, cand)
        replaced = [op for op in ops if op.tag == "replace"]
        inserted = [op for op in ops if op.tag == "insert"]  # in the catalog name, missing from the citation
        deleted = [op for op in ops if op.tag == "delete"]  # in the citation, not in the catalog name
        if replaced and not inserted and not deleted:
            if all(homophones(key[op.src_pos], cand[op.dest_pos]) for op in replaced) and len(replaced) <= 3:
                return "同音字"
            if len(replaced) == 1 and len(key) >= 6:
                return "错字"
            return None
        if strict:
            return None
        if not replaced and inserted and not deleted:
            missing = "".join(cand[op.dest_pos] for op in inserted)
            if len(inserted) > 1 and _before_suffix(cand, inserted, self.rules.regulation_suffixes):
                return "俗称"  # a word dropped before 法 / 条例: 大气污染(防治)法, 个人信息(保护)法
            if len(inserted) <= 2 or missing in self._generic or _all_generic(missing, self._generic):
                return "少字"
            return None  # several words left out: a colloquial name, judged by _colloquial
        if not replaced and deleted and not inserted:
            extra = "".join(key[op.src_pos] for op in deleted)
            if len(deleted) <= 2 or extra in self._generic or _all_generic(extra, self._generic):
                return "多字"
            return None
        if not replaced and len(inserted) == 1 and len(deleted) == 1 and len(key) >= 8:
            return "错字"  # one character moved or replaced by a neighbour
        return None

    def _colloquial(self, key: str) -> list[tuple[int, float]]:
        """Names the key abbreviates. Either every character in order with the same first and last character
        (网安法 ⊂ 网络安全法, 个税法 ⊂ 个人所得税法), or up to three pieces of the name, each of two characters or
        more, ending with the name's last characters (公积金条例 ⊂ 住房公积金管理条例)."""
        out = []
        genre = self._genre(key)
        # Scores order the three kinds: an abbreviation from the first character (100–200) before another genre
        # word (90, _other_genre) before pieces from inside a longer name (< 90).
        for idx in self._ends_index().get((key[0], key[-1]), []):
            name = self.catalog.name_keys[idx]
            if len(key) < len(name) <= 3 * len(key) and self._genre(name) == genre and _subsequence(key, name):
                out.append((idx, 100.0 + 100.0 * len(key) / len(name)))
        if len(key) >= 4:
            for idx in self._by_last(key[-1]):
                name = self.catalog.name_keys[idx]
                if len(name) > len(key) and _pieces(key, name):
                    out.append((idx, 90.0 * len(key) / len(name)))
        return out

    def _genre(self, name: str) -> str:
        """The genre word a name ends with (办法 rather than 法), or ''."""
        return next((x for x in self._suffixes if name.endswith(x)), "")

    def _by_last(self, ch: str) -> list[int]:
        if self._last is None:
            last: dict[str, list[int]] = {}
            for i, name in enumerate(self.catalog.name_keys):
                if name:
                    last.setdefault(name[-1], []).append(i)
            self._last = last
        return self._last.get(ch, [])

    def _other_genre(self, key: str) -> list[int]:
        """The same name with another genre word: 行政处罚条例 → 行政处罚法, 优化营商环境办法 → …条例."""
        suffixes = self._suffixes
        own = self._genre(key)
        if not own or len(key) - len(own) < 3:
            return []
        stem = key[: -len(own)]
        index = self.catalog.name_index
        return [index[stem + other] for other in suffixes if other != own and stem + other in index]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _transposed(key: str, cand: str) -> bool:
    diff = [i for i, (a, b) in enumerate(zip(key, cand, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and key[diff[0]] == cand[diff[1]] and key[diff[1]] == cand[diff[0]]


def _pieces(key: str, name: str, most: int = 3) -> bool:
    """`key` is at most `most` pieces of `name` in order, each piece two characters or more except the last, and
    the last piece ends the name."""
    if name.endswith(key):
        return True
    if most == 1:
        return False
    for cut in range(len(key) - 1, 1, -1):  # longest first piece first
        head, tail = key[:cut], key[cut:]
        pos = name.find(head)
        if pos >= 0 and _pieces(tail, name[pos + cut:], most - 1):
            return True
    return False


def _before_suffix(cand: str, inserted: list, suffixes: list[str]) -> bool:
    """The missing characters are one run that ends right before the name's final 法 / 条例 …"""
    positions = [op.dest_pos for op in inserted]
    if positions != list(range(positions[0], positions[-1] + 1)):
        return False
    return cand[positions[-1] + 1:] in suffixes


def _all_generic(extra: str, generic: set[str]) -> bool:
    """`extra` is one or more generic words run together (管理暂行)."""
    if not extra:
        return False
    for n in (2, 3, 4):
        if extra[:n] in generic and (len(extra) == n or _all_generic(extra[n:], generic)):
            return True
    return False
