"""Evaluate `assistant check` on real and sample reports.

  python benchmarks/check_eval.py [--no-ablation] [--no-timing] [--write-docs] [-v]

What it measures:
  * genre detection: the detected genre against the expected one (seed: 法治政府建设年度报告; samples: the genre
    in knowledge/samples/manifest.yaml; the 39 government work reports: 政府工作报告);
  * section recall: of the required roles of each complete document, how many the checker finds;
  * ablation: for each document and each required role it has, the lines of every section mapped to that role
    are deleted from the original text, the text is parsed and checked again from scratch (genre detection
    included), and exactly that role should be reported missing. Precision/recall of the missing reports;
  * speed: checking the seed warm (in process) and `assistant check` cold (a fresh interpreter).

With --write-docs the figures replace the "Checker" section of docs/benchmarks.md (other sections untouched).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.reading import read_document, read_text_input  # noqa: E402
from assistant.documents.structure import parse_official  # noqa: E402
from assistant.models import OfficialDocument  # noqa: E402
from assistant.rules.check import CheckReport, check_source  # noqa: E402
from assistant.rules.genres import norm  # noqa: E402

SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_ae7bc27bfd6d05d1.txt"
GOV_REPORTS = SHARED / "corpus" / "reports" / "gov-work-reports"
SAMPLES = ROOT / "knowledge" / "samples"
DOCS = ROOT / "docs" / "benchmarks.md"


@dataclass
class Doc:
    path: Path
    group: str  # seed | samples | gov-work-reports
    expected_genre: str


@dataclass
class Totals:
    docs: int = 0
    genre_ok: int = 0
    required: int = 0
    found: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    runs: int = 0
    failures: list[str] = field(default_factory=list)

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def documents() -> list[Doc]:
    import yaml

    out: list[Doc] = []
    if SEED.exists():
        out.append(Doc(SEED, "seed", "法治政府建设年度报告"))
    manifest = SAMPLES / "manifest.yaml"
    if manifest.exists():
        for item in yaml.safe_load(manifest.read_text(encoding="utf-8")).get("samples", []):
            out.append(Doc(SAMPLES / item["file"], "samples", item["genre"]))
    if GOV_REPORTS.exists():
        for path in sorted(GOV_REPORTS.glob("*.txt")):
            out.append(Doc(path, "gov-work-reports", "政府工作报告"))
    return out


def raw_lines(path: Path, encoding: str | None) -> list[str]:
    data = path.read_bytes()
    for enc in filter(None, (encoding, "utf-8-sig", "gb18030")):
        try:
            return data.decode(enc).splitlines()
        except (UnicodeDecodeError, LookupError):
            continue
    raise SystemExit(f"cannot decode {path}")


def section_spans(doc: OfficialDocument, last_line: int) -> dict[str, list[tuple[int, int]]]:
    """role → [(first line, line after the last)] of every section the checker mapped to it, children included."""
    flat = list(doc.iter_sections())
    issuer = norm(doc.issuer)
    tail_starts = [x for x in (doc.closing_line, doc.date_line, doc.notes_line, doc.cc_line, doc.print_line_no) if x]
    for p in doc.paragraphs:
        if issuer and norm(p.text) and norm(p.text) in issuer and flat and p.line > flat[-1].line:
            tail_starts.append(p.line)
        if p.text.strip().startswith(("附件：", "附件:")) and flat and p.line > flat[-1].line:
            tail_starts.append(p.line)
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, s in enumerate(flat):
        if not s.role:
            continue
        end = next((t.line for t in flat[i + 1:] if t.level <= s.level), None)
        if end is None:
            after = [t for t in tail_starts if t > s.line]
            end = min(after) if after else last_line + 1
        spans.setdefault(s.role, []).append((s.line, end))
    return spans


def ablate(lines: list[str], spans: list[tuple[int, int]]) -> str:
    drop = set()
    for start, end in spans:
        drop.update(range(start, end))
    return "\n".join(text for n, text in enumerate(lines, 1) if n not in drop)


def evaluate(docs: list[Doc], ablation: bool, verbose: bool) -> dict[str, Totals]:
    groups: dict[str, Totals] = {}
    for d in docs:
        t = groups.setdefault(d.group, Totals())
        source = read_document(d.path)
        report: CheckReport = check_source(source, with_citations=False)
        t.docs += 1
        name = report.genre["name"] if report.genre else None
        if name == d.expected_genre:
            t.genre_ok += 1
        else:
            t.failures.append(f"{d.path.name}: genre {name!r}, expected {d.expected_genre!r}")
        required = [s for s in report.sections if s.required]
        t.required += len(required)
        t.found += sum(s.found for s in required)
        for s in required:
            if not s.found:
                t.failures.append(f"{d.path.name}: required role {s.role} ({s.name}) not found")
        if not ablation or name != d.expected_genre:
            continue
        doc = parse_official(source)
        from assistant.rules.check import _section_statuses, resolve_genre

        _section_statuses(doc, resolve_genre(doc, None))  # fills Section.role exactly as check does
        lines = raw_lines(d.path, source.encoding)
        spans = section_spans(doc, len(lines))
        for s in required:
            # A role found in running text (a 请示's request sentence) has no section: delete that line.
            role_spans = spans.get(s.role) or ([(s.line, s.line + 1)] if s.found and s.line else [])
            if not s.found:
                continue  # already counted as a recall failure above
            if not role_spans:
                t.failures.append(f"{d.path.name}: required role {s.role} found but has no lines to remove")
                continue
            text = ablate(lines, role_spans)
            after = check_source(read_text_input(text), with_citations=False)
            missing = {m.role for m in after.missing} if after.genre and after.genre["name"] == name else set()
            t.runs += 1
            if s.role in missing:
                t.tp += 1
            else:
                t.fn += 1
            extra = missing - {s.role}
            t.fp += len(extra)
            if s.role not in missing or extra:
                got = after.genre["name"] if after.genre else None
                t.failures.append(
                    f"{d.path.name}: removed {s.role} (lines {role_spans}): genre {got!r}, "
                    f"reported missing {sorted(missing)}"
                )
        if verbose:
            print(f"  {d.path.name}: genre={name} found={[s.role for s in required if s.found]}", flush=True)
    return groups


def timing() -> dict[str, float]:
    from assistant.rules.check import check_file

    out: dict[str, float] = {}
    if not SEED.exists():
        return out
    check_file(SEED)  # warm: rules, genres, catalog loaded once
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        check_file(SEED)
        runs.append((time.perf_counter() - start) * 1000)
    out["seed_warm_ms"] = statistics.median(runs)
    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "check", str(SEED), "--json"], cwd=ROOT,
                       capture_output=True, check=False)
        cold.append(time.perf_counter() - start)
    out["cli_cold_s"] = statistics.median(cold)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "assistant", "check", str(SEED), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    mods = {ln.rsplit("|", 1)[-1].strip().split(".")[0] for ln in proc.stderr.splitlines()
            if ln.startswith("import time:")}
    out["heavy_imports"] = sorted(mods & {"gradio", "chromadb", "langchain_core", "torch"})  # type: ignore[assignment]
    return out


def render(groups: dict[str, Totals], times: dict[str, float], ablation: bool) -> str:
    failures = [f for t in groups.values() for f in t.failures]
    all_t = Totals()
    for t in groups.values():
        for k in ("docs", "genre_ok", "required", "found", "tp", "fp", "fn", "runs"):
            setattr(all_t, k, getattr(all_t, k) + getattr(t, k))
    rows = ["| corpus | docs | genre correct | section recall | ablation runs | missing precision | missing recall |",
            "|---|---|---|---|---|---|---|"]
    for name, t in [*groups.items(), ("all", all_t)]:
        recall = t.found / t.required if t.required else 1.0
        abl = (f"{t.runs} | {t.precision():.3f} | {t.recall():.3f}" if ablation else "– | – | –")
        rows.append(f"| {name} | {t.docs} | {t.genre_ok}/{t.docs} | {t.found}/{t.required} = {recall:.3f} | {abl} |")
    lines = ["## Checker", "",
             "`python benchmarks/check_eval.py --write-docs`: the seed, knowledge/samples (genres from manifest.yaml) and the",
             "39 government work reports. Section recall: required roles of each complete document that `assistant check`",
             "finds. Ablation: the lines of every section mapped to one required role are deleted from the original text,",
             "which is parsed and checked again (genre detection included); exactly that role should be reported missing.",
             "A role a 请示 states in running text rather than under a heading of its own is ablated by deleting that line.",
             "", *rows, "",
             "Every other rule field of the genre files (required closings, 附注 requirements, forbidden phrases,",
             "sub-requirements, year relations, 主送机关/签发人 flags, required format elements, official/文种) is exercised",
             "on each genre's sample by tests/test_genre_coverage.py (a mutation must fire the rule; the sample is clean).",
             ""]
    if times:
        lines += [f"- Checking the seed, warm (in process, median of 20): {times['seed_warm_ms']:.0f} ms (target < 300 ms)",
                  f"- `python -m assistant check SEED --json`, cold (median of 3): {times['cli_cold_s']:.2f} s (target < 1.5 s)",
                  f"- Heavy modules imported by `assistant check` (`python -X importtime`): "
                  f"{', '.join(times['heavy_imports']) or 'none'} (gradio, chromadb, langchain_core, torch checked)", ""]
    if failures:
        lines += ["Cases that fail (document: what was removed → what was reported missing):", ""]
        lines += [f"- {f}" for f in failures] + [""]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find("## Checker")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    else:
        nxt = text.find("\n## ", start + 1)
        end = len(text) if nxt == -1 else nxt + 1
        text = text[:start] + section + ("\n" if nxt != -1 else "") + text[end:]
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    docs = documents()
    if not docs:
        raise SystemExit("no documents found (needs ../shared and knowledge/samples)")
    groups = evaluate(docs, not args.no_ablation, args.verbose)
    times = {} if args.no_timing else timing()
    section = render(groups, times, not args.no_ablation)
    print(section)
    if args.write_docs:
        write_docs(section)
        print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
