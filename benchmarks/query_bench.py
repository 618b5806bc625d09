"""Hybrid query latency and memory at 1k, 10k and 100k chunks.

Chunks are real regulation articles and government-work-report paragraphs from ../shared, replicated (as
further documents) to reach the size. Their vectors are synthetic unit vectors (embedding speed is
index_bench's subject); each query is embedded for real with the bundled e5 model, so the latency includes
query embedding, BM25, Chroma, fusion and the docstore look-ups. The first (cold) query is excluded.

    python benchmarks/query_bench.py --quick     # 1k and 10k chunks, about a minute
    python benchmarks/query_bench.py             # 1k, 10k and 100k (building 100k takes a few minutes)

Last line: {"chunks", "p50_ms", "p95_ms", "rss_mb"} for the largest size (all sizes under "sizes").
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus"

QUERIES = [
    "安全生产责任制", "政府信息公开的期限", "行政处罚的听证程序", "重大行政决策公众参与", "行政复议的申请期限",
    "存在的不足和原因", "下一年度工作安排", "优化营商环境", "法治宣传教育", "生态环境保护督察",
    "统计数据造假的法律责任", "公务员考核", "突发事件应急预案", "个人信息保护", "数据安全管理制度",
    "乡村振兴", "科技创新", "就业优先政策", "基本养老保险", "义务教育",
    "安全生产法第二十五条", "行政许可的实施程序", "食品安全监督管理", "消防安全责任", "档案管理",
    "保守国家秘密", "政府采购", "审计监督", "预算管理", "税收征收管理",
]


def load_units(limit: int) -> list[tuple[dict, str]]:
    """(metadata, embedded text) of real chunks: regulation articles first, then report paragraphs."""
    from assistant.documents.reading import read_document
    from assistant.documents.structure import parse_official, parse_regulation
    from assistant.kb.chunking import chunk_regulation, chunk_report

    units: list[tuple[dict, str]] = []
    for path in sorted((SHARED / "regulations" / "texts").rglob("*.md")):
        reg = parse_regulation(read_document(path))
        for c in chunk_regulation(reg, "x", {"title": reg.title, "source": str(path)}):
            units.append((c.meta, c.embed_text))
        if len(units) >= limit:
            return units[:limit]
    for path in sorted((SHARED / "reports" / "gov-work-reports").glob("*.txt")):
        doc = parse_official(read_document(path))
        for c in chunk_report(doc, "x", {"title": doc.title or path.stem, "source": str(path), "genre": "政府工作报告"}):
            units.append((c.meta, c.embed_text))
        if len(units) >= limit:
            break
    return units[:limit]


def build(home: Path, units: list[tuple[dict, str]], size: int):
    from assistant.kb.chunking import Chunk, make_chunk_id
    from assistant.kb.embeddings import E5Embeddings, text_hash
    from assistant.kb.retrieval import KnowledgeBase
    from assistant.kb.store import DocumentRecord
    from assistant.settings import Settings

    kb = KnowledgeBase.open(Settings(home=home), embedder=E5Embeddings(), auto_samples=False)
    rng = np.random.default_rng(0)
    per_doc = 200
    ids_all: list[str] = []
    for start in range(0, size, per_doc):
        doc_id = f"b{start // per_doc:06d}"
        chunks = []
        for j in range(start, min(size, start + per_doc)):
            meta, text = units[j % len(units)]
            h = text_hash(f"{j}|{text}")
            m = {**meta, "doc_id": doc_id, "seq": j - start, "hash": h,
                 "year": 2015 + j % 10, "kind": meta.get("kind", "regulation")}
            chunks.append(Chunk(make_chunk_id(doc_id, j - start, h), doc_id, j - start, text, text, m))
        rec = DocumentRecord(doc_id, f"/bench/{doc_id}", chunks[0].meta["kind"], chunks[0].meta.get("title", ""),
                             None, None, None, None, doc_id, len(chunks))
        kb.docstore.replace_document(rec, chunks)
        ids_all += [c.chunk_id for c in chunks]
    col = kb.vectors.collection  # open (create) the collection before flagging chunks as embedded
    kb.docstore.conn.execute("UPDATE chunks SET embedded=1")
    for start in range(0, size, 5000):
        part = kb.docstore.chunks_by_ids(ids_all[start : start + 5000])
        ids = list(part)
        vecs = rng.normal(size=(len(ids), 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        metas = [{k: v for k, v in part[i].meta.items() if isinstance(v, (str, int, float, bool))} for i in ids]
        col.add(ids=ids, embeddings=vecs, metadatas=metas, documents=[part[i].embed_text for i in ids])
    # Replicated texts tokenise identically: memoise so building BM25 at 100k stays quick.
    kb.tokenizer.tokenize = functools.lru_cache(maxsize=None)(kb.tokenizer.tokenize)  # type: ignore[method-assign]
    kb.keyword_index()
    return kb


def measure(kb, rounds: int) -> tuple[float, float]:
    first = kb.search(QUERIES[0], k=5)  # cold: model load, index load
    assert any(h.dense is not None for h in first), "dense side did not run"
    for q in QUERIES:  # one unmeasured pass: Chroma finishes indexing fresh inserts in the background
        kb.search(q, k=5)
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            kb.search(q, k=5)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k chunks only")
    ap.add_argument("--sizes", type=str, default=None, help="comma-separated sizes")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not SHARED.exists():
        sys.exit(f"needs {SHARED}")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import psutil

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([1000, 10000] if args.quick
                                                                          else [1000, 10000, 100000])
    units = load_units(min(max(sizes), 30000))
    proc = psutil.Process()
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            kb = build(Path(tmp), units, size)
            build_s = time.perf_counter() - t
            p50, p95 = measure(kb, args.rounds)
            rss = proc.memory_info().rss / 2**20
            kb.close()
        row = {"chunks": size, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "rss_mb": round(rss),
               "build_s": round(build_s, 1)}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    last = dict(rows[-1])
    last.update(sizes=rows, machine=f"{platform.machine()} {os.cpu_count()} cores", date=time.strftime("%Y-%m-%d"))
    print(json.dumps(last, ensure_ascii=False))


if __name__ == "__main__":
    main()
