"""The reward server: OpenRLHF's POST form, bad requests, health, micro-batching."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rewards import TruthfulnessReward
from rewards.integrations.openrlhf import OpenRLHFReward
from shaping.serve import Busy, MicroBatcher, RewardServer, served_reward

RECORDED = [json.loads(line) for line in (Path(__file__).parents[1] / "rewards" / "data" / "openrlhf_queries.jsonl")
            .read_text(encoding="utf-8").splitlines()]
BATCH = {"query": [r["query"] for r in RECORDED], "prompts": [r["prompt"] for r in RECORDED],
         "labels": [r["label"] for r in RECORDED]}


@pytest.fixture
def server():
    server = RewardServer(served_reward(wrong=-3.0), port=0).start()
    yield server
    server.close()


def request(server, method, path, body=None, *, conn=None):
    """(status, JSON reply); ``body`` a dict (sent as JSON) or raw bytes."""
    conn = conn or http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    reply = conn.getresponse()
    return reply.status, json.loads(reply.read())


@pytest.mark.parametrize("module", ["shaping.serve.batcher", "shaping.serve.server"])
def test_docstring_examples(module):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_binds_loopback_by_default(server):
    assert server.server_address[0] == "127.0.0.1" and server.url.startswith("http://127.0.0.1:")


def test_answers_the_openrlhf_post_form_like_the_in_process_adapter(server):
    status, reply = request(server, "POST", "/get_reward", BATCH)
    assert status == 200
    local = OpenRLHFReward(TruthfulnessReward(wrong=-3.0))(BATCH["query"], BATCH["prompts"], BATCH["labels"])
    assert reply["rewards"] == local["rewards"].tolist()
    assert reply["scores"] == local["scores"].tolist()
    assert reply["extra_logs"] == {k: v.tolist() for k, v in local["extra_logs"].items()}
    plain = TruthfulnessReward(wrong=-3.0)([r["question"] for r in RECORDED], [r["response"] for r in RECORDED],
                                           answers=[json.loads(r["label"])["answers"] for r in RECORDED])
    assert reply["rewards"] == plain
    assert request(server, "POST", "/", {"query": [], "prompts": [], "labels": []}) == (
        200, {"rewards": [], "scores": [], "extra_logs": {}})


@pytest.mark.parametrize("body, status, match", [
    (b"{not json", 400, "not JSON"),
    (b"[1, 2]", 400, "JSON list"),
    ({"query": ["Q? a"]}, 422, "no ['prompts', 'labels']"),
    ({"query": ["Q? a", "Q? b"], "prompts": ["Q?"], "labels": [{"answers": ["a"]}]}, 422, "2 queries, 1 prompts"),
    ({"query": ["Q? a"], "prompts": ["Q?"], "labels": [{"question": "Q?"}]}, 422, "no 'answers'"),
    ({"query": ["Q? a"], "prompts": ["Q?"], "labels": ["a"]}, 422, "not JSON"),
    ({"query": "Q? a", "prompts": ["Q?"], "labels": [{"answers": []}]}, 422, "queries is a str"),
    ({"query": ["Other. a"], "prompts": ["Q?"], "labels": [{"answers": []}]}, 422, "does not start with its prompt"),
])
def test_bad_requests_get_a_4xx_and_the_server_keeps_serving(server, body, status, match):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    got, reply = request(server, "POST", "/get_reward", body, conn=conn)
    assert got == status and match in reply["error"]
    good = {"query": ["Q? Paris."], "prompts": ["Q?"], "labels": [{"answers": ["Paris"]}]}
    assert request(server, "POST", "/get_reward", good, conn=conn) == (  # the same keep-alive connection
        200, {"rewards": [1.0], "scores": [1.0], "extra_logs": {"truthfulness/correct_rate": [1.0],
                                                                "truthfulness/abstain_rate": [0.0],
                                                                "truthfulness/wrong_rate": [0.0]}})


def test_unknown_paths_and_oversized_bodies(server):
    assert request(server, "GET", "/nothing")[0] == 404
    assert request(server, "POST", "/nothing", {"query": []})[0] == 404
    server.max_body_bytes = 10
    status, reply = request(server, "POST", "/get_reward", BATCH)
    assert status == 413 and "Split the batch" in reply["error"]
    server.max_body_bytes = 1 << 20
    assert request(server, "POST", "/get_reward", BATCH)[0] == 200


def test_a_failing_reward_is_a_500_that_says_why_and_the_server_goes_on():
    def picky(prompts, completions, **columns):
        if "boom" in completions:
            raise RuntimeError("the RM ran out of memory")
        return [1.0] * len(completions)

    server = RewardServer(picky, port=0).start()
    try:
        status, reply = request(server, "POST", "/get_reward", {"query": ["Q? boom"], "prompts": ["Q?"],
                                                                "labels": [{"answers": ["a"]}]})
        assert status == 500 and "the RM ran out of memory" in reply["error"]
        assert request(server, "POST", "/get_reward", {"query": ["Q? a"], "prompts": ["Q?"],
                                                       "labels": [{"answers": ["a"]}]})[1]["rewards"] == [1.0]
        assert request(server, "GET", "/health")[1]["failed_requests"] == 1
    finally:
        server.close()


def test_health_counts_requests_and_concurrent_requests_all_get_their_own_scores(server):
    status, health = request(server, "GET", "/health")
    assert status == 200 and health["status"] == "ok" and health["requests"] == 0

    def one(i):
        row = RECORDED[i % len(RECORDED)]
        return i, request(server, "POST", "/get_reward", {"query": [row["query"]], "prompts": [row["prompt"]],
                                                          "labels": [row["label"]]})[1]["rewards"]

    with ThreadPoolExecutor(8) as pool:
        replies = dict(pool.map(one, range(48)))
    expected = TruthfulnessReward(wrong=-3.0)([r["question"] for r in RECORDED], [r["response"] for r in RECORDED],
                                              answers=[json.loads(r["label"])["answers"] for r in RECORDED])
    assert all(replies[i] == [expected[i % len(RECORDED)]] for i in range(48))
    health = request(server, "GET", "/health")[1]
    assert health["requests"] == 48 and health["samples"] == 48 and 1 <= health["batches"] <= 48


def test_batcher_groups_waiting_requests_into_one_batch():
    calls = []
    batcher = MicroBatcher(lambda xs: calls.append(list(xs)) or [x * 10 for x in xs], max_batch=8, max_wait_ms=50)
    futures = [batcher.submit([i, i + 100]) for i in range(3)]  # queued before the worker starts
    batcher.start()
    try:
        assert [f.result(timeout=10) for f in futures] == [[0, 1000], [10, 1010], [20, 1020]]
        assert calls == [[0, 100, 1, 101, 2, 102]]
        assert batcher.stats.as_dict()["largest_batch"] == 6
    finally:
        batcher.close()


def test_batcher_waits_only_for_requests_that_are_being_read():
    calls = []
    batcher = MicroBatcher(lambda xs: calls.append(list(xs)) or list(xs), max_wait_ms=60_000).start()
    try:
        assert batcher.submit(["alone"]).result(timeout=30) == ["alone"]  # nobody else is arriving: no wait
        with batcher.arriving():  # a second request is being read while the first waits
            first = batcher.submit(["a"])
            second = batcher.submit(["b"])
        assert (first.result(timeout=30), second.result(timeout=30)) == (["a"], ["b"])
        assert calls == [["alone"], ["a", "b"]]
    finally:
        batcher.close()


def test_batcher_scores_a_request_larger_than_max_batch_alone_and_keeps_the_batch():
    calls = []
    batcher = MicroBatcher(lambda xs: calls.append(list(xs)) or list(xs), max_batch=3, max_wait_ms=50)
    small, big, last = batcher.submit([1]), batcher.submit([2, 3, 4, 5]), batcher.submit([6])
    batcher.start()
    try:
        assert (small.result(10), big.result(10), last.result(10)) == ([1], [2, 3, 4, 5], [6])
        assert calls == [[2, 3, 4, 5], [1, 6]]
    finally:
        batcher.close()


def test_batcher_fails_only_the_request_that_fails():
    def score(xs):
        if "bad" in xs:
            raise ValueError("cannot score 'bad'")
        return [x.upper() for x in xs]

    batcher = MicroBatcher(score, max_wait_ms=50)
    good, bad, other = batcher.submit(["a"]), batcher.submit(["bad"]), batcher.submit(["c"])
    batcher.start()
    try:
        assert good.result(10) == ["A"] and other.result(10) == ["C"]
        with pytest.raises(ValueError, match="cannot score 'bad'"):
            bad.result(10)
    finally:
        batcher.close()


def test_batcher_is_bounded_and_rejects_bad_settings():
    batcher = MicroBatcher(list, max_pending=2)
    batcher.submit([1]), batcher.submit([2])
    with pytest.raises(Busy, match="2 requests are already waiting"):
        batcher.submit([3])
    batcher.close()
    with pytest.raises(ValueError, match="max_batch=0"):
        MicroBatcher(list, max_batch=0)


@pytest.mark.usefixtures("one_thread")
def test_serves_the_rules_composed_with_a_preference_rm(tmp_path):
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from rewards.compose import DominanceSafe
    from shaping.models import encoder_path
    from shaping.rm.score import RewardModelReward

    tokenizer = AutoTokenizer.from_pretrained(encoder_path())
    model = BertForSequenceClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=1))
    model.save_pretrained(tmp_path), tokenizer.save_pretrained(tmp_path)  # the folder `shaping train-rm` writes
    rows = [r for r in RECORDED if "question" in json.loads(r["label"])]  # the RM reads the label's question
    questions, responses = [r["question"] for r in rows], [r["response"] for r in rows]
    answers = [json.loads(r["label"])["answers"] for r in rows]
    server = RewardServer(served_reward(wrong=-3.0, rm=tmp_path), port=0).start()
    try:
        status, reply = request(server, "POST", "/get_reward", {"query": [r["query"] for r in rows],
                                                                "prompts": [r["prompt"] for r in rows],
                                                                "labels": [r["label"] for r in rows]})
    finally:
        server.close()
    assert status == 200
    local = DominanceSafe(TruthfulnessReward(wrong=-3.0), RewardModelReward(str(tmp_path)))
    assert reply["rewards"] == pytest.approx(local(questions, responses, answers=answers))
    levels = TruthfulnessReward(wrong=-3.0)(questions, responses, answers=answers)
    assert all(abs(got - level) <= 0.25 for got, level in zip(reply["rewards"], levels))  # inside the band
    assert reply["rewards"] != levels  # the RM moved them
    assert reply["scores"] == [{1.0: 1.0, 0.0: 0.75, -3.0: 0.0}[v] for v in levels]


def test_served_reward_refuses_unknown_names():
    with pytest.raises(ValueError, match="not one of"):
        served_reward("helpfulness")


def test_close_stops_serving():
    server = RewardServer(served_reward(), port=0).start()
    server.close()
    assert not server.thread.is_alive() and not server.batcher.worker.is_alive()
