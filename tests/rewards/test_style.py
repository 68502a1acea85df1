"""LengthPenalty and RepetitionPenalty."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import LengthPenalty, RepetitionPenalty
from rewards.style import text_units


def test_text_units_split_words_and_cjk_characters():
    assert text_units("It's Paris, 巴黎!") == ["it's", "paris", "巴", "黎"]
    assert text_units("  ") == []


def test_length_penalty_is_zero_inside_the_range_and_soft_outside():
    r = LengthPenalty(min_length=3, max_length=6, slack=2)
    assert r.penalty(3) == r.penalty(6) == 0.0
    assert r.penalty(8) == pytest.approx(-0.5)  # slack units out: half the scale
    assert r.penalty(1) == pytest.approx(-0.5)
    assert r.penalty(7) > r.penalty(8) > r.penalty(20) > r.penalty(10_000) > -1.0


def test_length_penalty_scores_a_batch_in_words_and_chars():
    words = LengthPenalty(max_length=3, slack=1)
    assert words(["q", "q"], ["Lima.", "The capital is Lima, Peru."]) == [0.0, pytest.approx(-2 / 3)]
    chars = LengthPenalty(max_length=4, unit="chars", slack=1, scale=2.0)
    assert chars(["q"], ["Lima"]) == [0.0]
    assert chars(["q"], ["Lima!"]) == [pytest.approx(-1.0)]


def test_chinese_counts_characters_as_words():
    assert LengthPenalty(max_length=2).length("巴黎。") == 2


def test_token_unit_uses_completion_ids():
    r = LengthPenalty(max_length=3, unit="tokens", slack=1)
    assert r(["q", "q"], ["a", "b"], completion_ids=[[1, 2], [1, 2, 3, 4, 5]]) == [0.0, pytest.approx(-2 / 3)]
    with pytest.raises(KeyError, match="completion_ids"):
        r(["q"], ["a"])
    with pytest.raises(ValueError, match="completion_ids"):
        r(["q", "q"], ["a", "b"], completion_ids=[[1]])


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(min_length=5, max_length=2), "max_length=2 is below min_length=5"),
     (dict(unit="tokenz"), "unit='tokenz'"),
     (dict(scale=-1), "scale=-1"),
     (dict(slack=0), "slack=0"),
     (dict(max_length=float("nan")), "max_length=nan"),
     (dict(min_length=True), "min_length=True")],
)
def test_length_penalty_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LengthPenalty(**kwargs)


def test_repetition_penalty_measures_repeated_ngrams():
    r = RepetitionPenalty(n=2, scale=2.0)
    assert r.repeated_fraction("The capital of Peru is Lima.") == 0.0
    assert r.repeated_fraction("Lima Lima Lima Lima Lima") == pytest.approx(0.75)
    assert r.repeated_fraction("Lima") == 0.0  # too short for a bigram
    assert r(["q", "q"], ["Lima is the capital.", "Lima Lima Lima Lima Lima"]) == [0.0, pytest.approx(-1.5)]


def test_repetition_penalty_on_chinese():
    assert RepetitionPenalty(n=2).repeated_fraction("巴黎巴黎巴黎") == pytest.approx(0.6)


@pytest.mark.parametrize("kwargs, message", [(dict(n=0), "n=0"), (dict(n="3"), "n='3'"), (dict(scale=0), "scale=0")])
def test_repetition_penalty_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RepetitionPenalty(**kwargs)


def test_names_and_pickling():
    for reward in (LengthPenalty(max_length=10, name="len10"), RepetitionPenalty(n=4)):
        copy = pickle.loads(pickle.dumps(reward))
        assert copy.__name__ == reward.__name__
        assert vars(copy) == vars(reward)
    assert LengthPenalty().__name__ == "length_penalty"
    assert RepetitionPenalty().__name__ == "repetition_penalty"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(0, 20), st.integers(0, 20))
def test_length_penalty_is_bounded_and_zero_in_range(text, low, width):
    r = LengthPenalty(min_length=low, max_length=low + width, slack=3, scale=2.0)
    value = r([""], [text])[0]
    assert -2.0 < value <= 0.0
    assert (value == 0.0) == (low <= r.length(text) <= low + width)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(1, 5))
def test_repetition_penalty_is_bounded(text, n):
    value = RepetitionPenalty(n=n)([""], [text])[0]
    assert -1.0 < value <= 0.0  # at least one n-gram is distinct


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["paris", "lima", "is", "the", "capital"]), min_size=3, max_size=30))
def test_repeating_a_text_never_lowers_its_repetition(words):
    r = RepetitionPenalty(n=2)
    text = " ".join(words)
    assert r.repeated_fraction(text + " " + text) >= r.repeated_fraction(text)
