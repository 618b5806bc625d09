"""Build knowledge/regulations/catalog.jsonl (scripts/build_catalog.py). Metadata only, deterministic.

Inputs, merged in this order (a later one patches what an earlier one said about the same title):
  1. the national catalog `<source>/national/catalog.jsonl` (titles, levels, dates and header lines of the
     national laws, administrative regulations and judicial interpretations; current and superseded versions);
  2. the LawRefBook corpus catalog `<source>/catalog.jsonl` (the texts we have: article counts, statuses);
  3. knowledge/regulations/repealed.yaml: repealed or replaced laws and regulations, with date, successor and
     the public record it rests on;
  4. knowledge/regulations/editions.yaml: families whose editions follow each other (five-year plans …);
  5. knowledge/regulations/curated.yaml: party regulations, central documents, standards, corrections.
Every hand-written file is read through a strict pydantic model (unknown keys are an error, not ignored).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.citations.catalog import (
    CATALOG_FILE,
    CPC,
    LEVEL_KIND,
    PRC,
    CatalogEntry,
    exact_key,
    parse_date,
)
from assistant.citations.catalog_models import (
    CuratedEntry,
    CuratedFile,
    EditionsFile,
    RepealedFile,
)
from assistant.documents import numbering
from assistant.errors import ConfigError

NATIONAL_DIR = "national"
_EVENT_RE = re.compile(r"(通过|公布|修正|修订|施行|发布|批准|印发|颁布|废止)")
_TRIAL_RE = re.compile(r"[（(]试行[)）]$")
# Events that date a version (施行 is already the entry's effective_date; the rest do not date a text).
_VERSION_EVENTS = {"通过", "公布", "修正", "修订", "发布", "印发", "颁布"}
NATIONAL_BASIS = "国家法律法规数据库（LawRefBook 2025-04-19 快照）"


# --------------------------------------------------------------------------------------------- sources

def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _events(history: list[str]) -> list[dict[str, str]]:
    out = []
    for line in history:
        m = numbering.DATE_RE.match(numbering.to_halfwidth_digits(line.strip()))  # same length: m.end() holds
        mark = numbering.parse_date(m.group(0)) if m else None
        if not mark:
            continue
        ev = _EVENT_RE.findall(line[m.end():])
        if not ev:
            continue
        try:
            out.append({"date": date(mark.year, mark.month, mark.day).isoformat(), "event": ev[-1]})
        except ValueError:
            continue
    return out


def _national_events(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """{date, event} from the national rows' dated header lines, first event word of each line, deduplicated."""
    seen: set[tuple[str, str]] = set()
    for r in rows:
        for e in r.get("events") or []:
            ev = _EVENT_RE.search(str(e.get("event", "")))
            if ev and ev.group(1) in _VERSION_EVENTS and parse_date(e.get("date")):
                seen.add((e["date"], ev.group(1)))
    return [{"date": d, "event": ev} for d, ev in sorted(seen)]


def _from_national(rows: list[dict[str, Any]]) -> dict[str, CatalogEntry]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["title"], []).append(r)
    entries: dict[str, CatalogEntry] = {}
    for title, versions in groups.items():
        versions.sort(key=lambda r: (r.get("version") == "current", r.get("publish_date") or ""))
        current = versions[-1]
        events = _national_events(versions)
        dates = [e["date"] for e in events] + [r["publish_date"] for r in versions if r.get("publish_date")]
        entry = CatalogEntry(
            title=title, kind=LEVEL_KIND.get(current.get("level", ""), "unknown"),
            short_titles=[current["short_name"]] if current.get("short_name") not in (None, title) else [],
            publish_date=current.get("publish_date"), effective_date=current.get("effective_date"),
            first_date=min(dates) if dates else None, events=events, source=f"national:{current['source_path']}",
            versions=[] if len(versions) < 2 else [
                {k: v for k, v in {"publish_date": r.get("publish_date"), "effective_date": r.get("effective_date"),
                                   "status": "现行有效" if r is current else "已修改"}.items() if v}
                for r in versions],
        )
        if current.get("version") != "current":
            # Only older versions in the database: the text was replaced under a new title.
            entry.status = "已废止"
            entry.basis = f"{NATIONAL_BASIS}仅存旧版本"
        entries[title] = entry
    for entry in entries.values():  # 《…（试行）》 replaced by the same title without （试行）
        plain = _TRIAL_RE.sub("", entry.title)
        if entry.status == "已废止" and plain != entry.title and plain in entries:
            entry.replaced_by = plain
    return entries


def _source_path(row: dict[str, Any]) -> str:
    # "LawRefBook/Laws <commit> <path>" → <path>
    parts = str(row.get("source", "")).split(" ", 2)
    return parts[2] if len(parts) == 3 else ""


def _corpus_entry(title: str, versions: list[dict[str, Any]]) -> CatalogEntry:
    versions.sort(key=lambda r: r.get("publish_date") or "")
    current = next((r for r in reversed(versions) if r["status"] != "已修改"), versions[-1])
    shorts: list[str] = []
    for r in versions:
        for s in r.get("short_titles") or []:
            if s != title and s not in shorts:
                shorts.append(s)
    events = _events(current.get("history") or [])
    dates = [e["date"] for e in events]
    for r in versions:
        dates += [x for x in (r.get("publish_date"), r.get("effective_date")) if x]
        dates += [e["date"] for e in _events(r.get("history") or [])]
    return CatalogEntry(
        title=title, kind=LEVEL_KIND.get(current.get("level", ""), "unknown"), short_titles=shorts,
        issuer=current.get("issuer"), publish_date=current.get("publish_date"),
        effective_date=current.get("effective_date"), first_date=min(dates) if dates else None,
        status=current["status"], events=events, articles=current.get("max_article_no"),
        source=f"corpus:{current.get('path')}",
        versions=[] if len(versions) < 2 else [
            {k: v for k, v in {"publish_date": r.get("publish_date"), "effective_date": r.get("effective_date"),
                               "status": r["status"], "path": r.get("path")}.items() if v}
            for r in versions],
    )


def _from_corpus(rows: list[dict[str, Any]], entries: dict[str, CatalogEntry]) -> None:
    """The corpus texts (we hold their articles) replace the national entry of the same title."""
    by_source = {_source_path(r): r for r in rows}
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["title"], []).append(r)
    for title, versions in groups.items():
        entry = _corpus_entry(title, versions)
        national = entries.get(title)
        if national is not None:
            entry.short_titles += [s for s in national.short_titles if s not in entry.short_titles]
            entry.first_date = min(x for x in (entry.first_date, national.first_date) if x) \
                if (entry.first_date or national.first_date) else None
        if entry.status == "已废止":
            current = versions[-1]
            m = re.search(r"(?:废止\)|repealed in)[:：]\s*(\S+\.md)", current.get("status_basis") or "")
            repealer = by_source.get(m.group(1)) if m else None
            if repealer:
                entry.replaced_by = repealer["title"]
                entry.repealed_date = repealer.get("effective_date") or repealer.get("publish_date")
                entry.basis = f"《{repealer['title']}》明文废止（LawRefBook 语料）"
        entries[title] = entry


# --------------------------------------------------------------------------------------------- hand-written data

def _load_yaml(path: Path, model: Any, what: str) -> Any:
    if not path.is_file():
        raise ConfigError(f"找不到 {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{path.name} 不是有效的 YAML：{err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} 格式错误：顶层应为映射（含 {what} 列表）", hint="参照文件开头的说明")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{path.name} 格式错误：{where}：{first['msg']}",
                          hint="字段名和取值见文件开头的说明；不认识的字段会被拒绝") from err


def _patch(entries: dict[str, CatalogEntry], item: CuratedEntry) -> None:
    entry = entries.get(item.title)
    if entry is None:
        entry = entries[item.title] = CatalogEntry(title=item.title, kind=item.kind or "unknown")
    data = item.model_dump(exclude_none=True)
    for key in ("kind", "issuer", "doc_number", "publish_date", "effective_date", "first_date", "status",
                "repealed_date", "replaced_by", "articles", "note"):
        if key in data:
            setattr(entry, key, data[key])
    for key in ("short_titles", "aliases"):
        for s in data.get(key) or []:
            if s not in getattr(entry, key):
                getattr(entry, key).append(s)
    if item.basis and item.basis != entry.basis:
        entry.basis = f"{entry.basis}；{item.basis}" if entry.basis else item.basis
    if item.versions:
        entry.versions = [v.model_dump(exclude_none=True) for v in item.versions]


def _apply_repealed(entries: dict[str, CatalogEntry], data: RepealedFile) -> None:
    for item in data.entries:
        entry = entries.get(item.title)
        if entry is None:
            entry = entries[item.title] = CatalogEntry(title=item.title, kind=item.kind, source="repealed")
        entry.status = "已废止"
        entry.repealed_date = item.repealed_date
        entry.replaced_by = item.successor
        entry.basis = item.basis
        if item.chain_to and item.chain_to != item.successor:
            entry.chain = [item.chain_to]
        for key in ("issuer", "first_date", "effective_date", "note"):
            value = getattr(item, key)
            if value:
                setattr(entry, key, value)
        for s in item.short_titles:
            if s not in entry.short_titles:
                entry.short_titles.append(s)


def _apply_editions(entries: dict[str, CatalogEntry], data: EditionsFile) -> None:
    for fam in data.families:
        for ed in fam.editions:
            entry = entries.get(ed.title)
            if entry is None:
                entry = entries[ed.title] = CatalogEntry(title=ed.title, kind=fam.kind, source="editions")
            entry.family, entry.edition_from, entry.edition_to = fam.family, ed.start, ed.end
            if ed.doc_number and not entry.doc_number:
                entry.doc_number = ed.doc_number
            if ed.basis and not entry.basis:
                entry.basis = ed.basis
            if not entry.first_date:
                entry.first_date = ed.issued or ed.start
            for s in ed.aliases:
                if s not in entry.aliases:
                    entry.aliases.append(s)
        editions = fam.editions
        for older, newer in zip(editions, editions[1:], strict=False):
            entry = entries[older.title]
            if not entry.replaced_by:
                # 规划期满 / superseded by the next edition: from the day the next one begins.
                entry.replaced_by, entry.repealed_date = newer.title, newer.start
                entry.status = "已废止" if entry.status == "现行有效" else entry.status


# --------------------------------------------------------------------------------------------- derived names

def _derive(entries: dict[str, CatalogEntry]) -> None:
    """Mechanical names every entry gets: 中华人民共和国-less short title, 中国共产党-less abbreviation; the
    successor chain down to what is in force."""
    for e in entries.values():
        if e.title.startswith(PRC) and len(e.title) > len(PRC):
            s = e.title[len(PRC):]
            if s not in e.short_titles:
                e.short_titles.insert(0, s)
        if e.kind == "party_regulation" and e.title.startswith(CPC):
            a = e.title[len(CPC):]
            if a not in e.abbreviations:
                e.abbreviations.append(a)
        if e.replaced_by and e.status == "现行有效" and e.repealed_date:
            e.status = "已废止"
    for e in entries.values():
        chain: list[str] = []
        nxt = entries.get(e.chain[-1] if e.chain else e.replaced_by or "")
        while nxt is not None and nxt.status == "已废止" and nxt.replaced_by and nxt.replaced_by not in chain \
                and len(chain) < 8:
            chain.append(nxt.replaced_by)
            nxt = entries.get(nxt.replaced_by)
        if chain:
            e.chain = [*e.chain, *chain] if e.chain and e.chain[-1] != chain[-1] else chain


def _check_names(entries: dict[str, CatalogEntry], curated: set[str]) -> None:
    """A name must point at one entry. Two hand-written entries sharing a name is an error; a name the
    databases give to two texts is dropped from the later one (by title order) instead."""
    owner: dict[str, str] = {exact_key(t): t for t in entries}
    for title in sorted(entries):
        e = entries[title]
        for attr in ("short_titles", "aliases", "abbreviations"):
            kept = []
            for name in getattr(e, attr):
                k = exact_key(name)
                other = owner.setdefault(k, e.title)
                if other == e.title:
                    kept.append(name)
                elif e.title in curated and other in curated:
                    raise ConfigError(f"名称“{name}”同时指向《{other}》和《{e.title}》",
                                      hint="在 curated.yaml 中删除重复的简称")
            setattr(e, attr, kept)


def build_catalog(source_dir: Path | None, curated_path: Path, *, repealed_path: Path | None = None,
                  editions_path: Path | None = None) -> list[dict[str, Any]]:
    """Merge the national catalog and corpus (if `source_dir` is given), repealed.yaml, editions.yaml (beside
    curated.yaml unless given) and curated.yaml into a list of entry dicts, sorted by title."""
    entries: dict[str, CatalogEntry] = {}
    if source_dir is not None:
        src = Path(source_dir) / CATALOG_FILE
        if not src.is_file():
            raise ConfigError(f"找不到法规库目录文件 {src}",
                              hint="--source 应指向 LawRefBook 格式目录（含 catalog.jsonl、texts/ 和 national/）")
        national = Path(source_dir) / NATIONAL_DIR / CATALOG_FILE
        if national.is_file():
            entries = _from_national(_read_jsonl(national))
        _from_corpus(_read_jsonl(src), entries)
    here = Path(curated_path).parent
    repealed_path = repealed_path or here / "repealed.yaml"
    editions_path = editions_path or here / "editions.yaml"
    if repealed_path.is_file():
        _apply_repealed(entries, _load_yaml(repealed_path, RepealedFile, "entries"))
    if editions_path.is_file():
        _apply_editions(entries, _load_yaml(editions_path, EditionsFile, "families"))
    curated: CuratedFile = _load_yaml(Path(curated_path), CuratedFile, "entries")
    for item in curated.entries:
        _patch(entries, item)
    _derive(entries)
    _check_names(entries, {i.title for i in curated.entries})
    return [entries[t].to_dict() for t in sorted(entries)]


def write_catalog(entries: list[dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries)
    out.write_text(text, encoding="utf-8")
