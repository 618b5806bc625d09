"""Prompts are files: `prompts/<name>.md`, a YAML front matter (name, description, slots) and a body with
named slots written `{{slot}}`.

Rendering is a single pass: a value is never re-scanned for slots, so braces or `{{…}}` inside an exemplar
or the user's facts stay literal text. `data_block()` makes indexed text safe to embed between the
prompt's <…> data tags (it cannot close a tag or open a new one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import ConfigError
from assistant.settings import get_settings

_SLOT = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    description: str
    slots: tuple[str, ...]
    body: str
    path: str

    def render(self, **values: object) -> str:
        missing = [s for s in self.slots if s not in values]
        extra = [k for k in values if k not in self.slots]
        if missing or extra:
            raise ConfigError(f"提示词模板 {self.name} 的填充项不匹配：缺少 {missing or '无'}，多余 {extra or '无'}",
                              hint=f"检查 {self.path}")
        return _SLOT.sub(lambda m: str(values[m.group(1)]), self.body).strip() + "\n"


class FrontMatter(BaseModel):
    """The front matter of a prompt file; an unknown or misspelled key is a load error."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    slots: list[str] = Field(default_factory=list)


def prompts_dir() -> Path:
    return Path(get_settings().prompts_dir)


def load_prompt(name: str, directory: Path | None = None) -> PromptTemplate:
    """Load `prompts/<name>.md`; the slots declared in the front matter must be exactly those in the body."""
    base = directory or prompts_dir()
    path = base / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"找不到提示词模板：{path}", hint="检查 ASSISTANT_PROMPTS_DIR 或重新安装")
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        raise ConfigError(f"提示词模板缺少开头的 --- 元数据块：{path}")
    try:
        meta = FrontMatter.model_validate(yaml.safe_load(match.group(1)) or {})
    except (yaml.YAMLError, ValidationError) as err:
        raise ConfigError(f"提示词模板的元数据不合规：{path}：{err}") from None
    body = text[match.end():]
    declared = tuple(meta.slots)
    used = tuple(dict.fromkeys(_SLOT.findall(body)))
    if set(declared) != set(used):
        raise ConfigError(f"提示词模板 {name} 声明的填充项 {sorted(declared)} 与正文中的 {sorted(used)} 不一致",
                          hint=f"检查 {path}")
    return PromptTemplate(name=meta.name, description=meta.description, slots=declared, body=body, path=str(path))


def data_block(text: str) -> str:
    """Indexed or user text for a data tag: angle brackets become full-width so the text can neither close
    the surrounding <…> tag nor open one of its own; slot markers are defused as well."""
    return text.replace("<", "＜").replace(">", "＞").replace("{{", "{ {").replace("}}", "} }").strip()
