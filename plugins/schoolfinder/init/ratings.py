"""Draft `[[ratings]]` from results files: the rating columns (an ordered scale of levels, or a headline number), the
ids they share with a directory, the year, the rows to keep in a long file, and the common `[[tiers]]` they map onto."""

from __future__ import annotations

import re

from .classify import shared_column
from .columns import norm, numbers, tested_grades
from .lines import Draft, q, slug, source_head
from .longrows import commented, long_rows
from .scales import SUPPRESSED, TIER_IDS, cut_points, level_scale, not_rated_values, number_range, tier_map
from .sniff import Table, export_date
from .subgroups import subgroups

PROFICIENT = re.compile(r"mastery|proficient|meets", re.I)
ABOVE = re.compile(r"advanced|exceed|distinguish", re.I)
HEADLINE = re.compile(r"\b(rating|score|sps|mastery|proficien\w*|grade|index)\b|%|percent", re.I)
NOT_HEADLINE = re.compile(r"change|growth|percentile|%ile|points|attainment|rank|status|sheet|\bid\b|code|name|swd|\bel\b|ell|"
                          r"low ?inc|frl|subgroup|disab|learner|african|hispanic|white|asian|&", re.I)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-_/]\s*((?:19|20)?\d{2}))?(?!\d)")


def results_section(draft: Draft, table: Table, directories: list[Table], switched_on: dict, combined: set[int]) -> bool:
    """Active `[[ratings]]` blocks for the rating columns found (True), else the evidence as comments and questions."""
    if id(table) in combined:
        draft.questions.append(f"`{table.rel or table.name}` holds only ratings other files give: left out. Is it a combination of them?")
        return False
    link = _directory_link(table, directories)
    columns = rating_columns(table, link[1][1] if link else None)
    if not columns and table.properties.get("header2"):
        table.frame.columns = table.properties["header2"]  # a subject row over a level row: read as `Subject / Level`
        table.properties["header_rows"] = 2
        columns = rating_columns(table, link[1][1] if link else None)
    if not link or not columns:
        if table.kind == "results":
            commented(draft, table, link)
        return False
    directory, (own, theirs, joined) = link
    directory.properties.setdefault("joins", {}).setdefault(own, []).append(
        f"; joins {joined:,} rows of {table.rel or table.name} on this column")
    off = {}  # one series, one scale: the values off it in any year's column are read alike in every year's
    for column, scale in columns:
        off.setdefault((_series(column), str(scale)), set()).update(not_rated_values(table.values(column), scale))
    table.properties["off_scale"] = {c: sorted(off[(_series(c), str(s))]) for c, s in columns}
    newest = _year_of(export_date(directory.path)[0]) if export_date(directory.path)[1].startswith("the year") else ""
    other = _measured_otherwise(table, theirs, columns, switched_on)
    if other:
        draft.questions.append(f"`{table.rel or table.name}` gives other values than `{other}` for the same measure and year: its "
                               "other years are left out as a different measure (other subjects, another method). Switch them on?")
        return True
    for column, scale in columns:
        key = (_series(column), _year(column, table))
        if newest and key[1][:4].isdigit() and int(key[1][:4]) > int(newest):
            draft.questions.append(f"{column!r} of `{table.rel or table.name}` ({key[1]}) is newer than the directory "
                                   f"`{directory.name}` ({newest}): left out. Switch it on with a newer directory?")
            continue
        if key in switched_on:
            continue  # the same measure and year from a newer file is already on
        switched_on[key] = (table, column, theirs)
        _block(draft, table, column, scale, slug(directory.path.stem), (own, theirs, joined), _state_ids(directory, table, own, theirs),
               _in_city(directory, table, own, theirs))
    return True


def _measured_otherwise(table: Table, id_column: str, columns: list, switched_on: dict) -> str:
    """The newer file (its name) that gives the same measure and year as one of these columns with other values for most
    schools: the two files measure differently, under one name (a year is revised in place rarely, not for most schools)."""
    for column, _ in columns:
        newer, theirs, their_ids = switched_on.get((_series(column), _year(column, table)), (None, "", ""))
        if newer is None:
            continue
        mine = dict(zip(table.frame[id_column].str.strip(), table.frame[column].str.strip().map(_cell)))
        shared = {k: v for k, v in zip(newer.frame[their_ids].str.strip(), newer.frame[theirs].str.strip().map(_cell)) if mine.get(k) and v}
        if len(shared) >= 10 and sum(mine[k] == v for k, v in shared.items()) < 0.8 * len(shared):
            return newer.rel or newer.name
    return ""


def _cell(value: str) -> str:
    """A cell as compared across files: numbers by value ("27", "27.0")."""
    return f"{float(value):g}" if re.fullmatch(r"-?\d+(?:\.\d+)?", value) else value


def rating_columns(table: Table, id_column: str | None) -> list[tuple[str, tuple]]:
    """(column, scale) for each column holding a scale of levels, or a headline number (levels first)."""
    ids = {v[0] for v in table.properties.get("columns", {}).values()} | {id_column}
    found, years = [], set()
    for column in (c for c in table.frame.columns if c not in ids and not c.startswith("column ")):
        values = table.values(column)
        if values.nunique() < 2 or NOT_HEADLINE.search(norm(column) + " "):
            continue
        levels = level_scale(values)
        if levels:
            found.append((column, ("levels", levels)))
            years.add(_year_of(column))
        elif HEADLINE.search(norm(column)) and numeric_share(values) >= 0.6:  # norm: "sps_2016" reads as "sps 2016"
            found.append((column, ("number", number_range(values, column))))
    if table.properties.get("header_rows") == 2:  # Subject / Level: per subject, the proficient level and those above it
        found = [(c, s) for c, s in found if PROFICIENT.search(c.rsplit(" / ", 1)[-1])]
    if any(scale[0] == "levels" for _, scale in found):  # beside a graded level, only a score of the same year
        found = [(c, s) for c, s in found if s[0] == "levels" or (_year_of(c) and _year_of(c) in years)]
    return sorted(found, key=lambda pair: pair[1][0] != "levels")


def numeric_share(values) -> float:
    """The share of numbers among the cells that are not suppression markers ("NR", "<5", "≥95")."""
    kept = values[~values.str.lower().str.replace(r"\s+", "", regex=True).isin(SUPPRESSED) & ~values.str.contains(r"[<>≤≥~]")]
    return float(numbers(kept.str.rstrip("%")).notna().mean()) if len(kept) else 0.0


def combined_copies(tables: list[Table], directories: list[Table]) -> set[int]:
    """Files whose rating values (per school) are all found in two or more other files: a combination of them, left
    out (their ids; asked about)."""
    pairs = {}
    for table in tables:
        link = _directory_link(table, directories)
        if link:
            own = set()
            for column, _ in rating_columns(table, link[1][1]):
                own |= set(zip(table.frame[link[1][1]].str.strip(), table.frame[column].str.strip()))
            pairs[id(table)] = own
    combined = set()
    for key, own in pairs.items():
        covering = [k for k, other in pairs.items() if k != key and own & other]
        left = [len(own - pairs[k]) for k in covering]
        if len(covering) >= 2 and min(left) > 0.02 * len(own) >= len(own - set().union(*(pairs[k] for k in covering))):
            combined.add(key)
    return combined


def _block(draft: Draft, table: Table, column: str, scale: tuple, directory_id: str, link: tuple[str, str, int],
           state: str, in_city: int | None = None) -> None:
    own, theirs, joined = link
    year = _year(column, table)
    series = slug(re.sub(r"(?i)\s*\bratings?$", "", _series(column)) or _series(column))
    source_head(draft, table, "ratings", f"{series}-{_end_year(year)}" if year else slug(column), _label(column),
                as_of=_year_of(column) or "")
    draft.key("series", series, "the rating column's name without its year (and the word rating)")
    draft.key("directory", directory_id, f"its school ids are in {own!r}")
    draft.key("school_id_column", theirs, f"joins {joined:,} of {table.rows:,} rows to the directory")
    if state:
        draft.key("id_columns", "{ state_id = " + q(theirs) + " }", state)
    draft.key("rating_column", column, f"values e.g. {', '.join(table.samples(column, 4))}")
    subject, _, level = column.rpartition(" / ")
    above = [c for c in table.frame.columns if subject and c.startswith(subject + " / ") and ABOVE.search(c.rpartition(" / ")[2])]
    if above:
        draft.key("aggregate", "{ method = \"sum\", columns = " + q(above + [column]) + " }",
                  f"the levels at or above {level} added: the share at {level} or above")
    year_column = _year_column(table, theirs)
    if year_column:
        draft.key("year_column", year_column, f"years {', '.join(sorted(table.values(year_column).unique())[-3:])}")
    elif year:
        draft.key("year", year, "the year in the column or file name")
    long_rows(draft, table, theirs, column, year_column)
    grades, why = tested_grades(column, table.path.stem)
    if grades:
        draft.key("tested_grades", grades, why)
    if joined < 0.9 * table.rows:
        draft.key("allow_no_match", True, f"only {joined:,} of {table.rows:,} rows are the directory's schools: a wider file")
    elif in_city is not None and in_city < 0.9 * table.rows:
        draft.key("allow_no_match", True, f"only {in_city:,} of {table.rows:,} rows are schools the directory keeps for the city")
    values = table.values(column)
    if scale[0] == "levels":
        levels = scale[1]
        draft.key("levels", levels, "the scale's values, best first (by their pattern)")
        draft.key("tiers", "{ " + ", ".join(f"{q(v)} = {q(t)}" for v, t in tier_map(levels).items()) + " }",
                  "proposed: the levels spread over the common tiers in order")
        draft.questions.append(f"Do the levels of {column!r} in `{table.rel or table.name}` map onto the common tiers as drafted?")
    else:
        low, high = scale[1]
        draft.key("kind", "number")
        draft.key("range", [low, high], f"values from {numbers(values.str.rstrip('%')).min():g} to {numbers(values.str.rstrip('%')).max():g}")
        draft.key("cut_points", "[" + ", ".join(f"[{c:g}, {q(t)}]" for c, t in cut_points(values)) + "]",
                  "proposed: the quintiles of the values; set your own cut points")
        draft.questions.append(f"Which cut points turn {column!r} of `{table.rel or table.name}` into the common tiers? The draft "
                               "uses the quintiles of the values.")
    others, own = table.properties.get("off_scale", {}).get(column, []), not_rated_values(values, scale)
    if others:
        draft.key("not_rated", others, "values off the scale that are not suppression markers"
                  + ("" if others == own else f" (in the {_series(column)!r} columns of other years)"))
    subgroups(draft, table, column)


def _in_city(directory: Table, table: Table, own: str, theirs: str) -> int | None:
    """Rows joining a school the directory's city `where` keeps (None without one)."""
    city = directory.properties.get("city")
    if not city:
        return None
    kept = directory.frame[city[0]].astype(str).str.strip() == city[1]
    return int(table.values(theirs).isin(set(directory.frame.loc[kept, own].astype(str).str.strip())).sum())


def _state_ids(directory: Table, table: Table, own: str, theirs: str) -> str:
    """Why the id column is also read as the directory's state id (its values, or some of them, are state ids), or ""."""
    state = directory.properties["columns"].get("state_id", ("",))[0]
    if not state:
        return ""
    if state == own:
        return f"its values are the directory's state ids ({own})"
    ids = table.values(theirs)
    extra = ids[~ids.isin(set(directory.values(own))) & ids.isin(set(directory.values(state)))]
    return f"{extra.nunique():,} of its ids ({', '.join(extra.unique()[:3])}) are only the directory's state ids ({state})" if len(extra) else ""


def _directory_link(table: Table, directories: list[Table]):
    """(directory, (its id column, this file's id column, rows joined)): the most rows joined, the first such directory."""
    links = [(d, shared_column(d, table, [d.properties["columns"][f][0] for f in ("school_id", "state_id")
                                          if f in d.properties["columns"]], least=0.3))
             for d in directories if "school_id" in d.properties["columns"]]
    links = [(d, link) for d, link in links if link]
    best = max((link[2] for _, link in links), default=0)
    return next(((d, link) for d, link in links if link[2] >= 0.98 * best), None)


def _year_column(table: Table, id_column: str) -> str | None:
    return next((c for c in table.frame.columns if re.search(r"year", c, re.I) and 1 < table.values(c).nunique() <= 30
                 and table.values(c).str.contains(r"(?:19|20)\d{2}").mean() > 0.9), None)


def _year_of(column: str) -> str:
    match = YEAR.search(column)
    return match[1] if match and not match[2] else ""


def _year(column: str, table: Table) -> str:
    """The school year the column (else the file name) names: "SY 2018-2019" -> "2018-2019", "sps_2016" -> "2016"."""
    for text in (column, table.path.stem):
        match = YEAR.search(text)
        if match:
            return match[0].replace("_", "-").replace(" ", "")
    return ""


def _series(column: str) -> str:
    """The column's name without its year ("SY 2018-2019 SQRP Rating" -> "SQRP Rating"; SY abbreviates school year)."""
    return re.sub(r"\s+", " ", re.sub(r"(?i)\bSY\b", " ", YEAR.sub("", column)).replace("_", " ")).strip(" -_/") or column


def _end_year(year: str) -> str:
    """The year a school year ends in, as ids name it: "2018-2019" and "2018-19" -> "2019"; "2016" -> "2016"."""
    start, _, end = year.partition("-")
    return start[:4 - len(end)] + end if end else start


def _label(column: str) -> str:
    text = _series(column)
    return text[:1].upper() + text[1:]


def tier_scale(draft: Draft) -> None:
    """The common scale of five tiers every drafted rating maps onto (labels and Spanish as the project ships them)."""
    for tier, label, description, es_label, es_description in TIER_IDS:
        draft.lines += ["", "[[tiers]]"]
        draft.key("id", tier)
        draft.key("label", label)
        draft.key("description", description)
        draft.lines.append(f"translations = {{ es = {{ label = {q(es_label)}, description = {q(es_description)} }} }}")
