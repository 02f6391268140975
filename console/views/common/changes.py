"""Announcing changes between windows: a write on one account refreshes every open view of it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeHub(QObject):
    """One per signed-in session (on :class:`ViewContext`); operations that write announce here.

    Views connect a ``@Slot(int)`` method of theirs, so the connection ends with the view.
    """

    #: The id of an account whose data was written (a payment, readings, a customer edit…).
    account_changed = Signal(int)

    def announce_account(self, account_id: int) -> None:
        self.account_changed.emit(account_id)
