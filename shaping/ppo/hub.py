"""Pushing a trained policy to the Hugging Face Hub, as ``transformers.Trainer.push_to_hub`` does.

The repository is ``hub_model_id`` (default: the name of ``output_dir``); the folder uploaded is
``output_dir`` without its ``checkpoint-*`` folders. Any failure (no network, no token, no
permission) raises ``RuntimeError`` naming the repository and the fix, after the model is saved
locally, so nothing is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def repo_id(args: Any) -> str:
    """The Hub repository a run pushes to: ``hub_model_id``, else the name of ``output_dir``.

    >>> from types import SimpleNamespace
    >>> repo_id(SimpleNamespace(hub_model_id=None, output_dir="runs/ppo-smollm2"))
    'ppo-smollm2'
    """
    return args.hub_model_id or Path(args.output_dir).resolve().name


def push_folder(folder: str | Path, args: Any, *, commit_message: str = "End of training",
                token: str | None = None, revision: str | None = None) -> str:
    """Create the repository if needed and upload ``folder``; return the commit URL."""
    import huggingface_hub

    repo = repo_id(args)
    token = token or args.hub_token
    try:
        repo = huggingface_hub.create_repo(repo, token=token, private=args.hub_private_repo, exist_ok=True).repo_id
        info = huggingface_hub.upload_folder(repo_id=repo, folder_path=str(folder), commit_message=commit_message,
                                             token=token, revision=revision or args.hub_revision,
                                             ignore_patterns=["checkpoint-*", "*.partial", "runs/*"])
    except Exception as error:  # the hub's errors have no common base: name the repository and the fix
        raise RuntimeError(
            f"push_to_hub could not upload {folder} to the Hub repository {repo!r} ({type(error).__name__}: "
            f"{error}). The model is saved in {folder}; check the network, log in with `hf auth login` (or pass "
            "hub_token), or set push_to_hub=False.") from error
    return str(getattr(info, "commit_url", info))
