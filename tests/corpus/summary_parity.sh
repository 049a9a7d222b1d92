#!/usr/bin/env bash
# SUMMARY.md as mdBook reads it: generated variants of a SUMMARY (prefix and suffix chapters
# indented, after a blank line or not, indented as code) are built by mdBook and by bindery, and
# the chapters each makes must be the same. Usage: summary_parity.sh BINDERY
set -u
BIN=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
printf '[book]\ntitle = "S"\n' > "$work/book.toml"
for f in intro one two glossary; do printf '# %s\n\nText.\n' "$f" > "$work/src/$f.md"; done
failed=0; n=0
for pre in '[intro](intro.md)' ' [intro](intro.md)' '   [intro](intro.md)' '    [intro](intro.md)'; do
  for tail in '\n[glossary](glossary.md)' '\n [glossary](glossary.md)' '\n  [glossary](glossary.md)' \
              '\n   [glossary](glossary.md)' '\n    [glossary](glossary.md)' '[glossary](glossary.md)' \
              ' [glossary](glossary.md)' '\n---\n\n[glossary](glossary.md)'; do
    printf "# Summary\n\n$pre\n\n- [one](one.md)\n  - [two](two.md)\n$tail\n" > "$work/src/SUMMARY.md"
    rm -rf "$work/book" "$work/out"
    (cd "$work" && mdbook build >/dev/null 2>&1)
    mine=$(ls "$work/book" | sed -n 's/\.html$//p' | grep -E '^(intro|one|two|glossary)$' | sort | tr '\n' ' ')
    "$BIN" build "$work" --format epub -q >/dev/null 2>&1
    ours=$(unzip -p "$work/out/book.epub" OEBPS/nav.xhtml 2>/dev/null | grep -oE '>([0-9.]+ )?(intro|one|two|glossary)<' | sed -E 's/^>([0-9.]+ )?//; s/<$//' | sort | tr '\n' ' ')
    n=$((n + 1))
    if [ "$mine" != "$ours" ]; then
      failed=$((failed + 1))
      echo "  SUMMARY differs: prefix '$pre', tail '$tail': mdBook [$mine], bindery [$ours]"
    fi
  done
done
echo "  summary parity: $((n - failed)) of $n generated SUMMARY.md variants give mdBook's chapters"
[ "$failed" = 0 ]
