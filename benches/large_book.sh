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

python3 - "$WORK/book" "$CHAPTERS" "$PHOTOS" <<'PY'
import os, random, sys
from PIL import Image, ImageDraw, ImageFilter
root, chapters, photos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(42)
os.makedirs(f"{root}/reports", exist_ok=True)
os.makedirs(f"{root}/pictures", exist_ok=True)
open(f"{root}/book.toml", "w").write('[book]\ntitle = "Large book"\nauthors = ["Bench"]\nlanguage = "en"\nsrc = "reports"\n')
for i in range(photos):
    if os.path.exists(f"{root}/pictures/p{i:03}.jpg"):
        continue
    w = random.randint(3000, 6000); h = int(w * random.choice([0.56, 0.66, 0.75]))
    # A smooth gradient with shapes and noise: compresses like a photo, not like a flat colour.
    small = Image.effect_noise((w // 8, h // 8), 60).convert("RGB")
    d = ImageDraw.Draw(small)
    for _ in range(30):
        x, y = random.randint(0, w // 8), random.randint(0, h // 8)
        d.ellipse((x, y, x + random.randint(5, 80), y + random.randint(5, 80)), fill=tuple(random.randint(0, 255) for _ in range(3)))
    img = small.filter(ImageFilter.GaussianBlur(2)).resize((w, h), Image.BILINEAR)
    img.save(f"{root}/pictures/p{i:03}.jpg", quality=88)
words = ("open infrastructure summit community contributors operators cloud bare metal containers "
         "gating review patch mentoring meetup Hà Nội Việt Nam hội nghị cộng đồng").split()
summary = ["# Summary", ""]
for c in range(chapters):
    lines = [f"# Report {c + 1}", ""]
    for p in range(12):
        lines.append(" ".join(random.choice(words) for _ in range(90)) + ".")
        lines.append("")
        if p == 5 and c % 2 == 0:
            lines.append(f"![Photo {c // 2} from the event](../pictures/p{(c // 2) % photos:03}.jpg)")
            lines.append("")
    lines += ["| a | b |", "|---|---|", "| 1 | 2 |", "", "Footnote here.[^n]", "", "[^n]: A note.", ""]
    open(f"{root}/reports/r{c:03}.md", "w").write("\n".join(lines))
    summary.append(f"- [Report {c + 1}](r{c:03}.md)")
open(f"{root}/reports/SUMMARY.md", "w").write("\n".join(summary) + "\n")
PY

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
