//! The making stage: the EPUB and the PDF side by side from the same tree and pictures, then the
//! handout, all in memory: a problem found while typesetting (a character no font has, with
//! `--deny-warnings`) stops the build before anything is written.

use super::clock::timed;
use super::load::{Fonts, Loaded};
use super::pictures::Pictures;
use super::{Format, HandoutOptions, Progress, Request, Run, Warm};
use crate::output::Output;
use crate::{epub, pdf, Error};

/// The outputs made, not yet written.
pub(super) struct Made {
    pub outputs: Vec<Output>,
    pub notes: Vec<String>,
    /// The PDF's page count, when one was made.
    pub pdf_pages: Option<usize>,
}

pub(super) fn make(
    req: &Request,
    loaded: &Loaded,
    pictures: &Pictures,
    fonts: &Fonts,
    warm: Option<&Warm>,
    progress: &dyn Progress,
    run: &mut Run,
) -> Result<Made, Error> {
    let (config, doc) = (&loaded.config, &loaded.doc);
    let labels = crate::labels::Labels::new(&doc.meta.language, &config.bindery.labels);
    let name = &config.bindery.output_name;
    let kobo = req.format == Format::Kepub;
    let epub_options = epub::Options {
        embed_fonts: config.bindery.epub.embed_fonts,
        contents_label: labels.contents.clone(),
        book_fonts: fonts.epub.clone(),
        title_card: config.bindery.epub.auto_cover,
        certified_by: config.bindery.epub.a11y_certified_by.clone(),
        kobo,
    };
    // The PDF tells its own stages (a count of chapters, then writing); the EPUB is made
    // alongside and is the quicker of the two.
    if !loaded.wants.pdf {
        progress.stage("EPUB", None);
    }
    let sources = &run.sources;
    let ((epub, epub_time), (pdf, pdf_time)) = rayon::join(
        || {
            timed(|| {
                let memo = warm.map(|w| &w.epub);
                let make = || make_epub(loaded, pictures, &epub_options, memo);
                loaded.wants.epub.then(make).transpose()
            })
        },
        || {
            timed(|| {
                loaded
                    .wants
                    .pdf
                    .then(|| {
                        let memo = warm.map(|w| &w.pdf);
                        let settings = &config.bindery.pdf;
                        let fonts = &fonts.pdf;
                        let source = pdf::Source {
                            doc,
                            sources,
                            images: &pictures.pdf,
                        };
                        pdf::write(source, settings, fonts, &labels, memo, progress)
                    })
                    .transpose()
            })
        },
    );
    // The two are made side by side: each is timed on its own, then the stage as a whole.
    run.clock.record("epub (alongside the pdf)", epub_time);
    run.clock.record("pdf (alongside the epub)", pdf_time);
    run.clock.lap("epub and pdf");
    let mut made = Made {
        outputs: Vec::new(),
        notes: pictures.notes.clone(),
        pdf_pages: None,
    };
    if let Some((bytes, note)) = epub? {
        made.notes.extend(note);
        let file = if kobo {
            format!("{name}.kepub.epub")
        } else {
            format!("{name}.epub")
        };
        made.outputs.push(Output { name: file, bytes });
    }
    if let Some(written) = pdf? {
        made.pdf_pages = Some(written.pages);
        for &(step, took) in &written.timings {
            run.clock.record(step, took);
        }
        run.diags.extend(written.diagnostics);
        made.notes.extend(written.notes);
        made.outputs.push(Output {
            name: format!("{name}.pdf"),
            bytes: written.bytes,
        });
    }
    if let Some(h) = &req.handout {
        let bytes = handout(h, loaded, pictures, fonts, &labels, run)?;
        made.outputs.push(Output {
            name: format!("{name}-handout.pdf"),
            bytes,
        });
    }
    Ok(made)
}

/// The imposed handout of the chapters asked for (all when none are named).
fn handout(
    h: &HandoutOptions,
    loaded: &Loaded,
    pictures: &Pictures,
    fonts: &Fonts,
    labels: &crate::labels::Labels,
    run: &mut Run,
) -> Result<Vec<u8>, Error> {
    let (config, doc) = (&loaded.config, &loaded.doc);
    let part = if h.chapters.is_empty() {
        doc.clone()
    } else {
        doc.select_chapters(&h.chapters).map_err(Error::Usage)?
    };
    let request = pdf::HandoutRequest { pages: h.pages };
    let (bytes, handout_diags) = pdf::write_handout(
        &part,
        &pictures.pdf,
        &config.bindery.pdf,
        &config.bindery.handout,
        &request,
        &fonts.pdf,
        labels,
    )?;
    run.diags.extend(handout_diags);
    Ok(bytes)
}

/// The EPUB, brought under its size budget (with a note when its pictures were made smaller).
fn make_epub(
    loaded: &Loaded,
    pictures: &Pictures,
    options: &epub::Options,
    memo: Option<&epub::EpubMemo>,
) -> Result<(Vec<u8>, Option<String>), Error> {
    let doc = &loaded.doc;
    let bytes = epub::write_with_memo(doc, &pictures.epub, options, memo)?;
    let settings = &pictures.settings;
    epub::budget::fit_epub_budget(
        doc,
        bytes,
        &pictures.epub,
        settings,
        &loaded.config,
        options,
    )
}
