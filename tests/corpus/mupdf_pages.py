#!/usr/bin/env python3
"""Check an EPUB as MuPDF (the engine of many Android readers and SumatraPDF) lays it out.

Usage: mupdf_pages.py BOOK.epub WORK_DIR

- the first pages render, none blank, and the first (the cover) is a picture over most of it;
- the hidden landmarks list does not show (older engines ignore `hidden` without CSS);
- every chapter heading is laid out before the pictures that follow it in the source (older
  engines drew the figures of a `<section>` without `display:block` before its heading).
"""
import glob
import os
import re
import subprocess
import sys
import zipfile

from PIL import Image


def mutool(*args):
    return subprocess.run(["mutool", *args], capture_output=True, text=True, check=True).stdout


def main():
    epub, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failures = []
    mutool("draw", "-q", "-r", "60", "-o", os.path.join(work, "page-%d.png"), epub, "1-6")
    pages = sorted(glob.glob(os.path.join(work, "page-*.png")))
    if len(pages) < 6:
        failures.append(f"MuPDF drew {len(pages)} pages, expected 6")
    for i, path in enumerate(pages, 1):
        img = Image.open(path).convert("L")
        dark = sum(img.histogram()[:235]) / (img.width * img.height)
        if dark < 0.005:
            failures.append(f"page {i} is blank")
        if i == 1 and dark < 0.3:
            failures.append(f"page 1 (the cover) has only {dark:.0%} drawn")
    text = mutool("draw", "-q", "-F", "txt", "-o", "-", epub)
    for hidden in ("Landmarks", "Start of content"):
        if hidden in text:
            failures.append(f"the hidden landmarks list shows ({hidden!r})")
    # Each chapter's first heading comes before the alt text of its first figure... as MuPDF
    # orders the page text, so a heading drawn after its figures is caught.
    with zipfile.ZipFile(epub) as z:
        for name in sorted(n for n in z.namelist() if re.match(r"OEBPS/text/ch\d+\.xhtml", n)):
            xhtml = z.read(name).decode("utf-8")
            h = re.search(r"<h1[^>]*>(.*?)</h1>", xhtml, re.S)
            fig = re.search(r"<figcaption>(.*?)</figcaption>", xhtml, re.S)
            if not h or not fig or xhtml.find("<figure") < h.start():
                continue
            heading = re.sub(r"<[^>]+>", "", h.group(1)).strip()
            caption = re.sub(r"<[^>]+>", "", fig.group(1)).strip().split("\n")[0][:40]
            hi, ci = text.find(heading), text.find(caption)
            if hi < 0 or ci < 0:
                continue
            if ci < hi:
                failures.append(f"{name}: the figure {caption!r} is drawn before the heading {heading!r}")
    for f in failures:
        print(f"FAIL MuPDF: {f}")
    print(f"MuPDF: {len(pages)} pages drawn, {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
