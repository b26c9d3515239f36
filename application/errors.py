"""Application errors: what a use case reports beyond the domain's own refusals."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base of the errors a use case raises on purpose."""


class NotFoundError(ApplicationError):
    """The thing does not exist, or the caller may not know that it does."""


class ConflictError(ApplicationError):
    """The change lost a race or collides with existing state."""
