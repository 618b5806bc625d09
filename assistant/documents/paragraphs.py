"""What the parsers take: a SourceText (read and normalised) or raw text, as non-empty paragraphs."""

from __future__ import annotations

from assistant.models import Paragraph, SourceText


def as_paragraphs(src: SourceText | str) -> tuple[list[Paragraph], str | None]:
    """The non-empty paragraphs of a SourceText, or of raw text one per line (no wrap repair), and the path."""
    if isinstance(src, SourceText):
        return [p for p in src.paragraphs if p.text.strip()], src.path
    return [Paragraph(line, i) for i, line in enumerate(src.splitlines(), 1) if line.strip()], None


def normalized_of(src: SourceText | str) -> list[str]:
    """What the normalisation step of reading did to this text (nothing for raw text)."""
    return list(src.normalized) if isinstance(src, SourceText) else []
