"""Shared fixtures. Tests that need ../shared (the seed, the regulation corpus, the government work
reports) skip with a clear reason when it is absent."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from openai_server import FakeOpenAIServer

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


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test (drafting without an endpoint must not try)."""
    def refuse(self, *a, **k):
        raise AssertionError("no connection may be opened without an endpoint")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture
def server():
    """The project's OpenAI-compatible test server on 127.0.0.1 (tests/openai_server.py)."""
    with FakeOpenAIServer() as srv:
        yield srv
