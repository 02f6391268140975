"""One way for a view to run a service call: what to run, and what to do with what comes back.

Modelled on Anki's ``aqt.operations`` (QueryOp/CollectionOp)::

    Operation(self, lambda: take_payment(db, actor, form, key))
        .success(self._paid)
        .failure(self._failed)            # or .invalid(...) for a message beside its field
        .busy(self.pay_button)            # disabled (None: the wait cursor) until it is over
        .stale_key(f"pay-{id(self)}")     # a newer call under the key drops this result
        .changes_account(account_id)      # on success every open view of the account refreshes
        .run(ctx)

The call runs on the single database worker of :class:`TaskRunner` (``render=True``: on the
render thread, for reportlab/PDF work); its callbacks run on the GUI thread, and not at all once
the owner widget is gone (a closed tab). A :class:`ValidationError` with a field goes to the
``invalid`` callback as the Russian message and the field (a name or a
:class:`~console.services.core.errors.ZoneField`); any other error goes to ``failure``, to the
``error_label`` as the Russian sentence of :func:`message_for`, or else to the status bar
(``TaskRunner.failed``). Unexpected exceptions are logged with their traceback by the runner and
never shown: the clerk reads the generic Russian message.

Why not qasync: the services are synchronous SQLAlchemy code, so asyncio would only wrap the same
blocking calls in a second model (and psycopg's async mode needs qasync's selector loop, not the
Proactor loop Windows defaults to). One ordered database thread keeps a clerk's actions in the
order they were made (the payment is stored before the card reloads), with nothing to race; the
network I/O to come (cash register, SMTP) can run the same way on a thread of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from console.services.core.errors import FieldRef, ValidationError
from console.views.common.changes import ChangeHub
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner, message_for

T = TypeVar("T")

# Dynamic properties of a busy widget: how many operations hold it, and its state before them.
_BUSY = "operationBusy"
_WAS_ENABLED = "operationWasEnabled"


class Operation(Generic[T]):
    """A service call on behalf of ``owner``; configure it with the chained methods, then run."""

    def __init__(self, owner: QObject, fn: Callable[[], T], *, render: bool = False) -> None:
        self._owner = owner
        self._fn = fn
        self._render = render
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[Exception], object] | None = None
        self._on_invalid: Callable[[str, FieldRef], object] | None = None
        self._error_label: QLabel | None = None
        self._busy = False
        self._busy_widget: QWidget | None = None
        self._key: str | None = None
        self._account: int | None = None
        self._quiet = False

    # --- configuration -----------------------------------------------------------------
    def success(self, fn: Callable[[T], object]) -> Operation[T]:
        """Called with the result on the GUI thread."""
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[Exception], object]) -> Operation[T]:
        """Called with the error (use :func:`message_for` for the sentence to show)."""
        self._on_failure = fn
        return self

    def invalid(self, fn: Callable[[str, FieldRef], object]) -> Operation[T]:
        """Called with the Russian message and the field of a ValidationError that names one."""
        self._on_invalid = fn
        return self

    def error_label(self, label: QLabel) -> Operation[T]:
        """Show the Russian message of a failure in ``label``; hide it on success."""
        self._error_label = label
        return self

    def busy(self, widget: QWidget | None = None) -> Operation[T]:
        """Disable ``widget`` (None: show the wait cursor) while the call runs."""
        self._busy = True
        self._busy_widget = widget
        return self

    def stale_key(self, key: str) -> Operation[T]:
        """A newer operation under the same key supersedes this one: its result is dropped."""
        self._key = key
        return self

    def quiet(self) -> Operation[T]:
        """A background poll: not shown as busy («Выполняется…») while it runs."""
        self._quiet = True
        return self

    def changes_account(self, account_id: int) -> Operation[T]:
        """On success announce that ``account_id`` changed (ViewContext.changes)."""
        self._account = account_id
        return self

    # --- running -----------------------------------------------------------------------
    def run(self, ctx: ViewContext | TaskRunner) -> Future[T]:
        """Start the call; ``ctx`` may be a bare runner for windows before sign-in."""
        if isinstance(ctx, ViewContext):
            tasks, changes = ctx.tasks, ctx.changes
        else:
            tasks, changes = ctx, None
        if self._account is not None and changes is None:
            raise ValueError("an operation that changes an account needs the ViewContext")
        future = tasks.run(
            self._fn,
            lambda value: self._succeeded(value, changes),
            lambda error: self._failed(error, tasks),
            key=self._key,
            heavy=self._render,
            settled=self._settled if self._busy else None,
            quiet=self._quiet,
        )
        if self._busy and not future.cancelled():
            self._enter_busy()
        return future

    def _succeeded(self, value: T, changes: ChangeHub | None) -> None:
        if shiboken6.isValid(self._owner):
            label = self._error_label
            if label is not None and shiboken6.isValid(label):
                label.hide()
            if self._on_success is not None:
                self._on_success(value)
        # The write happened even if the window that asked is gone: the others still refresh.
        if self._account is not None and changes is not None:
            changes.announce_account(self._account)

    def _failed(self, error: Exception, tasks: TaskRunner) -> None:
        if not shiboken6.isValid(self._owner):
            return
        if (
            self._on_invalid is not None
            and isinstance(error, ValidationError)
            and error.field is not None
        ):
            self._on_invalid(str(error), error.field)
            return
        handled = False
        label = self._error_label
        if label is not None and shiboken6.isValid(label):
            label.setText(message_for(error))
            label.show()
            handled = True
        if self._on_failure is not None:
            self._on_failure(error)
            handled = True
        if not handled:
            tasks.failed.emit(message_for(error))

    def _enter_busy(self) -> None:
        widget = self._busy_widget
        if widget is None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            return
        depth = int(widget.property(_BUSY) or 0)
        if depth == 0:
            widget.setProperty(_WAS_ENABLED, widget.isEnabled())
            widget.setEnabled(False)
        widget.setProperty(_BUSY, depth + 1)

    def _settled(self) -> None:
        widget = self._busy_widget
        if widget is None:
            QApplication.restoreOverrideCursor()
            return
        if not shiboken6.isValid(widget):
            return
        depth = int(widget.property(_BUSY) or 0) - 1
        widget.setProperty(_BUSY, max(depth, 0))
        if depth <= 0:
            widget.setEnabled(bool(widget.property(_WAS_ENABLED)))


def run_op(
    ctx: ViewContext | TaskRunner,
    owner: QObject,
    fn: Callable[[], T],
    on_success: Callable[[T], object] | None = None,
    on_failure: Callable[[Exception], object] | None = None,
    *,
    key: str | None = None,
    render: bool = False,
) -> Future[T]:
    """The short form of :class:`Operation` for the common case."""
    op = Operation(owner, fn, render=render)
    if on_success is not None:
        op.success(on_success)
    if on_failure is not None:
        op.failure(on_failure)
    if key is not None:
        op.stale_key(key)
    return op.run(ctx)
