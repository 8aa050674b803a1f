/* Quality-desert maps: draw each map's data (<script type="application/json">) onto the Leaflet map folium declared
   (window[element id]; made here if that script is missing), with the vendored Leaflet.
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

  function points(map, rows, colors, style) {
    var group = L.featureGroup().addTo(map);
    rows.forEach(function (r) {
      var marker = L.circleMarker([r[0], r[1]], Object.assign({fillColor: colors[r[2]]}, style));
      marker.bindTooltip(function () { return lines(r[3], r[4]); });
      if (r[5] && !UNSAFE_LINK.test(r[5])) { marker.bindPopup(function () { return lines(r[3], r[4], r[5]); }); }
      group.addLayer(marker);
    });
  }

  function draw(element, d) {
    // folium declares the map and its tile layer (a global named like the element); without it, make our own.
    var map = window[element.id];
    if (map instanceof L.Map) { return layers(map, d); }
    map = L.map(element.id, {center: d.center, zoom: 10, zoomControl: true, preferCanvas: true, scrollWheelZoom: false});
    window[element.id] = map;
    if (d.tiles) {
      var credit = document.createElement("a");
      credit.setAttribute("href", d.tiles.copyright);
      credit.textContent = d.tiles.attribution;
      L.tileLayer(d.tiles.url, {maxZoom: 19, attribution: credit.outerHTML}).addTo(map);
    }
    layers(map, d);
  }

  function layers(map, d) {
    L.geoJson(d.cells, {interactive: false, style: function (f) {
      return f.properties.desert ? d.styles.desert : d.styles.served; }}).addTo(map);
    L.geoJson(d.outline, {style: function () { return d.styles.outline; }})
      .bindTooltip(function (layer) { return lines(layer.feature.properties.name); }, {sticky: true}).addTo(map);
    points(map, d.stops, d.stop_colors, d.styles.stop);
    points(map, d.schools, d.tier_colors, d.styles.school);
    map.fitBounds(d.bounds);
  }

  Array.prototype.forEach.call(document.querySelectorAll('script[type="application/json"][data-sf-map]'), function (source) {
    var element = document.getElementById(source.getAttribute("data-sf-map"));
    if (element && window.L) { draw(element, JSON.parse(source.textContent)); }
  });
}());
