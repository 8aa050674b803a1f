"""Benchmark: ingest + validate + match for 100,000 synthetic directory rows (target <= 30 s)."""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from pathlib import Path

from schoolfinder.ingest import tables as ingest
from schoolfinder.directory import validate
from schoolfinder.config import load_config
from schoolfinder.directory.merge import merge_sources
from schoolfinder.directory.stage import merge_rules

DISTRICT_HEADER = ["SCHOOL_CODE", "STATE_SCHOOL_ID", "SCHOOL_NAME", "GOVERNANCE", "NETWORK", "GRADE_LOW", "GRADE_HIGH",
                   "STREET", "CITY", "ZIP", "PHONE", "WEB", "LAT", "LON", "STATUS", "PROGRAMS", "SPED_PROGRAMS", "ELL_SUPPORTS"]
CHARTER_HEADER = ["Campus ID", "State ID", "Campus Name", "Operator", "Grades Served", "Address", "Zip Code", "Telephone",
                  "Website", "Latitude", "Longitude", "Program Offerings", "Special Education", "EL Services"]
# Enrollment, equity and application columns the demo config also maps: counts filled, the rest left empty.
DISTRICT_EXTRA = ["ENROLLMENT", "N_SWD", "N_ELL", "N_FRL", "SUSP_PER_100", "EXPUL_PER_100", "APPLY_HOW", "APPLY_URL",
                  "APPLY_DEADLINE", "ENTRY_GRADES", "MIDYEAR", "SCHOOL_HOURS"]
CHARTER_EXTRA = ["Total Enrollment", "SWD Count", "EL Count", "Low Income Count", "Suspension Rate", "Expulsion Rate",
                 "How to Apply", "Application Link", "Lottery Deadline", "Entry Grades", "Midyear Enrollment", "School Day"]
EXTRA_VALUES = ["420", "52", "61", "230", "2.1", "0.0", "", "", "", "K", "Y", "8:00 AM - 3:00 PM"]


def write_sources(folder: Path, rows: int, seed: int = 7) -> None:
    """Write a district file (80 %) and a charter file (20 %, a quarter of it also in the district file)."""
    rnd = random.Random(seed)
    n_charter = rows // 5
    n_district = rows - n_charter
    shared = n_charter // 4
    with open(folder / "district_sis.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(DISTRICT_HEADER + DISTRICT_EXTRA)
        for i in range(n_district):
            lat, lon = -31.0 + rnd.uniform(-0.07, 0.07), -24.0 + rnd.uniform(-0.08, 0.08)
            charter = i < shared
            out.writerow([f"D{i:06d}", f"PM-{i:06d}", f"School Number {i} {'Charter' if charter else 'Elementary'}",
                          "CHARTER" if charter else "DISTRICT", "North Network", "K", "05", f"{i} Harbor St", "Port Meridian",
                          "96123", f"(555) 01{i % 10}-{i % 10000:04d}", f"https://example.org/{i}", f"{lat:.6f}", f"{lon:.6f}",
                          "Open", "STEM;Fine arts", "Inclusion classrooms", "ESL pull-out", *EXTRA_VALUES])
    with open(folder / "charter_authorizer.csv", "w", newline="", encoding="cp1252") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow(CHARTER_HEADER + CHARTER_EXTRA)
        for k in range(n_charter):
            state = k if k < shared else n_district + k
            lat, lon = -31.0 + rnd.uniform(-0.07, 0.07), -24.0 + rnd.uniform(-0.08, 0.08)
            out.writerow([f"C-{k:05d}", f"PM-{state:06d}", f"Académie {state} Charter", "Meridian Charter Network", "K-8",
                          f"{state} Quay Rd", "96124", "555.010.1234", "", f"{lat:.6f}", f"{lon:.6f}", "STEM", "", "",
                          *EXTRA_VALUES])


def run_stages(city: Path) -> tuple[int, int, dict[str, float]]:
    """Time ingest, validate and match on the demo config pointed at the synthetic files."""
    config = load_config(city)
    timings, frames = {}, []
    started = time.perf_counter()
    for source in config.directory:
        table = ingest.read_table(config.source_path(source["path"]), source)
        frames.append((source, ingest.map_directory(table, source, source["path"])))
    timings["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    checked = [validate.validate_directory(mapped, source, source["path"])[0] for source, mapped in frames]
    timings["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    import pandas as pd

    rows = pd.concat(checked, ignore_index=True)
    merged = merge_sources(rows[rows["_fate"] == "keep"], merge_rules(config))
    timings["match + merge"] = time.perf_counter() - started
    return len(rows), len(merged.schools), timings


def main() -> None:
    """Print the timings for each size and the verdict against the 30 s target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sf-ingest-bench-"))
    try:
        shutil.copy(Path("data/demo/city.toml"), work / "city.toml")
        (work / "raw").mkdir()
        write_sources(work / "raw", args.rows)
        read, schools, timings = run_stages(work)
    finally:
        shutil.rmtree(work)
    total = sum(timings.values())
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    print(f"ingest+validate+match: {read:,} rows -> {schools:,} schools in {total:.1f} s ({parts})")
    print(f"target <= 30 s: {'met' if total <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
