#!/usr/bin/env bash
# Memory of a `bindery watch` process over many rebuilds: edits a copy of a book N times, waits
# for each rebuild, and prints the resident memory after rebuilds 5, 10, 25 and N. A leak per
# rebuild shows as a steady climb; the allocator's high-water mark does not.
#
#   bash benches/watch_memory.sh [BINDERY] [BOOK_DIR] [N]
set -euo pipefail
BIN=${1:-target/release/bindery}
BOOK=${2:-.}
N=${3:-50}
work=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# The book's own files only: not a build folder, outputs or history beside it.
mkdir "$work/book"
tar -C "$BOOK" --exclude=./target --exclude=./out --exclude=./.git --exclude=./fuzz -cf - . | tar -C "$work/book" -xf -
report=$(find "$work/book" -name '*.md' ! -name SUMMARY.md ! -path '*/out/*' | sort | head -1)
"$BIN" watch "$work/book" --out "$work/out" > "$work/log" 2>&1 &
pid=$!
builds() { grep -c '^wrote ' "$work/log" || true; }
wait_for() { for _ in $(seq 600); do [ "$(builds)" -ge "$1" ] && return; sleep 0.1; done; echo "no rebuild $1"; tail "$work/log"; exit 1; }
wait_for 1
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status; }
echo "after build 1: $(rss) MiB"
for i in $(seq 2 $((N + 1))); do
  echo "Edit number $i." >> "$report"
  wait_for "$i"
  case $((i - 1)) in 5|10|25|$N) echo "after rebuild $((i - 1)): $(rss) MiB" ;; esac
done
