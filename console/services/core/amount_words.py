"""A sum of money in Russian words, as cash orders write it: «Две тысячи рублей 00 копеек»."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_UNITS = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_UNITS_F = ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
          "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")  # fmt: skip
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
         "восемьдесят", "девяносто")  # fmt: skip
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
             "восемьсот", "девятьсот")  # fmt: skip
#: (one, few, many, feminine) of each power of a thousand.
_SCALES = (
    ("", "", "", False),
    ("тысяча", "тысячи", "тысяч", True),
    ("миллион", "миллиона", "миллионов", False),
    ("миллиард", "миллиарда", "миллиардов", False),
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after ``n``: 1 рубль, 2 рубля, 5 рублей, 11 рублей."""
    n = abs(n) % 100
    if 11 <= n <= 19:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def _triple(n: int, feminine: bool) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        words.append((_UNITS_F if feminine else _UNITS)[rest % 10])
    return [w for w in words if w]


def number_in_words(n: int) -> str:
    """A whole number ≥ 0 in words (masculine): 2000 → «две тысячи»."""
    if n == 0:
        return "ноль"
    if n >= 1000 ** len(_SCALES):
        raise ValueError("too large")
    parts: list[str] = []
    for power in range(len(_SCALES) - 1, -1, -1):
        chunk = (n // 1000**power) % 1000
        if not chunk:
            continue
        one, few, many, feminine = _SCALES[power]
        parts += _triple(chunk, feminine)
        if power:
            parts.append(plural(chunk, one, few, many))
    return " ".join(parts)


def rubles_in_words(amount: Decimal) -> str:
    """«Две тысячи рублей 00 копеек»: roubles in words, kopecks in figures."""
    value = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rubles = int(value)
    kopecks = int((value - rubles) * 100)
    words = number_in_words(rubles)
    text = (
        f"{words} {plural(rubles, 'рубль', 'рубля', 'рублей')} "
        f"{kopecks:02d} {plural(kopecks, 'копейка', 'копейки', 'копеек')}"
    )
    return text[0].upper() + text[1:]
