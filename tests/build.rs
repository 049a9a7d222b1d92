//! End-to-end tests: the `bindery` binary run on the golden books under `tests/books/` and on
//! hostile books generated here. EPUB contents are read back from the ZIP and snapshotted (insta);
//! dates are pinned with SOURCE_DATE_EPOCH so snapshots are stable.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

const EPOCH: &str = "1700000000";

struct Run {
    code: i32,
    stderr: String,
    epub: Option<PathBuf>,
}

fn bindery(args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bindery"));
    cmd.args(args).env("SOURCE_DATE_EPOCH", EPOCH);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run bindery");
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        epub: None,
    }
}

/// Build `dir` into a fresh temporary folder; returns the run and the EPUB path if written.
fn build(dir: &Path) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut run = bindery(
        &[
            "build",
            dir.to_str().unwrap(),
            "--format",
            "epub",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    let epub = out.path().join("book.epub");
    run.epub = epub.exists().then_some(epub);
    (run, out)
}

/// Build `dir` with `extra` arguments into a fresh temporary folder.
fn build_with(dir: &Path, extra: &[&str]) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "build",
        dir.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (bindery(&args, &[]), out)
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/books")
        .join(name)
}

fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            (e.name().to_string(), b)
        })
        .collect()
}

fn entry(files: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, b) = files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(b.clone()).unwrap()
}

fn built(name: &str) -> Vec<(String, Vec<u8>)> {
    let (run, _out) = build(&golden(name));
    assert_eq!(run.code, 0, "{name} failed:\n{}", run.stderr);
    read_zip(run.epub.as_ref().unwrap())
}

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
    let (run, out) = build(&golden("html"));
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
    // The same picture used twice is packaged once.
    assert_eq!(
        files
            .iter()
            .filter(|(n, _)| n.starts_with("OEBPS/images/"))
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
    assert_eq!(image::load_from_memory(ribbon).unwrap().width(), 1600);
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
    let mut files: Vec<(String, Vec<u8>)> = vec![(
        "book.toml".into(),
        b"[book]\ntitle = \"Threads\"\nlanguage = \"en\"\nsrc = \"src\"\n".to_vec(),
    )];
    let mut summary = String::from("# Summary\n\n");
    for i in 0..24 {
        let script = scripts[(i * 5) % scripts.len()];
        summary.push_str(&format!("- [Chapter {i}](c{i}.md)\n"));
        let mut text = format!("# Chapter {i}: {script}\n\n");
        for p in 0..12 {
            text.push_str(&format!(
                "Paragraph {p} of chapter {i} mixes {script} into running text, with a note[^n{p}] \
                 and `code {p}` and a [link](https://example.org/{i}/{p}).\n\n"
            ));
            text.push_str(&format!("[^n{p}]: Note {p} of chapter {i}: {script}.\n\n"));
        }
        text.push_str("| a | b |\n|---|---|\n| one | two |\n\n```rust\nfn main() {}\n```\n");
        files.push((format!("src/c{i}.md"), text.into_bytes()));
    }
    files.push(("src/SUMMARY.md".into(), summary.into_bytes()));
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
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
    use bindery::pdf::model::{Item, StructKind};
    let mut files = vec![TOML];
    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    let mut summary = String::new();
    for i in 0..6 {
        summary.push_str(&format!("- [C{i}](c{i}.md)\n"));
        owned.push((
            format!("src/c{i}.md"),
            format!(
                "# C{i}\n\nText {i} with a note[^a].\n\n- one\n- two\n\n| h | k |\n|---|---|\n\
                 | x | y |\n\n> quoted {i}\n\n[^a]: The note of {i}.\n"
            )
            .into_bytes(),
        ));
    }
    owned.push(("src/SUMMARY.md".into(), summary.into_bytes()));
    for (n, b) in &owned {
        files.push((n.as_str(), b.as_slice()));
    }
    let dir = book(&files);
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
            if let Item::Text {
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

// ---- Bad input: each gives a clear diagnostic with file:line:col, exit 1, and no output. ----

/// Write a book from (path, bytes) pairs into a temporary folder.
fn book(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn fails_with(files: &[(&str, &[u8])], expected: &[&str]) -> String {
    let dir = book(files);
    let (run, out) = build(dir.path());
    assert_eq!(
        run.code, 1,
        "expected failure, got {}:\n{}",
        run.code, run.stderr
    );
    assert!(run.epub.is_none(), "no output may be written on failure");
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "no stray files in out/"
    );
    for e in expected {
        assert!(run.stderr.contains(e), "expected {e:?} in:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

const TOML: (&str, &[u8]) = ("book.toml", b"[book]\ntitle = \"T\"\n");

/// A defect in the book's own content: the build succeeds (exit 0) with each expected warning,
/// and fails (exit 1, nothing written) with `--deny-warnings`. Returns the warnings and the
/// built chapters' XHTML, joined.
fn warns_with(files: &[(&str, &[u8])], expected: &[&str]) -> (String, String) {
    let dir = book(files);
    let (run, _out) = build(dir.path());
    assert_eq!(
        run.code, 0,
        "expected a build with warnings:\n{}",
        run.stderr
    );
    for e in expected {
        assert!(run.stderr.contains(e), "expected {e:?} in:\n{}", run.stderr);
    }
    let xhtml: String = read_zip(run.epub.as_ref().expect("the EPUB is written"))
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect();
    let (denied, out) = build_with(dir.path(), &["--deny-warnings"]);
    assert_eq!(
        denied.code, 1,
        "--deny-warnings must fail:\n{}",
        denied.stderr
    );
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
    (run.stderr, xhtml)
}

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
        &["a numbered chapter after suffix chapters", "SUMMARY.md:4:3"],
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

fn picture_book(name: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    vec![
        ("book.toml".into(), b"[book]\ntitle = \"T\"\n".to_vec()),
        ("src/SUMMARY.md".into(), b"- [A](a.md)\n".to_vec()),
        (
            "src/a.md".into(),
            format!("# A\n\nText.\n\n![A picture](../pictures/{name})\n").into_bytes(),
        ),
        (format!("pictures/{name}"), bytes.to_vec()),
    ]
}

fn fails_with_owned(files: Vec<(String, Vec<u8>)>, expected: &[&str]) -> String {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    fails_with(&refs, expected)
}

fn warns_with_owned(files: Vec<(String, Vec<u8>)>, expected: &[&str]) -> (String, String) {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    warns_with(&refs, expected)
}

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
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // A tiny IDAT (a zlib stored block) and IEND, as in a real bomb: small file, huge canvas.
    for (kind, data) in [
        (
            &b"IDAT"[..],
            &b"\x78\x01\x01\x01\x00\xfe\xff\x00\x00\x01\x00\x01"[..],
        ),
        (&b"IEND"[..], &b""[..]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    fails_with_owned(
        picture_book("bomb.png", &png),
        &["50000 x 50000 pixels is over the limit", "max-image-pixels"],
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
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
fn failed_build_leaves_the_previous_epub_untouched() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nGood.\n"),
    ]);
    let r = bindery(&["build", dir.path().to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(dir.path().join("out/book.epub")).unwrap();
    std::fs::write(dir.path().join("src/a.md"), b"# A\n\n[broken](#missing)\n").unwrap();
    let r = bindery(
        &["build", dir.path().to_str().unwrap(), "--deny-warnings"],
        &[],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        std::fs::read(dir.path().join("out/book.epub")).unwrap(),
        before
    );
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "only book.epub and book.pdf, no temporary files: {names:?}"
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

// ---- PDF ----

/// Load, run the passes, process pictures and typeset, as the pipeline does; returns the page model.
fn typeset(dir: &Path, settings: &bindery::config::PdfSettings) -> bindery::pdf::model::Book {
    let mut sources = bindery::diag::SourceMap::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let book = bindery::book::load(dir, &mut sources, &mut diags)
        .unwrap()
        .expect("book loads");
    let mut doc = book.document;
    bindery::doc::passes::run(&mut doc, &mut diags);
    let image_settings = bindery::assets::images::Settings {
        max_edge: 1600,
        jpeg_quality: 85,
        max_pixels: 100_000_000,
        max_memory: 1 << 30,
    };
    let sizes: Vec<(u32, u32)> = bindery::assets::images::process_all(&doc.images, &image_settings)
        .into_iter()
        .map(|r| r.map(|p| (p.width, p.height)).unwrap_or((0, 0)))
        .collect();
    bindery::pdf::layout::typeset(&doc, &layout_settings(settings), &sizes).0
}

/// Layout settings typeset with the bundled faces and the system's.
fn layout_settings(s: &bindery::config::PdfSettings) -> bindery::pdf::layout::Settings {
    let fonts = std::sync::Arc::new(bindery::pdf::FontBook::bundled());
    bindery::pdf::layout_settings(s, fonts)
}

/// Every drawn thing stays inside the page's text area (headers and numbers in the margins aside).
fn assert_inside_text_area(book: &bindery::pdf::model::Book, s: &bindery::config::PdfSettings) {
    use bindery::pdf::model::Item;
    let l = layout_settings(s);
    for (i, page) in book.pages.iter().enumerate() {
        let left = l.inner.min(l.outer) - 0.5;
        let right = l.width - l.inner.min(l.outer) + 0.5;
        for item in &page.items {
            let (x0, x1, y1) = match item {
                Item::Text {
                    x,
                    y,
                    size,
                    glyphs,
                    artifact: false,
                    ..
                } => (
                    *x,
                    x + glyphs.iter().map(|g| g.advance).sum::<f32>() * size,
                    *y,
                ),
                Item::Image { x, y, w, h, .. } => (*x, x + w, y + h),
                _ => continue,
            };
            assert!(
                x0 >= left && x1 <= right,
                "page {}: item from {x0} to {x1} outside {left}..{right}: {item:?}",
                i + 1
            );
            assert!(
                y1 <= l.height - l.bottom + l.font_size * 2.0,
                "page {}: item below the text area at {y1}",
                i + 1
            );
        }
    }
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
    use bindery::pdf::model::{Item, Numbering, Target};
    // Title page and contents in roman numbering, then the body from 1.
    assert_eq!(book.pages[0].numbering, Numbering::Roman);
    assert!(book.pages.iter().any(|p| p.numbering == Numbering::Arabic));
    let contents = book.pages[1]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.as_str()),
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
            Item::Link { target, .. } => Some(target),
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
            bindery::pdf::model::Item::Text {
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

fn build_pdf(dir: &Path) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let run = bindery(
        &[
            "build",
            dir.to_str().unwrap(),
            "--format",
            "pdf",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    (run, out)
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
    let (fonts, errors) = bindery::assets::fonts::read_book_fonts(&fs, &files, 64 << 20);
    assert!(errors.is_empty());
    let (fonts, errors) = bindery::pdf::font_book(fonts);
    assert!(errors.is_empty(), "{errors:?}");
    let settings = bindery::pdf::layout_settings(&bindery::config::PdfSettings::default(), fonts);
    let mut sources = bindery::diag::SourceMap::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let mut doc = bindery::book::load(dir.path(), &mut sources, &mut diags)
        .unwrap()
        .unwrap()
        .document;
    bindery::doc::passes::run(&mut doc, &mut diags);
    let (book, _) = bindery::pdf::layout::typeset(&doc, &settings, &[]);
    let body_face = book
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            bindery::pdf::model::Item::Text { text, face, .. } if text == "Body" => Some(*face),
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
    let mut sources = bindery::diag::SourceMap::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let mut doc = bindery::book::load(dir.path(), &mut sources, &mut diags)
        .unwrap()
        .unwrap()
        .document;
    bindery::doc::passes::run(&mut doc, &mut diags);
    let settings = bindery::assets::images::Settings {
        max_edge: 1600,
        jpeg_quality: 85,
        max_pixels: 100_000_000,
        max_memory: 1 << 30,
    };
    let processed: Vec<_> = bindery::assets::images::process_all(&doc.images, &settings)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(bindery::pdf::pixel_sizes(&processed), vec![(200, 100)]);
    let dump = bindery::pdf::dump(&doc, &processed, &bindery::config::PdfSettings::default());
    assert!(
        dump.contains("image#0"),
        "the SVG is placed as a picture: {dump}"
    );
    assert!(!dump.contains("[picture:"), "{dump}");
}

#[test]
fn a_picture_that_does_not_fit_waits_while_text_flows_up() {
    use bindery::pdf::model::Item;
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
        let page_of = |pred: &dyn Fn(&Item) -> bool| {
            book.pages
                .iter()
                .position(|p| p.items.iter().any(pred))
                .unwrap()
        };
        let picture = page_of(&|i| matches!(i, Item::Image { alt, .. } if alt == "A tall picture"));
        let after = page_of(&|i| matches!(i, Item::Text { text, .. } if text == "after"));
        let last = (count - 1).to_string();
        let last_para = page_of(&|i| matches!(i, Item::Text { text, .. } if *text == last));
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
                Item::Text {
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

// ---- Handouts ----

fn handout(dir: &Path, extra: &[&str]) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "build",
        dir.to_str().unwrap(),
        "--format",
        "pdf",
        "--profile",
        "handout",
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (bindery(&args, &[]), out)
}

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
            if let bindery::pdf::model::Item::Text { x, y, .. } = item {
                assert!(*x >= 0.0 && *x <= p.width && *y >= 0.0 && *y <= p.height);
            }
        }
    }
    // The first sheet's front holds the last (blank or back cover) page left and page 1 right.
    let title = &book.pages[0].items;
    let first_text = title
        .iter()
        .find_map(|i| match i {
            bindery::pdf::model::Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    let right_half: Vec<_> = imposed.pages[0]
        .items
        .iter()
        .filter_map(|i| match i {
            bindery::pdf::model::Item::Text { x, text, .. } if *x > 421.0 => Some(text.clone()),
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
    let mut sources = bindery::diag::SourceMap::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let mut doc = bindery::book::load(dir.path(), &mut sources, &mut diags)
        .unwrap()
        .unwrap()
        .document;
    bindery::doc::passes::run(&mut doc, &mut diags);
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
    let mut sources = bindery::diag::SourceMap::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let mut doc = bindery::book::load(dir.path(), &mut sources, &mut diags)
        .unwrap()
        .unwrap()
        .document;
    bindery::doc::passes::run(&mut doc, &mut diags);
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

#[test]
fn the_next_build_completes_a_set_whose_renames_were_interrupted() {
    let dir = book(&[TOML, ("src/a.md", b"# A\n")]);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // What a build killed after renaming its EPUB leaves: the new PDF staged, and the record.
    std::fs::write(out.join("book.pdf"), b"old pdf").unwrap();
    std::fs::write(out.join(".book.pdf.k1ll3d.tmp"), b"new pdf").unwrap();
    std::fs::write(
        out.join(".bindery-commit"),
        ".book.epub.k1ll3d.tmp\tbook.epub\n.book.pdf.k1ll3d.tmp\tbook.pdf\n",
    )
    .unwrap();
    let run = bindery(
        &["build", dir.path().to_str().unwrap(), "--format", "epub"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(out.join("book.pdf")).unwrap(), b"new pdf");
    let mut names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["book.epub", "book.pdf"]);
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

// ---- No panic on any input (property tests; the fuzz targets of issue #4 will go further) ----

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]
    #[test]
    fn any_markdown_becomes_an_epub_and_a_pdf_without_panicking(
        parts in proptest::collection::vec(proptest::prelude::prop_oneof![
            "[ -~]{0,40}",
            "\\PC{0,20}",
            proptest::prelude::Just("\n\n".to_string()),
            proptest::prelude::Just("> > > ".to_string()),
            proptest::prelude::Just("- [ ] ".to_string()),
            proptest::prelude::Just("| a | b |\n|---|:-:|\n| 1 |".to_string()),
            proptest::prelude::Just("<div><p>x<b>y</div>".to_string()),
            proptest::prelude::Just("<script>x</script><img src=x onerror=y>".to_string()),
            proptest::prelude::Just("[^n]\n\n[^n]: note".to_string()),
            proptest::prelude::Just("```rust\n# hidden\nfn x() {}\n```".to_string()),
            proptest::prelude::Just("[link](#nowhere) [x](other.md)".to_string()),
            proptest::prelude::Just("Tiếng Việt: ặ ẫ ữ Ặ".to_string()),
        ], 0..12)
    ) {
        let text: String = parts.concat();
        let doc = bindery::pipeline::book_from_markdown(&text);
        let epub = bindery::epub::write(&doc, &[], &bindery::epub::Options { embed_fonts: false, contents_label: "Contents".into(), book_fonts: Vec::new() }).unwrap();
        proptest::prop_assert!(epub.starts_with(b"PK"));
        let settings = layout_settings(&bindery::config::PdfSettings::default());
        let (book, _) = bindery::pdf::layout::typeset(&doc, &settings, &[]);
        proptest::prop_assert!(!book.pages.is_empty());
    }
}

// ---- Hostile books (issue #4): each builds or fails cleanly, never panics, never hangs ----

/// What a hostile book must do: build (exit 0) or fail with a diagnostic (exit 1); never panic,
/// never leave a half-written output.
fn survives(name: &str, files: &[(&str, Vec<u8>)], expect_ok: Option<bool>, expect_text: &str) {
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    let dir = book(&refs);
    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let r = bindery(
        &[
            "build",
            dir.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        started.elapsed().as_secs() < 120,
        "{name}: took {:?}",
        started.elapsed()
    );
    assert!(
        !r.stderr.contains("panicked") && (r.code == 0 || r.code == 1),
        "{name}: exit {} {}",
        r.code,
        &r.stderr[..r.stderr.len().min(2000)]
    );
    if let Some(ok) = expect_ok {
        assert_eq!(
            r.code == 0,
            ok,
            "{name}: {}",
            &r.stderr[..r.stderr.len().min(2000)]
        );
    }
    assert!(
        r.stderr.contains(expect_text),
        "{name}: expected {expect_text:?} in {}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    if r.code == 0 {
        assert!(
            names.contains(&"book.epub".to_string()) && names.contains(&"book.pdf".to_string()),
            "{name}: {names:?}"
        );
    } else {
        assert!(names.is_empty(), "{name}: a failed build wrote {names:?}");
    }
}

fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

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
        .filter(|n| n.starts_with("oebps/images/"))
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!((count, names.len()), (4, 4), "{names:?}");
}

#[test]
fn an_interrupted_build_keeps_the_previous_outputs_and_leaves_no_temporaries() {
    let pictures: Vec<(String, Vec<u8>)> = (0..12)
        .map(|i| (format!("pictures/p{i}.png"), png_bytes(1800, 1200)))
        .collect();
    let md: String = (0..12)
        .map(|i| format!("![Picture {i}](../pictures/p{i}.png)\n\n"))
        .collect();
    let mut files: Vec<(&str, &[u8])> = vec![TOML, ("src/a.md", md.as_bytes())];
    files.extend(pictures.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
    let dir = book(&files);
    let r = bindery(&["build", dir.path().to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(dir.path().join("out/book.pdf")).unwrap();
    // Kill a second build part-way (SIGKILL: no cleanup code runs).
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", dir.path().to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    let after = std::fs::read(dir.path().join("out/book.pdf")).unwrap();
    assert!(
        after == before
            || after.starts_with(b"%PDF-") && after.ends_with(b"%%EOF\n")
            || after.ends_with(b"%%EOF"),
        "the output is the old or the new book, never half of one"
    );
    // The next run removes any temporary the killed one left.
    let r = bindery(&["build", dir.path().to_str().unwrap()], &[]);
    assert_eq!(r.code, 0);
    let stray: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn output_folder_that_is_the_source_folder_is_refused() {
    let dir = book(&[TOML, ("src/a.md", b"# A\n")]);
    let src = dir.path().join("src");
    let r = bindery(
        &[
            "build",
            dir.path().to_str().unwrap(),
            "--out",
            src.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is the source folder"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(&src).unwrap().count(),
        1,
        "nothing written among the sources"
    );
}

// ---- Real books (issue #8): mdBook's syntax and leniency, end to end ----

use common::chapter_xhtml;

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
    assert!(
        all.contains("<span class=\"math\">\\(a*b*c\\)</span>"),
        "{all}"
    );
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
fn a_book_shipping_out_as_a_link_elsewhere_is_not_written_through() {
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = book(&[TOML, ("src/a.md", b"# A\n")]);
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("out")).unwrap();
    let r = bindery(&["build", dir.path().to_str().unwrap()], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("is a link to a place outside the book"),
        "{}",
        r.stderr
    );
    assert!(std::fs::read_dir(elsewhere.path())
        .unwrap()
        .next()
        .is_none());
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
