//! Real mdBook syntax: lists, links, includes, leniency with every defect named.

use crate::common::chapter_xhtml;
use crate::support::*;

#[test]
fn tight_lists_have_no_paragraphs_and_loose_lists_do() {
    let x = chapter_xhtml("- a\n- b\n  - c\n\nText.\n\n1. d\n\n2. e\n");
    assert!(x.contains("<li>a</li>"), "{x}");
    assert!(x.contains("<li>b\n<ul>"), "{x}");
    assert!(x.contains("<li>\n<p>d</p>\n</li>"), "{x}");
}

#[test]
fn a_link_never_ends_up_inside_a_link() {
    let x = chapter_xhtml(
        "[![badge](https://img.example/b.svg)](https://example.org) and [see <https://x.org>](https://y.org)\n",
    );
    assert_eq!(x.matches("<a ").count(), 2, "{x}");
    assert!(!x.contains("<a href=\"https://img.example"), "{x}");
}

#[test]
fn real_mdbook_syntax_builds_with_every_defect_named() {
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Real\"\n[output.html]\nmathjax-support = true\n",
        ),
        (
            "src/SUMMARY.md",
            b"# Summary\n\n[The Book](title-page.md) [Foreword](foreword.md)\n\n- [Setup](setup/index.md) with notes\n  - [Start (quick)](<setup/get started.md>)\n- [Draft]()\n- [Listings](listings.md)\n",
        ),
        ("src/title-page.md", b"# The Book\n"),
        ("src/foreword.md", b"Foreword text with \\\\(a*b*c\\\\).\n"),
        (
            "src/setup/index.md",
            b"# Setup\n\n<a id=\"setup\"></a>\n\n## Old name {#setup-2}\n\nSee [start](/setup/get%20started.md#install), [home](../title-page.md), [readme](README.md), [gone](#renamed) and [deleted](deleted.md).\n\n<dl><dt id=\"term\">Term</dt><dd>Def</dd></dl>\n\n[term](#term)\n",
        ),
        ("src/setup/get started.md", b"# Start\n\n## Install\n\nDone.\n"),
        (
            "src/listings.md",
            b"# Listings\n\n```rust\n{{#include ../code/main.rs:main}}\n```\n\n```rust\n{{#include ../code/main.rs:nowhere}}\n```\n\n{{#include ../code/missing.md}}\n\nThe syntax is `{{#include}}`.\n\n![A stage](../pictures/none.jpg)\n",
        ),
        (
            "code/main.rs",
            b"// ANCHOR:main\nfn main() {}\n  //ANCHOR_END: main trailing words\n",
        ),
    ]);
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "no heading or anchor #renamed in this report",
        "link to deleted.md, which is not a chapter",
        "no anchor `nowhere` in ../code/main.rs",
        "cannot find ../code/missing.md",
        "cannot find ../pictures/none.jpg",
        "5 warning(s): 2 missing-include, 1 broken-anchor, 1 broken-link, 1 missing-picture",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected:?} in\n{}",
            run.stderr
        );
    }
    let files = read_zip(run.epub.as_ref().unwrap());
    let nav = entry(&files, "OEBPS/nav.xhtml");
    for title in ["The Book", "Foreword", "Setup", "Start (quick)", "Listings"] {
        assert!(nav.contains(title), "{title} in {nav}");
    }
    let all: String = files
        .iter()
        .filter(|(n, _)| n.starts_with("OEBPS/text/ch"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    // MathJax's formula is MathML, its TeX kept whole (no emphasis read inside).
    assert!(all.contains("<math alttext=\"a*b*c\""), "{all}");
    assert!(all.contains("fn main() {}\n</code>"), "{all}");
    assert!(!all.contains("ANCHOR"), "{all}");
    assert!(
        all.contains("(missing include: ../code/main.rs:nowhere)"),
        "{all}"
    );
    assert!(
        all.contains("(missing include: ../code/missing.md)"),
        "{all}"
    );
    assert!(
        all.contains("The syntax is <code>{{#include}}</code>."),
        "{all}"
    );
    assert!(
        all.contains("Picture missing: A stage (../pictures/none.jpg)"),
        "{all}"
    );
    assert!(all.contains("#install\">start</a>"), "{all}");
    // `<a id="setup">` beside the heading `setup`: the id is written once, and nothing empty.
    assert_eq!(all.matches("id=\"setup\"").count(), 1, "{all}");
    assert!(
        !all.contains("<span></span>") && !all.contains("<p></p>"),
        "{all}"
    );
    assert!(
        all.contains("<dt><span id=\"term\">Term</span></dt>"),
        "{all}"
    );
    assert!(all.contains("href=\"#term\""), "{all}");
    // `README.md` is the folder's `index.md`, as in mdBook.
    assert!(!run.stderr.contains("link to README.md"), "{}", run.stderr);
}
