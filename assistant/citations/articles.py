"""ArticleStore: the text of every article (条) of the regulations in the knowledge base, for `assistant cite`.

A small SQLite file at `<settings.home>/store/articles.sqlite3` — no vector store, so looking up 第二十五条
costs one indexed query and never imports chromadb.

Contract with the knowledge-base indexer (`assistant index … --kind regulation`): for every regulation it
indexes, the indexer calls

    ArticleStore(settings).add_regulation(parse_regulation(src), source=str(path))

and `ArticleStore(settings).remove(source)` when it drops a file. Re-adding the same source replaces its rows
(unchanged content is skipped by hash). Several versions of one title may be stored (e.g. 行政复议法 2017 and
2023); a look-up without `version` returns the latest, by the newest date in the regulation's header lines.
Readers (`cite`) open the store with `ArticleStore.existing(settings)`, which returns None instead of creating
an empty database.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from assistant.citations.catalog import normalize_title
from assistant.documents.numbering import find_dates, to_halfwidth_digits
from assistant.errors import StoreError
from assistant.models import Article, Regulation
from assistant.settings import get_settings

DB_NAME = "articles.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS regulations (
    source TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    articles INTEGER NOT NULL,
    max_index INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS regulations_title ON regulations(title_key, version);
CREATE TABLE IF NOT EXISTS articles (
    source TEXT NOT NULL,
    idx INTEGER NOT NULL,
    suffix INTEGER NOT NULL DEFAULT 0,
    number TEXT NOT NULL,
    chapter_path TEXT NOT NULL,
    text TEXT NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (source, idx, suffix)
);
"""


def title_key(title: str) -> str:

    return normalize_title(title)


def regulation_version(reg: Regulation) -> str:
    """Newest date in the header lines (the version date), ISO; '' when the header has none."""
    return max((d.iso for line in reg.history for d in find_dates(to_halfwidth_digits(line))), default="")


def _hash(reg: Regulation) -> str:
    h = hashlib.sha256(reg.title.encode("utf-8"))
    for a in reg.articles:
        h.update(f"\x00{a.index}.{a.suffix}\x00{'/'.join(a.chapter_path)}\x00{a.text}".encode())
    return h.hexdigest()


class ArticleStore:
    def __init__(self, settings: Any = None, path: Path | None = None) -> None:
        if path is None:
            if settings is None:

                settings = get_settings()
            path = Path(settings.home) / "store" / DB_NAME
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def existing(cls, settings: Any = None, path: Path | None = None) -> ArticleStore | None:
        store = cls(settings, path)
        return store if store.path.is_file() else None

    # ------------------------------------------------------------------ connection

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(str(self.path), timeout=10)
                self._conn.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as err:
                raise StoreError(f"无法打开条文库 {self.path}：{err}", hint="检查 ASSISTANT_HOME 目录是否可写") from err
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def add_regulation(self, reg: Regulation, source: str) -> int:
        """Store every article of `reg` under `source` (replacing what that source had). Returns the number
        of articles written (0 when the same content was already stored)."""
        if not reg.title or not reg.articles:
            raise StoreError(f"《{reg.title or source}》没有可存入的条文", hint="检查该文件是否为按“第X条”编排的法规")
        digest = _hash(reg)
        try:
            with self.conn as c:
                row = c.execute("SELECT content_hash FROM regulations WHERE source=?", (source,)).fetchone()
                if row and row[0] == digest:
                    return 0
                c.execute("DELETE FROM articles WHERE source=?", (source,))
                c.execute("DELETE FROM regulations WHERE source=?", (source,))
                c.execute(
                    "INSERT INTO regulations(source,title,title_key,version,content_hash,articles,max_index) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (source, reg.title, title_key(reg.title), regulation_version(reg), digest, len(reg.articles),
                     reg.max_article),
                )
                c.executemany(
                    "INSERT OR REPLACE INTO articles(source,idx,suffix,number,chapter_path,text,line) "
                    "VALUES (?,?,?,?,?,?,?)",
                    [(source, a.index, a.suffix, a.number, json.dumps(a.chapter_path, ensure_ascii=False), a.text,
                      a.line) for a in reg.articles],
                )
        except sqlite3.Error as err:
            raise StoreError(f"写入条文库失败：{err}") from err
        return len(reg.articles)

    def remove(self, title_or_source: str) -> int:
        """Drop a source, or every source of a title. Returns the number of regulations removed."""
        try:
            with self.conn as c:
                rows = c.execute("SELECT source FROM regulations WHERE source=? OR title=? OR title_key=?",
                                 (title_or_source, title_or_source, title_key(title_or_source))).fetchall()
                for (source,) in rows:
                    c.execute("DELETE FROM articles WHERE source=?", (source,))
                    c.execute("DELETE FROM regulations WHERE source=?", (source,))
        except sqlite3.Error as err:
            raise StoreError(f"删除条文失败：{err}") from err
        return len(rows)

    # ------------------------------------------------------------------ reading

    def _source_for(self, title: str, version: str | None = None) -> tuple[str, int] | None:
        key = title_key(title)
        try:
            if version:
                row = self.conn.execute(
                    "SELECT source, max_index FROM regulations WHERE title_key=? AND version LIKE ? "
                    "ORDER BY version DESC LIMIT 1", (key, f"{version}%")).fetchone()
            else:
                row = self.conn.execute(
                    "SELECT source, max_index FROM regulations WHERE title_key=? ORDER BY version DESC LIMIT 1",
                    (key,)).fetchone()
        except sqlite3.Error as err:
            raise StoreError(f"读取条文库失败：{err}", hint="可删除该文件后重新建立知识库索引") from err
        return (row[0], row[1]) if row else None

    def get(self, title: str, index: int, suffix: int = 0, version: str | None = None) -> Article | None:
        """Article 第index条(之suffix) of the latest stored version of `title` (or of `version`, a date prefix
        like '2017' or '2017-09-01')."""
        hit = self._source_for(title, version)
        if hit is None:
            return None
        row = self.conn.execute(
            "SELECT number, idx, chapter_path, text, line, suffix FROM articles WHERE source=? AND idx=? AND suffix=?",
            (hit[0], index, suffix)).fetchone()
        if row is None:
            return None
        return Article(number=row[0], index=row[1], chapter_path=json.loads(row[2]), text=row[3], line=row[4],
                       suffix=row[5])

    def count(self, title: str, version: str | None = None) -> int | None:
        """Highest article number of the stored regulation (None when the title is not stored)."""
        hit = self._source_for(title, version)
        return hit[1] if hit else None

    def contains(self, reg: Regulation) -> bool:
        """The same text (title and articles) is stored already, under any source."""
        try:
            return self.conn.execute("SELECT 1 FROM regulations WHERE content_hash=? LIMIT 1",
                                     (_hash(reg),)).fetchone() is not None
        except sqlite3.Error as err:
            raise StoreError(f"读取条文库失败：{err}") from err

    def title_keys(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT DISTINCT title_key FROM regulations")}

    def titles(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT title FROM regulations ORDER BY title")]

    def sources(self, title: str | None = None) -> list[str]:
        if title is None:
            return [r[0] for r in self.conn.execute("SELECT source FROM regulations ORDER BY source")]
        return [r[0] for r in self.conn.execute("SELECT source FROM regulations WHERE title_key=? ORDER BY version",
                                                (title_key(title),))]
