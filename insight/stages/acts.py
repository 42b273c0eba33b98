"""What a customer's sentence *does*, read from its dependency parse: asks for something, says why they
bought, or closes a support conversation.

Acts (``act`` column), each with what the parse gives:

- ``request``: a wish or feature request, with its ``object`` ("HomeKit support"). Found by the shape of
  the clause, not by phrases: a provision verb (add, bring, offer, support, show, ...) in an imperative,
  under a modal ("can you add", "should show") or under a desire verb ("I wish the app had", "would love
  to see", "hope the update brings"); an evaluative conditional ("would be great if you added X", "would
  help if there was X"); or a noun of asking with its complement ("feature request: X", "chance of X").
  Negated clauses are never requests. Wider frames (``gap_object``): a gap in the product ("it lacks X",
  "what's missing is X"), counterfactual praise of a thing ("X would be a huge improvement", "it would be
  nice to be able to V"), hoping or paying for it ("hoping for X", "I'd pay extra for X"), "my only wish is
  X", "hopefully they add X", "if only it had X"; and, counted only when the request head scores the sentence
  at ``HEAD_SUPPORT`` or more because support talk shares them, the product's need ("the app needs X", "could
  use X"), questions about plans or availability ("Is X on the roadmap?", "Is X coming?", "Why is there no
  X?"), "There should be X", "X is badly needed", "Let me V" and a verbless "X, please".
- ``churn``: talk of leaving, from the churn head (at its threshold) or the parse (``churn_frame``): a
  first-person intent to cancel, switch, return everything or look elsewhere ("thinking of switching to
  another brand"), staying said not to happen ("won't renew", "can't keep paying for this"), "you've lost a
  customer", or contacting again and again ("the fourth email about this", "I've called five times").
- ``stay``: the parse reads the sentence as staying despite words of leaving (leaving negated: "would never
  switch"; switched from a rival: "we switched from Ring last year"; a how-to question about a plan): it
  overrules the churn head, and the profiles' churn phrases.
- ``motive``: why the customer bought or chose the product ("got it as a gift", "bought it for peace of
  mind", "replaced an old camera", "a friend recommended it"): a purchase verb with a reason or purpose
  (a ``because/so/after`` clause, a ``to``-infinitive, a ``for``/``as`` phrase that is not a place), a
  recommendation, a replacement, or a gift. The kind is assigned later (``insight.stages.motives``).
- ``close_resolved`` / ``close_tentative`` / ``close_open`` / ``close_thanks``: how a customer's turn in a
  support conversation reads as a close: confirmation ("that worked", "fixed now", "back to normal"), a
  tentative promise to try ("I'll try that", "going to reboot it and see", "let me try that"), still open
  (negated fix, waiting, asking again, or "still"/"again", which ``detail`` marks ``again`` because it
  also reads a restored state), or thanks alone.

spaCy's small English pipeline (``en_core_web_sm``) runs here, on the customers' sentences only, in one
``nlp.pipe`` pass with ids carried as context.
"""

from __future__ import annotations

import re
from typing import Any

from insight.embedders import E5_SMALL, E5_SMALL_BY_LANGUAGE, MINILM

ACT_COLUMNS = ["sentence_id", "record_id", "act", "object", "detail"]

# prepositions whose phrase, right after the object, belongs to it even when hung on the verb
ATTACHED = frozenset({"per", "of", "with", "without", "instead"})
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
# what a customer owns or is owed is not a feature ("my parcel is missing", "the app needs my password")
# the request head's score from which it confirms a frame that support talk shares
HEAD_SUPPORT = 0.5

# An ask for contact or for what the customer already owns is a service request, not a feature a product
# team can build: "I want someone to find my bag", "can I get a human", "send me a DM", "give me my money
# back". Such an object names only people, contact channels or the customer's own things.
SERVICE_WORDS = frozenset({
    "help", "people", "someone", "somebody", "anyone", "anybody", "human", "person", "agent", "representative",
    "rep", "manager", "supervisor", "staff", "dm", "number", "call", "callback", "answer", "answers", "response",
    "reply", "refund", "money", "compensation", "assistance", "info", "information", "update", "updates",
})
_OBJECT_STOP = frozenset({"a", "an", "the", "some", "any", "more", "of", "to", "for", "me", "us", "back", "please",
                          "real", "actual", "live", "just", "again", "one", "someone's"})
_NOT_AN_OBJECT = re.compile(r"https?://|www\.|\S+@\S+|(?:^|\s)[@#]\w", re.I)


def names_a_feature(obj: str | None) -> bool:
    """Whether a request's object is something a product could add rather than a service ask: not a
    link, handle or e-mail; not the customer's own things ("my money", "our booking"); not only people,
    contact channels or help ("a human", "someone", "a DM", "help")."""
    if not obj or _NOT_AN_OBJECT.search(obj):
        return False
    words = re.findall(r"[\w/+'-]+", obj.lower())
    if not words or words[0] in OWN:
        return False
    content = [w for w in words if w not in _OBJECT_STOP]
    return bool(content) and not set(content) <= SERVICE_WORDS
OWN = frozenset({"my", "our", "mine", "ours"})
# counterfactual praise of a thing that does not exist yet: "X would be a huge improvement / welcome"
EVALUATIVE_MORE = frozenset({"welcome", "fantastic", "excellent", "wonderful", "lovely", "handy", "super", "superb",
                             "improvement", "addition", "bonus", "plus", "win", "changer", "lifesaver", "godsend",
                             "upgrade", "must", "killer", "boost", "dream", "fab", "neat", "sweet", "incredible",
                             "appreciate"})
# what a thing "should be" when it is asked for: "Quiet hours should be standard / an option"
SHOULD_BE = frozenset({"standard", "optional", "default", "possible", "available", "configurable", "adjustable",
                       "included", "option", "setting", "feature"})
# "let me V" asks to be allowed, except the turns of a conversation ("let me know", "let me check")
LET_NOT = frozenset({"know", "check", "see", "try", "explain", "ask", "say", "tell", "think", "look", "get", "be",
                     "thank", "start", "begin", "add", "go", "put", "remind", "repeat", "clarify", "confirm"})
# verbs that say what a thing would do for the product ("X would help a lot", "X would make it perfect")
HELPS = frozenset({"help", "make", "improve", "complete", "transform"})
# hoping or paying for something not yet had: "hoping for X", "would pay extra for X", "fingers crossed for X"
FOR_WISH = frozenset({"hope", "pay", "kill", "beg", "pray", "cross", "long", "vote", "root"})

PURCHASE = frozenset({"buy", "get", "purchase", "order", "pick", "choose", "go", "replace", "upgrade", "switch",
                      "install", "receive"})
REASON_MARKS = frozenset({"because", "so", "since", "as", "after", "cause", "'cause", "cos"})
GIFT = frozenset({"gift", "present"})
# what "get it to V" causes rather than aims at: "got it to work", "got it to connect" are not purposes
CAUSED = frozenset({"work", "connect", "pair", "load", "sync", "stop", "start", "turn", "run", "show", "play", "record",
                    "charge", "update", "respond", "appear", "reset", "boot", "restart", "function", "behave",
                    "recognise", "recognize", "accept", "open", "finish", "install", "link"})
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
    end = words[-1].i + 1
    # a modifier the parser hung on the verb instead of the noun ("add activity zones per time of day",
    # "email instead of SMS") still belongs to the object when it follows it directly
    doc = tok.doc
    if end < len(doc) and doc[end - 1].tag_ in ("IN", "CC", "TO") and not any(
            c.dep_ in ("pobj", "pcomp", "dobj") for c in doc[end - 1].children):
        end = doc[end].right_edge.i + 1  # a dangling "of" ("email instead of | SMS")
    if end < len(doc) and doc[end].lower_ in ATTACHED and doc[end].head.i != tok.i and doc[end].head.pos_ in ("VERB", "AUX"):
        nxt = doc[end]
        if nxt.lower_ == "instead" and end + 2 < len(doc) and doc[end + 1].lower_ == "of":
            end = max(end + 2, doc[end + 2].right_edge.i) + 1
        elif nxt.lower_ != "instead":
            end = nxt.right_edge.i + 1
        while end > words[0].i + 1 and (doc[end - 1].is_punct or doc[end - 1].pos_ == "SYM" or not doc[end - 1].is_ascii):
            end -= 1
    text = doc[words[0].i: end].text.strip(" ,;:-")
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
    """The object of a wish clause: the provision verb's object in it, or of one level below, or the
    action of "be able to V"."""
    able = _ability(clause)
    if able:
        return able
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


def _owned(tok) -> bool:
    """The noun is the customer's own ("my parcel", "our account")."""
    return any(c.dep_ == "poss" and c.lower_ in OWN for c in tok.children)


def _feature_span(tok) -> str | None:
    """A noun phrase that can name a feature: not a pronoun, not the customer's own thing, not asked
    about with a wh-word ("which meal would be good")."""
    if tok is None or tok.pos_ not in ("NOUN", "PROPN") or _owned(tok) or any(
            c.tag_ in ("WDT", "WP", "WP$") for c in tok.children):
        return None
    return _object_span(tok)


def _thing(tok) -> bool:
    """A countable thing rather than a quality: "a web view", "HomeKit support", "some presets" (not
    "serious quality", "polish"), so "it lacks X" names a missing feature, not a complaint."""
    return tok.pos_ == "PROPN" or tok.tag_ == "NNS" or any(
        c.dep_ == "compound" or (c.dep_ == "det" and c.lower_ in ("a", "an", "any", "some")) for c in tok.children)


def _ability(clause) -> str | None:
    """The action of "be able to V ..." ("be able to pause alerts" -> "pause alerts")."""
    if clause.lemma_.lower() != "be":
        return None
    able = next((c for c in clause.children if c.dep_ == "acomp" and c.lower_ == "able"), None)
    verb = next((c for c in able.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None) if able is not None else None
    if verb is None:
        return None
    text = verb.doc[verb.i: verb.right_edge.i + 1].text.strip(" ,.;:!?")
    return text or None


def first_person_of(verb) -> bool:
    """The verb's subject is I or we ("I have no idea")."""
    subj = _subject(verb)
    return subj is not None and subj.lower_ in ("i", "we")


def _evaluative(tok) -> bool:
    """A word of (counterfactual) praise: "great", "a huge improvement", "a game changer"."""
    return tok.lemma_.lower() in EVALUATIVE or tok.lemma_.lower() in EVALUATIVE_MORE or tok.lower_ in EVALUATIVE_MORE


def gap_object(sent) -> tuple[str, str, bool] | None:
    """(object, frame, sure) for the wider ask frames: a gap in the product ("it lacks X", "X is missing"),
    counterfactual praise of a thing ("X would be a huge improvement", "it would be nice to have X"), a hope
    or price for it ("hoping for X", "I'd pay extra for X"), a wish as a noun ("my only wish is X"), a
    verbless "X, please", a missing option in a question ("Why is there no X?"), a future-availability
    question ("Is X coming?"), the product's need ("the app needs X", "could use X") and "hopefully they add
    X" / "if only it had X". ``sure`` is False for frames a support conversation shares ("needs a reset",
    "still no reply?", "X is missing"): they count only with the request head's support."""
    question = sent.text.rstrip().endswith("?")
    for tok in sent:
        lemma = tok.lemma_.lower()
        if _negated(tok):
            continue
        subj = _subject(tok)
        modal = _modal(tok) or ("would" if any(c.lower_ == "'d" for c in tok.children) else None)
        first_person = subj is not None and subj.lower_ in ("i", "we")
        # a gap: "It lacks X", "It's missing X", "Missing X though", "X is missing", "What's missing is X"
        if lemma == "lack" and tok.pos_ == "VERB" and tok.tag_ not in ("VBD", "VBN") and not first_person:
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            obj = _feature_span(dobj)
            if obj:
                return obj, "gap", _thing(dobj)
        if tok.lower_ == "missing" and not first_person and not any(c.dep_ == "prep" for c in tok.children) \
                and not any(a.lower_ in ("was", "were") for a in list(tok.children) + [tok.head]):
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if dobj is not None:
                obj = _feature_span(dobj)
                if obj:
                    return obj, "gap", _thing(dobj)
            elif tok.dep_ == "acl" and tok.head.dep_ == "nsubj" and tok.head.head.lemma_ == "be":
                obj = _feature_span(next((c for c in tok.head.head.children if c.dep_ == "attr"), None))
                if obj:
                    return obj, "gap", True
            elif tok.dep_ == "acomp" and tok.head.dep_ == "csubj":
                obj = _feature_span(next((c for c in tok.head.head.children if c.dep_ == "attr"), None))
                if obj:
                    return obj, "gap", True
            else:
                holder = tok if tok.dep_ == "ROOT" else tok.head
                obj = _feature_span(_subject(holder))
                if obj:
                    return obj, "gap", False
        # counterfactual praise: "X would be a huge improvement", "X would help a lot", "it would be nice
        # to have X", "would it be possible to add X?"
        # (not "would have been nicer": a past counterfactual regrets; not "X would be great if ...": the
        # ask is in the condition, read by request_object)
        if modal in ("would", "'d") and tok.pos_ in ("VERB", "AUX") and not any(
                c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children) and not any(
                c.dep_ == "advcl" and any(m.lower_ == "if" for m in c.children) for c in tok.children) \
                and not any(c.dep_ == "auxpass" for c in tok.children):
            pred = next((c for c in tok.children if c.dep_ in ("acomp", "attr")), None)
            praised = lemma == "be" and pred is not None and (_evaluative(pred) or pred.lemma_.lower() == "possible")
            if (praised or lemma in HELPS) and subj is not None and subj.pos_ in ("NOUN", "PROPN") \
                    and not (pred is not None and pred.lemma_.lower() == "possible") \
                    and not any(t.tag_ in ("WDT", "WP", "WRB") for t in sent):
                obj = _feature_span(subj)
                if obj:
                    return obj, "conditional", True
            if praised:
                for c in tok.children:
                    if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                        obj = _ability(c) or (_verb_object(c) if c.lemma_.lower() in PROVIDE else None)
                        if obj:
                            return obj, "conditional", True
        # hoping or paying for it: "hoping for X", "I'd pay extra for X", "fingers crossed for X"
        # "How about X?", "What about X?" suggest X; "looking forward to X" awaits it
        if question and tok.lower_ == "about" and tok.i > sent.start and tok.nbor(-1).lower_ in ("how", "what"):
            obj = _feature_span(next((c for c in tok.children if c.dep_ == "pobj"), None))
            if obj:
                return obj, "question", False
        if tok.lower_ == "forward" and tok.head.lemma_.lower() == "look":
            for c in list(tok.children) + list(tok.head.children):
                if c.dep_ == "prep" and c.lower_ == "to":
                    obj = _feature_span(next((g for g in c.children if g.dep_ == "pobj"), None))
                    if obj:
                        return obj, "desire", False
        if _lemmas(tok) & FOR_WISH and (lemma != "pay" or modal) and tok.tag_ not in ("VBD",) and not (
                subj is not None and subj.lower_ not in ("i", "we")):
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "for":
                    obj = _feature_span(next((g for g in c.children if g.dep_ == "pobj"), None))
                    if obj:
                        return obj, "desire", True
        # a wish as a noun: "My only wish is X", "One suggestion: X" is the noun frame of request_object
        if lemma in ASK_NOUNS and tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
            obj = _feature_span(next((c for c in tok.head.children if c.dep_ == "attr"), None))
            if obj:
                return obj, "noun", True
        # "hopefully they add X", "if only it had X"
        if lemma in PROVIDE and tok.pos_ in ("VERB", "AUX") and (
                any(c.lower_ == "hopefully" for c in tok.children)
                or any(c.lower_ == "if" and any(g.lower_ == "only" for g in tok.children) for c in tok.children)):
            obj = _verb_object(tok)
            if obj and not first_person:
                return obj, "desire", True
        # "There should be X", "X should be standard", "X is badly needed", "X needed!", "Let me V"
        if lemma == "be" and modal == "should" and tok.pos_ == "AUX":
            if subj is not None and subj.dep_ == "expl":
                obj = _feature_span(next((c for c in tok.children if c.dep_ == "attr"), None))
                if obj:
                    return obj, "modal", False
            pred = next((c for c in tok.children if c.dep_ in ("acomp", "attr")), None)
            if pred is not None and pred.lemma_.lower() in SHOULD_BE:
                obj = _feature_span(subj)
                if obj:
                    return obj, "modal", False
        if lemma == "need" and tok.tag_ in ("VBN", "VBD") and (
                any(c.dep_ == "auxpass" and c.lower_ in ("is", "are", "'s") for c in tok.children)
                or (tok.dep_ == "ROOT" and not any(c.dep_ in ("aux", "auxpass", "dobj") for c in tok.children))):
            target = next((c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj")), None)
            obj = _feature_span(target) if target is not None and target.pos_ != "PRON" and not any(
                c.lower_ == "no" for c in target.children) else None  # "no extra layer is needed"
            if obj:
                return obj, "desire", False
        if lemma == "let" and tok.dep_ == "ROOT" and tok.tag_ == "VB" and _subject(tok) is None:
            verb = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ == "VERB"), None)
            who = next((c for c in list(tok.children) + (list(verb.children) if verb is not None else [])
                        if c.lower_ in ("me", "us") and c.dep_ in ("nsubj", "dobj")), None)
            if who is not None and verb is not None and verb.lemma_.lower() not in LET_NOT:
                text = verb.doc[verb.i: verb.right_edge.i + 1].text.strip(" ,.;:!?")
                if text and len(text.split()) > 1:
                    return text, "imperative", False
        # the product's need: "the app needs X", "it could use X", "could do with X"
        if not first_person and subj is not None and subj.lower_ not in ("you", "u") and tok.pos_ == "VERB" and (
                (lemma == "need" and tok.tag_ in ("VBZ", "VBP")) or (lemma == "use" and modal in ("could", "might"))):
            obj = _feature_span(next((c for c in tok.children if c.dep_ == "dobj"), None))
            if obj:
                return obj, "desire", False
        if lemma == "do" and modal in ("could", "might") and not first_person:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "with":
                    obj = _feature_span(next((g for g in c.children if g.dep_ == "pobj"), None))
                    if obj:
                        return obj, "desire", False
        # a missing option asked about: "Why is there no X?", "Still no way to X?"
        if tok.dep_ in ("attr", "ROOT", "nsubj", "dobj") and tok.pos_ == "NOUN" and not (
                tok.dep_ == "dobj" and first_person_of(tok.head)) and (
                question or any(t.lower_ in ("still", "yet") for t in sent)) and any(
                c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            obj = _feature_span(tok)
            if obj:
                no = next(c for c in tok.children if c.dep_ == "det" and c.lower_ == "no")
                return tok.doc[no.i + 1: no.i + 1 + len(obj.split())].text.strip(" ,.;:!?") if obj.startswith(
                    tuple(t.text for t in sent if t.i < no.i)) or obj.lower().startswith("no ") else obj, "gap", False
        # a question about plans: "Any plans for X?", "Are there plans to add X?", "Is X on the roadmap?"
        if question and (lemma in ("plan", "roadmap", "pipeline") or (
                tok.lower_ in ("works", "cards") and tok.head.lower_ == "in"
                and any(c.lower_ == "the" for c in tok.children))) and (
                tok.pos_ == "NOUN" or tok.dep_ in ("attr", "ROOT", "nsubj", "dobj")):
            if lemma == "plan":
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ in ("for", "of"):
                        obj = _feature_span(next((g for g in c.children if g.dep_ == "pobj"), None))
                        if obj:
                            return obj, "question", False
                    if c.dep_ in ("acl", "relcl", "xcomp") and c.lemma_.lower() in PROVIDE:
                        obj = _verb_object(c)
                        if obj:
                            return obj, "question", False
            elif tok.dep_ == "pobj" and tok.head.lower_ in ("on", "in"):
                # "Is X on the roadmap?": the phrase hangs on "is" or on X itself
                holder = tok.head.head
                target = _subject(holder) if holder.lemma_ == "be" else holder if holder.dep_ in ("nsubj", "attr") else None
                obj = _feature_span(target)
                if obj:
                    obj = holder.doc[target.left_edge.i: tok.head.i].text.strip(" ,") if target is holder else obj
                    return obj, "question", False
        # a future-availability question: "Is X coming?", "When will X arrive?", "Will there be X?"
        if question and lemma in ("come", "arrive", "land", "happen", "be") and tok.dep_ == "ROOT" and (
                tok.tag_ == "VBG" or modal == "will" or any(c.dep_ == "aux" and c.lemma_ == "will" for c in tok.children)):
            target = subj if lemma != "be" or subj is None or subj.dep_ != "expl" else next(
                (c for c in tok.children if c.dep_ == "attr"), None)
            obj = _feature_span(target)
            if obj:
                return obj, "question", False
    # a verbless "X, please": "A dark mode please.", "More zones please!"
    if any(t.lower_ in ("please", "pls", "plz") for t in sent) and not any(
            t.pos_ in ("VERB", "AUX") and t.lower_ not in ("please", "pls", "plz") for t in sent):
        words = [t for t in sent if not t.is_punct and t.lower_ not in ("please", "pls", "plz")]
        if words and any(t.pos_ in ("NOUN", "PROPN") for t in words) and not any(
                t.lower_ in OWN or t.pos_ == "PRON" for t in words):
            return " ".join(t.text for t in words), "imperative", False
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
        # someone talked the customer into buying it: "talked me into it", "convinced us to get one"
        if tok.pos_ == "VERB" and _persuaded_me(tok, lemma):
            return "recommendation"
        if lemma == "replace" and tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
            return "replacement"
        # "as a gift", "it was a present from my sister"
        if lemma in GIFT and tok.pos_ == "NOUN" and (
                tok.dep_ in ("attr", "pobj") and (tok.dep_ == "attr" or tok.head.lower_ in ("as", "for"))):
            return "gift"
        # someone gave the product to the customer: "my son surprised me with it", "she gave it to me"
        if tok.pos_ == "VERB" and _gave_it_to_me(tok, lemma):
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
            # "needed something to watch the shop overnight" (past: a purchase, not a support ask)
            thing = next((c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in ("something", "one", "thing")),
                         None)
            if tok.tag_ == "VBD" and thing is not None and any(
                    c.dep_ in ("relcl", "acl") and _to_infinitive(c) for c in thing.children):
                return "purpose"
        if causal and lemma == "must" and tok.dep_ == "attr":
            return "reason"
        lemma = PAST_FORMS.get(tok.lower_, lemma)  # the small model mis-lemmatises a sentence-initial "Got"
        if lemma in PURCHASE and tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBN", "VB", "VBP") and not _modal(tok):
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is None:  # "got it to keep an eye on ...": the parser makes "it" the infinitive's subject
                obj = next((g for c in tok.children if c.dep_ == "ccomp" and _to_infinitive(c)
                            for g in c.children if g.dep_ == "nsubj"), None)
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
            # "got one to watch the driveway": the infinitive hangs on the thing bought
            if obj is not None and any(c.dep_ in ("relcl", "acl") and _to_infinitive(c)
                                       and not (lemma == "get" and c.lemma_.lower() in CAUSED) for c in obj.children):
                return "purpose"
            for c in tok.children:
                if c.dep_ == "advcl":
                    if any(m.dep_ in ("mark", "advmod") and m.lower_ in REASON_MARKS for m in c.children):
                        return "reason"
                    if any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children):
                        return "purpose"
                # "got it to keep an eye on the till" (the parser may hang the infinitive as a ccomp), not
                # "got it to work", which says what the customer made it do
                if c.dep_ in ("xcomp", "ccomp") and _to_infinitive(c) and c.lemma_.lower() not in PURCHASE \
                        and not (lemma == "get" and c.lemma_.lower() in CAUSED):
                    return "purpose"
                if c.dep_ == "prep" and c.lower_ in ("for", "as", "after", "on"):
                    pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    if pobj is not None and pobj.pos_ in ("NOUN", "VERB") and not _place(pobj):
                        return "reason"
    return None


PLACE_WORDS = frozenset({"door", "garden", "driveway", "flat", "garage", "hallway", "porch", "office", "room",
                         "house", "stairwell", "balcony", "kitchen", "front", "back", "side", "window", "shop",
                         "store", "yard", "entrance", "hall", "bedroom", "nursery", "attic", "shed"})


def _to_infinitive(tok) -> bool:
    return any(m.dep_ == "aux" and m.lower_ == "to" for m in tok.children)


def _gave_it_to_me(tok, lemma: str) -> bool:
    """A verb of giving whose thing is the product (it, this, one) and whose receiver is the customer."""
    def product(t):
        return t is not None and t.lower_ in ("it", "this", "one", "these")

    def me(t):
        return t is not None and t.lower_ in ("me", "us")

    if lemma in ("surprise", "treat"):
        return any(c.dep_ == "prep" and c.lower_ == "with" and any(product(g) for g in c.children)
                   for c in tok.children) and any(me(c) for c in tok.children if c.dep_ == "dobj")
    if lemma == "give":
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        to = [c for c in tok.children if c.dep_ == "dative"]
        return product(obj) and any(me(c) or any(me(g) for g in c.children) for c in to)
    return False


def _persuaded_me(tok, lemma: str) -> bool:
    """A verb of persuading whose object is the customer and whose aim is the product or buying it."""
    if lemma not in ("talk", "convince", "persuade") or not any(
            c.dep_ == "dobj" and c.lower_ in ("me", "us") for c in tok.children):
        return False
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "into" and any(
                g.lower_ in ("it", "this", "one", "these", "them") or g.lemma_.lower() in PURCHASE for g in c.children):
            return True
        if c.dep_ == "xcomp" and c.lemma_.lower() in PURCHASE and lemma != "talk":
            return True
    return False


def _place(tok) -> bool:
    """A for-phrase naming where it goes ("for the front door") is not a reason."""
    return tok.lemma_.lower() in PLACE_WORDS


def close_kind(sent) -> str | None:
    """How a support turn reads as a close: resolved, tentative, open or thanks (None: not a close)."""
    reading = close_reading(sent)
    return reading[0] if reading else None


def close_reading(sent) -> tuple[str, str | None] | None:
    """(kind, cue) of a support turn read as a close (``close_kind``); for ``open``, the cue is ``again``
    when only "still"/"again"/"yet" say so, which also reads a restored state ("streaming again"): profiles
    let the sentiment model settle that one."""
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
    # a promise to try the fix: a try verb under "will", "going to", "let me" or "plan to" ("I'll give that
    # a go", "going to reboot it tonight and see", "let me try that")
    future_try = any(_try_verb(t) and _intended(t) and not any(c.dep_ == "neg" for c in t.children) for t in sent)
    now = any(t.lower_ == "now" for t in sent)
    # a fix confirmed by a verb ("that worked", "sorted it"; not a verb that only describes a thing: "without
    # a working camera"), or a state said to hold now ("fine now"), or to be back ("everything's back to
    # normal"; not "report back" or "sent it back")
    fixed = any(t.lemma_.lower() in fix_verbs and t.pos_ == "VERB" and t.dep_ not in ("amod", "compound", "pcomp")
                for t in verbs) \
        or (now and any(t.lemma_.lower() in ("fine", "good", "normal", "ok", "okay") for t in verbs)) \
        or any(t.lower_ == "back" and t.dep_ in ("advmod", "acomp", "prt") and t.head.lemma_.lower() in BACK_STATE
               and not negated for t in sent)
    thanks = "thank" in lemmas or "thanks" in lemmas or "cheer" in lemmas or "appreciate" in lemmas
    # the customer still asks for something ("please actually fix it", "keep me posted") or waits
    asks = any(t.dep_ == "ROOT" and t.tag_ == "VB" and _subject(t) is None and _modal(t) is None
               and t.lemma_.lower() not in ("thank",) for t in sent)
    waits = any(t.lemma_.lower() == "wait" and t.pos_ == "VERB" for t in sent)
    if future_try:
        return "tentative", None
    if negated or asks or waits:
        return "open", None
    if still:
        return "open", "again"
    if fixed:
        return "resolved", None
    if thanks:
        return "thanks", None
    return None


# verbs that try a suggested fix, and the nouns that make "give it a go" / "have a go" one
TRY_VERBS = frozenset({"try", "test", "check", "see", "reboot", "restart", "reset"})
TRY_NOUNS = frozenset({"go", "shot", "try", "whirl", "bash"})
# verbs after which "back" is a state come back ("it's back", "came back on"), not "report back" / "sent it back"
BACK_STATE = frozenset({"be", "come", "get"})


def _try_verb(tok) -> bool:
    lemma = tok.lemma_.lower()
    if lemma in TRY_VERBS and tok.pos_ == "VERB":
        return True
    return lemma in ("give", "have") and any(c.dep_ == "dobj" and c.lemma_.lower() in TRY_NOUNS for c in tok.children)


def _intended(tok) -> bool:
    """The verb is said as an intention: under "will"/"shall", "going to", "let me", "plan to", or joined
    to such a verb ("will test it tonight and see")."""
    for _ in range(3):
        if any(c.dep_ == "aux" and (c.lower_ in ("'ll", "will", "shall", "wo", "gon") or c.lemma_ == "will")
               for c in tok.children):
            return True
        head = tok.head
        if tok.dep_ in ("xcomp", "ccomp") and (head.lemma_.lower() in ("let", "plan", "intend")
                                               or (head.lemma_.lower() == "go" and head.tag_ == "VBG")):
            return True
        if tok.dep_ != "conj" or head is tok:
            return False
        tok = head
    return False


# first-person verbs that still ask: "I really miss X", "I suggest X", "I'm begging for X"
ASK_VERBS = DESIRE | {"miss", "suggest", "request", "propose", "beg", "vote", "pray", "hope"}


def narrates(sent) -> bool:
    """The sentence tells what the customer does or did ("I mainly use it to see who's at the door", "we
    set it up in the hall"): a first-person statement with no modal, not a question, whose verb is no
    verb of asking (``ASK_VERBS``). The request head alone does not make such a sentence an ask."""
    root = sent.root
    subj = _subject(root)
    if subj is None or subj.lower_ not in ("i", "we") or root.pos_ not in ("VERB", "AUX") \
            or sent.text.rstrip().endswith("?"):
        return False
    # the verb and the clause it governs ("I keep hoping for X", "I think X would be great")
    verbs = [root] + [c for c in root.children if c.dep_ in ("xcomp", "ccomp")]
    return not any(_modal(v) or any(c.lower_ == "'d" for c in v.children) or _lemmas(v) & ASK_VERBS for v in verbs)


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


#: the embedders act heads were fitted for, and the suffix of their files (``<kind>_head<suffix>.json``)
HEAD_EMBEDDERS = {MINILM: "", E5_SMALL: ".e5", E5_SMALL_BY_LANGUAGE: ".e5v2"}


def head_file(kind: str, embedder: str | None = None):
    """The shipped head file of ``kind`` for a store embedded by ``embedder`` (None: all-MiniLM-L6-v2),
    or None when no head was fitted on that embedder's vectors."""
    from pathlib import Path

    suffix = HEAD_EMBEDDERS.get(embedder or MINILM)
    return None if suffix is None else Path(__file__).with_name(f"{kind}_head{suffix}.json")


class ActHead:
    """A fitted act head (``scripts/fit_act_heads.py``): P(sentence asks for something | talks about
    leaving) from its sentence vector, by the embedder it was fitted on (``HEAD_EMBEDDERS``: a store's
    vectors are read only by the heads of its own embedder). ``kind``: ``request`` or ``churn``."""

    def __init__(self, kind: str = "request", path=None, *, embedder: str | None = None) -> None:
        import json
        from pathlib import Path

        import numpy as np

        from insight.errors import ConfigError

        if kind not in ("request", "churn"):
            raise ConfigError(f"acts: unknown head kind (got {kind!r}). Use 'request' or 'churn'.")
        self.kind = kind
        path = Path(path) if path else head_file(kind, embedder)
        if path is None:
            raise ConfigError(f"acts: no {kind} head was fitted on {embedder!r} vectors. "
                              f"Fitted: {', '.join(HEAD_EMBEDDERS)}.")
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
    not negated, not a motive (``motive_frame``) and not a first-person narration (``narrates``); its ``detail`` is the frame (``imperative``, ``modal``, ``desire``, ``conditional``,
    ``noun``) or ``head``. A sentence the churn head reads as churn talk is never a request. ``churn`` (with ``churn_head``): the churn head scores the sentence at or above its
    threshold (``detail``: the score).
    """
    import pandas as pd

    from insight.stages.nlp import pipe_once

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
    for doc, (sid, rid, score, churn_score) in pipe_once(nlp, items, batch_size=batch_size):
        frame = next((f for f in map(churn_frame, doc.sents) if f), None)
        # the head's reading stands unless the parse says the customer stays
        churn_talk = churn_score is not None and churn_score >= churn_head.threshold and (
            frame is not None or not any(stays(sent) for sent in doc.sents))
        if churn_talk or frame:
            churn_talk = True
            rows.append({"sentence_id": sid, "record_id": rid, "act": "churn", "object": None,
                         "detail": frame or f"{churn_score:.3f}"})
        elif any(stays(sent) for sent in doc.sents):  # profiles let it overrule their churn phrases too
            rows.append({"sentence_id": sid, "record_id": rid, "act": "stay", "object": None, "detail": None})
        found = None
        # talk of leaving asks for no feature ("Give me one reason to stay.")
        for sent in () if churn_talk else doc.sents:
            req = request_object(sent)
            if req and names_a_feature(req[0]):
                found = {"act": "request", "object": req[0], "detail": req[1]}
                break
        # the wider frames; those a support turn shares ("the hub needs a restart") need the head's support
        for sent in () if churn_talk or found else doc.sents:
            gap = gap_object(sent)
            if gap and names_a_feature(gap[0]) and (gap[2] or (score is not None and score >= HEAD_SUPPORT)):
                found = {"act": "request", "object": gap[0], "detail": gap[1]}
                break
        # a motive frame ("needed something to watch the shop overnight") outranks the head alone: the
        # head reads wanting something, the parse says it was bought for that
        motive = motive_frame(doc) if found is None else None
        if found is None and motive is None and not churn_talk and score is not None and score >= head.threshold:
            sent = max(doc.sents, key=len)
            obj = main_object(sent)
            if obj and names_a_feature(obj) and not any(t.dep_ == "neg" for t in sent) and not narrates(sent):
                found = {"act": "request", "object": obj, "detail": "head"}
        if found is None and motive:
            found = {"act": "motive", "object": None, "detail": motive}
        if found:
            rows.append({"sentence_id": sid, "record_id": rid, **found})
        reading = close_reading(doc)
        if reading:
            rows.append({"sentence_id": sid, "record_id": rid, "act": f"close_{reading[0]}", "object": None,
                         "detail": reading[1]})
    return pd.DataFrame(rows, columns=ACT_COLUMNS)


# -- churn talk read from the parse ----------------------------------------------------------------
# verbs of ending the relationship, and what each must name to be about it (not "cancel the alert")
LEAVE = frozenset({"leave", "cancel", "terminate", "close", "end", "drop", "quit", "unsubscribe", "ditch", "dump",
                   "abandon", "switch", "move", "go", "return", "send", "look", "shop", "find", "walk",
                   "give", "take", "get"})
# verbs of staying a customer (not "can't trust it anymore", which is a complaint about the product)
STAY = frozenset({"renew", "extend", "stay", "continue", "keep", "buy", "order", "recommend", "come", "pay"})
RELATION = frozenset({"account", "plan", "subscription", "membership", "contract", "service", "business", "custom",
                      "everything", "lot", "all", "system", "money", "kit"})
PROVIDER = frozenset({"brand", "provider", "company", "competitor", "alternative", "alternatives", "rival", "supplier",
                      "else", "elsewhere", "option", "options", "product", "system", "service"})
INTENT_HEADS = frozenset({"go", "want", "plan", "think", "consider", "intend", "decide", "ready", "about", "time",
                          "mean", "wish", "like", "prepared", "close", "seriously"})
CONTACT = frozenset({"contact", "write", "call", "email", "message", "chase", "report", "explain", "ask", "reach",
                     "tell", "complain", "ring", "chat", "raise", "phone"})
CONTACT_NOUNS = frozenset({"email", "call", "chat", "message", "ticket", "complaint", "attempt", "letter", "tweet"})
ORDINALS = frozenset({"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "umpteenth",
                      "nth", "2nd", "3rd", "4th", "5th", "6th"})
CUSTOMER = frozenset({"customer", "client", "business", "custom", "subscriber", "user"})
MANY = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "multiple", "many",
                  "countless", "numerous", "dozen", "twenty", "fifteen", "twelve"})


def _first_person_or_none(tok) -> bool:
    subj = _subject(tok)
    while subj is None and tok.dep_ in ("xcomp", "pcomp", "conj", "relcl", "acl") and tok.head is not tok:
        tok = tok.head if tok.dep_ != "pcomp" else tok.head.head
        subj = _subject(tok)
    return subj is None or subj.lower_ in ("i", "we", "i'm", "im")


def _intent(tok) -> bool:
    """The verb is meant, not narrated: future ("will cancel", "going to leave"), under a verb of intent
    ("thinking of switching", "ready to walk away"), progressive ("I'm leaving"), or an imperative."""
    if tok.tag_ in ("VBD", "VBN"):
        return False
    if _modal(tok) in ("will", "would", "shall") or any(c.dep_ == "aux" and c.lower_ in ("'ll", "'d", "gonna")
                                                       for c in tok.children):
        return True
    if tok.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children):
        return not any(c.dep_ == "aux" and c.lower_ in ("was", "were") for c in tok.children)
    head = tok.head.head if tok.dep_ == "pcomp" else tok.head
    if tok.dep_ in ("xcomp", "pcomp", "relcl", "acl", "advcl") and (
            head.lemma_.lower() in INTENT_HEADS or head.lower_ in INTENT_HEADS):
        return True
    return tok.dep_ == "ROOT" and tok.tag_ in ("VB", "VBG") and _subject(tok) is None and tok.i == tok.sent.start


def _names_provider(tok) -> bool:
    """A competitor or another provider: a name, "another brand", "something else", "elsewhere"."""
    if tok is None:
        return False
    if tok.ent_type_ in ("GPE", "LOC", "FAC", "NORP", "DATE", "TIME", "PERSON", "LANGUAGE"):
        return False  # "going to Spain", "switch to English"
    if tok.pos_ == "PROPN":
        return True
    if tok.lower_ in PROVIDER or tok.lemma_.lower() in PROVIDER:
        return not any(c.lower_ in ("your", "this", "the") for c in tok.children)
    return False


def _leaves(tok) -> bool:
    """A verb of leaving with what it must name: "cancel my subscription", "switch to Wyzon", "leave
    Lumio", "return everything", "look elsewhere", "walk away", "give up on", "take my business elsewhere"."""
    lemma = tok.lemma_.lower()
    kids = list(tok.children)
    dobj = next((c for c in kids if c.dep_ == "dobj"), None)
    # "go back to X", "move over to X": the preposition may hang on the particle
    kids += [g for c in kids if c.dep_ in ("prt", "advmod") for g in c.children if g.dep_ == "prep"]
    preps = {c.lower_: next((g for g in c.children if g.dep_ == "pobj"), None) for c in kids if c.dep_ == "prep"}
    prt = {c.lower_ for c in kids if c.dep_ in ("prt", "advmod")}
    if "elsewhere" in prt or "elsewhere" in {c.lower_ for c in tok.subtree}:
        return lemma in ("go", "look", "shop", "take", "move")
    if lemma in ("cancel", "terminate", "close", "end", "drop", "quit", "unsubscribe"):
        return lemma in ("unsubscribe", "quit") and dobj is None and not any(
            c.dep_ in ("xcomp", "ccomp") for c in kids) or (
            dobj is not None and (dobj.lemma_.lower() in RELATION or dobj.pos_ == "PROPN"))
    if lemma in ("leave", "ditch", "dump", "abandon"):
        return dobj is not None and (dobj.pos_ == "PROPN" or dobj.lower_ == "you" or dobj.lemma_.lower() in RELATION
                                     or _names_provider(dobj))
    if lemma in ("switch", "move", "go"):
        # "going to X" is travel: going over, back or with a provider is leaving
        target = preps.get("with") if lemma == "go" and not prt & {"back", "over"} else (
            preps.get("to") or preps.get("with"))
        return _names_provider(target) and (target.pos_ == "PROPN" or target.lemma_.lower() != "plan")
    if lemma in ("return", "send"):
        # returning everything leaves the brand; returning "it" may be an exchange
        return dobj is not None and (lemma == "return" or "back" in prt) and (
            dobj.lemma_.lower() in RELATION or dobj.tag_ == "NNS" or dobj.lower_ in ("them", "everything")) \
            and "for" not in preps
    if lemma in ("look", "shop"):  # "looking at alternatives", "shopping around", not "looking for a flight"
        targets = [next((g for g in c.children if g.dep_ == "pobj"), None) for c in kids
                   if c.dep_ == "prep" and c.lower_ in ("for", "at")]
        return "around" in prt or any(t is not None and t.pos_ != "PROPN" and _names_provider(t) for t in targets)
    if lemma in ("find", "get"):
        return dobj is not None and dobj.lemma_.lower() in PROVIDER and any(
            c.lower_ in ("another", "different", "other", "new") for c in dobj.children)
    if lemma == "walk":
        return "away" in prt
    if lemma == "give":
        return "up" in prt
    if lemma == "take":
        return dobj is not None and dobj.lemma_.lower() in ("business", "money", "custom")
    return False


def _stops_staying(tok) -> bool:
    """A verb of staying said not to happen: "won't renew", "not going to renew", "can't keep paying",
    "never buying from you again", "won't be extending it"."""
    lemma = tok.lemma_.lower()
    if lemma not in STAY or tok.tag_ in ("VBD", "VBN"):
        return False
    holders = [tok] + ([tok.head] if tok.dep_ in ("xcomp", "pcomp") else [])
    holders += [c for h in holders for c in h.children if c.dep_ == "aux"]  # "won't be renewing"
    negated = any(c.dep_ == "neg" for h in holders for c in h.children)
    if not negated:
        return False
    if lemma == "keep":  # "can't keep paying for this", not "can't keep resetting it"
        return any(c.dep_ == "xcomp" and c.lemma_.lower() in ("pay", "subscribe") for c in tok.children)
    if lemma == "stay":  # "won't stay with Lumio", "I'm not staying", not "will not stay down"
        return first_person_of(tok) or any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children)
    if lemma in ("renew", "extend", "continue"):
        return True
    words = {t.lower_ for t in tok.sent}
    return bool(words & {"again", "anymore", "another"}) or "any more" in tok.sent.text.lower()


def stays(sent) -> bool:
    """The parse reads the sentence as staying, whatever its words of leaving: leaving negated ("would
    never switch to X", "I'd never go back to Ring"), a switch away from someone else ("we switched from
    Ring last year"), or a how-to question about a plan ("How do I switch to the annual plan?")."""
    how = sent.text.rstrip().endswith("?") and any(t.lower_ == "how" for t in sent) and any(
        t.lower_ in ("i", "we") for t in sent)
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or lemma not in ("switch", "move", "change", "upgrade", "cancel", "leave",
                                                             "go", "return", "quit", "ditch"):
            continue
        if how and lemma in ("switch", "move", "change", "upgrade"):
            return True
        if (_negated(tok) or any(c.lower_ == "never" for c in tok.children)) and (
                _leaves(tok) or lemma in ("switch", "leave", "quit", "ditch")):
            return True
        origin = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                  if g.dep_ == "pobj"]
        if tok.tag_ in ("VBD", "VBN") and lemma in ("switch", "move", "change", "upgrade") and any(
                _names_provider(g) for g in origin) and not any(
                c.dep_ == "prep" and c.lower_ == "to" for c in tok.children):
            return True
    return False


def churn_frame(sent) -> str | None:
    """The frame when the sentence talks about leaving, else None: ``leave`` (a first-person intent to
    cancel, switch, return or look elsewhere), ``stop`` (staying said not to happen: "won't renew"),
    ``lost`` ("you've lost a customer") or ``effort`` (contacting again and again: "the fourth email about
    this", "I've called five times")."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and lemma in LEAVE and not _negated(tok) and _intent(tok) \
                and _first_person_or_none(tok) and _leaves(tok) and not (
                tok.sent.text.rstrip().endswith("?") and any(t.lower_ in ("how", "can", "could") for t in sent)):
            return "leave"
        if tok.pos_ in ("VERB", "AUX") and _stops_staying(tok) and _first_person_or_none(tok):
            return "stop"
        # "I'm done with Lumio", "honestly done with you" (not "done with setup in five minutes")
        if tok.lower_ == "done" and tok.dep_ in ("ROOT", "acomp") and _first_person_or_none(
                tok.head if tok.dep_ == "acomp" else tok) and any(
                c.dep_ == "prep" and c.lower_ == "with" and any(
                    g.dep_ == "pobj" and (g.lower_ in ("you", "u") or (g.pos_ == "PROPN" and g.ent_type_ not in (
                        "PERSON", "GPE", "LOC", "DATE", "TIME")) or _names_provider(g)
                                            or g.lemma_.lower() in ("company", "brand", "firm")) for g in c.children)
                for c in tok.children):
            return "leave"
        # "you've lost a customer", "Lumio has lost me as a customer"
        if lemma == "lose" and tok.pos_ == "VERB" and not _first_person_or_none(tok) and any(
                c.dep_ == "dobj" and c.lemma_.lower() in CUSTOMER for c in tok.children) or (
                lemma == "lose" and tok.pos_ == "VERB" and not _first_person_or_none(tok)
                and any(c.dep_ == "dobj" and c.lower_ in ("me", "us") for c in tok.children)
                and any(c.dep_ == "prep" and c.lower_ == "as" and any(g.lemma_.lower() in CUSTOMER for g in c.children)
                        for c in tok.children)):
            return "lost"
        # contacting again and again
        if lemma in CONTACT and tok.pos_ == "VERB":
            for c in tok.children:
                if c.lower_ == "times" and any(g.lower_ in MANY or g.lower_ == "many" or
                                               (g.like_num and g.lower_.isdigit() and int(g.lower_) >= 2)
                                               for g in c.subtree):
                    return "effort"
        if lemma in CONTACT_NOUNS | {"time"} and tok.pos_ == "NOUN" and any(
                c.lower_ in ORDINALS for c in tok.children if c.dep_ in ("amod", "nummod", "compound")):
            if lemma != "time" or any(t.lemma_.lower() in CONTACT for t in tok.subtree if t is not tok):
                return "effort"
        if tok.lower_ == "times" and any(c.lower_ == "many" and any(g.lower_ == "how" for g in c.children)
                                         for c in tok.children) and any(
                t.lemma_.lower() in CONTACT or (t.lemma_.lower() in ("have", "need") and any(
                    c.dep_ == "xcomp" for c in t.children)) for t in sent):
            return "effort"
    return None
