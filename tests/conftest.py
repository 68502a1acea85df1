"""Fixtures shared across the test packages."""

import pytest
import torch

from tests.benchmarks.tiny_lm import tiny_lm


@pytest.fixture(scope="module")
def one_thread():
    """Tiny models run fastest on one thread (2 threads spin against each other on a busy CPU)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def lm():
    """A tiny random chat model and its tokenizer, decoded on one thread (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 32-wide model gains nothing from threads
    yield tiny_lm()
    torch.set_num_threads(threads)
