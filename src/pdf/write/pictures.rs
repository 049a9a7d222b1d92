//! Pictures for krilla: raster pictures as images (JPEG bytes passed through), SVG drawings as
//! the trees `assets::drawing` parses.

use krilla::image::Image;

use crate::assets::drawing;
use crate::assets::images::Processed;

#[derive(Clone)]
pub(super) enum Picture {
    Raster(Image),
    Vector(std::sync::Arc<usvg::Tree>),
}

pub(super) fn to_image(p: &Processed) -> Option<Picture> {
    let data = p.bytes.clone().into();
    match p.media_type {
        "image/jpeg" => Image::from_jpeg(data, true).ok().map(Picture::Raster),
        "image/png" => Image::from_png(data, true).ok().map(Picture::Raster),
        "image/gif" => Image::from_gif(data, true).ok().map(Picture::Raster),
        "image/svg+xml" => drawing::tree(p).map(|t| Picture::Vector(std::sync::Arc::new(t))),
        _ => None,
    }
}

/// The size of an SVG drawing in CSS pixels, with its smallest text (for layout), or `None`
/// when it cannot be read.
pub fn svg_size(svg: &Processed) -> Option<crate::pdf::layout::PixelSize> {
    let m = drawing::measure(svg)?;
    Some(crate::pdf::layout::PixelSize {
        width: m.width,
        height: m.height,
        smallest_text: m.smallest_text,
    })
}
