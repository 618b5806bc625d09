"""One error family. The core raises these; only the CLI/UI edge turns them into messages and exit codes."""

from __future__ import annotations


class AssistantError(Exception):
    """Base error. `message` is Chinese (shown to users); `hint` says what to do next."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}（{self.hint}）" if self.hint else self.message


class DocumentError(AssistantError):
    """A file cannot be read: missing, empty, unsupported, corrupt, wrong encoding, too large."""


class NeedsOCRError(DocumentError):
    """A PDF without a text layer (scanned)."""


class ConfigError(AssistantError):
    """Settings are missing or contradictory."""


class UnknownGenreError(AssistantError):
    """A genre name that knowledge/genres does not define."""


class StoreError(AssistantError):
    """The knowledge base cannot be opened or written."""


class LLMError(AssistantError):
    """The drafting endpoint failed: unreachable, bad key, unknown model, too long, garbage reply.
    `partial` is the text received before a reply broke off ("" when nothing arrived)."""

    partial: str = ""
