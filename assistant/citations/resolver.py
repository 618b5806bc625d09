"""Citation verification: every 《…》 in a draft, checked against the regulation catalog and, when the text is
in the knowledge base, against the article it points to.

    check_citations(text_or_source, date=None, *, settings=None) -> list[Citation]
    citation_findings(citations) -> list[dict]   # {rule, severity, message, line, source, fix}

Extraction: 《…》 with nested 《》/〈〉 inside, consecutive titles, an optional version (（2017年修正）), an
optional article reference after the title (第X条, 第X条第Y款第Z项, 第X条至第Y条, 第X条、第Y条, Arabic or Chinese
numerals), a “quoted passage” right after the article, and “（以下简称《X》）” declarations.

Resolution, in order: exact → short title / alias / abbreviation → normalised (prefix, widths, dashes, brackets,
spaces) → local or non-regulatory title → fuzzy (rapidfuzz) with a suggestion. Status and in-force are judged at
the draft's date (its 成文日期 when known, else today).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.citations.catalog import Catalog, CatalogEntry, load_catalog, normalize_title, parse_date
from assistant.documents.numbering import (
    CITED_ARTICLE_MORE_RE,
    CITED_ARTICLE_RANGE_RE,
    CITED_ARTICLE_RE,
    cn_to_int,
    format_article,
)
from assistant.documents.structure import as_paragraphs, parse_official
from assistant.models import Paragraph, SourceText

# ------------------------------------------------------------------------------------------------ patterns

_VERSION_IN_TITLE_RE = re.compile(r"[（(]\s*(?P<y>\d{4})\s*年?\s*(?P<w>修正|修订|修正本|修订本|修正文本|修订文本|版)?\s*[)）]$")
_VERSION_AFTER_RE = re.compile(r"\s*[（(]\s*(?P<y>\d{4})\s*年?\s*(?P<w>修正|修订|修正本|修订本|版)\s*[)）]")
_DOCNO_AFTER_RE = re.compile(r"\s*[（(][^（()）]{1,20}[〔\[［(（]\s*\d{4}\s*[〕\]］)）][^（()）]{0,8}号[)）]")
_DECL_RE = re.compile(r"\s*[（(，,]?\s*(?:以下|下文|下)简称\s*(?:为)?\s*(?:《(?P<t>[^《》]{1,40})》|“(?P<q>[^“”]{1,40})”)\s*[)）]?")
_QUOTE_RE = re.compile(r"(?P<lead>[^“”。；;！？\n]{0,12}?)[：:，,]?\s*“(?P<q>[^“”]{2,800})”")
_YEAR_RANGE_RE = re.compile(r"[（(]\s*\d{4}\s*[-—－–~～至]+\s*\d{4}\s*年?\s*[)）]$")
_TAIL_RE = re.compile(r"[（(][^（()）]*[)）]$")

# Titles that are only a genre word point back at something named earlier (“《决定》”), not at a regulation.
GENERIC_TITLES = {
    "决定", "决议", "纲要", "纲要草案", "规划", "建议", "意见", "通知", "报告", "政府工作报告", "条例", "办法", "规定",
    "方案", "公报", "批复", "实施意见", "实施方案", "工作报告", "计划", "草案", "章程", "细则", "解释", "法",
}
# A regulatory document's name ends with one of these (after trailing brackets like （试行） are dropped).
REGULATORY_SUFFIXES = (
    "法", "条例", "规定", "办法", "细则", "规则", "决定", "决议", "解释", "纲要", "规划", "意见", "通知", "通告", "公告",
    "批复", "准则", "章程", "方案", "制度", "标准", "指引", "措施", "行动计划", "清单", "指南", "守则", "规范", "要点",
    "命令", "令", "答复", "函", "规程", "导则", "建议",
)
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
    "宁夏", "新疆", "香港", "澳门",
)
_PROVINCE_RE = re.compile("^(?:" + "|".join(PROVINCES) + r")(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?")
# 2–6 characters of place name + an administrative unit, not followed by a character that makes it a word
# (市场, 区域, 县域, 市民 …); or a development zone named at the start.
_PLACE_RE = re.compile(
    r"^[\u4e00-\u9fff]{2,6}?(?:省|市|县|区|州|旗|盟|镇|乡|街道)(?![场民域块级长属直容政])"
)
_ZONE_RE = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:高新区|开发区|经开区|园区|新区|示范区|试验区|自贸区|保税区|管委会)")
_LOCAL_BODY_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:省|市|县|区)(?:委|政府|人民政府|人大|人大常委会|党委|党工委|管委会)")
_CENTRAL_RE = re.compile(r"^(?:中共中央|中央|国务院|全国人民代表大会|全国人大|中办|国办)")
_COURT_RE = re.compile(r"^(?:最高人民法院|最高人民检察院)")
_MINISTRY_RE = re.compile(r"^(?:国家)?[\u4e00-\u9fff]{1,12}?(?:部|委员会|总局|局|署|银行)(?:、[\u4e00-\u9fff]{2,12})*(?:关于|印发)")
# Words ending in 法 that are not the name of a law (《…管理办法》 is a rule, not a 法律).
_NOT_LAW = ("办法", "方法", "做法", "用法", "想法", "说法", "书法", "兵法", "算法", "手法", "章法", "技法", "疗法")
_NOT_PLACE = {"城市", "都市", "超市", "社区", "地区", "山区", "林区", "牧区", "景区", "灾区", "小区", "街区", "城区", "郊区",
              "片区", "湾区", "园区", "辖区", "校区", "矿区", "全国", "各省", "各市", "各县", "各区", "省市", "市县"}


# Chinese labels for Citation.match and Citation.kind, shared by the CLI table and the web UI.
MATCH_LABELS = {
    "exact": "全称", "short_title": "简称", "alias": "别称", "abbreviation": "缺“中国共产党”", "normalized": "写法差异",
    "fuzzy": "近似", "none": "未匹配",
}
KIND_LABELS = {
    "law": "法律", "administrative_regulation": "行政法规", "judicial_interpretation": "司法解释",
    "departmental_rule": "部门规章", "party_regulation": "党内法规", "central_policy": "中央文件", "standard": "国家标准",
    "local": "地方文件", "other": "非法规", "unknown": "未知",
}


# ------------------------------------------------------------------------------------------------ data


@dataclass
class ArticleRef:
    text: str  # as written: 第二十五条第一款
    index: int
    suffix: int = 0
    clause: int | None = None
    item: int | None = None
    end_index: int | None = None  # 第X条至第Y条

    @property
    def label(self) -> str:
        return format_article(self.index, self.suffix)


@dataclass
class Citation:
    text: str  # the whole reference as written: 《安全生产法》第二十五条
    line: int | None
    title_as_written: str
    resolved_title: str | None = None
    match: str = "none"  # exact | short_title | alias | normalized | fuzzy | abbreviation | none
    kind: str = "unknown"
    status: str | None = None  # at the draft's date: 现行有效 | 已修改 | 已废止 | 尚未施行
    in_force: bool | None = None
    replaced_by: str | None = None
    suggestion: str | None = None
    article: str | None = None  # first article referenced, as written
    article_text: str | None = None
    severity: str | None = None  # worst finding: error | warning | info
    message: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)  # every article referenced
    version_year: int | None = None
    quote: str | None = None
    quote_diff: list[dict[str, str]] | None = None
    declared_as: str | None = None  # the 以下简称 name declared for this citation
    date_used: str | None = None
    score: float | None = None
    source: str | None = None  # file the citation is in

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "line": self.line, "title_as_written": self.title_as_written,
            "resolved_title": self.resolved_title, "match": self.match, "kind": self.kind, "status": self.status,
            "in_force": self.in_force, "replaced_by": self.replaced_by, "suggestion": self.suggestion,
            "article": self.article, "article_text": self.article_text, "severity": self.severity,
            "message": self.message, "findings": list(self.findings), "articles": list(self.articles),
            "version_year": self.version_year, "quote": self.quote, "quote_diff": self.quote_diff,
            "declared_as": self.declared_as, "date": self.date_used, "score": self.score,
        }

    def add(self, rule: str, severity: str, message: str, *, basis: str | None = None, fix: str | None = None) -> None:
        self.findings.append({"rule": rule, "severity": severity, "message": message, "source": basis, "fix": fix})


_SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass
class _Raw:
    title: str
    text: str
    line: int | None
    version_year: int | None
    refs: list[ArticleRef]
    quote: str | None
    declared: str | None
    doc_number: str | None = None  # （国发〔2015〕28号） written after the title


# ------------------------------------------------------------------------------------------------ extraction


def _num(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


def _closing(text: str, start: int, limit: int = 200) -> int:
    """Index of the 》 that closes the 《 at `start` (nested pairs skipped), or -1."""
    depth = 0
    for j in range(start, min(len(text), start + limit)):
        ch = text[j]
        if ch == "《":
            depth += 1
        elif ch == "》":
            depth -= 1
            if depth == 0:
                return j
        elif ch in "\n。":
            return -1
    return -1


def _parse_refs(rest: str) -> tuple[list[ArticleRef], int]:
    m = CITED_ARTICLE_RE.match(rest)
    if not m:
        return [], 0
    first = ArticleRef(text=m.group(0).strip().removeprefix("的"), index=_num(m["a"]) or 0, suffix=_num(m["s"]) or 0,
                       clause=_num(m["c"]), item=_num(m["i"] or m["i2"] or m["i3"]))
    refs = [first]
    pos = m.end()
    r = CITED_ARTICLE_RANGE_RE.match(rest, pos)
    if r:
        first.end_index = _num(r["a"])
        first.text += r.group(0).strip()
        pos = r.end()
    while True:
        more = CITED_ARTICLE_MORE_RE.match(rest, pos)
        if not more:
            break
        refs.append(ArticleRef(text=more.group(0).strip().lstrip("、和及以，").strip(), index=_num(more["a"]) or 0,
                               suffix=_num(more["s"]) or 0, clause=_num(more["c"]), item=_num(more["i"] or more["i2"])))
        pos = more.end()
    return [x for x in refs if x.index > 0], pos


def extract(paragraphs: list[Paragraph]) -> list[_Raw]:
    """Every 《…》 of the text, in order, with what follows it."""
    out: list[_Raw] = []
    for para in paragraphs:
        text = para.text
        i = 0
        while True:
            start = text.find("《", i)
            if start < 0:
                break
            end = _closing(text, start)
            if end < 0:
                i = start + 1
                continue
            title = text[start + 1:end]
            i = end + 1
            if not title.strip():
                continue
            rest = text[i:i + 900]
            pos = 0
            version = None
            m = _VERSION_AFTER_RE.match(rest)
            if m:
                version = int(m["y"])
                pos = m.end()
            docno = None
            m = _DOCNO_AFTER_RE.match(rest, pos)
            if m:
                docno = m.group(0).strip()[1:-1]
                pos = m.end()
            declared = None
            m = _DECL_RE.match(rest, pos)
            if m:
                declared = (m["t"] or m["q"]).strip()
                pos = m.end()
            refs, used = _parse_refs(rest[pos:])
            pos += used
            quote = None
            if refs:
                q = _QUOTE_RE.match(rest, pos)
                if q:
                    quote = q["q"]
            out.append(_Raw(title=title, text=text[start:i + pos], line=para.line, version_year=version, refs=refs,
                            quote=quote, declared=declared, doc_number=docno))
            # Past the version, 发文字号, declaration (its 《X》 names this citation) and article references.
            i += pos
    return out


# ------------------------------------------------------------------------------------------------ classification


def _core_title(title: str) -> tuple[str, int | None]:
    """Title without spaces and without a trailing version （2017年修正）; the version year if there was one."""
    t = re.sub(r"\s+", "", title)
    m = _VERSION_IN_TITLE_RE.search(t)
    if m and not _YEAR_RANGE_RE.search(t):
        return t[:m.start()], int(m["y"])
    return t, None


def _stem(title: str) -> str:
    """Title without trailing brackets (（试行）, （2021—2025年）, （一）) — for suffix tests."""
    t = title
    for _ in range(3):
        new = _TAIL_RE.sub("", t).strip()
        if new == t:
            break
        t = new
    return t


def is_regulatory(title: str) -> bool:
    return _stem(title).endswith(REGULATORY_SUFFIXES)


def is_local(title: str) -> bool:
    """A document of a province, city, county, district or development zone (named at the start)."""
    t = re.sub(r"\s+", "", title)
    if _PROVINCE_RE.match(t) and not t.startswith(("中华人民共和国",)):
        return True
    m = _PLACE_RE.match(t)
    if m and m.group(0) not in _NOT_PLACE and m.group(0)[:2] not in ("全国", "各级", "关于"):
        return True
    return bool(_ZONE_RE.match(t) or _LOCAL_BODY_RE.match(t))


def classify_unresolved(title: str) -> tuple[str, str | None, str | None]:
    """(kind, severity, message) for a title the catalog does not know."""
    stem = _stem(title)
    if stem in GENERIC_TITLES or title in GENERIC_TITLES:
        return "other", None, None
    regulatory = is_regulatory(title)
    if is_local(title):
        if regulatory:
            return "local", "info", "地方性文件，法规库未收录，未核查名称和效力"
        return "other", None, None
    if not regulatory:
        return "other", None, None
    if _COURT_RE.match(title):
        return "judicial_interpretation", "warning", "法规库中未找到该司法解释，请核对名称"
    if _CENTRAL_RE.match(title):
        return "central_policy", "info", "法规库未收录该文件，未能核对名称和效力"
    if _MINISTRY_RE.match(title):
        return "departmental_rule", "info", "法规库未收录该文件，未能核对名称和效力"
    if title.startswith("中华人民共和国") or stem.endswith("条例") or (
            stem.endswith("法") and not stem.endswith(_NOT_LAW)):
        return "unknown", "warning", "法规库中未找到该名称，请核对是否为法规的准确全称"
    return "unknown", "info", "法规库未收录该文件，未能核对名称和效力"


# ------------------------------------------------------------------------------------------------ resolution


BASIS_ACCURACY = "《党政机关公文处理工作条例》第二十条：审核引文是否准确"


def _draft_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    d = parse_date(value) if value else None
    return d or date.today()


def _version_status(entry: CatalogEntry, year: int, when: date) -> tuple[str, str | None]:
    """Status of the version of `year` at `when`: (已修改|现行有效|unknown, newer version label)."""
    years = entry.version_years()
    if not entry.events and len(entry.versions) < 2:
        # No version history recorded: only a year before the title existed is known to be wrong.
        first = parse_date(entry.first_date)
        return ("unknown", None) if first and year < first.year else ("现行有效", None)
    if year not in years:
        return "unknown", None
    later: list[tuple[date, int]] = []
    for v in entry.versions:
        published = parse_date(v.get("publish_date"))
        d = parse_date(v.get("effective_date")) or published
        if d and published and published.year > year:
            later.append((max(d, published), published.year))
    effective_of = {v.get("publish_date"): v.get("effective_date") for v in entry.versions}
    effective_of.setdefault(entry.publish_date, entry.effective_date)
    for e in entry.events:
        d = parse_date(e["date"])
        if d and d.year > year and e["event"] in ("修正", "修订"):
            # An amendment counts from its effective date when the catalog knows it (公司法 2023: 2024-07-01).
            eff = parse_date(effective_of.get(e["date"]))
            later.append((max(d, eff) if eff else d, d.year))
    if entry.publish_date:
        d = parse_date(entry.effective_date if entry.effective_date and entry.effective_date >= entry.publish_date
                       else entry.publish_date)
        if d and int(entry.publish_date[:4]) > year:
            later.append((d, int(entry.publish_date[:4])))
    in_effect = sorted(x for x in later if x[0] <= when)
    if in_effect:
        return "已修改", f"{in_effect[-1][1]}年"
    return "现行有效", None


class Resolver:
    def __init__(self, catalog: Catalog, store: Any = None, date_label: str = "成文日期") -> None:
        self.catalog = catalog
        self.store = store
        self.date_label = date_label  # how the date was chosen, for messages: 成文日期 / 当前日期

    def resolve(self, raw: _Raw, when: date, declared: dict[str, Citation], seen: set[str]) -> Citation:
        core, version = _core_title(raw.title)
        version = version or raw.version_year
        c = Citation(text=raw.text, line=raw.line, title_as_written=raw.title, version_year=version,
                     quote=raw.quote, declared_as=raw.declared, date_used=when.isoformat())
        target = declared.get(re.sub(r"\s+", "", raw.title))
        hit = self.catalog.lookup(core)
        if target is not None and (hit is None or hit.match != "exact"):
            # 《X》 declared earlier with 以下简称: same regulation as the declaring citation.
            c.match = "alias" if target.resolved_title else "none"
            c.resolved_title, c.kind = target.resolved_title, target.kind
            entry = self.catalog.get(target.resolved_title) if target.resolved_title else None
            if entry is None:
                c.kind = target.kind
                self._articles(c, raw, None)
                return self._finish(c)
            self._status(c, entry, version, when)
            self._articles(c, raw, entry)
            return self._finish(c)
        if hit is None:
            kind, severity, message = classify_unresolved(core)
            c.kind = kind
            fuzzy = None
            if kind == "other" and c.title_as_written not in GENERIC_TITLES:
                fuzzy = self.catalog.fuzzy(core, one_typo_only=True)
            if fuzzy is None and kind in ("local", "other"):
                return self._finish(c, severity, message, "citation.local" if kind == "local" else None)
            fuzzy = fuzzy or self.catalog.fuzzy(core)
            if fuzzy is None:
                c.add("citation.unknown", severity or "info", f"《{raw.title}》：{message}", basis=BASIS_ACCURACY)
                return self._finish(c)
            hit = fuzzy
            c.score = round(fuzzy.score, 1)
        entry = hit.entry
        c.resolved_title, c.match, c.kind = entry.title, hit.match, entry.kind
        if hit.match == "fuzzy":
            c.suggestion = entry.title
            c.add("citation.title", "error", f"《{raw.title}》名称有误，应为《{entry.title}》", basis=BASIS_ACCURACY,
                  fix=f"改为《{entry.title}》")
        elif hit.match == "abbreviation":
            c.suggestion = entry.title
            c.add("citation.full_name", "warning", f"党内法规应使用全称：《{raw.title}》应写作《{entry.title}》",
                  basis=BASIS_ACCURACY, fix=f"改为《{entry.title}》")
        elif hit.match == "normalized":
            c.suggestion = entry.title
            c.add("citation.title_form", "info", f"《{raw.title}》与标准名称写法不一致（括号、连接号或前缀），标准名称为《{entry.title}》",
                  basis=BASIS_ACCURACY, fix=f"改为《{entry.title}》")
        elif hit.match == "short_title" and entry.title not in seen and raw.declared is None:
            c.suggestion = entry.title
            c.add("citation.short_title", "info", f"首次引用宜用全称《{entry.title}》，可括注“以下简称《{raw.title}》”",
                  fix=f"首次出现改为《{entry.title}》")
        self._status(c, entry, version, when)
        if raw.doc_number and entry.doc_number and _docno_key(raw.doc_number) != _docno_key(entry.doc_number):
            c.add("citation.doc_number", "warning",
                  f"《{entry.title}》的发文字号应为{entry.doc_number}，文中写作{raw.doc_number}", basis=BASIS_ACCURACY,
                  fix=f"改为（{entry.doc_number}）")
        self._articles(c, raw, entry)
        return self._finish(c)

    # ---- status at the draft's date

    def _status(self, c: Citation, entry: CatalogEntry, version: int | None, when: date) -> None:
        status, in_force = entry.status_at(when)
        c.status, c.in_force = status, in_force
        basis = entry.note
        if status == "已废止":
            c.replaced_by = entry.replaced_by
            since = f"已于{entry.repealed_date}" if entry.repealed_date else "已"
            repl = f"，现行为《{entry.replaced_by}》" if entry.replaced_by else ""
            c.add("citation.repealed", "error", f"《{entry.title}》{since}废止{repl}（按{self.date_label}{when.isoformat()}判断）",
                  basis=basis, fix=f"改引《{entry.replaced_by}》" if entry.replaced_by else "删除或改引现行规定")
            if entry.replaced_by and not c.suggestion:
                c.suggestion = entry.replaced_by
            return
        if status == "尚未施行":
            first = parse_date(entry.first_date)
            effective = f"，{entry.effective_date}起施行" if entry.effective_date else ""
            if first and when < first:
                msg = f"《{entry.title}》在{self.date_label}{when.isoformat()}时尚未出台（{entry.first_date}通过或印发{effective}）"
            else:
                msg = f"《{entry.title}》在{self.date_label}{when.isoformat()}时尚未施行（{entry.effective_date}起施行）"
            c.add("citation.not_in_force", "warning", msg, basis=basis)
            return
        if version is not None:
            vstatus, newer = _version_status(entry, version, when)
            if vstatus == "已修改":
                c.status, c.in_force = "已修改", False
                c.add("citation.amended", "warning",
                      f"引用的是《{entry.title}》{version}年版本，该法规已于{newer}修改，应引用现行版本", basis=basis,
                      fix=f"删除版本年份或改为现行版本（{newer}）")
            elif vstatus == "unknown":
                c.add("citation.version", "warning", f"《{entry.title}》没有{version}年的版本记录，请核对年份", basis=basis)

    # ---- articles

    def _articles(self, c: Citation, raw: _Raw, entry: CatalogEntry | None) -> None:
        if not raw.refs:
            return
        c.article = raw.refs[0].text
        if entry is None:
            c.articles = [{"text": r.text, "index": r.index, "suffix": r.suffix, "clause": r.clause, "item": r.item}
                          for r in raw.refs]
            return
        version = str(c.version_year) if c.version_year else None
        count = self.store.count(entry.title, version) if self.store is not None else None
        from_store = count is not None
        if count is None and version is None:
            count = entry.articles
        if entry.kind == "party_regulation" and entry.note and "未公开" in entry.note:
            c.add("citation.unpublished", "info", f"《{entry.title}》{entry.note}", basis=entry.note)
        for n, ref in enumerate(raw.refs):
            info: dict[str, Any] = {"text": ref.text, "index": ref.index, "suffix": ref.suffix, "clause": ref.clause,
                                    "item": ref.item, "end_index": ref.end_index, "article_text": None}
            c.articles.append(info)
            for idx in [ref.index] + ([ref.end_index] if ref.end_index else []):
                if count and idx > count:
                    c.add("citation.article_range", "error",
                          f"《{entry.title}》没有{format_article(idx)}：该法规共{count}条",
                          basis=BASIS_ACCURACY, fix="核对条号")
            if not from_store or (count and ref.index > count):
                continue
            art = self.store.get(entry.title, ref.index, ref.suffix, version)
            if art is None:
                c.add("citation.article_missing", "error", f"《{entry.title}》中没有{ref.label}", basis=BASIS_ACCURACY)
                continue
            info["article_text"] = art.text
            if n == 0:
                c.article_text = art.text
                if raw.quote:
                    self._compare_quote(c, ref, art.text, raw.quote)

    def _compare_quote(self, c: Citation, ref: ArticleRef, article: str, quote: str) -> None:
        a, q = _plain(article), _plain(quote)
        if q and q in a:
            c.quote_diff = []
            return
        sm = difflib.SequenceMatcher(None, a, q, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        if not blocks:
            c.add("citation.quote", "warning", f"引文与《{c.resolved_title}》{ref.label}原文无共同内容，可能引错条文",
                  basis=BASIS_ACCURACY)
            return
        lo = max(0, blocks[0].a - blocks[0].b)
        hi = min(len(a), blocks[-1].a + blocks[-1].size + (len(q) - blocks[-1].b - blocks[-1].size))
        window = a[lo:hi]
        sm = difflib.SequenceMatcher(None, window, q, autojunk=False)
        diff = []
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            diff.append({"op": {"replace": "改", "delete": "漏", "insert": "多"}[tag], "article": window[i1:i2],
                         "quote": q[j1:j2]})
        c.quote_diff = diff
        shown = "；".join(
            f"原文“{d['article']}”引作“{d['quote']}”" if d["op"] == "改" else
            (f"漏了“{d['article']}”" if d["op"] == "漏" else f"多了“{d['quote']}”") for d in diff[:5])
        more = f"等{len(diff)}处" if len(diff) > 5 else ""
        ratio = sm.ratio()
        lead = "引文与原文差异较大，可能引错条文" if ratio < 0.5 else "引文与原文不一致"
        c.add("citation.quote", "warning", f"{lead}（《{c.resolved_title}》{ref.label}）：{shown}{more}",
              basis=BASIS_ACCURACY, fix=f"按原文改正：“{window}”" if ratio >= 0.5 else None)

    def _finish(self, c: Citation, severity: str | None = None, message: str | None = None,
                rule: str | None = None) -> Citation:
        if severity and message:
            c.add(rule or "citation.note", severity, f"《{c.title_as_written}》：{message}")
        if c.findings:
            worst = max(c.findings, key=lambda f: _SEVERITY_RANK.get(f["severity"], 0))
            c.severity, c.message = worst["severity"], worst["message"]
        return c


def _docno_key(text: str) -> str:
    """国发〔2015〕28号 and 国发[2015]28号 compare equal: only characters and digits count."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", text)


_PUNCT_MAP = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_PUNCT_MAP)


# ------------------------------------------------------------------------------------------------ entry points


def _paragraphs(text_or_source: Any) -> tuple[list[Paragraph], str | None]:
    paragraphs = getattr(text_or_source, "paragraphs", None)
    if paragraphs is not None and not isinstance(text_or_source, (str, SourceText)):  # OfficialDocument
        return list(paragraphs), getattr(text_or_source, "source", None)
    return as_paragraphs(text_or_source if isinstance(text_or_source, SourceText) else str(text_or_source))


def check_citations(text_or_source: Any, date: str | Any = None, *, settings: Any = None,
                    catalog: Catalog | None = None, store: Any = None, use_store: bool = True) -> list[Citation]:
    """Every citation of a text, SourceText or OfficialDocument, resolved at `date` (成文日期 as written, ISO,
    or a datetime.date; None → today). Article text comes from the ArticleStore when it exists."""
    paragraphs, path = _paragraphs(text_or_source)
    raws = extract(paragraphs)
    if not raws:
        return []
    if catalog is None:
        catalog = load_catalog(settings)
    own_store = None
    if store is None and use_store and any(r.refs for r in raws):
        from assistant.citations.articles import ArticleStore

        store = own_store = ArticleStore.existing(settings)
    try:
        return _resolve_all(raws, catalog, store, date, path)
    finally:
        if own_store is not None:
            own_store.close()


def _resolve_all(raws: list[_Raw], catalog: Catalog, store: Any, date: Any, path: str | None) -> list[Citation]:
    when = _draft_date(date)
    resolver = Resolver(catalog, store, "成文日期" if date else "当前日期")
    declared: dict[str, Citation] = {}
    seen: set[str] = set()
    out = []
    for raw in raws:
        c = resolver.resolve(raw, when, declared, seen)
        c.source = path
        if raw.declared:
            declared[re.sub(r"\s+", "", raw.declared)] = c
        if c.resolved_title:
            seen.add(c.resolved_title)
        out.append(c)
    return out


def citation_findings(citations: list[Citation]) -> list[dict[str, Any]]:
    """Findings for the checker: {rule, severity, message, line, source, fix} — source is the basis."""
    out = []
    for c in citations:
        for f in c.findings:
            out.append({"rule": f["rule"], "severity": f["severity"], "message": f["message"], "line": c.line,
                        "source": f.get("source"), "fix": f.get("fix"), "text": c.text})
    return out


def document_date(source: SourceText) -> str | None:
    """The 成文日期 of a document (as written), via the structure parser."""
    try:
        doc = parse_official(source)
    except Exception:  # noqa: BLE001 — a document the parser cannot read still gets its citations checked
        return None
    return doc.date or None


__all__ = ["Citation", "ArticleRef", "check_citations", "citation_findings", "document_date", "extract",
           "is_local", "is_regulatory", "classify_unresolved", "normalize_title"]
