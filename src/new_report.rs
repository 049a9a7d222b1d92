//! `bindery new-report "Title"`: a dated report from a template, in the book's report folder,
//! listed at the end of SUMMARY.md when the book has one. The template shows the three things
//! authors most often get wrong: front matter, a described picture, a footnote.

use std::path::{Path, PathBuf};

use crate::book::fs::BookFs;
use crate::Error;

/// What `new-report` wrote.
pub struct Created {
    pub report: PathBuf,
    /// SUMMARY.md, when the report was added to it.
    pub summary: Option<PathBuf>,
}

/// The report's file name: `2026-11-27-gap-mat-cong-dong.md` (date, then the title in ASCII).
pub fn file_name(date: &str, title: &str) -> String {
    let slug = crate::text::slug(title);
    let ascii = crate::text::xml_id(&slug).to_ascii_lowercase();
    let ascii = ascii.strip_prefix("id-").unwrap_or(&ascii);
    let mut stem: String = ascii
        .split(['-', '.', '_'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(60)
        .collect();
    stem = stem.trim_end_matches('-').to_string();
    if stem.is_empty() {
        stem = "report".into();
    }
    format!("{date}-{stem}.md")
}

/// The report's text.
pub fn template(title: &str, date: &str, authors: &[String]) -> String {
    let mut front = format!("---\ndate: {date}\n");
    if !authors.is_empty() {
        front.push_str("authors:\n");
        for a in authors {
            front.push_str(&format!("  - {}\n", yaml_quoted(a)));
        }
    }
    front.push_str("---\n\n");
    format!(
        "{front}# {title}\n\n\
         Write what happened, for the members who could not come.\n\n\
         Photos go in the book's `pictures/` folder. Describe each one for readers who cannot see\n\
         it; the description is read aloud and shown when the picture cannot be. Remove the\n\
         comment marks around this example and name your photo:\n\n\
         <!-- ![Speakers answering questions on the main stage](../pictures/your-photo.jpg) -->\n\n\
         A fact worth a source gets a footnote.[^source]\n\n\
         [^source]: Where it comes from: a talk, a page, a person.\n"
    )
}

fn yaml_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The line that lists the report in SUMMARY.md (a backslash or bracket in the title is
/// escaped, so the line is one link, as the build reads it).
pub fn summary_line(title: &str, file: &str) -> String {
    let title = title
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]");
    format!("- [{title}]({file})\n")
}

/// SUMMARY.md with `line` added after its last entry (or at its end).
pub fn add_to_summary(summary: &str, line: &str) -> String {
    let mut out = summary.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(line);
    out
}

/// Write the report into the report folder of the book at `root` (book.toml's `src`, else
/// `src/` when there is one, else the folder itself, as `build` reads it) and list it in its
/// SUMMARY.md if there is one. Everything is read through the gate the build uses
/// ([`BookFs`]), and nothing is written outside the book folder or through a link.
pub fn create_in_book(
    root: &Path,
    title: &str,
    date: &str,
    authors: &[String],
) -> Result<Created, Error> {
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", root.display())));
    }
    let default_limit = crate::config::Limits::default().max_report_file_mib << 20;
    let fs = BookFs::new(root, default_limit).map_err(|e| Error::Io(root.to_path_buf(), e))?;
    let toml = root.join("book.toml");
    let src = if std::fs::symlink_metadata(&toml).is_ok() {
        let text = fs
            .resolve(root, "book.toml")
            .and_then(|p| fs.read_text(&p))
            .map_err(|d| Error::Usage(format!("book.toml cannot be read: {}", d.message)))?;
        let mut sources = crate::diag::SourceMap::default();
        let file = sources.add(&toml, "book.toml".into(), text.clone());
        let config = crate::config::parse(&text, file)
            .map_err(|d| Error::Usage(format!("book.toml cannot be read: {}", d.message)))?;
        config.book.src
    } else {
        crate::book::reports_folder_without_config(root).to_string()
    };
    let src_dir = report_folder(&fs, &src)?;
    create(&fs, &src_dir, title, date, authors)
}

/// The report folder `src` (as book.toml names it), created if missing, refused when it is
/// absolute or leads out of the book by `..` or through a link.
fn report_folder(fs: &BookFs, src: &str) -> Result<PathBuf, Error> {
    let outside = || {
        Error::Usage(format!(
            "the report folder {src:?} (book.toml's src) is outside the book folder {}; new-report writes only inside it",
            fs.root_display.display()
        ))
    };
    if Path::new(src).is_absolute() {
        return Err(outside());
    }
    let wanted = crate::book::fs::normalize(&fs.root.join(src));
    if !wanted.starts_with(&fs.root) {
        return Err(outside());
    }
    // The part that exists must be inside the book once its links are followed, before any
    // folder is made below it.
    let mut existing = wanted.as_path();
    while std::fs::symlink_metadata(existing).is_err() {
        existing = existing.parent().ok_or_else(outside)?;
    }
    let inside = |p: &Path| p.canonicalize().is_ok_and(|c| c.starts_with(&fs.root));
    if !inside(existing) {
        return Err(outside());
    }
    std::fs::create_dir_all(&wanted).map_err(|e| Error::Io(wanted.clone(), e))?;
    if !inside(&wanted) {
        return Err(outside());
    }
    Ok(wanted)
}

/// A name or title must be one line of text: a line break or control character would write a
/// SUMMARY.md line or front matter that the build reads differently.
fn one_line(what: &str, text: &str) -> Result<(), Error> {
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(Error::Usage(format!(
            "the {what} {text:?} holds the control character U+{:04X}; write it on one line",
            c as u32
        ))),
        None => Ok(()),
    }
}

/// Write the report into `src_dir` (inside the book of `fs`) and list it in its SUMMARY.md if
/// there is one. Never overwrites a report, never writes through a link.
fn create(
    fs: &BookFs,
    src_dir: &Path,
    title: &str,
    date: &str,
    authors: &[String],
) -> Result<Created, Error> {
    if title.trim().is_empty() {
        return Err(Error::Usage("the report needs a title".into()));
    }
    one_line("title", title)?;
    for a in authors {
        one_line("author", a)?;
    }
    if !(date.len() == 10 && crate::config::is_w3c_date(date)) {
        return Err(Error::Usage(format!(
            "{date:?} is not a date of the calendar like 2026-11-27"
        )));
    }
    let name = file_name(date, title);
    let report = src_dir.join(&name);
    if std::fs::symlink_metadata(&report).is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another title or --date",
            report.display()
        )));
    }
    let summary_path = src_dir.join("SUMMARY.md");
    // Read SUMMARY.md before writing anything, so a failure leaves the book as it was; read as
    // the build reads it (inside the book, a regular file, within the size limit), and never
    // written through a link.
    let summary = match std::fs::symlink_metadata(&summary_path) {
        Err(_) => None,
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::Usage(format!(
            "{} is a link; new-report does not write through links: list the report in it by hand",
            summary_path.display()
        )))
        }
        Ok(_) => Some(
            fs.resolve(src_dir, "SUMMARY.md")
                .and_then(|p| fs.read_text(&p))
                .map_err(|d| Error::Usage(format!("{}: {}", summary_path.display(), d.message)))?,
        ),
    };
    crate::output::write_atomic(&report, template(title.trim(), date, authors).as_bytes())?;
    let summary = match summary {
        Some(text) => {
            let updated = add_to_summary(&text, &summary_line(title.trim(), &name));
            crate::output::write_atomic(&summary_path, updated.as_bytes())?;
            Some(summary_path)
        }
        None => None,
    };
    Ok(Created { report, summary })
}

/// Today's date (UTC) as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH` when it is set.
pub fn today() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d, ..) = crate::epub::civil_from_epoch(epoch);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_dated_and_ascii() {
        assert_eq!(
            file_name("2026-11-27", "Gặp mặt cộng đồng tại Hà Nội!"),
            "2026-11-27-gap-mat-cong-dong-tai-ha-noi.md"
        );
        assert_eq!(file_name("2026-11-27", "???"), "2026-11-27-report.md");
        assert_eq!(
            file_name("2026-11-27", "2024 Summit"),
            "2026-11-27-2024-summit.md"
        );
    }

    #[test]
    fn the_summary_gets_one_line_at_its_end() {
        assert_eq!(
            add_to_summary("# Summary\n\n- [A](a.md)", &summary_line("B [x]", "b.md")),
            "# Summary\n\n- [A](a.md)\n- [B \\[x\\]](b.md)\n"
        );
    }
}
