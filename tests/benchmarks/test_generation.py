"""Batched generation: left padding, logprobs, sampling (tiny random model, no real model loads)."""

import math

import pytest
import torch

from benchmarks.data import chat_prompt
from benchmarks.generation import Generation, generate, render_prompts
from tests.benchmarks.tiny_lm import question_rows, tiny_lm


@pytest.fixture(scope="module")
def lm():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 32-wide model gains nothing from threads; restored afterwards
    yield tiny_lm()
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def prompts():
    return [chat_prompt(r["question"]) for r in question_rows(6)]


def test_batched_greedy_equals_one_at_a_time(lm, prompts):
    model, tok = lm
    batched = generate(model, tok, prompts, max_new_tokens=10, batch_size=6)
    single = [generate(model, tok, [p], max_new_tokens=10, batch_size=1)[0] for p in prompts]
    assert [g[0].text for g in batched] == [g[0].text for g in single]
    for b, s in zip(batched, single):
        assert b[0].num_tokens == s[0].num_tokens
        assert b[0].sum_logprob == pytest.approx(s[0].sum_logprob, abs=1e-3)


def test_prompts_of_different_length_really_are_padded(lm, prompts):
    model, tok = lm
    lengths = {len(ids) for ids in tok(render_prompts(tok, prompts), add_special_tokens=False)["input_ids"]}
    assert len(lengths) > 1  # otherwise the test above would not exercise left padding


def test_greedy_logprob_matches_a_forward_pass(lm, prompts):
    model, tok = lm
    gen = generate(model, tok, prompts[:1], max_new_tokens=8)[0][0]
    ids = tok(render_prompts(tok, prompts[:1]), return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        full = model.generate(ids, max_new_tokens=8, do_sample=False, pad_token_id=tok.pad_token_id)
        logp = torch.log_softmax(model(full).logits[0, :-1].float(), -1)
    new = full[0, ids.shape[1]:]
    expected = logp[ids.shape[1] - 1:].gather(1, new[:, None]).sum().item()
    assert math.isfinite(gen.sum_logprob) and math.isfinite(gen.mean_logprob)
    assert gen.num_tokens == len(new)
    assert gen.sum_logprob == pytest.approx(expected, abs=1e-3)
    assert gen.mean_logprob == pytest.approx(expected / len(new), abs=1e-3)


def test_sampling_gives_k_responses_reproducibly(lm, prompts):
    model, tok = lm
    a = generate(model, tok, prompts, max_new_tokens=6, do_sample=True, num_samples=3, batch_size=4, seed=5)
    b = generate(model, tok, prompts, max_new_tokens=6, do_sample=True, num_samples=3, batch_size=4, seed=5)
    assert [len(x) for x in a] == [3] * len(prompts)
    assert [[g.text for g in x] for x in a] == [[g.text for g in x] for x in b]
    assert len({g.text for x in a for g in x}) > len(prompts)  # samples differ from one another
    assert all(math.isnan(g.sum_logprob) for x in a for g in x)


def test_bad_arguments_raise_before_generating(lm, prompts):
    model, tok = lm
    with pytest.raises(ValueError, match="do_sample=True"):
        generate(model, tok, prompts, num_samples=2)
    with pytest.raises(ValueError, match="max_new_tokens=0"):
        generate(model, tok, prompts, max_new_tokens=0)


def test_generation_mean_of_empty_is_nan():
    assert math.isnan(Generation("", 0.0, 0).mean_logprob)


def test_greedy_row_beside_samples_equals_plain_greedy(lm, prompts):
    model, tok = lm
    plain = generate(model, tok, prompts, max_new_tokens=10, batch_size=6)
    both = generate(model, tok, prompts, max_new_tokens=10, do_sample=True, num_samples=3, with_greedy=True,
                    batch_size=8, seed=1)
    assert [len(g) for g in both] == [4] * len(prompts)
    for p, b in zip(plain, both):
        assert b[0].text == p[0].text and b[0].num_tokens == p[0].num_tokens
        assert b[0].sum_logprob == pytest.approx(p[0].sum_logprob, abs=1e-3)
        assert all(math.isnan(s.sum_logprob) for s in b[1:])  # only greedy responses are scored
    texts = {s.text for b in both for s in b[1:]}
    assert len(texts) > 1  # the sample rows really sample


def test_shared_prompt_encoding_samples_what_plain_generate_samples(lm, prompts):
    # one encoding of the prompt, its cache repeated per sample, must not change the distribution:
    # with the same seed, the tokens equal those of generate(num_return_sequences=k)
    from benchmarks.generation import _shared_prefill

    model, tok = lm
    tok.padding_side = "left"
    texts = render_prompts(tok, prompts[:3])
    enc = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    kwargs = dict(max_new_tokens=8, do_sample=True, top_k=0, pad_token_id=tok.pad_token_id)
    with torch.inference_mode():
        torch.manual_seed(3)
        plain = model.generate(**enc, num_return_sequences=2, **kwargs)
        torch.manual_seed(3)
        shared = model.generate(**_shared_prefill(model, enc, 2), **kwargs)
    assert torch.equal(plain, shared)


def test_with_greedy_needs_sampling(lm, prompts):
    model, tok = lm
    with pytest.raises(ValueError, match="with_greedy"):
        generate(model, tok, prompts, with_greedy=True)
