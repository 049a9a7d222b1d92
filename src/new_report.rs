//! `bindery new-report "Title"`: a dated report from a template, in the book's report folder,
//! listed at the end of SUMMARY.md when the book has one. The template shows the three things
//! authors most often get wrong: front matter, a described picture, a footnote.

use std::path::{Path, PathBuf};

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

/// The line that lists the report in SUMMARY.md.
pub fn summary_line(title: &str, file: &str) -> String {
    let title = title.replace('[', "\\[").replace(']', "\\]");
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

/// Write the report into `src_dir` and list it in `src_dir/SUMMARY.md` if there is one. Never
/// overwrites a report.
pub fn create(
    src_dir: &Path,
    title: &str,
    date: &str,
    authors: &[String],
) -> Result<Created, Error> {
    if title.trim().is_empty() {
        return Err(Error::Usage("the report needs a title".into()));
    }
    let name = file_name(date, title);
    let report = src_dir.join(&name);
    if report.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another title or --date",
            report.display()
        )));
    }
    let summary_path = src_dir.join("SUMMARY.md");
    // Read SUMMARY.md before writing anything, so a failure leaves the book as it was.
    let summary =
        if summary_path.is_file() {
            Some(std::fs::read_to_string(&summary_path).map_err(|e| {
                Error::Usage(format!("cannot read {}: {e}", summary_path.display()))
            })?)
        } else {
            None
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
