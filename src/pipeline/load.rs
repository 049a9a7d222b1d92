//! The first stage: the book read into its tree (with the command line's settings over
//! book.toml's, and the passes run), then the fonts the outputs need.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Format, Request, Run, Warm};
use crate::assets::fonts::BookFont;
use crate::book::fs::BookFs;
use crate::book::{self, Book};
use crate::config::Config;
use crate::diag::{Diagnostic, Span};
use crate::doc::passes;
use crate::doc::Document;
use crate::{pdf, Error};

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else the newest modification time of the
/// sources: never the current time, so rebuilding unchanged sources gives the same bytes.
pub(super) fn modified_time(paths: &[PathBuf]) -> Result<i64, Error> {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        return v
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::BadSourceDateEpoch(v));
    }
    let newest = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok()?.modified().ok())
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
        .unwrap_or(0);
    Ok(newest)
}

/// The book as loaded, with what the request decides about it.
pub(super) struct Loaded {
    pub config: Config,
    pub doc: Document,
    pub fs: BookFs,
    /// The text files read (book.toml, SUMMARY.md, reports, includes).
    pub files_read: Vec<PathBuf>,
    /// `--deny-warnings` or book.toml's `deny-warnings`.
    pub deny_warnings: bool,
    pub wants: Wants,
}

/// Which outputs the request makes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wants {
    pub epub: bool,
    /// The PDF or the handout (both typeset).
    pub typeset: bool,
    /// The book's PDF itself.
    pub pdf: bool,
}

/// The fonts of the outputs: the book's own for the EPUB to embed, and the PDF's font book.
pub(super) struct Fonts {
    pub epub: Vec<BookFont>,
    pub pdf: Arc<pdf::FontBook>,
}

/// Load the book, apply the command line's settings over book.toml's (an impossible page setup
/// is a usage error, found before any work is done) and run the passes over the tree. `None`:
/// the book could not be loaded (the diagnostics say why).
pub(super) fn load(req: &Request, run: &mut Run) -> Result<Option<Loaded>, Error> {
    let Some(Book {
        mut config,
        document: mut doc,
        files_read,
        fs,
    }) = book::load(
        &req.root,
        &mut run.sources,
        &mut run.diags,
        req.fetch_remote.is_some(),
    )?
    else {
        return Ok(None);
    };
    let deny_warnings = req.deny_warnings || config.bindery.deny_warnings;
    if config.bindery.fetch_remote && req.fetch_remote.is_none() {
        // Going online is the runner's decision, never the book's.
        run.diags.push(
            Diagnostic::warning(
                "book.toml asks for its remote pictures to be downloaded (fetch-remote = true); bindery goes online only when the runner says so, so they are shown as links",
            )
            .in_file(req.root.join("book.toml"))
            .code(crate::diag::Code::RemotePicture)
            .hint("build with --fetch-remote to download them"),
        );
    }
    req.pdf.apply(&mut config.bindery.pdf)?;
    if let Some(h) = &req.handout {
        if h.grayscale {
            config.bindery.handout.grayscale = true;
        }
        if let Some(l) = &h.layout {
            config.bindery.handout.layout = l.clone();
        }
        pdf::handout_geometry(&config.bindery.pdf, &config.bindery.handout)
            .map_err(Error::Usage)?;
    }
    passes::run(&mut doc, &mut run.diags);
    run.clock.lap("load");
    let wants = Wants {
        epub: matches!(req.format, Format::Epub | Format::All | Format::Kepub),
        typeset: matches!(req.format, Format::Pdf | Format::All) || req.handout.is_some(),
        pdf: matches!(req.format, Format::Pdf | Format::All),
    };
    Ok(Some(Loaded {
        config,
        doc,
        fs,
        files_read,
        deny_warnings,
        wants,
    }))
}

/// The book's font files (errors at their book.toml key) and, when something is typeset, the
/// font book made of them and the bundled faces (kept across rebuilds in `warm`).
pub(super) fn fonts(loaded: &Loaded, req: &Request, warm: Option<&Warm>, run: &mut Run) -> Fonts {
    let toml = run.sources.find(&req.root.join("book.toml"));
    let sources = &run.sources;
    let at_key = |key: &str| {
        let file = toml?;
        crate::config::key_span(sources.text(file), "bindery.fonts", key)
            .map(|r| Span::new(file, r))
    };
    let (book_fonts, font_errors) = crate::assets::fonts::read_book_fonts(
        &loaded.fs,
        &loaded.config.bindery.fonts,
        loaded.config.bindery.limits.max_font_file_mib << 20,
        &at_key,
    );
    for d in font_errors {
        run.diags.push(d);
    }
    let epub: Vec<_> = book_fonts
        .iter()
        .filter(|f| f.role.is_some())
        .cloned()
        .collect();
    // The PDF and the handout typeset with the book's fonts; an EPUB only embeds them.
    let pdf = if loaded.wants.typeset {
        let (fonts, errors) = match warm {
            Some(warm) => warm.font_book(book_fonts),
            None => pdf::font_book(book_fonts),
        };
        for (name, why) in errors {
            run.diags.push(
                Diagnostic::error(format!("{name} cannot be used as a font: {why}"))
                    .hint("replace it with a working .ttf or .otf file"),
            );
        }
        fonts
    } else {
        pdf::font_book(Vec::new()).0
    };
    Fonts { epub, pdf }
}
