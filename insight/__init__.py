"""insight: offline-first feedback-insight analyzer (reviews, support transcripts, social posts)."""

__version__ = "0.1.0"
