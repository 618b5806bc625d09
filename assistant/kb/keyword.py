"""Keyword side of retrieval: jieba tokens → BM25 (bm25s), persisted beside the vector store.

jieba alone mangles two things this domain relies on: it cuts 第一百零四条 into 第一百 / 零 / 四条, and it
reduces both 统计法 and 统计法实施条例 to 统计法. So article references are normalised to one token (第104条)
before tokenising, and regulation titles and domain terms go into the tokenizer's user dictionary.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import jieba
import numpy as np

from assistant.documents.numbering import find_article_refs

STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "在", "是", "为", "对", "把", "被", "从", "向", "以", "于", "等", "其", "之", "也", "而", "并", "就", "都", "又", "有", "个", "这", "那", "中", "上", "下", "要", "将", "能", "会", "可", "个", "我", "我们", "你", "他", "它", "该", "本", "各", "所", "由", "一", "不", "没有", "如何", "怎么", "什么", "哪些", "关于", "进行", "以及", "还", "吗", "呢", "啊", "吧"]
)


def article_token(index: int, suffix: int = 0) -> str:
    return f"第{index}条" + (f"之{suffix}" if suffix else "")


class Tokenizer:
    """jieba (search mode) with a user dictionary, article references kept whole, stopwords dropped."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._words: set[str] = set()
        self.add_words(user_words)

    def add_words(self, words: Iterable[str]) -> None:
        with self._lock:
            for w in words:
                w = w.strip()
                if len(w) >= 2 and w not in self._words:
                    self._words.add(w)
                    self._jieba.add_word(w, freq=20000)

    def tokenize(self, text: str) -> list[str]:
        out: list[str] = []
        pos = 0
        for start, end, ref in find_article_refs(text):
            out += self._cut(text[pos:start])
            out.append(article_token(ref.article, ref.suffix))
            pos = end
        out += self._cut(text[pos:])
        return out

    def _cut(self, text: str) -> list[str]:
        if not text.strip():
            return []
        with self._lock:
            words = self._jieba.lcut_for_search(text)
        return [w.lower() for w in (w.strip() for w in words) if w and w not in STOPWORDS and _is_word(w)]


def _is_word(w: str) -> bool:
    return any(ch.isalnum() for ch in w)


@dataclass
class KeywordFilters:
    kind: str | None = None
    genre: str | None = None
    role: str | None = None
    issuer: str | None = None
    year_min: int | None = None
    year_max: int | None = None


class KeywordIndex:
    """BM25 over chunk texts, with per-chunk filter columns so filtered queries stay exact.

    Saved under `directory` with the docstore generation it was built from; `load(generation)` refuses a
    stale or missing copy, and the caller rebuilds from the docstore (the source of truth).
    """

    COLUMNS = ("doc_id", "kind", "genre", "role", "issuer")

    def __init__(self, directory: Path, tokenizer: Tokenizer) -> None:
        self.directory = directory
        self.tokenizer = tokenizer
        self.retriever = None
        self.ids: list[str] = []
        self.columns: dict[str, np.ndarray] = {}
        self.years = np.zeros(0, dtype=np.int32)
        self.generation: int | None = None

    # --- build / persist -------------------------------------------------------------------------------
    def build(self, ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]],
              generation: int, tokens: Sequence[list[str] | None] | None = None) -> None:
        """Index `texts`; `tokens[i]`, when given and not None, is used instead of tokenising `texts[i]`."""
        given = list(tokens) if tokens is not None else [None] * len(texts)
        tokens = [tk if tk is not None else self.tokenizer.tokenize(t) for t, tk in zip(texts, given, strict=True)]
        self.ids = list(ids)
        self.columns = {c: np.array([str(m.get(c) or "") for m in metas], dtype=object) for c in self.COLUMNS}
        self.years = np.array([int(m.get("year") or 0) for m in metas], dtype=np.int32)
        self.generation = generation
        if self.ids:
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
            self.retriever = retriever
        else:
            self.retriever = None

    def save(self) -> None:
        """Write to a temporary directory and swap it in, so a crash never leaves a half-written index."""
        parent = self.directory.parent
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f"{self.directory.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"))
        payload = {"generation": self.generation, "ids": self.ids,
                   "columns": {c: list(v) for c, v in self.columns.items()}, "years": self.years.tolist()}
        (tmp / "meta.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        old = parent / f"{self.directory.name}.old-{os.getpid()}"
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)

    def load(self, generation: int) -> bool:
        meta_path = self.directory / "meta.json"
        if not meta_path.exists():
            return False
        try:
            payload = json.loads(meta_path.read_text(encoding="utf-8"))
            if payload.get("generation") != generation:
                return False
            ids = payload["ids"]
            retriever = None
            if ids:
                retriever = bm25s.BM25.load(str(self.directory / "bm25"))
        except (OSError, ValueError, KeyError):
            return False  # damaged: the caller rebuilds
        self.ids = ids
        self._positions = None
        self.columns = {c: np.array(v, dtype=object) for c, v in payload["columns"].items()}
        self.years = np.array(payload["years"], dtype=np.int32)
        self.retriever = retriever
        self.generation = generation
        return True

    # --- query -----------------------------------------------------------------------------------------
    def mask(self, f: KeywordFilters | None) -> np.ndarray | None:
        if f is None or not self.ids:
            return None
        m = np.ones(len(self.ids), dtype=bool)
        for col in ("kind", "genre", "role", "issuer"):
            val = getattr(f, col)
            if val:
                m &= self.columns[col] == val
        if f.year_min is not None:
            m &= self.years >= f.year_min
        if f.year_max is not None:
            m &= (self.years <= f.year_max) & (self.years > 0)
        return m

    def share(self, f: KeywordFilters | None) -> float:
        """The fraction of chunks the filters let through (1.0 without filters)."""
        m = self.mask(f)
        return 1.0 if m is None else float(m.mean())

    def passes(self, ids: Sequence[str], f: KeywordFilters | None) -> list[bool]:
        """Whether each chunk id passes the filters (unknown ids do not)."""
        m = self.mask(f)
        if m is None:
            return [True] * len(ids)
        if getattr(self, "_positions", None) is None or len(self._positions) != len(self.ids):
            self._positions = {cid: i for i, cid in enumerate(self.ids)}
        pos = self._positions
        return [cid in pos and bool(m[pos[cid]]) for cid in ids]

    def search(self, query: str, k: int = 50, filters: KeywordFilters | None = None
               ) -> tuple[list[tuple[str, float]], float]:
        """Top-k (chunk id, BM25 score) and the query-term coverage of the best hit (0..1): the share of the
        query's tokens found in it, which tells whether BM25 has anything to say about this query."""
        if self.retriever is None:
            return [], 0.0
        q_tokens = list(dict.fromkeys(self.tokenizer.tokenize(query)))
        if not q_tokens:
            return [], 0.0
        vocab = self.retriever.vocab_dict
        ids = [vocab[t] for t in q_tokens if t in vocab]
        if not ids:
            return [], 0.0
        scores = self.retriever.get_scores_from_ids(ids)
        m = self.mask(filters)
        if m is not None:
            scores = np.where(m, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
        coverage = 0.0
        if hits:
            best = int(top[0])
            present = sum(1 for tid in ids if self.retriever.get_scores_from_ids([tid])[best] > 0)
            coverage = present / len(q_tokens)
        return hits, coverage
