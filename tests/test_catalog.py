"""Regulation catalog: generation is reproducible, every corpus title and short title resolves to itself, curated
facts (repeals, party regulations) are in, bad curated data is refused with a Chinese message."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assistant.citations.catalog import (
    Catalog,
    CatalogEntry,
    load_catalog,
    normalize_title,
    parse_date,
)
from assistant.citations.catalog_build import build_catalog, write_catalog
from assistant.citations.messages import citation_rules
from assistant.citations.resolver import check_citations
from assistant.citations.slips import SlipMatcher
from assistant.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
REG_DIR = ROOT / "knowledge" / "regulations"
COMMITTED = REG_DIR / "catalog.jsonl"
CURATED = REG_DIR / "curated.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(path=COMMITTED)


def _rows(regulations_dir: Path) -> list[dict]:
    return [json.loads(x) for x in (regulations_dir / "catalog.jsonl").read_text(encoding="utf-8").splitlines() if x]


def test_generated_catalog_is_reproducible(regulations_dir, tmp_path):
    out = tmp_path / "catalog.jsonl"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_catalog.py"), "--source", str(regulations_dir),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == COMMITTED.read_bytes(), "catalog.jsonl is stale: run python scripts/build_catalog.py"


def test_build_script_reports_a_missing_source_in_chinese(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_catalog.py"), "--source", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "x.jsonl")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "找不到法规库目录文件" in proc.stderr and "Traceback" not in proc.stderr


def test_catalog_is_metadata_only_and_small():
    text = COMMITTED.read_text(encoding="utf-8")
    assert len(text.encode()) < 1_000_000
    # No article text: an article body would carry sentences like "第一条 为了…".
    assert "第一条" not in text and "制定本法" not in text
    for line in text.splitlines():
        e = json.loads(line)
        assert e["title"] and e["kind"] and e["status"] in ("现行有效", "已修改", "已废止")


def test_every_corpus_title_and_short_title_resolves_to_itself(regulations_dir, catalog):
    rows = _rows(regulations_dir)
    assert len(rows) >= 290
    for row in rows:
        hit = catalog.lookup(row["title"])
        assert hit is not None and hit.entry.title == row["title"] and hit.match == "exact", row["title"]
        for short in row["short_titles"]:
            hit = catalog.lookup(short)
            assert hit is not None and hit.entry.title == row["title"], (short, row["title"])
    # Same through extraction (nested 《》 in 司法解释 titles) and at today's date.
    text = "\n".join(f"依据《{r['title']}》。" for r in rows) + "\n" + "\n".join(
        f"依据《{s}》。" for r in rows for s in r["short_titles"])
    cites = check_citations(text, None, catalog=catalog, use_store=False)
    expected = [r["title"] for r in rows] + [r["title"] for r in rows for _ in r["short_titles"]]
    assert [c.resolved_title for c in cites] == expected


def test_several_versions_share_one_entry_and_the_current_one_wins(regulations_dir, catalog):
    rows = [r for r in _rows(regulations_dir) if r["title"] == "中华人民共和国行政复议法"]
    assert len(rows) == 2
    e = catalog.get("中华人民共和国行政复议法")
    assert e.status == "现行有效" and e.publish_date == "2023-09-01" and e.articles == 90
    assert [v["status"] for v in e.versions] == ["已修改", "现行有效"]
    hit = check_citations("《中华人民共和国行政复议法》", "2024年3月1日", catalog=catalog, use_store=False)[0]
    assert hit.status == "现行有效" and hit.in_force is True


def test_repealed_by_the_civil_code(catalog):
    for name in ("婚姻法", "继承法", "民法通则", "收养法", "担保法", "合同法", "物权法", "侵权责任法", "民法总则"):
        e = catalog.get(f"中华人民共和国{name}")
        assert e is not None, name
        assert e.status == "已废止" and e.replaced_by == "中华人民共和国民法典" and e.repealed_date == "2021-01-01"
        assert catalog.lookup(name).entry is e
    contract = catalog.get("中华人民共和国合同法")
    assert contract.status_at(date(2024, 3, 1)) == ("已废止", False)
    assert contract.status_at(date(2019, 6, 1)) == ("现行有效", True)
    assert catalog.get("中华人民共和国民法典").status_at(date(2019, 6, 1)) == ("尚未施行", False)


def test_curated_and_corpus_repeals(catalog):
    assert catalog.get("信访条例").replaced_by == "信访工作条例"
    assert catalog.get("信访条例").status_at(date(2021, 1, 1)) == ("现行有效", True)
    assert catalog.get("信访条例").status_at(date(2023, 1, 1)) == ("已废止", False)
    # Derived mechanically from the corpus: a later text names it as repealed.
    noise = catalog.get("中华人民共和国环境噪声污染防治法")
    assert noise.replaced_by == "中华人民共和国噪声污染防治法" and noise.repealed_date
    party = catalog.get("中国共产党宣传工作条例")
    assert party.kind == "party_regulation" and party.abbreviations == ["宣传工作条例"]
    assert catalog.lookup("宣传工作条例").match == "abbreviation"
    for title in ("党政机关公文处理工作条例", "法治政府建设与责任落实督察工作规定", "法治政府建设实施纲要（2021—2025年）",
                  "党政主要负责人履行推进法治建设第一责任人职责规定", "法治社会建设实施纲要（2020—2025年）"):
        assert catalog.get(title) is not None, title


def test_normalize_title_unifies_prefix_widths_dashes_brackets():
    assert normalize_title("中华人民共和国安全生产法") == normalize_title("安全生产法")
    assert normalize_title("法治政府建设实施纲要（2021—2025年）") == normalize_title("法治政府建设实施纲要(2021-2025)")
    assert normalize_title("最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释") == \
        normalize_title("最高人民法院关于适用《行政诉讼法》的解释")
    assert normalize_title("安全 生产法") == normalize_title("安全生产法")


def test_slips_accept_words_left_out_but_not_a_different_river():
    cat = Catalog([
        CatalogEntry(title="中华人民共和国长江保护法", kind="law", short_titles=["长江保护法"]),
        CatalogEntry(title="中华人民共和国政府信息公开条例", kind="administrative_regulation",
                     short_titles=["政府信息公开条例"]),
    ])
    slips = SlipMatcher(cat, citation_rules().matching)
    assert slips.candidates("黄河保护法") == []
    assert slips.candidates("中华人民共和国黄河保护法") == []
    [hit] = slips.candidates("中华人民共和国信息公开条例")
    assert hit.entry.title == "中华人民共和国政府信息公开条例" and hit.reason == "少字"


def test_curated_errors_are_clear(tmp_path):
    bad = tmp_path / "curated.yaml"
    bad.write_text("entries:\n  - title: 某条例\n    kind: statute\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kind"):
        build_catalog(None, bad)
    bad.write_text("entries:\n  - title: 甲条例\n    kind: law\n    aliases: [乙]\n"
                   "  - title: 丙条例\n    kind: law\n    aliases: [乙]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="同时指向"):
        build_catalog(None, bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="entries"):
        build_catalog(None, bad)


def test_curated_only_build_and_load(tmp_path):
    out = tmp_path / "catalog.jsonl"
    write_catalog(build_catalog(None, CURATED), out)
    cat = load_catalog(path=out)
    assert cat.get("中华人民共和国合同法") is not None and cat.get("中华人民共和国安全生产法") is None
    with pytest.raises(ConfigError, match="找不到法规目录"):
        load_catalog(path=tmp_path / "missing.jsonl")
    out.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="第1行"):
        load_catalog(path=out)


def test_parse_date_forms():
    assert parse_date("2024年2月26日") == date(2024, 2, 26)
    assert parse_date("2024-02-26") == date(2024, 2, 26)
    assert parse_date("2016-12") == date(2016, 12, 1)
    assert parse_date("2019年") == date(2019, 1, 1)
    assert parse_date("二月") is None


def test_hand_written_data_is_strict(tmp_path):
    curated = tmp_path / "curated.yaml"
    curated.write_text("entries:\n  - title: 某某条例\n    kind: law\n    replaced_by: 另一条例\n    replace_date: 2020-01-01\n",
                       encoding="utf-8")
    with pytest.raises(ConfigError, match="replace_date"):  # a misspelled field is refused, not dropped
        build_catalog(None, curated)
    curated.write_text("entries:\n  - title: 某某条例\n    kind: law\n    repealed_date: 2020年1月1日\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        build_catalog(None, curated)
    curated.write_text("entries:\n  - title: 甲条例\n    kind: law\n", encoding="utf-8")
    (tmp_path / "repealed.yaml").write_text("entries:\n  - title: 乙条例\n    successor: 甲条例\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="basis"):  # every repeal names the record it rests on
        build_catalog(None, curated)
    (tmp_path / "repealed.yaml").write_text(
        "entries:\n  - title: 乙条例\n    repealed_date: '2020-01-01'\n    successor: 丙条例\n    basis: 某决定\n"
        "  - title: 丙条例\n    repealed_date: '2023-01-01'\n    successor: 甲条例\n    basis: 另一决定\n",
        encoding="utf-8")
    (tmp_path / "editions.yaml").write_text(
        "families:\n  - family: 某某纲要\n    editions:\n      - {title: 某某纲要（2016—2020年）, start: '2016-01-01'}\n"
        "      - {title: 某某纲要（2021—2025年）, start: '2021-06-01'}\n", encoding="utf-8")
    out = tmp_path / "catalog.jsonl"
    write_catalog(build_catalog(None, curated), out)
    cat = load_catalog(path=out)
    old = cat.get("乙条例")
    assert (old.status, old.replaced_by, old.chain) == ("已废止", "丙条例", ["甲条例"])
    assert cat.lookup("某某纲要", date(2019, 5, 1)).entry.title == "某某纲要（2016—2020年）"
    assert cat.lookup("某某纲要", date(2022, 5, 1)).entry.title == "某某纲要（2021—2025年）"
    first = cat.get("某某纲要（2016—2020年）")
    assert first.status_at(date(2022, 1, 1)) == ("已废止", False) and first.replaced_by == "某某纲要（2021—2025年）"


def test_national_catalog_is_merged(regulations_dir):
    national = [json.loads(x) for x in (regulations_dir / "national" / "catalog.jsonl").read_text(encoding="utf-8")
                .splitlines() if x.strip()]
    cat = load_catalog(path=COMMITTED)
    current = {r["title"] for r in national if r["version"] == "current"}
    missing = [t for t in current if cat.get(t) is None]
    assert missing == []
    # A title only held in an older version was replaced; a （试行） text by the same title without it.
    trial = cat.get("人民检察院刑事诉讼规则（试行）")
    assert trial.status == "已废止" and trial.replaced_by == "人民检察院刑事诉讼规则" and trial.basis
