#!/usr/bin/env python3
"""Hostile books against the release binary, each under a 4 GiB address-space cap and a time
limit, with a good previous output already in place. For every book, whatever its outcome:

- no panic, no abort, no hang (exit 0 or 1 within the time limit);
- every diagnostic names a file (`--> file:line:col`, or a path for a file-level problem);
- the output folder holds the previous EPUB and PDF (a refused build) or a new pair (a built
  one), never a mix, and no temporary or commit record is left behind;
- nothing outside the book and the output folder is read into either output or written;
- no active content in either output (scripts, event handlers, `javascript:`/`data:` links).

Each case also states what it must see (exit code, a warning kind or an error text), so a case
that stops exercising its defence fails here instead of passing quietly.

Usage: tests/hostile/run.py path/to/bindery [work folder]
"""

import base64
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

BINDERY = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="hostile-")
MEMORY = 4 << 30
SECONDS = 120
SECRET = "SECRET-c0ffee-7f3a"
TOML = '[book]\ntitle = "Hostile"\n'


def png(width, height):
    """A PNG whose header claims width x height (one row of data; the size is what counts)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = zlib.compress(b"\x00" + b"\x00\x00\x00" * min(width, 16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def solid_png(width, height):
    """A whole PNG of one colour."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = zlib.compress(b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def outside_dir():
    path = os.path.join(WORK, "outside")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "secret.md"), "w") as f:
        f.write(f"# {SECRET}\n\n{SECRET}\n")
    with open(os.path.join(path, "secret.png"), "wb") as f:
        f.write(png(4, 4))
    return path


OUTSIDE = outside_dir()

# name -> (files, expectation). A file value is text, bytes, or ("symlink", target),
# ("fifo",), ("sparse", size). Expectation: (exit code, text that must be in stderr).
CASES = {}


def case(name, files, code, expect, toml=TOML, seconds=SECONDS):
    if "book.toml" not in files and toml is not None:
        files = dict(files, **{"book.toml": toml})
    CASES[name] = (files, code, expect, seconds)


svg_head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
big_png = base64.b64encode(png(50_000, 50_000)).decode()

case("svg-image-absolute", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<image href="{OUTSIDE}/secret.png" width="4" height="4"/></svg>'},
     0, "picture-content")
case("svg-image-dev-zero", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<image href="/dev/zero" width="4" height="4"/></svg>'}, 0, "picture-content")
case("svg-remote-and-import", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<style>@import url(http://example.org/x.css);</style>'
                  '<use href="http://example.org/s.svg#x"/><image xlink:href="https://example.org/a.png"/></svg>'},
     0, "picture-content")
case("svg-data-png-50000-squared", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<image href="data:image/png;base64,{big_png}" width="4" height="4"/></svg>'},
     0, "over the limit")
case("svg-script", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<script>alert(1)</script></svg>'}, 0, "picture-content")
case("javascript-picture-link", {"src/a.md": "# A\n\n![i](javascript:alert(6)) [x](JaVaScRiPt:alert(1)) [v](vbscript:x)\n"},
     0, "unsafe-link")
case("data-uri-img", {"src/a.md": '# A\n\n<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">\n\n[d](data:text/html,x)\n'},
     0, "warning")
case("raw-html-active", {"src/a.md": '# A\n\n<div onclick="x()"><a href="javascript:x">a</a><iframe src="http://x"></iframe>'
     '<script>alert(1)</script><form action="http://x"><input></form><object data="x"></object></div>\n\n'
     '<svg><script>y</script></svg>\n\n<p style="background:url(javascript:x)">s</p>\n'}, 0, "raw-html")
case("heading-attributes", {"src/a.md": "# A {#x onclick=alert(1) .c}\n\ntext\n"}, 0, "heading attribute")
case("summary-symlink-out", {"src/SUMMARY.md": ("symlink", os.path.join(OUTSIDE, "secret.md")),
     "src/a.md": "# A\n"}, 1, "outside")
case("chapter-symlink-out", {"src/SUMMARY.md": "- [A](a.md)\n- [S](s.md)\n", "src/a.md": "# A\n",
     "src/s.md": ("symlink", os.path.join(OUTSIDE, "secret.md"))}, 1, "outside")
case("include-absolute", {"src/a.md": f"# A\n\n{{{{#include {OUTSIDE}/secret.md}}}}\n"}, 0, "outside")
case("include-dotdot", {"src/a.md": "# A\n\n{{#include ../../outside/secret.md}}\n"}, 0, "outside")
case("include-fifo", {"src/a.md": "# A\n\n{{#include f.md}}\n", "src/f.md": ("fifo",)}, 1, "not a regular file")
case("picture-fifo", {"src/a.md": "# A\n\n![p](p.png)\n", "src/p.png": ("fifo",)}, 0, "picture")
case("font-fifo", {"src/a.md": "# A\n", "fonts/x.ttf": ("fifo",)}, 1, "x.ttf")
case("font-sparse-2g", {"src/a.md": "# A\n", "fonts/big.ttf": ("sparse", 2 << 30)}, 1, "max-font-file-mib")
case("chapter-char-device", {"src/SUMMARY.md": "- [A](a.md)\n- [Z](z.md)\n", "src/a.md": "# A\n",
     "src/z.md": ("symlink", "/dev/zero")}, 1, "outside")
case("unclosed-divs-200k", {"src/a.md": "# A\n\n" + "<div>" * 200_000 + "\n"}, 0, "nesting")
case("include-fan-out", dict({"src/a.md": "# A\n\n{{#include i0.md}}\n"},
     **{f"src/i{d}.md": f"level {d}\n" + (f"{{{{#include i{d + 1}.md}}}}\n" * 16 if d < 8 else "x\n")
        for d in range(9)}), 1, "include")
case("summary-3000-deep", dict({"src/SUMMARY.md": "".join(f"{'  ' * i}- [C{i}](c{i}.md)\n" for i in range(3000))},
     **{f"src/c{i}.md": f"# C{i}\n" for i in range(3000)}), 0, "nesting")
case("autolink-200k", {"src/a.md": "# A\n\n<https://example.org/" + "a" * 200_000 + ">\n"}, 0, "long-link")
case("limits-huge", {"src/a.md": "# A\n"}, 1, "out of range",
     toml=TOML + "[bindery.limits]\nmax-nesting = 100000000\nmax-include-depth = 100000\n")
case("creep-nan", {"src/a.md": "# A\n"}, 1, "creep-mm",
     toml=TOML + "[bindery.handout]\ncreep-mm = nan\n")
case("two-typos", {"src/a.md": "# A\n"}, 1, "font-sise",
     toml=TOML + "[bindery]\nouput-name = \"x\"\n[bindery.pdf]\nfont-sise = 11\n")
case("impossible-date", {"src/a.md": "# A\n"}, 1, "2024-02-30", toml=TOML + "[bindery]\ndate = \"2024-02-30\"\n")
case("margins-in-title", {"src/a.md": "# A\n"}, 1, "book.toml:4:1",
     toml='[book]\ntitle = "margin-top-mm"\n[bindery.pdf]\nmargin-top-mm = 150\n')
case("table-extra-cells", {"src/a.md": "# A\n\n| a |\n|---|\n| 1 | 2 | 3 |\n"}, 0, "table")
case("include-range-past-end", {"src/a.md": "# A\n\n{{#include b.txt:10:20}}\n", "src/b.txt": "one\ntwo\n"},
     0, "include-range")
case("qr-long-url", {"src/a.md": "# A\n\n[x](https://example.org/" + "q" * 5000 + ")\n"}, 0, "qr-code",
     toml=TOML + "[bindery.handout]\nqr-codes = true\n")
case("out-symlink", {"src/a.md": "# A\n", "out": ("symlink", OUTSIDE)}, 2, "out")
case("deep-nesting", {"src/a.md": "# A\n\n" + "> " * 5000 + "x\n\n" + "- " * 3000 + "y\n\n" + "*" * 20000 + "z\n"},
     0, "nesting")
# Covers: an SVG cover too tall to render 1600 pixels wide stays a drawing; a title of 10,000
# characters without a space makes a title card in bounded time (the card shows 160).
case("svg-cover-too-tall", {"src/a.md": "# A\n", "c.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='1' "
     "height='100000'><rect width='1' height='9'/></svg>"}, 0, "wrote", toml=TOML + '[bindery]\ncover = "c.svg"\n')
case("title-card-huge-title", {"src/a.md": "# A\n"}, 0, "wrote",
     toml='[book]\ntitle = "' + "Unbroken" * 1250 + '"\nauthors = ["' + "x" * 5000 + '"]\n')
# Round 3: the author's loop. A cache folder shipped as a link out of the book (the trim must
# delete nothing there: the outside folder is compared at the end), an SVG style sheet with a
# web address, three drawings whose filter regions are 30 times a huge canvas.
case("cache-folder-symlink-out", {"src/a.md": "# A\n\n![p](p.png)\n", "src/p.png": solid_png(64, 64),
     "out/.bindery-cache": ("symlink", OUTSIDE)}, 0, "picture cache is not used",
     toml=TOML + "[bindery]\ncache-mib = 1\n")
case("svg-style-remote-url", {"src/a.md": "# A\n\n![d](d.svg)\n",
     "src/d.svg": f'{svg_head}<style>rect {{ fill: url("http://example.org/p.svg#p") }}</style>'
                  '<rect width="9" height="9" style="filter:url(https://example.org/f.svg#f)"/></svg>'},
     0, "picture-content")
huge_filter = ('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><filter id="f" '
               'filterUnits="userSpaceOnUse" x="-300000" y="-300000" width="600000" height="600000">'
               '<feTurbulence baseFrequency="0.9" numOctaves="10"/></filter><rect filter="url(#f)" '
               'width="20000" height="20000"/></svg>')
case("svg-filter-region-30x", dict({"src/a.md": "# A\n\n![a](a.svg) ![b](b.svg) ![c](c.svg)\n"},
     **{f"src/{n}.svg": huge_filter for n in "abc"}), 0, "filters")
# Paragraphs that are one unbreakable word of hundreds of thousands of characters (brackets,
# unclosed links and emphasis, backtick runs, entity starts): cut into lines in one pass, so a
# chapter of each builds in a few seconds (it took over a minute when each line cut copied the
# rest of the word). 20 s leaves room for a slow machine.
for name, text in {
    "brackets-400k": "[" * 400_000,
    "unclosed-links-200k": "[a](" * 200_000,
    "unclosed-images-200k": "![a](" * 200_000,
    "unclosed-references-200k": "[a][" * 200_000,
    "unclosed-emphasis-150k": "*a " * 150_000,
    "backtick-runs": "".join("`" * i + "a" for i in range(1, 2000)),
    "entity-starts-200k": "&#" * 200_000,
    "autolink-starts-200k": "<a:" * 200_000,
}.items():
    case(f"markdown-{name}", {"src/a.md": "# A\n\n" + text + "\n"}, 0, "wrote", seconds=20)
case("bad-utf8-and-nul", {"src/a.md": b"# A\n\n\xff\xfe bad \x00 nul\n"}, 1, "UTF-8")


def make(root, files):
    for rel, value in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(value, tuple):
            if value[0] == "symlink":
                os.symlink(value[1], path)
            elif value[0] == "fifo":
                os.mkfifo(path)
            elif value[0] == "sparse":
                with open(path, "wb") as f:
                    f.truncate(value[1])
        else:
            with open(path, "wb") as f:
                f.write(value.encode() if isinstance(value, str) else value)


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args, seconds=SECONDS):
    try:
        p = subprocess.run([BINDERY, *args], capture_output=True, timeout=seconds, preexec_fn=limited,
                           env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def active_content(epub_path, pdf_path):
    found = []
    with zipfile.ZipFile(epub_path) as z:
        for name in z.namelist():
            if not name.endswith((".xhtml", ".svg", ".html", ".css", ".ncx", ".opf")):
                continue
            text = z.read(name).decode("utf-8", "replace")
            low = text.lower()
            for bad in ("<script", "javascript:", "vbscript:", "<iframe", "<object", "<embed", "@import"):
                if bad in low:
                    found.append(f"{name}: {bad}")
            if re.search(r"\son[a-z]+\s*=", low):
                found.append(f"{name}: event handler")
            if re.search(r"""(href|src)\s*=\s*["']\s*data:""", low) and not name.endswith(".svg"):
                found.append(f"{name}: data: link")
            if re.search(r"""href\s*=\s*["']\s*(https?:)?//""", low) and name.endswith(".svg"):
                found.append(f"{name}: remote reference in a drawing")
    pdf = open(pdf_path, "rb").read()
    for bad in (b"/JavaScript", b"/JS", b"/Launch", b"javascript:", b"/SubmitForm"):
        if bad in pdf:
            found.append(f"PDF: {bad.decode()}")
    return found


def leaked(epub_path, pdf_path):
    with zipfile.ZipFile(epub_path) as z:
        if any(SECRET.encode() in z.read(n) for n in z.namelist()):
            return True
    text = subprocess.run(["pdftotext", pdf_path, "-"], capture_output=True).stdout.decode("utf-8", "replace")
    return SECRET in text


def main():
    good = os.path.join(WORK, "good")
    make(good, {"book.toml": TOML, "src/a.md": "# Good\n\nPrevious output.\n"})
    code, err = run(["build", good])
    assert code == 0, err
    previous = {n: open(os.path.join(good, "out", n), "rb").read() for n in ("book.epub", "book.pdf")}
    outside_before = sorted(os.listdir(OUTSIDE))
    failures = []
    for name, (files, want_code, want_text, seconds) in CASES.items():
        root = os.path.join(WORK, name)
        make(root, files)
        # The book's own out/ (a symlink out of the book, in one case: never written through).
        out = os.path.join(root, "out")
        if not os.path.islink(out):
            os.makedirs(out, exist_ok=True)
            for n, b in previous.items():
                open(os.path.join(out, n), "wb").write(b)
        args = ["build", root]
        handout = name == "qr-long-url"
        if handout:
            args += ["--profile", "handout", "--format", "pdf"]
        code, err = run(args, seconds)
        problems = []
        if code not in (0, 1, 2):
            problems.append(f"exit {code}")
        if "panicked" in err or "RUST_BACKTRACE" in err:
            problems.append("panic")
        if code != want_code:
            problems.append(f"exit {code}, expected {want_code}")
        if want_text not in err:
            problems.append(f"{want_text!r} not in the diagnostics")
        blocks = re.split(r"\n(?=(?:warning|error)(?:\[[a-z-]+\])?: )", err.strip())
        for b in blocks:
            if b.startswith(("warning", "error")) and "-->" not in b and not re.search(r"[\w./-]+\.(md|toml|ttf|svg|png|txt|rs)", b) \
                    and "out" not in b:
                problems.append(f"a diagnostic without a place: {b.splitlines()[0]}")
        listing = sorted(os.listdir(out)) if os.path.isdir(out) and not os.path.islink(out) else []
        # The picture cache is kept on purpose; anything else hidden is a leftover.
        stray = [n for n in listing if n.startswith(".") and n != ".bindery-cache"]
        if stray:
            problems.append(f"left behind: {stray}")
        epub, pdf = os.path.join(out, "book.epub"), os.path.join(out, "book.pdf")
        if os.path.islink(out):
            pass  # refused above; the outside folder is compared at the end
        elif os.path.exists(epub) and os.path.exists(pdf):
            same = [open(p, "rb").read() == previous[os.path.basename(p)] for p in (epub, pdf)]
            if code != 0 and not all(same):
                problems.append("refused, but the previous outputs changed")
            if code == 0 and not handout and any(same):
                problems.append("built, but an output is the previous one (a mix)")
            problems += active_content(epub, pdf)
            if leaked(epub, pdf):
                problems.append("text from outside the book is in the output")
        else:
            problems.append("an output is missing")
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"  {name}: exit {code}; {status}")
        if problems:
            failures.append(name)
            print("    " + "\n    ".join(err.strip().splitlines()[-12:]))
    if sorted(os.listdir(OUTSIDE)) != outside_before:
        failures.append("something was written outside the book")
        print("  FAIL: the folder outside the book changed")
    print(f"hostile books: {len(CASES) - len(failures)} of {len(CASES)} passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
