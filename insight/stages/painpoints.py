"""Pain-point stage: recurring negative problems, consolidated, measured and ranked.

A pain point is a group of topics (the topic stage's consolidation: ``topics.merged_into``; a topic
with no parent is its own group) or an aspect term not already covered by a topic, that customers
talk about negatively, more than once and by more than one customer. An aspect term passes the same
negative-share gate over the sentences that name it, and a term whose customers are a topic pain
point's (the shared-customer test) joins that pain point as a sub-theme. The parameters live in
``insight.params.AnalysisParams``. Three gates decide what may be a pain point:

- **negative**: at least ``min_negative_share`` of the topic's sentences are negative (the sentiment
  model's argmax: ``params.NEGATIVE_LABEL``). A negative sentence inside a 4–5 star review counts only
  when it is announced as a complaint (``words.COMPLAINT_CUE``: "but", "unfortunately", ...). A factual
  problem report reads neutral ("I was charged twice for my plan this month."): a neutral sentence that
  leans negative (score < 0) inside an unhappy record (a 1–2 star review, or a record whose document
  sentiment is negative) counts as a negative mention. Measured (scripts/eval_issues.py --refit): the
  demo's double charge, a planted theme read neutral by the model, went from no pain point to #15
  (25 customers); airline distinct reasons in the top 10 went 5 -> 6, purity 0.625 -> 0.622.
- **names a problem**: at least ``min_problem_share`` of its negative mentions carry a content word
  (a spaCy lemma that is neither a stop word, a feeling word, nor conversational vocabulary such as
  "problem", "ticket", "colleague", "help": ``words.CONVERSATIONAL``). "It isn't.", "That doesn't
  really help, but ok." and "Same problem as before, the fix did nothing." name nothing a team can
  act on; "You charged me again after I cancelled" and "Live view says connecting" do. An English
  sentence must name an object in its noun chunks, a German one must hold a noun (``words.noun_lexicon``:
  German capitalises its nouns; "Passiert ist nichts." names none). Only the
  mentions that name a problem are counted and quoted: a theme that passes keeps none of its
  content-free mentions ("Completely unacceptable!!!").
- **not ignored** by an analyst (``insight topics ignore ID``).

For each one we compute its parts and one ranking score:

    score = sqrt(customers) * (0.5 + severity) * (1 + 0.5 * rise) * (1 + repeat_share)
            * (1 + 0.5 * hidden_share) * (1 + 0.5 * rating_impact) * (1 + 0.25 * churn_share)
            * (1 - co_mention_weight * co_mention_share)

- customers      distinct customer ids with a negative mention (reach; the main driver: the square root
                 lets a problem of 60 customers outrank one of 8 whatever its other parts, which
                 log2 did not)
- severity       mean negativity of the mentions: -score clipped to [0, 1], or the record's -score when the
                 record reads more negative (a plain report inside an angry review is as severe as the review)
- rise           only a significant rise counts: recent mentions (the last ``window_days`` ending at
                 the newest record) against the window before, one-sided exact binomial test of
                 recent vs previous (equal windows: recent ~ Bin(recent + previous, 1/2)), p below
                 ``growth_alpha`` and at least ``min_growth_mentions`` recent; then
                 rise = min(2, recent / max(previous, 1) - 1); a fall or an insignificant change is 0
- repeat_share   share of affected customers who raised it in two or more support conversations
- hidden_share   share of mentions from customers whose reviews average 4–5 stars
- rating_impact  mean star rating of reviewing customers who do NOT raise it minus those who do,
                 divided by 4 (the 1–5 scale's range), counted only when the 95 % Welch interval of
                 that difference lies above zero, else 0
- churn_share    share of affected customers whose profile churn risk is high (``params.churn_levels``);
                 weighted lightly because churn talk ("cancel my plan") is itself what cancellation
                 themes are made of
- co_mention_share  share of mentions whose record also holds a mention of a pain point raised by more
                 customers (``_co_mention_shares``): an echo or consequence of a bigger problem ("Lumio
                 has lost me as a customer.") sinks, the bigger problem keeps its score
Also reported, not scored: mentions, channels, first and last seen, value at stake (summed lifetime
value of affected customers, when the customers file carries one), the trend counts and p-value,
and the sub-themes (the group's topics, largest first).
"""

from __future__ import annotations

import copy
import math
import re
from datetime import timedelta
from typing import Any

import numpy as np

from insight.membership import isin
from insight.params import DEFAULT, NEGATIVE_LABEL, AnalysisParams
from insight.schema import stable_id
from insight.stages.nlp import stop_words
from insight.stages.words import (
    CAPITALISED_NOUNS, COMPLAINT_CUE, CONVERSATIONAL, EVALUATIVE_NOUNS, NOT_WORDS, THEMELESS, noun_lexicon,
)

PAIN_COLUMNS = [
    "pain_id", "kind", "key", "label", "topic_id", "rank", "score", "mentions", "customers", "channels",
    "first_seen", "last_seen", "growth", "severity", "value_at_stake", "repeat_contacts", "hidden_share",
    "parts", "evidence", "run_id",
]
LTV_FIELDS = ("lifetime_value", "ltv", "clv", "customer_lifetime_value", "value")
_LEMMA = re.compile(r"[^\W\d_][\w'-]+")


def pain_id_for(kind: str, key: str) -> str:
    return stable_id("pain", kind, key, length=12)


def customer_value(attributes: dict[str, Any]) -> float | None:
    """Lifetime value from CRM attributes, whatever the column was called."""
    for name in LTV_FIELDS:
        value = attributes.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def _words(text) -> list[str]:
    """Lower-cased words of a text, handles, URLs and emails removed, contraction pieces cut off."""
    return [w.split("'")[0].strip("-") for w in _LEMMA.findall(NOT_WORDS.sub(" ", str(text or "").lower()))]


def _has_content_word(text, excluded: tuple[frozenset, ...]) -> bool:
    return any(len(w) >= 3 and not any(w in words for words in excluded) for w in _words(text))


def names_a_problem(lemmas: str, language: str | None = None) -> bool:
    """True when a sentence (its spaCy lemmas, or its lower-cased words) holds a content word: neither
    a stop word (English, and ``language``'s own), a feeling or filler word (``words.THEMELESS``), nor
    conversational vocabulary (``words.CONVERSATIONAL``), nor a handle, number or contraction piece."""
    own = stop_words(language) if language and language != "en" else frozenset()
    return _has_content_word(lemmas, (THEMELESS, CONVERSATIONAL, own))


def _chunk_list(noun_chunks) -> list[str]:
    """Stored noun chunks (a JSON list of strings) or an already parsed list."""
    import json

    if isinstance(noun_chunks, str):
        try:
            return [str(c) for c in json.loads(noun_chunks)]
        except ValueError:
            return [noun_chunks]
    return [str(c) for c in noun_chunks or []]


def names_an_object(noun_chunks) -> bool:
    """True when a parsed sentence's noun chunks (spaCy's, stored as a JSON list of strings) hold a
    content noun: a word that is neither a pronoun or stop word, a feeling or filler word, conversational
    vocabulary, nor an evaluative noun (``words.EVALUATIVE_NOUNS``: "patience", "solution").
    "Not resolved, and I'm running out of patience." (chunks "I", "patience") names none;
    "I was charged twice for one order." ("I", "one order") does."""
    return any(_has_content_word(c, (THEMELESS, CONVERSATIONAL, EVALUATIVE_NOUNS)) for c in _chunk_list(noun_chunks))


#: the voice columns ``sentence_names_a_problem`` reads, and how many rows it is handed at a time
PROBLEM_COLUMNS = ("noun_chunks", "language", "text", "lemmas")
PROBLEM_SLICE = 50_000


def sentence_names_a_problem(row, nouns: dict[str, frozenset[str]] | None = None) -> bool:
    """The problem check for one voice row. An English sentence (the one language parsed here) must name
    an object (``names_an_object`` on its noun chunks, or a content verb when its only chunks are
    pronouns: "You charged me again after I cancelled!"). A sentence in a language that capitalises its
    nouns must hold one of them (``nouns[language]``, from ``noun_lexicon``): "Passiert ist nichts." and
    "Der ist natürlich leer." name nothing, "Habe keine Antwort erhalten." does. Other languages fall
    back to the lemma check (``names_a_problem``)."""
    chunks = row.get("noun_chunks")
    lang = row.get("language")
    lang = lang if isinstance(lang, str) else None
    if lang == "en" and chunks is not None:
        content_chunks = [c for c in _chunk_list(chunks) if any(w not in THEMELESS for w in _words(c))]
        if content_chunks:
            return names_an_object(content_chunks)
    if nouns and lang in nouns:
        return any(w in nouns[lang] for w in _words(row.get("text")))
    return names_a_problem(row.get("lemmas") if row.get("lemmas") is not None else row.get("text"), lang)


def said_by_complaints(label: str, rows, mentions, min_share: float) -> bool:
    """Whether a pain point's label is its complaints' phrase: of ``rows`` (the sentences of the pain
    point's topics) that use the label verbatim, at least ``min_share`` are among ``mentions`` (its
    negative mentions). A topic is named from all its sentences, praise included: on the demo the topic
    "setup was painless" (12 sentences say it, 1 of them a complaint) holds "The verification system is a
    mess." and "The app is a buggy mess.", and became a pain point under that label. A label that no
    sentence uses verbatim (a key-phrase label) passes: there is nothing to weigh."""
    import re

    said = re.compile(rf"(?<!\w){re.escape(str(label).strip())}(?!\w)", re.I)
    using = rows.loc[rows["text"].map(lambda t: bool(said.search(str(t)))), "sentence_id"]
    if len(using) == 0:
        return True
    return float(isin(using, mentions["sentence_id"]).mean()) >= min_share


class VoiceReading:
    """What ``find_pain_points`` reads from the voice before it groups topics into pain points: the
    mention labels (a 4-5 star review's unannounced complaint is ``unconfirmed``, a reported problem
    read neutral is negative), the problem check, the topic gate and the aspect-term candidates. None
    of it depends on the topic groups or the churn-risk customers, so one refresh reads the voice once
    and ranks it three times (``rank_pain_points``); ``with_groups`` gives it the groups a merge made.
    Mentions are kept as index labels of ``voice`` and taken from it per ranking."""

    def __init__(self, voice, aspects, *, params: AnalysisParams = DEFAULT,
                 ignored: set[int] | frozenset[int] = frozenset()) -> None:
        import pandas as pd

        self.params = params
        self.sub_negatives: dict[int, Any] = {}  # topic id -> index labels of its mentions naming a problem
        self.aspect_candidates: list[tuple[str, Any]] = []  # (term, index labels of its mentions)
        self._topic_rows: dict | None = None
        if len(voice) == 0:
            self.voice = voice
            return
        self.as_of = pd.to_datetime(voice["created_at"], utc=True).max()
        self.happy = _happy_customers(voice, params.happy_min_stars)
        self.ratings = _customer_ratings(voice)

        # in a 4–5 star review only a sentence announced as a complaint counts ("but", "only problem"...)
        happy_review = (voice["channel"] == "review") & (voice["rating"].fillna(0) >= params.happy_min_stars)
        cue = voice["text"].map(lambda t: bool(COMPLAINT_CUE.search(t)))
        voice = voice.assign(label=voice["label"].where(~happy_review | cue, "unconfirmed"))
        if "group_id" not in voice:
            voice = voice.assign(group_id=voice["topic_id"])
        # A factual problem report reads neutral ("I was charged twice for my plan this month."); inside an
        # unhappy record (a 1-2 star review, or a record the model reads as negative overall) a neutral
        # sentence that leans negative is the complaint's substance and counts as a negative mention.
        stars = pd.to_numeric(voice["rating"], errors="coerce")
        unhappy = (voice["channel"] == "review") & (stars <= params.unhappy_max_stars).fillna(False)
        if "record_label" in voice:
            unhappy |= voice["record_label"] == NEGATIVE_LABEL
        reported = (voice["label"] == "neutral") & unhappy & (voice["score"] < params.report_max_score)
        voice = voice.assign(label=voice["label"].where(~reported, NEGATIVE_LABEL))
        # the problem check is read only on negative mentions: run it on those rows alone
        is_neg = voice["label"] == NEGATIVE_LABEL
        problem = pd.Series(False, index=voice.index)
        if is_neg.any():
            langs = voice["language"] if "language" in voice else pd.Series(None, index=voice.index)
            nouns = {lang: noun_lexicon(voice.loc[langs == lang, "text"], lang)
                     for lang in CAPITALISED_NOUNS if (langs[is_neg] == lang).any()}
            # only the columns the check reads, a slice at a time: a dict of every column per negative row
            # was 1.2 GB at 1.4M sentences
            rows = voice.loc[is_neg, [c for c in PROBLEM_COLUMNS if c in voice]]
            problem[is_neg] = [sentence_names_a_problem(r, nouns) for start in range(0, len(rows), PROBLEM_SLICE)
                               for r in rows.iloc[start:start + PROBLEM_SLICE].to_dict("records")]
            del rows
        self.voice = voice = voice.assign(_problem=problem)
        neg = voice[is_neg]

        # the topic gate reads three columns; only the mentions it keeps are taken with every column (two
        # whole-width copies of the themed voice were 1.2 GB at 1.4M sentences)
        themed = voice.loc[voice["topic_id"].notna() & (voice["topic_id"] >= 0), ["topic_id", "label", "_problem"]]
        themed = themed[~themed["topic_id"].astype(int).isin(set(ignored))]
        for topic_id, group in themed.groupby("topic_id"):
            negatives = group[group["label"] == NEGATIVE_LABEL]
            if len(negatives) == 0 or len(negatives) / len(group) < params.min_negative_share:
                continue
            if negatives["_problem"].mean() < params.min_problem_share:
                continue
            self.sub_negatives[int(topic_id)] = negatives.index[negatives["_problem"]]  # mentions naming a problem
        del themed

        if not len(aspects):
            return
        # every topic pain point's mentions, whatever the groups: the sub-themes' mentions
        covered = set(voice.loc[np.concatenate(list(self.sub_negatives.values())), "sentence_id"]) \
            if self.sub_negatives else set()
        neg_aspects = aspects[aspects["label"] == NEGATIVE_LABEL]
        # the topic gate, on the term: at least min_negative_share of the sentences that name it are
        # negative mentions. "setup" is named in 183 demo sentences, mostly praise ("Setup was a breeze."),
        # and the pair model reads "Setup was painless." as a complaint about it.
        named = voice[["sentence_id", "label"]].merge(aspects[["sentence_id", "norm"]].drop_duplicates(),
                                                      on="sentence_id")
        negative_share = (named["label"] == NEGATIVE_LABEL).groupby(named["norm"]).mean()
        for norm, group in neg_aspects.groupby("norm"):
            if negative_share.get(norm, 0.0) < params.min_negative_share:
                continue
            found = neg.index[isin(neg["sentence_id"], group["sentence_id"])]
            if len(found) == 0:
                found = voice.index[isin(voice["sentence_id"], group["sentence_id"])]
            ids = set(voice.loc[found, "sentence_id"])
            # An aspect whose mentions mostly sit inside topic pain points adds nothing a topic doesn't say
            # ("camera" in "only the camera loses Wi-Fi" is the Wi-Fi pain point's, and the battery one's).
            if len(ids & covered) >= 0.5 * len(ids):
                continue
            self.aspect_candidates.append((str(norm), found))

    def with_groups(self, group_ids) -> VoiceReading:
        """This reading with the voice's ``group_id`` column replaced (``group_ids``, one per voice row, in
        its order): what a shared-customer merge changes. Nothing else is read again."""
        out = copy.copy(self)
        out.voice = self.voice.assign(group_id=group_ids)
        return out

    def topic_rows(self) -> dict:
        """Topic id -> positions of its voice rows (found once, for the label check of every group)."""
        if self._topic_rows is None:
            self._topic_rows = self.voice.groupby("topic_id").indices
        return self._topic_rows


def find_pain_points(
    voice,
    aspects,
    *,
    ltv: dict[str, float] | None = None,
    params: AnalysisParams = DEFAULT,
    ignored: set[int] | frozenset[int] = frozenset(),
    group_labels: dict[int, str] | None = None,
    churn_customers: set[str] | None = None,
    label_chooser=None,
    complaint_labeller=None,
    run_id: str = "",
):
    """voice: one row per customer-voice sentence (sentence_id, record_id, customer_id, channel,
    created_at, rating, conversation_id, text, label, score, topic_id, topic_label; optional
    ``group_id``: the topic's consolidated group, default the topic itself; optional ``lemmas``).
    aspects: one row per aspect mention joined with its record (norm, label, score, sentence_id, ...).
    ignored: topic ids an analyst marked as no pain point; the other options: ``rank_pain_points``.
    ``VoiceReading`` then ``rank_pain_points``: a caller that ranks one voice several times reads it once.

    Returns (pain_points frame, mentions frame [pain_id, sentence_id, record_id]).
    """
    return rank_pain_points(VoiceReading(voice, aspects, params=params, ignored=ignored), ltv=ltv,
                            group_labels=group_labels, churn_customers=churn_customers, label_chooser=label_chooser,
                            complaint_labeller=complaint_labeller, run_id=run_id)


def rank_pain_points(
    reading: VoiceReading,
    *,
    ltv: dict[str, float] | None = None,
    group_labels: dict[int, str] | None = None,
    churn_customers: set[str] | None = None,
    label_chooser=None,
    complaint_labeller=None,
    run_id: str = "",
):
    """The pain points of a read voice (``VoiceReading``, whose params apply), measured and ranked.
    group_labels: analyst labels per group id; churn_customers: customer ids at churn risk (from the
    profiles), for ``churn_share``.
    label_chooser: ``(sub_themes, mentions) -> label`` for a group of several topics (the pipeline's
    ``central_label_chooser``: the sub-theme label closest to the group's mentions); without one, the
    label of the sub-theme with the most mentions.
    complaint_labeller: ``(mentions, used) -> label | None``, a label chosen from the mentions' own
    texts, for a group whose label its complaints do not use (``said_by_complaints``; the pipeline's
    ``complaint_labeller``); without one, such a group keeps its label.

    Returns (pain_points frame, mentions frame [pain_id, sentence_id, record_id])."""
    import pandas as pd

    params, voice = reading.params, reading.voice
    ltv = ltv or {}
    group_labels = group_labels or {}
    if len(voice) == 0:
        return pd.DataFrame(columns=PAIN_COLUMNS), pd.DataFrame(columns=["pain_id", "sentence_id", "record_id"])
    sub_negatives = {tid: voice.loc[index] for tid, index in reading.sub_negatives.items()}

    candidates: list[tuple[str, str, str, int | None, Any, list]] = []
    # each topic's rows, found once for the label check (not a scan of the whole voice per group)
    topic_rows = reading.topic_rows() if complaint_labeller is not None and sub_negatives else {}
    by_group: dict[int, list[int]] = {}
    for tid, negatives in sub_negatives.items():
        gid = negatives["group_id"].iloc[0]
        by_group.setdefault(int(gid) if pd.notna(gid) else tid, []).append(tid)
    for gid, tids in sorted(by_group.items()):
        tids.sort(key=lambda t: (-len(sub_negatives[t]), t))
        mentions = pd.concat([sub_negatives[t] for t in tids])
        subs = [{"topic_id": t, "label": str(sub_negatives[t]["topic_label"].iloc[0]),
                 "mentions": int(len(sub_negatives[t]))} for t in tids]
        label = group_labels.get(gid)
        if not label:
            label = (label_chooser(subs, mentions) if label_chooser is not None and len(subs) > 1
                     else subs[0]["label"])
            parts = [topic_rows[t] for t in tids if t in topic_rows]
            if parts and not said_by_complaints(
                    label, voice.iloc[np.concatenate(parts)][["sentence_id", "text"]], mentions,
                    params.label_complaint_share):
                label = complaint_labeller(mentions, {c[2] for c in candidates}) or label
        candidates.append(("topic", str(gid), label, gid, mentions, subs))
    candidates += [("aspect", norm, norm, None, voice.loc[index], []) for norm, index in reading.aspect_candidates]
    candidates = _fold_aspects(candidates, params)

    all_value = sum(ltv.values())
    candidates = [c for c in candidates if len(c[4]) >= params.min_mentions
                  and c[4]["customer_id"].nunique() >= params.min_customers]
    co_shares = _co_mention_shares([c[4] for c in candidates])
    rows, mention_rows = [], []
    for (kind, key, label, topic_id, mentions, subs), co_share in zip(candidates, co_shares, strict=True):
        customers = set(mentions["customer_id"].dropna())
        row = _measure(mentions, customers, reading.as_of, params, reading.happy, ltv, reading.ratings,
                       churn_customers, all_value, co_share)
        row["parts"]["sub_themes"] = subs
        pain_id = pain_id_for(kind, key)
        row.update(
            pain_id=pain_id, kind=kind, key=key, label=label, topic_id=topic_id, run_id=run_id,
            evidence=_evidence(mentions),
        )
        rows.append(row)
        mention_rows += [
            {"pain_id": pain_id, "sentence_id": s, "record_id": r}
            for s, r in zip(mentions["sentence_id"], mentions["record_id"], strict=True)
        ]
    frame = pd.DataFrame(rows, columns=[c for c in PAIN_COLUMNS if c != "rank"])
    if len(frame):
        frame = frame.sort_values(["score", "customers", "label"], ascending=[False, False, True])
    frame.insert(5, "rank", range(1, len(frame) + 1))
    return frame[PAIN_COLUMNS].reset_index(drop=True), pd.DataFrame(
        mention_rows, columns=["pain_id", "sentence_id", "record_id"]
    ).drop_duplicates()


def _joins(host: set, guest: set, reach: float, params: AnalysisParams) -> dict[str, Any] | None:
    """The shared-customer test: more than ``shared_customer_share`` of ``guest``'s customers also raise
    ``host``, at least ``shared_customer_lift`` times the host's ``reach`` (its share of all customers
    with a pain point), and at least ``shared_customer_min`` of them."""
    shared = len(host & guest)
    share = shared / max(len(guest), 1)
    if shared >= params.shared_customer_min and share > params.shared_customer_share \
            and share >= params.shared_customer_lift * reach:
        return {"shared": shared, "share": round(share, 3), "lift": round(share / max(reach, 1e-12), 2)}
    return None


def _fold_aspects(candidates: list, params: AnalysisParams) -> list:
    """An aspect-term candidate whose customers are, by the shared-customer test, the customers of a
    topic candidate is that problem said with one word ("cache" in "Reinstalled it and cleared the cache,
    still crashing", of the app-crash customers): its mentions join the topic's and it becomes one of the
    topic's sub-themes ({"aspect": term, "mentions": n}) instead of a row of its own."""
    topical = [c for c in candidates if c[0] == "topic"]
    if not topical or len(topical) == len(candidates):
        return candidates
    who = {i: set(c[4]["customer_id"].dropna()) for i, c in enumerate(candidates)}
    everyone = set().union(*(who[i] for i, c in enumerate(candidates) if c[0] == "topic"))
    if not everyone:
        return candidates
    hosts = sorted((i for i, c in enumerate(candidates) if c[0] == "topic"), key=lambda i: (-len(who[i]), i))
    folded: dict[int, list[int]] = {}
    for j, c in enumerate(candidates):
        if c[0] != "aspect":
            continue
        tests = [(m["share"], -len(who[i]), i) for i in hosts
                 if (m := _joins(who[i], who[j], len(who[i]) / len(everyone), params))]
        if tests:
            folded.setdefault(max(tests)[2], []).append(j)
    if not folded:
        return candidates
    import pandas as pd

    gone = {j for js in folded.values() for j in js}
    out = []
    for i, (kind, key, label, topic_id, mentions, subs) in enumerate(candidates):
        if i in gone:
            continue
        if i in folded:
            extra = [candidates[j] for j in folded[i]]
            mentions = pd.concat([mentions] + [e[4] for e in extra]).drop_duplicates("sentence_id")
            subs = subs + [{"aspect": e[1], "label": e[2], "mentions": int(len(e[4]))} for e in extra]
        out.append((kind, key, label, topic_id, mentions, subs))
    return out


def shared_customer_merges(pains, mentions, voice, params: AnalysisParams = DEFAULT) -> list[dict[str, Any]]:
    """Topic pain points that are one problem by their customers: B joins A when more than
    ``params.shared_customer_share`` of B's customers also raise A, that share is at least
    ``params.shared_customer_lift`` times A's reach among all customers with a topic pain point, and at
    least ``params.shared_customer_min`` customers are shared. Each B joins the pain point it shares
    most with, a larger one (more customers; then the lower group id); a pain point that takes others in
    joins none. Returns [{"topic_id": B's group, "into": A's group, "shared", "share", "lift"}].

    A counts as raised only in its main topic (the group's root: its largest topic when the topics were
    fitted) and in the pain points that joined it here, not in the smaller topics consolidation put
    beside it. Those are where a sentence the embedder misplaced sits: on the demo, "There is no cancel
    button anywhere in the app." landed in a login topic ("Can't log in to the app because ...") that
    was consolidated with the login pain point, and once it read as a complaint, 9 of the 16 customers
    trying to cancel "raised" the login problem, none of them in its main topic, and the cancel row was
    folded into it. Customers who keep contacting about one problem raise its main topic too.

    pains, mentions: ``find_pain_points`` output; voice: its input (sentence_id, customer_id; with
    ``topic_id`` each mention counts for its own topic, without it for its group)."""
    topical = pains[pains["kind"] == "topic"]
    if len(topical) < 2:
        return []
    group_of = dict(zip(topical["pain_id"], topical["topic_id"].astype(int), strict=True))
    # each mention with its customer and its own topic: one join on the mentions, not a map of the whole voice
    said = mentions.loc[isin(mentions["pain_id"], list(group_of)), ["pain_id", "sentence_id"]].merge(
        voice[[c for c in ("sentence_id", "customer_id", "topic_id") if c in voice.columns]], on="sentence_id")
    said = said[said["customer_id"].notna() & (said["customer_id"] != "")]
    root = said["pain_id"].map(group_of)
    in_main = (said["topic_id"].isna() | (said["topic_id"] == root)) if "topic_id" in said else root.notna()
    customers = said.groupby(root)["customer_id"].agg(set).to_dict()
    main = said[in_main].groupby(root[in_main])["customer_id"].agg(set).to_dict()
    groups = {g: set(customers.get(g, set())) for g in group_of.values()}
    hosts = {g: set(main.get(g, set())) for g in group_of.values()}
    everyone = set().union(*groups.values())
    if not everyone:
        return []
    # to a fixed point: a group that took others in reaches more customers, which can make a third one
    # pass (merged one round at a time, a re-run of the same store merged again)
    out: list[dict[str, Any]] = []
    while True:
        order = sorted(groups.items(), key=lambda r: (-len(r[1]), r[0]))
        best: dict[int, dict[str, Any]] = {}
        for i, (a, ca) in enumerate(order):
            reach = len(ca) / len(everyone)
            for b, cb in order[i + 1:]:
                m = _joins(hosts[a], cb, reach, params)
                if m and (b not in best or m["share"] > best[b]["share"]):
                    best[b] = {"topic_id": b, "into": a, **m}
        taking = {m["into"] for m in best.values()}
        done = [m for b, m in sorted(best.items()) if b not in taking]
        if not done:
            return out
        for m in done:
            groups[m["into"]] |= groups.pop(m["topic_id"])
            hosts[m["into"]] |= hosts.pop(m["topic_id"])
        out += done


def _customer_ratings(voice) -> dict[str, float]:
    """Mean star rating per reviewing customer (one value per review record)."""
    reviews = voice[(voice["channel"] == "review") & voice["rating"].notna() & voice["customer_id"].notna()]
    return reviews.drop_duplicates("record_id").groupby("customer_id")["rating"].mean().to_dict()


def rating_impact(raisers: set, ratings: dict[str, float]) -> dict[str, Any]:
    """Mean rating of reviewing customers who raise it vs who don't, the difference (without - with)
    and its 95 % Welch confidence interval (None where either side has fewer than 2 customers)."""
    import numpy as np
    from scipy import stats

    with_ = np.asarray([r for c, r in ratings.items() if c in raisers], dtype=float)
    without = np.asarray([r for c, r in ratings.items() if c not in raisers], dtype=float)
    out: dict[str, Any] = {"rating_with": None, "rating_without": None, "rating_gap": None, "rating_gap_ci": None,
                           "rated_with": int(len(with_)), "rated_without": int(len(without))}
    if len(with_) == 0 or len(without) == 0:
        return out
    gap = float(without.mean() - with_.mean())
    out.update(rating_with=round(float(with_.mean()), 3), rating_without=round(float(without.mean()), 3),
               rating_gap=round(gap, 3))
    if len(with_) >= 2 and len(without) >= 2:
        va, vb = with_.var(ddof=1) / len(with_), without.var(ddof=1) / len(without)
        se = math.sqrt(va + vb)
        if se == 0:
            out["rating_gap_ci"] = [round(gap, 3), round(gap, 3)]
        else:
            dof = (va + vb) ** 2 / ((va ** 2 / max(len(with_) - 1, 1)) + (vb ** 2 / max(len(without) - 1, 1)) or 1e-12)
            t = float(stats.t.ppf(0.975, dof))
            out["rating_gap_ci"] = [round(gap - t * se, 3), round(gap + t * se, 3)]
    return out


def trend(recent: int, previous: int, params: AnalysisParams = DEFAULT) -> dict[str, Any]:
    """Recent vs previous window: the counts, a word ("new", "rising", "steady", "falling", "gone"),
    the one-sided exact binomial p-value of a rise, and whether the rise is significant."""
    from scipy.stats import binomtest

    n = recent + previous
    p_rise = float(binomtest(recent, n, 0.5, alternative="greater").pvalue) if n else 1.0
    p_fall = float(binomtest(previous, n, 0.5, alternative="greater").pvalue) if n else 1.0
    significant = p_rise < params.growth_alpha and recent >= params.min_growth_mentions
    if previous == 0 and recent > 0:
        word = "new"
    elif recent == 0 and previous > 0:
        word = "gone"
    elif significant:
        word = "rising"
    elif p_fall < params.growth_alpha and previous >= params.min_growth_mentions:
        word = "falling"
    else:
        word = "steady"
    rise = min(2.0, recent / max(previous, 1) - 1) if significant else 0.0
    return {"recent_mentions": recent, "previous_mentions": previous, "trend": word,
            "p_rise": round(p_rise, 6), "significant_rise": bool(significant), "rise": round(max(rise, 0.0), 4)}


def _happy_customers(voice, min_stars: float = DEFAULT.happy_min_stars) -> set:
    reviews = voice[(voice["channel"] == "review") & voice["rating"].notna()]
    means = reviews.drop_duplicates("record_id").groupby("customer_id")["rating"].mean()
    return set(means[means >= min_stars].index)


def _negativity(mentions):
    """How negative each mention is, 0..1: the sentence's -score, or its record's when the record reads
    more negative (a factual report, "I was charged twice this month.", inside an angry review)."""
    neg = -mentions["score"]
    if "record_score" in mentions:
        neg = np.maximum(neg, -mentions["record_score"].fillna(0))
    return neg.clip(0, 1)


def _co_mention_shares(groups: list) -> list[float]:
    """Per candidate (its mentions frame), the share of its mentions whose record also holds a mention
    of a candidate raised by more customers: how rarely it is said other than beside a bigger problem.
    "Lumio has lost me as a customer." and "Sort it out, Lumio." come beside the problem they follow
    from; "The login code never arrives." is the whole message, and stays so when a consequence is said
    beside it."""
    reach = [m["customer_id"].nunique() for m in groups]
    owners: dict[str, set[int]] = {}
    for i, m in enumerate(groups):
        for r in set(m["record_id"]):
            owners.setdefault(r, set()).add(i)
    return [float(m["record_id"].map(lambda r, i=i: any(reach[j] > reach[i] for j in owners[r])).mean())
            if len(m) else 0.0 for i, m in enumerate(groups)]


def _measure(mentions, customers: set, as_of, params: AnalysisParams, happy: set, ltv: dict, ratings: dict,
             churn_customers: set | None, all_value: float, co_share: float = 0.0) -> dict[str, Any]:
    import pandas as pd

    created = pd.to_datetime(mentions["created_at"], utc=True)
    window = timedelta(days=params.window_days)
    recent = int((created > as_of - window).sum())
    before = int(((created > as_of - 2 * window) & (created <= as_of - window)).sum())
    growth = (recent - before) / max(before, 1)
    tr = trend(recent, before, params)
    severity = float(_negativity(mentions).mean())
    support = mentions[(mentions["channel"] == "support") & mentions["customer_id"].notna()]
    convs = support.groupby("customer_id")["conversation_id"].nunique()
    repeat = int((convs >= 2).sum())
    repeat_share = repeat / max(len(customers), 1)
    hidden = float(isin(mentions["customer_id"], happy).mean())
    values = [ltv[c] for c in customers if c in ltv]
    value_at_stake = float(sum(values)) if values else None
    impact = rating_impact(customers, ratings)
    ci = impact["rating_gap_ci"]
    impact_term = min(1.0, impact["rating_gap"] / 4) if ci is not None and ci[0] > 0 else 0.0
    churn_share = (len(customers & churn_customers) / max(len(customers), 1)) if churn_customers is not None else None
    score = (
        math.sqrt(len(customers)) * (0.5 + severity) * (1 + 0.5 * tr["rise"])
        * (1 + repeat_share) * (1 + 0.5 * hidden) * (1 + 0.5 * impact_term) * (1 + 0.25 * (churn_share or 0.0))
        * (1 - params.co_mention_weight * co_share)
    )
    channels = mentions["channel"].value_counts().sort_index()
    return {
        "score": round(score, 4),
        "mentions": int(len(mentions)),
        "customers": len(customers),
        "channels": {str(k): int(v) for k, v in channels.items()},
        "first_seen": created.min(),
        "last_seen": created.max(),
        "growth": round(growth, 4),
        "severity": round(severity, 4),
        "value_at_stake": value_at_stake,
        "repeat_contacts": repeat,
        "hidden_share": round(hidden, 4),
        "parts": {
            "customers": len(customers),
            "severity": round(severity, 4),
            **tr,
            "window_days": params.window_days,
            "repeat_share": round(repeat_share, 4),
            "hidden_share": round(hidden, 4),
            **impact,
            "rating_impact": round(impact_term, 4),
            "churn_share": None if churn_share is None else round(churn_share, 4),
            "co_mention_share": round(co_share, 4),
            "value_share": round(value_at_stake / all_value, 4) if value_at_stake and all_value else None,
        },
    }


def _evidence(mentions, limit: int = 5) -> list[dict[str, Any]]:
    """The most negative quotes, one per customer where possible."""
    ordered = mentions.sort_values(["score", "sentence_id"])
    picked = ordered.drop_duplicates("customer_id") if ordered["customer_id"].notna().any() else ordered
    if len(picked) < limit:
        import pandas as pd

        picked = pd.concat([picked, ordered[~ordered["sentence_id"].isin(picked["sentence_id"])]])
    out = []
    for r in picked.head(limit).itertuples():
        out.append(
            {
                "record_id": r.record_id,
                "sentence_id": r.sentence_id,
                "customer_id": r.customer_id if isinstance(r.customer_id, str) else None,
                "channel": r.channel,
                "date": str(r.created_at)[:10],
                "quote": r.text,
                "score": round(float(r.score), 3),
            }
        )
    return out
