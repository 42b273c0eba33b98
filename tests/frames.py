"""Tiny hand-built frames in the shape the store hands to the pain-point and profile stages."""

import pandas as pd

VOICE_COLUMNS = ["sentence_id", "record_id", "idx", "text", "customer_id", "channel", "created_at", "rating",
                 "product", "conversation_id", "platform", "label", "score", "p_negative", "topic_id", "topic_label"]


def voice_row(sid, rid, customer, channel, date, text, score, *, rating=None, conversation=None, topic=None,
              topic_label=None, idx=0):
    label = "negative" if score <= -0.3 else "positive" if score >= 0.3 else "neutral"
    return {
        "sentence_id": sid, "record_id": rid, "idx": idx, "text": text, "customer_id": customer, "channel": channel,
        "created_at": pd.Timestamp(date, tz="UTC"), "rating": rating, "product": "Cam", "conversation_id": conversation,
        "platform": None, "label": label, "score": score, "p_negative": max(0.0, -score), "topic_id": topic,
        "topic_label": topic_label,
    }


def voice(rows):
    return pd.DataFrame(rows, columns=VOICE_COLUMNS)


def records_from(voice_frame):
    recs = voice_frame.drop_duplicates("record_id")[
        ["record_id", "customer_id", "channel", "created_at", "rating", "conversation_id", "platform", "product"]
    ].copy()
    recs["speaker"] = "customer"
    return recs.reset_index(drop=True)


def no_aspects():
    return pd.DataFrame(columns=["aspect_id", "sentence_id", "record_id", "term", "norm", "start_char", "end_char",
                                 "label", "score", "model", "customer_id", "channel", "created_at"])
