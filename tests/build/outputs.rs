//! Outputs: written atomically as a set, previous outputs kept on failure, the output folder
//! checked.

use crate::support::*;

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
