"""The cash day's closing sheet (ведомость закрытия кассовой смены), A4 or a receipt strip."""

from __future__ import annotations

from decimal import Decimal

from console.services.cashdesk.day import CashDaySummary
from console.services.core.formatting import date, date_time, money
from console.services.documents.printout import Line, render_lines


def _rub(value: Decimal) -> str:
    return money(value, currency=True)


def cash_day_sheet_pdf(summary: CashDaySummary, width_mm: int = 0) -> bytes:
    """Per clerk: cash in and out; the office's totals; the register's figures, the difference
    and its explanation; who handed over and who received, with places to sign."""
    lines = [
        Line(summary.office_name, bold=True, center=True),
        Line(summary.office_address, center=True),
        Line(f"ЗАКРЫТИЕ КАССОВОЙ СМЕНЫ за {date(summary.day)}", bold=True, center=True),
        Line.rule(),
        Line("Сотрудник: принято / выдано наличных", "Остаток", bold=True),
    ]
    for clerk in summary.clerks:
        lines.append(Line(clerk.clerk, _rub(clerk.net)))
        lines.append(
            Line(f"  принято {_rub(clerk.cash_in)} ({clerk.payments} пл.), выдано "
                 f"{_rub(clerk.cash_out)} ({clerk.refunds} РКО)", small=True)
        )  # fmt: skip
    if not summary.clerks:
        lines.append(Line("Наличных за день не принималось и не выдавалось."))
    lines.append(Line.rule())
    for number, order, amount in summary.refunds:
        lines.append(Line(f"РКО № {order or '—'} (заявление № {number})", _rub(amount), small=True))
    lines += [
        Line("Принято наличных", _rub(summary.cash_in)),
        Line("Выдано наличных (возвраты)", _rub(summary.cash_out)),
        Line("Должно быть в кассе", _rub(summary.expected), bold=True),
    ]
    if summary.kkt_cash_in is not None and summary.kkt_cash_out is not None:
        lines += [
            Line(
                f"По ККТ (смена № {summary.kkt_shift or '—'}): приход", _rub(summary.kkt_cash_in)
            ),  # fmt: skip
            Line("По ККТ: возврат прихода", _rub(summary.kkt_cash_out)),
            Line("По ККТ наличных", _rub(summary.kkt_cash_in - summary.kkt_cash_out)),
        ]
    else:
        lines.append(Line("Итоги ККТ не получены (касса без ККТ)."))
    lines.append(Line("Расхождение", money(summary.difference, sign=True, currency=True),
                      bold=True))  # fmt: skip
    if summary.explanation:
        lines.append(Line(f"Объяснение: {summary.explanation}"))
    lines.append(Line.rule())
    if summary.closed_at is not None:
        lines.append(Line(f"Смена закрыта {date_time(summary.closed_at)}"))
    lines += [
        Line(f"Сдал: {summary.handed_over_by or '____________________'}  ________________"),
        Line(f"Принял: {summary.received_by or '____________________'}  ________________"),
    ]
    if summary.reopened_by:
        lines.append(Line(f"Открывалась вновь: {summary.reopened_by}, причина: "
                          f"{summary.reopen_reason}", small=True))  # fmt: skip
    return render_lines(lines, width_mm=width_mm,
                        title=f"Закрытие кассовой смены {date(summary.day)}")  # fmt: skip
