"""Access and quality deserts: IFF seat gap, monotonicity, population weighting, demo and Chicago figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from schoolfinder.access import measures as access


def test_iff_fixture():
    assert access.seat_gap(6383, 1328) == (5055.0, 20.8)
    assert access.seat_gap(100, 150) == (0.0, 150.0)


def test_empty_cells_never_count():
    children = pd.Series([100.0, 0.0, 300.0])
    desert = pd.Series([True, True, False])
    assert access.desert_share(children, desert) == 25.0
    assert access.desert_share(children, pd.Series([False, True, False])) == 0.0  # only the empty cell is a desert
    by_area = access.desert_share(children, desert, pd.Series(["a", "b", "a"]))
    assert by_area["a"] == 25.0 and np.isnan(by_area["b"])


def _schools():
    return pd.DataFrame({"bands": [["elementary"], ["elementary"], ["high"]], "enrollment": [300, 200, 900],
                         "tier": [{"rank": 1}, {"rank": 4}, {"rank": 2}]})


def test_reachable_counts_quality_seats_for_the_band():
    minutes = np.array([[10, 10, 10], [40, 20, 255]], dtype=np.uint8)
    reach = access.cell_access(minutes, minutes, _schools(), 30, "elementary", quality_rank=2)
    assert reach["quality_transit"].tolist() == [1, 0] and reach["quality_seats_transit"].tolist() == [300, 0]
    assert reach["any_transit"].tolist() == [2, 1]
    assert access.is_desert(reach, "transit").tolist() == [False, True]
    assert access.is_desert(reach, "choice", 2).tolist() == [False, True]


def test_raising_the_limit_never_raises_the_desert_share():
    rng = np.random.default_rng(7)
    minutes = rng.integers(0, 256, size=(400, 30)).astype(np.uint8)
    schools = pd.DataFrame({"bands": [["elementary"]] * 30, "enrollment": rng.integers(50, 600, 30),
                            "tier": [{"rank": int(r)} for r in rng.integers(1, 6, 30)]})
    children = pd.Series(rng.integers(0, 200, 400).astype(float))
    shares = []
    for limit in range(0, 120, 5):
        reach = access.cell_access(minutes, minutes, schools, limit, "elementary", 2)
        shares.append(access.desert_share(children, access.is_desert(reach, "transit")))
    assert all(a >= b for a, b in zip(shares, shares[1:])) and shares[-1] < shares[0]


def test_demo_has_deserts_and_well_served_places(demo_city):
    from schoolfinder import pipeline
    from schoolfinder.config import load_config

    result = pipeline.run(load_config(demo_city))
    cells = result.access["cell_rows"]["elementary"]
    peopled = cells[cells["children"] > 0]
    assert peopled["desert"].any() and (~peopled["desert"]).any()
    shares = result.access["shares"]["elementary"]
    assert shares[15]["city"] >= shares[30]["city"] >= shares[45]["city"]


def test_demo_plants_a_desert_and_a_well_served_neighborhood(demo_city, demo_site):
    """The generator plants both on purpose (schoolfinder.demo.deserts): check them in the built access.json."""
    import json

    planted = json.loads((demo_city / "raw" / "planted.json").read_text(encoding="utf-8"))
    processed = demo_site.parent / "processed"
    access_json = json.loads((processed / "access.json").read_text(encoding="utf-8"))
    ids = {n["name"]: n["nbhd_id"] for n in json.loads((processed / "neighborhoods.json").read_text(encoding="utf-8"))}
    city = access_json["city"]
    assert (city["definition"], city["minutes"], city["quality_tier"]) == ("transit", 30, "Strong")  # the default preset
    desert = access_json["areas"][ids[planted["desert_neighborhood"]]]
    served = access_json["areas"][ids[planted["well_served_neighborhood"]]]
    for band in ("elementary", "middle", "high"):
        assert desert[band]["children"] > 0 and desert[band]["desert_pct"]["30"] == pytest.approx(100.0, abs=0.5), band
        assert desert[band]["quality_seats"] == 0
        assert served[band]["children"] > 0 and served[band]["desert_pct"]["30"] == 0.0, band
        assert served[band]["quality_seats"] >= 2 * 80  # several quality schools with seats


def test_demo_generator_says_the_planting_is_deliberate():
    from schoolfinder.demo import deserts, ferry, generator

    assert "DELIBERATE" in deserts.__doc__ and "desert share 100 %" in deserts.__doc__
    assert "desert share 0 %" in deserts.__doc__
    assert "deliberately" in generator.generate.__doc__ and "Random(seed + 3)" in generator.generate.__doc__
    assert ferry.CROSSING_MIN > 30


@pytest.mark.real_data
def test_chicago_children_match_the_equivalency_file(chicago, chicago_dir):
    acs = pd.read_csv(chicago_dir / "census" / "ACS_14_5YR_B01001_with_ann.csv", encoding="latin-1", skiprows=[1], dtype=str)
    columns = ["HD01_VD04", "HD01_VD05", "HD01_VD06", "HD01_VD28", "HD01_VD29", "HD01_VD30"]
    acs["kids"] = acs[columns].astype(int).sum(axis=1)
    eq = pd.read_csv(chicago_dir / "census" / "2010_Tract_to_Community_Area_Equivalency_File.csv", dtype=str)
    eq["geoid"] = "17031" + eq["TRACT"].str.zfill(6)
    by_area = eq.merge(acs, left_on="geoid", right_on="GEO.id2").groupby("CHGOCA")["kids"].sum()
    ours = chicago.neighborhoods.set_index("nbhd_id")["children"]
    assert len(by_area) == 77
    # Community-area totals are summed from tracts by the equivalency file ([population.crosswalk]): exact.
    assert ours.reindex(by_area.index).tolist() == by_area.tolist()
    bands = chicago.access["children"]
    assert round(sum(sum(b.values()) for b in bands.values())) == by_area.sum()
    # Travel-time cells still get children by area weighting of the tract polygons: the cells' total loses the
    # parts of tracts outside every cell (about 5 %), never more than the exact count.
    cells = sum(rows["children"].sum() for rows in chicago.access["cell_rows"].values())
    assert 0.93 < cells / by_area.sum() <= 1


@pytest.mark.real_data
def test_chicago_desert_table(chicago):
    city = chicago.access["shares"]["elementary"]
    assert 0 <= city[45]["city"] <= city[30]["city"] <= city[15]["city"] <= 100
    areas = city[30]["areas"]
    assert len([a for a in areas if a]) == 77
