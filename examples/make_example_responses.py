"""Generate the example file of real SmolLM2-135M-Instruct answers to factual questions.

Builds questions with true answers from offline fact packages (country capitals from
``countryinfo``, US state capitals from ``us``, atomic numbers and symbols from
``periodictable``) plus unanswerable ones about fictitious countries and elements, asks
the embedded SmolLM2-135M-Instruct (greedy, and a few sampled answers), and writes
``examples/data/smollm2_responses.jsonl`` with the columns ``question``, ``answers``,
``response``, ``source``, ``decoding``, the input of ``shaping judge``::

    python examples/make_example_responses.py
    shaping judge examples/data/smollm2_responses.jsonl -o verdicts.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import random
from pathlib import Path

from tqdm import tqdm

logger = logging.getLogger("make_example_responses")

SYSTEM_PROMPT = 'Answer the question in one short sentence. If you do not know the answer, say "I don\'t know".'
UNSURE_PREFIX = "If unsure say I don't know. "
FICTITIOUS_COUNTRIES = [
    "Veltrania", "Zembla", "Marovia", "Kestania", "Ostravaland", "Quellmark", "Drusenia",
    "Tavoria", "Norland Isles", "Belmaric Republic", "Sorvania", "Elbonia",
]
FICTITIOUS_ELEMENTS = ["zorbium", "vibranium", "kryptonite", "adamantium", "luminite", "neutronium"]


def fact_questions(rng: random.Random) -> list[dict]:
    """Questions with known answers, drawn from the offline fact packages."""
    import periodictable
    import us
    from countryinfo import all_countries

    rows = []
    countries = []
    for country in all_countries():
        try:
            name, capital = country.name(), country.capital()
        except Exception:  # a few territories have no capital entry
            continue
        if name and capital:
            countries.append((name.title() if name.islower() else name, capital))
    for name, capital in rng.sample(countries, 90):
        rows.append({"question": f"What is the capital of {name}?", "answers": [capital], "source": "country-capital"})
    for state in rng.sample(list(us.states.STATES), 30):
        rows.append({"question": f"What is the capital of the US state of {state.name}?",
                     "answers": [state.capital], "source": "state-capital"})
    elements = [el for el in periodictable.elements if 1 <= el.number <= 92]
    for el in rng.sample(elements, 30):
        rows.append({"question": f"What is the atomic number of {el.name}?", "answers": [str(el.number)],
                     "source": "atomic-number"})
    for el in rng.sample(elements, 25):
        rows.append({"question": f"What is the chemical symbol of {el.name}?", "answers": [el.symbol],
                     "source": "element-symbol"})
    return rows


def unanswerable_questions() -> list[dict]:
    rows = [{"question": f"What is the capital of {name}?", "answers": [], "source": "fictitious-country"}
            for name in FICTITIOUS_COUNTRIES]
    rows += [{"question": f"What is the atomic number of {name}?", "answers": [], "source": "fictitious-element"}
             for name in FICTITIOUS_ELEMENTS]
    return rows


def generate(model, tokenizer, questions: list[str], *, sample: bool, batch_size: int,
             max_new_tokens: int) -> list[str]:
    import torch

    out = []
    for start in tqdm(range(0, len(questions), batch_size), desc="sampled" if sample else "greedy"):
        chats = [[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": q}]
                 for q in questions[start:start + batch_size]]
        texts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in chats]
        enc = tokenizer(texts, return_tensors="pt", padding=True)
        with torch.no_grad():
            ids = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=sample,
                                 temperature=0.8 if sample else None, top_p=0.95 if sample else None,
                                 top_k=None, pad_token_id=tokenizer.pad_token_id)
        out += tokenizer.batch_decode(ids[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
    return [text.strip() for text in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).parent / "data" / "smollm2_responses.jsonl"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=50, help="Extra sampled answers (temperature 0.8).")
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import torch

    from shaping.models import load_policy

    torch.set_num_threads(args.threads)  # the shared machine is oversubscribed; more threads only spin
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    rows = fact_questions(rng) + unanswerable_questions()
    # A few prompts that invite abstention explicitly, so the file holds some.
    for row in rng.sample(rows, 25):
        rows.append(dict(row, question=UNSURE_PREFIX + row["question"], source=row["source"] + "+unsure"))
    for row in rows:
        row["decoding"] = "greedy"
    sampled = [dict(row, decoding="sampled") for row in rng.sample(rows, args.samples)]

    model, tokenizer = load_policy("smollm2")
    greedy_out = generate(model, tokenizer, [r["question"] for r in rows], sample=False,
                          batch_size=args.batch_size, max_new_tokens=args.max_new_tokens)
    sampled_out = generate(model, tokenizer, [r["question"] for r in sampled], sample=True,
                           batch_size=args.batch_size, max_new_tokens=args.max_new_tokens)
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row, response in zip(rows + sampled, greedy_out + sampled_out):
            record = {"question": row["question"], "answers": row["answers"], "response": response,
                      "source": row["source"], "decoding": row["decoding"]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(out_path)
    logger.info("Wrote %d rows to %s", len(rows) + len(sampled), out_path)


if __name__ == "__main__":
    main()
