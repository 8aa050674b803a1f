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

from ..contract import UNREACHABLE

WEIGHTS = (1.0, 0.68, 0.22)  # nearest third of the limit, middle third, farthest third
BAND_GRADES = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}  # K = 0, PK = -1 (grades.py)


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


def band_seats(schools: pd.DataFrame, seats: np.ndarray, band: str) -> np.ndarray:
    """The seats of each school that belong to a grade band: split evenly over the grades it teaches (PK counts),
    so a K-8 school's seats go six ninths to elementary and three ninths to middle; all of them without grades."""
    first, last = BAND_GRADES[band]
    low = pd.to_numeric(schools["grade_low"], errors="coerce").to_numpy(float)
    high = pd.to_numeric(schools["grade_high"], errors="coerce").to_numpy(float)
    inside = np.clip(np.minimum(high, last) - np.maximum(low, first) + 1, 0, None)
    share = np.where(np.isfinite(low) & np.isfinite(high) & (high >= low), inside / (high - low + 1), 1.0)
    return np.asarray(seats, dtype=float) * share


def typical(values: pd.Series, children: pd.Series, groups: pd.Series | None = None):
    """The figure of the typical child (children-weighted median) over the city, or per group; NaN without children."""
    frame = pd.DataFrame({"v": values.to_numpy(float), "c": children.to_numpy(float),
                          "g": groups.to_numpy() if groups is not None else 0})
    medians = frame[frame["c"] > 0].groupby("g").apply(_weighted_median, include_groups=False).round(1)
    if groups is None:
        return float(medians.iloc[0]) if len(medians) else float("nan")
    return medians


def _weighted_median(frame: pd.DataFrame) -> float:
    ordered = frame.sort_values("v", kind="stable")
    cumulative = ordered["c"].cumsum().to_numpy()
    return float(ordered["v"].to_numpy()[np.searchsorted(cumulative, cumulative[-1] / 2)])
