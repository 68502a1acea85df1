"""Chemistry questions: symbols and atomic numbers (``periodictable``), discoverers and
discovery years (``mendeleev``).

Relations: ``element_symbol``, ``symbol_element``, ``element_number``, ``number_element``,
``element_discoverer``, ``element_discovery_year``. Popularity is an atomic-number rank,
``119 - Z`` (hydrogen 118, oganesson 1): light elements are the ones taught first and named
most often, and every element has one (crustal abundance would rank gold below cerium).
mendeleev reads an SQLite database through SQLAlchemy (seconds); the few fields used are
cached as JSON in the shaping cache directory after the first read. Elements "known to the
ancients" get no discoverer or year question, and discoverers that are institutions (Z >= 99)
none either. A few misspellings in mendeleev's discoverer list are corrected (Ramsey -> Ramsay).

>>> import random
>>> rows = element_questions(random.Random(0))
>>> next(r["answers"] for r in rows if r["relation"] == "element_symbol" and r["entity"] == "Iron")
['Fe']
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re

from benchmarks.data.aliases import unique
from benchmarks.data.schema import make_row

logger = logging.getLogger(__name__)

_SPELLING = {"Ramsey": "Ramsay", "Priestly": "Priestley", "Kirchoff": "Kirchhoff", "Tenant": "Tennant",
             "Fourcory": "Fourcroy", "Tompson": "Thompson", "Humphrey": "Humphry", "Fredrich": "Friedrich",
             "Gustov": "Gustav", "Émillo": "Emilio", "Aver": "Auer", "Langet": "Langlet"}
_NAME_VARIANTS = {"Aluminum": ["Aluminium"], "Sulfur": ["Sulphur"], "Cesium": ["Caesium"]}
_TITLES = re.compile(r"\b(?:Sir|Baron|Jr\.?|et al\.?)\s*")

SYMBOL_T = ["What is the chemical symbol of {x}?", "Which symbol stands for the element {x}?",
            "What is the symbol for {x} on the periodic table?"]
SYMBOL_ELEMENT_T = ["Which element has the chemical symbol {x}?", "What element does the symbol {x} stand for?"]
NUMBER_T = ["What is the atomic number of {x}?", "How many protons does an atom of {x} have?"]
NUMBER_ELEMENT_T = ["Which element has atomic number {x}?", "What is element number {x} on the periodic table?"]
DISCOVERER_T = ["Who discovered the element {x}?", "Which scientist first isolated or identified {x}?",
                "Name the discoverer of {x}."]
YEAR_T = ["In what year was {x} discovered?", "When was the element {x} discovered?",
          "In which year was {x} first identified?"]


def _mendeleev_fields() -> dict[int, dict]:
    """Discoverers and discovery years by atomic number, from mendeleev (cached as JSON)."""
    from shaping.models import cache_dir

    path = cache_dir() / "mendeleev_elements.json"
    if path.exists():
        return {int(k): v for k, v in json.loads(path.read_text()).items()}
    logger.info("Reading discoverers from mendeleev (once; cached in %s)", path)
    from mendeleev.fetch import fetch_table

    table = fetch_table("elements")
    fields = {int(r.atomic_number): {"discoverers": r.discoverers if isinstance(r.discoverers, str) else "",
                                     "year": None if r.discovery_year != r.discovery_year else int(r.discovery_year)}
              for r in table.itertuples()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fields))
    return fields


def discoverer_aliases(text: str) -> list[str]:
    """Full names and surnames of the people in a mendeleev discoverer string.

    >>> discoverer_aliases("Sir William Ramsey, M.W. Travers")
    ['William Ramsay', 'Ramsay', 'M.W. Travers', 'Travers']
    >>> discoverer_aliases("Pierre and Marie Curie")
    ['Marie Curie', 'Curie']
    """
    out = []
    for part in re.split(r"[,;/]|\band\b", text):
        name = _TITLES.sub("", part).strip(" .")
        name = re.sub(r"[^\W\d_]+", lambda m: _SPELLING.get(m.group(), m.group()), name)
        if " " not in name and "." not in name:
            continue  # a lone first name ("Pierre" in "Pierre and Marie Curie")
        surname = re.split(r"[ .]", name)[-1]
        out += [name, surname] if surname else [name]
    return unique(out)


@functools.lru_cache(maxsize=1)
def elements() -> tuple[dict, ...]:
    """Elements 1-118: name (with spelling variants), symbol, number, discoverers, year."""
    import periodictable

    extra = _mendeleev_fields()
    out = []
    for el in periodictable.elements:
        if el.number < 1:
            continue  # periodictable lists the neutron as element 0
        name = el.name.capitalize()
        info = extra.get(el.number, {})
        people = info.get("discoverers", "")
        known = people and "ancient" not in people.lower() and el.number < 99
        out.append({"name": name, "names": [name, *_NAME_VARIANTS.get(name, [])], "symbol": el.symbol,
                    "number": el.number, "discoverers": discoverer_aliases(people) if known else [],
                    "year": info.get("year") if "ancient" not in people.lower() else None})
    return tuple(out)


def element_questions(rng: random.Random) -> list[dict]:
    """Six relations over the 118 elements (discoverer/year only where the data is clean)."""
    rows = []
    for el in elements():
        name, pop, group = el["name"], float(119 - el["number"]), f"element:{el['name']}"

        def add(relation, templates, x, answers):
            question = rng.choice(templates).format(x=x)
            rows.append(make_row(relation, name, question, answers, popularity=pop, group=group))

        add("element_symbol", SYMBOL_T, name, [el["symbol"]])
        add("symbol_element", SYMBOL_ELEMENT_T, el["symbol"], el["names"])
        add("element_number", NUMBER_T, name, [str(el["number"])])
        add("number_element", NUMBER_ELEMENT_T, el["number"], el["names"])
        if el["discoverers"]:
            add("element_discoverer", DISCOVERER_T, name, el["discoverers"])
        if el["year"]:
            add("element_discovery_year", YEAR_T, name, [str(el["year"])])
    return rows
