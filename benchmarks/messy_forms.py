"""The four messy forms a report arrives in, generated from a clean text (issue 9).

  flatten(text)        every line break lost (text copied from a web page): lines joined with no separator;
  to_traditional(text) OpenCC s2t, as reposted reports often are;
  web_chrome(text)     wrapped in a government site's page chrome: breadcrumb, 发布时间/来源/字号, 打印本页/关闭窗口
                       before; 分享到, 上一篇/下一篇, 版权所有/备案号/主办单位, 扫一扫在手机打开 after;
  pdf_wrap(text)       extracted from a PDF: blank lines gone, every line hard-wrapped at `width` characters, a page
                       number ("— N —") after every `page_lines` lines, optionally a running header on each page.

All four are deterministic (the same text always gives the same form), so benchmarks and tests can compare
figures run to run. Used by tests/test_normalize.py and benchmarks/check_eval.py.
"""

from __future__ import annotations

from collections.abc import Callable

import opencc

FORMS = ("flat", "traditional", "web", "pdf")


def flatten(text: str) -> str:
    """All lines joined with no separator (indentation and blank lines vanish with the breaks)."""
    return "".join(line.strip() for line in text.splitlines())


def to_traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)


_CHROME_BEFORE = [
    "首页 > 政务公开 > 法定主动公开内容 > 计划总结",
    "当前位置：首页 > 政府信息公开 > 工作报告",
    "发布时间：2024-03-01 10:20:35　来源：{source}　浏览次数：1268",
    "【字号：大 中 小】　【打印本页】　【关闭窗口】",
    "",
]
_CHROME_AFTER = [
    "",
    "分享到：",
    "扫一扫在手机打开当前页",
    "【打印本页】 【关闭窗口】",
    "上一篇：关于公布2023年度行政规范性文件清理结果的通知",
    "下一篇：2024年第一季度政务服务工作动态",
    "相关链接",
    "版权所有：{source}　　备案号：闽ICP备05012345号-1",
    "主办单位：{source}办公室　技术支持：某某信息技术有限公司",
]


def web_chrome(text: str, *, source: str = "示例县人民政府") -> str:
    """The text between the chrome lines of a typical government web page."""
    before = "\n".join(line.format(source=source) for line in _CHROME_BEFORE)
    after = "\n".join(line.format(source=source) for line in _CHROME_AFTER)
    return f"{before}\n{text.strip()}\n{after}\n"


def pdf_wrap(text: str, *, width: int = 36, page_lines: int = 22, header: str | None = None,
             page_mark: str = "— {n} —") -> str:
    """Blank lines dropped, each line cut every `width` characters, `page_mark` after every `page_lines` lines
    (and after the last page); `header` (a running header) starts every page after the first."""
    wrapped: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        wrapped.extend(line[i:i + width] for i in range(0, len(line), width))
    out: list[str] = []
    for page, start in enumerate(range(0, len(wrapped), page_lines), start=1):
        if header and page > 1:
            out.append(header)
        out.extend(wrapped[start:start + page_lines])
        out.append(page_mark.format(n=page))
    return "\n".join(out) + "\n"


GENERATORS: dict[str, Callable[[str], str]] = {
    "flat": flatten,
    "traditional": to_traditional,
    "web": web_chrome,
    "pdf": pdf_wrap,
}


def messy_forms(text: str) -> dict[str, str]:
    """Form name → the text in that form."""
    return {name: make(text) for name, make in GENERATORS.items()}
