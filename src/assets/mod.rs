//! Pictures and fonts: decoding, orientation, resizing and re-encoding (the `image` crate lives
//! here only), and the fonts bundled in the binary.

pub mod cache;
pub mod drawing;
pub mod fonts;
pub mod images;
mod jpeg;
mod metadata;
pub mod picture;
pub mod qr;
mod svg;
