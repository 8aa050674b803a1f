// One search result card, built from the index row with textContent and attribute setters only (never HTML):
// name, star, sector, grades, neighborhood, tier and, once a home is set, "N min by transit, leave by HH:MM".

export function card(s, { root, index, form, T, TT, saved, minutes, bell, fromLabel }) {
  const li = document.createElement("li");
  li.className = "card";
  li.dataset.id = s.id;
  const h = li.appendChild(document.createElement("h3"));
  h.className = "card-title";
  const a = h.appendChild(document.createElement("a"));
  a.href = window.sf.withHome(root + "/schools/" + encodeURIComponent(s.slug) + "/");
  a.textContent = s.name;
  const star = h.appendChild(document.createElement("button"));
  star.type = "button";
  star.className = "star";
  star.dataset.star = s.slug;
  star.setAttribute("aria-pressed", saved.has(s.slug) ? "true" : "false");
  star.setAttribute("aria-label", T.save.replace("{name}", s.name));
  star.appendChild(document.querySelector(".icon-star-template").content.cloneNode(true));
  const facts = li.appendChild(document.createElement("p"));
  facts.className = "card-facts";
  const badge = facts.appendChild(document.createElement("span"));
  const sector = index.sectors[s.sector];
  badge.className = "badge badge-" + (sector ? sector.replace(/[^a-z0-9-]/g, "") : "unknown");
  badge.textContent = label(form, "sector", s.sector, T.no_sector);
  facts.appendChild(document.createElement("span")).textContent = grades(s, T);
  facts.appendChild(document.createElement("span")).textContent =
    s.nbhd >= 0 ? index.neighborhoods[s.nbhd][0] : T.no_location;
  const rating = li.appendChild(document.createElement("p"));
  rating.className = "card-rating";
  const tier = rating.appendChild(document.createElement("span"));
  tier.className = "tier tier-" + (s.tier || "none");
  tier.textContent = s.tier ? form.elements.tier.options[s.tier].dataset.tier : T.no_tier;
  if (minutes) {
    const t = li.appendChild(document.createElement("p"));
    t.className = "card-travel";
    t.textContent = window.sf.trip(TT, minutes[s.id], bell[s.id]) + " " + TT.from.replace("{from}", fromLabel);
  }
  return li;
}

function label(form, facet, value, fallback) {
  const o = [...form.elements[facet].options].find((x) => x.value === String(value));
  return o ? o.dataset.label : fallback;
}

function grades(s, T) {
  if (s.lo === null || s.hi === null) return T.no_grades;
  const g = (n) => (n === -1 ? "PK" : n === 0 ? "K" : String(n));
  return T.grades.replace("{span}", s.lo === s.hi ? g(s.lo) : g(s.lo) + "\u2013" + g(s.hi));
}
