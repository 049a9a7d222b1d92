//! The golden books under tests/books/ built end to end: EPUB snapshots, links, notes,
//! languages, includes, pictures; determinism; `check` and `init`.

use crate::support::*;

#[test]
fn minimal_book_snapshots() {
    let files = built("minimal");
    assert_eq!(files[0].0, "mimetype");
    assert_eq!(files[0].1, b"application/epub+zip");
    insta::assert_snapshot!("minimal_opf", entry(&files, "OEBPS/content.opf"));
    insta::assert_snapshot!("minimal_nav", entry(&files, "OEBPS/nav.xhtml"));
    insta::assert_snapshot!("minimal_chapter", entry(&files, "OEBPS/text/ch001.xhtml"));
    insta::assert_snapshot!("minimal_ncx", entry(&files, "OEBPS/toc.ncx"));
}

#[test]
fn cross_links_resolve_to_files_and_ids() {
    let files = built("cross-links");
    insta::assert_snapshot!("cross_links_nav", entry(&files, "OEBPS/nav.xhtml"));
    let preface = entry(&files, "OEBPS/text/ch001.xhtml");
    assert!(
        preface.contains("<h1 id=\"chapter-title\">Preface</h1>"),
        "{preface}"
    );
    assert!(preface.contains("href=\"ch002.xhtml\""));
    assert!(preface.contains("href=\"ch003.xhtml#deep-section\""));
    let first = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(first.contains("id=\"repeated\"") && first.contains("id=\"repeated-1\""));
    assert!(first.contains("href=\"#repeated-1\""));
    assert!(
        first.contains("href=\"ch004.xhtml\""),
        "appendix.html maps to the chapter"
    );
    let appendix = entry(&files, "OEBPS/text/ch004.xhtml");
    assert!(
        appendix.contains("id=\"id-1-numbers-first\""),
        "ids starting with a digit are made valid: {appendix}"
    );
}

#[test]
fn footnotes_are_numbered_by_first_reference_and_popup() {
    let (run, out) = build(&golden("footnotes"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("footnote [^missing] is not defined"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("notes.md:3:"), "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    insta::assert_snapshot!("footnotes_chapter", entry(&files, "OEBPS/text/ch001.xhtml"));
}

#[test]
fn vietnamese_is_nfc_and_languages_are_marked() {
    let files = built("vietnamese");
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    assert!(ch.contains("xml:lang=\"vi\" lang=\"vi\""));
    assert!(
        ch.contains("Hội nghị thượng đỉnh"),
        "NFD input must come out NFC"
    );
    assert!(ch.contains("ặ ẫ ữ Ặ"));
    let en = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(en.contains("xml:lang=\"en\" lang=\"en\""));
    assert!(
        en.contains("<span xml:lang=\"vi\" lang=\"vi\">câu tiếng Việt</span>"),
        "{en}"
    );
    let opf = entry(&files, "OEBPS/content.opf");
    assert!(
        opf.contains("<dc:language>vi</dc:language>")
            && opf.contains("<dc:language>en</dc:language>")
    );
    let nav = entry(&files, "OEBPS/nav.xhtml");
    assert!(nav.contains("Mục lục"));
}

#[test]
fn raw_html_is_parsed_and_sanitised() {
    // `-v`: every warning in full (by default the sixth and later of a kind are counted).
    let (run, out) = build_with(&golden("html"), &["--format", "epub", "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for removed in [
        "<script>",
        "<iframe>",
        "<form>",
        "<input>",
        "<button>",
        "<link>",
        "`onclick`",
        "`javascript:`",
    ] {
        assert!(
            run.stderr.contains(removed),
            "no warning for {removed}:\n{}",
            run.stderr
        );
    }
    let files = read_zip(&out.path().join("book.epub"));
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    insta::assert_snapshot!("html_chapter", ch);
    for bad in [
        "<script",
        "alert",
        "iframe",
        "<form",
        "<input",
        "onclick",
        "javascript:",
        "<!--",
        "my-widget",
        "stylesheet\" href=\"https",
    ] {
        assert!(!ch.contains(bad), "{bad} leaked into:\n{ch}");
    }
}

#[test]
fn includes_anchors_ranges_and_hidden_lines() {
    let files = built("includes");
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    insta::assert_snapshot!("includes_chapter", ch);
    assert!(!ch.contains("ANCHOR"));
    assert!(!ch.contains("fn hidden"));
    assert!(ch.contains("Escaped: {{#include listings/main.rs}}"));
}

#[test]
fn without_summary_reports_are_ordered_by_weight_then_name() {
    let files = built("no-summary");
    let nav = entry(&files, "OEBPS/nav.xhtml");
    let order: Vec<usize> = ["Comes first", "Report2", "Report10", "B report10"]
        .iter()
        .map(|t| {
            nav.find(&format!(">{t}<"))
                .unwrap_or_else(|| panic!("{t} not in nav:\n{nav}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{nav}");
}

#[test]
fn figures_pictures_and_remote_images() {
    let (run, out) = build(&golden("figures"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("remote image https://example.org/x.png is not downloaded"),
        "{}",
        run.stderr
    );
    let files = read_zip(&out.path().join("book.epub"));
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    insta::assert_snapshot!("figures_chapter", ch);
    // The 3000 px wide JPEG is downscaled to the default long edge.
    let (_, jpg) = files.iter().find(|(n, _)| n.ends_with("blue.jpg")).unwrap();
    let img = image::load_from_memory(jpg).unwrap();
    assert_eq!(img.width(), 1600);
    // The same picture used twice is packaged once (beside the generated cover).
    assert_eq!(
        files
            .iter()
            .filter(|(n, _)| n.starts_with("OEBPS/images/") && n != "OEBPS/images/cover.jpg")
            .count(),
        2
    );
    let opf = entry(&files, "OEBPS/content.opf");
    assert!(opf.contains("properties=\"cover-image\""));
    assert!(
        !opf.contains("alternativeText"),
        "an image without real alt text: no alternativeText claim"
    );
}

#[test]
fn bundled_book_builds_and_applies_exif_orientation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (run, out) = build(root);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let (_, storm) = files
        .iter()
        .find(|(n, _)| n.ends_with("storm.jpg"))
        .unwrap();
    let img = image::load_from_memory(storm).unwrap();
    assert!(
        img.width() > img.height(),
        "storm.jpg is stored rotated with orientation 6; it must come out landscape"
    );
    assert!(
        !storm.windows(4).any(|w| w == b"Exif"),
        "EXIF metadata must be stripped"
    );
    let (_, ribbon) = files
        .iter()
        .find(|(n, _)| n.ends_with("ribbon.jpg"))
        .unwrap();
    // The cover keeps 2560 pixels on its long edge (stores show it full screen).
    assert_eq!(image::load_from_memory(ribbon).unwrap().width(), 2560);
    let (_, dune) = files.iter().find(|(n, _)| n.ends_with("dune.jpg")).unwrap();
    assert_eq!(image::load_from_memory(dune).unwrap().width(), 1600);
    let seed_like = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(
        seed_like.contains("<h1 id=\"chapter-title\">1. Summit notes: a first look</h1>"),
        "{seed_like}"
    );
    let fonts: Vec<_> = files
        .iter()
        .filter(|(n, _)| n.starts_with("OEBPS/fonts/"))
        .collect();
    assert!(fonts.len() >= 3, "fonts are embedded");
}

#[test]
fn the_seed_report_builds_as_users_write_it() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let Some(report) = std::fs::read_dir(&seed)
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
    else {
        eprintln!("shared/seed not present; skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("reports")).unwrap();
    std::fs::copy(report.path(), dir.path().join("reports/denver.md")).unwrap();
    let pictures = Path::new(env!("CARGO_MANIFEST_DIR")).join("pictures");
    std::fs::create_dir_all(dir.path().join("pictures")).unwrap();
    for (name, from) in [
        ("denver1.jpg", "dune.jpg"),
        ("denver2.jpg", "ladybird.jpg"),
        ("denver3.png", "flower.png"),
    ] {
        std::fs::copy(pictures.join(from), dir.path().join("pictures").join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Denver\"\nsrc = \"reports\"\n",
    )
    .unwrap();
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let ch = entry(&files, "OEBPS/text/ch001.xhtml");
    assert!(
        ch.contains("<h1 id=\"chapter-title\">Denver</h1>"),
        "title from the file name: {ch}"
    );
    assert_eq!(ch.matches("<img ").count(), 3);
    assert!(ch.contains("To be continued …") || ch.contains("To be continued"));
}

#[test]
fn builds_are_byte_identical_across_time_zones_locales_and_threads() {
    let root = golden("figures");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let r1 = bindery(
        &[
            "build",
            root.to_str().unwrap(),
            "--format",
            "epub",
            "--out",
            a.path().to_str().unwrap(),
        ],
        &[("TZ", "UTC"), ("LANG", "C"), ("RAYON_NUM_THREADS", "1")],
    );
    let r2 = bindery(
        &[
            "build",
            root.to_str().unwrap(),
            "--format",
            "epub",
            "--out",
            b.path().to_str().unwrap(),
        ],
        &[
            ("TZ", "Asia/Ho_Chi_Minh"),
            ("LANG", "vi_VN.UTF-8"),
            ("RAYON_NUM_THREADS", "4"),
        ],
    );
    assert_eq!((r1.code, r2.code), (0, 0));
    let x = std::fs::read(a.path().join("book.epub")).unwrap();
    let y = std::fs::read(b.path().join("book.epub")).unwrap();
    assert!(x == y, "EPUB bytes differ between runs");
}

#[test]
fn check_writes_nothing_and_init_scaffolds_a_book_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("new");
    let r = bindery(&["init", book.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = bindery(&["check", book.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!book.join("out").exists());
    let r = bindery(&["build", book.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(book.join("out/book.epub").exists());
    let again = bindery(&["init", book.to_str().unwrap()], &[]);
    assert_eq!(again.code, 2, "init must not overwrite");
}

#[test]
fn every_link_written_is_a_valid_address_or_text() {
    let (run, out) = build_with(&golden("links"), &["--format", "epub", "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ch = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    // Repaired as a browser repairs them (Markdown and raw HTML alike, and a remote picture's
    // link), kept as written when already whole.
    for href in [
        "href=\"http://golang.org/x/net\"",
        "href=\"https://gitlab.example/group/project\"",
        "href=\"http://raw.example/page\"",
        "href=\"http://badges.example/build.svg\"",
        "href=\"https://vi.wikipedia.org/wiki/Hà_Nội\"",
        "href=\"https://example.org/search?q=a+b&amp;lang=vi#result\"",
    ] {
        assert!(ch.contains(href), "no {href} in:\n{ch}");
    }
    for invalid in [
        "http:golang",
        "https:/gitlab",
        "99999",
        "exercises.zip",
        "slides.pdf\"",
    ] {
        assert!(
            !ch.contains(invalid),
            "{invalid} written as an address:\n{ch}"
        );
    }
    // A port out of range is text, with a warning; so are files that are not chapters when
    // site-url is only a path (mdBook's form), which names no web copy.
    assert!(
        run.stderr
            .contains("link to http://example.org:99999/ is not a valid web address"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("link to files/exercises.zip leaves the book"));
    assert!(run.stderr.contains("(https://..., not a path)"));
    assert!(ch.contains("the exercises") && ch.contains("the slides"));
}
