"""Normalised search text: what loose typing by a clerk is compared against.

Casefolded, ё → е, punctuation to spaces, settlement/street/house/flat abbreviations dropped, so
"г. Курган ул Ленина д.12 кв.34" and "курган ленина 12 34" both become "курган ленина 12 34".
The same functions fill the stored ``search_text`` columns and normalise the typed query.
"""

from __future__ import annotations

import re

from console.services.core.database import fold

# Words a clerk may or may not type; they carry no identity of the place.
NOISE_WORDS = frozenset(
    {
        "г", "город", "гор", "д", "дом", "деревня", "дер", "с", "село", "пгт", "п", "пос",
        "поселок", "рп", "ул", "улица", "пр", "пр-т", "пркт", "просп", "проспект", "пер",
        "переулок", "ш", "шоссе", "б-р", "бул", "бульвар", "пл", "площадь", "мкр", "мкрн",
        "микрорайон", "кв", "квартира", "корп", "к", "стр", "строение", "обл", "область",
        "р-н", "район", "наб", "набережная", "тер", "проезд", "пр-д", "туп", "тупик",
    }
)  # fmt: skip
# Hyphenated abbreviations, kept whole so "пр-т" does not leave a stray "т" behind.
_HYPHENATED = re.compile(r"(?<![^\W\d_])(пр-т|пр-д|б-р|р-н)(?![^\W\d_])")
# Anything but letters and digits separates words ("_" and "%" too: they mean nothing here).
_SPLIT = re.compile(r"[\W_]+")
# "д1", "кв11", "12кв" → keep digits apart from the abbreviation glued to them ("12а" stays).
_GLUED = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_]{2,})")


#: Latin letters that look like Cyrillic ones: a clerk's keyboard layout slips in such letters.
LATIN_LOOKALIKES = dict(zip("AaBCcEeHKMOoPpTXxy", "АаВСсЕеНКМОоРрТХху", strict=True))
# The same after casefolding ("B" typed for "В" is "b" by then).
_FOLDED_LOOKALIKES = {latin.lower(): cyr.lower() for latin, cyr in LATIN_LOOKALIKES.items()}
_TO_CYRILLIC = str.maketrans(_FOLDED_LOOKALIKES)
# Words taken for Cyrillic: those with a Cyrillic letter in them ("ленинa"), and a lone letter or a
# house number's letter ("c", "12a"). Latin words ("sn123", an e-mail's parts) stay as typed.
_CYRILLIC_MEANT = re.compile(rf".*[а-я].*|\d*[{''.join(sorted(_FOLDED_LOOKALIKES))}]")


def words(text: str | None) -> list[str]:
    """Every folded word of ``text``, noise words included ("Иванов П.С." → иванов, п, с)."""
    folded = fold(text) or ""
    folded = _HYPHENATED.sub(" ", folded)
    folded = _GLUED.sub(" ", folded)
    return [
        w.translate(_TO_CYRILLIC) if _CYRILLIC_MEANT.fullmatch(w) else w
        for w in _SPLIT.split(folded)
        if w
    ]


def tokens(text: str | None) -> list[str]:
    """Meaningful lower-case tokens of ``text`` (noise words and empty bits dropped).

    A lone letter right after a number is the house letter typed apart: "12 а" → "12а".
    """
    result: list[str] = []
    for word in words(text):
        if word in NOISE_WORDS:
            continue
        if len(word) == 1 and word.isalpha() and result and result[-1].isdigit():
            result[-1] += word
            continue
        result.append(word)
    return result


def address_search_text(
    settlement: str | None,
    street: str | None,
    house: str | None,
    building: str | None = None,
    flat: str | None = None,
) -> str:
    """The stored search text of a premise: "курган ленина 12 34"."""
    parts = [settlement, street, house, building, flat]
    return " ".join(t for part in parts for t in tokens(part))


def person_search_text(last_name: str, first_name: str, middle_name: str | None) -> str:
    """The stored search text of a person: "иванов петр сергеевич"."""
    return " ".join(t for part in (last_name, first_name, middle_name) for t in words(part))
