//! Handouts: booklets and n-up sheets, link notes and QR codes, impossible settings.

use crate::support::*;

#[test]
fn handout_booklet_of_the_bundled_book() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (run, out) = handout(root, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read(out.path().join("book-handout.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
    assert!(
        out.path().join("book.pdf").exists(),
        "the reading PDF is written beside it"
    );
    // Impose the model: A4 landscape sheets, ceil(pages / 4) * 2 sides, nothing off the sheet.
    let book = typeset(root, &bindery::config::PdfSettings::default());
    let (layout, sheet, _) =
        bindery::pdf::handout_geometry(&Default::default(), &Default::default()).unwrap();
    let sheet = bindery::pdf::impose::Sheet {
        crop_marks: true,
        ..sheet
    };
    let imposed = bindery::pdf::impose::impose(&book, layout, &sheet);
    assert_eq!(imposed.pages.len(), book.pages.len().div_ceil(4) * 2);
    assert!(
        imposed
            .pages
            .iter()
            .all(|p| (p.width.round(), p.height.round()) == (842.0, 595.0)),
        "A4 landscape"
    );
    for p in &imposed.pages {
        for item in &p.items {
            if let bindery::pdf::model::PageItem::Text { x, y, .. } = item {
                assert!(*x >= 0.0 && *x <= p.width && *y >= 0.0 && *y <= p.height);
            }
        }
    }
    // The first sheet's front holds the last (blank or back cover) page left and page 1 right.
    let title = &book.pages[0].items;
    let first_text = title
        .iter()
        .find_map(|i| match i {
            bindery::pdf::model::PageItem::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    let right_half: Vec<_> = imposed.pages[0]
        .items
        .iter()
        .filter_map(|i| match i {
            bindery::pdf::model::PageItem::Text { x, text, .. } if *x > 421.0 => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        right_half.contains(&first_text),
        "page 1 on the right of the first side"
    );
}

#[test]
fn handout_one_page_book_and_part_of_a_book() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n- [B](b.md)\n"),
        ("src/a.md", b"# A\n\nShort.\n"),
        ("src/b.md", b"# B\n\nAlso short, with a [link](a.md).\n"),
    ]);
    let (run, out) = handout(dir.path(), &["--chapters", "b.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("book-handout.pdf").exists());
    // Title, contents and one chapter: 3 pages, padded to 4: one sheet, two sides.
    let doc = bindery::pipeline::prepare(dir.path())
        .unwrap()
        .expect("book loads")
        .document;
    let part = doc.select_chapters(&["b.md".to_string()]).unwrap();
    assert_eq!(part.chapters.len(), 1);
    let settings = layout_settings(&bindery::config::PdfSettings::default());
    let (book_model, _) = bindery::pdf::layout::typeset(&part, &settings, &[]);
    assert_eq!(book_model.pages.len(), 3);
    let (layout, sheet, _) =
        bindery::pdf::handout_geometry(&Default::default(), &Default::default()).unwrap();
    assert_eq!(
        bindery::pdf::impose::impose(&book_model, layout, &sheet)
            .pages
            .len(),
        2
    );
    let (run, out) = handout(
        dir.path(),
        &["--pages", "3-3", "--layout", "2-up", "--grayscale"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("book-handout.pdf").exists());
}

#[test]
fn handout_impossible_combinations_name_the_settings() {
    let toml = |extra: &str| format!("[book]\ntitle = \"T\"\n{extra}");
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            toml("[bindery.handout]\nsheet = \"a5\"\npage-size = \"a4\"\n"),
            vec![],
            "does not fit two to a a5 sheet",
        ),
        (
            toml("[bindery.pdf]\nmargin-inner-mm = 10\n[bindery.handout]\ncreep-mm = 15\n"),
            vec![],
            "creep-mm = 15 is not between 0 and the inner margin",
        ),
        (toml(""), vec!["--pages", "50-60"], "selects no page"),
        (toml(""), vec!["--pages", "9-3"], "empty page range"),
        (
            toml(""),
            vec!["--chapters", "nope.md"],
            "no chapter called \"nope.md\"",
        ),
    ];
    for (book_toml, args, expected) in cases {
        let dir = book(&[("book.toml", book_toml.as_bytes()), ("src/a.md", b"# A\n")]);
        let (run, out) = handout(dir.path(), &args);
        assert_eq!(run.code, 2, "{expected}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?} in {}",
            run.stderr
        );
        assert!(!out.path().join("book-handout.pdf").exists());
    }
    let r = bindery(
        &[
            "build",
            golden("minimal").to_str().unwrap(),
            "--pages",
            "1-2",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "handout flags need --profile handout");
}

#[test]
fn handout_prints_links_as_notes_with_qr_codes_and_a_cover() {
    let dir = book(&[
        ("book.toml", b"[book]\ntitle = \"Meetup\"\nlanguage = \"vi\"\n[output.html]\nsite-url = \"https://example.org/book/\"\n[bindery.handout]\nqr-codes = true\n[bindery.labels]\nlinks = \"Addresses\"\n"),
        ("src/a.md", b"# A\n\nSee [the wiki](https://wiki.example.org/x) and [again](https://wiki.example.org/x), and [home](https://example.org/).\n"),
    ]);
    let doc = bindery::pipeline::prepare(dir.path())
        .unwrap()
        .expect("book loads")
        .document;
    let labels = bindery::labels::Labels::new(
        "vi",
        &bindery::labels::LabelOverrides {
            links: Some("Addresses".into()),
            ..Default::default()
        },
    );
    let mut images = Vec::new();
    use bindery::pdf::handout::{prepare, LinkNotes};
    let mut handout_diags = bindery::diag::Diagnostics::default();
    let notes = prepare(
        &doc,
        &mut images,
        LinkNotes::Footnotes,
        true,
        &labels,
        &mut handout_diags,
    );
    assert_eq!(handout_diags.warning_count(), 0);
    let ch = &notes.chapters[0];
    assert_eq!(ch.footnotes.len(), 2, "the same address is noted once");
    assert_eq!(images.len(), 2, "one QR code per address");
    assert_eq!(notes.images.len(), doc.images.len() + 2);
    let end = prepare(
        &doc,
        &mut Vec::new(),
        LinkNotes::Endnotes,
        false,
        &labels,
        &mut handout_diags,
    );
    assert!(
        matches!(end.chapters[0].blocks.iter().rev().nth(1), Some(bindery::doc::Block::Heading { content, .. }) if bindery::doc::Inline::plain_text(content) == "Addresses")
    );
    // End to end: the handout's text has the addresses, the cover its contents list and URL.
    let (run, _out) = handout(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(labels.contents, "Mục lục");
}

#[test]
fn an_address_too_long_for_a_qr_code_is_printed_with_a_warning() {
    let long = format!("https://example.org/{}", "a".repeat(5000));
    let report = format!("# A\n\nSee [the page]({long}).\n");
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[bindery.handout]\nqr-codes = true\n",
        ),
        ("src/a.md", report.as_bytes()),
    ]);
    let (run, out) = handout(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[qr-code]: no QR code for this 5020-byte address")
            && run.stderr.contains("a.md:3:5"),
        "{}",
        run.stderr
    );
    assert!(out.path().join("book-handout.pdf").exists());
}
