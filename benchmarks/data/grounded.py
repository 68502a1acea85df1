"""Text-grounded questions (the answer must come from a supplied passage) and creative prompts.

Each grounded row is a passage about a real country, US state or element plus a question;
half the passages state the fact (``answers`` = its aliases) and half leave it out
(``answers == []``: the passage does not say, so the faithful reply declines, whatever the
model happens to know). Creative prompts have no true answer and are never judged.

>>> import random
>>> rows = grounded_questions(random.Random(0))
>>> {r["query_type"] for r in rows}, any(r["answers"] == [] for r in rows)
({'text-grounded'}, True)
"""

from __future__ import annotations

import random

from benchmarks.data.elements import elements
from benchmarks.data.geography import countries, country_phrase
from benchmarks.data.schema import CREATIVE, GROUNDED, make_row

_FRAMES = ["Read the passage and answer using only the passage.\n\nPassage: {p}\n\nQuestion: {q}",
           "{p}\n\nBased only on the text above: {q}",
           "Here is a short text:\n\"{p}\"\n\nAccording to this text, {q_lower}"]
_CREATIVE_PLACE = ["Write a four-line poem about {x}.", "Write a short story that begins in {x}.",
                   "Invent a legend that explains how {x} got its name.", "Write a haiku about {x}.",
                   "Write a travel advertisement for an imaginary island near {x}.",
                   "Describe {x} as if it were a person."]
_CREATIVE_ELEMENT = ["Describe {x} as if it were a person.", "Compose a cheerful song chorus about {x}.",
                     "Invent a superhero whose powers come from {x}.", "Write a haiku about {x}."]
_CREATIVE_FIXED = ["写一个关于月亮的故事", "写一首关于大海的短诗", "Write a limerick about a forgetful chemist.",
                   "Invent a board game about the periodic table and explain its rules.",
                   "Write a dialogue between the Sun and the Moon.", "Describe a city where it always rains.",
                   "Write a bedtime story about a dragon who is afraid of the dark.",
                   "Compose a motivational speech for a team of mapmakers."]


def _frame(rng: random.Random, passage: str, question: str) -> str:
    q_lower = question[0].lower() + question[1:]
    return rng.choice(_FRAMES).format(p=passage, q=question, q_lower=q_lower)


def grounded_questions(rng: random.Random) -> list[dict]:
    """Passages about countries (capital) and elements (discovery year), with and without the fact."""
    rows = []
    for i, c in enumerate(countries()):
        name, pop, x = c["name"], c["population"], country_phrase(c["name"])
        people = f"about {pop / 1e6:.1f} million people" if pop >= 1e6 else f"about {int(pop):,} people"
        region = c["subregion"] or c["continents"][0]
        facts = [f"{x[0].upper() + x[1:]} is a country in {region}.", f"It is home to {people}."]
        holds = i % 2 == 0
        if holds:
            facts.append(f"Its capital and seat of government is {c['capital']}.")
        else:
            facts.append(f"Its official currency is the {c['currency'][0]}.")
        passage = " ".join(facts)
        question = f"What is the capital of {x}?"
        rows.append(make_row("grounded_country_capital", name, _frame(rng, passage, question),
                             c["capital_aliases"] if holds else [], popularity=pop, query_type=GROUNDED,
                             passage=passage, group=c["iso"]))
    for i, el in enumerate(e for e in elements() if e["year"]):
        holds = i % 2 == 1
        passage = f"{el['name']} (symbol {el['symbol']}) is element number {el['number']} of the periodic table."
        passage += f" It was first identified in {el['year']}." if holds else " Its name appears in many textbooks."
        question = f"In what year was {el['name']} discovered?"
        rows.append(make_row("grounded_element_year", el["name"], _frame(rng, passage, question),
                             [str(el["year"])] if holds else [], popularity=float(119 - el["number"]),
                             query_type=GROUNDED, passage=passage, group=f"element:{el['name']}"))
    return rows


def creative_prompts(rng: random.Random, *, count: int = 48) -> list[dict]:
    """``count`` creative prompts (templates over real places and elements, plus fixed ones)."""
    places = rng.sample([c["capital"] for c in countries()], count)
    names = rng.sample([e["name"] for e in elements()], count)
    rows = [make_row("creative", text, text, [], query_type=CREATIVE, group=f"creative:{text}")
            for text in _CREATIVE_FIXED]
    for i in range(count - len(rows)):
        subject, templates = (places[i], _CREATIVE_PLACE) if i % 2 == 0 else (names[i], _CREATIVE_ELEMENT)
        question = templates[(i // 2) % len(templates)].format(x=subject)
        rows.append(make_row("creative", subject, question, [], query_type=CREATIVE))
    return rows
