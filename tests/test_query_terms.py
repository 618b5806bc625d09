"""Everyday words in a question are given the regulations' own terms before ranking (kb/query_terms.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.kb.hits import SearchFilters
from assistant.kb.query_terms import load_terms, with_terms
from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import PROJECT_ROOT, Settings

BUNDLED = PROJECT_ROOT / "knowledge" / "regulations"
LABOUR = Path("texts/社会法/中华人民共和国劳动合同法.md")
CIVIL = Path("texts/民法典/中华人民共和国民法典.md")


def test_bundled_table_gives_legal_terms_for_everyday_words():
    table = load_terms(BUNDLED)
    extra = table.expand("入职半年了老板一直拖着不签合同")
    assert "用人单位" in extra and "未订立书面劳动合同" in extra
    # a term the question already holds is not added again, and a question of legal words gets nothing
    assert "用人单位" not in table.expand("用人单位的老板")
    assert with_terms("行政机关应当依法公开政府信息", table).startswith("行政机关应当依法公开政府信息")
    assert with_terms("依法", table) == "依法"


def test_a_defective_table_is_a_clear_message(tmp_path):
    (tmp_path / "everyday_terms.yaml").write_text("terms:\n  - {words: [老板], legal: 用人单位, note: x}\n",
                                                  encoding="utf-8")
    with pytest.raises(ConfigError, match="日常说法对照表有误"):
        load_terms(tmp_path)
    (tmp_path / "everyday_terms.yaml").write_text("terms:\n  - {words: ['/老板(/'], legal: 用人单位}\n",
                                                  encoding="utf-8")
    with pytest.raises(ConfigError, match="日常说法对照表有误"):
        load_terms(tmp_path)


def test_a_knowledge_dir_without_the_table_searches_the_question_as_asked(tmp_path):
    assert load_terms(tmp_path).expand("老板不签合同") == []


@pytest.fixture(scope="module")
def labour_kb(tmp_path_factory):
    regulations = PROJECT_ROOT.parent / "shared" / "corpus" / "regulations"
    if not (regulations / LABOUR).exists():
        pytest.skip(f"needs the regulation texts in {regulations} (../shared)")
    kb = KnowledgeBase.open(Settings(home=tmp_path_factory.mktemp("terms"), embedder="hash"), auto_samples=False)
    assert not kb.index([regulations / LABOUR, regulations / CIVIL, PROJECT_ROOT / "knowledge" / "samples"],
                        kind="auto").failed
    yield kb
    kb.close()


def _articles(kb, query, **kw):
    return [(h.title, h.article) for h in kb.search(query, k=5, mode="bm25", max_per_doc=None, **kw)]


def test_keyword_search_finds_the_article_an_everyday_question_is_about(labour_kb):
    question = "入职半年了老板一直拖着不签合同，我能要什么赔偿"
    gold = ("中华人民共和国劳动合同法", "第八十二条")
    assert gold in _articles(labour_kb, question, filters={"kind": "regulation"})
    saved, labour_kb.searcher.terms = labour_kb.searcher.terms, None
    try:  # without the table the question's everyday words lead BM25 into the civil code
        assert gold not in _articles(labour_kb, question, filters={"kind": "regulation"})
    finally:
        labour_kb.searcher.terms = saved


def test_report_searches_keep_the_question_as_asked(labour_kb):
    query = "单位领导带头履行第一责任人职责"
    # the terms are the regulations' words: a report search is ranked on the words as typed
    assert labour_kb.searcher._with_terms(query, SearchFilters(kind="report")) == query
    assert "用人单位" in labour_kb.searcher._with_terms(query, SearchFilters(kind="regulation"))
    with_table = _articles(labour_kb, query, filters={"kind": "report"})
    saved, labour_kb.searcher.terms = labour_kb.searcher.terms, None
    try:
        assert _articles(labour_kb, query, filters={"kind": "report"}) == with_table
    finally:
        labour_kb.searcher.terms = saved
    assert with_table  # the samples hold such sections
