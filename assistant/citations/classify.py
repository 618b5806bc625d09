"""Classification of a title the catalog does not know: a genre word pointing back (《决定》), a local document, a
book or film, or something that looks like a regulation and so must be checked by the reader."""

from __future__ import annotations

import re

_VERSION_IN_TITLE_RE = re.compile(r"[（(]\s*(?P<y>\d{4})\s*年?\s*(?P<w>修正|修订|修正本|修订本|修正文本|修订文本|版)?\s*[)）]$")
_YEAR_RANGE_RE = re.compile(r"[（(]\s*\d{4}\s*[-—－–~～至]+\s*\d{4}\s*年?\s*[)）]$")
_TAIL_RE = re.compile(r"[（(][^（()）]*[)）]$")


# Titles that are only a genre word point back at something named earlier (“《决定》”), not at a regulation.
GENERIC_TITLES = {
    "决定", "决议", "纲要", "纲要草案", "规划", "建议", "意见", "通知", "报告", "政府工作报告", "条例", "办法", "规定",
    "方案", "公报", "批复", "实施意见", "实施方案", "工作报告", "计划", "草案", "章程", "细则", "解释", "法",
}
# A regulatory document's name ends with one of these (after trailing brackets like （试行） are dropped).
REGULATORY_SUFFIXES = (
    "法", "条例", "规定", "办法", "细则", "规则", "决定", "决议", "解释", "纲要", "规划", "意见", "通知", "通告", "公告",
    "批复", "准则", "章程", "方案", "制度", "标准", "指引", "措施", "行动计划", "清单", "指南", "守则", "规范", "要点",
    "命令", "令", "答复", "函", "规程", "导则", "建议",
)
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
    "宁夏", "新疆", "香港", "澳门",
)
_PROVINCE_RE = re.compile("^(?:" + "|".join(PROVINCES) + r")(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?")
# 2–6 characters of place name + an administrative unit, not followed by a character that makes it a word
# (市场, 区域, 县域, 市民 …); or a development zone named at the start.
_PLACE_RE = re.compile(
    r"^[\u4e00-\u9fff]{2,6}?(?:省|市|县|区|州|旗|盟|镇|乡|街道)(?![场民域块级长属直容政])"
)
_ZONE_RE = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:高新区|开发区|经开区|园区|新区|示范区|试验区|自贸区|保税区|管委会)")
_LOCAL_BODY_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:省|市|县|区)(?:委|政府|人民政府|人大|人大常委会|党委|党工委|管委会)")
_CENTRAL_RE = re.compile(r"^(?:中共中央|中央|国务院|全国人民代表大会|全国人大|中办|国办)")
_COURT_RE = re.compile(r"^(?:最高人民法院|最高人民检察院)")
_MINISTRY_RE = re.compile(r"^(?:国家)?[\u4e00-\u9fff]{1,12}?(?:部|委员会|总局|局|署|银行)(?:、[\u4e00-\u9fff]{2,12})*(?:关于|印发)")
# Words ending in 法 that are not the name of a law (《…管理办法》 is a rule, not a 法律).
_NOT_LAW = ("办法", "方法", "做法", "用法", "想法", "说法", "书法", "兵法", "算法", "手法", "章法", "技法", "疗法")
_NOT_PLACE = {"城市", "都市", "超市", "社区", "地区", "山区", "林区", "牧区", "景区", "灾区", "小区", "街区", "城区", "郊区",
              "片区", "湾区", "园区", "辖区", "校区", "矿区", "全国", "各省", "各市", "各县", "各区", "省市", "市县"}


# ------------------------------------------------------------------------------------------------ classification


def core_title(title: str) -> tuple[str, int | None]:
    """Title without spaces and without a trailing version （2017年修正）; the version year if there was one."""
    t = re.sub(r"\s+", "", title)
    while len(t) > 2 and t[0] == "《" and t[-1] == "》" and "《" not in t[1:-1]:
        t = t[1:-1]  # 《《X》》 written by mistake
    m = _VERSION_IN_TITLE_RE.search(t)
    if m and not _YEAR_RANGE_RE.search(t):
        return t[:m.start()], int(m["y"])
    return t, None


def stem(title: str) -> str:
    """Title without trailing brackets (（试行）, （2021—2025年）, （一）) — for suffix tests."""
    t = title
    for _ in range(3):
        new = _TAIL_RE.sub("", t).strip()
        if new == t:
            break
        t = new
    return t


def is_regulatory(title: str) -> bool:
    return stem(title).endswith(REGULATORY_SUFFIXES)


def is_local(title: str) -> bool:
    """A document of a province, city, county, district or development zone (named at the start)."""
    t = re.sub(r"\s+", "", title)
    if _PROVINCE_RE.match(t) and not t.startswith(("中华人民共和国",)):
        return True
    m = _PLACE_RE.match(t)
    if m and m.group(0) not in _NOT_PLACE and m.group(0)[:2] not in ("全国", "各级", "关于"):
        return True
    return bool(_ZONE_RE.match(t) or _LOCAL_BODY_RE.match(t))


def looks_like_regulation(title: str, suffixes: tuple[str, ...]) -> bool:
    """Ends in one of the data's regulation words (法, 条例, 规定 …), not in an ordinary word ending in 法."""
    base = stem(title)
    if base.endswith("法") and base.endswith(_NOT_LAW) and not base.endswith("办法"):
        return False  # 方法, 做法, 书法 …
    return base.endswith(suffixes)


def classify_unresolved(title: str, suffixes: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """(kind, message key or None) for a title the catalog does not know. `suffixes`: the words that make a
    title look like a regulation (citation_rules.yaml); such a title gets the warning `unlisted`."""
    base = stem(title)
    if base in GENERIC_TITLES or title in GENERIC_TITLES:
        return "other", None
    regulatory = is_regulatory(title)
    if is_local(title) and not (_CENTRAL_RE.match(title) or _COURT_RE.match(title)):
        return ("local", "local") if regulatory else ("other", None)
    if not regulatory:
        return "other", None
    if _COURT_RE.match(title):
        return "judicial_interpretation", "unknown_judicial"
    kind = "central_policy" if _CENTRAL_RE.match(title) else "departmental_rule" if _MINISTRY_RE.match(title) \
        else "unknown"
    if looks_like_regulation(title, suffixes):
        return kind, "unlisted"
    if kind == "unknown" and (title.startswith("中华人民共和国") or base.endswith("条例")
                              or (base.endswith("法") and not base.endswith(_NOT_LAW))):
        return kind, "unknown_law"
    return kind, "unknown"
