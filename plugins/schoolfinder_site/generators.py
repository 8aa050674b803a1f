"""SchoolPagesGenerator: home, school list, one page per school, neighborhoods and the data page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pelican.generators import Generator

from schoolfinder.io import read_processed

from . import browse
from .maps import DesertMaps, map_strings

PER_PAGE = 500
NEARBY_MAX = 24  # schools listed as "nearby" on a neighborhood page, quickest first
RANKED_MAX = 500  # schools listed on a "how schools do for ..." page, best first
COMPARE_LIST_MAX = 3000  # above this, the compare page links to the paged list instead of listing every school


class SchoolPagesGenerator(Generator):
    """Render pages straight from the processed data (never one Markdown file per school)."""

    def generate_context(self):
        """Load the processed data and expose it to every template as ``sf``."""
        options = self.settings.get("SCHOOLFINDER", {})
        self.processed = Path(options.get("processed_dir", "data/processed"))
        data = read_processed(self.processed)
        access_path = self.processed / "access.json"
        self.access = json.loads(access_path.read_text(encoding="utf-8")) if access_path.is_file() else None
        manifest = data["manifest"]
        self.schools = sorted(data["schools"], key=lambda s: (s["name"].casefold(), s["slug"]))
        self.neighborhoods = data["neighborhoods"]
        for nbhd in self.neighborhoods:
            nbhd["access"] = self.access["areas"].get(nbhd["nbhd_id"]) if self.access else None
        index_path = self.processed / "search" / "index.json"
        self.search_index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else None
        self.context["sf"] = {
            "city": manifest["city"],
            "counts": manifest["counts"],
            "unit": manifest["neighborhood_unit"],
            "sources": {s["id"]: s for s in manifest["sources"]},
            "source_list": manifest["sources"],
            "neighborhoods": self.neighborhoods,
            "reconciliation": data["reconciliation"],
            "open_data_columns": manifest["open_data_columns"],
            "tiers": manifest["tiers"],
            "feeds": manifest.get("feeds", []),
            "rating_sources": manifest["rating_sources"],
            "access": self.access["city"] if self.access else None,
            "subgroups": sorted({g for s in self.schools for g in s["tier"].get("subgroups", {})}),
            "search": self.search_index is not None,
            "build": manifest.get("build"),
        }
        self.browse_lists = browse.browse_lists(self.schools)
        self.context["sf"]["browse"] = [{k: e[k] for k in ("kind", "key", "path")} | {"count": len(e["schools"])}
                                        for e in self.browse_lists]

    def generate_output(self, writer):
        """Write every page through Pelican's writer."""
        def write(name, template, **kwargs):
            writer.write_file(name, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], **kwargs)

        write("index.html", "home", page_name="home")
        pages = [self.schools[i:i + PER_PAGE] for i in range(0, len(self.schools), PER_PAGE)] or [[]]
        for number, chunk in enumerate(pages, start=1):
            name = "schools/index.html" if number == 1 else f"schools/page/{number}/index.html"
            write(name, "schools", schools=chunk, page_number=number, page_count=len(pages), page_name="schools")
        nbhd_by_slug = {n["slug"]: n for n in self.neighborhoods}
        for school in self.schools:
            write(f"schools/{school['slug']}/index.html", "school", school=school, page_name="school",
                  nbhd=nbhd_by_slug.get(school["neighborhood_slug"]))
        by_nbhd: dict[str, list[dict]] = {}
        for school in self.schools:
            by_nbhd.setdefault(school["neighborhood_slug"], []).append(school)
        write("neighborhoods/index.html", "neighborhoods", page_name="neighborhoods")
        near = self._reachable_from()
        drawer = self._maps()
        out = Path(self.output_path)
        for nbhd in self.neighborhoods:
            here = by_nbhd.get(nbhd["slug"], [])
            nearby = [s for s in near.get(nbhd["slug"], []) if s["neighborhood_slug"] != nbhd["slug"]][:NEARBY_MAX]
            area_map = drawer.pieces("../../", nbhd["nbhd_id"]) if drawer else None
            write(f"neighborhoods/{nbhd['slug']}/index.html", "neighborhood", neighborhood=nbhd,
                  schools=here, nearby=nearby, page_name="neighborhood", area_map=area_map)
            if drawer:
                write(f"neighborhoods/{nbhd['slug']}/embed/index.html", "embed", neighborhood=nbhd, page_name="embed",
                      area_map=drawer.pieces("../../../", nbhd["nbhd_id"]))
                drawer.png(out / "neighborhoods" / nbhd["slug"] / "map.png", nbhd["name"], nbhd["nbhd_id"])
        if drawer:
            write("deserts/index.html", "deserts", page_name="deserts", city_map=drawer.pieces("../"))
            drawer.png(out / "deserts" / "map.png", self.context["sf"]["city"]["name"])
        write("about-the-data/index.html", "about_data", page_name="about_data",
              unlocated=by_nbhd.get("", []))
        write("data/index.html", "open_data", page_name="open_data")
        write("methodology/index.html", "methodology", page_name="methodology")
        listed = self.schools if len(self.schools) <= COMPARE_LIST_MAX else []
        write("compare/index.html", "compare", page_name="compare", schools=listed)
        for group, ranked in self._by_subgroup().items():
            write(f"students/{group.replace('_', '-')}/index.html", "students", page_name="students", group=group,
                  schools=ranked[:RANKED_MAX], total=len(ranked))
        self._write_search(write)
        self._copy_open_data()

    def _write_search(self, write):
        """The search page, its index and travel files, and the browse lists that work without JavaScript."""
        write("browse/index.html", "browse_index", page_name="browse")
        for entry in self.browse_lists:
            for name, chunk, number, count in browse.pages(entry, PER_PAGE):
                write(name, "browse", page_name="browse", entry=entry, schools=chunk, page_number=number,
                      page_count=count, total=len(entry["schools"]))
        if self.search_index is None:
            return
        write("search/index.html", "search", page_name="search", index=self.search_index)
        shutil.copytree(self.processed / "search", Path(self.output_path) / "search", dirs_exist_ok=True)

    def _maps(self) -> DesertMaps | None:
        """The desert map drawer, when the pipeline computed access figures."""
        if not self.access:
            return None
        strings = map_strings(self.translations.gettext, self.context["sf"]["tiers"])
        return DesertMaps(self.processed, self.schools, strings)

    def _reachable_from(self) -> dict[str, list[tuple[int, dict]]]:
        """Neighborhood slug -> schools a typical trip from there reaches within the reach limit, quickest first."""
        near: dict[str, list] = {}
        for school in self.schools:
            for _name, slug, minutes in (school.get("reach") or {}).get("within", []):
                near.setdefault(slug, []).append((minutes, school))
        return {slug: [s for _m, s in sorted(found, key=lambda x: (x[0], x[1]["name"]))] for slug, found in near.items()}

    def _by_subgroup(self) -> dict[str, list[dict]]:
        """Schools ordered by their result for each group of students: reported best first, then the rest."""
        groups: dict[str, list[dict]] = {}
        for school in self.schools:
            for group in school["tier"].get("subgroups", {}):
                groups.setdefault(group, []).append(school)
        return {group: sorted(schools, key=lambda s, g=group: -s["tier"]["subgroups"][g].get("sort", float("-inf")))
                for group, schools in sorted(groups.items())}

    def _copy_open_data(self):
        """Publish the merged directory as files next to the data dictionary page."""
        target = Path(self.output_path) / "data"
        for source in sorted((self.processed / "open-data").glob("schools.*")):
            shutil.copyfile(source, target / source.name)
        shutil.copyfile(self.processed / "compare.json", Path(self.output_path) / "compare" / "schools.json")
        if (self.processed / "open-data" / "deserts.csv").is_file():
            shutil.copyfile(self.processed / "open-data" / "deserts.csv", target / "deserts.csv")
