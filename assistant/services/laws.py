"""Law texts the office provides: `assistant laws import PATH` and the coverage `assistant stats` shows.

The repository ships the catalog (titles, dates, status) but no law text. An office imports texts from a
LawRefBook checkout or a folder of .docx/.pdf/.txt/.md files downloaded from the 国家法律法规数据库; each file is
parsed into articles (第X条) and stored in the ArticleStore (SQLite, no vector store), which `cite` reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.citations.articles import ArticleStore, title_key
from assistant.citations.catalog import load_catalog
from assistant.documents.reading import read_document
from assistant.documents.structure import parse_regulation
from assistant.errors import AssistantError, DocumentError
from assistant.settings import Settings, get_settings

LAW_SUFFIXES = {".md", ".txt", ".docx", ".pdf"}
# Files of a LawRefBook checkout that are not law texts.
_SKIP_NAMES = {"readme.md", "license", "license.md", "changelog.md", "_index.md", "summary.md"}
_SKIP_DIRS = {".git", ".github", "node_modules", "scripts", "__pycache__"}
# Kinds whose text could be imported: the denominator of the coverage figure.
TEXT_KINDS = {"law", "administrative_regulation", "judicial_interpretation", "departmental_rule"}

Progress = Callable[[int, int, Path], None]


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # titles
    present: list[str] = field(default_factory=list)  # same text already in the store
    unreadable: list[dict[str, str]] = field(default_factory=list)  # {file, reason}

    def to_dict(self) -> dict[str, Any]:
        return {"imported": len(self.imported), "already_present": len(self.present),
                "unreadable": list(self.unreadable), "imported_titles": list(self.imported)}


def law_files(path: Path) -> list[Path]:
    """The candidate law texts under `path` (a file or a folder, searched recursively), sorted."""
    if path.is_file():
        return [path]
    out = []
    for p in path.rglob("*"):
        if any(part in _SKIP_DIRS or part.startswith(".") for part in p.relative_to(path).parts[:-1]):
            continue
        if p.is_file() and p.suffix.lower() in LAW_SUFFIXES and p.name.lower() not in _SKIP_NAMES \
                and not p.name.startswith((".", "~$")):
            out.append(p)
    return sorted(out)


def _import_one(store: ArticleStore, f: Path, report: ImportReport) -> None:
    try:
        reg = parse_regulation(read_document(f))
    except AssistantError as err:
        report.unreadable.append({"file": str(f), "reason": str(err)})
        return
    if not reg.title or not reg.articles:
        report.unreadable.append({"file": str(f), "reason": "没有找到“第X条”形式的条文，不像法规原文"})
        return
    if store.contains(reg):
        report.present.append(reg.title)
        return
    store.add_regulation(reg, str(f.resolve()))
    report.imported.append(reg.title)


def import_laws(path: str | Path, *, settings: Settings | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import every law text under `path` into the ArticleStore. Unreadable files are reported, not fatal."""
    root = Path(path)
    if not root.exists():
        raise DocumentError(f"找不到路径：{root}", hint="给出 LawRefBook 目录，或存放法规 .docx/.pdf/.txt 文件的文件夹")
    files = law_files(root)
    if not files:
        raise DocumentError(f"{root} 中没有可导入的法规文件（.md/.txt/.docx/.pdf）")
    report = ImportReport()
    store = ArticleStore(settings or get_settings())
    try:
        for n, f in enumerate(files, 1):
            _import_one(store, f, report)
            if progress is not None:
                progress(n, len(files), f)
    finally:
        store.close()
    return report


def law_text_coverage(settings: Settings | None = None) -> dict[str, Any]:
    """{texts, catalog, covered, percent, label}: how many regulations have their text imported, and what share
    of the catalog's national laws, regulations and interpretations in force that covers."""
    settings = settings or get_settings()
    catalog = load_catalog(settings)
    wanted = {title_key(e.title) for e in catalog.entries if e.kind in TEXT_KINDS and e.status != "已废止"}
    store = ArticleStore.existing(settings)
    keys: set[str] = set()
    if store is not None:
        try:
            keys = store.title_keys()
        finally:
            store.close()
    covered = len(keys & wanted)
    percent = round(100 * covered / len(wanted), 1) if wanted else 0.0
    return {"texts": len(keys), "catalog": len(wanted), "covered": covered, "percent": percent,
            "label": f"法规原文：{len(keys)} 部，覆盖目录 {percent:g}%"}
