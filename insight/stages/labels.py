"""Topic labels, extractively: a phrase the customers themselves wrote that says what the topic is about.

1. Key phrases: c-TF-IDF 1–3-grams per topic, computed over all topics together (``class_keywords``).
2. Label candidates (``phrase_candidates``): word sequences of 1–5 words that occur *verbatim* in at
   least two of the topic's sentences ("login code never arrives", "charged twice"), that neither
   start nor end with a function, feeling or conversational word, and that hold at least one of the
   topic's key-phrase words. Verbatim occurrence keeps out the fragments that stop-word-stripped
   n-grams make ("soon i've waiting", "sorted thanks sorted").
   A phrase never crosses a clause boundary (comma, full stop, dash): "Photo attached, the lens is
   cracked" gives "lens is cracked", not "attached the lens is cracked".
3. No personal data: a candidate with a digit (order numbers, "lm-766808"), an @handle, an e-mail or
   a URL is dropped, and so is any word that spaCy's named-entity recogniser tags as a PERSON in the
   topic's own sentences ("thanks Fleur") when an ``nlp`` pipeline is given; a word written
   capitalised mid-sentence is always checked that way.
4. Each candidate is scored by how close its embedding is to the topic centroid (embedding
   centrality), plus a bonus for a high c-TF-IDF rank of its words, for being used by more of the
   topic's sentences, and for phrases over single words.
5. Labels are given in one greedy matching, the best (topic, candidate) score first: a phrase goes to
   the topic it describes best rather than to the largest topic that has it among its candidates, and
   a candidate that is a paraphrase of a label already given (``PARAPHRASE``) is skipped. Before, the
   airline tweets' largest topic, flight numbers and routes, took "flight was delayed" and the delays
   topic was left with "delayed flight": two rows that read the same.

Languages: words are Unicode ("Verspätung", "çöküyor"), and the stop words of every language the
topic's sentences are written in (spaCy's lists, ``insight.stages.nlp.stop_words``) count as function
words beside the English ones, so a German topic is never labelled "ich" or "nicht".

This module imports nothing from ``insight.stages.topics`` (the topic stage imports it).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import numpy as np

from insight.stages.nlp import stop_words
from insight.stages.words import CAPITALISED_NOUNS, CONVERSATIONAL, THEMELESS, noun_lexicon

_EDGE_STOP = THEMELESS | CONVERSATIONAL
PHRASE_BONUS = 0.05
RANK_BONUS = 0.12
SUPPORT_BONUS = 0.15
MAX_WORDS = 5
MAX_CANDIDATES = 25
#: two labels at least this close (cosine of their phrase embeddings) say the same thing: "delayed flight"
#: and "flight was delayed" named two airline rows, the second a mixed topic of routes and flight numbers.
#: The demo's labels do not move between 0.85 and 0.95, the airline and GermEval ones not between 0.9
#: and 0.95 (0.85 also took "flight" from the airline's route topic).
PARAPHRASE = 0.9
_TOKEN = re.compile(r"[^\W\d_][\w'-]*|\d[\w-]*|[@#]\w+|\S+@\S+")
_KEY_TOKEN = r"(?u)\b[^\W\d_][\w'-]+\b"  # c-TF-IDF terms: a letter (any script) first
_PII = re.compile(r"\d|@|https?:|www\.|\.com\b")
_CLAUSE = re.compile(r"[,.;:!?()\"]+(?:\s|$)|\s[-–—]\s")  # a label never crosses a clause boundary
# Label words that carry no theme on their own (beyond sklearn's English stop words).
_WEAK = {
    "just", "really", "like", "get", "got", "would", "im", "ive", "dont", "did", "does", "thing", "things",
    "thanks", "thank", "hi", "hello", "pls", "lol", "ok", "okay", "yes", "yeah", "know", "want", "need",
    "doing", "going", "possible", "able", "help", "please", "hey", "tell", "let", "way", "try", "trying",
}


def function_words(languages=None) -> frozenset[str]:
    """Words that never start or end a label: English stop, feeling and conversational words, plus the
    stop words of each language in ``languages``."""
    # English: sklearn's list, as the topic stage uses
    return _function_words(tuple(sorted(set(languages or ()) - {"en"})))


@functools.cache
def _function_words(languages: tuple[str, ...]) -> frozenset[str]:
    out = set(_EDGE_STOP)
    for lang in languages:
        out |= stop_words(lang)
    return frozenset(out)


def embed_phrases(phrases: list[str], embedder) -> np.ndarray:
    if not phrases:
        return np.zeros((0, 384), dtype=np.float32)
    vecs = embedder.encode(phrases, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                           convert_to_numpy=True)
    return np.asarray(vecs, dtype=np.float32)


def class_keywords(texts: list[str], labels: np.ndarray, ids: list[int], top_n: int = 12,
                   languages=None) -> dict[int, list[str]]:
    """c-TF-IDF key phrases (1–3-grams) per topic, computed over all topics together; stop words of
    English and of each language in ``languages`` left out. Each text is counted on its own, so no
    n-gram joins the end of one sentence to the start of the next."""
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stops = sorted(set(ENGLISH_STOP_WORDS) | (function_words(languages) - _EDGE_STOP))
    # counted text by text, then summed per topic: an n-gram never spans two customers' sentences
    labels = np.asarray(labels)
    row_of = {tid: row for row, tid in enumerate(ids)}
    keep = [i for i, lab in enumerate(labels.tolist()) if lab in row_of]
    if not keep:
        return {tid: [] for tid in ids}
    try:
        vec = CountVectorizer(ngram_range=(1, 3), stop_words=stops, min_df=1, token_pattern=_KEY_TOKEN)
        counts = vec.fit_transform([texts[i] for i in keep])
    except ValueError:  # nothing but stop words
        return {tid: [] for tid in ids}
    member = sparse.csr_matrix((np.ones(len(keep)), ([row_of[int(labels[i])] for i in keep], np.arange(len(keep)))),
                               shape=(len(ids), len(keep)))
    vocab = np.asarray(vec.get_feature_names_out())
    tf = (member @ counts).toarray().astype(np.float64)
    avg_words = tf.sum() / max(len(ids), 1)
    idf = np.log(1 + avg_words / (tf.sum(axis=0) + 1e-9))
    ctfidf = (tf / (tf.sum(axis=1, keepdims=True) + 1e-9)) * idf
    out = {}
    for row, tid in enumerate(ids):
        order = np.argsort(-ctfidf[row])
        words = [vocab[i] for i in order[: top_n * 3] if tf[row, i] > 0]
        words = [w for w in words if not set(w.replace("'", "").split()) <= _WEAK]
        out[tid] = words[:top_n]
    return out


def candidates(keywords: list[str], languages=None) -> list[str]:
    """Keywords that make sense as a label on their own (no edge function word, no personal data)."""
    edge = function_words(languages)
    out = []
    for k in keywords:
        words = k.replace("'", "").split()
        if not words or words[0] in edge or words[-1] in edge:
            continue
        if _PII.search(k) or len(k) < 3 or len(set(words)) < len(words):
            continue
        out.append(k)
    return out


def person_words(texts: list[str], nlp) -> set[str]:
    """Lower-cased words that spaCy tags as part of a PERSON in ``texts``. The shared English pipeline
    loads with its entity recogniser disabled (the analysis never needs it); it is applied here."""
    if nlp is None or not texts:
        return set()
    ner = nlp.get_pipe("ner") if "ner" in nlp.component_names and "ner" not in nlp.pipe_names else None
    out = set()
    for doc in nlp.pipe(texts, batch_size=64):
        if ner is not None:
            doc = ner(doc)
        for ent in doc.ents:
            # a capitalised first word is no evidence of a name ("Box was wet and the lens was bent."
            # is tagged PERSON); names are caught where they are written mid-sentence ("thanks Fleur")
            if ent.label_ == "PERSON" and ent.start != ent.sent.start:
                out.update(w.lower() for w in ent.text.split())
    return out


def _with_a_noun(found: list[tuple[str, int]], texts: list[str]) -> list[tuple[str, int]]:
    """In a topic written mostly in a language that capitalises its nouns (German), only the candidates
    that hold a noun (``words.noun_lexicon`` of the topic's sentences): "klimaanlage", "leute in der
    bahn", never "bekommt", "exakt" or "rt". Left as found when none does."""
    from insight.ingest.language import best_supported_guess

    sample = texts[:: max(1, len(texts) // 40)]
    guesses = Counter(best_supported_guess(t) for t in sample)
    for lang in CAPITALISED_NOUNS:
        if guesses[lang] * 2 >= len(sample):
            nouns = noun_lexicon(texts, lang)
            kept = [(p, n) for p, n in found if set(p.replace("'", " ").split()) & nouns]
            return kept or found
    return found


def _names(texts: list[str], suspects: set[str], nlp, languages=None) -> set[str]:
    """The suspects (words written capitalised mid-sentence) that may be names, by the language of the
    sentences that write them (detected confidently; otherwise English). English sentences: those
    spaCy's English entity recogniser tags PERSON.
    German capitalises every noun ("Zug", "Verspätung"), which the English recogniser tags PERSON, so
    German sentences ban none (numbers, handles and e-mails are still kept out). Turkish, Finnish,
    Spanish and French capitalise names and brands but no parser for them ships here, so every suspect
    their sentences write is banned."""
    from insight.ingest.language import detect_language

    others = set(languages or ()) - {"en"}
    english, banned = [], set()
    for t in texts:
        words = set(w.lower().strip(".,!?;:") for w in t.split()) & suspects
        if not words:
            continue
        # only a confident detection of another of the store's languages moves a sentence off the English
        # check: "Terrible service!!" is read as French by a forced guess
        lang = detect_language(t) if others else "en"
        if lang not in others:
            english.append(t)
        elif lang not in CAPITALISED_NOUNS:
            banned |= words
    if english and nlp is not None:
        banned |= person_words(english[:50], nlp)
    return banned


def _suspects(texts: list[str]) -> set[str]:
    """Words written capitalised in the middle of a sentence (names, but also brands)."""
    out = set()
    for t in texts:
        tokens = t.split()
        for prev, tok in zip(tokens, tokens[1:], strict=False):
            if tok[:1].isupper() and tok[1:].islower() and not prev.endswith((".", "!", "?", ":")):
                out.add(re.sub(r"\W", "", tok).lower())
    return out


def phrase_candidates(texts: list[str], keywords: list[str], *, nlp=None, banned: set[str] | None = None,
                      languages=None) -> list[tuple[str, int]]:
    """Verbatim word sequences of a topic's sentences usable as its label, with how many sentences use them."""
    edge = function_words(languages)
    key_words = {w for k in keywords for w in k.replace("'", "").split()}
    support: Counter = Counter()
    for t in texts:
        seen = set()
        for clause in _CLAUSE.split(t):
            words = [w.lower().strip("'-") for w in _TOKEN.findall(clause)]
            for n in range(1, MAX_WORDS + 1):
                for i in range(len(words) - n + 1):
                    gram = words[i:i + n]
                    if gram[0].replace("'", "") in edge or gram[-1].replace("'", "") in edge:
                        continue
                    seen.add(" ".join(gram))
        support.update(seen)
    need = 2 if len(texts) >= 4 else 1
    out = []
    for phrase, n in support.most_common():
        if n < need:
            break
        words = phrase.replace("'", "").split()
        if _PII.search(phrase) or len(set(words)) < len(words) or not (set(words) & key_words):
            continue
        if not [w for w in words if w not in edge]:
            continue
        out.append((phrase, n))
    if CAPITALISED_NOUNS & set(languages or ()):
        out = _with_a_noun(out, texts)
    banned = set(banned or ())
    suspects = {w for p, _ in out for w in p.split()} & _suspects(texts)
    if suspects:
        banned |= _names(texts, suspects, nlp, languages)
    out = [(p, n) for p, n in out if not set(p.split()) & banned]
    # keep the most used, but let longer phrases in: best MAX_CANDIDATES by support, per length
    out.sort(key=lambda x: (-x[1], -len(x[0].split()), x[0]))
    return out[:MAX_CANDIDATES]


def choose_labels(keywords: dict[int, list[str]], centroids: dict[int, np.ndarray], *, embedder,
                  used: set[str] | None = None, texts: dict[int, list[str]] | None = None, nlp=None,
                  languages=None) -> dict[int, str]:
    """One unique label per topic id: the best-scoring (topic, candidate) pairs are matched first; ties go to
    the topic given first. No label repeats or paraphrases another (or one in ``used``)."""
    used = set(used or ())
    cands: dict[int, list[tuple[str, float]]] = {}
    for tid, kw in keywords.items():
        options: list[tuple[str, float]] = []
        if texts is not None and texts.get(tid):
            found = phrase_candidates(texts[tid], kw, nlp=nlp, languages=languages)
            total = max(len(texts[tid]), 1)
            rank = {w: 1 - i / max(len(kw), 1) for i, k in enumerate(kw) for w in k.split()}
            for phrase, n in found:
                r = max((rank.get(w, 0.0) for w in phrase.split()), default=0.0)
                options.append((phrase, RANK_BONUS * r + SUPPORT_BONUS * min(1.0, 4 * n / total)))
        if not options:
            kc = candidates(kw, languages) or [k for k in kw[:3] if not _PII.search(k)]
            options = [(c, RANK_BONUS * (1 - i / max(len(kc), 1))) for i, c in enumerate(kc)]
        cands[tid] = options
    flat = sorted({c for cs in cands.values() for c, _ in cs} | used)
    vectors = dict(zip(flat, embed_phrases(flat, embedder), strict=True)) if flat else {}
    scored: dict[int, list[tuple[float, str]]] = {}
    for tid in keywords:
        scored[tid] = sorted(((float(vectors[c] @ centroids[tid]) + bonus + PHRASE_BONUS * min(len(c.split()) - 1, 3),
                               c) for c, bonus in cands[tid]), key=lambda x: (-x[0], x[1]))
    # one greedy matching over every (topic, candidate) pair, best score first: a phrase goes to the topic
    # it describes best, and no label is a paraphrase of one already given
    order = {tid: i for i, tid in enumerate(keywords)}
    pairs = sorted(((score, tid, c) for tid, options in scored.items() for score, c in options),
                   key=lambda x: (-x[0], order[x[1]], x[2]))
    labels: dict[int, str] = {}
    for _score, tid, c in pairs:
        if tid in labels or c in used or any(float(vectors[c] @ vectors[u]) >= PARAPHRASE for u in used):
            continue
        labels[tid] = c
        used.add(c)
    for tid in keywords:
        if tid not in labels:
            base = scored[tid][0][1] if scored[tid] else "misc"
            label, i = f"{base} #2", 2
            while label in used:
                i += 1
                label = f"{base} #{i}"
            used.add(label)
            labels[tid] = label
    return {tid: labels[tid] for tid in keywords}


def labels_from_texts(groups: dict, vectors: dict, *, embedder, nlp=None, languages=None,
                      used: set[str] | None = None) -> dict:
    """One label per group, chosen from the group's own texts only (for example the texts of one
    language): key phrases over these groups together, verbatim candidates, embedding centrality to the
    group's mean vector. ``groups``: key -> texts; ``vectors``: key -> (n, d) array of the texts' stored
    sentence vectors (same order). Groups without texts get no label."""
    keys = [k for k in groups if groups[k]]
    if not keys:
        return {}
    texts = [t for k in keys for t in groups[k]]
    assignment = np.asarray([i for i, k in enumerate(keys) for _ in groups[k]])
    keywords = class_keywords(texts, assignment, list(range(len(keys))), top_n=30, languages=languages)
    centroids = {}
    for i, k in enumerate(keys):
        mean = np.asarray(vectors[k], dtype=np.float32).mean(axis=0)
        centroids[i] = mean / (np.linalg.norm(mean) or 1.0)
    names = choose_labels(keywords, centroids, embedder=embedder, used=used,
                          texts={i: list(groups[k]) for i, k in enumerate(keys)}, nlp=nlp, languages=languages)
    return {k: names[i] for i, k in enumerate(keys)}


def readable_label(keywords: list[str], used: set[str]) -> str:
    """Without an embedder: the best multi-word key phrase, otherwise the two best words; unique."""
    keywords = [k for k in keywords if not _PII.search(k)]
    if not keywords:
        base = "misc"
    else:
        phrases = [p for p in (_trim_weak(k) for k in keywords[:6]) if " " in p]
        if phrases:
            base = phrases[0]
        else:
            words = list(dict.fromkeys(w for w in (_trim_weak(k) for k in keywords) if w))
            base = " / ".join(words[:2]) or keywords[0]
    label = base
    for extra in keywords:
        if label not in used:
            break
        if extra not in label:
            label = f"{base} ({extra})"
    n = 2
    while label in used:
        label = f"{base} #{n}"
        n += 1
    return re.sub(r"\s+", " ", label).strip()


def _trim_weak(phrase: str) -> str:
    """'long does' -> 'long', 'card payment declined' unchanged: drop filler words at a phrase's edges."""
    words = phrase.split()
    while words and words[0].replace("'", "") in _WEAK:
        words.pop(0)
    while words and words[-1].replace("'", "") in _WEAK:
        words.pop()
    return " ".join(words)
