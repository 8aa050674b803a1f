"""SchoolPagesGenerator: home, school list, one page per school, neighborhoods and the data page."""

from __future__ import annotations

import functools
import gc
import json
import logging
import shutil
from pathlib import Path

from pelican.generators import Generator

from schoolfinder import contract
from schoolfinder.outputs import safety
from schoolfinder.outputs.views import school_view

from . import browse, i18n, pagecache, render
from .render import page_build
from .mapcache import cached_views
from .maps import Background, MapViews, cache_dir, prepare_maps

PER_PAGE = 500
NEARBY_MAX = 24  # schools listed as "nearby" on a neighborhood page, quickest first
RANKED_MAX = 500  # schools listed on a "how schools do for ..." page, best first
COMPARE_LIST_MAX = 3000  # above this, the compare page links to the paged list instead of listing every school

logger = logging.getLogger(__name__)


class SchoolPagesGenerator(Generator):
    """Render pages straight from the processed data (never one Markdown file per school)."""

    def generate_context(self):
        """Load the processed data and expose it to every template as ``sf``."""
        options = self.settings.get("SCHOOLFINDER", {})
        self.processed = Path(options.get("processed_dir", "data/processed"))
        gc.disable()  # a few hundred thousand new objects, none garbage: collections would only walk them again
        try:
            data = contract.read_processed(self.processed, object_hook=shared_strings())
        finally:
            gc.enable()
        self.access = contract.read_optional(self.processed, contract.ACCESS)
        manifest = self.manifest = data["manifest"]
        self.schools = sorted(data["schools"], key=lambda s: (s["name"].casefold(), s["slug"]))
        for school in self.schools:  # the pipeline writes it (outputs/views.py); processed data from before it did not
            if "view" not in school:
                school["view"] = school_view(school)
        self.neighborhoods = data["neighborhoods"]
        for nbhd in self.neighborhoods:
            nbhd["access"] = self.access["areas"].get(nbhd["nbhd_id"]) if self.access else None
        self.search_index = contract.read_optional(self.processed, contract.SEARCH_INDEX)
        self.trips = _trip_columns(self.search_index, contract.read_optional(self.processed, contract.SEARCH_PLACES))
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
            "build": page_build(manifest.get("build")),
            "population": manifest.get("population"),
        }
        self.browse_lists = browse.browse_lists(self.schools)
        self.context["sf"]["browse"] = [{k: e[k] for k in ("kind", "key", "path")} | {"count": len(e["schools"])}
                                        for e in self.browse_lists]

    def generate_output(self, writer):
        """Every page once per language (the default at the root, others under <lang>/): listed, then rendered
        (render.py: worker processes, page cache)."""
        sectors = [{**sector, "kind": "sector"} for sector in self.manifest.get("sectors", [])]
        self.site = i18n.Site(self.settings, getattr(self, "env", None), self.translations, self.context["sf"]["tiers"] + sectors)
        self.pages: list[render.Page] = []
        self._start_maps()  # the map pre-pass, once for every language (beside this process when it may fork)...
        for lang in self.site.languages:  # ...while the templates compile (here: the workers inherit them)
            self.site.template_getter(lang)
        for lang in self.site.languages:
            self._write_language(writer, lang)
        self.render_summary = self._renderer().render(self.pages)
        self._copy_open_data()
        self.site.write_sitemap(self.output_path)
        self._write_build_manifest()

    def _page_writer(self, writer, lang: str):
        """``write(name, template, **kwargs)`` for one language: lists the page (its folder, its URLs) to render."""
        prefix = self.site.prefix(lang)
        gettext_fn = self.site.translations(lang).gettext
        unit, units = i18n.unit_names(gettext_fn, self.context["sf"]["unit"])

        def write(name, template, sitemap=True, **kwargs):
            variables = {**self.site.page_vars(lang, name, record=sitemap), "unit": unit, "units": units, **kwargs}
            self.pages.append(render.Page(prefix + name, lang, template, variables))
        return write

    def _renderer(self) -> render.PageRenderer:
        """The renderer of this build: its templates per language, workers and page cache (SCHOOLFINDER options)."""
        options = self.settings.get("SCHOOLFINDER", {})
        getters = {lang: self.site.template_getter(lang) for lang in self.site.languages}
        folder, cache = render.cache_dir(options), None
        if folder is not None:
            code = sorted(Path(__file__).parent.glob("*.py")) + [Path(safety.__file__)]
            cache = pagecache.PageCache(folder, pagecache.site_key(self.context, self.settings["THEME"], code),
                                         self.schools + self.neighborhoods)
        build_id = (self.manifest.get("build") or {}).get("id", "")
        return render.PageRenderer(self.output_path, self.context, lambda lang, name: getters[lang](name),
                                   render.worker_count(options), cache, build_id)

    def _write_language(self, writer, lang: str):
        """Every page of the site in one language."""
        write = self._page_writer(writer, lang)
        out = Path(self.output_path) / self.site.prefix(lang)
        write("index.html", "home", page_name="home")
        pages = [self.schools[i:i + PER_PAGE] for i in range(0, len(self.schools), PER_PAGE)] or [[]]
        for number, chunk in enumerate(pages, start=1):
            name = "schools/index.html" if number == 1 else f"schools/page/{number}/index.html"
            write(name, "schools", schools=chunk, page_number=number, page_count=len(pages), page_name="schools")
        nbhd_by_slug = {n["slug"]: n for n in self.neighborhoods}
        for school in self.schools:
            write(f"schools/{school['slug']}/index.html", "school", school=school, page_name="school",
                  nbhd=nbhd_by_slug.get(school["neighborhood_slug"]), trip=self.trips.get(school["slug"]))
        self._write_neighborhoods(write, lang, out)
        write("about-the-data/index.html", "about_data", page_name="about_data",
              unlocated=[s for s in self.schools if s["neighborhood_slug"] == ""])
        write("data/index.html", "open_data", page_name="open_data")
        write("methodology/index.html", "methodology", page_name="methodology")
        listed = self.schools if len(self.schools) <= COMPARE_LIST_MAX else []
        write("shortlist/index.html", "shortlist", page_name="shortlist",
              tier_labels=i18n.tier_texts(self.context["sf"]["tiers"], lang))
        write("compare/index.html", "compare", page_name="compare", schools=listed,
              tier_labels=i18n.tier_texts(self.context["sf"]["tiers"], lang))
        for group, ranked in self._by_subgroup().items():
            write(f"students/{group.replace('_', '-')}/index.html", "students", page_name="students", group=group,
                  schools=ranked[:RANKED_MAX], total=len(ranked))
        self._write_search(write)
        self._write_content_pages(write, lang)

    def _write_neighborhoods(self, write, lang: str, out: Path):
        """The neighborhood list, one page per neighborhood (with its map and embed), and the deserts page; the maps
        themselves were made once for every language (``_maps``), the pages only get their variables."""
        by_nbhd: dict[str, list[dict]] = {}
        for school in self.schools:
            by_nbhd.setdefault(school["neighborhood_slug"], []).append(school)
        write("neighborhoods/index.html", "neighborhoods", page_name="neighborhoods")
        near = self._reachable_from()
        views = self._maps()
        up = "../" if lang != self.site.default else ""  # shared files (theme, maps, images) sit at the site root
        for nbhd in self.neighborhoods:
            here = by_nbhd.get(nbhd["slug"], [])
            nearby = [s for s in near.get(nbhd["slug"], []) if s["neighborhood_slug"] != nbhd["slug"]][:NEARBY_MAX]
            view = views.areas.get(nbhd["nbhd_id"]) if views else None
            write(f"neighborhoods/{nbhd['slug']}/index.html", "neighborhood", neighborhood=nbhd, schools=here,
                  nearby=nearby, page_name="neighborhood", area_map=view and views.page(view, "../../", up + "../../"))
            if view:
                write(f"neighborhoods/{nbhd['slug']}/embed/index.html", "embed", neighborhood=nbhd, page_name="embed",
                      area_map=views.page(view, "../../../", up + "../../../"), sitemap=False)
        if views:
            write("deserts/index.html", "deserts", page_name="deserts", city_map=views.page(views.city, "../", up + "../"))

    def _write_content_pages(self, write, lang: str):
        """The hand-written pages (content/pages), each in this language; a missing translation is a build error."""
        for page in self.context.get("pages", []):
            here = page if page.lang == lang else next((t for t in page.translations if t.lang == lang), None)
            if here is None:
                logger.error("content page %s has no %s translation (add %s.%s.md with Lang: %s)",
                             page.source_path, lang, page.slug, lang, lang)
                continue
            write(f"{page.slug}/index.html", "page", page=here, page_name="page")

    def _write_build_manifest(self):
        """build-manifest.json at the site root: build id, input hashes, code version, counts (no timings: reproducible)."""
        manifest = self.manifest
        if manifest.get("build"):
            data = {**manifest["build"], "counts": manifest["counts"], "city": manifest["city"]["name"]}
            (Path(self.output_path) / "build-manifest.json").write_text(
                json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

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

    def _start_maps(self):
        """Start the map pre-pass (:class:`maps.Background`: a forked process unless the build renders in one)."""
        self.map_job = None
        if self.access:
            make = functools.partial(cached_views, prepare_maps, self.processed, self.schools, self.neighborhoods,
                                     Path(self.output_path), cache_dir(self.settings))
            self.map_job = Background(make, render.worker_count(self.settings.get("SCHOOLFINDER", {})))

    def _maps(self) -> MapViews | None:
        """Every desert map of the site (None when the pipeline computed no access figures), made once for all
        languages by the pre-pass ``_start_maps`` began."""
        return self.map_job.result() if self.map_job is not None else None

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
        for source in sorted((self.processed / contract.OPEN_DATA).glob("schools.*")):
            shutil.copyfile(source, target / source.name)
        shutil.copyfile(self.processed / contract.COMPARE, Path(self.output_path) / "compare" / "schools.json")
        if (self.processed / contract.OPEN_DATA / "deserts.csv").is_file():
            shutil.copyfile(self.processed / contract.OPEN_DATA / "deserts.csv", target / "deserts.csv")
        if self.search_index is not None:  # one copy at the site root, for every language
            shutil.copytree(self.processed / contract.SEARCH, Path(self.output_path) / "search", dirs_exist_ok=True)


def shared_strings():
    """A ``json.loads`` object hook that keeps one copy of each string value (sector, dates, source ids, labels,
    neighborhood names... repeat across schools): about half the memory of the school records, so less to copy into
    each page worker too. Only strings: the values read are the same."""
    share = {}.setdefault

    def share_items(items: list) -> None:  # objects inside lists were shared by the hook already (innermost first)
        for i, item in enumerate(items):
            kind = type(item)
            if kind is str:
                items[i] = share(item, item)
            elif kind is list:  # rows such as reach.within: [name, slug, minutes]
                share_items(item)

    def hook(obj: dict) -> dict:
        for key, value in obj.items():
            kind = type(value)
            if kind is str:
                obj[key] = share(value, value)
            elif kind is list:
                share_items(value)
        return obj
    return hook


def _trip_columns(search_index: dict | None, places: dict | None) -> dict[str, dict]:
    """School slug -> its column in the travel-time files and its bell (minutes after midnight), for "leave by"."""
    if search_index is None or places is None:
        return {}
    bells = places["bell"]
    return {row[0]: {"col": i, "bell": bells[i]} for i, row in enumerate(search_index["schools"])}
