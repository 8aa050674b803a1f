"""Benchmark: the static map images (one per neighborhood plus the city), drawn with Pillow (target <= 20 ms each).

CPU time per image, best of three, on the demo city and, when its data is beside the repository, Chicago.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from schoolfinder.config import load_config
from schoolfinder.contract import read_processed
from schoolfinder.outputs import mappng
from schoolfinder.outputs import processed as io

from schoolfinder_site.maps import DesertMaps

from .pages import demo_processed

TARGET_MS = 20.0
ROOT = Path(__file__).resolve().parents[1]


def city_processed(city: Path, tmp: Path) -> Path:
    from schoolfinder import pipeline

    io.write_processed(pipeline.run(load_config(city)), tmp / "processed")
    return tmp / "processed"


def image_times(processed: Path, out: Path) -> list[float]:
    """Milliseconds of CPU per image: the city map first, then each neighborhood's."""
    data = read_processed(processed)
    drawer = DesertMaps(processed, data["schools"])
    times = []
    for nbhd_id in [None] + [n["nbhd_id"] for n in data["neighborhoods"]]:
        cells, outline, schools, _stops = drawer.layers(nbhd_id)
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            mappng.draw_png(cells, schools, outline, out / "map.png")
            best = min(best, (time.process_time() - started) * 1000)
        times.append(best)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-chicago", action="store_true", help="the demo city only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cities = {"demo": lambda: demo_processed(tmp)}
        chicago = ROOT / "data" / "chicago"
        config = load_config(chicago)
        if not args.no_chicago and config.source_path(config.directory[0]["path"]).is_file():
            cities["Chicago"] = lambda: city_processed(chicago, tmp / "chicago")
        else:
            print("map bench: Chicago data not found, demo only")
        for name, build in cities.items():
            times = image_times(build(), tmp)
            worst = max(times)
            print(f"map images, {name}: {len(times)} images (neighborhoods + 1); city {times[0]:.1f} ms, "
                  f"neighborhood median {statistics.median(times[1:]):.1f} ms, worst {worst:.1f} ms CPU; "
                  f"target <= {TARGET_MS:g} ms: {'met' if worst <= TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
