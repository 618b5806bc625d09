"""起草 (drafting): a section, a whole report, a follow-up revision, next year's skeleton.

    writer          draft_section, polish_text (one section through the model, else a template draft)
    whole           draft_whole (every required section in order, assembled under 一、二、…)
    revision        revise_draft (the chat's follow-ups; offline rules when there is no endpoint)
    outline         outline, outline_with_llm
    skeleton        skeleton_from_previous (last year's report as this year's skeleton)
    template        offline template drafts, exemplar masking
    postcheck       figures not in the facts, exemplar office names, citations
    prompting       prompt assembly within the context budget, streaming
    exemplars       ExemplarSource and its knowledge-base / bundled-sample implementations
    genre_sections  the sections of a genre (role, name, guidance, heading)
    figures         numbers, dates and Chinese quantities: find, compare, mask
    draft_types     DraftRequest, DraftResult
    prompts, llm    prompt files; the OpenAI-compatible client
"""
