"""What the checker returns: findings, the status of each role of the genre, and the whole report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
RoleStatus = Literal["found", "uncertain", "missing"]


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    line: int | None = None
    source: str | None = None
    fix: str | None = None

    @property
    def where(self) -> str:
        """Where the finding points, as the checklist says it: 第N行, or 全文 for the whole document."""
        return f"第{self.line}行" if self.line else "全文"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "line": self.line,
                "source": self.source, "fix": self.fix}


def finding_order(f: Finding) -> tuple[int, int]:
    """Errors first, then warnings and notes; within a severity by line, whole-document findings last."""
    return SEVERITY_ORDER[f.severity], f.line if f.line is not None else 10**9


@dataclass
class SectionStatus:
    """One role of the genre and where (if anywhere) the draft covers it. `status` is found, uncertain (weak
    evidence only: the user should look at `line`) or missing (nothing scored above the genre's threshold)."""

    role: str
    name: str
    required: bool
    found: bool
    heading: str | None = None
    line: int | None = None
    source: str | None = None
    level: int | None = None
    status: RoleStatus | None = None

    def __post_init__(self) -> None:
        if self.status is None:
            self.status = "found" if self.found else "missing"

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "found": self.found,
                "status": self.status, "heading": self.heading, "line": self.line, "level": self.level}

    def missing_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "source": self.source,
                "status": self.status}


@dataclass
class CheckReport:
    file: str | None
    genre: dict[str, str] | None
    sections: list[SectionStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    citations: list[Any] = field(default_factory=list)
    title: str | None = None
    report_year: int | None = None

    def add_findings(self, more: list[Finding]) -> None:
        """More findings (the .docx typography check), kept in the report's order."""
        self.findings.extend(more)
        self.findings.sort(key=finding_order)

    @property
    def missing(self) -> list[SectionStatus]:
        """Required roles not confirmed: status missing, or uncertain (a candidate the user should look at)."""
        return [s for s in self.sections if s.required and not s.found]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def groups(self) -> list[tuple[str, str, list[Finding]]]:
        """The checklist's grouping, shared by the CLI and the UI: (severity, Chinese label, findings), most
        severe first, empty groups left out."""
        return [(sev, label, items) for sev, label in SEVERITY_LABELS.items() if (items := self.by_severity(sev))]

    def counts_text(self) -> str:
        """错误 1 项，警告 0 项，提示 2 项"""
        return "，".join(f"{label} {len(self.by_severity(sev))} 项" for sev, label in SEVERITY_LABELS.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "genre": self.genre,
            "report_year": self.report_year,
            "sections": [s.to_dict() for s in self.sections],
            "missing": [s.missing_dict() for s in self.missing],
            "findings": [f.to_dict() for f in self.findings],
            "citations": [c.to_dict() if hasattr(c, "to_dict") else c for c in self.citations],
        }
