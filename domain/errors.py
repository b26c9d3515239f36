"""Domain errors. Each names the condition that a command found violated."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused because it would break an invariant."""


class KeyRevokedError(DomainError):
    """The API key is revoked; nothing more can happen to it."""


class KeyExpiredError(DomainError):
    """The API key has passed its expiry."""


class ProjectRetiredError(DomainError):
    """The project is retired; its connection can no longer change."""


class AliasTakenError(DomainError):
    """Another live project already uses this alias."""


class NotPermittedError(DomainError):
    """The principal's scope or project binding does not allow this."""


class InvalidValueError(DomainError, ValueError):
    """A value does not have the form the domain requires; ``field`` names it when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
