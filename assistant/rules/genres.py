"""Genre rules: one import for the schema and loader (genre_schema), detection (detection) and section roles
(roles). Callers outside the rules package import from here.

    load_genres(directory=None) -> dict[str, Genre]          # id → genre, cached per directory
    get_genre(name_or_id) -> Genre                            # UnknownGenreError lists the valid names
    detect_genre(doc) -> GenreMatch | None                    # from the title, else from the content
    resolve_genre(doc, genre_or_name_or_none) -> Genre | None # --genre option, else detection
    classify_sections(doc, genre) -> list[RoleHit]            # sets Section.role
"""

from assistant.rules.detection import GenreMatch, detect_genre, resolve_genre
from assistant.rules.genre_schema import (
    Alias,
    ClosingPhrase,
    ForbiddenPhrase,
    FormatElement,
    Genre,
    GenreRuleError,
    Keyword,
    NotesRequirement,
    Phrase,
    Role,
    Severity,
    SubRequirement,
    YearRelation,
    genre_names,
    get_genre,
    load_genres,
    norm,
)
from assistant.rules.roles import RoleHit, classify_sections, role_sections

__all__ = [
    "Alias", "ClosingPhrase", "ForbiddenPhrase", "FormatElement", "Genre", "GenreMatch", "GenreRuleError", "Keyword",
    "NotesRequirement", "Phrase", "Role", "RoleHit", "Severity", "SubRequirement", "YearRelation", "classify_sections",
    "detect_genre", "genre_names", "get_genre", "load_genres", "norm", "resolve_genre", "role_sections",
]
