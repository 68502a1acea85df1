"""Alias helpers: the spellings a correct answer may take (exonyms, "St."/"Saint", short names).

Aliases come from the packages themselves where they are clean enough (geonames alternate
names, countryinfo alternative spellings), filtered so that a noisy transliteration or a
two-letter code never becomes a gold answer.

>>> place_aliases("Saint Paul")
['Saint Paul', 'St. Paul', 'St Paul']
"""

from __future__ import annotations

import difflib
import re

# Common English exonyms the packages do not list (old names people still use).
EXONYMS: dict[str, list[str]] = {
    "Ulaanbaatar": ["Ulan Bator"],
    "Beijing": ["Peking"],
    "Kyiv": ["Kiev"],
    "Yangon": ["Rangoon"],
    "Mumbai": ["Bombay"],
    "Chennai": ["Madras"],
    "Kolkata": ["Calcutta"],
    "Naypyidaw": ["Nay Pyi Taw", "Naypyitaw"],
    "Ho Chi Minh City": ["Saigon"],
    "Washington D.C.": ["Washington", "Washington, D.C.", "Washington DC"],
    "Nur-Sultan": ["Astana"],
    "Astana": ["Nur-Sultan"],
    "Sana'a": ["Sanaa"],
    "Almaty": ["Alma-Ata"],
}
# Other names of countries that the packages miss.
COUNTRY_NAMES: dict[str, list[str]] = {
    "Myanmar": ["Burma"], "Eswatini": ["Swaziland"], "Czech Republic": ["Czechia"], "Ivory Coast": ["Côte d'Ivoire"],
    "East Timor": ["Timor-Leste"], "Cape Verde": ["Cabo Verde"], "Turkey": ["Türkiye"],
    "North Macedonia": ["Macedonia"], "United Kingdom": ["Britain", "Great Britain"],
}
# Short forms that are how people actually name a country (two- and three-letter codes are
# otherwise dropped: "MN" is nobody's answer and would match by accident).
SHORT_NAMES = {"US", "USA", "UK", "UAE", "DRC", "PRC", "ROK", "DPRK"}
_LATIN = re.compile(r"[A-Z][A-Za-z .'-]{2,40}")


def place_aliases(name: str, alternates: list[str] | tuple[str, ...] = (), *, limit: int = 4) -> list[str]:
    """The name, its "Saint"/"St." forms, known exonyms and the closest clean alternate names.

    Alternate names are kept only if they are capitalised Latin text close to the name
    (difflib ratio >= 0.75), at most ``limit`` of them, best first.

    >>> place_aliases("Kyiv", ["Kiev", "Civ", "kiu"])
    ['Kyiv', 'Kiev']
    """
    out = [name.strip()]
    out += EXONYMS.get(name.strip(), [])
    scored = []
    for alt in alternates:
        alt = alt.strip()
        if not _LATIN.fullmatch(alt) or alt.isupper():
            continue
        ratio = difflib.SequenceMatcher(None, alt.lower(), name.lower()).ratio()
        if ratio >= 0.75:
            scored.append((-ratio, alt))
    out += [alt for _, alt in sorted(scored)[:limit]]
    for value in list(out):
        if value.startswith("Saint "):
            out += ["St. " + value[6:], "St " + value[6:]]
        elif value.startswith(("St. ", "St ")):
            out.append("Saint " + value.split(" ", 1)[1])
    return unique(out)


def country_aliases(name: str, alt_spellings: list[str] | tuple[str, ...] = ()) -> list[str]:
    """A country's name plus its alternative spellings, without ISO codes.

    >>> country_aliases("United States", ["US", "USA", "United States of America"])
    ['United States', 'US', 'USA', 'United States of America', 'America']
    """
    out = [name, *COUNTRY_NAMES.get(name, [])]
    for alt in alt_spellings:
        alt = str(alt).strip()
        if alt in SHORT_NAMES or (len(alt) > 3 and not alt.isupper() and _LATIN.fullmatch(alt)):
            out.append(alt)
    if name == "United States":
        out.append("America")
    return unique(out)


def unique(values) -> list[str]:
    """Drop empty and duplicate (case-insensitive) strings, keeping the first spelling.

    >>> unique(["Paris", "paris", "", "Lyon"])
    ['Paris', 'Lyon']
    """
    seen, out = set(), []
    for value in values:
        value = str(value).strip()
        if value and value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out
