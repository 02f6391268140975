"""Typed settings in one place: database URL, office, printer, SMTP, limits.

Precedence, highest first: explicit arguments (``--database``), environment variables
(``CONSOLE_DATABASE_URL``, ``CONSOLE_DATA_DIR``, ``CONSOLE_OFFICE``, ``CONSOLE_AUTOLOGIN``),
the settings file ``settings.toml`` in the user's config folder, then the defaults below. No
secret is ever read from here: database passwords come from the OS keyring or are asked for.
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "service-console"
APP_AUTHOR = "console"


def data_dir() -> Path:
    """Folder of the embedded database and logs (``CONSOLE_DATA_DIR`` overrides it)."""
    override = os.environ.get("CONSOLE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    return path


def config_file() -> Path:
    """The optional settings file."""
    override = os.environ.get("CONSOLE_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "settings.toml"


def embedded_database_url() -> str:
    """URL of the single-desk SQLite database in the user's data folder."""
    return f"sqlite:///{(data_dir() / 'console.sqlite3').as_posix()}"


@dataclass(frozen=True)
class ReadingLimits:
    """Plausibility limits of a reading, as multiples of the usual daily consumption.

    Like CC&B's high/low and very-high/very-low: outside [low, high] a warning needs
    confirmation; above very_high a supervisor must approve.
    """

    very_low: Decimal = Decimal("0.1")
    low: Decimal = Decimal("0.3")
    high: Decimal = Decimal("3")
    very_high: Decimal = Decimal("10")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, typed. Build with :func:`load_settings`."""

    database_url: str = ""
    office_code: str = ""
    workstation: str = field(default_factory=socket.gethostname)
    search_limit: int = 300
    reading_window_last_day: int = 25
    reading_limits: ReadingLimits = field(default_factory=ReadingLimits)
    max_estimated_periods: int = 3
    refund_deadline_days: int = 30
    appeal_deadline_days: int = 30
    lock_after_minutes: int = 15
    printer_name: str = ""
    printer_duplex: bool = False  # the configured printer prints on both sides (long edge)
    receipt_width_mm: int = 0  # 0 = A4, 80 = receipt printer
    attachment_max_bytes: int = 10 * 1024 * 1024
    db_pool_size: int = 2
    db_connect_timeout_s: int = 5
    # TLS to PostgreSQL: libpq's sslmode ("verify-full" checks the certificate and host name)
    # and the CA certificate file it checks against. Empty = libpq's defaults.
    db_sslmode: str = ""
    db_sslrootcert: str = ""
    # psycopg prepares a statement the fifth time it runs on a connection, which spares the
    # server planning it again. PgBouncer in transaction mode before 1.21 (or without
    # max_prepared_statements) cannot carry prepared statements between clients: set false there.
    db_prepared_statements: bool = True
    # A connection pooler between the desk and the server. "auto": each new connection finds out
    # (a pooler answers with a cancel key of its own, so the backend pid libpq was given differs
    # from pg_backend_pid()); "transaction": a transaction-mode pooler, no check; "none": direct.
    # Behind a pooler the console keeps no session state: no prepared statements either, unless
    # db_pooler_prepared_statements says the pooler carries them (PgBouncer >= 1.21 with
    # max_prepared_statements > 0).
    db_pooler: str = "auto"
    db_pooler_prepared_statements: bool = False
    # Read replicas (hot standbys) for lookups, cards, reports and lists: URLs such as
    # "postgresql://replica1:5432/retail" (the signed-in login and password are used; the
    # primary's database name when none is given). Sign-in, audited reads and every write go to
    # the primary; a desk reads its own writes (it waits up to db_replica_wait_ms for the
    # replica to replay them, else reads the primary); a replica more than
    # db_replica_max_lag_s behind, or down, is left for db_replica_retry_s and the primary read.
    db_read_urls: tuple[str, ...] = ()
    db_replica_max_lag_s: float = 5.0
    db_replica_wait_ms: int = 200
    db_replica_retry_s: float = 15.0
    # The online cash register (ККТ) of this workstation: the ATOL driver v10 web server's
    # address, e.g. "http://127.0.0.1:16732" ("" = no ККТ: the receipt is not a fiscal
    # document). Its login and password, if the server asks for them, live in the keyring
    # (services/fiscal/factory.py). kkt_timeout_s bounds one request and the wait for a result.
    kkt_url: str = ""
    kkt_timeout_s: float = 10.0
    kkt_cashier_inn: str = ""  # ИНН кассира (tag 1203), when the cashier is not the director
    # Признак способа расчёта: "full" — полный расчёт always; "debt" — «оплата кредита» for the
    # part of a payment that covers debt already charged, «полный расчёт» for the rest.
    fiscal_payment_scheme: str = "full"
    # НДС per supplier code (suppliers.code → "none", "vat20", …); "*" is the default.
    # (A table in settings.toml; kept as pairs so that Settings stays hashable.)
    fiscal_vat: tuple[tuple[str, str], ...] = (("*", "none"),)
    # Plausibility of a counter payment: more than payment_confirm_factor × the amount due, or
    # more than payment_office_ceiling in cash, asks for confirmation with the sum in words;
    # above payment_hard_ceiling a supervisor must approve.
    payment_confirm_factor: Decimal = Decimal("10")
    payment_confirm_floor: Decimal = Decimal("1000.00")  # the "amount due" is at least this
    payment_office_ceiling: Decimal = Decimal("100000.00")
    payment_hard_ceiling: Decimal = Decimal("1000000.00")
    # Sign in as this login without a password: tests and demos on the embedded database only.
    autologin: str = ""
    # Payment documents by e-mail (services/mail). Empty host: e-mail is not set up. Security:
    # "starttls" (port 587), "ssl" (SMTPS, port 465) or "none" (a relay inside the office
    # network). The password is never here: `console mail set-password` keeps it in the OS
    # keyring. smtp_from is the sender the server accepts; the supplier's name is shown with it
    # and replies go to the supplier's address.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_login: str = ""
    smtp_from: str = ""
    smtp_timeout_s: float = 30.0
    # The CA certificate file that signs the server's certificate (an office's own CA); empty:
    # the system's trusted CAs. The certificate and the host name are always checked.
    smtp_cafile: str = ""
    # A failed send (a 4xx answer, a refused or dropped connection) is tried again this much later.
    smtp_retry_minutes: int = 30

    @property
    def is_embedded(self) -> bool:
        """True when the database is the single-desk SQLite file."""
        return self.database_url.startswith("sqlite")


POOLER_MODES = ("auto", "transaction", "none")
SMTP_SECURITY = ("starttls", "ssl", "none")
FISCAL_PAYMENT_SCHEMES = ("full", "debt")


def _coerce(name: str, raw: Any) -> Any:
    if name == "db_read_urls":
        return read_urls(raw)
    if name in (
        "payment_confirm_factor",
        "payment_confirm_floor",
        "payment_office_ceiling",
        "payment_hard_ceiling",
    ):
        return Decimal(str(raw))
    if name == "fiscal_vat":
        if not isinstance(raw, dict):
            raise ValueError("fiscal_vat must be a table")
        return tuple((str(k), str(v)) for k, v in raw.items())
    if name == "reading_limits":
        if not isinstance(raw, dict):
            raise ValueError("reading_limits must be a table")
        return ReadingLimits(**{k: Decimal(str(v)) for k, v in raw.items()})
    return raw


def load_settings(database_url: str | None = None, **overrides: Any) -> Settings:
    """Read the settings file and the environment; explicit arguments win."""
    values: dict[str, Any] = {}
    path = config_file()
    if path.is_file():
        known = {f.name for f in fields(Settings)}
        with path.open("rb") as fh:
            for key, raw in tomllib.load(fh).items():
                if key in known:
                    values[key] = _coerce(key, raw)
    settings = replace(Settings(), **values)
    env_url = os.environ.get("CONSOLE_DATABASE_URL")
    env_office = os.environ.get("CONSOLE_OFFICE")
    if env_url:
        settings = replace(settings, database_url=env_url)
    if env_office:
        settings = replace(settings, office_code=env_office)
    env_read = os.environ.get("CONSOLE_READ_URLS")
    if env_read is not None:
        settings = replace(settings, db_read_urls=read_urls(env_read))
    env_autologin = os.environ.get("CONSOLE_AUTOLOGIN")
    if env_autologin:
        settings = replace(settings, autologin=env_autologin)
    if database_url:
        settings = replace(settings, database_url=database_url)
    if not settings.database_url:
        settings = replace(settings, database_url=embedded_database_url())
    settings = replace(settings, **overrides) if overrides else settings
    if settings.fiscal_payment_scheme not in FISCAL_PAYMENT_SCHEMES:
        raise ValueError(
            f"fiscal_payment_scheme must be one of {', '.join(FISCAL_PAYMENT_SCHEMES)}"
        )
    if settings.db_pooler not in POOLER_MODES:
        raise ValueError(f"db_pooler must be one of {', '.join(POOLER_MODES)}")
    if settings.smtp_security not in SMTP_SECURITY:
        raise ValueError(f"smtp_security must be one of {', '.join(SMTP_SECURITY)}")
    return replace(settings, db_read_urls=read_urls(settings.db_read_urls))


def read_urls(raw: Any) -> tuple[str, ...]:
    """Replica URLs from a list, or from one string separated by commas or spaces."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw or ())
    return tuple(str(item).strip() for item in items if str(item).strip())
