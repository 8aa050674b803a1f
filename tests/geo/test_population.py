"""Children per neighborhood from small areas."""

from __future__ import annotations

import pandas as pd



def test_crosswalk_sums_each_small_area_into_its_one_neighborhood():
    from schoolfinder.geo.population import by_crosswalk

    per_area = pd.DataFrame({"elementary": [10.0, 20.0, 5.0, 1000.0], "high": [1.0, 2.0, 3.0, 4.0]},
                            index=["t1", "t2", "t3", "elsewhere"])
    crosswalk = pd.DataFrame({"area": ["t1", "t2", "t3", "t9"], "nbhd_id": ["A", "B", "A", "B"], "row": [2, 3, 4, 5]})
    summed = by_crosswalk(per_area, crosswalk)
    assert summed.to_dict("index") == {"A": {"elementary": 15.0, "high": 4.0}, "B": {"elementary": 20.0, "high": 2.0}}
    assert summed.to_numpy().sum() == per_area.loc[["t1", "t2", "t3"]].to_numpy().sum()  # each child once, t9 adds none
