#!/usr/bin/env bash
# Benchmark: how the PDF's build time and peak memory grow with the book. Builds generated books
# of N and 2N reports (benches/gen_book.py), once with a photo in every other report and once
# text only, and prints the 2N/N ratios of pages, wall time and peak RSS. Doubling the book
# should at most double the time, and memory should grow no faster than the pages.
#
#   bash benches/scaling.sh [WORKDIR]        CHAPTERS=N (default 150)
#
# Not a test: the machines are shared and noisy; run it twice and read the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-$(mktemp -d)}"
N="${CHAPTERS:-150}"
export SOURCE_DATE_EPOCH=1700000000
cargo build --release -q
BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/bindery"
run() { # kind, chapters, photos -> "pages secs kib"
  local book="$WORK/$1-$2"
  python3 benches/gen_book.py "$book" "$2" "$3"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" build "$book" --format pdf --out "$book/out" -q >/dev/null 2>&1
  echo "$(pdfinfo "$book/out/book.pdf" | sed -n 's/^Pages: *//p') $(cat "$WORK/time")"
}
for kind in photos text; do
  read -r p1 s1 k1 <<<"$(run "$kind" "$N" "$([ $kind = photos ] && echo $((N / 2)) || echo 0)")"
  read -r p2 s2 k2 <<<"$(run "$kind" "$((2 * N))" "$([ $kind = photos ] && echo "$N" || echo 0)")"
  printf "%-7s %4d reports: %5d pages %6.1f s %6.0f MiB | %4d reports: %5d pages %6.1f s %6.0f MiB | x%.2f pages, x%.2f time, x%.2f memory\n" \
    "$kind" "$N" "$p1" "$s1" "$((k1 / 1024))" "$((2 * N))" "$p2" "$s2" "$((k2 / 1024))" \
    "$(echo "$p2 / $p1" | bc -l)" "$(echo "$s2 / $s1" | bc -l)" "$(echo "$k2 / $k1" | bc -l)"
done
