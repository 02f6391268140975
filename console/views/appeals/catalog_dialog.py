"""Administrator's settings of appeals: answer deadlines per topic and the paid services list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.appeals import catalog
from console.services.appeals.catalog import MAX_DEADLINE_DAYS, PaidServiceItem, Topic
from console.services.core.errors import ValidationError
from console.services.core.formatting import money
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.rows_model import Column, RowsModel
from console.views.common.tasks import message_for

ERROR_STYLE = "color: #b00020;"


class PriceListModel(RowsModel[PaidServiceItem]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("Код", lambda s: s.code),
                Column("Услуга", lambda s: s.name),
                Column("Цена", lambda s: money(s.price, currency=True), lambda s: s.price, True),
                Column("Ед.", lambda s: s.unit),
                Column("Действует", lambda s: "да" if s.is_active else "нет"),
            ],
            parent,
        )


class AppealCatalogDialog(QDialog):
    """«Обращения: сроки и прейскурант» (administrators only; the services check it again)."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Обращения: сроки ответа и прейскурант")
        self.resize(780, 520)
        self.spins: dict[int, QSpinBox] = {}
        self.topics: tuple[Topic, ...] = ()
        self.tabs = tabs = QTabWidget(self)
        self.topics_page = QWidget(self)
        self.topics_form = QFormLayout(self.topics_page)
        tabs.addTab(self.topics_page, "Сроки ответа по темам")
        tabs.addTab(self._prices_page(), "Прейскурант платных услуг")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        close = QPushButton("Закрыть", self)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addLayout(bottom)
        self.reload()

    def _prices_page(self) -> QWidget:
        page = QWidget(self)
        self.model = PriceListModel(page)
        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _: self._pick(cur.row()))
        self.code, self.name, self.price, self.unit = (QLineEdit(page) for _ in range(4))
        self.active = QCheckBox("действует", page)
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption, widget in (
            ("code", "Код:", self.code),
            ("name", "Наименование:", self.name),
            ("price", "Цена, ₽:", self.price),
            ("unit", "Единица:", self.unit),
        ):
            box = QVBoxLayout()
            box.addWidget(widget)
            error = QLabel("", page)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            self.errors[key] = error
            box.addWidget(error)
            form.addRow(caption, box)
        form.addRow("", self.active)
        add = QPushButton("Добавить новую", page)
        add.clicked.connect(self.add_service)
        save = QPushButton("Сохранить выбранную", page)
        save.clicked.connect(self.save_service)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(add)
        buttons.addWidget(save)
        layout = QVBoxLayout(page)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return page

    # --- data ---------------------------------------------------------------------------
    def reload(self) -> None:
        db = self.ctx.db

        def load() -> tuple[tuple[Topic, ...], tuple[PaidServiceItem, ...]]:
            return catalog.topics(db), catalog.paid_services(db, active_only=False)

        run_op(self.ctx, self, load, self._loaded, self._failed)

    def _loaded(self, data: tuple[tuple[Topic, ...], tuple[PaidServiceItem, ...]]) -> None:
        topics, services = data
        if not self.spins:
            for topic in topics:
                spin = QSpinBox(self.topics_page)
                spin.setRange(1, MAX_DEADLINE_DAYS)
                spin.setSuffix(" дн.")
                spin.setValue(topic.deadline_days)
                spin.editingFinished.connect(lambda t=topic.id: self._deadline_changed(t))
                self.spins[topic.id] = spin
                self.topics_form.addRow(topic.name + ":", spin)
        self.topics = topics
        self.model.set_rows(services)
        self.table.resizeColumnsToContents()

    def _deadline_changed(self, topic_id: int) -> None:
        days = self.spins[topic_id].value()
        if any(t.id == topic_id and t.deadline_days == days for t in self.topics):
            return
        db, actor = self.ctx.db, self.ctx.actor
        run_op(
            self.ctx,
            self,
            lambda: catalog.set_deadline(db, actor, topic_id, days),
            lambda t: self._saved("Срок по теме «{0}»: {1} дн.".format(t.name, t.deadline_days)),
            self._failed,
        )

    def _pick(self, row: int) -> None:
        item = self.model.row_at(row)
        if item is None:
            return
        self.code.setText(item.code)
        self.name.setText(item.name)
        self.price.setText(money(item.price).replace("\u00a0", " "))
        self.unit.setText(item.unit)
        self.active.setChecked(item.is_active)

    def selected(self) -> PaidServiceItem | None:
        return self.model.row_at(self.table.currentIndex().row())

    def add_service(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        code, name, price, unit = (w.text() for w in (self.code, self.name, self.price, self.unit))
        self._clear()
        run_op(
            self.ctx,
            self,
            lambda: catalog.add_paid_service(db, actor, code, name, price, unit),
            lambda s: self._saved("Добавлена услуга «{0}».".format(s.name)),
            self._failed,
        )

    def save_service(self) -> None:
        item = self.selected()
        if item is None:
            self.status.setText("Выберите услугу в списке.")
            return
        db, actor = self.ctx.db, self.ctx.actor
        name, price, unit = self.name.text(), self.price.text(), self.unit.text()
        active = self.active.isChecked()
        self._clear()

        def save() -> PaidServiceItem:
            saved = catalog.edit_paid_service(
                db, actor, item.id, name=name, price=price, unit=unit, version=item.version
            )
            if saved.is_active != active:
                saved = catalog.set_paid_service_active(
                    db, actor, item.id, active, version=saved.version
                )
            return saved

        run_op(
            self.ctx,
            self,
            save,
            lambda s: self._saved("Сохранено: «{0}».".format(s.name)),
            self._failed,
        )

    def _saved(self, message: str) -> None:
        self.status.setText(message)
        self.reload()

    def _clear(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.status.setText("")

    def _failed(self, err: Exception) -> None:
        if isinstance(err, ValidationError) and err.field in self.errors:
            self.errors[err.field].setText(str(err))
            self.errors[err.field].show()
        else:
            self.status.setText(message_for(err))
