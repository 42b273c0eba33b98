"""Load a YAML file people write (personas) without letting it blow up memory or time.

``yaml.safe_load`` builds no objects from tags, but it follows aliases: a 1 KB "billion laughs"
file (anchors referring to lists of anchors) expands to gigabytes as soon as anything walks it.
A personas file has no use for anchors, so aliases are refused, and so is a file above
MAX_YAML_BYTES or nested deeper than MAX_YAML_DEPTH.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_YAML_BYTES = 1024 * 1024
MAX_YAML_DEPTH = 64


def load_yaml(path: str | Path) -> Any:
    """Parse ``path`` like ``yaml.safe_load``; raises ``yaml.YAMLError`` (aliases, depth, size)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed here; write the values out", event.start_mark
                )
            self.depth += 1
            try:
                if self.depth > MAX_YAML_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", self.peek_event().start_mark
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    with Path(path).open("rb") as fh:
        data = fh.read(MAX_YAML_BYTES + 1)
    if len(data) > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"file larger than {MAX_YAML_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise yaml.YAMLError(f"not valid UTF-8 at byte {exc.start} (got {data[exc.start:exc.end]!r})") from None
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
