"""Language routing: confident detection at ingest, fallbacks for short texts before analysis."""

from datetime import datetime, timezone

import pandas as pd

from insight.ingest.language import (
    best_supported_guess, country_language, crm_language, detect_language, fallback_languages, resolve_language,
)
from insight.pipeline import resolve_languages
from insight.schema import Record, record_id_for
from insight.store import Store


def test_long_texts_are_detected_and_short_ones_left_open():
    assert detect_language("Uygulama sürekli çöküyor, paramı geri istiyorum.") == "tr"
    assert detect_language("Toimitus oli nopea ja laite toimii moitteettomasti.") == "fi"
    assert detect_language("ok thx") is None


def test_a_short_text_takes_its_conversation_then_its_customer_then_the_crm():
    assert resolve_language("Tamam", None, conversation=["tr", "tr", None], history=["de"]) == "tr"
    assert resolve_language("Tamam", None, history=[None, "fi", "fi", "en"]) == "fi"
    assert resolve_language("Tamam", None, attributes={"language": "tr-TR", "country": "DE"}) == "tr"
    assert resolve_language("Berbat!", None, attributes={"country": "Türkiye"}) == "tr"  # a near-tie: the country
    assert resolve_language("Berbat!", None) == "de"  # py3langid's own supported guess
    assert resolve_language("the app crashed again", None, attributes={"country": "DE"}) == "en"  # clear evidence
    assert resolve_language("Tamam", "en", history=["tr"]) == "en"  # a confident detection stands


def test_with_nothing_known_the_best_supported_guess_decides():
    assert best_supported_guess("Kiitos paljon!") == "fi"
    assert resolve_language("Kiitos paljon!", None) == "fi"
    assert resolve_language("Kiitos paljon!", None, guess=False) is None
    assert resolve_language("!!", None) is None


def test_country_and_crm_fields():
    assert country_language("at") == "de" and country_language("de-AT") == "de"
    assert country_language("JP") is None and country_language(None) is None
    assert crm_language({"locale": "fi_FI"}) == "fi"
    assert crm_language({"language": "ja"}) is None  # not a supported language: no fallback from it


def test_fallback_languages_fills_only_open_records():
    frame = pd.DataFrame({
        "record_id": ["a", "b", "c", "d"],
        "customer_id": ["C1", "C1", "C2", None],
        "conversation_id": [None, None, None, None],
        "text": ["Uygulama sürekli çöküyor, paramı geri istiyorum.", "ok", "ok", "ok"],
        "language": ["tr", None, None, None],
    })
    assert fallback_languages(frame, {"C2": {"country": "FI"}}) == {"b": "tr", "c": "fi"}


def _record(n, text, customer, language, channel="review"):
    return Record(record_id=record_id_for(channel, "s", f"R{n}", text), channel=channel,
                  created_at=datetime(2026, 1, n, tzinfo=timezone.utc), text=text, source="s", source_id=f"R{n}",
                  source_file="s.csv", source_line=n, customer_id=customer, language=language)


def test_analysis_settles_open_languages_in_the_store(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.add_records([
            _record(1, "Uygulama sürekli çöküyor, paramı geri istiyorum.", "C1", "tr"),
            _record(2, "Berbat!", "C1", None),
            _record(3, "Berbat!", "C2", None),
            _record(4, "Mahtava", None, None),
        ], "run1")
        store.upsert_customers([{"customer_id": "C2", "attributes": {"region": "TR"}}], "c.csv", "run1")
        assert resolve_languages(store) == 3
        langs = dict(store.con.execute("SELECT customer_id || ':' || text, language FROM records "
                                       "WHERE customer_id IS NOT NULL").fetchall())
        assert langs == {"C1:Uygulama sürekli çöküyor, paramı geri istiyorum.": "tr", "C1:Berbat!": "tr",
                         "C2:Berbat!": "tr"}
        assert store.scalar("SELECT language FROM records WHERE customer_id IS NULL") == "fi"  # the guess
        assert resolve_languages(store) == 0


def test_a_text_in_another_script_keeps_its_own_language_whatever_the_customer_writes():
    assert resolve_language("ありがとう", None, history=["en", "en"]) == "ja"
    assert resolve_language("Спасибо большое", None, attributes={"country": "DE"}) == "ru"


def test_an_unsupported_detection_gives_way_to_what_the_customer_writes():
    assert resolve_language("Hola, el paquete no llegó", "gl", history=["es", "es"]) == "es"
    assert resolve_language("Hola, el paquete no llegó", "gl") == "gl"  # nothing known: stays, and is skipped
    assert resolve_language("Ciao, il pacco non è arrivato", "it", history=["ja"]) == "it"  # no supported history
