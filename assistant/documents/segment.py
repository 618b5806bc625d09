"""Re-segmenting text that lost its line breaks (a report copied from a web page arrives as one line).

`segment(line)` returns the spans (start, end) of the paragraphs found in the line, so the caller can cut the
user's original text at the same offsets. What is cut:
- the head: "××文件", the 发文字号, "签发人：姓名", the title ("…关于…的报告", or a title ending in its 文种), the
  主送机关 ("区委、区政府：");
- the body: after "…如下："; before a numbered heading (一、 （一） 1. （1） 第一部分) that follows a sentence end or
  opens the first sub-level right after a heading, and only in its numbering sequence, so numbers inside
  sentences and 一是/二是 stay body; between a heading and its first sentence when nothing separates them
  (scored on heading endings and sentence openings, see `_heading_end`);
- the tail: the 结束语 (特此报告。), the 发文机关署名, the 成文日期, 附注, 抄送 and the 印发 line.
Every pattern is bounded (no nested quantifiers), so a 5 MB line is segmented in linear time.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.documents.numbering import DATE_RE, cn_to_int

MIN_FLAT_LENGTH = 300  # shorter lines are real paragraphs, whatever they contain
_SENT_END = "。！？；：!?;:"
_NO_HEADING_END = "，、,（(《“‘【〔"
_NO_BODY_START = "，。、；：！？）)》”’】〕,.;:!?"

_MARKERS = re.compile(
    r"(?P<l2>(?<!第)[（(](?P<n2>[一二三四五六七八九十]{1,3})[）)])"
    r"|(?P<l4>(?<!第)[（(](?P<n4>\d{1,2})[）)])"
    r"|(?P<unit>第(?P<nu>[一二三四五六七八九十]{1,3})部分)"
    r"|(?P<l1>(?<![一二三四五六七八九十第])(?P<n1>[一二三四五六七八九十]{1,3})、)"
    r"|(?P<l3>(?<![\d.．])(?P<n3>\d{1,2})(?:[.．、](?![\d.．])|\.(?=(?:19|20)\d{2}年)))"
)
_LEVEL_OF = {"unit": 0, "l1": 1, "l2": 2, "l3": 3, "l4": 4}
_INTRO_END = re.compile(r"(?:如下|以下|下列)[：:]")
_CLOSING = re.compile(r"(?:特此(?:报告|请示|通知|函告|函复|通报)|以上报告|妥否|当否|专此)")
_ENUM = re.compile(r"[一二三四五六七八九十]{1,2}是")

# Words a numbered heading usually ends with, and words a body sentence usually opens with. They only weigh
# the choice of where a heading that runs into its body ends; the document's own clause openings and endings
# (counted around its punctuation) weigh the same.
_HEAD_TAILS = (
    "情况", "原因", "成因", "问题", "不足", "短板", "差距", "环节", "措施", "举措", "安排", "打算", "计划", "思路",
    "工作", "建设", "成效", "成绩", "做法", "经验", "职责", "方面", "根基", "教育", "宣传", "机制", "体系", "能力",
    "水平", "意识", "观念", "保障", "领导", "监督", "服务", "环境", "制度", "管理", "执法", "决策", "治理", "改革",
    "发展", "基础", "责任", "目标", "任务", "要点", "部署", "重点", "方向", "进展", "效果", "作用", "活动", "质量",
    "队伍", "作风", "规范", "纠纷", "公开", "阵地", "职能", "事项", "概况", "概述", "格局", "氛围", "底线", "实效", "法治",
    "培训", "风险", "福祉", "意见", "建议", "价值观", "考虑", "化解", "增强", "突破", "提升", "落实", "推进", "完善",
    "提高", "巩固", "优化", "健全", "见效", "有力", "有序", "明显", "显著", "振兴", "效能", "活力", "后劲", "信心", "渠道", "获得感", "智能化", "责任制", "取向", "导向", "复议", "诉讼",
)
_BODY_STARTS = (
    "一是", "首先", "我们", "我局", "我县", "我市", "我区", "我镇", "我委", "我办", "本局", "本单位", "全年", "今年",
    "当年", "去年", "近年来", "一年来", "年内", "全县", "全市", "全区", "全镇", "全局", "坚持", "按照", "根据", "围绕",
    "认真", "严格", "积极", "持续", "深入", "通过", "结合", "针对", "由于", "目前", "截至", "截止", "充分",
    "牵头", "制定", "建立", "组织", "开展", "印发", "出台", "召开", "成立", "对照", "对于", "为了", "随着", "虽然",
    "同时", "此外", "其中", "共计", "累计", "先后", "切实", "扎实", "着力", "注重", "始终", "进一步", "聚焦", "紧扣",
    "高度重视", "一方面", "主动", "及时", "统筹", "县政府", "市政府", "区政府", "各级", "各部门", "党组", "局党组",
    "全面", "全力", "依托", "推行", "实施", "完成", "加大", "指导", "督促", "本人", "本年", "报告期内", "对标",
    "做好", "落实", "依据", "依照", "恳请", "当前", "推进", "本报告", "现将", "现就", "回顾",
    "我始终", "我坚持", "我认真", "我严格", "我带领", "我主动", "我牢固",  # a 述职 report's first person
)
_MAX_GAP = 6  # parts deleted in a row; also bounds the work per marker on hostile input
# "以党史学习教育为契机，……", "在肯定成绩的同时，……": a sentence opening with its occasion or its frame
_FRAMED_OPENING = re.compile(r"以[^，。；]{2,14}为(?:契机|抓手|引领|目标|重点|载体|主线|核心|统领|导向|牵引|突破口)"
                             r"|在[^，。；]{2,14}(?:的同时|的基础上|过程中)[，,]")
_FIGURE_END = re.compile(r"[\d%％件个项次人元户家条份]")
# The last word of a report part's heading; also used by rules/candidates.py for parts found inside a paragraph.
PART_NOUNS = "情况|事项|问题|工作|打算|安排|措施|成效|举措|不足|差距|短板|方向|思路|要点|重点"
_HEADING_AHEAD = re.compile(rf"(?![一二三四五六七八九十])[^，。；：！？,;:!?\d]{{2,30}}?(?:{PART_NOUNS})")
# "因政府信息公开工作被申请行政复议、提起行政诉讼的情况": a heading that goes on to "的情况" ends there.
_DE_NOUNS = "情况|问题|事项|不足|原因|措施|安排|打算|做法|成效"  # what a heading "……的×××" ends with
_OWN_TAIL_AHEAD = re.compile(rf"[^，。；：！？\d]{{0,14}}的(?:{_DE_NOUNS})(?![：:])"
                             r"|[^，。；：！？\d（(]{1,10}(?:情况|事项)(?=[^，。；：！？]{0,2}[｜|（(第])")
_NEAR_TAIL_AHEAD = re.compile(r"[^，。；：！？\d（(]{1,3}(?:情况|事项)")
_LIST_GAP = 400  # characters between a list's 一、 and its 二、 (a part's 一、 and 二、 are further apart)
_LEAD = re.compile(r"(?<=[。；！？])([^，。；：:！？、\d（）()“”《》|]{2,10})[：:]")
_PART_END = re.compile(r"情况|事项")
_DE_TAIL = re.compile(rf"的(?:{_DE_NOUNS})")
_TABLE_ROW = re.compile(r"[^。；！？|｜\t]{1,30}?\s*[|｜\t]\s*[+\-]?\d")  # a label, then a figure
_DEGREE = ("持续", "不断", "稳步", "全面", "日益", "更加", "有效", "明显", "显著", "进一步", "切实", "逐步")
_BODY_STARTS_WEAK = ("将", "经", "该", "拟", "为")
_BAD_TAIL = set("的和与及并或等之在对把将被为从以向于是")
_BAD_START = set("的了着过和与及等之性化们地得")
_HEADING_MAX = 48


def looks_flat(line: str) -> bool:
    """A line that is a whole document run together: long, with numbered headings inline after sentence ends."""
    if len(line) < MIN_FLAT_LENGTH:
        return False
    inline = 0
    for m in _MARKERS.finditer(line):
        if m.lastgroup in ("l1", "l2", "unit") and m.start() > 0 and line[m.start() - 1] in _SENT_END:
            inline += 1
            if inline >= 2:
                return True
    return False


def segment(line: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs in a flattened line (whitespace at the edges excluded)."""
    cuts: set[int] = set()
    names: list[str] = []  # the issuer as the 版头 and the title name it: the 署名, and a body's usual subject
    body_start, _ = _head_cuts(line, cuts, names)
    tail_start = _tail_cuts(line, body_start, cuts, names)
    _body_cuts(line, body_start, tail_start, cuts, names)
    spans = []
    bounds = sorted({0, len(line), *cuts})
    for a, b in zip(bounds, bounds[1:], strict=False):
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def split_head(line: str) -> list[tuple[int, int]]:
    """Spans of a head line that runs on: "关于…的报告区委、区政府：2023年以来，……" → title, 主送机关, the rest.
    A single span when the line is only one of them."""
    cuts: set[int] = set()
    if line.lstrip().startswith(("#", "《", "〈", "<")):
        return [(0, len(line))]  # a Markdown heading or a quoted name, not a run-on title
    body_start, titled = _head_cuts(line, cuts, [], strict=True)
    if not titled or len(line[body_start:].strip()) < 8:
        return [(0, len(line))]  # "泉鲤高文〔2024〕3号 签发人：张志强" is one line by design
    bounds = sorted({0, len(line), *(c for c in cuts if 0 < c < len(line))})
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if line[a:b].strip()]


# --------------------------------------------------------------------------------------------------- head

_DOC_NO_CORE = re.compile(r"[〔\[【［(（]\s*(?:19|20)\d{2}\s*[〕\]】］)）]\s*第?\s*\d{1,4}\s*号")
_SIGNER = re.compile(r"签\s*发\s*人\s*[：:]\s*")
_GENRE = (r"(?:述职述廉报告|述职报告|工作总结|年度报告|工作报告|情况报告|报告|请示|通知|意见|决定|批复|复函|函|纪要|方案|"
          r"总结|计划|规划|办法|规定|细则|公告|通告|通报|议案|决议|要点)")
_GENRE_RE = re.compile(_GENRE)
_LONG_GENRE_END = re.compile(r"(?:述职述廉报告|述职报告|工作总结|年度报告|工作报告|情况报告|工作要点)$")
_BARE_TITLE_END = re.compile(r"(?:建设|工作)(?:开展)?情况")
_YEAR_OPENING = re.compile(r"(?:19|20)\d{2}年[，,]")
_TITLE_STOP = re.compile(r"[。；：！？]")
_RECIPIENTS = re.compile(r"[^。，；：！？\s]{2,60}?[：:]")


def _head_cuts(s: str, cuts: set[int], names: list[str], *, strict: bool = False) -> tuple[int, bool]:
    """Cut the 版头 and the title off the first lines of the text; returns where the body starts and whether a
    title was found, and puts the issuer's names (发文机关标志 without 文件, the title's words before 关于) in
    `names`. `strict`: the title must be followed by the 主送机关 or a sentence opening (a line that kept its
    breaks)."""
    pos = 0
    m = _DOC_NO_CORE.search(s, 0, 160)
    before = s[:m.start()] if m else ""
    genre_end = max((g.end() for g in _GENRE_RE.finditer(before)), default=0)
    if m and "关于" in before and genre_end > 0 and re.fullmatch(r"[^\s，。；：]{0,8}", before[genre_end:]):
        # "关于……的报告霁高管〔2026〕4号……": the title came first and the 发文字号 after it
        cuts.update((genre_end, m.end()))
        return m.end(), True
    if m:
        mark_end = s.rfind("文件", 0, m.start())
        org_start = mark_end + 2 if mark_end >= 0 else max(0, m.start() - 10)
        if org_start > 0:
            cuts.add(org_start)
        if mark_end >= 2:
            names.append(s[:mark_end].strip())
        pos = m.end()
        cuts.add(pos)
    sig = _SIGNER.match(s, pos) if pos else _SIGNER.search(s, 0, 80)
    if sig:
        cuts.add(sig.start())
        pos = sig.end() + _name_length(s, sig.end())
        cuts.add(pos)
    end = _title_end(s, pos, strict=strict)
    if end is None:
        return pos, False
    about = s.find("关于", pos, end)
    if 2 <= about - pos <= 30:
        names.append(s[pos:about].strip())
    pos = end
    cuts.add(pos)
    r = _RECIPIENTS.match(s, pos)
    if r and not re.search(r"如下|以下|报告|现将|的", r.group(0)) and not _GENRE_RE.search(r.group(0)):
        pos = r.end()
        cuts.add(pos)
    return pos, True


def _title_end(s: str, pos: int, *, strict: bool = False) -> int | None:
    """End of a title starting at `pos`: after a 文种 word, where the 主送机关 ("…：") or the body follows (the
    first 文种 word may be inside the title: "关于申请…的请示")."""
    stop = _TITLE_STOP.search(s, pos, pos + 140)
    window_end = stop.start() if stop else min(len(s), pos + 140)
    ends = [m.end() for m in _GENRE_RE.finditer(s, pos, window_end) if m.end() - pos >= 6]
    if strict:  # a line that kept its breaks: only an unmistakable title ("关于…", "…年度报告")
        ends = [e for e in ends if "关于" in s[pos:e] or _LONG_GENRE_END.search(s, pos, e)]
    # "2022年海湾区市场监督管理局法治政府建设情况2022年，区市场监管局……": a report titled without 报告
    bare = next((m.end() for m in _BARE_TITLE_END.finditer(s, pos, window_end)
                 if m.end() - pos >= 8 and "，" not in s[pos:m.end()]
                 and (_YEAR_OPENING.match(s, m.end()) or not strict and (
                     _opening_score(s[m.end():m.end() + 8], Counter()) > 0
                     or s.startswith(("一、", "第一部分"), m.end())))), None)
    if bare is not None and (not ends or bare < ends[0]):
        return bare
    if not ends:
        return None
    if "关于" not in s[pos:ends[-1]] and "，" in s[pos:ends[0]]:
        return None  # a sentence, not a title
    for e in ends:
        r = _RECIPIENTS.match(s, e)
        if r and not re.search(r"如下|以下|报告|现将|的", r.group(0)) and not _GENRE_RE.search(r.group(0)):
            return e
    for e in ends:
        if _opening_score(s[e:e + 8], Counter()) > 0 or (s[e:e + 1] in "（(" and not strict) or (
                not strict and s.startswith(("一、", "第一部分"), e)):  # the first part runs into the title
            return e
    if strict:
        return None
    if _LONG_GENRE_END.search(s, pos, ends[0]) and not re.search(r"[，、,]", s[pos:ends[0]]):
        return ends[0]  # "2022年度述职述廉报告中共桐溪县委副书记 周明远……": an unmistakable title
    return ends[0] if stop is None or "关于" in s[pos:ends[0]] else None


def _name_length(s: str, at: int) -> int:
    """A signer's name is 2-4 characters; the title after it starts with 关于 or with words of the 发文机关."""
    head = s[:at]
    best, best_score = 3, -1
    for n in (2, 3, 4):
        after = s[at + n:at + n + 4]
        score = 3 if after.startswith("关于") else max((k for k in range(1, 4) if after[:k] in head), default=0)
        if score > best_score or (score == best_score and n == 3):
            best, best_score = n, score
    return best


# --------------------------------------------------------------------------------------------------- tail


def _tail_cuts(s: str, body_start: int, cuts: set[int], names: list[str]) -> int:
    """Cut 结束语, 署名, 成文日期, 附注, 抄送 and 印发 off the end; returns where the tail starts."""
    window = max(body_start, len(s) - 600)
    date = None
    for m in DATE_RE.finditer(s, window):
        rest = s[m.end():].strip()
        if rest.startswith("印发"):
            continue
        if not rest or rest.startswith(("（", "(", "抄送", "抄报", "附件", "主题词")) or (
                len(rest) <= 120 and not re.search(r"[，；]", rest)):
            date = m
    if date is None:
        return len(s)
    cuts.update((date.start(), date.end()))
    prev_end = max(s.rfind(c, body_start, date.start()) for c in "。！？")
    tail_start = date.start()
    signed = next((n for n in names if n and s.endswith(n, body_start, date.start())), None)
    if signed:
        tail_start = date.start() - len(signed)
        cuts.add(tail_start)  # 发文机关署名 as the 版头 or the title names it
    elif prev_end >= 0 and 2 <= date.start() - prev_end - 1 <= 50 and not re.search(r"[，；：]", s[prev_end:tail_start]):
        cuts.add(prev_end + 1)  # 发文机关署名
        tail_start = prev_end + 1
    annex = s.rfind("附件", max(body_start, prev_end), tail_start)
    if annex >= 0 and s[annex + 2:annex + 3] in "：:":
        cuts.add(annex)  # 附件说明, one item a line
        tail_start = annex
        for n, item in enumerate(re.finditer(r"(?<![\d.．])(\d{1,2})[.．、](?!\d)", s[annex:tail_start + 400]), 1):
            if int(item.group(1)) != n or annex + item.start() >= date.start():
                break
            if n > 1:
                cuts.add(annex + item.start())
    closings = list(_CLOSING.finditer(s, max(body_start, tail_start - 60), tail_start))
    if closings and s[closings[-1].start() - 1] in _SENT_END:
        cuts.add(closings[-1].start())
    for m in re.finditer(r"[（(]此件|抄\s*送[：:]|附\s*件[：:]|[。）)](?=\S)", s[date.end():]):
        at = date.end() + m.start()
        cuts.add(at + 1 if s[at] in "。）)" and not m.group(0).startswith(("（", "(")) else at)
    return tail_start


# --------------------------------------------------------------------------------------------------- body


def _body_cuts(s: str, start: int, end: int, cuts: set[int], names: list[str]) -> None:
    for m in _INTRO_END.finditer(s, start, end):
        cuts.add(m.end())
    starts, ends = _clause_stats(s[start:end])
    expected = {0: 1, 1: 1, 2: 1, 3: 1, 4: 1}
    seg_start, seg_level = start, None
    heads: list[tuple[int, int]] = []  # (position after the marker, segment start)
    # A list numbered 一、二、三、 again inside a part ("办好十件民生实事……一、为老年人……。二、……"): its items
    # go on from 一 whatever the part's own numbering expects next, so "三、" there is an item, not part three.
    inner, last_item = 1, -_LIST_GAP
    # Where each 一、 number last stands at a sentence start: numbers skipped that never come later were deleted
    # (or never written), so the part after the gap is still a part ("一、……。五、严于律己，……").
    last_at: dict[int, int] = {}
    for m in _MARKERS.finditer(s, start, end):
        if m.group("l1") and (m.start() == start or s[m.start() - 1] in _SENT_END):
            last_at[cn_to_int(m.group("n1")) or 0] = m.start()
    for m in _MARKERS.finditer(s, start, end):
        kind = m.lastgroup if m.lastgroup in _LEVEL_OF else next(k for k in _LEVEL_OF if m.group(k))
        level = _LEVEL_OF[kind]
        value = cn_to_int(m.group("n" + ("u" if kind == "unit" else kind[1])) or "") or 0
        p = m.start()
        q = p
        while q > start and s[q - 1].isspace():
            q -= 1
        # (its 一、 may follow the list's own title: "……十件民生实事一、为老年人……")
        if level == 1 and value == inner and expected[1] >= 2 and (value == 1 or q == start or s[q - 1] in _SENT_END):
            inner, previous, last_item = inner + 1, last_item, p
            if value >= 3 or (value == 2 and p - previous <= _LIST_GAP):
                continue
        # One number may be missing (a part deleted, or never written): "四、存在问题与下步工作（二）2025年……"; and
        # the first part found may have a later number when the text starts there ("五、存在的问题和……").
        first_part = level == 1 and expected[1] == 1 and s[m.end():m.end() + 1] not in "一二三四五六七八九十" and (
            _HEADING_AHEAD.match(s, m.end()) is not None or q == start or s[q - 1] in _SENT_END)
        gap = level == 1 and expected[1] < value <= expected[1] + _MAX_GAP and (q == start or s[q - 1] in _SENT_END) \
            and all(last_at.get(k, -1) < p for k in range(expected[1], value))
        if value != expected[level] and not (level <= 3 and value == expected[level] + 1) and not first_part \
                and not gap:
            continue
        if _TABLE_ROW.match(s, m.end()) and re.search(r"[|｜\t]", s[max(start, p - 40):p]):
            continue  # "…| 2四、结转下年度继续办理 | 1 | 0 | 1": a table's row label, not a part
        after_end = q == start or s[q - 1] in _SENT_END or p in cuts or (
            level == 1 and value >= 2 and re.search(r"[|｜\t]", s[max(start, p - 40):p]) and s[q - 1] not in "|｜\t")
        # A table's last figure runs into the next part: "……采购总金额18650万元三、依申请公开政府信息办理情况".
        after_figure = (level <= 1 and value == expected[level] and q > start and _FIGURE_END.match(s[q - 1])
                        and _HEADING_AHEAD.match(s, m.end()) is not None)
        after_heading = (seg_level is not None and level > seg_level and value <= 2 and p - seg_start <= _HEADING_MAX
                         and not re.search(r"[。；：！？;:!?]", s[seg_start:p]))
        if not (after_end or after_heading or after_figure):
            continue
        cuts.add(p)
        expected[level] = value + 1
        for deeper in range(level + 1, 5):
            expected[deeper] = 1
        if level <= 1:
            inner = 1
        seg_start, seg_level = p, level
        heads.append((m.end(), p))
    for body_at, _ in heads:
        k = _heading_end(s, body_at, end, starts, ends, names)
        if k is not None:
            cuts.add(k)
    for m in _LEAD.finditer(s, start, end):
        if not _INTRO_END.match(s, m.start(1)) and not re.search(r"如下|以下|下列", m.group(1)):
            cuts.add(m.start(1))  # "……。整改方向：一是……": a paragraph led by a short phrase and a colon


def _clause_stats(text: str) -> tuple[Counter[str], Counter[str]]:
    """How often each two characters open and close a clause in this document."""
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for m in re.finditer(r"[，。；：！？]", text):
        i = m.start()
        starts[text[i + 1:i + 3]] += 1
        ends[text[max(0, i - 2):i]] += 1
    return starts, ends


def _heading_end(s: str, at: int, limit: int, starts: Counter[str], ends: Counter[str],
                 names: list[str] = ()) -> int | None:
    """Where the heading that starts at `at` ends when it runs into its body with nothing between them."""
    rest = s[at:min(limit, at + 200)]
    stop = next((i for i, c in enumerate(rest) if c in "。！？；：!?;:|｜\t"), len(rest))
    nxt = _MARKERS.search(rest)
    if nxt and nxt.start() < stop:
        stop = nxt.start()
    enum = _ENUM.search(rest, 2, min(stop, _HEADING_MAX))
    if enum and rest[enum.start() - 1] not in _SENT_END + "，、,":
        return at + enum.start()  # "……的主要安排一是强化学法用法，"
    if stop < len(rest) and rest[stop] in "|｜\t" and stop <= _HEADING_MAX:
        # a heading followed by a table, whose first cell may have run on to it ("……诉讼情况类别\t结果维持")
        tail = max((t.end() for t in _PART_END.finditer(rest, 0, stop)), default=stop)
        return at + (tail if stop - tail <= 6 else stop)
    if stop <= _HEADING_MAX and (stop == len(rest) or stop == (nxt.start() if nxt else -1)):
        return None  # a heading alone, or followed by a sub-heading: nothing to cut
    own_stop = stop <= _HEADING_MAX and rest[stop] in "。！？!?"
    # "……的情况" / "……的事项" inside the run: where a heading of that shape ends ("其他需要报告的事项本年度……")
    de_tail = next((t.end() for t in _DE_TAIL.finditer(rest, 0, min(stop, _HEADING_MAX)) if t.end() < stop), None)
    if own_stop and stop <= 24 and "，" not in rest[:stop] and de_tail is None:
        # "履职尽责情况抓党建引领。": a part's heading ends in 情况 / 事项 and its first item leads the body
        part_end = _PART_END.search(rest, 4, stop - 4)
        return at + part_end.end() if part_end else None  # else "依法决策机制不断完善。修订……": one inline heading
    if rest.startswith("其他") and _opening_score(rest[2:], starts) > 0:
        return at + 2  # "五、其他本年度……": the one part heading that is a single word
    # "加强领导，狠抓落实。全年……" is a heading with its own 。: cutting it needs strong evidence.
    best, best_score = None, 3.99 if own_stop else 1.99
    subjects = tuple(n[:3] for n in names if len(n) >= 3)
    depth = 0
    comma = rest.find("，", 0, stop)
    # "聚焦民生保障，…": a short first clause without figures is all heading
    first_clause = comma if 0 <= comma <= 10 and not re.search(r"\d", rest[:comma]) else 0
    for k in range(max(1, first_clause + 1), min(stop, _HEADING_MAX)):
        c = rest[k - 1]
        depth += (c in "（(《“【〔") - (c in "）)》”】〕")
        if depth > 0 or k < 2 or c in _NO_HEADING_END or rest[k] in _NO_BODY_START:
            continue
        score = _opening_score(rest[k:], starts) + _ending_score(rest[:k], ends)
        if subjects and rest.startswith(subjects, k):
            score += 2  # the body opens with the issuer: "高新区管委会党组书记认真履行……"
        if (c in _BAD_TAIL and not rest[:k].endswith(_HEAD_TAILS)) or rest[:k].endswith(_BODY_STARTS):
            score -= 3  # a heading does not end in a particle or in a verb that opens sentences ("牵头")
        if rest[k] in _BAD_START:
            score -= 3
        adverb = next((a for a in _DEGREE if rest.startswith(a, k)), None)
        if adverb and rest[k + len(adverb):k + len(adverb) + 2] in _HEAD_TAILS:
            score -= 3  # "……责任体系|持续完善坚持……": the heading's own "持续完善" is still ahead
        if c.isdigit() and rest[k].isdigit():
            continue
        if rest[stop:stop + 1] in "：:" and 2 <= stop - k <= 8:
            score += 1.5  # "问题与整改方向|存在的不足：一是……": the body opens with a short lead and a colon
        if k == de_tail:
            score += 1.5
        elif rest[:k].endswith(("情况", "事项")):
            score += 0.5  # the usual last word of a report's part heading ("……行政复议、行政诉讼情况")
        if rest[k:k + 2] in _HEAD_TAILS or _OWN_TAIL_AHEAD.match(rest, k) or _NEAR_TAIL_AHEAD.match(rest, k):
            score -= 2  # "信息公开|工作被申请……的情况", "……信息公开|申请情况": the heading's own last word is ahead
        if k < 4 or k - rest.rfind("，", 0, k) <= 4:
            score -= 1  # a heading (or its last clause) of one or two words is unlikely
        if k >= 2 and rest[k:k + 2] == rest[:2]:
            score += 1.5  # the body restates the heading's subject: "区长亲自抓法治建设区长认真履行……"
        score -= 0.05 * max(0, k - 20)  # headings are short (a theme of two halves runs to about 20)
        if score >= 4 and (best is None or best_score < 4):
            best, best_score = k, score
            break  # strong evidence: the first such place is the heading's end
        if score > best_score:
            best, best_score = k, score
    return at + best if best is not None else None


def _opening_score(text: str, starts: Counter[str]) -> float:
    score = 0.0
    if _ENUM.match(text):
        score += 4
    elif text.startswith(_BODY_STARTS) or re.match(r"(?:19|20)\d{2}年[，,以是]", text) or _FRAMED_OPENING.match(text):
        score += 2
    elif text.startswith(_BODY_STARTS_WEAK):
        score += 1
    return score + 0.3 * min(starts[text[:2]], 3)


def _ending_score(text: str, ends: Counter[str]) -> float:
    return (2.0 if text.endswith(_HEAD_TAILS) else 0.0) + 0.25 * min(ends[text[-2:]], 2)
