// axe-core in the browser tests (issue 18): checks the screen the page shows for accessibility
// violations and fails on any of impact "moderate", "serious" or "critical" (only "minor" ones are
// listed without failing).
//
// The server's Content-Security-Policy allows no inline scripts, so axe is not added as a
// <script>: its source is evaluated through the DevTools protocol (page.evaluate), which the
// page's CSP does not govern. Nothing of it stays in the console's own code.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// Rules switched off, each with its reason. (None: the violations are fixed in the console.)
const DISABLED_RULES = {};

const BLOCKING = new Set(["moderate", "serious", "critical"]);

// Every check's outcome, for the summary at the end of the run.
export const axeLog = [];

// Runs axe on the page as it is now. `name` names the screen in messages. Returns the blocking
// violations; throws when there are any unless `report` is set.
export async function checkAxe(page, name, { report = false } = {}) {
  await page.waitForLoadState("networkidle").catch(() => {});
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async (disabled) => {
    const rules = Object.fromEntries(Object.keys(disabled).map((id) => [id, { enabled: false }]));
    const r = await window.axe.run(document, { rules, resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  }, DISABLED_RULES);
  const blocking = results.filter((v) => BLOCKING.has(v.impact));
  const lang = await page.evaluate(() => document.documentElement.lang);
  axeLog.push({ name, lang, url: page.url(), violations: results });
  if (blocking.length > 0) {
    const text = blocking
      .map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `      ${n.target}\n        ${n.summary?.replace(/\n/g, "\n        ")}`).join("\n")}`)
      .join("\n");
    if (!report) throw new Error(`axe: ${blocking.length} moderate, serious or critical violation(s) on ${name} (${lang}, ${page.url()}):\n${text}`);
    console.log(`  axe: ${name} (${lang}):\n${text}`);
  }
  return blocking;
}

// The counts of the run's checks by impact.
export function axeSummary() {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const check of axeLog) for (const v of check.violations) counts[v.impact] = (counts[v.impact] ?? 0) + v.nodes.length;
  // AXE_LOG=file keeps every violation found, for reading.
  if (process.env.AXE_LOG) writeFileSync(process.env.AXE_LOG, JSON.stringify(axeLog, null, 1));
  return { screens: axeLog.length, ...counts };
}
