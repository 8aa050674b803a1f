"""Learn one file's shape without changing it: encoding, delimiter, header row, rows, per-column samples and fill."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest.workbook import combine_header

GTFS_PARTS = {"trips.txt", "stop_times.txt", "calendar.txt", "calendar_dates.txt", "shapes.txt", "frequencies.txt"}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xls"}
DELIMITERS = [",", ";", "\t", "|"]
GTFS_FILES = {"agency.txt", "stops.txt", "routes.txt"}  # the files every feed has (stop_times may be left out)


@dataclass
class Table:
    """One scanned file: its shape and its values as text (header row and title rows already skipped)."""

    path: Path
    kind: str = ""
    fmt: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    header_row: int = 1
    skip_rows: list[int] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    properties: dict = field(default_factory=dict)  # guessed columns, joins, linked area files
    rel: str = ""  # path relative to the scanned folder

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows(self) -> int:
        return len(self.frame)

    def values(self, column: str) -> pd.Series:
        """The non-empty cells of a column, trimmed."""
        cells = self.frame[column].astype(str).str.strip()
        return cells[cells != ""]

    def fill(self, column: str) -> float:
        return len(self.values(column)) / max(self.rows, 1)

    def samples(self, column: str, n: int = 3) -> list[str]:
        return list(dict.fromkeys(self.values(column)))[:n]


def scan_folder(folder: Path, root: Path | None = None) -> list[Table]:
    """Every table, geojson and GTFS feed in the folder and its subfolders (sorted by path), read only."""
    found, root = [], root or folder
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if is_gtfs(path):
            found.append(Table(path, kind="gtfs", fmt="gtfs"))
        elif path.is_dir() and len(GTFS_PARTS & {p.name for p in path.iterdir()}) >= 2:
            found.append(Table(path, kind="gtfs-part", fmt="gtfs"))  # schedules without agency/stops: asked about
        elif path.is_dir():
            found.extend(scan_folder(path, root))
            continue
        elif path.suffix.lower() in (".geojson", ".json") and _is_geojson(path):
            found.append(read_geojson(path))
        elif path.suffix.lower() in TABLE_SUFFIXES and path.is_file():
            found.append(read_any_table(path))
        else:
            continue
        found[-1].rel = path.relative_to(root).as_posix()
    return found


def is_gtfs(path: Path) -> bool:
    if path.is_dir():
        return GTFS_FILES <= {p.name for p in path.iterdir()}
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return GTFS_FILES <= {Path(n).name for n in archive.namelist()}
    return False


def _is_geojson(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    return b'"features"' in head or b'"FeatureCollection"' in head


def read_geojson(path: Path) -> Table:
    """A geojson's features as a table of their properties (one row per feature)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frame = pd.DataFrame([f.get("properties") or {} for f in data.get("features", [])]).astype(str)
    frame = frame.replace({"None": "", "nan": ""})
    return Table(path, kind="boundaries", fmt="geojson", frame=frame)


def read_any_table(path: Path) -> Table:
    if path.suffix.lower() in (".xlsx", ".xls"):
        return _read_workbook(path)
    data = path.read_bytes()
    encoding = guess_encoding(data)
    text = data.decode(encoding)
    delimiter = guess_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    table = Table(path, encoding=encoding, delimiter=delimiter)
    if encoding != "utf-8":
        table.notes.append(f"not UTF-8: read as {encoding}")
    return _with_header(table, rows)


def _read_workbook(path: Path) -> Table:
    """The sheets that hold data (10 rows or more) with the header of the largest one, stacked as the pipeline would."""
    sheets = {name: _with_header(Table(path), frame.fillna("").astype(str).values.tolist())
              for name, frame in pd.read_excel(path, sheet_name=None, header=None, dtype=str).items()}
    largest = max(sheets.values(), key=lambda t: t.rows)
    keep = [name for name, t in sheets.items() if t.rows >= 10 and t.header_row == largest.header_row]
    table = Table(path, fmt=path.suffix.lower()[1:], encoding="", delimiter="", header_row=largest.header_row,
                  skip_rows=largest.skip_rows, notes=list(largest.notes))
    table.frame = pd.concat([sheets[name].frame for name in keep], ignore_index=True).fillna("")
    if "header2" in largest.properties:
        table.properties["header2"] = largest.properties["header2"]
    if len(sheets) > 1:  # which sheets were read, said even when it is the first
        table.properties["sheets"] = keep
        table.notes.append(f"data on sheets {', '.join(keep)}")
    return table


def guess_encoding(data: bytes) -> str:
    """utf-8 (utf-8-sig with a byte-order mark) when it decodes, else cp1252, else latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields."""
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        widths = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter))
        width, count = widths.most_common(1)[0] if widths else (1, 0)
        score = count if width > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _with_header(table: Table, rows: list[list]) -> Table:
    """Find the header (first row as wide as the data, all cells named), skip title rows, notice a second header row."""
    rows = [[str(c).strip() for c in r] for r in rows]
    filled = [sum(1 for c in r if c) for r in rows]
    width = Counter(w for w in filled if w > 1).most_common(1)[0][0] if any(w > 1 for w in filled) else 1
    start = next((i for i, w in enumerate(filled) if w >= max(2, width * 0.6)), 0)
    two_rows = start > 0 and filled[start - 1] >= 3 and rows[start - 1][0] and not rows[start][0]
    if two_rows:  # a row of group names (first cell filled) above a row of sub-labels: names above, labels skipped
        start -= 1
        table.skip_rows = [1]
        table.notes.append("two-row header: names on the upper row, the row of labels below skipped (skip_rows = [1])")
    if start:
        table.notes.append(f"{start} title row(s) above the header: header_row = {start + 1}")
    table.header_row = start + 1
    header = _unique([c or f"column {i + 1}" for i, c in enumerate(rows[start])])
    body = [r[:len(header)] + [""] * (len(header) - len(r)) for r in rows[start + 1:] if any(r)]
    if two_rows:
        upper, labels = ([re.sub(r"\s+", " ", c) for c in row] for row in (rows[start], rows[start + 1]))
        if any(not top and below for top, below in zip(upper, labels)):  # subject cells merged over the level cells
            table.properties["header2"] = _unique([n or f"column {i + 1}" for i, n in enumerate(combine_header([upper, labels]))])[:len(header)]
        body = body[1:]
    if not two_rows and body and _looks_like_labels(body[0], body[1:6]):
        body, header = _better_header_row(table, header, body)
    table.frame = pd.DataFrame(body, columns=header, dtype=str)
    return table


def _better_header_row(table: Table, header: list[str], body: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Two header rows: keep the one whose names say more (more columns guessed); the other is skipped or a title."""
    from .columns import guess_columns

    lower = _unique([c or header[i] for i, c in enumerate(body[0])])
    rest = body[1:]
    guessed = [len(guess_columns(Table(table.path, frame=pd.DataFrame(rest, columns=names, dtype=str))))
               for names in (header, lower)]
    shorter = sum(map(len, lower)) < sum(map(len, header))
    if guessed[1] > guessed[0] or guessed[1] == guessed[0] and shorter:  # a tie: the short (machine) names, right above the data
        table.header_row += 1
        why = "names more columns" if guessed[1] > guessed[0] else "has the shorter names"
        table.notes.append(f"two header rows: the second {why} ({guessed[1]} columns guessed against {guessed[0]}): header_row = "
                           f"{table.header_row}")
        return rest, lower
    table.skip_rows = [1]
    table.notes.append("two-row header: the first data row holds labels, skipped (skip_rows = [1])")
    return rest, header


def _unique(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return out


def _looks_like_labels(row: list[str], following: list[list[str]]) -> bool:
    """A row of text where the rows after it hold numbers in the same columns (a second header row)."""
    numeric_below = [i for i in range(len(row)) if following and all(_is_number(r[i]) for r in following if i < len(r) and r[i])
                     and any(i < len(r) and r[i] for r in following)]
    return len(numeric_below) >= 2 and all(row[i] and not _is_number(row[i]) for i in numeric_below)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False



def export_date(path: Path, year_ok: bool = True) -> tuple[str, str]:
    """(as_of, where it comes from): the one year the file name gives ("..._2022.xlsx" -> "2022"; a school year
    "2018-19" -> "2019") where a year is allowed, else the file's modified date."""
    years = {(m[1][:2] + m[2]) if m[2] else m[1] for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?:[-_](\d{2}))?(?!\d)", path.stem)}
    if year_ok and len(years) == 1:
        return years.pop(), "the year in the file name"
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date().isoformat(), "the file's modified date"
