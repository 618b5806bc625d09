"""Evaluate `assistant check` per corpus and per form of the text (issue 9).

  python benchmarks/check_eval.py [--corpus NAME ... | --tune-only] [--form NAME ...] [--no-ablation]
                                  [--no-timing] [--write-docs] [-v]

Corpora: seed (../shared), samples (knowledge/samples, genres from manifest.yaml), gov-work-reports (the 39
government work reports in ../shared), devset-tune and devset-holdout (benchmarks/check_devset, written by the
team; roles and their lines in manifest.yaml), devset2-tune (benchmarks/check_devset2, written after the first
holdout run; tuning data only). --tune-only runs every corpus but devset-holdout, whose files are then not read. Forms: original, and the four messy forms of
benchmarks/messy_forms.py (flat: no line breaks; traditional: OpenCC s2t; web: site chrome around the text;
pdf: hard-wrapped at 36 characters with page numbers).

Per corpus and form:
  * genre: the detected genre against the expected one;
  * role precision / recall: the roles reported found against the roles the document has (devset: manifest;
    other corpora: every required role of the genre, the documents being complete, so precision is not measured);
  * complete with no false missing: documents where no required role is reported `missing` (uncertain allowed);
  * removed-part recall: for each required role, its lines are deleted from the original text, the messy form
    is made from what is left and checked from scratch; the role must be reported `missing` or `uncertain`.
    Devset: the manifest's lines; other corpora: the lines of the sections the checker maps to the role on the
    original text;
  * speed: the seed checked warm (in process) and `assistant check` cold (a fresh interpreter).

With --write-docs the figures replace the "Checker" section of docs/benchmarks.md (other sections untouched).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from messy_forms import GENERATORS  # noqa: E402

from assistant.documents.reading import read_text_input  # noqa: E402
from assistant.documents.structure import parse_official  # noqa: E402
from assistant.models import OfficialDocument  # noqa: E402
from assistant.rules.check import CheckReport, check_source  # noqa: E402
from assistant.rules.genres import classify_sections, get_genre, norm, resolve_genre  # noqa: E402

SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_ae7bc27bfd6d05d1.txt"
GOV_REPORTS = SHARED / "corpus" / "reports" / "gov-work-reports"
SAMPLES = ROOT / "knowledge" / "samples"
# check_devset: written by the team, halves tune / holdout; check_devset2: written after the first holdout run,
# tuning data. check_devset3 … 8: written by other hands who never saw the rules, each run once as the holdout
# (figures in docs/benchmarks.md) and tuned on afterwards; the last one is the holdout the targets are read on.
LAST_DEVSET = 18
# Whether the last set has been tuned on after its one run (its untouched figures are then the history's last
# item, and the table shows it after tuning). A new set written before any further tuning resets this.
LAST_SET_TUNED = False
DEVSETS = [("devset", ROOT / "benchmarks" / "check_devset"),
           *((f"devset{n}", ROOT / "benchmarks" / f"check_devset{n}") for n in range(2, LAST_DEVSET + 1))]
HOLDOUT = f"devset{LAST_DEVSET}-holdout{LAST_DEVSET}"
DOCS = ROOT / "docs" / "benchmarks.md"
CORPORA = ("seed", "samples", "gov-work-reports", "devset-tune", "devset2-tune", "devset-holdout",
           *(f"devset{n}-holdout{n}" for n in range(3, LAST_DEVSET + 1)))
TUNE_CORPORA = tuple(c for c in CORPORA if c != HOLDOUT)
FORMS: dict[str, Callable[[str], str]] = {"original": lambda text: text, **GENERATORS}
Span = tuple[int, int]  # first line, line after the last (1-based)


@dataclass
class Case:
    name: str
    corpus: str
    text: str
    genre: str
    roles: dict[str, list[Span]] | None = None  # devset: role → its lines; None: every required role, spans unknown


@dataclass
class Totals:
    docs: int = 0
    genre_ok: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    complete_ok: int = 0
    uncertain_docs: int = 0
    runs: int = 0
    removed_hit: int = 0
    precision_known: bool = False
    failures: list[str] = field(default_factory=list)

    def add(self, other: Totals) -> None:
        for k in ("docs", "genre_ok", "tp", "fp", "fn", "complete_ok", "uncertain_docs", "runs", "removed_hit"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.precision_known = self.precision_known or other.precision_known


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "–"


# --- corpora ----------------------------------------------------------------------------------------------


def _lines_of(path: Path) -> list[str]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc).splitlines()
        except UnicodeDecodeError:
            continue
    raise SystemExit(f"cannot decode {path}")


def _text_of(path: Path) -> str:
    """The file's own lines (not the reader's repaired paragraphs), so spans and deletions use its line numbers."""
    return "\n".join(_lines_of(path))


def _devset_spans(lines: list[str], sections: list[dict], name: str) -> dict[str, list[Span]]:
    """role → spans, from the manifest's start/end lines (end null: up to the closing, 署名 or date)."""
    stripped = [ln.strip() for ln in lines]

    def find(text: str, after: int = 0) -> int:
        key = norm(text)
        for i in range(after, len(stripped)):
            if norm(stripped[i]) == key or (len(key) >= 12 and norm(stripped[i]).startswith(key)):
                return i + 1
        raise SystemExit(f"{name}: manifest line not found: {text}")

    doc = parse_official(read_text_input("\n".join(lines)))
    tail = [x for x in (doc.closing_line, doc.date_line, doc.notes_line, doc.cc_line) if x]
    spans: dict[str, list[Span]] = {}
    for s in sections:
        start = find(s["start"])
        if s.get("end"):
            end = find(s["end"], start)
        else:
            after = [t for t in tail if t > start]
            end = min(after) if after else len(lines) + 1
            if doc.issuer:  # the 署名 line above the date
                for i in range(start, end - 1):
                    if norm(stripped[i]) and norm(stripped[i]) == norm(doc.issuer):
                        end = i + 1
                        break
        spans.setdefault(s["role"], []).append((start, end))
    return spans


def load_cases(corpora: tuple[str, ...]) -> list[Case]:
    out: list[Case] = []
    if "seed" in corpora and SEED.exists():
        out.append(Case(SEED.name, "seed", _text_of(SEED), "法治政府建设年度报告"))
    if "samples" in corpora and (SAMPLES / "manifest.yaml").exists():
        for item in yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8")).get("samples", []):
            out.append(Case(item["file"], "samples", _text_of(SAMPLES / item["file"]), item["genre"]))
    if "gov-work-reports" in corpora and GOV_REPORTS.exists():
        for path in sorted(GOV_REPORTS.glob("*.txt")):
            out.append(Case(path.name, "gov-work-reports", _text_of(path), "政府工作报告"))
    for prefix, folder in DEVSETS:
        manifest = folder / "manifest.yaml"
        if not manifest.exists():
            continue
        for item in yaml.safe_load(manifest.read_text(encoding="utf-8"))["reports"]:
            corpus = f"{prefix}-{item['split']}"
            if corpus not in corpora:
                continue  # the holdout files are not even read unless asked for
            lines = _lines_of(folder / item["file"])
            out.append(Case(item["file"], corpus, "\n".join(lines), item["genre"],
                            _devset_spans(lines, item["sections"], item["file"])))
    return out


# --- evaluation -------------------------------------------------------------------------------------------


def _check(text: str) -> CheckReport:
    return check_source(read_text_input(text), with_citations=False)


def section_spans(doc: OfficialDocument, last_line: int) -> dict[str, list[Span]]:
    """role → spans of every section the checker mapped to it (Section.role set by classifying `doc`), children
    included, up to the next section of the same level or the closing / 署名 / date."""
    flat = list(doc.iter_sections())
    tail = [x for x in (doc.closing_line, doc.date_line, doc.notes_line, doc.cc_line, doc.print_line_no) if x]
    tail += [p.line for p in doc.paragraphs if flat and p.line > flat[-1].line
             and ((doc.issuer and norm(p.text) and norm(p.text) in norm(doc.issuer))
                  or p.text.strip().startswith(("附件：", "附件:")))]
    spans: dict[str, list[Span]] = {}
    for i, s in enumerate(flat):
        if s.role:
            end = next((t.line for t in flat[i + 1:] if t.level <= s.level), None)
            if end is None:
                after = [t for t in tail if t > s.line]
                end = min(after) if after else last_line + 1
            spans.setdefault(s.role, []).append((s.line, end))
    return spans


def _checker_spans(text: str) -> dict[str, list[Span]]:
    """Spans of the roles the checker finds on the original text, for corpora without a manifest. A role found
    on an unnumbered heading line covers that line and its paragraphs; one found in running text (a 请示's
    request) is that one line."""
    doc = parse_official(read_text_input(text))
    genre = resolve_genre(doc, None)
    if genre is None:
        return {}
    hits = classify_sections(doc, genre)  # sets Section.role, which section_spans reads
    spans = section_spans(doc, len(text.splitlines()))
    for hit in hits:
        if not hit.found or hit.role in spans:
            continue
        lines = [p.line for s in hit.sections for p in s.paragraphs]
        spans[hit.role] = [(hit.line, max(lines + [hit.line]) + 1)] if hit.line else []
    return spans


def _drop(text: str, spans: list[Span]) -> str:
    gone = {n for a, b in spans for n in range(a, b)}
    return "\n".join(t for n, t in enumerate(text.splitlines(), 1) if n not in gone)


def _required(genre_name: str) -> list[str]:
    return [r.id for r in get_genre(genre_name).required_roles]


def evaluate_case(case: Case, form: str, make: Callable[[str], str], ablation: bool, t: Totals,
                  verbose: bool) -> None:
    report = _check(make(case.text))
    t.docs += 1
    where = f"{case.name} [{form}]"
    got = report.genre["name"] if report.genre else None
    if got == case.genre:
        t.genre_ok += 1
    else:
        t.failures.append(f"{where}: genre {got!r}, expected {case.genre!r}")
    required = _required(case.genre)
    expected = set(case.roles) if case.roles is not None else set(required)
    t.precision_known = t.precision_known or case.roles is not None
    status = {s.role: s.status for s in report.sections} if got == case.genre else {}
    found = {r for r, st in status.items() if st == "found"}
    t.tp += len(found & expected)
    t.fn += len(expected - found)
    if case.roles is not None:
        t.fp += len(found - expected)
    for r in sorted(expected - found):
        t.failures.append(f"{where}: role {r} {status.get(r, 'not checked')}")
    for r in sorted(found - expected) if case.roles is not None else []:
        t.failures.append(f"{where}: role {r} reported found but not in the document")
    false_missing = [r for r in required if r in expected and status.get(r, "missing") == "missing"]
    t.complete_ok += not false_missing
    t.uncertain_docs += any(status.get(r) == "uncertain" for r in required)
    if verbose:
        print(f"  {where}: genre={got} found={sorted(found)} status={status}", flush=True)
    if not ablation:
        return
    spans = case.roles if case.roles is not None else _checker_spans(case.text)
    for role in required:
        if role not in spans:
            continue
        after = _check(make(_drop(case.text, spans[role])))
        t.runs += 1
        st = {s.role: s.status for s in after.sections} if after.genre and after.genre["name"] == case.genre else {}
        if st.get(role) in ("missing", "uncertain"):
            t.removed_hit += 1
        else:
            name = after.genre["name"] if after.genre else None
            t.failures.append(f"{where}: removed {role} {spans[role]} → genre {name!r}, {role} {st.get(role)}")


def evaluate(cases: list[Case], forms: list[str], ablation: bool, verbose: bool) -> dict[tuple[str, str], Totals]:
    out: dict[tuple[str, str], Totals] = {}
    for case in cases:
        for form in forms:
            evaluate_case(case, form, FORMS[form], ablation, out.setdefault((case.corpus, form), Totals()), verbose)
    return out


# --- timing and report ------------------------------------------------------------------------------------


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
    cold, cpu = [], []
    for _ in range(3):
        start, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "assistant", "check", str(SEED), "--json"], cwd=ROOT,
                       capture_output=True, check=False)
        cold.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime)
    out["cli_cold_s"] = statistics.median(cold)
    out["cli_cold_cpu_s"] = statistics.median(cpu)  # the machine is shared: CPU time shows the CLI's own cost
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "assistant", "check", str(SEED), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    mods = {ln.rsplit("|", 1)[-1].strip().split(".")[0] for ln in proc.stderr.splitlines()
            if ln.startswith("import time:")}
    out["heavy_imports"] = sorted(mods & {"gradio", "chromadb", "langchain_core", "openai", "torch"})  # type: ignore[assignment]
    return out


TARGETS = {"genre": 0.98, "role precision": 0.97, "role recall": 0.97, "no false missing": 0.98,
           "removed-part recall": 1.0}  # issue 9, on the holdout half and each of its forms


def _targets(results: dict[tuple[str, str], Totals], ablation: bool) -> list[str]:
    out = []
    for (corpus, form), t in results.items():
        if corpus != HOLDOUT:
            continue
        got = {"genre": t.genre_ok / t.docs, "role precision": t.tp / max(t.tp + t.fp, 1),
               "role recall": t.tp / max(t.tp + t.fn, 1), "no false missing": t.complete_ok / t.docs}
        if ablation:
            got["removed-part recall"] = t.removed_hit / max(t.runs, 1)
        short = [f"{k} {v:.3f} < {TARGETS[k]}" for k, v in got.items() if v < TARGETS[k]]
        label = f"Targets on {HOLDOUT} after tuning on it" if LAST_SET_TUNED else "Holdout targets"
        out.append(f"- {label}, {form}: " + ("all met" if not short else "**not met**: " + "; ".join(short)))
    return out


def render(results: dict[tuple[str, str], Totals], times: dict[str, float], ablation: bool) -> str:
    rows = ["| corpus | form | docs | genre | role precision | role recall | complete, no false missing "
            "(of which uncertain) | removed-part recall (runs) |", "|---|---|---|---|---|---|---|---|"]
    for (corpus, form), t in results.items():
        prec = _ratio(t.tp, t.tp + t.fp) if t.precision_known else "–"
        removed = f"{_ratio(t.removed_hit, t.runs)} ({t.runs})" if ablation else "–"
        rows.append(f"| {corpus} | {form} | {t.docs} | {_ratio(t.genre_ok, t.docs)} | {prec} | "
                    f"{_ratio(t.tp, t.tp + t.fn)} | {_ratio(t.complete_ok, t.docs)} ({t.uncertain_docs}) | {removed} |")
    rows += ["", *_targets(results, ablation)]
    lines = ["## Checker", "",
             "`python benchmarks/check_eval.py --write-docs` (while tuning: `--tune-only`, which never reads the",
             "holdout files). Corpora: the seed, knowledge/samples, the 39 government work reports and "
             f"{LAST_DEVSET} dev sets",
             "of complete reports with their roles and lines in a manifest (benchmarks/check_devset … "
             f"check_devset{LAST_DEVSET},",
             "18 reports each from the third on). Each holdout was run once (the first twice), reported as it came",
             "out, and only then tuned on; "
             + ("**no set is untouched now**: the untouched figures are the history's last item, and the table shows"
                " every set after tuning." if LAST_SET_TUNED else "**only the last set is untouched**.")
             + " The history, in the order it",
             "happened (role recall / complete with no false missing / removed-part recall, original form):",
             "",
             "1. check_devset, written by the team and split in halves; tuned on the tune half: holdout half 0.866 /",
             "   0.867 / 0.887.",
             "2. check_devset2 (12 reports, headings worded before the alias lists were read) written and tuned on;",
             "   the same holdout half again: 0.925 / 1.000 / 0.887. It became tuning data.",
             "3. check_devset3: 18 reports by writers who never opened the code, the genre rules or the earlier sets",
             "   (one of the two writers' instructions named four example headings, among them 依申请公开办理情况; no",
             "   rule was written from them; the writers' replies, read before the run, outlined each file):",
             "   0.756 / 0.944 / 0.920, genre 0.944 (a 街道 report titled 法治建设工作",
             "   总结). Its failures were general: 第一部分 numbering not read at all, a table's rows numbered 一、…四、",
             "   swallowing the parts after them, parts led by a short sentence or by '……方面，', freer wording of the",
             "   公开 report's parts. Fixed as mechanisms (numbering, structure, candidates) and as wording in the genre",
             "   files, then tuned on.",
             "4. check_devset4: 18 more reports by new writers given no example headings at all (their replies",
             "   outlined each file too): 0.963 / 1.000 / 0.960 (flat: 0.939 / 0.889 / 0.960). Tuned on afterwards.",
             "5. check_devset5: 18 more reports by new writers, instructions as for the fourth set: 0.951 / 1.000 /",
             "   0.973 (flat: 0.866 / 1.000 / 0.933). Tuned on afterwards.",
             "6. check_devset6: 18 more reports by new writers, same instructions: 0.889 / 0.944 / 0.960, genre",
             "   0.944 (flat: 0.864 / 0.889 / 0.947). Tuned on afterwards.",
             "7. check_devset7: 18 more reports by new writers, same instructions: 0.975 / 1.000 / 0.973 (flat:",
             "   0.901 / 0.833 / 0.973). Tuned on afterwards.",
             "8. check_devset8: 18 more reports by new writers, same instructions: 1.000 / 1.000 / 0.987 (flat:",
             "   0.975 / 0.944 / 0.960). Tuned on afterwards.",
             "9. check_devset9: 18 more reports by new writers, same instructions (a written brief naming each genre's",
             "   parts and asking for free wording, numbering and structure): 0.964 / 0.944 / 0.986, genre 1.000",
             "   (flat: 0.964 / 0.944 / 0.986). Tuned on afterwards.",
             "10. check_devset10: 18 more reports by new writers, same brief, run once after the tuning on the ninth",
             "   (the writers' replies, one line per file on its structure, were the only thing read of them before):",
             "   0.976 / 0.944 / 1.000, genre and precision 1.000, the same in the traditional, web and pdf forms",
             "   (flat: 0.929 / 1.000 / 0.986). Its one false 缺少 was a 乡镇 report whose theme headings are",
             "   unnumbered lines with a comma. Tuned on afterwards.",
             "11. check_devset11: 18 more reports by new writers, same brief, run once after the tuning on the tenth:",
             "   0.988 / 1.000 / 0.959, genre and precision 1.000, the same in the traditional, web and pdf forms",
             "   (flat: 0.988 / 1.000 / 0.973). All its misses came from one 安全生产 report whose 第X部分 headings",
             "   hold a comma (numbering did not read them). Tuned on afterwards.",
             "12. check_devset12: 18 more reports by new writers, same brief, run once after the tuning on the",
             "   eleventh: 1.000 / 1.000 / 1.000, genre and precision 1.000, the same in the traditional, web and pdf",
             "   forms (flat: 0.965 / 1.000 / 1.000: two parts uncertain in pasted text). Tuned on afterwards (the",
             "   flat form only).",
             "13. check_devset13: 18 more reports by new writers, same brief, run once after the tuning on the",
             "   twelfth (the writers' replies, one line per file, were the only thing read of them before):",
             "   0.989 / 0.944 / 1.000, genre and precision 1.000, the same in the traditional and web forms; the pdf",
             "   form met every target (1.000 throughout); flat: 0.966 / 1.000 / 0.973. Its one false 缺少: a themes",
             "   report whose comma headings sat right above their text, rejoined by the wrap repair as if",
             "   hard-wrapped. That was fixed afterwards.",
             "14. check_devset14: 18 more reports by new writers, same brief but written in 12 minutes (most run",
             "   1,300–1,500 Chinese characters), run once after that fix: 0.976 / 1.000 / 1.000, genre and",
             "   precision 1.000, the same in the traditional, web and pdf forms (flat: 1.000 / 1.000 / 0.987: one",
             "   removed part still found). Tuned on afterwards: a 其他事项 paragraph led by a phrase and 。, a long",
             "   lead naming the leader's duty, and, in pasted text, plan items standing for a removed part.",
             "15. check_devset15: 18 more reports by new writers, same brief (1,500–2,100 Chinese characters each),",
             "   run once after that tuning: 0.988 / 1.000 / 0.986, genre and precision 1.000, the same in the",
             "   traditional, web and pdf forms (flat: 0.964 / 1.000 / 0.986). Its misses: a 述职 part headed",
             "   '严守纪律规矩，……' (述廉) taken for a duty theme, so deleting the duty parts left one; in pasted text a",
             "   numbering gap left by the deletion, a tab table's last cell before a part, a theme heading of two",
             "   halves run on into '以……为契机'. Tuned on afterwards.",
             "16. check_devset16: 18 more reports by new writers, same brief, written while the fifteenth was run",
             "   and tuned on; run once after that tuning: 1.000 / 1.000 / 0.987, genre and precision 1.000, the",
             "   same in the traditional, web and pdf forms; the flat form met every target (0.988 / 1.000 /",
             "   1.000). Its one miss: a table's header row taken for an unnumbered heading, which stood for the",
             "   removed work part. Tuned on afterwards.",
             "17. check_devset17: 18 more reports by new writers, same brief, written while the sixteenth was run",
             "   and tuned on; run once after that tuning: 0.976 / 1.000 / 1.000, genre and precision 1.000, the",
             "   same in the traditional, web and pdf forms: every target met; flat: 0.964 / 1.000 / 0.986. Its",
             "   misses: a leader's-duty lead ending in 。 rather than ：, 申请的收到和办理情况, and in pasted text",
             "   unnumbered comma themes (the year's work) and a theme heading run on into its first sentence.",
             "   Tuned on afterwards.",
             "18. check_devset18: 18 more reports by new writers, same brief, written while the seventeenth was run",
             "   and tuned on; run once at the end: the devset18-holdout18 rows below. The writers' replies (one",
             "   line per file on its structure) were the only thing read of them before that run.",
             "",
             "Read together, the last five untouched runs (sets 14–18): the original, traditional, web and pdf forms",
             "met every target on sets 14, 17 and 18 and missed removed-part recall by one deletion on 15 and 16;",
             "the flat form met every target on 16 and 18. With 18 reports a set, one document moves a figure by",
             "about 0.015, so the targets of 1.0 are met on the last set, not guaranteed on the next.",
             "",
             "Forms: original; flat (no line breaks); traditional (OpenCC s2t); web (site chrome around the text); pdf",
             "(hard-wrapped at 36 characters with page numbers), made by benchmarks/messy_forms.py. Role precision is",
             "measured on the dev sets only (their manifests list each document's roles); elsewhere every required role",
             "is expected. Removed-part recall: each required role's lines are deleted, the form is made from the rest,",
             "and the role must come back `missing` or `uncertain`.", "", *rows, ""]
    if times:
        lines += [f"- Checking the seed, warm (in process, median of 20): {times['seed_warm_ms']:.0f} ms (target ≤ 300 ms)",
                  f"- `python -m assistant check SEED --json`, cold (median of 3): {times['cli_cold_s']:.2f} s wall, "
                  f"{times['cli_cold_cpu_s']:.2f} s CPU (target ≤ 1.5 s; wall time includes waiting for the shared CPU)",
                  f"- Heavy modules imported by `assistant check` (`python -X importtime`): "
                  f"{', '.join(times['heavy_imports']) or 'none'} (gradio, chromadb, langchain_core, openai, torch checked)",
                  ""]
    by_corpus: dict[str, list[str]] = {}
    for (corpus, _form), t in results.items():
        by_corpus.setdefault(corpus, []).extend(t.failures)
    for corpus, failures in by_corpus.items():
        if failures:
            lines += [f"Cases that fail in {corpus} ({len(failures)}; first 20):", ""]
            lines += [f"- {f}" for f in failures[:20]] + [""]
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
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", choices=CORPORA)
    parser.add_argument("--tune-only", action="store_true",
                        help=f"every corpus except {HOLDOUT} (what to run while tuning)")
    parser.add_argument("--form", action="append", choices=list(FORMS))
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    chosen = tuple(args.corpus or (TUNE_CORPORA if args.tune_only else CORPORA))
    if args.tune_only and HOLDOUT in chosen:
        raise SystemExit(f"--tune-only and --corpus {HOLDOUT} contradict each other")
    cases = load_cases(chosen)
    if not cases:
        raise SystemExit("no documents found (needs ../shared, knowledge/samples or benchmarks/check_devset)")
    results = evaluate(cases, args.form or list(FORMS), not args.no_ablation, args.verbose)
    times = {} if args.no_timing else timing()
    section = render(results, times, not args.no_ablation)
    print(section)
    if args.write_docs:
        write_docs(section)
        print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
