"""How many of the words mdBook renders for a book are in bindery's EPUB.

Usage: words.py MDBOOK_HTML_DIR BOOK.epub
Reads the `<main>` of every page mdBook wrote (without the hidden `boring` lines of Rust code,
which mdBook hides too, and without the print page), and the body of every chapter in the EPUB;
counts each distinct word of mdBook's pages and how many of those occurrences the EPUB has.
Prints the share kept and the words most often missing. Exit 1 under 99%.
"""
import collections
import html.parser
import os
import re
import sys
import zipfile


class Text(html.parser.HTMLParser):
    """Visible text inside `<main>` (mdBook) or `<body>` (EPUB), skipping hidden parts."""

    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.root, self.depth, self.skip, self.words = root, 0, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == self.root:
            self.depth += 1
        if self.depth and (self.skip or "boring" in (a.get("class") or "").split()
                           or tag in ("script", "style") or a.get("hidden") is not None):
            if tag not in ("br", "img", "hr", "input", "meta", "link"):
                self.skip += 1

    def handle_endtag(self, tag):
        if self.skip and tag not in ("br", "img", "hr", "input", "meta", "link"):
            self.skip -= 1
        if tag == self.root:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.words.extend(re.findall(r"\w+", data))


def words(text, root):
    p = Text(root)
    p.feed(text)
    return p.words


mdbook_dir, epub = sys.argv[1], sys.argv[2]
reference = collections.Counter()
seen_pages = set()
for folder, _, files in os.walk(mdbook_dir):
    for name in sorted(files):
        if name.endswith(".html") and name not in ("print.html", "404.html", "toc.html"):
            text = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read()
            page = tuple(words(text, "main"))
            # mdBook's index.html repeats the first chapter's page: counted once.
            if page not in seen_pages:
                seen_pages.add(page)
                reference.update(page)
ours = collections.Counter()
with zipfile.ZipFile(epub) as z:
    for name in z.namelist():
        if name.endswith(".xhtml") and "/text/" in name:
            ours.update(words(z.read(name).decode("utf-8"), "body"))
total = sum(reference.values())
kept = sum(min(n, ours[w]) for w, n in reference.items())
missing = collections.Counter({w: n - ours[w] for w, n in reference.items() if n > ours[w]})
share = kept / total if total else 1.0
print(f"  words: {kept} of {total} that mdBook renders are in the EPUB ({share:.2%}); "
      f"most missing: {missing.most_common(8)}")
sys.exit(0 if share >= 0.99 else 1)
