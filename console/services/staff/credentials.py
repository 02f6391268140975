"""Database passwords live in the OS keyring (Windows Credential Locker), never in files or URLs.

keyring is imported where a password is read or kept, not at start-up: finding its backends
costs about a quarter of a second that an embedded desk never needs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import URL

from console.services.core.database import (
    Database,
    connect_database,
    create_db_engine,
    normalise_url,
)
from console.services.core.errors import ConsoleError, DatabaseUnavailableError
from console.settings import Settings

KEYRING_SERVICE = "service-console"


def keyring_user(url: URL) -> str:
    """The keyring entry name of a database login: user@host:port/database."""
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def stored_password(url: URL) -> str | None:
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except keyring.errors.KeyringError:
        return None


def remember_password(url: URL, password: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_user(url), password)


def forget_password(url: URL) -> None:
    import keyring
    import keyring.errors

    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, keyring_user(url))


def open_database(
    url: str,
    *,
    pool_size: int = 2,
    connect_timeout: int = 5,
    ask_password: Callable[[str], str | None] | None = None,
    sslmode: str = "",
    sslrootcert: str = "",
    prepared_statements: bool = True,
    settings: Settings | None = None,
) -> Database:
    """Connect, taking the password from the keyring or asking for it; check the connection.

    With ``settings`` the pooler, prepared-statement and replica settings apply as well (and
    theirs win over the keyword arguments)."""
    parsed = normalise_url(url)
    if parsed.password:
        raise ConsoleError(
            "Пароль в адресе базы данных не допускается: уберите его из адреса — "
            "пульт спросит пароль и сохранит его в хранилище паролей системы."
        )
    if parsed.drivername.startswith("sqlite"):
        return Database(create_db_engine(parsed))
    password = stored_password(parsed)
    for _attempt in range(3):
        if settings is not None:
            db = connect_database(settings, parsed, password=password, pool_size=pool_size)
        else:
            db = Database(
                create_db_engine(
                    parsed,
                    password=password,
                    pool_size=pool_size,
                    connect_timeout=connect_timeout,
                    sslmode=sslmode,
                    sslrootcert=sslrootcert,
                    prepared_statements=prepared_statements,
                )
            )
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return db
        except Exception as err:  # noqa: BLE001 - classified below
            db.dispose()
            message = str(getattr(err, "orig", err)).lower()
            needs_password = "password" in message or "пароль" in message
            if needs_password and ask_password is not None:
                password = ask_password(keyring_user(parsed))
                if password is None:
                    raise ConsoleError("Подключение отменено: пароль не введён.") from err
                continue
            if needs_password:
                raise ConsoleError(
                    f"Сервер требует пароль для {keyring_user(parsed)}: сохраните его в "
                    "хранилище паролей (keyring) или запустите пульт в окне."
                ) from err
            raise DatabaseUnavailableError(
                f"Не удалось подключиться к базе данных {parsed.host or 'localhost'}:"
                f"{parsed.port or 5432}: {str(getattr(err, 'orig', err)).strip().splitlines()[0]}"
            ) from err
    raise ConsoleError("Неверный пароль базы данных (три попытки).")


# --- staff passwords remembered at sign-in («Запомнить») ------------------------------------
# Named like the database entries above (login@host:port/db), so on PostgreSQL a command-line
# connection as the same login finds the same entry.
_UNSAFE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def keyring_usable() -> bool:
    """True when an OS keyring can keep a secret (never the plaintext or null backends)."""
    import keyring

    backend = keyring.get_keyring()
    candidates = getattr(backend, "backends", None) or [backend]
    return any(not type(b).__module__.startswith(_UNSAFE_BACKENDS) for b in candidates)


def staff_entry(target: str, login: str) -> str:
    """The keyring entry name of a staff member's password at a sign-in target."""
    return f"{login}@{target}"


def remembered_staff_password(target: str, login: str) -> str | None:
    """The password «Запомнить» stored for ``login``, if any."""
    import keyring
    import keyring.errors

    if not login or not keyring_usable():
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, staff_entry(target, login))
    except keyring.errors.KeyringError:
        return None


def remember_staff_password(target: str, login: str, password: str) -> bool:
    """Keep the password in the OS keyring; False when there is no safe keyring."""
    import keyring
    import keyring.errors

    if not keyring_usable():
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, staff_entry(target, login), password)
    except keyring.errors.KeyringError:
        return False
    return True


def forget_staff_password(target: str, login: str) -> None:
    """Remove a remembered password (the box «Запомнить» was cleared)."""
    import keyring
    import keyring.errors

    if not login or not keyring_usable():
        return
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEYRING_SERVICE, staff_entry(target, login))
