#!/usr/bin/env python
"""Citation resolution benchmark: accuracy on the dev set and speed of `cite` on a 10,000-character draft.

    python benchmarks/cite_eval.py [--shared ../shared] [--json] [--split tune] [--write-docs]

Dev set (benchmarks/cite_devset.yaml): the seed report, hand-made hard cases, and every 《…》 mined at run time
from the 39 government work reports in ../shared/corpus/reports/gov-work-reports, scored against hand labels.
An item is correct when every labelled field matches. Speed: median of warm in-process runs, with and without
article text (an ArticleStore holding the two acceptance texts), plus a cold `assistant cite` process.
Slips, repeals, editions and false alarms (benchmarks/cite_slips_eval.py): the generated set
benchmarks/cite_generated.jsonl and the hand-written benchmarks/cite_slips.yaml, per category and per split;
`--split tune` reports only the tuning half (use it while developing). With --write-docs the figures replace the
"Citation resolution" section of docs/benchmarks.md. Runs in a temporary ASSISTANT_HOME; writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cite_slips_eval  # noqa: E402
from docs_section import replace_block  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"

FIELDS = ("resolved_title", "match", "kind", "status", "in_force", "replaced_by", "suggestion", "article", "severity")


def _score(cites, expect: list[dict]) -> list[dict]:
    """Pair each expectation with the next citation written the same way; compare the labelled fields."""
    used: set[int] = set()
    rows = []
    for exp in expect:
        idx = next((i for i, c in enumerate(cites) if i not in used and c.title_as_written == exp["title"]), None)
        if idx is None:
            rows.append({"title": exp["title"], "ok": False, "wrong": ["(not extracted)"], "fields": {}})
            continue
        used.add(idx)
        c = cites[idx]
        fields = {}
        for f in FIELDS:
            if f in exp:
                fields[f] = getattr(c, f) == exp[f]
        if "finding" in exp:
            fields["finding"] = exp["finding"] in [x["rule"] for x in c.findings]
        wrong = [f"{f}={getattr(c, f, None)!r}≠{exp[f]!r}" for f, ok in fields.items() if not ok]
        rows.append({"title": exp["title"], "ok": not wrong, "wrong": wrong, "fields": fields})
    return rows


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    per_field: dict[str, list[bool]] = {}
    for r in rows:
        for f, ok in r["fields"].items():
            per_field.setdefault(f, []).append(ok)
    return {
        "items": n,
        "correct": sum(r["ok"] for r in rows),
        "accuracy": round(sum(r["ok"] for r in rows) / n, 3) if n else None,
        "fields": {f: f"{sum(v)}/{len(v)}" for f, v in sorted(per_field.items())},
        "wrong": [f"{r['title']}: {', '.join(r['wrong'])}" for r in rows if not r["ok"]],
    }


def evaluate(shared: Path) -> dict:
    import yaml

    from assistant.citations.resolver import check_citations, document_date
    from assistant.documents.reading import read_document

    dev = yaml.safe_load((ROOT / "benchmarks" / "cite_devset.yaml").read_text(encoding="utf-8"))
    out: dict = {}

    seed = shared / dev["seed"]["file"]
    if seed.is_file():
        src = read_document(seed)
        out["seed"] = _summary(_score(check_citations(src, document_date(src), use_store=False), dev["seed"]["expect"]))
    else:
        out["seed"] = {"skipped": f"{seed} not found"}

    rows = []
    for case in dev["cases"]:
        rows += _score(check_citations(case["text"], case.get("date"), use_store=False), case["expect"])
    out["hard_cases"] = _summary(rows)
    rows = []
    for case in dev.get("holdout") or []:
        rows += _score(check_citations(case["text"], case.get("date"), use_store=False), case["expect"])
    out["holdout"] = _summary(rows)

    reports_dir = shared / "corpus" / "reports" / "gov-work-reports"
    labels = dev.get("report_labels") or {}
    if reports_dir.is_dir():
        rows, unlabelled, alarms, mined = [], set(), [], 0
        for f in sorted(reports_dir.glob("*.txt")):
            year = re.match(r"(\d{4})", f.name)
            when = f"{year.group(1)}年3月5日" if year else None  # reports are delivered in Jan–Mar
            for c in check_citations(read_document(f), when, use_store=False):
                mined += 1
                label = labels.get(c.title_as_written)
                if label is None:
                    unlabelled.add(c.title_as_written)
                    continue
                fields = {"resolved_title": c.resolved_title == label.get("resolved_title"),
                          "kind": c.kind == label.get("kind")}
                wrong = [f"{k}={getattr(c, k)!r}≠{label.get(k)!r}" for k, ok in fields.items() if not ok]
                rows.append({"title": c.title_as_written, "ok": not wrong, "wrong": wrong, "fields": fields})
                if c.severity in ("error", "warning"):
                    alarms.append(f"{f.name}: {c.text} → {c.message}")
        s = _summary(rows)
        s["wrong"] = sorted(set(s["wrong"]))
        s.update({"mined": mined, "reports": len(list(reports_dir.glob('*.txt'))), "unlabelled": sorted(unlabelled),
                  "errors_or_warnings": alarms})
        out["gov_reports"] = s
    else:
        out["gov_reports"] = {"skipped": f"{reports_dir} not found"}
    return out


def _draft(shared: Path, size: int = 10_000) -> str:
    """A 10,000-character draft: the seed body and the hard cases, repeated, with article references."""
    import yaml

    dev = yaml.safe_load((ROOT / "benchmarks" / "cite_devset.yaml").read_text(encoding="utf-8"))
    seed = shared / dev["seed"]["file"]
    parts = [seed.read_text(encoding="utf-8")] if seed.is_file() else []
    parts += [c["text"] for c in dev["cases"]]
    parts.append("依据《安全生产法》第二十五条规定，并按《中华人民共和国政府信息公开条例》第九十条办理。")
    text = ""
    while len(text) < size:
        text += "\n".join(parts) + "\n"
    return text[:size]


def timing(shared: Path, runs: int = 20) -> dict:
    from assistant.citations.articles import ArticleStore
    from assistant.citations.resolver import check_citations
    from assistant.documents.reading import read_document
    from assistant.documents.structure import parse_regulation
    from assistant.settings import Settings

    draft = _draft(shared)
    out: dict = {"draft_chars": len(draft)}

    def measure(use_store: bool) -> tuple[float, int]:
        n = len(check_citations(draft, "2024年3月1日", use_store=use_store))  # warm-up: catalog load, imports
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            check_citations(draft, "2024年3月1日", use_store=use_store)
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times), n

    ms, n = measure(False)
    out["citations"] = n
    out["warm_ms_catalog_only"] = round(ms, 1)
    texts = shared / "corpus" / "regulations" / "texts"
    if texts.is_dir():
        store = ArticleStore(Settings())
        for rel in ("社会法/中华人民共和国安全生产法.md", "行政法规/中华人民共和国政府信息公开条例.md"):
            store.add_regulation(parse_regulation(read_document(texts / rel)), str(texts / rel))
        store.close()
        ms, _ = measure(True)
        out["warm_ms_with_article_store"] = round(ms, 1)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(draft)
        path = fh.name
    exe = Path(sys.executable).with_name("assistant")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]
    subprocess.run(cmd + ["cite", "--json", path], capture_output=True)  # page cache warm
    walls = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cmd + ["cite", "--json", path], capture_output=True)
        walls.append((time.perf_counter() - t0) * 1000)
    os.unlink(path)
    out["cli_process_ms"] = round(statistics.median(walls), 1)
    return out


def _print(result: dict) -> None:
    for name, s in result["accuracy"].items():
        if "skipped" in s:
            print(f"{name}: skipped ({s['skipped']})")
            continue
        print(f"{name}: {s['correct']}/{s['items']} correct ({s['accuracy']:.1%}); fields {s['fields']}")
        for w in s["wrong"]:
            print(f"   ✗ {w}")
        if name == "gov_reports":
            print(f"   mined {s['mined']} citations from {s['reports']} reports; unlabelled: {s['unlabelled'] or 'none'}")
            for a in s["errors_or_warnings"]:
                print(f"   ! {a}")
    print(cite_slips_eval.markdown(result["slips"]))
    for m in result["slips"]["misses"][:60]:
        print(f"   ✗ {m}")
    if "speed" in result:
        sp = result["speed"]
        print(f"speed: {sp['draft_chars']}-char draft, {sp['citations']} citations: warm {sp['warm_ms_catalog_only']} ms"
              f" (catalog only), {sp.get('warm_ms_with_article_store', '—')} ms (with article store);"
              f" cold CLI process {sp['cli_process_ms']} ms")


def _section(result: dict) -> str:
    acc = result["accuracy"]

    def line(name: str, label: str) -> str:
        s = acc.get(name, {})
        return f"| {label} | {s['items']} | {s['correct']}/{s['items']} |" if "items" in s else f"| {label} | — | skipped |"

    gov = acc.get("gov_reports", {})
    alarms = "\n".join(f"- {a}" for a in gov.get("errors_or_warnings", []))
    sp = result.get("speed", {})
    return f"""## Citation resolution

`python benchmarks/cite_eval.py --write-docs` (hand-labelled sets in `benchmarks/cite_devset.yaml`; slip sets
`benchmarks/cite_generated.jsonl`, made from the catalog by `benchmarks/cite_gen.py`, and the hand-written
`benchmarks/cite_slips.yaml`). The matcher (assistant/citations/slips.py) was tuned on the **tune** halves only
(`--split tune`); the **holdout** halves were not looked at while tuning, were scored once at the end and are
reported separately (the only holdout lines seen before were the first few of cite_slips.yaml, read for its format).
Issue 11 made a regulation-looking title outside the catalog a warning (法规库未收录，请核对名称), so three hand labels
that said `info` for such titles (two hard cases, one held-out case) now say `warning`.

| set | items | correct |
|---|---|---|
{line("seed", "seed (dated by its 成文日期)")}
{line("hard_cases", "hand-made hard cases")}
{line("holdout", "hand-made held-out cases")}
{line("gov_reports", "39 government work reports (resolved title and kind)")}

Slips, repeals, editions, traditional characters and false alarms, per category and split (a slip counts when
the top suggestion is the right title; repealed when flagged 已废止 with the right successor; correct citations
count as false alarms when they get an error or warning or resolve elsewhere):

{cite_slips_eval.markdown(result["slips"])}

Errors/warnings raised on the 39 government work reports ({len(gov.get("errors_or_warnings", []))}; the provincial
《关于…》 documents are named without their issuer, so the tool cannot know they are local and asks to check the name):

{alarms}

Speed (10,000-character draft, {sp.get("citations", "—")} citations, median of 20 warm runs in process): catalog only
{sp.get("warm_ms_catalog_only", "—")} ms, with article text {sp.get("warm_ms_with_article_store", "—")} ms (target ≤ 200 ms);
cold `assistant cite --json DRAFT` process {sp.get("cli_process_ms", "—")} ms on the shared 2-core machine, busy with
other jobs (the previous commit measured 1.4–2.0 s on the same draft at the same time; the national catalog adds
about 0.2 s of loading and the first near-miss about 0.3 s for the pinyin table and index). `assistant cite` imports no chromadb, gradio, langchain or openai
(tests/test_cite_cli.py).
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--split", choices=("tune", "holdout", "both"), default="both")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    splits = ("tune", "holdout") if args.split == "both" else (args.split,)
    with tempfile.TemporaryDirectory() as home:
        os.environ["ASSISTANT_HOME"] = home
        from assistant.settings import get_settings

        get_settings.cache_clear()
        result = {"accuracy": evaluate(args.shared), "slips": cite_slips_eval.evaluate(splits)}
        if not args.no_timing:
            result["speed"] = timing(args.shared)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        _print(result)
    if args.write_docs:
        replace_block(_section(result))
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
