"""Schedule-based transit router: reverse Connection Scan latest departures and origin x school travel times."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

try:
    from numba import njit, prange
except ImportError:  # pragma: no cover - pure-Python fallback: same results, only fit for small feeds
    def njit(*args, **_kwargs):
        """Stand-in for ``numba.njit`` that leaves the function as plain Python."""
        return args[0] if args and callable(args[0]) else (lambda func: func)

    prange = range

NEVER = -(2**30)
"""Internal int32 'cannot make it' time; far enough from the int32 limits that subtracting a walk never overflows."""

CONNECTION_FIELDS = ("dep_stop", "arr_stop", "dep_time", "arr_time", "trip")
FOOTPATH_FIELDS = ("from_stop", "to_stop", "walk_seconds")


class Network(NamedTuple):
    """Connections sorted by departure time, latest first, plus footpaths grouped by the stop they lead *to*.

    Ties in departure time are ordered by arrival time (latest first), then by input position (last first), so a
    trip's connections must be given in travel order. ``trip`` holds dense ids ``0 .. n_trips - 1``. Incoming
    footpaths of stop ``s`` are ``fp_from[fp_start[s]:fp_start[s + 1]]`` with walks ``fp_walk[...]``.
    Known limit of one scan: with ``min_change_seconds=0``, a change from a zero-second hop onto another trip's
    zero-second hop leaving in that very second (same stop or a zero-second footpath) may be missed.
    """

    dep_stop: np.ndarray
    arr_stop: np.ndarray
    dep_time: np.ndarray
    arr_time: np.ndarray
    trip: np.ndarray
    fp_start: np.ndarray
    fp_from: np.ndarray
    fp_walk: np.ndarray
    n_stops: int
    n_trips: int


def _columns(data, names: tuple[str, ...]) -> list[np.ndarray]:
    """Read named columns from a mapping (dict, DataFrame, structured array) or a sequence given in ``names`` order."""
    named = isinstance(data, Mapping) or hasattr(data, "columns") or getattr(getattr(data, "dtype", None), "names", None)
    cols = [data[n] for n in names] if named else list(data)
    if len(cols) != len(names):
        raise ValueError(f"expected {len(names)} arrays ({', '.join(names)}), got {len(cols)}")
    cols = [np.asarray(c) for c in cols]
    if len({c.shape for c in cols}) != 1 or cols[0].ndim != 1:
        raise ValueError(f"{', '.join(names)} must be 1-D arrays of one length")
    return cols


def _seconds(values) -> np.ndarray:
    """Walking times as int32 seconds, rounded up (never optimistic); negative or non-finite times are an error."""
    values = np.asarray(values, dtype=np.float64)
    if values.size and (not np.isfinite(values).all() or values.min() < 0):
        raise ValueError("walking times must be finite and >= 0 seconds")
    return np.ceil(values).astype(np.int32)


def _stops(values, n_stops: int, what: str) -> np.ndarray:
    """Stop indices as int32, checked to lie in ``0 .. n_stops - 1``."""
    values = np.asarray(values).astype(np.int64)
    if values.size and (values.min() < 0 or values.max() >= n_stops):
        raise ValueError(f"{what} holds a stop index outside 0 .. {n_stops - 1}")
    return values.astype(np.int32)


def _csr(rows: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order grouping ``rows`` (ints in ``0 .. n_rows - 1``) and the int64 start offsets of each group."""
    rows = np.asarray(rows).astype(np.int64)
    if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
        raise ValueError(f"row index outside 0 .. {n_rows - 1}")
    order = np.argsort(rows, kind="stable")
    start = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=start[1:])
    return order, start


def _dense_ids(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber arbitrary integer ids to ``0 .. n - 1``: O(n) through a lookup table when their span is small."""
    ids = np.asarray(ids).astype(np.int64)
    if not ids.size:
        return ids.astype(np.int32), 0
    low, span = int(ids.min()), int(ids.max()) - int(ids.min()) + 1
    if span > 4 * ids.size + 1024:
        uniq, dense = np.unique(ids, return_inverse=True)
        return dense.astype(np.int32), int(uniq.size)
    present = np.zeros(span, dtype=bool)
    present[ids - low] = True
    table = np.cumsum(present, dtype=np.int64) - 1
    return table[ids - low].astype(np.int32), int(present.sum())


def build_network(connections, footpaths, n_stops: int) -> Network:
    """Sort a day's connections once for reverse scans and index the footpaths.

    Parameters
    ----------
    connections : mapping or sequence of arrays
        ``dep_stop, arr_stop, dep_time, arr_time, trip``: one row per vehicle hop between two consecutive stops of a
        trip. Times are int seconds after midnight of the service day and may exceed 86400 for trips past midnight.
        Give each trip's connections in travel order (this only matters for hops lasting zero seconds).
    footpaths : mapping or sequence of arrays
        ``from_stop, to_stop, walk_seconds``: walking transfers between stops; both directions must be listed.
        A journey walks at most one footpath between two vehicles (and at most one before the first and after the
        last), so pass a transitively closed set if chains of walks should count.
    n_stops : int
        Number of stops; stop indices run ``0 .. n_stops - 1``.

    Returns
    -------
    Network
        Immutable arrays reused by every :func:`latest_departures` / :func:`travel_matrix` call.
    """
    dep_stop, arr_stop, dep_time, arr_time, trip = _columns(connections, CONNECTION_FIELDS)
    dep_time, arr_time = dep_time.astype(np.int64), arr_time.astype(np.int64)
    if dep_time.size and (dep_time.min() < 0 or arr_time.max() >= 2**30 or (arr_time < dep_time).any()):
        raise ValueError("connection times must satisfy 0 <= dep_time <= arr_time < 2**30")
    order = np.lexsort((arr_time, dep_time))[::-1]  # stable ascending, reversed: latest first, last-given first
    trip, n_trips = _dense_ids(trip[order])
    from_stop, to_stop, walk = _columns(footpaths, FOOTPATH_FIELDS)
    fp_order, fp_start = _csr(_stops(to_stop, n_stops, "footpaths.to_stop"), n_stops)
    return Network(_stops(dep_stop, n_stops, "connections.dep_stop")[order],
                   _stops(arr_stop, n_stops, "connections.arr_stop")[order],
                   dep_time[order].astype(np.int32), arr_time[order].astype(np.int32), trip.astype(np.int32),
                   fp_start, _stops(from_stop, n_stops, "footpaths.from_stop")[fp_order], _seconds(walk)[fp_order],
                   int(n_stops), n_trips)


def _window(network: Network, earliest: int, latest: int) -> tuple[int, int]:
    """Index range of the sorted connections departing in ``[earliest, latest]``."""
    neg = -network.dep_time  # ascending
    return int(np.searchsorted(neg, -latest, "left")), int(np.searchsorted(neg, -earliest, "right"))


@njit(cache=True)
def _scan(dep_stop, arr_stop, dep_time, arr_time, trip, lo, hi, fp_start, fp_from, fp_walk,
          tgt_stop, tgt_walk, arrive_by, change, n_trips):  # pragma: no cover - compiled
    """Reverse CSA over connections ``lo .. hi - 1``: int32 latest departure per stop, ``NEVER`` if impossible."""
    n_stops = fp_start.size - 1
    direct = np.full(n_stops, NEVER, np.int32)  # latest arrival at a stop, then walk straight to the destination
    for i in range(tgt_stop.size):
        direct[tgt_stop[i]] = max(direct[tgt_stop[i]], arrive_by - tgt_walk[i])
    egress = direct.copy()  # ... or first walk one footpath to such a stop
    for i in range(tgt_stop.size):
        b = tgt_stop[i]
        for f in range(fp_start[b], fp_start[b + 1]):
            egress[fp_from[f]] = max(egress[fp_from[f]], direct[b] - fp_walk[f])
    board = np.full(n_stops, NEVER, np.int32)  # latest useful departure by vehicle from the stop
    transfer = np.full(n_stops, NEVER, np.int32)  # same, or walking one footpath to such a departure first
    seated = np.zeros(n_trips, np.bool_)  # being aboard the trip (at the current scan time) reaches the destination
    for c in range(lo, hi):
        v, ta, k = arr_stop[c], arr_time[c], trip[c]
        if seated[k] or ta <= egress[v] or ta + change <= transfer[v]:
            seated[k] = True
            u, td = dep_stop[c], dep_time[c]
            if td > board[u]:  # first (= latest) useful departure from u: relax the footpaths into u once
                board[u] = td
                transfer[u] = max(transfer[u], td)
                for f in range(fp_start[u], fp_start[u + 1]):
                    transfer[fp_from[f]] = max(transfer[fp_from[f]], td - fp_walk[f])
    return np.maximum(egress, transfer)


def latest_departures(network: Network, target_stops, target_walk_seconds, arrive_by: int,
                      min_change_seconds: int = 0, earliest: int | None = None) -> np.ndarray:
    """Latest time to leave each stop and still reach one destination by ``arrive_by`` (reverse Connection Scan).

    Parameters
    ----------
    network : Network
        From :func:`build_network`.
    target_stops, target_walk_seconds : array_like
        Stops near the destination and the walk from each to it (the last leg).
    arrive_by : int
        Seconds after midnight of the service day (e.g. 91800 for 25:30:00).
    min_change_seconds : int, default 0
        Added to every change between two vehicles, at the same stop or via a footpath (whose walk comes on top):
        alight at ``t``, then the next vehicle must leave at ``>= t + walk + min_change_seconds``. It does not apply
        to staying seated on the same trip, to boarding the first vehicle, or to walking to the destination.
    earliest : int, optional
        Ignore connections departing before this time (faster; exact for departures at or after it).

    Returns
    -------
    numpy.ndarray
        float64 per stop: the latest time one may stand at that stop; ``-inf`` where the destination cannot be
        reached. A journey may start and end with one footpath and may use no vehicle at all.
    """
    stops = _stops(target_stops, network.n_stops, "target_stops")
    walks = _seconds(target_walk_seconds)
    if stops.shape != walks.shape:
        raise ValueError("target_stops and target_walk_seconds must have one length")
    lo, hi = _window(network, NEVER if earliest is None else int(earliest), int(arrive_by))
    out = _scan(network.dep_stop, network.arr_stop, network.dep_time, network.arr_time, network.trip, lo, hi,
                network.fp_start, network.fp_from, network.fp_walk, stops, walks, np.int32(arrive_by),
                np.int32(min_change_seconds), network.n_trips)
    return np.where(out > NEVER // 2, out, -np.inf)


@njit(parallel=True, cache=True)
def _matrix(dep_stop, arr_stop, dep_time, arr_time, trip, lo, hi, fp_start, fp_from, fp_walk,
            sch_start, sch_stop, sch_walk, org_start, org_stop, org_walk, arrive_by, change, n_trips):  # pragma: no cover
    """Latest departure from each origin (rows) to each school (columns) in int32 seconds; ``<= NEVER`` if none."""
    n_orig, n_sch = org_start.size - 1, sch_start.size - 1
    out = np.empty((n_orig, n_sch), np.int32)
    for j in prange(n_sch):
        a, b = sch_start[j], sch_start[j + 1]
        stop_latest = _scan(dep_stop, arr_stop, dep_time, arr_time, trip, lo, hi, fp_start, fp_from, fp_walk,
                            sch_stop[a:b], sch_walk[a:b], arrive_by, change, n_trips)
        for o in range(n_orig):
            best = NEVER
            for e in range(org_start[o], org_start[o + 1]):
                best = max(best, stop_latest[org_stop[e]] - org_walk[e])
            out[o, j] = best
    return out


def _access(links, n_rows: int, n_stops: int, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (row, stop, walk seconds) triples as CSR: row starts, stops and walks grouped by row."""
    rows, stops, walks = (np.asarray(a) for a in links)
    if not rows.shape == stops.shape == np.shape(walks):
        raise ValueError(f"{what}: index, stop and walk arrays must have one length")
    order, start = _csr(rows, n_rows)
    return start, _stops(stops, n_stops, what)[order], _seconds(walks)[order]


def travel_matrix(network: Network, origins_to_stops, schools_to_stops, direct_walk_seconds, arrive_by: int,
                  max_minutes: float = 120, min_change_seconds: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Door-to-door minutes from every origin to every school, arriving by the bell, by walk + transit and by walking.

    Parameters
    ----------
    network : Network
        From :func:`build_network`.
    origins_to_stops, schools_to_stops : tuple of three arrays
        Sparse ``(origin or school index, stop index, walk seconds)`` links between a place and its nearby stops;
        walks are rounded up to whole seconds.
    direct_walk_seconds : array_like, shape (n_origins, n_schools)
        Walk-only time; NaN or inf where walking is not an option. Its shape fixes the numbers of origins and schools.
    arrive_by : int
        The bell, in seconds after midnight of the service day.
    max_minutes : float, default 120
        Longer trips count as unreachable; only connections departing in ``[arrive_by - max_minutes, arrive_by]``
        are scanned, which is exact for that limit.
    min_change_seconds : int, default 0
        See :func:`latest_departures`.

    Returns
    -------
    transit_minutes, walk_minutes : numpy.ndarray of float32, shape (n_origins, n_schools)
        ``arrive_by`` minus the latest possible departure from the origin (so waiting at the origin is not counted).
        ``transit_minutes`` is the best of walk + transit and walk-only, so never longer than ``walk_minutes``.
        NaN where the school cannot be reached within ``max_minutes``.
    """
    direct = np.asarray(direct_walk_seconds, dtype=np.float64)
    if direct.ndim != 2:
        raise ValueError("direct_walk_seconds must be a 2-D (origins x schools) array")
    n_orig, n_sch = direct.shape
    limit = float(max_minutes) * 60.0
    lo, hi = _window(network, int(arrive_by - np.floor(limit)), int(arrive_by))
    org = _access(origins_to_stops, n_orig, network.n_stops, "origins_to_stops")
    sch = _access(schools_to_stops, n_sch, network.n_stops, "schools_to_stops")
    best = _matrix(network.dep_stop, network.arr_stop, network.dep_time, network.arr_time, network.trip, lo, hi,
                   network.fp_start, network.fp_from, network.fp_walk, *sch, *org,
                   np.int32(arrive_by), np.int32(min_change_seconds), network.n_trips)
    transit = np.where(best > NEVER // 2, (arrive_by - best.astype(np.float64)), np.inf)
    walk = np.where(np.isfinite(direct), direct, np.inf)
    both = np.minimum(transit, walk)
    return _minutes(both, limit), _minutes(walk, limit)


def _minutes(seconds: np.ndarray, limit: float) -> np.ndarray:
    """Seconds to float32 minutes; NaN beyond ``limit`` seconds."""
    return np.where(seconds <= limit, seconds / 60.0, np.nan).astype(np.float32)
