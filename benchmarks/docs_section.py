"""Replace one "## " section of docs/benchmarks.md, leaving the other benchmarks' sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_section(heading: str, body: str, path: Path = DOCS) -> None:
    """`heading` without the "## "; `body` is the section's text below its heading."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"## {heading}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def replace_block(block: str, path: Path = DOCS) -> None:
    """A whole section, its "## heading" line first."""
    heading, _, body = block.strip().partition("\n")
    replace_section(heading.removeprefix("## ").strip(), body, path)
