"""Drafting engine: one section of a report, in the office's style, grounded in the user's facts.

Flow: genre rules (role name, guidance, order) → exemplars of the same genre AND role from past reports
(style only) and regulation articles relevant to the facts (grounding) → prompt within a token budget
(exemplars are trimmed, never the facts) → streamed LLM reply → post-check (figures not in the facts,
citations, office names carried over from exemplars). Without an endpoint nothing is sent anywhere and
the result is an offline template draft (模板草稿) with every specific of the exemplar masked.

Exemplars come from an `ExemplarSource`: the knowledge base when it is available, otherwise the bundled
samples parsed directly (`SampleExemplarSource`, no vector store needed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from assistant.documents.numbering import cn_to_int, heading_level
from assistant.errors import AssistantError, LLMError, UnknownGenreError
from assistant.settings import Settings, get_settings

PLACEHOLDER = "【待补充】"
UNVERIFIED = "【待核实】"
TEMPLATE_LABEL = "模板草稿"
CN_ORDINALS = "一二三四五六七八九十"

# Output reserve and per-exemplar cap for the prompt budget (characters ≈ tokens for Chinese).
OUTPUT_RESERVE_TOKENS = 2048
EXEMPLAR_MAX_CHARS = 1500
REGULATION_MAX_CHARS = 600


# ---------------------------------------------------------------------------------------------------
# Figures: numbers, percentages, dates and counted quantities (八项, 十二场次). Section ordinals (1. （1）),
# article numbers (第二十五条) and titles in 《》 are not figures of the text.
# ---------------------------------------------------------------------------------------------------
_FW = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")

# Order matters: full dates before partial ones before bare numbers.
_DATE = (r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日"
         r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_YEAR = r"(?:19|20)\d{2}(?=\s*年)"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|‰|个百分点))?"
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_UNITS = ("个百分点|人次|场次|户次|件次|个|项|件|场|次|人|名|家|条|篇|期|批|户|宗|起|所|类|份|支|座|处|台|辆|套|"
          "万|亿|年|月|天|周|轮|组|部|本|册|间|级|倍|成")
_CN_QTY = rf"[{_CN_DIGITS}]+(?=(?:余|多)?(?:{_UNITS}))"
_TOKEN = re.compile(rf"(?P<date>{_DATE})|(?P<year>{_YEAR})|(?P<num>(?<![\d.]){_NUM}(?![\d]))|(?P<cn>{_CN_QTY})")

# Fixed political/administrative phrases whose numerals are not statistics.
FIXED_PHRASES = (
    "两个确立", "两个维护", "四个意识", "四个自信", "四个全面", "五位一体", "三重一大", "一岗双责", "一把手",
    "一对一", "一站式", "一网通办", "一件事", "一次办", "一窗受理", "放管服", "双随机", "一公开", "八五", "七五",
    "十四五", "十三五", "十五五", "第一责任人", "一体", "一线", "一批", "一系列", "一般", "一些", "进一步", "统一",
    "同一", "唯一", "之一", "一是", "二是", "三是", "四是", "五是", "一方面", "一年来", "一年一度",
)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str  # date | year | number | percent | quantity
    values: tuple[str, ...]  # normalised numbers ("2024", "3", "5"; "91.6"; "12")


def normalize(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one (positions are kept)."""
    return text.translate(_FW)


def _cn_quantity(s: str) -> int | None:
    """numbering.cn_to_int, plus 亿 (statistics reach it, article numbers never do): 三亿五千万 → 350000000."""
    high, sep, low = s.partition("亿")
    if not sep:
        return cn_to_int(s)
    h = cn_to_int(high) if high else 0
    lo = cn_to_int(low) if low else 0
    if h is None or lo is None:
        return None
    return h * 100_000_000 + lo


def _canon(number: str) -> str:
    number = number.replace(",", "")
    try:
        value = float(number)
    except ValueError:
        return number
    return str(int(value)) if value == int(value) else f"{value:g}"


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans that are not figures of the text: 《titles》, 【placeholders】, ordinals, article numbers."""
    spans = [m.span() for m in re.finditer(r"《[^《》\n]*》|【[^【】\n]*】", text)]
    spans += [m.span(1) for m in re.finditer(r"(?m)^[ \t\u3000]*(\d+[.．、]|[（(]\d+[）)])", text)]
    spans += [m.span() for m in re.finditer(rf"第[\d{_CN_DIGITS}]+[条款项章节编目]", text)]
    return spans


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _fixed_phrase_at(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - 3):end + 3]
    return any(p in window and _overlaps(text, p, start, end) for p in FIXED_PHRASES)


def _overlaps(text: str, phrase: str, start: int, end: int) -> bool:
    for m in re.finditer(re.escape(phrase), text[max(0, start - len(phrase)):end + len(phrase)]):
        a = max(0, start - len(phrase)) + m.start()
        if a < end and a + len(phrase) > start:
            return True
    return False


def find_figures(text: str, *, keep_protected: bool = False, min_cn: int = 2) -> Iterator[Figure]:
    """Every figure in `text`, left to right. `keep_protected=True` also reports figures inside titles,
    placeholders and ordinals (for masking everything); Chinese quantities below `min_cn` (一个, 一次) are
    ordinary words and skipped."""
    norm = normalize(text)
    protected = [] if keep_protected else _protected(norm)
    for m in _TOKEN.finditer(norm):
        span = m.span()
        if _inside(span, protected):
            continue
        raw = text[span[0]:span[1]]
        if m.group("date"):
            values = tuple(_canon(x) for x in re.findall(r"\d+", m.group("date")))
            yield Figure(*span, raw, "date", values)
        elif m.group("year"):
            yield Figure(*span, raw, "year", (_canon(m.group("year")),))
        elif m.group("num"):
            num = re.match(r"[\d,.]+", m.group("num")).group(0)
            kind = "percent" if re.search(r"%|‰|百分点", m.group("num")) else "number"
            yield Figure(*span, raw, kind, (_canon(num),))
        else:
            value = _cn_quantity(m.group("cn"))
            if value is None or value < min_cn:
                continue
            if norm[max(0, span[0] - 1):span[0]] == "第" or _fixed_phrase_at(norm, *span):
                continue
            yield Figure(*span, raw, "quantity", (str(value),))


def fact_values(text: str) -> set[str]:
    """All numbers the facts mention, in every spelling (dates give their parts too)."""
    values: set[str] = set()
    norm = normalize(text)
    for f in find_figures(text, keep_protected=True, min_cn=1):
        values.update(f.values)
        # 3万 and 三万 are the same figure: keep both the scaled and the unscaled value.
        scale = {"万": 10_000, "亿": 100_000_000}.get(norm[f.end:f.end + 1])
        for v in f.values:
            try:
                x = float(v)
            except ValueError:
                continue
            if scale and f.kind in ("number", "quantity"):
                values.add(_canon(str(x * scale)))
            for big in (10_000, 100_000_000):
                if f.kind == "quantity" and x >= big and x % (big / 10_000) == 0:
                    values.add(_canon(str(x / big)))
    return values


def mask(text: str, placeholder: str = "【待补充】", *, keep_protected: bool = False,
         skip: set[str] | None = None) -> tuple[str, list[Figure]]:
    """Replace figures with `placeholder`; the unit stays (8项 → 【待补充】项, 80余场次 → 【待补充】场次).
    Figures whose values are all in `skip` (e.g. the user's own facts) are kept."""
    figures = [f for f in find_figures(text, keep_protected=keep_protected, min_cn=2)
               if not (skip and all(v in skip for v in f.values))]
    out, last = [], 0
    for f in figures:
        out.append(text[last:f.start])
        piece = f.text
        if f.kind == "date":
            out.append(re.sub(r"\d+\s*", placeholder, normalize(piece)) if re.search("[年月]", piece) else placeholder)
        elif f.kind == "percent":
            out.append(placeholder + ("个百分点" if "百分点" in piece else "%"))
        else:
            out.append(placeholder)
        last = f.end
        # 80 余场次 → 【待补充】场次: a vague modifier after a masked number means nothing any more; stray
        # spaces from PDF extraction ("2023 年") go too.
        tail = re.match(r"[ \t\u3000]*(?:[余多](?=[\u4e00-\u9fff]))?[ \t\u3000]*", text[last:])
        if tail and (f.kind in ("number", "quantity", "year") or not tail.group(0).strip()):
            last += tail.end()
        if out[-2:-1] and out[-2].endswith((" ", "\u3000")) and f.kind != "date":
            out[-2] = out[-2].rstrip(" \u3000") if re.search(r"[\u4e00-\u9fff]$", out[-2].rstrip(" \u3000")) else out[-2]
    out.append(text[last:])
    return "".join(out), figures


# ---------------------------------------------------------------------------------------------------
# Sources of exemplars and regulations
# ---------------------------------------------------------------------------------------------------
@runtime_checkable
class ExemplarSource(Protocol):
    """Where drafting gets its context. Dicts, so any store can answer without sharing classes.

    exemplars → [{"text","title","role","year","source","issuer"}], regulations → [{"title","article","text"}].
    """

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]: ...

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]: ...


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _cosine(a: str, b: str) -> float:
    """Bigram overlap scaled by both lengths, so a long block does not attract every fact."""
    ga, gb = _bigrams(a), _bigrams(b)
    return len(ga & gb) / (len(ga) * len(gb)) ** 0.5 if ga and gb else 0.0


def similarity(a: str, b: str) -> float:
    """Share of a's character bigrams found in b: cheap, order-free, good enough to rank a few exemplars."""
    ga, gb = _bigrams(a), _bigrams(b)
    return len(ga & gb) / len(ga) if ga else 0.0


class SampleExemplarSource:
    """Exemplars parsed straight from knowledge/samples (structure parser + genre classifier), no index."""

    def __init__(self, samples_dir: Path | None = None) -> None:
        self.samples_dir = Path(samples_dir or get_settings().samples_dir)
        self._docs: list[tuple[dict[str, Any], Any]] | None = None

    def _load(self) -> list[tuple[dict[str, Any], Any]]:
        if self._docs is not None:
            return self._docs
        from assistant.documents.reading import read_document
        from assistant.documents.structure import parse_official
        from assistant.kb.indexer import load_manifest

        manifest = load_manifest(self.samples_dir)
        docs = []
        for path in sorted(self.samples_dir.glob("*")):
            if path.suffix.lower() not in (".txt", ".md", ".docx") or path.name.startswith("."):
                continue
            try:
                doc = parse_official(read_document(path))
            except AssistantError:
                continue  # a broken sample must not stop drafting
            meta = dict(manifest.get(path.name, {}))
            meta.setdefault("source", _display_path(path))
            meta.setdefault("title", doc.title or path.stem)
            meta.setdefault("issuer", doc.issuer)
            if not meta.get("year"):
                meta["year"] = _year_of(doc.title or "")
            docs.append((meta, doc))
        self._docs = docs
        return docs

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        g = resolve_genre(genre)
        from assistant.rules.genres import classify_sections

        found = []
        for meta, doc in self._load():
            doc_genre = meta.get("genre")
            if doc_genre and doc_genre not in (_get(g, "name"), _get(g, "id")):
                continue
            if not doc_genre and not _matches_genre(doc, g):
                continue
            classify_sections(doc, g)
            for section in _outermost_with_role(doc.sections, role):
                found.append({"text": section.full_text(), "title": meta.get("title"), "role": role,
                              "year": meta.get("year"), "source": meta.get("source"),
                              "issuer": meta.get("issuer") or doc.issuer, "heading": section.heading})
        if query:
            found.sort(key=lambda e: similarity(query, e["text"]), reverse=True)
        return found[:k]

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        # The bundled knowledge holds regulation metadata only; article text comes from the knowledge base.
        return []


class KnowledgeBaseExemplarSource:
    """Adapter over the knowledge base (assistant.kb): role-filtered report chunks and regulation articles."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        g = resolve_genre(genre)
        genre_name = _get(g, "name", genre)
        hits = self.kb.exemplars(genre=genre_name, role=role, k=k, query=query)
        out = []
        for h in hits or []:
            meta = _get(h, "metadata", None) or {}
            item = {
                "text": _get(h, "text") or _get(h, "page_content") or "",
                "title": _get(h, "title") or meta.get("title"),
                "role": _get(h, "role") or meta.get("role"),
                "year": _get(h, "year") or meta.get("year"),
                "source": _get(h, "source") or meta.get("source"),
                "issuer": _get(h, "issuer") or meta.get("issuer"),
            }
            if item["role"] == role and item["text"]:  # never let another role's text in
                out.append(item)
        return out[:k]

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        hits = self.kb.regulations(query=query, k=k)
        out = []
        for h in hits or []:
            meta = _get(h, "metadata", None) or {}
            out.append({"title": _get(h, "title") or meta.get("title"),
                        "article": _get(h, "article") or meta.get("article"),
                        "text": _get(h, "text") or _get(h, "page_content") or ""})
        return [r for r in out if r["text"]][:k]


class FallbackSource:
    """The knowledge base first; the bundled samples when it has no exemplar for the genre and role."""

    def __init__(self, primary: ExemplarSource, fallback: ExemplarSource) -> None:
        self.primary, self.fallback = primary, fallback

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        return (self.primary.exemplars(genre, role, k=k, query=query)
                or self.fallback.exemplars(genre, role, k=k, query=query))

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        return self.primary.regulations(query, k=k) or self.fallback.regulations(query, k=k)


def default_source(settings: Settings | None = None) -> ExemplarSource:
    """The knowledge base (assistant.kb.retrieval) when it can be opened, backed by the bundled samples; the
    samples alone when there is no knowledge base."""
    s = settings or get_settings()
    samples = SampleExemplarSource(s.samples_dir)
    try:
        from assistant.kb.retrieval import KnowledgeBase

        kb = KnowledgeBase.open(s)
    except (ImportError, AssistantError):
        return samples
    return FallbackSource(KnowledgeBaseExemplarSource(kb), samples)


# ---------------------------------------------------------------------------------------------------
# Genre rules
# ---------------------------------------------------------------------------------------------------
def resolve_genre(name_or_id: str) -> Any:
    from assistant.rules.genres import get_genre

    return get_genre(name_or_id)


def genre_roles(genre: Any) -> list[Any]:
    roles = list(_get(genre, "roles", None) or _get(genre, "sections", None) or [])
    return sorted(roles, key=lambda r: (_get(r, "order", 0) or 0))


@dataclass
class SectionSpec:
    role: str
    name: str
    guidance: str
    required: bool
    position: int  # 1-based customary position

    def heading(self, year: int | None) -> str:
        name = self.name
        if year:
            name = name.replace("上一年度", f"{year}年").replace("下一年度", f"{year + 1}年")
        return f"{CN_ORDINALS[self.position - 1] if self.position <= 10 else self.position}、{name}"


def section_spec(genre: Any, role: str) -> SectionSpec:
    roles = genre_roles(genre)
    for i, r in enumerate(roles, 1):
        if _get(r, "id") == role or _get(r, "name") == role:
            return SectionSpec(role=_get(r, "id"), name=_get(r, "name") or role,
                               guidance=(_get(r, "guidance") or "").strip(), required=bool(_get(r, "required", True)),
                               position=i)
    # A Chinese heading works too (--section 存在的不足和原因): the genre's own heading aliases decide.
    scored = [(r.heading_score(role), i, r) for i, r in enumerate(roles, 1) if hasattr(r, "heading_score")]
    scored = [x for x in scored if x[0] > 0]
    if scored:
        _, i, r = max(scored, key=lambda x: x[0])
        return section_spec(genre, _get(r, "id"))
    ids = "、".join(f"{_get(r, 'id')}（{_get(r, 'name')}）" for r in roles)
    raise UnknownGenreError(f"文种“{_get(genre, 'name')}”没有章节“{role}”", hint=f"可选：{ids}")


def _matches_genre(doc: Any, genre: Any) -> bool:
    from assistant.rules.genres import detect_genre

    found = detect_genre(doc)
    return found is not None and _get(found, "id") == _get(genre, "id")


def _outermost_with_role(sections: Iterable[Any], role: str) -> list[Any]:
    out = []
    for s in sections:
        if s.role == role:
            out.append(s)
        else:
            out.extend(_outermost_with_role(s.children, role))
    return out


def _year_of(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", text)
    return int(m.group(1)) if m else None


def _display_path(path: Path) -> str:
    from assistant.settings import PROJECT_ROOT

    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------------
# Requests and results
# ---------------------------------------------------------------------------------------------------
@dataclass
class DraftRequest:
    genre: str
    role: str
    facts: str = ""
    issuer: str | None = None
    year: int | None = None
    strict: bool = False


@dataclass
class DraftResult:
    text: str
    mode: str  # llm | template | skeleton
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "mode": self.mode, "sources": self.sources, "warnings": self.warnings}


def warning(kind: str, text: str, message: str) -> dict[str, str]:
    return {"kind": kind, "text": text, "message": message}


def _source_entry(e: dict[str, Any]) -> dict[str, Any]:
    return {"title": e.get("title"), "role": e.get("role"), "year": e.get("year"), "source": e.get("source")}


def report_year(request: DraftRequest) -> int | None:
    if request.year:
        return request.year
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", request.facts)]
    return Counter(years).most_common(1)[0][0] if years else None


# ---------------------------------------------------------------------------------------------------
# Prompt
# ---------------------------------------------------------------------------------------------------
def format_exemplars(exemplars: list[dict[str, Any]]) -> str:
    from assistant.drafting.prompts import data_block

    if not exemplars:
        return "（无）"
    parts = []
    for i, e in enumerate(exemplars, 1):
        head = f"【范文{i}】出处：{data_block(str(e.get('title') or ''))}（{e.get('year') or '年份不详'}），章节：{e.get('role')}"
        parts.append(f"{head}\n{data_block(e['text'])}")
    return "\n\n".join(parts)


def format_regulations(regulations: list[dict[str, Any]]) -> str:
    from assistant.drafting.prompts import data_block

    if not regulations:
        return "（无）"
    return "\n\n".join(f"《{data_block(str(r.get('title') or ''))}》{r.get('article') or ''}\n{data_block(r['text'])}"
                       for r in regulations)


def build_messages(request: DraftRequest, spec: SectionSpec, genre_name: str, exemplars: list[dict[str, Any]],
                   regulations: list[dict[str, Any]], *, context_tokens: int
                   ) -> tuple[list[tuple[str, str]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, str]]]:
    """System + user messages within the budget. Exemplars go first when trimming, then regulations; the
    facts are never cut (if they alone do not fit, that is an error before anything is sent)."""
    from assistant.drafting.llm import estimate_tokens
    from assistant.drafting.prompts import data_block, load_prompt

    year = report_year(request)
    issuer = request.issuer or "本单位"
    system = load_prompt("system").render(genre=genre_name, issuer=issuer, year=f"{year}年" if year else "未注明")
    section = load_prompt("section")
    facts = data_block(request.facts) if request.facts.strip() else "（未提供材料：所有具体内容都写成【待补充：……】）"
    notes: list[dict[str, str]] = []

    exemplars = [dict(e, text=_clip(e["text"], EXEMPLAR_MAX_CHARS)) for e in exemplars]
    regulations = [dict(r, text=_clip(r["text"], REGULATION_MAX_CHARS)) for r in regulations]
    budget = context_tokens - OUTPUT_RESERVE_TOKENS

    def render(ex: list[dict[str, Any]], regs: list[dict[str, Any]]) -> str:
        return section.render(genre=genre_name, section_name=spec.name, section_heading=spec.heading(year),
                              section_guidance=spec.guidance or "按本文种惯例撰写", issuer=issuer,
                              year=f"{year}年" if year else "未注明", exemplars=format_exemplars(ex),
                              regulations=format_regulations(regs), facts=facts)

    user = render(exemplars, regulations)
    dropped = 0
    while estimate_tokens(system) + estimate_tokens(user) > budget and (exemplars or regulations):
        if exemplars:
            exemplars = exemplars[:-1]
            dropped += 1
        else:
            regulations = regulations[:-1]
        user = render(exemplars, regulations)
    if estimate_tokens(system) + estimate_tokens(user) > budget:
        raise LLMError("材料过长，超出模型的上下文长度，未发送请求",
                       hint="精简材料，或设置更大的 ASSISTANT_LLM_CONTEXT_TOKENS / 换用上下文更长的模型")
    if dropped:
        notes.append(warning("budget", str(dropped), f"为控制提示词长度，少用了 {dropped} 篇参考范文"))
    return [("system", system), ("user", user)], exemplars, regulations, notes


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("\n"))
    return (cut[:end + 1] if end > limit // 2 else cut) + "……"


# ---------------------------------------------------------------------------------------------------
# Post-check
# ---------------------------------------------------------------------------------------------------
_ADMIN_SUFFIX = r"(?:省|自治区|市|自治州|州|盟|县|自治县|旗|区|镇|乡|街道|开发区|新区|园区)"


def office_names(exemplars: Iterable[dict[str, Any]]) -> set[str]:
    """Names that identify an exemplar's office: its issuer and the place name at the head of it
    (示例县人民政府 → 示例县人民政府, 示例县)."""
    names: set[str] = set()
    for e in exemplars:
        issuer = (e.get("issuer") or "").strip()
        if not issuer:
            continue
        names.add(issuer)
        # Successive place units at the head: 示例区望川街道办事处 → 示例区, 望川街道, 示例区望川街道.
        rest, prefix = re.sub(r"^中共", "", issuer), ""
        while m := re.match(rf"[\u4e00-\u9fff]{{2,8}}?{_ADMIN_SUFFIX}", rest):
            unit = m.group(0)
            if len(unit) < 3 or unit == rest:
                break
            prefix += unit
            names.update({unit, prefix})
            rest = rest[len(unit):]
    return names


def post_check(text: str, request: DraftRequest, exemplars: list[dict[str, Any]], *,
               resolve_citations: bool = True, allowed_titles: Iterable[str] = ()) -> tuple[str, list[dict[str, str]]]:
    """Warnings for the draft; in strict mode figures not in the facts are replaced by 【待核实】."""
    warnings: list[dict[str, str]] = []
    known = fact_values(request.facts)
    year = report_year(request)
    if year:
        known |= {str(year), str(year + 1)}  # the report's own year and the year it plans for
    flagged: list[Figure] = []
    for fig in find_figures(text):
        if all(v in known for v in fig.values):
            continue
        flagged.append(fig)
        what = {"date": "日期", "year": "年份", "percent": "百分比"}.get(fig.kind, "数字")
        warnings.append(warning("figure", fig.text.strip(),
                                f"{what}“{fig.text.strip()}”不在提供的材料中，请核实或删除"))
    if request.strict and flagged:
        for fig in sorted(flagged, key=lambda f: f.start, reverse=True):
            replacement = UNVERIFIED + ("%" if fig.kind == "percent" and "%" in fig.text else "")
            text = text[:fig.start] + replacement + text[fig.end:]

    own = " ".join(x for x in (request.facts, request.issuer or "") if x)
    rest = text
    for name in sorted(office_names(exemplars), key=len, reverse=True):
        if name in rest and name not in own:
            warnings.append(warning("office", name, f"“{name}”是参考范文所属单位的名称，不应出现在本单位的报告中"))
            rest = rest.replace(name, "")  # 示例县人民政府 flagged once, not again as 示例县
    if resolve_citations:
        warnings += citation_warnings(text, request, allowed_titles)
    return text, warnings


def citation_warnings(text: str, request: DraftRequest, allowed_titles: Iterable[str] = ()) -> list[dict[str, str]]:
    """Each 《…》 through the citation resolver (wrong title, repealed, …), and any title that was neither in
    the facts nor among the regulation excerpts given to the model."""
    titles = list(dict.fromkeys(re.findall(r"《([^《》\n]+)》", text)))
    if not titles:
        return []
    from assistant.citations.resolver import check_citations

    out: list[dict[str, str]] = []
    year = report_year(request)
    try:
        results = check_citations(text, f"{year + 1}-01-01" if year else None)
    except AssistantError as err:
        results = []
        out.append(warning("citation", "", f"引用核查未完成：{err}"))
    for c in results:
        if c.severity in ("error", "warning"):
            written = c.text or f"《{c.title_as_written}》"
            out.append(warning("citation", written, c.message or f"{written}需要核实"))
    allowed = " ".join([request.facts, *allowed_titles])
    flagged = " ".join(w["text"] for w in out)
    for title in titles:
        if title not in allowed and f"《{title}》" not in flagged:
            out.append(warning("citation", f"《{title}》",
                               f"《{title}》不在提供的材料和法规依据中，请核实是否确需引用"))
    return out


# ---------------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------------
def draft_section(request: DraftRequest, source: ExemplarSource | None = None, *, settings: Settings | None = None,
                  on_chunk: Callable[[str], None] | None = None, client: Any = None, k: int = 3) -> DraftResult:
    """Draft one section. With an endpoint the reply streams through `on_chunk` as it arrives; without one
    no request is made and a template draft comes back."""
    from assistant.drafting.llm import LLMClient, is_configured

    s = settings or get_settings()
    genre = resolve_genre(request.genre)
    genre_name = _get(genre, "name", request.genre)
    spec = section_spec(genre, request.role)
    request = DraftRequest(genre_name, spec.role, request.facts, request.issuer, request.year, request.strict)
    src = source or default_source(s)
    exemplars = [e for e in src.exemplars(genre_name, spec.role, k=k, query=request.facts or spec.name)
                 if e.get("role") == spec.role and e.get("text")]
    pre: list[dict[str, str]] = []
    if not exemplars:
        pre.append(warning("exemplar", spec.role, f"知识库中没有“{genre_name}·{spec.name}”的参考范文"))

    if client is None and not is_configured(s):
        return template_draft(request, spec, genre_name, exemplars, pre)

    query = " ".join(x for x in (spec.name, request.facts[:500]) if x)
    regulations = src.regulations(query, k=4) if request.facts.strip() else []
    context = int(getattr(s, "llm_context_tokens", 8192) or 8192)
    messages, used, used_regs, notes = build_messages(request, spec, genre_name, exemplars, regulations,
                                                      context_tokens=context)
    reply = _stream_all(client or LLMClient(s), messages, on_chunk)
    text, warnings = post_check(reply, request, exemplars,
                                allowed_titles=[str(r.get("title") or "") for r in used_regs])
    sources = [_source_entry(e) for e in used]
    sources += [{"title": r.get("title"), "role": None, "year": None, "source": r.get("article")} for r in used_regs]
    return DraftResult(text=text, mode="llm", sources=sources, warnings=pre + notes + warnings)


def mask_exemplar(text: str, exemplar: dict[str, Any], facts: str = "") -> str:
    """An exemplar without its specifics: figures, dates, document titles with years, document numbers
    and the names of its office all become 【待补充】."""
    text = re.sub(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号", "【待补充：发文字号】", text)
    text = re.sub(r"《[^《》\n]*\d[^《》\n]*》", "《【待补充：文件名称】》", text)
    for name in sorted(office_names([exemplar]), key=len, reverse=True):
        text = text.replace(name, PLACEHOLDER)
    # The exemplar's self-references (我县, 本局) name its kind of office, which need not be the user's.
    text = _SELF_REFERENCE_RE.sub(lambda m: m.group(1) + "单位", text)
    text, _ = mask(text, PLACEHOLDER)
    return text


_SELF_REFERENCE_RE = re.compile(r"(我|本)(?:县|市|区|镇|乡|街道|局|委|办|厅|院|所|中心|系统)(?![长委级域内外场民法公理事])")


def _units(section_text: str) -> list[str]:
    """Blocks of an exemplar section body to place facts into: its sub-sections, else its paragraphs."""
    lines = [ln for ln in section_text.split("\n")[1:] if ln.strip()]
    blocks: list[list[str]] = []
    def is_sub_heading(line: str) -> bool:  # （一） or 1.
        mark = heading_level(line)
        return mark is not None and mark.level in (2, 3)

    for ln in lines:
        # A sub-heading gathers the paragraphs under it; a paragraph outside any is a block of its own.
        if is_sub_heading(ln) or not blocks or not is_sub_heading(blocks[-1][0]):
            blocks.append([ln])
        else:
            blocks[-1].append(ln)
    return ["\n".join(b) for b in blocks]


def template_draft(request: DraftRequest, spec: SectionSpec, genre_name: str, exemplars: list[dict[str, Any]],
                   warnings: list[dict[str, str]] | None = None) -> DraftResult:
    """Offline draft: customary structure, the closest exemplar with its specifics masked, the facts placed
    next to the part of the exemplar they are closest to."""
    year = report_year(request)
    facts = [p.strip() for p in re.split(r"\n\s*\n|\n", request.facts) if p.strip()]
    lines = [f"{TEMPLATE_LABEL}（未配置大模型接口，未向任何服务发送内容；以下按文种惯例和参考范文生成，"
             f"{PLACEHOLDER}处请补充，所有内容请核实后使用）", "", spec.heading(year)]
    if spec.guidance:
        lines += [f"【写作要点】{spec.guidance}"]
    sources: list[dict[str, Any]] = []
    placed: dict[int, list[str]] = {}
    leftover = list(facts)
    if exemplars:
        best = max(exemplars, key=lambda e: similarity(request.facts, e["text"])) if facts else exemplars[0]
        sources.append(_source_entry(best))
        units = _units(mask_exemplar(best["text"], best, request.facts))
        leftover = []
        # A 不足和原因 section has a block for causes (究其原因…): causes go there, the rest by similarity
        # to the other blocks.
        cause = next((i for i, u in enumerate(units) if "原因" in u), None)
        for fact in facts:
            if cause is not None and re.search(r"原因|由于|究其|根源|主观上|客观上", fact):
                placed.setdefault(cause, []).append(fact)
                continue
            candidates = [i for i in range(len(units)) if i != cause] or list(range(len(units)))
            scores = {i: _cosine(fact, units[i]) for i in candidates}
            best_i = max(candidates, key=scores.__getitem__) if candidates else -1
            if best_i >= 0 and (scores[best_i] >= 0.05 or cause is not None):
                placed.setdefault(best_i, []).append(fact)
            else:
                leftover.append(fact)
        if leftover:
            lines += ["", "【本单位材料】", *leftover]
        lines += ["", "【参考写法】（据参考范文改写，原文的数字、日期和单位名称已隐去，请替换为本单位情况）"]
        for i, unit in enumerate(units):
            lines.append(unit)
            for fact in placed.get(i, []):
                lines.append(f"【本单位材料】{fact}")
    else:
        lines += ["", "【本单位材料】", *(facts or [f"{PLACEHOLDER}（请提供本部分的具体情况）"])]
        lines += ["", f"（知识库中没有可参考的同类范文，请按写作要点补充完整。{PLACEHOLDER}）"]
    text = "\n".join(lines).rstrip() + "\n"
    _, fig_warnings = post_check(text, request, exemplars, resolve_citations=False)
    return DraftResult(text=text, mode="template", sources=sources,
                       warnings=(warnings or []) + [w for w in fig_warnings if w["kind"] == "office"])


# ---------------------------------------------------------------------------------------------------
# Outline
# ---------------------------------------------------------------------------------------------------
def outline(genre_name: str, source: ExemplarSource | None = None, *, year: int | None = None,
            issuer: str | None = None, k: int = 2) -> dict[str, Any]:
    """Required sections in customary order (optional ones after, marked), one line of guidance each, and
    the exemplars behind them."""
    genre = resolve_genre(genre_name)
    name = _get(genre, "name", genre_name)
    src = source or default_source()
    sections = []
    for r in genre_roles(genre):
        spec = section_spec(genre, _get(r, "id"))
        exemplars = [e for e in src.exemplars(name, spec.role, k=k) if e.get("role") == spec.role]
        sections.append({"role": spec.role, "name": spec.name, "heading": spec.heading(year),
                         "required": spec.required, "guidance": _first_line(spec.guidance),
                         "exemplars": [dict(_source_entry(e), heading=e.get("heading")) for e in exemplars]})
    title = None
    if issuer and year and "法治政府" in name:
        title = f"{issuer}关于{year}年法治政府建设情况的报告"
    elif issuer:
        title = f"{issuer}关于{year or PLACEHOLDER}年…的报告"
    return {"genre": name, "title": title, "year": year, "issuer": issuer, "sections": sections}


def _first_line(text: str) -> str:
    text = (text or "").strip()
    m = re.match(r"[^\n。]*。?", text)
    return (m.group(0) if m else text).strip()


def outline_with_llm(data: dict[str, Any], facts: str = "", *, settings: Settings | None = None,
                     on_chunk: Callable[[str], None] | None = None, client: Any = None) -> str:
    """The model's fuller outline (second-level headings) on top of `outline()`'s skeleton."""
    from assistant.drafting.llm import LLMClient
    from assistant.drafting.prompts import data_block, load_prompt

    year = f"{data['year']}年" if data.get("year") else "未注明"
    issuer = data.get("issuer") or "本单位"
    listing = "\n".join(f"{s['heading']}（{'必备' if s['required'] else '可选'}）：{s['guidance']}"
                        for s in data["sections"])
    system = load_prompt("system").render(genre=data["genre"], issuer=issuer, year=year)
    user = load_prompt("outline").render(genre=data["genre"], issuer=issuer, year=year, sections=listing,
                                         facts=data_block(facts) if facts.strip() else "（无）")
    return _stream_all(client or LLMClient(settings), [("system", system), ("user", user)], on_chunk)


def polish_text(text: str, genre: str = "报告", *, settings: Settings | None = None,
                on_chunk: Callable[[str], None] | None = None, client: Any = None) -> DraftResult:
    """Language-only polishing through the model; figures the model adds are flagged like in drafting."""
    from assistant.drafting.llm import LLMClient
    from assistant.drafting.prompts import data_block, load_prompt

    system = load_prompt("system").render(genre=genre, issuer="本单位", year="未注明")
    user = load_prompt("polish").render(genre=genre, text=data_block(text))
    out = _stream_all(client or LLMClient(settings), [("system", system), ("user", user)], on_chunk)
    checked, warnings = post_check(out, DraftRequest(genre=genre, role="", facts=text), [],
                                   resolve_citations=False)
    return DraftResult(text=checked, mode="llm", sources=[], warnings=warnings)


def _stream_all(client: Any, messages: list[tuple[str, str]], on_chunk: Callable[[str], None] | None) -> str:
    pieces = []
    for piece in client.stream(messages):
        pieces.append(piece)
        if on_chunk:
            on_chunk(piece)
    return "".join(pieces).strip()
