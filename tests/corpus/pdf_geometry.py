"""Every word and picture of a PDF inside the text column.

Usage: pdf_geometry.py BOOK.pdf [MARGIN_MM]

The column's outer edges are the smaller of the inner and outer margins (15 mm by default), so
mirrored two-sided pages pass too. Prints one line per page with something outside (its text)
and exits 1 when there is any; prints a summary line otherwise.
"""
import sys

import pymupdf

TOLERANCE = 1.0  # points: glyph outlines may overhang their advance a little


def main() -> int:
    path = sys.argv[1]
    margin = (float(sys.argv[2]) if len(sys.argv) > 2 else 15.0) * 72 / 25.4
    doc = pymupdf.open(path)
    bad = 0
    spans = 0
    for number, page in enumerate(doc, start=1):
        left = page.rect.x0 + margin - TOLERANCE
        right = page.rect.x1 - margin + TOLERANCE
        for block in page.get_text("dict")["blocks"]:
            boxes = []
            if block.get("type") == 1:
                boxes.append((block["bbox"], "[picture]"))
            for line in block.get("lines", []):
                for span in line["spans"]:
                    if span["text"].strip():
                        boxes.append((span["bbox"], span["text"]))
            for (x0, _, x1, _), text in boxes:
                spans += 1
                if x0 < left or x1 > right:
                    bad += 1
                    print(f"  page {number}: {text[:60]!r} from {x0:.1f} to {x1:.1f} pt, column {left:.1f}..{right:.1f}")
    if bad:
        print(f"  {path}: {bad} of {spans} runs outside the text column")
        return 1
    print(f"  {path}: {spans} runs on {len(doc)} pages, all inside the text column")
    return 0


if __name__ == "__main__":
    sys.exit(main())
