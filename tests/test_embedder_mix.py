"""A store keeps its embedder; when its language mix later calls for another one, the run says so."""

import json

from insight.jobs import ingest_files
from insight.pipeline import EMBEDDER_KEY, _warn_embedder_mix
from insight.store import Store

ENGLISH = "embed.all-minilm-l6-v2.v1"
GERMAN = ["Der Akku ist nach einem Tag leer, das ist wirklich ärgerlich.",
          "Die Kamera verliert ständig die Verbindung zum WLAN.",
          "Seit dem Update stürzt die App jeden Morgen ab."]


def _posts(path, texts, prefix):
    with path.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"post_id": f"{prefix}{i}", "text": t, "handle": f"@{prefix}{i}",
                                "platform": "twitter", "created_at": "2026-03-01T10:00:00Z"}) + "\n")
    return str(path)


def test_an_english_store_that_receives_german_posts_warns_with_the_fix(tmp_path, capsys):
    with Store(tmp_path / "s.duckdb") as store:
        english = ["The battery dies after one day, really annoying.", "The camera keeps losing the Wi-Fi.",
                   "Since the update the app crashes every morning."]
        ingest_files(store, "social", [_posts(tmp_path / "en.jsonl", english, "e")])
        store.set_meta(EMBEDDER_KEY, ENGLISH)
        _warn_embedder_mix(store, ENGLISH, explicit=False)
        assert capsys.readouterr().err == ""  # English voice, English embedder: nothing to say
        ingest_files(store, "social", [_posts(tmp_path / "de.jsonl", GERMAN, "d")])
        _warn_embedder_mix(store, ENGLISH, explicit=False)
        err = capsys.readouterr().err
        assert "embeds with embed.all-minilm-l6-v2.v1" in err and "multilingual-e5" in err
        assert "fresh store" in err
        _warn_embedder_mix(store, ENGLISH, explicit=True)  # the user chose it: no warning
        assert capsys.readouterr().err == ""
