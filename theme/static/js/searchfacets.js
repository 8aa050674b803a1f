// Search facets: which filters a school fails (one test per facet) and the disjunctive counts shown next to each
// option. ``options`` maps each facet to its <option> elements, each with its count slot (see ``slot``).

import { CARE_FACETS, careCounters, careSlot, careTests } from "./searchcare.js";

export const FACETS = ["grade", "sector", "offer", "tier", "area", ...CARE_FACETS];

// Facet tests take the chosen value as a number (grades: -1 = PK, 0 = K).
const tests = {
  grade: (s, v) => s.lo !== null && s.lo <= v && v <= s.hi,
  sector: (s, v) => s.sector === v,
  offer: (s, v) => s.offers.includes(v),
  tier: (s, v) => s.tier > 0 && s.tier <= v,
  area: (s, v) => s.nbhd === v,
  ...careTests,
};

// Which facet filters a school fails, as bits (travel time is the bit after the facets): one test per facet and school.
export function failures(s, chosen, reachable) {
  let mask = 0;
  for (let bit = 0; bit < FACETS.length; bit++) {
    if (chosen[bit] !== null && !tests[FACETS[bit]](s, chosen[bit])) mask |= 1 << bit;
  }
  return reachable ? mask : mask | (1 << FACETS.length);
}

// Disjunctive counts: each option counts the schools that would match if it were chosen, other filters kept.
// Counts per option slot (grades shifted by one so PK is slot 0), in typed arrays: cheap on every keystroke.
const counters = {
  grade: (s, c) => { if (s.lo !== null) for (let g = s.lo; g <= s.hi; g++) c[g + 1]++; },
  sector: (s, c) => { if (s.sector >= 0) c[s.sector]++; },
  offer: (s, c) => { for (const o of s.offers) c[o]++; },
  tier: (s, c) => { if (s.tier > 0) for (let t = s.tier; t < c.length; t++) c[t]++; },
  area: (s, c) => { if (s.nbhd >= 0) c[s.nbhd]++; },
  ...careCounters,
};
export const slot = (f, value) => (f === "grade" ? +value + 1 : careSlot(f, value));

export function updateCounts(options, hits, masks) {
  FACETS.forEach((f, bit) => {
    const counts = new Int32Array(options[f].reduce((m, o) => Math.max(m, o.slot), 0) + 1);
    const others = ~(1 << bit), count = counters[f];
    for (let i = 0; i < hits.length; i++) if ((masks[i] & others) === 0) count(hits[i][0], counts);
    for (const o of options[f]) {
      if (o.shown !== counts[o.slot]) { o.shown = counts[o.slot]; o.textContent = o.dataset.label + " (" + o.shown + ")"; }
    }
  });
}
