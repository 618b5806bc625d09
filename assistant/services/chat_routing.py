"""Which job a chat message asks for: draft, revise, whole report, check, cite, article lookup or a question.

Deterministic and complete without a model: intent phrases (knowledge/chat_intents.yaml), explicit references
(《…》第X条), and the shape of pasted text (a title or 层次序数 make it a draft to check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ConfigError
from assistant.settings import get_settings

Job = Literal["draft", "revise", "whole", "check", "cite", "lookup", "question"]
JOB_LABELS: dict[str, str] = {"question": "问答检索"}

_REF_RE = re.compile(r"《[^《》\n]{2,60}》\s*第[一二三四五六七八九十百零〇\d]+条")
_TITLE_RE = re.compile(r"^[^\n]{4,60}(报告|总结|请示|通知|意见|方案|计划|函|纪要|决定|讲话|述职)\s*$", re.M)
_HEADING_RE = re.compile(r"(^|\n|[。；：])\s*[一二三四五六七八九十]+、")


class _Intent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    phrases: list[str] = Field(min_length=1)


class IntentRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instruction_max: int = Field(gt=0)
    document_min_chars: int = Field(gt=0)
    intents: dict[Job, _Intent]

    def hits(self, job: Job, text: str) -> bool:
        compact = re.sub(r"\s+", "", text)
        return any(p in compact for p in self.intents[job].phrases)


@lru_cache(maxsize=4)
def load_intents(path: Path | None = None) -> IntentRules:
    path = path or get_settings().knowledge_dir / "chat_intents.yaml"
    try:
        return IntentRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as err:
        raise ConfigError(f"对话意图规则无法读取：{path}：{err}") from None


def job_label(job: str) -> str:
    rules = load_intents()
    return rules.intents[job].label if job in rules.intents else JOB_LABELS.get(job, job)


@dataclass
class Route:
    job: Job
    instruction: str  # what the user asked, before the colon (or the whole message)
    body: str  # the pasted text after the colon (or the whole message)


def split_instruction(message: str, limit: int) -> tuple[str, str]:
    """"帮我检查这份报告缺什么：<正文>" → (instruction, body). Without a short lead-in ending in a colon the
    whole message is both."""
    m = re.search(r"[:：]", message)
    if m and 0 < m.start() <= limit:
        head, rest = message[:m.start()].strip(), message[m.end():].strip()
        if rest:
            return head, rest
    return message.strip(), message.strip()


def looks_like_document(text: str, min_chars: int) -> bool:
    """Pasted text that is a draft rather than a request: long enough, with a title or numbered headings."""
    if len(text) < min_chars:
        return False
    return bool(_TITLE_RE.search(text[:400])) or len(_HEADING_RE.findall(text)) >= 2


def route(message: str, *, has_attachment: bool = False, has_draft: bool = False) -> Route:
    rules = load_intents()
    instruction, body = split_instruction(message, rules.instruction_max)
    asks = {job: rules.hits(job, instruction) for job in rules.intents}
    if has_attachment or looks_like_document(body, rules.document_min_chars) and body != instruction:
        # A document came with the message: check it unless the lead-in asks for another job.
        for job in ("cite", "whole", "draft"):
            if asks[job]:
                return Route(job, instruction, body)
        return Route("check", instruction, body)
    if looks_like_document(message, rules.document_min_chars):
        return Route("check", "", message)
    if asks["cite"] and "《" in message:
        return Route("cite", instruction, body)
    if _REF_RE.search(message) and not asks["draft"]:
        return Route("lookup", instruction, message)
    if has_draft and asks["revise"] and not asks["whole"]:
        return Route("revise", instruction, message)
    for job in ("whole", "draft"):
        if asks[job]:
            return Route(job, instruction, body)
    if "《" in message and not asks["lookup"]:
        return Route("cite", instruction, body)
    return Route("question", instruction, message)
