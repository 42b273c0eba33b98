"""Progress a person can follow, on stderr: a bar for counted steps, a moving line (elapsed time) for
steps with no count (the topic fit, pain points, profiles), and one closing line with each step's time.

Bars are cleared when their step ends; ``Progress.summary()`` is the line that replaces them. Nothing
is printed when ``enabled`` is false (``--quiet``); timings are kept either way.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class Progress:
    def __init__(self, enabled: bool = True, *, stream=None, tick: float = 0.5) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tick = tick
        self.seconds: dict[str, float] = {}

    def _add(self, name: str, start: float) -> None:
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 2)

    @contextmanager
    def bar(self, total: int, desc: str, unit: str = "rec") -> Iterator:
        """A tqdm bar over ``total`` items (cleared at the end; its time goes into the summary)."""
        from tqdm import tqdm

        start = time.perf_counter()
        with tqdm(total=total, desc=desc, unit=unit, file=self.stream, leave=False,
                  disable=not self.enabled or total == 0) as bar:
            yield bar
        self._add(desc, start)

    @contextmanager
    def step(self, desc: str) -> Iterator[None]:
        """A step with no count: ``desc … 12s`` redrawn every ``tick`` seconds on a terminal; on a file or
        pipe one line when it starts."""
        start = time.perf_counter()
        if not self.enabled:
            yield
            self._add(desc, start)
            return
        if not _is_tty(self.stream):
            print(f"{desc} ...", file=self.stream, flush=True)
            yield
            self._add(desc, start)
            return
        done = threading.Event()

        def draw() -> None:
            while not done.wait(self.tick):
                self.stream.write(f"\r{desc} ... {time.perf_counter() - start:.0f}s")
                self.stream.flush()

        ticker = threading.Thread(target=draw, daemon=True, name="insight-progress")
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._add(desc, start)

    def summary(self, what: str) -> str:
        """``analyze: sentences 2.1s · sentiment 9.8s · ... · total 31.0s``"""
        parts = [f"{name} {secs:.1f}s" for name, secs in self.seconds.items()]
        return f"{what}: " + " · ".join(parts + [f"total {sum(self.seconds.values()):.1f}s"])

    def done(self, what: str) -> None:
        if self.enabled:
            print(self.summary(what), file=self.stream, flush=True)


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
