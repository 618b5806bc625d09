"""Backup and restore of a knowledge base as one zip file.

The archive holds a consistent copy of the SQLite docstore (documents, chunks with their text, metadata,
keyword tokens and `embedded` flags), the vectors exactly as Chroma stores them (float32, with the ids,
metadata and embedded text), and a manifest naming the embedder that made them. Restoring writes the vectors
back as they were — nothing is re-embedded — so the same query finds the same chunks with the same scores.
The BM25 index is not archived: it is rebuilt from the docstore, which is its source of truth.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import Settings

FORMAT = "gongwen-assistant-kb"
VERSION = 1
MEMBERS = ("manifest.json", "docstore.sqlite", "vectors.npy", "vectors.json")
# A backup member larger than this is refused before it is unpacked (a zip bomb, or not our file).
MAX_MEMBER_BYTES = 8 << 30
_BATCH = 2000


def _embedder_settings(s: Settings) -> dict[str, Any]:
    return {"embedder": s.embedder, "embeddings_base_url": s.embeddings_base_url,
            "embeddings_model": s.embeddings_model}


def _snapshot_docstore(kb: KnowledgeBase, dest: Path) -> None:
    # SQLite's online backup copies a consistent state even while another process writes (WAL).
    target = sqlite3.connect(str(dest))
    try:
        kb.docstore.conn.backup(target)
    finally:
        target.close()


def _read_vectors(kb: KnowledgeBase) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Every vector of the collection as stored (chunk vectors and any extra vectors, e.g. 款 parts)."""
    embedded = {r[0] for r in kb.docstore.conn.execute("SELECT chunk_id FROM chunks WHERE embedded=1")}
    rows: list[dict[str, Any]] = []
    vecs: list[np.ndarray] = []
    if embedded:
        from assistant.kb.store import COLLECTION, make_client

        try:
            col = make_client(kb.settings).get_collection(COLLECTION)
        except Exception as err:  # chromadb raises assorted types for a missing or damaged collection
            raise StoreError(f"无法读取向量库：{err}", hint="先运行 `assistant index --embed-only` 修复向量库，再导出") from err
        offset = 0
        while True:
            got = col.get(limit=_BATCH, offset=offset, include=["embeddings", "metadatas", "documents"])
            if not got["ids"]:
                break
            for cid, emb, meta, doc in zip(got["ids"], got["embeddings"], got["metadatas"], got["documents"],
                                           strict=True):
                rows.append({"id": cid, "metadata": meta, "document": doc})
                vecs.append(np.asarray(emb, dtype=np.float32))
            offset += len(got["ids"])
    missing = embedded - {r["id"] for r in rows}
    if missing:
        raise StoreError(f"知识库记录已嵌入的片段中有 {len(missing)} 个在向量库里找不到，备份会不完整",
                         hint="先运行 `assistant index --embed-only` 修复向量库，再导出")
    dim = int(vecs[0].shape[0]) if vecs else 0
    matrix = np.vstack(vecs) if vecs else np.zeros((0, dim), dtype=np.float32)
    return matrix, rows


def export_kb(kb: KnowledgeBase, path: Path) -> dict[str, Any]:
    """Write the knowledge base to `path` (a zip file, written to a temporary name and renamed)."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} 是一个目录", hint="请给出备份文件名，例如 知识库备份.zip")
    matrix, rows = _read_vectors(kb)
    stats = kb.stats()
    manifest = {
        "format": FORMAT, "version": VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedder": stats["embedder"], "dimension": int(matrix.shape[1]) if len(rows) else None,
        "embedder_settings": _embedder_settings(kb.settings),
        "counts": {"documents": stats["documents"], "chunks": stats["chunks"], "embedded": stats["embedded"],
                   "vectors": len(rows)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory() as work:
            db = Path(work) / "docstore.sqlite"
            _snapshot_docstore(kb, db)
            buf = io.BytesIO()
            np.save(buf, matrix, allow_pickle=False)
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
                zf.write(db, "docstore.sqlite")
                zf.writestr("vectors.npy", buf.getvalue())
                zf.writestr("vectors.json", json.dumps(rows, ensure_ascii=False))
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"无法写入备份文件 {path}：{err}", hint="检查目录权限与磁盘空间") from err
    return {"file": str(path), **manifest}


def _open_archive(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    if not Path(path).is_file():
        raise StoreError(f"找不到备份文件：{path}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise StoreError(f"{path} 不是知识库备份文件（无法按 zip 打开）", hint="请选择 assistant kb export 生成的文件") from err
    names = set(zf.namelist())
    missing = [m for m in MEMBERS if m not in names]
    if missing:
        zf.close()
        raise StoreError(f"{path} 不是完整的知识库备份（缺少 {'、'.join(missing)}）",
                         hint="请选择 assistant kb export 生成的文件")
    if any(zf.getinfo(m).file_size > MAX_MEMBER_BYTES for m in MEMBERS):
        zf.close()
        raise StoreError(f"{path} 中的文件大得异常，拒绝解压", hint="请选择 assistant kb export 生成的文件")
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (ValueError, zipfile.BadZipFile) as err:
        zf.close()
        raise StoreError(f"{path} 的清单（manifest.json）已损坏") from err
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        zf.close()
        raise StoreError(f"{path} 不是本程序支持的知识库备份（格式 {manifest.get('format')} 版本 {manifest.get('version')}）")
    return zf, manifest


def _check_target(settings: Settings, replace: bool) -> None:
    if settings.chroma_host:
        raise StoreError("使用 Chroma 服务器（CHROMA_HOST）时不能导入备份，以免覆盖多人共用的向量库",
                         hint="在本机数据目录中导入（取消 CHROMA_HOST），或在服务器上导入")
    db = settings.store_dir / "docstore.sqlite"
    if db.exists() and not replace:
        with sqlite3.connect(str(db)) as conn:
            try:
                n = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.DatabaseError:
                n = -1
        if n:
            raise StoreError(f"数据目录 {settings.home} 中已有知识库（{n if n > 0 else '无法读取的'}文档），未导入",
                             hint="加 --replace 用备份替换它，或设置新的 ASSISTANT_HOME 后导入")


def import_kb(settings: Settings, path: Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore a backup into the store of `settings`. The current embedder must be the one that made the
    vectors (its id is in the manifest). With `replace`, an existing knowledge base there is discarded."""
    zf, manifest = _open_archive(Path(path))
    with zf:
        _check_target(settings, replace)
        from assistant.kb.embeddings import get_embedder

        current = get_embedder(settings).id  # cheap: models load on first use
        if manifest["counts"]["vectors"] and manifest["embedder"] != current:
            raise StoreError(f"备份的向量由嵌入模型 {manifest['embedder']} 生成，当前配置的是 {current}",
                             hint=f"按备份时的设置配置嵌入模型：{manifest.get('embedder_settings')}")
        try:
            matrix = np.load(io.BytesIO(zf.read("vectors.npy")), allow_pickle=False)
            rows = json.loads(zf.read("vectors.json"))
        except (ValueError, zipfile.BadZipFile, EOFError) as err:
            raise StoreError(f"{path} 已损坏，无法读取其中的向量：{err}") from err
        if len(rows) != matrix.shape[0]:
            raise StoreError(f"{path} 已损坏：向量 {matrix.shape[0]} 个，记录 {len(rows)} 条")
        # Everything is read and checked; only now is the old knowledge base discarded.
        store = settings.store_dir
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True, exist_ok=True)
        tmp = store / "docstore.sqlite.importing"
        with zf.open("docstore.sqlite") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        _write_vectors(settings, matrix, rows)
        tmp.replace(store / "docstore.sqlite")
    kb = KnowledgeBase(settings)
    try:
        kb.docstore.set_meta("samples_seeded", "1")
        # Processes that have this store open (the UI) reopen their vector client when the version moves.
        kb.docstore.set_meta("vectors_version", str(int(kb.docstore.get_meta("vectors_version") or 0) + 1))
        kb.keyword_index()
        stats = kb.stats()
    finally:
        kb.close()
    return {"file": str(path), "embedder": manifest["embedder"], "created": manifest.get("created"),
            "counts": {k: stats[k] for k in ("documents", "chunks", "embedded")}}


def _write_vectors(settings: Settings, matrix: np.ndarray, rows: list[dict[str, Any]]) -> None:
    """The collection is created before the docstore appears, so opening the knowledge base finds both."""
    if not rows:
        return
    from assistant.kb.embeddings import CachedEmbeddings, VectorCache, get_embedder, text_hash
    from assistant.kb.store import VectorStore

    embedder = CachedEmbeddings(get_embedder(settings), VectorCache(settings.home / "cache" / "vectors.sqlite"))
    try:
        col = VectorStore(settings, embedder).collection
        for i in range(0, len(rows), _BATCH):
            part = rows[i : i + _BATCH]
            vecs = matrix[i : i + _BATCH]
            col.upsert(ids=[r["id"] for r in part], embeddings=vecs, metadatas=[r["metadata"] for r in part],
                       documents=[r["document"] for r in part])
            # The vector cache learns them too, so a later re-index of the same texts embeds nothing.
            embedder.cache.put_many(embedder.id, [(text_hash(r["document"]), v) for r, v in zip(part, vecs,
                                                                                                 strict=True)])
    finally:
        embedder.cache.close()
