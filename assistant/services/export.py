"""Export to Word: a .txt/.md/.docx file, or a draft's JSON (`assistant draft --json`), written as a .docx in
the GB/T 9704-2012 layout. The result says what a complete 公文 would have had and this one left out."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.documents.reading import read_document, read_text_input
from assistant.documents.structure import parse_official
from assistant.errors import DocumentError
from assistant.export.word import left_out, write_docx
from assistant.models import SourceText

INPUT_SUFFIXES = (".txt", ".md", ".markdown", ".docx")


@dataclass
class ExportResult:
    path: Path
    input: str
    title: str | None
    paragraphs: int
    left_out: list[str] = field(default_factory=list)  # 标题, 发文机关署名, 成文日期 the input did not have
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "input": self.input, "title": self.title, "paragraphs": self.paragraphs,
                "left_out": list(self.left_out), "seconds": round(self.seconds, 3)}


def export_file(input_path: str | Path, output: str | Path, *, from_draft: bool = False) -> ExportResult:
    """Read `input_path` (a draft's JSON when `from_draft`), parse it as a 公文 and write `output` (.docx)."""
    started = time.perf_counter()
    src, out = Path(input_path), Path(output)
    if out.suffix.lower() != ".docx":
        raise DocumentError(f"输出文件须以 .docx 结尾：{out}")
    if src.exists() and out.exists() and src.resolve() == out.resolve():
        raise DocumentError(f"输出文件与输入文件相同，不会覆盖原文件：{out}", hint="请用 -o 指定另一个文件名")
    source = _draft_source(src) if from_draft else _file_source(src)
    doc = parse_official(source)
    path = write_docx(doc, out)
    return ExportResult(path=path, input=str(src), title=doc.title, paragraphs=len(source.paragraphs),
                        left_out=left_out(doc), seconds=time.perf_counter() - started)


def export_text(text: str, output: str | Path) -> ExportResult:
    """A draft's text (the chat's and the 起草 tab's export), laid out like a file's."""
    started = time.perf_counter()
    if not text or not text.strip():
        raise DocumentError("还没有可导出的草稿，请先起草")
    source = read_text_input(text)
    doc = parse_official(source)
    path = write_docx(doc, Path(output))
    return ExportResult(path=path, input="（草稿）", title=doc.title, paragraphs=len(source.paragraphs),
                        left_out=left_out(doc), seconds=time.perf_counter() - started)


def _file_source(src: Path) -> SourceText:
    if src.suffix.lower() not in INPUT_SUFFIXES and src.exists() and not src.is_dir():
        raise DocumentError(f"不能导出“{src.suffix or '（无扩展名）'}”文件：{src.name}。可导出 .txt、.md、.docx，"
                            "或用 --from-draft 导出 assistant draft --json 的结果")
    return read_document(src)


def _draft_source(src: Path) -> SourceText:
    """The text of a draft's JSON: an object with "text" (draft, skeleton), or a list of such objects."""
    try:
        data = json.loads(src.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DocumentError(f"找不到文件：{src}（file not found）") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DocumentError(f"无法读取草稿文件：{src}（{err}）") from None
    except json.JSONDecodeError as err:
        raise DocumentError(f"草稿文件不是 JSON：{src.name}（第{err.lineno}行：{err.msg}）",
                            hint="--from-draft 需要 assistant draft --json 输出的内容") from None
    items = data if isinstance(data, list) else [data]
    texts = [item.get("text") for item in items if isinstance(item, dict)]
    if not texts or not all(isinstance(t, str) for t in texts):
        raise DocumentError(f"草稿文件中没有 text 字段：{src.name}",
                            hint="--from-draft 需要 assistant draft --json 输出的内容")
    text = "\n".join(t for t in texts if t.strip())
    if not text.strip():
        raise DocumentError(f"草稿是空的：{src.name}")
    return read_text_input(text)


__all__ = ["ExportResult", "export_file", "export_text"]
