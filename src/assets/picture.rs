//! The picture types every stage shares: the settings a picture is made with, a picture made
//! ready to package, the limits a picture inside a drawing must meet, and why a picture could
//! not be made. The worker ([`super::images`]), the drawing renderer ([`super::drawing`]) and
//! the cache ([`super::cache`]) all speak these, and none of them needs another's code for it.

use std::io::Cursor;

use image::ImageReader;

/// How the pictures of a build are made: the EPUB's long edge, the JPEG quality, and the limits.
#[derive(Debug, Clone)]
pub struct PictureSettings {
    pub max_edge: u32,
    pub jpeg_quality: u8,
    pub max_pixels: u64,
    pub max_memory: u64,
}

/// A picture ready to package.
#[derive(Debug, Clone)]
pub struct Processed {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
    /// True when the pixels were re-encoded (resized, rotated or converted).
    pub reencoded: bool,
    /// What was removed from the picture to make it usable (an SVG's embedded HTML), for a
    /// warning at its first use.
    pub removed: Vec<String>,
    /// For an SVG: the limits its `data:` pictures were screened against, which every later
    /// decoder of the drawing (the PDF's SVG renderer) applies again.
    pub embedded_limits: Option<EmbeddedLimits>,
}

/// The limits a picture held inside an SVG (`data:` URL) must meet: the same as any picture's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedLimits {
    pub max_pixels: u64,
    pub max_memory: u64,
}

impl EmbeddedLimits {
    /// Whether a picture embedded in an SVG is small enough to decode, judged from its header
    /// before any pixel is decoded. A picture whose size cannot be read is refused.
    pub fn fits(&self, bytes: &[u8]) -> bool {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .is_some_and(|(w, h)| {
                let pixels = u64::from(w) * u64::from(h);
                // Four bytes a pixel: the widest colour type a renderer decodes to.
                pixels <= self.max_pixels && pixels.saturating_mul(4) <= self.max_memory
            })
    }
}

impl PictureSettings {
    pub fn embedded_limits(&self) -> EmbeddedLimits {
        EmbeddedLimits {
            max_pixels: self.max_pixels,
            max_memory: self.max_memory,
        }
    }
}

/// The width and height in a raster picture's header, without decoding its pixels.
pub fn header_size(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Why a picture cannot be used: a message and a hint, and whether a limit was exceeded (an
/// error: the limits are the safety line) rather than the file being damaged (a warning and a
/// placeholder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureFailure {
    pub message: String,
    pub hint: String,
    pub over_limit: bool,
}

impl PictureFailure {
    /// The file is damaged or of a kind bindery cannot read.
    pub fn damaged(message: impl Into<String>, hint: impl Into<String>) -> PictureFailure {
        PictureFailure {
            message: message.into(),
            hint: hint.into(),
            over_limit: false,
        }
    }

    /// The file is over one of the limits (pixels, memory, size).
    pub fn over_limit(message: impl Into<String>, hint: impl Into<String>) -> PictureFailure {
        PictureFailure {
            message: message.into(),
            hint: hint.into(),
            over_limit: true,
        }
    }
}
