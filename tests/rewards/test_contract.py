"""The reward contract, run on every registered reward class (rewards and shaping).

Every module of ``rewards`` and ``shaping`` that registers a reward is imported here, so the
list of classes does not depend on which other tests ran first. A registered class without
an entry in ``FIXTURES`` fails ``test_every_registered_reward_has_a_fixture``: add one.
"""

from __future__ import annotations

import importlib
import math
import pickle
import re
from pathlib import Path

import pytest

import rewards
from rewards import (
    REGISTRY,
    FaithfulnessReward,
    LengthPenalty,
    RepetitionPenalty,
    TruthfulnessReward,
)

ROOT = Path(__file__).resolve().parents[2]


def _import_registering_modules() -> None:
    for package in ("rewards", "shaping"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "@register" in path.read_text(encoding="utf-8"):
                importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


_import_registering_modules()

PROMPTS = [
    "What is the capital of France?",
    "What is the capital of Burkina Faso?",
    "Write a short poem about the sea.",
    "Based on the passage, when did the bridge open?",
    "Who was the first person to walk on Mars?",
    "法国的首都是哪里？",
]
COMPLETIONS = [
    "The capital of France is Paris.",
    "I don't know.",
    "Waves roll in, waves roll out, the grey sea keeps its secrets.",
    "It opened in 1937.",
    "No one has walked on Mars yet, so there is no such person.",
    "巴黎。",
]
COLUMNS = {
    "answers": [["Paris"], ["Ouagadougou"], None, ["1937"], [], ["巴黎", "Paris"]],
    "passage": [None, None, None, "The Golden Gate Bridge opened in 1937 after four years of work.", None, None],
    "id": ["fr", "bf", "poem", "gg", "mars", "fr-zh"],
    "query_type": ["knowledge-seeking", "knowledge-seeking", "creative", "text-grounded", "knowledge-seeking",
                   "knowledge-seeking"],
}


def _tiny_reward_model(tmp_dir: Path):
    """A one-layer BERT sequence classifier saved with the embedded MiniLM tokenizer."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from shaping.models import encoder_path

    tokenizer = AutoTokenizer.from_pretrained(encoder_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=37, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(tmp_dir)
    tokenizer.save_pretrained(tmp_dir)
    return str(tmp_dir)


def _route():
    from rewards.compose import RouteByQueryType

    return RouteByQueryType({"knowledge-seeking": TruthfulnessReward(), "text-grounded": FaithfulnessReward(),
                             "creative": LengthPenalty()})


def _weighted():
    from rewards.compose import WeightedSum

    return WeightedSum([TruthfulnessReward(), RepetitionPenalty()], weights=[1.0, 0.5])


def _dominance():
    from rewards.compose.dominance_safe import DominanceSafe

    return DominanceSafe(TruthfulnessReward(), LengthPenalty(max_length=5))


def _rm(tmp_dir):
    from shaping.rm.score import RewardModelReward

    if not (tmp_dir / "config.json").exists():  # one random model for the whole module
        _tiny_reward_model(tmp_dir)
    return RewardModelReward(str(tmp_dir))


def _bad(cls, *args, **kwargs):
    return lambda: cls(*args, **kwargs)


def _bad_route(routes):
    from rewards.compose import RouteByQueryType

    return lambda: RouteByQueryType(routes)


def _bad_weighted(**kwargs):
    from rewards.compose import WeightedSum

    return lambda: WeightedSum([TruthfulnessReward(), LengthPenalty()], **kwargs)


def _bad_dominance(**kwargs):
    from rewards.compose.dominance_safe import DominanceSafe

    return lambda: DominanceSafe(TruthfulnessReward(), LengthPenalty(), **kwargs)


K = rewards.KnowledgeAwareTruthfulness
# name -> (factory(tmp_dir), rows the reward returns None for, builders that must raise ValueError)
FIXTURES = {
    "TruthfulnessReward": (lambda _: TruthfulnessReward(), {2}, lambda: [
        _bad(TruthfulnessReward, correct=0.0, abstain=0.5), _bad(TruthfulnessReward, abstain=-2.0, wrong=-1.0),
        _bad(TruthfulnessReward, wrong=math.nan), _bad(TruthfulnessReward, answers_column="")]),
    "KnowledgeAwareTruthfulness": (lambda _: K(refresh_min_samples=0), {2}, lambda: [
        _bad(K, correct=0.0, abstain=0.5), _bad(K, abstain_known=0.5), _bad(K, refresh_min_samples=-1)]),
    "FaithfulnessReward": (lambda _: FaithfulnessReward(), {0, 1, 2, 4, 5}, lambda: [
        _bad(FaithfulnessReward, supported=0.0, abstain=0.5), _bad(FaithfulnessReward, unsupported=0.5),
        _bad(FaithfulnessReward, abstain=math.inf), _bad(FaithfulnessReward, passage_column="")]),
    "LengthPenalty": (lambda _: LengthPenalty(max_length=8, slack=4), set(), lambda: [
        _bad(LengthPenalty, min_length=10, max_length=5), _bad(LengthPenalty, min_length=-1),
        _bad(LengthPenalty, unit="bytes"), _bad(LengthPenalty, scale=0), _bad(LengthPenalty, slack=-1.0)]),
    "RepetitionPenalty": (lambda _: RepetitionPenalty(n=2), set(), lambda: [
        _bad(RepetitionPenalty, n=0), _bad(RepetitionPenalty, n=1.5), _bad(RepetitionPenalty, scale=-1.0)]),
    "RouteByQueryType": (lambda _: _route(), set(), lambda: [
        _bad_route({"knowledge-seeking": TruthfulnessReward(), "poetry": None})]),
    "WeightedSum": (lambda _: _weighted(), set(), lambda: [
        _bad_weighted(weights=[1.0]), _bad_weighted(weights=[0.0, 0.0]), _bad_weighted(normalize="zscore")]),
    "DominanceSafe": (lambda _: _dominance(), {2}, lambda: [
        _bad_dominance(band=1.5), _bad_dominance(squash="cube")]),
    "RewardModelReward": (_rm, set(), None),  # bad arguments need its checkpoint: built in the test
    "ConsistencyReward": (lambda _: rewards.ConsistencyReward(), {2}, lambda: [
        _bad(rewards.ConsistencyReward, caved=-0.5), _bad(rewards.ConsistencyReward, kept_right=math.inf),
        _bad(rewards.ConsistencyReward, question_column="")]),
    "DialogueTruthfulnessReward": (lambda _: rewards.DialogueTruthfulnessReward(), {2}, lambda: [
        _bad(rewards.DialogueTruthfulnessReward, correct=0.0, abstain=0.5),
        _bad(rewards.DialogueTruthfulnessReward, question_column="")]),
}
NAMES = sorted(REGISTRY)


def test_every_registered_reward_has_a_fixture():
    missing = sorted(set(REGISTRY) - set(FIXTURES))
    assert not missing, (
        f"Registered rewards without a contract fixture: {missing}. Add each to FIXTURES in "
        f"{Path(__file__).name} (a factory, the rows it returns None for, bad constructor kwargs)."
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    dirs = {}

    def make(name):
        if name not in FIXTURES:
            pytest.fail(f"{name} is registered but has no entry in FIXTURES; add one.")
        if name not in dirs:
            dirs[name] = tmp_path_factory.mktemp(name)
        return FIXTURES[name][0](dirs[name])
    return make


def _chat(prompts, completions):
    return ([[{"role": "user", "content": p}] for p in prompts],
            [[{"role": "assistant", "content": c}] for c in completions])


@pytest.mark.parametrize("name", NAMES)
def test_length_types_and_none_rows(name, build):
    scores = build(name)(PROMPTS, COMPLETIONS, **COLUMNS)
    assert len(scores) == len(COMPLETIONS)
    for value in scores:
        assert value is None or (type(value) is float and math.isfinite(value)), value
    assert {i for i, v in enumerate(scores) if v is None} == FIXTURES[name][1]
    one = build(name)(PROMPTS[:1], COMPLETIONS[:1], **{k: v[:1] for k, v in COLUMNS.items()})
    assert len(one) == 1


@pytest.mark.parametrize("name", NAMES)
def test_extra_columns_and_trainer_keywords_are_ignored(name, build):
    logged = []
    base = build(name)(PROMPTS, COMPLETIONS, **COLUMNS)
    extra = build(name)(PROMPTS, COMPLETIONS, **COLUMNS, unrelated=list(range(len(PROMPTS))),
                        trainer_state=object(), log_metric=lambda key, value: logged.append((key, value)))
    assert extra == base
    assert all(isinstance(key, str) and math.isfinite(value) for key, value in logged)


@pytest.mark.parametrize("name", NAMES)
def test_pickles_and_gives_the_same_scores(name, build):
    reward = build(name)
    copy = pickle.loads(pickle.dumps(reward))
    assert copy(PROMPTS, COMPLETIONS, **COLUMNS) == reward(PROMPTS, COMPLETIONS, **COLUMNS)
    assert copy.__name__ == reward.__name__


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name, build):
    assert build(name)(PROMPTS, COMPLETIONS, **COLUMNS) == build(name)(PROMPTS, COMPLETIONS, **COLUMNS)


@pytest.mark.parametrize("name", NAMES)
def test_conversational_input_scores_like_strings(name, build):
    prompts, completions = _chat(PROMPTS, COMPLETIONS)
    assert build(name)(prompts, completions, **COLUMNS) == build(name)(PROMPTS, COMPLETIONS, **COLUMNS)


@pytest.mark.parametrize("name", NAMES)
def test_readable_name(name, build):
    reward = build(name)
    assert re.fullmatch(r"[A-Za-z_][\w.-]*", reward.__name__), reward.__name__


@pytest.mark.parametrize("name", NAMES)
def test_mismatched_lengths_and_missing_columns_raise(name, build):
    reward = build(name)
    with pytest.raises(ValueError):
        reward(PROMPTS, COMPLETIONS[:-1], **COLUMNS)
    for column in getattr(reward, "columns", ()):
        given = {k: v for k, v in COLUMNS.items() if k != column}
        with pytest.raises(KeyError, match=re.escape(repr(column))):
            reward(PROMPTS, COMPLETIONS, **given)


@pytest.mark.parametrize("name", NAMES)
def test_bad_constructor_args_raise_value_error(name, build):
    if name == "RewardModelReward":
        reward = build(name)
        cls = type(reward)
        makers = [_bad(cls, reward.path, batch_size=0), _bad(cls, reward.path, max_length=2)]
    else:
        makers = FIXTURES[name][2]()
    assert makers, f"List at least one bad constructor call for {name} in FIXTURES."
    for make in makers:
        with pytest.raises(ValueError):
            make()
