"""Sign-in window (login, password, office, «Запомнить») and the first-start password window.

The password is checked off the GUI thread; «Запомнить» keeps it in the OS keyring only. The
last login and office (not secrets) are kept in QSettings so the next morning is one Enter.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.staff import auth, credentials, passwords
from console.services.staff.actor import Actor
from console.views.common.operations import run_op
from console.views.common.tasks import TaskRunner, message_for

ERROR_STYLE = "color: #b00020;"


def error_label(parent: QWidget, name: str) -> QLabel:
    """A red line under a field; hidden while empty."""
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class SignInDialog(QDialog):
    """Login, password, office. ``signed_in`` holds the result after ``accept()``."""

    def __init__(self, gate: auth.Gate, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gate = gate
        self.tasks = tasks
        self.signed_in: auth.SignedIn | None = None
        self.setObjectName("SignInDialog")
        self.setWindowTitle("Вход в операторский пульт")
        self.setMinimumWidth(440)
        self._build()
        self._restore()
        if gate.embedded:
            run_op(
                self.tasks,
                self,
                gate.offices,
                self._fill_offices,
                lambda _e: None,
                key="sign-in-offices",
            )

    # --- construction -----------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel("Клиентский зал — вход сотрудника", self)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(heading)
        where = QLabel(self._where(), self)
        where.setObjectName("targetLabel")
        where.setStyleSheet("color: #555;")
        layout.addWidget(where)

        form = QFormLayout()
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("например, ivanova.a")
        self.login_edit.editingFinished.connect(self._load_remembered)
        self.login_error = error_label(self, "loginError")
        form.addRow("&Логин:", self.login_edit)
        form.addRow("", self.login_error)

        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = error_label(self, "passwordError")
        form.addRow("&Пароль:", self.password_edit)
        form.addRow("", self.password_error)

        self.office_combo = QComboBox(self)
        self.office_combo.setObjectName("office")
        self.office_combo.setEditable(True)
        self.office_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.office_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("код офиса, например TMN-1; пусто — ваш офис")
        self.office_error = error_label(self, "officeError")
        form.addRow("&Офис:", self.office_combo)
        form.addRow("", self.office_error)
        layout.addLayout(form)

        self.remember_box = QCheckBox("&Запомнить пароль на этом компьютере", self)
        self.remember_box.setObjectName("remember")
        if not credentials.keyring_usable():
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip(
                "В системе нет защищённого хранилища паролей: пароль не запоминается."
            )
        layout.addWidget(self.remember_box)

        self.general_error = error_label(self, "generalError")
        layout.addWidget(self.general_error)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.sign_in_button = QPushButton("Войти", self)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        cancel = QPushButton("Отмена", self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.reject)
        self.setTabOrder(self.login_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.office_combo)
        self.setTabOrder(self.office_combo, self.remember_box)
        self.setTabOrder(self.remember_box, self.sign_in_button)

    def _where(self) -> str:
        settings = self.gate.settings
        if self.gate.embedded:
            return "База: встроенная (на этом компьютере)"
        target = self.gate.keyring_target()
        secure = ", защищённое соединение" if settings.db_sslmode.startswith("verify") else ""
        return "Сервер: {0}{1}".format(target, secure)

    def _restore(self) -> None:
        stored = QSettings()
        login = str(stored.value("sign_in/login", "") or "")
        office = str(stored.value("sign_in/office", "") or self.gate.settings.office_code)
        self.office_combo.setEditText(office)
        if login:
            self.login_edit.setText(login)
            self._load_remembered()
            self.password_edit.setFocus()
        else:
            self.login_edit.setFocus()

    def _fill_offices(self, offices: tuple[auth.OfficeOption, ...]) -> None:
        typed = self.office_code()
        self.office_combo.clear()
        for office in offices:
            self.office_combo.addItem(f"{office.code} — {office.name}", office.code)
        index = self.office_combo.findData(typed)
        if index >= 0:
            self.office_combo.setCurrentIndex(index)
        else:
            self.office_combo.setEditText(typed)

    # --- behaviour --------------------------------------------------------------------
    def office_code(self) -> str:
        """The office code: the chosen item's code, or what was typed up to " — "."""
        text = self.office_combo.currentText().strip()
        index = self.office_combo.currentIndex()
        if index >= 0 and self.office_combo.itemText(index) == text:
            return str(self.office_combo.itemData(index))
        return text.split(" — ", 1)[0].strip()

    def _load_remembered(self) -> None:
        login = self.login_edit.text().strip().lower()
        remembered = credentials.remembered_staff_password(self.gate.keyring_target(), login)
        if remembered is not None:
            self.password_edit.setText(remembered)
            self.remember_box.setChecked(True)

    def submit(self) -> None:
        for label in (self.login_error, self.password_error, self.office_error, self.general_error):
            show_error(label, "")
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login:
            show_error(self.login_error, "Введите логин.")
            self.login_edit.setFocus()
            return
        if not password:
            show_error(self.password_error, "Введите пароль.")
            self.password_edit.setFocus()
            return
        office = self.office_code()
        self._busy(True)
        run_op(
            self.tasks,
            self,
            lambda: self.gate.sign_in(login, password, office),
            lambda result: self._signed_in(result, login, password, office),
            self._failed,
            key="sign-in",
        )

    def _signed_in(self, result: auth.SignedIn, login: str, password: str, office: str) -> None:
        target = self.gate.keyring_target()
        name = result.actor.login
        if self.remember_box.isChecked():
            credentials.remember_staff_password(target, name, password)
        else:
            credentials.forget_staff_password(target, name)
        stored = QSettings()
        stored.setValue("sign_in/login", name)
        stored.setValue("sign_in/office", office)
        self.signed_in = result
        self._busy(False)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        if isinstance(error, ValidationError) and error.field == "office":
            show_error(self.office_error, str(error))
            self.office_combo.setFocus()
            return
        show_error(self.general_error, message_for(error))
        # The login stays; the password is selected to be typed over.
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def _busy(self, busy: bool) -> None:
        for widget in (self.login_edit, self.password_edit, self.office_combo, self.sign_in_button):
            widget.setEnabled(not busy)
        self.sign_in_button.setText("Проверка…" if busy else "Войти")


class FirstStartDialog(QDialog):
    """Nobody has a password yet: sign in as the administrator and set one (or postpone)."""

    def __init__(self, gate: auth.Gate, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert gate.db is not None, "first start is for the embedded database"
        self.gate = gate
        self.tasks = tasks
        self.actor: Actor | None = None
        self.setObjectName("FirstStartDialog")
        self.setWindowTitle("Первый запуск пульта")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        heading = QLabel("Добро пожаловать!", self)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(heading)
        text = QLabel(
            (
                "Пульт запущен впервые: вы входите как администратор (логин admin).\n"
                "Задайте пароль — его спросят при следующем входе и после блокировки. "
                "Можно отложить: тогда пульт спросит снова при следующем запуске."
            ),
            self,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("newPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("не меньше 8 знаков")
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setObjectName("repeatPassword")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Новый пароль:", self.password_edit)
        form.addRow("&Повторите:", self.repeat_edit)
        self.error = error_label(self, "passwordError")
        form.addRow("", self.error)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.set_button = QPushButton("Задать пароль и войти", self)
        self.set_button.setObjectName("setPasswordButton")
        self.set_button.setDefault(True)
        self.set_button.clicked.connect(self.submit)
        self.later_button = QPushButton("Позже", self)
        self.later_button.setObjectName("laterButton")
        self.later_button.clicked.connect(self.postpone)
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.later_button)
        layout.addLayout(buttons)
        self.password_edit.setFocus()

    def submit(self) -> None:
        password, repeat = self.password_edit.text(), self.repeat_edit.text()
        try:
            # The rule first: a too-short password is not "a mismatch" however it was repeated.
            passwords.new_password(password)
        except ValidationError as err:
            show_error(self.error, str(err))
            self.password_edit.setFocus()
            self.password_edit.selectAll()
            return
        if password != repeat:
            show_error(self.error, "Пароли не совпадают: введите одинаковые.")
            self.repeat_edit.setFocus()
            self.repeat_edit.selectAll()
            return
        self._run(password)

    def postpone(self) -> None:
        self._run(None)

    def _run(self, password: str | None) -> None:
        show_error(self.error, "")
        db, settings = self.gate.db, self.gate.settings
        assert db is not None
        self.set_button.setEnabled(False)
        self.later_button.setEnabled(False)
        run_op(
            self.tasks,
            self,
            lambda: auth.first_start(
                db, password, office_code=settings.office_code, workstation=settings.workstation
            ),
            self._done,
            self._failed,
            key="first-start",
        )

    def _done(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.set_button.setEnabled(True)
        self.later_button.setEnabled(True)
        show_error(self.error, message_for(error))
        self.password_edit.setFocus()
