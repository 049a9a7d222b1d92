#!/usr/bin/env bash
# Benchmark: build a generated large book (300 chapters, 150 photos of 3000-6000 px) with bindery
# and with pandoc (EPUB) side by side on the same machine, and report wall time and peak memory.
# Not a test: the machines are shared and noisy, so compare the ratio, not the seconds.
#
#   bash benches/large_book.sh [WORKDIR]
#
# Needs: python3 with Pillow (pip install pillow), pandoc (pip install pypandoc_binary), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-$(mktemp -d)}"
CHAPTERS="${CHAPTERS:-300}"
PHOTOS="${PHOTOS:-150}"
export SOURCE_DATE_EPOCH=1700000000

python3 benches/gen_book.py "$WORK/book" "$CHAPTERS" "$PHOTOS"

cargo build --release -q
measure() { # name, command...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$@" >/dev/null 2>"$WORK/err.$name" || { echo "$name failed:"; tail -5 "$WORK/err.$name"; return 1; }
  read -r secs kib < "$WORK/time.$name"
  printf "%-8s wall %6.1f s   peak RSS %6.0f MiB\n" "$name" "$secs" "$(echo "$kib / 1024" | bc -l)"
}
echo "book: $CHAPTERS chapters, $PHOTOS photos of 3000-6000 px ($(du -sh "$WORK/book/pictures" | cut -f1) of pictures)"
measure bindery "${CARGO_TARGET_DIR:-target}/release/bindery" build "$WORK/book" --format epub --out "$WORK/out-bindery" -q
PANDOC=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())' 2>/dev/null || command -v pandoc || true)
if [ -n "$PANDOC" ]; then
  files=$(sed -n 's/.*(\(r[0-9]*\.md\)).*/\1/p' "$WORK/book/reports/SUMMARY.md")
  (cd "$WORK/book/reports" && measure pandoc "$PANDOC" --resource-path=. -o "$WORK/pandoc.epub" $files)
  echo "pandoc $("$PANDOC" --version | head -1 | cut -d' ' -f2) keeps the photos at full size; bindery downscales them to 1600 px"
else
  echo "pandoc not found (pip install pypandoc_binary) - no side-by-side figure"
fi
ls -l "$WORK/out-bindery/book.epub" "$WORK/pandoc.epub" 2>/dev/null | awk '{printf "%s %.1f MiB\n", $NF, $5/1048576}'
