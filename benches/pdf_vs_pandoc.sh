#!/usr/bin/env bash
# Benchmark: bindery's PDF against pandoc 3 + WeasyPrint on the same mdBook, side by side on the
# same machine: pages, wall time, peak memory. Not a test; the machines are noisy, compare ratios.
#
#   bash benches/pdf_vs_pandoc.sh BOOK_DIR [WORKDIR]
#
# Needs: pandoc (pip install pypandoc_binary), WeasyPrint (apt-get install weasyprint), GNU time,
# poppler-utils (pdfinfo).
set -euo pipefail
cd "$(dirname "$0")/.."
BOOK="$(cd "$1" && pwd)"
WORK="${2:-$(mktemp -d)}"
mkdir -p "$WORK"
export SOURCE_DATE_EPOCH=1700000000
cargo build --release -q
BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/bindery"
SRC="$BOOK/$(sed -n 's/^src *= *"\(.*\)"/\1/p' "$BOOK/book.toml" 2>/dev/null | head -1)"
[ -d "$SRC" ] || SRC="$BOOK/src"
measure() { # name, command...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$@" >/dev/null 2>"$WORK/err.$name" || { echo "$name failed:"; tail -5 "$WORK/err.$name"; return 1; }
  read -r secs kib < "$WORK/time.$name"
  printf "%-16s wall %7.1f s   peak RSS %6.0f MiB" "$name" "$secs" "$(echo "$kib / 1024" | bc -l)"
}
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
measure bindery "$BIN" build "$BOOK" --format pdf --out "$WORK/bindery" -q
echo "   pages $(pages "$WORK/bindery/book.pdf")   size $(du -h "$WORK/bindery/book.pdf" | cut -f1)"
PANDOC=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())' 2>/dev/null || command -v pandoc || true)
if [ -n "$PANDOC" ] && command -v weasyprint >/dev/null; then
  # The chapters in SUMMARY.md order (or every .md file when there is none).
  if [ -f "$SRC/SUMMARY.md" ]; then
    files=$(grep -o '([^)]*\.md)' "$SRC/SUMMARY.md" | tr -d '()' | while read -r f; do [ -f "$SRC/$f" ] && echo "$f"; done)
  else
    files=$(cd "$SRC" && ls *.md)
  fi
  (cd "$SRC" && measure pandoc+weasyprint "$PANDOC" --resource-path=. --pdf-engine=weasyprint -o "$WORK/pandoc.pdf" $files) || true
  [ -f "$WORK/pandoc.pdf" ] && echo "   pages $(pages "$WORK/pandoc.pdf")   size $(du -h "$WORK/pandoc.pdf" | cut -f1)"
  echo "pandoc $("$PANDOC" --version | head -1 | cut -d' ' -f2), $(weasyprint --version)"
else
  echo "pandoc or weasyprint not found - no side-by-side figure"
fi
