//! What the tests share: running the binary, fixture books written to a temporary folder,
//! reading EPUBs back, typesetting a book to its page model.

pub use std::io::Read;
pub use std::path::{Path, PathBuf};
pub use std::process::Command;

pub const EPOCH: &str = "1700000000";

pub struct Run {
    pub code: i32,
    pub stderr: String,
    pub epub: Option<PathBuf>,
}

pub fn bindery(args: &[&str], envs: &[(&str, &str)]) -> Run {
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
pub fn build(dir: &Path) -> (Run, tempfile::TempDir) {
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
pub fn build_with(dir: &Path, extra: &[&str]) -> (Run, tempfile::TempDir) {
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

pub fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/books")
        .join(name)
}

pub fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
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

pub fn entry(files: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, b) = files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(b.clone()).unwrap()
}

pub fn built(name: &str) -> Vec<(String, Vec<u8>)> {
    let (run, _out) = build(&golden(name));
    assert_eq!(run.code, 0, "{name} failed:\n{}", run.stderr);
    read_zip(run.epub.as_ref().unwrap())
}

/// Write a book from (path, bytes) pairs into a temporary folder.
/// A fixture book, built up and then written to a temporary folder:
/// `TestBook::new().chapters(3, |i| format!("# C{i}")).write()`. It starts with a book.toml
/// (title "T", sources in `src/`).
pub struct TestBook {
    files: Vec<(String, Vec<u8>)>,
}

impl TestBook {
    pub fn new() -> TestBook {
        TestBook {
            files: vec![(TOML.0.to_string(), TOML.1.to_vec())],
        }
    }

    /// Add (or replace) a file, by its path in the book.
    pub fn file(mut self, path: &str, bytes: impl AsRef<[u8]>) -> TestBook {
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.to_string(), bytes.as_ref().to_vec()));
        self
    }

    /// `n` chapters `src/c0.md` … with the text `text(i)`, listed in `src/SUMMARY.md`.
    pub fn chapters(mut self, n: usize, text: impl Fn(usize) -> String) -> TestBook {
        let mut summary = String::from("# Summary\n\n");
        for i in 0..n {
            summary.push_str(&format!("- [Chapter {i}](c{i}.md)\n"));
            self = self.file(&format!("src/c{i}.md"), text(i));
        }
        self.file("src/SUMMARY.md", summary)
    }

    pub fn write(self) -> tempfile::TempDir {
        let files: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        book(&files)
    }
}

/// Write `files` (path in the book, contents) to a temporary folder.
pub fn book(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

pub fn fails_with(files: &[(&str, &[u8])], expected: &[&str]) -> String {
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

pub const TOML: (&str, &[u8]) = ("book.toml", b"[book]\ntitle = \"T\"\n");

/// A defect in the book's own content: the build succeeds (exit 0) with each expected warning,
/// and fails (exit 1, nothing written) with `--deny-warnings`. Returns the warnings and the
/// built chapters' XHTML, joined.
pub fn warns_with(files: &[(&str, &[u8])], expected: &[&str]) -> (String, String) {
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

pub fn picture_book(name: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
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

pub fn fails_with_owned(files: Vec<(String, Vec<u8>)>, expected: &[&str]) -> String {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    fails_with(&refs, expected)
}

pub fn warns_with_owned(files: Vec<(String, Vec<u8>)>, expected: &[&str]) -> (String, String) {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    warns_with(&refs, expected)
}

pub fn crc32(data: &[u8]) -> u32 {
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

/// Load, run the passes, process pictures and typeset, as the pipeline does; returns the page model.
pub fn typeset(
    dir: &Path,
    settings: &bindery::config::PdfSettings,
) -> bindery::pdf::model::TypesetBook {
    let doc = bindery::pipeline::prepare(dir)
        .unwrap()
        .expect("book loads")
        .document;
    let image_settings = bindery::assets::picture::PictureSettings {
        max_edge: 1600,
        jpeg_quality: 85,
        max_pixels: 100_000_000,
        max_memory: 1 << 30,
    };
    let sizes: Vec<_> = bindery::assets::images::process_all(
        &doc.images,
        &image_settings,
        &bindery::assets::cache::PictureCache::off(),
    )
    .into_iter()
    .map(|r| {
        r.map(|p| bindery::pdf::pixel_sizes(std::slice::from_ref(&p))[0])
            .unwrap_or_default()
    })
    .collect();
    bindery::pdf::layout::typeset(&doc, &layout_settings(settings), &sizes).0
}

/// Layout settings typeset with the bundled faces and the system's.
pub fn layout_settings(s: &bindery::config::PdfSettings) -> bindery::pdf::layout::TypesetSettings {
    let fonts = std::sync::Arc::new(bindery::pdf::FontBook::bundled());
    bindery::pdf::layout_settings(s, fonts)
}

/// Every drawn thing stays inside the page's text area (headers and numbers in the margins aside).
pub fn assert_inside_text_area(
    book: &bindery::pdf::model::TypesetBook,
    s: &bindery::config::PdfSettings,
) {
    use bindery::pdf::model::PageItem;
    let l = layout_settings(s);
    for (i, page) in book.pages.iter().enumerate() {
        let left = l.inner.min(l.outer) - 0.5;
        let right = l.width - l.inner.min(l.outer) + 0.5;
        for item in &page.items {
            let (x0, x1, y1) = match item {
                PageItem::Text {
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
                PageItem::Image { x, y, w, h, .. } => (*x, x + w, y + h),
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

pub fn build_pdf(dir: &Path) -> (Run, tempfile::TempDir) {
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

pub fn handout(dir: &Path, extra: &[&str]) -> (Run, tempfile::TempDir) {
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

/// What a hostile book must do: build (exit 0) or fail with a diagnostic (exit 1); never panic,
/// never leave a half-written output.
pub fn survives(name: &str, files: &[(&str, Vec<u8>)], expect_ok: Option<bool>, expect_text: &str) {
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

/// A small PNG file that claims `side` x `side` pixels: a real header, a tiny IDAT (a zlib
/// stored block) and IEND, as in a decompression bomb (small file, huge canvas).
pub fn png_bomb(side: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let idat = &b"\x78\x01\x01\x01\x00\xfe\xff\x00\x00\x01\x00\x01"[..];
    for (kind, data) in [
        (&b"IHDR"[..], &ihdr[4..]),
        (b"IDAT", idat),
        (b"IEND", &b""[..]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

pub fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// `bindery check DIR --message-format json`: its standard output.
pub fn check_json(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["check", dir.to_str().unwrap(), "--message-format", "json"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Copy the parts of the bundled book a build reads into a new folder.
pub fn copy_bundled_book() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("book.toml"), copy.path().join("book.toml")).unwrap();
    for folder in ["book", "pictures", "fonts"] {
        std::fs::create_dir(copy.path().join(folder)).unwrap();
        for file in std::fs::read_dir(root.join(folder)).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(
                &file,
                copy.path().join(folder).join(file.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    copy
}

/// A child process (a watcher, a server) that is killed and waited for when the test ends,
/// whether it passes or fails.
pub struct Reap(pub std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The pictures of the book in `dir`, made as a build makes them (EPUB size, no cache): the
/// same pictures the PDF is given.
pub fn made_pictures(
    dir: &Path,
) -> Vec<Result<bindery::assets::picture::Processed, bindery::diag::Diagnostic>> {
    let doc = bindery::pipeline::prepare(dir)
        .unwrap()
        .expect("book loads")
        .document;
    let settings = bindery::assets::picture::PictureSettings {
        max_edge: 1600,
        jpeg_quality: 85,
        max_pixels: 100_000_000,
        max_memory: 1 << 30,
    };
    bindery::assets::images::process_all(
        &doc.images,
        &settings,
        &bindery::assets::cache::PictureCache::off(),
    )
}
