"""Shared fixtures. Tests that need ../shared (the seed, the regulation corpus, the government work
reports) skip with a clear reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_ae7bc27bfd6d05d1.txt"
REGULATIONS = SHARED / "corpus" / "regulations"
GOV_REPORTS = SHARED / "corpus" / "reports" / "gov-work-reports"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpus beside the project root); not present on this machine")
    return path


@pytest.fixture
def seed_path() -> Path:
    return _need(SEED)


@pytest.fixture
def regulations_dir() -> Path:
    return _need(REGULATIONS)


@pytest.fixture
def gov_reports_dir() -> Path:
    return _need(GOV_REPORTS)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own ASSISTANT_HOME and no LLM endpoint, so nothing leaks between tests or
    reaches the network."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "ASSISTANT_LLM_MODEL", "CHROMA_HOST", "CHROMA_PORT",
                "ASSISTANT_EMBEDDINGS_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    from assistant.settings import get_settings

    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()
