"""Walking the review: take, answer, close, reopen, comment; only the allowed buttons show."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from console.models.enums import AppealStatus, StaffRole
from console.services.appeals import intake, queries, workflow
from console.services.appeals.queries import AppealRow, HistoryEntry
from console.services.core.database import Database
from console.views.appeals.model import AppealListModel, HistoryModel
from console.views.appeals.review import AppealReview
from tests.appeals.helpers import grab, view_context
from tests.appeals.test_appeals import draft
from tests.support.factories import make_account, make_staff


def open_review(qtbot, ctx, appeal_id: int) -> AppealReview:  # type: ignore[no-untyped-def]
    review = AppealReview(ctx, appeal_id)
    qtbot.addWidget(review)
    review.resize(900, 860)
    review.show()
    qtbot.waitUntil(lambda: review.details is not None)
    return review


def wait_status(qtbot, review: AppealReview, status: AppealStatus) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: review.details is not None and review.details.status is status)


def test_clerk_walks_the_appeal_to_the_end(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    done = intake.register(sqlite_db, clerk, draft(sqlite_db, account_id=acc.account_id))
    with view_context(sqlite_db, clerk) as ctx:
        review = open_review(qtbot, ctx, done.id)
        assert done.number in review.title.text()
        assert review.take_button.isVisible()
        assert not review.assign_button.isVisible()  # a clerk assigns nobody
        assert not review.answer_button.isVisible()
        grab(review, "review-registered")

        qtbot.keyClick(review, Qt.Key.Key_F6)
        wait_status(qtbot, review, AppealStatus.IN_PROGRESS)
        assert review.fact_labels["assignee"].text() == clerk.full_name
        assert not review.close_button.isVisible()

        review.answer_button.click()  # empty answer: the message sits under the field
        qtbot.waitUntil(review.errors["answer"].isVisible)
        assert "текст ответа" in review.errors["answer"].text()

        review.answer.setPlainText("Начисление выполнено верно.")
        qtbot.keyClick(review.answer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        wait_status(qtbot, review, AppealStatus.ANSWERED)
        assert review.close_button.isVisible() and review.letter_button.isVisible()

        printed: list[bytes] = []
        review.letter_printer = lambda pdf, title: printed.append(pdf)
        review.letter_button.click()
        qtbot.waitUntil(lambda: bool(printed))
        assert printed[0].startswith(b"%PDF")

        review.comment.setText("Заявитель получил письмо лично.")
        qtbot.keyClick(review.comment, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: review.comment.text() == "")
        review.close_button.click()
        wait_status(qtbot, review, AppealStatus.CLOSED)
        assert review.answer.isReadOnly()

        review.reopen_button.click()  # no reason given
        qtbot.waitUntil(review.errors["reason"].isVisible)
        review.reason.setText("Заявитель не согласен с ответом")
        review.reopen_button.click()
        wait_status(qtbot, review, AppealStatus.IN_PROGRESS)
        qtbot.waitUntil(lambda: review.history_model.rowCount() == 7)
        labels = [r.label for r in review.history_model.rows()]
        assert "Выдано письмо с ответом" in labels and labels[-1] == "Обращение открыто повторно"
        grab(review, "review-reopened")


def test_clerk_sees_no_supervisor_actions_on_anothers_appeal(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    anna = make_staff(sqlite_db, "anna", StaffRole.CLERK)
    boris = make_staff(sqlite_db, "boris", StaffRole.CLERK)
    boss = make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)
    done = intake.register(sqlite_db, anna, draft(sqlite_db))
    workflow.take(sqlite_db, anna, done.id)
    workflow.answer(sqlite_db, anna, done.id, "Ответ")
    with view_context(sqlite_db, boris) as ctx:
        review = open_review(qtbot, ctx, done.id)
        hidden = (
            review.take_button,
            review.assign_button,
            review.answer_button,
            review.close_button,
            review.reopen_button,
            review.letter_button,
        )
        assert not any(b.isVisible() for b in hidden)
        assert review.answer.isReadOnly()
        review.close_appeal()  # even the shortcut path does nothing
        grab(review, "review-other-clerk")
    with view_context(sqlite_db, boss) as ctx:
        review = open_review(qtbot, ctx, done.id)
        assert review.assign_button.isVisible() and review.close_button.isVisible()
        names = [review.assignee.itemText(i) for i in range(review.assignee.count())]
        assert boris.full_name in names
        review.assignee.setCurrentIndex(names.index(boris.full_name))
        review.assign_button.click()
        qtbot.waitUntil(lambda: review.fact_labels["assignee"].text() == boris.full_name)
        grab(review, "review-supervisor")
    assert queries.details(sqlite_db, done.id).assigned_to_name == boris.full_name


def test_models_pass_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    rows = [
        AppealRow(
            i,
            f"VOS-2026-00000{i}",
            "Обращение",
            AppealStatus.REGISTERED,
            "Зарегистрировано",
            "Оплата",
            "Иванов",
            "7200000001",
            "Офис",
            now,
            dt.date(2026, 12, i),
            "",
            i == 1,
            i == 2,
        )
        for i in (1, 2, 3)
    ]
    model = AppealListModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 6)).endswith("(просрочено)")
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    history = HistoryModel()
    history.set_rows([HistoryEntry(now, "Сотрудник", "appeal.register", "Зарегистрировано", "")])
    qtmodeltester.check(history)
    empty = AppealListModel()
    qtmodeltester.check(empty)
