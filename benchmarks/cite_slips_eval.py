"""Slip, repeal, edition and false-alarm figures for benchmarks/cite_eval.py, per category and per split.

Sets: benchmarks/cite_generated.jsonl (made from the catalog by benchmarks/cite_gen.py; its correct citations are
made from the catalog when evaluated) and
benchmarks/cite_slips.yaml (hand-written: colloquial titles, repealed laws, correct citations). Each case is in the
"tune" half (used while developing the matcher) or the "holdout" half (not looked at while tuning; reported
separately). What counts as right, per category:

- slips (homophone, missing, extra, swapped, generic, colloquial, and any other name-slip category): the top
  suggestion (resolved title) is the expected title, and a finding says so;
- repealed: status 已废止 at the case's date and the expected successor named (replaced_by, or the end of the chain);
- traditional: resolved to the expected title and the article number read;
- edition: resolved to the expected edition;
- correct: no error or warning and the expected title (a false alarm otherwise).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "benchmarks" / "cite_generated.jsonl"
SLIPS = ROOT / "benchmarks" / "cite_slips.yaml"
TARGETS = {"homophone": 0.95, "missing": 0.95, "extra": 0.95, "swapped": 0.95, "generic": 0.95,
           "colloquial": 0.85, "repealed": 0.98, "edition": 1.0, "traditional": 1.0, "correct": 0.995}


def load_cases(splits: tuple[str, ...]) -> list[dict[str, Any]]:
    import yaml
    from cite_gen import correct_cases

    from assistant.citations.catalog import load_catalog

    cases = correct_cases(load_catalog())
    if GENERATED.is_file():
        cases += [json.loads(x) for x in GENERATED.read_text(encoding="utf-8").splitlines() if x.strip()]
    if SLIPS.is_file():
        data = yaml.safe_load(SLIPS.read_text(encoding="utf-8")) or {}
        for c in data.get("cases") or []:
            cases.append(_from_slips(c))
    return [c for c in cases if c["split"] in splits]


def _from_slips(c: dict[str, Any]) -> dict[str, Any]:
    """A cite_slips.yaml case in the generated set's shape."""
    expect = {"title": c["title"]}
    for key in ("resolved_title", "successor", "article"):
        if c.get(key) is not None:
            expect[key] = c[key]
    if c.get("expect") and isinstance(c["expect"], dict):
        expect.update(c["expect"])
    text = c.get("text") or f"依据《{c['title']}》"
    return {"category": c["category"], "split": c["split"], "date": c.get("date") or "2025年6月1日", "text": text,
            "expect": expect, "source": "cite_slips.yaml"}


def _judge(category: str, cite: Any, exp: dict[str, Any]) -> tuple[bool, str]:
    got = cite.resolved_title
    if category == "correct":
        ok = cite.severity not in ("error", "warning") and got == exp.get("resolved_title", got)
        return ok, f"{cite.severity}: {cite.message}" if not ok else ""
    if category == "repealed":
        successor = exp.get("successor") or exp.get("replaced_by")
        named = [cite.replaced_by, *cite.replaced_chain]
        ok = cite.status == "已废止" and (successor is None or successor in named)
        return ok, f"status={cite.status} replaced_by={cite.replaced_by} chain={cite.replaced_chain}"
    ok = got == exp.get("resolved_title")
    if category == "traditional":
        ok = ok and cite.article == exp.get("article", cite.article)
    elif category != "edition":
        ok = ok and cite.severity is not None
    why = f"→ {got} ({cite.match}, {cite.suggestion_reason}); candidates {[c['title'] for c in cite.candidates][:3]}"
    return ok, why


def evaluate(splits: tuple[str, ...] = ("tune", "holdout")) -> dict[str, Any]:
    from assistant.citations.resolver import check_citations

    table: dict[tuple[str, str], list[int]] = {}
    misses: list[str] = []
    for case in load_cases(splits):
        exp = case["expect"]
        cites = [c for c in check_citations(case["text"], case["date"], use_store=False)
                 if c.title_as_written == exp["title"]]
        key = (case["category"], case["split"])
        row = table.setdefault(key, [0, 0])
        row[1] += 1
        if not cites:
            misses.append(f"[{key[0]}/{key[1]}] {exp['title']}: not extracted")
            continue
        ok, why = _judge(case["category"], cites[0], exp)
        row[0] += ok
        if not ok:
            misses.append(f"[{key[0]}/{key[1]}] {exp['title']} {why}")
    rows = [{"category": cat, "split": split, "right": r, "items": n, "rate": round(r / n, 4) if n else None,
             "target": TARGETS.get(cat)} for (cat, split), (r, n) in sorted(table.items())]
    return {"rows": rows, "misses": misses}


def markdown(result: dict[str, Any]) -> str:
    lines = ["| category | split | right | rate | target |", "|---|---|---|---|---|"]
    for r in result["rows"]:
        shown = "false alarms" if r["category"] == "correct" else ""
        rate = f"{r['rate']:.3f}" if r["rate"] is not None else "—"
        if r["category"] == "correct":
            rate += f" ({r['items'] - r['right']} {shown}, {(r['items'] - r['right']) / r['items']:.2%})"
        target = "≤ 0.5 % false alarms" if r["category"] == "correct" else f"≥ {r['target']}" if r["target"] else ""
        lines.append(f"| {r['category']} | {r['split']} | {r['right']}/{r['items']} | {rate} | {target} |")
    return "\n".join(lines)
