"""Staff sign-in: Argon2 hashes on the embedded database; on PostgreSQL the server checks.

On PostgreSQL every staff member is a login role: signing in is connecting as that role with its
password, then mapping ``current_user`` to the ``staff`` row. On the embedded SQLite database the
password is checked against ``staff.password_hash``. Either way a failure says only «Неверный логин
или пароль», never which of the two was wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import exc, select, text

from console.models import Office, Staff
from console.models.enums import AuditAction, StaffRole
from console.services.core.database import (
    Database,
    connect_database,
    create_db_engine,
    normalise_url,
    permission_denied,
)
from console.services.core.errors import (
    ConsoleError,
    DatabaseUnavailableError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.staff import audit, passwords
from console.services.staff.actor import Actor, staff_actor
from console.settings import Settings

BAD_CREDENTIALS = "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock."

log = logging.getLogger(__name__)


class BadCredentialsError(PermissionDeniedError):
    """A wrong login or password (never saying which), as opposed to a refused staff member."""


@dataclass(frozen=True)
class OfficeOption:
    """An office to choose at sign-in."""

    code: str
    name: str


@dataclass(frozen=True)
class SignedIn:
    """The database to work in, connected as (or checked for) the staff member, and who it is."""

    db: Database
    actor: Actor


def authenticate(
    db: Database,
    login: str,
    password: str,
    *,
    office_code: str = "",
    workstation: str = "",
    settings: Settings | None = None,
    action: AuditAction = AuditAction.STAFF_SIGN_IN,
) -> Actor:
    """Check ``login``/``password`` and return the Actor; on failure a generic Russian error.

    On PostgreSQL the check is a fresh connection as the login role (``settings`` gives the
    TLS options); the result maps to the same staff row ``current_user`` does.
    """
    name = _plain_login(login)
    if db.is_postgres:
        probe, actor = open_as(
            db, name, password, settings=settings, office_code=office_code,
            workstation=workstation,
        )  # fmt: skip
        probe.dispose()
        log.info("%s: %s (PostgreSQL)", action, name)
        return actor
    with db.transaction() as session:
        staff = session.scalar(select(Staff).where(Staff.login == name))
        ok = passwords.verify(staff.password_hash if staff else None, password)
        if staff is None or not ok or not staff.is_active:
            audit.record(
                session,
                _anonymous(workstation),
                action.failed,
                "staff",
                staff.id if staff else None,
                after={"login": name[:63]},
            )
            failed = True
        else:
            failed = False
            if staff.password_hash and passwords.needs_rehash(staff.password_hash):
                staff.password_hash = passwords.hash_password(password)
            actor = staff_actor(session, staff, office_code, workstation)
            audit.record(session, actor, action, "staff", staff.id)
    if failed:
        # Raised after the commit so the failed attempt stays in the audit trail.
        log.warning("%s refused for %s: wrong login or password, or not active", action, name)
        raise BadCredentialsError(BAD_CREDENTIALS)
    log.info("%s: %s", action, name)
    return actor


def open_as(
    db: Database,
    login: str,
    password: str,
    *,
    settings: Settings | None = None,
    office_code: str = "",
    workstation: str = "",
) -> tuple[Database, Actor]:
    """PostgreSQL: a one-connection Database on ``db``'s server as ``login`` (the server checks
    the password), and who that is. The caller disposes of it."""
    url = _server_url(db, settings)
    probe = _connect(url, _plain_login(login), password, settings, pool_size=1)
    try:
        return probe, current_actor(probe, office_code=office_code, workstation=workstation)
    except BaseException:
        probe.dispose()
        raise


def connect_as(settings: Settings, login: str, password: str, *, office_code: str = "") -> SignedIn:
    """PostgreSQL: connect as the staff member's login role; the server checks the password."""
    name = _plain_login(login)
    db = _connect(settings.database_url, name, password, settings, pool_size=settings.db_pool_size)
    try:
        actor = current_actor(
            db, office_code=office_code or settings.office_code, workstation=settings.workstation
        )
        with db.transaction() as session:
            audit.record(session, actor, AuditAction.STAFF_SIGN_IN, "staff", actor.staff_id)
    except BaseException:
        db.dispose()
        raise
    log.info("staff.sign_in: %s on %s", name, db.describe())
    return SignedIn(db, actor)


def current_actor(db: Database, *, office_code: str = "", workstation: str = "") -> Actor:
    """PostgreSQL: the active staff row whose login is the connected role (``current_user``),
    read on the primary (never a replica's copy of the staff list)."""
    with db.read(primary=True) as session:
        role = str(session.scalar(text("SELECT current_user")))
        try:
            staff = session.scalar(select(Staff).where(Staff.login == role))
        except exc.DBAPIError as err:
            if permission_denied(err) is None:
                raise
            staff = None  # a role outside the console's groups may not even read the staff list
        if staff is None or not staff.is_active:
            log.warning("sign-in refused for %s: not an active staff member", role)
            raise PermissionDeniedError(
                f"Пароль верный, но «{role}» нет среди действующих сотрудников пульта. "
                "Обратитесь к администратору."
            )
        return staff_actor(session, staff, office_code, workstation)


def verify_password(
    db: Database, actor: Actor, password: str, settings: Settings | None = None
) -> None:
    """Unlocking the console: the signed-in person's password again, or PermissionDeniedError.

    On the embedded database a staff member who has no password yet (first start postponed,
    a demo with CONSOLE_AUTOLOGIN) unlocks without one. A wrong password is recorded as
    ``staff.unlock_failed`` on both databases: on the embedded one by :func:`authenticate`, on
    PostgreSQL (where the refused probe connection leaves no trace in the console's trail)
    through the session that is still connected as the signed-in person.
    """
    if not db.is_postgres and not _has_password(db, actor.login):
        return
    try:
        authenticate(
            db, actor.login, password, workstation=actor.workstation, settings=settings,
            action=AuditAction.STAFF_UNLOCK,
        )  # fmt: skip
    except BadCredentialsError:
        if db.is_postgres:
            _record(db, actor, AuditAction.STAFF_UNLOCK_FAILED)
        raise


def sign_out(db: Database, actor: Actor, reason: str) -> None:
    """Record that the console signed ``actor`` out (``reason``: a code, e.g. unlock_failed)."""
    _record(db, actor, AuditAction.STAFF_SIGN_OUT, {"reason": reason})


def _record(
    db: Database, actor: Actor, action: AuditAction, after: dict[str, str] | None = None
) -> None:
    """An audit event about the session itself; a failure to write it never hides the reason
    the person is being told about (a wrong password, a sign-out)."""
    try:
        with db.transaction() as session:
            audit.record(session, actor, action, "staff", actor.staff_id, after=after)
    except (ConsoleError, exc.SQLAlchemyError):
        log.warning("could not record %s in the audit trail", action, exc_info=True)


def _has_password(db: Database, login: str) -> bool:
    with db.read() as session:
        stored = session.scalar(select(Staff.password_hash).where(Staff.login == login))
    return stored is not None


def actor_for_login(
    db: Database, login: str, *, office_code: str = "", workstation: str = ""
) -> Actor:
    """The Actor of an active staff member without a password: CONSOLE_AUTOLOGIN, embedded only."""
    if db.is_postgres:
        raise ConsoleError("Вход без пароля возможен только со встроенной базой (демонстрация).")
    name = _plain_login(login)
    with db.transaction() as session:
        staff = session.scalar(select(Staff).where(Staff.login == name, Staff.is_active))
        if staff is None:
            raise ConsoleError(f"Сотрудника «{name}» для автоматического входа нет в базе.")
        actor = staff_actor(session, staff, office_code, workstation)
        audit.record(
            session, actor, AuditAction.STAFF_SIGN_IN, "staff", staff.id, after={"auto": True}
        )
    return actor


def needs_first_password(db: Database) -> bool:
    """Embedded database where nobody has a password yet (a fresh or demo desk)."""
    if db.is_postgres:
        return False
    with db.read() as session:
        return session.scalar(select(Staff.id).where(Staff.password_hash.is_not(None))) is None


def first_start(
    db: Database, password: str | None, *, office_code: str = "", workstation: str = ""
) -> Actor:
    """Sign in as the first administrator of a desk where nobody has a password yet.

    With ``password`` it becomes the administrator's; ``None`` leaves the desk open (asked again
    at the next start).
    """
    if db.is_postgres:
        raise ConsoleError("Первый вход без пароля возможен только со встроенной базой.")
    if password is not None:
        passwords.new_password(password)
    with db.transaction() as session:
        if session.scalar(select(Staff.id).where(Staff.password_hash.is_not(None))) is not None:
            raise PermissionDeniedError("Пароли уже заданы: войдите со своим логином и паролем.")
        admin = session.scalar(
            select(Staff).where(Staff.is_active, Staff.role == StaffRole.ADMIN).order_by(Staff.id)
        )
        if admin is None:
            raise ConsoleError("В базе нет администратора: выполните «console db upgrade».")
        actor = staff_actor(session, admin, office_code, workstation)
        if password is not None:
            admin.password_hash = passwords.hash_password(password)
            audit.record(session, actor, AuditAction.STAFF_SET_PASSWORD, "staff", admin.id)
        audit.record(
            session, actor, AuditAction.STAFF_SIGN_IN, "staff", admin.id, after={"first": True}
        )
    return actor


def offices(db: Database) -> tuple[OfficeOption, ...]:
    """Offices to choose from at sign-in (embedded: before signing in; server: after)."""
    with db.read() as session:
        rows = session.execute(select(Office.code, Office.name).order_by(Office.code)).all()
    return tuple(OfficeOption(code, name) for code, name in rows)


class Gate:
    """What the sign-in window calls: one object for the embedded and the server database."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db
        if not settings.is_embedded and db is not None:
            raise ValueError("on PostgreSQL the database is opened by signing in")
        if settings.is_embedded and db is None:
            raise ValueError("the embedded database must be open before signing in")

    @property
    def embedded(self) -> bool:
        return self.db is not None

    def offices(self) -> tuple[OfficeOption, ...]:
        return offices(self.db) if self.db is not None else ()

    def sign_in(self, login: str, password: str, office_code: str) -> SignedIn:
        if self.db is not None:
            actor = authenticate(
                self.db, login, password, office_code=office_code,
                workstation=self.settings.workstation,
            )  # fmt: skip
            return SignedIn(self.db, actor)
        return connect_as(self.settings, login, password, office_code=office_code)

    def keyring_target(self) -> str:
        """Where the desk signs in to, naming the remembered passwords in the OS keyring."""
        url = normalise_url(self.settings.database_url)
        if url.drivername.startswith("sqlite"):
            return f"sqlite:{url.database}"
        return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _plain_login(login: str) -> str:
    try:
        return passwords.login(login)
    except ValidationError:
        # A login that cannot exist fails like a wrong password: no hint what was wrong. It is
        # not logged: what was typed may well be the password, in the wrong field.
        log.warning("sign-in refused: not a possible login")
        raise BadCredentialsError(BAD_CREDENTIALS) from None


def _server_url(db: Database, settings: Settings | None) -> str:
    if settings is not None and not settings.is_embedded:
        return settings.database_url
    return db.engine.url.set(password=None).render_as_string(hide_password=False)


def _connect(
    url: str, login: str, password: str, settings: Settings | None, *, pool_size: int
) -> Database:
    parsed = normalise_url(url)
    as_login = parsed.set(username=login, password=None)
    if settings is not None:
        db = connect_database(settings, as_login, password=password, pool_size=pool_size)
    else:
        db = Database(create_db_engine(as_login, password=password, pool_size=pool_size))
    engine = db.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - classified below
        db.dispose()
        reason = str(getattr(err, "orig", err)).strip()
        if _refused_login(reason):
            log.warning("sign-in refused for %s by the server: wrong password or login", login)
            raise BadCredentialsError(BAD_CREDENTIALS) from None
        if _no_connect_privilege(reason):
            log.warning("sign-in refused for %s: no CONNECT on this database", login)
            # The password was right, but the login is not in this database's staff groups.
            raise PermissionDeniedError(
                f"Пароль верный, но «{login}» нет среди действующих сотрудников пульта этой "
                "базы. Обратитесь к администратору."
            ) from None
        first_line = reason.splitlines()[0] if reason else type(err).__name__
        log.warning(
            "cannot reach %s:%s as %s (%s)",
            parsed.host or "localhost", parsed.port or 5432, login, type(err).__name__,
        )  # fmt: skip
        raise DatabaseUnavailableError(
            f"Нет связи с базой данных {parsed.host or 'localhost'}:{parsed.port or 5432} "
            f"({first_line}). Проверьте сеть и повторите вход."
        ) from err
    return db


def _refused_login(reason: str) -> bool:
    """libpq's (or PgBouncer's) words (English or a Russian server) for a wrong password, no
    such role or a disabled (NOLOGIN) role, as opposed to a database that is not there or not
    reachable."""
    text_ = reason.lower()
    return (
        "password" in text_
        or "authentication failed" in text_  # PgBouncer: "SASL authentication failed"
        or "пароль" in text_
        or "not permitted to log in" in text_
        or "не разрешён вход" in text_
        or ("role" in text_ and "does not exist" in text_)
        or ("роль" in text_ and "не существует" in text_)
    )


def _no_connect_privilege(reason: str) -> bool:
    text_ = reason.lower()
    return (
        "connect privilege" in text_
        or "право connect" in text_
        or ("permission denied for database" in text_)
    )


def _anonymous(workstation: str) -> Actor:
    return Actor(None, "", "", StaffRole.CLERK, None, "", workstation)


def command_line_actor(db: Database, workstation: str = "", office_code: str = "") -> Actor:
    """Who runs a ``console`` sub-command: the login it connected with, never a guessed person.

    On PostgreSQL that is the staff member whose login is the connected role; a role that is not
    a staff member (the database owner doing maintenance) acts under its own role name, with no
    staff row, and the server decides what it may do. On the embedded database whoever can open
    the file owns it: they act under their operating-system account name, never as a staff
    member of the desk.
    """
    if db.is_postgres:
        try:
            return current_actor(db, office_code=office_code, workstation=workstation)
        except PermissionDeniedError:
            with db.read() as session:
                role = str(session.scalar(text("SELECT current_user")))
            return Actor(None, role, role, StaffRole.ADMIN, None, "", workstation)
    owner = _os_user()
    return Actor(None, owner, f"Владелец файла базы ({owner})", StaffRole.ADMIN, None, "",
                 workstation)  # fmt: skip


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the uid still says who
        import os

        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "owner"
