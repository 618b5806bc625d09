"""How the dense and keyword rankings become one, and which queries skip ranking altogether.

Routing (see `Searcher.search`): an explicit article reference is resolved directly; a fragment of ≥ 8
characters copied verbatim from an indexed text brings the chunks holding it first; everything else is fused
here. Measured on the paraphrase dev set (benchmarks/retrieval_eval.py), equal-weight RRF loses to dense alone
on questions in everyday words, because BM25 ranks the chunks sharing the question's incidental words. So the
default fusion is led by the dense ranking, and BM25 only votes when its best hit covers at least half of the
query's terms (evidence that the user wrote the text's own words), with a small weight, and only for chunks
dense also found. Weights chosen on the six tuning splits of the paraphrase sets (the only setting on which the
fused ranking was at or above dense alone on every one of them, by hit@5 and by MRR).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RRF_K = 60
FUSIONS = ("rrf", "weighted", "dense_led")
MIN_FRAGMENT = 8  # characters (punctuation and spaces not counted)

_SPLIT = re.compile(r"[\s,，。；;：:、!！?？“”\"'‘’《》（）()【】\[\]]+")


@dataclass(frozen=True)
class FusionParams:
    method: str = "dense_led"
    # weighted: BM25's weight goes from min to max with the query-term coverage of its best hit
    bm25_min: float = 0.2
    bm25_max: float = 1.0
    # dense_led: BM25 votes with `vote` weight when its best hit covers ≥ `evidence` of the query terms,
    # and only for chunks within dense's first `pool` (unembedded chunks excepted: they have no dense rank)
    evidence: float = 0.5
    vote: float = 0.15
    pool: int = 50
    # A question given the legal terms of its everyday words (query_terms.py): BM25 matches those terms in the
    # articles, evidence of its own, so it votes with this weight even below `evidence`.
    vote_with_terms: float = 0.05


DEFAULT = FusionParams()


def fragments(query: str, min_chars: int = MIN_FRAGMENT) -> list[str]:
    """The query's space- or punctuation-separated pieces that are long enough to be a verbatim quote."""
    return [p for p in _SPLIT.split(query) if len(p) >= min_chars]


def squash(text: str) -> str:
    """Text without whitespace, so a quote matches across line breaks of a PDF or a wrapped paragraph."""
    return re.sub(r"\s+", "", text)


def fuse(dense: list[tuple[str, float]], bm25: list[tuple[str, float]], coverage: float,
         params: FusionParams = DEFAULT, unembedded: set[str] | None = None,
         with_terms: bool = False) -> list[tuple[str, float]]:
    """(chunk id, score in [0, 1]) best first. `coverage`: share of the user's query terms in BM25's best hit;
    `unembedded`: chunks that have no vector yet (dense cannot rank them, so BM25 alone does); `with_terms`:
    the query was given legal terms for its everyday words."""
    if not dense:
        return _normalised({cid: 1 / (RRF_K + r) for r, (cid, _) in enumerate(bm25, 1)}, 1.0)
    if not bm25:
        return _normalised({cid: 1 / (RRF_K + r) for r, (cid, _) in enumerate(dense, 1)}, 1.0)
    if params.method == "rrf":
        w_dense, w_bm25, allowed = 1.0, 1.0, None
    elif params.method == "weighted":
        w_dense, allowed = 1.0, None
        w_bm25 = params.bm25_min + (params.bm25_max - params.bm25_min) * coverage
    elif params.method == "dense_led":
        w_dense = 1.0
        w_bm25 = params.vote if coverage >= params.evidence else (params.vote_with_terms if with_terms else 0.0)
        allowed = {cid for cid, _ in dense[: params.pool]}
    else:
        raise ValueError(f"unknown fusion {params.method}")
    scores: dict[str, float] = {}
    for rank, (cid, _) in enumerate(dense, 1):
        scores[cid] = w_dense / (RRF_K + rank)
    waiting = unembedded or set()
    for rank, (cid, _) in enumerate(bm25, 1):
        if allowed is None or cid in allowed:
            w = w_bm25
        elif cid in waiting:  # not embedded yet: BM25 is all there is to rank it by
            w = max(w_bm25, params.bm25_min)
        else:
            continue
        if w:
            scores[cid] = scores.get(cid, 0.0) + w / (RRF_K + rank)
    return _normalised(scores, w_dense + w_bm25)


def _normalised(scores: dict[str, float], total_weight: float) -> list[tuple[str, float]]:
    best = total_weight / (RRF_K + 1) or 1.0
    return [(cid, min(1.0, s / best)) for cid, s in sorted(scores.items(), key=lambda kv: -kv[1])]
