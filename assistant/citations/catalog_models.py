"""Strict schemas of the hand-written catalog data (knowledge/regulations/*.yaml). Unknown keys are refused, so a
misspelled field cannot silently drop a fact; dates are ISO "YYYY-MM-DD" (or "YYYY-MM" when only the month is
known)."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["law", "administrative_regulation", "judicial_interpretation", "departmental_rule",
               "party_regulation", "central_policy", "standard", "local", "other", "unknown"]
Status = Literal["现行有效", "已修改", "已废止"]
_ISO_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _iso(value: object) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    if not _ISO_RE.match(text):
        raise ValueError(f"日期“{text}”应写作 YYYY-MM-DD、YYYY-MM 或 YYYY")
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionRecord(_Strict):
    publish_date: str | None = None
    effective_date: str | None = None
    status: Status | None = None
    path: str | None = None

    _dates = field_validator("publish_date", "effective_date", mode="before")(_iso)


class CuratedEntry(_Strict):
    title: str = Field(min_length=2)
    kind: Kind | None = None
    issuer: str | None = None
    doc_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    first_date: str | None = None
    status: Status | None = None
    repealed_date: str | None = None
    replaced_by: str | None = None
    short_titles: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    articles: int | None = None
    note: str | None = None
    basis: str | None = None
    versions: list[VersionRecord] = Field(default_factory=list)

    _dates = field_validator("publish_date", "effective_date", "first_date", "repealed_date", mode="before")(_iso)


class CuratedFile(_Strict):
    entries: list[CuratedEntry]


class RepealedEntry(_Strict):
    """A repealed or replaced law or regulation: when, by what, and the public record that says so."""
    title: str = Field(min_length=2)
    kind: Kind = "law"
    repealed_date: str | None = None
    successor: str | None = None  # None: repealed without a successor
    chain_to: str | None = None  # where the successor was itself replaced: what is in force now
    basis: str = Field(min_length=2)
    short_titles: list[str] = Field(default_factory=list)
    issuer: str | None = None
    first_date: str | None = None
    effective_date: str | None = None
    note: str | None = None

    _dates = field_validator("repealed_date", "first_date", "effective_date", mode="before")(_iso)


class RepealedFile(_Strict):
    entries: list[RepealedEntry]


class Edition(_Strict):
    title: str = Field(min_length=2)
    start: str  # in force from
    end: str | None = None  # until (the next edition's start); None = current
    issued: str | None = None
    doc_number: str | None = None
    aliases: list[str] = Field(default_factory=list)
    basis: str | None = None

    _dates = field_validator("start", "end", "issued", mode="before")(_iso)


class EditionFamily(_Strict):
    """Documents that follow each other under one name (法治政府建设实施纲要, the 普法 five-year plans)."""
    family: str = Field(min_length=2)
    kind: Kind = "central_policy"
    editions: list[Edition] = Field(min_length=1)


class EditionsFile(_Strict):
    families: list[EditionFamily]
