"""The SMTP connection: settings, the password from the OS keyring, and each answer sorted.

A 2xx for the recipient and the data is «sent». A 5xx to RCPT TO is that recipient refused for
good: «bounced». Everything else — a 4xx anywhere, a 5xx to the greeting, MAIL FROM or DATA (the
server refuses us, not the address), a dropped or refused connection, a timeout, a failed
sign-in — is «failed» and tried again later. Error texts carry the server's code and a fixed
Russian phrase only: the server's own text may quote the address.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from console.services.core.errors import ConsoleError
from console.settings import Settings

KEYRING_SERVICE = "service-console"


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    BOUNCED = "bounced"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    code: int | None = None
    error: str = ""  # Russian, no personal data


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # starttls | ssl | none
    login: str
    sender: str
    timeout_s: float
    cafile: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        if not settings.smtp_host or not settings.smtp_from:
            raise ConsoleError(
                "Отправка по e-mail не настроена: укажите smtp_host и smtp_from в settings.toml "
                "(и при необходимости smtp_login, smtp_port, smtp_security)."
            )
        return cls(
            host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
            login=settings.smtp_login, sender=settings.smtp_from,
            timeout_s=settings.smtp_timeout_s, cafile=settings.smtp_cafile,
        )  # fmt: skip

    @property
    def keyring_user(self) -> str:
        return f"smtp:{self.login}@{self.host}:{self.port}"


def stored_password(config: SmtpConfig) -> str | None:
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, config.keyring_user)
    except keyring.errors.KeyringError:
        return None


def remember_password(config: SmtpConfig, password: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, config.keyring_user, password)


class SmtpSession:
    """One connection for many messages; reconnects after the server dropped it."""

    def __init__(self, config: SmtpConfig, password: str | None = None) -> None:
        """The password is looked up now (the keyring when none is given), so a desk without
        it is told before any message is claimed for sending."""
        self.config = config
        if config.login and password is None:
            password = stored_password(config)
            if password is None:
                raise ConsoleError(
                    "Пароль почтового сервера не сохранён: выполните «console mail set-password»."
                )
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        context = ssl.create_default_context(cafile=c.cafile or None)
        if c.security == "ssl":
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout_s)
        try:
            smtp.ehlo()
            if c.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if c.login:
                _login(smtp, c.login, self._password or "")
        except BaseException:
            with contextlib.suppress(OSError):
                smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> SendResult:
        """Hand one message to the server; the answer sorted (never raises for SMTP errors)."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(
                message, from_addr=self.config.sender, to_addrs=[recipient]
            )
        except smtplib.SMTPRecipientsRefused as err:
            code = next(iter(err.recipients.values()))[0] if err.recipients else None
            self._reset()
            if code is not None and 500 <= code < 600:
                return SendResult(Outcome.BOUNCED, code, f"Сервер не принял адрес (код {code}).")
            return _retry(code, "Сервер временно не принял адрес")
        except smtplib.SMTPAuthenticationError as err:
            self.close()
            return _retry(err.smtp_code, "Почтовый сервер не принял логин или пароль")
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            return _retry(None, "Почтовый сервер разорвал соединение")
        except smtplib.SMTPResponseException as err:
            # 4xx/5xx to the greeting, MAIL FROM or DATA: the server refuses us, not the address.
            self._reset()
            return _retry(err.smtp_code, "Почтовый сервер отказал")
        except smtplib.SMTPNotSupportedError:
            self.close()
            return _retry(None, "Почтовый сервер не поддерживает шифрование STARTTLS")
        except TimeoutError:
            self.close()
            return _retry(None, "Почтовый сервер не ответил вовремя")
        except ssl.SSLError:
            self.close()
            return _retry(None, "Ошибка TLS при подключении к почтовому серверу")
        except (smtplib.SMTPException, OSError):
            self.close()
            return _retry(None, "Нет соединения с почтовым сервером")
        if refused:
            code = next(iter(refused.values()))[0]
            return SendResult(Outcome.BOUNCED, code, f"Сервер не принял адрес (код {code}).")
        return SendResult(Outcome.SENT, 250)

    def _reset(self) -> None:
        """After a refused message the connection may go on (RSET), unless the server is gone."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


def _login(smtp: smtplib.SMTP, login: str, password: str) -> None:
    """smtplib sends credentials as ASCII only; a Cyrillic password goes as AUTH PLAIN in UTF-8
    (RFC 4616), which is what servers expect."""
    if (login + password).isascii():
        smtp.login(login, password)
        return
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPAuthenticationError(535, b"AUTH PLAIN is not offered")
    token = base64.b64encode(b"\0" + login.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _retry(code: int | None, text: str) -> SendResult:
    suffix = f" (код {code})" if code else ""
    return SendResult(Outcome.RETRY, code, f"{text}{suffix}; будет повтор.")
