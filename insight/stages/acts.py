"""What a customer's sentence *does*, read from its dependency parse: asks for something, says why they
bought, or closes a support conversation.

Acts (``act`` column), each with what the parse gives:

- ``request``: a wish or feature request, with its ``object`` ("HomeKit support"). Found by the shape of
  the clause, not by phrases: a provision verb (add, bring, offer, support, show, ...) in an imperative,
  under a modal ("can you add", "should show") or under a desire verb ("I wish the app had", "would love
  to see", "hope the update brings"); an evaluative conditional ("would be great if you added X", "would
  help if there was X"); or a noun of asking with its complement ("feature request: X", "chance of X").
  Negated clauses are never requests.
- ``motive``: why the customer bought or chose the product ("got it as a gift", "bought it for peace of
  mind", "replaced an old camera", "a friend recommended it"): a purchase verb with a reason or purpose
  (a ``because/so/after`` clause, a ``to``-infinitive, a ``for``/``as`` phrase that is not a place), a
  recommendation, a replacement, or a gift. The kind is assigned later (``insight.stages.motives``).
- ``close_resolved`` / ``close_tentative`` / ``close_open``: how a customer's turn in a support
  conversation reads as a close: confirmation ("that worked", "fixed now"), a tentative promise to try
  ("I'll try that"), or still open (negated fix, "still", waiting).

spaCy's small English pipeline (``en_core_web_sm``) runs here, on the customers' sentences only, in one
``nlp.pipe`` pass with ids carried as context.
"""

from __future__ import annotations

from typing import Any

ACT_COLUMNS = ["sentence_id", "record_id", "act", "object", "detail"]

# verbs that bring something into the product
PROVIDE = frozenset({
    "add", "bring", "give", "offer", "support", "include", "introduce", "build", "release", "implement",
    "allow", "enable", "provide", "launch", "create", "integrate", "show", "display", "have", "get", "make",
    "put", "let", "see", "consider",
})
DESIRE = frozenset({"wish", "hope", "love", "like", "want", "need", "prefer"})
NEEDS_WOULD = frozenset({"love", "like", "prefer"})  # "I love X" is praise; "I'd love X" is a wish
MODALS = frozenset({"can", "could", "should", "would", "will", "might", "may"})
ASK_NOUNS = frozenset({"request", "suggestion", "wish", "ask", "chance", "idea"})
EVALUATIVE = frozenset({"great", "nice", "good", "awesome", "helpful", "useful", "cool", "perfect", "amazing",
                        "brilliant", "ideal", "better", "help", "love", "like"})
PRONOUNS = frozenset({"it", "that", "this", "them", "something", "anything", "one", "those", "these", "what"})

PURCHASE = frozenset({"buy", "get", "purchase", "order", "pick", "choose", "go", "replace", "upgrade", "switch",
                      "install", "receive"})
REASON_MARKS = frozenset({"because", "so", "since", "as", "after", "cause", "'cause", "cos"})
GIFT = frozenset({"gift", "present"})
PAST_FORMS = {"got": "get", "bought": "buy", "picked": "pick", "ordered": "order", "chose": "choose",
              "went": "go", "replaced": "replace"}


def _lemmas(tok) -> set[str]:
    """The lemma and the forms a mis-lemmatised inflection may stand for ("hoping" -> "hop" -> "hope")."""
    low = tok.lower_
    out = {tok.lemma_.lower(), low}
    for suffix in ("ing", "ed", "s"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)]
            out |= {stem, stem + "e"}
    return out


def _negated(tok) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _modal(tok) -> str | None:
    for c in tok.children:
        if c.dep_ == "aux" and (c.lemma_.lower() in MODALS or c.lower_ in ("'d", "'ll", "wo")):
            return c.lemma_.lower()
    return None


def _subject(tok):
    return next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)


def _object_span(tok) -> str | None:
    """The noun phrase under ``tok`` (a noun), or None for pronouns and empty spans."""
    if tok is None or tok.lower_ in PRONOUNS or tok.pos_ == "PRON":
        return None
    words = [t for t in tok.subtree if not t.is_punct]
    # drop a trailing clause or time adjunct that the parser hung on the noun ("... in a future update")
    # an infinitive ("a way to pause the subscription") belongs to the noun; a relative clause does not
    cut = [t for t in words if t.dep_ == "relcl" and t.head == tok
           and not any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)]
    if cut:
        words = [t for t in words if t.i < cut[0].left_edge.i]
    if not words:
        return None
    text = tok.doc[words[0].i: words[-1].i + 1].text.strip(" ,;:-")
    return text or None


def _verb_object(verb):
    """What a provision verb provides: its direct object, the attribute of "there is/was X", or a clause."""
    for c in verb.children:
        if c.dep_ in ("dobj", "attr", "oprd"):
            return _object_span(c)
    for c in verb.children:  # "show which camera triggered the alert"
        if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX"):
            text = verb.doc[c.left_edge.i: c.right_edge.i + 1].text.strip(" ,.;:!?")
            return text or None
    for c in verb.children:  # "Give us X" / passives "X to be added"
        if c.dep_ in ("nsubjpass",):
            return _object_span(c)
    return None


def _clause_object(clause):
    """The object of a wish clause: the provision verb's object in it, or of one level below."""
    if clause.lemma_.lower() in PROVIDE or clause.lemma_.lower() == "be":
        obj = _verb_object(clause)
        if obj:
            return obj
    for c in clause.children:
        if c.dep_ in ("xcomp", "ccomp", "advcl", "conj") and c.lemma_.lower() in PROVIDE | {"be"}:
            obj = _verb_object(c)
            if obj:
                return obj
    return None


def request_object(sent) -> tuple[str, str] | None:
    """(object, frame) when the sentence asks for something, else None."""
    question = sent.text.rstrip().endswith("?")
    for tok in sent:
        lemma = tok.lemma_.lower()
        forms = _lemmas(tok)
        if tok.pos_ not in ("VERB", "AUX", "NOUN", "PROPN", "ADJ") or _negated(tok):
            continue
        subj = _subject(tok)
        modal = _modal(tok)
        # the addressee may be the subject of the verb or of the verb it completes ("do you plan to offer X")
        head_subj = _subject(tok.head) if tok.dep_ in ("xcomp", "ccomp") else None
        to_you = any(x is not None and x.lower_ in ("you", "u") for x in (subj, head_subj))
        # 1. imperative or modal provision: "Please add X", "Can you add X?", "The app should show X",
        #    "Do you plan to offer X?"
        if lemma in PROVIDE and tok.pos_ in ("VERB", "AUX") and lemma not in ("see", "have", "get"):
            imperative = tok.dep_ == "ROOT" and tok.tag_ == "VB" and subj is None and modal is None
            if imperative or (modal in ("can", "could", "should", "will", "would") and
                              (modal == "should" or to_you)) or (question and to_you):
                # "consider it" names nothing; "make sure", "put it" without a recipient ask for no feature
                if lemma == "consider" or (imperative and lemma in ("make", "let", "put") and
                                           not any(c.dep_ == "dative" for c in tok.children)):
                    continue
                obj = _verb_object(tok)
                if obj:
                    return obj, "imperative" if imperative else "modal"
        # 2. desire: "I wish the app had X", "Would love to see X", "Hope the update brings X", "Need X";
        #    a past desire ("we wanted a camera") is narrative, not an ask
        desire = forms & DESIRE
        if desire and tok.pos_ == "VERB" and tok.tag_ not in ("VBD", "VBN"):
            lemma = sorted(desire)[0]
            if subj is not None and subj.lower_ not in ("i", "we", "us"):
                continue
            if lemma in NEEDS_WOULD and modal not in ("would", "'d") and not any(c.lower_ == "'d" for c in tok.children):
                continue
            for c in tok.children:
                if c.dep_ in ("ccomp", "xcomp"):
                    obj = _clause_object(c)
                    if obj:
                        return obj, "desire"
            if lemma in ("want", "need", "wish") or modal:
                for c in tok.children:
                    if c.dep_ == "dobj" and c.pos_ != "PRON" and not any(
                            g.dep_ == "poss" for g in c.children):
                        obj = _object_span(c)
                        if obj:
                            return obj, "desire"
        # 3. evaluative conditional: "It would be great if you added X", "would help if the app showed X"
        if modal in ("would", "'d") or any(c.lower_ == "'d" for c in tok.children):
            head_word = lemma if lemma != "be" else next(
                (c.lemma_.lower() for c in tok.children if c.dep_ in ("acomp", "attr")), "")
            if head_word in EVALUATIVE:
                for c in tok.children:
                    if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "if" for m in c.children):
                        obj = _clause_object(c)
                        if obj:
                            return obj, "conditional"
        # 3b. the condition as the subject: "Adding X would make this perfect"
        if modal in ("would", "'d") and not _negated(tok):
            for c in tok.children:
                if c.dep_ == "csubj" and c.lemma_.lower() in PROVIDE:
                    obj = _verb_object(c)
                    if obj:
                        return obj, "conditional"
        # 4. a noun of asking with its complement: "Feature request: X", "Any chance of X?", "My ask: X"
        if lemma in ASK_NOUNS and tok.pos_ == "NOUN" and tok.dep_ == "ROOT":
            colon = next((t.i for t in tok.rights if t.lower_ == ":"), None)
            for c in tok.children:
                if colon is not None and c.i > colon and c.dep_ in ("acl", "dep", "dobj", "npadvmod", "attr"):
                    text = tok.doc[c.left_edge.i: c.right_edge.i + 1].text.strip(" ,.;:!?")
                    if text:
                        return text, "noun"
                if c.dep_ == "appos":
                    obj = _object_span(c)
                    if obj:
                        return obj, "noun"
                if c.dep_ == "prep" and c.lower_ in ("of", "for"):
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    obj = _object_span(pobj)
                    if obj:
                        return obj, "noun"
    return None


def motive_frame(sent) -> str | None:
    """The frame when the sentence says why the customer bought or chose the product, else None."""
    causal = any(t.lower_ in ("so", "because", "since", "why", "cause") and t.dep_ in ("mark", "advmod", "advcl")
                 for t in sent)
    for tok in sent:  # the specific frames first: they name the kind
        lemma = PAST_FORMS.get(tok.lower_, tok.lemma_.lower())
        if _negated(tok):
            continue
        if lemma == "recommend" and tok.pos_ == "VERB":
            return "recommendation"
        if lemma == "replace" and tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
            return "replacement"
        # "as a gift", "it was a present from my sister"
        if lemma in GIFT and tok.pos_ == "NOUN" and (
                tok.dep_ in ("attr", "pobj") and (tok.dep_ == "attr" or tok.head.lower_ in ("as", "for"))):
            return "gift"
    for tok in sent:
        lemma = tok.lemma_.lower()
        if _negated(tok):
            continue
        # necessity with a cause: "so I needed something quick", "needed one after the old one broke",
        # "so this was a must" (not "it's offline when I need it")
        if lemma == "need" and tok.pos_ == "VERB":
            own_cause = any(c.dep_ in ("advmod", "mark") and c.lower_ in ("so", "because", "since") for c in tok.children)
            reason_clause = tok.dep_ == "ROOT" and any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in REASON_MARKS for m in c.children)
                for c in tok.children)
            if own_cause or reason_clause:
                return "reason"
        if causal and lemma == "must" and tok.dep_ == "attr":
            return "reason"
        lemma = PAST_FORMS.get(tok.lower_, lemma)  # the small model mis-lemmatises a sentence-initial "Got"
        if lemma in PURCHASE and tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBN", "VB", "VBP") and not _modal(tok):
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            preps = [c.lower_ for c in tok.children if c.dep_ == "prep"]
            if lemma == "go" and (preps[:1] != ["with"] or not any(
                    c.dep_ == "prep" and c.lower_ == "with" and any(g.pos_ == "PROPN" for g in c.children)
                    for c in tok.children)):
                continue  # "went with Lumio", not "went from 85% to 13%"
            # what was got must be the product (it, this, one, a pair), not "got a new phone" or "got home"
            if lemma in ("get", "receive", "order") and (obj is None or (
                    obj.pos_ not in ("PRON", "DET", "NUM") and obj.tag_ != "CD")):
                continue
            if causal:
                return "reason"
            for c in tok.children:
                if c.dep_ == "advcl":
                    if any(m.dep_ in ("mark", "advmod") and m.lower_ in REASON_MARKS for m in c.children):
                        return "reason"
                    if any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children):
                        return "purpose"
                if c.dep_ == "xcomp" and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children) \
                        and c.lemma_.lower() not in PURCHASE:
                    return "purpose"
                if c.dep_ == "prep" and c.lower_ in ("for", "as", "after", "on"):
                    pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    if pobj is not None and pobj.pos_ in ("NOUN", "VERB") and not _place(pobj):
                        return "reason"
    return None


PLACE_WORDS = frozenset({"door", "garden", "driveway", "flat", "garage", "hallway", "porch", "office", "room",
                         "house", "stairwell", "balcony", "kitchen", "front", "back", "side", "window", "shop",
                         "store", "yard", "entrance", "hall", "bedroom", "nursery", "attic", "shed"})


def _place(tok) -> bool:
    """A for-phrase naming where it goes ("for the front door") is not a reason."""
    return tok.lemma_.lower() in PLACE_WORDS


def close_kind(sent) -> str | None:
    """How a support turn reads as a close: resolved, tentative or open (None: not a close)."""
    lemmas = [t.lemma_.lower() for t in sent]
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX", "ADJ", "ADV", "INTJ", "NOUN")]
    fix_verbs = ("work", "fix", "sort", "solve", "resolve")
    # negation, including negative subjects and determiners ("nothing has changed", "no change")
    negated = any(t.dep_ == "neg" or (t.lower_ in ("nothing", "no", "none", "nobody") and t.dep_ in ("nsubj", "det", "dobj"))
                  for t in sent)
    # a verbless "nothing" ("So basically nothing.", "Still nothing.") is the outcome: not fixed; "nothing
    # else" / "nothing more" closes a conversation instead
    negated = negated or any(t.lower_ in ("nothing", "none") and t.dep_ == "ROOT" and
                             not any(c.lower_ in ("else", "more") for c in t.children) for t in sent)
    # "still" / "again" mean the problem persists, except on a restored state ("working again")
    still = any(t.lower_ in ("still", "again", "yet") and t.head.lemma_.lower() not in fix_verbs for t in sent)
    future_try = any(t.lemma_.lower() in ("try", "test", "give", "see", "check") and
                     any(c.dep_ == "aux" and (c.lower_ in ("'ll", "will", "shall") or c.lemma_ == "will")
                         for c in t.children) for t in sent)
    now = any(t.lower_ == "now" for t in sent)
    # a fix confirmed by a verb ("that worked", "sorted it"), or a state said to hold now ("fine now")
    fixed = any(t.lemma_.lower() in fix_verbs and t.pos_ == "VERB" for t in verbs) \
        or (now and any(t.lemma_.lower() in ("fine", "good", "normal", "ok", "okay") for t in verbs)) \
        or any(t.lower_ == "back" and t.dep_ in ("advmod", "acomp", "prt") and t.head.pos_ in ("AUX", "VERB")
               and not negated for t in sent)
    thanks = "thank" in lemmas or "thanks" in lemmas or "cheer" in lemmas or "appreciate" in lemmas
    # the customer still asks for something ("please actually fix it", "keep me posted") or waits
    asks = any(t.dep_ == "ROOT" and t.tag_ == "VB" and _subject(t) is None and _modal(t) is None
               and t.lemma_.lower() not in ("thank",) for t in sent)
    waits = any(t.lemma_.lower() == "wait" and t.pos_ == "VERB" for t in sent)
    if future_try:
        return "tentative"
    if negated or still or asks or waits:
        return "open"
    if fixed:
        return "resolved"
    if thanks:
        return "thanks"
    return None


def main_object(sent) -> str | None:
    """The thing a sentence is about when the parse gives no ask frame: the largest noun phrase that is
    an object, attribute or subject complement (never a pronoun), with its prepositional tail."""
    best, size = None, 0
    for tok in sent:
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "attr", "pobj", "nsubj", "nsubjpass", "appos", "oprd") \
                and not (tok.dep_ == "pobj" and tok.head.head.pos_ in ("NOUN", "PROPN")):
            text = _object_span(tok)
            n = len(text.split()) if text else 0
            if text and n > size and n < len(sent) - 1:
                best, size = text, n
    return best


class ActHead:
    """A fitted act head (``scripts/fit_act_heads.py``): P(sentence asks for something | talks about
    leaving) from its all-MiniLM-L6-v2 vector. ``kind``: ``request`` or ``churn``."""

    def __init__(self, kind: str = "request", path=None) -> None:
        import json
        from pathlib import Path

        import numpy as np

        from insight.errors import ConfigError

        if kind not in ("request", "churn"):
            raise ConfigError(f"acts: unknown head kind (got {kind!r}). Use 'request' or 'churn'.")
        self.kind = kind
        path = Path(path) if path else Path(__file__).with_name(f"{kind}_head.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.name = data["name"]
        self.threshold = float(data["threshold"])
        self.coef_ = np.asarray(data["coef"], dtype="float32")
        self.intercept_ = float(data["intercept"])

    def predict_proba(self, vectors):
        import numpy as np

        v = np.asarray(vectors, dtype="float32")
        return 1.0 / (1.0 + np.exp(-(v @ self.coef_ + self.intercept_)))


def detect_acts(sentences, *, nlp, head: ActHead | None = None, churn_head: ActHead | None = None,
                batch_size: int = 256):
    """Sentences (sentence_id, record_id, text[, vector]) -> acts frame (ACT_COLUMNS): at most one of
    request or motive per sentence, plus a close kind for sentences that read as one (profiles use it on
    support turns only).

    A request is a sentence the parse finds an ask frame in, or (with ``head`` and a ``vector`` column)
    one the request head scores at or above its threshold whose parse still gives an object and that is
    not negated; its ``detail`` is the frame (``imperative``, ``modal``, ``desire``, ``conditional``,
    ``noun``) or ``head``. A sentence the churn head reads as churn talk is never a request. ``churn`` (with ``churn_head``): the churn head scores the sentence at or above its
    threshold (``detail``: the score).
    """
    import pandas as pd

    if not len(sentences):
        return pd.DataFrame(columns=ACT_COLUMNS)
    scores: list[float | None] = [None] * len(sentences)
    churn: list[float | None] = [None] * len(sentences)
    if "vector" in sentences:
        # a sentence without a stored vector yet is read by the parse alone
        have = [i for i, v in enumerate(sentences["vector"]) if v is not None and not isinstance(v, float)]
        vectors = [sentences["vector"].iloc[i] for i in have]
        for h, out in ((head, scores), (churn_head, churn)):
            if h is not None and have:
                for i, x in zip(have, h.predict_proba(vectors), strict=True):
                    out[i] = float(x)
    items = [(str(t), (sid, rid, sc, ch)) for t, sid, rid, sc, ch in
             zip(sentences["text"], sentences["sentence_id"], sentences["record_id"], scores, churn, strict=True)]
    rows: list[dict[str, Any]] = []
    for doc, (sid, rid, score, churn_score) in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
        churn_talk = churn_score is not None and churn_score >= churn_head.threshold
        if churn_talk:
            rows.append({"sentence_id": sid, "record_id": rid, "act": "churn", "object": None,
                         "detail": f"{churn_score:.3f}"})
        found = None
        # talk of leaving asks for no feature ("Give me one reason to stay.")
        for sent in () if churn_talk else doc.sents:
            req = request_object(sent)
            if req:
                found = {"act": "request", "object": req[0], "detail": req[1]}
                break
        if found is None and not churn_talk and score is not None and score >= head.threshold:
            sent = max(doc.sents, key=len)
            obj = main_object(sent)
            if obj and not any(t.dep_ == "neg" for t in sent):
                found = {"act": "request", "object": obj, "detail": "head"}
        if found is None:
            frame = motive_frame(doc)
            if frame:
                found = {"act": "motive", "object": None, "detail": frame}
        if found:
            rows.append({"sentence_id": sid, "record_id": rid, **found})
        kind = close_kind(doc)
        if kind:
            rows.append({"sentence_id": sid, "record_id": rid, "act": f"close_{kind}", "object": None, "detail": None})
    return pd.DataFrame(rows, columns=ACT_COLUMNS)
