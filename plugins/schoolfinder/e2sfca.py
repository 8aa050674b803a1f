"""Capacity-aware access (E2SFCA, enhanced two-step floating catchment area, Luo & Qi 2009).

Step 1: each school's seats are shared among the children who can reach it, nearer children weighing more:
``ratio_j = seats_j / sum_k(children_k * w(t_kj))``. Step 2: a place's access is the sum of the ratios of the schools
it reaches, weighted the same way: ``access_i = 1000 * sum_j(w(t_ij) * ratio_j)``, quality seats per 1,000 children.
Travel-time decay bands split the limit in thirds, with Luo & Qi's weights 1, 0.68 and 0.22; beyond the limit 0.
Over the city, children x access adds up to the seats of every school someone reaches (seats are neither made nor lost).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEIGHTS = (1.0, 0.68, 0.22)  # nearest third of the limit, middle third, farthest third
UNREACHABLE = 255


def decay(minutes: np.ndarray, limit: float) -> np.ndarray:
    """Weight of each trip: by third of ``limit``; 0 beyond it or where unreachable (255)."""
    minutes = np.asarray(minutes, dtype=float)
    band = np.ceil(minutes / (limit / len(WEIGHTS))).clip(1, len(WEIGHTS)).astype(int) - 1
    weight = np.asarray(WEIGHTS)[band]
    return np.where((minutes <= limit) & (minutes != UNREACHABLE), weight, 0.0)


def seats_per_1000(minutes: np.ndarray, limit: float, seats: np.ndarray, children: np.ndarray) -> np.ndarray:
    """Per place (rows of ``minutes``): quality seats per 1,000 children within reach (0 where none is reachable).

    ``minutes`` is places x schools; ``seats`` per school (0 for schools that do not count); ``children`` per place.
    """
    weight = decay(minutes, limit)
    demand = np.nan_to_num(np.asarray(children, dtype=float)) @ weight
    supply = np.nan_to_num(np.asarray(seats, dtype=float))
    ratio = np.divide(supply, demand, out=np.zeros_like(demand), where=demand > 0)
    return 1000 * (weight @ ratio)


def seats(schools: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    """Seats per school: ``capacity`` where the source gives it, else enrollment; and how many schools use each."""
    enrollment = pd.to_numeric(schools["enrollment"], errors="coerce")
    capacity = pd.to_numeric(schools["capacity"], errors="coerce") if "capacity" in schools else pd.Series(np.nan, index=schools.index)
    used = capacity.where(capacity.notna(), enrollment).fillna(0.0)
    return used.to_numpy(float), {"capacity": int(capacity.notna().sum()), "enrollment": int((capacity.isna() & enrollment.notna()).sum())}


def weighted_mean(values: pd.Series, children: pd.Series, groups: pd.Series | None = None):
    """Children-weighted mean of ``values`` over the city, or per group; NaN where there are no children."""
    frame = pd.DataFrame({"v": values.to_numpy(float) * children.to_numpy(float), "c": children.to_numpy(float)})
    if groups is None:
        total = frame["c"].sum()
        return float("nan") if total == 0 else round(float(frame["v"].sum() / total), 1)
    sums = frame.groupby(groups.to_numpy())[["v", "c"]].sum()
    return (sums["v"] / sums["c"].where(sums["c"] > 0)).round(1)
