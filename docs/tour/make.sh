#!/usr/bin/env bash
# Remake the README tour's pictures from the bundled book with the project's own tools:
# a PDF spread (pdftoppm), EPUB pages as MuPDF draws them, and the live preview in Chromium
# (tests/preview/live_reload.cjs). Needs poppler-utils, mupdf-tools, chromium and puppeteer-core
# (`.ci/run` installs them).   bash docs/tour/make.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-target/release/bindery}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
"$BIN" build --out "$work/out" -q
pdftoppm -r 45 -png -f 4 -l 5 "$work/out/book.pdf" "$work/pdf"
mutool draw -q -r 45 -w 330 -h 520 -o "$work/epub%d.png" "$work/out/book.epub" 5-6
python3 - "$work" docs/tour <<'PY'
import sys, glob
from PIL import Image
work, dest = sys.argv[1], sys.argv[2]
def row(files, out, gap=16):
    imgs = [Image.open(f).convert("RGB") for f in files]
    h = max(i.height for i in imgs)
    w = sum(i.width for i in imgs) + gap * (len(imgs) + 1)
    canvas = Image.new("RGB", (w, h + 2 * gap), (200, 200, 200))
    x = gap
    for i in imgs:
        canvas.paste(i, (x, gap)); x += i.width + gap
    canvas.save(out, optimize=True)
row(sorted(glob.glob(f"{work}/pdf-*.png")), f"{dest}/pdf-spread.png")
row(sorted(glob.glob(f"{work}/epub*.png")), f"{dest}/epub-mupdf.png")
PY
mkdir -p "$work/book"
cp -r book.toml book pictures fonts "$work/book/"
ACE_DIR=${ACE_DIR:-$HOME/.cache/bindery-ace}
NODE_PATH="$ACE_DIR/node_modules" node tests/preview/live_reload.cjs "$BIN" "$work/book" "$work/shots" >/dev/null
python3 -c "
from PIL import Image
im = Image.open('$work/shots/preview.png').convert('RGB')
im.resize((im.width * 3 // 4, im.height * 3 // 4), Image.LANCZOS).save('docs/tour/serve.png', optimize=True)"
ls -l docs/tour/*.png
