"""Errors a service raises for a person to read: every message is a Russian sentence."""

from __future__ import annotations


class ConsoleError(Exception):
    """Base of the errors shown to a person; ``str(err)`` is the Russian message."""


class ValidationError(ConsoleError):
    """Bad input. ``field`` names the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(ConsoleError):
    """The thing asked for does not exist."""


class ConflictError(ConsoleError):
    """Someone else changed the data meanwhile (optimistic lock) or a rule forbids the step."""


class PermissionDeniedError(ConsoleError):
    """The signed-in staff member's role may not do this."""


class DatabaseUnavailableError(ConsoleError):
    """The database cannot be reached; the input is kept and the action can be retried."""
