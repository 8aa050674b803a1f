/* The shortlist page: the schools starred on this device (or named in a shared link, ?s=a,b,c), each with its tier,
   grades, travel time and leave-by from the chosen home, and its application deadline. Text only via textContent. */
(function () {
  "use strict";
  var script = document.currentScript;
  var T = JSON.parse(document.getElementById("sl-strings").textContent);
  var TT = JSON.parse(document.getElementById("trip-strings").textContent);
  var box = document.getElementById("sl"), root = box.getAttribute("data-root");
  var list = document.getElementById("sl-list");
  var data = null, mins = null, bells = [], restored = false;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fromLink() {
    var shared = new URLSearchParams(location.search).get("s");
    if (!shared) return;
    var mine = sf.shortlist();
    shared.split(",").forEach(function (s) { if (/^[a-z0-9][a-z0-9-]*$/.test(s) && mine.indexOf(s) < 0) mine.push(s); });
    sf.setShortlist(mine);
    restored = true;
  }
  function card(slug) {
    var s = data[slug], li = el("li", null, "card");
    var h = li.appendChild(el("h2", null, "card-title"));
    var a = h.appendChild(el("a", s.n));
    a.href = sf.withHome(root + "/schools/" + encodeURIComponent(slug) + "/");
    var star = h.appendChild(el("button", null, "star"));
    star.type = "button";
    star.setAttribute("data-star", slug);
    star.setAttribute("aria-pressed", "true");
    star.setAttribute("aria-label", T.remove.replace("{name}", s.n));
    star.appendChild(document.querySelector(".icon-star-template").content.cloneNode(true));
    var facts = li.appendChild(el("p", null, "card-facts"));
    var rank = s.t[0];
    facts.appendChild(el("span", rank ? (T.tier_labels[s.t[1]] || s.t[1]) : (s.t[2] ? T.not_rated : T.no_rating),
      "tier tier-" + (rank || "none")));
    facts.appendChild(el("span", s.g ? T.grades.replace("{g}", s.g) : T.no_grades));
    if (mins) li.appendChild(el("p", sf.trip(TT, mins[s.i], bells[s.i]), "card-travel"));
    li.appendChild(el("p", s.d ? T.deadline.replace("{d}", s.d) : T.no_deadline, "card-deadline"));
    var routes = (s.a || []).map(function (a) { return T.routes[a] || a; }).join(", ");
    li.appendChild(el("p", T.admission.replace("{a}", routes || T.none), "card-facts"));
    var c = s.c || ["", ""];
    li.appendChild(el("p", T.care.replace("{b}", c[0] || T.none).replace("{e}", c[1] || T.none), "card-facts"));
    var g = s.o && s.o.graduation_rate;
    if (g) li.appendChild(el("p", T.grad.replace("{v}", g.suppressed ? T.suppressed : g.value + "%"), "card-facts"));
    return li;
  }
  function render() {
    var slugs = sf.shortlist().filter(function (s) { return data[s]; });
    list.replaceChildren.apply(list, slugs.map(card));
    var n = slugs.length;
    document.getElementById("sl-status").textContent = (restored ? T.restored + " " : "") +
      (n ? (n === 1 ? T.one : T.other.replace("{n}", n)) : T.empty);
    var home = sf.home();
    document.getElementById("sl-home").textContent = home && mins ? T.home_set.replace("{from}", sf.homeLabel(TT, home)) : T.home_none;
    var compare = document.getElementById("sl-compare");
    document.getElementById("sl-has").hidden = n < 1;
    compare.href = root + "/compare/" + (n ? "?" + slugs.slice(0, 4).map(function (s) { return "s=" + encodeURIComponent(s); }).join("&") : "");
    var share = new URL(location.pathname, location.href);
    if (n) share.searchParams.set("s", slugs.join(","));
    document.getElementById("sl-share").value = share.href.replace(/%2C/g, ",");
    sf.paintStars();
  }
  document.getElementById("sl-print").addEventListener("click", function () { window.print(); });
  // Unstarring on this page removes the card once the shared click handler has saved the change.
  list.addEventListener("click", function (e) { if (e.target.closest("[data-star]")) setTimeout(render, 0); });
  fromLink();
  var home = sf.home();
  Promise.all([
    fetch(script.getAttribute("data-data")).then(function (r) { return r.json(); }),
    sf.minutes(home),
    home ? sf.places().catch(function () { return { bell: [] }; }) : Promise.resolve({ bell: [] })
  ]).then(function (got) {
    data = got[0]; mins = got[1]; bells = got[2].bell;
    document.getElementById("sl-nojs").hidden = true;
    box.hidden = false;
    render();
  });
}());
