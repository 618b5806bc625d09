"""The 法定文种 (《党政机关公文处理工作条例》第八条) and the made-up ones drafts often use instead.

One list for the whole rules package: genre detection (a 通知 is not a report whatever its topic), the title
rules and the checker's view of which 文种 a draft is written as all read it from here.
"""

from __future__ import annotations

# 条例第八条: the fifteen kinds (命令 is also written 令). Law, not practice: this list does not change by unit.
LEGAL_WENZHONG: tuple[str, ...] = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
                                   "报告", "请示", "批复", "议案", "函", "纪要")
# Endings that look like a 文种 but are none (惯例: the usual mistakes in drafts sent up for review).
MADE_UP_WENZHONG: tuple[str, ...] = ("请示报告", "报告请示", "总结报告", "汇报报告", "工作汇报")

_LONGEST_FIRST = sorted(LEGAL_WENZHONG, key=len, reverse=True)


def legal_ending(title: str) -> str | None:
    """The 法定文种 a normalised title ends with (the longest: 命令 rather than 令), or None."""
    return next((w for w in _LONGEST_FIRST if title.endswith(w)), None)


def made_up_ending(title: str) -> str | None:
    """The made-up 文种 a normalised title ends with, or None."""
    return next((w for w in MADE_UP_WENZHONG if title.endswith(w)), None)
