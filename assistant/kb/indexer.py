"""Two-phase, incremental, crash-safe indexing.

Phase 1 (seconds per hundred files): read → parse → chunk → docstore (one transaction per document) → keyword
index. A document is keyword-searchable as soon as phase 1 ends. Phase 2 (minutes to an hour with the bundled
e5 model): embed the chunks that have no vector yet, in batches, through the vector cache, upserting into
Chroma by chunk id and marking them embedded. Every step can be killed and rerun: the docstore transaction
decides what exists, Chroma upserts are idempotent, and the vector cache makes re-embedding free.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.citations.articles import ArticleStore
from assistant.citations.catalog import load_catalog
from assistant.documents import structure
from assistant.documents.reading import read_document
from assistant.errors import AssistantError
from assistant.kb.chunking import chunk_regulation, chunk_report
from assistant.kb.keyword import Tokenizer
from assistant.kb.store import DocStore, DocumentRecord
from assistant.rules.genres import classify_sections, detect_genre, get_genre
from assistant.settings import Settings

SUPPORTED_SUFFIXES = {".txt", ".md", ".docx", ".pdf"}
PIPELINE_VERSION = "kb-2"  # part of each document's content hash: bump it to re-chunk everything
KINDS = ("auto", "report", "regulation")


@dataclass
class FileFailure:
    path: str
    message: str


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    embedded: int = 0
    pending: int = 0
    interrupted: bool = False
    phase1_seconds: float = 0.0
    phase2_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "removed": len(self.removed), "failed": [{"path": f.path, "message": f.message} for f in self.failed],
            "chunks_added": self.chunks_added, "chunks_removed": self.chunks_removed, "embedded": self.embedded,
            "pending_embeddings": self.pending, "interrupted": self.interrupted,
            "phase1_seconds": round(self.phase1_seconds, 2), "phase2_seconds": round(self.phase2_seconds, 2),
        }


def doc_id_for(path: Path) -> str:
    return "d" + hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:15]


def file_hash(path: Path, kind: str) -> str:
    h = hashlib.sha256(f"{PIPELINE_VERSION}|{kind}|".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[FileFailure]]:
    """(files, folders given, failures for missing paths). Folders are walked recursively; hidden files and
    unsupported suffixes inside folders are skipped silently, an unsupported file named explicitly is an error."""
    files: list[Path] = []
    folders: list[Path] = []
    failures: list[FileFailure] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            folders.append(p.resolve())
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(p)
            else:
                failures.append(FileFailure(str(p), f"不支持的文件类型 {p.suffix or '（无扩展名）'}，支持 .txt .md .docx .pdf"))
        else:
            failures.append(FileFailure(str(p), "文件或目录不存在"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, folders, failures


_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def _year_of(*texts: str | None) -> int | None:
    for t in texts:
        if t:
            m = _YEAR_RE.search(t)
            if m:
                return int(m.group(1))
    return None


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """knowledge/samples/manifest.yaml style metadata: {file name: {genre, issuer, year, ...}}. Accepts a
    mapping by file name, or a list (optionally under `samples`/`files`) of entries with a `file` key."""
    path = folder / "manifest.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    items: Any = data
    if isinstance(data, dict):
        for key in ("samples", "files", "documents"):
            if isinstance(data.get(key), (list, dict)):
                items = data[key]
                break
    out: dict[str, dict[str, Any]] = {}
    if isinstance(items, dict):
        for name, meta in items.items():
            if isinstance(meta, dict):
                out[str(name)] = meta
    elif isinstance(items, list):
        for meta in items:
            if isinstance(meta, dict):
                name = meta.get("file") or meta.get("path") or meta.get("name")
                if name:
                    out[Path(str(name)).name] = meta
    return out


class Indexer:
    """Phase 1 into the stores it is given: the docstore (chunks, tokens) and the citation checker's article
    store; the caller flushes vector deletions and rebuilds the keyword index afterwards."""

    def __init__(self, settings: Settings, docstore: DocStore, tokenizer: Tokenizer) -> None:
        self.settings = settings
        self.docstore = docstore
        self.tokenizer = tokenizer
        # With a shared server: writes the document there first (see shared.py); a failure fails this file.
        self.publish: Callable[[DocumentRecord, list], None] | None = None
        self.retract: Callable[[str], None] | None = None
        self._manifests: dict[Path, dict[str, dict[str, Any]]] = {}
        self._catalog = None
        self._catalog_loaded = False
        self._articles = None

    # --- phase 1 ---------------------------------------------------------------------------------------
    def index(self, paths: Sequence[Path], kind: str = "auto", prune: bool = False,
              on_file: Callable[[int, int, str], None] | None = None) -> IndexReport:
        """Phase 1 for every file under `paths`; failures are collected, never raised."""
        if kind not in KINDS:
            raise AssistantError(f"未知的 --kind：{kind}", hint="可选 auto、report、regulation")
        t0 = time.perf_counter()
        report = IndexReport()
        files, folders, failures = discover(paths)
        report.failed += failures
        for n, path in enumerate(files, 1):
            if on_file:
                on_file(n, len(files), str(path))
            try:
                status, added, removed = self.index_file(path, kind)
            except AssistantError as err:
                report.failed.append(FileFailure(str(path), str(err)))
                continue
            except Exception as err:  # noqa: BLE001 - one bad file must never abort the batch
                report.failed.append(FileFailure(str(path), f"处理失败（{type(err).__name__}）：{err}"))
                continue
            getattr(report, status).append(str(path))
            report.chunks_added += added
            report.chunks_removed += removed
        if prune:
            present = {str(f.resolve()) for f in files}
            for doc in self.docstore.documents():
                src = Path(doc.source)
                if str(src) in present:
                    continue
                if any(_is_under(src, folder) for folder in folders) and not src.exists():
                    report.chunks_removed += self.remove_doc(doc)
                    report.removed.append(doc.source)
        report.pending = self.docstore.count_chunks(embedded=False)
        report.phase1_seconds = time.perf_counter() - t0
        return report

    def index_file(self, path: Path, kind: str = "auto") -> tuple[str, int, int]:
        """Index one file. Returns (status, chunks added, chunks removed), status in added|updated|unchanged."""
        source = str(path.resolve())
        doc_id = doc_id_for(path)
        h = file_hash(path, kind)
        existing = self.docstore.get_document(doc_id)
        if existing and existing.content_hash == h:
            if not existing.articles_synced:
                self._sync_articles(existing, path)  # a previous run died between docstore and article store
            return "unchanged", 0, 0
        src = read_document(path)
        chunks, record, reg = self._chunk(src, path, doc_id, h, kind)
        tokenizer = self.tokenizer
        if reg is not None:
            tokenizer.add_words([reg.title, reg.title.removeprefix("中华人民共和国")])
        for c in chunks:  # tokenised once here, so rebuilding the keyword index later is cheap
            c.tokens = tokenizer.tokenize(c.embed_text)
        if self.publish is not None:
            self.publish(record, chunks)
        added, removed = self.docstore.replace_document(record, chunks)
        if reg is not None:
            self._article_store_add(reg, source)
            self.docstore.set_articles_synced(doc_id)
        elif existing and existing.kind == "regulation":
            self._article_store_remove(existing.source)
        return ("updated" if existing else "added"), added, removed

    def _chunk(self, src, path: Path, doc_id: str, h: str, kind: str):
        source = str(path.resolve())
        if kind == "auto":
            kind = "regulation" if structure.is_regulation(src) else "report"
        if kind == "regulation":
            reg = structure.parse_regulation(src)
            if not reg.articles:
                raise AssistantError("没有识别出任何条文（第X条）", hint="如果这是报告类文书，请用 --kind report")
            meta = self._regulation_meta(path, reg.title)
            base = {"title": reg.title, "source": source, "genre": "", **meta}
            chunks = chunk_regulation(reg, doc_id, base)
            record = DocumentRecord(doc_id, source, "regulation", reg.title, None, meta.get("issuer"),
                                    meta.get("year"), meta.get("status"), h, len(chunks), articles_synced=0)
            return chunks, record, reg
        doc = structure.parse_official(src)
        manifest = self._manifest_for(path)
        genre = manifest.get("genre") or self._genre_of(doc)
        if genre:
            self._classify(doc, genre)
        title = doc.title or manifest.get("title") or path.stem
        issuer = manifest.get("issuer") or doc.issuer or None
        year = manifest.get("year") or _year_of(doc.title, doc.date)
        base = {"title": title, "source": source, "genre": genre or "", "issuer": issuer,
                "year": int(year) if year else None, "status": ""}
        chunks = chunk_report(doc, doc_id, base)
        if not chunks:
            raise AssistantError("文件中没有可检索的正文")
        record = DocumentRecord(doc_id, source, "report", title, genre or None, issuer,
                                int(year) if year else None, None, h, len(chunks))
        return chunks, record, None

    def _manifest_for(self, path: Path) -> dict[str, Any]:
        folder = path.resolve().parent
        if folder not in self._manifests:
            self._manifests[folder] = load_manifest(folder)
        return self._manifests[folder].get(path.name, {})

    @staticmethod
    def _genre_of(doc) -> str | None:
        match = detect_genre(doc)
        return match.genre.name if match is not None else None

    @staticmethod
    def _classify(doc, genre: str) -> None:
        # An unknown genre name in a manifest: index without roles rather than fail the file.
        with contextlib.suppress(AssistantError):
            classify_sections(doc, get_genre(genre))

    def _regulation_meta(self, path: Path, title: str) -> dict[str, Any]:
        """Status, issuer and year from the regulation catalog, matched by file path first (versions of one
        law share a title), then by title."""
        if not self._catalog_loaded:
            self._catalog_loaded = True
            try:
                self._catalog = load_catalog(self.settings)
            except (AssistantError, OSError):
                self._catalog = None
        meta: dict[str, Any] = {"status": "", "issuer": None, "year": None}
        cat = self._catalog
        if cat is None:
            return meta
        posix = path.resolve().as_posix()
        entry = None
        version: dict[str, Any] | None = None
        by_name = None
        for e in cat.entries:
            for v in e.versions or []:
                p = str(v.get("path") or "").split(":", 1)[-1].lstrip("./")
                if not p:
                    continue
                if posix.endswith("/" + p):
                    entry, version = e, v
                    break
                if by_name is None and Path(p).name == path.name and e.title == title:
                    by_name = (e, v)  # a copy outside the corpus layout: same file name and title
            if entry:
                break
        if entry is None and by_name:
            entry, version = by_name
        if entry is None:
            m = cat.lookup(title)
            entry = m.entry if m else None
        if entry is None:
            return meta
        date = (version or {}).get("publish_date") or entry.publish_date
        meta.update(status=(version or {}).get("status") or entry.status or "", issuer=entry.issuer,
                    year=int(date[:4]) if date else None, level=entry.kind)
        return meta

    # --- the article store of the citation checker ------------------------------------------------------
    def _articles_store(self) -> ArticleStore:
        if self._articles is None:
            self._articles = ArticleStore(self.settings)
        return self._articles

    def _article_store_add(self, reg, source: str) -> None:
        self._articles_store().add_regulation(reg, source)

    def _article_store_remove(self, source: str) -> None:
        self._articles_store().remove(source)

    def _sync_articles(self, doc: DocumentRecord, path: Path) -> None:
        reg = structure.parse_regulation(read_document(path))
        self._article_store_add(reg, doc.source)
        self.docstore.set_articles_synced(doc.doc_id)

    def remove_doc(self, doc: DocumentRecord) -> int:
        if self.retract is not None:
            self.retract(doc.doc_id)
        n = self.docstore.remove_document(doc.doc_id)
        if doc.kind == "regulation":
            self._article_store_remove(doc.source)
        return n


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False
