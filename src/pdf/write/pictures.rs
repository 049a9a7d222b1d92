//! Pictures for krilla: raster pictures as images (JPEG bytes passed through), SVG drawings as
//! the trees `assets::drawing` parses; and [`PictureMemo`], which hands a long-running
//! process's next PDF the pictures its last one made.

use std::collections::HashMap;
use std::sync::Mutex;

use krilla::image::Image;

use crate::assets::drawing;
use crate::assets::picture::Processed;
use crate::fingerprint::Fingerprint;

/// The pictures of the last PDF a long-running process (`watch`, `serve`) wrote, by the
/// fingerprint of their type and bytes. A krilla image decodes its file and compresses its
/// pixels once, on first use, and keeps the result; handing the same image to the next PDF
/// skips that work, which for PNG pictures is most of writing the PDF. Only the last PDF's
/// pictures are kept.
#[derive(Default)]
pub struct PictureMemo {
    kept: Mutex<HashMap<u128, Option<Picture>>>,
}

/// The pictures of one PDF in krilla's form, each made on first use: from the memo's when the
/// picture is the same, else anew.
pub(super) struct KrillaPictures<'a> {
    images: &'a [Processed],
    by_index: HashMap<usize, Option<Picture>>,
    memo: Option<&'a PictureMemo>,
    kept: HashMap<u128, Option<Picture>>,
    made: HashMap<u128, Option<Picture>>,
}

impl<'a> KrillaPictures<'a> {
    pub(super) fn new(
        images: &'a [Processed],
        memo: Option<&'a PictureMemo>,
    ) -> KrillaPictures<'a> {
        let kept = memo
            .map(|m| std::mem::take(&mut *m.kept.lock().unwrap_or_else(|e| e.into_inner())))
            .unwrap_or_default();
        KrillaPictures {
            images,
            by_index: HashMap::new(),
            memo,
            kept,
            made: HashMap::new(),
        }
    }

    /// Picture `index` in krilla's form; `None` when it cannot be drawn.
    pub(super) fn get(&mut self, index: usize) -> Option<Picture> {
        if let Some(p) = self.by_index.get(&index) {
            return p.clone();
        }
        let processed = self.images.get(index)?;
        let picture = match self.memo {
            None => to_image(processed),
            Some(_) => {
                let key = Fingerprint::new()
                    .bytes(processed.media_type.as_bytes())
                    .bytes(&processed.bytes)
                    .finish();
                let picture = match self.kept.remove(&key) {
                    Some(kept) => kept,
                    None => match self.made.get(&key) {
                        Some(made) => made.clone(),
                        None => to_image(processed),
                    },
                };
                self.made.insert(key, picture.clone());
                picture
            }
        };
        self.by_index.insert(index, picture.clone());
        picture
    }
}

impl Drop for KrillaPictures<'_> {
    /// This PDF's pictures stay in the memo for the next one.
    fn drop(&mut self) {
        if let Some(memo) = self.memo {
            *memo.kept.lock().unwrap_or_else(|e| e.into_inner()) = std::mem::take(&mut self.made);
        }
    }
}

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
