"""Optional: the office's model writes the regulations' own terms for a question asked in everyday words
(ASSISTANT_QUERY_REWRITE=1 with an LLM endpoint). The terms only help rank articles: the question itself
still decides explicit references and quotes, and a failing endpoint leaves the search as it was."""

from __future__ import annotations

import re

from assistant.drafting.llm import LLMClient
from assistant.drafting.prompts import data_block, load_prompt

MAX_CHARS = 80  # a handful of terms; anything longer is not what was asked for
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,20}")


def rewrite_terms(question: str, client: LLMClient) -> str:
    """Space-separated legal terms for `question` (may raise LLMError / ConfigError)."""
    prompt = load_prompt("query_rewrite").render(question=data_block(question))
    reply = client.complete([("user", prompt)])
    first = next((line for line in reply.splitlines() if line.strip()), "")
    terms: list[str] = []
    for word in _KEEP.findall(first):
        if word not in terms and word not in question:
            terms.append(word)
    return " ".join(terms)[:MAX_CHARS].strip()
