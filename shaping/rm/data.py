"""The default preference set for the helpfulness/style reward model, built offline.

Prompts come from offline fact packages (``countryinfo``, ``us``, ``periodictable``) and a
hand-written pool of how-to, explanation and creative requests. ``chosen`` is a complete,
relevant, fluent answer; ``rejected`` is the same kind of answer spoiled in one way:
truncated, off-topic (a good answer to another prompt), repetitive, rude, garbled or
empty-ish. Both sides of a pair state the same facts: the set teaches style and
helpfulness, never truth, so the RM must not be used to judge correctness.

It is neutral about abstention: a polite "I'm not sure" is the chosen side of some pairs
(against a spoiled response) and a rude or broken abstention is the rejected side of about
as many, but no pair sets an abstention against a confident answer of the same quality.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shaping.rm.pool import GENERAL_PROMPTS

#: The ways a rejected response is spoiled (the ``kind`` column).
REJECTION_KINDS = ("truncated", "off_topic", "repetitive", "rude", "garbled", "empty")

_HANDWRITTEN_WEIGHT = 6.0
_OPENERS = ("", "", "", "Sure! ", "Good question. ", "Happy to help. ", "Here you go: ")
_RUDE = (
    "Seriously? {a} Look it up yourself next time.",
    "Ugh, fine. {a} Don't ask me again.",
    "{a} Honestly, everyone knows that.",
    "Whatever. {a}",
    "{a} Stop wasting my time with easy questions.",
    "Are you kidding me? {a}",
)
_EMPTY = ("...", "Hmm.", "Answer:", "ok", "?", "Well,", "I", "-", "Sure.")
_ABSTAIN = (
    "I'm not sure about {s}, so I'd rather not guess. A good reference book would have it.",
    "I don't know {s} for certain, and I don't want to give you a wrong answer.",
    "I'm not confident about {s}. You may want to check a reliable source.",
    "Sorry, I don't have reliable information about {s}.",
)
_RUDE_ABSTAIN = (
    "No idea. Why would I know that?",
    "How should I know? Ask someone else.",
    "Don't know, don't care.",
    "Not my problem. Google it.",
)


@dataclass(frozen=True)
class Item:
    """One prompt with the good answers it accepts and a subject phrase for abstentions."""

    prompt: str
    answers: tuple[str, ...]
    subject: str
    source: str


#: (question, good answers, subject of an abstention) templates, filled per fact (templates.json).
_TEMPLATES = json.loads((Path(__file__).parent / "templates.json").read_text(encoding="utf-8"))


def _item(kind: str, source: str, **values) -> Item:
    """An :class:`Item` from the ``kind`` template of templates.json and one fact's values."""
    t = _TEMPLATES[kind]
    return Item(t["question"].format(**values), tuple(a.format(**values) for a in t["answers"]),
                t["subject"].format(**values), source)


def _country_items() -> list[Item]:
    from countryinfo import all_countries

    items = []
    for c in all_countries():
        name, capital, region = c.name(), c.capital(), c.subregion() or c.region()
        if not capital:
            continue
        items.append(_item("country_capital", "countryinfo", name=name, capital=capital))
        if region:
            items.append(_item("country_region", "countryinfo", name=name, region=region, capital=capital))
    return items


def _state_items() -> list[Item]:
    import us

    items = []
    for s in us.states.STATES:
        items.append(_item("state_capital", "us", name=s.name, capital=s.capital))
        if s.statehood_year:
            items.append(_item("statehood", "us", name=s.name, year=s.statehood_year))
    return items


def _element_items() -> list[Item]:
    import periodictable

    items = []
    for e in periodictable.elements:
        if e.number == 0:
            continue
        values = {"name": e.name, "title": e.name.capitalize(), "symbol": e.symbol, "number": e.number}
        items += [_item(kind, "periodictable", **values) for kind in ("element_symbol", "element_number")]
    return items


def _general_items() -> list[Item]:
    return [Item(p, tuple(a), s, "handwritten") for p, s, a in GENERAL_PROMPTS]


def default_items() -> list[Item]:
    """All prompts of the default set: facts from the offline packages plus the hand-written pool."""
    return _country_items() + _state_items() + _element_items() + _general_items()


def _spoil(kind: str, answer: str, other: str, rng: random.Random) -> str:
    words = answer.split()
    if kind == "truncated" and len(words) >= 3:
        return " ".join(words[: rng.randint(1, max(1, int(len(words) * 0.6)))])
    if kind == "truncated":
        return words[0].rstrip(".!?,")
    if kind == "off_topic":
        return other
    if kind == "repetitive":
        if rng.random() < 0.5:
            return " ".join([answer] * rng.randint(3, 6))
        chunk = " ".join(words[-2:]).rstrip(".")
        return " ".join(words[:-2] + [chunk] * rng.randint(4, 9))
    if kind == "rude":
        return rng.choice(_RUDE).format(a=answer)
    if kind == "garbled":
        shuffled = [w.strip(".,!?").lower() for w in words]
        while len(shuffled) > 1 and shuffled == [w.strip(".,!?").lower() for w in words]:
            rng.shuffle(shuffled)
        return " ".join(shuffled)
    if kind == "empty":
        return rng.choice(_EMPTY)
    raise ValueError(f"Unknown rejection kind {kind!r}; expected one of {REJECTION_KINDS}.")


def _make_pair(item: Item, other: Item, rng: random.Random, abstain_rate: float) -> dict:
    answer = rng.choice(_OPENERS) + rng.choice(item.answers)
    kind = rng.choice(REJECTION_KINDS)
    roll = rng.random()
    if roll < abstain_rate:  # a polite abstention beats a spoiled one
        answer = rng.choice(_ABSTAIN).format(s=item.subject)
        kind = rng.choice(("rude", "truncated", "repetitive", "empty"))
        rejected = rng.choice(_RUDE_ABSTAIN) if kind == "rude" else _spoil(kind, answer, "", rng)
    elif roll < 2 * abstain_rate:  # a rude abstention loses to a good answer
        kind, rejected = "rude", rng.choice(_RUDE_ABSTAIN)
    else:
        rejected = _spoil(kind, answer, rng.choice(other.answers), rng)
    if rejected.strip() == answer.strip():  # e.g. a one-word answer "truncated" to itself
        kind, rejected = "empty", rng.choice(_EMPTY)
    return {"prompt": item.prompt, "chosen": answer, "rejected": rejected, "kind": kind, "source": item.source}


def build_preference_data(
    n_pairs: int = 4000,
    *,
    test_size: float = 0.15,
    seed: int = 0,
    abstain_rate: float = 0.06,
    conversational: bool = False,
):
    """Build the default helpfulness/style preference set as a ``DatasetDict`` (train/test).

    The split is by prompt, so held-out pairs ask questions the RM never saw. Columns:
    ``prompt``, ``chosen``, ``rejected`` (TRL's preference format), ``kind`` (how the
    rejected side is spoiled) and ``source``.

    >>> data = build_preference_data(200, seed=1)
    >>> sorted(data), data["train"].column_names[:3]
    (['test', 'train'], ['prompt', 'chosen', 'rejected'])
    """
    from datasets import Dataset, DatasetDict

    if not 0 < test_size < 1:
        raise ValueError(f"test_size={test_size} must lie strictly between 0 and 1.")
    if n_pairs < 10:
        raise ValueError(f"n_pairs={n_pairs} is too few for a train/test split; ask for at least 10.")
    if not 0 <= abstain_rate <= 0.5:
        raise ValueError(f"abstain_rate={abstain_rate} must lie in [0, 0.5].")
    rng = random.Random(seed)
    items = default_items()
    rng.shuffle(items)
    n_test = max(1, int(len(items) * test_size))
    splits = {"test": items[:n_test], "train": items[n_test:]}
    out = {}
    for split, pool in splits.items():
        n = max(1, round(n_pairs * len(pool) / len(items)))
        # The hand-written prompts are few but varied: sample them more often than one fact.
        weights = [_HANDWRITTEN_WEIGHT if it.source == "handwritten" else 1.0 for it in pool]
        rows = []
        for _ in range(n):
            item, other = rng.choices(pool, weights)[0], rng.choice(pool)
            while other.prompt == item.prompt:
                other = rng.choice(pool)
            rows.append(_make_pair(item, other, rng, abstain_rate))
        if conversational:
            rows = [_to_chat(r) for r in rows]
        out[split] = Dataset.from_list(rows)
    return DatasetDict(train=out["train"], test=out["test"])


def _to_chat(row: dict) -> dict:
    return {
        **row,
        "prompt": [{"role": "user", "content": row["prompt"]}],
        "chosen": [{"role": "assistant", "content": row["chosen"]}],
        "rejected": [{"role": "assistant", "content": row["rejected"]}],
    }


def kind_counts(dataset) -> Counter:
    """Count the rejection kinds in a split (a quick look at the mix).

    >>> sum(kind_counts(build_preference_data(100)["train"]).values()) > 0
    True
    """
    return Counter(dataset["kind"])
