"""The demo generator's Turkish, Finnish and German customers: written in their language, recorded in the
truth, and added without changing a byte of the English customers' records."""

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
gen = pytest.importorskip("make_demo_corpus")
dl = pytest.importorskip("demo_languages")

WORD = re.compile(r"[^\W\d_]+")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    out = {}
    for per_language in (0, 5):
        path = tmp_path_factory.mktemp(f"demo{per_language}")
        gen.main(["--out", str(path), "--customers", "100", "--per-language", str(per_language)])
        out[per_language] = path
    return out


def _rows(path: Path, name: str) -> list[dict]:
    if name.endswith(".csv"):
        with open(path / name, encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in (path / name).read_text(encoding="utf-8").splitlines()]


def _customer_texts(path: Path) -> dict[str, list[str]]:
    """Every customer-written text (review bodies, customer turns, linked posts) by customer id."""
    handles = {r["identifier"]: r["customer_id"] for r in _rows(path, "identities.csv") if r["kind"] == "handle"}
    texts: dict[str, list[str]] = {}
    for r in _rows(path, "reviews.csv"):
        texts.setdefault(r["customer_id"], []).append(r["body"])
    for c in _rows(path, "transcripts.jsonl"):
        texts.setdefault(c["customer_id"], []).extend(t["text"] for t in c["turns"] if t["speaker"] == "customer")
    for p in _rows(path, "social.jsonl"):
        if p["handle"] in handles:
            texts.setdefault(handles[p["handle"]], []).append(p["text"])
    return texts


def test_three_languages_are_written_with_their_truth(corpora):
    truth = json.loads((corpora[5] / "truth.json").read_text(encoding="utf-8"))
    assert truth["language_counts"] == {"en": 100, "de": 5, "tr": 5, "fi": 5}
    customers = {r["customer_id"]: r for r in _rows(corpora[5], "customers.csv")}
    assert set(truth["languages"]) == set(customers)
    region = {"de": "DE", "tr": "TR", "fi": "FI"}
    foreign = {c: lang for c, lang in truth["languages"].items() if lang != "en"}
    assert all(customers[c]["region"] == region[lang] for c, lang in foreign.items())
    # planted pain themes and signals for the foreign customers, as for the English ones
    planted = [truth["customers"][c] for c in foreign if c in truth["customers"]]
    assert sum(bool(t["pain_points"]) for t in planted) >= 6
    assert {s for t in planted for s in t["signals"]} <= {"rating_text_mismatch", "cross_channel_gap",
                                                          "repeat_contact", "churn"}
    # no request or motive is planted in a language whose detectors read English only
    assert not any(t.get("requests") or t.get("motives") for t in planted)


# a few function words of each language (spaCy's stop-word lists would need spaCy imported: seconds)
MARKERS = {"en": {"the", "and", "is", "my", "it", "to", "of", "for", "with", "was"},
           "de": {"der", "die", "das", "ist", "und", "nicht", "ich", "mein", "meine", "seit", "nur", "sie"},
           "tr": {"ve", "bir", "çok", "bu", "için", "hâlâ", "ama", "hiç", "sonra", "ben", "da", "de", "mı"},
           "fi": {"on", "ja", "ei", "kun", "mutta", "se", "oli", "enää", "minulla", "jo", "vain", "kiitos"}}


def test_each_customer_writes_in_their_language(corpora):
    truth = json.loads((corpora[5] / "truth.json").read_text(encoding="utf-8"))
    seen = Counter()
    for cid, texts in _customer_texts(corpora[5]).items():
        lang = truth["languages"][cid]
        words = [w.lower() for text in texts for w in WORD.findall(text)]
        own = sum(w in MARKERS[lang] for w in words)
        if lang != "en":
            english = [w for w in words if w in MARKERS["en"]]
            assert own >= 2 and not english, (cid, lang, english, texts)
            seen[lang] += 1
    assert all(seen[lang] >= 4 for lang in ("de", "tr", "fi")), seen


def test_english_records_do_not_change(corpora):
    truth = json.loads((corpora[5] / "truth.json").read_text(encoding="utf-8"))
    english = {c for c, lang in truth["languages"].items() if lang == "en"}
    for name in ("reviews.csv", "customers.csv", "identities.csv", "transcripts.jsonl"):
        assert [r for r in _rows(corpora[5], name) if r["customer_id"] in english] == _rows(corpora[0], name)
    handles = {r["identifier"] for r in _rows(corpora[5], "identities.csv")
               if r["kind"] == "handle" and r["customer_id"] not in english}
    assert [p for p in _rows(corpora[5], "social.jsonl") if p["handle"] not in handles] == \
        _rows(corpora[0], "social.jsonl")


def test_every_slot_of_every_template_is_defined():
    ctx_keys = {"dev", "dev_my", "dev_my_gen", "dev_my_acc", "dev_acc", "fw", "app_upd", "date_txt", "plan_name",
                "plan_price", "plan_disp", "competitor", "agent_name", "issue", "ordinal", "case_no"}
    for lang, grammar in dl.GRAMMARS.items():
        devices = {k for forms in grammar["devices"].values() for k in forms}
        templates = [t for bank in ("complaints", "praises") for ts in grammar[bank].values() for t in ts]
        templates += [t for k in ("churn", "churn_repeat", "repeat_ref", "context", "plan_name", "since",
                                  "order_detail", "agent_escalate") for t in grammar[k]]
        templates += [v for vs in grammar["slots"].values() if isinstance(vs, list) for v in vs]
        for tpl in templates:
            for slot in re.findall(r"\{(\w+)\}", tpl):
                key = slot[:1].lower() + slot[1:]
                assert key in grammar["slots"] or key in ctx_keys, (lang, slot, tpl)
                if key in ("dev", "dev_my", "dev_my_gen", "dev_my_acc", "dev_acc"):
                    assert all(key in forms for forms in grammar["devices"].values()), (lang, key)
        assert devices


def test_joined_sentences_keep_each_language_s_capitals():
    assert dl.lower_start("de", "Der Akku ist leer.") == "der Akku ist leer."
    assert dl.lower_start("de", "Akku leer nach 9 Stunden.") == "Akku leer nach 9 Stunden."   # a noun
    assert dl.lower_start("tr", "İadem onaylandı.") == "iadem onaylandı."
    assert dl.lower_start("tr", "Islak geldi.") == "ıslak geldi."
    assert dl.lower_start("tr", "SMS kodu hiç gelmiyor.") == "SMS kodu hiç gelmiyor."
    assert dl.upper_start("tr", "iade ettim.") == "İade ettim."
    assert dl.upper_start("fi", "iPhone 13 -puhelimessani") == "iPhone 13 -puhelimessani"
    assert dl.date_text("fi", 3, 3) == "3. maaliskuuta" and dl.date_text("tr", 3, 3) == "3 Mart"


def test_cross_lingual_row_scores_each_language():
    import pandas as pd

    ev = pytest.importorskip("eval_issues")
    truth = {"languages": {"E1": "en", "E2": "en", "T1": "tr", "T2": "tr", "F1": "fi"}}
    planted = {"E1": ["battery_drain"], "E2": ["app_crash"], "T1": ["battery_drain"], "T2": ["app_crash"],
               "F1": ["app_crash"]}
    # P1: battery (English and Turkish), P2: app crashes (English only), P3: Turkish and Finnish app crashes
    mentions = pd.DataFrame({"pain_id": ["P1", "P1", "P1", "P2", "P2", "P3", "P3", "P3"],
                             "customer_id": ["E1", "E1", "T1", "E2", "E2", "T2", "F1", "T1"]})
    routed = pd.DataFrame({"customer_id": ["T1", "T1", "F1"], "language": ["tr", "en", "fi"]})
    rows = {r["language"]: r for r in ev.cross_lingual(truth, planted, {"battery_drain", "app_crash"},
                                                        mentions, routed)}
    assert list(rows) == ["en", "fi", "tr"]
    assert rows["en"]["recall"] == 1.0 and rows["en"]["precision"] == 1.0
    # T1's battery mention shares P1 with E1; T2's crash lies in P3, which no English customer shares
    assert rows["tr"]["recall"] == 1.0 and rows["tr"]["precision"] == 2 / 3 and rows["tr"]["shared_with_en"] == 0.5
    assert rows["fi"]["shared_with_en"] == 0.0 and rows["fi"]["themes_found"] == ["app_crash"]
    assert rows["tr"]["routed"] == 0.5 and rows["fi"]["routed"] == 1.0
