"""Batched generation: left padding, logprobs, sampling (tiny random model, no real model loads)."""

import math

import pytest
import torch

from benchmarks.data import chat_prompt
from shaping.generation import Generation, generate, render_prompts
from tests.benchmarks.tiny_lm import question_rows


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


def test_greedy_rows_equal_transformers_generate(lm, prompts):
    # our decoding loop (shared prompt cache, finished rows dropped) against the library's greedy search
    model, tok = lm
    ours = generate(model, tok, prompts, max_new_tokens=12, batch_size=6)
    tok.padding_side = "left"
    for prompt, mine in zip(render_prompts(tok, prompts), ours):
        enc = tok([prompt], return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode():
            ref = model.generate(**enc, max_new_tokens=12, do_sample=False, pad_token_id=tok.pad_token_id)
        new = ref[0, enc["input_ids"].shape[1]:].tolist()
        if tok.eos_token_id in new:
            new = new[: new.index(tok.eos_token_id) + 1]
        assert mine[0].num_tokens == len(new)
        assert mine[0].text == tok.decode(new, skip_special_tokens=True).strip()


def test_finished_rows_leave_the_batch(lm, prompts):
    # a row that ends early must not change the rows that go on (their cache rows are re-indexed)
    model, tok = lm
    eos = tok.eos_token_id
    with torch.no_grad():
        saved = model.lm_head.weight[eos].clone()
        model.lm_head.weight[eos] += 0.05  # make some rows stop early
    try:
        both = generate(model, tok, prompts, max_new_tokens=16, batch_size=6)
        single = [generate(model, tok, [p], max_new_tokens=16, batch_size=1)[0] for p in prompts]
    finally:
        with torch.no_grad():
            model.lm_head.weight[eos] = saved
    lengths = [g[0].num_tokens for g in both]
    assert min(lengths) < 16 == max(lengths)  # some rows stopped early, others ran to the limit
    assert [g[0].text for g in both] == [g[0].text for g in single]
    assert lengths == [g[0].num_tokens for g in single]


def test_top_p_keeps_the_nucleus():
    from shaping.generation import _top_p_filter

    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    kept = torch.isfinite(_top_p_filter(logits, 0.7))
    assert kept.tolist() == [[True, True, False, False]]
    assert torch.isfinite(_top_p_filter(logits, 0.1)).sum() == 1  # the top token always stays
    assert torch.equal(_top_p_filter(logits, 1.0), logits)


def test_with_greedy_needs_sampling(lm, prompts):
    model, tok = lm
    with pytest.raises(ValueError, match="with_greedy"):
        generate(model, tok, prompts, with_greedy=True)
