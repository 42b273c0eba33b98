"""Trained models: sentence/aspect sentiment and aspect term extraction (offline, shipped in models/).

    from insight.modelling.sentiment import SentimentModel, aggregate_document
    from insight.modelling.aspects import AspectExtractor

Submodules import their heavy dependencies lazily; importing this package is cheap.
"""

__all__ = ["sentiment", "aspects"]
