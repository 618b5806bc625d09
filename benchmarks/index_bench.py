"""Indexing throughput: the same N passages embedded three ways, in one run, with the bundled e5 model.

1. raw: `E5Embeddings.embed_documents` alone (batches of 32);
2. pipeline: `KnowledgeBase.index` + `embed_pending` on a fresh home (vector cache empty): parse, chunk,
   docstore, keyword index, vectors, Chroma;
3. naive: LangChain `Chroma.from_documents` with the same embedder.

The passages are real regulation articles from ../shared/corpus/regulations, written into one temporary
regulation file so that the pipeline embeds exactly the texts the other two do (title + chapter + article).

    python benchmarks/index_bench.py --quick      # ~64 passages, about a minute and a half
    python benchmarks/index_bench.py --n 512

Last line: {"raw_per_s", "pipeline_per_s", "naive_per_s", "ratio"} (ratio = pipeline / raw).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus" / "regulations"
LAWS = ["texts/社会法/中华人民共和国安全生产法.md", "texts/行政法规/中华人民共和国政府信息公开条例.md",
        "texts/行政法/中华人民共和国行政处罚法.md", "texts/行政法/中华人民共和国行政许可法.md"]


def build_law_file(n: int, out: Path) -> Path:
    """One regulation file holding the first n articles of a few real laws, renumbered 1..n."""
    from assistant.documents.numbering import int_to_cn
    from assistant.documents.reading import read_document
    from assistant.documents.structure import parse_regulation

    texts: list[str] = []
    for rel in LAWS:
        reg = parse_regulation(read_document(SHARED / rel))
        texts += [a.text for a in reg.articles]
        if len(texts) >= n:
            break
    texts = texts[:n]
    body = "\n\n".join(f"第{int_to_cn(i)}条 {t}" for i, t in enumerate(texts, 1))
    out.write_text(f"# 基准测试条例\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n{body}\n", encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="64 passages (about 1.5 minutes on 2 cores)")
    ap.add_argument("--n", type=int, default=256, help="number of passages")
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    n = 64 if args.quick else args.n
    if not SHARED.exists():
        sys.exit(f"needs {SHARED}")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    from assistant.kb.embeddings import E5Embeddings
    from assistant.kb.retrieval import KnowledgeBase
    from assistant.kb.store import _chroma_settings
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "laws"
        folder.mkdir()
        law = build_law_file(n, folder / "基准测试条例.md")

        # Phase 1 once in a scratch home, to learn exactly which texts the pipeline embeds.
        scratch = KnowledgeBase.open(Settings(home=tmp_path / "scratch", embedder="hash"), auto_samples=False)
        scratch.index([law], kind="regulation")
        texts = [c.embed_text for _, c in scratch.docstore.unembedded(10 * n)]
        scratch.close()
        chars = sum(len(t) for t in texts)
        print(f"{len(texts)} passages, {chars / len(texts):.0f} characters on average", file=sys.stderr)

        # 1. raw embedder
        raw = E5Embeddings(batch_size=args.batch_size)
        raw.embed_query("预热")  # model load outside the timing
        t = time.perf_counter()
        raw.embed_documents(texts)
        raw_s = time.perf_counter() - t
        print(f"raw       {len(texts) / raw_s:6.2f} passages/s", file=sys.stderr)

        # 2. full pipeline, empty vector cache
        emb = E5Embeddings(batch_size=args.batch_size)
        emb.embed_query("预热")
        kb = KnowledgeBase.open(Settings(home=tmp_path / "pipeline"), embedder=emb, auto_samples=False)
        t = time.perf_counter()
        kb.index([law], kind="regulation")
        done = kb.embed_pending(batch_size=args.batch_size)
        pipe_s = time.perf_counter() - t
        assert done == len(texts), (done, len(texts))
        assert kb.embedder.misses == len(set(texts))
        kb.close()
        print(f"pipeline  {len(texts) / pipe_s:6.2f} passages/s", file=sys.stderr)

        # 3. naive LangChain
        emb3 = E5Embeddings(batch_size=args.batch_size)
        emb3.embed_query("预热")
        client = chromadb.PersistentClient(path=str(tmp_path / "naive"), settings=_chroma_settings())
        docs = [Document(page_content=x, metadata={"i": i}) for i, x in enumerate(texts)]
        t = time.perf_counter()
        Chroma.from_documents(docs, embedding=emb3, client=client, collection_name="naive",
                              collection_configuration={"hnsw": {"space": "cosine"}})
        naive_s = time.perf_counter() - t
        print(f"naive     {len(texts) / naive_s:6.2f} passages/s", file=sys.stderr)

    result = {"raw_per_s": round(len(texts) / raw_s, 3), "pipeline_per_s": round(len(texts) / pipe_s, 3),
              "naive_per_s": round(len(texts) / naive_s, 3), "ratio": round(raw_s / pipe_s, 3),
              "passages": len(texts), "avg_chars": round(chars / len(texts)),
              "machine": f"{platform.machine()} {os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d")}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
