#!/usr/bin/env bash
# Benchmark: bindery's PDF against pandoc 3 + Typst and pandoc 3 + WeasyPrint on the same mdBook,
# side by side on the same machine: pages, wall time, peak memory. Not a test; the machines are
# noisy, compare ratios. Each peer that is not installed is skipped with a note.
#
#   bash benches/pdf_vs_pandoc.sh BOOK_DIR [WORKDIR]
#
# Needs: pandoc and Typst (pip install pypandoc_binary typst), WeasyPrint (apt-get install
# weasyprint), GNU time, poppler-utils (pdfinfo). THREADS=1 runs bindery on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOK="$(cd "$1" && pwd)"
WORK="${2:-$(mktemp -d)}"
mkdir -p "$WORK"
export SOURCE_DATE_EPOCH=1700000000
cargo build --release -q
BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/bindery"
SRC_KEY="$(sed -n 's/^src *= *"\(.*\)"/\1/p' "$BOOK/book.toml" 2>/dev/null | head -1)"
SRC="$BOOK/${SRC_KEY:-src}"
[ -d "$SRC" ] || SRC="$BOOK"
measure() { # name, command...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$@" >/dev/null 2>"$WORK/err.$name" || { echo "$name failed:"; tail -5 "$WORK/err.$name"; return 1; }
  read -r secs kib < "$WORK/time.$name"
  printf "%-16s wall %7.1f s   peak RSS %6.0f MiB" "$name" "$secs" "$(echo "$kib / 1024" | bc -l)"
}
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
RAYON_NUM_THREADS="${THREADS:-}" measure bindery "$BIN" build "$BOOK" --format pdf --out "$WORK/bindery" -q
echo "   pages $(pages "$WORK/bindery/book.pdf")   size $(du -h "$WORK/bindery/book.pdf" | cut -f1)"
PANDOC=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())' 2>/dev/null || command -v pandoc || true)
# The chapters in SUMMARY.md order (or every .md file when there is none).
if [ -f "$SRC/SUMMARY.md" ]; then
  files=$(grep -o '([^)]*\.md)' "$SRC/SUMMARY.md" | tr -d '()' | while read -r f; do [ -f "$SRC/$f" ] && echo "$f"; done)
else
  files=$(cd "$SRC" && ls *.md)
fi
if [ -n "$PANDOC" ] && python3 -c 'import typst' 2>/dev/null; then
  # pandoc writes Typst markup with the pictures copied out (absolute paths, so Typst's root is
  # /), then Typst typesets it: both steps are timed together, the peak is the larger one's.
  cat > "$WORK/pandoc-typst.sh" <<SH
set -e
cd "$SRC"
"$PANDOC" --resource-path=. --extract-media="$WORK/media" -s -t typst -o "$WORK/pandoc.typ" $(echo $files)
# A Markdown link with no address ([text]()) becomes #link(""), which Typst refuses: keep the text.
sed -i 's/#link("")/#box/g' "$WORK/pandoc.typ"
python3 -c 'import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root="/")' "$WORK/pandoc.typ" "$WORK/pandoc-typst.pdf"
SH
  measure pandoc+typst bash "$WORK/pandoc-typst.sh" || true
  [ -f "$WORK/pandoc-typst.pdf" ] && echo "   pages $(pages "$WORK/pandoc-typst.pdf")   size $(du -h "$WORK/pandoc-typst.pdf" | cut -f1)"
  echo "pandoc $("$PANDOC" --version | head -1 | cut -d' ' -f2), typst $(python3 -c 'import typst; print(typst.__version__)')"
else
  echo "pandoc or the typst module not found (pip install pypandoc_binary typst) - no pandoc + Typst figure"
fi
if [ -n "$PANDOC" ] && command -v weasyprint >/dev/null; then
  (cd "$SRC" && measure pandoc+weasyprint "$PANDOC" --resource-path=. --pdf-engine=weasyprint -o "$WORK/pandoc.pdf" $files) || true
  [ -f "$WORK/pandoc.pdf" ] && echo "   pages $(pages "$WORK/pandoc.pdf")   size $(du -h "$WORK/pandoc.pdf" | cut -f1)"
  echo "pandoc $("$PANDOC" --version | head -1 | cut -d' ' -f2), $(weasyprint --version)"
else
  echo "pandoc or weasyprint not found - no side-by-side figure"
fi
