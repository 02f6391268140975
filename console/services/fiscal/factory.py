"""The cash register of this workstation, from its settings.

``cash_register(settings)`` is the one place an adapter is chosen: ``kkt_url`` empty → the
no-device mode (``none.NoCashRegister``, ``fiscal`` False: the receipt says it is not a fiscal
document); otherwise the ATOL driver v10 web server at that address. A login and password for
that server, if it asks for them, come from the OS keyring (service ``service-console``, user
``kkt:<url>``), never from the settings file."""

from __future__ import annotations

from console.services.fiscal.device import CashRegister
from console.settings import Settings

KEYRING_SERVICE = "service-console"


def keyring_user(url: str) -> str:
    return f"kkt:{url.rstrip('/')}"


def kkt_credentials(url: str) -> tuple[str, str] | None:
    """(login, password) of the ККТ web server from the keyring, if kept there."""
    try:
        import keyring
        import keyring.errors
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        raw = keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except keyring.errors.KeyringError:
        return None
    if not raw or ":" not in raw:
        return None
    login, _, password = raw.partition(":")
    return login, password


def cash_register(settings: Settings) -> CashRegister:
    """The workstation's cash register (or the no-device stand-in)."""
    if not settings.kkt_url.strip():
        from console.services.fiscal.none import NoCashRegister

        return NoCashRegister()
    from console.services.fiscal.atol import AtolWebServer

    url = settings.kkt_url.strip()
    return AtolWebServer(url, timeout_s=settings.kkt_timeout_s, auth=kkt_credentials(url))
