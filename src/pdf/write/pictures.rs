//! Pictures for krilla: raster pictures as images (JPEG bytes passed through), SVG drawings
//! parsed into trees with the bundled and system fonts, screened by the book's limits.

use krilla::image::Image;

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
        "image/svg+xml" => svg_tree(p).map(|t| Picture::Vector(std::sync::Arc::new(t))),
        _ => None,
    }
}

/// Parse an SVG (already screened for scripts and entities by `assets::images`). Text in it is
/// drawn with the bundled fonts, or installed ones.
fn svg_tree(svg: &Processed) -> Option<usvg::Tree> {
    use std::sync::OnceLock;
    static FONTS: OnceLock<std::sync::Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fontdb = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for f in crate::assets::fonts::BUNDLED {
            db.load_font_data(f.bytes.to_vec());
        }
        db.load_system_fonts();
        db.set_sans_serif_family("Noto Sans");
        db.set_serif_family("Noto Serif");
        db.set_monospace_family("Noto Sans Mono");
        std::sync::Arc::new(db)
    });
    // bindery resolves the drawing's resources itself: nothing named by a path or an address is
    // ever read (the asset stage removed such references, with a warning), and a picture held
    // in the file (`data:`) is decoded only within the limits the drawing was screened against.
    let limits = svg.embedded_limits?;
    let image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(move |mime, data, opts| {
            let raster = mime != "image/svg+xml";
            if raster && !limits.fits(&data) {
                return None;
            }
            (usvg::ImageHrefResolver::default_data_resolver())(mime, data, opts)
        }),
        resolve_string: Box::new(|_, _| None),
    };
    let options = usvg::Options {
        fontdb: fontdb.clone(),
        image_href_resolver,
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(&svg.bytes, &options).ok()
}

/// The size of an SVG drawing in CSS pixels (for layout), or `None` when it cannot be read.
pub fn svg_size(svg: &Processed) -> Option<(u32, u32)> {
    let tree = svg_tree(svg)?;
    let s = tree.size();
    Some((
        s.width().ceil().max(1.0) as u32,
        s.height().ceil().max(1.0) as u32,
    ))
}
