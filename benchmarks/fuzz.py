"""Reliability figures: hostile files, long fuzzing, many SIGKILLs. The long versions of the CI tests.

    python benchmarks/fuzz.py                    # everything (about 10 minutes on 2 cores)
    python benchmarks/fuzz.py --only hostile     # hostile | fuzz | kills
    python benchmarks/fuzz.py --write-docs       # also replace the "Measured" section of docs/reliability.md

1. hostile: the 230 files of tests/hostile_files.py through one `assistant check --json` and one
   `assistant cite --json` call each (time, peak RSS of that process via os.wait4, lines, refusals), and one
   `assistant index --no-embed` of the whole directory;
2. fuzz: tests/test_fuzz.py with FUZZ_EXAMPLES=20 (20× the CI examples) and random seeds;
3. kills: tests/test_crash_safety.py's SIGKILL test with CRASH_KILLS=20.
Last line: one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
DOC = ROOT / "docs" / "reliability.md"


def run_measured(args: list[str], home: Path, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env.update(ASSISTANT_HOME=str(home), ASSISTANT_EMBEDDER="hash")
    start = time.monotonic()
    with open(out, "wb") as fo, open(out.with_suffix(".err"), "wb") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", *args], stdout=fo, stderr=fe, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    return {"exit": os.waitstatus_to_exitcode(status), "seconds": round(time.monotonic() - start, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "tracebacks": out.with_suffix(".err").read_text(
                "utf-8", "replace").count("Traceback")}


def hostile() -> dict:
    from hostile_files import make_hostile_files

    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = make_hostile_files(tmp / "hostile")
        for command in ("check", "cite"):
            out = tmp / f"{command}.jsonl"
            fig = run_measured([command, "--json", *map(str, paths)], tmp / f"home-{command}", out)
            rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
            fig.update(files=len(paths), lines=len(rows), refused=sum(1 for r in rows if r.get("error")),
                       in_order=[r["file"] for r in rows] == [str(p) for p in paths])
            figures[command] = fig
            print(command, fig, flush=True)
        out = tmp / "index.json"
        fig = run_measured(["index", "--json", "--no-embed", str(tmp / "hostile")], tmp / "home-index", out)
        report = json.loads(out.read_text("utf-8"))
        fig.update(added=report["added"], failed=len(report["failed"]), chunks=report["chunks_added"])
        figures["index"] = fig
        print("index", fig, flush=True)
    return figures


def pytest_figures(test: str, env: dict[str, str], pattern: str | None = None) -> dict:
    start = time.monotonic()
    cmd = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", test,
           "--hypothesis-show-statistics"] + (["-k", pattern] if pattern else [])
    out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    text = out.stdout + out.stderr
    examples = sum(int(n) for n in re.findall(r"- (\d+) passing", text))
    kills = re.search(r"kills survived: (\d+) in phases (\[.*?\])", text)
    result = {"passed": out.returncode == 0, "seconds": round(time.monotonic() - start, 1),
              "summary": text.strip().splitlines()[-1] if text.strip() else ""}
    if examples:
        result["examples"] = examples
    if kills:
        result["kills"] = int(kills.group(1))
        result["phases"] = kills.group(2)
    print(test, result, flush=True)
    return result


def write_docs(fig: dict) -> None:
    h, k, f = fig.get("hostile"), fig.get("kills"), fig.get("fuzz")
    lines = [f"Machine: {fig['machine']}; run on {fig['date']} with `python benchmarks/fuzz.py --write-docs`.", ""]
    if h:
        lines += ["| command (one call, 230 inputs) | seconds | peak RSS | JSON lines | refused | tracebacks |",
                  "|---|---|---|---|---|---|"]
        for name in ("check", "cite"):
            c = h[name]
            lines.append(f"| `assistant {name} --json` | {c['seconds']} | {c['peak_rss_mb']} MB | {c['lines']} "
                         f"| {c['refused']} | {c['tracebacks']} |")
        i = h["index"]
        lines += ["", f"`assistant index --no-embed` of the same directory: {i['seconds']} s, peak RSS "
                      f"{i['peak_rss_mb']} MB, {i['added']} files added ({i['chunks']} chunks), {i['failed']} refused "
                      f"with a message, {i['tracebacks']} tracebacks."]
    if f:
        lines += ["", f"Fuzzing (tests/test_fuzz.py, FUZZ_EXAMPLES=20, random seeds): {f.get('examples', '?')} "
                      f"examples, {'all passed' if f['passed'] else 'FAILED: ' + f['summary']}, {f['seconds']} s."]
    if k:
        phases = Counter(ast.literal_eval(k["phases"])) if k.get("phases") else {}
        where = "、".join(f"{name} {n}" for name, n in phases.items()) or "?"
        lines += ["", f"SIGKILL (tests/test_crash_safety.py, CRASH_KILLS=20): {k.get('kills', '?')} kills, by the state "
                      f"they left: {where}; final run equal to a clean run (documents, chunks, embedded, vector ids): "
                      f"{'yes' if k['passed'] else 'NO'} ({k['seconds']} s in all)."]
    text = DOC.read_text(encoding="utf-8")
    block = "## Measured\n\n" + "\n".join(lines).strip() + "\n\n"
    pattern = re.compile(r"^## Measured\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    DOC.write_text(text.rstrip() + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["hostile", "fuzz", "kills"])
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    fig: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                 "date": time.strftime("%Y-%m-%d")}
    if args.only in (None, "hostile"):
        fig["hostile"] = hostile()
    if args.only in (None, "fuzz"):
        fig["fuzz"] = pytest_figures("tests/test_fuzz.py", {"FUZZ_EXAMPLES": "20", "FUZZ_RANDOM": "1"})
    if args.only in (None, "kills"):
        fig["kills"] = pytest_figures("tests/test_crash_safety.py", {"CRASH_KILLS": "20"}, "sigkill")
    if args.write_docs:
        write_docs(fig)
    print(json.dumps(fig, ensure_ascii=False))


if __name__ == "__main__":
    main()
