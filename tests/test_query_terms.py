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


def test_a_set_phrase_with_a_pronoun_or_particle_inside_still_matches():
    table = load_terms(BUNDLED)
    for question in ("超市保安要翻我包", "超市保安非要翻我的包"):
        assert "不得搜查消费者的身体及其携带的物品" in table.expand(question)
    # only pronouns and particles may come between: other words keep the phrase apart
    assert "不得搜查消费者的身体及其携带的物品" not in table.expand("翻新了一下书包")


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


# --- optional: the office's model rewrites the question (ASSISTANT_QUERY_REWRITE=1) -------------------------

QUESTION = "入职半年了老板一直拖着不签合同，我能要什么赔偿"  # as asked, BM25 ranks the civil code's contract articles
GOLD = ("中华人民共和国劳动合同法", "第八十二条")


@pytest.fixture
def rewrite_kb(tmp_path, server):
    regulations = PROJECT_ROOT.parent / "shared" / "corpus" / "regulations"
    if not (regulations / LABOUR).exists():
        pytest.skip(f"needs the regulation texts in {regulations} (../shared)")
    from assistant.services.knowledge import Knowledge

    def open_with(**env):
        settings = Settings(home=tmp_path / "home", embedder="hash", OPENAI_BASE_URL=server.base_url,
                            ASSISTANT_LLM_MODEL="fake-model", ASSISTANT_LLM_MAX_RETRIES=0, **env)
        kb = KnowledgeBase.open(settings, auto_samples=False)
        kb.searcher.terms = None  # the bundled table off: the rewriting's own effect
        return Knowledge(kb)

    opened = []

    def factory(**env):
        opened.append(open_with(**env))
        return opened[-1]

    yield factory
    for k in opened:
        k.close()


def _regulations(knowledge, query):
    return [(h.title, h.article) for h in knowledge.search(query, k=5, kind="regulation", mode="bm25", per_doc=None)]


def test_the_models_terms_find_the_article_and_the_question_is_sent_as_data(rewrite_kb, server):
    from openai_server import Reply

    knowledge = rewrite_kb(ASSISTANT_QUERY_REWRITE="1")
    regulations = PROJECT_ROOT.parent / "shared" / "corpus" / "regulations"
    assert not knowledge.index([regulations / LABOUR, regulations / CIVIL], kind="regulation").failed
    server.enqueue(Reply(text="用人单位 未订立书面劳动合同 二倍工资\n（以上为法规用语）"))
    assert GOLD in _regulations(knowledge, QUESTION)
    sent = server.chat_requests()[-1].text_of("user")
    assert "<问题" in sent and QUESTION in sent  # inside its data tag, with the instruction not to obey it
    assert len(server.chat_requests()) == 1
    _regulations(knowledge, QUESTION)  # the same question again: answered from the cache
    assert len(server.chat_requests()) == 1


def test_without_the_setting_nothing_is_sent_and_the_question_is_ranked_as_asked(rewrite_kb, server):
    knowledge = rewrite_kb()
    regulations = PROJECT_ROOT.parent / "shared" / "corpus" / "regulations"
    assert not knowledge.index([regulations / LABOUR, regulations / CIVIL], kind="regulation").failed
    assert GOLD not in _regulations(knowledge, QUESTION)
    assert server.chat_requests() == []


def test_a_failing_model_leaves_the_search_as_it_was_with_a_warning(rewrite_kb, server):
    from openai_server import Reply

    knowledge = rewrite_kb(ASSISTANT_QUERY_REWRITE="1")
    regulations = PROJECT_ROOT.parent / "shared" / "corpus" / "regulations"
    assert not knowledge.index([regulations / LABOUR, regulations / CIVIL], kind="regulation").failed
    server.enqueue(Reply.error(500, "model crashed", err_type="server_error"))
    as_asked = _regulations(knowledge, QUESTION)
    assert as_asked and GOLD not in as_asked
    assert any("检索改写未用上" in w for w in knowledge.kb.warnings)
