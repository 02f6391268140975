"""Errors a service raises for a person to read: every message is a Russian sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


class ConsoleError(Exception):
    """Base of the errors shown to a person; ``str(err)`` is the Russian message."""


@dataclass(frozen=True)
class ZoneField:
    """A field of one register of a meter in a readings form (instead of "meter:zone:field").

    ``name`` is "value" or "taken_on"; ``meter_id`` says which meter of the reading form,
    ``meter`` which side of a meter replacement ("old": the removed one, "new": the new one).
    """

    zone: int
    name: str = "value"
    meter_id: int | None = None
    meter: Literal["old", "new"] | None = None


#: Where a validation message belongs: a form field's name or a register of a meter.
FieldRef = str | ZoneField


class ValidationError(ConsoleError):
    """Bad input. ``field`` names the form field the message belongs next to."""

    def __init__(self, message: str, field: FieldRef | None = None) -> None:
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


class DatabaseWriteError(ConsoleError):
    """The database cannot store anything: a read-only file, a full disk, no rights."""
