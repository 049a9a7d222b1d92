//! The reporting of a run: diagnostics as text or JSON lines, the summary line, the exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::args::MessageFormat;
use crate::diag::{Paint, Severity};
use crate::pipeline::{self, Request};

/// How much a run says on standard error, and in which colours.
#[derive(Debug, Clone, Copy)]
pub(super) struct Voice {
    /// Only errors and warnings.
    pub(super) quiet: bool,
    /// Also the time of each stage.
    pub(super) verbose: bool,
    pub(super) paint: Paint,
}

pub(super) fn run(
    req: &Request,
    voice: Voice,
    format: MessageFormat,
    stderr: &mut impl Write,
) -> ExitCode {
    run_and_list(req, voice, format, stderr, None).0
}

/// A run, with the files it wrote; `warm` holds what the previous build of a long-running
/// process kept.
pub(super) fn run_and_list(
    req: &Request,
    voice: Voice,
    format: MessageFormat,
    stderr: &mut impl Write,
    warm: Option<&pipeline::Warm>,
) -> (ExitCode, crate::watch::BuildFiles) {
    let paint = voice.paint;
    let started = std::time::Instant::now();
    let bars = (!voice.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .then(crate::progress::Bars::new);
    if format == MessageFormat::Json {
        return run_json(req, warm);
    }
    let progress: &dyn pipeline::Progress = match &bars {
        Some(bars) => bars,
        None => &pipeline::Silent,
    };
    let built = match warm {
        Some(warm) => pipeline::rebuild(req, progress, warm),
        None => pipeline::build_with_progress(req, progress),
    };
    match built {
        Err(e) => {
            let _ = writeln!(stderr, "{}: {e}", paint.error("error"));
            (ExitCode::from(2), crate::watch::BuildFiles::default())
        }
        Ok(outcome) => {
            let inputs = outcome.inputs.clone();
            let rendered = if voice.verbose {
                outcome.diagnostics.render_styled(&outcome.sources, paint)
            } else {
                let most = crate::diag::SHOWN_PER_KIND;
                outcome
                    .diagnostics
                    .render_limited(&outcome.sources, paint, most)
            };
            let _ = write!(stderr, "{rendered}");
            let (errors, warnings) = (
                outcome.diagnostics.error_count(),
                outcome.diagnostics.warning_count(),
            );
            if outcome.failed() {
                let kinds = kinds(&outcome.diagnostics, Severity::Error);
                let _ = writeln!(
                    stderr,
                    "bindery: {errors} error(s){kinds}, {warnings} warning(s); nothing was written"
                );
                let built = crate::watch::BuildFiles {
                    written: Vec::new(),
                    inputs,
                };
                return (ExitCode::from(1), built);
            }
            if !voice.quiet {
                for n in &outcome.notes {
                    let _ = writeln!(stderr, "{}: {n}", paint.note("note"));
                }
                if voice.verbose {
                    for (stage, took) in &outcome.timings {
                        let _ = writeln!(stderr, "  {stage:<26} {:>8.3} s", took.as_secs_f64());
                    }
                    for (what, anew, of) in &outcome.reused {
                        let kept = of - anew;
                        let _ = writeln!(stderr, "  {what}: {anew} of {of} ({kept} kept)");
                    }
                }
                if !outcome.written.is_empty() {
                    let _ = writeln!(
                        stderr,
                        "{}",
                        summary_line(&outcome.written, outcome.pdf_pages, started.elapsed())
                    );
                }
                let kinds = kinds(&outcome.diagnostics, Severity::Warning);
                if !req.write {
                    let _ = writeln!(
                        stderr,
                        "bindery: the book is fine ({warnings} warning(s){kinds})"
                    );
                } else if warnings > 0 {
                    let _ = writeln!(stderr, "bindery: {warnings} warning(s){kinds}");
                }
            }
            let built = crate::watch::BuildFiles {
                written: outcome.written,
                inputs,
            };
            (ExitCode::SUCCESS, built)
        }
    }
}

/// `wrote out/book.epub (2.1 MiB), out/book.pdf (1.6 MiB, 42 pages) in 1.74 s`.
pub(super) fn summary_line(
    written: &[PathBuf],
    pdf_pages: Option<usize>,
    took: std::time::Duration,
) -> String {
    let files: Vec<String> = written
        .iter()
        .map(|path| {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let size = if size >= 1 << 20 {
                format!("{:.1} MiB", size as f64 / (1 << 20) as f64)
            } else {
                format!("{} KiB", size.div_ceil(1024))
            };
            let name = path.to_string_lossy();
            let is_book_pdf = name.ends_with(".pdf") && !name.ends_with("-handout.pdf");
            match pdf_pages.filter(|_| is_book_pdf) {
                Some(pages) => format!("{} ({size}, {pages} pages)", path.display()),
                None => format!("{} ({size})", path.display()),
            }
        })
        .collect();
    // Tenths are enough for a long build; a rebuild in watch takes a fraction of a second.
    let secs = took.as_secs_f64();
    let took = if secs < 10.0 {
        format!("{secs:.2}")
    } else {
        format!("{secs:.1}")
    };
    format!("wrote {} in {took} s", files.join(", "))
}

/// A run for editors and CI: everything on standard output, as JSON lines (the exit code is the
/// same as a human run's).
pub(super) fn run_json(
    req: &Request,
    warm: Option<&pipeline::Warm>,
) -> (ExitCode, crate::watch::BuildFiles) {
    let mut stdout = std::io::stdout().lock();
    let built = match warm {
        Some(warm) => pipeline::rebuild(req, &pipeline::Silent, warm),
        None => pipeline::build(req),
    };
    let (code, built, text) = match built {
        Err(e) => {
            let message = e.to_string();
            let line = crate::diag::json_summary("usage", (0, 0), &[], &[], Some(&message));
            (2, crate::watch::BuildFiles::default(), line)
        }
        Ok(outcome) => {
            let d = &outcome.diagnostics;
            let mut text = d.to_json_lines(&outcome.sources);
            let status = if outcome.failed() { "failed" } else { "ok" };
            text.push_str(&crate::diag::json_summary(
                status,
                (d.error_count(), d.warning_count()),
                &outcome.written,
                &outcome.notes,
                None,
            ));
            let failed = outcome.failed();
            let built = crate::watch::BuildFiles {
                written: if failed { Vec::new() } else { outcome.written },
                inputs: outcome.inputs,
            };
            (if failed { 1 } else { 0 }, built, text)
        }
    };
    // A closed or full standard output loses the report: that is an exit code too.
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write to standard output: {e}"
        );
        return (ExitCode::from(2), built);
    }
    (ExitCode::from(code), built)
}

/// ` (12 broken-anchor, 3 missing-include)`: the counts by kind, for the last line.
pub(super) fn kinds(diagnostics: &crate::diag::Diagnostics, severity: Severity) -> String {
    let counts = diagnostics.counts_by_kind(severity);
    if counts.is_empty() {
        return String::new();
    }
    let list: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(": {}", list.join(", "))
}
