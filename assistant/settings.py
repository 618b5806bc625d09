"""All settings in one place, read from the environment (and an optional .env file).

Environment variables:
  ASSISTANT_HOME                  data home (knowledge base, caches); default: per-user data dir
  OPENAI_BASE_URL / OPENAI_API_KEY / ASSISTANT_LLM_MODEL    drafting endpoint (optional)
  ASSISTANT_EMBEDDINGS_BASE_URL / ASSISTANT_EMBEDDINGS_MODEL / ASSISTANT_EMBEDDINGS_API_KEY
                                  OpenAI-compatible embeddings instead of the bundled e5 model
  CHROMA_HOST / CHROMA_PORT       use a Chroma server instead of the embedded store
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gongwen-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

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

    # Input files larger than this are refused before reading (documents.read_document).
    max_file_mb: float = Field(20.0, validation_alias="ASSISTANT_MAX_FILE_MB")

    # Chroma server (shared knowledge base) instead of the embedded store.
    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for the running process (tests build their own Settings instead)."""
    return Settings()
