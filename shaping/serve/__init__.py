"""The reward server: OpenRLHF's remote reward form over HTTP, with micro-batching (``shaping serve-reward``)."""

from shaping.serve.batcher import Busy, MicroBatcher
from shaping.serve.server import RewardServer, read_request, served_reward

__all__ = ["Busy", "MicroBatcher", "RewardServer", "read_request", "served_reward"]
