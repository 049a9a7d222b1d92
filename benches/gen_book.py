#!/usr/bin/env python3
"""Generate a large report book for the benchmarks: CHAPTERS reports of twelve paragraphs in
English and Vietnamese words, a table and a footnote each, and a photo (3000-6000 px, compresses
like a photo) in every other report, PHOTOS distinct ones.

    python3 benches/gen_book.py ROOT CHAPTERS PHOTOS

Photos already in ROOT/pictures are kept. Needs Pillow (pip install pillow)."""
import os, random, sys
from PIL import Image, ImageDraw, ImageFilter
root, chapters, photos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{root}/reports", exist_ok=True)
os.makedirs(f"{root}/pictures", exist_ok=True)
open(f"{root}/book.toml", "w").write('[book]\ntitle = "Large book"\nauthors = ["Bench"]\nlanguage = "en"\nsrc = "reports"\n')
for i in range(photos):
    if os.path.exists(f"{root}/pictures/p{i:03}.jpg"):
        continue
    # One generator per photo: a photo is the same whether or not the others were made before.
    rng = random.Random(1000 + i)
    w = rng.randint(3000, 6000); h = int(w * rng.choice([0.56, 0.66, 0.75]))
    # A smooth gradient with shapes and noise: compresses like a photo, not like a flat colour.
    small = Image.effect_noise((w // 8, h // 8), 60).convert("RGB")
    d = ImageDraw.Draw(small)
    for _ in range(30):
        x, y = rng.randint(0, w // 8), rng.randint(0, h // 8)
        d.ellipse((x, y, x + rng.randint(5, 80), y + rng.randint(5, 80)), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    img = small.filter(ImageFilter.GaussianBlur(2)).resize((w, h), Image.BILINEAR)
    img.save(f"{root}/pictures/p{i:03}.jpg", quality=88)
random.seed(42)
words = ("open infrastructure summit community contributors operators cloud bare metal containers "
         "gating review patch mentoring meetup Hà Nội Việt Nam hội nghị cộng đồng").split()
summary = ["# Summary", ""]
for c in range(chapters):
    lines = [f"# Report {c + 1}", ""]
    for p in range(12):
        lines.append(" ".join(random.choice(words) for _ in range(90)) + ".")
        lines.append("")
        if p == 5 and c % 2 == 0 and photos:
            lines.append(f"![Photo {c // 2} from the event](../pictures/p{(c // 2) % photos:03}.jpg)")
            lines.append("")
    lines += ["| a | b |", "|---|---|", "| 1 | 2 |", "", "Footnote here.[^n]", "", "[^n]: A note.", ""]
    open(f"{root}/reports/r{c:03}.md", "w").write("\n".join(lines))
    summary.append(f"- [Report {c + 1}](r{c:03}.md)")
open(f"{root}/reports/SUMMARY.md", "w").write("\n".join(summary) + "\n")
