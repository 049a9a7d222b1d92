//! Pictures: placeholders for broken ones, limits, paths leaving the book, SVG.

use crate::support::*;

#[test]
fn broken_pictures_become_visible_placeholders() {
    let (_, xhtml) = warns_with_owned(
        picture_book("empty.jpg", b""),
        &["the file is empty", "src/a.md:5:1", "bad-picture"],
    );
    assert!(
        xhtml.contains("<span class=\"missing-picture\">Picture missing:")
            && xhtml.contains("pictures/empty.jpg)</span>"),
        "{xhtml}"
    );
    warns_with_owned(
        picture_book("text.png", b"hello, I am not a picture"),
        &["picture pictures/text.png", "src/a.md:5:1"],
    );
    let jpeg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("pictures/dune.jpg")).unwrap();
    warns_with_owned(
        picture_book("cut.jpg", &jpeg[..jpeg.len() / 2]),
        &["picture pictures/cut.jpg", "src/a.md:5:1"],
    );
    let mut files = picture_book("x.jpg", &jpeg);
    files[2].1 = b"# A\n\n![The stage](../pictures/missing.jpg)\n".to_vec();
    let (_, xhtml) = warns_with_owned(
        files,
        &[
            "cannot find ../pictures/missing.jpg",
            "src/a.md:3:1",
            "missing-picture",
        ],
    );
    assert!(
        xhtml.contains("Picture missing: The stage (../pictures/missing.jpg)"),
        "{xhtml}"
    );
}

#[test]
fn picture_over_the_pixel_limit() {
    // A PNG header claiming 50,000 x 50,000 pixels: refused before any pixel is decoded.
    let png = png_bomb(50_000);
    fails_with_owned(
        picture_book("bomb.png", &png),
        &["50000 x 50000 pixels is over the limit", "max-image-pixels"],
    );
}

#[test]
fn picture_paths_leaving_the_book() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.png"), b"x").unwrap();
    let rel = format!(
        "../../../../../../../../..{}",
        outside.path().join("secret.png").display()
    );
    let md = format!("# A\n\n![x]({rel})\n");
    // Never read; the book still builds, with a placeholder where the picture was.
    let (_, xhtml) = warns_with(
        &[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", md.as_bytes()),
        ],
        &["outside the book folder", "src/a.md:3:1"],
    );
    assert!(xhtml.contains("Picture missing"), "{xhtml}");
    #[cfg(unix)]
    {
        let dir = book(&[
            TOML,
            ("src/SUMMARY.md", b"- [A](a.md)\n"),
            ("src/a.md", b"# A\n\n![x](link.png)\n"),
        ]);
        std::os::unix::fs::symlink(
            outside.path().join("secret.png"),
            dir.path().join("src/link.png"),
        )
        .unwrap();
        let (run, _out) = build(dir.path());
        assert_eq!(run.code, 1);
        assert!(
            run.stderr
                .contains("link to a file outside the book folder"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn raw_script_is_removed_and_denied_with_deny_warnings() {
    let files: &[(&str, &[u8])] = &[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nText.\n\n<script>alert(1)</script>\n"),
    ];
    let dir = book(files);
    let out = tempfile::tempdir().unwrap();
    let r = bindery(
        &[
            "build",
            dir.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--deny-warnings",
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("removed <script>") && r.stderr.contains("src/a.md:5:1"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("book.epub").exists());
}

#[test]
fn svg_pictures_are_drawn_as_vectors_in_the_pdf() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#3366cc"/><text x="10" y="50" font-family="sans-serif">Layers</text></svg>"##;
    let dir = book(&[
        TOML,
        ("src/a.md", b"# A\n\n![A blue box](../pictures/box.svg)\n"),
        ("pictures/box.svg", svg),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("book.pdf").exists());
    let doc = bindery::pipeline::prepare(dir.path())
        .unwrap()
        .expect("book loads")
        .document;
    let processed: Vec<_> = made_pictures(dir.path())
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        bindery::pdf::pixel_sizes(&processed),
        vec![bindery::pdf::layout::PixelSize {
            width: 200,
            height: 100,
            smallest_text: Some(12.0)
        }]
    );
    let dump = bindery::pdf::dump(&doc, &processed, &bindery::config::PdfSettings::default());
    assert!(
        dump.contains("image#0"),
        "the SVG is placed as a picture: {dump}"
    );
    assert!(!dump.contains("[picture:"), "{dump}");
}

/// A flame graph carries its viewer's script and handlers: the drawing is kept without them, in
/// both outputs, with a warning; `--deny-warnings` refuses it.
#[test]
fn a_scripted_svg_is_drawn_without_its_script() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" onload="init(evt)"><script><![CDATA[function init(e) {}]]></script><g onmouseover="s(this)"><rect width="300" height="20" fill="#e66"/><text x="4" y="15" font-family="sans-serif">main (42 samples)</text></g><set attributeName="href" to="javascript:alert(1)"/></svg>"##;
    let files: &[(&str, &[u8])] = &[
        TOML,
        (
            "src/a.md",
            b"# A\n\n![A flame graph](../pictures/flame.svg)\n",
        ),
        ("pictures/flame.svg", svg),
    ];
    let dir = book(files);
    let (run, out) = build_with(dir.path(), &["--format", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for said in [
        "picture pictures/flame.svg: 2 script or animation element(s) removed",
        "picture pictures/flame.svg: 2 event handler(s)",
        "src/a.md:3:1",
        "picture-content",
    ] {
        assert!(run.stderr.contains(said), "{said:?} not in {}", run.stderr);
    }
    let epub = read_zip(&out.path().join("book.epub"));
    let drawing = entry(&epub, "OEBPS/images/001-flame.svg");
    assert!(
        drawing.contains("main (42 samples)") && drawing.contains("fill=\"#e66\""),
        "{drawing}"
    );
    for gone in ["<script", "onload", "onmouseover", "javascript", "<set"] {
        assert!(!drawing.contains(gone), "{gone} in {drawing}");
    }
    let pages: String = epub
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        pages.contains("images/001-flame.svg") && !pages.contains("Picture missing"),
        "{pages}"
    );
    // The PDF is given the same screened drawing: a picture, not a failure (a placeholder).
    let made = made_pictures(dir.path());
    let drawn = made[0].as_ref().expect("the drawing is kept");
    assert_eq!(
        (drawn.media_type, drawn.width, drawn.height),
        ("image/svg+xml", 300, 60)
    );
    let (denied, _) = build_with(dir.path(), &["--deny-warnings"]);
    assert_ne!(denied.code, 0, "{}", denied.stderr);
}

#[test]
fn svg_resources_are_resolved_by_bindery_not_the_svg_library() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.png");
    image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]))
        .save(&secret)
        .unwrap();
    // A 20 x 20 PNG held in the drawing, over a limit of 100 pixels.
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::new(20, 20))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut data = String::new();
    for chunk in png.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            data.push(if k <= chunk.len() {
                B64[(n >> (18 - 6 * k) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"100\" height=\"50\">\
         <style>@import url(http://example.org/x.css);</style>\
         <image href=\"{}\" width=\"10\" height=\"10\"/>\
         <image xlink:href=\"http://example.org/a.png\" width=\"10\" height=\"10\"/>\
         <use href=\"http://example.org/s.svg#x\"/>\
         <image href=\"data:image/png;base64,{data}\" width=\"10\" height=\"10\"/>\
         <rect id=\"r\" width=\"10\" height=\"10\"/><use href=\"#r\" x=\"20\"/></svg>",
        secret.display()
    );
    let dir = book(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[bindery.limits]\nmax-image-pixels = 100\n",
        ),
        ("src/a.md", b"# A\n\n![A drawing of two squares](d.svg)\n"),
        ("src/d.svg", svg.as_bytes()),
    ]);
    let (r, out) = build_with(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("4 reference(s) to files or web addresses outside the drawing removed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 embedded picture(s) over the limit"),
        "{}",
        r.stderr
    );
    let files = read_zip(&out.path().join("book.epub"));
    let drawing = files
        .iter()
        .find(|(n, _)| n.ends_with(".svg"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .unwrap();
    for gone in ["secret.png", "http://example.org", "@import", "base64"] {
        assert!(!drawing.contains(gone), "{gone} in {drawing}");
    }
    assert!(drawing.contains("href=\"#r\""), "{drawing}");
    // The PDF is written too; its SVG library is given no way to read files (`pdf::write`).
    assert!(out.path().join("book.pdf").exists());
}
