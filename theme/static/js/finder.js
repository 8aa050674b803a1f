/* On every page: the shortlist (stars) and the family's home, both kept on this device only (localStorage and
   the address of the page; never sent anywhere). School data only reaches the page through textContent. */
(function () {
  "use strict";
  var LIST = "sf-shortlist", HOME = "sf-home";
  var script = document.currentScript;
  var dataRoot = (script && script.getAttribute("data-root")) || "";
  function read(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  }
  var slugRe = /^[a-z0-9][a-z0-9-]*$/;
  function shortlist() { return read(LIST, []).filter(function (s) { return typeof s === "string" && slugRe.test(s); }); }
  function setShortlist(list) { write(LIST, list); paintStars(); }
  function toggle(slug) {
    var list = shortlist(), at = list.indexOf(slug);
    if (at >= 0) list.splice(at, 1); else list.push(slug);
    setShortlist(list);
  }
  function paintStars() {
    var list = shortlist();
    document.querySelectorAll("[data-star]").forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", list.indexOf(b.getAttribute("data-star")) >= 0 ? "true" : "false");
    });
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-star]");
    if (b) toggle(b.getAttribute("data-star"));
  });

  // Home: {k: "n", i: neighborhood index, label} or {k: "c", i: travel cell index, label}; "home=n3" / "home=c120" in URLs.
  function parseHome(text) {
    var m = /^([nc])(\d+)$/.exec(text || "");
    return m ? { k: m[1], i: +m[2] } : null;
  }
  function home() {
    var fromUrl = parseHome(new URLSearchParams(location.search).get("home"));
    var saved = read(HOME, null);
    if (fromUrl && !(saved && saved.k === fromUrl.k && saved.i === fromUrl.i)) { write(HOME, fromUrl); return fromUrl; }
    return saved && parseHome(saved.k + saved.i) ? saved : null;
  }
  function setHome(h) { write(HOME, h); }
  var cache = {};
  function getJSON(path) {
    if (!cache[path]) cache[path] = fetch(dataRoot + path).then(function (r) { if (!r.ok) throw new Error(path); return r.json(); });
    return cache[path];
  }
  function getBytes(path) {
    if (!cache[path]) cache[path] = fetch(dataRoot + path).then(function (r) { if (!r.ok) throw new Error(path); return r.arrayBuffer(); })
      .then(function (b) { return new Uint8Array(b); });
    return cache[path];
  }
  // Minutes from home to every school (index order), or null.
  function minutes(h) {
    h = h || home();
    if (!h) return Promise.resolve(null);
    if (h.k === "n") return getBytes("/search/from/n" + h.i + ".u8").catch(function () { return null; });
    return getJSON("/search/cells.json").then(function (cells) {
      var chunk = Math.floor(h.i / cells.chunk), row = h.i - chunk * cells.chunk;
      return getBytes("/search/from/c" + chunk + ".u8").then(function (buf) {
        return buf.slice(row * cells.schools, (row + 1) * cells.schools);
      });
    }).catch(function () { return null; });
  }
  function places() { return getJSON("/search/places.json"); }
  // The nearest travel cell to a point (within 2 km), or -1: a home picked on the map or near the device.
  function nearestCell(lat, lon) {
    return getJSON("/search/cells.json").then(function (cells) {
      var k = Math.cos((lat * Math.PI) / 180), best = -1, bestD = Infinity;
      cells.lat.forEach(function (la, i) {
        var d = Math.pow(la - lat, 2) + Math.pow((cells.lon[i] - lon) * k, 2);
        if (d < bestD) { bestD = d; best = i; }
      });
      return Math.sqrt(bestD) * 111.2 > 2 ? -1 : best;
    });
  }
  function clock(mins) { return ("0" + Math.floor(mins / 60)).slice(-2) + ":" + ("0" + (mins % 60)).slice(-2); }
  // "N min by transit, leave by HH:MM" for one school, or "" (255 = no trip within the limit).
  function trip(T, m, bell) {
    if (m === undefined || m === null) return "";
    if (m === 255) return T.no_trip;
    var text = T.trip.replace("{n}", m);
    return bell === null || bell === undefined ? text : text + ", " + T.leave.replace("{t}", clock(bell - m));
  }
  function homeLabel(T, h) { return h && h.label ? h.label : T.home; }
  function withHome(url, h) {
    h = h || home();
    if (!h) return url;
    var u = new URL(url, location.href);
    u.searchParams.set("home", h.k + h.i);
    return u.pathname + u.search;
  }
  window.sf = { shortlist: shortlist, setShortlist: setShortlist, paintStars: paintStars, home: home, setHome: setHome,
                minutes: minutes, places: places, nearestCell: nearestCell, getJSON: getJSON, trip: trip, clock: clock, homeLabel: homeLabel,
                withHome: withHome };
  paintStars();
  // A printed school page shows every section, open or not.
  addEventListener("beforeprint", function () { document.querySelectorAll("details.acc").forEach(function (d) { d.open = true; }); });

  // A school page: the trip from the chosen home, in its summary card.
  var mine = document.getElementById("my-trip");
  if (mine) {
    var T = JSON.parse(document.getElementById("trip-strings").textContent);
    var h = home();
    if (h) minutes(h).then(function (m) {
      if (!m) return;
      var col = +mine.getAttribute("data-col"), bell = mine.getAttribute("data-bell");
      mine.textContent = trip(T, m[col], bell === "" ? null : +bell) + " " + T.from.replace("{from}", homeLabel(T, h)) +
        (bell === "" ? "" : ". " + T.bell.replace("{t}", clock(+bell)));
      mine.hidden = false;
    });
  }
}());
