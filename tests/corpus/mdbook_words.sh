#!/usr/bin/env bash
# mdbook_words.sh BOOK_DIR BINDERY_EPUB WORK_DIR
# Builds BOOK_DIR with mdBook itself and checks that bindery's EPUB keeps at least 99% of the words
# mdBook renders (tests/corpus/words.py). The book is copied first and its book.toml reduced to what
# mdBook needs to render the text ([book], mathjax-support, hidden code lines): real books name
# preprocessors and themes that are not installed here, which mdBook would refuse to run without.
set -euo pipefail
book="$1"; epub="$2"; work="$3"
name=$(basename "$book")
rm -rf "$work/$name" "$work/$name-html"
mkdir -p "$work"
cp -r "$book" "$work/$name"
python3 - "$work/$name/book.toml" <<'PY'
import sys, tomllib
path = sys.argv[1]
d = tomllib.load(open(path, "rb"))
book = d.get("book", {})
html = d.get("output", {}).get("html", {})
out = ["[book]"]
for key in ("title", "src", "language"):
    if key in book:
        out.append(f"{key} = {book[key]!r}".replace("'", '"'))
out.append("[output.html]")
if html.get("mathjax-support"):
    out.append("mathjax-support = true")
hidelines = html.get("code", {}).get("hidelines", {})
if hidelines:
    out.append("[output.html.code.hidelines]")
    out += [f"{lang} = {prefix!r}".replace("'", '"') for lang, prefix in hidelines.items()]
open(path, "w").write("\n".join(out) + "\n")
PY
(cd "$work/$name" && mdbook build -d "$work/$name-html" >"$work/$name-mdbook.log" 2>&1) \
  || { tail -5 "$work/$name-mdbook.log"; echo "  mdBook could not build $name"; exit 1; }
python3 "$(dirname "$0")/words.py" "$work/$name-html" "$epub"
