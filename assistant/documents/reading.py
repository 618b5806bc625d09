"""Reading documents: .txt / .md / .docx / .pdf (and pasted text) → `SourceText` (paragraphs with line numbers).

- Text files: strict decoding (BOM → UTF-8 → GB18030 when the result is plausible Chinese → charset-normalizer
  when it is confident); anything else is refused, never shown as mojibake.
- .docx: body paragraphs and table rows in document order, automatic numbering rendered as text ("一、",
  "（一）", "1."), the paragraph style name kept (Heading 1, Title …).
- .pdf: the pypdf text layer; no text at all → NeedsOCRError.
- Line-wrap repair (`repair_wraps`) for txt/md/pdf/pasted text: lines broken mid-sentence (PDF extraction) are
  rejoined; headings, 公文 header/footer lines, dates and real paragraph ends are never merged.
- Every paragraph gets its whitespace normalised (`normalize_spaces`): "2023 年" → "2023年".
- Before that, the normalisation step (`cleanup.prepare_lines`): 繁→简, page furniture, web chrome, text that
  lost its line breaks. What it did is listed in `SourceText.normalized`; line numbers stay the user's.
"""

from __future__ import annotations

from pathlib import Path

from assistant.documents.cleanup import prepare_lines
from assistant.documents.normalize import normalize_spaces, split_lines
from assistant.documents.pdf import read_pdf_lines
from assistant.documents.word import docx_notes, read_docx
from assistant.documents.wraps import repair_wraps
from assistant.errors import DocumentError
from assistant.models import Paragraph, SourceText
from assistant.settings import get_settings

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf"}
SUPPORTED_TEXT = "、".join(s for s in SUPPORTED_SUFFIXES if s != ".markdown")
DEFAULT_MAX_FILE_MB = 20.0

# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def read_document(path: str | Path, *, max_file_mb: float | None = None) -> SourceText:
    """Read one file into paragraphs. Raises DocumentError (NeedsOCRError for scanned PDFs) with a Chinese
    message for anything that cannot be read: missing, empty, too large, unsupported, corrupt, unknown encoding."""
    p = Path(path).expanduser()
    name = p.name
    suffix = p.suffix.lower()
    # Existence and folders are checked before the format: a missing file or a folder named without a
    # suffix must not be reported as an "unsupported format".
    try:
        st = p.stat()
    except FileNotFoundError:
        raise DocumentError(f"找不到文件：{p}（file not found）") from None
    except OSError as err:
        raise DocumentError(f"无法访问文件：{p}（{err.strerror or err}）") from None
    if p.is_dir():
        raise DocumentError(f"这是一个文件夹，不是文件：{p}（is a directory）")
    fmt = SUPPORTED_SUFFIXES.get(suffix)
    if fmt is None:
        hint = "请在 Word 或 WPS 中“另存为” .docx 后再试" if suffix in {".doc", ".wps", ".rtf", ".odt"} else None
        shown = suffix or "（无扩展名）"
        raise DocumentError(f"不支持的文件格式“{shown}”：{name}。支持的格式：{SUPPORTED_TEXT}（unsupported format）",
                            hint=hint)
    if st.st_size == 0:
        raise DocumentError(f"文件是空的（0 字节）：{name}（empty file）")
    limit = _max_file_mb() if max_file_mb is None else max_file_mb
    if st.st_size > limit * 1024 * 1024:
        raise DocumentError(
            f"文件太大：{name} 有 {st.st_size / 1024 / 1024:.1f} MB，超过上限 {limit:g} MB（file too large）",
            hint="请拆分文件后再读取，或用环境变量 ASSISTANT_MAX_FILE_MB 提高上限",
        )
    try:
        encoding = None
        if fmt == "docx":
            paragraphs, notes = _normalize_docx(read_docx(p))
            notes = docx_notes(p) + notes  # tracked changes read as accepted, comments left out
        elif fmt == "pdf":
            lines, page_starts = read_pdf_lines(p)
            paragraphs, notes = _paragraphs(lines, page_starts=page_starts)
        else:
            text, encoding = decode_text(_read_bytes(p), name=name)
            paragraphs, notes = _paragraphs(split_lines(text))
    except DocumentError:
        raise
    except MemoryError:
        raise DocumentError(f"文件内容过大，内存不足，无法读取：{name}（out of memory）") from None
    if not paragraphs:
        raise DocumentError(f"文件中没有可读的文字：{name}（no text）")
    return SourceText(paragraphs=paragraphs, path=str(p), format=fmt, encoding=encoding, normalized=notes)


def read_text_input(text: str) -> SourceText:
    """Text pasted directly (UI text box, stdin): same wrap repair and normalisation as a .txt file."""
    if text is None or not text.strip():
        raise DocumentError("输入的内容是空的（empty text）")
    # Lone surrogates (bytes a terminal could not decode, arriving through argv) become U+FFFD.
    text = text.encode("utf-8", "replace").decode("utf-8")
    paragraphs, notes = _paragraphs(split_lines(text.lstrip("\ufeff")))
    if not paragraphs:
        raise DocumentError("输入的内容中没有可读的文字（no text）")
    return SourceText(paragraphs=paragraphs, path=None, format="text", encoding=None, normalized=notes)


def _paragraphs(lines: list[str], *, page_starts: list[int] | None = None) -> tuple[list[Paragraph], list[str]]:
    """Physical lines → (paragraphs, what the normalisation step did)."""
    prep = prepare_lines(lines, page_starts=page_starts)
    paragraphs = repair_wraps(prep.lines, numbers=prep.numbers, starts=prep.starts,
                              originals=prep.originals if prep.converted else None)
    return paragraphs, prep.notes


def _normalize_docx(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[str]]:
    """The normalisation step on .docx paragraphs (real paragraphs: no wrap repair, styles kept)."""
    prep = prepare_lines([p.text for p in paragraphs], numbers=[p.line for p in paragraphs])
    if not prep.notes:
        return paragraphs, []
    out = []
    for text, original, k in zip(prep.lines, prep.originals, prep.sources, strict=True):
        text, original = normalize_spaces(text), normalize_spaces(original)
        if text:
            src = paragraphs[k]
            out.append(Paragraph(text=text, line=src.line, style=src.style,
                                 original=original if original != text else None))
    return out, prep.notes


def _max_file_mb() -> float:
    try:

        return float(get_settings().max_file_mb)
    except Exception:  # settings unreadable → the built-in default still protects memory
        return DEFAULT_MAX_FILE_MB


def _read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as err:
        raise DocumentError(f"无法读取文件：{p.name}（{err.strerror or err}）") from None


# ---------------------------------------------------------------------------------------------------------
# Encoding detection
# ---------------------------------------------------------------------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]


def decode_text(data: bytes, *, name: str = "文件") -> tuple[str, str]:
    """Bytes → (text, encoding). Order: BOM, UTF-8, UTF-16 without BOM, GB18030 (only when the result reads
    like Chinese), then charset-normalizer (only when confident). Otherwise DocumentError: never mojibake."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc.replace("-sig", "-bom")
            except UnicodeDecodeError:
                raise _encoding_error(name, f"文件开头标明是 {enc.upper()}，但内容不符") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.start > 0:
            # Only the last character was cut off (file truncated mid-character): drop that fragment.
            try:
                return data[: err.start].decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
    sample = data[:65536]
    if sample.count(0) > len(sample) // 8:
        text = _try_utf16_without_bom(data)
        if text is not None:
            return text
        raise DocumentError(f"“{name}”不是文本文件（binary data）",
                            hint="请选择 .txt、.md、.docx 或 .pdf 文件")
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    raise _encoding_error(name, "已尝试 UTF-8、GB18030/GBK、UTF-16 等")


def _encoding_error(name: str, detail: str) -> DocumentError:
    return DocumentError(f"无法识别“{name}”的文字编码（{detail}），为避免乱码已停止读取（unknown encoding）",
                         hint="请用记事本或 WPS 将文件另存为 UTF-8 编码后再试")


def _try_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    even_zeros = data[0::2].count(0)
    odd_zeros = data[1::2].count(0)
    enc = "utf-16-le" if odd_zeros > even_zeros else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return (text, enc.replace("_", "-")) if _few_controls(text) else None


def _few_controls(text: str) -> bool:
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\t\r\n\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad <= max(2, len(text) // 1000)


def _plausible_chinese(text: str) -> bool:
    """Real Chinese text is made mostly of the 3,755 most common characters (GB2312 level 1). Bytes of another
    encoding read as GB18030 give rare characters, private-use code points or control characters."""
    sample = text[:300_000]  # enough to judge; keeps 20 MB files fast
    if not _few_controls(sample):
        return False
    hanzi = [c for c in sample if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    if not hanzi:
        # No Chinese at all: only plain ASCII/Latin would reach here, and UTF-8 already failed on it.
        return False
    common = 0
    for c in hanzi:
        try:
            b = c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= b[0] <= 0xF7:  # GB2312 levels 1 and 2
            common += 1 if b[0] <= 0xD7 else 0.5
    return common / len(hanzi) >= 0.8


_MULTIBYTE_GUESSES = ("utf_16", "utf_32", "big5", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949")


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.chaos > 0.1:
        return None
    enc = best.encoding
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None
    if not enc.lower().startswith(_MULTIBYTE_GUESSES):
        # GB18030 was rejected above as implausible; single-byte guesses (cp1257 for Latin-1 …) are coin flips
        # that would show mojibake, so they are refused too.
        return None
    return (text, enc.replace("_", "-")) if _few_controls(text) else None


