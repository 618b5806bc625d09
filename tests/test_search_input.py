"""Bad search input gets a clear Chinese message (AssistantError), never a traceback; routing of quotes."""

from __future__ import annotations

import pytest

from assistant.errors import AssistantError
from assistant.kb.fusion import FusionParams, fragments, fuse
from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import PROJECT_ROOT, Settings


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    kb = KnowledgeBase.open(Settings(home=tmp_path_factory.mktemp("input"), embedder="hash"), auto_samples=False)
    assert not kb.index([PROJECT_ROOT / "knowledge" / "samples"]).failed
    kb.embed_pending()
    yield kb
    kb.close()


@pytest.mark.parametrize(("query", "filters", "message"), [
    ("", None, "检索内容为空"),
    ("   \n ", None, "检索内容为空"),
    ("。，、！？……——", None, "只有标点"),
    ("依法行政", {"kind": "law"}, "未知的类别：law"),
    ("依法行政", {"role": "不存在的角色"}, "未知的章节角色：不存在的角色"),
    ("依法行政", {"colour": "red"}, "未知的检索条件：colour"),
])
def test_bad_input_is_a_clear_message(kb, query, filters, message):
    for mode in ("hybrid", "bm25", "dense"):
        with pytest.raises(AssistantError, match=message):
            kb.search(query, filters=filters, mode=mode)


def test_known_role_filter_is_accepted(kb):
    hits = kb.search("存在的不足", k=3, filters={"role": "shortcomings"}, mode="bm25")
    assert hits and all(h.role == "shortcomings" for h in hits)


def test_ten_thousand_character_query_answers(kb):
    hits = kb.search("依法行政，推进法治政府建设。" * 715, k=3)
    assert hits and len(hits) <= 3


def test_query_fragments_are_the_long_space_separated_pieces():
    assert fragments("聘请法律顾问及公职律师 重大行政决策 审核论证") == ["聘请法律顾问及公职律师"]
    assert fragments("短句 也短") == []


def test_verbatim_fragment_brings_its_chunk_first(kb):
    """A sentence piece copied from a sample, among other samples on the same topic, comes back first."""
    chunk = next(c for d in kb.docstore.documents("report") for c in kb.docstore.chunks_of(d.doc_id)
                 if len(c.text) > 80)
    quote = chunk.text.replace("\n", "")[20:44]
    for mode in ("hybrid", "bm25"):
        hits = kb.search(f"{quote} 工作", k=3, mode=mode, max_per_doc=None)
        assert hits[0].chunk_id == chunk.chunk_id and hits[0].match == "verbatim", mode


def test_dense_led_fusion_never_lets_bm25_outvote_dense_without_evidence():
    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    bm25 = [("c", 9.0), ("x", 8.0)]
    assert [c for c, _ in fuse(dense, bm25, coverage=0.3)] == ["a", "b", "c"]  # little evidence: dense order
    strong = [c for c, _ in fuse(dense, bm25, coverage=1.0, params=FusionParams(vote=2.0))]
    assert strong[0] == "c" and "x" not in strong  # BM25 votes only for chunks dense also found
    assert [c for c, _ in fuse(dense, bm25, 0.3, unembedded={"x"})][-1] == "x"  # no vector yet: BM25 ranks it
    assert [c for c, _ in fuse(dense, bm25, 1.0, FusionParams(method="rrf"))][0] == "c"
