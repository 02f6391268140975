"""The top of the account card: number, supplier, people, address, balance and last payment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from console.services.account.card import AccountCardData
from console.services.core.formatting import date, money
from console.services.privacy.reveal import PassportDetails, reveal_passport
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

DEBT, ADVANCE, NEUTRAL = "#b3261e", "#1b6e3a", "#333333"


def _label(parent: QWidget, name: str, *, bold: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class CardHeader(QFrame):
    """Filled by :meth:`show_data`; «Показать» reveals the holder's passport (audited)."""

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("cardHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._holder_id: int | None = None

        self.title = _label(self, "cardTitle", bold=True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.holder = _label(self, "holder", bold=True)
        self.passport = _label(self, "passport")
        self.passport.setWordWrap(False)
        self.reveal = QPushButton("Показать", self)
        self.reveal.setObjectName("revealPassport")
        self.reveal.setToolTip("Показать паспорт полностью (действие записывается)")
        self.reveal.clicked.connect(self._reveal)
        self.others = _label(self, "others")
        self.contacts = _label(self, "contacts")
        self.address = _label(self, "address")
        self.premise = _label(self, "premise")
        self.terms = _label(self, "terms")
        self.balance = _label(self, "balance", bold=True)
        bfont = self.balance.font()
        bfont.setPointSizeF(bfont.pointSizeF() * 1.4)
        self.balance.setFont(bfont)
        self.balance.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.due = _label(self, "amountDue")
        self.due.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.last_payment = _label(self, "lastPayment")
        self.last_payment.setAlignment(Qt.AlignmentFlag.AlignRight)

        passport_row = QHBoxLayout()
        passport_row.setContentsMargins(0, 0, 0, 0)
        passport_row.addWidget(self.passport)
        passport_row.addWidget(self.reveal)
        passport_row.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.holder, 1, 0)
        grid.addLayout(passport_row, 2, 0)
        grid.addWidget(self.others, 3, 0)
        grid.addWidget(self.contacts, 4, 0)
        grid.addWidget(self.address, 5, 0)
        grid.addWidget(self.premise, 6, 0)
        grid.addWidget(self.terms, 7, 0)
        grid.addWidget(self.balance, 0, 1, 2, 1)
        grid.addWidget(self.due, 2, 1)
        grid.addWidget(self.last_payment, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        self.title.setText("Загрузка…")

    def show_data(self, d: AccountCardData) -> None:
        self.title.setText(
            "Лицевой счёт {0} · {1} · {2}".format(d.number, d.supplier, d.status_label)
        )
        holder = d.holder
        self._holder_id = holder.customer_id if holder else None
        if holder is not None:
            self.holder.setText(f"{holder.name} ({holder.relation_label.lower()})")
            # The birth date is sealed with the passport: it shows when the passport is revealed.
            self.passport.setText("Паспорт {0}".format(holder.passport_masked or "—"))
            self.reveal.setVisible(bool(holder.passport_masked))
            self.reveal.setEnabled(True)
            contacts = [
                "тел. {0}".format(holder.phone) if holder.phone else "телефона нет",
                holder.email or "e-mail не указан",
            ]
            self.contacts.setText(" · ".join(contacts))
        else:
            self.holder.setText("Владелец не указан")
            self.passport.setText("")
            self.reveal.hide()
            self.contacts.setText("")
        others = "; ".join(f"{p.name} — {p.relation_label.lower()}" for p in d.others)
        self.others.setText("Также: {0}".format(others) if others else "")
        self.others.setVisible(bool(others))
        self.address.setText(d.address)
        parts = []
        if d.area is not None:
            parts.append("{0} м²".format(money(d.area)))
        if d.rooms:
            parts.append("комнат: {0}".format(d.rooms))
        parts.append("проживает: {0}".format(d.residents))
        parts.append("плита {0}".format(d.stove_label))
        self.premise.setText(" · ".join(parts))
        delivery = d.bill_delivery_label + (f" ({d.delivery_email})" if d.delivery_email else "")
        self.terms.setText(
            "{0} · счета: {1} · открыт {2}".format(
                d.category_label, delivery.lower(), date(d.opened_on)
            )
        )
        colour = DEBT if d.balance > 0 else ADVANCE if d.balance < 0 else NEUTRAL
        amount = f" {money(abs(d.balance), currency=True)}" if d.balance else ""
        self.balance.setText(f"{d.balance_label}{amount}")
        self.balance.setStyleSheet(f"color: {colour};")
        self.balance.setToolTip(
            "Положительный баланс — долг, отрицательный — переплата (аванс): {0}".format(
                money(d.balance, currency=True)
            )
        )
        self.due.setText("К оплате на сегодня: {0}".format(money(d.amount_due, currency=True)))
        if d.last_payment_at is not None:
            self.last_payment.setText(
                "Последний платёж: {0}, {1}".format(
                    date(d.last_payment_at.date()), money(d.last_payment_amount, currency=True)
                )
            )
        else:
            self.last_payment.setText("Платежей не было")

    def _reveal(self) -> None:
        if self._holder_id is None:
            return
        db, actor, customer_id, account_id = (
            self.ctx.db, self.ctx.actor, self._holder_id, self.account_id
        )  # fmt: skip
        self.reveal.setEnabled(False)
        Operation(
            self, lambda: reveal_passport(db, actor, customer_id, account_id=account_id)
        ).success(self._revealed).run(self.ctx)

    def _revealed(self, details: PassportDetails) -> None:
        parts = [details.text]
        if details.issued_on:
            parts.append("выдан {0}".format(date(details.issued_on)))
        if details.issued_by:
            parts.append(details.issued_by)
        if details.division_code:
            parts.append("код подразделения {0}".format(details.division_code))
        birth = ""
        if details.birth_date:
            birth = "; дата рождения {0}".format(date(details.birth_date))
        self.passport.setText("Паспорт {0}{1}".format(", ".join(parts), birth))
        self.reveal.hide()
