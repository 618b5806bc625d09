"""Administration: the effective configuration and where each value came from, backup and restore of the
knowledge base, the writer lock around indexing, and safe names for uploaded files.

Light at import time: the knowledge base (and with it chromadb) is imported only by the backup functions.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import ConfigFileSource, Settings, config_path, env_names, get_settings

SECRET_FIELDS = ("llm_api_key", "embeddings_api_key")
SOURCE_LABELS = {"default": "默认值", "config": "配置文件", "env": "环境变量"}


@dataclass
class ConfigEntry:
    name: str  # field name, as written in the config file
    value: Any  # secrets masked
    source: str  # default | config | env
    origin: str | None  # the variable name or the config file path
    env: list[str]  # the environment variables that set it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def mask_secret(value: str | None) -> str | None:
    """Enough of a key to tell two keys apart, never enough to use it."""
    if not value:
        return value
    if len(value) <= 8:
        return "****"
    return f"{value[:3]}…{value[-4:]}"


def _display(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    return value


def effective_config(settings: Settings | None = None) -> dict[str, Any]:
    """Every setting with its value and origin: environment variable, config file or default."""
    s = settings or get_settings()
    path, explicit = config_path()
    file_data = ConfigFileSource(Settings).toml_data
    entries: list[ConfigEntry] = []
    for name in Settings.model_fields:
        names = env_names(name)
        value = _display(getattr(s, name))
        if name in SECRET_FIELDS:
            value = mask_secret(value)
        from_env = next((n for n in names if os.environ.get(n, "").strip()), None)
        if from_env:
            entries.append(ConfigEntry(name, value, "env", from_env, names))
        elif name in file_data or any(n in file_data for n in names):
            entries.append(ConfigEntry(name, value, "config", str(path), names))
        else:
            entries.append(ConfigEntry(name, value, "default", None, names))
    return {
        "config_file": str(path),
        "config_file_exists": path.is_file(),
        "config_file_from": "ASSISTANT_CONFIG" if explicit else "默认位置",
        "data_dir": str(s.home),
        "store_dir": str(s.store_dir),
        "settings": [e.to_dict() for e in entries],
    }


# --- indexing lock ----------------------------------------------------------------------------------------

@contextmanager
def index_lock(settings: Settings | None = None, *, on_wait: Callable[[str], None] | None = None,
               timeout: float | None = None) -> Iterator[None]:
    """Around every write of the knowledge base (`with index_lock(on_wait=echo): ...`): one writer at a time
    (a second one waits, told why through `on_wait`), and a failed write (disk full …) is a StoreError."""
    from assistant.kb.lock import IndexLock, storage_errors

    with IndexLock((settings or get_settings()).home, on_wait=on_wait, timeout=timeout), storage_errors():
        yield


# --- backup -----------------------------------------------------------------------------------------------

def export_backup(path: str | Path, settings: Settings | None = None) -> dict[str, Any]:
    from assistant.kb.backup import export_kb
    from assistant.kb.retrieval import KnowledgeBase

    s = settings or get_settings()
    with index_lock(s), KnowledgeBase.open(s, auto_samples=False) as kb:
        return export_kb(kb, Path(path))


def import_backup(path: str | Path, settings: Settings | None = None, *, replace: bool = False,
                  on_wait: Callable[[str], None] | None = None) -> dict[str, Any]:
    from assistant.kb.backup import import_kb

    s = settings or get_settings()
    with index_lock(s, on_wait=on_wait):
        return import_kb(s, Path(path), replace=replace)


# --- uploads ----------------------------------------------------------------------------------------------

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$", re.IGNORECASE)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
MAX_NAME_BYTES = 200  # well under the 255-byte limit of common file systems, room for a numbered copy


def _clip_name(stem: str, suffix: str) -> str:
    if len(suffix.encode("utf-8")) > 16:  # an absurd "extension" is part of the name
        stem, suffix = stem + suffix, ""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    raw = stem.encode("utf-8")[:room]
    return raw.decode("utf-8", "ignore").rstrip(" .") + suffix


def safe_upload_name(name: str) -> str:
    """A plain file name made from whatever a browser sent: no directories, no control characters, no
    reserved device names, at most MAX_NAME_BYTES bytes, the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]  # only the last component: "../../x" and "C:\\x" lose their paths
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    if not name:
        return "upload"
    base = Path(name)
    stem, suffix = base.stem, base.suffix
    if _RESERVED.match(stem.split(".")[0].strip()):
        stem = "_" + stem
    return _clip_name(stem, suffix) or "upload"


def safe_upload_path(home: str | Path, name: str) -> Path:
    """Where an upload called `name` is stored: always directly inside HOME/uploads, whatever the name."""
    uploads = (Path(home) / "uploads").resolve()
    uploads.mkdir(parents=True, exist_ok=True)
    target = (uploads / safe_upload_name(name)).resolve()
    if target.parent != uploads:  # cannot happen after safe_upload_name; a symlink planted there would
        raise AssistantError(f"上传文件名不安全：{name[:80]}", hint="请改用普通文件名")
    return target
