//! Defects in a book's own files: each one named at its file, line and column, lenient by
//! default, every one reported together.

use crate::support::*;

#[test]
fn a_missing_cover_is_a_warning_at_its_key() {
    warns_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"A cover story\"\n\n[bindery]\ncover = \"pictures/cover.jpg\"\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["cannot find pictures/cover.jpg", "book.toml:5:1"],
    );
}

#[test]
fn missing_summary_entry_file() {
    let (stderr, _) = warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n- [Missing](missing.md)\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["cannot find missing.md", "src/SUMMARY.md:2:3", "draft"],
    );
    assert!(stderr.contains("1 missing-chapter"), "{stderr}");
}

#[test]
fn chapter_listed_twice() {
    warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n- [Again](a.md)\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["a.md is listed twice", "SUMMARY.md:2:3", "line 1"],
    );
}

#[test]
fn summary_listing_itself() {
    warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [Me](SUMMARY.md)\n- [A](a.md)\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["lists itself"],
    );
}

#[test]
fn summary_line_without_a_link() {
    warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"# Summary\n\n- [A](a.md)\n- just text\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["not a chapter entry", "SUMMARY.md:4:1"],
    );
}

#[test]
fn summary_that_cannot_be_read_is_an_error() {
    fails_with(
        &[
            TOML,
            (
                "src/SUMMARY.md",
                b"- [A](a.md)\n\n[Suffix](s.md)\n- [B](b.md)\n",
            ),
            ("src/a.md", b"# A\n"),
            ("src/s.md", b"# S\n"),
            ("src/b.md", b"# B\n"),
        ],
        &[
            "a numbered chapter or part after suffix chapters",
            "SUMMARY.md:4:1",
        ],
    );
}

#[test]
fn invalid_book_toml() {
    fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n[bindery]\ncolour = \"red\"\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["colour", "book.toml:4:1"],
    );
    fails_with(
        &[("book.toml", b"[book\ntitle = 1\n"), ("src/a.md", b"# A\n")],
        &["invalid book.toml", "book.toml:1:"],
    );
    fails_with(
        &[
            ("book.toml", b"[book]\nauthors = \"not a list\"\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["invalid book.toml", "book.toml:2:11"],
    );
}

#[test]
fn invalid_front_matter_is_read_as_markdown_with_a_warning() {
    let (_, xhtml) = warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"---\ntitle: [oops\n---\n# A\n"),
        ],
        &["invalid YAML front matter", "src/a.md:", "read as Markdown"],
    );
    assert!(xhtml.contains("title: [oops"), "nothing dropped: {xhtml}");
    warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"+++\ntitle = \n+++\n"),
        ],
        &["invalid TOML front matter", "src/a.md:2:"],
    );
}

#[test]
fn non_utf8_report() {
    fails_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"# A\n\nVi\xea\xa3t\n"),
        ],
        &["not valid UTF-8", "src/a.md:3:3"],
    );
    fails_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"\xff\xfe#\0 \0A\0"),
        ],
        &["UTF-16"],
    );
}

#[test]
fn link_to_a_missing_anchor_or_chapter() {
    let (stderr, xhtml) = warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n- [B](b.md)\n"),
            ("src/a.md", b"# A\n\nSee [b](b.md#nowhere) and [c](c.md).\n"),
            ("src/b.md", b"# B\n"),
        ],
        &[
            "no heading or anchor #nowhere in b.md",
            "src/a.md:3:5",
            "link to c.md, which is not a chapter",
        ],
    );
    assert!(
        stderr.contains("2 warning(s): 1 broken-anchor, 1 broken-link"),
        "{stderr}"
    );
    // The broken anchor still leads to the chapter; the missing page is plain text.
    assert!(
        xhtml.contains("See <a href=\"ch002.xhtml\">b</a> and c."),
        "{xhtml}"
    );
}

#[test]
fn diagnostics_are_all_reported_together() {
    let (stderr, _) = warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            (
                "src/a.md",
                b"# A\n\n![x](../nope1.png)\n\n![y](../nope2.png)\n\n[z](#nope)\n\n[w](gone.md)\n",
            ),
        ],
        &["nope1.png", "nope2.png", "#nope", "gone.md"],
    );
    assert!(
        stderr.contains("4 warning(s): 2 missing-picture, 1 broken-anchor, 1 broken-link"),
        "{stderr}"
    );
}

#[test]
fn a_flood_of_one_kind_shows_the_first_five_and_counts_the_rest() {
    let links: String = (0..12)
        .map(|i| format!("[gone {i}](gone{i}.md)\n\n"))
        .collect();
    let dir = TestBook::new()
        .chapters(1, |_| format!("# A\n\n{links}\n\n![x](../nope.png)\n"))
        .write();
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[broken-link]").count(),
        5,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gone4.md") && !run.stderr.contains("gone5.md"));
    assert!(
        run.stderr
            .contains("... and 7 more broken-link warnings like these; -v shows all"),
        "{}",
        run.stderr
    );
    // The other kind is still seen, and the last line counts all.
    assert!(
        run.stderr.contains("warning[missing-picture]"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("13 warning(s): 12 broken-link, 1 missing-picture"));
    // -v and JSON give every one.
    let (verbose, _out) = build_with(dir.path(), &["-v", "--format", "epub"]);
    assert_eq!(verbose.stderr.matches("warning[broken-link]").count(), 12);
    let stdout = check_json(dir.path());
    assert_eq!(stdout.matches("\"broken-link\"").count(), 12, "{stdout}");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = ">".repeat(100_000) + " deep\n";
    let list: String = (0..3_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n- [B](b.md)\n"),
        ("src/a.md", deep.as_bytes()),
        ("src/b.md", list.as_bytes()),
    ]);
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
    assert!(run
        .stderr
        .contains("nesting deeper than 64 levels is flattened"));
}

#[test]
fn control_characters_are_reported_not_silently_dropped() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nNUL\0here\n"),
    ]);
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("src/a.md:3:4: 1 control character(s) (first U+0000)"),
        "{}",
        run.stderr
    );
}

#[test]
fn bare_folder_without_book_toml_with_bom_and_crlf() {
    let dir = book(&[
        ("reports/b.md", b"\xef\xbb\xbf# Second\r\n\r\nCRLF text with a [link](#second) and [a bad one](#nope).\r\n"),
        ("reports/a.md", b"No heading, a picture: ![x](../pictures/p.png)\n"),
        ("pictures/p.png", &std::fs::read(golden("figures/pictures/red.png")).unwrap()),
    ]);
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0);
    // The BOM does not hide the heading, and the column counts characters after it.
    assert!(run.stderr.contains("reports/b.md:3:38"), "{}", run.stderr);
    assert!(!run.stderr.contains("anchor #second"), "{}", run.stderr);
    std::fs::write(
        dir.path().join("reports/b.md"),
        b"\xef\xbb\xbf# Second\r\n\r\nText.\r\n",
    )
    .unwrap();
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let nav = entry(&files, "OEBPS/nav.xhtml");
    assert!(
        nav.find(">A<").unwrap() < nav.find(">Second<").unwrap(),
        "{nav}"
    );
}

#[test]
fn a_font_file_book_toml_names_is_reported_at_its_key() {
    fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n\n[bindery.fonts]\nbody = \"fonts/missing.ttf\"\n",
            ),
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["book.toml:5:1", "missing.ttf"],
    );
}

#[test]
fn control_characters_in_book_toml_values_are_removed_with_a_warning_at_the_key() {
    let (warnings, _) = warns_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"Trip\\u0007 reports\\nof 2026\"\nauthors = [\"An\\tOwner\"]\n",
            ),
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"# A\n"),
        ],
        &["book.toml:2:1", "U+0007", "book.toml:3:1", "U+0009"],
    );
    assert!(warnings.contains("control-character"), "{warnings}");
}

/// A report whose file name is not UTF-8 (a phone's or an old archive's encoding) is found,
/// built and named lossily in messages, never "no such file".
#[cfg(target_os = "linux")]
#[test]
fn a_report_whose_file_name_is_not_utf8_is_found() {
    use std::os::unix::ffi::OsStrExt;
    let dir = book(&[TOML, ("src/a.md", b"# A\n\nFirst.\n")]);
    let name = std::ffi::OsStr::from_bytes(b"b-\xe9t\xe9.md");
    std::fs::write(
        dir.path().join("src").join(name),
        "# Summer\n\nThe report with a Latin-1 name.\n",
    )
    .unwrap();
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("no such file"), "{}", run.stderr);
    let text: String = read_zip(run.epub.as_ref().unwrap())
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(text.contains("The report with a Latin-1 name."));
}

/// In JSON too, a problem at a place carries it in `file`, `line` and `column`, even when the
/// file could not be read as text (its first byte that is not UTF-8), and a file that cannot
/// be read names its file.
#[test]
fn json_diagnostics_carry_the_place_of_a_file_that_is_not_utf8() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n- [B](b.md)\n"),
        ("src/a.md", b"# A\n\nVi\xea\xa3t\n"),
        ("src/b.md", b"# B\n"),
    ]);
    #[cfg(unix)]
    {
        std::fs::remove_file(dir.path().join("src/b.md")).unwrap();
        assert!(Command::new("mkfifo")
            .arg(dir.path().join("src/b.md"))
            .status()
            .unwrap()
            .success());
    }
    let lines: Vec<serde_json::Value> = check_json(dir.path())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let utf8 = lines
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("not valid UTF-8")
        })
        .expect("the UTF-8 error");
    assert!(
        utf8["file"].as_str().unwrap().ends_with("src/a.md"),
        "{utf8}"
    );
    assert_eq!(
        (utf8["line"].as_u64(), utf8["column"].as_u64()),
        (Some(3), Some(3))
    );
    #[cfg(unix)]
    {
        let fifo = lines
            .iter()
            .find(|d| {
                d["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("not a regular file")
            })
            .expect("the FIFO error");
        assert!(
            fifo["file"].as_str().unwrap().ends_with("src/b.md"),
            "{fifo}"
        );
    }
}
