//! E-reader delivery: the cover, picture sizes, ASCII ids, the size budget, the stylesheet that
//! works in every theme, the accessibility claim and the delivery risks `check` reports.

use crate::support::*;

fn noise_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let b = state.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

fn transparent_png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([10, 20, 30, 0]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn image_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
}

#[test]
fn a_book_without_a_cover_gets_a_title_card_never_a_content_picture() {
    let photo = png_bytes(400, 300);
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"G\xe1\xba\xb7p m\xe1\xba\xb7t c\xe1\xbb\x99ng \xc4\x91\xe1\xbb\x93ng OpenInfra\"\nauthors = [\"VietOpenInfra\"]\nlanguage = \"vi\"\n",
        ),
        ("src/a.md", b"# A\n\n![A crab on the beach](crab.png)\n"),
        ("src/crab.png", &photo),
    ]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let card = file(&files, "OEBPS/images/cover.jpg").expect("a generated cover");
    assert_eq!(image_size(card), (1600, 2560));
    let opf = entry(&files, "OEBPS/content.opf");
    assert!(opf.contains(
        "<item id=\"cover-image\" href=\"images/cover.jpg\" media-type=\"image/jpeg\" properties=\"cover-image\"/>"
    ));
    assert_eq!(
        opf.matches("properties=\"cover-image\"").count(),
        1,
        "{opf}"
    );
    assert!(opf.contains("<meta name=\"cover\" content=\"cover-image\"/>"));
    assert!(entry(&files, "OEBPS/text/cover.xhtml").contains("src=\"../images/cover.jpg\""));

    // auto-cover = false: no cover at all, and the first picture is still not one.
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[bindery.epub]\nauto-cover = false\n",
        ),
        ("src/a.md", b"# A\n\n![A crab on the beach](crab.png)\n"),
        ("src/crab.png", &photo),
    ]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    assert!(file(&files, "OEBPS/text/cover.xhtml").is_none());
    assert!(!entry(&files, "OEBPS/content.opf").contains("cover-image"));
}

#[test]
fn a_cover_named_as_svg_is_rendered_to_a_jpeg() {
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='160' height='256'><rect width='160' height='256' fill='#336699'/></svg>";
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[bindery]\ncover = \"cover.svg\"\n",
        ),
        ("src/a.md", b"# A\n\nText.\n"),
        ("cover.svg", svg),
    ]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let cover = file(&files, "OEBPS/images/cover.jpg").expect("the drawing as a JPEG");
    assert_eq!(image_size(cover), (1600, 2560));
    let px = image::load_from_memory(cover).unwrap().to_rgb8();
    let p = px.get_pixel(800, 1280).0;
    assert!(p[2] > 130 && p[0] < 80, "the drawing's colour: {p:?}");
    let opf = entry(&files, "OEBPS/content.opf");
    assert!(
        !opf.contains("image/svg+xml\" properties=\"cover-image\""),
        "{opf}"
    );
}

#[test]
fn pictures_carry_their_size_and_inline_icons_are_line_high() {
    let dir = book(&[
        TOML,
        (
            "src/a.md",
            b"# A\n\n![A red box](box.png)\n\n<img src=\"box.png\" alt=\"Half width\" style=\"width: 50%\">\n\nAn icon ![ok](box.png) in text.\n",
        ),
        ("src/box.png", &png_bytes(40, 30)),
    ]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ch = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(
        ch.contains("alt=\"A red box\" width=\"40\" height=\"30\"/>"),
        "{ch}"
    );
    assert!(
        ch.contains("alt=\"Half width\" width=\"40\" height=\"30\" style=\"width: 50%\"/>"),
        "{ch}"
    );
    assert!(
        ch.contains(
            "class=\"inline\" width=\"40\" height=\"30\" style=\"width: 1.60em; height: 1.2em\"/>"
        ),
        "{ch}"
    );
}

#[test]
fn ids_are_ascii_and_links_in_the_source_spelling_still_lead_there() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", "- [A](a.md)\n- [B](b.md)\n".as_bytes()),
        (
            "src/a.md",
            "# Mở đầu\n\n## Gặp mặt cộng đồng\n\nSee [below](#gặp-mặt-cộng-đồng).\n".as_bytes(),
        ),
        (
            "src/b.md",
            "# B\n\nBack to [the meeting](a.md#gặp-mặt-cộng-đồng).\n".as_bytes(),
        ),
    ]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let a = entry(&files, "OEBPS/text/ch001.xhtml");
    assert!(
        a.contains("<h2 id=\"gap-mat-cong-dong\">Gặp mặt cộng đồng</h2>"),
        "{a}"
    );
    assert!(a.contains("<h1 id=\"mo-dau\">"), "{a}");
    assert!(a.contains("href=\"#gap-mat-cong-dong\""), "{a}");
    let b = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(b.contains("href=\"ch001.xhtml#gap-mat-cong-dong\""), "{b}");
    for (name, bytes) in &files {
        if name.ends_with(".xhtml") {
            let text = String::from_utf8_lossy(bytes);
            for id in text.split(" id=\"").skip(1) {
                let id = id.split('"').next().unwrap();
                assert!(id.is_ascii(), "{name}: id {id}");
            }
        }
    }
}

#[test]
fn an_epub_over_its_budget_gets_smaller_pictures_and_says_so() {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "book.toml".into(),
            b"[book]\ntitle = \"T\"\n[bindery.epub]\nmax-epub-mib = 2\nembed-fonts = false\n"
                .to_vec(),
        ),
        ("src/a.md".into(), Vec::new()),
    ];
    let mut md = String::from("# A\n\n");
    for i in 0..4 {
        md.push_str(&format!("![Noise {i}](n{i}.jpg)\n\n"));
        files.push((format!("src/n{i}.jpg"), noise_jpeg(1600, 1200, i + 1)));
    }
    files[1].1 = md.into_bytes();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let dir = book(&borrowed);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let size = std::fs::metadata(out.path().join("book.epub"))
        .unwrap()
        .len();
    assert!(size <= 2 << 20, "{size} bytes");
    assert!(
        run.stderr.contains("over the budget of 2 MiB"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("to fit"), "{}", run.stderr);
    let epub = read_zip(&out.path().join("book.epub"));
    let (_, first) = epub
        .iter()
        .find(|(n, _)| n.ends_with("001-n0.jpg"))
        .unwrap();
    assert!(image_size(first).0 < 1600);

    // `0` turns the budget off: the pictures keep their size.
    let toml = b"[book]\ntitle = \"T\"\n[bindery.epub]\nmax-epub-mib = 0\nembed-fonts = false\n";
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("budget"), "{}", run.stderr);
    assert!(
        std::fs::metadata(out.path().join("book.epub"))
            .unwrap()
            .len()
            > 2 << 20
    );
}

#[test]
fn the_stylesheet_suits_every_theme_and_older_engines() {
    let files = built("minimal");
    let css = entry(&files, "OEBPS/css/book.css");
    assert!(
        !css.contains("background:") && !css.contains("background-"),
        "no fills: a dark theme would put light text on them"
    );
    for rule in css.split('}') {
        if let Some(at) = rule.find(" color:") {
            assert!(rule[at..].starts_with(" color: inherit"), "{rule}");
        }
    }
    assert!(css.contains("a { color: inherit; text-decoration: underline; }"));
    assert!(css.contains("article, aside, figcaption, figure, footer, header, main, nav, section { display: block; }"));
    assert!(css.contains("[hidden], nav#landmarks { display: none; }"));
    for banned in ["var(", "display: flex", "display: grid", "calc("] {
        assert!(!css.contains(banned), "{banned}");
    }
    let apple = entry(&files, "META-INF/com.apple.ibooks.display-options.xml");
    assert!(apple.contains("<option name=\"specified-fonts\">true</option>"));
}

#[test]
fn the_conformance_claim_is_made_only_when_earned_or_declared() {
    let photo = png_bytes(20, 20);
    let opf_of = |toml: &[u8], md: &[u8]| {
        let dir = book(&[("book.toml", toml), ("src/a.md", md), ("src/p.png", &photo)]);
        let (run, out) = build(dir.path());
        assert_eq!(run.code, 0, "{}", run.stderr);
        entry(
            &read_zip(&out.path().join("book.epub")),
            "OEBPS/content.opf",
        )
    };
    let claim =
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>";
    let good = opf_of(
        TOML.1,
        b"# A\n\n![Two people at a booth](p.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    assert!(good.contains(claim), "{good}");
    let bad = opf_of(TOML.1, b"# A\n\n![image1](p.png)\n");
    assert!(!bad.contains("conformsTo"), "{bad}");
    assert!(
        bad.contains("does not claim WCAG 2.2 Level AA: some pictures lack a text description"),
        "{bad}"
    );
    let declared = opf_of(
        b"[book]\ntitle = \"T\"\n[bindery.epub]\na11y-certified-by = \"VietOpenInfra review team\"\n",
        b"# A\n\n![image1](p.png)\n",
    );
    assert!(declared.contains(claim));
    assert!(
        declared.contains("<meta property=\"a11y:certifiedBy\">VietOpenInfra review team</meta>")
    );
}

#[test]
fn check_reports_delivery_risks_with_their_store() {
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100.5 40'><text x='1' y='20'>label</text></svg>";
    let dir = book(&[
        ("book.toml", b"[book]\ntitle = \"T\"\nlanguage = \"vi\"\n"),
        (
            "src/a.md",
            b"# A\n\n![A clear logo](logo.png)\n\n![A diagram](d.svg)\n",
        ),
        ("src/logo.png", &transparent_png()),
        ("src/d.svg", svg),
    ]);
    let run = bindery(&["check", dir.path().to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let e = &run.stderr;
    assert!(
        e.contains("delivery risk (Kindle): the book's language `vi` is not one Kindle supports"),
        "{e}"
    );
    assert!(
        e.contains("a.md:3:1: delivery risk (Kobo): picture src/logo.png is a transparent PNG"),
        "{e}"
    );
    assert!(
        e.contains("delivery risk (Kindle): drawing src/d.svg has text in it"),
        "{e}"
    );
    assert!(
        e.contains(
            "delivery risk (Kindle): drawing src/d.svg has a viewBox that is not in whole numbers"
        ),
        "{e}"
    );
    // Risks are not warnings: the strict gate passes on them.
    let strict = bindery(
        &["check", dir.path().to_str().unwrap(), "--deny-warnings"],
        &[],
    );
    assert_eq!(strict.code, 0, "{}", strict.stderr);
}

/// The text of an XHTML document with its tags removed.
fn text_only(xhtml: &str) -> String {
    let body = &xhtml[xhtml.find("<body").unwrap()..];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '\n' => {} // the wrappers add line ends between tags
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn kepub_has_kobo_spans_around_every_sentence_and_the_same_text() {
    let dir = book(&[
        TOML,
        (
            "src/a.md",
            "# Kobo\n\nFirst sentence. Second one, with *emphasis*! Version 3.5 stays whole.\n\n- An item. Another.\n\n| h |\n|---|\n| cell |\n\n```\ncode. here\n```\n\n![A red box](box.png)\n\n第一句。第二句。\n".as_bytes(),
        ),
        ("src/box.png", &png_bytes(40, 30)),
    ]);
    let (run, out) = build_with(dir.path(), &["--format", "kepub"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.path().join("book.epub").exists());
    let kepub = read_zip(&out.path().join("book.kepub.epub"));
    let ch = entry(&kepub, "OEBPS/text/ch001.xhtml");
    assert!(
        ch.contains("<div id=\"book-columns\">\n<div id=\"book-inner\">"),
        "{ch}"
    );
    assert!(ch.contains(">First sentence. </span><span class=\"koboSpan\" id=\"kobo.2.2\">Second one, with </span>"), "{ch}");
    assert!(ch.contains(">Version 3.5 stays whole.</span>"), "{ch}");
    assert!(ch.contains("<em><span class=\"koboSpan\" id=\"kobo.2.3\">emphasis</span></em><span class=\"koboSpan\" id=\"kobo.2.4\">! </span>"), "{ch}");
    assert!(
        ch.contains(">第一句。</span><span class=\"koboSpan\""),
        "{ch}"
    );
    assert!(
        ch.contains("<span class=\"koboSpan\" id=\"kobo.") && ch.contains("><img src="),
        "{ch}"
    );
    let mut ids: Vec<&str> = ch
        .split("class=\"koboSpan\" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "kobo span ids are unique");
    assert!(count >= 10, "{count} spans");
    // The same book as a plain EPUB has the same text.
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plain = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert_eq!(text_only(&ch), text_only(&plain));
}
