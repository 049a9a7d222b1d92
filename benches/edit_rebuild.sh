#!/usr/bin/env bash
# The author's loop: a cold build (no picture cache) against a rebuild after editing one report
# (the picture cache warm), on the same machine, side by side, three times each; prints the
# times and their ratio. Not a timed test: the machines are shared and noisy.
#
#   bash benches/edit_rebuild.sh [BINDERY] BOOK_DIR...
set -euo pipefail
BIN=${1:-target/release/bindery}; shift
for book in "$@"; do
  work=$(mktemp -d)
  mkdir "$work/book"
  tar -C "$book" --exclude=./target --exclude=./out --exclude=./.git -cf - . | tar -C "$work/book" -xf -
  report=$(find "$work/book" -name '*.md' ! -name SUMMARY.md | sort | sed -n 3p)
  secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
  cold=(); edit=()
  "$BIN" build "$work/book" --out "$work/out" -q >/dev/null 2>&1   # fills the cache
  for i in 1 2 3; do
    cold+=("$(secs "$BIN" build "$work/book" --out "$work/cold" --no-cache -q)")
    echo "An edit, number $i." >> "$report"
    edit+=("$(secs "$BIN" build "$work/book" --out "$work/out" -q)")
  done
  best() { printf '%s\n' "$@" | sort -n | head -1; }
  c=$(best "${cold[@]}"); e=$(best "${edit[@]}")
  echo "$(basename "$book"): cold ${cold[*]} s; after an edit ${edit[*]} s; best $e / $c = $(echo "scale=2; $e / $c" | bc)x"
  rm -rf "$work"
done
