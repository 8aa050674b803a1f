"""The reverse Connection Scan router agrees with a plain brute-force search and with hand-computed journeys."""

from __future__ import annotations

import random
from functools import cache
from itertools import pairwise

import numpy as np
import pytest

from schoolfinder.travel import router

INF = float("inf")


def hms(text: str) -> int:
    """'25:30' or '08:10:30' to seconds after midnight of the service day."""
    parts = [int(p) for p in text.split(":")] + [0]
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def trip_rows(trips: dict[int, list[tuple[int, str]]]) -> list[tuple[int, int, int, int, int]]:
    """{trip: [(stop, 'hh:mm'), ...]} (arrival = departure at each stop) to connection rows."""
    rows = []
    for trip, calls in trips.items():
        for (u, tu), (v, tv) in pairwise(calls):
            rows.append((u, v, hms(tu), hms(tv), trip))
    return rows


def network(rows, footpaths=(), n_stops=10) -> router.Network:
    """Build from row tuples; ``footpaths`` are (a, b, seconds) listed once and added in both directions."""
    conns = np.array(rows, dtype=np.int64).reshape(-1, 5).T
    fps = np.array([(a, b, w) for a, b, w in footpaths] + [(b, a, w) for a, b, w in footpaths]).reshape(-1, 3).T
    return router.build_network(tuple(conns), tuple(fps), n_stops)


# ---------------------------------------------------------------------------------------------- brute force


def reference_latest(trips, footpaths, n_stops, targets, arrive_by, change):
    """Latest departure per stop by exhaustive recursion over rides, written from the journey rules alone.

    ``trips`` is a list of hop lists ``[(u, v, dep, arr), ...]`` in travel order; ``footpaths`` a list of
    ``(from, to, walk)``; ``targets`` a list of ``(stop, walk)``. Rules: at most one footpath before the first
    vehicle, between two vehicles and after the last; ``change`` seconds on top of every vehicle-to-vehicle change.
    """
    egress_by: dict[int, float] = {}
    for stop, walk in targets:
        egress_by[stop] = max(egress_by.get(stop, -INF), arrive_by - walk)
    walks = {s: [(b, w) for a, b, w in footpaths if a == s] for s in range(n_stops)}
    hops_from = {s: [(k, i) for k, hops in enumerate(trips) for i, h in enumerate(hops) if h[0] == s] for s in range(n_stops)}

    def can_finish(stop, t):
        return t <= egress_by.get(stop, -INF) or any(t + w <= egress_by.get(b, -INF) for b, w in walks[stop])

    @cache
    def ride(k, i):  # aboard trip k as hop i leaves
        _, v, _, ta = trips[k][i]
        return after_alight(v, ta) or (i + 1 < len(trips[k]) and ride(k, i + 1))

    def after_alight(v, ta):
        return (can_finish(v, ta) or can_board(v, ta + change)
                or any(can_board(b, ta + w + change) for b, w in walks[v]))

    def can_board(s, t):
        return any(ride(k, i) for k, i in hops_from[s] if trips[k][i][2] >= t)

    def feasible(s, t):
        return can_finish(s, t) or can_board(s, t) or any(can_board(b, t + w) for b, w in walks[s])

    out = np.full(n_stops, -INF)
    for s in range(n_stops):  # feasibility is "t <= some constant": the latest t is one of these breakpoints
        candidates = [egress_by.get(s, -INF)] + [egress_by.get(b, -INF) - w for b, w in walks[s]]
        candidates += [trips[k][i][2] for k, i in hops_from[s]]
        candidates += [trips[k][i][2] - w for b, w in walks[s] for k, i in hops_from[b]]
        ok = [t for t in candidates if t > -INF and feasible(s, t)]
        out[s] = max(ok, default=-INF)
    return out


def random_feed(rnd: random.Random):
    """6-15 stops, 3-8 trips of 2-6 stops, random one-way-asymmetric footpaths, times around 07:00-09:00."""
    n_stops, trips = rnd.randint(6, 15), []
    for _ in range(rnd.randint(3, 8)):
        stops = rnd.sample(range(n_stops), rnd.randint(2, min(6, n_stops)))
        t, hops = rnd.randint(hms("07:00"), hms("07:45")), []
        for u, v in pairwise(stops):
            dep = t + rnd.choice([0, 0, 30, 60])
            t = dep + rnd.randint(1, 420)
            hops.append((u, v, dep, t))
        trips.append(hops)
    footpaths = []
    for a in range(n_stops):
        for b in range(n_stops):
            if a != b and rnd.random() < 0.12:
                footpaths.append((a, b, rnd.randint(0, 400)))
    return n_stops, trips, footpaths


def feed_network(n_stops, trips, footpaths) -> router.Network:
    """Shuffled connection rows (input order must not matter: no hop lasts zero seconds) and footpaths as given."""
    rows = [(u, v, d, a, 100 + k) for k, hops in enumerate(trips) for u, v, d, a in hops]
    random.Random(len(rows)).shuffle(rows)
    fps = np.array(footpaths, dtype=np.int64).reshape(-1, 3).T
    return router.build_network(tuple(np.array(rows).T), tuple(fps), n_stops)


# ---------------------------------------------------------------------------------------------- random feeds


@pytest.mark.parametrize("seed", range(50))
def test_latest_departures_match_brute_force(seed):
    rnd = random.Random(seed)
    n_stops, trips, footpaths = random_feed(rnd)
    net = feed_network(n_stops, trips, footpaths)
    for _ in range(4):
        targets = [(rnd.randrange(n_stops), rnd.randint(0, 300)) for _ in range(rnd.randint(1, 3))]
        arrive_by, change = rnd.randint(hms("07:40"), hms("09:00")), rnd.choice([0, 30, 120, 300])
        got = router.latest_departures(net, [s for s, _ in targets], [w for _, w in targets], arrive_by, change)
        want = reference_latest(trips, footpaths, n_stops, targets, arrive_by, change)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", range(50))
def test_travel_matrix_matches_brute_force_and_never_beats_walking(seed):
    rnd = random.Random(1000 + seed)
    n_stops, trips, footpaths = random_feed(rnd)
    net = feed_network(n_stops, trips, footpaths)
    n_orig, n_sch = rnd.randint(1, 6), rnd.randint(1, 4)
    links = lambda n: [(i, s, rnd.randint(0, 600)) for i in range(n) for s in rnd.sample(range(n_stops), rnd.randint(0, 3))]
    org, sch = links(n_orig), links(n_sch)
    direct = np.array([[rnd.choice([INF, np.nan, rnd.uniform(300, 5000)]) for _ in range(n_sch)] for _ in range(n_orig)])
    arrive_by, change, max_minutes = rnd.randint(hms("07:40"), hms("09:00")), rnd.choice([0, 60, 180]), rnd.choice([30, 60, 120])
    as_arrays = lambda ls: tuple(np.array(ls, dtype=np.int64).reshape(-1, 3).T)
    transit, walk = router.travel_matrix(net, as_arrays(org), as_arrays(sch), direct, arrive_by, max_minutes, change)

    want = np.full((n_orig, n_sch), INF)
    for j in range(n_sch):
        latest = reference_latest(trips, footpaths, n_stops, [(s, w) for i, s, w in sch if i == j], arrive_by, change)
        for o in range(n_orig):
            best = max([latest[s] - w for i, s, w in org if i == o], default=-INF)
            want[o, j] = min(arrive_by - best, direct[o, j] if np.isfinite(direct[o, j]) else INF)
    want = np.where(want <= max_minutes * 60, want / 60, np.nan).astype(np.float32)
    np.testing.assert_array_equal(transit, want)
    walk_want = np.where(np.isfinite(direct) & (direct <= max_minutes * 60), direct / 60, np.nan).astype(np.float32)
    np.testing.assert_array_equal(walk, walk_want)
    assert transit.dtype == walk.dtype == np.float32
    walkable = ~np.isnan(walk)
    assert (~np.isnan(transit[walkable])).all() and (transit[walkable] <= walk[walkable]).all()


def test_parallel_matrix_equals_one_school_at_a_time():
    """A few hundred stops and thousands of connections: the parallel kernel composes latest_departures exactly."""
    rng = np.random.default_rng(5)
    n_stops, rows = 300, []
    for trip in range(400):
        stops = rng.choice(n_stops, 12, replace=False)
        times = hms("06:30") + rng.integers(0, 7200) + np.cumsum(rng.integers(30, 240, 12))
        rows += [(stops[i], stops[i + 1], times[i], times[i + 1], trip) for i in range(11)]
    a, b = rng.integers(0, n_stops, (2, 1500))
    fps = [(x, y, w) for x, y, w in zip(a, b, rng.integers(0, 500, 1500)) if x != y]
    net = network(rows, fps, n_stops)
    org = (np.repeat(np.arange(40), 4), rng.integers(0, n_stops, 160), rng.integers(0, 900, 160))
    sch = (np.repeat(np.arange(25), 3), rng.integers(0, n_stops, 75), rng.integers(0, 600, 75))
    direct = rng.uniform(600, 9000, (40, 25))
    arrive_by = hms("08:30")
    transit, _ = router.travel_matrix(net, org, sch, direct, arrive_by, 90, 60)
    for j in range(25):
        latest = router.latest_departures(net, sch[1][sch[0] == j], sch[2][sch[0] == j], arrive_by, 60)
        best = np.full(40, -INF)
        np.maximum.at(best, org[0], latest[org[1]] - org[2])
        secs = np.minimum(arrive_by - best, direct[:, j])
        np.testing.assert_array_equal(transit[:, j], np.where(secs <= 5400, secs / 60, np.nan).astype(np.float32))
    assert np.isfinite(transit).mean() > 0.5


# ---------------------------------------------------------------------------------------------- hand-computed


LINE_A = {1: [(0, "08:00"), (1, "08:10"), (2, "08:20")]}
LINE_B = {2: [(2, "08:25"), (3, "08:40")]}  # leaves the shared stop 2
LINE_C = {3: [(4, "08:26"), (5, "08:40")]}  # leaves stop 4, a 4-minute walk from stop 2


@pytest.mark.parametrize("change, expected", [(0, "08:00"), (300, "08:00"), (301, None)])
def test_transfer_at_a_shared_stop(change, expected):
    net = network(trip_rows({**LINE_A, **LINE_B}))
    latest = router.latest_departures(net, [3], [0], hms("08:45"), min_change_seconds=change)
    assert latest[0] == (hms(expected) if expected else -INF)
    assert latest[2] == hms("08:25") and latest[3] == hms("08:45")  # standing at the stop: no change time
    assert latest[1] == (hms("08:10") if expected else -INF)


@pytest.mark.parametrize("change, expected", [(0, "08:00"), (120, "08:00"), (121, None)])
def test_transfer_via_a_footpath(change, expected):
    net = network(trip_rows({**LINE_A, **LINE_C}), footpaths=[(2, 4, 240)])
    latest = router.latest_departures(net, [5], [60], hms("08:45"), min_change_seconds=change)
    assert latest[0] == (hms(expected) if expected else -INF)
    assert latest[2] == hms("08:26") - 240  # walk over, then board C (no change time before the first vehicle)


def test_staying_seated_ignores_the_change_time():
    trips = {1: [(0, "08:00"), (1, "08:10"), (2, "08:20")],  # one trip through stop 1
             2: [(0, "08:05"), (1, "08:10")], 3: [(1, "08:12"), (2, "08:18")]}  # a two-minute change at stop 1
    net = network(trip_rows(trips))
    assert router.latest_departures(net, [2], [0], hms("08:30"))[0] == hms("08:05")
    assert router.latest_departures(net, [2], [0], hms("08:30"), min_change_seconds=120)[0] == hms("08:05")
    assert router.latest_departures(net, [2], [0], hms("08:30"), min_change_seconds=121)[0] == hms("08:00")
    assert router.latest_departures(net, [2], [0], hms("08:30"), min_change_seconds=3600)[0] == hms("08:00")


def test_overnight_trip_past_midnight():
    trips = {1: [(0, "23:40"), (1, "24:10")], 2: [(0, "24:50"), (1, "25:20")], 3: [(0, "24:58"), (1, "25:28")]}
    net = network(trip_rows(trips), n_stops=2)
    latest = router.latest_departures(net, [1], [300], hms("25:30"))
    assert latest.tolist() == [hms("24:50"), hms("25:25")]  # 25:28 + 5 min walk misses 25:30
    transit, walk = router.travel_matrix(net, ([0], [0], [120]), ([0], [1], [300]), [[np.inf]], hms("25:30"))
    assert transit.tolist() == [[42.0]] and np.isnan(walk).all()  # leave 24:48, board 24:50, door at 25:25
    assert np.isnan(router.travel_matrix(net, ([0], [0], [120]), ([0], [1], [300]), [[np.inf]], hms("25:30"), 41.9)[0]).all()
    at_stop = (([0], [0], [0]), ([0], [1], [300]), [[np.inf]], hms("25:30"))  # board 24:50 right at the origin
    assert router.travel_matrix(net, *at_stop, max_minutes=40)[0].tolist() == [[40.0]]  # the window's first second
    assert np.isnan(router.travel_matrix(net, *at_stop, max_minutes=39.99)[0]).all()


def test_a_trip_cancelled_by_the_calendar_is_simply_absent():
    trips = {1: [(0, "08:00"), (1, "08:20")], 2: [(0, "08:15"), (1, "08:35")]}
    args = (([0], [0], [300]), ([0], [1], [0]), [[np.inf]], hms("08:40"))
    full = network(trip_rows(trips), n_stops=2)
    assert router.travel_matrix(full, *args)[0].tolist() == [[30.0]]  # leave 08:10 for the 08:15
    cancelled = network(trip_rows({1: trips[1]}), n_stops=2)  # trip 2 does not run on this date
    assert router.latest_departures(cancelled, [1], [0], hms("08:40"))[0] == hms("08:00")
    assert router.travel_matrix(cancelled, *args)[0].tolist() == [[45.0]]
    assert router.travel_matrix(network(trip_rows({2: trips[2]}), n_stops=2), *args)[0].tolist() == [[30.0]]


def test_no_service_leaves_walking_only():
    empty = network([], footpaths=[(1, 2, 200)], n_stops=4)
    latest = router.latest_departures(empty, [2], [100], hms("08:00"))
    assert latest.tolist() == [-INF, hms("08:00") - 300, hms("08:00") - 100, -INF]
    org = ([0, 0, 1], [1, 3, 3], [60, 10, 10])
    transit, walk = router.travel_matrix(empty, org, ([0], [2], [100]), [[1200.0], [np.nan]], hms("08:00"))
    assert transit.tolist()[0] == [6.0]  # via the stops' footpath beats the 20-minute direct walk
    assert np.isnan(transit[1, 0]) and walk.tolist()[0] == [20.0] and np.isnan(walk[1, 0])
    transit, walk = router.travel_matrix(empty, ([], [], []), ([], [], []), [[1200.0, 9000.0]], hms("08:00"))
    assert transit.tolist()[0][0] == walk.tolist()[0][0] == 20.0 and np.isnan(transit[0, 1])  # over 120 minutes


def test_walks_round_up_and_bad_input_is_refused():
    net = network(trip_rows({1: [(0, "08:00"), (1, "08:20")]}), n_stops=2)
    assert router.latest_departures(net, [1], [599.2], hms("08:30"))[0] == hms("08:00")
    assert router.latest_departures(net, [1], [600.2], hms("08:30"))[0] == -INF
    with pytest.raises(ValueError):
        network([(0, 1, 100, 50, 1)], n_stops=2)
    with pytest.raises(ValueError):
        network([(0, 2, 100, 150, 1)], n_stops=2)
    with pytest.raises(ValueError):
        router.latest_departures(net, [0], [-1], 100)
    with pytest.raises(ValueError):
        router.travel_matrix(net, ([0], [0], [0]), ([1], [1], [0]), [[1.0]], 100)  # school 1 of 1


def test_connections_may_be_a_mapping_and_trip_ids_any_ints():
    conns = {"dep_stop": [0, 1], "arr_stop": [1, 2], "dep_time": [100, 200], "arr_time": [150, 300],
             "trip": [-7, 2**31 - 1]}
    net = router.build_network(conns, {"from_stop": [], "to_stop": [], "walk_seconds": []}, 3)
    assert net.n_trips == 2 and router.latest_departures(net, [2], [0], 300).tolist() == [100, 200, 300]
    gaps = router.build_network(([0, 1, 1], [1, 2, 2], [100, 200, 250], [150, 300, 260], [30, 10, 30]), ([], [], []), 3)
    assert gaps.n_trips == 2 and gaps.trip.tolist() == [1, 0, 1]  # 10 -> 0, 30 -> 1; rows latest first
    assert router.latest_departures(gaps, [2], [0], 300).tolist() == [100, 250, 300]  # stay on trip 30 to stop 2
