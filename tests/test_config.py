"""City config: unknown keys fail naming key and file; every key is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schoolfinder.config import CANONICAL_FIELDS, SCHEMA, SUBSECTIONS, load_config
from schoolfinder.problems import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo" / "city.toml"


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "city.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_demo_and_chicago_configs_load():
    demo = load_config(DEMO)
    assert demo.city["fictional"] is True
    assert [s["id"] for s in demo.directory] == ["authorizer", "district"]
    chicago = load_config(ROOT / "data" / "chicago")
    assert chicago.city["timezone"] == "America/Chicago"


def test_unknown_key_names_key_and_file(tmp_path):
    path = write_variant(tmp_path, 'fictional = true', 'fictional = true\ncolour = "blue"')
    with pytest.raises(ConfigError, match=r"city\.toml: unknown key 'colour' in \[city\]"):
        load_config(path)


def test_unknown_section_and_column_field(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown section \[extras\]"):
        load_config(write_variant(tmp_path, "[city]", "[extras]\na = 1\n\n[city]"))
    with pytest.raises(ConfigError, match=r"unknown field 'colour' in \[directory\[0\]\.columns\]"):
        load_config(write_variant(tmp_path, 'school_id = "Campus ID"', 'school_id = "Campus ID"\ncolour = "C"'))


@pytest.mark.parametrize(("old", "new", "message"), [
    ('timezone = "Atlantic/South_Georgia"', 'timezone = "Mars/Olympus"', "not an IANA time zone"),
    ('fictional = true', 'fictional = "yes"', "must be bool"),
    ('sector = "charter"', 'sector = "private"', "is not one of"),
    ('name = "Port Meridian"\n', '', "missing key 'name' in \\[city\\]"),
])
def test_bad_values_fail_clearly(tmp_path, old, new, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_variant(tmp_path, old, new))


def test_every_key_is_documented():
    docs = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z0-9_]+(?:\.[a-z0-9_]+)?)`", docs))
    missing = [f"{section}.{key}" for section, keys in SCHEMA.items() for key in keys
               if f"{section}.{key}" not in documented]
    missing += [f"columns.{field}" for field in CANONICAL_FIELDS if f"columns.{field}" not in documented]
    nested = set(re.findall(r"`([a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+)`", docs))
    missing += [f"{s}.{k}.{key}" for (s, k), keys in SUBSECTIONS.items() for key in keys if f"{s}.{k}.{key}" not in nested]
    assert missing == [], f"document these keys in data/README.md: {missing}"


def test_data_dir_env_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("SCHOOLFINDER_CHICAGO_DATA", str(tmp_path))
    assert load_config(ROOT / "data" / "chicago").data_dir == tmp_path.resolve()


def test_readme_key_tables_are_generated_from_the_schema():
    from schoolfinder.configdocs import END, START, key_tables

    docs = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    block = docs[docs.index(START) + len(START) + 1: docs.index(END)]
    assert block == key_tables(), "run `make config-docs`"


CROSSWALK = '''
[population.crosswalk]
label = "Tract to neighborhood file"
path = "crosswalk.csv"
area_column = "TRACT"
neighborhood_column = "NBHD"
'''


def test_population_crosswalk_is_checked_key_by_key(tmp_path):
    config = load_config(write_variant(tmp_path, "[population.bands]", CROSSWALK + "area_width = 6\n\n[population.bands]"))
    assert config.population["crosswalk"] == {"label": "Tract to neighborhood file", "path": "crosswalk.csv", "area_column": "TRACT",
                                              "area_width": 6, "area_prefix": "", "neighborhood_column": "NBHD", "encoding": "utf-8"}
    assert load_config(DEMO).population["crosswalk"] == {}  # optional: area weighting
    with pytest.raises(ConfigError, match=r"unknown key 'tract_colum' in \[population\.crosswalk\]"):
        load_config(write_variant(tmp_path, "[population.bands]", CROSSWALK + 'tract_colum = "X"\n\n[population.bands]'))
    with pytest.raises(ConfigError, match=r"missing key 'neighborhood_column' in \[population\.crosswalk\]"):
        load_config(write_variant(tmp_path, "[population.bands]", CROSSWALK.replace('neighborhood_column = "NBHD"', "") + "\n[population.bands]"))
    with pytest.raises(ConfigError, match=r"key 'area_width' in \[population\.crosswalk\] must be int"):
        load_config(write_variant(tmp_path, "[population.bands]", CROSSWALK + 'area_width = "6"\n\n[population.bands]'))


def test_chicago_counts_children_with_the_equivalency_file():
    crosswalk = load_config(ROOT / "data" / "chicago").population["crosswalk"]
    assert (crosswalk["area_column"], crosswalk["area_width"], crosswalk["area_prefix"], crosswalk["neighborhood_column"]) == \
        ("TRACT", 6, "17031", "CHGOCA")
