"""SHA-256 over the values a stage reads: config sections, frames (by content), arrays, files' hashes, the code.

Every type is hashed by its content, with its type and shape, so two values hash alike only when a stage would see
the same thing. An unknown type is an error, never a silent ``repr``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.metadata
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[3]
CODE = ROOT / "plugins" / "schoolfinder"
LIBRARIES = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "gtfs-kit", "h3", "numba")


def digest(value) -> str:
    """Hex SHA-256 of ``value`` (nested dicts, lists, frames, arrays, dataclasses, CRS, dates, scalars)."""
    h = hashlib.sha256()
    _update(h, value)
    return h.hexdigest()


def _update(h, value) -> None:
    if value is None or isinstance(value, (str, bool, int, float, np.generic)):
        h.update(f"{type(value).__name__}:{value!r}\0".encode())
    elif isinstance(value, (pd.DataFrame, pd.Series)):
        _frame(h, value.to_frame() if isinstance(value, pd.Series) else value)
    elif isinstance(value, np.ndarray):
        _array(h, value)
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}\0".encode())
        for key in sorted(value, key=str):
            _update(h, str(key))
            _update(h, value[key])
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        h.update(f"{type(value).__name__}{len(items)}\0".encode())
        for item in items:
            _update(h, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _update(h, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)} | {"@": type(value).__name__})
    elif isinstance(value, (dt.date, dt.datetime)):
        _update(h, value.isoformat())
    elif isinstance(value, bytes):
        h.update(f"bytes{len(value)}\0".encode() + value)
    elif hasattr(value, "to_wkt"):  # a pyproj CRS
        _update(h, value.to_wkt())
    else:
        raise TypeError(f"cannot hash a {type(value).__name__} for the stage cache")


def _array(h, array: np.ndarray) -> None:
    h.update(f"ndarray{array.dtype.str}{array.shape}\0".encode())
    if array.dtype == object:
        for item in array.ravel():
            _update(h, item)
    else:
        h.update(np.ascontiguousarray(array).tobytes())


def _frame(h, frame: pd.DataFrame) -> None:
    h.update(f"frame{frame.shape}\0".encode())
    index = frame.index
    _column(h, pd.Series([repr(index)]) if isinstance(index, pd.RangeIndex) else pd.Series(index.to_numpy(), dtype=index.dtype))
    for name in frame.columns:
        _update(h, str(name))
        _column(h, frame[name])
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
        _update(h, frame.crs.to_wkt())


def _column(h, column: pd.Series) -> None:
    h.update(f"{column.dtype}\0".encode())
    if isinstance(column.dtype, gpd.array.GeometryDtype):
        for wkb in shapely.to_wkb(column.to_numpy(), hex=False):
            _update(h, wkb)
        return
    if column.dtype == object:  # lists, dicts, mixed types: one value at a time, each with its type
        _array(h, column.to_numpy(dtype=object))
    else:
        h.update(pd.util.hash_pandas_object(column, index=False, categorize=False).to_numpy().tobytes())


@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """The pipeline's code (plugins/schoolfinder), the pinned requirements and the libraries' versions."""
    h = hashlib.sha256()
    for path in sorted(p for p in CODE.rglob("*.py") if "__pycache__" not in p.parts):
        h.update(str(path.relative_to(CODE)).encode() + b"\0" + path.read_bytes() + b"\0")
    lock = ROOT / "requirements.lock"
    h.update(lock.read_bytes() if lock.is_file() else b"")
    h.update(sys.version.encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = ""
        h.update(f"{name}={version}\0".encode())
    return h.hexdigest()
