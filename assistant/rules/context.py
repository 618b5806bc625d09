"""The document as the format rules see it: parsed elements, the 正文 paragraphs, and each element's text and
line even when it is too malformed for the parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.documents.numbering import LOOSE_TAIL_DATE_RE
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.rules.findings import SectionStatus
from assistant.rules.genre_schema import Genre, Role, norm
from assistant.rules.wenzhong import legal_ending

# Loose forms of tail elements, to find them when they are too malformed for the parser.
CC_LOOSE_RE = re.compile(r"^抄\s*[送报]\s*[:：]?")
_NOTES_HINT_RE = re.compile(r"此件|联系人|联系电话|主动公开|公开发布|依申请公开|不予公开")


@dataclass
class CheckContext:
    doc: OfficialDocument
    genre: Genre | None = None
    statuses: list[SectionStatus] = field(default_factory=list)
    role_sections: dict[str, list[Section]] = field(default_factory=dict)
    citation_findings: list[dict[str, Any]] = field(default_factory=list)
    marks: list[Any] | None = None  # 层次序数 of the body (format_checks.heading_marks), computed once
    body: list[Paragraph] | None = None  # paragraphs of the 正文, computed once

    @property
    def genre_name(self) -> str | None:
        return self.genre.name if self.genre else None

    @property
    def roles(self) -> list[Role]:
        return self.genre.sections if self.genre else []

    @property
    def wenzhong(self) -> str | None:
        """The 法定文种 the document is written as: from the title's ending, else from the genre file."""
        return legal_ending(norm(self.doc.title)) or (self.genre.official_genre if self.genre else None)

    @property
    def is_official(self) -> bool:
        """Whether the draft is a 公文 with 版头 and 文种 (not a 事务文书 like 总结 or 述职报告): the genre says
        so; without a genre, a title of the form "××关于××" does."""
        return self.genre.official if self.genre else "关于" in norm(self.doc.title)

    def field_value(self, name: str) -> tuple[str | None, int | None]:
        """A format element's text as written and its line. When the parser could not recognise an element
        because it is malformed (附注 without brackets, 抄送 without colon, a dotted date), the checker looks
        for it in the last lines so the malformed form can still be reported."""
        doc = self.doc
        if name == "recipients_raw":
            para = self.paragraph_at(doc.recipients_line)
            if para is not None:
                return para.text.strip(), doc.recipients_line
            if doc.recipients:
                return "、".join(doc.recipients), doc.recipients_line
            return None, None
        if name == "date" and not doc.date:
            p = self._tail_match(LOOSE_TAIL_DATE_RE)
            return (p.text.strip(), p.line) if p else (None, None)
        if name == "notes" and not doc.notes:
            p = self._unbracketed_notes()
            return (p.text.strip(), p.line) if p else (None, None)
        if name == "cc_line_text":
            para = self.paragraph_at(doc.cc_line) or self._tail_match(CC_LOOSE_RE)
            return (para.text.strip(), para.line) if para else (None, None)
        if name == "cc_raw" and not doc.cc_raw:
            p = self._tail_match(CC_LOOSE_RE)
            return (CC_LOOSE_RE.sub("", p.text).strip(), p.line) if p else (None, None)
        if name == "print_line" and not doc.print_line:
            p = self._print_candidate()
            return (p.text.strip(), p.line) if p else (None, None)
        lines = {"doc_number": "doc_number_line", "date": "date_line", "notes": "notes_line", "cc_raw": "cc_line",
                 "print_line": "print_line_no", "title": "title_line", "closing": "closing_line"}
        value = getattr(doc, name, None)
        line = getattr(doc, lines[name], None) if name in lines else None
        return (value if isinstance(value, str) else None), line

    def _tail(self, n: int = 8) -> list[Paragraph]:
        return self.doc.paragraphs[-n:]

    def _tail_match(self, rx: re.Pattern[str]) -> Paragraph | None:
        for p in reversed(self._tail()):
            if rx.search(p.text.strip()):
                return p
        return None

    def _unbracketed_notes(self) -> Paragraph | None:
        date = self.doc.date_line or getattr(self._tail_match(LOOSE_TAIL_DATE_RE), "line", None)
        if date is None:
            return None
        after = [p for p in self.doc.paragraphs if p.line > date]
        if after and len(after[0].text) <= 80 and _NOTES_HINT_RE.search(after[0].text) \
                and not CC_LOOSE_RE.search(after[0].text) and "印发" not in after[0].text:
            return after[0]
        return None

    def _print_candidate(self) -> Paragraph | None:
        if self.doc.cc_line:
            after = [p for p in self.doc.paragraphs if p.line > self.doc.cc_line]
            if after:
                return after[-1] if len(after) == 1 else Paragraph(" ".join(p.text for p in after), after[0].line)
            return None
        p = self._tail(1)
        return p[0] if p and "印发" in p[0].text and len(p[0].text) <= 60 else None

    def paragraph_at(self, line: int | None) -> Paragraph | None:
        if line is None:
            return None
        for p in self.doc.paragraphs:
            if p.line == line:
                return p
        return None

    def body_paragraphs(self) -> list[Paragraph]:
        """Paragraphs of the 正文: after the title / 主送机关, before 附件说明, 署名 and 成文日期."""
        if self.body is None:
            self.body = self._body_paragraphs()
        return list(self.body)

    def _body_paragraphs(self) -> list[Paragraph]:
        doc = self.doc
        if not doc.paragraphs:
            out = list(doc.preamble)
            for s in doc.iter_sections():
                heading = f"{s.number}{s.heading}" + (f"。{s.inline_text}" if s.inline_text else "")
                out.append(Paragraph(heading, s.line))
                out.extend(s.paragraphs)
            return out
        starts = [x for x in (doc.title_line, doc.recipients_line, doc.doc_number_line) if x]
        start = max(starts) if starts else 0
        ends = [x for x in (doc.date_line, doc.notes_line, doc.cc_line, doc.print_line_no) if x and x > start]
        end = min(ends) if ends else None
        out = []
        for p in doc.paragraphs:
            if p.line <= start or (end is not None and p.line >= end):
                continue
            if re.match(r"^\s*附\s*件\s*[：:]", p.text):
                break
            out.append(p)
        # The 发文机关署名 sits directly above the date; it is not part of the body.
        while out and doc.issuer and norm(out[-1].text) and norm(out[-1].text) in norm(doc.issuer):
            out.pop()
        return out
