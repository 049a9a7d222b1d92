//! Pictures and fonts: decoding (HEIF in `heif`, AVIF in `avif`), orientation, colour profiles (`colour`),
//! resizing and re-encoding (the `image` crate lives here only), and the fonts bundled in the
//! binary; remote pictures downloaded (`remote`, the http client's home) and kept
//! (`downloads`).

mod avif;
pub mod cache;
mod colour;
pub mod downloads;
pub mod drawing;
pub mod fonts;
mod heif;
pub mod images;
mod jpeg;
mod metadata;
pub mod picture;
pub mod qr;
pub mod remote;
mod svg;
