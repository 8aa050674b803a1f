"""The map shell, built by folium: the Leaflet map object and its vendored assets, once for every map of a build.

folium and branca render their own Jinja templates, so they are handed no input data at all: only numbers (centre,
zoom) and the module's constants. Nothing in the shell depends on the page's language: the map region is labelled
by an element the page writes (id ``<map element>-label``). The tile layer (with its translated attribution) and
every data layer (cells, outlines, stops, schools) travel as JSON and ``theme/static/js/desertmap.js`` draws them
onto the map this module declares (the global variable named like the map element's id).
"""

from __future__ import annotations

import contextlib
import itertools
import numbers
from collections.abc import Iterator

import branca.element
import folium
from folium.template import Template


@contextlib.contextmanager
def stable_ids(prefix: str) -> Iterator[None]:
    """Give every branca/folium element created inside the block a counter id; restore random ids afterwards.

    Parameters
    ----------
    prefix : str
        Start of every id, so that two maps on one page never share an id.
    """
    original = branca.element.Element.__dict__["_generate_id"]
    counter = itertools.count(1)
    branca.element.Element._generate_id = classmethod(lambda cls: f"{prefix}{next(counter)}")
    try:
        yield
    finally:
        branca.element.Element._generate_id = original


class _Map(folium.Map):
    """A folium Map for embedding: no viewport or page-wide styles in the head, a labelled region div."""

    _template = Template("""
        {% macro header(this, kwargs) %}<style>#{{ this.get_name() }}{position:relative;width:100%;height:70vh;min-height:18rem;max-height:40rem}.leaflet-container{font-size:1rem}</style>{% endmacro %}
        {% macro html(this, kwargs) %}<div class="folium-map" id={{ this.get_name()|tojson }} role="region"
        aria-labelledby={{ (this.get_name() ~ "-label")|tojson }}></div>{% endmacro %}
        {% macro script(this, kwargs) %}var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }},
            {center: {{ this.location|tojson }}, crs: L.CRS.{{ this.crs }}, ...{{ this.options|tojavascript }}});{% endmacro %}
    """)


def _number(x) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"folium is handed numbers only, got {x!r}")
    return float(x)


def leaflet_map(center, zoom: int, *, map_id: str, asset_base: str) -> dict[str, str]:
    """Render the Leaflet map with folium and return its ``head``, ``body`` and ``script`` pieces.

    Parameters
    ----------
    center : (float, float)
        Latitude and longitude the map opens on (numbers only).
    zoom : int
        Opening zoom level.
    map_id : str
        Prefix of every element id; the map element is ``map_<map_id>_1``.
    asset_base : str
        Our own URL prefix of the vendored Leaflet (``leaflet.js`` and ``leaflet.css`` are appended), already escaped.

    Returns
    -------
    dict
        ``head`` (Leaflet's script and link tags, the map's style), ``body`` (the map div, labelled by the element
        ``<element>-label``), ``script`` (the JavaScript that declares ``var map_<map_id>_1 = L.map(...)``) and
        ``element``. Deterministic.
    """
    lat, lon = (_number(v) for v in center)
    with stable_ids(f"{map_id}_"):
        m = _Map(location=[lat, lon], zoom_start=int(_number(zoom)), tiles=None, prefer_canvas=True,
                 scroll_wheel_zoom=False)
        m.default_js = [("leaflet", f"{asset_base}leaflet.js")]  # on the instance: folium's module lists stay untouched
        m.default_css = [("leaflet_css", f"{asset_base}leaflet.css")]
        root = m.get_root()
        root.render()
        root.header._children.pop("meta_http", None)  # the page has its own charset
        return {"head": root.header.render().strip(), "body": root.html.render().strip(),
                "script": root.script.render().strip(), "element": m.get_name()}
