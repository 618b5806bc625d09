"""All settings in one place: the environment, then an explicit config file, then defaults.

Environment variables (they win over the config file):
  ASSISTANT_HOME                  data home (knowledge base, caches); default $XDG_DATA_HOME/gongwen-assistant
                                  or ~/.local/share/gongwen-assistant
  ASSISTANT_CONFIG                config file; default $XDG_CONFIG_HOME/gongwen-assistant/config.toml
                                  or ~/.config/gongwen-assistant/config.toml (absent is fine)
  OPENAI_BASE_URL / OPENAI_API_KEY / ASSISTANT_LLM_MODEL    drafting endpoint (optional)
  ASSISTANT_EMBEDDINGS_BASE_URL / ASSISTANT_EMBEDDINGS_MODEL / ASSISTANT_EMBEDDINGS_API_KEY
                                  OpenAI-compatible embeddings instead of the bundled e5 model
  CHROMA_HOST / CHROMA_PORT       use a Chroma server instead of the embedded store
  ASSISTANT_RERANK_BASE_URL / ASSISTANT_RERANK_MODEL        optional /v1/rerank endpoint for search
  ASSISTANT_QUERY_REWRITE=1                                 the LLM adds legal terms to regulation questions

The config file uses the field names below (`home = "/data/gongwen"`, `llm_base_url = "http://…/v1"`).
Only the variables named in `validation_alias` are read from the environment: a field called `home` must never
be filled from $HOME, and no `.env` of whatever directory the command runs in is read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomllib
from pydantic import AliasChoices, Field
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_DIR = "gongwen-assistant"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR


def config_path() -> tuple[Path, bool]:
    """The config file to read and whether the user named it explicitly (ASSISTANT_CONFIG)."""
    explicit = os.environ.get("ASSISTANT_CONFIG", "").strip()
    if explicit:
        return Path(explicit).expanduser(), True
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP_DIR / "config.toml", False


class Settings(BaseSettings):
    # populate_by_name lets code and tests write Settings(home=...); the environment source below is
    # restricted to the aliases, so $HOME does not fill `home`.
    model_config = SettingsConfigDict(env_file=None, env_ignore_empty=True, extra="ignore",
                                      populate_by_name=True)

    home: Path = Field(default_factory=_default_home, validation_alias="ASSISTANT_HOME")
    knowledge_dir: Path = Field(PROJECT_ROOT / "knowledge", validation_alias="ASSISTANT_KNOWLEDGE_DIR")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", validation_alias="ASSISTANT_PROMPTS_DIR")

    # Drafting LLM: any OpenAI-compatible endpoint. Nothing is sent anywhere unless base_url is set.
    llm_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL", "ASSISTANT_LLM_BASE_URL"))
    llm_api_key: str | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY", "ASSISTANT_LLM_API_KEY"))
    llm_model: str | None = Field(None, validation_alias="ASSISTANT_LLM_MODEL")
    llm_timeout: float = Field(120.0, validation_alias="ASSISTANT_LLM_TIMEOUT")
    llm_max_retries: int = Field(2, validation_alias="ASSISTANT_LLM_MAX_RETRIES")
    # Context window of the drafting model (tokens); the prompt is trimmed to fit (exemplars first).
    llm_context_tokens: int = Field(8192, validation_alias="ASSISTANT_LLM_CONTEXT_TOKENS")

    # Embeddings: bundled e5 by default; an OpenAI-compatible endpoint when base_url is set.
    embeddings_base_url: str | None = Field(None, validation_alias="ASSISTANT_EMBEDDINGS_BASE_URL")
    embeddings_model: str | None = Field(None, validation_alias="ASSISTANT_EMBEDDINGS_MODEL")
    embeddings_api_key: str | None = Field(None, validation_alias="ASSISTANT_EMBEDDINGS_API_KEY")
    # Local embedder when no endpoint is set: "e5" (bundled, default) or "hash" (fast, not semantic; tests).
    embedder: str | None = Field(None, validation_alias="ASSISTANT_EMBEDDER")
    # Optional reranker in the /v1/rerank convention (vLLM, Xinference, TEI); off unless the URL is set.
    rerank_base_url: str | None = Field(None, validation_alias="ASSISTANT_RERANK_BASE_URL")
    rerank_model: str | None = Field(None, validation_alias="ASSISTANT_RERANK_MODEL")
    # Optional: the drafting model (llm_*) turns a question about regulations into the regulations' own terms
    # before search. Off unless set, and only with an LLM endpoint configured.
    query_rewrite: bool = Field(False, validation_alias="ASSISTANT_QUERY_REWRITE")

    # Input files larger than this are refused before reading (documents.read_document).
    max_file_mb: float = Field(20.0, validation_alias="ASSISTANT_MAX_FILE_MB")

    # Chroma server (shared knowledge base) instead of the embedded store.
    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, AliasOnlyEnvSource(settings_cls), ConfigFileSource(settings_cls)

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def genres_dir(self) -> Path:
        return self.knowledge_dir / "genres"

    @property
    def samples_dir(self) -> Path:
        return self.knowledge_dir / "samples"

    @property
    def regulations_dir(self) -> Path:
        return self.knowledge_dir / "regulations"


def env_names(field: str) -> list[str]:
    """The environment variables that set `field` (upper case, as documented)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(a) for a in alias.choices]
    return [str(alias)] if alias else []


def _alias_names() -> set[str]:
    return {name.lower() for field in Settings.model_fields for name in env_names(field)}


class AliasOnlyEnvSource(EnvSettingsSource):
    """The environment, limited to the documented variable names (never HOME, PATH, …)."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        allowed = _alias_names()
        return {k: v for k, v in super()._load_env_vars().items() if k.lower() in allowed}


class ConfigFileSource(TomlConfigSettingsSource):
    """The TOML config file. A missing default file is fine; a missing explicit one or a broken file is an
    error with the path in it, so a typo never silently falls back to defaults."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        path, explicit = config_path()
        self.path = path
        if explicit and not path.is_file():
            raise ConfigError(f"找不到配置文件：{path}", hint="检查 ASSISTANT_CONFIG 指向的路径")
        super().__init__(settings_cls, toml_file=path if path.is_file() else None)
        known = set(Settings.model_fields) | {n for f in Settings.model_fields for n in env_names(f)}
        unknown = sorted(set(self.toml_data) - known)
        if unknown:
            raise ConfigError(f"配置文件 {path} 中有未知的设置项：{'、'.join(unknown)}",
                              hint="设置项名称见 `assistant config`")

    def _read_file(self, file_path: Path) -> dict[str, Any]:
        try:
            with open(file_path, "rb") as f:
                return tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"配置文件 {file_path} 无法读取：{exc}", hint="配置文件须为 TOML 格式") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for the running process (tests build their own Settings instead)."""
    return Settings()
