"""Mixed-language end to end, from the store to topics: records are routed to their language's
pipeline, embedded with multilingual-e5-small, and same-problem complaints in different languages
share a topic; a Japanese record is counted and skipped, never clustered.

Sentiment and aspects are left out (their multilingual model is issue 10's), so this runs the
language-dependent stages only; the topic fit is the fast path (PCA + KMeans)."""

import csv
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pytest

from insight import resources
from insight.pipeline import Models, TopicParams, resolve_languages, sentences_for, store_embedder, update_topics
from insight.runners import InProcessRunner
from insight.schema import Record, record_id_for
from insight.stages.nlp import LanguageRouter, unsupported_languages
from insight.store import Store
from tests_paths import MINI

DATA = MINI.parent

E5 = "embed.multilingual-e5-small-q4.v2"  # the default for a mixed-language store
pytestmark = pytest.mark.e2e


def _records():
    rows = list(csv.DictReader((DATA / "multilingual" / "records.csv").open(encoding="utf-8")))
    records = [
        Record(record_id=record_id_for("review", "ml", f"R{i}", r["text"]), channel="review",
               created_at=datetime(2026, 3, 1 + i % 28, tzinfo=timezone.utc), text=r["text"], source="ml",
               source_id=f"R{i}", source_file="records.csv", source_line=i + 2, customer_id=r["customer_id"],
               language=None)  # as if every text were too short for ingest to be sure: routing decides
        for i, r in enumerate(rows)
    ]
    return records, {rec.record_id: row for rec, row in zip(records, rows, strict=True)}


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    """The mixed-language corpus routed, split, embedded with e5 and clustered (fast topic path)."""
    records, rows = _records()
    path = tmp_path_factory.mktemp("ml") / "ml.duckdb"
    with Store(path) as store:
        store.add_records(records, "ingest")
        assert resolve_languages(store) == len(records)
        models = Models(embedder=store_embedder(store, E5, record=True))
        # lookup lemmas are not what this tests and cost seconds per language to load
        models._cache["languages"] = LanguageRouter(lambda lang: resources.load_spacy(lang, lemmas=False))
        run = InProcessRunner(models)
        batch = store.pending("nlp")
        assert unsupported_languages(batch) == {"ja": 1}
        store.commit_stage("nlp", batch["record_id"], "r1", {"sentences": run.apply("nlp", batch)})
        ids = list(store.pending("embed", after="nlp")["record_id"])
        store.commit_stage("embed", ids, "r1", {"embeddings": run.apply("embed", sentences_for(store, ids))})
        update_topics(store, "r1", TopicParams(min_topic_size=10, fast=True), embedder=models.get("embedder"))
    return path, rows


def test_same_problem_in_different_languages_shares_a_topic(mixed_store):
    path, rows = mixed_store
    with Store(path, read_only=True) as store:
        langs = dict(store.con.execute("SELECT record_id, language FROM records").fetchall())
        assert sum(langs[rid] == row["language"] for rid, row in rows.items()) >= len(rows) - 1
        topic_of = dict(store.con.execute("SELECT record_id, topic_id FROM sentence_topics").fetchall())
    japanese = [rid for rid, row in rows.items() if row["language"] == "ja"]
    assert japanese[0] not in topic_of  # no sentence, so no topic
    by_theme = defaultdict(Counter)
    for rid, row in rows.items():
        if row["theme"] != "none":
            by_theme[row["theme"]][topic_of[rid]] += 1
    main_topic = {theme: c.most_common(1)[0][0] for theme, c in by_theme.items()}
    assert len(set(main_topic.values())) == 4  # four problems, four topics
    for theme, c in by_theme.items():  # the Turkish and English complaints sit in the problem's topic
        for rid, row in rows.items():
            if row["theme"] == theme and row["language"] in ("en", "tr"):
                assert topic_of[rid] == main_topic[theme], (theme, row["text"])


def test_labels_in_a_chosen_language_come_from_that_languages_texts(mixed_store):
    """``insight issues --label-language``: a pain point's label in a language is a phrase its mentions
    in that language use; one whose label those mentions already use keeps it."""
    import pandas as pd

    from insight.report.issues import labels_in_language
    from insight.stages.topics import theme_text

    path, _ = mixed_store
    with Store(path, read_only=True) as store:
        voice = store.voice_frame()
        topics = store.active_topics()
        themed = voice[voice["topic_id"].notna() & (voice["topic_id"] >= 0)]
        pains = pd.DataFrame({"pain_id": [f"p{t}" for t in topics["topic_id"]], "label": list(topics["label"])})
        mentions = pd.DataFrame({"pain_id": [f"p{int(t)}" for t in themed["topic_id"]],
                                 "sentence_id": list(themed["sentence_id"])})
        for language in ("tr", "de"):
            labels = labels_in_language(store, voice, pains, mentions, language)
            assert labels, language  # the mixed topics have texts in both languages
            for pain_id, label in labels.items():
                texts = themed[(themed["topic_id"] == int(pain_id[1:])) & (themed["language"] == language)]["text"]
                assert any(label.lower() in (theme_text(t) or t).lower() for t in texts), (language, label, list(texts))
        english = labels_in_language(store, voice, pains, mentions, "en")
        for pain_id, label in zip(pains["pain_id"], pains["label"], strict=True):
            texts = themed[(themed["topic_id"] == int(pain_id[1:])) & (themed["language"] == "en")]["text"]
            if any(label.lower() in (theme_text(t) or t).lower() for t in texts):
                assert pain_id not in english  # already an English phrase of its mentions: kept


def test_a_turkish_customers_profile_carries_the_shared_pain_point_in_turkish(tmp_path):
    """The whole analysis on the mixed corpus: Turkish and English customers with the same problem share
    one pain point, and each Turkish customer's profile holds it with their own Turkish words as evidence."""
    import json

    from insight.pipeline import analyze

    records, rows = _records()
    with Store(tmp_path / "ml.duckdb") as store:
        store.add_records(records, "ingest")
        analyze(store, progress=False, topic_params=TopicParams(min_topic_size=10, fast=True))
        profiles = {r.customer_id: json.loads(r.profile) for r in store.profiles_frame().itertuples()}
    text_of = {row["customer_id"]: row["text"] for row in rows.values()}
    turkish_login = [c for c, row in ((r["customer_id"], r) for r in rows.values())
                     if row["theme"] == "login" and row["language"] == "tr"]
    english_login = [r["customer_id"] for r in rows.values() if r["theme"] == "login" and r["language"] == "en"]
    pains_of = {c: {p["pain_id"] for p in profiles[c]["pain_points"]} for c in turkish_login + english_login}
    shared = set.intersection(*pains_of.values())
    assert len(shared) == 1, pains_of  # one login pain point across both languages
    for c in turkish_login:
        pain = next(p for p in profiles[c]["pain_points"] if p["pain_id"] in shared)
        assert [e["quote"] for e in pain["evidence"]] == [text_of[c]]
        assert profiles[c]["quote"]["text"] == text_of[c]
    assert "M41" not in profiles or not profiles["M41"]["pain_points"]  # Japanese: counted, never analysed
