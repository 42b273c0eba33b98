"""Read feedback files into validated Records (one normaliser per channel) plus rejects.

    from insight.ingest import read_source
    batch = read_source("reviews", "reviews.csv", mapping={"text": "Review Body"})

File-level problems raise InputError; row-level problems become Rejects (never dropped).
"""

from insight.ingest.identifiers import normalise_identifier
from insight.ingest.read import KINDS, IngestBatch, default_source, open_source, read_source
from insight.ingest.values import REJECT_REASONS

__all__ = ["KINDS", "REJECT_REASONS", "IngestBatch", "default_source", "normalise_identifier", "open_source", "read_source"]
