"""No silently ignored rule field: every field a genre file (knowledge/genres/*.yaml) can hold is either acted
on by the checker, used by the genre detector / section classifier, or explicitly descriptive; unknown fields
are load errors (tests/test_genres.py). Each field the checker acts on is exercised here on every shipped
genre: the genre's sample (knowledge/samples, a synthetic report for 政府工作报告) is mutated so the rule must
fire, and the unmutated sample must not trigger it."""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from typing import get_args

import pytest
import yaml

from assistant.documents.reading import read_document, read_text_input
from assistant.documents.structure import parse_official
from assistant.rules.check import CheckReport, check_source, load_format_rules
from assistant.rules.genres import (
    ClosingPhrase,
    ForbiddenPhrase,
    FormatElement,
    Genre,
    NotesRequirement,
    Role,
    SubRequirement,
    load_genres,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "knowledge" / "samples"
GENRES = load_genres(ROOT / "knowledge" / "genres")
RULES = {r.id: r for r in load_format_rules(ROOT / "knowledge" / "format_rules.yaml")}

_spec = importlib.util.spec_from_file_location("check_eval", ROOT / "benchmarks" / "check_eval.py")
check_eval = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_eval", check_eval)  # dataclasses look their module up while it loads
_spec.loader.exec_module(check_eval)  # type: ignore[union-attr]

# model → {how the field is used: fields}. A new schema field fails test_every_schema_field_is_accounted_for
# until it is placed here — and a "checker" field needs a mutation test below.
FIELDS: dict[type, dict[str, set[str]]] = {
    Genre: {
        "checker": {"sections", "closing", "forbidden_phrases", "notes_requirements", "needs_recipients",
                    "needs_signer", "required_format_elements", "official", "official_genre", "title_year"},
        "classifier": {"title_patterns", "detect_keywords", "default_role", "future_role", "also_known_as",
                       "recognition"},
        # direction: shown in signer.missing and validated against needs_signer at load time
        "descriptive": {"id", "name", "direction"},
    },
    Role: {
        "checker": {"required", "year_relation", "sub_requirements", "source"},
        "classifier": {"aliases", "body_aliases", "text_patterns", "tail_patterns", "heading_only", "combinable",
                       "order", "body_cues", "nests"},
        # keywords: retrieval query expansion; guidance: drafting; practice: load-time check (source or practice)
        "descriptive": {"id", "name", "keywords", "guidance", "practice"},
    },
    ClosingPhrase: {"checker": {"text", "pattern", "severity", "source", "message", "required",
                                "when_title_ends_with"}},
    ForbiddenPhrase: {"checker": {"text", "pattern", "severity", "source", "message", "category"}},
    NotesRequirement: {"checker": {"name", "patterns", "severity", "source", "example"}, "descriptive": {"id"}},
    SubRequirement: {"checker": {"name", "aliases", "severity", "source"}, "descriptive": {"id"}},
}

# Rules a mutation must trigger; an unmutated sample triggers none of them.
WATCHED = {"section.missing", "closing.customary", "notes.content", "wording.forbidden", "report.request_wording",
           "format.element_missing", "recipients.missing", "signer.missing", "year.consistency",
           "section.sub_requirement", "title.missing", "title.pattern"}

GOV_WORK_REPORT = """2025年示例市人民政府工作报告

各位代表：

现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。

一、2024年工作回顾

过去一年，全市地区生产总值增长5.2%，城镇新增就业3.1万人，一般公共预算收入完成年度目标。

二、2025年主要工作任务

今年要着力扩大有效需求，加快发展现代化产业体系，持续改善民生。

三、加强政府自身建设

坚持依法行政，自觉接受人大依法监督和政协民主监督。
"""


@cache
def sample_text(gid: str) -> str:
    if gid == "gov_work_report":
        return GOV_WORK_REPORT
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))["samples"]
    name = GENRES[gid].name
    item = next(i for i in manifest if i["genre"] == name)
    return read_document(SAMPLES / item["file"]).text


def check(text: str, gid: str) -> CheckReport:
    return check_source(read_text_input(text), genre=gid, with_citations=False)


def fired(report: CheckReport, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def parsed(text: str, gid: str):
    doc = parse_official(read_text_input(text))
    from assistant.rules.genres import classify_sections

    hits = {h.role: h for h in classify_sections(doc, GENRES[gid])}
    return doc, hits


def drop_lines(text: str, numbers: set[int]) -> str:
    return "\n".join(t for n, t in enumerate(lines_of(text), 1) if n not in numbers)


def replace_line(text: str, number: int, new: str) -> str:
    lines = lines_of(text)
    lines[number - 1] = new
    return "\n".join(lines)


IDS = sorted(GENRES)


def test_every_schema_field_is_accounted_for():
    for model, groups in FIELDS.items():
        listed = [f for names in groups.values() for f in names]
        assert len(listed) == len(set(listed)), f"{model.__name__}: a field is listed twice"
        assert set(model.model_fields) == set(listed), (
            f"{model.__name__}: unaccounted {sorted(set(model.model_fields) - set(listed))}, "
            f"stale {sorted(set(listed) - set(model.model_fields))}")


def test_every_format_element_a_genre_may_require_is_checked_or_explained():
    params = RULES["format.element_missing"].params
    known = set(params.elements) | set(params.elsewhere)
    assert set(get_args(FormatElement)) == known
    assert not set(params.elements) & set(params.elsewhere)
    for spec in params.elements.values():
        assert spec.severity in ("error", "warning", "info") and spec.field


@pytest.mark.parametrize("gid", IDS)
def test_unmutated_sample_is_clean(gid):
    report = check(sample_text(gid), gid)
    assert report.genre["id"] == gid
    assert not report.has_errors, [f.message for f in report.findings if f.severity == "error"]
    noisy = [f"{f.rule}: {f.message}" for f in report.findings if f.rule in WATCHED]
    assert not noisy


@pytest.mark.parametrize("gid", IDS)
def test_each_required_role_removed_is_reported_missing(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc, hits = parsed(text, gid)
    spans = check_eval.section_spans(doc, len(lines_of(text)))
    for role in genre.sections:
        hit = hits[role.id]
        if not hit.found:
            assert not role.required, f"{gid}: the sample lacks required role {role.id}"
            continue
        drop = {n for start, end in spans.get(role.id, []) for n in range(start, end)}
        if hit.via == "text":
            drop.add(hit.line)  # found in running text (a 请示's request sentence)
        report = check(drop_lines(text, drop), gid)
        missing = {m.role for m in report.missing}
        if role.required:
            # Reported either way: `missing` (an error) or `uncertain` (a warning at the closest candidate).
            assert missing == {role.id}, f"{gid}: removed {role.id}, missing {missing}"
            [status] = report.missing
            [f] = fired(report, "section.missing" if status.status == "missing" else "section.uncertain")
            assert f.source == role.source and role.name in f.message
            assert f.severity == ("error" if status.status == "missing" else "warning")
            assert (f.line is None) == (status.status == "missing")
        else:
            assert not missing and not fired(report, "section.missing")


def _without_closing(text: str, genre: Genre) -> str:
    keep = []
    for line in lines_of(text):
        if any(c.search(line) for c in genre.closing) or re.fullmatch(r"\s*特此报告。?\s*", line):
            continue
        keep.append(line)
    return "\n".join(keep)


@pytest.mark.parametrize("gid", IDS)
def test_required_closing_is_enforced_as_the_genre_says(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    report = check(_without_closing(text, genre), gid)
    title = re.sub(r"\s", "", parse_official(read_text_input(text)).title or "")
    required = [c for c in genre.closing if c.required
                and (not c.when_title_ends_with or title.endswith(tuple(c.when_title_ends_with)))]
    found = fired(report, "closing.customary")
    if not required:
        assert not found, f"{gid}: no required closing, yet {[f.message for f in found]}"
        return
    [f] = found
    order = ["error", "warning", "info"]
    assert f.severity == min((c.severity for c in required), key=order.index)
    assert required[0].text.rstrip("。") in f.message and f.source in {c.source for c in required}
    # Each accepted alternative satisfies the requirement.
    for c in genre.closing:
        fixed = check(_without_closing(text, genre).replace(_last_body_line(text, genre), _last_body_line(
            text, genre) + "\n\n" + c.text), gid)
        assert not fired(fixed, "closing.customary"), f"{gid}: “{c.text}” not accepted"


def _last_body_line(text: str, genre: Genre) -> str:
    doc = parse_official(read_text_input(_without_closing(text, genre)))
    last = doc.sections[-1]
    while last.children:
        last = last.children[-1]
    return last.paragraphs[-1].text if last.paragraphs else f"{last.number}{last.heading}"


def test_title_condition_of_a_closing():
    """年度工作总结: 特此报告 is required when the summary is sent up as a 报告, not when titled 总结."""
    genre = GENRES["annual_work_summary"]
    assert any(c.when_title_ends_with for c in genre.closing)
    text = _without_closing(sample_text("annual_work_summary"), genre)
    doc = parse_official(read_text_input(text))
    assert doc.title.endswith("报告")
    assert fired(check(text, "annual_work_summary"), "closing.customary")
    as_summary = replace_line(text, doc.title_line, "示例县发展和改革局2023年工作总结")
    assert not fired(check(as_summary, "annual_work_summary"), "closing.customary")


@pytest.mark.parametrize("gid", IDS)
def test_notes_requirements_are_enforced(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc = parse_official(read_text_input(text))
    if doc.notes_line:
        plain = replace_line(text, doc.notes_line, "（此件主动公开）")
    else:
        plain = text.replace(doc.date, f"{doc.date}\n\n（此件主动公开）", 1) if doc.date else text
    report = check(plain, gid)
    found = fired(report, "notes.content")
    assert len(found) == len(genre.notes_requirements), f"{gid}: {[f.message for f in found]}"
    for req, f in zip(genre.notes_requirements, found, strict=True):
        assert f.severity == req.severity and f.source == req.source and req.name in f.message
        assert not req.example or req.example in f.fix
    # No 附注 at all is reported the same way, at the 成文日期.
    if doc.notes_line and genre.notes_requirements:
        bare = check(drop_lines(text, {doc.notes_line}), gid)
        assert len(fired(bare, "notes.content")) == len(genre.notes_requirements)
        assert not fired(bare, "format.element_missing")  # 附注 deferred to notes.content, not reported twice
    for req in genre.notes_requirements:
        if req.example:
            assert not fired(check(replace_line(plain, doc.notes_line, req.example), gid), "notes.content")


def _first_body_paragraph(text: str) -> int:
    doc = parse_official(read_text_input(text))
    for s in doc.iter_sections():
        if s.paragraphs:
            return s.paragraphs[0].line
    return doc.preamble[-1].line


@pytest.mark.parametrize("gid", IDS)
def test_forbidden_phrases_fire_with_their_severity(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    line = _first_body_paragraph(text)
    original = lines_of(text)[line - 1]
    for phrase in genre.forbidden_phrases:
        report = check(replace_line(text, line, original + phrase.text + "。"), gid)
        hits = [f for f in report.findings if f.line == line
                and f.rule in ("wording.forbidden", "report.request_wording")]
        assert hits, f"{gid}: “{phrase.text}” not flagged"
        assert hits[0].severity == phrase.severity, f"{gid}: “{phrase.text}” {hits[0].severity}"


@pytest.mark.parametrize("gid", IDS)
def test_sub_requirements_fire_when_their_content_is_removed(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc, _hits = parsed(text, gid)
    spans = check_eval.section_spans(doc, len(lines_of(text)))
    for role in genre.sections:
        for sub in role.sub_requirements:
            assert role.id in spans, f"{gid}: the sample has no {role.id} section to test {sub.id} on"
            lines = lines_of(text)
            for start, end in spans[role.id]:
                for n in range(start + 1, end):  # the body, not the heading
                    for alias in sub.aliases:
                        lines[n - 1] = re.sub(alias, "", lines[n - 1])
            report = check("\n".join(lines), gid)
            [f] = fired(report, "section.sub_requirement")
            assert f.severity == sub.severity and sub.name in f.message
            assert f.source == (sub.source or role.source)


@pytest.mark.parametrize("gid", IDS)
def test_year_relation_of_each_role_is_checked(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc, hits = parsed(text, gid)
    if all(r.year_relation == "none" for r in genre.sections):
        return
    offsets = dict(RULES["year.consistency"].params.offsets)
    if genre.title_year == "coming":  # the title names the coming year: the reviewed year is one less
        offsets = {k: v - 1 for k, v in offsets.items()}
    years = set(re.findall(r"((?:19|20)\d{2})年", re.sub(r"\s", "", doc.title or "")))
    assert len(years) == 1, f"{gid}: the sample title should carry one year"
    title_year = int(years.pop())
    tested = 0
    for role in genre.sections:
        if role.year_relation == "none" or not hits[role.id].sections:
            continue
        section = hits[role.id].sections[0]
        expected = title_year + offsets[role.year_relation]
        bare = re.sub(r"(19|20)\d{2}\s*年度?", "", section.heading)
        for year, should_fire in ((expected + 3, True), (expected, False)):
            mutated = replace_line(text, section.line, f"{section.number}{year}年{bare}")
            report = check(mutated, gid)
            assert {m.role for m in report.missing} == set(), f"{gid}: the mutation changed the roles"
            found = [f for f in fired(report, "year.consistency") if f.line == section.line]
            assert bool(found) == should_fire, f"{gid}/{role.id}: {year} → {[f.message for f in found]}"
        tested += 1
    if any(r.year_relation != "none" and hits[r.id].sections for r in genre.sections):
        assert tested


@pytest.mark.parametrize("gid", IDS)
def test_recipients_and_signer_flags(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc = parse_official(read_text_input(text))
    if doc.recipients_line:
        report = check(drop_lines(text, {doc.recipients_line}), gid)
        assert bool(fired(report, "recipients.missing")) == genre.needs_recipients
    if doc.doc_number:
        signer = next(n for n, t in enumerate(lines_of(text), 1) if t.strip().startswith("签发人"))
        report = check(drop_lines(text, {signer}), gid)
        found = fired(report, "signer.missing")
        assert bool(found) == genre.needs_signer
        assert all(genre.direction in f.message for f in found)


_ELEMENT_LINES = {"doc_number": "doc_number_line", "date": "date_line", "notes": "notes_line", "cc_raw": "cc_line",
                  "print_line": "print_line_no"}


@pytest.mark.parametrize("gid", IDS)
def test_required_format_elements_are_checked(gid):
    genre = GENRES[gid]
    params = RULES["format.element_missing"].params
    text = sample_text(gid)
    doc = parse_official(read_text_input(text))
    lines = lines_of(text)
    for element in genre.required_format_elements:
        spec = params.elements.get(element)
        if spec is None or spec.field in ("body", "attachments"):
            continue  # reported elsewhere (see the rule), or not removable from a whole sample
        field = spec.field
        if field in _ELEMENT_LINES:
            drop = {getattr(doc, _ELEMENT_LINES[field])}
        else:  # issuer_mark, issuer: the line holding the value
            value = getattr(doc, field)
            drop = {n for n, t in enumerate(lines, 1) if t.strip() == value}
        assert drop and None not in drop, f"{gid}: sample has no {element}"
        report = check(drop_lines(text, drop), gid)
        found = [f for f in fired(report, "format.element_missing") if element in f.message]
        deferred = params.deferred.get(element)
        if deferred and getattr(genre, deferred):
            assert not found
        else:
            assert found and found[0].severity == spec.severity, f"{gid}: {element}"
    if "标题" in genre.required_format_elements and doc.title_line:
        assert fired(check(drop_lines(text, {doc.title_line}), gid), "title.missing")


@pytest.mark.parametrize("gid", IDS)
def test_official_and_official_genre(gid):
    genre = GENRES[gid]
    text = sample_text(gid)
    doc = parse_official(read_text_input(text))
    # official: a 公文 title must read 发文机关＋关于＋事由＋的＋文种; a 事务文书 title has no fixed pattern.
    if doc.title and "关于" in doc.title:
        report = check(replace_line(text, doc.title_line, doc.title.replace("关于", "")), gid)
        exempt = gid in RULES["title.pattern"].params.exempt_genres
        assert bool(fired(report, "title.pattern")) == (genre.official and not exempt), gid
    # official_genre: without a title the 文种 comes from the genre file; only a 报告 may not ask for approval.
    body_line = _first_body_paragraph(text)
    asking = replace_line(text, body_line, lines_of(text)[body_line - 1] + "妥否，请批示。")
    if doc.title_line:
        asking = replace_line(asking, doc.title_line, "")
    report = check(asking, gid)
    assert bool(fired(report, "report.request_wording")) == (genre.official_genre == "报告"), gid


# ---------------------------------------------------------------------------------------------------------
# Fields that would have nothing to act on are load errors, not silently ignored keys
# ---------------------------------------------------------------------------------------------------------


def _request_data() -> dict:
    return yaml.safe_load((ROOT / "knowledge" / "genres" / "request.yaml").read_text(encoding="utf-8"))


def _mutations() -> dict[str, tuple]:
    def sub_required(d):  # an optional sub-requirement has no meaning: its severity says how much it matters
        d["sections"][0]["sub_requirements"] = [{"id": "x", "name": "原因", "aliases": ["原因"], "required": False}]

    def forbidden_required(d):
        d["forbidden_phrases"][0]["required"] = True

    def closing_category(d):
        d["closing"][0]["category"] = "request_wording"

    def dead_pattern(d):  # a regex that cannot match its own example text would never fire
        d["forbidden_phrases"][0]["pattern"] = "以上汇报"

    def unknown_element(d):
        d["required_format_elements"].append("红头")

    def recipients_mismatch(d):
        d["needs_recipients"] = False

    def signer_direction(d):
        d["direction"] = "下行文"

    def bad_example(d):
        d["notes_requirements"][0]["example"] = "（此件主动公开）"

    return {"sub_required": (sub_required, "required"), "forbidden_required": (forbidden_required, "required"),
            "closing_category": (closing_category, "category"), "dead_pattern": (dead_pattern, "以上汇报"),
            "unknown_element": (unknown_element, "required_format_elements"),
            "recipients_mismatch": (recipients_mismatch, "主送机关"), "signer_direction": (signer_direction, "上行文"),
            "bad_example": (bad_example, "此件主动公开")}


@pytest.mark.parametrize("case", sorted(_mutations()))
def test_meaningless_rule_fields_are_load_errors(tmp_path, case):
    from assistant.rules.genres import GenreRuleError

    mutate, words = _mutations()[case]
    data = _request_data()
    mutate(data)
    d = tmp_path / case
    d.mkdir()
    (d / "request.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GenreRuleError) as err:
        load_genres(d)
    assert "request.yaml" in str(err.value) and words in str(err.value)
    # The unmutated file loads from the same kind of directory.
    ok = tmp_path / f"{case}_ok"
    ok.mkdir()
    (ok / "request.yaml").write_text(yaml.safe_dump(_request_data(), allow_unicode=True), encoding="utf-8")
    assert list(load_genres(ok)) == ["request"]
