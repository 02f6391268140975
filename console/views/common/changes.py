"""Announcing changes between windows: a write on one account refreshes every open view of it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeHub(QObject):
    """One per signed-in session (on :class:`ViewContext`); operations that write announce here,
    and so does the poll of what other desks wrote (views/common/watch.py).

    Views connect a ``@Slot(int)`` method of theirs, so the connection ends with the view.
    """

    #: The id of an account whose data was written (a payment, readings, a customer edit…).
    account_changed = Signal(int)
    #: Something was written by any desk: the kinds of things (a frozenset of audit ``entity``
    #: names: "appeal", "refund_application"…). Queues listen to it.
    data_changed = Signal(object)

    def announce_account(self, account_id: int) -> None:
        self.account_changed.emit(account_id)

    def announce_data(self, entities: frozenset[str]) -> None:
        self.data_changed.emit(entities)
