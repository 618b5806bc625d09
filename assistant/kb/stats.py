"""The knowledge base in figures: documents, chunks, embedded share, where the stores are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.kb.store import DocStore
from assistant.settings import Settings


def kb_stats(settings: Settings, docstore: DocStore, embedder_id: str, local_dir: Path) -> dict[str, Any]:
    by_kind = {}
    for kind in ("report", "regulation"):
        by_kind[kind] = {"documents": len(docstore.documents(kind)), "chunks": docstore.count_chunks(kind),
                         "embedded": docstore.count_chunks(kind, embedded=True)}
    total = docstore.count_chunks()
    embedded = docstore.count_chunks(embedded=True)
    meta_path = local_dir / "bm25" / "meta.json"
    try:
        fresh = json.loads(meta_path.read_text(encoding="utf-8")).get("generation") == docstore.generation()
    except (OSError, ValueError):
        fresh = False
    return {
        "documents": sum(v["documents"] for v in by_kind.values()),
        "chunks": total,
        "embedded": embedded,
        "pending": total - embedded,
        "embedded_ratio": round(embedded / total, 4) if total else 0.0,
        "by_kind": by_kind,
        "embedder": embedder_id,
        "store": str(local_dir),
        "vector_store": (f"chroma server {settings.chroma_host}:{settings.chroma_port}"
                         if settings.chroma_host else str(settings.store_dir / "chroma")),
        "keyword_index_fresh": fresh,
    }
