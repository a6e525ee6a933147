// Page quality of the built hall, one page of each kind (#16): Lighthouse's four categories on its mobile profile,
// what a 390x844 phone shows (no element wider than the viewport, no table container that scrolls sideways), axe's
// serious and critical violations, and full-page screenshots at 1280 and 390 px for review.
//
// Usage: node tests/quality/page-quality.mjs PAGES.json [SCREENSHOT_DIR]
//   PAGES.json: [{"kind": "home", "url": "http://127.0.0.1:8000/", "lighthouse_url": "(optional, e.g. /404.html)"}]
// Prints one JSON object on stdout: {kind: {lighthouse: {performance, accessibility, "best-practices", seo},
//   failed_audits: [...], overflow: [...], tables_scrolling: [...], axe: [...]}}.
// Needs the packages of tests/package.json (npm install in tests/) and Chromium (CHROME_PATH, default
// /usr/bin/chromium). Run by the browser test tests/testsuite/quality.rs.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"];
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// What a phone shows: elements wider than the viewport, and table containers that scroll sideways.
function phoneFindings() {
  const width = document.documentElement.clientWidth;
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
  const overflow = [];
  if (document.documentElement.scrollWidth > width) overflow.push("page " + document.documentElement.scrollWidth + "px");
  for (const e of document.querySelectorAll("body *")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(e).visibility === "hidden") continue;
    if (r.right > width + 0.5 || r.left < -0.5) {
      if (e.closest(".visually-hidden, .skip-link, dialog")) continue;
      overflow.push(name(e) + " " + Math.round(r.left) + ".." + Math.round(r.right) + "px");
    }
  }
  const scrolling = [];
  for (const table of document.querySelectorAll("table")) {
    for (let box = table; box && box !== document.body; box = box.parentElement) {
      if (box.scrollWidth > box.clientWidth + 0.5) { scrolling.push(name(box) + " " + box.scrollWidth + ">" + box.clientWidth); break; }
    }
  }
  return { overflow: overflow.slice(0, 10), scrolling };
}

async function onPhoneAndDesktop(browser, page, shots) {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await tab.goto(page.url, { waitUntil: "networkidle0" });
  const found = await tab.evaluate(phoneFindings);
  if (shots) await tab.screenshot({ path: path.join(shots, `${page.kind}-390.png`), fullPage: true });
  await tab.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  await tab.goto(page.url, { waitUntil: "networkidle0" });
  if (shots) await tab.screenshot({ path: path.join(shots, `${page.kind}-1280.png`), fullPage: true });
  await tab.evaluate(AXE);
  const axe = await tab.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => v.id + " (" + v.impact + "): " + v.nodes.map((n) => n.target.join(" ")).join(", "));
  });
  await tab.close();
  return { overflow: found.overflow, tables_scrolling: found.scrolling, axe };
}

async function scores(port, url) {
  const result = await lighthouse(url, { port, output: "json", logLevel: "error" });
  const lhr = result.lhr;
  const out = {};
  for (const [id, category] of Object.entries(lhr.categories)) out[id] = Math.round(category.score * 100);
  const failed = [];
  for (const category of Object.values(lhr.categories)) {
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) failed.push(`${category.id}/${ref.id} ${audit.score}`);
    }
  }
  return { lighthouse: out, failed_audits: failed };
}

const [pagesFile, shots] = process.argv.slice(2);
const pages = JSON.parse(fs.readFileSync(pagesFile, "utf8"));
if (shots) fs.mkdirSync(shots, { recursive: true });
const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: FLAGS });
const report = {};
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  for (const page of pages) {
    const measured = await scores(chrome.port, page.lighthouse_url || page.url);
    report[page.kind] = { ...measured, ...(await onPhoneAndDesktop(browser, page, shots)) };
    process.stderr.write(`${page.kind}: ${JSON.stringify(report[page.kind].lighthouse)}\n`);
  }
  browser.disconnect();
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
