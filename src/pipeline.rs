//! The one place that knows the order of the stages.

use std::path::{Path, PathBuf};

use crate::assets::cache::PictureCache;
use crate::assets::images;
use crate::assets::picture::{PictureSettings, Processed};
use crate::book::{self, Book};
use crate::diag::{Diagnostic, Span};
use crate::diag::{Diagnostics, SourceMap};
use crate::doc::passes;
use crate::doc::Document;
use crate::{epub, output, pdf, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Epub,
    Pdf,
    All,
    /// The EPUB with Kobo's markup, as `NAME.kepub.epub`.
    Kepub,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub root: PathBuf,
    /// Where to write; default `<root>/out`.
    pub out_dir: Option<PathBuf>,
    pub format: Format,
    pub deny_warnings: bool,
    /// `false` for `bindery check`: everything is validated, nothing is written.
    pub write: bool,
    /// Page setup given on the command line, over book.toml's `[bindery.pdf]`.
    pub pdf: PdfOverrides,
    /// `--profile handout`: also write the imposed handout PDF.
    pub handout: Option<HandoutOptions>,
    /// `--no-cache`: make every picture from its source, and keep none.
    pub no_cache: bool,
}

#[derive(Debug, Clone, Default)]
pub struct HandoutOptions {
    pub pages: Option<(usize, usize)>,
    pub chapters: Vec<String>,
    pub grayscale: bool,
    pub layout: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PdfOverrides {
    pub page_size: Option<String>,
    pub font_size: Option<f32>,
    pub two_sided: Option<bool>,
    pub ragged_right: Option<bool>,
}

impl PdfOverrides {
    fn apply(&self, p: &mut crate::config::PdfSettings) -> Result<(), Error> {
        if let Some(v) = &self.page_size {
            p.page_size = v.clone();
        }
        if let Some(v) = self.font_size {
            p.font_size = v;
        }
        if let Some(v) = self.two_sided {
            p.two_sided = v;
        }
        if let Some(v) = self.ragged_right {
            p.ragged_right = v;
        }
        crate::config::validate_pdf(p).map_err(|(_, msg)| Error::Usage(msg))
    }
}

/// What a run did: the diagnostics (with the sources to render them) and the files written.
pub struct Outcome {
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    pub written: Vec<PathBuf>,
    pub notes: Vec<String>,
    /// The PDF's page count, when one was made.
    pub pdf_pages: Option<usize>,
    /// How long each stage took, in order (`-v` prints them).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// In a rebuild: what was made anew of how many, per kind of part kept (`-v` prints them).
    pub reused: Vec<(&'static str, usize, usize)>,
    /// Every file the build read as text (book.toml, SUMMARY.md, reports, includes of any
    /// kind): `watch` rebuilds when one of these changes.
    pub inputs: Vec<PathBuf>,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

pub use crate::progress::{Progress, Silent};

/// What a long-running process (`watch`, `serve`) keeps from one build for the next, so that
/// a rebuild after an edit redoes only what the edit touched: the font book (while the book's
/// fonts are the same), the chapters the PDF typesetter laid out and the pictures in the PDF
/// writer's form (decoded and compressed once), and the EPUB's compressed
/// files. Each part checks that what it holds still fits before it is used, so a rebuild's
/// outputs are byte for byte those of a cold build. It holds the last build's parts only.
#[derive(Default)]
pub struct Warm {
    fonts: std::sync::Mutex<Option<(u128, std::sync::Arc<pdf::FontBook>)>>,
    pdf: pdf::Memo,
    epub: epub::Memo,
}

impl Warm {
    /// The font book for `book_fonts`: the one kept when they are the same files as last time.
    fn font_book(
        &self,
        book_fonts: Vec<crate::assets::fonts::BookFont>,
    ) -> (std::sync::Arc<pdf::FontBook>, Vec<(String, String)>) {
        let mut print = crate::fingerprint::Fingerprint::new();
        for f in &book_fonts {
            print
                .bytes(f.name.as_bytes())
                .debug(&f.role)
                .bytes(&f.bytes);
        }
        let print = print.finish();
        let mut kept = self.fonts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, fonts)) = kept.as_ref().filter(|(p, _)| *p == print) {
            return (std::sync::Arc::clone(fonts), Vec::new());
        }
        let (fonts, errors) = pdf::font_book(book_fonts);
        // A font book with a broken font is made again each time, so its errors are told again.
        *kept = errors
            .is_empty()
            .then(|| (print, std::sync::Arc::clone(&fonts)));
        (fonts, errors)
    }
}

/// Load, check, process pictures, write. Stops before writing anything if the book has errors, so
/// the previous outputs stay as they were.
pub fn build(req: &Request) -> Result<Outcome, Error> {
    build_with_progress(req, &Silent)
}

/// [`build`], telling `progress` of each stage.
pub fn build_with_progress(req: &Request, progress: &dyn Progress) -> Result<Outcome, Error> {
    let result = build_stages(req, progress, None);
    // A one-off build keeps nothing for a next one.
    pdf::write::forget_unused(0);
    progress.done();
    result
}

/// [`build_with_progress`] for a long-running process: it reuses what `warm` kept from the
/// previous build and leaves this build's parts in it.
pub fn rebuild(req: &Request, progress: &dyn Progress, warm: &Warm) -> Result<Outcome, Error> {
    let result = build_stages(req, progress, Some(warm));
    // The writer's memo of pages and font subsets keeps what the last two builds used: enough
    // for the next rebuild, bounded however many rebuilds there are.
    pdf::write::forget_unused(2);
    progress.done();
    result
}

fn build_stages(
    req: &Request,
    progress: &dyn Progress,
    warm: Option<&Warm>,
) -> Result<Outcome, Error> {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut clock = Clock::start();
    let outcome = |diagnostics, sources: SourceMap, written, notes, clock: Clock| {
        let inputs = sources.paths().map(Path::to_path_buf).collect();
        Ok(Outcome {
            diagnostics,
            sources,
            written,
            notes,
            pdf_pages: None,
            timings: clock.laps,
            reused: Vec::new(),
            inputs,
        })
    };
    let Some(Book {
        mut config,
        document: mut doc,
        files_read,
        fs,
    }) = book::load(&req.root, &mut sources, &mut diags)?
    else {
        if req.deny_warnings {
            diags.deny_warnings();
        }
        return outcome(diags, sources, Vec::new(), Vec::new(), clock);
    };
    let deny_warnings = req.deny_warnings || config.bindery.deny_warnings;
    req.pdf.apply(&mut config.bindery.pdf)?;
    if let Some(h) = &req.handout {
        if h.grayscale {
            config.bindery.handout.grayscale = true;
        }
        if let Some(l) = &h.layout {
            config.bindery.handout.layout = l.clone();
        }
        // Impossible combinations are usage errors, found before any work is done.
        pdf::handout_geometry(&config.bindery.pdf, &config.bindery.handout)
            .map_err(Error::Usage)?;
    }
    passes::run(&mut doc, &mut diags);
    clock.lap("load");
    let toml = sources.find(&req.root.join("book.toml"));
    let at_key = |key: &str| {
        let file = toml?;
        crate::config::key_span(sources.text(file), "bindery.fonts", key)
            .map(|r| Span::new(file, r))
    };
    let (book_fonts, font_errors) = crate::assets::fonts::read_book_fonts(
        &fs,
        &config.bindery.fonts,
        config.bindery.limits.max_font_file_mib << 20,
        &at_key,
    );
    for d in font_errors {
        diags.push(d);
    }
    let epub_fonts: Vec<_> = book_fonts
        .iter()
        .filter(|f| f.role.is_some())
        .cloned()
        .collect();
    // The PDF and the handout typeset with the book's fonts; an EPUB only embeds them.
    let fonts = if matches!(req.format, Format::Pdf | Format::All) || req.handout.is_some() {
        let (fonts, errors) = match warm {
            Some(warm) => warm.font_book(book_fonts),
            None => pdf::font_book(book_fonts),
        };
        for (name, why) in errors {
            diags.push(
                Diagnostic::error(format!("{name} cannot be used as a font: {why}"))
                    .hint("replace it with a working .ttf or .otf file"),
            );
        }
        fonts
    } else {
        pdf::font_book(Vec::new()).0
    };
    let settings = PictureSettings {
        max_edge: config.bindery.epub.max_image_edge,
        jpeg_quality: config.bindery.epub.jpeg_quality,
        max_pixels: config.bindery.limits.max_image_pixels,
        max_memory: config.bindery.limits.max_image_memory_mib << 20,
    };
    // One decode per picture, one variant per output: the EPUB's long edge, and the PDF's print
    // resolution at the largest size a picture can be placed.
    let wants_epub = matches!(req.format, Format::Epub | Format::All | Format::Kepub);
    let wants_pdf = matches!(req.format, Format::Pdf | Format::All) || req.handout.is_some();
    let mut edges = Vec::new();
    if wants_epub || !wants_pdf {
        edges.push(config.bindery.epub.max_image_edge);
    }
    if wants_pdf {
        edges.push(pdf::print_edge(&config.bindery.pdf));
    }
    let mut processed: Vec<Processed> = Vec::with_capacity(doc.images.len());
    let mut processed_pdf: Vec<Processed> = Vec::with_capacity(doc.images.len());
    let mut failed = Vec::new();
    let mut paths: Vec<PathBuf> = files_read;
    paths.extend(doc.images.iter().map(|i| i.path.clone()));
    let out_dir = req.out_dir.clone().unwrap_or_else(|| req.root.join("out"));
    let out_dir_ok = check_out_dir(&out_dir, &req.root, &config.book.src).is_ok()
        && (req.out_dir.is_some() || check_default_out_dir(&out_dir, &fs.root).is_ok());
    // A build that writes holds its output folder open and locked from here to the end: every
    // file it writes or removes there goes through this handle, and no other build writes into
    // the folder meanwhile. A set a killed build left half-renamed is completed first.
    let out_folder = if req.write {
        check_out_dir(&out_dir, &req.root, &config.book.src)?;
        if req.out_dir.is_none() {
            check_default_out_dir(&out_dir, &fs.root)?;
        }
        let folder = crate::folder::Folder::open(&out_dir, true)
            .map_err(|e| Error::Io(out_dir.clone(), e))?;
        let locked = |wait| folder.lock(wait).map_err(|e| Error::Io(out_dir.clone(), e));
        if !locked(false)? {
            progress.waiting(&format!(
                "waiting for another bindery build writing into {} to finish",
                out_dir.display()
            ));
            locked(true)?;
        }
        output::finish_interrupted_commit(&folder);
        Some(folder)
    } else if out_dir_ok {
        // `bindery check` only reads the cache, when there is one.
        crate::folder::Folder::open(&out_dir, false).ok()
    } else {
        None
    };
    // Pictures already made for an earlier build of these outputs are read back, not decoded.
    let max_entry = (edges.len() as u64 + 1) * (config.bindery.limits.max_image_file_mib << 20);
    let cache = match out_folder.as_ref().filter(|_| !req.no_cache) {
        Some(folder) => PictureCache::in_output_folder(
            folder,
            config.bindery.cache_mib << 20,
            max_entry,
            req.write,
        ),
        None => PictureCache::off(),
    };
    if let Some(why) = cache.refused() {
        diags.push(
            Diagnostic::warning(format!("the picture cache is not used: {why}"))
                .in_file(out_dir.join(".bindery-cache"))
                .code("picture-cache")
                .hint("remove it; bindery makes its own cache folder in the output folder"),
        );
    }
    progress.stage("pictures", Some(doc.images.len() as u64));
    let results =
        images::process_all_variants(&doc.images, &settings, &edges, &cache, &|| progress.step());
    for (index, result) in results.into_iter().enumerate() {
        match result {
            Ok(mut v) => {
                for what in v.first().map(|p| p.removed.clone()).unwrap_or_default() {
                    let image = &doc.images[index];
                    diags.push(
                        Diagnostic::warning(format!("picture {}: {what}", image.rel_path))
                            .at(image.first_use)
                            .code("picture-content")
                            .hint("export the drawing with plain SVG text, or as PNG"),
                    );
                }
                let last = v.pop().expect("one variant per edge");
                processed.push(v.pop().unwrap_or_else(|| last.clone()));
                processed_pdf.push(last);
            }
            Err(d) => {
                // A damaged picture is shown as a placeholder; a limit exceeded stops the build.
                failed.push(crate::doc::ImageId(index));
                diags.push(d);
            }
        }
    }
    doc.replace_pictures(&failed);
    // The cover is shown full screen and by stores at up to 2560 pixels: it keeps more of its
    // pixels than the pictures in the text.
    if let Some(c) = doc.meta.cover.filter(|_| wants_epub) {
        let cover = PictureSettings {
            max_edge: epub::cover::HEIGHT.max(settings.max_edge),
            ..settings.clone()
        };
        let one = &doc.images[c.0..=c.0];
        if let Some(Ok(p)) = images::process_all(one, &cover, &cache).pop() {
            processed[c.0] = p;
        }
    }
    cache.trim();
    let mut cache_notes = Vec::new();
    if cache.repaired() > 0 {
        cache_notes.push(format!(
            "{} picture cache entries were damaged or not made here; the pictures were made again from their sources and the entries replaced",
            cache.repaired()
        ));
    }
    crate::memory::return_large_blocks_to_the_system();
    clock.lap("pictures");
    doc.meta.modified = modified_time(&paths)?;
    if diags.has_errors() || !req.write {
        if deny_warnings {
            diags.deny_warnings();
        }
        // `bindery check` also says what stores and readers would do badly with the EPUB.
        let notes = if diags.has_errors() || !wants_epub {
            Vec::new()
        } else {
            epub::delivery::notes(&doc, &processed, &sources, config.bindery.epub.auto_cover)
        };
        return outcome(diags, sources, Vec::new(), notes, clock);
    }
    let Some(out_folder) = out_folder else {
        return outcome(diags, sources, Vec::new(), cache_notes, clock);
    };
    // Make every output in memory first: a problem found while typesetting (a character no font
    // has, with --deny-warnings) must stop the build before anything is written.
    let mut outputs: Vec<output::Output> = Vec::new();
    let labels = crate::labels::Labels::new(&doc.meta.language, &config.bindery.labels);
    let name = &config.bindery.output_name;
    // The EPUB and the PDF read the same tree and pictures: they are made side by side.
    let make_epub = wants_epub;
    let kobo = req.format == Format::Kepub;
    let make_pdf = matches!(req.format, Format::Pdf | Format::All);
    let epub_options = epub::Options {
        embed_fonts: config.bindery.epub.embed_fonts,
        contents_label: labels.contents.clone(),
        book_fonts: epub_fonts.clone(),
        title_card: config.bindery.epub.auto_cover,
        certified_by: config.bindery.epub.a11y_certified_by.clone(),
        kobo,
    };
    // The PDF tells its own stages (a count of chapters, then writing); the EPUB is made
    // alongside and is the quicker of the two.
    if !make_pdf {
        progress.stage("EPUB", None);
    }
    let ((epub, epub_time), (pdf, pdf_time)) = rayon::join(
        || {
            timed(|| {
                make_epub
                    .then(|| {
                        let memo = warm.map(|w| &w.epub);
                        let bytes = epub::write_with_memo(&doc, &processed, &epub_options, memo)?;
                        epub::budget::fit_epub_budget(
                            &doc,
                            bytes,
                            &processed,
                            &settings,
                            &config,
                            &epub_options,
                        )
                    })
                    .transpose()
            })
        },
        || {
            timed(|| {
                make_pdf
                    .then(|| {
                        let memo = warm.map(|w| &w.pdf);
                        let pdf = &config.bindery.pdf;
                        pdf::write(&doc, &processed_pdf, pdf, &fonts, &labels, memo, progress)
                    })
                    .transpose()
            })
        },
    );
    // The two are made side by side: each is timed on its own, then the stage as a whole.
    clock.record("epub (alongside the pdf)", epub_time);
    clock.record("pdf (alongside the epub)", pdf_time);
    clock.lap("epub and pdf");
    let mut notes = cache_notes;
    if let Some((bytes, note)) = epub? {
        notes.extend(note);
        let file = if kobo {
            format!("{name}.kepub.epub")
        } else {
            format!("{name}.epub")
        };
        outputs.push(output::Output { name: file, bytes });
    }
    let mut pdf_pages = None;
    if let Some((bytes, findings)) = pdf? {
        pdf_pages = Some(findings.pages);
        for &(step, took) in &findings.timings {
            clock.record(step, took);
        }
        report_pdf_findings(
            &mut diags,
            findings,
            &doc,
            &sources,
            config.bindery.pdf.pdf_a,
        );
        outputs.push(output::Output {
            name: format!("{name}.pdf"),
            bytes,
        });
    }
    if let Some(h) = &req.handout {
        let part = if h.chapters.is_empty() {
            doc.clone()
        } else {
            doc.select_chapters(&h.chapters).map_err(Error::Usage)?
        };
        let request = pdf::HandoutRequest { pages: h.pages };
        let (bytes, handout_diags) = pdf::write_handout(
            &part,
            &processed_pdf,
            &config.bindery.pdf,
            &config.bindery.handout,
            &request,
            &fonts,
            &labels,
        )?;
        diags.extend(handout_diags);
        outputs.push(output::Output {
            name: format!("{name}-handout.pdf"),
            bytes,
        });
    }
    if deny_warnings {
        diags.deny_warnings();
    }
    if diags.has_errors() {
        return outcome(diags, sources, Vec::new(), Vec::new(), clock);
    }
    for o in &outputs {
        output::clean_stale_temporaries(&out_folder, &o.name);
    }
    let written = output::write_all_atomic(&out_folder, &outputs)?;
    clock.lap("write");
    let mut done = outcome(diags, sources, written, notes, clock)?;
    done.pdf_pages = pdf_pages;
    if let Some(warm) = warm {
        if make_pdf {
            let chapters = warm.pdf.layout.len();
            done.reused.push((
                "chapters laid out",
                warm.pdf.layout.laid_out_anew(),
                chapters,
            ));
        }
        if make_epub {
            let files = warm.epub.len();
            done.reused
                .push(("EPUB files compressed", warm.epub.compressed_anew(), files));
        }
    }
    Ok(done)
}

/// `f`'s value and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, std::time::Duration) {
    let start = std::time::Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Stage times for `-v`: each lap is the time since the previous one.
struct Clock {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// A stage timed elsewhere (a side of a parallel pair), which does not end a lap.
    fn record(&mut self, stage: &'static str, took: std::time::Duration) {
        self.laps.push((stage, took));
    }
}

/// What typesetting found that the author should know: characters no font has, and why the PDF
/// could not claim its standard.
fn report_pdf_findings(
    diags: &mut Diagnostics,
    findings: pdf::Findings,
    doc: &Document,
    sources: &SourceMap,
    pdf_a: bool,
) {
    for (chapter, c) in findings.missing {
        diags.push(missing_glyph(doc, sources, chapter, c));
    }
    for finding in findings.layout {
        diags.push(
            Diagnostic::warning(format!("layout check: {finding}"))
                .code("layout-check")
                .hint("this is a bug in bindery, not in the book; please report it with the book"),
        );
    }
    if let Some(why) = findings.not_conforming {
        let standard = if pdf_a { "PDF/A-2b" } else { "PDF/UA-1" };
        diags.push(
            Diagnostic::warning(format!("the PDF does not conform to {standard}: {why}"))
                .code("pdf-standard")
                .hint("the PDF is still written and tagged; fix the reasons above to get a conforming file"),
        );
    }
}

/// A character no font has: a warning at its first place in the chapter's source.
fn missing_glyph(doc: &Document, sources: &SourceMap, chapter: usize, c: char) -> Diagnostic {
    let file = doc.chapters[chapter].file;
    let at = sources.text(file).find(c).unwrap_or(0);
    Diagnostic::warning(format!(
        "no font has the character {c:?} (U+{:04X}); it is drawn as an empty box in the PDF",
        c as u32
    ))
    .code("missing-glyph")
    .at(Span::new(file, at..at + c.len_utf8()))
    .hint("add a font that has it to the book's fonts/ folder, or replace the character")
}

/// The output folder must not be the source folder itself.
fn check_out_dir(out_dir: &Path, root: &Path, src: &str) -> Result<(), Error> {
    let abs =
        |p: &Path| crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p));
    let out = abs(out_dir);
    let src_dir = abs(&root.join(src));
    // Equal, not inside: a subfolder such as the default `out/` is skipped when reports are
    // collected, but outputs written among the reports would be mixed with the sources.
    if out == src_dir {
        return Err(Error::Usage(format!(
            "the output folder {} is the source folder {}; choose another with --out",
            out_dir.display(),
            root.join(src).display()
        )));
    }
    refuse_out_dir_holding_book(out_dir, root)
}

/// The book folder itself, or a folder above it, as the output folder: the outputs would be
/// among the book's files (and `watch` would see its own writes as edits). Refused.
pub fn refuse_out_dir_holding_book(out_dir: &Path, root: &Path) -> Result<(), Error> {
    let abs =
        |p: &Path| crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p));
    let out = abs(out_dir);
    let book = abs(root);
    let real = |p: &Path| p.canonicalize().ok();
    let holds_book = book.starts_with(&out)
        || real(&out)
            .zip(real(&book))
            .is_some_and(|(o, b)| b.starts_with(o));
    if holds_book {
        return Err(Error::Usage(format!(
            "the output folder {} is the book folder or holds it; choose a folder inside the book (the default out/) or outside it with --out",
            out_dir.display()
        )));
    }
    Ok(())
}

/// The default `out/` belongs to the book: a book that ships `out` as a symlink to somewhere
/// else must not make bindery write there.
fn check_default_out_dir(out_dir: &Path, book_root: &Path) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(out_dir) else {
        return Ok(()); // not there yet: it is created as a folder
    };
    let leads_out = meta.file_type().is_symlink()
        && !out_dir
            .canonicalize()
            .is_ok_and(|target| target.starts_with(book_root));
    if leads_out {
        return Err(Error::Usage(format!(
            "the output folder {} is a link to a place outside the book; bindery does not write through it",
            out_dir.display()
        )));
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else the newest modification time of the
/// sources: never the current time, so rebuilding unchanged sources gives the same bytes.
fn modified_time(paths: &[PathBuf]) -> Result<i64, Error> {
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

/// A one-chapter book from Markdown text, with no files behind it: for fuzz targets and property
/// tests that drive the tree, the EPUB writer and the typesetter directly. Pictures are not read.
pub fn book_from_markdown(text: &str) -> crate::doc::Document {
    use crate::book::markdown::{self, ImageRef, Resolver};
    use crate::doc::{Chapter, ChapterKind, Document, Metadata, TocItem};
    struct NoPictures;
    impl Resolver for NoPictures {
        fn image(
            &mut self,
            _dest: &str,
            _span: crate::diag::Span,
            _d: &mut Diagnostics,
        ) -> ImageRef {
            ImageRef::Unusable
        }
    }
    let mut sources = SourceMap::default();
    let file = sources.add(Path::new("report.md"), "report.md".into(), text.to_string());
    let mut diags = Diagnostics::default();
    let parsed = markdown::parse(text, file, 0, 64, &mut NoPictures, &mut diags);
    let chapter = Chapter {
        title: "Report".into(),
        number: Some(vec![1]),
        kind: ChapterKind::Numbered,
        depth: 0,
        lang: None,
        authors: Vec::new(),
        date: None,
        description: None,
        source_path: "report.md".into(),
        file,
        needs_title_heading: true,
        blocks: parsed.blocks,
        footnotes: parsed.footnotes,
    };
    let mut doc = Document {
        meta: Metadata {
            title: "Book".into(),
            language: "en".into(),
            identifier: "urn:uuid:0".into(),
            ..Default::default()
        },
        chapters: vec![chapter],
        toc: vec![TocItem::Entry {
            title: "Report".into(),
            chapter: Some(0),
            children: Vec::new(),
        }],
        images: Vec::new(),
    };
    passes::run(&mut doc, &mut diags);
    doc
}
