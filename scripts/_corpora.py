"""Readers for the public corpora in ../shared/corpora used by the training / eval scripts.

Shared by scripts/train_*.py and scripts/eval_sentiment.py so the held-out split is defined once.
Nothing in ``insight/`` imports this module.

Label convention everywhere: 0 = negative, 1 = neutral, 2 = positive.
"""

from __future__ import annotations

import csv
import os
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: the corpora checkout beside the repository (``../shared/corpora``), or $INSIGHT_CORPORA
CORPORA = Path(os.environ.get("INSIGHT_CORPORA", REPO.parent / "shared" / "corpora"))

LABELS = ["negative", "neutral", "positive"]
POL = {"negative": 0, "neutral": 1, "positive": 2}
HELDOUT_SEED = 13
HELDOUT_FRACTION = 0.15

_HANDLE = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")


def normalise_tweet(text: str) -> str:
    """TweetEval-style normalisation: @handles -> @user, URLs -> http."""
    text = _HANDLE.sub("@user", text)
    text = _URL.sub("http", text)
    return text.strip()


_PTB = [(" n't", "n't"), ("-lrb-", "("), ("-rrb-", ")"), (" 's", "'s"), (" 're", "'re"), (" 've", "'ve"),
        (" 'll", "'ll"), (" 'd", "'d"), (" 'm", "'m"), (" ,", ","), (" .", "."), (" !", "!"), (" ?", "?"),
        (" ;", ";"), (" :", ":"), ("`` ", '"'), (" ''", '"')]


def detok_ptb(text: str) -> str:
    """Undo the PTB tokenisation of SST-2 a little so it looks like ordinary text."""
    for a, b in _PTB:
        text = text.replace(a, b)
    return text.strip()


# ---------------------------------------------------------------- sentence level

def sst2(split: str) -> list[tuple[str, int]]:
    out = []
    with open(CORPORA / "sst2" / f"{split}.tsv", encoding="utf-8") as f:
        for line in f:
            lab, _, text = line.rstrip("\n").partition("\t")
            if not text or lab not in ("0", "1"):
                continue
            out.append((detok_ptb(text), 0 if lab == "0" else 2))
    return out


def _tweeteval_style(folder: Path, split: str) -> list[tuple[str, int]]:
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split("\n")
    out = []
    for t, l in zip(texts, labels):
        l = l.strip()
        if t.strip() and l in ("0", "1", "2"):
            out.append((normalise_tweet(t), int(l)))
    return out


def umsab_english(split: str) -> list[tuple[str, int]]:
    return _tweeteval_style(CORPORA / "umsab-multilingual-tweets" / "english", split)


def tweeteval_val() -> list[tuple[str, int]]:
    return _tweeteval_style(CORPORA / "tweeteval-sentiment", "val")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def tweeteval_val_clean() -> list[tuple[str, int]]:
    """TweetEval val minus the tweets that also occur in UMSAB english train (1,430 of 2,000 do:
    both come from SemEval-2017). Only this part is held out; it is still in-distribution for a model
    trained on the other 1,430 (see the sentiment MODEL_CARD.md)."""
    seen = {_key(t) for t, _ in umsab_english("train")}
    return [(t, y) for t, y in tweeteval_val() if _key(t) not in seen]


def eval_text_keys() -> set[str]:
    """Normalised texts of every evaluation set, dropped from training data unless --keep-eval-overlap."""
    keys = {_key(t) for t, _ in tweeteval_val()} | {_key(t) for t, _ in sst2("dev")}
    keys |= {_key(t) for t, _, _ in uci_sentences()}
    keys |= {_key(s["text"]) for s in semeval_restaurants()[1]} | {_key(s["text"]) for s in mams_atsa("val")}
    from insight.modelling._text import normalise  # training texts are compared after normalisation

    return keys | {_key(normalise(k)) for k in keys}


def uci_sentences() -> list[tuple[str, int, str]]:
    """All 3,000 UCI sentences as (text, label 0/2, source). Evaluation only: never train on these."""
    out = []
    d = CORPORA / "uci-sentiment-labelled-sentences"
    for name, src in (("amazon_cells_labelled.txt", "amazon"), ("yelp_labelled.txt", "yelp"),
                      ("imdb_labelled.txt", "imdb")):
        raw = (d / name).read_text(encoding="utf-8")
        # imdb has sentences with embedded U+0085 line breaks: join continuation lines
        buf = ""
        for line in raw.split("\n"):
            buf = buf + " " + line if buf else line
            m = re.match(r"^(.*)\t\s*([01])\s*$", buf)
            if m:
                out.append((m.group(1).strip().replace("\x85", " "), 0 if m.group(2) == "0" else 2, src))
                buf = ""
    return out


# ---------------------------------------------------------------- target / aspect level

def _target_records(path: Path):
    """(line index, template with $T$, target, polarity) from the 3-line-per-record format of ACL-14 and
    ABSADatasets' apc files."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i in range(0, len(lines) - 2, 3):
        yield i, lines[i].strip(), lines[i + 1].strip(), lines[i + 2].strip().lower()


def acl14_train() -> list[tuple[str, str, int]]:
    out = []
    for _i, sent, target, pol in _target_records(CORPORA / "acl14-twitter-targeted-sentiment" / "train.raw"):
        if not sent or pol not in POL:
            continue
        out.append((normalise_tweet(sent.replace("$T$", target)), target, POL[pol]))
    return out


def acl14_sentences() -> list[tuple[str, int]]:
    """ACL-14 tweets as sentence-level examples: a tweet's label is its target's (nearly every tweet has one
    target); a tweet listed twice with different labels is left out."""
    labels: dict[str, set[int]] = {}
    for text, _target, y in acl14_train():
        labels.setdefault(text, set()).add(y)
    return [(t, next(iter(ys))) for t, ys in labels.items() if len(ys) == 1]


def read_absa_xml(path: Path) -> list[dict]:
    """[{'id', 'text', 'aspects': [{'term','from','to','polarity'}]}] from a SemEval-2014 style XML."""
    root = ET.parse(path).getroot()
    out = []
    for s in root.iter("sentence"):
        text = s.findtext("text") or ""
        aspects = []
        at = s.find("aspectTerms")
        if at is not None:
            for a in at.findall("aspectTerm"):
                aspects.append({"term": a.get("term"), "from": int(a.get("from")), "to": int(a.get("to")),
                                "polarity": a.get("polarity")})
        out.append({"id": s.get("id") or str(len(out)), "text": text, "aspects": aspects})
    return out


def semeval_restaurants() -> tuple[list[dict], list[dict]]:
    """SemEval-2014 restaurants train v2 split into (train part, held-out part).

    The held-out part is a fixed, seeded 15% of sentences (seed 13). It is used for the aspect
    polarity and aspect term extraction dev numbers and never for training.
    """
    sents = read_absa_xml(CORPORA / "semeval2014-absa" / "xml" / "Restaurants_Train_v2.xml")
    idx = list(range(len(sents)))
    random.Random(HELDOUT_SEED).shuffle(idx)
    n_hold = int(round(len(sents) * HELDOUT_FRACTION))
    hold = set(idx[:n_hold])
    return [s for i, s in enumerate(sents) if i not in hold], [s for i, s in enumerate(sents) if i in hold]


def semeval_laptops() -> list[dict]:
    return read_absa_xml(CORPORA / "semeval2014-absa" / "xml" / "Laptop_Train_v2.xml")


def mams_atsa(split: str = "train") -> list[dict]:
    return read_absa_xml(CORPORA / "mams" / "MAMS-ATSA" / f"{split}.xml")


def product_reviews() -> list[dict]:
    """Amazon TV and men's T-shirt review sentences (ABSADatasets apc format), as read_absa_xml dicts.

    The apc files hold one aspect per 3-line record (sentence with ``$T$``, term, polarity); records of
    the same sentence are grouped, so a sentence carries all its aspects. Offsets point at the first
    ``$T$`` occurrence.
    """
    folder = CORPORA / "absa-product-reviews-tv-tshirt" / "apc"
    return apc_sentences([folder / "Television_Train.xml.seg", folder / "Menstshirt_Train.xml.seg"],
                         unique_spans=False)


def apc_sentences(paths: list[Path], *, unique_spans: bool = True) -> list[dict]:
    """Sentences of ABSADatasets apc files (one aspect per 3-line record) as read_absa_xml dicts: the records
    of the same sentence are grouped, so a sentence carries all its aspects (offsets at the first ``$T$``).
    Only sentences with at least one aspect are in these files. ``unique_spans``: a span listed twice (the
    same sentence twice in the source) is kept once."""
    by_text: dict[str, dict] = {}
    for f in paths:
        for i, tmpl, term, pol in _target_records(f):
            if "$T$" not in tmpl or not term:
                continue
            start = tmpl.index("$T$")
            text = tmpl.replace("$T$", term)
            s = by_text.setdefault(text, {"id": f"{f.name}:{i}", "text": text, "aspects": []})
            if not unique_spans or all((a["from"], a["to"]) != (start, start + len(term)) for a in s["aspects"]):
                s["aspects"].append({"term": term, "from": start, "to": start + len(term), "polarity": pol})
    return list(by_text.values())


def aspect_pairs(sents: list[dict]) -> list[tuple[str, str, int]]:
    """(sentence, aspect term, label) for every non-conflict aspect term."""
    out = []
    for s in sents:
        for a in s["aspects"]:
            if a["polarity"] in POL:
                out.append((s["text"], a["term"], POL[a["polarity"]]))
    return out


def unanimous_sentences(sents: list[dict]) -> list[tuple[str, int]]:
    """Sentence-level examples from ABSA sentences whose aspects all share one polarity."""
    out = []
    for s in sents:
        pols = {a["polarity"] for a in s["aspects"]}
        if len(pols) == 1 and next(iter(pols)) in POL:
            out.append((s["text"], POL[next(iter(pols))]))
    return out


# ---------------------------------------------------------------- multilingual / customer-text corpora (JSONL)
# Licences (../shared/corpora/README.md): permissive = womens-clothing-reviews (CC0), xed-emotions (CC BY 4.0),
# clinc150 (CC BY 3.0), mams (Apache-2.0), uci (CC BY 4.0, evaluation only here); everything else is
# research / non-commercial; marc-reviews is evaluation only (its licence forbids shipping a model trained on it).

LANGS = ("en", "tr", "fi", "de", "es", "fr")
UMSAB_LANG = {"en": "english", "de": "german", "es": "spanish", "fr": "french"}
XED_EMOTIONS = ["anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"]  # = schema.EMOTIONS


def jsonl(folder: str, split: str) -> list[dict]:
    import json

    path = CORPORA / folder / f"{split}.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def labelled(folder: str, split: str, *, tweet: bool = False) -> list[tuple[str, int]]:
    """(text, label 0/1/2) from a JSONL corpus whose ``label`` is negative / neutral / positive."""
    out = []
    for r in jsonl(folder, split):
        if r.get("label") in POL and r.get("text"):
            t = normalise_tweet(r["text"]) if tweet else r["text"].strip()
            out.append((" ".join(t.split()), POL[r["label"]]))
    return out


def umsab(lang: str, split: str) -> list[tuple[str, int]]:
    return _tweeteval_style(CORPORA / "umsab-multilingual-tweets" / UMSAB_LANG[lang], split)


def marc(lang: str, split: str = "dev") -> list[tuple[str, int, int]]:
    """(text, label 0/1/2, stars) — MEASURING ONLY: never train on MARC."""
    return [(" ".join(r["text"].split()), POL[r["label"]], int(r["stars"]))
            for r in jsonl(f"marc-reviews/{lang}", split)]


def xed(split: str) -> list[dict]:
    """XED rows: {'text', 'lang', 'label' (0/1/2 or None), 'emotions' (8-dim 0/1 list)}."""
    out = []
    for r in jsonl("xed-emotions", split):
        em = [0] * 8
        for e in r.get("emotions") or []:
            em[int(e) - 1] = 1
        out.append({"text": r["text"].strip(), "lang": r["lang"], "label": POL.get(r.get("label")),
                    "emotions": em})
    return out


def webis(lang: str) -> list[tuple[str, int]]:
    """Webis-CLS book reviews (train only): the review's summary line, then its text (truncated later)."""
    out = []
    for r in jsonl("webis-cls-books", "train"):
        if r.get("lang") == lang and r.get("label") in POL:
            t = ((r.get("summary") or "").strip() + ". " + r["text"].strip()).strip(". ")
            out.append((" ".join(t.split()), POL[r["label"]]))
    return out


def womens(split: str) -> list[tuple[str, int]]:
    """Women's clothing reviews: title + text, 3-class from the stars (1-2 / 3 / 4-5)."""
    out = []
    for r in jsonl("womens-clothing-reviews", split):
        if r.get("label") in POL and r.get("text"):
            t = ((r.get("title") or "").strip() + ". " + r["text"].strip()).strip(". ")
            out.append((" ".join(t.split()), POL[r["label"]]))
    return out


def semeval16_pairs(lang: str) -> list[tuple[str, str, int]]:
    """SemEval-2016 restaurants train (ABSADatasets apc format): (sentence, target, label)."""
    name = {"tr": "128.turkish/restaurants_train_turkish", "es": "127.spanish/restaurants_train_spanish",
            "fr": "125.french/restaurants_train_french", "en": "124.english/restaurants_train_english",
            "nl": "123.dutch/restaurants_train_dutch"}[lang]
    out = []
    for _i, tmpl, term, pol in _target_records(CORPORA / "semeval2016-absa-multilingual" / "apc_datasets"
                                               / f"{name}.xml.dat"):
        if "$T$" in tmpl and term and pol in POL:
            out.append((tmpl.replace("$T$", term), term, POL[pol]))
    return out


SEMEVAL16_LANGS = ("en", "es", "fr", "tr")  # of the six supported languages (SemEval-2016 also has nl, ru, ar)


def semeval16_sentences(lang: str, split: str = "train") -> list[dict]:
    """SemEval-2016 restaurant sentences with their opinion target spans (read_absa_xml dicts), official
    ``train`` or ``test`` split. Only sentences with at least one explicit target are in the source files."""
    name = {"tr": "128.turkish/restaurants_{}_turkish", "es": "127.spanish/restaurants_{}_spanish",
            "fr": "125.french/restaurants_{}_french", "en": "124.english/restaurants_{}_english",
            "nl": "123.dutch/restaurants_{}_dutch"}[lang].format(split)
    return apc_sentences([CORPORA / "semeval2016-absa-multilingual" / "apc_datasets" / f"{name}.xml.dat"])


def semeval16_split(lang: str) -> tuple[list[dict], list[dict]]:
    """SemEval-2016 train sentences of ``lang`` split into (train part, held-out part): a fixed, seeded 15 %
    (seed 13) held out for the aspect term extraction dev numbers, as semeval_restaurants does."""
    sents = semeval16_sentences(lang, "train")
    idx = list(range(len(sents)))
    random.Random(HELDOUT_SEED).shuffle(idx)
    hold = set(idx[:int(round(len(sents) * HELDOUT_FRACTION))])
    return [s for i, s in enumerate(sents) if i not in hold], [s for i, s in enumerate(sents) if i in hold]


def clinc_requests(split: str) -> list[str]:
    """CLINC150 in-scope queries (plain requests and questions): neutral examples."""
    return [r["text"].strip() for r in jsonl("clinc150", split) if r.get("intent") not in (None, "oos")]


def multilingual_eval_keys() -> set[str]:
    """Normalised texts of every multilingual / customer-text dev set (dropped from training)."""
    keys: set[str] = set()
    for folder, tw in (("airline-tweets", True), ("yelp-sentences", False), ("scandisent-mt", False),
                       ("turkish-movie-reviews", False), ("allocine-tv-fr", False), ("germeval2017", False)):
        keys |= {_key(t) for t, _ in labelled(folder, "dev", tweet=tw)}
    keys |= {_key(t) for t, _ in womens("dev")}
    keys |= {_key(r["text"]) for r in xed("dev")}
    for lang in ("en", "de", "es", "fr"):
        keys |= {_key(t) for t, _, _ in marc(lang, "dev")}
        keys |= {_key(t) for t, _ in umsab(lang, "val")}
    keys |= {_key(t) for t in clinc_requests("dev")}
    return keys


def check_set_keys() -> set[str]:
    """Keys of the hand-written check sentences (tests/data/sentiment_checks.tsv), raw and normalised:
    never trained on."""
    from insight.modelling._text import normalise

    keys: set[str] = set()
    path = REPO / "tests" / "data" / "sentiment_checks.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text = line.split("\t")[3]
            keys |= {_key(text), _key(normalise(text))}
    return keys
