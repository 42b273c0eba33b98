"""Per-language sentence splitting and routing (spaCy language classes; no lemma tables loaded
except in the one lemma test, to keep this fast)."""

import pandas as pd
import pytest

from insight import resources
from insight.errors import ModelUnavailableError
from insight.stages.nlp import LanguageRouter, content_words, split_sentences, stop_words, tokenize, unsupported_languages


def sents(lang: str, text: str) -> list[str]:
    return [s.text for s in resources.load_spacy(lang, lemmas=False)(text).sents]


@pytest.mark.parametrize("text, expected", [
    ("Dr. Ahmet Bey aradı. Sorun çözülmedi.", ["Dr. Ahmet Bey aradı.", "Sorun çözülmedi."]),
    ("Kargo vb. konularda sorun var. Param iade edilmedi.",
     ["Kargo vb. konularda sorun var.", "Param iade edilmedi."]),
    ("Örn. şifre sıfırlama çalışmıyor. Çok kötü.", ["Örn. şifre sıfırlama çalışmıyor.", "Çok kötü."]),
    ("Saat 3. kez çöktü. Berbat.", ["Saat 3. kez çöktü.", "Berbat."]),
])
def test_turkish_abbreviations_do_not_end_sentences(text, expected):
    assert sents("tr", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Paketti saapui 3. päivä kesäkuuta. Se oli rikki.", ["Paketti saapui 3. päivä kesäkuuta.", "Se oli rikki."]),
    ("Sovellus kaatui jo 2. kerran. Todella huono.", ["Sovellus kaatui jo 2. kerran.", "Todella huono."]),
    ("Soitin esim. kahdesti. Kukaan ei vastannut.", ["Soitin esim. kahdesti.", "Kukaan ei vastannut."]),
])
def test_finnish_ordinal_dots_do_not_end_sentences(text, expected):
    assert sents("fi", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Das ist z. B. ein Problem. Der Zug kam zu spät.", ["Das ist z. B. ein Problem.", "Der Zug kam zu spät."]),
    ("Am 3. Mai war es besser. Heute nicht.", ["Am 3. Mai war es besser.", "Heute nicht."]),
    ("Ca. 3 Std. Verspätung. Unglaublich.", ["Ca. 3 Std. Verspätung.", "Unglaublich."]),
])
def test_german_abbreviations_do_not_end_sentences(text, expected):
    assert sents("de", text) == expected


def test_a_number_before_a_capitalised_sentence_still_ends_it():
    assert sents("es", "Llegó el 3. Bien.") == ["Llegó el 3.", "Bien."]
    assert sents("fr", "J'ai payé env. 20 euros. Trop cher.") == ["J'ai payé env. 20 euros.", "Trop cher."]


def test_lookup_lemmas_for_german():
    doc = resources.load_spacy("de")("Die Züge waren verspätet.")
    assert [t.lemma_ for t in doc][:2] == ["der", "Zug"]


def test_unknown_language_names_the_supported_ones():
    with pytest.raises(ModelUnavailableError, match=r"load_spacy: no spaCy pipeline for this language \(got 'ja'\)"):
        resources.load_spacy("ja")


def _records():
    return pd.DataFrame({
        "record_id": ["r1", "r2", "r3", "r4"],
        "text": ["Paketti saapui 3. päivä kesäkuuta. Se oli rikki.", "アプリが落ちます。返金してください。",
                 "The app crashed. I want a refund.", "ok thx"],
        "language": ["fi", "ja", "en", None],
    })


def test_records_are_split_by_their_language_and_unsupported_ones_skipped():
    loaded = []

    def load(lang):
        loaded.append(lang)
        return resources.load_spacy("fi" if lang == "fi" else "es", lemmas=False)  # es: any blank pipeline

    out = split_sentences(_records(), nlp=LanguageRouter(load))
    assert list(out["record_id"]) == ["r1", "r1", "r3", "r3", "r4"]
    assert list(out["text"])[:2] == ["Paketti saapui 3. päivä kesäkuuta.", "Se oli rikki."]
    assert sorted(loaded) == ["en", "fi"]  # no record language left open: r4 goes to the default, en
    assert list(out["lemmas"])[1] == "se oli rikki"
    assert set(out["noun_chunks"]) == {"[]"}  # no parser, no noun chunks


def test_unsupported_languages_are_counted():
    assert unsupported_languages(_records()) == {"ja": 1}


def test_stop_words_and_tokens_per_language():
    assert {"ve", "ama", "çok"} <= stop_words("tr")
    assert {"ja", "ei", "on"} <= stop_words("fi")
    assert "und" in stop_words("de") and "und" not in stop_words("en")
    assert stop_words("xx-unknown") == frozenset()
    assert tokenize("Das ist z. B. ein Problem!", "de") == ["das", "ist", "z.", "b.", "ein", "problem"]
    assert content_words("Uygulama çok sık çöküyor ve param gitti.", "tr") == ["uygulama", "sık", "çöküyor", "param", "gitti"]


def test_a_record_that_is_only_an_emoji_is_one_sentence():
    records = pd.DataFrame({"record_id": ["r1", "r2"], "text": ["😡", "Useless!! 😡"], "language": [None, "en"]})
    out = split_sentences(records, nlp=LanguageRouter(lambda lang: resources.load_spacy("es", lemmas=False)))
    assert list(out["record_id"]) == ["r1", "r2"]
    assert list(out["text"]) == ["😡", "Useless!! 😡"]


def test_html_markup_in_customer_text_is_never_analysed_as_words():
    text = ('The app <img src=x onerror="alert(1)"> crashes. <script>fetch("javascript:x")</script>'
            '<a href="javascript:void(0)" data-x=1>Refund</a> please. I <3 it, 2<3 and x > y.')
    records = pd.DataFrame({"record_id": ["r1", "r2"], "text": [text, "<b><i></i></b>"], "language": ["en", "en"]})
    out = split_sentences(records, nlp=LanguageRouter(lambda lang: resources.load_spacy("es", lemmas=False)))
    assert list(out["record_id"]) == ["r1", "r1", "r1"]  # a record of markup alone has no sentence
    words = " ".join(out["lemmas"])
    for markup in ("img", "onerror", "alert", "script", "javascript", "href", "data-x", "fetch"):
        assert markup not in words
    assert "crashes" in words and "refund please" in words and "i <3 it" in words and "x > y" in words
    assert list(out["text"]) == ["The app crashes.", "Refund please.", "I <3 it, 2<3 and x > y."]
    # offsets still point into the stored text
    assert [text[row.start_char:row.end_char] for row in out.itertuples()][::2] == [
        'The app <img src=x onerror="alert(1)"> crashes.', "I <3 it, 2<3 and x > y."]


def test_blank_markup_leaves_no_tag_behind_and_changes_nothing_twice():
    from insight.stages.nlp import blank_markup

    # found by the property at 1,500 examples: blanking '<A>' inside '<A<A>>' made '<A   >'
    assert blank_markup("<A<A>>") == "     >"
    assert blank_markup("a <b>bold</b> and 2 < 3 > 1") == "a    bold     and 2 < 3 > 1"
