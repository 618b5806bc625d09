"""Reading .pdf files: the pypdf text layer, page by page; no text at all → NeedsOCRError."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.documents.normalize import split_lines
from assistant.errors import DocumentError, NeedsOCRError

OCR_MESSAGE = "该PDF没有文字层（可能是扫描件），需要先做OCR识别"

# ---------------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------------


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


def read_pdf_lines(p: Path) -> tuple[list[str], list[int]]:
    """The text layer's lines, and the index of each page's first line (page numbers and running headers are
    removed by the normalisation step, which needs the page breaks)."""
    name = p.name
    with open(p, "rb") as fh:
        head = fh.read(1024)
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise DocumentError(f"无法读取 PDF 文件“{name}”：这不是有效的 PDF 文件（not a PDF）")
    if b"%%EOF" not in tail:
        raise DocumentError(f"无法读取 PDF 文件“{name}”：文件不完整，可能下载或复制时中断了（truncated PDF）",
                            hint="请重新获取完整的文件")
    import pypdf
    from pypdf.errors import PyPdfError

    lines: list[str] = []
    page_starts: list[int] = []
    with _quiet("pypdf"):
        try:
            reader = pypdf.PdfReader(str(p), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception:
                    ok = 0
                if not ok:
                    raise DocumentError(f"PDF 文件“{name}”已加密，无法读取文字（encrypted PDF）",
                                        hint="请先解除密码保护后再试")
            pages = reader.pages
            for page in pages:
                text = page.extract_text() or ""
                page_starts.append(len(lines))
                lines.extend(split_lines(text))
        except DocumentError:
            raise
        except (PyPdfError, Exception) as err:  # malformed PDFs make pypdf raise almost anything
            raise DocumentError(f"无法读取 PDF 文件“{name}”：文件已损坏或格式不受支持（corrupt PDF: "
                                f"{type(err).__name__}）") from None
    if not any(ln.strip() for ln in lines):
        raise NeedsOCRError(OCR_MESSAGE, hint="请用 OCR 软件（如 WPS、Adobe Acrobat、Umi-OCR）识别后另存为文字 PDF 或 .docx")
    return lines, page_starts


