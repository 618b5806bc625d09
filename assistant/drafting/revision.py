"""Follow-up revisions of a draft in the chat ("再精炼一些", "第二条换成执法方面的问题", "加上培训的数字：……").

With an endpoint the model revises the previous draft (prompts/revise.md). The previous draft, the
instruction, the new facts and the earlier turns all travel as data blocks, and the reply goes through the
same post-check as a drafted section: a figure found neither in the facts, the previous draft nor the
instruction is flagged. Without an endpoint a deterministic revision does what rules can do — new facts
after a colon go into the section they belong to, "精炼/压缩" drops the least informative sentences — and
otherwise the draft comes back unchanged with a warning that an endpoint would make this revision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.documents.numbering import heading_level
from assistant.drafting.draft_types import DraftRequest, DraftResult, partial_result, report_year, warning
from assistant.drafting.exemplars import cosine
from assistant.drafting.figures import find_figures
from assistant.drafting.genre_sections import resolve_genre
from assistant.drafting.llm import LLMClient, Message, estimate_tokens, is_configured
from assistant.drafting.postcheck import post_check
from assistant.drafting.prompting import (
    OUTPUT_RESERVE_TOKENS,
    ChatClient,
    clip,
    stream_keeping_partial,
    system_prompt,
)
from assistant.drafting.prompts import data_block, load_prompt
from assistant.errors import AssistantError, LLMError
from assistant.settings import Settings, get_settings

HISTORY_TURNS = 6  # earlier turns sent with a revision, newest kept first when the budget is tight
HISTORY_TURN_CHARS = 800
CONDENSE_SHARE = 0.2  # a condensed draft loses about this share of its body text

_ADD_RE = re.compile(r"加上|加入|添加|增加|补充|补上|补入|补进|写上|写进|写入|放进|新增|材料|数字|数据")
_CONDENSE_RE = re.compile(r"精炼|精简|压缩|简练|简洁|凝练|缩短|删减|短一些|短一点|简短")
_SENTENCE_RE = re.compile(r"[^。！？；]+[。！？；]?")
# Stock wording that carries little of its own: a sentence made mostly of it is the first to go.
_FILLER = ("高度重视", "切实", "进一步", "不断", "扎实", "有力", "有效", "积极", "认真", "全面", "深入", "大力", "坚决",
           "着力", "持续", "稳步", "取得了", "明显成效", "显著成效", "良好效果", "为指导", "贯彻落实", "决策部署",
           "始终", "牢固树立", "充分发挥", "各项工作", "推动", "推进", "加强", "工作", "不断提升", "稳步推进")
_ROLE_LABELS = {"user": "用户", "human": "用户", "assistant": "助手", "ai": "助手"}


def revise_draft(previous: str, instruction: str, request: DraftRequest,
                 history: list[tuple[str, str]] | None = None, *, settings: Settings | None = None,
                 on_chunk: Callable[[str], None] | None = None, client: ChatClient | None = None) -> DraftResult:
    """The previous draft revised as `instruction` asks. `history` holds the earlier turns of the chat as
    (role, text) pairs, role "user" or "assistant"; `request` gives genre, issuer, year and the facts so far."""
    if not previous.strip():
        raise AssistantError("还没有可以修改的草稿", hint="先起草一部分，再提出修改要求")
    if not instruction.strip():
        raise AssistantError("修改要求是空的", hint="例如：再精炼一些；加上培训的数字：全年培训1200人次")
    s = settings or get_settings()
    if client is None and not is_configured(s):
        return template_revision(previous, instruction)
    genre = resolve_genre(request.genre).name
    _, new_facts = split_instruction(instruction)
    messages = revision_messages(previous, instruction, new_facts, replace(request, genre=genre), history or [],
                                 context_tokens=int(s.llm_context_tokens or 8192))
    reply, broken = stream_keeping_partial(client or LLMClient(s), messages, on_chunk)
    if broken is not None:
        return partial_result(broken, [])
    known = "\n".join(x for x in (request.facts, previous, instruction) if x.strip())
    text, warnings = post_check(reply, replace(request, genre=genre, facts=known), [])
    return DraftResult(text=text, mode="llm", sources=[], warnings=warnings)


def split_instruction(instruction: str) -> tuple[str, str]:
    """'加上培训的数字：全年培训1200人次' → ('加上培训的数字', '全年培训1200人次'); no colon → (instruction, '')."""
    text = instruction.strip()
    m = re.search(r"[：:]", text)
    return (text[:m.start()].strip(), text[m.end():].strip()) if m else (text, "")


def _history_block(history: list[tuple[str, str]]) -> str:
    turns = [f"{_ROLE_LABELS.get(role.lower(), role)}：{clip(text.strip(), HISTORY_TURN_CHARS)}"
             for role, text in history[-HISTORY_TURNS:] if text.strip()]
    return data_block("\n\n".join(turns)) if turns else "（无）"


def revision_messages(previous: str, instruction: str, new_facts: str, request: DraftRequest,
                      history: list[tuple[str, str]], *, context_tokens: int) -> list[Message]:
    """System + user messages within the budget: earlier turns are dropped oldest first; the draft, the
    instruction and the new facts are never cut (if they alone do not fit, nothing is sent)."""
    system = system_prompt(request.genre, request.issuer, report_year(request))
    prompt = load_prompt("revise")
    turns = list(history[-HISTORY_TURNS:])
    while True:
        user = prompt.render(genre=request.genre, instruction=data_block(instruction), previous=data_block(previous),
                             facts=data_block(new_facts) if new_facts else "（无）", history=_history_block(turns))
        if estimate_tokens(system) + estimate_tokens(user) <= context_tokens - OUTPUT_RESERVE_TOKENS:
            return [("system", system), ("user", user)]
        if not turns:
            raise LLMError("草稿和修改要求过长，超出模型的上下文长度，未发送请求",
                           hint="分部分修改，或设置更大的 ASSISTANT_LLM_CONTEXT_TOKENS")
        turns = turns[1:]


# ----------------------------------------------------------------------------------- without an endpoint
def template_revision(previous: str, instruction: str) -> DraftResult:
    """What rules can do offline; the warnings say which revision was made, or that none was."""
    ask, new_facts = split_instruction(instruction)
    if new_facts and (not ask or _ADD_RE.search(ask)):
        text, where = add_facts(previous, new_facts, ask)
        note = warning("revision", new_facts, f"已把新材料补入“{where}”（未配置大模型接口，按内容相近程度插入，"
                                              "措辞请再通读调整）")
        return DraftResult(text=text, mode="template", sources=[], warnings=[note])
    if _CONDENSE_RE.search(instruction):
        text, dropped = condense(previous)
        if dropped:
            shown = "、".join(f"“{clip(x.rstrip('。；！？'), 30)}”" for x in dropped)
            note = warning("revision", str(len(dropped)),
                           f"已删去 {len(dropped)} 句信息较少的句子（含数字、待补充标记和小标题的句子都保留）：{shown}")
            return DraftResult(text=text, mode="template", sources=[], warnings=[note])
    return DraftResult(text=previous, mode="template", sources=[], warnings=[warning(
        "offline", instruction, f"未配置大模型接口（OPENAI_BASE_URL），“{clip(instruction, 40)}”这样的修改需要大模型完成，"
                                "草稿未改动；配置接口后可以按要求修改")])


def _plain(text: str) -> str:
    """Text for similarity: figures out, so 1200 does not resemble 2024."""
    return re.sub(r"[\d０-９.,%％]+", "", text)


def _sections(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges of the level-1 parts (一、二、…); the whole text when it has none."""
    starts = [i for i, ln in enumerate(lines) if (m := heading_level(ln.strip())) and m.level == 1]
    if not starts:
        return [(0, len(lines))]
    if starts[0] > 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(lines)], strict=True))


def _is_body(line: str) -> bool:
    """A paragraph a sentence can join: not a heading alone, not a template marker line."""
    text = line.strip()
    mark = heading_level(text)
    if not text or text.startswith(("【写作要点】", "【参考写法】", "模板草稿")) or (mark and mark.level == 1):
        return False
    return not (mark and not re.search(r"[。；]", text))


def add_facts(previous: str, facts: str, ask: str = "") -> tuple[str, str]:
    """The new facts as a sentence at the end of the closest paragraph of the closest part (a new paragraph
    at the end of that part when nothing there is close). Returns the text and the part's heading."""
    lines = previous.rstrip("\n").split("\n")
    probe = _plain(f"{ask} {facts}")
    start, end = max(_sections(lines), key=lambda r: cosine(probe, _plain("\n".join(lines[r[0]:r[1]]))))
    sentence = facts if re.search(r"[。！？；]$", facts) else facts + "。"
    body = [i for i in range(start, end) if _is_body(lines[i])]
    best = max(body, key=lambda i: cosine(probe, _plain(lines[i])), default=None)
    if best is not None and cosine(probe, _plain(lines[best])) > 0:
        lines[best] = lines[best].rstrip() + sentence
    else:
        last = max((i for i in range(start, end) if lines[i].strip()), default=start)
        lines.insert(last + 1, sentence)
    head = lines[start].strip() if (m := heading_level(lines[start].strip())) and m.level == 1 else "正文"
    return "\n".join(lines) + "\n", head


def _score(sentence: str, others: str) -> float:
    """How much a sentence says of its own: bigrams found nowhere else in the draft, less stock wording."""
    grams = {sentence[i:i + 2] for i in range(len(sentence) - 1)}
    novel = sum(1 for g in grams if g not in others) / len(grams) if grams else 0.0
    filler = sum(len(f) * sentence.count(f) for f in _FILLER) / max(len(sentence), 1)
    return novel * (1.0 - min(filler, 1.0))


def condense(previous: str) -> tuple[str, list[str]]:
    """Drop the least informative sentences, about CONDENSE_SHARE of the body. Never dropped: headings (and
    the first sentence of a line that opens with one), sentences with a figure or a 【…】 mark, lines that
    open with a mark, and the only sentence of a paragraph."""
    lines = previous.rstrip("\n").split("\n")
    # A line opening with a mark (【本单位材料】…) holds the user's own facts: kept whole.
    split = [_SENTENCE_RE.findall(ln) if _is_body(ln) and not ln.lstrip().startswith("【") else [ln] for ln in lines]
    candidates = []
    for i, sentences in enumerate(split):
        if len(sentences) < 2:
            continue
        for j, sent in enumerate(sentences):
            if (j == 0 and heading_level(sent.strip())) or "【" in sent or any(find_figures(sent)):
                continue
            others = previous.replace(sent, "")
            candidates.append((_score(sent, others), i, j))
    target = CONDENSE_SHARE * sum(len(ln) for ln in lines if _is_body(ln))
    dropped: list[tuple[int, int]] = []
    removed = 0
    for _, i, j in sorted(candidates):
        if removed >= target:
            break
        if len(split[i]) - sum(1 for a, _ in dropped if a == i) <= 1:
            continue  # a paragraph keeps at least one sentence
        dropped.append((i, j))
        removed += len(split[i][j])
    gone = set(dropped)
    out = ["".join(s for j, s in enumerate(sentences) if (i, j) not in gone) for i, sentences in enumerate(split)]
    return "\n".join(out) + "\n", [split[i][j].strip() for i, j in sorted(gone)]
