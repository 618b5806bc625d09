"""Regulation catalog: titles, short titles, kinds, dates and status of the laws, regulations, party
regulations and policy documents a draft may cite. Metadata only — article text lives in the ArticleStore
(assistant/articles.py).

Two inputs, one generated file:
  * a LawRefBook-format folder (../shared/corpus/regulations: catalog.jsonl + texts/), read mechanically;
  * knowledge/regulations/curated.yaml, written by hand from sources for what that corpus lacks (party
    regulations, central policy documents, laws repealed by the 民法典, …) and for corrections.
`build_catalog()` merges them into knowledge/regulations/catalog.jsonl (one entry per title; several
versions of one title become that entry's `versions`). Run `python scripts/build_catalog.py` after editing
curated.yaml. At run time only the JSONL file is read (no YAML parse), so `assistant cite` starts fast.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.documents import numbering
from assistant.errors import ConfigError

CATALOG_FILE = "catalog.jsonl"
PRC = "中华人民共和国"
CPC = "中国共产党"

# Source `level` (LawRefBook folder level) → our kind.
LEVEL_KIND = {
    "宪法": "law",
    "法律": "law",
    "行政法规": "administrative_regulation",
    "司法解释": "judicial_interpretation",
    "部门规章": "departmental_rule",
}
KINDS = {
    "law", "administrative_regulation", "judicial_interpretation", "departmental_rule", "party_regulation",
    "central_policy", "standard", "local", "other", "unknown",
}
STATUSES = {"现行有效", "已修改", "已废止"}

_EVENT_RE = re.compile(r"(通过|公布|修正|修订|施行|发布|批准|印发|颁布|废止)")
_DASHES = "—–－‐‑‒―−~～"
_DASH_RE = re.compile(f"[{_DASHES}-]+")
_SPACE_RE = re.compile(r"\s+")
_YEARS_RE = re.compile(r"\((\d{4})-(\d{4})年?\)")


# --------------------------------------------------------------------------------------------- normalisation

def exact_key(title: str) -> str:
    """Key for an exact match: spaces dropped, nested 〈〉/<> written as 《》 (both are correct typography)."""
    t = _SPACE_RE.sub("", title)
    return t.replace("〈", "《").replace("〉", "》").replace("<", "《").replace(">", "》")


def normalize_title(title: str) -> str:
    """Loose key: full/half width, dashes, brackets and spaces unified, 中华人民共和国 prefix dropped."""
    t = unicodedata.normalize("NFKC", exact_key(title))
    t = t.replace("〔", "(").replace("〕", ")").replace("[", "(").replace("]", ")").replace("【", "(").replace("】", ")")
    t = _DASH_RE.sub("-", t)
    t = t.replace("“", "").replace("”", "").replace('"', "").replace("‘", "").replace("’", "")
    t = _YEARS_RE.sub(r"(\1-\2)", t)
    t = t.replace("、", "")
    if t.startswith(PRC) and len(t) > len(PRC):
        t = t[len(PRC):]
    return t.replace(f"《{PRC}", "《")


def parse_date(text: str | None) -> date | None:
    """'2024年2月26日' / '2024-02-26' / '2024年2月' / '2024-02' / '2024年' → date (missing month/day → 1)."""
    if not text:
        return None
    text = str(text).strip()
    mark = numbering.parse_date(numbering.to_halfwidth_digits(text))  # corpus headers use ２０１２年
    if mark:
        try:
            return date(mark.year, mark.month, mark.day)
        except ValueError:
            return None
    m = (re.search(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text)
         or re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", text) or re.fullmatch(r"(\d{4})-(\d{1,2})", text)
         or re.fullmatch(r"(\d{4})\s*年?", text))
    if not m:
        return None
    parts = [int(x) for x in m.groups()] + [1, 1]
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------- entries

@dataclass
class CatalogEntry:
    title: str
    kind: str
    short_titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)  # party regulations without 中国共产党
    issuer: str | None = None
    doc_number: str | None = None
    publish_date: str | None = None  # date of the current version
    effective_date: str | None = None  # effective date of the current version
    first_date: str | None = None  # earliest known date (first enactment): before it the title did not exist
    status: str = "现行有效"  # as of the catalog snapshot
    repealed_date: str | None = None
    replaced_by: str | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)  # [{publish_date, effective_date, status, path}]
    events: list[dict[str, str]] = field(default_factory=list)  # [{date, event}] from the header lines
    articles: int | None = None  # highest plain article number of the current version
    source: str = "curated"
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: v for k, v in d.items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CatalogEntry:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})

    # ---- status at a date

    def version_years(self) -> list[int]:
        """Years of every known version (each publish date plus every 修正/修订/通过/公布 event)."""
        years = {int(v["publish_date"][:4]) for v in self.versions if v.get("publish_date")}
        years |= {int(e["date"][:4]) for e in self.events if e["event"] in ("通过", "公布", "修正", "修订", "发布", "印发")}
        if self.publish_date:
            years.add(int(self.publish_date[:4]))
        return sorted(years)

    def status_at(self, when: date) -> tuple[str, bool | None]:
        """(status, in_force) at `when`. Status is 现行有效 / 已废止 / 尚未施行."""
        first = parse_date(self.first_date)
        if first and when < first:
            return "尚未施行", False
        effective = parse_date(self.effective_date)
        amended = len(self.versions) > 1 or any(e["event"] in ("修正", "修订") for e in self.events)
        if effective and first and not amended and when < effective:
            return "尚未施行", False
        repealed = parse_date(self.repealed_date)
        if self.status == "已废止":
            if repealed is None:
                # No date known: repealed as of the snapshot; before the snapshot we cannot tell.
                return "已废止", False
            if when >= repealed:
                return "已废止", False
        elif repealed and when >= repealed:
            return "已废止", False
        return "现行有效", True


# --------------------------------------------------------------------------------------------- build

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


def _source_path(row: dict[str, Any]) -> str:
    # "LawRefBook/Laws <commit> <path>" → <path>
    parts = str(row.get("source", "")).split(" ", 2)
    return parts[2] if len(parts) == 3 else ""


def _from_corpus(rows: list[dict[str, Any]]) -> dict[str, CatalogEntry]:
    by_source = {_source_path(r): r for r in rows}
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["title"], []).append(r)
    entries: dict[str, CatalogEntry] = {}
    for title, versions in groups.items():
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
        entry = CatalogEntry(
            title=title,
            kind=LEVEL_KIND.get(current.get("level", ""), "unknown"),
            short_titles=shorts,
            issuer=current.get("issuer"),
            publish_date=current.get("publish_date"),
            effective_date=current.get("effective_date"),
            first_date=min(dates) if dates else None,
            status=current["status"],
            versions=[] if len(versions) < 2 else [
                {k: v for k, v in {
                    "publish_date": r.get("publish_date"),
                    "effective_date": r.get("effective_date"),
                    "status": r["status"],
                    "path": r.get("path"),
                }.items() if v}
                for r in versions
            ],
            events=events,
            articles=current.get("max_article_no"),
            source=f"corpus:{current.get('path')}",
        )
        if entry.status == "已废止":
            # "…states it is repealed (废止): <path>" / "…also named as repealed in: <path>"
            m = re.search(r"(?:废止\)|repealed in)[:：]\s*(\S+\.md)", current.get("status_basis") or "")
            repealer = by_source.get(m.group(1)) if m else None
            if repealer:
                entry.replaced_by = repealer["title"]
                entry.repealed_date = repealer.get("effective_date") or repealer.get("publish_date")
        entries[title] = entry
    return entries


def _curated_entries(curated: dict[str, Any]) -> list[dict[str, Any]]:
    items = curated.get("entries") if isinstance(curated, dict) else None
    if not isinstance(items, list):
        raise ConfigError("curated.yaml 格式错误：缺少 entries 列表", hint="参照文件开头的说明")
    return items


def _apply_curated(entries: dict[str, CatalogEntry], items: list[dict[str, Any]]) -> None:
    for item in items:
        if not isinstance(item, dict) or not item.get("title"):
            raise ConfigError(f"curated.yaml 中有条目缺少 title：{item!r}")
        item = {k: (str(v) if isinstance(v, date) else v) for k, v in item.items()}
        title = item["title"]
        kind = item.get("kind")
        if kind and kind not in KINDS:
            raise ConfigError(f"curated.yaml：《{title}》的 kind “{kind}”无效", hint="可用：" + "、".join(sorted(KINDS)))
        if item.get("status") and item["status"] not in STATUSES:
            raise ConfigError(f"curated.yaml：《{title}》的 status “{item['status']}”无效")
        entry = entries.get(title)
        if entry is None:
            entry = CatalogEntry(title=title, kind=kind or "unknown")
            entries[title] = entry
        for key in ("kind", "issuer", "doc_number", "publish_date", "effective_date", "first_date", "status",
                    "repealed_date", "replaced_by", "articles", "note"):
            if key in item and item[key] is not None:
                setattr(entry, key, item[key])
        for key in ("short_titles", "aliases"):
            for s in item.get(key) or []:
                if s not in getattr(entry, key):
                    getattr(entry, key).append(s)
        if item.get("basis"):
            entry.note = f"{entry.note}；{item['basis']}" if entry.note and entry.note != item["basis"] else item["basis"]
        if item.get("versions"):
            entry.versions = item["versions"]


def _derive(entries: dict[str, CatalogEntry]) -> None:
    """Mechanical names every entry gets: 中华人民共和国-less short title, 中国共产党-less abbreviation."""
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


def build_catalog(source_dir: Path | None, curated_path: Path) -> list[dict[str, Any]]:
    """Merge the corpus catalog (if given) and curated.yaml into a list of entry dicts, sorted by title."""
    import yaml

    entries: dict[str, CatalogEntry] = {}
    if source_dir is not None:
        src = Path(source_dir) / CATALOG_FILE
        if not src.is_file():
            raise ConfigError(f"找不到法规库目录文件 {src}", hint="--source 应指向 LawRefBook 格式目录（含 catalog.jsonl 和 texts/）")
        rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
        entries = _from_corpus(rows)
    if not Path(curated_path).is_file():
        raise ConfigError(f"找不到 {curated_path}")
    curated = yaml.safe_load(Path(curated_path).read_text(encoding="utf-8"))
    _apply_curated(entries, _curated_entries(curated))
    _derive(entries)
    _check_names(entries)
    return [entries[t].to_dict() for t in sorted(entries)]


def _check_names(entries: dict[str, CatalogEntry]) -> None:
    """A short title, alias or abbreviation must name one entry only — otherwise a citation is ambiguous."""
    owner: dict[str, str] = {exact_key(t): t for t in entries}
    for e in entries.values():
        for name in e.short_titles + e.aliases + e.abbreviations:
            k = exact_key(name)
            if owner.setdefault(k, e.title) != e.title:
                raise ConfigError(f"名称“{name}”同时指向《{owner[k]}》和《{e.title}》", hint="在 curated.yaml 中删除重复的简称")


def write_catalog(entries: list[dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries)
    out.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------- look-up

@dataclass
class TitleMatch:
    entry: CatalogEntry
    match: str  # exact | short_title | alias | abbreviation | normalized | fuzzy
    score: float = 100.0


class Catalog:
    """All entries with their look-up keys. Build once per process (`load_catalog`)."""

    def __init__(self, entries: list[CatalogEntry]) -> None:
        self.entries = entries
        self.by_title: dict[str, CatalogEntry] = {}
        self._names: dict[str, tuple[CatalogEntry, str]] = {}
        self._norm: dict[str, CatalogEntry] = {}
        for e in entries:
            self.by_title[e.title] = e
            self._names[exact_key(e.title)] = (e, "exact")
        for e in entries:
            for kind, names in (("short_title", e.short_titles), ("alias", e.aliases), ("abbreviation", e.abbreviations)):
                for n in names:
                    self._names.setdefault(exact_key(n), (e, kind))
        # Normalised keys: every name of every entry; a title's own key wins over another entry's short name.
        for (e, _kind) in list(self._names.values()):
            for n in [e.title, *e.short_titles, *e.aliases, *e.abbreviations]:
                self._norm.setdefault(normalize_title(n), e)
        self._fuzzy_keys = list(self._norm)
        self._fuzzy_entries = [self._norm[k] for k in self._fuzzy_keys]

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, title: str) -> CatalogEntry | None:
        return self.by_title.get(title)

    def lookup(self, title: str) -> TitleMatch | None:
        """Exact → short title / alias / abbreviation → normalised. No fuzzy matching here."""
        hit = self._names.get(exact_key(title))
        if hit:
            return TitleMatch(hit[0], hit[1])
        e = self._norm.get(normalize_title(title))
        if e:
            return TitleMatch(e, "normalized")
        return None

    def fuzzy(self, title: str, min_score: float = 80.0, *, one_typo_only: bool = False) -> TitleMatch | None:
        """Closest name by edit distance, accepted only when the difference looks like a slip (words left out
        or added, at most one character changed) — 《黄河保护法》 must not become 《长江保护法》. With
        `one_typo_only` (titles that do not look like a regulation: books, films…) only a single wrong character
        in a name of six or more characters is accepted (《政府信息公开条列》)."""
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import Levenshtein

        key = normalize_title(title)
        if len(key) < 4:
            return None
        best: TitleMatch | None = None
        for cand, score, idx in process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=5,
                                                score_cutoff=min_score):
            ops = Levenshtein.editops(key, cand)
            replaced = sum(op.tag == "replace" for op in ops)
            inserted = sum(op.tag == "insert" for op in ops)  # in the catalog name, missing from the citation
            deleted = sum(op.tag == "delete" for op in ops)  # in the citation, not in the catalog name
            if one_typo_only:
                ok = replaced == 1 and inserted + deleted == 0 and len(key) >= 6
            elif replaced == 0 and (inserted == 0 or deleted == 0):
                ok = inserted + deleted <= max(2, round(0.3 * len(cand)))  # words left out or added
            elif replaced == 0:
                ok = inserted <= 1 and deleted <= 1 and len(key) >= 8  # one character moved
            else:
                ok = replaced == 1 and inserted + deleted == 0 and len(key) >= 6  # one wrong character
            if not ok:
                continue
            entry = self._fuzzy_entries[idx]
            if best is None or score > best.score:
                best = TitleMatch(entry, "fuzzy", float(score))
        return best


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Catalog:
    entries = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entries.append(CatalogEntry.from_dict(json.loads(line)))
            except (ValueError, TypeError) as err:
                raise ConfigError(f"法规目录 {path} 第{n}行无法解析：{err}",
                                  hint="运行 python scripts/build_catalog.py 重新生成") from err
    return Catalog(entries)


def load_catalog(settings: Any = None, path: Path | None = None) -> Catalog:
    """The catalog of `settings.regulations_dir` (or an explicit path), cached per file version."""
    if path is None:
        if settings is None:
            from assistant.settings import get_settings

            settings = get_settings()
        path = Path(settings.regulations_dir) / CATALOG_FILE
    if not path.is_file():
        raise ConfigError(f"找不到法规目录 {path}", hint="运行 python scripts/build_catalog.py 生成")
    return _load(str(path), path.stat().st_mtime)
