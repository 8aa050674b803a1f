/* Quality-desert maps: draw each map's data (<script type="application/json" data-sf-map>) onto the Leaflet map folium
   declared (window[element id]; made here if that script is missing), with the vendored Leaflet.
   The data is the same in every language; the page's own UI strings (data-sf-map-strings: tier names, the tile
   attribution, the root of the page's language for school links) name what it shows.
   Names from the data are shown as text nodes, never parsed as HTML; links must be plain relative paths. */
(function () {
  "use strict";
  var UNSAFE_LINK = /^\s*([a-z][a-z0-9+.-]*:|[\\/]{2})/i;

  function lines(first, second, link) {
    var box = document.createElement("div");
    var head = document.createElement(link ? "a" : "span");
    head.textContent = first;
    if (link) { head.setAttribute("href", link); }
    box.appendChild(head);
    if (second) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(second)); }
    return box;
  }

  function safeLink(root, path) {
    if (!path || UNSAFE_LINK.test(path)) { return null; }
    var link = (root || "") + path;
    return UNSAFE_LINK.test(link) ? null : link;
  }

  function points(map, rows, colors, style, label, root) {
    var group = L.featureGroup().addTo(map);
    rows.forEach(function (r) {
      var marker = L.circleMarker([r[0], r[1]], Object.assign({fillColor: colors[r[2]]}, style));
      var second = label(r[2]);
      var link = safeLink(root, r[4]);
      marker.bindTooltip(function () { return lines(r[3], second); });
      if (link) { marker.bindPopup(function () { return lines(r[3], second, link); }); }
      group.addLayer(marker);
    });
  }

  function tiles(map, d, s) {
    if (!d.tiles) { return; }
    var credit = document.createElement("a");
    credit.setAttribute("href", d.tiles.copyright);
    credit.textContent = s.attribution || "© OpenStreetMap";
    L.tileLayer(d.tiles.url, {maxZoom: 19, attribution: credit.outerHTML}).addTo(map);
  }

  function draw(element, d, s) {
    // folium declares the map (a global named like the element); without its script, make our own.
    var map = window[element.id];
    if (!(map instanceof L.Map)) {
      map = L.map(element.id, {center: d.center, zoom: 10, zoomControl: true, preferCanvas: true, scrollWheelZoom: false});
      window[element.id] = map;
    }
    tiles(map, d, s);
    L.geoJson(d.cells, {interactive: false, style: function (f) {
      return f.properties.desert ? d.styles.desert : d.styles.served; }}).addTo(map);
    L.geoJson(d.outline, {style: function () { return d.styles.outline; }})
      .bindTooltip(function (layer) { return lines(layer.feature.properties.name); }, {sticky: true}).addTo(map);
    points(map, d.stops, d.stop_colors, d.styles.stop, function () { return ""; }, null);
    points(map, d.schools, d.tier_colors, d.styles.school, function (i) {
      return (i < 5 && (s.tiers || [])[i]) || s.unrated || ""; }, s.root);
    map.fitBounds(d.bounds);
  }

  function strings(id) {
    var found = null;
    Array.prototype.forEach.call(document.querySelectorAll('script[type="application/json"][data-sf-map-strings]'), function (e) {
      if (e.getAttribute("data-sf-map-strings") === id) { found = JSON.parse(e.textContent); }
    });
    return found || {};
  }

  Array.prototype.forEach.call(document.querySelectorAll('script[type="application/json"][data-sf-map]'), function (source) {
    var id = source.getAttribute("data-sf-map");
    var element = document.getElementById(id);
    if (element && window.L) { draw(element, JSON.parse(source.textContent), strings(id)); }
  });
}());
