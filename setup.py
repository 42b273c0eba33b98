"""Build hook: the wheel carries the models and the demo corpus as package data.

``build_py`` copies the checkout's ``models/<name>/`` and ``corpora/demo/`` into the built package as
``insight/_data/models/<name>/`` and ``insight/_data/demo/`` (hard links where the file system allows,
so nothing is duplicated on disk), and writes each model's copy of ``insight_model.json`` with a
``sha256`` table (file -> digest) added. The files in the checkout are never changed. Editable installs
skip this: they read ``models/`` in the checkout (see ``insight/paths.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: checkout folder -> folder under insight/ in the wheel
DATA = {"models": "_data/models", "corpora/demo": "_data/demo"}
META_FILE = "insight_model.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def meta_with_sums(model_dir: Path) -> str:
    """The model's insight_model.json with ``sha256`` (every other file of the folder) added."""
    meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    meta["sha256"] = {f.name: sha256(f) for f in sorted(model_dir.iterdir())
                      if f.is_file() and f.name != META_FILE}
    return json.dumps(meta, indent=2) + "\n"


def stage_data(root: Path, package: Path, copy) -> int:
    """Put DATA from the checkout ``root`` under the built ``package`` folder; ``copy(src, dst)`` copies
    (or hard-links) one file. Returns the number of files staged."""
    n = 0
    for source, target in DATA.items():
        for src in sorted((root / source).rglob("*")):
            if not src.is_file():
                continue
            dst = package / target / src.relative_to(root / source)
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists():  # a hard link from an earlier build: never write through it into the checkout
                dst.unlink()
            if src.name == META_FILE:
                dst.write_text(meta_with_sums(src.parent), encoding="utf-8")
            else:
                copy(src, dst)
            n += 1
    return n


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        link = "hard" if os.name == "posix" else None
        stage_data(ROOT, Path(self.build_lib) / "insight",
                   lambda src, dst: self.copy_file(str(src), str(dst), link=link))


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildPyWithData})
