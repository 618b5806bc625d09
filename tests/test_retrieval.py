"""Retrieval: article references, BM25 tokenisation, hybrid fusion, filters, diversity, exemplars, CLI shape."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.kb.keyword import Tokenizer
from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import PROJECT_ROOT, Settings

SAMPLES = PROJECT_ROOT / "knowledge" / "samples"
LAWS = [
    "texts/社会法/中华人民共和国安全生产法.md",
    "texts/行政法规/中华人民共和国政府信息公开条例.md",
    "texts/宪法相关法/中华人民共和国立法法.md",
    "texts/宪法相关法/中华人民共和国立法法(2015-03-15).md",
    "texts/经济法/中华人民共和国统计法.md",
    "texts/行政法规/中华人民共和国统计法实施条例.md",
]


@pytest.fixture(scope="module")
def law_kb(tmp_path_factory):
    from conftest import REGULATIONS

    if not REGULATIONS.exists():
        pytest.skip(f"needs {REGULATIONS} (the shared corpus beside the project root)")
    tmp = tmp_path_factory.mktemp("lawkb")
    folder = tmp / "laws"
    folder.mkdir()
    for rel in LAWS:
        shutil.copy(REGULATIONS / rel, folder / Path(rel).name)
    kb = KnowledgeBase.open(Settings(home=tmp / "home", embedder="hash"), auto_samples=False)
    report = kb.index([folder, SAMPLES])
    assert not report.failed
    kb.embed_pending()
    yield kb
    kb.close()


def test_tokenizer_keeps_article_numbers_and_titles_whole():
    tok = Tokenizer(["中华人民共和国统计法实施条例", "统计法实施条例"])
    assert "第104条" in tok.tokenize("依照刑法第一百零四条的规定")
    assert "第25条" in tok.tokenize("安全生产法第25条")
    assert "第10条之1" in tok.tokenize("第十条之一")
    tokens = tok.tokenize("根据统计法实施条例的规定")
    assert "统计法实施条例" in tokens
    assert "的" not in tokens  # stopwords dropped


@pytest.mark.parametrize("query", [
    "安全生产法 第二十五条",
    "《安全生产法》第二十五条",
    "安全生产法第25条",
    "《中华人民共和国安全生产法》第二十五条规定了什么",
    "第二十五条 安全生产法",
])
def test_explicit_article_reference_goes_straight_to_the_article(law_kb, query):
    hits = law_kb.search(query, k=5, filters={"kind": "regulation"})
    assert hits[0].title == "中华人民共和国安全生产法"
    assert hits[0].article == "第二十五条"
    assert hits[0].match == "article" and hits[0].score == 1.0


def test_article_reference_prefers_the_current_version(law_kb):
    hit = law_kb.search("立法法第八十条", k=1)[0]
    assert hit.title == "中华人民共和国立法法" and hit.article == "第八十条"
    assert "(2015-03-15)" not in hit.source
    assert law_kb.article("立法法", 80).source == hit.source
    assert law_kb.article("统计法实施条例", 1).title == "中华人民共和国统计法实施条例"
    assert law_kb.article("中华人民共和国安全生产法", 999) is None


def test_scores_in_unit_interval_and_filters(law_kb):
    for mode in ("hybrid", "dense", "bm25"):
        hits = law_kb.search("政府信息公开的期限", k=8, mode=mode)
        assert hits
        assert all(0.0 <= h.score <= 1.0 for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    reports = law_kb.search("依法行政", k=10, filters={"kind": "report"})
    assert reports and all(h.kind == "report" for h in reports)
    recent = law_kb.search("依法行政", k=10, filters={"kind": "report", "year_min": 2024})
    assert recent and all(h.year >= 2024 for h in recent)
    old = law_kb.search("立法", k=10, filters={"kind": "regulation", "year_max": 2016})
    assert old and all(h.year <= 2016 for h in old)


def test_at_most_two_chunks_per_document_by_default(law_kb):
    hits = law_kb.search("安全生产 生产经营单位", k=10, filters={"kind": "regulation"})
    per_doc: dict[str, int] = {}
    for h in hits:
        per_doc[h.doc_id] = per_doc.get(h.doc_id, 0) + 1
    assert max(per_doc.values()) <= 2
    free = law_kb.search("安全生产 生产经营单位", k=10, filters={"kind": "regulation"}, max_per_doc=None)
    assert max(sum(1 for h in free if h.doc_id == d) for d in {h.doc_id for h in free}) > 2


def test_keyword_index_is_rebuilt_when_missing_or_stale(law_kb):
    before = [h.chunk_id for h in law_kb.search("统计调查", k=5, mode="bm25")]
    shutil.rmtree(law_kb.settings.store_dir / "bm25")
    fresh = KnowledgeBase(law_kb.settings)
    assert [h.chunk_id for h in fresh.search("统计调查", k=5, mode="bm25")] == before
    assert (law_kb.settings.store_dir / "bm25" / "meta.json").exists()
    fresh.close()


def test_shortcomings_query_finds_a_shortcomings_section(law_kb):
    hits = law_kb.search("存在的不足和原因", k=5, filters={"kind": "report"})
    assert hits[0].role == "shortcomings"
    assert "不足" in hits[0].heading_path


def test_exemplars_are_whole_sections_of_that_role(law_kb):
    ex = law_kb.exemplars("法治政府建设年度报告", "shortcomings", k=3)
    assert len(ex) >= 2
    assert all(e.role == "shortcomings" and e.genre == "法治政府建设年度报告" for e in ex)
    assert len({e.doc_id for e in ex}) == len(ex)  # one per report
    assert all("不足" in e.heading for e in ex)
    assert ex == sorted(ex, key=lambda e: -(e.year or 0))
    assert law_kb.exemplars("法治政府建设年度报告", "no-such-role") == []


def test_cli_search_json_shape(tmp_path):
    env = {"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_EMBEDDER": "hash", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "assistant", "index", "--samples", "--json"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = subprocess.run([sys.executable, "-m", "assistant", "search", "存在的不足和原因", "--kind", "report",
                          "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert results
    keys = {"text", "score", "kind", "title", "role", "heading_path", "article", "year", "source"}
    assert keys <= set(results[0])
    assert results[0]["role"] == "shortcomings"
    stats = json.loads(subprocess.run([sys.executable, "-m", "assistant", "stats", "--json"], env=env,
                                      capture_output=True, text=True, timeout=120).stdout)
    assert stats["chunks"] == stats["embedded"] > 0
    bad = subprocess.run([sys.executable, "-m", "assistant", "search", "  ", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "错误" in bad.stderr and "Traceback" not in bad.stderr
    gone = subprocess.run([sys.executable, "-m", "assistant", "remove", "不存在的文档"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert gone.returncode == 2 and "没有该文档" in gone.stderr


def test_issuer_genre_and_role_filters_in_every_mode(law_kb):
    """The issue lists issuer among the filters; it must hold for BM25, dense and hybrid alike."""
    issuer = "示例区望川街道办事处"
    for mode in ("hybrid", "dense", "bm25"):
        hits = law_kb.search("依法行政 执法", k=10, filters={"issuer": issuer}, mode=mode, max_per_doc=None)
        assert hits, mode
        assert all(h.issuer == issuer and h.kind == "report" for h in hits), mode
        by_role = law_kb.search("工作", k=10, mode=mode, max_per_doc=None,
                                filters={"genre": "法治政府建设年度报告", "role": "next_year"})
        assert by_role, mode
        assert all(h.genre == "法治政府建设年度报告" and h.role == "next_year" for h in by_role), mode
    assert not law_kb.search("依法行政", k=5, filters={"issuer": "不存在的机关"}, mode="bm25")


@pytest.mark.parametrize("filters", [{"kind": "regulation"}, {"kind": "report"},
                                     {"kind": "report", "role": "shortcomings"}, {"year_min": 2024}])
def test_post_filtered_dense_search_equals_chroma_filtered_search(law_kb, monkeypatch, filters):
    """Broad filters are applied after an unfiltered vector query (Chroma's filtered scan is slow); the hits
    must be those Chroma's own filtered query returns. The unfiltered query is approximate (HNSW), and with the
    hash embedder's random-like vectors it can miss a neighbour near the tail of a long candidate list that the
    filtered query (an exact scan of the few allowed vectors) finds, so order and the first 15 must agree and
    at most one of the 20 may differ."""
    import assistant.kb.vectors as vectors
    from assistant.kb.retrieval import SearchFilters
    from assistant.kb.store import chroma_where

    f = SearchFilters.coerce(filters)
    vec = law_kb.embedder.embed_query("存在的不足和原因以及安全生产责任")
    where = chroma_where(f.kind, f.genre, f.role, f.issuer, f.year_min, f.year_max)
    expected = list(dict.fromkeys(vectors.parent_id(cid) for cid, _ in law_kb.vectors.query(vec, 60, where)))
    monkeypatch.setattr(vectors, "POST_FILTER_MIN_SHARE", 0.0)  # always post-filter
    hits = law_kb._vectors.query(vec, 20, f, law_kb.keyword_index())
    post = [cid for cid, _ in hits]
    assert len(post) == len(expected[:20]) and post[:15] == expected[:15]
    assert len(set(post) - set(expected[:20])) <= 1
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert all(law_kb.keyword_index().passes(post, f.keyword()))
