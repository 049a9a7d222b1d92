//! bindery: a folder of Markdown reports and photos in, an EPUB 3 (and a typeset PDF) out.
//!
//! The stages, in the order [`pipeline::build`] runs them:
//! `book` (read config, chapter list, Markdown) → `doc` (the format-neutral tree and its passes) →
//! `assets` (pictures and fonts) → `epub` (the EPUB 3 packager) → `output` (atomic writes).
//! Problems in the book are [`diag::Diagnostic`]s; problems of the environment are [`Error`]s.

pub mod assets;
pub mod book;
pub mod cli;
pub mod config;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod fingerprint;
pub mod folder;
pub mod labels;
pub mod maths;
mod memory;
pub mod new_report;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod progress;
pub mod scaffold;
pub mod serve;
pub mod signals;
pub mod text;
pub mod watch;

use std::path::PathBuf;

/// A failure of the environment, not of the book: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}: no such folder; run bindery in a book folder or name one (bindery build path/to/book)")]
    NoBook(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    #[error("SOURCE_DATE_EPOCH must be a whole number of seconds, not {0:?}")]
    BadSourceDateEpoch(String),
    #[error("cannot write the output: {0}")]
    Encode(String),
    #[error("{0}")]
    Usage(String),
}
