//! The command line (clap lives here only): parse arguments, run the pipeline, print diagnostics,
//! map the outcome to an exit code: 0 ok, 1 the book has errors, 2 usage or environment.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Paint, Severity};
use crate::pipeline::{self, Format, HandoutOptions, PdfOverrides, Request};

#[derive(Debug, Parser)]
#[command(
    name = "bindery",
    version,
    about = "Turn a folder of Markdown reports and photos into an EPUB 3 (and a PDF)",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colours in messages: `auto` (on a terminal, unless NO_COLOR is set), `always`, `never`.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether standard error gets colours: `auto` follows https://no-color.org and the terminal.
    fn paint(self) -> Paint {
        use std::io::IsTerminal;
        Paint::colored(match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stderr().is_terminal()
            }
        })
    }
}

/// How much a run says on standard error, and in which colours.
#[derive(Debug, Clone, Copy)]
struct Voice {
    /// Only errors and warnings.
    quiet: bool,
    /// Also the time of each stage.
    verbose: bool,
    paint: Paint,
}

const EXAMPLES: &str = "Examples:
  bindery build                          build ./out/book.epub and ./out/book.pdf
  bindery build trip-reports --format epub
  bindery build --format kepub           out/book.kepub.epub for Kobo readers
  bindery build --profile handout        also out/book-handout.pdf, to print and fold
  bindery check --deny-warnings          validate for CI; notes delivery risks per store
  bindery new-report \"Hanoi meetup\"      a dated report, added to SUMMARY.md
  bindery completions bash > ~/.local/share/bash-completion/completions/bindery";

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the book's outputs into DIR/out (or --out).
    Build {
        #[command(flatten)]
        book: BookArgs,
        /// `json`: diagnostics as one JSON object per line on standard output, then a summary.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
        /// PDF page size: a4, a5, letter, half-letter (over book.toml's [bindery.pdf] page-size).
        #[arg(long)]
        page_size: Option<String>,
        /// PDF body text size in points.
        #[arg(long)]
        font_size: Option<f32>,
        /// PDF with mirrored margins and chapters on right-hand pages.
        #[arg(long, overrides_with = "one_sided")]
        two_sided: bool,
        /// PDF with the same margins on every page.
        #[arg(long, overrides_with = "two_sided")]
        one_sided: bool,
        /// PDF paragraphs set ragged-right instead of justified.
        #[arg(long)]
        ragged_right: bool,
        /// `handout`: also write NAME-handout.pdf, imposed for printing ([bindery.handout]).
        #[arg(long, value_parser = ["handout"])]
        profile: Option<String>,
        /// Handout: only these pages of the handout, e.g. 3-10.
        #[arg(long, value_parser = parse_range)]
        pages: Option<(usize, usize)>,
        /// Handout: only these chapters (file names, comma-separated).
        #[arg(long, value_delimiter = ',')]
        chapters: Vec<String>,
        /// Handout: grey photos and text for black-and-white printers.
        #[arg(long)]
        grayscale: bool,
        /// Handout: booklet, 2-up or 4-up.
        #[arg(long)]
        layout: Option<String>,
    },
    /// Build, then build again after every change to the book's files, until Ctrl-C. A failing
    /// edit prints its diagnostics and keeps the previous outputs.
    Watch {
        #[command(flatten)]
        book: BookArgs,
        /// `json`: each build's diagnostics and summary as JSON lines on standard output.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Watch, and preview the book on 127.0.0.1: its chapters as the EPUB has them, the PDF, and
    /// a failed build's diagnostics; the open page reloads after each build.
    Serve {
        /// The port on 127.0.0.1 (0: any free port).
        #[arg(long, short, default_value_t = 3000)]
        port: u16,
        /// Open the preview in the desktop's browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        book: BookArgs,
    },
    /// Load and validate the book, pictures included; write nothing.
    Check {
        dir: Option<PathBuf>,
        #[arg(long)]
        deny_warnings: bool,
        /// `json`: diagnostics as one JSON object per line on standard output, then a summary.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Create a new book that builds: book.toml, a first report and a picture.
    Init {
        /// Where to create it (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Start a report: a dated file from a template (front matter, a described picture, a
    /// footnote) in the book's report folder, listed at the end of SUMMARY.md if it has one.
    NewReport {
        /// The report's title.
        title: String,
        /// The book folder (default: the current folder).
        #[arg(long)]
        book: Option<PathBuf>,
        /// The report's date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<String>,
        /// An author of the report (repeat for several).
        #[arg(long = "author")]
        authors: Vec<String>,
    },
    /// Print a completion script for a shell to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `bindery manpage > bindery.1`.
    Manpage,
}

/// What `build`, `watch` and `serve` share: the book, its outputs, and how much is printed.
#[derive(Debug, clap::Args)]
struct BookArgs {
    /// The book folder (with book.toml, or a folder of reports). Default: the current folder.
    dir: Option<PathBuf>,
    /// Which outputs to write (`serve` shows the EPUB: all, epub or kepub).
    #[arg(long, value_enum, default_value_t = FormatArg::All)]
    format: FormatArg,
    /// Folder for the outputs.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Print only errors and warnings.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took.
    #[arg(long, short)]
    verbose: bool,
    /// Make every picture from its source, ignoring and not filling the picture cache
    /// (OUT/.bindery-cache).
    #[arg(long)]
    no_cache: bool,
}

impl BookArgs {
    /// A build that writes, with the page setup of book.toml.
    fn request(self) -> (Request, Voice) {
        let voice = Voice {
            quiet: self.quiet,
            verbose: self.verbose,
            paint: Paint::plain(),
        };
        let request = Request {
            root: self.dir.unwrap_or_else(|| PathBuf::from(".")),
            out_dir: self.out,
            format: self.format.into(),
            deny_warnings: self.deny_warnings,
            write: true,
            pdf: PdfOverrides::default(),
            handout: None,
            no_cache: self.no_cache,
        };
        (request, voice)
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Epub => Format::Epub,
            FormatArg::Pdf => Format::Pdf,
            FormatArg::All => Format::All,
            FormatArg::Kepub => Format::Kepub,
        }
    }
}

/// `2026-11-27`: four digits, two, two, a real month and day.
fn parse_date(s: &str) -> Result<String, String> {
    // A day of the calendar: 2024-02-29 is one, 2023-02-29 and 2024-02-30 are not.
    let full = s.len() == 10 && crate::config::is_w3c_date(s);
    if full {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a date of the calendar like 2026-11-27"
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
    /// Both the EPUB and the PDF.
    All,
    /// A KEPUB for Kobo readers (`book.kepub.epub`), valid EPUB 3 as well.
    Kepub,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Not locked for the whole run: the progress bars write from other threads.
    let mut stderr = std::io::stderr();
    let paint = cli.color.paint();
    match cli.command {
        Command::Init { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            match crate::scaffold::init(&dir) {
                Ok(files) => {
                    for f in files {
                        let _ = writeln!(stderr, "created {}", f.display());
                    }
                    let _ = writeln!(stderr, "build it with: bindery build {}", dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let _ = writeln!(stderr, "error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Build {
            book,
            message_format,
            page_size,
            font_size,
            two_sided,
            one_sided,
            ragged_right,
            profile,
            pages,
            chapters,
            grayscale,
            layout,
        } => {
            let handout_flags =
                pages.is_some() || !chapters.is_empty() || grayscale || layout.is_some();
            if profile.is_none() && handout_flags {
                let _ = writeln!(stderr, "error: --pages, --chapters, --grayscale and --layout go with --profile handout");
                return ExitCode::from(2);
            }
            let handout = profile.map(|_| HandoutOptions {
                pages,
                chapters,
                grayscale,
                layout,
            });
            let pdf = PdfOverrides {
                page_size,
                font_size,
                two_sided: if two_sided {
                    Some(true)
                } else if one_sided {
                    Some(false)
                } else {
                    None
                },
                ragged_right: ragged_right.then_some(true),
            };
            let (mut req, voice) = book.request();
            req.pdf = pdf;
            req.handout = handout;
            // An interrupt stops at once, or after the outputs being written are committed.
            if let Err(e) = crate::signals::install(crate::signals::Mode::Build) {
                let _ = writeln!(stderr, "warning: {e}");
            }
            run(&req, Voice { paint, ..voice }, message_format, &mut stderr)
        }
        Command::NewReport {
            title,
            book,
            date,
            authors,
        } => {
            let root = book.unwrap_or_else(|| PathBuf::from("."));
            match new_report(&root, &title, date, &authors) {
                Ok(created) => {
                    let _ = writeln!(stderr, "created {}", created.report.display());
                    if let Some(s) = created.summary {
                        let _ = writeln!(stderr, "listed it in {}", s.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let _ = writeln!(stderr, "error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Watch {
            book,
            message_format,
        } => {
            let (req, voice) = book.request();
            watch_and_build(&req, Voice { paint, ..voice }, message_format, None)
        }
        Command::Serve { port, open, book } => {
            if matches!(book.format, FormatArg::Pdf) {
                let _ = writeln!(
                    stderr,
                    "error: the preview shows the EPUB: use --format all, epub or kepub"
                );
                return ExitCode::from(2);
            }
            let (req, voice) = book.request();
            let voice = Voice { paint, ..voice };
            watch_and_build(&req, voice, MessageFormat::Human, Some((port, open)))
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "bindery", &mut script);
            write_stdout(&script, "the completions", &mut stderr)
        }
        Command::Manpage => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut page) {
                Ok(()) => write_stdout(&page, "the manual page", &mut stderr),
                Err(e) => {
                    let _ = writeln!(stderr, "error: cannot write the manual page: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check {
            dir,
            deny_warnings,
            message_format,
        } => {
            let req = Request {
                root: dir.unwrap_or_else(|| PathBuf::from(".")),
                out_dir: None,
                format: Format::Epub,
                deny_warnings,
                write: false,
                pdf: PdfOverrides::default(),
                handout: None,
                no_cache: false,
            };
            let voice = Voice {
                quiet: false,
                verbose: false,
                paint,
            };
            run(&req, voice, message_format, &mut stderr)
        }
    }
}

/// Write `bytes` to standard output: a closed or full output is an error message and exit 2,
/// never a panic.
fn write_stdout(bytes: &[u8], what: &str, stderr: &mut impl Write) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot write {what} to standard output: {e}");
            ExitCode::from(2)
        }
    }
}

/// `watch`, and `serve` when `preview` has a port (and whether to open a browser): build after
/// every change until Ctrl-C; with a preview, each build is published to the page.
fn watch_and_build(
    req: &Request,
    voice: Voice,
    message_format: MessageFormat,
    preview: Option<(u16, bool)>,
) -> ExitCode {
    let fail = |e: &dyn std::fmt::Display| {
        let _ = writeln!(std::io::stderr(), "error: {e}");
        ExitCode::from(2)
    };
    if !req.root.is_dir() {
        return fail(&format!("{} is not a folder", req.root.display()));
    }
    let out_dir = req.out_dir.clone().unwrap_or_else(|| req.root.join("out"));
    // Found now, not at each build: the watcher would wait for ever on a folder it never writes.
    if let Err(e) = pipeline::refuse_out_dir_holding_book(&out_dir, &req.root) {
        return fail(&e);
    }
    let server = match preview
        .map(|(port, _)| crate::serve::start(port))
        .transpose()
    {
        Ok(server) => server,
        Err(e) => return fail(&e),
    };
    // What each build keeps for the next, so a rebuild redoes only what an edit touched.
    let warm = pipeline::Warm::default();
    let mut build = || {
        let Some((preview, _)) = &server else {
            let mut stderr = std::io::stderr();
            return run_and_list(req, voice, message_format, &mut stderr, Some(&warm)).1;
        };
        // The diagnostics go to the terminal and, when the build failed, to the page.
        let mut text = Vec::new();
        let plain = Voice {
            paint: Paint::plain(),
            ..voice
        };
        let built = run_and_list(req, plain, message_format, &mut text, Some(&warm)).1;
        let written = &built.written;
        let _ = std::io::stderr().write_all(&text);
        let is = |p: &PathBuf, ext: &str| p.to_string_lossy().ends_with(ext);
        preview.publish(if written.is_empty() {
            crate::serve::Built::Failed(String::from_utf8_lossy(&text).into_owned())
        } else {
            crate::serve::Built::Written {
                epub: written.iter().find(|p| is(p, ".epub")).cloned(),
                pdf: written
                    .iter()
                    .find(|p| is(p, ".pdf") && !is(p, "-handout.pdf"))
                    .cloned(),
            }
        });
        built
    };
    let mut started = |root: &std::path::Path| {
        if message_format != MessageFormat::Human {
            return;
        }
        match &server {
            Some((_, address)) => {
                let url = format!("http://{address}/");
                eprintln!(
                    "serving {url} and watching {} (Ctrl-C stops)",
                    root.display()
                );
                if preview.is_some_and(|(_, open)| open) {
                    if let Err(e) = crate::serve::open_in_browser(&url) {
                        eprintln!("note: {e}; open {url} by hand");
                    }
                }
            }
            None => eprintln!("watching {} for changes (Ctrl-C stops)", root.display()),
        }
    };
    match crate::watch::watch(&req.root, &out_dir, &mut build, &mut started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run(req: &Request, voice: Voice, format: MessageFormat, stderr: &mut impl Write) -> ExitCode {
    run_and_list(req, voice, format, stderr, None).0
}

/// A run, with the files it wrote; `warm` holds what the previous build of a long-running
/// process kept.
fn run_and_list(
    req: &Request,
    voice: Voice,
    format: MessageFormat,
    stderr: &mut impl Write,
    warm: Option<&pipeline::Warm>,
) -> (ExitCode, crate::watch::Built) {
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
            (ExitCode::from(2), crate::watch::Built::default())
        }
        Ok(outcome) => {
            let inputs = outcome.inputs.clone();
            let rendered = outcome.diagnostics.render_styled(&outcome.sources, paint);
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
                let built = crate::watch::Built {
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
            let built = crate::watch::Built {
                written: outcome.written,
                inputs,
            };
            (ExitCode::SUCCESS, built)
        }
    }
}

/// `wrote out/book.epub (2.1 MiB), out/book.pdf (1.6 MiB, 42 pages) in 1.74 s`.
fn summary_line(
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
fn run_json(req: &Request, warm: Option<&pipeline::Warm>) -> (ExitCode, crate::watch::Built) {
    let mut stdout = std::io::stdout().lock();
    let built = match warm {
        Some(warm) => pipeline::rebuild(req, &pipeline::Silent, warm),
        None => pipeline::build(req),
    };
    let (code, built, text) = match built {
        Err(e) => {
            let message = e.to_string();
            let line = crate::diag::json_summary("usage", (0, 0), &[], &[], Some(&message));
            (2, crate::watch::Built::default(), line)
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
            let built = crate::watch::Built {
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
fn kinds(diagnostics: &crate::diag::Diagnostics, severity: Severity) -> String {
    let counts = diagnostics.counts_by_kind(severity);
    if counts.is_empty() {
        return String::new();
    }
    let list: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(": {}", list.join(", "))
}

/// `3-10` (or `7` for one page) as a 1-based inclusive range.
fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let num = |t: &str| {
        t.trim()
            .parse::<usize>()
            .map_err(|_| format!("{s:?} is not a page range such as 3-10"))
    };
    let (a, b) = (num(a)?, num(b)?);
    if a == 0 || a > b {
        return Err(format!("{s:?} is an empty page range"));
    }
    Ok((a, b))
}

/// The report folder of the book at `root` (book.toml's `src`, else `src/` if it exists, else
/// the folder itself, as `build` reads it, through the same gate), then the report.
fn new_report(
    root: &std::path::Path,
    title: &str,
    date: Option<String>,
    authors: &[String],
) -> Result<crate::new_report::Created, crate::Error> {
    let date = date.unwrap_or_else(crate::new_report::today);
    crate::new_report::create_in_book(root, title, &date, authors)
}
