"""Runners: where stage functions execute. In-process by default; Ray Data for a cluster.

Both call the same plain stage functions (frame in, frame out, models passed in); the Ray runner
only splits a batch into blocks and runs them in actors that each load the models once.
The store is written by the driver only, so commits stay atomic whichever runner computed.
"""

from __future__ import annotations

from typing import Any

from insight.errors import OptionalDependencyError


def compute_nlp(records, models):
    from insight.stages.nlp import split_sentences

    # each record goes to its language's pipeline (records.language); unsupported languages get no rows
    return split_sentences(records, nlp=models.get("languages"))


def compute_sentiment(sentences, models):
    from insight.stages.sentiment import score_sentences

    return score_sentences(sentences, model=models.get("sentiment"))


def compute_aspects(sentences, models):
    from insight.stages.aspects import extract_aspects, needs_foreign_polarity

    extractor = models.get("aspects")
    # terms in sentences of other languages: polarity from the multilingual sentiment model
    foreign = models.get("sentiment") if needs_foreign_polarity(sentences, extractor) else None
    return extract_aspects(sentences, extractor=extractor, model=models.get("aspect_polarity"),
                           lemmatize=models.get("lemmatizer"), foreign_model=foreign)


def compute_embed(sentences, models):
    import pandas as pd

    from insight.stages.topics import embed, theme_text

    # topics embed what can carry a theme (no handles, hashtag blocks, emoji); sentiment keeps them
    texts = [theme_text(t) or t for t in sentences["text"]]
    languages = list(sentences["language"]) if "language" in sentences else None
    vectors = embed(texts, embedder=models.get("embedder"), languages=languages)
    return pd.DataFrame({"sentence_id": list(sentences["sentence_id"]), "vector": [v.tolist() for v in vectors]})


def compute_acts(sentences, models):
    from insight.stages.acts import detect_acts

    return detect_acts(sentences, nlp=models.get("nlp"), head=models.get("request_head"),
                       churn_head=models.get("churn_head"))


COMPUTE = {"nlp": compute_nlp, "sentiment": compute_sentiment, "aspects": compute_aspects, "embed": compute_embed,
           "acts": compute_acts}


class InProcessRunner:
    """Runs each stage function directly in this process (the default)."""

    name = "local"

    def __init__(self, models) -> None:
        self.models = models

    def apply(self, stage: str, frame):
        return COMPUTE[stage](frame, self.models)


class _StageActor:
    """A Ray actor: loads the models once, then applies one stage to each block it is given."""

    def __init__(self, stage: str, device: str | None, embedder: str | None = None) -> None:
        from insight.resources import Models

        self.stage = stage
        self.models = Models(device=device, embedder=embedder)

    def __call__(self, block):
        return COMPUTE[self.stage](block, self.models)


class RayRunner:
    """Runs each stage with Ray Data ``map_batches`` over actors (``pip install 'insight[ray]'``)."""

    name = "ray"

    def __init__(self, models, *, address: str | None = None, concurrency: int = 2, block_size: int = 512) -> None:
        try:
            import ray
        except ImportError as exc:
            raise OptionalDependencyError(
                "the ray runner needs Ray Data. Install it with `pip install 'insight[ray]'` or drop --runner ray."
            ) from exc
        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     ignore_reinit_error=True, configure_logging=False)
        self.models = models
        self.concurrency = concurrency
        self.block_size = block_size

    def apply(self, stage: str, frame):
        import ray.data

        if len(frame) == 0:
            return COMPUTE[stage](frame, self.models)
        ds = ray.data.from_pandas(frame.reset_index(drop=True))
        out = ds.map_batches(
            _StageActor, fn_constructor_args=(stage, self.models.device, self.models.embedder), batch_format="pandas",
            batch_size=self.block_size, concurrency=self.concurrency,
        )
        return out.to_pandas()


def make_runner(name: str, models, **options: Any):
    if name == "local":
        return InProcessRunner(models)
    if name == "ray":
        return RayRunner(models, **options)
    raise OptionalDependencyError(f"unknown runner (got {name!r}). Use local or ray.")
