"""The result of checking one 《…》 citation, and the Chinese labels the CLI table and the web UI show for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Chinese labels for Citation.match and Citation.kind, shared by the CLI table and the web UI.
MATCH_LABELS = {
    "exact": "全称", "short_title": "简称", "alias": "别称", "abbreviation": "缺“中国共产党”", "normalized": "写法差异",
    "edition": "按日期定版本", "traditional": "繁体", "fuzzy": "近似", "none": "未匹配",
}
KIND_LABELS = {
    "law": "法律", "administrative_regulation": "行政法规", "judicial_interpretation": "司法解释",
    "departmental_rule": "部门规章", "party_regulation": "党内法规", "central_policy": "中央文件", "standard": "国家标准",
    "local": "地方文件", "other": "非法规", "unknown": "未知",
}
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass
class Citation:
    text: str  # the whole reference as written: 《安全生产法》第二十五条
    line: int | None
    title_as_written: str
    resolved_title: str | None = None
    match: str = "none"  # exact | short_title | alias | normalized | edition | traditional | fuzzy | abbreviation | none
    kind: str = "unknown"
    status: str | None = None  # at the draft's date: 现行有效 | 已修改 | 已废止 | 尚未施行
    in_force: bool | None = None
    replaced_by: str | None = None
    replaced_chain: list[str] = field(default_factory=list)  # replaced_by's successors, down to what is in force
    suggestion: str | None = None
    suggestion_reason: str | None = None  # 同音字 | 多字 | 少字 | 错字 | 俗称 | 繁体
    candidates: list[dict[str, Any]] = field(default_factory=list)  # [{title, reason, score}], best first
    article: str | None = None  # first article referenced, as written
    article_text: str | None = None
    text_hint: str | None = None  # how to get the article text when it is not imported
    severity: str | None = None  # worst finding: error | warning | info
    message: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)  # every article referenced
    version_year: int | None = None
    quote: str | None = None
    quote_diff: list[dict[str, str]] | None = None
    declared_as: str | None = None  # the 以下简称 name declared for this citation
    date_used: str | None = None
    score: float | None = None
    source: str | None = None  # file the citation is in

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "line": self.line, "title_as_written": self.title_as_written,
            "resolved_title": self.resolved_title, "match": self.match, "kind": self.kind, "status": self.status,
            "in_force": self.in_force, "replaced_by": self.replaced_by, "replaced_chain": list(self.replaced_chain),
            "suggestion": self.suggestion, "suggestion_reason": self.suggestion_reason,
            "candidates": list(self.candidates), "article": self.article, "article_text": self.article_text,
            "text_hint": self.text_hint, "severity": self.severity, "message": self.message,
            "findings": list(self.findings), "articles": list(self.articles), "version_year": self.version_year,
            "quote": self.quote, "quote_diff": self.quote_diff, "declared_as": self.declared_as,
            "date": self.date_used, "score": self.score,
        }

    def add_finding(self, finding: dict[str, Any]) -> None:
        self.findings.append(finding)

    def finish(self) -> Citation:
        """Severity and message of the worst finding."""
        if self.findings:
            worst = max(self.findings, key=lambda f: SEVERITY_RANK.get(f["severity"], 0))
            self.severity, self.message = worst["severity"], worst["message"]
        return self
