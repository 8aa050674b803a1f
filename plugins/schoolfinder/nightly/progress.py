"""Progress on long steps: a redrawn bar on a terminal, a few plain lines in a log file (cron, systemd)."""

from __future__ import annotations

import sys
import time


class Progress:
    """``Progress("check links", total).advance(n)`` ... ``.done()``; writes to stderr."""

    def __init__(self, label: str, total: int, unit: str = ""):
        self.label, self.total, self.unit, self.count = label, total, unit, 0
        self.tty = sys.stderr.isatty()
        self.started = self.last = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if now - self.last >= (0.1 if self.tty else 10.0):
            self.last = now
            self._draw(end="\r" if self.tty else "\n")

    def done(self) -> None:
        self._draw(end="\n")

    def _draw(self, end: str) -> None:
        if self.total:
            filled = int(24 * min(self.count / self.total, 1))
            bar = f"[{'#' * filled}{'.' * (24 - filled)}] {self.count:,}/{self.total:,}{self.unit}"
        else:
            bar = f"{self.count:,}{self.unit}"
        sys.stderr.write(f"  {self.label}: {bar} {time.monotonic() - self.started:.1f}s{end}")
        sys.stderr.flush()
