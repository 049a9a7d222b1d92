//! Hostile books: every read through one gate, budgets and limits, nothing read outside the
//! book.

use crate::support::*;

#[test]
fn hostile_books() {
    let t = |s: &str| s.as_bytes().to_vec();
    let toml = ("book.toml", t("[book]\ntitle = \"Hostile\"\n"));
    let one = |md: Vec<u8>| {
        vec![
            toml.clone(),
            ("src/SUMMARY.md", t("- [A](a.md)\n")),
            ("src/a.md", md),
        ]
    };
    let picture = |name: &str, bytes: Vec<u8>| {
        vec![
            toml.clone(),
            (
                "src/a.md",
                format!("# A\n\n![A picture](../pictures/{name})\n").into_bytes(),
            ),
            (
                Box::leak(format!("pictures/{name}").into_boxed_str()) as &str,
                bytes,
            ),
        ]
    };
    let jpeg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("pictures/dune.jpg")).unwrap();
    let mut corrupt_exif = jpeg[..2].to_vec();
    corrupt_exif.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x10]);
    corrupt_exif.extend_from_slice(b"Exif\0\0MM\0\x2a\xff\xff\xff\xff");
    corrupt_exif.extend_from_slice(&jpeg[2..]);
    let gif = {
        let mut out = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
            for i in 0..1000u32 {
                let frame =
                    image::RgbaImage::from_pixel(8, 8, image::Rgba([(i % 255) as u8, 0, 0, 255]));
                enc.encode_frame(image::Frame::new(frame)).unwrap();
            }
        }
        out
    };
    let deep_list = "- ".repeat(100_000) + "x\n";
    let long_line = "word ".repeat(200_000);
    let wide_row = format!(
        "|{}\n|{}\n|{}\n",
        "h|".repeat(10_000),
        "-|".repeat(10_000),
        "c|".repeat(10_000)
    );
    type Case<'a> = (&'a str, Vec<(&'a str, Vec<u8>)>, Option<bool>, &'a str);
    let cases: Vec<Case> = vec![
        ("empty book", vec![toml.clone()], Some(false), "the source folder `src` does not exist"),
        ("empty folder without book.toml", vec![("src/.keep", Vec::new())], Some(false), "no reports found"),
        ("empty SUMMARY", vec![toml.clone(), ("src/SUMMARY.md", Vec::new())], None, ""),
        ("SUMMARY listing itself", vec![toml.clone(), ("src/SUMMARY.md", t("- [S](SUMMARY.md)\n"))], Some(true), "lists itself"),
        ("chapter listed twice", vec![toml.clone(), ("src/SUMMARY.md", t("- [A](a.md)\n- [A](a.md)\n")), ("src/a.md", t("# A\n"))], Some(true), "listed twice"),
        ("circular includes", one(t("{{#include b.md}}\n")).into_iter().chain([("src/b.md", t("{{#include a.md}}\n"))]).collect(), Some(false), "circular include"),
        ("include escaping the book", one(t("{{#include ../../../../etc/passwd}}\n")), Some(true), "outside the book folder"),
        ("report of one 1 MB line", one(long_line.into_bytes()), Some(true), ""),
        ("report over the size limit", vec![("book.toml", t("[book]\ntitle = \"T\"\n[bindery.limits]\nmax-report-file-mib = 1\n")), ("src/a.md", vec![b'a'; 2 << 20])], Some(false), "over the limit of 1 MiB"),
        ("50 MB report", one(vec![b'w'; 50 << 20]), Some(false), "over the limit of 16 MiB for a report"),
        ("NUL bytes", one(b"# A\n\nx\0y\0z\n".to_vec()), Some(true), "control character"),
        ("invalid UTF-8", one(b"# A\n\n\xc3\x28\n".to_vec()), Some(false), "not valid UTF-8"),
        ("UTF-16 with BOM", one(b"\xff\xfe#\0 \0A\0".to_vec()), Some(false), "UTF-16"),
        ("CRLF line ends", one(t("# A\r\n\r\nText [x](#nope).\r\n")), Some(true), "src/a.md:3:6"),
        ("UTF-8 BOM", one(t("\u{feff}# A\n\nText.\n")), Some(true), ""),
        ("tabs and Vietnamese before an error", one(t("# A\n\nViệt\t[x](#nope)\n")), Some(true), "src/a.md:3:6"),
        ("PNG bomb header", picture("bomb.png", {
            let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
            png.extend_from_slice(&50_000u32.to_be_bytes());
            png.extend_from_slice(&50_000u32.to_be_bytes());
            png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
            png
        }), Some(true), "picture pictures/bomb.png"),
        ("truncated JPEG", picture("cut.jpg", jpeg[..jpeg.len() / 2].to_vec()), Some(true), "truncated"),
        ("JPEG with a corrupt EXIF block", picture("exif.jpg", corrupt_exif), None, ""),
        ("GIF with 1,000 frames", picture("anim.gif", gif), Some(true), ""),
        ("SVG with an external entity", picture("e.svg", t("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>")), Some(true), "entity"),
        ("SVG with a script", picture("s.svg", t("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")), Some(true), "script"),
        ("SVG with an event handler", picture("h.svg", t("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"><rect width=\"1\" height=\"1\"/></svg>")), Some(true), "event handler"),
        ("picture that is text", picture("t.jpg", t("hello")), Some(true), "picture pictures/t.jpg"),
        ("empty picture", picture("e.png", Vec::new()), Some(true), "empty"),
        ("100 px picture", picture("small.png", png_bytes(100, 60)), Some(true), ""),
        ("20,000 px tall picture", picture("tall.png", png_bytes(50, 20_000)), Some(true), ""),
        ("image path with ..", one(t("![x](../../../../../etc/hostname)\n")), Some(true), "outside the book folder"),
        ("remote image", one(t("![x](https://example.org/x.png)\n")), Some(true), "not downloaded"),
        ("font that is not a font", one(t("# A\n")).into_iter().chain([("fonts/x.ttf", t("not a font"))]).collect(), Some(false), "not a font file"),
        ("book.toml with wrong types", vec![("book.toml", t("[book]\ntitle = [1, 2]\n")), ("src/a.md", t("# A\n"))], Some(false), "invalid book.toml"),
        ("book.toml not TOML", vec![("book.toml", t("this is = = not toml")), ("src/a.md", t("# A\n"))], Some(false), "invalid book.toml"),
        ("100,000 nested list items", one(deep_list.into_bytes()), Some(true), "flattened"),
        ("100,000 nested block quotes", one((">".repeat(100_000) + " x\n").into_bytes()), Some(true), "flattened"),
        ("10,000-cell table row", one(wide_row.into_bytes()), Some(true), ""),
        ("raw HTML script", one(t("<script>alert(1)</script>\n")), Some(true), "removed <script>"),
        ("raw HTML onerror", one(t("<img src=x onerror=alert(1)>\n")), None, "onerror"),
        ("raw HTML iframe", one(t("<iframe src=\"https://evil\"></iframe>\n")), Some(true), "removed <iframe>"),
        ("raw HTML form", one(t("<form action=/x><input name=q></form>\n")), Some(true), "removed <form>"),
        ("raw HTML stylesheet", one(t("<link rel=stylesheet href=https://evil/x.css>\n")), Some(true), "removed <link>"),
        ("javascript: link", one(t("[x](javascript:alert(1))\n")), Some(true), "javascript:"),
        ("deep inline emphasis", one(("*".repeat(5000) + "x" + &"*".repeat(5000)).into_bytes()), Some(true), ""),
        ("unclosed HTML soup", one(t("<div><table><tr><td><ul><li><b><i>x\n")), Some(true), ""),
        ("front matter not closed", one(t("+++\ntitle = \"x\"\n")), Some(true), "not closed"),
        ("5,000-character word", one(("y".repeat(5000) + "\n").into_bytes()), Some(true), ""),
        ("200 footnotes in a paragraph", one(((0..200).map(|i| format!("w[^{i}] ")).collect::<String>() + "\n\n" + &(0..200).map(|i| format!("[^{i}]: n{i}\n\n")).collect::<String>()).into_bytes()), Some(true), ""),
    ];
    assert!(cases.len() >= 40, "at least 40 hostile books");
    for (name, files, ok, text) in &cases {
        survives(name, files, *ok, text);
    }
}

#[cfg(unix)]
#[test]
fn hostile_symlinked_picture_and_case_colliding_names() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.png"), png_bytes(10, 10)).unwrap();
    let dir = book(&[TOML, ("src/a.md", b"# A\n\n![x](../pictures/link.png)\n")]);
    std::fs::create_dir_all(dir.path().join("pictures")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.png"),
        dir.path().join("pictures/link.png"),
    )
    .unwrap();
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 1);
    assert!(run
        .stderr
        .contains("link to a file outside the book folder"));
    // `a b.jpg`, `a_b.jpg`, `A.png` and `a.png` are four files in the EPUB, never overwritten.
    let small = png_bytes(10, 10);
    let dir = book(&[TOML, ("src/a.md", b"# A\n\n![1](../p/a%20b.png)\n\n![2](../p/a_b.png)\n\n![3](../p/A.png)\n\n![4](../p/a.png)\n"), ("p/a b.png", &small), ("p/a_b.png", &small), ("p/A.png", &small), ("p/a.png", &small)]);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let mut names: Vec<String> = files
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| n.starts_with("oebps/images/") && n != "oebps/images/cover.jpg")
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!((count, names.len()), (4, 4), "{names:?}");
}

#[test]
fn limits_have_ceilings_and_every_read_goes_through_one_gate() {
    // A limit the code cannot honour is refused at its key.
    let stderr = fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n[bindery.limits]\nmax-nesting = 100000\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["max-nesting = 100000 is out of range", "book.toml:4:1"],
    );
    assert!(stderr.contains("from 1 to 256"), "{stderr}");
    // A sparse 2 GB file in fonts/ is refused by its size, never read.
    let dir = book(&[TOML, ("src/a.md", b"# A\n")]);
    std::fs::create_dir(dir.path().join("fonts")).unwrap();
    let f = std::fs::File::create(dir.path().join("fonts/huge.ttf")).unwrap();
    f.set_len(2 << 30).unwrap();
    let (r, _out) = build_with(dir.path(), &["--format", "pdf"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is 2048 MiB, over the limit of 64 MiB for a font"),
        "{}",
        r.stderr
    );
    // A FIFO reached through an include is refused, not opened (opening it would block).
    #[cfg(unix)]
    {
        let dir = book(&[TOML, ("src/a.md", b"# A\n\n{{#include pipe.md}}\n")]);
        let fifo = dir.path().join("src/pipe.md");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let (run, _out) = build(dir.path());
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert!(
                run.stderr.contains("is not a regular file"),
                "{}",
                run.stderr
            );
        }
    }
}

#[test]
fn include_fan_out_has_a_budget_and_settings_are_checked_at_the_key() {
    // Five files of sixteen includes each: 16^5 expansions under the depth limit.
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("book.toml".into(), b"[book]\ntitle = \"T\"\n".to_vec()),
        ("src/a.md".into(), b"# A\n\n{{#include f0.md}}\n".to_vec()),
    ];
    for level in 0..5 {
        let line = format!("{{{{#include f{}.md}}}}\n", level + 1);
        files.push((format!("src/f{level}.md"), line.repeat(16).into_bytes()));
    }
    files.push(("src/f5.md".into(), b"leaf text\n".to_vec()));
    let started = std::time::Instant::now();
    let stderr = fails_with_owned(files, &["go past the budget (4096 includes"]);
    assert!(started.elapsed().as_secs() < 60, "{stderr}");
    // One line taken many times from a large file: the whole file counts each time it is read,
    // at every depth, so 80 reads of 1 MiB pass the 4 MiB budget of a 1 MiB report limit.
    let big = "x\n".repeat(512 * 1024);
    let lines = "{{#include big.txt:1:1}}\n".repeat(8);
    let stderr = fails_with_owned(
        vec![
            (
                "book.toml".into(),
                b"[book]\ntitle = \"T\"\n[bindery.limits]\nmax-report-file-mib = 1\n".to_vec(),
            ),
            ("src/a.md".into(), b"# A\n\n{{#include m.md}}\n".to_vec()),
            (
                "src/m.md".into(),
                "{{#include n.md}}\n".repeat(10).into_bytes(),
            ),
            ("src/n.md".into(), lines.into_bytes()),
            ("src/big.txt".into(), big.into_bytes()),
        ],
        &["4 MiB of included text read"],
    );
    assert!(
        stderr.contains("big.txt") || stderr.contains("n.md"),
        "{stderr}"
    );
    // NaN and impossible dates are refused at their key.
    fails_with(
        &[
            (
                "book.toml",
                b"[book]\ntitle = \"T\"\n[bindery]\ndate = \"2024-02-30\"\n",
            ),
            ("src/a.md", b"# A\n"),
        ],
        &["date = \"2024-02-30\" is not a date", "book.toml:4:1"],
    );
    // Handout settings are checked at their key when book.toml is read, handout or not.
    for (setting, expected) in [
        ("creep-mm = nan", "creep-mm = NaN is out of range"),
        ("creep-mm = 40", "creep-mm = 40 is out of range"),
        ("layout = \"9-up\"", "layout = \"9-up\" is not known"),
        ("sheet = \"a9\"", "sheet = \"a9\" is not known"),
        (
            "link-notes = \"inline\"",
            "link-notes = \"inline\" is not known",
        ),
    ] {
        let toml = format!("[book]\ntitle = \"T\"\n[bindery.handout]\n{setting}\n");
        let dir = book(&[("book.toml", toml.as_bytes()), ("src/a.md", b"# A\n")]);
        let (r, out) = build_with(dir.path(), &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(expected) && r.stderr.contains("book.toml:4:1"),
            "{}",
            r.stderr
        );
        assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
    }
}

#[cfg(unix)]
#[test]
fn summary_and_reports_linked_out_of_the_book_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("SUMMARY.md"), "- [Secret](secret.md)\n").unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret words\n").unwrap();
    let dir = book(&[TOML, ("src/a.md", b"# A\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("SUMMARY.md"),
        dir.path().join("src/SUMMARY.md"),
    )
    .unwrap();
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("link to a file outside the book folder"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(dir.path().join("src/SUMMARY.md")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("src/secret.md"),
    )
    .unwrap();
    let (run, _out) = build(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("secret.md is a link to a file outside"),
        "{}",
        run.stderr
    );
}

#[test]
fn includes_reach_the_include_root_and_never_past_it() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("examples")).unwrap();
    std::fs::write(root.path().join("examples/hello.rs"), "fn hello() {}\n").unwrap();
    std::fs::write(root.path().join("secret.txt"), "secret\n").unwrap();
    let guide = root.path().join("guide");
    for (path, text) in [
        ("book.toml", "[book]\ntitle = \"G\"\n"),
        (
            "src/a.md",
            "# A\n\n```rust\n{{#include ../../examples/hello.rs}}\n```\n",
        ),
    ] {
        let p = guide.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    // No git work tree and no include-root: the file outside the book is not read.
    let (run, _out) = build(&guide);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("outside the book folder"),
        "{}",
        run.stderr
    );
    let x = entry(
        &read_zip(run.epub.as_ref().unwrap()),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(
        x.contains("(missing include: ../../examples/hello.rs)"),
        "{x}"
    );
    // The enclosing git work tree is the include root.
    std::fs::create_dir(root.path().join(".git")).unwrap();
    let (run, _out) = build(&guide);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let x = entry(
        &read_zip(run.epub.as_ref().unwrap()),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(x.contains("fn hello() {}"), "{x}");
    // Never past it, and never an absolute path.
    std::fs::write(
        guide.join("src/a.md"),
        format!(
            "# A\n\n{{{{#include ../../../secret.txt}}}}\n\n{{{{#include {}}}}}\n",
            root.path().join("secret.txt").display()
        ),
    )
    .unwrap();
    std::fs::remove_dir(root.path().join(".git")).unwrap();
    std::fs::write(
        guide.join("book.toml"),
        "[book]\ntitle = \"G\"\n[bindery]\ninclude-root = \"..\"\n",
    )
    .unwrap();
    let (run, _out) = build(&guide);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let x = entry(
        &read_zip(run.epub.as_ref().unwrap()),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(!x.contains("secret\n"), "{x}");
    assert_eq!(
        run.stderr.matches("outside-book").count(),
        2,
        "{}",
        run.stderr
    );
}
