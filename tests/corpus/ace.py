#!/usr/bin/env python3
"""Run Ace by DAISY on EPUBs and fail on any critical or serious finding.

Usage: ace.py ACE_BIN REPORT_DIR BOOK.epub...

Ace needs Chromium: PUPPETEER_EXECUTABLE_PATH must name it (Debian's /usr/bin/chromium). Each
book's report goes to REPORT_DIR/<name>/report.json; the findings are printed per rule and file,
so a failing CI run says what to fix without opening the HTML report.
"""
import json
import os
import subprocess
import sys
from collections import Counter

BLOCKING = {"critical", "serious"}


def findings(report):
    for subject in report.get("assertions", []):
        url = subject.get("earl:testSubject", {}).get("url", "?")
        for a in subject.get("assertions", []):
            if a.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test", {})
            yield url, test.get("earl:impact", "?"), test.get("dct:title", "?")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    ace, out_dir, books = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.environ.setdefault("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    failed = 0
    for book in books:
        name = os.path.basename(os.path.dirname(os.path.abspath(book))) + "-" + os.path.basename(book)
        report_dir = os.path.join(out_dir, name)
        run = subprocess.run(
            [ace, "--silent", "--force", "--outdir", report_dir, book],
            capture_output=True,
            text=True,
            timeout=900,
        )
        path = os.path.join(report_dir, "report.json")
        if not os.path.exists(path):
            print(f"FAIL {book}: Ace wrote no report (exit {run.returncode})")
            print(run.stdout[-2000:], run.stderr[-2000:])
            failed += 1
            continue
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        counts = Counter()
        blocking = Counter()
        for url, impact, rule in findings(report):
            counts[impact] += 1
            if impact in BLOCKING:
                blocking[(impact, rule, url)] += 1
        summary = ", ".join(f"{counts[k]} {k}" for k in ("critical", "serious", "moderate", "minor"))
        if blocking:
            failed += 1
            print(f"FAIL {book}: {summary}")
            for (impact, rule, url), n in sorted(blocking.items()):
                print(f"     {impact} {rule} in {url} (x{n})")
        else:
            print(f"ok   {book}: {summary}")
    print(f"Ace: {len(books) - failed}/{len(books)} books with no critical or serious finding")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
