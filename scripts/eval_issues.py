#!/usr/bin/env python
"""How well the topic stage rediscovers gold intents: the same code as `insight topics discover`.

Runs ``insight.stages.topics.discover_texts`` (all-MiniLM-L6-v2 from ``insight.resources.load_embedder()``,
then ``TopicDiscovery.fit`` with the shipped defaults) on

  dstc11     DSTC11 Track 2 development (insurance support chats): the 913 customer turns that carry a gold
             intent (``development/test-utterances.jsonl``, 22 intents). Only intent-bearing customer turns are
             labelled; the full dialogues are not in the shared copy.
  banking77  ``banking77/train.csv``: 10,003 customer messages, 77 gold categories.
  clinc150   ``clinc150/dev``: the in-scope dev queries (150 intents; out-of-scope queries left out).

and two measures of the pain points themselves (the whole product: ingest, analyse, rank):

  airline    ``airline-tweets/dev.jsonl`` (1,000 tweets to US airlines, each negative one with one of 10
             complaint reasons) ingested as social posts (handle -> a hashed customer id) and analysed
             with every real model; the ranked pain points are scored against the gold reasons:
             top-10 purity (mean share of a pain point's mentions carrying its majority reason, over
             mentions whose reason is known and not "Can't Tell"), distinct majority reasons in the top
             10, coverage (reasons with >= 30 tweets that are the majority reason of a top-15 pain point)
             and false share (top-15 pain-point mentions whose gold sentiment is positive).
  germeval   ``germeval2017/dev.jsonl`` (German Deutsche Bahn customer feedback: tweets, Facebook comments,
             forum and news posts): the 606 relevant negative documents ingested as social posts (each
             document its own hashed customer; no dates in the data, so one per hour from 2015-07-01) and
             scored like the airline tweets against the gold aspect categories of their negative aspects
             ("Allgemein", general, counts as unknown, like "Can't Tell"). A document can carry several
             categories: the majority category of a pain point is the one most of its mentions' documents
             carry, and a mention is pure when its document carries it. Coverage: categories with >= 30
             documents. All documents are negative, so there is no false share.
  demo       the demo store (``insight demo``; out/demo/insight.duckdb): top-10 precision against the
             planted pain themes of ``corpora/demo/truth.json``. A pain point's theme is the majority
             planted theme of the customers behind its mentions (a customer with k planted themes counts
             1/k for each); it is a hit when that theme holds at least half of the weight and no
             higher-ranked pain point has it already (duplicates count as misses). The cross-lingual row
             gives, per language the demo customers write in (en, tr, fi, de), the recall of planted
             (customer, theme) pairs in pain points of that theme, the precision of the language's
             mentions, the share of them in pain points shared with English customers of the same
             theme, and the routing of their records (``cross_lingual``).

``--max-fit N`` fits topics on a seeded sample of N texts and assigns the rest to the nearest fitted centroid
(``insight.stages.topics.fit_sampled``, what the pipeline does above ``max_fit``), to show what a sampled fit
costs against the full one.

``--refit`` clears the stored topics and pain points of those stores and re-runs only the topic
and pain-point stages on the stored embeddings and sentiment (what a parameter change needs).

Metrics are over ALL texts, outliers (-1) kept as one cluster label of their own: NMI (arithmetic),
ARI, and cluster accuracy ACC (1:1 Hungarian matching of topics to gold labels with
scipy.optimize.linear_sum_assignment; outliers are never matched, so they count as wrong). The extra
columns NMI*/ARI* are over the non-outlier texts only. Fit time is the wall time of ``discover_texts``
with the embeddings already cached (the embedding pass runs once per corpus and is cached as .npy).

    python scripts/eval_issues.py [--corpus dstc11|banking77|clinc150|airline|demo|all] [--limit N]
                                  [--cache-dir /tmp/insight-emb] [--seed 42] [--json out.json]
                                  [--airline-db /tmp/insight-airline/insight.duckdb] [--demo-db out/demo/insight.duckdb]
                                  [--demo-truth corpora/demo/truth.json]
                                  [--germeval-db /tmp/insight-germeval/insight.duckdb]
                                  [--refit [--topic-seed 42]] [--max-fit N]

Reference (DSTC11 Task 1, test-banking; all-mpnet-base-v2 + k-means baseline / best team T05):
NMI 0.603 / 0.785, ARI 0.461 / 0.707, ACC 0.597 / 0.752.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE))
from _corpora import CORPORA  # noqa: E402  ../shared/corpora or $INSIGHT_CORPORA, defined once

REFERENCE = {"floor (DSTC11 baseline)": (0.603, 0.461, 0.597), "aim (best team T05)": (0.785, 0.707, 0.752)}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ corpora

def load_dstc11() -> tuple[list[str], list[str]]:
    path = CORPORA / "dstc11-intent-induction" / "development" / "test-utterances.jsonl"
    texts, gold = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                texts.append(row["utterance"].strip())
                gold.append(row["intent"])
    return texts, gold


def load_banking77() -> tuple[list[str], list[str]]:
    texts, gold = [], []
    with open(CORPORA / "banking77" / "train.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"].strip())
            gold.append(row["category"])
    return texts, gold


def load_clinc150() -> tuple[list[str], list[str]]:
    texts, gold = [], []
    folder = CORPORA / "clinc150"
    path = next((folder / n for n in ("dev.jsonl", "dev.csv", "val.jsonl") if (folder / n).exists()), None)
    if path is None:
        raise SystemExit(f"{folder}: no dev.jsonl or dev.csv. See ../shared/corpora/README.md.")
    rows = ([json.loads(x) for x in path.open(encoding="utf-8") if x.strip()] if path.suffix == ".jsonl"
            else list(csv.DictReader(path.open(encoding="utf-8", newline=""))))
    for row in rows:
        intent = row.get("intent") or row.get("label")
        if intent in (None, "oos"):
            continue
        texts.append(str(row.get("text") or row.get("query")).strip())
        gold.append(str(intent))
    return texts, gold


LOADERS = {"dstc11": load_dstc11, "banking77": load_banking77, "clinc150": load_clinc150}


# ------------------------------------------------------------------ cached embedder

class CachedEmbedder:
    """Wraps the product embedder: ``encode`` answers from an .npy cache keyed by the texts' hash,
    so each corpus is embedded once across runs. Same vectors, same call, as ``topics.embed`` makes."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self._model = None

    def _key(self, texts: list[str], normalize: bool) -> Path:
        h = hashlib.sha1(("\x1f".join(texts) + f"|norm={normalize}").encode("utf-8")).hexdigest()[:16]
        return self.cache_dir / f"minilm-{len(texts)}-{h}.npy"

    def encode(self, texts, *, normalize_embeddings=True, **kw):
        texts = list(texts)
        path = self._key(texts, normalize_embeddings)
        if path.exists():
            return np.load(path)
        if self._model is None:
            from insight.resources import load_embedder

            self._model = load_embedder()
        log(f"embedding {len(texts):,} texts (cached to {path}) ...")
        t0 = time.perf_counter()
        vecs = np.asarray(self._model.encode(texts, normalize_embeddings=normalize_embeddings, **kw), dtype=np.float32)
        log(f"  {len(texts) / (time.perf_counter() - t0):.0f} texts/s")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
        return vecs


# ------------------------------------------------------------------ metrics

def cluster_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    """1:1 Hungarian matching of predicted topics (not -1) to gold labels; unmatched and outliers are wrong."""
    from scipy.optimize import linear_sum_assignment

    g_ids, g = np.unique(gold, return_inverse=True)
    p_ids = np.unique(pred[pred != -1])
    if len(p_ids) == 0:
        return 0.0
    p_index = {p: i for i, p in enumerate(p_ids)}
    cont = np.zeros((len(p_ids), len(g_ids)), dtype=np.int64)
    for gi, p in zip(g, pred, strict=True):
        if p != -1:
            cont[p_index[p], gi] += 1
    rows, cols = linear_sum_assignment(-cont)
    return float(cont[rows, cols].sum() / len(gold))


def scores(gold: list[str], pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    g = np.asarray(gold)
    keep = pred != -1
    return {
        "nmi": normalized_mutual_info_score(g, pred),
        "ari": adjusted_rand_score(g, pred),
        "acc": cluster_accuracy(g, pred),
        "nmi_in": normalized_mutual_info_score(g[keep], pred[keep]) if keep.sum() > 1 else float("nan"),
        "ari_in": adjusted_rand_score(g[keep], pred[keep]) if keep.sum() > 1 else float("nan"),
    }


# ------------------------------------------------------------------ run

def evaluate(name: str, *, limit: int | None, seed: int, embedder: CachedEmbedder, max_fit: int | None = None) -> dict:
    from insight.stages.topics import discover_texts

    texts, gold = LOADERS[name]()
    if limit and limit < len(texts):
        idx = np.sort(np.random.default_rng(seed).choice(len(texts), limit, replace=False))
        texts, gold = [texts[i] for i in idx], [gold[i] for i in idx]
    embedder.encode(texts, batch_size=64, show_progress_bar=False, convert_to_numpy=True)  # warm the cache
    log(f"{name}: fitting topics on {len(texts):,} texts ...")
    t0 = time.perf_counter()
    results = discover_texts(texts, embedder=embedder, seed=seed, max_fit=max_fit)
    fit_s = time.perf_counter() - t0
    pred = np.asarray([r["topic_id"] for r in results], dtype=int)
    labels = {r["topic_id"]: r["label"] for r in results if r["topic_id"] != -1}
    sizes = Counter(pred[pred != -1].tolist())
    return {
        "corpus": name, "max_fit": max_fit, "n_texts": len(texts), "n_gold": len(set(gold)), "n_topics": len(labels),
        "outlier_share": float((pred == -1).mean()), **scores(gold, pred), "fit_s": fit_s,
        "example_labels": [(labels[t], n) for t, n in sizes.most_common(10)],
    }


def table(rows: list[dict]) -> str:
    head = ("corpus", "texts", "gold", "topics", "outliers", "NMI", "ARI", "ACC", "NMI*", "ARI*", "fit s")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['n_texts']:,} | {r['n_gold']} | {r['n_topics']} | {r['outlier_share']:.1%} | "
            f"{r['nmi']:.3f} | {r['ari']:.3f} | {r['acc']:.3f} | {r['nmi_in']:.3f} | {r['ari_in']:.3f} | {r['fit_s']:.1f} |"
        )
    for name, (nmi, ari, acc) in REFERENCE.items():
        lines.append(f"| {name}, test-banking | | | | | {nmi:.3f} | {ari:.3f} | {acc:.3f} | | | |")
    return "\n".join(lines)


# ------------------------------------------------------------------ pain points against gold reasons

AIRLINE_REASON_MIN = 30


MAX_FIT = None  # --max-fit: the topic fit's sample size (None: the shipped default)
TOPIC_SEED = 42  # --topic-seed: the topic fit's seed on --refit (UMAP/HDBSCAN), to see the spread of a figure


def _refit(db: str) -> None:
    """Topics and pain points again, from the stored embeddings and sentiment."""
    from insight import pipeline, resources
    from insight.store import Store

    with Store(db) as store:
        for table in ("topics", "sentence_topics", "topic_changes", "pain_points", "pain_mentions"):
            store.con.execute(f"DELETE FROM {table}")
        run_id = store.start_run("eval refit", {})
        topic_params = pipeline.TopicParams(seed=TOPIC_SEED, **({"max_fit": MAX_FIT} if MAX_FIT else {}))
        counts = pipeline.update_topics(store, run_id, topic_params, progress=False,
                                        embedder=resources.load_embedder(), nlp=resources.load_spacy())
        counts.update(pipeline.refresh_insights(store, run_id))
        store.end_run(run_id, counts)
    log(f"refit {db}: {counts}")


def airline_rows() -> list[dict]:
    from datetime import datetime

    rows = []
    path = CORPORA / "airline-tweets" / "dev.jsonl"
    for i, line in enumerate(path.open(encoding="utf-8")):
        r = json.loads(line)
        when = datetime.strptime(r["tweet_created"], "%d-%m-%Y %H.%M")
        rows.append({"post_id": f"airline-dev-{i}", "text": r["text"], "created_at": when.isoformat() + "+00:00",
                     "customer_id": "A-" + hashlib.sha1(r["name"].encode()).hexdigest()[:10],  # no real handles
                     "platform": "twitter", "airline": r["airline"], "gold_label": r["label"],
                     "gold_reason": r["negativereason"]})
    return rows


def build_airline_store(db: str, rows: list[dict] | None = None) -> None:
    """Ingest ``rows`` (default: the airline tweets) as social posts into a new store and analyse it."""
    import tempfile

    from insight.jobs import ingest_files
    from insight.pipeline import analyze
    from insight.store import Store

    rows = airline_rows() if rows is None else rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({k: r[k] for k in ("post_id", "text", "created_at", "customer_id", "platform")}) + "\n")
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        with Store(db) as store:
            ingest_files(store, "social", [str(path)])
            t0 = time.perf_counter()
            counts = analyze(store, progress=False)
            log(f"{db}: analysed in {time.perf_counter() - t0:.0f}s: {counts}")


def evaluate_airline(db: str, *, refit: bool) -> dict:
    gold = {r["post_id"]: r for r in airline_rows()}
    reasons = {k: ({r["gold_reason"]} if r["gold_reason"] not in (None, "Can't Tell") else set())
               for k, r in gold.items()}
    positive = {k for k, r in gold.items() if r["gold_label"] == "positive"}
    return _evaluate_reasons("airline", db, airline_rows, reasons, positive, refit=refit)


def germeval_rows() -> list[dict]:
    from datetime import datetime, timedelta

    rows, start = [], datetime(2015, 7, 1)
    path = CORPORA / "germeval2017" / "dev.jsonl"
    for i, line in enumerate(path.open(encoding="utf-8")):
        r = json.loads(line)
        if not (r.get("relevance") and r.get("label") == "negative"):
            continue
        cats = {a.split("#")[0] for a in r.get("aspects") or [] if a.endswith(":negative")} - {"Allgemein"}
        rows.append({"post_id": f"germeval-dev-{i}", "text": r["text"],
                     "created_at": (start + timedelta(hours=len(rows))).isoformat() + "+00:00",
                     "customer_id": "G-" + hashlib.sha1(r["id"].encode()).hexdigest()[:10],  # ids hold handles
                     "platform": "twitter", "gold_reasons": cats})
    return rows


def evaluate_germeval(db: str, *, refit: bool) -> dict:
    reasons = {r["post_id"]: r["gold_reasons"] for r in germeval_rows()}
    return _evaluate_reasons("germeval", db, germeval_rows, reasons, set(), refit=refit)


def _evaluate_reasons(corpus: str, db: str, rows_fn, reasons: dict[str, set], positive: set, *, refit: bool) -> dict:
    """Top-10 purity, distinct majority reasons, coverage and false share of a store's ranked pain points
    against gold reasons per source record (a set: empty when unknown)."""
    from insight.store import Store

    if not Path(db).exists():
        build_airline_store(db, rows_fn())
    elif refit:
        _refit(db)
    with Store(db, read_only=True) as store:
        pains = store.query("SELECT pain_id, rank, label, customers, mentions FROM pain_points ORDER BY rank")
        mentions = store.query("SELECT m.pain_id, r.source_id FROM pain_mentions m JOIN records r USING (record_id)")
    counts = Counter(c for cats in reasons.values() for c in cats)
    big = sorted(k for k, n in counts.items() if n >= AIRLINE_REASON_MIN)
    rows, purities, majority = [], [], []
    false_n = false_d = 0
    for p in pains.head(15).itertuples():
        ids = list(mentions[mentions["pain_id"] == p.pain_id]["source_id"])
        known = [reasons[i] for i in ids if reasons[i]]
        top, _ = Counter(c for cats in known for c in sorted(cats)).most_common(1)[0] if known else (None, 0)
        purity = sum(top in cats for cats in known) / len(known) if known else 0.0
        false_n += sum(i in positive for i in ids)
        false_d += len(ids)
        if p.rank <= 10:
            purities.append(purity)
        majority.append(top)
        rows.append({"rank": int(p.rank), "label": p.label, "customers": int(p.customers), "mentions": len(ids),
                     "majority_reason": top, "purity": purity, "known": len(known)})
    top10 = [m for m in majority[:10] if m]
    return {
        "corpus": corpus, "pain_points": int(len(pains)),
        "purity_top10": float(np.mean(purities)) if purities else 0.0,
        "distinct_top10": len(set(top10)),
        "coverage": sorted(set(big) & set(m for m in majority if m)), "reasons_30": big,
        "false_share": false_n / max(false_d, 1), "rows": rows,
    }


def evaluate_demo(db: str, *, refit: bool, truth_path: str | None = None) -> dict:
    from insight.store import Store

    if not Path(db).exists():
        raise SystemExit(f"{db}: no demo store. Run `insight demo` first (writes out/demo/insight.duckdb).")
    if refit:
        _refit(db)
    truth = json.loads(Path(truth_path or HERE.parent / "corpora" / "demo" / "truth.json").read_text(encoding="utf-8"))
    planted = {c: v["pain_points"] for c, v in truth["customers"].items()}
    themes = sorted(k for k, v in truth["theme_kinds"].items() if v == "pain")
    with Store(db, read_only=True) as store:
        pains = store.query("SELECT pain_id, rank, label, customers FROM pain_points ORDER BY rank")
        mentions = store.query("SELECT m.pain_id, r.customer_id FROM pain_mentions m JOIN records r USING (record_id)")
        routed = store.query("SELECT customer_id, language FROM records WHERE customer_id IS NOT NULL "
                             "AND coalesce(speaker, 'customer') = 'customer'")
    seen, rows, hits = set(), [], 0
    for p in pains.head(10).itertuples():
        weight: Counter = Counter()
        for cid in mentions[mentions["pain_id"] == p.pain_id]["customer_id"]:
            found = planted.get(cid) or ["(none)"]
            for t in found:
                weight[t] += 1 / len(found)
        theme, w = weight.most_common(1)[0] if weight else ("(none)", 0.0)
        share = w / max(sum(weight.values()), 1e-9)
        verdict = "hit" if theme != "(none)" and share >= 0.5 and theme not in seen else (
            "duplicate" if theme in seen else "miss")
        hits += verdict == "hit"
        seen.add(theme)
        rows.append({"rank": int(p.rank), "label": p.label, "customers": int(p.customers), "theme": theme,
                     "share": share, "verdict": verdict})
    return {"corpus": "demo", "precision_top10": hits / 10, "themes_in_top10": sorted(seen & set(themes)),
            "planted": themes, "rows": rows,
            "languages": cross_lingual(truth, planted, set(themes), mentions, routed)}


def cross_lingual(truth: dict, planted: dict, themes: set, mentions, routed) -> list[dict]:
    """The demo's cross-lingual row, per language the customers write in (truth["languages"]).

    Every pain point gets the majority planted theme of the customers behind its mentions (all languages
    together, weighted as in the top-10 precision). Then, over the customers of one language who have
    planted pain themes:

    - recall: share of their planted (customer, theme) pairs where the customer has a mention in a pain
      point of that theme (any rank; a theme split over several pain points counts once per customer);
    - precision: share of their pain-point mentions that lie in a pain point of one of their planted themes;
    - shared with en: of their mentions in a pain point of the right theme, the share whose pain point also
      holds a mention of an English customer with that theme (1.0: the language's complaints share their
      pain points with the English ones; 0: they sit in pain points of their own);
    - routed: share of the language's customer-voice records (reviews, posts, customer turns) that the
      analysis read as that language (records.language).
    """
    lang_of = truth.get("languages") or {c: "en" for c in planted}   # a truth from before languages: English
    theme_of: dict[str, str] = {}
    for pain_id, group in mentions.groupby("pain_id"):
        weight: Counter = Counter()
        for cid in group["customer_id"]:
            found = planted.get(cid) or ["(none)"]
            for t in found:
                weight[t] += 1 / len(found)
        theme, w = weight.most_common(1)[0]
        theme_of[pain_id] = theme if theme in themes and w >= 0.5 * sum(weight.values()) else "(none)"
    english_in = {(pid, t) for pid, cid in zip(mentions["pain_id"], mentions["customer_id"])
                  if lang_of.get(cid, "en") == "en" for t in planted.get(cid, [])}
    rows = []
    for lang in sorted(set(lang_of.values()) or {"en"}, key=lambda x: (x != "en", x)):
        custs = {c for c, l in lang_of.items() if l == lang and planted.get(c)}
        mine = mentions[mentions["customer_id"].isin(custs)]
        pairs = {(c, t) for c in custs for t in planted[c]}
        hit_pairs = {(c, theme_of[p]) for p, c in zip(mine["pain_id"], mine["customer_id"])} & pairs
        right = [(p, theme_of[p]) for p, c in zip(mine["pain_id"], mine["customer_id"]) if theme_of[p] in planted[c]]
        shared = sum(1 for x in right if x in english_in)
        recs = routed[routed["customer_id"].isin({c for c, l in lang_of.items() if l == lang})]
        rows.append({"language": lang, "customers": len(custs), "pairs": len(pairs), "mentions": len(mine),
                     "recall": len(hit_pairs) / len(pairs) if pairs else 0.0,
                     "precision": len(right) / len(mine) if len(mine) else 0.0,
                     "shared_with_en": shared / len(right) if right else 0.0,
                     "records": len(recs), "routed": float((recs["language"] == lang).mean()) if len(recs) else 0.0,
                     "themes_found": sorted({t for _, t in hit_pairs})})
    return rows


def pain_report(r: dict) -> str:
    lines = []
    if r["corpus"] in ("airline", "germeval"):
        floors = ("(floor 0.70, aim 0.80)", " (floor 6)", " (floor: all but one)", " (floor <= 0.05)") \
            if r["corpus"] == "airline" else ("(floor 0.60, aim 0.70)", "", "", "")
        name = "airline tweets dev" if r["corpus"] == "airline" else "germeval2017 dev (negative, relevant)"
        lines.append(f"{name}: {r['pain_points']} pain points; top-10 purity {r['purity_top10']:.3f} "
                     f"{floors[0]}; distinct reasons in top 10: {r['distinct_top10']}{floors[1]}; coverage "
                     f"{len(r['coverage'])} of {len(r['reasons_30'])} reasons with >= {AIRLINE_REASON_MIN} records"
                     f"{floors[2]}; false share {r['false_share']:.3f}{floors[3]}")
        lines.append(f"  not covered: {', '.join(sorted(set(r['reasons_30']) - set(r['coverage']))) or '-'}")
        for x in r["rows"]:
            lines.append(f"  {x['rank']:>3}  {x['label'][:42]:<42} {x['customers']:>4} cust  {x['mentions']:>4} ment  "
                         f"{str(x['majority_reason']):<26} {x['purity']:.2f} of {x['known']}")
    else:
        lines.append(f"demo: top-10 precision {r['precision_top10']:.1f} (duplicates count as misses); planted themes "
                     f"in the top 10: {len(r['themes_in_top10'])} of {len(r['planted'])} "
                     f"(missing: {', '.join(sorted(set(r['planted']) - set(r['themes_in_top10']))) or '-'})")
        for x in r["rows"]:
            lines.append(f"  {x['rank']:>3}  {x['label'][:42]:<42} {x['customers']:>4} cust  {x['theme']:<16} "
                         f"{x['share']:.2f}  {x['verdict']}")
        lines.append("demo cross-lingual: planted pain themes per customer language (pain point theme = majority "
                     "planted theme of its customers)")
        lines.append(f"  {'lang':<5} {'cust':>5} {'pairs':>5} {'ment':>5} {'recall':>7} {'precision':>9} "
                     f"{'shared w/ en':>12} {'routed':>7}  themes found")
        for x in r.get("languages", []):
            shared = "-" if x["language"] == "en" else f"{x['shared_with_en']:.2f}"
            lines.append(f"  {x['language']:<5} {x['customers']:>5} {x['pairs']:>5} {x['mentions']:>5} {x['recall']:>7.2f} "
                         f"{x['precision']:>9.2f} {shared:>12} {x['routed']:>7.2f}  {len(x['themes_found'])} of "
                         f"{len(r['planted'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=["dstc11", "banking77", "clinc150", "airline", "germeval", "demo", "all"],
                    default="all")
    ap.add_argument("--airline-db", default="/tmp/insight-airline/insight.duckdb",
                    help="store for the airline measure (built on first use: ingest + analyse, a few minutes)")
    ap.add_argument("--germeval-db", default="/tmp/insight-germeval/insight.duckdb",
                    help="store for the German measure (built on first use: ingest + analyse, a few minutes)")
    ap.add_argument("--demo-db", default=str(HERE.parent / "out" / "demo" / "insight.duckdb"))
    ap.add_argument("--demo-truth", default=str(HERE.parent / "corpora" / "demo" / "truth.json"),
                    help="the planted truth of the demo store (a corpus written to another folder has its own)")
    ap.add_argument("--refit", action="store_true", help="re-run topics and pain points on the stored embeddings")
    ap.add_argument("--topic-seed", type=int, default=42,
                    help="seed of the topic fit on --refit; run several to see how much a figure moves by chance")
    ap.add_argument("--limit", type=int, default=None, help="seeded sample of N texts per corpus")
    ap.add_argument("--max-fit", type=int, default=None, metavar="N",
                    help="fit topics on a seeded sample of at most N texts and assign the rest to its centroids "
                         "(discovery corpora; with --refit also the pain-point stores); default: fit on all texts "
                         "(discovery) or the shipped max_fit (--refit)")
    ap.add_argument("--cache-dir", default="/tmp/insight-emb", help="where embeddings are cached (.npy)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", default=None, help="also write the rows here")
    args = ap.parse_args(argv)

    global TOPIC_SEED, MAX_FIT
    TOPIC_SEED = args.topic_seed
    MAX_FIT = args.max_fit
    embedder = CachedEmbedder(Path(args.cache_dir))
    names = list(LOADERS) if args.corpus == "all" else [n for n in [args.corpus] if n in LOADERS]
    pain = [] if args.corpus not in ("airline", "germeval", "demo", "all") else (
        ["airline", "germeval", "demo"] if args.corpus == "all" else [args.corpus])
    results = []
    for name in pain:
        r = (evaluate_airline(args.airline_db, refit=args.refit) if name == "airline"
             else evaluate_germeval(args.germeval_db, refit=args.refit) if name == "germeval"
             else evaluate_demo(args.demo_db, refit=args.refit, truth_path=args.demo_truth))
        print(pain_report(r) + "\n")
        results.append(r)
    rows = [evaluate(n, limit=args.limit, seed=args.seed, embedder=embedder, max_fit=args.max_fit) for n in names]
    if not rows:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
        return 0

    print("Topic discovery vs gold intents (insight.stages.topics.discover_texts, shipped defaults, seed "
          f"{args.seed}{', limit ' + str(args.limit) if args.limit else ''}"
          f"{', fit on a sample of ' + str(args.max_fit) if args.max_fit else ''})")
    print("NMI / ARI / ACC over all texts, outliers (-1) as one cluster of their own and never matched in ACC;")
    print("NMI* / ARI* over non-outlier texts only. fit s = discover_texts wall time, embeddings cached.\n")
    print(table(rows))
    for r in rows:
        print(f"\n{r['corpus']}: 10 largest topics (label, size)")
        for label, n in r["example_labels"]:
            print(f"  {n:5d}  {label}")
    if args.json:
        Path(args.json).write_text(json.dumps(results + rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
