"""An independent check for the router: latest departures by reverse reachability on an explicit time-expanded graph.

Nodes are "waiting at a stop when connection c leaves" (W_c) and "riding connection c" (R_c). Edges: W_c -> R_c
(board), W_c -> the next departure at the same stop (wait), R_c -> the trip's next hop (stay seated), and after
alighting, to the first departure at or after the arrival at the same stop or across one footpath (change, walk).
A journey may also walk from a stop to the destination, directly or across one footpath. Slow, plain Python, exact.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

import numpy as np


class TimeExpanded:
    def __init__(self, conn: dict[str, np.ndarray], footpaths: tuple, n_stops: int, earliest: int, latest: int):
        keep = (conn["dep_time"] >= earliest) & (conn["dep_time"] <= latest)
        self.dep_stop, self.arr_stop, self.dep, self.arr, trip = (np.asarray(conn[k])[keep].tolist() for k in
                                                                  ("dep_stop", "arr_stop", "dep_time", "arr_time", "trip"))
        self.n = len(self.dep)
        self.walks = defaultdict(list)  # stop -> [(other stop, seconds)]
        for a, b, w in zip(*footpaths):
            self.walks[int(a)].append((int(b), int(w)))
        self.at_stop = defaultdict(list)  # stop -> connection indices by departure time
        for c in sorted(range(self.n), key=lambda c: self.dep[c]):
            self.at_stop[self.dep_stop[c]].append(c)
        self.times_at = {s: [self.dep[c] for c in cs] for s, cs in self.at_stop.items()}
        self.preds = [[] for _ in range(2 * self.n)]  # node W_c = c, R_c = n + c
        for s, cs in self.at_stop.items():
            for a, b in zip(cs, cs[1:]):
                self.preds[b].append(a)  # wait
        for c in range(self.n):
            self.preds[self.n + c].append(c)  # board
        self._seated(trip)
        for c in range(self.n):
            v, t = self.arr_stop[c], self.arr[c]
            for stop, walk in [(v, 0)] + self.walks[v]:
                entry = self._entry(stop, t + walk)
                if entry is not None:
                    self.preds[entry].append(self.n + c)

    def _seated(self, trip: list[int]) -> None:
        by_trip = defaultdict(list)
        for c in range(self.n):
            by_trip[trip[c]].append(c)
        for hops in by_trip.values():
            hops.sort(key=lambda c: (self.dep[c], self.arr[c]))
            for a, b in zip(hops, hops[1:]):
                if self.arr_stop[a] == self.dep_stop[b] and self.arr[a] <= self.dep[b]:
                    self.preds[self.n + b].append(self.n + a)

    def _entry(self, stop: int, t: int):
        """The first departure node at ``stop`` leaving at or after ``t``."""
        times = self.times_at.get(stop)
        if not times:
            return None
        k = bisect_left(times, t)
        return self.at_stop[stop][k] if k < len(times) else None

    def latest_at_stops(self, targets: list[tuple[int, int]], arrive_by: int) -> dict[int, int]:
        """Latest time one may stand at each stop and still reach the destination (stops not listed: never)."""
        egress: dict[int, int] = {}
        for b, w in targets:
            egress[b] = max(egress.get(b, -10**9), arrive_by - w)
            for a, fw in self.walks[b]:
                egress[a] = max(egress.get(a, -10**9), arrive_by - w - fw)
        good = [False] * (2 * self.n)
        queue = [self.n + c for c in range(self.n) if self.arr[c] <= egress.get(self.arr_stop[c], -10**9)]
        for node in queue:
            good[node] = True
        while queue:
            node = queue.pop()
            for p in self.preds[node]:
                if not good[p]:
                    good[p] = True
                    queue.append(p)
        board: dict[int, int] = {}
        for c in range(self.n):
            if good[c]:
                board[self.dep_stop[c]] = max(board.get(self.dep_stop[c], -10**9), self.dep[c])
        latest = dict(egress)
        for s, t in board.items():
            latest[s] = max(latest.get(s, -10**9), t)
            for a, fw in self.walks[s]:
                latest[a] = max(latest.get(a, -10**9), t - fw)
        return latest
