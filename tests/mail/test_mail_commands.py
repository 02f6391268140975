"""``console mail set-password`` and ``console documents email`` end to end: settings from
settings.toml, the password from the (test) keyring, a real SMTP server that requires AUTH."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from console.cli import main
from console.models import EmailDelivery
from console.models.enums import EmailStatus
from console.services.core.database import Database
from tests.mail.test_emailing import by_email
from tests.support.factories import make_account, make_closed_month
from tests.support.smtp import SmtpServer

SEP = dt.date(2026, 9, 1)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(login="bills", password="Почта-секрет-1") as server:
        yield server


@pytest.fixture
def settings_file(tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nsmtp_security = "none"\n'
        'smtp_login = "bills"\nsmtp_from = "bills@vostok-electra.ru"\nsmtp_timeout_s = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CONSOLE_CONFIG", str(path))
    return path


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_monthly_run_from_the_command_line(
    sqlite_db: Database,
    settings_file: Path,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for number, address in (("7200000401", "a.ivanova@example.ru"), ("7200000402", None)):
        account = make_account(sqlite_db, number=number, last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(sqlite_db, account, SEP, volume=Decimal("100"))
        by_email(sqlite_db, account, address)
    url = str(sqlite_db.engine.url)

    # No password kept yet: said before anything is queued or claimed.
    assert main(["documents", "email", "--database", url, "--period", "2026-09"]) == 1
    assert "Пароль почтового сервера не сохранён" in capsys.readouterr().err
    with sqlite_db.read() as session:
        assert session.scalar(select(EmailDelivery.id)) is None

    monkeypatch.setattr("sys.stdin", io.StringIO("Почта-секрет-1\n"))
    assert main(["mail", "set-password", "--password-stdin"]) == 0
    assert "сохранён в хранилище паролей" in capsys.readouterr().out
    assert main(["documents", "email", "--database", url, "--period", "2026-09"]) == 0
    out = capsys.readouterr().out
    assert "Рассылка за Сентябрь 2026: счетов с доставкой по e-mail 1; отправлено 1" in out
    assert [m.rcpt_tos for m in smtp.messages] == [["a.ivanova@example.ru"]]
    assert main(["documents", "email", "--database", url, "--period", "2026-09"]) == 0
    assert "отправлено 0" in capsys.readouterr().out and len(smtp.messages) == 1
    with sqlite_db.read() as session:
        assert session.scalar(select(EmailDelivery.status)) is EmailStatus.SENT


def test_e_mail_not_set_up_is_said_in_russian(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CONSOLE_CONFIG", str(tmp_path / "none.toml"))
    assert main(["documents", "email", "--database", str(sqlite_db.engine.url)]) == 1
    assert "Отправка по e-mail не настроена" in capsys.readouterr().err
