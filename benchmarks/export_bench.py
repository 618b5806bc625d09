"""Word export figures: time to export the seed, time to check the typography of a 10-page .docx, and the
layout LibreOffice renders (characters per body line, lines per page, pages, where the 版记 sits).

    python benchmarks/export_bench.py [--write-docs]

With --write-docs the figures replace the "Word export" section of docs/benchmarks.md (other sections are
left alone) and the seed's first page is saved as docs/figures/export_seed_page1.png. Needs ../shared for the
seed and `soffice` + `pdftoppm` for the rendered figures (skipped, and said so, when absent).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_section import replace_block  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_ae7bc27bfd6d05d1.txt"
DOCS = ROOT / "docs" / "benchmarks.md"
FIGURE = ROOT / "docs" / "figures" / "export_seed_page1.png"

PROSE = ("全年组织开展行政执法案卷评查，逐卷检查执法程序、证据材料和法律适用情况，对发现的问题逐项整改到位，"
         "并将评查结果纳入年度法治建设考核。")


def ten_page_document():
    from assistant.models import OfficialDocument, Paragraph, Section

    sections = [Section(level=1, number=f"{n}、", heading="工作情况", line=0, children=[
        Section(level=2, number=f"（{m}）", heading="主要做法", line=0,
                paragraphs=[Paragraph(PROSE * 2, 0) for _ in range(3)]) for m in "一二三"])
        for n in "一二三四"]
    return OfficialDocument(title="示例县司法局关于2024年法治政府建设情况的报告", recipients=["县委", "县政府"],
                            sections=sections, issuer="示例县司法局", date="2025年1月20日",
                            cc=["县委依法治县办"], print_org="示例县司法局办公室", print_date="2025年1月20日印发")


def median_ms(fn, runs: int) -> float:
    fn()  # warm: imports, rule file, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(workdir: Path) -> dict:
    from assistant.export.rendering import measure_pdf, render_pdf, soffice
    from assistant.export.word import write_docx
    from assistant.rules.layout import check_layout
    from assistant.services.export import export_file

    out: dict = {"soffice": soffice() is not None, "seed": SEED.exists()}
    long_docx = write_docx(ten_page_document(), workdir / "ten_pages.docx")
    out["check_ms"] = median_ms(lambda: check_layout(long_docx), 10)
    out["check_findings"] = len(check_layout(long_docx))
    if out["soffice"]:
        out["ten_pages"] = measure_pdf(render_pdf(long_docx, workdir)).page_count
    if not out["seed"]:
        return out
    seed_docx = workdir / "seed.docx"
    out["export_ms"] = median_ms(lambda: export_file(SEED, seed_docx), 5)
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "assistant", "export", str(SEED), "-o", str(workdir / "cli.docx")],
                   check=True, capture_output=True)
    out["export_cli_s"] = time.perf_counter() - started
    out["export_cli_cpu_s"] = _children_cpu() - cpu
    out["seed_findings"] = [f.rule for f in check_layout(seed_docx)]
    if out["soffice"]:
        pdf = render_pdf(seed_docx, workdir)
        m = measure_pdf(pdf)
        out.update(pages=m.page_count, chars=m.chars_per_line, lines=m.lines_per_page,
                   per_page=[len(p.lines) for p in m.pages], sides=[p.page_number_side for p in m.pages],
                   imprint_gap=m.last_line_gap_mm("印发"), pdf=pdf)
    return out


def section(r: dict) -> str:
    lines = ["## Word export", "",
             "`python benchmarks/export_bench.py --write-docs` (LibreOffice "
             f"{_lo_version()}, fonts: only fonts-wqy-microhei, which stands in for 仿宋_GB2312 and the other "
             "named fonts). Targets from issue 15 in brackets.", "",
             "| figure | value |", "|---|---|"]
    if r["seed"]:
        lines.append(f"| export of the seed, in process (median of 5, warm) [≤ 1 s] | {r['export_ms']:.0f} ms |")
        lines.append(f"| `assistant export` of the seed, whole command incl. Python start-up: wall (CPU) | "
                     f"{r['export_cli_s']:.2f} s ({r['export_cli_cpu_s']:.2f} s CPU; load average "
                     f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores) |")
        lines.append(f"| layout.* findings on the exported seed [0] | {len(r['seed_findings'])} |")
    lines.append(f"| layout check of a {r.get('ten_pages', 10)}-page .docx (median of 10, warm) [≤ 300 ms] | "
                 f"{r['check_ms']:.0f} ms |")
    if r["seed"] and r["soffice"]:
        lines += [f"| seed rendered: median characters per body line [28 ± 1] | {r['chars']:g} |",
                  f"| seed rendered: lines per full page (median) [22 ± 1] | {r['lines']:g} |",
                  f"| seed rendered: lines on each page | {', '.join(map(str, r['per_page']))} |",
                  f"| seed rendered: pages [≤ 5] | {r['pages']} |",
                  f"| 版记: last line's top above the foot of the 版心 | {r['imprint_gap']:.1f} mm |",
                  f"| page-number sides | {', '.join(r['sides'])} |"]
    elif not r["soffice"]:
        lines.append("| rendered figures | not measured: soffice not installed |")
    if not r["seed"]:
        lines.append("| seed figures | not measured: ../shared/seed absent |")
    lines += ["", "The seed's first page as LibreOffice renders the export:", "",
              "![seed, page 1](figures/export_seed_page1.png)", ""]
    return "\n".join(lines)


def _lo_version() -> str:
    from assistant.export.rendering import soffice

    exe = soffice()
    if exe is None:
        return "not installed"
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    parts = done.stdout.split()
    return parts[1] if len(parts) > 1 else "?"


def save_figure(pdf: Path) -> None:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not installed: figure not written")
        return
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "80", "-png", "-singlefile", str(pdf),
                    str(FIGURE.with_suffix(""))], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        r = measure(Path(tmp))
        text = section(r)
        print(text)
        if args.write_docs:
            replace_block(text)
            if r.get("pdf"):
                save_figure(r["pdf"])
            print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
