// The care filter: "open by HH:MM" (before-care or drop-off starts at or before) and "care until HH:MM"
// (after-school care ends at or after), plus the admission and school-type facets. Values are minutes after
// midnight (care) or positions in the index's lists; a school that reports no time never matches a care filter.
export const CARE_FACETS = ["admission", "type", "opens", "until"];
const STEP = 15;  // care options are quarter hours: their count slot is minutes / 15

export const careTests = {
  admission: (s, v) => s.adm.includes(v),
  type: (s, v) => s.type === v,
  opens: (s, v) => s.before !== null && s.before <= v,
  until: (s, v) => s.after !== null && s.after >= v,
};

export const careCounters = {
  admission: (s, c) => { for (const a of s.adm) c[a]++; },
  type: (s, c) => { if (s.type >= 0) c[s.type]++; },
  opens: (s, c) => { if (s.before !== null) for (let t = Math.ceil(s.before / STEP); t < c.length; t++) c[t]++; },
  until: (s, c) => { if (s.after !== null) for (let t = Math.min(Math.floor(s.after / STEP), c.length - 1); t >= 0; t--) c[t]++; },
};

export const careSlot = (f, value) => (f === "opens" || f === "until" ? Math.round(+value / STEP) : +value);
