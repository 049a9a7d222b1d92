//! The arguments as clap reads them (clap lives here only): the commands, their flags, and the
//! parsers of single values (dates, page ranges). Nothing here decides what a combination means.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Paint;

#[derive(Debug, Parser)]
#[command(
    name = "bindery",
    version,
    about = "Turn a folder of Markdown reports and photos into an EPUB 3 (and a PDF)",
    after_help = EXAMPLES
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
    /// Colours in messages: `auto` (on a terminal, unless NO_COLOR is set), `always`, `never`.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub(super) color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether standard error gets colours: `auto` follows https://no-color.org and the terminal.
    pub(super) fn paint(self) -> Paint {
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

pub(super) const EXAMPLES: &str = "Examples:
  bindery build                          build ./out/book.epub and ./out/book.pdf
  bindery build trip-reports --format epub
  bindery build --format kepub           out/book.kepub.epub for Kobo readers
  bindery build --profile handout        also out/book-handout.pdf, to print and fold
  bindery check --deny-warnings          validate for CI; notes delivery risks per store
  bindery new-report \"Hanoi meetup\"      a dated report, added to SUMMARY.md
  bindery completions bash > ~/.local/share/bash-completion/completions/bindery";

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
        /// Download the book's remote pictures to check them (nothing is kept), as `build`.
        #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "public", value_name = "REACH")]
        fetch_remote: Option<FetchArg>,
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
pub(super) struct BookArgs {
    /// The book folder (with book.toml, or a folder of reports). Default: the current folder.
    pub(super) dir: Option<PathBuf>,
    /// Which outputs to write (`serve` shows the EPUB: all, epub or kepub).
    #[arg(long, value_enum, default_value_t = FormatArg::All)]
    pub(super) format: FormatArg,
    /// Folder for the outputs.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub(super) deny_warnings: bool,
    /// Print only errors and warnings.
    #[arg(long, short, conflicts_with = "verbose")]
    pub(super) quiet: bool,
    /// Also print how long each stage took.
    #[arg(long, short)]
    pub(super) verbose: bool,
    /// Make every picture from its source, ignoring and not filling the picture cache
    /// (OUT/.bindery-cache).
    #[arg(long)]
    pub(super) no_cache: bool,
    /// Download the book's http(s) pictures (once: they are kept in OUT/.bindery-cache) from
    /// public addresses; `--fetch-remote=all` also from this machine and private networks.
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "public", value_name = "REACH")]
    pub(super) fetch_remote: Option<FetchArg>,
}

/// How far `--fetch-remote` reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FetchArg {
    /// Public addresses only.
    Public,
    /// Also this machine and private networks (an intranet server).
    All,
}

/// `2026-11-27`: four digits, two, two, a real month and day.
pub(super) fn parse_date(s: &str) -> Result<String, String> {
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
pub(super) enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum FormatArg {
    Epub,
    Pdf,
    /// Both the EPUB and the PDF.
    All,
    /// A KEPUB for Kobo readers (`book.kepub.epub`), valid EPUB 3 as well.
    Kepub,
}

/// `3-10` (or `7` for one page) as a 1-based inclusive range.
pub(super) fn parse_range(s: &str) -> Result<(usize, usize), String> {
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
