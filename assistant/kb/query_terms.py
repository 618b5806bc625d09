"""Everyday words → the regulations' own terms, added to a question before it is ranked.

People ask "老板一直不签合同" where the article says "用人单位未与劳动者订立书面劳动合同"; the bundled e5-small
model and BM25 both match the article's words far better than the everyday ones. The table is data
(knowledge/regulations/everyday_terms.yaml, strict schema); measured in benchmarks/retrieval_eval.py.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import ConfigError
from assistant.rules.data_files import load_rule_file

FILE = "everyday_terms.yaml"
MAX_TERMS = 12  # a long question touching many topics: the first terms found say enough


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    words: list[str] = Field(min_length=1)
    legal: str = Field(min_length=2)

    @field_validator("words")
    @classmethod
    def _patterns_compile(cls, words: list[str]) -> list[str]:
        for w in words:
            if len(w) > 2 and w.startswith("/") and w.endswith("/"):
                re.compile(w[1:-1])
        return words


class TermTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    terms: list[Term]

    def expand(self, query: str) -> list[str]:
        """The legal terms for the everyday words in `query`, in table order, without the ones it already
        holds."""
        out: list[str] = []
        for t in self.terms:
            if any(_occurs(w, query) for w in t.words):
                out += [x for x in t.legal.split() if x not in query and x not in out]
            if len(out) >= MAX_TERMS:
                break
        return out[:MAX_TERMS]


# "翻我包", "翻我的包" for 翻包; "扣了我工资" for 扣工资: people put pronouns and particles inside a set phrase
_FILLER = "[我你他她它的了个把被这那些们]{0,2}"


@functools.lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    if len(word) > 2 and word.startswith("/") and word.endswith("/"):
        return re.compile(word[1:-1])
    return re.compile(_FILLER.join(map(re.escape, word)))


def _occurs(word: str, text: str) -> bool:
    return word in text or _pattern(word).search(text) is not None


def _parse(data: object) -> TermTable:
    try:
        return TermTable.model_validate(data)
    except (ValidationError, re.error) as exc:
        raise ConfigError(f"日常说法对照表有误：{exc}") from exc


def load_terms(regulations_dir: Path) -> TermTable:
    """The table, or an empty one when the knowledge dir has none (a custom knowledge dir may leave it out)."""
    path = regulations_dir / FILE
    if not path.exists():
        return TermTable(terms=[])
    return load_rule_file(path, "日常说法对照表", _parse)


def with_terms(query: str, table: TermTable) -> str:
    """The question followed by the legal terms its everyday words stand for."""
    extra = table.expand(query)
    return f"{query}；{' '.join(extra)}" if extra else query
