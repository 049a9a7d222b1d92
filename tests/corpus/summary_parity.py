#!/usr/bin/env python3
"""SUMMARY.md as mdBook reads it, checked against mdBook itself.

Each SUMMARY.md (generated variants, plus those of the books named on the command line) is read by
mdBook (a backend that dumps the book it loaded: chapters, numbers, drafts, part titles, separators)
and built by bindery. The contents of bindery's EPUB (nav.xhtml) must be what mdBook's book gives
when laid out by the rules of an EPUB contents list: the same chapters in the same order, with the
same numbers, titles, nesting and part titles. Separators have no place in an EPUB contents list,
and a draft shows only as the heading of the chapters under it.

Usage: summary_parity.py BINDERY [COUNT] [SUMMARY.md ...]
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

XHTML = "{http://www.w3.org/1999/xhtml}"


def variant(rng, n):
    """One generated SUMMARY.md: prefix links, parts, nested lists written every way Markdown
    allows (markers, indentation, blank lines, comments, lazy lines, drafts), separators, suffix."""
    names = iter(f"c{n}x{i}" for i in range(1000))
    lines = []
    pick = rng.choice
    lines += pick([["# Summary", ""], [], ["<!-- generated -->", "# Summary", ""], ["# Summary"]])
    for _ in range(rng.randint(0, 2)):
        lines.append(" " * pick([0, 0, 1, 3, 4]) + f"[{next(names)}]({next(names)}.md)")
        lines += pick([[""], [], ["", "---", ""]])
    for part in range(rng.randint(1, 3)):
        if part or rng.random() < 0.4:
            lines += pick([[""], []]) + [pick(["# Part", "## Sub", "#  Part  two"]) + f" {part}", ""]
            if rng.random() < 0.15:
                lines += [f"[{next(names)}]({next(names)}.md)", ""]
        unit = pick(["  ", "   ", "    ", "\t"])
        marker = pick(["-", "*", "+", "1."])
        depth = 0
        for _ in range(rng.randint(1, 6)):
            depth = rng.randint(0, min(depth + 1, 3))
            name = next(names)
            link = f"[{name}]()" if rng.random() < 0.12 else f"[{name}]({name}.md)"
            if rng.random() < 0.1:
                link = f"[*{name}* `code`]({name}.md)"
            m = marker if rng.random() < 0.85 else pick(["-", "*", "+"])
            lines.append(unit * depth + f"{m} {link}")
            r = rng.random()
            if r < 0.1:
                lines.append("")
            elif r < 0.15:
                lines.append(unit * depth + "<!-- note -->")
            elif r < 0.2:
                lines.append(" " * pick([0, 2, 4]) + f"[{next(names)}]({next(names)}.md)")
            elif r < 0.25:
                lines += ["", "---", ""]
    if rng.random() < 0.7:
        lines += pick([[""], ["", "---", ""], ["", "***"], [""]])
        for _ in range(rng.randint(1, 3)):
            lines.append(" " * pick([0, 0, 1, 2, 3, 4]) + f"[{next(names)}]({next(names)}.md)")
            lines += pick([[""], []])
    return "\n".join(lines) + "\n"


def mdbook_contents(book):
    """mdBook's book, as the items of an EPUB contents list: (depth, label)."""
    out = os.path.join(book, "dump.json")
    with open(os.path.join(book, "book.toml"), "w") as f:
        f.write('[book]\ntitle = "S"\n[output.dump]\n')
        f.write(f'command = "python3 -c \\"import sys; open(\'{out}\', \'w\').write(sys.stdin.read())\\""\n')
    done = subprocess.run(["mdbook", "build"], cwd=book, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    items = json.load(open(out))["book"]["items"]
    rows = []
    lay_out(items, 0, rows)
    return rows


def lay_out(items, depth, rows):
    """The contents list of mdBook's items as bindery's nav lays it out: a part heads the chapters
    up to the next part, separator or suffix chapter; a draft shows only if chapters are under it."""
    i = 0
    while i < len(items):
        item = items[i]
        if item == "Separator":
            i += 1
        elif "PartTitle" in item:
            end = i + 1
            while end < len(items) and not ends_part(items[end]):
                end += 1
            inner = []
            lay_out(items[i + 1:end], depth + 1, inner)
            if inner:
                rows.append((depth, " ".join(item["PartTitle"].split())))
                rows.extend(inner)
            i = end
        else:
            c = item["Chapter"]
            inner = []
            lay_out(c["sub_items"], depth + 1, inner)
            number = "".join(f"{n}." for n in c["number"] or [])
            label = " ".join(f"{number} {c['name']}".split())
            if c["path"] is not None or inner:
                rows.append((depth, label))
                rows.extend(inner)
            i += 1


def ends_part(item):
    return item == "Separator" or "PartTitle" in item or (
        "Chapter" in item and item["Chapter"]["number"] is None)


def bindery_contents(bindery, book):
    subprocess.run([bindery, "build", book, "--format", "epub", "-q"], capture_output=True)
    try:
        nav = zipfile.ZipFile(os.path.join(book, "out", "book.epub")).read("OEBPS/nav.xhtml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    root = ET.fromstring(nav)
    toc = next(n for n in root.iter(XHTML + "nav") if n.get("id") == "toc")
    rows = []
    walk_nav(toc.find(XHTML + "ol"), 0, rows)
    return rows


def walk_nav(ol, depth, rows):
    for li in ol.findall(XHTML + "li"):
        head = li.find(XHTML + "a")
        if head is None:
            head = li.find(XHTML + "span")
        rows.append((depth, re.sub(r"\s+", " ", "".join(head.itertext())).strip()))
        inner = li.find(XHTML + "ol")
        if inner is not None:
            walk_nav(inner, depth + 1, rows)


def check(bindery, summary, label):
    """None when both agree (or mdBook refuses the file), else a description of the difference."""
    work = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(work, "src"))
        with open(os.path.join(work, "src", "SUMMARY.md"), "w") as f:
            f.write(summary)
        theirs = mdbook_contents(work)  # creates the chapter files it lists
        if theirs is None:
            return "refused"
        ours = bindery_contents(bindery, work)
        if ours != theirs:
            return f"{label}: mdBook {theirs}\n    bindery {ours}"
        return None
    finally:
        shutil.rmtree(work)


def main():
    bindery = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    cases = [(f"variant {n}", variant(random.Random(n), n)) for n in range(count)]
    cases += [(path, open(path, encoding="utf-8").read()) for path in sys.argv[3:]]
    failed = refused = 0
    for label, summary in cases:
        result = check(bindery, summary, label)
        if result == "refused":
            refused += 1
        elif result:
            failed += 1
            print("  SUMMARY differs, " + result)
            if os.environ.get("SHOW"):
                print(summary)
    agreed = len(cases) - failed - refused
    print(f"  summary parity: {agreed} of {len(cases) - refused} SUMMARY.md files give mdBook's "
          f"contents ({refused} that mdBook refuses not counted)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
