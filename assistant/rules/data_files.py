"""Reading a rule file from knowledge/: once per file version (path + modification time), with the same
Chinese messages for a missing or unreadable file whatever the file is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from assistant.errors import ConfigError

T = TypeVar("T")
_CACHE: dict[tuple[str, str, float], Any] = {}


def load_rule_file(path: Path, what: str, parse: Callable[[Any], T]) -> T:
    """`parse` turns the YAML data into validated rules (raising ConfigError on a defect); `what` names the
    file in messages (格式规则, 版式规则). A file edited on disk is read again."""
    try:
        key = (what, str(path), path.stat().st_mtime)
    except OSError as exc:
        raise ConfigError(f"找不到{what}文件：{path}", hint="检查 ASSISTANT_KNOWLEDGE_DIR 设置") from exc
    if key not in _CACHE:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{what}文件无法读取：{path}：{exc}") from exc
        _CACHE[key] = parse(data)
    return _CACHE[key]
