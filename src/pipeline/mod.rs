//! The one place that knows the order of the stages: [`build_stages`] states it, and each
//! stage has a file of its own (`load`, `pictures`, `make`, `out_folder`).

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, SourceMap};
use crate::doc::passes;
use crate::doc::Document;
use crate::{epub, pdf, Error};
use clock::Clock;
pub use out_folder::refuse_out_dir_holding_book;

mod clock;
mod load;
mod make;
mod out_folder;
mod pictures;
mod remote;

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
    /// `--fetch-remote`: download the book's http(s) pictures, reaching these addresses.
    pub fetch_remote: Option<crate::assets::remote::Reach>,
}

impl Request {
    /// Where the outputs go: `--out`, or `out/` in the book folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| self.root.join("out"))
    }
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
    pdf: pdf::PdfMemo,
    epub: epub::EpubMemo,
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

    /// What this rebuild made anew of how many, per kind of part kept.
    fn reused(&self, wants: load::Wants) -> Vec<(&'static str, usize, usize)> {
        let mut reused = Vec::new();
        if wants.pdf {
            let chapters = self.pdf.layout.len();
            reused.push((
                "chapters laid out",
                self.pdf.layout.laid_out_anew(),
                chapters,
            ));
        }
        if wants.epub {
            let files = self.epub.len();
            reused.push(("EPUB files compressed", self.epub.compressed_anew(), files));
        }
        reused
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

/// The stages, in order: load the book, read its fonts, open the output folder, make the
/// pictures, then (for a build that writes and has no errors) make the outputs in memory and
/// commit them all at once.
fn build_stages(
    req: &Request,
    progress: &dyn Progress,
    warm: Option<&Warm>,
) -> Result<Outcome, Error> {
    let mut run = Run::start();
    let Some(mut loaded) = load::load(req, &mut run)? else {
        return Ok(run.finish(req.deny_warnings, Vec::new(), Vec::new()));
    };
    let fonts = load::fonts(&loaded, req, warm, &mut run);
    let out_folder = out_folder::open(req, &loaded, progress)?;
    let remote = remote::fetch(req, &mut loaded, out_folder.as_ref(), progress, &mut run);
    let pictures = pictures::make(req, &mut loaded, out_folder.as_ref(), progress, &mut run)?;
    let deny_warnings = loaded.deny_warnings;
    if run.diags.has_errors() || !req.write {
        // `bindery check` also says what stores and readers would do badly with the EPUB.
        let kobo = matches!(req.format, Format::Kepub);
        let mut notes: Vec<String> = remote.note().into_iter().collect();
        notes.extend(crate::maths::note(&loaded.doc, kobo));
        if !run.diags.has_errors() && loaded.wants.epub {
            let auto_cover = loaded.config.bindery.epub.auto_cover;
            notes.extend(epub::delivery::notes(
                &loaded.doc,
                &pictures.epub,
                &run.sources,
                auto_cover,
            ));
        }
        return Ok(run.finish(deny_warnings, Vec::new(), notes));
    }
    let Some(out_folder) = out_folder else {
        return Ok(run.finish(deny_warnings, Vec::new(), pictures.notes));
    };
    let made = make::make(req, &loaded, &pictures, &fonts, warm, progress, &mut run)?;
    if deny_warnings {
        run.diags.deny_warnings();
    }
    if run.diags.has_errors() {
        return Ok(run.finish(false, Vec::new(), Vec::new()));
    }
    let written = out_folder::commit(&out_folder, &made.outputs)?;
    run.clock.lap("write");
    let maths = crate::maths::note(&loaded.doc, matches!(req.format, Format::Kepub));
    let notes = remote
        .note()
        .into_iter()
        .chain(maths)
        .chain(made.notes)
        .collect();
    let mut done = run.finish(false, written, notes);
    done.pdf_pages = made.pdf_pages;
    if let Some(warm) = warm {
        done.reused = warm.reused(loaded.wants);
    }
    Ok(done)
}

/// What every stage adds to: the sources read, the diagnostics, the clock.
struct Run {
    sources: SourceMap,
    diags: Diagnostics,
    clock: Clock,
}

impl Run {
    fn start() -> Run {
        Run {
            sources: SourceMap::default(),
            diags: Diagnostics::default(),
            clock: Clock::start(),
        }
    }

    /// The outcome of the run, with warnings made errors first when `deny_warnings`.
    fn finish(mut self, deny_warnings: bool, written: Vec<PathBuf>, notes: Vec<String>) -> Outcome {
        if deny_warnings {
            self.diags.deny_warnings();
        }
        let inputs = self.sources.paths().map(Path::to_path_buf).collect();
        Outcome {
            diagnostics: self.diags,
            sources: self.sources,
            written,
            notes,
            pdf_pages: None,
            timings: self.clock.laps,
            reused: Vec::new(),
            inputs,
        }
    }
}

/// A book loaded and its passes run, as every build starts: for tests and tools that drive a
/// later stage (the typesetter, the picture worker) on a real book. `None`: the book could not
/// be loaded (the diagnostics say why).
pub struct Prepared {
    pub config: crate::config::Config,
    pub document: Document,
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
}

/// [`Prepared`] for the book at `root`, exactly as a build loads it.
pub fn prepare(root: &Path) -> Result<Option<Prepared>, Error> {
    let req = Request {
        root: root.to_path_buf(),
        out_dir: None,
        format: Format::All,
        deny_warnings: false,
        write: false,
        pdf: PdfOverrides::default(),
        handout: None,
        no_cache: true,
        fetch_remote: None,
    };
    let mut run = Run::start();
    Ok(load::load(&req, &mut run)?.map(|loaded| Prepared {
        config: loaded.config,
        document: loaded.doc,
        sources: run.sources,
        diagnostics: run.diags,
    }))
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
