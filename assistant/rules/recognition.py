"""Weights and thresholds of role recognition (roles.py): knowledge/genres/_recognition.yaml holds the shared
values, each with the reason for it; a genre file may override any of them under `recognition:`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weight(_Strict):
    """A weight or threshold of role recognition, with the reason for its value (one line)."""

    value: float = Field(ge=0)
    why: str = Field(min_length=4)


class Recognition(_Strict):
    """Weights and thresholds of role recognition (roles.py). The defaults are knowledge/genres/_recognition.yaml;
    a genre file may override any of them under `recognition:` (each with its own why)."""

    found: Weight  # heading evidence at or above this: the role is there
    combined_part: Weight  # each part of a combined heading ("问题与打算") must name its role this firmly
    led_paragraph: Weight  # a first paragraph matching body_aliases ("局党组书记……履行第一责任人职责")
    year_after: Weight  # a heading naming a year after the report year: the plan part
    body_cue: Weight  # per body cue found in a candidate's first 600 characters (soft)
    body_cue_cap: Weight  # at most this much from body cues
    heading_cue: Weight  # per body cue found in the heading itself (soft)
    order: Weight  # the candidate sits where the genre customarily puts the role (soft)
    uncertain: Weight  # soft evidence at or above this: "uncertain", below: "missing"
    # Partial heading evidence backed by the body counts as found: the heading's partial alias weight plus its
    # cue words (heading_cue each) reach corroborated_heading, and the body holds corroborated_body distinct cues
    # and no more report-of-work markers (数字、完成、同比) than cues.
    corroborated_heading: Weight
    corroborated_body: Weight


class RecognitionOverrides(_Strict):
    found: Weight | None = None
    combined_part: Weight | None = None
    led_paragraph: Weight | None = None
    year_after: Weight | None = None
    body_cue: Weight | None = None
    body_cue_cap: Weight | None = None
    heading_cue: Weight | None = None
    order: Weight | None = None
    uncertain: Weight | None = None
    corroborated_heading: Weight | None = None
    corroborated_body: Weight | None = None
