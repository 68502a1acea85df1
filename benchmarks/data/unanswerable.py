"""Questions with no true answer (``answers == []``): invented entities and false premises.

Invented names are built from syllables with a fixed random seed and checked against every
real country, city (geonames, 15,000+ people) and element name, so "Velmoria" is never a
real place. False premises ask about a real thing under a wrong description: the capital of
the US *state* of Ontario, the year Mongolia became a US state, element number 131.
For all of them an abstention is the correct outcome and any committed answer is wrong.

>>> rows = unanswerable_questions()
>>> all(r["answers"] == [] for r in rows), len(rows) > 500
(True, True)
"""

from __future__ import annotations

import random

from benchmarks.data.elements import DISCOVERER_T, NUMBER_ELEMENT_T, NUMBER_T, SYMBOL_T, YEAR_T, elements
from benchmarks.data.geography import (
    CAPITAL_TEMPLATES,
    CITY_TEMPLATES,
    CURRENCY_TEMPLATES,
    STATEHOOD_TEMPLATES,
    countries,
    country_phrase,
    geonames,
)
from benchmarks.data.schema import make_row

_ONSETS = ["b", "br", "d", "dr", "f", "g", "gr", "k", "kr", "l", "m", "n", "p", "r", "s", "st", "t", "tr", "v", "z",
           "th", "sh"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "ei", "ou"]
_CODAS = ["", "", "n", "r", "l", "s", "m"]
_SUFFIXES = {"country": ["ia", "istan", "land", "ora", "avia", "enia", "ador"],
             "city": ["burg", "ville", "grad", "polis", "ton", "stad", "mouth", "abad"],
             "element": ["ium", "on", "ine"]}
# Real places that are not US states (false premise "the US state of ...").
NOT_STATES = ["Ontario", "Quebec", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia", "British Columbia",
              "New Brunswick", "Newfoundland", "Yukon", "Sonora", "Chihuahua", "Jalisco", "Yucatan", "Oaxaca",
              "Puerto Rico", "Guam", "Bavaria", "Tasmania", "Queensland", "Victoria", "Punjab", "Kerala",
              "Catalonia", "Scotland", "Wales", "Tuscany", "Siberia", "Patagonia", "Bengal"]
PREMISE_CAPITAL_T = ["What is the capital of the US state of {x}?", "Which city is the state capital of {x}, USA?"]


def invented_names(kind: str, count: int, *, seed: int = 7) -> list[str]:
    """``count`` pronounceable names of a ``kind`` (country, city, element) that are not real.

    >>> invented_names("element", 3)
    ['Kamsheon', 'Thoussouine', 'Voumium']
    """
    geo_countries, cities = geonames()
    real = {name.lower() for c in cities.values() for name in (c["name"], *c["alternatenames"])}
    real |= {c["name"].lower() for c in geo_countries.values()}
    real |= {e["name"].lower() for e in elements()}
    rng, out = random.Random(f"{kind}-{seed}"), []
    while len(out) < count:
        syllables = rng.randint(1 if kind == "element" else 2, 2)
        stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
        name = (stem + rng.choice(_SUFFIXES[kind])).capitalize()
        if name.lower() not in real and name not in out and 5 <= len(name) <= 13:
            out.append(name)
    return out


def unanswerable_questions(*, n_countries: int = 90, n_cities: int = 150, n_elements: int = 60) -> list[dict]:
    """Invented countries, cities and elements, plus false premises about real things."""
    rng, rows = random.Random(11), []

    def add(relation, entity, templates, x, group=None):
        rows.append(make_row(relation, entity, rng.choice(templates).format(x=x), [], group=group))

    for name in invented_names("country", n_countries):
        add("fictional_country_capital", name, CAPITAL_TEMPLATES, name)
        add("fictional_country_currency", name, CURRENCY_TEMPLATES, name)
    for name in invented_names("city", n_cities):
        add("fictional_city_country", name, CITY_TEMPLATES, name)
    for name in invented_names("element", n_elements):
        add("fictional_element_symbol", name, SYMBOL_T, name)
        add("fictional_element_number", name, NUMBER_T, name)
        relation, templates = rng.choice([("fictional_element_discoverer", DISCOVERER_T),
                                          ("fictional_element_discovery_year", YEAR_T)])
        add(relation, name, templates, name)
    for place in NOT_STATES:
        add("false_premise_state_capital", place, PREMISE_CAPITAL_T, place)
        add("false_premise_statehood", place, STATEHOOD_TEMPLATES, place)
    for country in rng.sample([c for c in countries() if c["iso"] != "US"], 40):
        add("false_premise_statehood", country["name"], STATEHOOD_TEMPLATES, country_phrase(country["name"]),
            group=country["iso"])
    for number in range(119, 159):
        add("false_premise_element", f"element {number}", NUMBER_ELEMENT_T, number)
    return rows
