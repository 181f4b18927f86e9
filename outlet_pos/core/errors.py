"""Domain errors: each carries one message a user can read (Bahasa Indonesia).

Services raise these; views flash them beside the form and the API turns them into JSON.
A ``field`` lets a page put the message next to the input that caused it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action; nothing was written."""

    status = 400
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    code = "validation_error"


class NotFound(DomainError):
    """Also used for records of another cooperative: a 404 never confirms they exist."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class PeriodLocked(DomainError):
    code = "period_locked"


class UnbalancedEntry(DomainError):
    code = "unbalanced"


class ImmutableRecord(DomainError):
    """Posted journal entries are never edited or deleted; corrections reverse."""

    code = "immutable"
