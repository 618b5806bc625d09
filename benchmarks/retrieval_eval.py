"""Recall@5 and MRR of dense, BM25 and hybrid retrieval on the team's dev set (benchmarks/retrieval_devset.jsonl).

* regulation items: a question in everyday words → the one article that answers it (gold: title + article);
* report items: a drafting request ("写存在的不足") → any report section with the gold role.

The knowledge base holds four laws from ../shared/corpus/regulations (the ones the dev set asks about) and the
bundled samples, embedded with the bundled e5 model. Vectors are cached in --home (default
~/.cache/gongwen-assistant/retrieval-eval), so only the first run pays for embedding (~1.5 minutes).
Ranking is compared without the per-document diversity cap (max_per_doc=None).

    python benchmarks/retrieval_eval.py [--quick] [--home DIR] [--json]

Last line: {"dense": {"recall@5", "mrr"}, "bm25": {...}, "hybrid": {...}, ...} over all items.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus" / "regulations"
DEVSET = Path(__file__).resolve().parent / "retrieval_devset.jsonl"
LAWS = ["texts/社会法/中华人民共和国安全生产法.md", "texts/行政法规/中华人民共和国政府信息公开条例.md",
        "texts/行政法/中华人民共和国行政处罚法.md", "texts/行政法/中华人民共和国行政许可法.md"]
# Extra laws (full run only): distractors on neighbouring topics.
EXTRA = ["texts/诉讼与非诉讼程序法/中华人民共和国行政复议法.md", "texts/行政法/中华人民共和国行政强制法.md",
         "texts/行政法规/重大行政决策程序暂行条例.md", "texts/行政法规/优化营商环境条例.md"]
MODES = ("dense", "bm25", "hybrid")


def is_gold(item: dict, hit) -> bool:
    if item["kind"] == "regulation":
        return hit.title == item["title"] and hit.article == item["article"]
    return hit.kind == "report" and hit.role == item["role"]


def evaluate(kb, items: list[dict], k: int = 5) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        recall = mrr = 0.0
        for item in items:
            hits = kb.search(item["query"], k=k, filters={"kind": item["kind"]}, mode=mode, max_per_doc=None)
            rank = next((i for i, h in enumerate(hits, 1) if is_gold(item, h)), None)
            if rank:
                recall += 1
                mrr += 1 / rank
        out[mode] = {"recall@5": round(recall / len(items), 3), "mrr": round(mrr / len(items), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the four laws of the dev set only")
    ap.add_argument("--home", type=Path, default=Path.home() / ".cache" / "gongwen-assistant" / "retrieval-eval")
    args = ap.parse_args()
    if not SHARED.exists():
        sys.exit(f"needs {SHARED}")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant.kb.embeddings import CachedEmbeddings, E5Embeddings, VectorCache
    from assistant.kb.retrieval import KnowledgeBase
    from assistant.settings import Settings

    laws = LAWS if args.quick else LAWS + EXTRA
    home = args.home / ("quick" if args.quick else "full")
    # The vector cache is shared by both variants, so the full run reuses the quick run's vectors.
    embedder = CachedEmbeddings(E5Embeddings(), VectorCache(args.home / "vectors.sqlite"))
    kb = KnowledgeBase.open(Settings(home=home), embedder=embedder, auto_samples=False)
    kb.index([SHARED / p for p in laws] + [ROOT / "knowledge" / "samples"])
    t = time.perf_counter()
    n = kb.embed_pending(on_progress=lambda d, total: print(f"\rembedding {d}/{total}", end="", file=sys.stderr))
    print(f"\nembedded {n} chunks in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    items = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_kind = {kind: [i for i in items if i["kind"] == kind] for kind in ("regulation", "report")}
    result: dict = {}
    for kind, subset in by_kind.items():
        result[kind] = evaluate(kb, subset)
        for mode in MODES:
            r = result[kind][mode]
            print(f"{kind:10s} {mode:6s} recall@5 {r['recall@5']:.3f}  MRR {r['mrr']:.3f}  (n={len(subset)})",
                  file=sys.stderr)
    overall = evaluate(kb, items)
    chunks = kb.docstore.count_chunks()
    kb.close()
    print(json.dumps({**overall, "by_kind": result, "items": len(items), "chunks": chunks, "laws": len(laws),
                      "machine": f"{platform.machine()} {os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d")},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
