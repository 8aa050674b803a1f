// Lighthouse (pinned in package.json) on several URLs with one headless Chromium: mobile preset (the default form
// factor, simulated slow 4G and 4x CPU), categories performance, accessibility, best-practices, SEO.
// Usage: CHROME_PATH=/usr/bin/chromium LIGHTHOUSE_RUNS=3 node tests/lighthouse/run.mjs OUT.json URL...
// Each URL is measured LIGHTHOUSE_RUNS times (default 3); a category's score is the median of its runs.
// OpenStreetMap tiles are blocked: the test machine is offline and they are the only third-party requests.
import fs from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [out, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
try {
  for (let run = 0; run < RUNS; run++) for (const url of urls) {
    const runner = await lighthouse(url, {
      port: chrome.port, output: "json", logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
      blockedUrlPatterns: ["*tile.openstreetmap.org*"],
    });
    const lhr = runner.lhr;
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && ["binary", "numeric", "metricSavings"].includes(a.scoreDisplayMode))
      .map((a) => `${a.id} ${a.score}`);
    const entry = results[url] || (results[url] = { runs: [], runtimeErrors: [], failing: [] });
    entry.runs.push(Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, c.score])));
    if (lhr.runtimeError) entry.runtimeErrors.push(lhr.runtimeError.code);
    entry.failing = failing;
  }
} finally {
  await chrome.kill();
}
for (const entry of Object.values(results)) {
  entry.scores = Object.fromEntries(Object.keys(entry.runs[0]).map((k) => [k, median(entry.runs.map((r) => r[k]))]));
}
fs.writeFileSync(out, JSON.stringify(results, null, 1));
