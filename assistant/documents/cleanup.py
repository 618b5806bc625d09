"""The normalisation step of reading: physical lines as the user has them → lines the parser can read.

In order: traditional → simplified (OpenCC; each line keeps the user's text beside it, same length, so every
cut below can be made in both); PDF page furniture removed (page numbers "— 3 —" / "-3-" / "第3页 共9页", a
running header or footer repeated at every page break); web-page chrome removed (breadcrumbs, 发布时间/来源/
字号/打印本页/关闭窗口, 上一篇/下一篇, 版权所有/备案号/主办单位, 扫一扫在手机打开) from the first and last lines;
text that lost its line breaks re-segmented (`segment`). Every line keeps the number of the user's line it
came from, so findings point at the user's own file; `Prepared.notes` says what was done, in Chinese.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.documents import segment
from assistant.documents.normalize import count_traditional, to_simplified_same_length
from assistant.documents.wraps import PAGE_NUMBER

# Share of Chinese characters OpenCC would change from which a text counts as traditional (simplified text
# gives 0; a simplified text quoting one traditional name stays below).
TRADITIONAL_SHARE = 0.02
_SAMPLE = 200_000  # characters judged for the script; enough for any report, keeps a 5 MB line fast
CHROME_ZONE = 15  # chrome is looked for among the first and the last this many non-empty lines
_CHROME_MAX = 160  # longer lines are content, whatever they contain
HEAD_LINES = 8  # a title running on into what follows is looked for among the first this many non-empty lines


@dataclass
class Prepared:
    lines: list[str]  # working text (simplified, furniture and chrome removed, flattened text cut)
    numbers: list[int]  # the user's 1-based line number of each working line
    originals: list[str]  # the user's text of each working line (same length as the working line)
    sources: list[int]  # index in the input of the line each working line came from
    starts: set[int] = field(default_factory=set)  # indices that always start a new paragraph
    notes: list[str] = field(default_factory=list)
    converted: bool = False  # 繁→简 was applied: `originals` differ from `lines`


def prepare_lines(raw: list[str], *, numbers: list[int] | None = None, page_starts: list[int] | None = None,
                  segment_flat: bool = True) -> Prepared:
    """Run the normalisation step on physical lines. `numbers`: the user's number of each line (default 1, 2,
    …); `page_starts`: indices of the first line of each page (PDF); `segment_flat`: cut lines that hold a
    whole document."""
    prep = Prepared(lines=list(raw), numbers=list(numbers or range(1, len(raw) + 1)), originals=list(raw),
                    sources=list(range(len(raw))))
    _simplify(prep)
    _remove_furniture(prep, set(page_starts or []))
    _remove_chrome(prep)
    if segment_flat:
        _resegment(prep)
    return prep


def _keep(prep: Prepared, keep: list[bool]) -> None:
    index = [i for i, k in enumerate(keep) if k]
    new_pos = {old: new for new, old in enumerate(index)}
    prep.lines = [prep.lines[i] for i in index]
    prep.numbers = [prep.numbers[i] for i in index]
    prep.originals = [prep.originals[i] for i in index]
    prep.sources = [prep.sources[i] for i in index]
    prep.starts = {new_pos[i] for i in prep.starts if i in new_pos}


# --------------------------------------------------------------------------------------------- traditional


def _simplify(prep: Prepared) -> None:
    sample = "\n".join(prep.lines)[:_SAMPLE]
    changed, hanzi = count_traditional(sample)
    if changed < 3 or changed < TRADITIONAL_SHARE * hanzi:
        return
    total = 0
    for i, line in enumerate(prep.lines):
        simple = to_simplified_same_length(line)
        total += sum(1 for a, b in zip(line, simple, strict=True) if a != b)
        prep.lines[i] = simple
    prep.converted = True
    prep.notes.append(f"繁体字转为简体后检查（{total} 处），显示时保留原文")


# --------------------------------------------------------------------------------------------- page furniture


def _is_page_number(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= 24 and bool(PAGE_NUMBER.match(s))


def _remove_furniture(prep: Prepared, page_starts: set[int]) -> None:
    lines = prep.lines
    numbers = [i for i, ln in enumerate(lines) if _is_page_number(ln)]
    boundary = set(page_starts)
    for i, ln in enumerate(lines):
        if "\f" in ln:
            boundary.add(i + 1)
    keep = [True] * len(lines)
    for i in numbers:
        keep[i] = False
        boundary.add(i + 1)
        boundary.add(i)  # the line before a page number is a page's last line (a running footer)
    headers = _running_headers(lines, boundary, keep)
    for i in headers:
        keep[i] = False
    if numbers:
        prep.notes.append(f"去掉页码 {len(numbers)} 处")
    if headers:
        shown = lines[headers[0]].strip()
        prep.notes.append(f"去掉每页重复的页眉或页脚“{shown}”（{len(headers)} 处）")
    if numbers or headers:
        _keep(prep, keep)


def _running_headers(lines: list[str], boundary: set[int], keep: list[bool]) -> list[int]:
    """Lines repeated at page breaks (first or last non-empty line of a page), at least 3 times."""
    if len(boundary) < 2:
        return []
    edge: list[int] = []
    for b in boundary:
        for step in (1, -1):  # the first line from the break on, and the last line before it
            i = b if step == 1 else b - 1
            while 0 <= i < len(lines) and (not lines[i].strip() or not keep[i]):
                i += step
            if 0 <= i < len(lines):
                edge.append(i)
    counts = Counter(lines[i].strip() for i in set(edge))
    repeated = {t for t, n in counts.items() if n >= 3 and len(t) <= 40}
    return sorted({i for i in edge if lines[i].strip() in repeated})


# --------------------------------------------------------------------------------------------- web chrome

_SEP = r"\s*[>＞›»→]\s*"
_CHROME_RES = [
    re.compile(rf"^(?:首页|主页|网站首页){_SEP}"),  # 首页 > 政务公开 > …
    re.compile(r"^(?:当前位置|您的位置|您现在的位置|您当前的位置|所在位置|当前页面)\s*[：:]"),
    re.compile(rf"^[^。，；]{{1,20}}(?:{_SEP}[^。，；>＞›»→]{{1,20}}){{2,}}$"),
    re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上一页|下一页)\s*[：:]"),
    re.compile(r"^(?:相关链接|相关文章|相关阅读|相关新闻|相关信息|网站地图|联系我们|友情链接|分享到)\s*[：:]?"),
    re.compile(r"^(?:版权所有|Copyright|©)|版权所有\s*[：:©]|备案号\s*[：:]|ICP[备证]\d|公网安备\s*\d"
               r"|(?:主办单位|承办单位|技术支持|网站标识码|网站识别码)\s*[：:]"),
    re.compile(r"扫一扫在手机|手机扫一扫|用手机扫描"),
]
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+[条章节编]")
_META = re.compile(r"(?:发布时间|发布日期|发文日期|更新时间|信息来源|来源|浏览次数|阅读次数|浏览量|点击数|访问量|访问次数|"
                   r"字号|作者|责任编辑|编辑|时间)\s*[：:]")
_ACTION_TOKEN = re.compile(
    r"[【\[〔(（]?\s*(?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享到|分享|返回顶部|返回|"
    r"字号\s*[：:]?\s*[大中小\s]*|字体\s*[：:]?\s*[大中小\s]*|[大中小](?:\s*[大中小]){2}|默认|保存本页|下载)"
    r"\s*[：:]?\s*[】\]〕)）]?[\s|｜/·]*"
)


def is_chrome(line: str) -> bool:
    """A line of a web page's navigation, metadata or footer, not of the document."""
    s = line.strip()
    if not s or len(s) > _CHROME_MAX or s.endswith(("。", "；")) or "，" in s or _ARTICLE.match(s):
        return False
    if any(r.search(s) for r in _CHROME_RES):
        return True
    if s.endswith("："):
        return False
    if len(_META.findall(s)) >= 2 or (_META.match(s) and len(s) <= 60 and not s.endswith("。")):
        return True
    return _ACTION_TOKEN.sub("", s) == "" and not s.startswith(("附件", "（", "("))


def _remove_chrome(prep: Prepared) -> None:
    filled = [i for i, ln in enumerate(prep.lines) if ln.strip()]
    zone = set(filled[:CHROME_ZONE]) | set(filled[-CHROME_ZONE:])
    drop = {i for i in zone if is_chrome(prep.lines[i])}
    if not drop:
        return
    prep.notes.append(f"去掉网页栏目、发布信息、打印/关闭、版权备案等网页文字 {len(drop)} 行")
    _keep(prep, [i not in drop for i in range(len(prep.lines))])


# --------------------------------------------------------------------------------------------- line breaks


def _emit(out: Prepared, prep: Prepared, i: int, spans: list[tuple[int, int]]) -> None:
    """The pieces of line i, each keeping the user's line number, original text and source."""
    line = prep.lines[i]
    for a, b in spans:
        out.lines.append(line[a:b])
        out.numbers.append(prep.numbers[i])
        out.originals.append(prep.originals[i][a:b])
        out.sources.append(prep.sources[i])


def _resegment(prep: Prepared) -> None:
    out = Prepared(lines=[], numbers=[], originals=[], sources=[])
    flat: list[int] = []
    pieces = 0
    head = {i for i, ln in enumerate(prep.lines) if ln.strip()}
    head = set(sorted(head)[:HEAD_LINES])
    run_on: list[int] = []
    for i, line in enumerate(prep.lines):
        spans = segment.segment(line) if segment.looks_flat(line) else []
        if not spans and i in head and len(line.strip()) >= 12:
            spans = segment.split_head(line)
            if len(spans) > 1:
                run_on.append(prep.numbers[i])
                out.starts.update(range(len(out.lines), len(out.lines) + len(spans)))
                _emit(out, prep, i, spans)
                continue
        if len(spans) <= 1:
            spans = [(0, len(line))]
            if i in prep.starts:
                out.starts.add(len(out.lines))
        else:
            flat.append(prep.numbers[i])
            pieces += len(spans)
            out.starts.update(range(len(out.lines), len(out.lines) + len(spans)))
        _emit(out, prep, i, spans)
    if flat or run_on:
        prep.lines, prep.numbers, prep.originals, prep.sources = out.lines, out.numbers, out.originals, out.sources
        prep.starts = out.starts
    if flat:
        where = "、".join(f"第{n}行" for n in flat[:5]) + ("等" if len(flat) > 5 else "")
        prep.notes.append(f"{where}没有换行，按标题、层次序数和落款重新分成 {pieces} 段")
    if run_on:
        prep.notes.append("、".join(f"第{n}行" for n in run_on) + "标题与后面的文字连在一起，已分开")
