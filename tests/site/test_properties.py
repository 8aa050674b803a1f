"""Property tests (Hypothesis): random Unicode mixed with template syntax, HTML, </script>, quotes, backslashes,
U+2028/2029, RTL overrides, control characters and formula prefixes, put into every text field of every input.

The build never crashes, the text shows literally as text in the HTML and as data in the map and the downloads,
and nothing is evaluated (``{{7*7}}`` never becomes 49, no shell command runs).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from schoolfinder.outputs import maps
from schoolfinder.outputs.safety import FORMULA_PREFIXES, csv_cell, csv_text, strip_control

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
BUILD_EXAMPLES = 8  # full builds (pipeline + Pelican, ~10 s each): every example puts new text in every field
FAST_EXAMPLES = 300  # the map and CSV writers alone
FRAGMENTS = ["{{7*7}}", "{{ 6*7 }}", "{% raw %}", "{% endraw %}", "{% if 1 %}x{% endif %}", "{# c #}", "{{", "}}", "{%",
             "{{ lipsum.__globals__.os.popen('id').read() }}", "<script>alert(1)</script>", "</script>", "<!--",
             "<img src=x onerror=alert(1)>", '"', "'", "`", "\\", "\\u2028", "\u2028", "\u2029", "\u202e", "\u200f",
             "${alert(1)}", "&amp;", "&lt;", "=1+1", "+SUM(1)", "-2+3", "@cmd", "\t", "\r", "\n", "\x00", "\x07",
             "\x1b", "\x7f", "\x85", "\x9b", "$x$", "%(city)s", "%s", " ", "https://evil.example/x.js", "//cdn.example/"]
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\ufeff\u200b")


def hostile_text(control: bool = True):
    """Short text built from risky fragments and random Unicode; without control characters when ``control`` is
    false (city.toml refuses them)."""
    pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARACTERS, max_size=4)), min_size=1, max_size=6)
    text = pieces.map("".join)
    return text if control else text.map(lambda t: strip_control(t, multiline=True).replace("\t", " ").replace("\n", " ")
                                                   .replace("\r", " "))


def norm(text: str) -> str:
    """What a reader sees: NFC, no control characters, whitespace collapsed (as the build's text cleaning does)."""
    text = unicodedata.normalize("NFC", strip_control(text)).replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


DIRECTORY_FIELDS = ("name", "address", "operator", "program")


def expected(texts: dict, field: str) -> str:
    """What the page should show for a field: directory cells have their whitespace collapsed on reading (which
    turns the whitespace-like controls U+001C-U+001F and U+0085 into spaces) before control characters go."""
    text = texts[field]
    return norm(" ".join(text.split()) if field in DIRECTORY_FIELDS else text)


class _Text(HTMLParser):
    """The text nodes of a page (not inside script or style), and the JSON of its map data."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.map_json, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self._in = "map" if tag == "script" and ("data-sf-map" in dict(attrs)) else tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "map":
            self.map_json.append(json.loads(data))
        elif self._in is None:
            self.texts.append(data)


def page_text(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def toml_string(text: str) -> str:
    """A TOML basic string (the text has no control characters: city.toml refuses them)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


CITY_TOML = """[city]
name = {city}
slug = "prop"
timezone = "UTC"
fictional = true

[[directory]]
id = "prop"
label = {directory}
path = "schools.csv"
as_of = "2026-01-01"
sector = "district"
list_separator = "|"
[directory.columns]
school_id = "ID"
name = "NAME"
grades = "GRADES"
address = "ADDRESS"
lat = "LAT"
lon = "LON"
operator = "OPERATOR"
programs = "PROGRAMS"

[neighborhoods]
path = "neighborhoods.geojson"
label = {areas}
id_field = "id"
name_field = "name"

[[tiers]]
id = "good"
label = {tier}
description = "Good"
translations = {{ es = {{ label = {tier_es}, description = "Bueno" }} }}

[[tiers]]
id = "poor"
label = "Poor"
description = "Poor"

[population]
label = {population}
areas_path = "areas.geojson"
area_id_field = "AREA"
table_path = "children.csv"
table_id_column = "AREA"
children_columns = ["KIDS"]
as_of = "2026"
[population.bands]
elementary = {{ KIDS = 1.0 }}

[access]
quality_tier = "good"

[[gtfs]]
id = "prop-transit"
label = {transit}
path = "gtfs"
"""


def write_city(folder: Path, t: dict) -> None:
    """A three-school city (the hostile fixture's geography and feed) carrying the texts ``t``."""
    shutil.copytree(HOSTILE, folder, ignore=shutil.ignore_patterns("schools.csv", "city.toml"))
    (folder / "city.toml").write_text(CITY_TOML.format(**{k: toml_string(t[k]) for k in (
        "city", "directory", "areas", "tier", "tier_es", "population", "transit")}), encoding="utf-8")
    rows = [["ID", "NAME", "GRADES", "ADDRESS", "LAT", "LON", "OPERATOR", "PROGRAMS"],
            ["P1", t["name"], "K-5", t["address"], "-31.00", "-24.00", t["operator"], t["program"]],
            ["P2", "Plain Two", "6-8", "2 Test St", "-31.01", "-24.01", "", ""],
            ["P3", "Plain Three", "9-12", "3 Test St", "-31.02", "-24.02", "", ""]]
    with open(folder / "schools.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)  # a lone CR stays in its cell
    areas = json.loads((HOSTILE / "neighborhoods.geojson").read_text(encoding="utf-8"))
    areas["features"][0]["properties"]["name"] = t["neighborhood"]
    (folder / "neighborhoods.geojson").write_text(json.dumps(areas), encoding="utf-8")
    stops = pd.read_csv(HOSTILE / "gtfs" / "stops.txt", dtype=str)
    stops.loc[stops["stop_id"] == "S1", "stop_name"] = t["stop"]
    stops.to_csv(folder / "gtfs" / "stops.txt", index=False, quoting=csv.QUOTE_ALL)
    routes = pd.read_csv(HOSTILE / "gtfs" / "routes.txt", dtype=str)
    routes["route_short_name"] = t["route"]
    routes.to_csv(folder / "gtfs" / "routes.txt", index=False, quoting=csv.QUOTE_ALL)


def build(city: Path, work: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    for args, extra in (([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(work / "processed")], {}),
                        ([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(work / "output"),
                          "--fatal", "errors", "-q"], {"SCHOOLFINDER_PROCESSED": str(work / "processed")})):
        proc = subprocess.run(args, cwd=ROOT, env={**env, **extra}, capture_output=True, text=True)
        assert proc.returncode == 0, f"{args[2]} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return work / "output"


MARK = "Zq1"  # starts every directory value, so that no value is a formula (quarantined) or empty
FIELDS = {
    "name": hostile_text().map(lambda t: f"{MARK} {t} qZ"),
    "address": hostile_text().map(lambda t: f"{MARK} {t}"),
    "operator": st.tuples(st.sampled_from(["", "=", "+", "-", "@"]), hostile_text()).map(lambda p: f"{p[0]}{MARK} {p[1]}"),
    "program": hostile_text().map(lambda t: f"{MARK} {t}".replace("|", "/")),
    "neighborhood": hostile_text().map(lambda t: f"{MARK} {t}"),
    "stop": hostile_text().map(lambda t: f"{MARK} {t}"),
    "route": hostile_text().map(lambda t: f"{MARK} {t}"),
    **{key: hostile_text(control=False).map(lambda t: f"{MARK} {t}")
       for key in ("city", "directory", "areas", "tier", "tier_es", "population", "transit")},
}


@settings(max_examples=BUILD_EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # no shrinking: 10 s a build
@given(st.fixed_dictionaries(FIELDS))
def test_every_text_field_of_every_input_stays_text(texts):
    with tempfile.TemporaryDirectory(prefix="sf-prop-") as work:
        work = Path(work)
        write_city(work / "city", texts)
        site = build(work / "city", work)
        pages = {p: page_text(p) for p in site.rglob("*.html")}
        english = [norm(" ".join(t.texts)) for p, t in pages.items() if p.relative_to(site).parts[0] != "es"]
        spanish = [norm(" ".join(t.texts)) for p, t in pages.items() if p.relative_to(site).parts[0] == "es"]
        shown = "\n".join(english)
        for field in ("name", "address", "operator", "program", "neighborhood", "route", "city", "directory", "areas",
                      "tier", "population", "transit"):
            assert expected(texts, field) in shown, (field, texts[field])
        assert norm(texts["tier_es"]) in "\n".join(spanish)
        everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
                               and p.suffix in (".html", ".json", ".csv", ".geojson", ".js"))
        assert "uid=" not in everything and "\x00" not in everything
        map_data = page_text(site / "deserts" / "index.html").map_json[0]
        assert expected(texts, "name") in [norm(row[3]) for row in map_data["schools"]]
        assert norm(texts["stop"]) in [norm(row[3]) for row in map_data["stops"]]
        assert norm(texts["neighborhood"]) in [norm(f["properties"]["name"]) for f in map_data["outline"]["features"]]
        opened = list(csv.DictReader(io.StringIO((site / "data" / "schools.csv").read_text(encoding="utf-8"))))
        first = next(r for r in opened if r["name"].startswith(MARK))
        assert norm(first["name"]) == expected(texts, "name")
        assert first["operator"] == csv_cell(first["operator"].removeprefix("'")) and \
            norm(first["operator"].removeprefix("'")) == expected(texts, "operator")
        assert first["operator"].startswith("'") == texts["operator"].startswith(FORMULA_PREFIXES)


@settings(max_examples=FAST_EXAMPLES, deadline=None, derandomize=True)
@given(st.lists(hostile_text(), min_size=3, max_size=3))
def test_map_pieces_carry_any_text_as_data(names):
    from tests.outputs.test_maps import tiny

    cells, schools, stops, outline = tiny()
    schools = schools.iloc[:3].assign(name=names)
    pieces = maps.desert_map(cells, schools, stops.iloc[:3].assign(name=names), outline.assign(name=names[:2]),
                             asset_base="/v/")
    inner = re.fullmatch(r'<script type="application/json" data-sf-map="map_desert_1">(.*)</script>', pieces["data"], re.S)
    assert inner and "<" not in inner.group(1) and "\u2028" not in inner.group(1) and "\u2029" not in inner.group(1)
    data = json.loads(inner.group(1))
    assert [row[3] for row in data["schools"]] == names and [row[3] for row in data["stops"]] == names
    assert [f["properties"]["name"] for f in data["outline"]["features"]] == names[:2]


@settings(max_examples=FAST_EXAMPLES, deadline=None, derandomize=True)
@given(st.lists(st.one_of(hostile_text(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)),
                min_size=1, max_size=4))
def test_csv_cells_never_start_a_formula_and_round_trip(cells):
    columns = [f"c{i}" for i in range(len(cells))]
    header, row = list(csv.reader(io.StringIO(csv_text([cells], columns), newline=""), strict=True))
    assert header == columns
    for cell, written in zip(cells, row):
        if isinstance(cell, str):  # the documented rule: formula-like text gets a leading ', a plain number does not
            plain_number = re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", cell)
            assert written == ("'" + cell if cell.startswith(FORMULA_PREFIXES) and not plain_number else cell)
        else:
            assert float(written) == cell
