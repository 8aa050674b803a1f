"""Untrusted input never runs and never reads outside its folder: confined paths, checked config values, GTFS zips,
spreadsheet formulas and control characters (issue 12)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from schoolfinder.ingest import configrules, gtfs, gtfszip
from schoolfinder.config import ARRAY_SECTIONS, RULES, SCHEMA, SUBSECTIONS, load_config, parse_config
from schoolfinder.problems import ConfigError, DataError
from schoolfinder.outputs.safety import csv_cell, csv_text, json_for_html, strip_control
from tests.transit.test_transit import FEED, write_zip

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
SECRET = "root:x:0:0:secret-first-line"


def hostile_copy(tmp_path: Path) -> Path:
    city = tmp_path / "city"
    shutil.copytree(HOSTILE, city)
    return city


def run_cli(city: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})


# --- paths ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["../outside.csv", "sub/../../outside.csv", "/etc/passwd", "{outside}", "link.csv"])
def test_source_paths_outside_data_dir_are_refused_naming_key_and_file(tmp_path, value):
    city = hostile_copy(tmp_path)
    outside = tmp_path / "outside.csv"
    outside.write_text(f"{SECRET}\n1\n")
    (city / "link.csv").symlink_to(outside)
    toml = city / "city.toml"
    toml.write_text(toml.read_text().replace('path = "schools.csv"', f'path = "{value.format(outside=outside)}"'))
    proc = run_cli(city, tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "PATH_OUTSIDE_DATA_DIR" in line and "[directory[0]] path" in line and str(toml) in line
    assert SECRET not in proc.stderr and SECRET not in proc.stdout


def test_symlink_to_another_source_key_names_that_key(tmp_path):
    city = hostile_copy(tmp_path)
    (tmp_path / "boundary.geojson").write_text((HOSTILE / "neighborhoods.geojson").read_text())
    (city / "neighborhoods.geojson").unlink()
    (city / "neighborhoods.geojson").symlink_to(tmp_path / "boundary.geojson")
    config = load_config(city)
    with pytest.raises(ConfigError, match=r"PATH_OUTSIDE_DATA_DIR: key \[neighborhoods\] path"):
        config.source_path(config.neighborhoods["path"])


def test_data_dir_itself_may_be_anywhere_and_links_inside_it_work(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "data"
    shutil.copytree(HOSTILE, elsewhere)
    (elsewhere / "copy.csv").symlink_to(elsewhere / "schools.csv")
    city = tmp_path / "config"
    city.mkdir()
    text = (HOSTILE / "city.toml").read_text().replace('fictional = true', f'fictional = true\ndata_dir = "{elsewhere}"')
    (city / "city.toml").write_text(text.replace('path = "schools.csv"', 'path = "copy.csv"'))
    config = load_config(city)
    assert config.source_path("copy.csv") == (elsewhere / "schools.csv").resolve()


# --- config values -------------------------------------------------------------------------------------------------

def base_config() -> dict:
    """The hostile city's config plus every optional section, so that every key of the schema can be set."""
    raw = tomllib.loads((HOSTILE / "city.toml").read_text(encoding="utf-8"))
    raw["ratings"] = [{"id": "r", "label": "R", "path": "r.csv", "as_of": "2026-01-01", "directory": "hostile",
                       "school_id_column": "ID", "rating_column": "RATING", "levels": ["A", "B"],
                       "tiers": {"A": "good", "B": "poor"}}]
    raw["locations"] = [{"id": "l", "label": "L", "path": "l.csv", "join": {"school_id": "ID"},
                         "lat_column": "LAT", "lon_column": "LON"}]
    raw["sectors"] = [{"id": "state_run", "label": "State-run"}]
    raw["population"]["crosswalk"] = {"label": "X", "path": "x.csv", "area_column": "A", "neighborhood_column": "N"}
    raw.update(merge={}, thresholds={}, nightly={})
    return raw


def tables(raw: dict):
    """(section name as in messages, the table in ``raw`` to edit, its key spec) for every section and subsection."""
    for section, spec in SCHEMA.items():
        table = raw[section][0] if section in ARRAY_SECTIONS else raw[section]
        yield section, table, spec
    for (section, key), spec in SUBSECTIONS.items():
        yield f"{section}.{key}", raw[section][key], spec


WRONG_TYPE = {str: 5, int: "5", float: "fast", bool: "yes", list: "a", dict: "a"}


def test_base_config_is_valid():
    parse_config(base_config(), Path("city.toml"))


def test_every_number_key_has_a_value_rule():
    missing = [f"{section}.{key}" for section, table, spec in tables(base_config()) for key, (kind, *_rest) in spec.items()
               if kind in (int, float) and key not in RULES.get(section, {})]
    assert missing == []


def test_every_key_refuses_a_wrong_type_and_an_out_of_range_value():
    checked = 0
    for index, (section, _table, spec) in enumerate(tables(base_config())):
        for key, (kind, *_rest) in spec.items():
            bad_values = [WRONG_TYPE[kind]]
            if key in RULES.get(section, {}):
                bad_values.append(configrules.bad_example(RULES[section][key]))
            for bad in bad_values:
                raw = base_config()
                _name, table, _spec = list(tables(raw))[index]
                table[key] = bad
                with pytest.raises(ConfigError) as caught:
                    parse_config(raw, Path("/cfg/city.toml"))
                message = str(caught.value)
                assert "\n" not in message and message.startswith("/cfg/city.toml: "), message
                assert f"'{key}'" in message, (section, key, bad, message)
                checked += 1
    keys = [(section, key) for section, _t, spec in tables(base_config()) for key in spec]
    assert checked == len(keys) + sum(key in RULES.get(section, {}) for section, key in keys)


@pytest.mark.parametrize(("section", "key", "value"), [
    ("directory", "skip_rows", ["two"]), ("directory", "delimiter", ",,"), ("directory", "encoding", "utf-9"),
    ("directory", "encoding", "rot13"), ("directory", "list_separator", ""), ("gtfs", "service_date", "2099-13-45"),
    ("thresholds", "walk_speed_kmh", 0), ("thresholds", "travel_minutes", ["15"]), ("thresholds", "h3_resolution", 20),
    ("thresholds", "h3_resolution", 12), ("directory", "as_of", "15/09/2026"), ("directory", "header_row", 0),
    ("thresholds", "bell_start", "25:00"), ("nightly", "budgets", {"*.html": "big"})])
def test_the_reported_bad_values_give_one_line(section, key, value):
    raw = base_config()
    (raw[section][0] if section in ARRAY_SECTIONS else raw[section])[key] = value
    with pytest.raises(ConfigError, match=f"'{key}'"):
        parse_config(raw, Path("city.toml"))


def test_deep_toml_nesting_is_one_line(tmp_path):
    city = tmp_path / "city.toml"
    city.write_text((HOSTILE / "city.toml").read_text() + "\n[nightly]\nfetch = { x = " + "[" * 20000 + "]" * 20000 + " }\n")
    with pytest.raises(ConfigError, match="nested more than"):
        load_config(city)
    city.write_text((HOSTILE / "city.toml").read_text() + "\n[nightly]\nfetch = { x = " + "[" * 30 + "]" * 30 + " }\n")
    with pytest.raises(ConfigError, match="nested more than"):
        load_config(city)


def test_control_characters_in_the_config_are_refused(tmp_path):
    city = tmp_path / "city.toml"
    city.write_text((HOSTILE / "city.toml").read_text().replace('slug = "hostile"', 'slug = "hostile"\ndescription = "a\\u0000b"'))
    with pytest.raises(ConfigError, match="CONTROL_CHARACTER"):
        load_config(city)


# --- GTFS archives -------------------------------------------------------------------------------------------------

def test_an_html_page_or_a_truncated_zip_is_gtfs_not_a_zip(tmp_path):
    page = tmp_path / "feed.zip"
    page.write_text("<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(DataError, match="GTFS_NOT_A_ZIP: feed.zip"):
        gtfs.load_feed(page)
    whole = write_zip(tmp_path / "whole.zip", FEED).read_bytes()
    for cut in (len(whole) // 2, len(whole) - 10):
        short = tmp_path / f"cut{cut}.zip"
        short.write_bytes(whole[:cut])
        with pytest.raises(DataError, match="GTFS_NOT_A_ZIP"):
            gtfs.load_feed(short)


def test_a_damaged_member_is_gtfs_not_a_zip(tmp_path):
    with zipfile.ZipFile(tmp_path / "f.zip", "w", compression=zipfile.ZIP_STORED) as archive:
        for name, text in FEED.items():
            archive.writestr(name, text)
    data = bytearray((tmp_path / "f.zip").read_bytes())
    at = data.find(b"stop_id,") + 30
    data[at:at + 8] = b"XXXXXXXX"  # the CRC no longer matches
    (tmp_path / "bad.zip").write_bytes(bytes(data))
    with pytest.raises(DataError, match="GTFS_NOT_A_ZIP"):
        gtfs.load_feed(tmp_path / "bad.zip")


def test_mac_metadata_members_are_ignored(tmp_path):
    mac = {"__MACOSX/._agency.txt": b"\x00\x05\x16\x07binary", "._stops.txt": b"\x00\x05\x16\x07", "__MACOSX/": b""}
    feed = gtfs.load_feed(write_zip(tmp_path / "mac.zip", FEED, **mac))
    assert len(feed.stops) == FEED["stops.txt"].count("\n") - 1


def test_size_limit_is_counted_while_streaming_with_flat_memory(tmp_path):
    big = write_zip(tmp_path / "big.zip", FEED, **{"shapes.txt": "shape_id,x\n" + "s,1\n" * 12_000_000})  # ~48 MB
    with pytest.raises(DataError, match="GTFS_TOO_LARGE"):
        gtfs.check_archive(big, max_bytes=10_000_000)
    tracemalloc.start()
    gtfs.check_archive(big, max_bytes=1 << 30)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8_000_000, f"unpacking 48 MB peaked at {peak:,} bytes of Python memory"
    assert gtfszip.CHUNK <= 1 << 20


def test_the_limit_is_a_config_key(tmp_path):
    city = hostile_copy(tmp_path)
    toml = city / "city.toml"
    toml.write_text(toml.read_text().replace('path = "gtfs"', 'path = "gtfs.zip"\nmax_unzipped_bytes = 100'))
    write_zip(city / "gtfs.zip", {p.name: p.read_text() for p in (HOSTILE / "gtfs").iterdir()})
    proc = run_cli(city, tmp_path)
    assert proc.returncode == 2 and "GTFS_TOO_LARGE" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# --- CSV cells, control characters, inline JSON --------------------------------------------------------------------

def test_formula_rule_prefixes_text_cells_only():
    assert [csv_cell(v) for v in ["=1+1", "+1+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", "", -3, -2.5, 0, "-9", "+1.5"]] == \
        ["'=1+1", "'+1+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok", "", -3, -2.5, 0, "-9", "+1.5"]
    assert csv_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0" and csv_cell("-1e3") == "-1e3"
    text = csv_text([{"a": "=HYPERLINK(\"x\")", "b": -1}, ["@x", None]], ["a", "b"])
    assert text == "a,b\n\"'=HYPERLINK(\"\"x\"\")\",-1\n'@x,\n"


def test_control_characters_are_stripped():
    assert strip_control("a\x00b\x07c\x9bd") == "abcd"
    assert strip_control("a\tb\nc") == "a b c" and strip_control("a\tb\nc", multiline=True) == "a\tb\nc"


def test_inline_json_cannot_end_its_script():
    text = json_for_html({"n": "</script><!-- \u2028\u2029 & '"})
    assert "<" not in text and ">" not in text and "\u2028" not in text and "\u2029" not in text and "'" not in text


@pytest.mark.demo_build  # the whole demo pipeline: left to `make test`
def test_hostile_reports_neutralise_formulas_and_controls(tmp_path):
    city = hostile_copy(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(tmp_path / "out"),
                           "--reports", str(tmp_path / "reports")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
    assert proc.returncode == 0, proc.stderr
    quarantine = (tmp_path / "reports" / "quarantine.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in quarantine and "\n=" not in quarantine and ",=" not in quarantine
    problems = (tmp_path / "reports" / "problems.csv").read_text(encoding="utf-8")
    assert "CONTROL_CHARACTER" in problems
    for path in [*(tmp_path / "out").rglob("*"), *(tmp_path / "reports").rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert b"\x00" not in data and "\x07" not in data.decode("utf-8", "replace"), path
            assert b"uid=" not in data, path
    for name in ("schools.csv", "deserts.csv"):
        cells = [c for row in csv.reader(io.StringIO((tmp_path / "out" / "open-data" / name).read_text(encoding="utf-8")))
                 for c in row]
        assert cells and not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))
                              or (c.startswith("-") and not _number(c))], name
    opened = (tmp_path / "out" / "open-data" / "schools.csv").read_text(encoding="utf-8")
    assert "'+Program" in opened and "{{7*7}}" in opened


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.demo_build  # the whole demo pipeline: left to `make test`
def test_control_characters_in_a_ratings_file_are_stripped_and_reported(tmp_path):
    city = hostile_copy(tmp_path)
    (city / "ratings.csv").write_text("ID,RATING\nH1,A\x00\nH2,B\n", encoding="utf-8")
    with open(city / "city.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[[ratings]]\nid = "r"\nlabel = "R"\npath = "ratings.csv"\nas_of = "2026-01-01"\ndirectory = "hostile"\n'
                   'school_id_column = "ID"\nrating_column = "RATING"\nlevels = ["A", "B"]\ntiers = { A = "good", B = "poor" }\n')
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(tmp_path / "out"),
                           "--reports", str(tmp_path / "reports")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
    assert proc.returncode == 0, proc.stderr
    problems = list(csv.DictReader(io.StringIO((tmp_path / "reports" / "problems.csv").read_text(encoding="utf-8"))))
    assert {"code": "CONTROL_CHARACTER", "file": "ratings.csv", "row": "2", "column": "RATING", "value": "A"}.items() <= \
        next(p for p in problems if p["file"] == "ratings.csv").items()
    assert not [p for p in problems if p["code"] == "UNKNOWN_RATING"]
