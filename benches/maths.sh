#!/usr/bin/env bash
# Benchmark: what maths costs a build. One generated book of 2,000 formulas (thirteen kinds,
# inline and display, repeated over 40 reports, with prose between them), built twice in
# alternation: with [preprocessor.katex] (every formula read and written as MathML) and without
# it (the same text as plain text). Prints each time and the ratio; issue #29 asks for at most
# 1.5x.
#
#   bash benches/maths.sh [WORKDIR]        FORMULAS=N (default 2000), ROUNDS=R (default 3)
#
# Not a test: the machines are shared and noisy; read the ratio of one run.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-$(mktemp -d)}"
N="${FORMULAS:-2000}"
ROUNDS="${ROUNDS:-3}"
export SOURCE_DATE_EPOCH=1700000000
cargo build --release -q
BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/bindery"
python3 - "$WORK/book" "$N" <<'PY'
import os, re, sys
root, n = sys.argv[1], int(sys.argv[2])
formulas = [
    r"$\pi r^2$", r"$\varphi = \frac{1 + \sqrt{5}}{2}$", r"$x^2 = x + 1$", r"$a_{i,j}^{(k)}$",
    r"$\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}$", r"$\int_0^1 x^2 \, dx$",
    r"$\left( \frac{a}{b} \right)^2$", r"$\mathbb{R}^n$", r"$\hat{x} + \bar{y}$",
    r"$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$", r"$\lim_{n \to \infty} (1 + 1/n)^n$",
    r"$$x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}$$",
    r"$$\begin{aligned} (a + b)^2 &= a^2 + 2ab + b^2 \\ &\le 2(a^2 + b^2) \end{aligned}$$",
]
os.makedirs(f"{root}/src", exist_ok=True)
chapters, per = 40, -(-n // 40)
summary = ["# Summary", ""]
made = 0
for c in range(chapters):
    lines = [f"# Report {c + 1}", ""]
    for i in range(per):
        if made == n:
            break
        f = formulas[(c * per + i) % len(formulas)]
        lines.append(f"Sentence {i} of the report, about the result {f} and what follows from it.\n")
        made += 1
    open(f"{root}/src/r{c:02}.md", "w").write("\n".join(lines))
    summary.append(f"- [Report {c + 1}](r{c:02}.md)")
open(f"{root}/src/SUMMARY.md", "w").write("\n".join(summary) + "\n")
open(f"{root}/book.toml", "w").write('[book]\ntitle = "Maths bench"\n')
PY
cp "$WORK/book/book.toml" "$WORK/plain.toml"
printf '[book]\ntitle = "Maths bench"\n\n[preprocessor.katex]\n' > "$WORK/maths.toml"
best() { sort -n | head -1; }
: > "$WORK/plain.times"; : > "$WORK/maths.times"
for _ in $(seq "$ROUNDS"); do
  for kind in plain maths; do
    cp "$WORK/$kind.toml" "$WORK/book/book.toml"
    /usr/bin/time -f "%e" -a -o "$WORK/$kind.times" "$BIN" build "$WORK/book" --out "$WORK/out-$kind" --no-cache -q >/dev/null 2>&1
  done
done
formulas=$(unzip -p "$WORK/out-maths/book.epub" 'OEBPS/text/*.xhtml' | grep -o '<math ' | wc -l)
plain=$(best < "$WORK/plain.times"); maths=$(best < "$WORK/maths.times")
printf "%d formulas as MathML: %.2f s with maths, %.2f s as plain text (best of %d): x%.2f\n" \
  "$formulas" "$maths" "$plain" "$ROUNDS" "$(echo "$maths / $plain" | bc -l)"
