"""``shaping serve-reward`` as a user starts it: a process that answers the POST form until stopped."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).parents[2]


def post(url, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_serve_reward_command_answers_until_stopped():
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve-reward", "--port", "0", "--wrong", "-3"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("serving TruthfulnessReward on http://127.0.0.1:"), line
        url = line.split(" on ")[1].split()[0]
        question = "What is the capital of France?"
        body = {"query": [f"User: {question}\nAssistant: Lyon.</s>", f"User: {question}\nAssistant: Paris.</s>"],
                "prompts": [f"User: {question}\nAssistant:"] * 2,
                "labels": [json.dumps({"answers": ["Paris"], "question": question})] * 2}
        assert post(url + "/get_reward", body)[1]["rewards"] == [-3.0, 1.0]
        assert post(url + "/get_reward", b"not json")[0] == 400
        assert post(url + "/get_reward", body)[0] == 200
        with urllib.request.urlopen(url + "/health", timeout=30) as reply:
            assert json.loads(reply.read())["requests"] == 2
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_reward_errors_are_clear():
    with pytest.raises(SystemExit, match="does not exist"):
        main(["serve-reward", "--rm", str(ROOT / "no-such-rm")])
    with pytest.raises(SystemExit, match="order"):
        main(["serve-reward", "--wrong", "2"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(SystemExit, match="pick another --port"):
            main(["serve-reward", "--port", str(taken.getsockname()[1])])
