//! The PDF: determinism across threads, structure and tags, page setup, fonts, text inside
//! the text area, floats.

use crate::support::*;

/// Chapters are typeset in parallel; the PDF must not depend on which thread finished first,
/// even when chapters send characters to different system fonts (found and numbered in the
/// order they are first needed).
#[test]
fn pdf_is_byte_identical_whatever_the_number_of_threads() {
    let scripts = [
        "中文字符",
        "한국어",
        "हिन्दी",
        "עברית",
        "ไทย",
        "✓ ☐ ⚠",
        "Tiếng Việt",
        "日本語のかな",
    ];
    let dir = TestBook::new()
        .file(
            "book.toml",
            "[book]\ntitle = \"Threads\"\nlanguage = \"en\"\nsrc = \"src\"\n",
        )
        .chapters(24, |i| {
            let script = scripts[(i * 5) % scripts.len()];
            let mut text = format!("# Chapter {i}: {script}\n\n");
            for p in 0..12 {
                text.push_str(&format!(
                    "Paragraph {p} of chapter {i} mixes {script} into running text, with a \
                     note[^n{p}] and `code {p}` and a [link](https://example.org/{i}/{p}).\n\n\
                     [^n{p}]: Note {p} of chapter {i}: {script}.\n\n"
                ));
            }
            text + "| a | b |\n|---|---|\n| one | two |\n\n```rust\nfn main() {}\n```\n"
        })
        .write();
    let pdf = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let run = bindery(
            &[
                "build",
                dir.path().to_str().unwrap(),
                "--format",
                "pdf",
                "--out",
                out.path().to_str().unwrap(),
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read(out.path().join("book.pdf")).unwrap()
    };
    let one = pdf("1");
    assert!(one.len() > 10_000);
    for threads in ["2", "4", "7"] {
        assert!(
            pdf(threads) == one,
            "PDF bytes differ with {threads} threads"
        );
    }
}

/// Chapters laid out in parallel number their structure elements from 0; joined into the
/// book, each chapter's content must hang under its own section, in chapter order.
#[test]
fn every_chapter_content_is_tagged_under_its_own_section_in_order() {
    use bindery::pdf::model::{PageItem, StructKind};
    let dir = TestBook::new()
        .chapters(6, |i| {
            format!(
                "# C{i}\n\nText {i} with a note[^a].\n\n- one\n- two\n\n| h | k |\n|---|---|\n\
                 | x | y |\n\n> quoted {i}\n\n[^a]: The note of {i}.\n"
            )
        })
        .write();
    let model = typeset(dir.path(), &bindery::config::PdfSettings::default());
    let nodes = &model.structure;
    let root = |mut i: usize| {
        while let Some(p) = nodes[i].parent {
            assert!(p < i, "a parent comes before its children");
            i = p;
        }
        i
    };
    let sections: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].kind == StructKind::Section)
        .collect();
    assert_eq!(sections.len(), 6);
    assert!(sections.iter().all(|&s| nodes[s].parent.is_none()));
    // The body's tagged text, in page order, belongs to sections 0, 0, ..., 1, 1, ..., 5.
    let mut seen = Vec::new();
    for page in &model.pages {
        for item in &page.items {
            if let PageItem::Text {
                tag: Some(t),
                artifact: false,
                text,
                ..
            } = item
            {
                let r = root(*t);
                if nodes[r].kind == StructKind::Section {
                    let chapter = sections.iter().position(|&s| s == r).unwrap();
                    if let Some(digit) = text.chars().find(|c| c.is_ascii_digit()) {
                        if text.starts_with("Text") || text.starts_with("quoted") {
                            assert_eq!(digit.to_digit(10), Some(chapter as u32), "{text}");
                        }
                    }
                    if seen.last() != Some(&chapter) {
                        seen.push(chapter);
                    }
                }
            }
        }
    }
    assert_eq!(seen, (0..6).collect::<Vec<_>>());
}

#[test]
fn pdf_is_written_with_the_epub_and_is_deterministic() {
    let (run, out) = {
        let out = tempfile::tempdir().unwrap();
        let r = bindery(
            &[
                "build",
                golden("vietnamese").to_str().unwrap(),
                "--out",
                out.path().to_str().unwrap(),
            ],
            &[],
        );
        (r, out)
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(out.path().join("book.epub").exists());
    let again = tempfile::tempdir().unwrap();
    bindery(
        &[
            "build",
            golden("vietnamese").to_str().unwrap(),
            "--format",
            "pdf",
            "--out",
            again.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(std::fs::read(again.path().join("book.pdf")).unwrap(), pdf);
    assert!(
        !again.path().join("book.epub").exists(),
        "--format pdf writes only the PDF"
    );
}

#[test]
fn pdf_page_model_snapshot() {
    let book = typeset(
        &golden("footnotes"),
        &bindery::config::PdfSettings::default(),
    );
    insta::assert_snapshot!("footnotes_pages", book.dump());
}

#[test]
fn pdf_structure_contents_bookmarks_and_links() {
    let book = typeset(
        &golden("cross-links"),
        &bindery::config::PdfSettings::default(),
    );
    use bindery::pdf::model::{Numbering, PageItem, Target};
    // Title page and contents in roman numbering, then the body from 1.
    assert_eq!(book.pages[0].numbering, Numbering::Roman);
    assert!(book.pages.iter().any(|p| p.numbering == Numbering::Arabic));
    let contents = book.pages[1]
        .items
        .iter()
        .filter_map(|i| match i {
            PageItem::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        contents.contains("Contents") && contents.contains("Nested") && contents.contains(". ."),
        "{contents}"
    );
    // Bookmarks nest like the chapter list: Nested under First.
    let first = book
        .bookmarks
        .iter()
        .find(|b| b.title.contains("First"))
        .expect("bookmark for First");
    assert!(
        first.children.iter().any(|c| c.title.contains("Nested")),
        "{:?}",
        book.bookmarks
    );
    // Internal links resolve to anchors that exist.
    let links: Vec<&Target> = book
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            PageItem::Link { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    let internal: Vec<_> = links
        .iter()
        .filter_map(|t| match t {
            Target::Anchor(c, a) => Some((*c, a.clone())),
            _ => None,
        })
        .collect();
    assert!(!internal.is_empty());
    for key in internal {
        assert!(
            book.anchors.contains_key(&key) || book.anchors.contains_key(&(key.0, None)),
            "{key:?}"
        );
    }
    assert!(
        book.anchors.contains_key(&(2, Some("deep-section".into()))),
        "{:?}",
        book.anchors.keys()
    );
}

#[test]
fn pdf_hostile_content_stays_inside_the_text_area() {
    let long_word = "x".repeat(5000);
    let code_line = format!("```\n{}\n```\n", "let a = 1; ".repeat(180));
    let wide_header = (0..40)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(" | ");
    let wide_rule = vec!["---"; 40].join(" | ");
    let wide_row = (0..40)
        .map(|i| format!("v{i}"))
        .collect::<Vec<_>>()
        .join(" | ");
    let notes: String = (0..200).map(|i| format!("w[^n{i}] ")).collect();
    let defs: String = (0..200)
        .map(|i| format!("[^n{i}]: Note {i}.\n\n"))
        .collect();
    let url = format!("https://example.org/{}", "path/".repeat(100));
    let long_table: String = (0..10_000)
        .map(|i| format!("| row {i} | value |\n"))
        .collect();
    let md = format!("# Hostile\n\n{long_word}\n\n{code_line}\n| {wide_header} |\n| {wide_rule} |\n| {wide_row} |\n\n<{url}>\n\n{notes}\n\n{defs}\n\n| name | value |\n|---|---|\n{long_table}");
    let tall = {
        let img = image::RgbImage::from_pixel(100, 20_000, image::Rgb([10, 120, 200]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let small = std::fs::read(golden("figures/pictures/red.png")).unwrap();
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [Hostile](h.md)\n- [Empty](empty.md)\n- [Pictures](p.md)\n"),
        ("src/h.md", md.as_bytes()),
        ("src/empty.md", b""),
        ("src/p.md", b"![Tall](../pictures/tall.png)\n\n![Small](../pictures/small.png)\n\n# Heading at the end\n"),
        ("pictures/tall.png", &tall),
        ("pictures/small.png", &small),
    ]);
    let settings = bindery::config::PdfSettings::default();
    let book = typeset(dir.path(), &settings);
    assert_inside_text_area(&book, &settings);
    // Nothing lost: every footnote number and the long word's letters are on some page.
    let all: Vec<String> = book
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            bindery::pdf::model::PageItem::Text {
                text,
                artifact: false,
                ..
            } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let all = all.join(" ");
    assert!(
        all.matches('x').count() >= 5000,
        "the long word is kept whole"
    );
    for i in [0, 99, 199] {
        assert!(all.contains(&format!("Note {i}.")), "footnote {i} lost");
    }
    assert!(
        all.contains("row 0 ") && all.contains("row 9999 "),
        "every row of the 10,000-row table is typeset"
    );
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("book.pdf").exists());
}

#[test]
fn pdf_bundled_book_fits_its_pages() {
    let settings = bindery::config::PdfSettings::default();
    let book = typeset(Path::new(env!("CARGO_MANIFEST_DIR")), &settings);
    assert_inside_text_area(&book, &settings);
    assert!(book.pages.len() >= 10);
}

#[test]
fn a_character_no_font_has_is_a_warning_at_its_place() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        (
            "src/a.md",
            "# A\n\nPrivate use: \u{10FFFD} here.\n".as_bytes(),
        ),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("U+10FFFD") && run.stderr.contains("src/a.md:3:14"),
        "{}",
        run.stderr
    );
    // The PDF cannot claim PDF/UA-1 with an empty box in it: it says so, naming the character
    // in a form that prints (a private-use character is invisible on a terminal).
    assert!(
        run.stderr.contains(
            "does not conform to PDF/UA-1: characters no font has are drawn as empty boxes \
             ('\\u{10fffd}' (U+10FFFD))"
        ),
        "{}",
        run.stderr
    );
    assert!(out.path().join("book.pdf").exists());
    let out2 = tempfile::tempdir().unwrap();
    let r = bindery(
        &[
            "build",
            dir.path().to_str().unwrap(),
            "--deny-warnings",
            "--out",
            out2.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        std::fs::read_dir(out2.path()).unwrap().next().is_none(),
        "nothing written with --deny-warnings"
    );
}

#[test]
fn pdf_page_setup_from_the_command_line_and_book_toml() {
    let out = tempfile::tempdir().unwrap();
    let r = bindery(
        &[
            "build",
            golden("minimal").to_str().unwrap(),
            "--format",
            "pdf",
            "--page-size",
            "letter",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letter = std::fs::read(out.path().join("book.pdf")).unwrap();
    let r = bindery(
        &[
            "build",
            golden("minimal").to_str().unwrap(),
            "--format",
            "pdf",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 0);
    assert_ne!(
        std::fs::read(out.path().join("book.pdf")).unwrap(),
        letter,
        "--page-size changes the PDF"
    );
    let s = bindery::config::PdfSettings {
        page_size: "letter".into(),
        ..Default::default()
    };
    let page = &typeset(&golden("minimal"), &s).pages[0];
    assert_eq!(
        (page.width.round(), page.height.round()),
        (612.0, 792.0),
        "Letter is 612 x 792 pt"
    );
    let r = bindery(
        &[
            "build",
            golden("minimal").to_str().unwrap(),
            "--page-size",
            "b7",
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("page-size = \"b7\" is not known"),
        "{}",
        r.stderr
    );
    // Two-sided: chapters start on right-hand (odd) pages, so a blank page may be inserted.
    let s = bindery::config::PdfSettings {
        two_sided: true,
        ..Default::default()
    };
    let book = typeset(&golden("cross-links"), &s);
    for (c, _) in book.anchors.keys().filter(|(_, a)| a.is_none()) {
        let (page, _) = book.anchors[&(*c, None)];
        let front = book
            .pages
            .iter()
            .filter(|p| p.numbering == bindery::pdf::model::Numbering::Roman)
            .count();
        assert_eq!(
            (page - front) % 2,
            0,
            "chapter {c} starts on body page {} (must be odd)",
            page - front + 1
        );
    }
    // Bad page setup in book.toml is an error at the key.
    fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n[bindery.pdf]\nfont-size = 99\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["font-size = 99 is out of range", "book.toml:4:1"],
    );
}

#[test]
fn bundled_book_pdf_conforms_to_pdf_ua_and_optionally_pdf_a() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (run, out) = build_pdf(root);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("does not conform"), "{}", run.stderr);
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("pdfuaid"),
        "PDF/UA identification in the XMP metadata"
    );
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"A\"\n[bindery.pdf]\npdf-a = true\n",
        ),
        ("src/a.md", b"# A\n\nText.\n"),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text =
        String::from_utf8_lossy(&std::fs::read(out.path().join("book.pdf")).unwrap()).to_string();
    assert!(
        text.contains("pdfaid"),
        "PDF/A identification in the XMP metadata"
    );
}

#[test]
fn book_fonts_override_the_bundled_ones_and_bad_fonts_are_named() {
    let mono =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansMono-Regular.ttf"))
            .unwrap();
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[bindery.fonts]\nbody = \"fonts/my-body.ttf\"\n",
        ),
        ("src/a.md", b"# A\n\nBody text in the book's own font.\n"),
        ("fonts/my-body.ttf", &mono),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("book.pdf").exists());
    // The EPUB embeds the book's face in place of the bundled body face.
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    assert!(files
        .iter()
        .any(|(n, _)| n == "OEBPS/fonts/book-my-body.ttf"));
    assert!(!files
        .iter()
        .any(|(n, _)| n == "OEBPS/fonts/NotoSerif-Regular.ttf"));
    assert!(entry(&files, "OEBPS/css/book.css").contains("font-family: \"Noto Serif\"; font-weight: normal; font-style: normal; src: url(\"../fonts/book-my-body.ttf\")"));
    // The page model uses the book's face for body text.
    let fs = bindery::book::fs::BookFs::new(dir.path(), 1 << 20).unwrap();
    let files = bindery::config::FontFiles {
        body: Some("fonts/my-body.ttf".into()),
        ..Default::default()
    };
    let (fonts, errors) = bindery::assets::fonts::read_book_fonts(&fs, &files, 64 << 20, &|_| None);
    assert!(errors.is_empty());
    let (fonts, errors) = bindery::pdf::font_book(fonts);
    assert!(errors.is_empty(), "{errors:?}");
    let settings = bindery::pdf::layout_settings(&bindery::config::PdfSettings::default(), fonts);
    let doc = bindery::pipeline::prepare(dir.path())
        .unwrap()
        .expect("book loads")
        .document;
    let (book, _) = bindery::pdf::layout::typeset(&doc, &settings, &[]);
    let body_face = book
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            bindery::pdf::model::PageItem::Text { text, face, .. } if text == "Body" => Some(*face),
            _ => None,
        });
    assert_eq!(
        settings.fonts.face(body_face.expect("body text")).name,
        "fonts/my-body.ttf"
    );
    // A font file that is not a font is an error that names it.
    fails_with(
        &[
            TOML,
            ("src/a.md", b"# A\n"),
            ("fonts/bad.ttf", b"this is not a font at all"),
        ],
        &["fonts/bad.ttf is not a font file"],
    );
    fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n[bindery.fonts]\ncode = \"../outside.ttf\"\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["outside the book folder"],
    );
}

#[test]
fn a_picture_that_does_not_fit_waits_while_text_flows_up() {
    use bindery::pdf::model::PageItem;
    let tall = {
        let img = image::RgbImage::from_pixel(300, 400, image::Rgb([10, 120, 200]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let mut deferred_seen = 0;
    let mut flowed_up = 0;
    for count in 4..16 {
        let filler: String = (0..count).map(|i| format!("Paragraph {i} with enough words to fill a few lines of the page before the picture arrives here.\n\n")).collect();
        let md = format!(
            "# A\n\n{filler}![A tall picture](../pictures/tall.png)\n\nText after the picture.\n"
        );
        let dir = book(&[
            TOML,
            ("src/a.md", md.as_bytes()),
            ("pictures/tall.png", &tall),
        ]);
        let book = typeset(dir.path(), &bindery::config::PdfSettings::default());
        let page_of = |pred: &dyn Fn(&PageItem) -> bool| {
            book.pages
                .iter()
                .position(|p| p.items.iter().any(pred))
                .unwrap()
        };
        let picture =
            page_of(&|i| matches!(i, PageItem::Image { alt, .. } if alt == "A tall picture"));
        let after = page_of(&|i| matches!(i, PageItem::Text { text, .. } if text == "after"));
        let last = (count - 1).to_string();
        let last_para = page_of(&|i| matches!(i, PageItem::Text { text, .. } if *text == last));
        assert!(picture >= last_para && after <= picture.max(last_para + 1));
        if picture > last_para {
            deferred_seen += 1;
            if after == last_para {
                flowed_up += 1;
            }
        }
        // Every paragraph is still there, in order.
        let texts: Vec<String> = book
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match i {
                PageItem::Text {
                    text,
                    artifact: false,
                    ..
                } => Some(text.clone()),
                _ => None,
            })
            .collect();
        let numbers: Vec<usize> = texts
            .windows(2)
            .filter(|w| w[0] == "Paragraph")
            .filter_map(|w| w[1].parse().ok())
            .collect();
        assert_eq!(numbers, (0..count).collect::<Vec<_>>());
    }
    assert!(
        deferred_seen > 0,
        "some filler length must push the picture to the next page"
    );
    assert!(
        flowed_up > 0,
        "and then the text after it fills the page it did not fit on"
    );
}

#[test]
fn a_long_link_is_one_annotation_per_page_and_an_absurd_one_is_text() {
    // 20 KB: cut into hundreds of lines over several pages, one annotation on each page.
    let long = format!("https://example.org/{}", "a".repeat(20_000));
    let absurd = format!("https://example.org/{}", "b".repeat(40_000));
    let report = format!("# A\n\nSee <{long}>.\n\nAnd <{absurd}>.\n");
    let dir = book(&[TOML, ("src/a.md", report.as_bytes())]);
    let (run, out) = build_with(dir.path(), &["--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[long-link]: this link's address is 40020 bytes long")
            && run.stderr.contains("a.md:5:5"),
        "{}",
        run.stderr
    );
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
    let web_links = count(b"/S/URI");
    let pages = count(b"/Type/Page") - count(b"/Type/Pages");
    // The address is cut into hundreds of lines; one annotation per line would be hundreds.
    assert!(
        (2..pages).contains(&web_links),
        "{web_links} links on {pages} pages"
    );
    // Each annotation holds the address twice (its action and its alternative text).
    assert_eq!(
        count(b"https://example.org/aaaa"),
        2 * web_links,
        "one annotation per page"
    );
    assert!(count(b"/QuadPoints") >= 1);
    assert_eq!(
        count(b"https://example.org/bbbb"),
        0,
        "the absurd address is no link"
    );
}

/// A book of one chapter holding `md`, with `files` beside it (pictures), typeset with the
/// default settings and checked to stay inside the text area.
fn typeset_chapter(md: &str, files: &[(&str, &[u8])]) -> bindery::pdf::model::TypesetBook {
    let mut all: Vec<(&str, &[u8])> = vec![
        TOML,
        ("src/SUMMARY.md", b"- [Chapter](c.md)\n"),
        ("src/c.md", md.as_bytes()),
    ];
    all.extend_from_slice(files);
    let dir = book(&all);
    let settings = bindery::config::PdfSettings::default();
    let book = typeset(dir.path(), &settings);
    assert_inside_text_area(&book, &settings);
    book
}

/// The body lines of a typeset book as (left x, right x, text), in reading order.
fn body_lines(book: &bindery::pdf::model::TypesetBook) -> Vec<(f32, f32, String)> {
    book.pages.iter().flat_map(page_lines).collect()
}

/// The lines of one page as (left x, right x, text), top to bottom.
fn page_lines(page: &bindery::pdf::model::Page) -> Vec<(f32, f32, String)> {
    use bindery::pdf::model::PageItem;
    let mut out = Vec::new();
    {
        let mut rows: Vec<(f32, f32, f32, String)> = Vec::new();
        let mut texts: Vec<(f32, f32, f32, &str)> = page
            .items
            .iter()
            .filter_map(|i| match i {
                PageItem::Text {
                    x,
                    y,
                    size,
                    glyphs,
                    text,
                    artifact: false,
                    ..
                } => Some((
                    *y,
                    *x,
                    x + glyphs.iter().map(|g| g.advance).sum::<f32>() * size,
                    text.as_str(),
                )),
                _ => None,
            })
            .collect();
        texts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for (y, x0, x1, t) in texts {
            match rows.last_mut() {
                Some(r) if (r.0 - y).abs() < 0.5 => {
                    r.2 = x1;
                    r.3.push_str(t);
                }
                _ => rows.push((y, x0, x1, t.to_string())),
            }
        }
        out.extend(rows.into_iter().map(|(_, a, b, t)| (a, b, t)));
    }
    out
}

/// Code blocks across page breaks: a wrapped line is never split, a page never ends on a line
/// that goes on (`→`) nor starts with a blank line of code, and the first two and last two lines
/// of the block stay together.
#[test]
fn code_blocks_break_between_whole_lines_with_two_lines_at_each_end() {
    let mut code = String::from("fn main() {\n");
    for i in 0..150 {
        match i % 9 {
            3 => code.push_str(&format!(
                "    let value_{i} = compute(first_argument, second_argument, third_argument, fourth_argument, {i});\n"
            )),
            6 => code.push('\n'),
            _ => code.push_str(&format!("    step({i});\n")),
        }
    }
    code.push_str("}\n\n\n");
    let md = format!("# Code\n\nText before.\n\n```rust\n{code}```\n\nText after.\n");
    let book = typeset_chapter(&md, &[]);
    let pages: Vec<Vec<String>> = book
        .pages
        .iter()
        .map(|p| {
            page_lines(p)
                .into_iter()
                .map(|l| l.2)
                .filter(|t| {
                    t.contains("step(")
                        || t.contains("compute(")
                        || t.contains("argument")
                        || t.contains("fn main")
                        || t == "}"
                })
                .collect()
        })
        .filter(|lines: &Vec<String>| !lines.is_empty())
        .collect();
    assert!(pages.len() >= 3, "the block spans pages: {}", pages.len());
    for (k, lines) in pages.iter().enumerate() {
        let last = lines.last().unwrap();
        assert!(
            !last.ends_with('→'),
            "page {k} ends inside a wrapped line: {last}"
        );
        assert!(
            lines.len() >= 2,
            "page {k} has one line of the block: {lines:?}"
        );
        let first = &lines[0];
        assert!(
            k == 0 || first.contains("step(") || first.contains("let value_") || first == "}",
            "page {k} starts with a continuation: {first}"
        );
    }
    // Wrapped continuations hang under their line, deeper than its indentation.
    let continued = body_lines(&book)
        .into_iter()
        .zip(body_lines(&book).into_iter().skip(1))
        .find(|(a, _)| a.2.ends_with('→'))
        .expect("a wrapped line");
    assert!(continued.1 .0 > continued.0 .0, "{continued:?}");
}

/// Chinese and Japanese are written without spaces: lines break between characters (UAX #14),
/// never before closing or after opening punctuation, stay inside the column and are justified.
#[test]
fn cjk_lines_break_between_characters_inside_the_column() {
    let settings = bindery::config::PdfSettings::default();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/cjk");
    let book = typeset(&dir, &settings);
    assert_inside_text_area(&book, &settings);
    let lines: Vec<_> = body_lines(&book)
        .into_iter()
        .filter(|l| {
            l.2.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                > 5
        })
        .collect();
    assert!(lines.len() > 30, "{} CJK lines", lines.len());
    for (_, _, text) in &lines {
        let first = text.chars().next().unwrap();
        let last = text.chars().next_back().unwrap();
        assert!(
            !"，、。：；！？）」』”".contains(first),
            "line starts with {first}: {text}"
        );
        assert!(!"（「『“".contains(last), "line ends with {last}: {text}");
    }
    let right = lines.iter().map(|l| l.1).fold(0.0, f32::max);
    let full = lines.iter().filter(|l| right - l.1 < 0.5).count();
    assert!(
        full * 10 >= lines.len() * 7,
        "{full} of {} lines reach the right edge",
        lines.len()
    );
}

/// A long path or name in inline code breaks after `::`, `/`, `.`, `_` or `-` when the line
/// needs it, rather than leaving a short, loose line before it.
#[test]
fn long_inline_code_breaks_after_separators_not_before_the_code() {
    let md = "# Code\n\nTo build a map of a known size, call `std::collections::HashMap::with_capacity_and_hasher` with the size and a hasher of your choice, then insert the entries one by one as they arrive from the reader.\n";
    let book = typeset_chapter(md, &[]);
    let lines: Vec<_> = body_lines(&book)
        .into_iter()
        .filter(|l| l.2.contains("build a map") || l.2.contains("::") || l.2.contains("hasher"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.2.ends_with("::") || l.2.ends_with('_')),
        "{lines:?}"
    );
    let right = lines.iter().map(|l| l.1).fold(0.0, f32::max);
    assert!(
        right - lines[0].1 < 0.5,
        "the first line is full: {lines:?}"
    );
}

/// `chapter-break`: by default only top-level chapters start a page; nested ones follow on.
#[test]
fn nested_chapters_follow_on_unless_every_chapter_breaks() {
    let dir = book(&[
        TOML,
        (
            "src/SUMMARY.md",
            b"- [One](one.md)\n  - [One A](one-a.md)\n  - [One B](one-b.md)\n- [Two](two.md)\n",
        ),
        ("src/one.md", b"# One\n\nShort.\n"),
        ("src/one-a.md", b"# One A\n\nShort.\n"),
        ("src/one-b.md", b"# One B\n\nShort.\n"),
        ("src/two.md", b"# Two\n\nShort.\n"),
    ]);
    let pages_of = |chapter_break: &str| {
        let chapter_break = toml::from_str::<
            std::collections::HashMap<String, bindery::config::ChapterBreak>,
        >(&format!("v = \"{chapter_break}\""))
        .unwrap()["v"];
        let settings = bindery::config::PdfSettings {
            chapter_break,
            ..Default::default()
        };
        let book = typeset(dir.path(), &settings);
        assert_inside_text_area(&book, &settings);
        (0..4)
            .map(|c| book.anchors[&(c, None)].0)
            .collect::<Vec<usize>>()
    };
    let top = pages_of("top");
    assert_eq!(top[0], top[1]);
    assert_eq!(top[1], top[2]);
    assert_eq!(top[3], top[0] + 1);
    let every = pages_of("every");
    assert_eq!(every, [every[0], every[0] + 1, every[0] + 2, every[0] + 3]);
    let none = pages_of("none");
    assert!(none.iter().all(|&p| p == none[0]), "{none:?}");
}

/// Drawings are sized by their text: a small diagram is not blown up to the column's width, and a
/// tall one is not shrunk below 6.5 pt text (under 10 pt body text) to fit 70% of the page.
#[test]
fn drawings_are_sized_so_their_text_stays_legible() {
    let small = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="none" stroke="black"/><text x="10" y="50" font-size="14" font-family="Arial">Label</text></svg>"#;
    let tall = r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="1000"><rect width="400" height="1000" fill="none" stroke="black"/><text x="10" y="50" font-size="16" font-family="Helvetica">Top</text></svg>"#;
    let caption = "A caption long enough to take several lines under the drawing, so that it could be split across a page break if nothing kept it together with the picture above it.";
    let md = format!("# Drawings\n\n![Small](../pictures/small.svg)\n\n![Tall](../pictures/tall.svg \"{caption}\")\n\n<img src=\"../pictures/photo.png\" alt=\"A photo sized by its height\" height=\"80\">\n");
    let photo = {
        let img = image::RgbImage::from_pixel(400, 200, image::Rgb([10, 120, 200]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let book = typeset_chapter(
        &md,
        &[
            ("pictures/small.svg", small.as_bytes()),
            ("pictures/tall.svg", tall.as_bytes()),
            ("pictures/photo.png", &photo),
        ],
    );
    let mut pictures: Vec<(usize, usize, f32, f32)> = book
        .pages
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            p.items.iter().filter_map(move |i| match i {
                bindery::pdf::model::PageItem::Image { w, h, image, .. } => {
                    Some((*image, k, *w, *h))
                }
                _ => None,
            })
        })
        // The title page shows the first picture as the cover.
        .filter(|(_, k, ..)| *k > 0)
        .collect();
    // In source order (a picture that does not fit waits while later ones flow up).
    pictures.sort_by_key(|p| p.0);
    let pictures: Vec<(usize, f32, f32)> =
        pictures.into_iter().map(|(_, k, w, h)| (k, w, h)).collect();
    assert_eq!(pictures.len(), 3, "{pictures:?}");
    // `height="80"` alone: 80 CSS px = 60 pt high, and the width that goes with it.
    let (_, photo_w, photo_h) = pictures[2];
    assert!(
        (photo_h - 60.0).abs() < 0.5 && (photo_w - 120.0).abs() < 0.5,
        "{photo_w} x {photo_h}"
    );
    // 14 px text set at the 10 pt body size: 200 px * 10 / 14.
    let (_, small_w, _) = pictures[0];
    assert!((small_w - 200.0 * 10.0 / 14.0).abs() < 0.5, "{small_w}");
    // At 70% of the page the tall drawing's 16 px text would be 5.5 pt; it is 6.5 pt.
    let (page, tall_w, tall_h) = pictures[1];
    assert!(
        (tall_w * 16.0 / 400.0 - 6.5).abs() < 0.05,
        "{tall_w} x {tall_h}"
    );
    // The whole caption is on the drawing's page.
    let lines: Vec<String> = page_lines(&book.pages[page])
        .into_iter()
        .map(|l| l.2)
        .collect();
    // The typesetter's own check sees the figure with its caption, whole.
    use bindery::pdf::model::StructKind;
    assert!(book.structure.iter().any(|n| n.kind == StructKind::Caption
        && n.parent
            .is_some_and(|p| book.structure[p].kind == StructKind::Figure)));
    let settings = layout_settings(&bindery::config::PdfSettings::default());
    let findings = bindery::pdf::verify::verify(&book, &settings);
    assert!(findings.is_empty(), "{findings:?}");
    // (Words are separate runs; the lines are compared without spaces.)
    let text = lines.concat();
    assert!(
        text.contains("Acaptionlong") && text.contains("pictureaboveit."),
        "{lines:?}"
    );
}

/// Table columns are at least as wide as their widest word as it is set (bold in the header,
/// the code face for code), so a header word never breaks inside.
#[test]
fn table_header_words_are_never_broken() {
    let mut md = String::from(
        "# Operators\n\n| Operator | Example | Explanation | Overloadable? |\n|---|---|---|---|\n",
    );
    for (op, ex) in [
        ("!", "`ident!(...)`"),
        ("!=", "`expr != expr`"),
        ("%=", "`var %= expr`"),
        ("&&", "`expr && expr`"),
        ("*", "`*expr`"),
        ("->", "`fn(...) -> type`"),
    ] {
        md.push_str(&format!("| `{op}` | {ex} | A long explanation of what this operator does in the language, with an example of where it is used and why. | `std::ops::RemAssign` |\n"));
    }
    let book = typeset_chapter(&md, &[]);
    let words: Vec<String> = book
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            bindery::pdf::model::PageItem::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    for header in ["Operator", "Example", "Explanation", "Overloadable?"] {
        assert!(
            words.iter().any(|w| w == header),
            "{header} is broken: {words:?}"
        );
    }
}

/// Badges written side by side with no space between them (`![a](a.svg)![b](b.svg)`) wrap
/// inside their table cell, as a browser wraps pictures: a line may break before and after a
/// picture, so no picture runs out of its column or off the page.
#[test]
fn pictures_side_by_side_wrap_inside_their_table_cell() {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"110\" height=\"20\"><rect width=\"110\" height=\"20\" fill=\"#4c1\"/></svg>";
    let badges: String = (1..=6).map(|i| format!("![badge {i}](b.svg)")).collect();
    let md = format!("# Badges\n\n| Crate | Status | Notes |\n|---|---|---|\n| bar | {badges} | ok |\n\nText {badges}text.\n");
    let book = typeset_chapter(&md, &[("src/b.svg", svg)]);
    let settings = layout_settings(&bindery::config::PdfSettings::default());
    let findings = bindery::pdf::verify::verify(&book, &settings);
    assert!(findings.is_empty(), "{findings:?}");
    let rows: std::collections::BTreeSet<i32> = book
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            bindery::pdf::model::PageItem::Image { y, .. } => Some(*y as i32),
            _ => None,
        })
        .collect();
    assert!(
        rows.len() >= 4,
        "the badges wrap onto several lines: {rows:?}"
    );
}

/// Two-sided: the body starts on a right-hand page whatever the length of the front matter
/// (a blank, unnumbered page is added when it is odd), so inner margins and running heads
/// fall on the right sides; and a wrapped contents entry hangs under its title, not its number.
#[test]
fn two_sided_body_starts_on_a_right_hand_page_and_contents_entries_hang() {
    let mut summary = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..45 {
        let title = if i == 3 {
            "A chapter whose title is long enough to wrap onto a second line of the contents page"
                .to_string()
        } else {
            format!("Chapter {i}")
        };
        summary.push_str(&format!("- [{title}](c{i}.md)\n"));
        files.push((
            format!("src/c{i}.md"),
            format!("# {title}\n\nText.\n").into_bytes(),
        ));
    }
    let mut all: Vec<(&str, &[u8])> = vec![TOML, ("src/SUMMARY.md", summary.as_bytes())];
    all.extend(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
    let dir = book(&all);
    let settings = bindery::config::PdfSettings {
        two_sided: true,
        ..Default::default()
    };
    let book = typeset(dir.path(), &settings);
    assert_inside_text_area(&book, &settings);
    let front = book
        .pages
        .iter()
        .take_while(|p| p.numbering == bindery::pdf::model::Numbering::Roman)
        .count();
    assert!(front >= 3, "the contents take more than one page: {front}");
    assert_eq!(front % 2, 0, "the body's first page is a right-hand page");
    assert!(book.pages[front - 1].items.is_empty() || front % 2 == 0);
    // Contents: the wrapped entry's second line starts right of its number.
    let lines: Vec<(f32, f32, String)> = book.pages[1..front].iter().flat_map(page_lines).collect();
    let k = lines
        .iter()
        .position(|l| l.2.contains("Achapterwhosetitle"))
        .expect("the long entry");
    assert!(lines[k].2.starts_with("4."), "{:?}", lines[k]);
    assert!(
        lines[k + 1].0 > lines[k].0 + 5.0,
        "the second line hangs: {:?} / {:?}",
        lines[k],
        lines[k + 1]
    );
}

/// An anchor on a line of its own (`<a id="x"></a>`) takes no space, and links to it land on
/// what follows.
#[test]
fn an_anchor_alone_takes_no_space() {
    let with = "# A\n\nFirst paragraph.\n\n<a id=\"here\"></a>\n\nSecond paragraph.\n";
    let without = "# A\n\nFirst paragraph.\n\nSecond paragraph.\n";
    let second_y = |md: &str| {
        let book = typeset_chapter(md, &[]);
        let y = book
            .pages
            .iter()
            .flat_map(|p| p.items.iter())
            .find_map(|i| match i {
                bindery::pdf::model::PageItem::Text { text, y, .. } if text == "Second" => Some(*y),
                _ => None,
            })
            .expect("the second paragraph");
        (y, book.anchors.get(&(0, Some("here".to_string()))).copied())
    };
    let (y_with, anchor) = second_y(with);
    let (y_without, _) = second_y(without);
    assert!((y_with - y_without).abs() < 0.01, "{y_with} vs {y_without}");
    let (_, anchor_y) = anchor.expect("the anchor is placed");
    assert!(anchor_y <= y_with, "{anchor_y} above {y_with}");
}
