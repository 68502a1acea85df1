"""Settings and stage plan of ``shaping demo``: the embedded defaults, the ``--quick`` ones, checks.

Kept apart from the CLI so the plan can be read, tested and reused without running
anything: :func:`plan_stages` says which stages will run and which are skipped because
their outputs already exist (every stage writes a ``DONE`` marker last).
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from rewards.outcome import check_outcome_order
from shaping.recipe.train import RLSettings

STAGES = ("data", "base-eval", "rm", "warm-start", "train", "eval", "probe", "report")
_MARKER = "DONE"
#: Eight answerable relations the base model knows to different degrees, and two with no
#: true answer (fictitious entities), so the policy learns when to decline, not one fact type.
DEMO_RELATIONS = ("country_capital", "capital_country", "city_country", "country_currency", "country_continent",
                  "element_symbol", "element_number", "state_capital", "fictional_country_capital",
                  "fictional_element_symbol")


@dataclass
class DemoConfig(RLSettings):
    """Everything one demo run depends on (stored in ``<out>/config.json``).

    The RL run's settings (``steps``, ``learning_rate``, ``kl_coef``, ``prompts_per_step``,
    ``num_generations``, ``max_completion_length``, ``temperature``, ``max_prompt_length``,
    ``seed``) are inherited from :class:`~shaping.recipe.train.RLSettings` with its defaults,
    so the demo and :func:`~shaping.recipe.train.train_policy` cannot drift apart; the fields
    below are the demo's own. ``seed`` seeds every stage, not only RL.
    """

    relations: tuple[str, ...] = DEMO_RELATIONS
    """Knowledge relations to train and evaluate on (entities split train/eval by the benchmark;
    each split takes the relations in turn)."""
    n_train: int = 160
    """Training questions (RL prompts and warm-start source)."""
    n_val: int = 40
    """Validation questions (from the train split, disjoint from training rows) for checkpoint selection."""
    n_eval: int = 300
    """Held-out evaluation questions (entities unseen in training), stratified by relation; a
    relation with fewer held-out entities than its share gives all it has. Rates on a few
    hundred questions still move by a point or more per question (docs/demo.md)."""
    k: int = 4
    """Samples per training question for the knowledge labels (P(correct))."""
    rm_pairs: int = 1200
    """Preference pairs for the RM."""
    rm_epochs: float = 1.0
    rm_model: str = "minilm"
    """Backbone of the preference RM ("minilm" = the embedded all-MiniLM-L6-v2)."""
    warm_start: bool = True
    """Run the balanced R-Tuning warm start before RL."""
    warm_per_class: int = 45
    """Right answers and "I don't know." targets each (the light, balanced recipe)."""
    warm_epochs: float = 2.0
    warm_lr: float = 2e-5
    warm_idk_max_p: float = 0.0
    """"I don't know." targets only for questions whose sampled P(correct) is at most this
    (0.0: no sample was right); half-known questions get no target. 1.0 turns the filter off."""
    warm_stratify: str = "none"
    """"relation": balance right answers and "I don't know." targets within each relation, so
    a relation the model rarely knows cannot teach "decline this kind of question". "none"
    (default): balance over all questions at once."""
    warm_answers: str = "greedy"
    """Where the warm start's right-answer targets come from: "greedy" (the base model's greedy
    answer, when right) or "samples" (also a right sample of a question whose greedy answer
    was wrong: rejection sampling)."""
    policy: str = "direct"
    """"direct": the policy answers or declines at once. "draft": draft-then-decide, the response
    is ``<think>draft</think> final`` and only the final part is judged; the warm start drafts the
    base model's own answers (R-Tuning with drafts) and needs ``warm_start``. The draft doubles
    the response, so ``--policy draft`` raises ``max_completion_length`` to at least
    :data:`DRAFT_COMPLETION_LENGTH` tokens (evaluation decodes as many)."""
    balance_known: bool = True
    """Repeat the rarer of known / unknown training questions so RL sees both equally often."""
    trainer: str = "ppo"
    """"ppo" (ours) or "grpo" (TRL's GRPOTrainer)."""
    val_every: int = 10
    """Evaluate the validation slice every N steps and keep the best checkpoint."""
    min_accuracy_ratio: float = 0.9
    """A checkpoint qualifies only if its validation accuracy is >= this share of the base model's."""
    refresh_every: int = 0
    """Re-sample the training questions every N steps to refresh the labels (0: off; the
    reward's own online refresh from each group of samples is always on)."""
    correct: float = 1.0
    abstain: float = 0.0
    wrong: float = -1.5
    """Reward of a wrong answer (and of declining a known question). The policy should answer
    only when P(correct) > (abstain - wrong) / (correct - wrong)."""
    rm_band: float = 0.5
    """Width of the RM's band inside each outcome, as a share of the gap between outcomes
    (0 < rm_band < 1): the RM moves a reward by at most +-rm_band/2 and never across outcomes."""
    model: str = "smollm2"
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["relations"] = list(self.relations)
        return data


POLICIES = ("direct", "draft")
#: Tokens of a draft-then-decide response: a one-sentence answer (median 15 tokens for SmolLM2,
#: at most 32 at the direct policy's limit), the tags, and the answer again or "I don't know.".
DRAFT_COMPLETION_LENGTH = 64
#: Tokens a direct answer is decoded to in evaluation.
ANSWER_TOKENS = 32

QUICK = dict(n_train=48, n_val=16, n_eval=40, k=2, rm_pairs=300, warm_per_class=16, steps=10, val_every=5,
             num_generations=4)


def rl_settings(config: DemoConfig) -> RLSettings:
    """The :class:`~shaping.recipe.train.RLSettings` part of ``config`` (what the RL trainer reads).

    >>> rl_settings(DemoConfig(steps=5, temperature=0.7)) == RLSettings(steps=5, temperature=0.7)
    True
    """
    return RLSettings(**{f.name: getattr(config, f.name) for f in fields(RLSettings)})


def for_policy(config: DemoConfig) -> DemoConfig:
    """``config`` with the generation length its ``policy`` needs (a draft needs room for the final part).

    >>> for_policy(DemoConfig(policy="draft")).max_completion_length
    64
    """
    if config.policy == "draft" and config.max_completion_length < DRAFT_COMPLETION_LENGTH:
        return replace(config, max_completion_length=DRAFT_COMPLETION_LENGTH)
    return config


def answer_tokens(config: DemoConfig) -> int:
    """Tokens to decode per answer in evaluation and validation: 32, or the RL length for drafts.

    >>> answer_tokens(DemoConfig()), answer_tokens(for_policy(DemoConfig(policy="draft")))
    (32, 64)
    """
    return max(ANSWER_TOKENS, config.max_completion_length) if config.policy == "draft" else ANSWER_TOKENS


def quick(config: DemoConfig) -> DemoConfig:
    """The ``--quick`` settings (under 10 minutes on 2 idle cores): fewer questions and steps."""
    return replace(config, **QUICK)


def validate(config: DemoConfig, out_dir: str | Path) -> None:
    """Raise ``ValueError`` naming the bad setting before any long work starts."""
    c = config
    for spec in fields(c):  # NaN and inf pass every comparison below: reject them first
        value = getattr(c, spec.name)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{spec.name}={value!r} must be a finite number.")
    for name in ("rm_epochs", "warm_epochs", "max_completion_length", "max_prompt_length"):
        if not getattr(c, name) > 0:
            raise ValueError(f"{name}={getattr(c, name)!r} must be > 0.")
    model = str(c.model)
    if model.startswith(("/", ".", "~")) and not Path(model).expanduser().exists():
        raise ValueError(f"model={model!r} is a path that does not exist; pass a model folder or a known name "
                         "such as 'smollm2'.")
    for name in ("n_train", "n_val", "n_eval", "steps", "val_every", "prompts_per_step", "warm_per_class", "rm_pairs"):
        if getattr(c, name) < 1:
            raise ValueError(f"{name}={getattr(c, name)} must be >= 1.")
    if c.k < 0 or c.refresh_every < 0:
        raise ValueError(f"k={c.k} and refresh_every={c.refresh_every} must be >= 0.")
    if c.num_generations < 2:
        raise ValueError(f"num_generations={c.num_generations} must be >= 2 (RL compares samples of one prompt).")
    if c.trainer not in ("ppo", "grpo"):
        raise ValueError(f"trainer={c.trainer!r} must be 'ppo' or 'grpo'.")
    if not 0.0 <= c.min_accuracy_ratio <= 1.0:
        raise ValueError(f"min_accuracy_ratio={c.min_accuracy_ratio} must lie in [0, 1].")
    check_outcome_order(c.correct, c.abstain, c.wrong, where="--correct/--abstain/--wrong")
    if c.warm_stratify not in ("relation", "none"):
        raise ValueError(f"warm_stratify={c.warm_stratify!r} must be 'relation' or 'none'.")
    if not 0.0 < c.rm_band < 1.0:
        raise ValueError(f"rm_band={c.rm_band} must lie in (0, 1): at 1 or more the RM could lift a wrong answer "
                         "above an abstention.")
    if c.policy not in POLICIES:
        raise ValueError(f"policy={c.policy!r} must be one of {POLICIES}.")
    if c.policy == "draft" and not c.warm_start:
        raise ValueError("policy='draft' needs the warm start (it teaches the <think>draft</think> final format); "
                         "drop --no-warm-start.")
    if c.warm_answers not in ("greedy", "samples"):
        raise ValueError(f"warm_answers={c.warm_answers!r} must be 'greedy' or 'samples'.")
    if not 0.0 <= c.warm_idk_max_p <= 1.0:
        raise ValueError(f"warm_idk_max_p={c.warm_idk_max_p} must lie in [0, 1] (1.0 turns the filter off).")
    if not c.temperature > 0:
        raise ValueError(f"temperature={c.temperature} must be > 0 (RL samples its completions; 1.0 samples the "
                         "model's own distribution).")
    if c.learning_rate <= 0 or c.warm_lr <= 0 or c.kl_coef < 0:
        raise ValueError(f"learning_rate={c.learning_rate}, warm_lr={c.warm_lr} must be > 0 and "
                         f"kl_coef={c.kl_coef} >= 0.")
    if not c.relations:
        raise ValueError("relations is empty; pass at least one, e.g. --relations country_capital.")
    out = Path(out_dir)
    parent = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if out.exists() and not out.is_dir():
        raise ValueError(f"Output path {str(out)!r} exists and is not a directory; pick another --out.")
    if not os.access(parent, os.W_OK):
        raise PermissionError(f"Cannot write to {str(parent)!r}; pass a writable --out.")


def stage_dir(out_dir: str | Path, stage: str) -> Path:
    return Path(out_dir) / stage


def is_done(out_dir: str | Path, stage: str) -> bool:
    return (stage_dir(out_dir, stage) / _MARKER).exists()


def mark_done(out_dir: str | Path, stage: str) -> None:
    path = stage_dir(out_dir, stage)
    path.mkdir(parents=True, exist_ok=True)
    (path / _MARKER).write_text("ok\n")


def plan_stages(out_dir: str | Path, config: DemoConfig, *, force: bool = False) -> list[tuple[str, str]]:
    """``[(stage, "run" | "skip (done)" | "off")]`` in order; a stage re-runs when an earlier one does.

    >>> plan_stages("/nonexistent", DemoConfig(warm_start=False))[3]
    ('warm-start', 'off')
    """
    plan, rerun = [], force
    for stage in STAGES:
        if stage == "warm-start" and not config.warm_start:
            plan.append((stage, "off"))
            continue
        rerun = rerun or not is_done(out_dir, stage)
        plan.append((stage, "run" if rerun else "skip (done)"))
    return plan
