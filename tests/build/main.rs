//! End-to-end tests: the `bindery` binary run on the golden books under `tests/books/` and on
//! books written here, one module per feature (in the manner of mdBook's test suite). EPUB
//! contents are read back from the ZIP and snapshotted (insta); dates are pinned with
//! SOURCE_DATE_EPOCH so snapshots are stable. `support` holds the fixture-book builder and
//! the helpers.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod authoring;
mod authors_loop;
mod cache;
mod delivery;
mod diagnostics;
mod epub;
mod handout;
mod hostile;
mod maths;
mod outputs;
mod pdf;
mod pdf_standard;
mod phone_photos;
mod pictures;
mod properties;
mod real_books;
mod remote_pictures;
