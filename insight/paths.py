"""Where the shipped files live: the installed package data first, the source checkout second.

A wheel carries the models and the demo corpus under ``insight/_data/`` (``setup.py`` copies them
there from the checkout's ``models/`` and ``corpora/demo/`` at build time, and records each file's
sha256 in the copy of ``insight_model.json``). An editable or plain checkout has no ``_data`` and
reads ``<checkout>/models`` and ``<checkout>/corpora/demo`` directly.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "_data"
CHECKOUT = Path(__file__).resolve().parents[1]


def models_root() -> Path:
    """``$INSIGHT_MODELS_DIR`` if set, else the installed ``insight/_data/models``, else ``<checkout>/models``."""
    env = os.environ.get("INSIGHT_MODELS_DIR")
    if env:
        return Path(env)
    installed = PACKAGE_DATA / "models"
    return installed if installed.is_dir() else CHECKOUT / "models"


def demo_dir() -> Path:
    """The bundled demo corpus: installed ``insight/_data/demo``, else ``<checkout>/corpora/demo``."""
    installed = PACKAGE_DATA / "demo"
    return installed if installed.is_dir() else CHECKOUT / "corpora" / "demo"
