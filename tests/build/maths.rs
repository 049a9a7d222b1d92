//! Maths as books declare it, end to end: MathML with the TeX as its text alternative in the
//! EPUB (with the manifest's `mathml` property and the accessibility metadata), the book's own
//! commands, and a formula that cannot be read shown as its TeX with a warning at its place.

use crate::support::*;

const KATEX_TOML: &str = "[book]\ntitle = \"T\"\n\n[preprocessor.katex]\nmacros = \"macros.txt\"\n";

#[test]
fn the_maths_test_book_is_mathml_with_its_tex_and_metadata() {
    let (run, out) = build(&golden("maths"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(
        run.stderr.contains("note: maths: ")
            && run.stderr.contains("formulas are MathML in the EPUB;"),
        "{}",
        run.stderr
    );
    let files = read_zip(&out.path().join("book.epub"));
    let kinds = entry(&files, "OEBPS/text/ch001.xhtml");
    // Every formula of the chapter is MathML; none is left as TeX.
    assert!(!kinds.contains("class=\"math\""), "{kinds}");
    for expected in [
        "<math alttext=\"\\pi r^2\" xmlns=\"http://www.w3.org/1998/Math/MathML\">",
        "<mfrac>",
        "<msqrt>",
        "<mroot>",
        "<munderover>",
        "<mtable",
        "display=\"block\"",
        "<mtext>(1)</mtext>",
        // The book's commands, one inside another: \unitball uses \RR and \norm.
        "ℝ",
        "‖",
        // Prices, an escaped dollar and code keep their dollars.
        "Tickets cost $5 and $10,\na dollar written $ stays a dollar",
        "<code>echo $HOME</code>",
    ] {
        assert!(kinds.contains(expected), "{expected:?} not in:\n{kinds}");
    }
    let vietnamese = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(
        vietnamese.contains("Vé vào cửa giá $5 và $10"),
        "{vietnamese}"
    );
    assert!(
        vietnamese.contains("<math alttext=\"S = \\pi r^2\""),
        "{vietnamese}"
    );
    let opf = entry(&files, "OEBPS/content.opf");
    for chapter in ["ch001", "ch002"] {
        assert!(
            opf.contains(&format!(
                "<item id=\"{chapter}\" href=\"text/{chapter}.xhtml\" media-type=\"application/xhtml+xml\" properties=\"mathml\"/>"
            )),
            "{chapter}: {opf}"
        );
    }
    assert!(
        !opf.contains("title.xhtml\" media-type=\"application/xhtml+xml\" properties=\"mathml\"")
    );
    assert!(opf.contains("<meta property=\"schema:accessibilityFeature\">MathML</meta>"));
    assert!(opf.contains("<meta property=\"schema:accessibilityFeature\">describedMath</meta>"));
}

#[test]
fn a_formula_that_cannot_be_read_is_its_tex_with_a_warning_at_the_command() {
    let files = [
        ("book.toml", KATEX_TOML.as_bytes()),
        (
            "macros.txt",
            b"\\RR:{\\mathbb{R}}\nnot a definition\n".as_slice(),
        ),
        (
            "src/a.md",
            "# A\n\nFine $x \\in \\RR$ and broken $a + \\nosuch{b}$ here.\n".as_bytes(),
        ),
    ];
    let (warnings, xhtml) = warns_with(
        &files,
        &[
            "warning[maths]: this formula cannot be read: Unknown command \"\\nosuch\"",
            "a.md:3:34",
            "macros.txt:2:1",
            "this line of the macros file is not a definition",
        ],
    );
    assert!(
        xhtml.contains("<span class=\"math\">$a + \\nosuch{b}$</span>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("ℝ"), "{xhtml}");
    assert!(!warnings.contains("panicked"));
}

#[test]
fn a_missing_macros_file_is_a_warning_and_formulas_still_build() {
    let files = [
        ("book.toml", KATEX_TOML.as_bytes()),
        ("src/a.md", b"# A\n\n$x^2$\n".as_slice()),
    ];
    let (_, xhtml) = warns_with(&files, &["macros.txt", "[preprocessor.katex] macros"]);
    assert!(xhtml.contains("<msup>"), "{xhtml}");
}

#[test]
fn a_macros_file_outside_the_book_is_never_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("m.txt"), "\\RR:{\\mathbb{R}}\n").unwrap();
    let toml = format!(
        "[book]\ntitle = \"T\"\n\n[preprocessor.katex]\nmacros = \"{}\"\n",
        outside.path().join("m.txt").display()
    );
    let dir = TestBook::new()
        .file("book.toml", toml)
        .file("src/a.md", "# A\n\n$\\RR$\n")
        .write();
    let (run, _out) = build(dir.path());
    assert!(
        run.stderr.contains("is outside the book folder"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Unknown command \"\\RR\""),
        "{}",
        run.stderr
    );
}

#[test]
fn mathjax_formulas_are_read_after_markdowns_escapes() {
    let dir = TestBook::new()
        .file(
            "book.toml",
            "[book]\ntitle = \"T\"\n\n[output.html]\nmathjax-support = true\n",
        )
        .file(
            "src/a.md",
            "# A\n\nThe set \\\\( \\\\{ a_1, a_2 \\\\} \\\\) and\n\n\\\\[ \\begin{matrix} a & b \\\\\\\\ c & d \\end{matrix} \\\\]\n",
        )
        .write();
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    assert!(ch.contains("alttext=\"\\{ a_1, a_2 \\}\""), "{ch}");
    assert!(ch.contains("<mo stretchy=\"false\">{</mo>"), "{ch}");
    // `\\\\` in the Markdown is the row break `\\` MathJax reads: two rows.
    assert_eq!(ch.matches("<mtr>").count(), 2, "{ch}");
}

#[test]
fn github_maths_is_read_when_the_book_asks_for_it() {
    let report = "# Trip\n\nThe room held $n^2$ people; tea cost $2 and $3.\n\n```math\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n```\n";
    let on = TestBook::new()
        .file(
            "book.toml",
            "[book]\ntitle = \"T\"\n\n[bindery]\ngithub-math = true\n",
        )
        .file("src/a.md", report)
        .write();
    let (run, out) = build(on.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ch = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(ch.contains("<math alttext=\"n^2\""), "{ch}");
    assert!(ch.contains("tea cost $2 and $3."), "{ch}");
    assert!(ch.contains("display=\"block\"><munderover>"), "{ch}");
    // Without the key, the same report is text and code, as mdBook shows it.
    let off = TestBook::new().file("src/a.md", report).write();
    let (run, out) = build(off.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ch = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(!ch.contains("<math"), "{ch}");
    assert!(ch.contains("$n^2$"), "{ch}");
}

#[cfg(unix)]
#[test]
fn a_macros_file_linked_out_of_the_book_is_refused_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("m.txt"), "\\RR:{\\mathbb{R}}\n").unwrap();
    let dir = TestBook::new()
        .file("book.toml", KATEX_TOML)
        .file("src/a.md", "# A\n\n$\\RR$\n")
        .write();
    std::os::unix::fs::symlink(outside.path().join("m.txt"), dir.path().join("macros.txt"))
        .unwrap();
    let (run, _out) = build(dir.path());
    assert_eq!(
        run.code, 1,
        "a link out of the book is an error:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is a link to a file outside"),
        "{}",
        run.stderr
    );
    assert!(run.epub.is_none());
}
