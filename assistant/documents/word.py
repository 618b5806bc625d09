""".docx reading: body paragraphs and table rows in document order, automatic numbering rendered as text ("一、",
"（一）", "1."), the paragraph style name kept (Heading 1, Title …), text boxes included.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.documents.normalize import normalize_spaces
from assistant.errors import DocumentError
from assistant.models import Paragraph

# Sum of uncompressed member sizes a .docx may have (guards against zip bombs).
MAX_DOCX_UNZIPPED_MB = 300

# ---------------------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def read_docx(p: Path) -> list[Paragraph]:
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

    try:
        document = docx.Document(str(p))
        numbering = _Numbering(document)
        styles = _StyleIndex(document)
        out: list[Paragraph] = []
        counter = 0
        for kind, el in iter_body(document.element.body):
            counter += 1
            if kind == "p":
                # Text boxes anchored in this paragraph (WPS/Word put 发文机关标志 or 版记 there sometimes).
                for box_p in _text_box_paragraphs(el):
                    text = normalize_spaces(_paragraph_text(box_p).replace("\n", " "))
                    if text:
                        out.append(Paragraph(text=text, line=counter, style="Text Box"))
                para_style = styles.of(el)
                style = _style_name(para_style, el)
                prefix = numbering.render(el, para_style)
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


def iter_body(body: Any) -> Iterator[tuple[str, Any]]:
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
                yield from iter_body(content)


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


class _StyleIndex:
    """Paragraph styles by id, looked up once: python-docx's Paragraph.style scans every style of the file
    for each paragraph without a w:pStyle, which made reading a long file slow."""

    def __init__(self, document: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.by_id: dict[str, Any] = {}
        self.default: Any = None
        try:
            for style in document.styles:
                if style.type != WD_STYLE_TYPE.PARAGRAPH:
                    continue
                self.by_id[style.style_id] = style
                if style.element.get(_w("default")) in ("1", "true", "on"):
                    self.default = style
        except Exception:  # an unreadable styles part: paragraphs simply have no style
            self.by_id, self.default = {}, None

    def of(self, p_el: Any) -> Any:
        ppr = p_el.find(_w("pPr"))
        ps = ppr.find(_w("pStyle")) if ppr is not None else None
        if ps is None:
            return self.default
        return self.by_id.get(ps.get(_w("val")), self.default)


def _style_name(style: Any, p_el: Any) -> str | None:
    """The paragraph's style name; a paragraph with a Word outline level (set on it or on its style chain)
    reads as "Heading N", so a custom style such as "公文一级标题" still gives the structure its level."""
    level = _outline_level(p_el, style)
    name = style.name if style is not None else None
    if level is not None and not (name and re.search(r"(?:Heading|标题)\s*[0-9]", name, re.IGNORECASE)):
        return f"Heading {level}"
    return name


def _outline_level(p_el: Any, style: Any) -> int | None:
    """1-based outline level from w:outlineLvl (0–8; 9 means body text), or None."""
    ppr = p_el.find(_w("pPr"))
    found = ppr.find(_w("outlineLvl")) if ppr is not None else None
    depth = 0
    while found is None and style is not None and depth < 10:
        sppr = style.element.find(_w("pPr"))
        found = sppr.find(_w("outlineLvl")) if sppr is not None else None
        try:
            style = style.base_style
        except Exception:
            style = None
        depth += 1
    value = found.get(_w("val")) if found is not None else None
    if value is None or not value.isdigit() or int(value) >= 9:
        return None
    return int(value) + 1


def docx_notes(p: Path) -> list[str]:
    """What reading left behind, for the user: tracked changes (read as accepted) and comments (not read).
    Counted on the raw XML, which is quick even for a long file."""
    notes = []
    try:
        with zipfile.ZipFile(p) as zf:
            body = zf.read("word/document.xml")
            comments = zf.read("word/comments.xml") if "word/comments.xml" in zf.namelist() else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    inserted = body.count(b"<w:ins ") + body.count(b"<w:moveTo ")
    deleted = body.count(b"<w:del ") + body.count(b"<w:moveFrom ")
    if inserted or deleted:
        notes.append(f"文件含修订痕迹（插入 {inserted} 处、删除 {deleted} 处），已按接受全部修订后的文字读取")
    count = comments.count(b"<w:comment ")
    if count:
        notes.append(f"文件中的批注（{count} 条）不属于正文，未读取")
    return notes


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

    def _num_pr(self, p_el: Any, style: Any) -> tuple[str, int] | None:
        ppr = p_el.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        if numpr is None:
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

    def render(self, p_el: Any, style: Any) -> str:
        found = self._num_pr(p_el, style)
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

