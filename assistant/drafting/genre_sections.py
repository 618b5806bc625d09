"""The sections drafting writes, read from the genre rules (knowledge/genres): a section's role id, name,
guidance, whether it is required, and its customary position, which gives its heading (一、二、…)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import UnknownGenreError
from assistant.rules.genres import Genre, Role, get_genre

CN_ORDINALS = "一二三四五六七八九十"


def resolve_genre(genre: Genre | str) -> Genre:
    """A genre by its Chinese name, another name it is known by, or its id (UnknownGenreError lists them)."""
    return genre if isinstance(genre, Genre) else get_genre(genre)


def genre_roles(genre: Genre) -> list[Role]:
    """The genre's sections in customary order."""
    return sorted(genre.sections, key=lambda r: r.order)


def ordinal(position: int) -> str:
    return CN_ORDINALS[position - 1] if 1 <= position <= len(CN_ORDINALS) else str(position)


@dataclass
class SectionSpec:
    role: str
    name: str
    guidance: str
    required: bool
    position: int  # 1-based customary position

    def title(self, year: int | None) -> str:
        """The section's name for a report year: 上一年度 → 2024年, 下一年度 → 2025年."""
        if not year:
            return self.name
        return self.name.replace("上一年度", f"{year}年").replace("下一年度", f"{year + 1}年")

    def heading(self, year: int | None) -> str:
        return f"{ordinal(self.position)}、{self.title(year)}"


def section_spec(genre: Genre, role: str) -> SectionSpec:
    """The section for a role id, its name, or a Chinese heading (存在的不足和原因, judged by the genre's own
    heading aliases)."""
    roles = genre_roles(genre)
    for i, r in enumerate(roles, 1):
        if role in (r.id, r.name):
            return SectionSpec(role=r.id, name=r.name, guidance=r.guidance.strip(), required=r.required, position=i)
    scored = [(r.heading_score(role), r) for r in roles]
    best = max(scored, key=lambda x: x[0], default=(0.0, None))
    if best[1] is not None and best[0] > 0:
        return section_spec(genre, best[1].id)
    ids = "、".join(f"{r.id}（{r.name}）" for r in roles)
    raise UnknownGenreError(f"文种“{genre.name}”没有章节“{role}”", hint=f"可选：{ids}")
