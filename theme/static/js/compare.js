/* Compare page: the chosen schools live in the address (?s=a&s=b), so a comparison can be shared and
   the back button works. Every value is set with textContent: school data is never parsed as HTML. */
(function () {
  "use strict";
  var MAX = 4;
  var T = JSON.parse(document.getElementById("cmp-strings").textContent);
  var view = document.getElementById("cmp-view");
  var data = null;
  var script = document.currentScript;  // data-data: the site-wide schools.json, shared by every language
  var source = (script && script.getAttribute("data-data")) || "schools.json";

  function chosen() {
    var params = new URLSearchParams(location.search);
    var list = [];
    params.getAll("s").forEach(function (v) { v.split(",").forEach(function (s) { if (s && list.indexOf(s) < 0) list.push(s); }); });
    return list.slice(0, MAX);
  }
  function go(list) {
    var query = list.map(function (s) { return "s=" + encodeURIComponent(s); }).join("&");
    history.pushState(null, "", query ? "?" + query : location.pathname);
    render();
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function pct(v) { return v === undefined || v === null ? T.none : v + "%"; }
  function list(v) { return v && v.length ? v.join(", ") : T.none; }
  function rows(s) {
    var t = s.t;
    return [
      [T.tier, t[0] ? (T.tier_labels[t[1]] || t[1]) : (t[2] ? T.not_rated : T.no_rating)],
      [T.rating, t[2] ? t[2] + " (" + t[3] + ", " + t[4] + ")" : T.none],
      [T.sector, T[s.s] || T.none], [T.grades, s.g || T.none], [T.area, s.h || T.none],
      [T.programs, list(s.p)], [T.special_ed, list(s.se)], [T.el, list(s.el)],
      [T.enrolled, s.e === null ? T.none : s.e], [T.swd, pct(s.sh.students_with_disabilities)],
      [T.ell, pct(s.sh.english_learners)], [T.low_income, pct(s.sh.low_income)],
      [T.suspensions, s.su === null ? T.none : s.su],
      [T.admission, s.a && s.a.length ? s.a.map(function (a) { return T.routes[a] || a; }).join(", ") : T.none],
      [T.care, s.c && (s.c[0] || s.c[1]) ? (s.c[0] || T.none) + " / " + (s.c[1] || T.none) : T.none]
    ].concat(s.o ? [[T.grad, outcome(s.o.graduation_rate)], [T.college, outcome(s.o.college_enrollment_rate)]] : []);
  }
  function outcome(o) {
    if (!o) return T.none;
    if (o.suppressed) return T.suppressed;
    return o.value + "%" + (o.compare === null ? "" : " (" + T.district_value.replace("{v}", o.compare + "%") + ")");
  }
  function render() {
    var slugs = chosen().filter(function (s) { return data && data[s]; });
    var notice = view.querySelector(".notice");
    view.textContent = "";
    if (notice) view.appendChild(notice);
    document.querySelectorAll(".cmp-add").forEach(function (a) {
      var on = slugs.indexOf(a.dataset.slug) >= 0;
      a.firstChild.textContent = on ? T.added : T.add;
      a.setAttribute("aria-disabled", on ? "true" : "false");
    });
    if (!slugs.length) return;
    // One card per school: side by side on wide screens, stacked on a phone (never a table that scrolls sideways).
    var grid = el("ul", null, "compare-cards");
    grid.setAttribute("aria-label", T.caption);
    slugs.forEach(function (slug) {
      var card = grid.appendChild(el("li", null, "card"));
      var h = card.appendChild(el("h2", null, "card-title"));
      var link = h.appendChild(el("a", data[slug].n));
      link.href = "../schools/" + encodeURIComponent(slug) + "/";
      var facts = card.appendChild(el("dl", null, "summary-list"));
      rows(data[slug]).forEach(function (row) { facts.appendChild(el("dt", row[0])); facts.appendChild(el("dd", row[1])); });
      var remove = card.appendChild(el("button", T.remove, "cmp-remove"));
      remove.type = "button";
      remove.setAttribute("aria-label", T.remove + " " + data[slug].n);
      remove.addEventListener("click", function () { go(slugs.filter(function (s) { return s !== slug; })); });
    });
    view.appendChild(grid);
  }
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest(".cmp-add");
    if (!a) return;
    event.preventDefault();
    var list = chosen();
    if (list.indexOf(a.dataset.slug) >= 0) return;
    if (list.length >= MAX) { view.textContent = ""; view.appendChild(el("p", T.full, "notice")); render(); return; }
    list.push(a.dataset.slug);
    go(list);
    view.scrollIntoView();
  });
  window.addEventListener("popstate", render);
  fetch(source).then(function (r) { return r.json(); }).then(function (json) { data = json; render(); });
}());
