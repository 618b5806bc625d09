"""Documents → retrieval chunks.

Reports are chunked by section (层次序数), keeping the heading path; sections too small to stand alone are
merged into their parent, long ones are split on sentence boundaries. Regulations give one chunk per article
(条) with its chapter path. The text that is embedded and keyword-indexed starts with the document title and
the heading path, because a bare paragraph rarely says which report or law it belongs to.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.kb.embeddings import text_hash
from assistant.models import OfficialDocument, Regulation, Section

MIN_SECTION_CHARS = 120  # smaller sections are merged into their parent
MAX_CHUNK_CHARS = 600  # longer text is split on sentence boundaries
TARGET_CHUNK_CHARS = 450

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    seq: int
    text: str  # shown to users (the section or article text)
    embed_text: str  # title + heading path + text: what is embedded and keyword-indexed
    meta: dict[str, Any] = field(default_factory=dict)
    tokens: list[str] | None = None  # keyword tokens, filled by the indexer and stored with the chunk

    @property
    def hash(self) -> str:
        return self.meta["hash"]


def make_chunk_id(doc_id: str, seq: int, h: str) -> str:
    return hashlib.sha1(f"{doc_id}|{seq}|{h}".encode()).hexdigest()[:20]


def split_sentences(text: str, max_chars: int = MAX_CHUNK_CHARS, target: int = TARGET_CHUNK_CHARS) -> list[str]:
    """Pack whole sentences into pieces of about `target` characters, never above `max_chars` unless a single
    sentence is longer (then it is cut at `max_chars`)."""
    if len(text) <= max_chars:
        return [text]
    sentences = [s for s in _SENTENCE_END.split(text) if s and s.strip()]
    pieces: list[str] = []
    cur = ""
    for s in sentences:
        while len(s) > max_chars:  # one enormous sentence: cut it
            if cur:
                pieces.append(cur)
                cur = ""
            pieces.append(s[:max_chars])
            s = s[max_chars:]
        if cur and len(cur) + len(s) > target:
            pieces.append(cur)
            cur = ""
        cur += s
    if cur.strip():
        pieces.append(cur)
    return [p.strip("\n") for p in pieces if p.strip()]


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v is not None}


def _section_own_text(sec: Section) -> str:
    parts = [sec.inline_text] if sec.inline_text else []
    parts += [p.text for p in sec.paragraphs]
    return "\n".join(x for x in parts if x)


def chunk_report(doc: OfficialDocument, doc_id: str, base_meta: dict[str, Any],
                 min_chars: int = MIN_SECTION_CHARS, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Chunks of a report: preamble, then sections by heading path (see module doc)."""
    title = base_meta.get("title") or doc.title or ""
    pieces: list[tuple[list[str], str | None, int, str]] = []  # (heading path, role, part, text)

    preamble = "\n".join(p.text for p in doc.preamble if p.text.strip())
    if preamble.strip():
        pieces.append(([], None, 0, preamble))

    def walk(sec: Section, path: list[str], role: str | None, part: int) -> None:
        here = [*path, f"{sec.number}{sec.heading}"]
        role = sec.role or role
        own = [f"{sec.number}{sec.heading}"]
        body = _section_own_text(sec)
        if body:
            own.append(body)
        big_children: list[Section] = []
        for child in sec.children:
            if len(child.full_text()) < min_chars and not child.children:
                own.append(child.full_text())  # too small to stand alone: stays with its parent
            else:
                big_children.append(child)
        text = "\n".join(own)
        # A heading with no text of its own is not worth a chunk when its children carry the content.
        if body or len(own) > 1 or not big_children:
            pieces.append((here, role, part, text))
        for child in big_children:
            walk(child, here, role, part)

    for i, sec in enumerate(doc.sections, start=1):
        walk(sec, [], None, i)

    chunks: list[Chunk] = []
    for path, role, part, text in pieces:
        heading_path = " > ".join(path)
        for piece in split_sentences(text, max_chars=max_chars):
            seq = len(chunks)
            head = f"{title}\n{heading_path}\n" if heading_path else f"{title}\n"
            embed_text = head + piece
            h = text_hash(embed_text)
            meta = _clean_meta({**base_meta, "kind": "report", "doc_id": doc_id, "title": title,
                                "role": role or "", "heading_path": heading_path, "article": "",
                                "part": part, "seq": seq, "hash": h})
            chunks.append(Chunk(make_chunk_id(doc_id, seq, h), doc_id, seq, piece, embed_text, meta))
    return chunks


_ITEM = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")


def article_parts(head: str, number: str, text: str) -> list[str]:
    """Extra texts embedded for one article: each 款 (paragraph) alone, and each 项 (item) with the sentence
    that introduces it, all under the law title and chapter. A long article's vector blurs its paragraphs; a
    question usually concerns one of them. Empty for one-paragraph articles."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) < 2:
        return []
    parts: list[str] = []
    lead = ""
    for ln in lines:
        if _ITEM.match(ln):
            parts.append(f"{head}\n{number} {lead} {ln}")
        else:
            lead = ln
            parts.append(f"{head}\n{number} {ln}")
    return parts


def chunk_regulation(reg: Regulation, doc_id: str, base_meta: dict[str, Any]) -> list[Chunk]:
    """One chunk per article (条), with the chapter path in the embedded text; its 款/项 texts go to
    `meta["parts"]` as extra vectors of the same article."""
    title = base_meta.get("title") or reg.title
    chunks: list[Chunk] = []
    for art in reg.articles:
        seq = len(chunks)
        heading_path = " > ".join(art.chapter_path)
        text = f"{art.number} {art.text}".strip()
        head = f"{title} {heading_path}" if heading_path else title
        embed_text = f"{head}\n{text}"
        h = text_hash(embed_text)
        meta = _clean_meta({**base_meta, "kind": "regulation", "doc_id": doc_id, "title": title, "role": "",
                            "heading_path": heading_path, "article": art.number, "article_index": art.index,
                            "article_suffix": art.suffix, "line": art.line, "seq": seq, "hash": h,
                            "parts": article_parts(head, art.number, art.text) or None})
        chunks.append(Chunk(make_chunk_id(doc_id, seq, h), doc_id, seq, text, embed_text, meta))
    return chunks
