#!/usr/bin/env python
"""Regenerate knowledge/regulations/catalog.jsonl from a LawRefBook-format folder plus curated.yaml.

    python scripts/build_catalog.py [--source ../shared/corpus/regulations] [--curated FILE] [--out FILE]

The output is deterministic (sorted by title), so a test can regenerate it and compare with the committed file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.citations.catalog_build import build_catalog, write_catalog  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成法规目录 knowledge/regulations/catalog.jsonl（仅元数据）")
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "regulations",
                    help="LawRefBook 格式目录（catalog.jsonl + texts/）；用 --no-source 只处理 curated.yaml")
    ap.add_argument("--no-source", action="store_true", help="不读语料库，只用 curated.yaml")
    ap.add_argument("--curated", type=Path, default=ROOT / "knowledge" / "regulations" / "curated.yaml")
    ap.add_argument("--out", type=Path, default=ROOT / "knowledge" / "regulations" / "catalog.jsonl")
    args = ap.parse_args(argv)
    try:
        entries = build_catalog(None if args.no_source else args.source, args.curated)
        write_catalog(entries, args.out)
    except AssistantError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(f"已写入 {args.out}：{len(entries)} 条")
    return 0


if __name__ == "__main__":
    sys.exit(main())
