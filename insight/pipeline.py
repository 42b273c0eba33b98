"""The in-process runner: run every stage over what is new in the store, batch by batch.

Each batch of a stage is committed with its done-markers in one transaction, so a crash keeps
what was stored and the next ``analyze`` resumes without duplicating anything. Pain points and
profiles are recomputed from the store at the end of every run (cheap; no model involved).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from insight import resources
from insight.membership import isin
from insight.resources import Models  # noqa: F401 - re-exported: pipeline.Models
from insight.params import DEFAULT as DEFAULT_PARAMS
from insight.params import AnalysisParams
from insight.progress import Progress
from insight.store import Store

STAGES = ("nlp", "sentiment", "aspects", "embed", "acts", "topics", "painpoints", "profiles")
#: stages whose shipped model can be upgraded, and so rescored in place (``analyze --rescore``)
RESCORABLE = ("sentiment", "aspects")


@dataclass
class TopicParams:
    """Run settings of the topic stage; thresholds default to ``insight.params.AnalysisParams``."""

    min_topic_size: int | None = None
    assign_threshold: float = DEFAULT_PARAMS.assign_threshold
    novelty_threshold: float = DEFAULT_PARAMS.novelty_threshold
    max_fit: int = DEFAULT_PARAMS.max_fit
    seed: int = 42
    fast: bool = False


def _progress(progress) -> Progress:
    """``progress``: a Progress, or a bool (bars on / off)."""
    return progress if isinstance(progress, Progress) else Progress(bool(progress))


def sentences_for(store: Store, record_ids: list[str]):
    """The sentences of these records, each with its record's language (the sentiment stage routes on it)."""
    return store.sentences_with_language(record_ids)


def analyze(
    store: Store,
    *,
    models: Models | None = None,
    batch_size: int = 256,
    topic_params: TopicParams | None = None,
    progress: bool = True,
    stop_after: str | None = None,
    runner: str = "local",
    params: AnalysisParams | None = None,
    rescore: str | None = None,
    ray_address: str | None = None,
    ray_workers: int = 2,
) -> dict[str, Any]:
    """Run the stages over what is new since the last run; returns counts per stage.

    ``params`` (thresholds, ``insight.params``) are recorded in ``runs.params``; the model of each
    model-driven stage (``name@version``) in ``runs.versions["models"]`` and on every done-marker.
    Records a stage did with another model are counted in ``counts["stale_models"]``; ``rescore``
    (a stage of RESCORABLE, or "all") recomputes them in place, batch by batch (resumable: a batch is
    committed with its markers). Raises InputError on a store with no records, before loading a model.
    ``runner="ray"``: every model stage runs on Ray Data actors, ``ray_workers`` of them, on the cluster at
    ``ray_address`` (else $RAY_ADDRESS, else a local one); the store is written here only."""
    from insight.errors import InputError
    from insight.runners import make_runner
    from insight.stages import sentiment as sentiment_stage

    if rescore is not None and rescore != "all" and rescore not in RESCORABLE:
        raise InputError(f"analyze: cannot rescore this stage (got {rescore!r}). Use one of {', '.join(RESCORABLE)} or all.")
    if not store.record_count():
        raise InputError(f"{store.path}: nothing to analyse: ingest files first (got 0 records). "
                         "Run `insight ingest reviews FILE --db ...` (or transcripts, social).")
    current = resources.stage_models()
    rescoring = set(RESCORABLE if rescore == "all" else (rescore,) if rescore else ())
    models = models or Models()
    shown = _progress(progress)
    run = make_runner(runner, models, **({"address": ray_address, "concurrency": ray_workers} if runner == "ray" else {}))
    params = params or DEFAULT_PARAMS
    topic_params = topic_params or TopicParams(assign_threshold=params.assign_threshold,
                                               novelty_threshold=params.novelty_threshold, max_fit=params.max_fit)
    counts: dict[str, Any] = {}
    stale = stale_models(store, current, skip=rescoring)
    if stale:
        counts["stale_models"] = stale
    with store.run("analyze", {"batch_size": batch_size, "runner": runner, "topics": topic_params.__dict__,
                               "params": params.as_dict(), "rescore": sorted(rescoring)},
                   {**resources.versions(), "models": current}) as record:
        record["counts"] = counts  # stored as the run ends: ok, or failed with what was done
        run_id = record["run_id"]
        # 0. settle the language of records ingest left open (short texts)
        counts["languages_resolved"] = resolve_languages(store)
        # 1. sentences, each record by its language's pipeline
        from insight.stages.nlp import unsupported_languages

        todo = store.pending_ids("nlp")
        done = 0
        skipped: dict[str, int] = {}
        with shown.bar(len(todo), "sentences") as bar:
            for _, batch in _batches(todo, batch_size, store.records_by_id):
                frame = run.apply("nlp", batch)
                store.commit_stage("nlp", batch["record_id"], run_id, {"sentences": frame})
                for lang, n in unsupported_languages(batch).items():
                    skipped[lang] = skipped.get(lang, 0) + n
                done += len(batch)
                bar.update(len(batch))
        counts["nlp"] = done
        if skipped:  # counted, never analysed: no sentences, so no topic, pain point or profile voice
            counts["unsupported_language"] = dict(sorted(skipped.items()))
        if stop_after == "nlp":
            return {**counts, "run_id": run_id}

        # 2. sentence + document sentiment (documents aggregated on the driver)
        def sentiment_frames(sents):
            scores = run.apply("sentiment", sents)
            docs = sentiment_stage.score_documents(scores, sents, model_name=models.get("sentiment").name)
            return {"sentence_sentiment": scores, "doc_sentiment": docs}

        counts["sentiment"] = _per_batch(store, "sentiment", run_id, batch_size, shown, sentiment_frames,
                                         model=current["sentiment"], rescore="sentiment" in rescoring)
        if stop_after == "sentiment":
            return {**counts, "run_id": run_id}
        # 3. aspects and the polarity toward each
        counts["aspects"] = _per_batch(store, "aspects", run_id, batch_size, shown,
                                       lambda sents: {"aspects": run.apply("aspects", sents)},
                                       model=current["aspects"], rescore="aspects" in rescoring)
        # 4. sentence embeddings (kept, so topics can be refitted without re-encoding), all by one embedder
        chosen = store_embedder(store, models.embedder, record=bool(store.count_pending("embed", after="nlp")))
        _warn_embedder_mix(store, chosen, explicit=bool(models.embedder or os.environ.get("INSIGHT_EMBEDDER")))
        if getattr(models._cache.get("embedder"), "name", chosen) != chosen:
            for name in ("embedder", "request_head", "churn_head"):  # loaded before the store's choice was known
                models._cache.pop(name, None)
        models.embedder = chosen
        counts["embed"] = _per_batch(store, "embed", run_id, batch_size, shown,
                                     lambda sents: {"embeddings": run.apply("embed", sents)}, model=chosen)
        # 4b. speech acts: requests and their objects, purchase motives, support-case closes (parse, plus
        # the request head on the vectors just stored)
        counts["acts"] = _per_batch(store, "acts", run_id, batch_size, shown,
                                    lambda sents: {"sentence_acts": run.apply("acts", sents)},
                                    read=lambda ids: _with_vectors(store, sentences_for(store, ids)))
        # 5. topics
        with shown.step("topics"):
            counts["topics"] = update_topics(store, run_id, topic_params, progress=False,
                                             embedder=models.get("embedder"), nlp=models.get("nlp"), analysis=params)
        # 6-7. pain points and profiles, from the store
        counts.update(refresh_insights(store, run_id, params=params, progress=shown))
        counts["seconds"] = dict(shown.seconds)
        shown.done("analyze")
    return {**counts, "run_id": run_id}


EMBEDDER_KEY = "embedder"
LEGACY_EMBEDDER = "embed.all-minilm-l6-v2.v1"


def store_embedder(store: Store, wanted: str | None = None, *, record: bool = False) -> str:
    """The embedder whose vectors this store holds (meta 'embedder'), so new sentences and topic
    assignment use the same vector space. A store with embeddings and no record is all-MiniLM's
    (made before the choice existed). ``wanted`` (or $INSIGHT_EMBEDDER) must agree with what is stored;
    with nothing stored it is chosen (else ``auto_embedder``: by the languages of the customer voice),
    and written when ``record``."""
    stored = store.meta_value(EMBEDDER_KEY)
    if stored is None and store.embedding_count():
        stored = LEGACY_EMBEDDER
    explicit = wanted or os.environ.get("INSIGHT_EMBEDDER")
    if stored is not None:
        if explicit and explicit != stored:
            from insight.errors import ConfigError

            raise ConfigError(
                f"{store.path}: the stored embeddings come from {stored} (got {explicit!r}). "
                "Analyse into a fresh store (--db) to switch embedders, or drop --embedder / INSIGHT_EMBEDDER."
            )
        chosen = stored
    elif explicit:
        chosen = resources.embedder_name(explicit)
    else:
        chosen = auto_embedder(store)
    if record:
        store.set_meta(EMBEDDER_KEY, chosen)
    return chosen


def _warn_embedder_mix(store: Store, chosen: str, *, explicit: bool) -> None:
    """A store keeps the embedder it started with. When the customer voice it holds now calls for another
    one (an English store that received German, Finnish or Turkish records: all-MiniLM does not place
    them beside English), say so on stderr, with the fix; the run goes on with the stored embedder."""
    if explicit:
        return
    wanted = auto_embedder(store)
    if wanted != chosen:
        print(f"warning: {store.path} embeds with {chosen}, chosen when its customer voice was of another "
              f"language mix; what it holds now calls for {wanted}. Sentences in other languages will not "
              f"share topics with English ones. Analyse into a fresh store (--db, or delete this one) to "
              f"switch.", file=sys.stderr)


def auto_embedder(store: Store) -> str:
    """The default embedder for a store that has none yet, by the languages of its customer voice
    (``insight.ingest.language.embedder_for_languages``: multilingual-e5-small when 5 % or more is in
    another supported language)."""
    from insight.ingest.language import embedder_for_languages

    return resources.embedder_name(embedder_for_languages(store.customer_voice_languages()))


def resolve_languages(store: Store) -> int:
    """Give the customer-voice records that ingest left without a language (too short or unsure to
    detect), or with an unsupported one, a language from their conversation, the customer's other
    records, the CRM ``language`` / ``country`` fields, or py3langid's best supported guess
    (``insight.ingest.language.resolve_language``). Only records not yet through the nlp stage are
    changed. Returns how many were settled."""
    from insight.ingest.language import SUPPORTED, fallback_languages

    open_ = store.records_to_place(list(SUPPORTED))
    if len(open_) == 0:
        return 0
    customers = sorted({c for c in open_["customer_id"] if isinstance(c, str) and c})
    conversations = sorted({c for c in open_["conversation_id"] if isinstance(c, str) and c})
    context = store.language_context(list(SUPPORTED), customers, conversations)
    attributes = store.customer_attributes(customers)
    import pandas as pd

    settled = fallback_languages(pd.concat([open_, context], ignore_index=True), attributes)
    if settled:
        store.set_record_languages(settled)
    return len(settled)


def _with_vectors(store: Store, sents):
    """The sentences with their stored embedding as a ``vector`` column (None where there is none yet).

    Each act head reads the vectors of the embedder it was fitted on (``acts.HEAD_EMBEDDERS``:
    all-MiniLM-L6-v2 and multilingual-e5-small); a store embedded by another model gives the heads no
    vectors (the parse rules still apply) rather than vectors from a space they never saw."""
    from insight.stages.acts import head_file

    if not len(sents):
        return sents
    if head_file("request", store_embedder(store)) is None:
        return sents.assign(vector=[None] * len(sents))
    vectors = store.vectors_for(list(sents["sentence_id"]))
    by_id = dict(zip(vectors["sentence_id"], vectors["vector"], strict=True))
    return sents.assign(vector=[by_id.get(sid) for sid in sents["sentence_id"]])


def stale_models(store: Store, current: dict[str, str], *, skip=()) -> dict[str, dict[str, int]]:
    """``{stage: {model: records}}`` for records a stage did with a model other than ``current``'s
    (``"unrecorded"``: done before insight recorded models)."""
    out: dict[str, dict[str, int]] = {}
    for stage, by_model in store.stage_models([s for s in current if s not in skip]).items():
        old = {m or "unrecorded": n for m, n in by_model.items() if m != current[stage]}
        if old:
            out[stage] = old
    return out


#: stage batches whose rows one store query reads: each such query scans the whole store, so one per
#: batch would make a run's store reads grow with the square of its size
READ_BATCHES = 16


def _batches(ids: list[str], batch_size: int, read):
    """``(ids, rows)`` per batch of ``batch_size`` of ``ids``, in order: ``read(ids)`` (a frame with a
    ``record_id`` column) is called once per READ_BATCHES batches, and each batch gets its records' rows
    in ``read``'s order, as a fresh frame."""
    step = max(1, batch_size) * READ_BATCHES
    for start in range(0, len(ids), step):
        chunk = ids[start:start + step]
        rows = read(chunk)
        for b in range(0, len(chunk), max(1, batch_size)):
            part = chunk[b:b + batch_size]
            yield part, rows[rows["record_id"].isin(part)].reset_index(drop=True)


def _per_batch(store: Store, stage: str, run_id: str, batch_size: int, progress: Progress | bool, make_frames,
               *, model: str | None = None, rescore: bool = False, read=None) -> int:
    """Run ``stage`` over the records pending for it, batch by batch; with ``rescore``, also over those
    it did with a model other than ``model`` (their rows are replaced in the same transaction).
    ``make_frames`` gets each batch's sentences (``read(record_ids)``, default ``sentences_for``)."""
    wanted = model if rescore else None
    todo = store.pending_ids(stage, after="nlp", model=wanted)  # read once: the store has one writer, this run
    read = read or (lambda ids: sentences_for(store, ids))
    done = 0
    with _progress(progress).bar(len(todo), stage) as bar:
        for ids, sents in _batches(todo, batch_size, read):
            store.commit_stage(stage, ids, run_id, make_frames(sents), model=model)
            done += len(ids)
            bar.update(len(ids))
    return done


# -- topics --------------------------------------------------------------------------------------
def _load_vectors(frame) -> np.ndarray:
    if len(frame) == 0:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(np.stack(frame["vector"].to_numpy()), dtype=np.float32)


def update_topics(store: Store, run_id: str, params: TopicParams, *, progress: bool = True,
                  embedder=None, nlp=None, analysis: AnalysisParams | None = None) -> dict[str, int]:
    """Fit topics the first time; afterwards assign new sentences to the stored topics and
    discover genuinely new themes among what no topic claims. Ids never shuffle. Then topics that are
    one problem are consolidated into groups and the analyst's edits are applied again
    (``insight.curation``)."""
    from insight import curation

    analysis = analysis or DEFAULT_PARAMS
    counts = _update_topics(store, run_id, params, embedder=embedder, nlp=nlp)
    counts["merged"] = curation.consolidate_topics(store, run_id, analysis)
    curation.reapply(store, run_id)
    return counts


#: sentences assigned to the stored topics per read: memory stays bounded however many are new
ASSIGN_CHUNK = 100_000


def _assignments(sentences, topic_ids, probabilities, run_id: str):
    """``sentence_topics`` rows for ``sentences`` (a frame with sentence_id, record_id)."""
    import pandas as pd

    return pd.DataFrame({"sentence_id": sentences["sentence_id"], "record_id": sentences["record_id"],
                         "topic_id": topic_ids, "probability": probabilities, "run_id": run_id})


def _settle_themeless(store: Store, new, run_id: str):
    """Content-free sentences are settled once (``NO_THEME``), never clustered. Returns (the rest, their
    theme texts, how many were settled)."""
    from insight.stages.topics import NO_THEME, theme_text

    themes = [theme_text(t) for t in new["text"]]
    themeless = new[[t is None for t in themes]]
    if len(themeless):
        with store.transaction():
            store.assign_sentences(_assignments(themeless, NO_THEME, 0.0, run_id))
    keep = [t is not None for t in themes]
    return new[keep].reset_index(drop=True), [t for t in themes if t is not None], len(themeless)


def _update_topics(store: Store, run_id: str, params: TopicParams, *, embedder=None, nlp=None) -> dict[str, int]:
    import pandas as pd

    from insight.stages.labels import class_keywords, readable_label
    from insight.stages.topics import OUTLIER, TopicDiscovery, assign, fit_sample, fit_sampled, theme_text

    existing = store.active_topics(centroids=True)
    # with stored topics, new sentences are read and assigned a chunk at a time (nearest centroid)
    new = store.sentences_without_topic(limit=ASSIGN_CHUNK if len(existing) else None)
    before = dict(zip(existing["topic_id"], existing["size"], strict=True))
    changes: list[dict[str, Any]] = []
    if len(new) == 0:
        return {"assigned": 0, "topics": len(existing), "new_topics": 0}
    languages = store.record_languages()

    def discoverer(n: int) -> TopicDiscovery:
        return TopicDiscovery(min_topic_size=params.min_topic_size, outlier_threshold=params.assign_threshold,
                              seed=params.seed, fast=params.fast, label_embedder=embedder, nlp=nlp,
                              languages=languages)

    if len(existing) == 0:
        new, texts, n_themeless = _settle_themeless(store, new, run_id)
        if len(new) == 0:
            return {"assigned": 0, "topics": 0, "new_topics": 0, "no_theme": n_themeless}
        if len(new) < 20:  # too few to find themes yet; themeless ones are settled above
            return {"assigned": 0, "topics": 0, "new_topics": 0, "waiting": len(new)}
        vectors = _load_vectors(new)
        # fit on a seeded sample of at most max_fit sentences, assign the rest to its centroids
        td = discoverer(min(len(new), params.max_fit))
        labels, sims = fit_sampled(td, texts, vectors, max_fit=params.max_fit, seed=params.seed,
                                   threshold=params.assign_threshold)
        topic_rows = [{**t.as_row(), "status": "active", "created_run": run_id, "updated_run": run_id,
                       "merged_into": None} for t in td.topics_]
        changes += [{"topic_id": t.topic_id, "change": "new", "detail": {"label": t.label, "size": t.size}}
                    for t in td.topics_]
        topics_frame = pd.DataFrame(topic_rows)
        if len(topics_frame):
            topics_frame["keywords"] = topics_frame["keywords"].map(json.dumps)
        with store.transaction():
            store.add_topics(topics_frame)
            store.assign_sentences(_assignments(new, labels, sims, run_id))
        n_assigned = len(new)
    else:
        ids = list(existing["topic_id"])
        cents = _load_vectors(existing)
        n_assigned = n_themeless = 0
        while len(new):
            last = new["sentence_id"].iloc[-1]
            kept, _, settled = _settle_themeless(store, new, run_id)
            n_themeless += settled
            if len(kept):
                labels, sims = assign(_load_vectors(kept), ids, cents, threshold=params.assign_threshold)
                with store.transaction():
                    store.assign_sentences(_assignments(kept, labels, sims, run_id))
                n_assigned += len(kept)
            new = store.sentences_without_topic(limit=ASSIGN_CHUNK, after=last)
        if n_assigned == 0:
            return {"assigned": 0, "topics": len(existing), "new_topics": 0, "no_theme": n_themeless}

    # genuinely new themes among the outliers
    n_new_topics = 0
    pool = store.sentences_in_topic(OUTLIER)
    if len(existing) and len(pool) >= 30:
        pool_vecs = _load_vectors(pool)
        # as the first fit: on a seeded sample of at most max_fit outliers (the pool grows with every run;
        # the exact kNN and HDBSCAN cost grows faster than linearly), the rest assigned to what it finds
        td = discoverer(min(len(pool), params.max_fit))
        pool_labels, pool_probs = fit_sampled(td, [theme_text(t) or t for t in pool["text"]], pool_vecs,
                                              max_fit=params.max_fit, seed=params.seed,
                                              threshold=params.assign_threshold)
        pool_probs[fit_sample(len(pool), params.max_fit, params.seed)] = td.probabilities_
        all_cents = _load_vectors(store.topic_centroids())
        next_id = store.next_topic_id()
        used = store.topic_labels()
        new_rows, moves = [], []
        for t in td.topics_:
            if len(all_cents) and float((all_cents @ t.centroid).max()) >= params.novelty_threshold:
                continue
            in_topic = pool_labels == t.topic_id
            members = pool[in_topic]
            label = t.label
            if label in used:  # unique against the stored topics too
                member_texts = [theme_text(x) or x for x in members["text"]]
                kw = class_keywords(member_texts, np.zeros(len(members), int), [0],
                                    languages=languages).get(0, t.keywords)
                label = readable_label(kw or t.keywords, used)
            used.add(label)
            new_rows.append({**t.as_row(), "topic_id": next_id, "label": label, "status": "active",
                             "created_run": run_id, "updated_run": run_id, "merged_into": None})
            moves += [(next_id, float(p), sid) for sid, p in zip(members["sentence_id"], pool_probs[in_topic], strict=True)]
            changes.append({"topic_id": next_id, "change": "new", "detail": {"label": label, "size": t.size}})
            next_id += 1
            n_new_topics += 1
        if new_rows:
            frame = pd.DataFrame(new_rows)
            frame["keywords"] = frame["keywords"].map(json.dumps)
            with store.transaction():
                store.add_topics(frame)
                store.move_sentences(moves)

    # sizes and what changed
    size_map = store.assigned_topic_sizes()
    with store.transaction():
        for tid, n in size_map.items():
            old = before.get(tid)
            if old is not None and n != old:
                changes.append({"topic_id": int(tid), "change": "grown" if n > old else "shrunk",
                                "detail": {"from": int(old), "to": int(n)}})
            store.set_topic_size(tid, n, run_id)
        if changes:
            frame = pd.DataFrame([{**c, "run_id": run_id, "detail": json.dumps(c["detail"])} for c in changes])
            store.add_topic_changes(frame[["run_id", "topic_id", "change", "detail"]])
    n_topics = store.active_topic_count()
    return {"assigned": n_assigned, "topics": n_topics, "new_topics": n_new_topics if len(existing) else n_topics,
            "no_theme": n_themeless}


# -- pain points and profiles ----------------------------------------------------------------------
def load_frames(store: Store) -> dict[str, Any]:
    """What the pain-point and profile stages read: the customer voice (one row per sentence, with its
    sentiment, record sentiment and topic), aspects, records, CRM attributes, identities, acts and
    the times of agent replies in conversations."""
    voice = store.voice_frame()
    aspects = store.aspects_frame()
    records = store.customer_records()
    attributes = store.customer_attributes()
    identities = store.identities_by_customer()
    acts = store.sentence_acts()
    return {"voice": voice, "aspects": aspects, "records": records, "attributes": attributes, "identities": identities,
            "acts": acts, "replies": store.agent_replies()}


def related_topics(store: Store, quantile: float = DEFAULT_PARAMS.related_topic_quantile,
                   min_similarity: float = DEFAULT_PARAMS.related_topic_min_similarity) -> dict[int, set[int]]:
    """Topic id -> ids of the topics whose centroids are related to it: a cosine at least the ``quantile``
    of all centroid-pair cosines of the store (``related_threshold``), and at least ``min_similarity``."""
    topics = store.active_topics(centroids=True)
    if len(topics) == 0:
        return {}
    vectors = _load_vectors(topics)
    sims = vectors @ vectors.T
    threshold = related_threshold(sims, quantile, min_similarity)
    ids = [int(t) for t in topics["topic_id"]]
    return {ids[i]: {ids[j] for j in np.where(sims[i] >= threshold)[0] if j != i} for i in range(len(ids))}


def related_threshold(sims: np.ndarray, quantile: float, min_similarity: float) -> float:
    """The cosine from which two topics are related, given their centroid cosine matrix ``sims``: the
    ``quantile`` of its off-diagonal pairs, or ``min_similarity`` when that is higher (or no pair exists)."""
    pairs = sims[np.triu_indices(len(sims), 1)]
    return max(float(min_similarity), float(np.quantile(pairs, quantile)) if len(pairs) else float(min_similarity))


def value_terms(store: Store, aspects, embedder=None) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Aspect term -> value category, and the corpus's value taxonomy (``insight.stages.values``)."""
    from insight.stages.topics import embed
    from insight.stages.values import ValueTaxonomy

    norms = aspects["norm"].dropna() if len(aspects) else []
    terms = {str(k): int(v) for k, v in (norms.value_counts().items() if len(norms) else [])}
    if not terms:
        return {}, []
    embedder = embedder or resources.load_embedder()
    taxonomy = ValueTaxonomy().fit(terms, lambda texts: embed(texts, embedder=embedder))
    return taxonomy.term_values_, taxonomy.taxonomy(terms)


def motive_kinds(store: Store, acts, embedder=None) -> dict[str, str]:
    """Sentence id -> motive kind for every motive sentence, from the stored sentence vectors (the
    embedder is loaded only when there are motive sentences)."""
    from insight.stages.motives import MotiveKinds
    from insight.stages.topics import embed

    motives = acts[acts["act"] == "motive"] if len(acts) else acts
    if not len(motives):
        return {}
    ids = list(motives["sentence_id"])
    vectors = store.vectors_for(ids)
    by_id = dict(zip(vectors["sentence_id"], _load_vectors(vectors), strict=True)) if len(vectors) else {}
    frames = dict(zip(motives["sentence_id"], motives["detail"], strict=True))
    ids = [i for i in ids if i in by_id]
    if not ids:
        return {}
    embedder = embedder or resources.load_embedder()
    kinds = MotiveKinds().fit(lambda texts: embed(texts, embedder=embedder))
    return dict(zip(ids, kinds.transform(np.stack([by_id[i] for i in ids]), [frames[i] for i in ids]), strict=True))


def pain_inputs(store: Store, *, with_churn: bool = True) -> dict[str, Any]:
    """What the pain-point stage needs besides the voice: analyst state and churn-risk customers (the
    stored profiles'; ``with_churn=False`` for a caller that builds the profiles itself)."""
    from insight import curation

    ignored, group_labels = curation.group_state(store)
    embedder: list = []

    def loader():  # one embedder for both label choosers, loaded on first use
        if not embedder:
            embedder.append(resources.load_embedder(name=store_embedder(store)))
        return embedder[0]

    return {"ignored": ignored, "group_labels": group_labels,
            "churn_customers": (store.churn_customers(DEFAULT_PARAMS.churn_levels)
                                if with_churn and store.profile_count() else None),
            "label_chooser": central_label_chooser(store, loader),
            "complaint_labeller": complaint_labeller(store, loader)}


def central_label_chooser(store: Store, embedder_loader):
    """A pain point made of several topics is named by the sub-theme label closest (cosine of the label's
    embedding) to the mean stored vector of the pain point's own mentions, as a topic is named by the
    phrase closest to its centroid. The largest sub-theme is not always what the group is about: on the
    four-language demo the login group was headed by "there's no manage button" (a cancel complaint
    that joined it) and is now "code never reaches my phone". ``embedder_loader`` is called once, on
    first use. A group whose mentions have no stored vectors keeps its largest sub-theme's label."""
    from insight.stages.labels import embed_phrases

    vectors: dict[str, np.ndarray] = {}
    phrases: dict[str, np.ndarray] = {}
    embedder = []

    def choose(subs: list[dict], mentions) -> str:
        labels = [str(s["label"]) for s in subs]
        wanted = [i for i in dict.fromkeys(mentions["sentence_id"]) if i not in vectors]
        if wanted:
            stored = store.vectors_for(wanted)
            vectors.update(zip(stored["sentence_id"], _load_vectors(stored), strict=True))
        have = [vectors[i] for i in mentions["sentence_id"] if i in vectors]
        if not have:
            return labels[0]
        centre = np.mean(have, axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        new = [lab for lab in dict.fromkeys(labels) if lab not in phrases]
        if new:
            if not embedder:
                embedder.append(embedder_loader())
            phrases.update(zip(new, embed_phrases(new, embedder[0]), strict=True))
        sims = [float(phrases[lab] @ centre) for lab in labels]
        return labels[int(np.argmax(sims))]  # ties: the larger sub-theme (subs come largest first)

    return choose


#: at most this many of a pain point's mentions (a seeded sample) are read to name it from its complaints
LABEL_SAMPLE = 5_000


def complaint_labeller(store: Store, embedder_loader):
    """A pain point whose topic label its complaints do not use (``painpoints.said_by_complaints``) is
    named from its negative mentions alone: verbatim phrases of those sentences, the one closest to their
    mean stored vector (``labels.labels_from_texts``, as a topic is named from its sentences; customer
    names kept out with the English spaCy pipeline when the mentions are English). Returns
    ``(mentions, used) -> label | None``; None when the mentions have no stored vectors or yield no
    phrase. Results are kept per set of mentions: a refresh ranks the pain points three times."""
    from insight.stages.labels import labels_from_texts
    from insight.stages.topics import theme_text

    chosen: dict[tuple, str | None] = {}

    def label(mentions, used) -> str | None:
        key = tuple(mentions["sentence_id"])
        if key in chosen:
            return chosen[key]
        rows = mentions.drop_duplicates("sentence_id")
        if len(rows) > LABEL_SAMPLE:  # a seeded sample names a large pain point, as a topic fit is sampled
            rows = rows.sample(LABEL_SAMPLE, random_state=0)
        stored = store.vectors_for(list(rows["sentence_id"]))
        by_id = dict(zip(stored["sentence_id"], _load_vectors(stored), strict=True)) if len(stored) else {}
        rows = rows[isin(rows["sentence_id"], list(by_id))]
        if not len(rows):
            chosen[key] = None
            return None
        found_languages = rows["language"].dropna().astype(str) if "language" in rows else []
        languages = tuple(sorted(set(found_languages))) or ("en",)
        nlp = resources.load_spacy() if "en" in languages else None
        texts = [theme_text(t) or t for t in rows["text"]]
        vectors = np.stack([by_id[i] for i in rows["sentence_id"]])
        found = labels_from_texts({0: texts}, {0: vectors}, embedder=embedder_loader(), nlp=nlp,
                                  languages=languages, used=set(used))
        chosen[key] = found.get(0)
        return chosen[key]

    return label


#: customers whose profiles are built at a time: only one chunk's plain rows and profile dicts are held
#: (a 1M-record store held all 131,000 profile dicts, then their JSON, beside the voice frame)
PROFILE_CHUNK = 20_000


def profiles_by_chunks(frames: dict[str, Any], mentions, pains, emotions: dict[str, dict], *, related_topics,
                       motive_kinds, term_values, run_id: str) -> Iterator[Any]:
    """``build_profiles`` over ``PROFILE_CHUNK`` customers at a time (in customer id order, as one call
    orders them), each profile given its customer's dominant negative emotions (``emotions``, from
    ``customer_emotions``) and stored as JSON text: yields one frame (customer_id, profile JSON,
    churn_risk, run_id) per chunk, for ``Store.stage_profiles`` to write before the next is built.
    A profile reads only its own customer's rows besides the corpus-wide inputs, so the chunks give
    the profiles one call would."""
    from insight.stages.profiles import build_profiles

    records, voice, aspects, acts = frames["records"], frames["voice"], frames["aspects"], frames["acts"]
    attributes = frames["attributes"]
    customers = sorted(set(records["customer_id"].dropna()) | set(attributes))
    no_emotions = {"dominant_negative": [], "negative_sentences": 0}
    for start in range(0, max(len(customers), 1), PROFILE_CHUNK):
        ids = set(customers[start:start + PROFILE_CHUNK])
        part_voice = voice[isin(voice["customer_id"], ids)]
        sentences = part_voice["sentence_id"]
        part = build_profiles(
            records[isin(records["customer_id"], ids)], part_voice,
            aspects[isin(aspects["customer_id"], ids)] if len(aspects) else aspects,
            mentions[isin(mentions["sentence_id"], sentences)], pains,
            attributes={c: attributes[c] for c in ids if c in attributes}, identities=frames["identities"],
            related_topics=related_topics, acts=acts[isin(acts["sentence_id"], sentences)] if len(acts) else acts,
            motive_kinds=motive_kinds, term_values=term_values, replies=frames["replies"], run_id=run_id)
        for cid, profile in zip(part["customer_id"], part["profile"], strict=True):
            profile.setdefault("voice", {})["emotions"] = emotions.get(str(cid), no_emotions)
        part["profile"] = [json.dumps(p, default=str) for p in part["profile"]]
        yield part


def refresh_insights(store: Store, run_id: str, params: AnalysisParams | None = None,
                     progress: Progress | bool = False) -> dict[str, int]:
    """Recompute pain points and profiles from the store (atomic replace of each table).

    Pain points are ranked twice: once to build the profiles (which need the pain points), then
    again with each pain point's share of churn-risk customers from those profiles (and once more in
    between when shared customers merged topic groups). The voice is read for them once
    (``painpoints.VoiceReading``); each ranking only groups, names and measures."""
    from insight import curation
    from insight.stages.emotions import customer_emotions, pain_point_emotions
    from insight.stages.painpoints import VoiceReading, customer_value, rank_pain_points, shared_customer_merges

    params = params or DEFAULT_PARAMS
    shown = _progress(progress)
    with shown.step("pain points"):
        frames = load_frames(store)
        ltv = {cid: v for cid, attrs in frames["attributes"].items() if (v := customer_value(attrs)) is not None}
        extra = pain_inputs(store, with_churn=False)  # the churn-risk customers come from the profiles built below
        reading = VoiceReading(frames["voice"], frames["aspects"], params=params, ignored=extra.pop("ignored"))
        pains, mentions = rank_pain_points(reading, ltv=ltv, run_id=run_id, **extra)
        merged = curation.merge_by_customers(store, run_id, shared_customer_merges(pains, mentions, frames["voice"],
                                                                                    params))
        if merged:  # the groups moved: only the voice's group ids change (not the whole voice read again)
            groups = store.voice_groups().set_index("sentence_id")["group_id"]
            group_ids = groups.reindex(frames["voice"]["sentence_id"]).to_numpy()
            del groups
            frames["voice"] = frames["voice"].assign(group_id=group_ids)
            reading = reading.with_groups(group_ids)
            pains, mentions = rank_pain_points(reading, ltv=ltv, run_id=run_id, **extra)
    with shown.step("profiles"):
        # the store's embedder: motive kinds compare stored sentence vectors with the catalogue's
        embedder = (resources.load_embedder(name=store_embedder(store)) if len(frames["aspects"]) or len(frames["acts"])
                    else None)
        term_values, _ = value_terms(store, frames["aspects"], embedder)
        # written a chunk at a time into a staging table, swapped in with the pain points below
        n_profiles = store.stage_profiles(profiles_by_chunks(
            frames, mentions, pains, customer_emotions(frames["voice"]),
            related_topics=related_topics(store, params.related_topic_quantile,
                                          params.related_topic_min_similarity),
            motive_kinds=motive_kinds(store, frames["acts"], embedder), term_values=term_values, run_id=run_id))
    with shown.step("pain points"):  # ranked again with each pain point's share of churn-risk customers
        extra["churn_customers"] = store.churn_customers(params.churn_levels, staged=True)
        pains, mentions = rank_pain_points(reading, ltv=ltv, run_id=run_id, **extra)
        mix = pain_point_emotions(mentions, frames["voice"])
        if len(pains) and mix:  # the emotion mix of each pain point's mentions
            pains["parts"] = [dict(parts or {}, emotions=mix.get(pid)) for pid, parts in
                              zip(pains["pain_id"], pains["parts"], strict=True)]
    stored = pains.copy()
    for col in ("channels", "parts", "evidence"):
        stored[col] = stored[col].map(lambda x: json.dumps(x, default=str))
    store.replace_insights(stored, mentions)
    return {"pain_points": len(pains), "profiles": n_profiles, "merged_by_customers": merged}
