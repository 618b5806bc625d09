"""Reading documents: .txt / .md / .docx / .pdf (and pasted text) → `SourceText` (paragraphs with line numbers).

- Text files: strict decoding (BOM → UTF-8 → GB18030 when the result is plausible Chinese → charset-normalizer
  when it is confident); anything else is refused, never shown as mojibake.
- .docx: body paragraphs and table rows in document order, automatic numbering rendered as text ("一、",
  "（一）", "1."), the paragraph style name kept (Heading 1, Title …).
- .pdf: the pypdf text layer; no text at all → NeedsOCRError.
- Line-wrap repair (`repair_wraps`) for txt/md/pdf/pasted text: lines broken mid-sentence (PDF extraction) are
  rejoined; headings, 公文 header/footer lines, dates and real paragraph ends are never merged.
- Every paragraph gets its whitespace normalised (`normalize_spaces`): "2023 年" → "2023年".
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.documents.numbering import (
    DOC_NUMBER_TAIL_RE,
    ENUM_MARK,
    LOOSE_ARTICLE_MARK,
    LOOSE_DATE,
    LOOSE_SEQ_MARK,
    LOOSE_UNIT_MARK,
)
from assistant.errors import DocumentError, NeedsOCRError
from assistant.models import Paragraph, SourceText

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf"}
SUPPORTED_TEXT = "、".join(s for s in SUPPORTED_SUFFIXES if s != ".markdown")
DEFAULT_MAX_FILE_MB = 20.0
# Sum of uncompressed member sizes a .docx may have (guards against zip bombs).
MAX_DOCX_UNZIPPED_MB = 300
OCR_MESSAGE = "该PDF没有文字层（可能是扫描件），需要先做OCR识别"

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
        if fmt == "docx":
            paragraphs = _read_docx(p)
            encoding = None
        elif fmt == "pdf":
            paragraphs = repair_wraps(_read_pdf_lines(p))
            encoding = None
        else:
            text, encoding = decode_text(_read_bytes(p), name=name)
            paragraphs = repair_wraps(split_lines(text))
    except DocumentError:
        raise
    except MemoryError:
        raise DocumentError(f"文件内容过大，内存不足，无法读取：{name}（out of memory）") from None
    if not paragraphs:
        raise DocumentError(f"文件中没有可读的文字：{name}（no text）")
    return SourceText(paragraphs=paragraphs, path=str(p), format=fmt, encoding=encoding)


def read_text_input(text: str) -> SourceText:
    """Text pasted directly (UI text box, stdin): same wrap repair and normalisation as a .txt file."""
    if text is None or not text.strip():
        raise DocumentError("输入的内容是空的（empty text）")
    paragraphs = repair_wraps(split_lines(text.lstrip("\ufeff")))
    if not paragraphs:
        raise DocumentError("输入的内容中没有可读的文字（no text）")
    return SourceText(paragraphs=paragraphs, path=None, format="text", encoding=None)


def split_lines(text: str) -> list[str]:
    """Physical lines as an editor numbers them (\\r\\n, \\r or \\n)."""
    return re.split(r"\r\n|\r|\n", text)


def _max_file_mb() -> float:
    try:
        from assistant.settings import get_settings

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


# ---------------------------------------------------------------------------------------------------------
# Whitespace normalisation
# ---------------------------------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# CJK ideographs, kana, CJK symbols and punctuation, full-width forms, and the quotes/dashes Chinese text uses.
_CJK_CHARS = (r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
              r"\uff01-\uffef\u2014\u2015\u2018-\u201f\u2026\u00b7\u2460-\u24ff")
_CJK_RE = re.compile(f"[{_CJK_CHARS}]")
# A space right after these prefixes is a separator, not a stray: "第一条 为了…", "## 第一章 总则",
# "2021年8月20日 第十三届…通过" (regulation header lines), markdown markers "# " / "- ".
_KEEP_PREFIX = re.compile(
    r"^(?:#{1,6}[ \t]+|[-*+>][ \t]+)?"
    r"(?:第[零〇○一二三四五六七八九十百千万\d]+[条章节编](?:之[一二三四五六七八九十]+)?"
    r"|第[零〇○一二三四五六七八九十百千万\d]+部分"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?(?=[ \t\u3000\u00a0])"
)
_MD_PREFIX = re.compile(r"^(?:#{1,6}|[-*+>])(?=[ \t])")


_IDEO_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \u00a0]*\u3000[\u3000 \u00a0]*(?=[\u4e00-\u9fff])")


def _is_cjk(c: str) -> bool:
    return bool(_CJK_RE.match(c))


def normalize_spaces(text: str) -> str:
    """Strip (incl. full-width indentation), drop zero-width characters, and remove stray spaces next to CJK:
    "2023 年" → "2023年", "法治政府 建设" → "法治政府建设". Spaces between Latin words stay (collapsed to one)."""
    text = text.translate(_ZERO_WIDTH).strip(" \t\f\v\u00a0\u3000")
    # A full-width space typed between two words ("张某某　县长") is deliberate, unlike the ASCII spaces
    # PDF extraction scatters ("2023 年"): treat it like a tab.
    text = _IDEO_GAP.sub("\t", text)
    if "\t" in text:
        # A tab inside a line separates things (发文字号⇥签发人, 印发机关⇥日期): it stays one space.
        return " ".join(normalize_spaces(part) for part in re.split(r"[ \u3000]*\t[\t \u3000]*", text))
    text = _SPACES.sub(" ", text).strip()
    if " " not in text:
        return text
    m = _KEEP_PREFIX.match(text)
    if m and m.group(0) and not _MD_PREFIX.fullmatch(m.group(0)):
        head = m.group(0)
        md = _MD_PREFIX.match(head)
        if md:  # "## 第一章" → keep the markdown marker and its space, normalise the rest of the prefix
            marker, rest = head[: md.end()], head[md.end():].strip()
            head = f"{marker} {_squeeze(rest)}"
        else:
            head = _squeeze(head)
        return f"{head} {_squeeze(text[m.end():].strip())}"
    md = _MD_PREFIX.match(text)
    if md:
        return f"{text[: md.end()]} {_squeeze(text[md.end():].strip())}"
    return _squeeze(text)


def _squeeze(text: str) -> str:
    if " " not in text:
        return text
    parts = text.split(" ")
    out = [parts[0]]
    for part in parts[1:]:
        if not part:
            continue
        left = out[-1][-1:] if out[-1] else ""
        right = part[0]
        if "|" in (left, right):  # table cells "项目 | 数量" keep their separator
            out.append(part)
        elif left and (_is_cjk(left) or _is_cjk(right)) and not (_is_latin(left) or _is_latin(right)):
            out[-1] += part
        else:
            out.append(part)
    return " ".join(x for x in out if x)


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


# ---------------------------------------------------------------------------------------------------------
# Line-wrap repair
# ---------------------------------------------------------------------------------------------------------

# Lines that always start a new paragraph: 层次序数, 条/章/节, enumerations, bullets, markdown/html blocks.
_BLOCK_START = re.compile(
    rf"^(?:{LOOSE_SEQ_MARK}|{LOOSE_ARTICLE_MARK}|{LOOSE_UNIT_MARK}|{ENUM_MARK}"
    r"|——|--|[•·●◆■□▪▶★☆]"
    r"|#{1,6}\s|[-*+>]\s|\||```|<!--|<[A-Za-z/]"
    r"|附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?"
    r"|(?:签发人|抄送|主送|印发|来源|联系人|联系电话|电话|发布日期|发布时间|责任编辑|密级|紧急程度|附注|发文机关|发文字号)\s*[：:]"
    r")"
)
# Headings (a line starting with one of these does not absorb the next line unless the layout wrapped it).
_HEADING = re.compile(rf"^(?:{LOOSE_SEQ_MARK}|{LOOSE_UNIT_MARK}|#{{1,6}}\s)")
_ENUM = re.compile(rf"^{ENUM_MARK}")  # 一是… as a line of its own is a sub-heading, in a paragraph it is not
# 主送机关 / salutation: "区委、区政府：", "各位代表：" (but not a wrapped "报告如下：").
_RECIPIENTS = re.compile(r"^[^。，,；;：:]{2,28}[：:]$")
_DATE_LINE = re.compile(rf"^{LOOSE_DATE}\s*(?:印发|发布|通过|施行)?$")
_DATE_START = re.compile(rf"^{LOOSE_DATE}[ \t\u3000]")  # "2021年8月20日 第十三届…通过" (regulation history)
_BRACKETED = re.compile(r"^[（(][^（）()]{1,40}[）)]$")  # （此件主动公开） （2010年…通过）
_PRINT_LINE = re.compile(r"印发$")
_PAGE_NUMBER = re.compile(r"^[—\-－–~～]\s*\d{1,4}\s*[—\-－–~～]$|^第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$")
_TITLE_LIKE = re.compile(r"关于.{2,}(?:报告|请示|通知|意见|决定|批复|函|纪要|方案|总结|计划|规划|办法|规定|细则|条例|公告|"
                         r"通告|通报|议案|决议|命令|的?函)$")
_SENTENCE_END = set("。！？!?；;：:…．.")
_CLOSERS = set("”’」』）)】〕》>\"'")
_OPENERS = set("（(《“‘「『【〔<")
_STRONG_CONT_END = set("，,、") | _OPENERS
_CONT_START = set("，,。、；;：:？?！!）)》”’」』】〕…%％")
_INTERNAL_CLAUSE = re.compile(r"[，。；]")
LONG_LINE = 40  # display width from which a line that stops mid-sentence is a wrap, whatever the layout


def _width(s: str) -> float:
    """Printed width in full-width characters: ASCII counts half."""
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def _ends_sentence(s: str) -> bool:
    s = s.rstrip()
    while s and s[-1] in _CLOSERS:
        s = s[:-1]
        if s and s[-1] in _SENTENCE_END:
            return True
        if not s or s[-1] not in _CLOSERS:
            return False
    return bool(s) and s[-1] in _SENTENCE_END


def _is_block_start(s: str) -> bool:
    return bool(
        _BLOCK_START.match(s)
        or _DATE_LINE.match(s)
        or _DATE_START.match(s)
        or DOC_NUMBER_TAIL_RE.search(s)
        or _BRACKETED.match(s)
        or (_PRINT_LINE.search(s) and len(s) <= 60)
        or (_RECIPIENTS.match(s) and not re.search("如下|以下|下列", s))
    )


def _is_header_line(s: str) -> bool:
    """公文 lines that never continue into the next line: 发文字号, dates, ××文件, titles (关于…的报告)."""
    return bool(
        DOC_NUMBER_TAIL_RE.search(s)
        or _DATE_LINE.match(s)
        or (s.endswith("文件") and len(s) <= 30)
        or (_TITLE_LIKE.search(s) and len(s) <= 80)
    )


def _lines_widths(lines: list[str]) -> list[float]:
    return [_width(_SPACES.sub(" ", x).rstrip()) if x.strip() else 0.0 for x in lines]


def _fixed_width(line_widths: list[float]) -> float | None:
    """If most lines are equally long (a PDF with a fixed text width), that width; else None."""
    widths = [w for w in line_widths if w >= 8]
    if len(widths) < 5:
        return None
    halves = Counter(round(x * 2) for x in widths)  # widths are multiples of 0.5
    best_w, best_n = 0.0, 0
    for w in sorted({round(x) for x in widths}):
        n = sum(halves.get(h, 0) for h in range(2 * w - 3, 2 * w + 2))  # w - 1.5 … w + 0.5
        if n >= best_n:
            best_w, best_n = float(w), n
    longer = sum(1 for x in widths if x > best_w + 1)
    # Real page layouts hold 20+ characters a line (公文: 28); narrower clusters are lists of short lines.
    if best_w >= 20 and best_n >= max(4, 0.3 * len(widths)) and longer <= 0.1 * len(widths):
        return best_w
    return None


def _unclosed(s: str) -> bool:
    """A bracket, book-title mark or quote opened and not closed on the line: "细颗粒物（PM"."""
    return any(s.count(a) > s.count(b) for a, b in ("（）", "()", "《》", "“”", "〔〕", "【】"))


def _should_join(prev_line: str, prev_width: float, prev_is_first: bool, nxt: str, gap: int,
                 fixed: float | None) -> bool:
    """prev_line: the last physical line of the paragraph so far (stripped) and its width as laid out
    (indentation included); nxt: the next non-empty line; gap: blank lines between them; prev_is_first: the
    paragraph so far is a single line."""
    if gap > 1:
        return False
    if nxt[0] in _CONT_START:  # a paragraph never starts with a closing mark or a comma
        return not _is_block_start(nxt)
    if _is_block_start(nxt) or _ends_sentence(prev_line):
        return False
    if _is_header_line(prev_line) or _PAGE_NUMBER.match(prev_line):
        return False
    # An inline heading that runs on into body text ("1.加强领导。全年召开……") is body text here.
    heading = prev_is_first and not ("。" in prev_line and _width(prev_line) >= LONG_LINE) and bool(
        _HEADING.match(prev_line) or (_ENUM.match(prev_line) and "。" not in prev_line))
    w = prev_width
    full = fixed is not None and w >= fixed - 2.5
    if prev_line[-1] in _STRONG_CONT_END or _unclosed(prev_line):
        # "聘请法律顾问及公职律师，" / blank / "为重大行政决策…"; a heading only when the layout wraps it
        return not heading or full
    if heading:
        return fixed is not None and w >= fixed - 1.5
    if re.match(r"^(?:签发人|抄送|主送|附件)", prev_line):
        return False
    if full:
        return True
    if w >= LONG_LINE:
        # Without a fixed layout, a line ending right after a closing quote/bracket ended a phrase, most
        # likely the paragraph with its 。 missing ("…确保“一清水永续北上”").
        return prev_line[-1] not in _CLOSERS
    # A shorter line cut mid-sentence: it already holds a clause ("经济增速是综合性指标，今年预期目标设定").
    return w >= 10 and bool(_INTERNAL_CLAUSE.search(prev_line[:-1])) and fixed is None and gap == 0


def _join(a: str, b: str) -> str:
    # English words broken across lines keep a space; Chinese (and "PM" + "2.5") join directly.
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def repair_wraps(lines: list[str], *, first_line: int = 1) -> list[Paragraph]:
    """Physical lines → paragraphs. Joins lines broken mid-sentence (with at most one blank line inside the
    break), keeps headings, 公文 header/footer lines, dates and real paragraph ends apart, normalises spaces.
    `first_line` is the number of lines[0] (1-based)."""
    cleaned = [ln.translate(_ZERO_WIDTH).replace("\f", " ") for ln in lines]
    widths = _lines_widths(cleaned)
    fixed = _fixed_width(widths)
    out: list[Paragraph] = []
    cur: list[str] = []  # stripped physical lines of the paragraph being built
    last_width = 0.0  # layout width of cur[-1], indentation included
    cur_line = 0
    gap = 0

    def flush() -> None:
        if cur:
            text = cur[0]
            for part in cur[1:]:
                text = _join(text, part)
            text = normalize_spaces(text)
            if text:
                out.append(Paragraph(text=text, line=cur_line))
            cur.clear()

    for i, raw in enumerate(cleaned):
        s = raw.strip()
        if not s:
            gap += 1
            continue
        if cur and _should_join(cur[-1], last_width, len(cur) == 1, s, gap, fixed):
            cur.append(s)
        else:
            flush()
            cur.append(s)
            cur_line = first_line + i
        last_width = widths[i]
        gap = 0
    flush()
    return out


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


def _read_pdf_lines(p: Path) -> list[str]:
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
                for ln in split_lines(text):
                    # Page numbers ("— 3 —") are layout, not content; keep the line slot so numbers stay right.
                    lines.append("" if _PAGE_NUMBER.match(ln.strip()) else ln)
        except DocumentError:
            raise
        except (PyPdfError, Exception) as err:  # malformed PDFs make pypdf raise almost anything
            raise DocumentError(f"无法读取 PDF 文件“{name}”：文件已损坏或格式不受支持（corrupt PDF: "
                                f"{type(err).__name__}）") from None
    if not any(ln.strip() for ln in lines):
        raise NeedsOCRError(OCR_MESSAGE, hint="请用 OCR 软件（如 WPS、Adobe Acrobat、Umi-OCR）识别后另存为文字 PDF 或 .docx")
    return lines


# ---------------------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _read_docx(p: Path) -> list[Paragraph]:
    name = p.name
    with open(p, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(f"“{name}”实际是旧版 Word（.doc）文件，只是扩展名为 .docx（legacy .doc）",
                            hint="请在 Word 或 WPS 中“另存为” .docx 后再试")
    corrupt = DocumentError(f"无法读取 Word 文件“{name}”：文件已损坏或不是 .docx 格式（corrupt .docx）",
                            hint="请用 Word 或 WPS 打开后重新保存为 .docx")
    if not magic.startswith(b"PK"):
        raise corrupt
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            unzipped = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise corrupt from None
    if "word/document.xml" not in names:
        raise corrupt
    if unzipped > MAX_DOCX_UNZIPPED_MB * 1024 * 1024:
        raise DocumentError(f"Word 文件“{name}”解压后过大（超过 {MAX_DOCX_UNZIPPED_MB} MB），已拒绝读取（too large）")

    import docx
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(str(p))
        numbering = _Numbering(document)
        out: list[Paragraph] = []
        counter = 0
        for kind, el in _iter_body(document.element.body):
            counter += 1
            if kind == "p":
                # Text boxes anchored in this paragraph (WPS/Word put 发文机关标志 or 版记 there sometimes).
                for box_p in _text_box_paragraphs(el):
                    text = normalize_spaces(_paragraph_text(box_p).replace("\n", " "))
                    if text:
                        out.append(Paragraph(text=text, line=counter, style="Text Box"))
                para = DocxParagraph(el, document)
                style = _style_name(para)
                prefix = numbering.render(el, para)
                text = _paragraph_text(el)
                if not text.strip():
                    continue
                if prefix:
                    text = prefix + text
                # Soft line breaks inside one paragraph (a signature block, a two-line title) → separate lines.
                for piece in text.split("\n"):
                    piece = normalize_spaces(piece)
                    if piece:
                        out.append(Paragraph(text=piece, line=counter, style=style))
            else:
                row = _row_text(el)
                if row:
                    out.append(Paragraph(text=row, line=counter, style="Table"))
    except DocumentError:
        raise
    except Exception as err:  # python-docx/lxml raise many types on malformed packages
        raise DocumentError(f"无法读取 Word 文件“{name}”：文件已损坏或格式不受支持（corrupt .docx: "
                            f"{type(err).__name__}）") from None
    return out


def _iter_body(body: Any) -> Iterator[tuple[str, Any]]:
    """Body paragraphs and table rows in document order (content controls are transparent)."""
    for child in body.iterchildren():
        tag = child.tag
        if tag == _w("p"):
            yield "p", child
        elif tag == _w("tbl"):
            for tr in child.iterchildren(_w("tr")):
                yield "tr", tr
        elif tag in (_w("sdt"), _w("customXml")):
            content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
            if content is not None:
                yield from _iter_body(content)


_SKIP_SUBTREES = {_w("del"), _w("moveFrom"), _w("txbxContent"), _w("instrText"),
                  "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_box_paragraphs(p_el: Any) -> list[Any]:
    """Paragraphs inside text boxes of one body paragraph, each once (the VML copy under mc:Fallback is
    skipped, and so are text boxes nested in text boxes)."""
    out = []
    for box in p_el.iter(_w("txbxContent")):
        if any(a.tag == _MC_FALLBACK or a.tag == _w("txbxContent") for a in box.iterancestors()):
            continue
        out.extend(box.iterchildren(_w("p")))
    return out


def _paragraph_text(p_el: Any) -> str:
    """Visible text of one w:p, including tracked insertions and hyperlinks, without deleted text."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_SUBTREES:
                continue
            if tag == _w("t"):
                parts.append(child.text or "")
            elif tag == _w("tab"):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("pPr") or tag == _w("rPr"):
                continue
            else:
                walk(child)

    walk(p_el)
    return "".join(parts)


def _row_text(tr: Any) -> str:
    cells: list[str] = []
    for tc in tr.iterchildren(_w("tc")):
        tcpr = tc.find(_w("tcPr"))
        vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
        if vmerge is not None and vmerge.get(_w("val")) in (None, "continue"):
            cells.append("")  # continuation of a vertically merged cell: its text is in the row above
            continue
        texts = [_paragraph_text(p) for p in tc.iter(_w("p"))]
        cells.append(normalize_spaces(" ".join(t.replace("\n", " ") for t in texts)))
    while cells and not cells[-1]:
        cells.pop()
    if not any(cells):
        return ""
    return " | ".join(cells)


def _style_name(para: Any) -> str | None:
    try:
        style = para.style
        return style.name if style is not None else None
    except Exception:
        return None


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _cn_number(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    zero = False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        elif out:
            zero = True
    if n < 20 and n >= 10 and digits is _CN_DIGITS:
        out = out[1:]  # 十一, not 一十一
    return out


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    # Word: A..Z, AA..ZZ, AAA…
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in an OOXML w:numFmt (decimal, chineseCounting, upperRoman, …)."""
    if fmt in ("decimal", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital", "japaneseDigitalTenThousand"):
        return _cn_number(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _cn_number(n, _CN_LEGAL, "拾佰仟")
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(n)


class _Numbering:
    """Renders automatic list numbers (w:numPr on a paragraph or its style) as text, counting in body order."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, dict[str, Any]]] = {}  # abstractNumId → ilvl → definition
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}  # numId → ilvl → current value
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part: nothing is numbered
            return
        for an in root.iterchildren(_w("abstractNum")):
            aid = an.get(_w("abstractNumId"))
            lvls: dict[int, dict[str, Any]] = {}
            for lvl in an.iterchildren(_w("lvl")):
                lvls[int(lvl.get(_w("ilvl"), "0"))] = self._level(lvl)
            self.levels[aid] = lvls
        for num in root.iterchildren(_w("num")):
            nid = num.get(_w("numId"))
            ref = num.find(_w("abstractNumId"))
            if ref is None:
                continue
            overrides: dict[int, int] = {}
            for ov in num.iterchildren(_w("lvlOverride")):
                ilvl = int(ov.get(_w("ilvl"), "0"))
                so = ov.find(_w("startOverride"))
                if so is not None:
                    overrides[ilvl] = int(so.get(_w("val"), "1"))
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    overrides.setdefault(ilvl, self._level(lvl)["start"])
            self.nums[nid] = (ref.get(_w("val")), overrides)

    @staticmethod
    def _level(lvl: Any) -> dict[str, Any]:
        def val(tag: str, default: str) -> str:
            el = lvl.find(_w(tag))
            v = el.get(_w("val")) if el is not None else None
            return v if v is not None else default

        return {"fmt": val("numFmt", "decimal"), "text": val("lvlText", ""), "start": int(val("start", "1")),
                "suff": val("suff", "tab"), "lgl": lvl.find(_w("isLgl")) is not None}

    def _num_pr(self, p_el: Any, para: Any) -> tuple[str, int] | None:
        ppr = p_el.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        if numpr is None:
            style = None
            try:
                style = para.style
            except Exception:
                style = None
            depth = 0
            while style is not None and depth < 10 and numpr is None:
                sppr = style.element.find(_w("pPr"))
                numpr = sppr.find(_w("numPr")) if sppr is not None else None
                style = style.base_style
                depth += 1
        if numpr is None:
            return None
        nid_el, ilvl_el = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
        nid = nid_el.get(_w("val")) if nid_el is not None else None
        if not nid or nid == "0":
            return None
        ilvl = int(ilvl_el.get(_w("val"), "0")) if ilvl_el is not None else 0
        return nid, ilvl

    def render(self, p_el: Any, para: Any) -> str:
        found = self._num_pr(p_el, para)
        if found is None or found[0] not in self.nums:
            return ""
        nid, ilvl = found
        aid, overrides = self.nums[nid]
        lvls = self.levels.get(aid, {})
        if ilvl not in lvls:
            return ""
        if not _paragraph_text(p_el).strip():
            return ""  # an empty numbered paragraph does not show (Word still counts it; rare in 公文)
        counters = self.counters.setdefault(nid, {})
        start = overrides.get(ilvl, lvls[ilvl]["start"])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        lvl = lvls[ilvl]
        if lvl["fmt"] in ("bullet", "none"):
            return ""

        def level_value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if k not in lvls:
                return ""
            value = counters.get(k, overrides.get(k, lvls[k]["start"]))
            fmt = "decimal" if lvl["lgl"] and k != ilvl else lvls[k]["fmt"]
            return format_number(value, fmt)

        label = re.sub(r"%([1-9])", level_value, lvl["text"])
        if not label:
            return ""
        sep = "" if lvl["suff"] == "nothing" else " "  # a space next to CJK is dropped by normalize_spaces
        return label + sep
