//! Pictures and fonts: decoding (HEIF in `heif`), orientation, colour profiles (`colour`),
//! resizing and re-encoding (the `image` crate lives here only), and the fonts bundled in the
//! binary.

pub mod cache;
mod colour;
pub mod drawing;
pub mod fonts;
mod heif;
pub mod images;
mod jpeg;
mod metadata;
pub mod picture;
pub mod qr;
mod svg;
