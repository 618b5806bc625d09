"""Render a .docx with LibreOffice and measure the layout of the PDF: characters per body line, lines per
page, pages, where the page numbers and the 版记 sit. Used by the tests and benchmarks/export_bench.py to
check the export in a real renderer (needs `soffice`; pdfplumber is a test dependency, imported lazily)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DocumentError
from assistant.export.ooxml import BODY_PT, BOTTOM_MM, TOP_MM

MM = 72 / 25.4
_SAME_LINE_PT = 3.0  # characters whose tops differ by less than this share a line


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_pdf(docx_path: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    """`soffice --headless --convert-to pdf`, with a private profile so parallel runs do not collide."""
    exe = soffice()
    if exe is None:
        raise DocumentError("未找到 LibreOffice（soffice），无法渲染 PDF")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out_dir), str(docx_path)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise DocumentError(f"LibreOffice 渲染超时（{timeout:g} 秒）：{docx_path.name}") from None
    pdf = out_dir / (docx_path.stem + ".pdf")
    if not pdf.exists():
        raise DocumentError(f"LibreOffice 未能生成 PDF：{done.stderr.strip() or done.stdout.strip()}")
    return pdf


@dataclass
class Line:
    top: float
    x0: float
    x1: float
    text: str
    size: float


@dataclass
class PageLayout:
    number: int
    lines: list[Line]  # lines inside the 版心
    footer: list[Line]  # lines below the 版心 (the page number)
    width: float
    height: float

    @property
    def page_number_side(self) -> str | None:
        marks = [ln for ln in self.footer if any(c.isdigit() for c in ln.text)]
        if not marks:
            return None
        middle = (marks[0].x0 + marks[0].x1) / 2
        return "right" if middle > self.width / 2 else "left"


@dataclass
class LayoutMeasure:
    pages: list[PageLayout] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def body_lines(self) -> list[Line]:
        """Lines set in 3号 (the body text), on every page."""
        return [ln for p in self.pages for ln in p.lines if abs(ln.size - BODY_PT) < 0.6]

    @property
    def chars_per_line(self) -> float:
        counts = [len(ln.text) for ln in self.body_lines()]
        return statistics.median(counts) if counts else 0

    @property
    def lines_per_page(self) -> float:
        """Median number of text lines on the full pages (every page but the last)."""
        full = self.pages[:-1] or self.pages
        return statistics.median(len(p.lines) for p in full) if full else 0

    def last_line_gap_mm(self, text: str) -> float | None:
        """How far above the bottom of the 版心 the last line containing `text` on the last page ends."""
        if not self.pages:
            return None
        page = self.pages[-1]
        hits = [ln for ln in page.lines if text in ln.text]
        if not hits:
            return None
        bottom = page.height - BOTTOM_MM * MM
        return (bottom - hits[-1].top) / MM


def measure_pdf(pdf_path: Path) -> LayoutMeasure:
    import pdfplumber

    result = LayoutMeasure()
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            body_top = TOP_MM * MM - 2
            body_bottom = page.height - BOTTOM_MM * MM + 2
            lines = _lines(page.chars)
            result.pages.append(PageLayout(
                number=number, width=page.width, height=page.height,
                lines=[ln for ln in lines if body_top <= ln.top < body_bottom],
                footer=[ln for ln in lines if ln.top >= body_bottom],
            ))
    return result


def _lines(chars: list[dict]) -> list[Line]:
    rows: list[list[dict]] = []
    for ch in sorted((c for c in chars if c["text"].strip()), key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - ch["top"]) < _SAME_LINE_PT:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    out = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        sizes = [c["size"] for c in row]
        out.append(Line(top=min(c["top"] for c in row), x0=row[0]["x0"], x1=row[-1]["x1"],
                        text="".join(c["text"] for c in row), size=statistics.median(sizes)))
    return out
