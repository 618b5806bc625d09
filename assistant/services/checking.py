"""Check and parse: genre sections, 公文 format rules and citations of a draft; the structure of a file.

Stays light (no knowledge base, no LangChain, no OpenAI client): `assistant check` starts in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.documents.reading import read_text_input
from assistant.documents.structure import parse_any
from assistant.models import OfficialDocument, Regulation, SourceText
from assistant.rules import check as checker
from assistant.rules import genres
from assistant.rules.detection import resolve_genre
from assistant.rules.layout import check_layout
from assistant.services.inputs import read_file, read_text_or_file

CheckReport = checker.CheckReport


def validate_rules() -> None:
    """Load the format rules once, so a broken rule file is reported before any input is read."""
    checker.load_format_rules()


def check_path(path: str | Path, genre: str | None = None) -> CheckReport:
    source = read_file(path)
    return _with_layout(checker.check_source(source, genre=genre), path, source)


def _with_layout(report: CheckReport, path: str | Path, source: SourceText) -> CheckReport:
    """A .docx also gets the typography findings (layout.*: fonts, sizes, margins, line spacing …)."""
    if Path(path).suffix.lower() == ".docx":
        report.add_findings(check_layout(path, source=source))
    return report


def check_source_text(text: str, genre: str | None = None) -> CheckReport:
    """Pasted text (the chat's check)."""
    return checker.check_source(read_text_input(text), genre=genre)


def check_upload(text: str | None, file: str | None, genre: str | None = None) -> CheckReport:
    """The UI's check: pasted text or an uploaded file (the file wins)."""
    source = read_text_or_file(text, file)
    report = checker.check_source(source, genre=genre)
    if file:
        _with_layout(report, file, source)
        report.file = Path(file).name
    return report


@dataclass
class Parsed:
    """A parsed file: a 公文 with its genre and section roles, or a regulation with its articles."""

    result: OfficialDocument | Regulation
    genre: str | None
    role_names: dict[str, str]

    def to_dict(self) -> dict:
        data = self.result.to_dict()
        if isinstance(self.result, OfficialDocument):
            data["genre"] = self.genre
        else:
            data["history"] = list(self.result.history)
        return data


def parse_with_roles(path: str | Path) -> Parsed:
    """Read and parse a file; for a 公文 also detect its genre and fill each section's role."""
    result = parse_any(read_file(path))
    if isinstance(result, Regulation):
        return Parsed(result, None, {})
    genre = resolve_genre(result)
    if genre is None:
        return Parsed(result, None, {})
    genres.classify_sections(result, genre)
    return Parsed(result, genre.name, {r.id: r.name for r in genre.roles})


def genre_names() -> list[str]:
    return genres.genre_names()


def role_choices(genre: str | None) -> list[tuple[str, str]]:
    """(中文名, id) for the roles of a genre, in customary order; [] for no genre."""
    if not genre:
        return []
    return [(r.name, r.id) for r in genres.get_genre(genre).ordered_roles()]


def all_role_choices() -> list[tuple[str, str]]:
    """Every role over all genres, labelled in Chinese (for search filters)."""
    seen: dict[str, str] = {}
    for g in genres.load_genres().values():
        for r in g.ordered_roles():
            seen.setdefault(r.id, f"{r.name}（{r.id}）")
    return [(label, rid) for rid, label in seen.items()]


__all__ = ["CheckReport", "Parsed", "check_path", "check_source_text", "check_upload",
           "genre_names", "parse_with_roles", "role_choices", "all_role_choices", "validate_rules"]
