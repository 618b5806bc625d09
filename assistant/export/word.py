"""Writing a .docx in the GB/T 9704-2012 layout (党政机关公文格式).

A4; margins 37/35/28/26 mm (版心 156 × 225 mm); 22 lines of 28 characters of 3号 仿宋_GB2312; title 2号
方正小标宋简体 centred; 层次序数 level 1 黑体, level 2 楷体_GB2312, level 3 仿宋 bold, level 4 仿宋; 版头 with the
red rule, 发文字号 and 签发人 on one line for 上行文; 附注; 版记 between rules at the foot of the last page; page
numbers "— 1 —" in 4号 宋体, odd pages right, even pages left. How the 28 × 22 grid is made so that Word, WPS
and LibreOffice all render it: see assistant/export/ooxml.py. Fonts are named (with fallbacks declared), not
embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt

from assistant.documents.numbering import heading_level
from assistant.errors import DocumentError
from assistant.export.ooxml import (
    BODY_PT,
    BODY_W_MM,
    CHAR_SPACING_TWIPS,
    FONT_BODY,
    FONT_H1,
    FONT_H2,
    FONT_TITLE,
    NOTE_PT,
    TITLE_PT,
    add_page_numbers,
    align,
    end_anchor,
    frame_at_foot,
    rule,
    set_fonts,
    setup_defaults,
    setup_page,
)
from assistant.models import OfficialDocument, Paragraph, Section

_HEADING_FONTS = {1: FONT_H1, 2: FONT_H2, 3: FONT_BODY, 4: FONT_BODY}
_HEADING_BOLD = {3: True}
ISSUER_MARK_MAX_PT = 42  # 初号; a long 发文机关标志 is set smaller so it stays on one line


def write_docx(doc: OfficialDocument | Sequence[str | Paragraph], path: str | Path, *,
               title: str | None = None) -> Path:
    """Write `doc` as a GB/T 9704 .docx at `path` and return the path.

    `doc` is a parsed/drafted OfficialDocument, or plain paragraphs (str or Paragraph); for plain paragraphs
    lines starting with 一、/（一）/1./（1） get the heading fonts of their level, and `title` (if given) is set
    as the title."""
    out = Path(path)
    document = docx.Document()
    setup_page(document)
    setup_defaults(document)
    w = _Writer(document)

    if isinstance(doc, OfficialDocument):
        _write_official(w, doc)
    else:
        if title:
            w.title(title)
        for item in doc:
            text = (item.text if isinstance(item, Paragraph) else str(item)).strip()
            if not text:
                continue
            level = _level_of(text)
            if level:
                w.heading(text, level)
            else:
                w.body(text)
    if not any(p.text.strip() for p in document.paragraphs):
        w.body("")  # keep the file valid even for an empty input
    add_page_numbers(document)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(out))
    except OSError as err:
        raise DocumentError(f"无法写入 Word 文件：{out}（{err.strerror or err}）") from None
    return out


def left_out(doc: OfficialDocument) -> list[str]:
    """What a complete 公文 has and `doc` lacks, so the caller can say the export went without it."""
    missing = []
    if not doc.title:
        missing.append("标题")
    if not doc.issuer:
        missing.append("发文机关署名")
    if not doc.date:
        missing.append("成文日期")
    return missing


def _level_of(text: str) -> int | None:
    mark = heading_level(text)
    return mark.level if mark else None


class _Writer:
    def __init__(self, document: Any) -> None:
        self.d = document

    # Body text is left-aligned, not justified: LibreOffice drops a "，" that hangs past the margin of a
    # justified line (and ignores w:overflowPunct); all 28 characters of a CJK line are one width anyway.
    def _para(self, text: str, *, font: str = FONT_BODY, size: float = BODY_PT, side: str = "left",
              first_line_chars: float = 0, left_chars: float = 0, right_chars: float = 0, bold: bool = False,
              color: str | None = None) -> Any:
        p = self.d.add_paragraph()
        align(p, side)
        fmt = p.paragraph_format
        if first_line_chars:
            fmt.first_line_indent = Pt(size * first_line_chars)
        if left_chars:
            fmt.left_indent = Pt(size * left_chars)
        if right_chars:
            fmt.right_indent = Pt(size * right_chars)
        if text:
            set_fonts(p.add_run(text), font, size, bold=bold or None, color=color)
        return p

    def blank(self) -> Any:
        return self._para("", side="left")

    def issuer_mark(self, text: str) -> None:
        # 发文机关标志: red 小标宋, centred, as large as one line allows (GB/T 9704 §7.2.3).
        width_pt = BODY_W_MM / 25.4 * 72
        # n characters advance n × (size + spacing); stay 0.5 pt under the width so no suite wraps it.
        fit = width_pt / max(len(text), 1) - CHAR_SPACING_TWIPS / 20 - 0.5
        size = max(min(ISSUER_MARK_MAX_PT, int(fit * 2) / 2), 10)
        self._para(text, font=FONT_TITLE, size=size, side="center", color="FF0000")

    def doc_number(self, number: str | None, signer: str | None) -> None:
        width = Mm(BODY_W_MM)
        if signer:
            # 上行文: 发文字号 one character in from the left, 签发人 one character in from the right, one line.
            p = self._para("", side="left")
            p.paragraph_format.tab_stops.add_tab_stop(Pt(BODY_PT), WD_TAB_ALIGNMENT.LEFT)
            p.paragraph_format.tab_stops.add_tab_stop(width - Pt(BODY_PT), WD_TAB_ALIGNMENT.RIGHT)
            set_fonts(p.add_run(f"\t{number or ''}\t签发人："), FONT_BODY, BODY_PT)
            set_fonts(p.add_run(signer), FONT_H2, BODY_PT)  # 签发人姓名 in 楷体
        else:
            p = self._para(number or "", side="center")
        # 版头中的分隔线: red, as wide as the 版心, 4 mm below the 发文字号 (GB/T 9704 §7.2.6).
        rule(p, "bottom", color="FF0000", eighths=12, space_pt=11)

    def title(self, text: str) -> None:
        # "编排于红色分隔线下空二行位置" (GB/T 9704 §7.3.1) read as: on the second line below the rule, one
        # blank line between. Two blank lines push the seed's 版记 onto a sixth page of its own.
        self.blank()
        self._para(text, font=FONT_TITLE, size=TITLE_PT, side="center")
        self.blank()

    def recipients(self, names: list[str]) -> None:
        self._para("、".join(names) + "：", side="left")

    def body(self, text: str) -> None:
        self._para(text, first_line_chars=2)

    def heading(self, text: str, level: int) -> None:
        self._para(text, font=_HEADING_FONTS.get(level, FONT_BODY), first_line_chars=2,
                   bold=_HEADING_BOLD.get(level, False))

    def section(self, s: Section) -> None:
        heading = f"{s.number}{s.heading}"
        if s.inline_text:
            # "1.加强领导。全年召开……": the heading and its first sentence share a paragraph.
            p = self._para("", first_line_chars=2)
            set_fonts(p.add_run(heading), _HEADING_FONTS.get(s.level, FONT_BODY), BODY_PT,
                      bold=_HEADING_BOLD.get(s.level))
            set_fonts(p.add_run(s.inline_text), FONT_BODY, BODY_PT)
        else:
            self.heading(heading, s.level)
        for para in s.paragraphs:
            self.body(para.text)
        for child in s.children:
            self.section(child)

    def attachments(self, items: list[str]) -> None:
        self.blank()
        for i, item in enumerate(items):
            label = "附件：" if i == 0 else "　　　"
            number = f"{i + 1}." if len(items) > 1 else ""
            self._para(f"{label}{number}{item}", left_chars=2, side="left")

    def signature(self, issuer: str | None, date: str | None) -> None:
        self.blank()
        if issuer:
            self._para(issuer, side="right", right_chars=4)
        if date:
            self._para(date, side="right", right_chars=4)  # 成文日期右空四字

    def notes(self, text: str) -> None:
        self._para(text, first_line_chars=2, side="left")  # 附注: 居左空二字, 成文日期下一行

    def imprint(self, cc: list[str], org: str | None, date: str | None, line: str | None) -> None:
        """版记: 抄送 and 印发机关/印发日期 in 4号 仿宋, one character in from both sides, between a thick first
        and last rule with a thin rule between them, at the foot of the last page (GB/T 9704 §7.4)."""
        rows: list[tuple[str, str | None]] = []
        if cc:
            rows.append(("抄送：" + "，".join(cc) + "。", None))
        if org and date:
            rows.append((org, date if date.endswith("印发") else date + "印发"))
        elif org or date or line:
            rows.append((line or org or date or "", None))
        if not rows:
            return
        for i, (left, right) in enumerate(rows):
            p = self._para("", size=NOTE_PT, side="left", left_chars=1, right_chars=1)
            if right:
                p.paragraph_format.tab_stops.add_tab_stop(Mm(BODY_W_MM) - Pt(NOTE_PT * 2), WD_TAB_ALIGNMENT.RIGHT)
                left = f"{left}\t{right}"
            set_fonts(p.add_run(left), FONT_BODY, NOTE_PT)
            if i == 0:
                rule(p, "top", eighths=8)  # 首条分隔线 0.35 mm
            rule(p, "bottom", eighths=8 if i == len(rows) - 1 else 6)  # 末条 0.35 mm, 中间 0.25 mm
            frame_at_foot(p, i, len(rows))
        end_anchor(self.d)


def _write_official(w: _Writer, doc: OfficialDocument) -> None:
    if doc.issuer_mark:
        w.issuer_mark(doc.issuer_mark)
    if doc.doc_number or doc.signer:
        w.doc_number(doc.doc_number, doc.signer)
    if doc.title:
        w.title(doc.title)
    if doc.recipients:
        w.recipients(doc.recipients)
    for para in doc.preamble:
        w.body(para.text)
    for section in doc.sections:
        w.section(section)
    if doc.closing:
        w.body(doc.closing)
    if doc.attachments:
        w.attachments(doc.attachments)
    if doc.issuer or doc.date:
        w.signature(doc.issuer, doc.date)
    if doc.notes:
        w.notes(doc.notes)
    if doc.cc or doc.print_org or doc.print_date or doc.print_line:
        w.imprint(doc.cc, doc.print_org, doc.print_date, doc.print_line)
