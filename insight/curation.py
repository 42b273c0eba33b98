"""Topic groups and analyst control: consolidation into pain-point groups, and merge / rename / split / ignore.

Consolidation (after every topic update): average-linkage clustering of the stored topic centroids,
cut once at ``AnalysisParams.pain_merge_distance`` (``insight.stages.topics.consolidate``). A topic
that joins a group gets ``topics.merged_into`` = the group's parent (its lowest id) and a ``merged``
row in ``topic_changes``; it stays a topic of its own (a sub-theme), so its id, label and sentences
never change. Groups only grow: a topic once merged keeps its parent unless an analyst changes it.

Analyst edits are stored in ``topic_edits`` and re-applied, in order, after every analysis:

- ``merge IDS [label]``: the others join the first id's group (their own sub-themes follow);
- ``rename ID TEXT``:   the topic's label (and so the label of the group it leads) is TEXT;
- ``split ID``:         the topic is re-clustered in two (k-means on its sentence embeddings); the
                        larger part keeps the id, the other gets a new one; neither is re-merged
                        automatically afterwards;
- ``ignore ID``:        the topic (or the whole group it leads) is never a pain point.

Every edit is recorded in ``topic_changes`` (``merged``, ``renamed``, ``split``, ``ignored``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from insight.errors import InputError
from insight.params import DEFAULT, AnalysisParams
from insight.store import Store


def _has_edits_table(store: Store) -> bool:
    return store.has_table("topic_edits")


def edits(store: Store) -> list[dict[str, Any]]:
    if not _has_edits_table(store):
        return []
    import pandas as pd

    frame = store.topic_edits()
    return [{"action": r.action, "topic_ids": json.loads(r.topic_ids), "label": None if pd.isna(r.label) else str(r.label)}
            for r in frame.itertuples()]


def _record(store: Store, run_id: str, changes: list[dict[str, Any]]) -> None:
    import pandas as pd

    if not changes:
        return
    frame = pd.DataFrame([{"run_id": run_id, "topic_id": int(c["topic_id"]), "change": c["change"],
                           "detail": json.dumps(c["detail"], default=str)} for c in changes])
    store.add_topic_changes(frame[["run_id", "topic_id", "change", "detail"]])


def _topics(store: Store):
    return store.active_topics(centroids=True)


def _parents(topics) -> dict[int, int | None]:
    import pandas as pd

    return {int(t): (None if pd.isna(m) else int(m)) for t, m in zip(topics["topic_id"], topics["merged_into"], strict=True)}


def _root(parents: dict[int, int | None], tid: int) -> int:
    seen = set()
    while parents.get(tid) is not None and tid not in seen:
        seen.add(tid)
        tid = int(parents[tid])
    return tid


def locked_topics(store: Store) -> set[int]:
    """Topics an analyst split: never merged automatically again."""
    return {t for e in edits(store) if e["action"] == "split" for t in e["topic_ids"]}


def consolidate_topics(store: Store, run_id: str, params: AnalysisParams = DEFAULT) -> int:
    """Merge topics that are one problem into groups (only ever adds merges). Returns merges made."""
    from insight.stages.topics import consolidate

    topics = _topics(store)
    if len(topics) < 2:
        return 0
    ids = [int(t) for t in topics["topic_id"]]
    cents = np.asarray(np.stack(topics["vector"].to_numpy()), dtype=np.float32)
    groups = consolidate(ids, cents, distance=params.pain_merge_distance,
                         weights=topics["size"].fillna(1).to_numpy(dtype=float))
    parents = _parents(topics)
    children = {p for p in parents.values() if p is not None}
    locked = locked_topics(store)
    changes, updates = [], []
    for tid in ids:
        target = groups[tid]
        if target == tid or parents[tid] is not None or tid in locked or target in locked or tid in children:
            continue
        root = _root(parents, target)
        if root == tid:
            continue
        parents[tid] = root
        updates.append((root, run_id, tid))
        changes.append({"topic_id": tid, "change": "merged", "detail": {"into": root, "by": "consolidation",
                                                                         "distance": params.pain_merge_distance}})
    if updates:
        with store.transaction():
            store.set_topic_parents(updates)
            _record(store, run_id, changes)
    return len(updates)


def merge_by_customers(store: Store, run_id: str, merges: list[dict[str, Any]]) -> int:
    """Persist ``painpoints.shared_customer_merges``: each group (its root and members) joins the other
    group's root, recorded in ``topic_changes`` as ``merged`` by "shared customers". Topics an analyst
    split are left alone. Returns the groups merged."""
    if not merges:
        return 0
    topics = _topics(store)
    parents = _parents(topics)
    locked = locked_topics(store)
    changes, updates = [], []
    for m in merges:
        child, root = _root(parents, int(m["topic_id"])), _root(parents, int(m["into"]))
        members = [t for t in parents if _root(parents, t) == child]
        if child == root or locked & set(members) or root in locked:
            continue
        for t in members:
            parents[t] = root
            updates.append((root, run_id, t))
        changes.append({"topic_id": child, "change": "merged", "detail": {
            "into": root, "by": "shared customers", "shared": m["shared"], "share": m["share"], "lift": m["lift"]}})
    if updates:
        with store.transaction():
            store.set_topic_parents(updates)
            _record(store, run_id, changes)
    return len(changes)


def group_state(store: Store) -> tuple[set[int], dict[int, str]]:
    """(ignored topic ids, analyst labels per group parent) from the stored edits and topics."""
    topics = store.topic_tree()
    parents = _parents(topics)
    ignored_roots, labels = set(), {}
    for e in edits(store):
        if e["action"] == "ignore":
            ignored_roots.update(e["topic_ids"])
        elif e["action"] in ("rename", "merge") and e["label"]:
            labels[_root(parents, e["topic_ids"][0])] = e["label"]
    ignored = {t for t in parents if t in ignored_roots or _root(parents, t) in ignored_roots}
    return ignored, labels


# -- analyst commands -------------------------------------------------------------------------------
def _check_ids(store: Store, ids: list[int], where: str) -> None:
    known = store.active_topic_ids()
    missing = [t for t in ids if t not in known]
    if missing:
        raise InputError(f"{where}: no topic {missing[0]} (got {missing[0]!r}). List them with `insight topics`.")


def merge(store: Store, ids: list[int], *, label: str | None = None) -> dict[str, Any]:
    """The topics after the first join the first one's group (with their own sub-themes)."""
    ids = [int(t) for t in ids]
    if len(ids) < 2 or len(set(ids)) < len(ids):
        raise InputError(f"topics merge: give two or more different topic ids (got {ids!r}). "
                         "Example: insight topics merge 3 7 --label 'camera goes offline'.")
    _check_ids(store, ids, "topics merge")
    return _edit(store, "topics merge", {"topic_ids": ids, "label": label}, "merge", ids, label)


def _edit(store: Store, command: str, params: dict[str, Any], action: str, ids: list[int],
          label: str | None) -> dict[str, Any]:
    """Keep one analyst edit and apply it, as one run."""
    with store.run(command, params) as run:
        store.add_topic_edit(action, ids, label, run["run_id"])
        n = _apply(store, run["run_id"], [{"action": action, "topic_ids": ids, "label": label}])
        run["counts"] = {"changes": n}
    return {"run_id": run["run_id"], "changes": n}


def rename(store: Store, topic_id: int, label: str) -> dict[str, Any]:
    label = " ".join(str(label).split())
    if not label:
        raise InputError(f"topics rename: the new label is empty (got {label!r}). Give a short phrase.")
    _check_ids(store, [topic_id], "topics rename")
    return _edit(store, "topics rename", {"topic_id": topic_id, "label": label}, "rename", [topic_id], label)


def ignore(store: Store, topic_id: int) -> dict[str, Any]:
    _check_ids(store, [topic_id], "topics ignore")
    return _edit(store, "topics ignore", {"topic_id": topic_id}, "ignore", [topic_id], None)


def split(store: Store, topic_id: int, *, embedder=None, seed: int = 42) -> dict[str, Any]:
    """Re-cluster one topic in two; the larger part keeps the id, the other becomes a new topic."""
    import pandas as pd
    from sklearn.cluster import KMeans

    from insight.stages.topics import describe_topics, theme_text

    _check_ids(store, [topic_id], "topics split")
    rows = store.sentences_in_topic(topic_id)
    if len(rows) < 4:
        raise InputError(f"topics split: topic {topic_id} has too few sentences to split (got {len(rows)}). "
                         "A split needs at least 4.")
    vecs = np.asarray(np.stack(rows["vector"].to_numpy()), dtype=np.float32)
    parts = KMeans(n_clusters=2, random_state=seed, n_init=4).fit_predict(vecs)
    keep = int(np.bincount(parts).argmax())
    new_id = store.next_topic_id()
    labels = np.where(parts == keep, topic_id, new_id)
    texts = [theme_text(t) or t for t in rows["text"]]
    used = store.topic_labels(except_id=topic_id)
    described = {t.topic_id: t for t in describe_topics(texts, labels, vecs, embedder=embedder, used=used,
                                                         languages=store.record_languages())}
    with store.run("topics split", {"topic_id": topic_id}) as run:
        run_id = run["run_id"]
        old = store.topic(topic_id)
        parent = None if pd.isna(old["merged_into"]) else int(old["merged_into"])
        moved = rows["sentence_id"][labels == new_id].tolist()
        new_topic = described[new_id]
        kept = described[topic_id]
        with store.transaction():
            store.update_topic_description(topic_id, kept.centroid.tolist(), kept.size, kept.keywords, run_id)
            frame = pd.DataFrame([{**new_topic.as_row(), "keywords": json.dumps(new_topic.keywords), "status": "active",
                                   "created_run": run_id, "updated_run": run_id, "merged_into": parent}])
            store.add_topics(frame)
            store.reassign_sentences(new_id, moved, run_id)
            _record(store, run_id, [
                {"topic_id": topic_id, "change": "split", "detail": {"into": [topic_id, new_id], "kept": int(kept.size),
                                                                     "moved": len(moved)}},
                {"topic_id": new_id, "change": "new", "detail": {"label": new_topic.label, "size": int(new_topic.size),
                                                                 "split_from": topic_id}},
            ])
        store.add_topic_edit("split", [topic_id, new_id], None, run_id)
        run["counts"] = {"moved": len(moved)}
    return {"run_id": run_id, "kept": {"topic_id": topic_id, "label": str(old["label"]), "size": int(kept.size)},
            "new": {"topic_id": new_id, "label": new_topic.label, "size": int(new_topic.size)}}


def reapply(store: Store, run_id: str) -> int:
    """Apply every stored edit again (after an analysis); returns the changes it had to make."""
    return _apply(store, run_id, edits(store), record_unchanged=False)


def _apply(store: Store, run_id: str, todo: list[dict[str, Any]], *, record_unchanged: bool = True) -> int:
    topics = store.topic_tree()
    parents = _parents(topics)
    labels = dict(zip(topics["topic_id"].astype(int), topics["label"], strict=True))
    changes, merge_updates, label_updates = [], [], []
    for e in todo:
        ids = [t for t in e["topic_ids"] if t in parents]
        if not ids:
            continue
        if e["action"] == "merge":
            root = _root(parents, ids[0])
            for t in ids[1:]:
                for member in [m for m in parents if _root(parents, m) == _root(parents, t)]:
                    if member == root or parents[member] == root:
                        continue
                    parents[member] = root
                    merge_updates.append((root, run_id, member))
                    changes.append({"topic_id": member, "change": "merged", "detail": {"into": root, "by": "analyst"}})
            if e["label"] and labels.get(root) != e["label"]:
                labels[root] = e["label"]
                label_updates.append((e["label"], run_id, root))
                changes.append({"topic_id": root, "change": "renamed", "detail": {"label": e["label"]}})
        elif e["action"] == "rename":
            if labels.get(ids[0]) != e["label"]:
                labels[ids[0]] = e["label"]
                label_updates.append((e["label"], run_id, ids[0]))
                changes.append({"topic_id": ids[0], "change": "renamed", "detail": {"label": e["label"]}})
        elif e["action"] == "ignore" and record_unchanged:
            changes.append({"topic_id": ids[0], "change": "ignored", "detail": {"label": labels.get(ids[0])}})
    if merge_updates or label_updates or changes:
        with store.transaction():
            if merge_updates:
                store.set_topic_parents(merge_updates)
            if label_updates:
                store.set_topic_labels(label_updates)
            _record(store, run_id, _dedupe(changes))
    return len(changes)


def _dedupe(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for c in changes:
        out[(int(c["topic_id"]), c["change"])] = c
    return list(out.values())
