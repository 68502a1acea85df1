"""Run a job in this process and SIGKILL it at a chosen moment, for the fault-injection tests.

``python tests/faults/kill_points.py JOB OUT [KILL]`` where JOB is ``evaluate`` (a tiny model
answers six questions into ``OUT``, two per batch, resumable) or ``ppo`` (three tiny PPO steps
into the folder ``OUT``, a checkpoint every step, resuming from the last complete one), and
KILL names where the process kills itself with SIGKILL, as a power cut would:

- ``append``: while appending the third batch of results, half a line written;
- ``rewrite-write``: half-way through writing the temporary copy of a resume's results rewrite;
- ``rewrite-rename``: after that copy is written, before it is renamed into place;
- ``checkpoint``: inside the second checkpoint's save, after its weights, before its optimizer.

The job prints ``RESULT <json>`` when it finishes.
"""

import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def evaluate(out: Path, kill: str | None) -> dict:
    import benchmarks.artifacts as artifacts
    import benchmarks.evaluate as evaluation
    from tests.benchmarks.tiny_lm import question_rows, tiny_lm

    if kill == "append":
        real, calls = evaluation._record, [0]

        def record(*args, **kwargs):
            calls[0] += 1
            if calls[0] == 5:  # two batches of two are flushed; the third is cut mid-line
                with open(out, "ab") as handle:
                    handle.write('{"id": "q9", "response": "Caf\u00e9'.encode()[:-1])
                die()
            return real(*args, **kwargs)

        evaluation._record = record
    elif kill == "rewrite-write":
        real_atomic_write = artifacts.atomic_write

        def half_written(path, write):
            def cut(tmp):  # the temporary copy holds half its bytes when the power goes
                write(tmp)
                data = Path(tmp).read_bytes()
                Path(tmp).write_bytes(data[: len(data) // 2])
                die()

            return real_atomic_write(path, cut)

        artifacts.atomic_write = half_written
    elif kill == "rewrite-rename":
        artifacts.os.replace = lambda *a, **k: die()
    torch.set_num_threads(1)
    model, tokenizer = tiny_lm()
    frame = evaluation.evaluate_policy(model, tokenizer, question_rows(), k=0, batch_size=2, out_path=out)
    return {"records": frame[["id", "response", "outcome"]].to_dict("records")}


def ppo(out: Path, kill: str | None) -> dict:
    import shaping.ppo.checkpoint as checkpoint
    from rewards import TruthfulnessReward
    from shaping.ppo import PPOTrainer
    from tests.shaping.tiny import capitals, ppo_config, tiny_model, tiny_policy

    if kill == "checkpoint":
        real, calls = checkpoint.torch.save, [0]

        def save(obj, path, *args, **kwargs):
            if str(path).endswith("optimizer.pt"):
                calls[0] += 1
                if calls[0] == 2:
                    die()
            return real(obj, path, *args, **kwargs)

        checkpoint.torch.save = save
    torch.set_num_threads(1)
    _, tokenizer = tiny_policy()
    config = ppo_config(out, max_steps=3, save_steps=1)
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), config, train_dataset=capitals(),
                         processing_class=tokenizer)
    trainer.train(resume_from_checkpoint=any(out.glob("checkpoint-*")) or None)
    weights = torch.cat([p.detach().flatten() for p in trainer.policy.parameters()])
    history = [{k: v for k, v in r.items() if "time" not in k and "per_second" not in k}
               for r in trainer.state.log_history]
    return {"weights_sum": float(weights.double().sum()), "weights_abs": float(weights.double().abs().sum()),
            "history": history}


if __name__ == "__main__":
    job, out = sys.argv[1], Path(sys.argv[2])
    result = {"evaluate": evaluate, "ppo": ppo}[job](out, sys.argv[3] if len(sys.argv) > 3 else None)
    print("RESULT " + json.dumps(result, default=float))
