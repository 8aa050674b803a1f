// The search page's map: the vendored Leaflet, loaded only when the family asks for the map. One marker per school
// found that has a location; the tier shows as a number and a shape as well as a colour. Markers are keyboard
// buttons (Leaflet's own); a marker opens a popup and marks its card in the list, and a card marks its marker.
// Text reaches the page through textContent only; the tiles are the only outside requests.

function loadLeaflet(base) {
  if (window.L) return Promise.resolve(window.L);
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "leaflet.css";
  document.head.appendChild(css);
  return new Promise((resolve, reject) => {
    const js = document.createElement("script");
    js.src = base + "leaflet.js";
    js.onload = () => resolve(window.L);
    js.onerror = reject;
    document.head.appendChild(js);
  });
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

export async function SearchMap(box, { places, index, T, form, root, onPick, status }) {
  const L = await loadLeaflet(box.dataset.leaflet);
  const lats = places.lat.filter((v) => v !== null), lons = places.lon.filter((v) => v !== null);
  const map = L.map(box, { keyboard: true, zoomSnap: 0.5 });
  map.fitBounds([[Math.min(...lats), Math.min(...lons)], [Math.max(...lats), Math.max(...lons)]], { padding: [12, 12] });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "© OpenStreetMap contributors",
  }).addTo(map);
  box.setAttribute("aria-label", document.getElementById("map-title").textContent);
  const layer = L.layerGroup().addTo(map);
  const markers = new Map();
  let homeMarker = null, picking = false;
  const tierText = (s) => (s.tier ? form.elements.tier.options[s.tier].dataset.tier : T.no_tier);
  // The marker's name starts with the text it shows (the tier number), as WCAG 2.5.3 asks.
  const markerName = (s) => (s.tier ? String(s.tier) : "\u2013") + " \u2013 " + tierText(s) + ": " + s.name;

  function pin(s) {
    const icon = el("span", null, "pin pin-" + (s.tier || "none"));
    icon.appendChild(el("b", s.tier ? String(s.tier) : "\u2013"));
    return L.divIcon({ html: icon, className: "pin-wrap", iconSize: [30, 30], iconAnchor: [15, 15] });
  }

  function popup(s) {
    const div = el("div");
    const a = div.appendChild(el("a", s.name));
    a.href = window.sf.withHome(root + "/schools/" + encodeURIComponent(s.slug) + "/");
    div.appendChild(el("br"));
    div.appendChild(el("span", tierText(s)));
    return div;
  }

  function mark(id, on) {
    const m = markers.get(id);
    if (m && m._icon) m._icon.classList.toggle("active", on);
    const card = document.querySelector('#search-results [data-id="' + id + '"]');
    if (card) card.classList.toggle("selected", on);
  }

  function show(schools) {
    layer.clearLayers();
    markers.clear();
    let off = 0;
    for (const s of schools) {
      const lat = places.lat[s.id], lon = places.lon[s.id];
      if (lat === null || lon === null) { off++; continue; }
      const m = L.marker([lat, lon], { icon: pin(s), title: markerName(s), keyboard: true, riseOnHover: true })
        .bindPopup(() => popup(s));
      m.on("popupopen", () => mark(s.id, true));
      m.on("popupclose", () => mark(s.id, false));
      m.addTo(layer);
      if (m._icon) m._icon.setAttribute("aria-label", markerName(s));
      markers.set(s.id, m);
    }
    box.dataset.markers = markers.size;
    if (markers.size && !picking) {
      map.fitBounds(L.featureGroup([...markers.values()]).getBounds(), { padding: [20, 20], maxZoom: 15 });
    }
    status.textContent = T.on_map.replace("{n}", markers.size) + (off ? " " + T.off_map.replace("{n}", off) : "");
  }

  // A card that gets focus or the pointer marks its marker (and the other way round through the popup).
  const list = document.getElementById("search-results");
  const cardId = (e) => { const c = e.target.closest && e.target.closest("[data-id]"); return c ? +c.dataset.id : null; };
  list.addEventListener("focusin", (e) => { const id = cardId(e); if (id !== null) mark(id, true); });
  list.addEventListener("focusout", (e) => { const id = cardId(e); if (id !== null) mark(id, false); });
  list.addEventListener("mouseover", (e) => { const id = cardId(e); if (id !== null) mark(id, true); });
  list.addEventListener("mouseout", (e) => { const id = cardId(e); if (id !== null) mark(id, false); });

  map.on("click", (e) => { if (picking) onPick(e.latlng.lat, e.latlng.lng); });

  return {
    show,
    count: () => markers.size,
    center: () => { const c = map.getCenter(); return [c.lat, c.lng]; },
    picking: (on) => { picking = on; box.classList.toggle("picking", on); },
    home: (latlon) => {
      if (homeMarker) homeMarker.remove();
      const icon = el("span", null, "pin pin-home");
      icon.appendChild(el("b", "\u2302"));
      homeMarker = L.marker(latlon, { icon: L.divIcon({ html: icon, className: "pin-wrap", iconSize: [30, 30], iconAnchor: [15, 15] }),
        keyboard: false, interactive: false }).addTo(map);
    },
  };
}
