"""Section roles (章节角色): which parts of a document carry which role of its genre, scored from evidence.

Candidates (candidates.py) are the numbered sections at any level, unnumbered heading lines and paragraphs led
by a role phrase. Evidence, with weights and thresholds from the genre's recognition settings
(knowledge/genres/_recognition.yaml and the genre file):

  * firm — enough for "found": the heading's wording (alias weights; a combined heading such as "问题与打算"
    covers each role it names, and so does a role's bare word standing as one part of it: "做法、成效和不足"),
    a first paragraph that says what the part is (body_aliases), a heading that names a year after the report
    year or the coming year without its number ("明年重点": the plan part), and a half-worded heading backed by
    the body ("短板弱项" over text with two different cue words and fewer results than cues: corroborated);
  * soft — enough only for "uncertain" (the user is asked to look at the best candidate): body cues (不足、
    有待、将、持续…), cue words in the heading, the genre's customary order.

A required role still not found is `uncertain` (never a confident `missing`) when soft evidence reaches the
threshold or an outermost part carries no role, or only a fallback role while its body has a word of this one.
The outermost sections always get a role: firm evidence first, then a fallback (future_role for a part that
plans ahead, default_role for one that reports work done). Roles marked heading_only (存在的不足) are never
given by a fallback, so removing one part never makes another take its role. Below the top, a part is given a
role only on firm evidence. A short 请示 without headings is matched paragraph by paragraph (text_patterns),
and a 请示 may state its request in its last lines (tail_patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.documents.numbering import DATE_RE
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.rules.candidates import Candidate, collect, is_resegmented, paragraph_leads
from assistant.rules.genre_schema import Genre, Role, norm
from assistant.rules.title_reading import report_year, years_in


@dataclass
class RoleHit:
    """Whether a role of the genre is covered, by which sections, and how sure the classifier is."""

    role: str
    name: str
    required: bool
    found: bool = False
    sections: list[Section] = field(default_factory=list)
    score: float = 0.0
    via: str | None = None  # heading | first_paragraph | year | corroborated | fallback | heading_line | led | text | cues
    line: int | None = None
    source: str | None = None
    uncertain: bool = False  # soft evidence only: the best candidate is at `line`
    level: int | None = None  # 1 = 一、 …; 0 = an unnumbered heading line; -1 = a led paragraph
    label: str | None = None  # the best candidate's heading when uncertain

    @property
    def status(self) -> str:
        return "found" if self.found else ("uncertain" if self.uncertain else "missing")

    @property
    def section(self) -> Section | None:
        return self.sections[0] if self.sections else None

    @property
    def heading(self) -> str | None:
        s = self.section
        return f"{s.number}{s.heading}" if s else self.label

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "found": self.found,
                "status": self.status, "heading": self.heading, "line": self.line, "level": self.level,
                "score": round(self.score, 2), "via": self.via}


# Tense markers for the fallback: a section that plans ahead vs one that reports work done. "将" alone is
# left out (it also marks the object: 将……纳入), and so is "了" in quotes of history ("擘画了").
_FUTURE_RE = re.compile(
    r"今年|明年|下一步|下一年|下阶段|力争|(?<![主重需纪必只紧])要(?![求素点闻害件])|我们将|将(继续|进一步|持续|着力|加快)"
    r"|拟|着力|确保|持续推进|进一步")
_PAST_RE = re.compile(r"过去一年|一年来|全年|累计|完成|实现|取得|开展了|获评|已|同比|共(计|有)?\d|\d+(项|件|场|次|人次|个)")
_JOINERS_RE = re.compile(r"[和与及、，,；;]|以及|并")
# A heading that names the coming year without its number ("明年重点", "新一年工作考虑") is the plan part just as
# "2025年工作要点" is.
_COMING_YEAR_RE = re.compile(r"明年|来年|次年|下一?年度?|新的?一年")
_YEAR_OPENING_RE = re.compile(r"((?:19|20)\d{2})年[，,是]")
_PLANS_RE = re.compile(r"将|要|拟|计划|力争|着力")
_SUB_HEADING_RE = re.compile(r"（[一二三四五六七八九十]{1,3}）([^，。；：:！？（]{2,12})")
# A short part of a combined heading that is a role word on its own ("工作做法、成效和不足": "不足").
_BARE_PART_CHARS = 3
_PASTED_CHARS = 200_000  # how much of a pasted text is searched for a role's heading words
_ANNOUNCE_RE = re.compile(r"(?:报告|总结|汇报|述职|说明)如下[。：:]")
_WORK_SPAN, _WORK_RESULTS = 300, 3  # a part of the year's work, not an opening paragraph


def _is_future(section: Section) -> bool:
    """Whether a section plans ahead rather than reports work done (first ~1,500 characters)."""
    text = norm(section.body_text())[:1500]
    future = len(_FUTURE_RE.findall(text))
    past = len(_PAST_RE.findall(text))
    return future >= 4 and future > 1.5 * past


def heading_roles(heading: str, genre: Genre, skip: str | None = None) -> list[tuple[Role, float]]:
    """Roles a normalised heading names with firm evidence, best first (empty when it names none); `skip`: a
    role not to consider (the part's parent's). A heading joining parts ("存在的问题和下一步打算", "做法、成效和
    不足") covers each role one of its parts names."""
    found = genre.weight("found")
    roles = [r for r in genre.sections if r.id != skip]
    scores = sorted(((r, r.heading_score(heading)) for r in roles), key=lambda x: (
        -x[1], not x[0].required, x[0].order))
    scores = [(r, s) for r, s in scores if s >= found]
    if not scores:
        return []
    picked = [scores[0]]
    if scores[0][0].combinable:
        picked += [(r, s) for r, s in scores[1:] if r.combinable]
    for part in _JOINERS_RE.split(heading):
        part_best = [(r, r.heading_score(part)) for r in roles]
        r, s = max(part_best, key=lambda x: (x[1], x[0].required, -x[0].order))
        if s >= genre.weight("combined_part") and all(r.id != p.id for p, _ in picked):
            picked.append((r, s))
    return picked


def bare_part_roles(heading: str, genre: Genre, skip: str | None = None) -> list[tuple[Role, float]]:
    """Roles named by a short part standing alone in a combined heading ("工作做法、成效和不足": "不足"), where
    the rest of the heading names no role: the part is the role's own word, so it covers the role fully."""
    parts = [p for p in _JOINERS_RE.split(heading) if p]
    out: list[tuple[Role, float]] = []
    if len(parts) < 2:
        return out
    for part in parts:
        if len(part) > _BARE_PART_CHARS:
            continue
        scores = [(r, r.heading_score(part)) for r in genre.sections if r.id != skip and r.combinable]
        r, s = max(scores, key=lambda x: (x[1], x[0].required, -x[0].order), default=(None, 0.0))
        if r is not None and s > 0 and all(r.id != p.id for p, _ in out):
            out.append((r, genre.weight("combined_part")))
    return out


class _Scorer:
    """Evidence for one document and genre."""

    def __init__(self, doc: OfficialDocument, genre: Genre) -> None:
        self.genre = genre
        self.year = report_year(doc, genre)
        ordered = genre.ordered_roles()
        self.fallbacks: list[Candidate] = []  # outermost parts whose role came from the fallback only
        self.rank = {r.id: i / max(len(ordered) - 1, 1) for i, r in enumerate(ordered)}

    def year_after(self, c: Candidate) -> bool:
        return self.year_after_in(c.heading)

    def year_after_in(self, text: str) -> bool:
        if _COMING_YEAR_RE.search(norm(text)):
            return True
        # a date ("（2024年1月18日）" by the speaker's name) says when it was written, not what it plans
        return self.year is not None and any(y > self.year for y in years_in(DATE_RE.sub("", text)))

    def opens_coming_year(self, first: str) -> bool:
        """"2022年，市公安局将重点抓好以下工作：": a part whose text opens by planning the coming year."""
        m = _YEAR_OPENING_RE.match(first)
        return m is not None and self.year is not None and int(m.group(1)) == self.year + 1 \
            and _PLANS_RE.search(first[m.end():m.end() + 40]) is not None

    def corroborated(self, c: Candidate) -> list[tuple[Role, float]]:
        """Partial heading evidence ("短板弱项", "党工委书记带头履职尽责") backed by the body: the heading's
        partial alias weight and cue words reach corroborated_heading, the body holds corroborated_body
        different cues of the role and reads as an account of problems or duties rather than a list of results
        (no more 完成/同比/numbers than cues). Best heading evidence first."""
        g = self.genre
        past = len(_PAST_RE.findall(c.body))
        out = []
        for r in g.sections:
            if r.id == c.parent_role or not r.body_cues:
                continue
            heading = r.heading_score(c.heading) + g.weight("heading_cue") * r.distinct_cues(c.heading)
            body = r.distinct_cues(c.body)
            if heading >= g.weight("corroborated_heading") and body >= g.weight("corroborated_body") \
                    and past <= body:
                out.append((r, heading))
        return sorted(out, key=lambda x: -x[1])[:1]

    def firm(self, c: Candidate) -> tuple[list[tuple[Role, float]], str | None]:
        """Roles a candidate carries on firm evidence, and how they were found."""
        picked = heading_roles(c.heading, self.genre, c.parent_role)
        future = self.genre.future_role
        if picked and future and future != c.parent_role and all(r.id != future for r, _ in picked) \
                and any(self.year_after_in(part) for part in _JOINERS_RE.split(c.heading)[1:]):
            # "存在的困难和2023年工作思路": a later part naming the coming year is the plan part
            picked.append((self.genre.role(future), self.genre.weight("year_after")))
        if picked:
            return picked, "heading" if c.level > 0 else ("heading_line" if c.level == 0 else "led")
        if c.first and c.level >= 0:
            for r in self.genre.sections:
                if not r.heading_only and r.id != c.parent_role and r.body_match(c.first):
                    return [(r, self.genre.weight("led_paragraph"))], "first_paragraph"
        if self.genre.future_role and ((self.year_after(c) or self.opens_coming_year(c.first)) if c.level >= 0
                                       else _COMING_YEAR_RE.search(c.heading)):
            return [(self.genre.role(self.genre.future_role), self.genre.weight("year_after"))], "year"
        backed = self.corroborated(c)
        if backed:
            return [(backed[0][0], self.genre.weight("found"))], "corroborated"
        return [], None

    def soft(self, c: Candidate, role: Role) -> float:
        g = self.genre
        score = role.heading_score(c.heading) + g.weight("heading_cue") * role.cue_count(c.heading)
        score += min(g.weight("body_cue_cap"), g.weight("body_cue") * role.cue_count(c.body))
        if abs(c.position - self.rank[role.id]) <= 0.25:
            score += g.weight("order")
        return score


def _mark(hit: RoleHit, score: float, via: str | None, c: Candidate | None = None, line: int | None = None) -> None:
    if c is not None and all(s is not c.section for s in hit.sections):
        hit.sections.append(c.section)
    if not hit.found:
        hit.found, hit.via = True, via
        hit.line = c.line if c is not None else line
        hit.level = c.level if c is not None else -1
    hit.score = max(hit.score, score)


def _classify_top(top: list[Candidate], scorer: _Scorer, hits: dict[str, RoleHit]) -> None:
    genre = scorer.genre
    owners: list[tuple[Candidate, list[tuple[Role, float]]]] = []
    # Only parts at the document's outermost numbered level fall back to a role; a stray （一） before the
    # first 一、 (or left when its 一、 line was lost) is a theme of some part, not a part of its own.
    outermost = min((c.level for c in top if c.level > 0), default=1)
    # No numbered part at all: the unnumbered heading lines are the parts, and fall back to a role as such.
    unnumbered = not any(c.level > 0 for c in top)
    for c in top:
        if c.level == 0:  # an unnumbered heading line above numbered parts: firm evidence or nothing
            picked, via = scorer.firm(c)
            if not picked and unnumbered:
                picked, via = _fallback(c, scorer)
            if picked:
                if via != "fallback":  # a theme's led paragraphs stand on their own evidence
                    owners.append((c, picked))
                for role, score in picked:
                    _mark(hits[role.id], score, via, c)
            continue
        owner = [o for o in owners if o[0].line < c.line or o[0].section is c.owner] if c.level > 0 else []
        if owner:
            # A numbered part under an unnumbered heading line (or a phrase it follows in pasted text) belongs
            # to that heading's role.
            picked, via = owner[-1][1], "heading_line" if owner[-1][0].level == 0 else "led"
        else:
            picked, via = scorer.firm(c)
            # items owned by a phrase of pasted text that names no role are that phrase's, not parts to place
            if not picked and c.level == outermost and c.owner is None:
                picked, via = _fallback(c, scorer)
        if not owner:
            picked = picked + [(r, s) for r, s in bare_part_roles(c.heading, genre)
                               if all(r.id != p.id for p, _ in picked)]
        picked = _through_children(c, picked, scorer.genre)
        if c.level < 0 and picked:
            owners.append((c, picked))
        c.section.role = picked[0][0].id if picked else None
        for role, score in picked:
            _mark(hits[role.id], score, via, c)


def _fallback(c: Candidate, scorer: _Scorer) -> tuple[list[tuple[Role, float]], str | None]:
    """An outermost part no evidence placed: the plan part when it names the coming year, else the genre's
    default part (a theme of the year's work)."""
    genre = scorer.genre
    if genre.future_role and _is_future(c.section):
        picked = [(genre.role(genre.future_role), 0.5)]
    elif genre.default_role:
        picked = [(genre.role(genre.default_role), 0.4)]
    else:
        return [], None
    scorer.fallbacks.append(c)
    return picked, "fallback"


def _through_children(c: Candidate, picked: list[tuple[Role, float]], genre: Genre) -> list[tuple[Role, float]]:
    """A combined heading ("五、不足之处和改进方向") whose sub-parts separate its roles ("（一）存在的问题",
    "（二）下一步措施", or paragraphs led by "存在的不足：" and "改进举措：") covers each role only through a
    sub-part that names it: the heading alone is not the content. Roles no sub-part names are dropped (their
    sub-part was removed, or never written). A heading naming one role firmly and announcing another only in
    part ("对标找差距，明确下步着力点") is combined as well when a sub-part names the other."""
    subs = [norm(child.heading) for child in c.section.children]
    if not subs:  # sub-parts run into the heading or its text (a pasted page): "……打算（二）下一步打算2024年，……"
        subs = [m.group(1) for m in _SUB_HEADING_RE.finditer(c.heading + c.body)]
    if not subs:
        subs = paragraph_leads(c.section)
    if not subs or not picked:
        return picked
    by_sub = [{r.id for r, _ in heading_roles(sub, genre)} for sub in subs]
    if all(by_sub) and not any(r.id in ids for r, _ in picked for ids in by_sub) \
            and len(c.section.paragraphs) + bool(c.section.inline_text) <= 1 \
            and all(r.year_relation != "next" for r, _ in picked):
        # "一、履职尽责情况" holding only "（一）坚持学习不放松" after one opening paragraph at most: the heading is
        # a container whose own part is gone.
        # (A plan part's items are named after what they plan: "（二）从严落实主体责任" — not so.)
        return []
    named = set().union(*by_sub)
    ids = {r.id for r, _ in picked}
    announced = [(r, genre.weight("combined_part")) for r in genre.sections
                 if r.id in named and r.id not in ids and r.nests
                 and (r.heading_score(c.heading) > 0 or r.cue_count(c.heading) > 0)]
    picked = picked + announced
    if len(picked) < 2 or not named & {r.id for r, _ in picked}:
        return picked  # sub-parts are themes, not the combined roles: the heading covers them all
    # Sub-parts naming no role are themes: of the default part, when the heading names it ("一、学习和履职情况"
    # over "（一）坚持学深悟透" and two duty themes).
    themes = not all(by_sub)
    kept = [(r, s) for r, s in picked if r.id in named or (themes and r.id == genre.default_role)]
    return kept or picked[:1]


def _classify_deeper(deeper: list[Candidate], scorer: _Scorer, hits: dict[str, RoleHit]) -> None:
    """Parts below the top (a theme's sub-section on the leader's duties, an unnumbered "有待改进的方面" after
    the last theme): a role on firm evidence only, and only when it differs from the part they sit in and is
    not last year's work inside a plan part, unless the plan part's own heading announces it too ("对标找差距，
    明确下步着力点" over "（一）薄弱环节及成因")."""
    genre = scorer.genre
    for c in deeper:
        picked, via = scorer.firm(c)
        planning = c.parent_role is not None and genre.role(c.parent_role).year_relation == "next"
        for role, score in picked:
            # Items of a plan part are named after what they plan ("（二）从严落实主体责任"): not last year's work.
            announced = role.heading_score(c.parent_heading) > 0 or role.cue_count(c.parent_heading) > 0
            if not role.nests or role.id == c.parent_role or (
                    planning and role.year_relation == "previous" and not announced):
                continue
            if c.level > 0 and c.section.role is None:
                c.section.role = role.id
            _mark(hits[role.id], score, via, c)


def _uncertain(candidates: list[Candidate], top: list[Candidate], scorer: _Scorer, hits: dict[str, RoleHit],
               pasted: str = "", pasted_line: int = 1) -> None:
    """Required roles not found: `uncertain` at the best candidate when soft evidence reaches the threshold, or
    when an outermost part carries no role at all (its heading is worded in a way no rule foresees, so it may
    well be the missing part), or in a text re-segmented from one line (`pasted`, its start) that holds the
    role's heading words somewhere; `missing` only when none of these."""
    threshold = scorer.genre.weight("uncertain")
    fallback_ids = {id(c) for c in scorer.fallbacks}
    for role in scorer.genre.sections:
        hit = hits[role.id]
        if hit.found or not role.required or not (candidates or pasted):
            continue
        # Ties go to the narrower candidate: a heading line over the numbered part whose text holds it.
        best = max(candidates, key=lambda c: (scorer.soft(c, role), -len(c.body)), default=None)
        score = scorer.soft(best, role) if best is not None else 0.0
        # Outermost parts no heading evidence placed: no role at all, or one given by the fallback while the
        # body has a word of this role (its heading is worded in a way no rule foresees).
        unowned = [c for c in top if c.level >= 0 and (c.section.role is None or (
            id(c) in fallback_ids and role.distinct_cues(c.body) > 0))]
        if score < threshold and unowned:
            best = max(unowned, key=lambda c: scorer.soft(c, role))
            score = max(score, threshold)
        if score < threshold and pasted and (role.heading_score(pasted) >= scorer.genre.weight("found")
                                             or role.id == scorer.genre.default_role):
            # A text re-segmented from one line may hide a heading the splitting missed: its words are in the
            # text (or it is the default part, whose themes have no fixed words), so the part may well be there.
            # Ask rather than say 缺少.
            score = threshold
        if score >= threshold:
            hit.uncertain, hit.score, hit.via = True, score, "cues"
            if best is not None:
                hit.line, hit.level, hit.label = best.line, best.level, best.label
            else:  # only phrases run into the pasted text: the text itself is the place to look
                hit.line = pasted_line


def _work_before_parts(hits: dict[str, RoleHit], scorer: _Scorer, pasted: str, line: int) -> None:
    """In a text re-segmented from one line, the year's work whose theme headings the splitting missed: between
    the sentence announcing the report ("现将有关情况报告如下。") and the first part placed by its heading, a long
    stretch holding results (counts, 完成, 同比 …) is the default part, once every other required part is placed.
    Deleting that part leaves nothing there."""
    default = scorer.genre.default_role
    if not default or hits[default].found or not all(h.found for h in hits.values() if h.required and h.role != default):
        return  # with another part unplaced, the stretch may well be that part
    announce = _ANNOUNCE_RE.search(pasted)
    if announce is None:
        return
    starts = [pasted.find(norm(h.section.heading), announce.end()) for h in hits.values()
              if h.found and h.role != default and h.section is not None and h.via != "fallback"]
    starts = [i for i in starts if i >= 0]
    if not starts:
        return
    span = pasted[announce.end():min(starts)]
    if len(span) >= _WORK_SPAN and len(_PAST_RE.findall(span)) >= _WORK_RESULTS:
        _mark(hits[default], scorer.genre.weight("found"), "text", line=line)


def _text_paragraphs(doc: OfficialDocument) -> list[Paragraph]:
    paras = list(doc.preamble)
    if doc.closing:
        paras.append(Paragraph(doc.closing, doc.closing_line or 0))
    return paras


def _tail_paragraphs(doc: OfficialDocument) -> list[Paragraph]:
    """The last paragraph of the body (inside the last section, however deep) and the closing."""
    paras: list[Paragraph] = []
    if doc.sections:
        last = doc.sections[-1]
        while last.children:
            last = last.children[-1]
        if last.paragraphs:
            paras.append(last.paragraphs[-1])
        elif last.inline_text:
            paras.append(Paragraph(last.inline_text, last.line))
    if doc.closing:
        paras.append(Paragraph(doc.closing, doc.closing_line or 0))
    return paras


def _classify_text(doc: OfficialDocument, genre: Genre, hits: dict[str, RoleHit]) -> None:
    """A document without numbered sections (short 请示): paragraph by paragraph; one with sections: a 请示
    may put its request in the closing lines rather than under a heading of its own."""
    paragraphs = _tail_paragraphs(doc) if doc.sections else _text_paragraphs(doc)
    for role in genre.sections:
        hit = hits[role.id]
        if hit.found or (doc.sections and not role.tail_patterns):
            continue
        match = role.tail_match if doc.sections else role.text_match
        p = next((p for p in paragraphs if match(norm(p.text))), None)
        if p is not None:
            _mark(hit, 0.6, "text", line=p.line or None)


def classify_sections(doc: OfficialDocument, genre: Genre) -> list[RoleHit]:
    """Per role of the genre in its customary order: found, uncertain or missing, and where. Sets Section.role
    on the sections that carry a role. Several sections may share a role (reports often organise 主要举措 by
    themes); a role may sit at any level."""
    hits = {r.id: RoleHit(r.id, r.name, r.required, source=r.source) for r in genre.ordered_roles()}
    scorer = _Scorer(doc, genre)
    top, deeper = collect(doc)
    _classify_top(top, scorer, hits)
    # The outermost part each section and paragraph sits in: by section first (in a text re-segmented from one
    # line every paragraph is on line 1), by line for the parts made from heading lines and led paragraphs.
    top_of = {id(s): c for c in top for s in c.section.iter()}
    top_of_line = {p.line: c for c in top for s in c.section.iter() for p in s.paragraphs}
    for c in deeper:
        own = top_of.get(id(c.owner) if c.owner is not None else id(c.section))
        near = top_of_line.get(c.line)
        c.parent_role = (own and own.section.role) or (near and near.section.role)
        c.parent_heading = (own and own.heading) or (near and near.heading) or ""
    _classify_deeper(deeper, scorer, hits)
    _classify_text(doc, genre, hits)
    pasted = ""
    if is_resegmented(doc):
        pasted = norm("".join(p.text for p in doc.paragraphs)[:_PASTED_CHARS])
    first = min((p.line for p in doc.paragraphs if p.line), default=1)
    if pasted:
        _work_before_parts(hits, scorer, pasted, first)
    _uncertain([c for c in top + deeper if c.level >= 0], top, scorer, hits, pasted, first)
    return list(hits.values())


def role_sections(doc: OfficialDocument, genre: Genre) -> dict[str, list[Section]]:
    """role id → the sections classified as that role (classifies the document)."""
    return {h.role: list(h.sections) for h in classify_sections(doc, genre)}
