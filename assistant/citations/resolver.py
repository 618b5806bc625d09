"""Citation verification: every 《…》 in a draft, checked against the regulation catalog and, when the text is
imported, against the article it points to.

    check_citations(text_or_source, date=None, *, settings=None) -> list[Citation]
    citation_findings(citations) -> list[dict]   # {rule, severity, message, line, source, fix}

Extraction is in extraction.py. Resolution, in order: a name declared with 以下简称 → exact → short title / alias /
abbreviation → normalised (prefix, widths, dashes, brackets, spaces) → edition family by date (《法治政府建设实施
纲要》 → the edition in force) → traditional characters → local or non-regulatory title (classify.py) → near
misses with their reason (slips.py). Status and in-force are judged at the draft's date (status.py); findings'
wording and basis are data (knowledge/regulations/citation_rules.yaml, messages.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from assistant.citations.articles import ArticleStore
from assistant.citations.catalog import (
    Catalog,
    CatalogEntry,
    TitleMatch,
    load_catalog,
    normalize_title,
    parse_date,
)
from assistant.citations.citation import KIND_LABELS, MATCH_LABELS, Citation
from assistant.citations.classify import (
    GENERIC_TITLES,
    classify_unresolved,
    core_title,
    is_local,
    is_regulatory,
)
from assistant.citations.extraction import ArticleRef, RawCitation, extract
from assistant.citations.messages import CitationRules, citation_rules
from assistant.citations.quotes import compare_quote
from assistant.citations.slips import SlipMatcher
from assistant.citations.status import judge_status
from assistant.documents.normalize import to_simplified
from assistant.documents.numbering import format_article
from assistant.documents.structure import as_paragraphs, parse_official
from assistant.models import Paragraph, SourceText
from assistant.settings import get_settings

_TITLE_FINDINGS = {"abbreviation": "abbreviation", "normalized": "normalized", "traditional": "traditional",
                   "edition": "edition"}


def _draft_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    d = parse_date(value) if value else None
    return d or date.today()


def _matcher(catalog: Catalog, rules: CitationRules) -> SlipMatcher:
    """One matcher per catalog object, so its indexes are built once per process."""
    m = getattr(catalog, "_slip_matcher", None)
    if m is None or m.rules is not rules.matching:
        m = SlipMatcher(catalog, rules.matching)
        catalog._slip_matcher = m  # type: ignore[attr-defined]
    return m


class Resolver:
    def __init__(self, catalog: Catalog, store: Any = None, date_label: str = "成文日期",
                 rules: CitationRules | None = None) -> None:
        self.catalog = catalog
        self.store = store
        self.date_label = date_label  # how the date was chosen, for messages: 成文日期 / 当前日期
        self.rules = rules or citation_rules()
        self.suffixes = tuple(self.rules.matching.regulation_suffixes)
        self.slips = _matcher(catalog, self.rules)

    def resolve(self, raw: RawCitation, when: date, declared: dict[str, Citation], seen: set[str]) -> Citation:
        core, version = core_title(raw.title)
        version = version or raw.version_year
        c = Citation(text=raw.text, line=raw.line, title_as_written=raw.title, version_year=version,
                     quote=raw.quote, declared_as=raw.declared, date_used=when.isoformat())
        target = declared.get(re.sub(r"\s+", "", raw.title))
        hit = self.catalog.lookup(raw.title, when) if core != raw.title else None
        if hit is not None:  # the year belongs to the title: 《中华人民共和国宪法修正案（2004年）》
            c.version_year = version = raw.version_year
        else:
            hit = self.catalog.lookup(core, when)
        if target is not None and (hit is None or hit.match != "exact"):
            return self._declared(c, raw, target, version, when)
        if hit is None:
            hit = self._near(c, raw, core, when)
            if hit is None:
                self._articles(c, raw, None)
                return c.finish()
        self._name_findings(c, raw, hit, when, seen)
        entry = hit.entry
        judge_status(c, entry, version, when, self.date_label, self.rules)
        if raw.doc_number and entry.doc_number and _docno_key(raw.doc_number) != _docno_key(entry.doc_number):
            c.add_finding(self.rules.finding("doc_number", title=entry.title, expected=entry.doc_number,
                                             written=raw.doc_number))
        self._articles(c, raw, entry)
        return c.finish()

    def _declared(self, c: Citation, raw: RawCitation, target: Citation, version: int | None, when: date) -> Citation:
        """《X》 declared earlier with 以下简称: the same regulation as the declaring citation."""
        c.match = "alias" if target.resolved_title else "none"
        c.resolved_title, c.kind = target.resolved_title, target.kind
        entry = self.catalog.get(target.resolved_title) if target.resolved_title else None
        if entry is not None:
            judge_status(c, entry, version, when, self.date_label, self.rules)
        self._articles(c, raw, entry)
        return c.finish()

    # ---- names the catalog does not know as written

    def _near(self, c: Citation, raw: RawCitation, core: str, when: date) -> TitleMatch | None:
        """Traditional characters, then near misses; or the classification of an unknown title."""
        simple = to_simplified(core)
        if simple != core:
            hit = self.catalog.lookup(to_simplified(raw.title), when) or self.catalog.lookup(simple, when)
            if hit is not None:
                c.suggestion_reason = "繁体"
                return TitleMatch(hit.entry, "traditional")
        kind, key = classify_unresolved(simple, self.suffixes)
        c.kind = kind
        if simple in GENERIC_TITLES or raw.title in GENERIC_TITLES:
            return None
        candidates = self.slips.candidates(simple, strict=kind == "other")
        if kind == "local":
            # A national text named after a place (北京市新技术产业开发试验区暂行条例) may still be mistyped;
            # another place's document is not a slip of it.
            candidates = [x for x in candidates if normalize_title(x.entry.title)[:1] == normalize_title(simple)[:1]]
        if candidates:
            top = candidates[0]
            c.candidates = [x.to_dict() for x in candidates]
            c.suggestion_reason, c.score = top.reason, round(top.score, 1)
            return TitleMatch(top.entry, "fuzzy", top.score)
        if key:
            c.add_finding(self.rules.finding(key, written=raw.title))
        return None

    def _name_findings(self, c: Citation, raw: RawCitation, hit: TitleMatch, when: date, seen: set[str]) -> None:
        entry = hit.entry
        c.resolved_title, c.match, c.kind = entry.title, hit.match, entry.kind
        rules = self.rules
        if hit.match == "fuzzy":
            c.suggestion = entry.title
            reason = c.suggestion_reason or "错字"
            key = "colloquial" if reason == "俗称" else "slip"
            f = rules.finding(key, written=raw.title, title=entry.title, reason=reason)
            f["severity"] = rules.matching.reason_severity.get(reason, f["severity"])
            c.add_finding(f)
        elif hit.match in _TITLE_FINDINGS:
            if hit.match == "edition" and _same_title(raw.title, entry.title):
                return
            c.suggestion = entry.title
            c.add_finding(rules.finding(_TITLE_FINDINGS[hit.match], written=raw.title, title=entry.title,
                                        date_label=self.date_label, date=when.isoformat()))
        elif hit.match == "short_title" and entry.title not in seen and raw.declared is None:
            c.suggestion = entry.title
            c.add_finding(rules.finding("short_title", written=raw.title, title=entry.title))

    # ---- articles

    def _articles(self, c: Citation, raw: RawCitation, entry: CatalogEntry | None) -> None:
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
        if not from_store:
            c.text_hint = self.rules.messages["text_hint"].message.format(title=entry.title)
            if version is None:
                count = entry.articles
        if entry.kind == "party_regulation" and entry.note and "未公开" in entry.note:
            c.add_finding(self.rules.finding("unpublished", entry_basis=entry.note, title=entry.title,
                                             note=entry.note))
        for n, ref in enumerate(raw.refs):
            info = self._article(c, entry, ref, count, version if from_store else None, from_store)
            if n == 0 and info.get("article_text"):
                c.article_text = info["article_text"]
                if raw.quote:
                    compare_quote(c, ref, info["article_text"], raw.quote, self.rules)

    def _article(self, c: Citation, entry: CatalogEntry, ref: ArticleRef, count: int | None, version: str | None,
                 from_store: bool) -> dict[str, Any]:
        info: dict[str, Any] = {"text": ref.text, "index": ref.index, "suffix": ref.suffix, "clause": ref.clause,
                                "item": ref.item, "end_index": ref.end_index, "article_text": None}
        c.articles.append(info)
        for idx in [ref.index] + ([ref.end_index] if ref.end_index else []):
            if count and idx > count:
                c.add_finding(self.rules.finding("article_range", title=entry.title, article=format_article(idx),
                                                 count=count))
        if not from_store or (count and ref.index > count):
            return info
        art = self.store.get(entry.title, ref.index, ref.suffix, version)
        if art is None:
            c.add_finding(self.rules.finding("article_missing", title=entry.title, article=ref.label))
        else:
            info["article_text"] = art.text
        return info


def _same_title(written: str, title: str) -> bool:
    return normalize_title(written) == normalize_title(title)


def _docno_key(text: str) -> str:
    """国发〔2015〕28号 and 国发[2015]28号 compare equal: only characters and digits count."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", text)


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
    settings = settings or get_settings()
    if catalog is None:
        catalog = load_catalog(settings)
    rules = citation_rules(settings.regulations_dir)
    own_store = None
    if store is None and use_store and any(r.refs for r in raws):

        store = own_store = ArticleStore.existing(settings)
    try:
        resolver = Resolver(catalog, store, "成文日期" if date else "当前日期", rules)
        return _resolve_all(raws, resolver, _draft_date(date), path)
    finally:
        if own_store is not None:
            own_store.close()


def _resolve_all(raws: list[RawCitation], resolver: Resolver, when: date, path: str | None) -> list[Citation]:
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


__all__ = ["Citation", "ArticleRef", "KIND_LABELS", "MATCH_LABELS", "check_citations", "citation_findings",
           "document_date", "extract", "is_local", "is_regulatory", "classify_unresolved", "normalize_title"]
