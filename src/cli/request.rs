//! Arguments turned into one validated job: every check of a combination of flags is here,
//! so a run starts only from a request that makes sense.

use std::path::PathBuf;

use super::args::{BookArgs, Cli, Command, FetchArg, FormatArg, MessageFormat};
use super::report::Voice;
use crate::assets::remote::Reach;
use crate::diag::Paint;
use crate::pipeline::{Format, HandoutOptions, PdfOverrides, Request};

/// What the command line asks for, checked.
pub(super) enum Job {
    Init(PathBuf),
    /// `build` and `check`: one run.
    Run {
        request: Request,
        voice: Voice,
        messages: MessageFormat,
    },
    /// `watch`, and `serve` with a preview port (and whether to open a browser).
    Watch {
        request: Request,
        voice: Voice,
        messages: MessageFormat,
        preview: Option<(u16, bool)>,
    },
    NewReport {
        root: PathBuf,
        title: String,
        date: Option<String>,
        authors: Vec<String>,
    },
    Completions(clap_complete::Shell),
    Manpage,
}

/// The job the arguments ask for, or why they make no sense together (a usage error).
pub(super) fn job(cli: Cli) -> Result<Job, String> {
    let paint = cli.color.paint();
    Ok(match cli.command {
        Command::Init { dir } => Job::Init(dir.unwrap_or_else(|| PathBuf::from("."))),
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
                return Err(
                    "--pages, --chapters, --grayscale and --layout go with --profile handout"
                        .into(),
                );
            }
            let (mut request, voice) = book.request(paint);
            request.handout = profile.map(|_| HandoutOptions {
                pages,
                chapters,
                grayscale,
                layout,
            });
            request.pdf = pdf_overrides(page_size, font_size, two_sided, one_sided, ragged_right);
            Job::Run {
                request,
                voice,
                messages: message_format,
            }
        }
        Command::Check {
            dir,
            deny_warnings,
            fetch_remote,
            message_format,
        } => Job::Run {
            request: Request {
                fetch_remote: fetch_remote.map(Reach::from),
                ..check_request(dir, deny_warnings)
            },
            voice: Voice {
                quiet: false,
                verbose: false,
                paint,
            },
            messages: message_format,
        },
        Command::Watch {
            book,
            message_format,
        } => {
            let (request, voice) = book.request(paint);
            Job::Watch {
                request,
                voice,
                messages: message_format,
                preview: None,
            }
        }
        Command::Serve { port, open, book } => {
            if matches!(book.format, FormatArg::Pdf) {
                return Err("the preview shows the EPUB: use --format all, epub or kepub".into());
            }
            let (request, voice) = book.request(paint);
            Job::Watch {
                request,
                voice,
                messages: MessageFormat::Human,
                preview: Some((port, open)),
            }
        }
        Command::NewReport {
            title,
            book,
            date,
            authors,
        } => Job::NewReport {
            root: book.unwrap_or_else(|| PathBuf::from(".")),
            title,
            date,
            authors,
        },
        Command::Completions { shell } => Job::Completions(shell),
        Command::Manpage => Job::Manpage,
    })
}

impl BookArgs {
    /// A build that writes, with the page setup of book.toml.
    fn request(self, paint: Paint) -> (Request, Voice) {
        let voice = Voice {
            quiet: self.quiet,
            verbose: self.verbose,
            paint,
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
            fetch_remote: self.fetch_remote.map(Reach::from),
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

/// The page setup given on the command line; `--one-sided` and `--two-sided` override each
/// other (clap keeps the last).
fn pdf_overrides(
    page_size: Option<String>,
    font_size: Option<f32>,
    two_sided: bool,
    one_sided: bool,
    ragged_right: bool,
) -> PdfOverrides {
    PdfOverrides {
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
    }
}

/// `bindery check`: everything loaded and validated, nothing written.
fn check_request(dir: Option<PathBuf>, deny_warnings: bool) -> Request {
    Request {
        root: dir.unwrap_or_else(|| PathBuf::from(".")),
        out_dir: None,
        format: Format::Epub,
        deny_warnings,
        write: false,
        pdf: PdfOverrides::default(),
        handout: None,
        no_cache: false,
        fetch_remote: None,
    }
}

impl From<FetchArg> for Reach {
    fn from(f: FetchArg) -> Reach {
        match f {
            FetchArg::Public => Reach::Public,
            FetchArg::All => Reach::Any,
        }
    }
}
