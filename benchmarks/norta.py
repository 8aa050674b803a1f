"""New Orleans matrix benchmark at the production H3 resolution: `python -m benchmarks.norta` (needs ../shared)."""

from __future__ import annotations

import resource
import time

import geopandas as gpd

from schoolfinder.travel import matrix as travel
from schoolfinder.travel import router
from tests.travel import test_norta_router as nola


def main(resolution: int = 8) -> None:
    areas = gpd.read_file(nola.NOLA / "neighborhoods" / "new-orleans-neighborhoods-fullsize.geojson")
    origins = travel.h3_origins(areas.assign(nbhd_id=areas["nbhd_name"]), resolution)
    start = time.perf_counter()
    net = nola.nola_network(nola.NOLA, gpd.GeoSeries(gpd.points_from_xy(origins["lon"], origins["lat"]), crs="EPSG:4326"))
    loaded = time.perf_counter()
    network = router.build_network(net["connections"], dict(zip(router.FOOTPATH_FIELDS, net["footpaths"])), net["n_stops"])
    for run in ("first (includes numba compile or cache load)", "second"):
        tick = time.perf_counter()
        minutes, _ = router.travel_matrix(network, net["origin_links"], net["school_links"], net["walk"], nola.BELL, nola.LIMIT_MIN)
        print(f"matrix {minutes.shape[0]:,} cells x {minutes.shape[1]} schools, {run}: {time.perf_counter() - tick:.2f} s")
    print(f"GTFS ingest + links: {loaded - start:.1f} s; {network.dep_stop.size:,} connections")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
