"""Builders for real test files (.txt in many encodings, .docx with automatic numbering, .pdf with and
without a text layer). The sample text is fictional (示例 offices) and written for these tests."""

from __future__ import annotations

from pathlib import Path

# One paragraph per line, the way a clean .txt of a 公文 looks.
SAMPLE_LINES = [
    "示例县市场监督管理局文件",
    "示例市监〔2025〕7号",
    "示例县市场监督管理局关于2024年法治政府建设情况的报告",
    "县委、县政府：",
    "2024年，我局坚持以法治思维和法治方式推进市场监管工作，把依法行政贯穿于登记注册、质量监管、价格监督检查等各项工作之中，现将有关情况报告如下：",
    "一、主要举措",
    "（一）健全依法决策机制",
    "全年修订完善重大行政决策程序规定2项，组织合法性审查41件，邀请法律顾问列席局务会议12次，未发生因决策违法引发的行政复议和诉讼案件。",
    "（二）规范行政执法行为",
    "1.严格执行行政执法公示制度。在门户网站公开执法主体、执法人员、执法依据和执法结果等信息，接受社会监督。",
    "2.推进包容审慎监管。对首次轻微违法行为依法不予处罚23件，发放提醒告诫书60余份，做到宽严相济。",
    "二、存在的不足",
    "部分执法人员运用法律解决问题的能力还需提升，基层所执法装备和信息化水平与新形势要求相比仍有差距。",
    "三、下一年度工作安排",
    "继续加强执法队伍建设，常态化开展案卷评查和以案释法活动，持续提升依法行政水平。",
    "示例县市场监督管理局",
    "2025年1月20日",
    "（此件主动公开）",
]
SAMPLE_TEXT = "\n".join(SAMPLE_LINES) + "\n"


# A clean 法治政府建设年度报告 with every element of the genre and of the 公文 format (checker tests).
FAZHI_REPORT = """示例区市场监管局文件

示区市监〔2024〕7号

签发人：王明

示例区市场监管局关于2023年法治政府建设情况的报告

区委、区政府：

2023年，我局认真贯彻落实法治政府建设各项部署，现将有关情况报告如下：

一、2023年推进法治政府建设的主要举措和成效

（一）加强组织领导

全年召开党组会专题研究法治建设4次。

（二）严格规范执法

全年办理行政处罚案件320件，重大执法决定法制审核率100%。

二、存在的不足和原因

基层执法力量不足。究其原因，主要是专业人才缺乏。

三、主要负责人履行推进法治建设第一责任人职责情况

局主要负责人带头学法，主持专题学法4次。

四、2024年推进法治政府建设的主要安排

（一）加强执法队伍建设

开展执法人员轮训。

特此报告。

示例区市场监管局

2024年2月20日

（此件主动公开）

抄送：区委依法治区办。

示例区市场监管局办公室  2024年2月20日印发
"""

def _width(text: str) -> float:
    return sum(0.5 if c.isascii() else 1.0 for c in text)


def wrap_fixed(lines: list[str], width: int = 28, indent: str = "\u3000\u3000") -> list[str]:
    """Simulate a PDF text layer: body paragraphs (ending with 。 or ：) indented and broken every `width`
    characters (ASCII counts half, as in print); other lines stay as they are."""
    out: list[str] = []
    for line in lines:
        if not line.endswith(("。", "：")):
            out.append(line)
            continue
        current = ""
        for ch in indent + line:
            if _width(current + ch) > width:
                out.append(current)
                current = ""
            current += ch
        out.append(current)
    return out


# --- .docx ------------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def add_gongwen_numbering(document) -> str:
    """Add a multi-level list in 公文 style (一、 / （一） / 1.) to the document's numbering part; returns its
    numId. Level 0 uses chineseCounting with lvlText "%1、" the way Word/WPS store it."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract_id = "90"
    num_id = "91"
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimal", "（%4）")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="nothing"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvl_xml}</w:abstractNum>')
    num = parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    # Schema order: all abstractNum elements before the num elements.
    first_num = numbering.find(f"{{{_W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return num_id


def set_numbering(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def make_sample_docx(path: Path) -> Path:
    """SAMPLE_LINES as Word would hold them: Title style, Heading 1/2 with automatic 一、/（一） numbering,
    1./2. items numbered automatically, and a table; returns the path. Its .txt twin is `sample_docx_twin()`."""
    import docx

    d = docx.Document()
    num_id = add_gongwen_numbering(d)
    d.add_paragraph(SAMPLE_LINES[0])
    d.add_paragraph(SAMPLE_LINES[1])
    d.add_heading(SAMPLE_LINES[2], 0)
    d.add_paragraph(SAMPLE_LINES[3])
    d.add_paragraph("\u3000\u3000" + SAMPLE_LINES[4])  # full-width indentation is stripped
    for line in SAMPLE_LINES[5:15]:
        if line.startswith(("一、", "二、", "三、")):
            set_numbering(d.add_heading(line[2:], 1), num_id, 0)
        elif line.startswith("（"):
            set_numbering(d.add_heading(line[3:], 2), num_id, 1)
        elif line[:2] in ("1.", "2."):
            set_numbering(d.add_paragraph(line[2:]), num_id, 2)
        else:
            d.add_paragraph(line)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate(TABLE_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph(SAMPLE_LINES[15])
    d.add_paragraph(SAMPLE_LINES[16])
    d.add_paragraph("")  # empty paragraphs are skipped
    d.add_paragraph(SAMPLE_LINES[17])
    d.save(str(path))
    return path


TABLE_ROWS = [("项目", "2023年", "2024年"), ("合法性审查（件）", "35", "41"), ("不予处罚（件）", "17", "23")]


def sample_docx_twin() -> list[str]:
    """The paragraphs of make_sample_docx as plain text, in order (table rows joined by " | ")."""
    return SAMPLE_LINES[:15] + [" | ".join(r) for r in TABLE_ROWS] + SAMPLE_LINES[15:]


# --- .pdf -------------------------------------------------------------------------------------------------


def make_cjk_pdf(path: Path, lines: list[str], *, lines_per_page: int = 30) -> Path:
    """A PDF with a Chinese text layer, one drawn line per entry (reportlab's built-in STSong-Light CID font,
    so no font file is needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    page_no = 1
    for i, line in enumerate(lines):
        if i and i % lines_per_page == 0:
            c.setFont("STSong-Light", 12)
            c.drawString(280, 40, f"— {page_no} —")
            c.showPage()
            page_no += 1
        if i % lines_per_page == 0:
            c.setFont("STSong-Light", 16)
        y = 790 - (i % lines_per_page) * 24
        c.drawString(60, y, line)
    c.setFont("STSong-Light", 12)
    c.drawString(280, 40, f"— {page_no} —")
    c.showPage()
    c.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A 'scanned' PDF: pages with drawings only, no text layer (fpdf2, no font needed)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(40, 40, 40)
        pdf.rect(20, 20, 170, 60, style="F")
        pdf.rect(20, 100, 120, 8, style="F")
    pdf.output(str(path))
    return path
