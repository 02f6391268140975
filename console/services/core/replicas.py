"""Which server a read goes to: a hot standby when it is up, close behind and has the desk's own
writes, else the primary.

Read-your-writes: after every committed transaction the desk asks the primary where its WAL
stands (:data:`WRITTEN_SQL`, taken after the commit, so the commit record is before it). A
read may go to a
replica only once the replica has replayed up to there (``pg_last_wal_replay_lsn()``); if it
has not, the read waits for it a little (``wait_s``) on the replica's connection, then reads
the primary. The replica's position is remembered, so while the desk writes nothing new a read
costs no extra round trip but a check every ``check_every_s``.

Bounded staleness of other desks' writes: a replica whose replay is more than ``max_lag_s``
behind what it has received (``now() - pg_last_xact_replay_timestamp()`` while receive > replay,
measured twice 50 ms apart so that a replica that was idle for an hour and is replaying the first
new record is not taken for one an hour behind) is left alone for ``retry_s``, and so is one that
cannot be reached; meanwhile :attr:`ReadRouter.note` tells the status bar that reads go to the
primary. A server that is not in recovery (a promoted replica, or a URL that names a primary) is
as fresh as it gets.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

#: One row from the server: (in recovery, replayed up to (bytes), seconds of replay behind).
MEASURE_SQL = (
    "SELECT pg_catalog.pg_is_in_recovery(),"
    " (pg_catalog.pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint,"
    " CASE WHEN pg_catalog.pg_last_wal_receive_lsn() IS NULL"
    "  OR pg_catalog.pg_last_wal_receive_lsn() <= pg_catalog.pg_last_wal_replay_lsn() THEN 0"
    "  ELSE COALESCE(EXTRACT(epoch FROM pg_catalog.now()"
    "   - pg_catalog.pg_last_xact_replay_timestamp()), 0)::float8 END"
)
#: On the primary after a commit: a WAL position at or after that commit's record, that the
#: primary sends the standbys soon: the flushed position when a commit waits for its flush
#: (synchronous_commit on, the default), else the insert position (the WAL writer flushes an
#: asynchronous commit within three wal_writer_delay).
WRITTEN_SQL = (
    "SELECT (CASE WHEN pg_catalog.current_setting('synchronous_commit') = 'off'"
    " THEN pg_catalog.pg_current_wal_insert_lsn() ELSE pg_catalog.pg_current_wal_flush_lsn() END"
    " - '0/0'::pg_lsn)::bigint"
)

Run = Callable[[str], Sequence[Any]]  # one statement on the connection at hand → its one row


@dataclass(frozen=True)
class ReadRouting:
    """How reads treat the replicas (Settings.db_replica_*)."""

    max_lag_s: float = 5.0
    wait_s: float = 0.2
    retry_s: float = 15.0
    check_every_s: float = 2.0


@dataclass
class Replica:
    """One read server and what the desk last saw of it."""

    engine: Engine
    replayed: float = -1.0  # bytes of WAL replayed; math.inf when not in recovery
    lag_s: float = 0.0
    checked_at: float = -math.inf
    down_until: float = 0.0
    state: str = "ok"  # ok | lagging | down

    @property
    def where(self) -> str:
        url = self.engine.url
        return f"{url.host or 'localhost'}:{url.port or 5432}"


@dataclass
class ReadRouter:
    """The replicas of one desk and the WAL position of its last write."""

    replicas: list[Replica]
    routing: ReadRouting = field(default_factory=ReadRouting)
    written: int = 0
    #: Read units and lookups served by a replica / by the primary although there are replicas.
    served: dict[str, int] = field(default_factory=lambda: {"replica": 0, "primary": 0})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def candidates(self) -> list[Replica]:
        """Replicas worth trying now: not down, not found lagging a moment ago."""
        now = time.monotonic()
        return [
            r
            for r in self.replicas
            if r.down_until <= now
            and not (r.state == "lagging" and now - r.checked_at < self.routing.check_every_s)
        ]

    def usable(self, replica: Replica, run: Run) -> bool:
        """Whether to read from ``replica`` now (``run`` runs a statement on its connection).

        Raises what ``run`` raises: the caller decides whether that means the replica is down.
        """
        routing = self.routing
        if (
            time.monotonic() - replica.checked_at >= routing.check_every_s
            or replica.replayed < self.written
        ):
            self._measure(replica, run)
            if replica.lag_s > routing.max_lag_s:
                time.sleep(0.05)  # replaying the first record after a quiet hour looks the same
                self._measure(replica, run)
            replica.state = "lagging" if replica.lag_s > routing.max_lag_s else "ok"
            if replica.state == "lagging":
                return False
        deadline = time.monotonic() + routing.wait_s
        while replica.replayed < self.written:
            if time.monotonic() >= deadline:
                return False  # not this time: the primary has the desk's write
            time.sleep(0.005)
            self._measure(replica, run)
        return True

    def went_down(self, replica: Replica) -> None:
        replica.state = "down"
        replica.down_until = time.monotonic() + self.routing.retry_s
        replica.checked_at = -math.inf  # measured again before the next read there

    def wrote(self, position: int | None) -> None:
        """A transaction committed on the primary; ``position`` from :data:`WRITTEN_SQL`, or
        None when it could not be asked (then no replica has it until asked again)."""
        with self._lock:
            if position is None:
                self.written = 2**63 - 1
            elif self.written < position or self.written == 2**63 - 1:
                self.written = position

    @property
    def note(self) -> str:
        """Why reads go to the primary (for the status bar), or "" when a replica serves them."""
        now = time.monotonic()
        if any(r.down_until <= now and r.state == "ok" for r in self.replicas):
            return ""
        if any(r.state == "lagging" for r in self.replicas):
            worst = max(r.lag_s for r in self.replicas if r.state == "lagging")
            return f"Чтение с основного сервера: резервная копия базы отстаёт на {worst:.0f} с."
        if self.replicas:
            return "Чтение с основного сервера: резервная копия базы недоступна."
        return ""

    def _measure(self, replica: Replica, run: Run) -> None:
        in_recovery, replayed, lag = run(MEASURE_SQL)
        replica.checked_at = time.monotonic()
        if not in_recovery or replayed is None:
            replica.replayed, replica.lag_s = math.inf, 0.0
        else:
            replica.replayed, replica.lag_s = float(replayed), float(lag or 0)
