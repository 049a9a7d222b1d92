#!/usr/bin/env bash
# The author's loop, side by side on the same machine: a cold build (a new process, no picture
# cache) against
#   - `bindery build` after editing one report (a new process; the picture cache warm), and
#   - a rebuild in `bindery watch` after editing one report (what watch and serve keep between
#     builds: the font book, the laid-out chapters, the compressed EPUB files).
# Three cold builds, three edit builds, five watch rebuilds; prints each and the ratios of the
# best times. Then checks that the watch's outputs are byte for byte a cold build's of the same
# sources. Not a timed test: the machines are shared and noisy, so compare the ratios.
#
#   bash benches/edit_rebuild.sh [BINDERY] BOOK_DIR...
set -euo pipefail
BIN=$(realpath "${1:-target/release/bindery}"); shift
for book in "$@"; do
  work=$(mktemp -d)
  mkdir "$work/book"
  tar -C "$book" --exclude=./target --exclude=./out --exclude=./.git -cf - . | tar -C "$work/book" -xf -
  report=$(find "$work/book" -name '*.md' ! -name SUMMARY.md | sort | sed -n 3p)
  secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
  cold=(); edit=(); rebuilt=()
  "$BIN" build "$work/book" --out "$work/out" -q >/dev/null 2>&1   # fills the picture cache
  for i in 1 2 3; do
    rm -rf "$work/cold"
    cold+=("$(secs "$BIN" build "$work/book" --out "$work/cold" --no-cache -q)")
    echo "An edit, number $i." >> "$report"
    edit+=("$(secs "$BIN" build "$work/book" --out "$work/out" -q)")
  done
  # watch: each rebuild's own time, from its summary line (the 250 ms wait for quiet after an
  # edit is not part of it).
  "$BIN" watch "$work/book" --out "$work/out" --color never > "$work/watch.log" 2>&1 &
  watcher=$!
  builds() { grep -c '^wrote ' "$work/watch.log" || true; }
  wait_for() { for _ in $(seq 1200); do [ "$(builds)" -ge "$1" ] && return; sleep 0.05; done; echo "watch did not rebuild"; exit 1; }
  wait_for 1
  for i in 1 2 3 4 5; do
    echo "A watched edit, number $i." >> "$report"
    wait_for $((i + 1))
  done
  kill -INT "$watcher"; wait "$watcher" || true
  mapfile -t rebuilt < <(grep '^wrote ' "$work/watch.log" | tail -n +2 | sed 's/.* in \([0-9.]*\) s$/\1/')
  rm -rf "$work/cold"
  "$BIN" build "$work/book" --out "$work/cold" --no-cache -q >/dev/null 2>&1 || true
  same=yes
  for f in "$work"/cold/*; do cmp -s "$f" "$work/out/$(basename "$f")" || same="NO ($(basename "$f") differs)"; done
  best() { printf '%s\n' "$@" | sort -n | head -1; }
  c=$(best "${cold[@]}"); e=$(best "${edit[@]}"); w=$(best "${rebuilt[@]}")
  echo "$(basename "$book"):"
  echo "  cold build         ${cold[*]} s"
  echo "  build after edit   ${edit[*]} s   best $e / $c = $(echo "scale=2; $e / $c" | bc)x"
  echo "  watch rebuild      ${rebuilt[*]} s   best $w / $c = $(echo "scale=2; $w / $c" | bc)x"
  echo "  watch outputs identical to a cold build: $same"
  rm -rf "$work"
done
