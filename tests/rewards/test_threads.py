"""Rewards called the way verl and OpenRLHF call them: one sample at a time, from many threads.

Two properties, for every reward in ``rewards`` and the compositions:

- no per-call state: after many one-sample calls the reward holds no more than after the
  first few (a list or dict that grew per call would show on the second call already);
- thread safety: one-sample calls from 8 threads at once give each call the score and the
  logged rates that the same call gets when the calls run one after another.

The switch interval is cut to a microsecond while threads run, so that a read-modify-write
of shared state is interrupted often enough for a race to show.
"""

from __future__ import annotations

import pickle
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from rewards import (
    FaithfulnessReward,
    KnowledgeAwareTruthfulness,
    KnowledgeLabels,
    LengthPenalty,
    Outcome,
    RepetitionPenalty,
    TruthfulnessReward,
    reward_rule,
)
from rewards.compose import DominanceSafe, RouteByQueryType, RunningMoments, WeightedSum

PASSAGE = "The Golden Gate Bridge opened in 1937 after four years of work."
# (prompt, completion, row): one sample each; repeated across calls as RL samples repeat.
SAMPLES = [
    ("What is the capital of France?", "The capital of France is Paris.", {"answers": ["Paris"], "id": "fr"}),
    ("What is the capital of France?", "I think it is Lyon.", {"answers": ["Paris"], "id": "fr"}),
    ("What is the capital of Burkina Faso?", "I don't know.", {"answers": ["Ouagadougou"], "id": "bf"}),
    ("What is the capital of Mongolia?", "I'm not sure, but Ulan Bator.", {"answers": ["Ulaanbaatar", "Ulan Bator"],
                                                                          "id": "mn"}),
    ("台灣的首都是哪裡？", "臺北。", {"answers": ["台北"], "id": "tw"}),
    ("Who was the first person to walk on Mars?", "Nobody has walked on Mars yet.", {"answers": [], "id": "mars"}),
    ("Based on the passage, when did the bridge open?", "It opened in 1937.",
     {"answers": ["1937"], "passage": PASSAGE, "id": "gg"}),
    ("Based on the passage, when did the bridge open?", "It opened in 1938, by John Smith.",
     {"answers": ["1937"], "passage": PASSAGE, "id": "gg"}),
    ("Write a short poem about the sea.", "Waves roll in, waves roll out, the sea the sea the sea.",
     {"answers": None, "id": "poem", "query_type": "creative"}),
]
COLUMNS = ("answers", "passage", "id", "query_type")


@reward_rule(columns=["answers"])
def says_gold(response, question, answers, **row):
    """A user's rule: correct when a gold answer is in the response (module level, so it pickles)."""
    if answers is None:
        return None
    return Outcome.CORRECT if any(a.lower() in response.lower() for a in answers) else Outcome.WRONG


def rm_length(prompts, completions, **kwargs):
    """A stand-in preference RM: longer is better."""
    return [float(len(c)) for c in completions]


# Rewards whose score of a sample does not depend on earlier calls.
STATELESS = {
    "truthfulness": lambda: TruthfulnessReward(1.0, 0.0, -3.0),
    "knowledge": lambda: KnowledgeAwareTruthfulness(KnowledgeLabels({"fr": 1.0, "bf": 0.0}), refresh_min_samples=0),
    "faithfulness": lambda: FaithfulnessReward(),
    "length": lambda: LengthPenalty(max_length=6, slack=4),
    "repetition": lambda: RepetitionPenalty(n=2),
    "rule": lambda: says_gold,
    "route": lambda: RouteByQueryType({"knowledge-seeking": TruthfulnessReward(), "text-grounded": FaithfulnessReward(),
                                       "creative": LengthPenalty()}),
    "weighted": lambda: WeightedSum([TruthfulnessReward(), RepetitionPenalty()], [1.0, 0.5]),
    "dominance_rank": lambda: DominanceSafe(TruthfulnessReward(), rm_length, squash="rank"),
}
# Rewards with running statistics (a running mean and std of a component): a call's score
# depends on the calls before it, so threads must keep each update whole.
RUNNING = {
    "weighted_running": lambda: WeightedSum([TruthfulnessReward(), rm_length], normalize="running"),
    "dominance_sigmoid": lambda: DominanceSafe(TruthfulnessReward(), rm_length, squash="sigmoid"),
}


def call_one(reward, k: int) -> tuple[list, list]:
    """Score sample ``k`` (mod the set) alone, as an engine would; return (scores, logged metrics)."""
    prompt, completion, row = SAMPLES[k % len(SAMPLES)]
    logged: list[tuple[str, float]] = []
    columns = {c: [row.get(c)] for c in COLUMNS}
    scores = reward([prompt], [completion], **columns, log_metric=lambda key, value: logged.append((key, value)))
    return scores, logged


def state_size(obj, seen: set | None = None) -> int:
    """How many items the containers reachable from ``obj``'s attributes hold (functions, classes
    and modules are not followed): a per-call list or dict makes this grow."""
    seen = set() if seen is None else seen
    if id(obj) in seen or callable(obj) and not hasattr(obj, "__dict__") or isinstance(obj, (type, str, bytes)):
        return 0
    seen.add(id(obj))
    if isinstance(obj, dict):
        return len(obj) + sum(state_size(k, seen) + state_size(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return len(obj) + sum(state_size(v, seen) for v in obj)
    attrs = dict(getattr(obj, "__dict__", {}))
    attrs.update({s: getattr(obj, s) for s in getattr(type(obj), "__slots__", ()) if hasattr(obj, s)})
    return sum(state_size(v, seen) for v in attrs.values() if not callable(v) or hasattr(v, "__dict__"))


@contextmanager
def tiny_switch_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_truthfulness_holds_no_state_after_100000_single_sample_calls():
    reward = TruthfulnessReward(1.0, 0.0, -3.0)
    for k in range(len(SAMPLES)):
        call_one(reward, k)
    size = state_size(reward)
    for k in range(100_000):
        reward(["What is the capital of France?"], [SAMPLES[k % 2][1]], answers=[["Paris"]])
    assert state_size(reward) == size


@pytest.mark.parametrize("name", sorted({**STATELESS, **RUNNING}))
def test_single_sample_calls_keep_no_per_call_state(name):
    reward = {**STATELESS, **RUNNING}[name]()
    for k in range(len(SAMPLES)):
        call_one(reward, k)
    size = state_size(reward)
    for k in range(2000):  # a per-call attribute grows by at least one item a call
        call_one(reward, k)
    assert state_size(reward) == size, f"{name} grew from {size} to {state_size(reward)} items"


@pytest.mark.parametrize("name", sorted(STATELESS))
def test_eight_threads_give_the_serial_scores_and_logged_rates(name):
    calls = range(8 * 60)
    serial = [call_one(STATELESS[name](), k) for k in calls]  # a fresh reward per call: no history at all
    reward = STATELESS[name]()
    with tiny_switch_interval(), ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda k: call_one(reward, k), calls))
    for k, (want, got) in enumerate(zip(serial, threaded)):
        assert got == want, f"call {k} ({SAMPLES[k % len(SAMPLES)][1]!r})"


@pytest.mark.parametrize("name", sorted(RUNNING))
def test_running_statistics_count_every_threaded_call(name):
    calls = range(8 * 60)
    serial = RUNNING[name]()
    for k in calls:
        call_one(serial, k)
    reward = RUNNING[name]()
    with tiny_switch_interval(), ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda k: call_one(reward, k), calls))
    assert all(len(scores) == 1 for scores, _ in results)
    for want, got in zip(running_moments(serial), running_moments(reward)):
        assert (got.count, got.mean, got.std) == pytest.approx((want.count, want.mean, want.std))


def running_moments(reward) -> list[RunningMoments]:
    moments = reward.moments
    return list(moments) if isinstance(moments, list) else [moments]


def test_knowledge_labels_refreshed_from_eight_threads_match_the_serial_labels():
    def group_call(reward, k):  # one GRPO group: 4 samples of one question, some right
        prompt, _, row = SAMPLES[k % 4]
        completions = [row["answers"][0] if i < k % 5 else "I don't know." for i in range(4)]
        key = f"{row['id']}-{k // 2}"  # each call adds a key or raises one: the store changes under the logs
        logged = []
        reward([prompt] * 4, completions, answers=[row["answers"]] * 4, id=[key] * 4,
               log_metric=lambda name, value: logged.append(name))
        return logged

    serial = KnowledgeAwareTruthfulness(KnowledgeLabels(), refresh_min_samples=4)
    for k in range(8 * 150):
        group_call(serial, k)
    reward = KnowledgeAwareTruthfulness(KnowledgeLabels(), refresh_min_samples=4)
    with tiny_switch_interval(), ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: group_call(reward, k), range(8 * 150)))
    assert reward.labels.to_dict() == serial.labels.to_dict()
    assert reward.labels.known_fraction() == serial.labels.known_fraction()


def test_locked_state_pickles_with_a_fresh_lock_of_its_own():
    labels = KnowledgeLabels({"fr": 1.0, "bf": 0.25})
    moments = RunningMoments()
    moments.update([1.0, 2.0, 4.0])
    labels_copy, moments_copy = pickle.loads(pickle.dumps((labels, moments)))
    assert labels_copy.to_dict() == labels.to_dict() and labels_copy.threshold == labels.threshold
    assert (moments_copy.count, moments_copy.mean, moments_copy.std) == (moments.count, moments.mean, moments.std)
    labels_copy.update("mn", 1.0)
    moments_copy.update([8.0])
    assert "mn" not in labels and moments.count == 3
