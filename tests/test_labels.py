"""Topic labels are key phrases about the theme, not function words or feelings."""

from insight.stages.labels import candidates


def test_candidates_drop_edge_function_and_sentiment_words():
    kws = ["feels like", "battery drains overnight", "cam keeps", "love design", "login code", "2026", "really frustrating"]
    assert candidates(kws) == ["battery drains overnight", "login code"]


def test_theme_text_keeps_content_and_drops_noise():
    from insight.stages.topics import theme_text

    assert theme_text("@Lumio battery drains overnight AGAIN 😡 #fail #tech") == "battery drains overnight AGAIN"
    assert theme_text("My #battery died again") == "My battery died again"
    assert theme_text("Really frustrating.") is None
    assert theme_text("🔥 😍\n\n#security #tech") is None
    assert theme_text("I'll wait, but I'm not happy.") is None


def test_label_phrases_are_verbatim_clauses_without_personal_data():
    from insight.stages.labels import phrase_candidates

    texts = ["Photo attached, the lens is cracked.", "The lens is cracked on arrival.",
             "Order LM-766808: the lens is cracked!", "Thanks Fleur, the lens is cracked again."]
    found = dict(phrase_candidates(texts, ["lens cracked", "lens", "cracked", "fleur", "order"]))
    assert found["lens is cracked"] == 4
    assert not [p for p in found if "attached" in p and "lens" in p]  # never across the comma
    assert not [p for p in found if any(ch.isdigit() for ch in p)]


def test_labels_module_does_not_import_topics():
    import ast
    from pathlib import Path

    import insight.stages.labels as labels

    tree = ast.parse(Path(labels.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "insight.stages.topics" not in imported


def test_german_labels_skip_german_function_words_and_keep_umlauts():
    import numpy as np

    from insight.stages.labels import class_keywords, phrase_candidates

    texts = ["Ich habe nicht verstanden, warum die Verspätung so lang war.",
             "Die Verspätung war nicht angekündigt, auch das ist so.",
             "Ich finde das nicht gut, die Verspätung schon wieder.",
             "Das WLAN im Zug geht nicht.", "Auch das WLAN im Zug fällt aus.", "Ich habe kein WLAN im Zug."]
    labels = np.array([0, 0, 0, 1, 1, 1])
    kw = class_keywords(texts, labels, [0, 1], languages={"de"})
    assert kw[0][0] == "verspätung"  # the whole word, not "versp" + "tung"
    for words in kw.values():
        assert not {"ich", "nicht", "das", "auch", "die"} & {w for k in words for w in k.split()}
    english_only = class_keywords(texts, labels, [0, 1])
    assert "nicht" in {w for k in english_only[0] for w in k.split()}  # what German customers got before
    phrases = [p for p, _ in phrase_candidates(texts[:3], kw[0], languages={"de"})]
    assert phrases and all(p.split()[0] not in {"ich", "die", "das"} for p in phrases)


def test_a_german_sentence_of_function_words_names_no_problem():
    from insight.stages.painpoints import names_a_problem

    assert not names_a_problem("das sein nicht so", "de")
    assert names_a_problem("die verspätung sein lang", "de")
    assert names_a_problem("das sein nicht so")  # read as English, German function words looked like content


def test_key_phrases_never_join_two_sentences():
    import numpy as np

    from insight.stages.labels import class_keywords

    texts = ["The app crashes", "Battery drains fast", "Refund never arrived"]
    keywords = class_keywords(texts, np.array([0, 0, 1]), [0, 1], top_n=30)
    assert "app crashes" in keywords[0] and "battery drains" in keywords[0]
    assert not any("crashes battery" in k for k in keywords[0])


def test_the_person_check_runs_ner_on_the_shared_pipeline():
    """insight.resources.load_spacy() loads en_core_web_sm with NER disabled; the label name check must
    still see PERSON entities (it saw none before: every name passed)."""
    from insight import resources
    from insight.stages.labels import person_words

    nlp = resources.load_spacy()
    assert "ner" not in nlp.pipe_names
    assert "john" in person_words(["Agent John Peterson hung up on me twice."], nlp)


def test_a_capitalised_first_word_is_not_taken_for_a_name():
    from insight import resources
    from insight.stages.labels import person_words

    found = person_words(["Box was wet and the lens was bent.", "Thanks Fleur, the lens is cracked again."],
                         resources.load_spacy())
    assert "box" not in found


GERMAN_TOPIC = [
    "Der Zug hatte heute wieder 40 Minuten Verspätung.",
    "Und der Zug hat Verspätung, wie jeden Tag.",
    "Ich bekommt keine Antwort, das ist exakt so absurd wie immer.",
    "Wieder bekommt man keine Antwort, exakt wie letzte Woche.",
    "Die Klimaanlage im Zug ist ausgefallen.",
]


def test_german_nouns_are_read_off_their_capitals():
    from insight.stages.words import noun_lexicon

    nouns = noun_lexicon(GERMAN_TOPIC + ["Können Sie mir helfen?", "RT @DB_Bahn ICE fällt aus #Bahn",
                                         "Das war zum ersten Mal so.", "Schau mal hier.", "Sag mal, was ist los?"])
    assert {"zug", "minuten", "verspätung", "antwort", "woche", "klimaanlage"} <= nouns
    # verbs, adjectives, sentence-initial words, the formal "Sie", all-capitals and hashtags are no nouns
    assert not {"bekommt", "exakt", "absurd", "der", "und", "ich", "können", "sie", "ice", "rt", "bahn"} & nouns
    assert "mal" not in nouns  # capitalised once ("zum ersten Mal"), in lower case twice: no noun


def test_a_german_sentence_must_hold_a_noun_to_name_a_problem():
    from insight.stages.painpoints import sentence_names_a_problem
    from insight.stages.words import noun_lexicon

    texts = ["Passiert ist nichts.", "Der ist natürlich leer.", "Fährt er nicht?", "Habe keine Antwort erhalten.",
             "seit zwei wochen ist der zug kaputt", "Seit zwei Wochen fährt kein Zug."]
    nouns = {"de": noun_lexicon(texts)}

    def names(text):
        return sentence_names_a_problem({"text": text, "language": "de", "lemmas": text.lower()}, nouns)

    assert not names("Passiert ist nichts.") and not names("Der ist natürlich leer.") and not names("Fährt er nicht?")
    assert names("Habe keine Antwort erhalten.")
    assert names("seit zwei wochen ist der zug kaputt")  # written in lower case, the nouns known from others
    # the lemma check alone, as before, let them all through
    assert sentence_names_a_problem({"text": "Passiert ist nichts.", "language": "de", "lemmas": "passieren sein nichts"})


def test_german_labels_hold_a_noun_and_german_nouns_are_no_names():
    """English NER tags German nouns PERSON ("Zug", "Verspätung"): it must not ban them from a German
    topic's labels; and a German topic is labelled with a noun, not "bekommt" or "exakt"."""
    from insight import resources
    from insight.stages.labels import phrase_candidates

    nlp = resources.load_spacy()
    found = [p for p, _ in phrase_candidates(GERMAN_TOPIC, ["zug", "verspätung", "bekommt", "exakt"], nlp=nlp,
                                              languages={"de", "en"})]
    assert "zug" in found and "verspätung" in found
    assert "bekommt" not in found and "exakt" not in found
    # an English topic keeps the English name check
    english = ["Agent John Peterson hung up on me twice.", "Agent John Peterson hung up on me again.",
               "Then John hung up on me."]
    assert "john" not in {w for p, _ in phrase_candidates(english, ["hung", "john", "agent"], nlp=nlp,
                                                          languages={"de", "en"}) for w in p.split()}


def test_names_in_languages_without_a_parser_are_kept_out_of_labels():
    from insight.stages.labels import phrase_candidates

    french = ["Merci Camille, la caméra est encore hors ligne.", "Merci Camille, la caméra reste hors ligne.",
              "La caméra est hors ligne depuis hier."]
    found = {w for p, _ in phrase_candidates(french, ["caméra", "camille", "ligne"], languages={"fr", "en"})
             for w in p.split()}
    assert "caméra" in found and "camille" not in found


def test_greetings_and_thanks_name_no_problem_in_any_language():
    from insight.stages.painpoints import names_a_problem

    for text, lang in [("hallo danke", "de"), ("hola gracias", "es"), ("bonjour merci", "fr"),
                       ("merhaba kolay gelsin", "tr"), ("hei kiitos", "fi"), ("rt via", "en")]:
        assert not names_a_problem(text, lang), text
    assert names_a_problem("hallo die verspätung", "de") and names_a_problem("merhaba uygulama çöküyor", "tr")


def test_a_phrase_goes_to_the_topic_it_describes_best_and_no_label_paraphrases_another():
    import numpy as np

    from insight import resources
    from insight.stages.labels import PARAPHRASE, choose_labels, embed_phrases

    embedder = resources.load_embedder()
    # topic 1, the larger one and first to choose: flight numbers and routes, two of its sentences
    # mention a delay; topic 2: delays
    routes = ["Flight 3586 from IAD to BUF.", "Flight 4411 from JFK to LAX.",
              "The flight was delayed, flight 820 to SFO.", "Flight 5302 from CLT to DAY.",
              "My flight was delayed from PHL to ORD.", "Flight 1618 from BOS to JAX."]
    delays = ["Our flight was delayed three hours.", "The flight was delayed again tonight.",
              "Another delayed flight, two hours late.", "A delayed flight and no explanation.",
              "The flight was delayed for hours with no update."]
    keywords = {1: ["flight", "flight delayed", "delayed"], 2: ["delayed", "flight delayed", "delayed flight"]}

    def centroid(texts):
        v = np.asarray(embedder.encode(texts), dtype=np.float32).mean(axis=0)
        return v / np.linalg.norm(v)

    names = choose_labels(keywords, {1: centroid(routes), 2: centroid(delays)}, embedder=embedder,
                          texts={1: routes, 2: delays})
    assert names[2] in {"flight was delayed", "delayed flight"}
    a, b = embed_phrases([names[1], names[2]], embedder)
    assert float(a @ b) < PARAPHRASE, names
