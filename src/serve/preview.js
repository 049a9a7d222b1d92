"use strict";
// The chapter shown, as a path in the EPUB (kept across reloads and in the address bar). The
// address is anyone's to write (a link from another page): only a document of this book under
// /book/ is ever put in the frame, never another origin or a javascript: or data: address.
function bookPath(raw) {
  let text;
  try { text = decodeURIComponent(raw); } catch (e) { return ""; }
  let url;
  try { url = new URL(text, location.origin); } catch (e) { return ""; }
  if (url.origin !== location.origin || !url.pathname.startsWith("/book/")) return "";
  return url.pathname + url.hash;
}
let current = bookPath(location.hash.slice(1));
let shown = -1;
const frame = document.getElementById("chapter");

// The contents are the EPUB's own navigation document, read with the browser's parser.
async function loadContents(navUrl) {
  const text = await (await fetch(navUrl, { cache: "no-store" })).text();
  const nav = new DOMParser().parseFromString(text, "application/xhtml+xml");
  const toc = nav.querySelector("nav#toc, nav[*|type='toc']") || nav.querySelector("nav");
  const base = new URL(navUrl, location.href);
  const list = document.getElementById("contents");
  list.textContent = "";
  const title = nav.querySelector("title");
  if (title) {
    document.getElementById("title").textContent = title.textContent;
    document.title = title.textContent + " · bindery preview";
  }
  const titlePage = new URL("text/title.xhtml", base).pathname;
  const links = [{ text: "Title page", href: titlePage }];
  const ol = document.createElement("ol");
  const walk = (from, into) => {
    for (const li of from.children) {
      if (li.localName !== "li") continue;
      const item = document.createElement("li");
      const a = li.querySelector(":scope > a");
      const span = li.querySelector(":scope > span");
      if (a) {
        const link = document.createElement("a");
        link.textContent = a.textContent;
        link.href = "#" + new URL(a.getAttribute("href"), base).pathname + new URL(a.getAttribute("href"), base).hash;
        item.append(link);
      } else if (span) {
        const s = document.createElement("span");
        s.textContent = span.textContent;
        item.append(s);
      }
      const sub = li.querySelector(":scope > ol");
      if (sub) { const o = document.createElement("ol"); walk(sub, o); item.append(o); }
      into.append(item);
    }
  };
  const first = document.createElement("li");
  const tp = document.createElement("a");
  tp.textContent = links[0].text; tp.href = "#" + titlePage;
  first.append(tp);
  ol.append(first);
  if (toc && toc.querySelector("ol")) walk(toc.querySelector("ol"), ol);
  list.append(ol);
  if (!current) {
    const start = ol.querySelectorAll("a")[1] || tp;
    current = bookPath(start.getAttribute("href").slice(1));
  }
  mark();
}

function mark() {
  for (const a of document.querySelectorAll("#contents a")) {
    a.classList.toggle("current", bookPath(a.getAttribute("href").slice(1)).split("#")[0] === current.split("#")[0]);
  }
}

// A reader's night theme sets the page and text colours over the book's own styles; the book's
// CSS sets neither, so what shows here is what a night reader shows.
const night = document.getElementById("night");
function paintNight() {
  let doc;
  try { doc = frame.contentDocument; } catch (e) { return; }
  if (!doc || !doc.documentElement) return;
  let style = doc.getElementById("bindery-night");
  if (night.checked && !style) {
    style = doc.createElementNS("http://www.w3.org/1999/xhtml", "style");
    style.id = "bindery-night";
    style.textContent = "html, body { background: #121212 !important; color: #d8d8d8 !important; }";
    (doc.head || doc.documentElement).append(style);
  } else if (!night.checked && style) {
    style.remove();
  }
  frame.style.background = night.checked ? "#121212" : "#fff";
}
night.addEventListener("change", paintNight);

// Show `current`; on a rebuild of the same chapter, come back to where the reader was.
function show(keepPlace) {
  let y = 0;
  try { if (keepPlace && frame.contentWindow) y = frame.contentWindow.scrollY; } catch (e) {}
  frame.onload = () => {
    paintNight();
    try { if (keepPlace) frame.contentWindow.scrollTo(0, y); } catch (e) {}
    document.body.dataset.shown = String(shown);
  };
  const url = bookPath(current);
  if (!url) return;
  if (keepPlace && frame.getAttribute("src") === url) {
    frame.contentWindow.location.reload();
  } else {
    frame.setAttribute("src", url);
  }
}

async function refresh() {
  const state = await (await fetch("/__bindery/state", { cache: "no-store" })).json();
  if (state.generation === shown) return;
  const failed = !state.ok;
  const status = document.getElementById("status");
  status.classList.toggle("failed", failed);
  status.textContent = failed ? "build " + state.generation + " failed"
                              : "build " + state.generation + " · " + new Date().toLocaleTimeString();
  document.getElementById("diagnostics").hidden = !failed;
  document.getElementById("messages").textContent = state.diagnostics || "";
  document.getElementById("pdf").hidden = !state.pdf;
  const first = shown < 0;
  shown = state.generation;
  document.body.dataset.generation = String(state.generation);
  document.body.dataset.ok = String(state.ok);
  if (state.nav) {
    await loadContents(state.nav);
    show(!first);
  }
}

window.addEventListener("hashchange", () => {
  current = bookPath(location.hash.slice(1));
  if (!current) {
    const start = document.querySelectorAll("#contents a")[1] || document.querySelector("#contents a");
    if (start) current = bookPath(start.getAttribute("href").slice(1));
  }
  mark();
  show(false);
});

const events = new EventSource("/__bindery/events");
events.addEventListener("build", refresh);
// After a lost connection (bindery restarted), catch up with whatever was built meanwhile.
events.addEventListener("open", refresh);
refresh();
