//! The command line, as ripgrep has it: arguments (`args`, clap lives there only) -> one checked
//! request (`request`) -> run, then report (`report`): diagnostics, the summary line and the exit
//! code: 0 ok, 1 the book has errors, 2 usage or environment.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::diag::Paint;
use crate::pipeline::{self, Request};
use args::{Cli, MessageFormat};
use report::{run_and_list, Voice};
use request::Job;

mod args;
mod report;
mod request;

/// args -> request -> run: parse the arguments, turn them into one checked job, run it.
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
    let job = match request::job(cli) {
        Ok(job) => job,
        Err(usage) => {
            let _ = writeln!(stderr, "error: {usage}");
            return ExitCode::from(2);
        }
    };
    match job {
        Job::Init(dir) => match crate::scaffold::init(&dir) {
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
        },
        Job::Run {
            request,
            voice,
            messages,
        } => {
            if request.write {
                // An interrupt stops at once, or after the outputs being written are committed.
                if let Err(e) = crate::signals::install(crate::signals::Mode::Build) {
                    let _ = writeln!(stderr, "warning: {e}");
                }
            }
            report::run(&request, voice, messages, &mut stderr)
        }
        Job::Watch {
            request,
            voice,
            messages,
            preview,
        } => watch_and_build(&request, voice, messages, preview),
        Job::NewReport {
            root,
            title,
            date,
            authors,
        } => match new_report(&root, &title, date, &authors) {
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
        },
        Job::Completions(shell) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "bindery", &mut script);
            write_stdout(&script, "the completions", &mut stderr)
        }
        Job::Manpage => {
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
            crate::serve::PreviewBuild::Failed(String::from_utf8_lossy(&text).into_owned())
        } else {
            crate::serve::PreviewBuild::Written {
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
