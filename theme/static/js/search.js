// School search in the browser: MiniSearch over the index the pipeline wrote (search/index.json), facets with
// counts (searchfacets.js), travel time from a neighborhood or from "near me", and the whole state in the URL.
// Data strings only ever reach the page through textContent or attribute setters, never as HTML.
import MiniSearch from "../vendor/search/minisearch.js";
import { stemmer } from "../vendor/search/stemmer.js";
import { card } from "./searchcard.js";
import { FACETS, failures, slot, updateCounts } from "./searchfacets.js";

const form = document.getElementById("search");
const root = form.dataset.root;  // root of the page's language: links to school pages
const dataRoot = form.dataset.data || root;  // root of the site: the index and travel files both languages share
const $ = (id) => document.getElementById(id);
const PAGE = 20;
const T = JSON.parse(document.getElementById("search-strings").textContent);
const TT = JSON.parse(document.getElementById("trip-strings").textContent);  // shared with school and shortlist pages
const FIELDS = ["q", ...FACETS, "from", "within", "sort"];

const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\u2019/g, "'");
const nameKey = (text) => fold(text).split(/[^\p{L}\p{N}_]+/u).filter(Boolean).join(" ");
let places = { lat: [], lon: [], bell: [] }, map = null, lastResults = [];
let options = {}, byName, STOP, index, engine, schools, phraseRe, concepts, minutes = null, shown = PAGE, fromLabel = "";

function load(data) {
  const col = Object.fromEntries(data.columns.map((c, i) => [c, i]));
  schools = data.schools.map((r, id) => ({
    id, slug: r[col.slug], name: r[col.name], alias: r[col.alias], nbhd: r[col.nbhd], address: r[col.address],
    offers: r[col.offers], lo: r[col.grade_low], hi: r[col.grade_high], operator: r[col.operator],
    sector: r[col.sector], tier: r[col.tier], keywords: r[col.keywords], key: nameKey(r[col.name]),
    adm: r[col.admission], type: r[col.type], before: r[col.care_from], after: r[col.care_until],
  }));
  const nb = data.neighborhoods, of = data.offers, op = data.operators;
  engine = new MiniSearch({
    fields: ["n", "a", "h", "d", "p", "o", "k"],
    processTerm: (term) => fold(term),
    searchOptions: { boost: { n: 3, a: 2, h: 2, k: 1.5 }, processTerm: (t) => t },
  });
  engine.addAll(schools.map((s) => ({  // the text of each field, built once (MiniSearch keeps only the index)
    id: s.id, n: s.name, a: s.alias, d: s.address, k: s.keywords,
    h: s.nbhd >= 0 ? nb[s.nbhd][0] + " " + nb[s.nbhd][2] : "",
    p: s.offers.map((i) => of[i][0] + " " + of[i][1]).join(" "),
    o: s.operator >= 0 ? op[s.operator][0] + " " + op[s.operator][1] : "",
  })));
  const collator = new Intl.Collator(document.documentElement.lang, { sensitivity: "base", numeric: true });
  byName = [...schools].sort((a, b) => collator.compare(a.name, b.name));
  byName.forEach((s, i) => { s.rank = i; });
  for (const f of FACETS) {
    options[f] = [...form.elements[f].options].filter((o) => o.value);
    options[f].forEach((o) => { o.slot = slot(f, o.value); });
  }
  concepts = new Set(data.concepts);
  STOP = new Set(data.stop);
  const longestFirst = Object.keys(data.phrases).sort((a, b) => b.length - a.length);  // "career academy", then "career"
  const phrases = longestFirst.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  phraseRe = new RegExp("(?<![\\p{L}\\p{N}])(" + phrases.join("|") + ")(?![\\p{L}\\p{N}])", "gu");
  index = data;
}

// "pre-k in Pilsen" -> AND of (prek) and (pilsen | its stem): typo-tolerant; the word being typed also matches
// as a prefix (earlier words are finished, so they match whole, which keeps every keystroke cheap).
function query(text) {
  const replaced = fold(text).replace(phraseRe, (m) => index.phrases[m]);
  const words = replaced.split(/[^\p{L}\p{N}]+/u).filter((w) => w && !STOP.has(w) && (w.length > 1 || /\d/.test(w)));
  const typing = /[\p{L}\p{N}]$/u.test(text);
  const last = words[words.length - 1];
  if (typing && last && last.length < 3 && !concepts.has(last) && !/\d/.test(last)) words.pop();  // "li": wait for more
  return words.map((w, i) => concepts.has(w)
    ? { queries: [w], prefix: false, fuzzy: false }
    : { combineWith: "OR", queries: [...new Set([w, stemmer(w)])], prefix: typing && i === words.length - 1,
        fuzzy: w.length >= 4 ? 0.2 : false });
}

// With ``allowLoose`` (once typing pauses), a query no school matches in full falls back to any of its words.
function matches(text, allowLoose) {
  const parts = query(text);
  if (!parts.length) return { hits: byName.map((s) => [s, 0]), loose: false };  // no words: every school, A-Z
  let found = engine.search({ combineWith: "AND", queries: parts });
  let loose = false;
  if (!found.length && parts.length > 1 && allowLoose) {
    found = engine.search({ combineWith: "OR", queries: parts });
    loose = true;
  }
  const hits = found.map((r) => [schools[r.id], r.score]);
  const typed = nameKey(text);  // a school whose whole name was typed comes first
  const exact = hits.findIndex(([s]) => s.key === typed);
  if (exact > 0) hits.unshift(...hits.splice(exact, 1));
  return { hits, loose };
}

function state() {
  const st = {};
  for (const f of FIELDS) st[f] = form.elements[f].value;
  return st;
}

function reachable(s, st) {
  if (!minutes || !st.within) return true;
  return minutes[s.id] <= +st.within;
}

function run(st, counts, allowLoose = true) {
  const { hits, loose } = matches(st.q, allowLoose);
  const chosen = FACETS.map((f) => (st[f] === "" ? null : +st[f]));
  const masks = hits.map(([s]) => failures(s, chosen, reachable(s, st)));
  const results = hits.filter((_, i) => masks[i] === 0);
  if (counts) updateCounts(options, hits, masks);
  const by = {
    name: (a, b) => a[0].rank - b[0].rank,
    tier: (a, b) => (a[0].tier || 99) - (b[0].tier || 99) || b[1] - a[1],
    travel: (a, b) => (minutes ? minutes[a[0].id] - minutes[b[0].id] : 0) || a[0].rank - b[0].rank,
  }[st.sort];
  if (by) results.sort(by);
  return { results, loose };
}

let drawn = "", saved = new Set();
function render(st, keepPage, typing = false) {
  const { results, loose } = run(st, $("search-filters").open, !typing);
  if (!keepPage) shown = PAGE;
  const page = results.slice(0, shown);
  saved = new Set(window.sf.shortlist());
  lastResults = results;
  if (map) map.show(results.map(([s]) => s), minutes);
  const key = page.map(([s]) => s.id).join(",") + "|" + (minutes ? fromLabel : "");
  if (key !== drawn) { $("search-results").replaceChildren(...page.map(([s]) => card(s, { root, index, form, T, TT, saved, minutes, bell: places.bell, fromLabel }))); drawn = key; }
  const n = results.length;
  const status = (n === 1 ? T.one : T.other.replace("{n}", n)) + (loose ? " " + T.loose : "");
  if ($("search-status").textContent !== status) $("search-status").textContent = status;
  $("search-more").hidden = n <= shown;
  $("home-line").hidden = !minutes;
  if (minutes) $("home-line").firstChild.textContent = T.home_line.replace("{from}", fromLabel);
  return results;
}

async function setOrigin(st) {
  minutes = null;
  fromLabel = "";
  if (!st.from) return;
  const home = window.sf.home();
  if (st.from === "me" || st.from === "map") {  // a travel cell: the one near the device, or picked on the map
    if (!home || home.k !== "c") return;
    minutes = await window.sf.minutes(home);
    fromLabel = st.from === "me" ? T.me : T.here;
    return;
  }
  const i = index.neighborhoods.findIndex((n) => n[1] === st.from);
  if (i < 0) return;
  const chosen = { k: "n", i, label: index.neighborhoods[i][0] };
  window.sf.setHome(chosen);
  minutes = await window.sf.minutes(chosen);
  if (minutes) fromLabel = chosen.label;
}

// Home picked on the map (a tap, or the map's centre from the keyboard).
async function pickHome(lat, lon) {
  const best = await window.sf.nearestCell(lat, lon);
  const status = $("map-status");
  if (best < 0) { status.textContent = T.geo_far; return; }
  window.sf.setHome({ k: "c", i: best });
  form.elements.from.value = "map";
  await setOrigin(state());
  $("near-me-status").textContent = T.picked;
  status.textContent = T.picked;
  const cells = await window.sf.getJSON("/search/cells.json");
  if (map) { map.home([cells.lat[best], cells.lon[best]]); map.picking(false); }
  $("pick-help").hidden = true;
  update(true);
}

async function nearMe() {
  const status = $("near-me-status");
  if (!navigator.geolocation) { status.textContent = T.geo_none; return; }
  status.textContent = T.geo_ask;
  navigator.geolocation.getCurrentPosition(async (pos) => {
    const best = await window.sf.nearestCell(pos.coords.latitude, pos.coords.longitude);
    if (best < 0) { status.textContent = T.geo_far; return; }
    window.sf.setHome({ k: "c", i: best });
    minutes = await window.sf.minutes({ k: "c", i: best });
    fromLabel = T.me;
    form.elements.from.value = "me";
    status.textContent = T.geo_done;
    update(true);
  }, () => { status.textContent = T.geo_denied; });
}

function toUrl(st) {
  const params = new URLSearchParams();
  for (const f of FIELDS) if (st[f]) params.set(f, st[f]);
  const home = window.sf.home();  // a point (never coordinates): the travel cell's number
  if ((st.from === "me" || st.from === "map") && home && home.k === "c") params.set("home", "c" + home.i);
  if ($("map-toggle").getAttribute("aria-pressed") === "true") params.set("view", "map");
  const text = params.toString();
  return location.pathname + (text ? "?" + text : "");
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  for (const f of FIELDS) {
    const el = form.elements[f];
    const v = params.get(f) || "";
    if (el.tagName === "SELECT" && v && ![...el.options].some((o) => o.value === v)) continue;
    el.value = v;
  }
}

let timer;
function update(push) {
  const st = state();
  const url = toUrl(st);
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  render(st);
}

async function start() {
  const response = await fetch(form.dataset.index);
  load(await response.json());
  places = await window.sf.places().catch(() => places);
  const typed = form.elements.q.value;  // typed while the index loaded (the form shows from the first paint)
  fromUrl();
  if (!new URLSearchParams(location.search).get("q") && typed) form.elements.q.value = typed;
  restoreHome();
  const st0 = state();
  if (FIELDS.some((f) => f !== "q" && st0[f])) $("search-filters").open = true;
  await setOrigin(st0);
  form.hidden = false;
  $("search-nojs").hidden = true;
  render(state());
  form.addEventListener("input", (e) => {
    if (e.target.name !== "q") return;
    clearTimeout(timer);
    render(state(), false, true);
    timer = setTimeout(() => update(false), 300);
  });
  form.addEventListener("change", async (e) => {
    if (e.target.name === "q") return;
    if (e.target.name === "from") await setOrigin(state());
    if (e.target.name === "from" && e.target.value === "me") { nearMe(); return; }
    update(true);
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); update(true); $("search-results").focus(); });
  $("near-me").addEventListener("click", nearMe);
  $("home-change").addEventListener("click", () => { $("search-filters").open = true; form.elements.from.focus(); });
  $("map-toggle").hidden = false;
  $("map-toggle").addEventListener("click", async () => {
    await toggleMap($("map-toggle").getAttribute("aria-pressed") !== "true");
    update(false);
  });
  if (new URLSearchParams(location.search).get("view") === "map") toggleMap(true);
  $("pick-home").addEventListener("click", async () => {
    await toggleMap(true);
    if (!map) return;
    map.picking(true);
    $("pick-help").hidden = false;
    $("map-box").scrollIntoView();
    $("search-map").focus();
  });
  $("pick-center").addEventListener("click", () => { if (map) { const c = map.center(); pickHome(c[0], c[1]); } });
  $("search-filters").addEventListener("toggle", () => { if ($("search-filters").open) render(state(), true); });
  $("search-more").addEventListener("click", () => { shown += PAGE; render(state(), true); });
  addEventListener("popstate", async () => { fromUrl(); await setOrigin(state()); render(state()); });
  window.schoolSearch = { map: () => map, pickHome, run: (st) => run({ ...state(), ...st }, false).results.map(([s]) => s.slug), ready: true };
}

// No "from" in the address: the home remembered on this device, if any.
function restoreHome() {
  if (new URLSearchParams(location.search).get("from")) return;
  const home = window.sf.home();
  if (!home) return;
  if (home.k === "n" && index.neighborhoods[home.i]) form.elements.from.value = index.neighborhoods[home.i][1];
  else if (home.k === "c") form.elements.from.value = "map";
}

async function toggleMap(on) {
  $("map-toggle").setAttribute("aria-pressed", on ? "true" : "false");
  $("map-box").hidden = !on;
  if (!on || map) return;
  try {
    const { SearchMap } = await import("./searchmap.js");
    map = await SearchMap($("search-map"), { places, index, T, form, root,
      onPick: (lat, lon) => pickHome(lat, lon), status: $("map-status") });
    const home = window.sf.home();
    if (home && home.k === "c") {
      const cells = await window.sf.getJSON("/search/cells.json");
      map.home([cells.lat[home.i], cells.lon[home.i]]);
    }
    map.show(lastResults.map(([s]) => s), minutes);
  } catch (e) {
    $("map-status").textContent = T.map_failed;
  }
}

start();
