//! `bindery init`: a new book that builds as it is, showing the layout bindery expects.

use std::path::{Path, PathBuf};

use crate::Error;

const BOOK_TOML: &str = r#"[book]
title = "Our Meetup Reports"
authors = ["Your Name"]
language = "en"
src = "reports"

[bindery]
subtitle = "Trip reports from our user group"
"#;

const SUMMARY: &str = "# Summary\n\n- [Our first meetup](first-meetup.md)\n";

const REPORT: &str = r#"---
date: 2024-01-20
---

# Our first meetup

Write each report as a Markdown file in `reports/` and list it in `reports/SUMMARY.md`.
Put photos in `pictures/` and refer to them from a report like this:

![A placeholder picture: a blue square](../pictures/example.png)

Run `bindery build` in this folder to get `out/book.epub`.
"#;

/// Create the files; refuses to overwrite any that exist.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let files: Vec<(PathBuf, Vec<u8>)> = vec![
        (dir.join("book.toml"), BOOK_TOML.as_bytes().to_vec()),
        (dir.join("reports/SUMMARY.md"), SUMMARY.as_bytes().to_vec()),
        (
            dir.join("reports/first-meetup.md"),
            REPORT.as_bytes().to_vec(),
        ),
        (dir.join("pictures/example.png"), example_png()),
    ];
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    let book = dir
        .canonicalize()
        .map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    for (path, _) in &files {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::Usage(format!(
                "{} already exists; bindery init does not overwrite files",
                path.display()
            )));
        }
        // A folder already there (reports/, pictures/) must not lead out of the book.
        let folder = path.parent().unwrap_or(dir);
        if folder.exists() && !folder.canonicalize().is_ok_and(|f| f.starts_with(&book)) {
            return Err(Error::Usage(format!(
                "{} leads out of {}; bindery init writes only inside the book folder",
                folder.display(),
                dir.display()
            )));
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        crate::output::write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// A small generated picture, so the new book shows how pictures work.
fn example_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 200, |x, y| {
        image::Rgb([40, (80 + y / 4) as u8, (150 + x / 8) as u8])
    });
    let mut out = Vec::new();
    let _ = image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}
