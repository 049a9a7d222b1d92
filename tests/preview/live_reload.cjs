// The live preview in a real browser: `bindery serve` on a copy of a book, Debian's Chromium
// driven by puppeteer-core. Checks that the page shows a chapter from the EPUB, reloads it after
// an edit (at the same place), shows a failed build's diagnostics in place of the book, and
// comes back when the book is fixed. Screenshots (light and dark) go to OUT.
//
// usage: NODE_PATH=DIR/node_modules node live_reload.cjs BINDERY BOOK_DIR OUT_DIR
"use strict";
const { spawn } = require("node:child_process");
const { appendFileSync, readFileSync, writeFileSync, readdirSync, mkdirSync } = require("node:fs");
const { join } = require("node:path");
const puppeteer = require("puppeteer-core");

async function main() {

const [bindery, book, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const fail = (why) => { console.log("FAIL " + why); process.exitCode = 1; throw new Error(why); };

const server = spawn(bindery, ["serve", book, "--port", "0", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
let log = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no address after 120 s:\n" + log)), 120000);
  server.stderr.on("data", (d) => {
    log += d;
    const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
});
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const toml = join(book, "book.toml");
const goodToml = readFileSync(toml, "utf8");
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 750 });
  await page.goto(url);
  await page.waitForSelector('body[data-generation="1"][data-shown="1"]', { timeout: 30000 });
  const links = await page.$$eval("#contents a", (a) => a.map((x) => x.getAttribute("href")));
  if (links.length < 2) fail("the contents list has " + links.length + " entries");
  let chapter = await (await page.$("#chapter")).contentFrame();
  const opening = await chapter.evaluate(() => document.body.innerText);
  if (opening.trim().length < 20) fail("the first chapter shows no text");
  await page.screenshot({ path: join(out, "preview.png") });
  console.log(`ok   page: ${links.length} contents entries, first chapter shown (${opening.length} characters)`);

  // Go to the longest chapter (by the contents list, as a reader would), scroll into it.
  let longest = { height: 0 };
  for (const href of links.filter((h) => !h.includes("#", 1))) {
    await page.click(`#contents a[href="${href}"]`);
    await page.waitForFunction((h) => document.querySelector("#chapter").contentDocument?.location.pathname === h.slice(1)
      && document.querySelector("#chapter").contentDocument.readyState === "complete", {}, href);
    const frame = await (await page.$("#chapter")).contentFrame();
    const height = await frame.evaluate(() => document.documentElement.scrollHeight);
    if (height > longest.height) longest = { height, href };
  }
  await page.click(`#contents a[href="${longest.href}"]`);
  await page.waitForFunction((h) => document.querySelector("#chapter").contentDocument?.location.pathname === h.slice(1)
    && document.querySelector("#chapter").contentDocument.readyState === "complete", {}, longest.href);
  chapter = await (await page.$("#chapter")).contentFrame();
  const first = await chapter.evaluate(() => document.body.innerText);
  const before = await chapter.evaluate(() => { window.scrollTo(0, 300); return window.scrollY; });
  if (before < 300) fail("the longest chapter does not scroll (" + longest.height + " px)");

  // An edit: the chapter shown is rebuilt and reloaded, and the page keeps its place.
  const src = await page.$eval("#chapter", (f) => f.getAttribute("src"));
  const shownText = first.split("\n").find((l) => l.trim().length > 30).trim().slice(0, 25);
  const report = readdirSync(book, { recursive: true })
    .map((f) => join(book, f))
    .find((f) => f.endsWith(".md") && !f.endsWith("SUMMARY.md") && readFileSync(f, "utf8").includes(shownText));
  if (!report) fail("no report holds the text shown: " + shownText);
  const word = "Livereloadcheck" + Date.now();
  appendFileSync(report, `\n\n${word} was added while the preview was open.\n`);
  await page.waitForSelector('body[data-generation="2"][data-shown="2"]', { timeout: 60000 });
  const after = await (await page.$("#chapter")).contentFrame();
  const text = await after.evaluate(() => document.body.innerText);
  if (!text.includes(word)) fail("the reloaded chapter lacks the edit");
  const y = await after.evaluate(() => window.scrollY);
  if (Math.abs(y - before) > 2) fail(`the reload lost the reader's place (scrollY ${y}, was ${before})`);
  if (await page.$eval("#chapter", (f) => f.getAttribute("src")) !== src) fail("the reload changed chapter");
  console.log(`ok   edit: rebuilt, reloaded with the new text, scroll kept (${y} px)`);

  // A broken book.toml: the diagnostics are shown in place of the book.
  writeFileSync(toml, goodToml + "\n[book\n");
  await page.waitForSelector('body[data-generation="3"][data-ok="false"]', { timeout: 60000 });
  const shown = await page.$eval("#diagnostics", (d) => !d.hidden && d.innerText);
  if (!shown || !shown.includes("book.toml")) fail("the failed build's diagnostics are not shown: " + shown);
  await page.screenshot({ path: join(out, "preview-failed.png") });
  console.log("ok   failure: diagnostics shown in place of the book, naming book.toml");

  writeFileSync(toml, goodToml);
  await page.waitForSelector('body[data-generation="4"][data-ok="true"][data-shown="4"]', { timeout: 60000 });
  if (!(await page.$eval("#diagnostics", (d) => d.hidden))) fail("the diagnostics stay after a fix");
  // The page in a dark desktop theme, the chapter as a night reader shows it.
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await page.click("#night");
  const colours = await (await (await page.$("#chapter")).contentFrame()).evaluate(() => {
    const s = getComputedStyle(document.body);
    return [s.color, s.backgroundColor];
  });
  if (colours[0] !== "rgb(216, 216, 216)") fail("the night page's text is " + colours[0]);
  await page.screenshot({ path: join(out, "preview-dark.png") });
  console.log("ok   fixed: the book is back");

  // Links from other pages with a script, a data: document, another origin or a broken escape
  // in the address: only a document of the book ever reaches the chapter frame.
  let dialog = false;
  page.on("dialog", async (d) => { dialog = true; await d.dismiss(); });
  for (const hash of ["#javascript:alert(1)", "#data:text/html,%3Cscript%3Ealert(2)%3C/script%3E",
                      "#//example.org/book/x.xhtml", "#%E0%A4%A", "#/book/../__bindery/state"]) {
    await page.goto("about:blank");
    await page.goto(url + hash);
    await page.waitForSelector("body[data-shown]", { timeout: 30000 });
    const src = await page.$eval("#chapter", (f) => f.getAttribute("src") || "");
    if (!src.startsWith("/book/")) fail(`the address ${hash} put "${src}" in the chapter frame`);
  }
  if (dialog) fail("a script from the address ran");
  const policy = (await (await fetch(url)).headers.get("content-security-policy")) || "";
  if (!policy.includes("script-src 'self'")) fail("the page has no script policy: " + policy);
  console.log("ok   hostile addresses: only the book's documents reach the frame; the page has a script policy");
} finally {
  writeFileSync(toml, goodToml);
  await browser.close();
  server.kill("SIGINT");
}
}

main().catch((e) => { console.log("FAIL " + e.message); process.exit(1); });
