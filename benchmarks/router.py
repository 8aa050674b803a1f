"""Benchmark: build a synthetic Chicago-CTA-scale network and route ~3,000 origins x 650 schools (target <= 60 s)."""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from schoolfinder.travel import router

CELL_M = 200.0  # stop spacing along an arterial; arterials every 4 cells (800 m), like Chicago's half-mile grid
GRID_X, GRID_Y = 151, 176  # cells: 30 km east-west by 35 km north-south
WALK_MPS, DETOUR = 4.5 / 3.6, 1.3
ACCESS_M, TRANSFER_M = 800.0, 400.0  # walking radius to reach a stop / to change between stops
SERVICE = (5 * 3600, 25 * 3600)
HEADWAY_FACTOR = [(6, 1.5), (9, 1.0), (15, 1.2), (19, 1.0), (22, 1.5), (26, 2.0)]  # (until hour, x peak headway)
TARGET_SECONDS = 60.0


def stop_grid() -> np.ndarray:
    """Stop id per grid cell (-1 off the arterials): cells on every 4th row or column."""
    xi, yi = np.meshgrid(np.arange(GRID_X), np.arange(GRID_Y), indexing="ij")
    on = (xi % 4 == 0) | (yi % 4 == 0)
    ids = np.full(on.shape, -1, dtype=np.int64)
    ids[on] = np.arange(on.sum())
    return ids


def nearby(ids: np.ndarray, x_m: np.ndarray, y_m: np.ndarray, radius_m: float):
    """(point index, stop id, walk seconds) for every stop within ``radius_m`` straight-line of each point."""
    reach = int(np.ceil(radius_m / CELL_M)) + 1
    dx, dy = np.meshgrid(np.arange(-reach, reach + 1), np.arange(-reach, reach + 1), indexing="ij")
    cx = np.rint(x_m / CELL_M).astype(np.int64)[:, None] + dx.ravel()
    cy = np.rint(y_m / CELL_M).astype(np.int64)[:, None] + dy.ravel()
    inside = (cx >= 0) & (cx < GRID_X) & (cy >= 0) & (cy < GRID_Y)
    stop = np.where(inside, ids[np.clip(cx, 0, GRID_X - 1), np.clip(cy, 0, GRID_Y - 1)], -1)
    dist = np.hypot(cx * CELL_M - x_m[:, None], cy * CELL_M - y_m[:, None])
    keep = (stop >= 0) & (dist <= radius_m)
    point = np.broadcast_to(np.arange(x_m.size)[:, None], keep.shape)
    return point[keep], stop[keep], dist[keep] * DETOUR / WALK_MPS


def departures(rng: np.random.Generator, peak_min: float) -> np.ndarray:
    """First-stop departure times over the service day, headway = peak headway x time-of-day factor (<= 20 min)."""
    times, t = [], float(SERVICE[0] + rng.uniform(0, peak_min * 60))
    while t < SERVICE[1]:
        times.append(t)
        factor = next(f for hour, f in HEADWAY_FACTOR if t < hour * 3600)
        t += min(peak_min * factor, 20.0) * 60
    return np.array(times)


def routes(rng: np.random.Generator, ids: np.ndarray, n_routes: int = 130, n_rail: int = 8):
    """Stop sequences and seconds per hop: one bus route per arterial, extra partial routes, a few rail lines."""
    lines = [ids[x, :] for x in range(0, GRID_X, 4)] + [ids[:, y] for y in range(0, GRID_Y, 4)]
    out = []
    for r in range(n_routes):
        line = lines[r % len(lines)] if r < len(lines) else lines[rng.integers(len(lines))]
        if r >= len(lines):  # partial overlapping routes
            n = int(line.size * rng.uniform(0.6, 1.0))
            start = int(rng.integers(0, line.size - n))
            line = line[start:start + n]
        rail = r >= n_routes - n_rail
        stops = line[::8] if rail else line
        hop = (8 * CELL_M / 11.0) if rail else (CELL_M / 5.0)  # ~40 km/h rail, ~18 km/h bus incl. dwell
        out.append((stops, hop, rng.uniform(5, 7) if rail else rng.uniform(5, 8)))
    return out


def connections(rng: np.random.Generator, route_list) -> tuple[dict, int]:
    """All connections of the day (both directions of every route) and the number of stop_times they come from."""
    parts, trip0, stop_times = [], 0, 0
    for stops, hop_s, peak_min in route_list:
        for seq in (stops, stops[::-1]):
            cum = np.concatenate([[0], np.cumsum(hop_s * rng.uniform(0.7, 1.3, seq.size - 1))])
            times = np.rint(departures(rng, peak_min)[:, None] + cum[None, :]).astype(np.int32)
            n_trips = times.shape[0]
            parts.append((np.tile(seq[:-1], n_trips), np.tile(seq[1:], n_trips), times[:, :-1].ravel(),
                          times[:, 1:].ravel(), np.repeat(np.arange(trip0, trip0 + n_trips), seq.size - 1)))
            trip0, stop_times = trip0 + n_trips, stop_times + times.size
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    return dict(zip(router.CONNECTION_FIELDS, cols, strict=True)), stop_times


def synthesise(seed: int = 11, n_origins: int = 3000, n_schools: int = 650) -> dict:
    """The whole synthetic city: connections, footpaths, origin and school access links, direct walks."""
    rng = np.random.default_rng(seed)
    ids = stop_grid()
    conns, stop_times = connections(rng, routes(rng, ids))
    sx, sy = (np.argwhere(ids >= 0) * CELL_M).T
    f_from, f_to, f_walk = nearby(ids, sx, sy, TRANSFER_M)
    other = f_from != f_to  # stop ids follow the cell order nearby() numbers the points in
    fps = {"from_stop": f_from[other], "to_stop": f_to[other], "walk_seconds": f_walk[other]}
    side = int(np.ceil(np.sqrt(n_origins * GRID_Y / GRID_X)))
    ox, oy = np.meshgrid((np.arange(n_origins // side + 1) + 0.5), (np.arange(side) + 0.5), indexing="ij")
    ox = (ox.ravel() * (GRID_X - 1) * CELL_M / (n_origins // side + 1))[:n_origins]
    oy = (oy.ravel() * (GRID_Y - 1) * CELL_M / side)[:n_origins]
    kx, ky = rng.uniform(0, (GRID_X - 1) * CELL_M, n_schools), rng.uniform(0, (GRID_Y - 1) * CELL_M, n_schools)
    direct = np.hypot(ox[:, None] - kx[None, :], oy[:, None] - ky[None, :]) * DETOUR / WALK_MPS
    return {"connections": conns, "footpaths": fps, "n_stops": int((ids >= 0).sum()), "stop_times": stop_times,
            "origins": nearby(ids, ox, oy, ACCESS_M), "schools": nearby(ids, kx, ky, ACCESS_M), "direct": direct}


def warm_up() -> None:
    """Compile the numba kernels on a two-stop feed (a no-op once numba's on-disk cache is warm)."""
    net = router.build_network(([0], [1], [0], [60], [0]), ([0], [1], [10]), 2)
    router.travel_matrix(net, ([0], [0], [0]), ([0], [1], [0]), [[np.inf]], 100)


def main(argv: list[str] | None = None) -> int:
    """Synthesise the city, time network build + travel matrix, print the figures; exit 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--arrive-by", default="08:00", help="bell time hh:mm (default 08:00)")
    parser.add_argument("--max-minutes", type=float, default=120)
    parser.add_argument("--min-change", type=int, default=60, help="minimum change time, seconds (default 60)")
    args = parser.parse_args(argv)
    hh, mm = (int(p) for p in args.arrive_by.split(":"))
    started = time.perf_counter()
    city = synthesise(args.seed)
    made = time.perf_counter()
    warm_up()
    warmed = time.perf_counter()
    net = router.build_network(city["connections"], city["footpaths"], city["n_stops"])
    built = time.perf_counter()
    transit, walk = router.travel_matrix(net, city["origins"], city["schools"], city["direct"], hh * 3600 + mm * 60,
                                         args.max_minutes, args.min_change)
    done = time.perf_counter()
    n_orig, n_sch = transit.shape
    total = done - made
    print(f"stops {city['n_stops']:,}  stop_times {city['stop_times']:,}  connections {net.dep_time.size:,}  "
          f"trips {net.n_trips:,}  footpaths {net.fp_from.size:,}")
    print(f"origins {n_orig:,} ({city['origins'][0].size:,} stop links)  schools {n_sch:,} "
          f"({city['schools'][0].size:,} stop links)  arrive by {args.arrive_by}, max {args.max_minutes:g} min")
    print(f"reachable pairs: walk+transit {np.isfinite(transit).mean():.1%}, walk only {np.isfinite(walk).mean():.1%}; "
          f"median walk+transit {np.nanmedian(transit):.1f} min")
    print(f"synthesise {made - started:.1f} s (not timed)  jit warm-up {warmed - made:.1f} s  "
          f"build {built - warmed:.1f} s  travel_matrix {done - built:.1f} s  total {total:.1f} s")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"target <= {TARGET_SECONDS:g} s: {'met' if total <= TARGET_SECONDS else 'MISSED'}")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
