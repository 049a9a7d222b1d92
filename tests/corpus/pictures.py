"""No picture lost: every local picture a book's Markdown names (and that exists) is in its EPUB.

Usage: pictures.py BOOK_DIR BOOK.epub. Counts distinct picture files referenced by `![..](..)` and
`<img src=..>` in the book's Markdown (resolved against each file's folder, remote ones skipped)
and the picture files packaged in the EPUB; exits 1 when the EPUB holds fewer.
"""
import os
import re
import sys
import zipfile
from urllib.parse import unquote

book, epub = sys.argv[1], sys.argv[2]
pattern = re.compile(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\s[^>]*?src\s*=\s*["\']([^"\']+)', re.I)
referenced = set()
for folder, _, files in os.walk(book):
    if os.sep + "out" in folder[len(book):]:
        continue
    for name in files:
        if not name.endswith(".md"):
            continue
        text = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read()
        for m in pattern.finditer(text):
            dest = unquote((m.group(1) or m.group(2)).split("#")[0].split("?")[0])
            if not dest or re.match(r"^[a-z][a-z0-9+.-]*:|^//", dest, re.I):
                continue
            path = os.path.normpath(os.path.join(folder, dest))
            if os.path.isfile(path):
                referenced.add(os.path.realpath(path))
packaged = [n for n in zipfile.ZipFile(epub).namelist()
            if re.search(r"\.(png|jpe?g|gif|svg|webp)$", n, re.I) and "/fonts/" not in n]
print(f"  pictures: {len(referenced)} referenced, {len(packaged)} in the EPUB")
sys.exit(0 if len(packaged) >= len(referenced) else 1)
