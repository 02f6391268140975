"""The billing run on PostgreSQL, set-based: INSERT … SELECT with window functions.

It computes exactly what :mod:`billing_python` computes (same rules from :mod:`billing_rules`,
same explanation text); the tests run both on the same data and compare them. Accounts are taken
in id ranges, statement by statement, so the run reports progress; «Отмена» interrupts the
running statement. Everything is one transaction: a cancelled or failed run leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from psycopg.errors import NotNullViolation, QueryCanceled
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from console.services.billing import rules
from console.services.billing.statements import Cancelled
from console.services.core.errors import ConsoleError
from console.services.core.formatting import add_months
from console.services.staff.actor import Actor
from console.settings import Settings

RANGE = 500_000  # account ids per statement


def _fmt(expr: str) -> str:
    """billing_rules.plain() in SQL: no trailing zeros, decimal comma."""
    return f"replace(trim_scale({expr})::text, '.', ',')"


def _date(expr: str) -> str:
    return f"to_char({expr}, 'DD.MM.YYYY')"


def _month_index(expr: str) -> str:
    return f"(extract(year from {expr})::int * 12 + extract(month from {expr})::int - 1)"


SETUP = [
    # The plans are big and their costs rough: JIT compilation would cost more than it saves.
    "SET LOCAL jit = off",
    # One batch job sorting and hashing millions of rows: give it memory for this transaction.
    "SET LOCAL work_mem = '256MB'",
    "CREATE TEMP TABLE bill_tariff ON COMMIT DROP AS "
    "SELECT DISTINCT ON (region_id, category, zones_count, zone) "
    "region_id, category, zones_count, zone, rate FROM tariffs "
    "WHERE valid_from <= :p AND (valid_to IS NULL OR valid_to > :p) "
    "ORDER BY region_id, category, zones_count, zone, valid_from DESC",
    "CREATE TEMP TABLE bill_norm ON COMMIT DROP AS "
    "SELECT DISTINCT ON (region_id, category, rooms) region_id, category, rooms, "
    "kwh_per_person AS kwh FROM consumption_norms WHERE valid_from <= :p "
    "ORDER BY region_id, category, rooms, valid_from DESC",
    "CREATE TEMP TABLE bill_readings ON COMMIT DROP AS "
    "SELECT r.id, r.meter_id, r.zone, r.value, r.taken_on, r.period FROM readings r "
    "WHERE r.period = :p AND r.status = 'accepted'",
    "CREATE INDEX ON bill_readings (meter_id)",
    # Earlier charges are read from copies: reading the table an INSERT is filling makes the
    # planner (whose statistics predate the run) rescan the growing heap again and again.
    # Averages only for accounts whose current meter misses a billable reading in some zone.
    "CREATE TEMP TABLE bill_needs ON COMMIT DROP AS "
    "SELECT DISTINCT me.account_id FROM meters me "
    "JOIN (VALUES (1), (2), (3)) AS z(zone) ON z.zone <= me.zones "
    "WHERE me.kind = 'individual' AND me.installed_on <= :p_end "
    "AND (me.removed_on IS NULL OR me.removed_on > :p_end) AND NOT EXISTS ("
    "SELECT 1 FROM bill_readings r WHERE r.meter_id = me.id AND r.zone = z.zone "
    "AND (me.next_verification_on IS NULL OR r.taken_on < me.next_verification_on))",
    "ANALYZE bill_needs",
    "CREATE TEMP TABLE bill_average ON COMMIT DROP AS "
    "SELECT c.account_id, c.zone, round(avg(c.volume), 3) AS average "
    "FROM charges c JOIN bill_needs n ON n.account_id = c.account_id "
    "WHERE c.service_id = :svc AND c.period >= :p_avg AND c.period < :p "
    "AND c.volume_method = 'meter' GROUP BY c.account_id, c.zone",
    "CREATE INDEX ON bill_average (account_id, zone)",
    "CREATE TEMP TABLE bill_estimated ON COMMIT DROP AS "
    "SELECT account_id, zone, period, charged FROM charges "
    "WHERE service_id = :svc AND period < :p AND volume_method <> 'meter'",
    "CREATE INDEX ON bill_estimated (account_id, zone)",
    "ANALYZE bill_average",
    "ANALYZE bill_estimated",
    "ANALYZE bill_tariff",
    "ANALYZE bill_norm",
    "ANALYZE bill_readings",
]

ACCOUNTS = """
    SELECT a.id AS account_id, a.category, p.region_id,
           LEAST(GREATEST(COALESCE(p.rooms, 1), 1), 4) AS rooms, p.residents
    FROM accounts a JOIN premises p ON p.id = a.premise_id
    WHERE a.opened_on <= :p_end AND (a.status = 'active' OR a.closed_on >= :p)
"""

CHARGES = f"""
INSERT INTO charges (account_id, service_id, period, zone, meter_id, reading_from, reading_to,
                     volume, tariff, raising_coefficient, excess_amount, charged, recalculation,
                     volume_method, explanation)
WITH acc AS ({ACCOUNTS} AND a.id >= :lo AND a.id < :hi),
m AS (
    SELECT me.id AS meter_id, me.account_id, me.zones, me.digits,
           me.transformation_ratio AS ratio, me.installed_on, me.removed_on,
           me.next_verification_on AS nv
    FROM meters me JOIN acc ON acc.account_id = me.account_id
    WHERE me.kind = 'individual' AND me.installed_on <= :p_end
),
cur AS (
    SELECT DISTINCT ON (account_id) account_id, meter_id, zones, installed_on, nv
    FROM m WHERE removed_on IS NULL OR removed_on > :p_end
    ORDER BY account_id, meter_id DESC
),
rp AS (
    SELECT r.* FROM bill_readings r JOIN m ON m.meter_id = r.meter_id
    WHERE r.zone <= m.zones AND (m.nv IS NULL OR r.taken_on < m.nv)
),
r1 AS (SELECT DISTINCT ON (meter_id, zone) * FROM rp
       ORDER BY meter_id, zone, taken_on DESC, id DESC),
rf AS (SELECT DISTINCT ON (meter_id, zone) * FROM rp ORDER BY meter_id, zone, taken_on, id),
r0 AS (
    SELECT m.meter_id, z.zone, prev.value, prev.period
    FROM m JOIN (VALUES (1), (2), (3)) AS z(zone) ON z.zone <= m.zones
    CROSS JOIN LATERAL (
        SELECT r.value, r.period FROM readings r
        WHERE r.meter_id = m.meter_id AND r.zone = z.zone AND r.period < :p
          AND r.status = 'accepted' AND (m.nv IS NULL OR r.taken_on < m.nv)
        ORDER BY r.taken_on DESC, r.id DESC LIMIT 1
    ) AS prev
),
mz AS (
    SELECT m.account_id, m.meter_id, m.zones, m.ratio, r1.zone, r1.taken_on AS t1, r1.id AS id1,
           COALESCE(r0.value, rf.value) AS v0, r1.value AS v1,
           COALESCE(r0.period, rf.period) AS p0,
           round((r1.value - COALESCE(r0.value, rf.value)
                  + CASE WHEN r1.value < COALESCE(r0.value, rf.value)
                         THEN power(10::numeric, m.digits) ELSE 0 END) * m.ratio, 3) AS vol
    FROM r1 JOIN m ON m.meter_id = r1.meter_id
    JOIN rf ON rf.meter_id = r1.meter_id AND rf.zone = r1.zone
    LEFT JOIN r0 ON r0.meter_id = r1.meter_id AND r0.zone = r1.zone
),
zm AS (
    SELECT DISTINCT ON (account_id, zone) account_id, zone, meter_id, zones, ratio, v0, v1,
           sum(vol) OVER w AS total, min(p0) OVER w AS p0, count(*) OVER w AS meters
    FROM mz WINDOW w AS (PARTITION BY account_id, zone)
    ORDER BY account_id, zone, t1 DESC, id1 DESC
),
metered AS (
    SELECT zm.*, acc.region_id, acc.category, COALESCE(est.k, 0) AS k, est.charged_sum,
           est.rate_sum,
           CASE WHEN est.k > 0 THEN trunc(zm.total / (est.k + 1), 3) ELSE 0 END AS share
    FROM zm JOIN acc ON acc.account_id = zm.account_id
    LEFT JOIN LATERAL (
        SELECT count(*) AS k, sum(c.charged) AS charged_sum, sum(t.rate) AS rate_sum
        FROM bill_estimated c
        LEFT JOIN LATERAL (
            SELECT t.rate FROM tariffs t
            WHERE t.region_id = acc.region_id AND t.category = acc.category
              AND t.zones_count = zm.zones AND t.zone = zm.zone AND t.valid_from <= c.period
              AND (t.valid_to IS NULL OR t.valid_to > c.period)
            ORDER BY t.valid_from DESC LIMIT 1
        ) AS t ON true
        WHERE zm.p0 < :p_prev AND c.account_id = zm.account_id AND c.zone = zm.zone
          AND c.period > zm.p0
    ) AS est ON true
),
ez AS (
    SELECT cur.account_id, cur.meter_id, cur.zones, z.zone,
           CASE WHEN cur.nv <= :p_end THEN cur.nv END AS expired_on,
           CASE WHEN r0.period IS NOT NULL THEN :p_idx - {_month_index("r0.period")} - 1
                ELSE GREATEST(:p_idx - {_month_index("cur.installed_on")} - 1, 0) END AS gap,
           avg_c.average
    FROM cur JOIN (VALUES (1), (2), (3)) AS z(zone) ON z.zone <= cur.zones
    LEFT JOIN r0 ON r0.meter_id = cur.meter_id AND r0.zone = z.zone
    LEFT JOIN bill_average AS avg_c ON avg_c.account_id = cur.account_id AND avg_c.zone = z.zone
    WHERE NOT EXISTS (SELECT 1 FROM zm WHERE zm.account_id = cur.account_id AND zm.zone = z.zone)
),
estimated AS (
    SELECT ez.*, acc.residents, acc.rooms, n.kwh,
           (ez.gap < :max_est AND ez.average IS NOT NULL) AS by_average,
           tz.rate AS zone_rate, t1.rate AS single_rate
    FROM ez JOIN acc ON acc.account_id = ez.account_id
    LEFT JOIN bill_tariff tz ON tz.region_id = acc.region_id AND tz.category = acc.category
         AND tz.zones_count = ez.zones AND tz.zone = ez.zone
    LEFT JOIN bill_tariff t1 ON t1.region_id = acc.region_id AND t1.category = acc.category
         AND t1.zones_count = 1 AND t1.zone = 1
    LEFT JOIN bill_norm n ON n.region_id = acc.region_id AND n.category = acc.category
         AND n.rooms = acc.rooms
)
SELECT x.account_id, :svc, :p, x.zone, x.meter_id, x.v0, x.v1, x.volume, x.rate, 1, 0,
       round(x.volume * x.rate, 2), x.recalculation, x.method, x.explanation
FROM (
    SELECT mt.account_id, mt.zone, mt.meter_id, mt.v0, mt.v1, mt.total - mt.k * mt.share AS volume,
           t.rate,
           CASE WHEN mt.k > 0 THEN round(mt.share * mt.rate_sum, 2) - mt.charged_sum ELSE 0 END
               AS recalculation,
           'meter' AS method,
           'По показаниям прибора учёта: ' || {_fmt("mt.v0")} || ' → ' || {_fmt("mt.v1")}
           || CASE WHEN mt.ratio <> 1
                   THEN ', коэффициент трансформации ' || {_fmt("mt.ratio")} ELSE '' END
           || CASE WHEN mt.meters > 1 THEN ', с учётом замены счётчика' ELSE '' END
           || CASE WHEN mt.k > 0 THEN '. Перерасчёт: фактический расход ' || {_fmt("mt.total")}
                   || ' кВт·ч распределён поровну на ' || (mt.k + 1) || ' мес., из них '
                   || mt.k || ' мес. ранее начислены без показаний' ELSE '' END AS explanation
    FROM metered mt
    LEFT JOIN bill_tariff t ON t.region_id = mt.region_id AND t.category = mt.category
         AND t.zones_count = mt.zones AND t.zone = mt.zone
    UNION ALL
    SELECT e.account_id, e.zone, e.meter_id, NULL, NULL,
           CASE WHEN e.by_average THEN e.average
                ELSE round(e.kwh * e.residents / e.zones, 3) END,
           CASE WHEN e.by_average THEN e.zone_rate ELSE e.single_rate END,
           0,
           CASE WHEN e.by_average THEN 'average' ELSE 'norm' END,
           CASE WHEN e.by_average THEN
               'По среднемесячному расходу ' || {_fmt("e.average")} || ' кВт·ч: '
               || CASE WHEN e.expired_on IS NOT NULL
                       THEN 'срок поверки прибора учёта истёк ' || {_date("e.expired_on")}
                       ELSE 'показания не переданы' END
               || ' (' || (e.gap + 1) || '-й месяц из ' || :max_est || ')'
           ELSE
               'По нормативу ' || {_fmt("e.kwh")} || ' кВт·ч × ' || e.residents || ' чел. ('
               || e.rooms || ' комн.)'
               || CASE WHEN e.expired_on IS NOT NULL
                       THEN ': срок поверки прибора учёта истёк ' || {_date("e.expired_on")}
                       ELSE ': нет показаний ' || (e.gap + 1) || '-й месяц подряд' END
               || CASE WHEN e.zones > 1
                       THEN '; поровну на ' || e.zones || ' зоны по одноставочному тарифу'
                       ELSE '' END
           END
    FROM estimated e
    UNION ALL
    SELECT acc.account_id, 1, NULL, NULL, NULL, round(n.kwh * acc.residents / 1, 3), t1.rate, 0,
           'norm',
           'По нормативу ' || {_fmt("n.kwh")} || ' кВт·ч × ' || acc.residents || ' чел. ('
           || acc.rooms || ' комн.): прибор учёта не установлен'
    FROM acc
    LEFT JOIN bill_tariff t1 ON t1.region_id = acc.region_id AND t1.category = acc.category
         AND t1.zones_count = 1 AND t1.zone = 1
    LEFT JOIN bill_norm n ON n.region_id = acc.region_id AND n.category = acc.category
         AND n.rooms = acc.rooms
    WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.account_id = acc.account_id)
      AND NOT EXISTS (SELECT 1 FROM zm WHERE zm.account_id = acc.account_id)
) AS x
"""

LEDGER = """
INSERT INTO ledger_entries (account_id, period, kind, amount, service_id, description)
SELECT c.account_id, :p, k.kind, k.amount, :svc, k.description
FROM (
    SELECT account_id, sum(charged) AS charged, sum(recalculation) AS recalculation
    FROM charges
    WHERE period = :p AND service_id = :svc AND account_id >= :lo AND account_id < :hi
    GROUP BY account_id
) AS c
CROSS JOIN LATERAL (VALUES ('charge', c.charged, :t_charge),
                           ('recalculation', c.recalculation, :t_recalc))
    AS k(kind, amount, description)
WHERE k.amount <> 0
"""

STATEMENTS = """
INSERT INTO account_statements (account_id, period, opening, charged, recalculated, paid, closing)
WITH mv AS (
    SELECT account_id,
           COALESCE(sum(amount) FILTER (WHERE kind = 'charge'), 0) AS charged,
           COALESCE(sum(amount) FILTER (WHERE kind = 'recalculation'), 0) AS recalculated,
           sum(amount) AS total
    FROM ledger_entries WHERE period = :p GROUP BY account_id
),
bal AS (
    SELECT account_id, sum(amount) AS closing FROM ledger_entries WHERE period <= :p
    GROUP BY account_id
),
prev AS (SELECT account_id, closing FROM account_statements WHERE period = :p_prev),
cand AS (
    SELECT account_id FROM charges WHERE period = :p
    UNION SELECT account_id FROM mv
    UNION SELECT account_id FROM prev WHERE closing <> 0
    UNION SELECT bal.account_id FROM bal LEFT JOIN prev ON prev.account_id = bal.account_id
          WHERE bal.closing <> COALESCE(prev.closing, 0)
)
SELECT cand.account_id, :p, o.opening, COALESCE(mv.charged, 0), COALESCE(mv.recalculated, 0),
       o.opening + COALESCE(mv.charged, 0) + COALESCE(mv.recalculated, 0) - o.closing,
       o.closing
FROM cand
LEFT JOIN mv ON mv.account_id = cand.account_id
LEFT JOIN prev ON prev.account_id = cand.account_id
LEFT JOIN bal ON bal.account_id = cand.account_id
CROSS JOIN LATERAL (
    SELECT COALESCE(prev.closing, COALESCE(bal.closing, 0) - COALESCE(mv.total, 0)) AS opening,
           COALESCE(bal.closing, 0) AS closing
) AS o
"""


def run(
    session: Session,
    period: dt.date,
    service_id: int,
    actor: Actor,
    config: Settings,
    tick: Callable[[int, int], None],
    cancel: Callable[[], bool] | None = None,
) -> None:
    params: dict[str, Any] = {
        "p": period, "p_end": rules.month_end(period), "p_prev": add_months(period, -1),
        "p_avg": add_months(period, -rules.AVERAGE_WINDOW_MONTHS),
        "p_idx": rules.month_index(period), "svc": service_id,
        "max_est": config.max_estimated_periods,
        "t_charge": rules.ledger_text("charge", period),
        "t_recalc": rules.ledger_text("recalculation", period),
    }  # fmt: skip
    low, high = session.execute(
        text(f"SELECT min(account_id), max(account_id) FROM ({ACCOUNTS}) AS acc"), params
    ).one()
    starts = list(range(low, high + 1, RANGE)) if low is not None else []
    steps: list[tuple[str, dict[str, Any]]] = [(s, params) for s in SETUP]
    for lo in starts:
        bounds = {**params, "lo": lo, "hi": lo + RANGE}
        steps += [(CHARGES, bounds), (LEDGER, bounds)]
    steps.append((STATEMENTS, params))
    # Each statement may run for minutes on a big database: «Отмена» interrupts it at once.
    with _cancel_watch(session, cancel):
        for index, (statement, values) in enumerate(steps):
            tick(index, len(steps))
            try:
                session.execute(text(statement), values)
            except exc.IntegrityError as err:
                if isinstance(err.orig, NotNullViolation):
                    raise ConsoleError(
                        "Для части лицевых счетов нет тарифа или норматива на этот период: "
                        "заполните справочники и повторите."
                    ) from err
                raise
            except exc.OperationalError as err:
                if isinstance(err.orig, QueryCanceled) and cancel is not None and cancel():
                    raise Cancelled("Закрытие периода отменено: ничего не изменено.") from err
                raise
    tick(len(steps), len(steps))


@contextmanager
def _cancel_watch(session: Session, cancel: Callable[[], bool] | None) -> Iterator[None]:
    """A thread that asks the server to cancel the running statement once ``cancel()``."""
    if cancel is None:
        yield
        return
    connection = session.connection().connection.dbapi_connection
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.3):
            if cancel():
                connection.cancel()  # type: ignore[union-attr]
                return

    watcher = threading.Thread(target=watch, name="close-period-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
