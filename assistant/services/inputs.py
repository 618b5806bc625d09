"""What the user gave: a file path or pasted text, decided in one place for the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.documents.reading import read_document, read_text_input
from assistant.errors import DocumentError
from assistant.models import SourceText

# Suffixes that mark an argument as a file name the user meant (and mistyped), not text to read.
FILE_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".doc", ".wps")


@dataclass
class Input:
    source: SourceText
    path: str | None  # None when the input was text

    @property
    def label(self) -> str:
        return self.path or "（输入文字）"


def read_file(path: str | Path) -> SourceText:
    return read_document(Path(path))


def read_input(arg: str) -> Input:
    """An argument naming an existing file is read as that file; anything else is taken as text."""
    p = Path(arg)
    try:
        is_file = len(arg) < 1024 and "\n" not in arg and p.exists()
    except (OSError, ValueError):  # a NUL byte or an over-long name is text, not a path
        is_file = False
    if is_file:
        return Input(read_document(p), str(p))
    if "《" not in arg and " " not in arg.strip() and arg.lower().endswith(FILE_SUFFIXES):
        raise DocumentError(f"找不到文件：{arg}（file not found）", hint="如要核查一段文字，请直接输入含《》的文字")
    if not arg.strip():
        raise DocumentError("输入为空：请给出文件路径或含《》的文字")
    return Input(read_text_input(arg), None)


def read_text_or_file(text: str | None, file: str | None) -> SourceText:
    """The UI's pair of inputs: an uploaded file wins over pasted text; nothing at all is a clear error."""
    if file:
        return read_document(Path(file))
    if text and text.strip():
        return read_text_input(text)
    raise DocumentError("请粘贴公文文字或上传文件（.txt/.docx/.pdf）")


def read_facts(facts: str | None, stdin_text: str | None = None) -> str:
    """Drafting material: a file's text, standard input ("-") or nothing."""
    if not facts:
        return ""
    if facts == "-":
        return stdin_text or ""
    return read_document(Path(facts)).text
