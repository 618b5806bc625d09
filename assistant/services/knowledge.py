"""The knowledge base as the user sees it: index files (keyword phase, then vectors), search, stats, remove.

Also the background embedding worker the web UI uses after an upload: the keyword index is usable at once and
vectors follow in one thread, which stops under the lock when nothing is pending.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.kb.indexer import IndexReport
from assistant.kb.retrieval import Hit, KnowledgeBase
from assistant.kb.search import MAX_QUERY_CHARS
from assistant.services.laws import law_text_coverage
from assistant.settings import Settings, get_settings

__all__ = ["Hit", "IndexReport", "Knowledge", "open_kb"]

KINDS = ("auto", "report", "regulation")


class Knowledge:
    """One opened knowledge base plus the state a long-running process (the UI) needs around it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.settings: Settings = kb.settings
        self.lock = threading.RLock()
        self.embed_error: str | None = None
        self._worker: threading.Thread | None = None
        self._worker_active = False
        self._rewrites: dict[str, str] = {}

    # --- indexing -----------------------------------------------------------------------------------------

    def index(self, paths: Sequence[str | Path], *, kind: str = "auto", prune: bool = False,
              on_file: Callable[[int, int, str], None] | None = None) -> IndexReport:
        """Phase 1: parse, chunk and keyword-index; everything is searchable by keyword when it returns."""
        if kind not in KINDS:
            raise AssistantError(f"未知的类别：{kind}", hint="可选 auto、report、regulation")
        with self.lock:
            if on_file is None:
                return self.kb.index(list(paths), kind=kind, prune=prune)
            return self.kb.index(list(paths), kind=kind, prune=prune, on_file=on_file)

    def has_chunks(self, kind: str) -> bool:
        return self.kb.docstore.count_chunks(kind=kind) > 0

    def pending(self) -> int:
        return self.kb.docstore.count_chunks(embedded=False)

    def embed_pending(self, *, batch_size: int = 32,
                      on_progress: Callable[[int, int], None] | None = None) -> int:
        """Phase 2: vectors for every chunk that has none (resumable; safe to interrupt)."""
        if self.pending() == 0:
            self.kb.flush_pending_deletes()
            return 0
        if on_progress is None:
            return self.kb.embed_pending(batch_size=batch_size)
        return self.kb.embed_pending(batch_size=batch_size, on_progress=on_progress)

    def reembed(self) -> None:
        self.kb.reembed()

    def samples_dir(self) -> Path:
        return self.settings.samples_dir

    def start_background_embedding(self) -> None:
        """One thread embeds whatever is pending; it decides to stop under the lock, so chunks indexed
        meanwhile are either picked up by it or start a new thread."""
        with self.lock:
            if self._worker_active:
                return
            self._worker_active = True
            self._worker = threading.Thread(target=self._embed_all, name="assistant-embed", daemon=True)
            self._worker.start()

    def _embed_all(self) -> None:
        try:
            while True:
                with self.lock:
                    if not self.pending():
                        return
                self.kb.embed_pending()
        except AssistantError as err:  # shown in the stats; keyword search keeps working
            self.embed_error = str(err)
        finally:
            with self.lock:
                self._worker_active = False

    @property
    def embedding_active(self) -> bool:
        return self._worker_active

    def wait_for_embedding(self, timeout: float | None = None) -> None:
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    # --- reading ------------------------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 5, kind: str | None = None, role: str | None = None,
               genre: str | None = None, issuer: str | None = None, year_from: int | None = None,
               year_to: int | None = None, mode: str = "hybrid", per_doc: int | None = 2) -> list[Hit]:
        filters = {"kind": kind or None, "role": role or None, "genre": genre, "issuer": issuer,
                   "year_min": year_from, "year_max": year_to}
        extra, warning = self._rewrite(query) if kind in (None, "", "regulation") else ("", None)
        hits = self.kb.search(query, k=k, filters=filters, mode=mode, max_per_doc=per_doc or None, extra=extra)
        if warning:
            self.kb.warnings.append(warning)
        return hits

    def _rewrite(self, query: str) -> tuple[str, str | None]:
        """(legal terms for a question from the office's model, warning): the terms when ASSISTANT_QUERY_REWRITE
        is on (cached per question); "" when off, or with a warning when the model fails (the search goes on
        without them)."""
        if not self.settings.query_rewrite or not (query or "").strip():
            return "", None
        # Only now: the model client is a heavy import that no other search needs.
        from assistant.drafting.llm import LLMClient, is_configured
        from assistant.drafting.query_rewrite import rewrite_terms

        if not is_configured(self.settings):
            return "", None
        key = query.strip()[:MAX_QUERY_CHARS]
        if key not in self._rewrites:
            try:
                self._rewrites[key] = rewrite_terms(key, LLMClient(self.settings))
            except AssistantError as err:
                return "", f"检索改写未用上（{err}），按原问题检索"
            if len(self._rewrites) > 512:
                self._rewrites.pop(next(iter(self._rewrites)))
        return self._rewrites[key], None

    def stats(self, *, with_documents: bool = False) -> dict[str, Any]:
        stats = self.kb.stats()
        stats["law_texts"] = law_text_coverage(self.settings)
        stats["documents_list"] = [
            {"doc_id": d.doc_id, "kind": d.kind, "title": d.title, "source": d.source, "chunks": d.n_chunks}
            for d in self.kb.docstore.documents()
        ] if with_documents else []
        return stats

    def remove(self, ref: str) -> list[str]:
        with self.lock:
            return self.kb.remove(ref)

    def close(self) -> None:
        self.kb.close()


def open_kb(settings: Settings | None = None, *, auto_samples: bool = True) -> Knowledge:
    """Open (and on first use create) the knowledge base named by the settings."""
    return Knowledge(KnowledgeBase.open(settings or get_settings(), auto_samples=auto_samples))
