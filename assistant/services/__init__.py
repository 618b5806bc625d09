"""The service layer: one function per user action (read, parse, check, cite, search, index, draft, export).

cli/ and ui/ only parse input and render what these return; they import nothing else from the engine.
Modules are imported one by one (`from assistant.services import checking`), never all at once, so that
`assistant check` and `assistant cite` do not load the knowledge base, LangChain or the OpenAI client.
"""
