"""Sums in Russian words, as a cash order or a confirmation spells them out.

``amount_in_words(Decimal("99999999.00"))`` → «девяносто девять миллионов девятьсот
девяносто девять тысяч девятьсот девяносто девять рублей 00 копеек»."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_UNITS_M = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_UNITS_F = ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
          "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")  # fmt: skip
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
         "восемьдесят", "девяносто")  # fmt: skip
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
             "восемьсот", "девятьсот")  # fmt: skip
#: (one, two–four, five+) and whether the group's noun is feminine.
_GROUPS: tuple[tuple[tuple[str, str, str], bool], ...] = (
    (("", "", ""), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
    (("триллион", "триллиона", "триллионов"), False),
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """The noun form for ``n``: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль (the one home
    of Russian plural forms)."""
    n = abs(n) % 100
    if 11 <= n <= 14:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def _triad(n: int, feminine: bool) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        words.append((_UNITS_F if feminine else _UNITS_M)[rest % 10])
    return [w for w in words if w]


def number_in_words(n: int, *, feminine: bool = False) -> str:
    """A whole number in words (masculine by default: «один рубль», «одна копейка»)."""
    if n == 0:
        return "ноль"
    if n < 0:
        return "минус " + number_in_words(-n, feminine=feminine)
    if n >= 1000 ** len(_GROUPS):
        raise ValueError("number too large")
    words: list[str] = []
    for index in range(len(_GROUPS) - 1, -1, -1):
        triad = (n // 1000**index) % 1000
        if triad == 0:
            continue
        forms, fem = _GROUPS[index]
        words += _triad(triad, feminine if index == 0 else fem)
        if index:
            words.append(plural(triad, *forms))
    return " ".join(words)


def amount_in_words(amount: Decimal) -> str:
    """Roubles in words, kopecks in figures: «сто двадцать три рубля 45 копеек»."""
    value = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "минус " if value < 0 else ""
    value = abs(value)
    roubles = int(value)
    kopecks = int((value - roubles) * 100)
    rub = plural(roubles, "рубль", "рубля", "рублей")
    kop = plural(kopecks, "копейка", "копейки", "копеек")
    return f"{sign}{number_in_words(roubles)} {rub} {kopecks:02d} {kop}"
