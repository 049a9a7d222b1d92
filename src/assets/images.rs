//! Pictures for the EPUB: each file decoded at most once, under pixel and memory limits, with EXIF
//! orientation applied, its colours converted to sRGB when it carries another profile
//! ([`super::colour`]), downscaled to the configured long edge, and stripped of metadata (GPS
//! positions in phone photos must not ship in a book). A phone's HEIF photo ([`super::heif`]) or
//! an AVIF ([`super::avif`]) becomes a JPEG (or a PNG, with transparency): no reader shows HEIF or
//! AVIF.
//!
//! A JPEG or PNG that needs no change keeps its compressed image data byte for byte: only metadata
//! segments (EXIF, XMP, IPTC, comments; PNG text and eXIf chunks) are cut out. Everything else is
//! re-encoded, which drops all metadata. Pictures are processed in parallel; the output order is
//! the input order, so builds stay byte-identical whatever the thread count.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rayon::prelude::*;

use super::cache::PictureCache;
use super::colour;
use super::metadata::{jpeg_has_end_marker, strip_jpeg_metadata, strip_png_metadata};
use super::picture::{header_size, PictureFailure, PictureSettings, Processed};
use super::svg::{looks_like_svg, process_svg};
use super::{avif, heif};
use crate::diag::{Code, Diagnostic};
use crate::doc::{ImageSource, PictureOrigin};

/// Process every picture; a problem with one is a diagnostic at its first use.
pub fn process_all(
    images: &[ImageSource],
    settings: &PictureSettings,
    cache: &PictureCache,
) -> Vec<Result<Processed, Diagnostic>> {
    process_all_variants(images, settings, &[settings.max_edge], cache, &|| {})
        .into_iter()
        .map(|r| r.map(|mut v| v.remove(0)))
        .collect()
}

/// Every picture, each decoded once, in one variant per long edge in `edges`.
/// A picture found in `cache` is not decoded again; one made is added to it.
pub fn process_all_variants(
    images: &[ImageSource],
    settings: &PictureSettings,
    edges: &[u32],
    cache: &PictureCache,
    done_one: &(dyn Fn() + Sync),
) -> Vec<Result<Vec<Processed>, Diagnostic>> {
    let budget = DecodeBudget::new(settings.max_memory);
    images
        .par_iter()
        .map(|src| {
            let result = process_one(src, settings, edges, cache, &budget);
            done_one();
            result
        })
        .collect()
}

/// The memory the pictures decoded at the same time may take together: the per-picture limit
/// (`max-image-memory-mib`) holds for the whole build too, so two pictures each just inside it
/// are decoded in turn, not at once. A picture waits until enough is given back; one alone
/// always goes ahead (it is within the per-picture limit, checked before decoding).
struct DecodeBudget {
    total: u64,
    used: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
}

/// A share of the budget, given back when dropped.
struct Share<'a> {
    budget: &'a DecodeBudget,
    amount: u64,
}

impl DecodeBudget {
    fn new(total: u64) -> DecodeBudget {
        DecodeBudget {
            total,
            used: std::sync::Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    fn take(&self, amount: u64) -> Share<'_> {
        let amount = amount.min(self.total);
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let mut used = self
            .freed
            .wait_while(used, |u| *u > 0 && *u + amount > self.total)
            .unwrap_or_else(|e| e.into_inner());
        *used += amount;
        Share {
            budget: self,
            amount,
        }
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.amount;
        self.budget.freed.notify_all();
    }
}

/// What decoding `bytes` may take at most: eight bytes a pixel (16-bit RGBA, the widest colour
/// type decoded), twice (the decoded picture and a converted copy).
fn decode_memory(bytes: &[u8]) -> u64 {
    header_size(bytes)
        .or_else(|| heif::size(bytes))
        .or_else(|| avif::size(bytes))
        .map_or(0, |(w, h)| u64::from(w) * u64::from(h) * 16)
}

/// One picture, from the cache or from its source.
fn process_one(
    src: &ImageSource,
    settings: &PictureSettings,
    edges: &[u32],
    cache: &PictureCache,
    budget: &DecodeBudget,
) -> Result<Vec<Processed>, Diagnostic> {
    let cannot_read = |why: String| {
        Diagnostic::warning(format!(
            "cannot read picture {}: {why}; a placeholder is shown",
            src.rel_path,
        ))
        .code(Code::BadPicture)
        .at(src.first_use)
    };
    let bytes: std::borrow::Cow<'_, [u8]> = match &src.origin {
        PictureOrigin::File(path) => std::fs::read(path)
            .map_err(|e| cannot_read(crate::book::fs::io_reason(&e)))?
            .into(),
        PictureOrigin::Web {
            downloaded: Some(bytes),
            ..
        } => bytes.as_ref().into(),
        // The download stage replaces every picture it could not download by a placeholder.
        PictureOrigin::Web { .. } => return Err(cannot_read("it was not downloaded".into())),
        PictureOrigin::Made => return Err(cannot_read("it has no source".into())),
    };
    let made = cache.get_or_make(&bytes, settings, edges, || {
        let _share = budget.take(decode_memory(&bytes));
        process_variants(&bytes, settings, edges)
    });
    made.map_err(|failure| {
        let PictureFailure {
            message: msg,
            hint,
            over_limit,
        } = failure;
        let d = if over_limit {
            Diagnostic::error(format!("picture {}: {msg}", src.rel_path))
        } else {
            Diagnostic::warning(format!(
                "picture {}: {msg}; a placeholder is shown",
                src.rel_path
            ))
            .code(Code::BadPicture)
        };
        d.at(src.first_use).hint(hint)
    })
}

/// Process one picture file's bytes for the EPUB's long edge.
pub fn process(bytes: &[u8], settings: &PictureSettings) -> Result<Processed, PictureFailure> {
    let mut v = process_variants(bytes, settings, &[settings.max_edge])?;
    Ok(v.remove(0))
}

/// Decode once and make one variant per long edge in `edges` (the EPUB's, the PDF's print size).
pub fn process_variants(
    bytes: &[u8],
    settings: &PictureSettings,
    edges: &[u32],
) -> Result<Vec<Processed>, PictureFailure> {
    if bytes.is_empty() {
        return Err(PictureFailure::damaged(
            "the file is empty",
            "replace it with the real picture",
        ));
    }
    if looks_like_svg(bytes) {
        let svg = process_svg(bytes, settings.embedded_limits())?;
        return Ok(edges.iter().map(|_| svg.clone()).collect());
    }
    if let Some(kind) = heif::kind(bytes) {
        return heif_variants(bytes, kind, settings, edges);
    }
    let (mut decoder, format) = open_decoder(bytes, settings)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, decoder.color_type(), settings)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    // A profile other than sRGB means converting the pixels (see `colour`).
    let profile = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|icc| !colour::is_srgb(icc));
    // The file as it is, metadata stripped, for every variant it fits unchanged.
    let long = width.max(height);
    let as_is = (upright && profile.is_none() && edges.iter().any(|&e| e >= long))
        .then(|| keep_as_is(bytes, format, width, height))
        .flatten();
    // The largest variant that needs pixels. One kept as it is needs none, but the file is
    // decoded all the same (at the smallest scale): that is the only way to catch damage.
    let needed = edges
        .iter()
        .map(|&e| {
            if as_is.is_some() && e >= long {
                1
            } else {
                e.min(long)
            }
        })
        .max()
        .unwrap_or(long);
    let mut img = decode(bytes, decoder, format, needed, long, settings)?;
    if let Some(icc) = &profile {
        img = colour::to_srgb(img, icc);
    }
    let mut variants = Vec::with_capacity(edges.len());
    let mut oriented: Option<DynamicImage> = None;
    for &edge in edges {
        if let Some(k) = as_is.as_ref().filter(|_| long <= edge) {
            variants.push(k.clone());
            continue;
        }
        let base = oriented.get_or_insert_with(|| {
            let mut o = std::mem::replace(&mut img, DynamicImage::new_rgb8(1, 1));
            o.apply_orientation(orientation);
            o
        });
        variants.push(encode(base, edge, format, settings.jpeg_quality)?);
    }
    Ok(variants)
}

/// A HEIF photo (HEIC or AVIF), decoded in sRGB and encoded for each long edge in `edges`: JPEG, or PNG
/// when it has transparency (no reader shows HEIF or AVIF).
fn heif_variants(
    bytes: &[u8],
    kind: heif::HeifKind,
    settings: &PictureSettings,
    edges: &[u32],
) -> Result<Vec<Processed>, PictureFailure> {
    let size = match kind {
        heif::HeifKind::Hevc => heif::size(bytes),
        heif::HeifKind::Av1 => avif::size(bytes),
    };
    let (width, height) = size.ok_or_else(|| {
        PictureFailure::damaged(
            "the photo's HEIF container does not parse (or has no picture size)",
            "the file may be truncated or damaged; copy or export it again",
        )
    })?;
    check_size(width, height, image::ColorType::Rgba8, settings)?;
    let img = match kind {
        heif::HeifKind::Hevc => heif::decode(bytes, settings)?,
        heif::HeifKind::Av1 => avif::decode(bytes, settings)?,
    };
    let format = if img.color().has_alpha() {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    edges
        .iter()
        .map(|&edge| encode(&img, edge, format, settings.jpeg_quality))
        .collect()
}

/// The decoder of a raster picture, with the memory limit set, and the picture's format.
fn open_decoder<'a>(
    bytes: &'a [u8],
    settings: &PictureSettings,
) -> Result<(impl ImageDecoder + 'a, ImageFormat), PictureFailure> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| {
            PictureFailure::damaged(
                e.to_string(),
                "replace it with a JPEG, PNG, GIF or WebP picture",
            )
        })?;
    let Some(format) = reader.format() else {
        return Err(PictureFailure::damaged(
            "not a picture bindery can read",
            "use JPEG, PNG, GIF, WebP or SVG",
        ));
    };
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_alloc = Some(settings.max_memory);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| {
        memory_limit(&e, settings).unwrap_or_else(|| {
            PictureFailure::damaged(
                format!("cannot read it: {e}"),
                "the file may be damaged or not really a picture; export it again",
            )
        })
    })?;
    Ok((decoder, format))
}

/// The failure for a decoder's allocation refused by the memory limit.
fn memory_limit(e: &image::ImageError, settings: &PictureSettings) -> Option<PictureFailure> {
    matches!(e, image::ImageError::Limits(_)).then(|| {
        PictureFailure::over_limit(
            format!(
                "decoding it needs more memory than the limit of {} MiB",
                settings.max_memory >> 20
            ),
            "scale the picture down, or raise [bindery.limits] max-image-memory-mib in book.toml",
        )
    })
}

/// The limits checked from the header, before any pixel is decoded.
fn check_size(
    width: u32,
    height: u32,
    color_type: image::ColorType,
    settings: &PictureSettings,
) -> Result<(), PictureFailure> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > settings.max_pixels {
        return Err(PictureFailure::over_limit(
            format!(
                "{width} x {height} pixels is over the limit of {} megapixels",
                settings.max_pixels / 1_000_000
            ),
            "scale the picture down, or raise [bindery.limits] max-image-pixels in book.toml",
        ));
    }
    // The decoder's own allocation limit is not applied by every codec: check the decoded size
    // here, before any pixel is decoded.
    let needed = pixels.saturating_mul(u64::from(color_type.bytes_per_pixel()));
    if needed > settings.max_memory {
        return Err(PictureFailure::over_limit(
            format!(
                "decoding it needs {} MiB, over the limit of {} MiB",
                needed >> 20,
                settings.max_memory >> 20
            ),
            "scale the picture down, or raise [bindery.limits] max-image-memory-mib in book.toml",
        ));
    }
    if width == 0 || height == 0 {
        return Err(PictureFailure::damaged(
            "the picture has no pixels",
            "replace it with the real picture",
        ));
    }
    Ok(())
}

/// The pixels, at a reduced scale when a JPEG is far larger than the largest variant (`needed`
/// pixels on the long edge, of `long`); a JPEG cut off before its end is refused.
fn decode(
    bytes: &[u8],
    decoder: impl ImageDecoder,
    format: ImageFormat,
    needed: u32,
    long: u32,
    settings: &PictureSettings,
) -> Result<DynamicImage, PictureFailure> {
    let scaled = (format == ImageFormat::Jpeg && needed.saturating_mul(2) <= long)
        .then(|| super::jpeg::decode_scaled(bytes, needed, settings.max_memory))
        .flatten();
    let img = match scaled {
        Some(img) => img,
        None => DynamicImage::from_decoder(decoder).map_err(|e| {
            memory_limit(&e, settings).unwrap_or_else(|| {
                PictureFailure::damaged(
                    format!("cannot decode it: {e}"),
                    "the file may be truncated or damaged; export it again",
                )
            })
        })?,
    };
    if format == ImageFormat::Jpeg && !jpeg_has_end_marker(bytes) {
        // The decoder pads a cut-off JPEG with grey; a book must not ship half a photo.
        return Err(PictureFailure::damaged(
            "the JPEG is truncated (its end marker is missing)",
            "the file was cut off while copying; copy or export it again",
        ));
    }
    Ok(img)
}

/// The file's own compressed data with its metadata cut out, for a picture that needs no other
/// change; `None` for a format that is always re-encoded, or a file whose segments do not parse.
fn keep_as_is(bytes: &[u8], format: ImageFormat, width: u32, height: u32) -> Option<Processed> {
    match format {
        ImageFormat::Jpeg => {
            strip_jpeg_metadata(bytes).map(|b| kept(b, "image/jpeg", "jpg", width, height))
        }
        ImageFormat::Png => {
            strip_png_metadata(bytes).map(|b| kept(b, "image/png", "png", width, height))
        }
        ImageFormat::Gif => Some(kept(bytes.to_vec(), "image/gif", "gif", width, height)),
        _ => None,
    }
}

/// Downscale to exactly `w` x `h` by area averaging (a box filter as wide as the ratio): free
/// of aliasing at the large ratios of phone photos to page sizes. fast_image_resize does it
/// with SIMD, several times faster than the image crate's `thumbnail`, which stays as the
/// way for the rare pixel types of 16 bits or floats.
///
/// Every 8-bit picture is resized as RGBA: the crate's kernels are generic over the pixel type
/// and a precision constant, so each pixel type used here adds some sixty copies of them to
/// bindery's own code. Resizing one type instead of thirteen took bindery's generated code from
/// 2.0 to 1.1 million lines (cargo llvm-lines) and the release build of the bindery crate on 2
/// cores from 61-66 s to 37-45 s (alternate runs, same machine). Resizing photos as RGB too
/// (a second type) would add 0.3 million lines and 6-12 s to that build; widening them costs
/// instead a third more memory for the picture being resized (a 60-photo book: 106 MB peak
/// before, 161 MB after, with two pictures made at a time; the outputs are byte-identical:
/// the channels are averaged alike and alpha is only weighed in where the picture has it).
fn downscale(img: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    use image::{GrayAlphaImage, GrayImage, RgbImage, RgbaImage};
    let fallback = || img.thumbnail_exact(w, h);
    let rgba = match img {
        DynamicImage::ImageRgba8(rgba) => std::borrow::Cow::Borrowed(rgba),
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageLumaA8(_) | DynamicImage::ImageRgb8(_) => {
            std::borrow::Cow::Owned(img.to_rgba8())
        }
        _ => return fallback(),
    };
    let from = (img.width(), img.height());
    let Some(px) = resize_rgba(rgba.as_raw(), from, (w, h), img.color().has_alpha()) else {
        return fallback();
    };
    let channels = |keep: &[usize]| -> Vec<u8> {
        px.chunks_exact(4)
            .flat_map(|p| keep.iter().map(move |&c| p[c]))
            .collect()
    };
    let narrowed = match img {
        DynamicImage::ImageLuma8(_) => {
            GrayImage::from_raw(w, h, channels(&[0])).map(DynamicImage::ImageLuma8)
        }
        DynamicImage::ImageLumaA8(_) => {
            GrayAlphaImage::from_raw(w, h, channels(&[0, 3])).map(DynamicImage::ImageLumaA8)
        }
        DynamicImage::ImageRgb8(_) => {
            RgbImage::from_raw(w, h, channels(&[0, 1, 2])).map(DynamicImage::ImageRgb8)
        }
        _ => RgbaImage::from_raw(w, h, px.clone()).map(DynamicImage::ImageRgba8),
    };
    narrowed.unwrap_or_else(fallback)
}

/// Area-average RGBA `pixels` (`from`, packed rows) to `to`; `None` if the crate refuses.
/// `alpha`: weigh each pixel by its opacity (for pictures with transparency).
fn resize_rgba(pixels: &[u8], from: (u32, u32), to: (u32, u32), alpha: bool) -> Option<Vec<u8>> {
    use fast_image_resize::images::{TypedImage, TypedImageRef};
    use fast_image_resize::pixels::U8x4;
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let source = TypedImageRef::<U8x4>::from_buffer(from.0, from.1, pixels).ok()?;
    let mut out = vec![0u8; to.0 as usize * to.1 as usize * 4];
    let mut target = TypedImage::<U8x4>::from_buffer(to.0, to.1, &mut out).ok()?;
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Box))
        .use_alpha(alpha);
    Resizer::new()
        .resize_typed(&source, &mut target, &options)
        .ok()?;
    Some(out)
}

/// Downscale (never upscale) to `edge` and encode: PNG for pictures with transparency or that
/// were PNG or GIF, JPEG otherwise.
fn encode(
    img: &DynamicImage,
    edge: u32,
    format: ImageFormat,
    quality: u8,
) -> Result<Processed, PictureFailure> {
    let resized;
    let img = if img.width().max(img.height()) > edge {
        let (w, h) = fit(img.width(), img.height(), edge);
        resized = downscale(img, w, h);
        &resized
    } else {
        img
    };
    let (w, h) = (img.width(), img.height());
    let keep_alpha = img.color().has_alpha() && format != ImageFormat::Jpeg;
    let mut out = Vec::new();
    if keep_alpha || format == ImageFormat::Png || format == ImageFormat::Gif {
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| {
                PictureFailure::damaged(
                    format!("cannot encode it as PNG: {e}"),
                    "report this as a bindery bug",
                )
            })?;
        Ok(Processed {
            bytes: out,
            media_type: "image/png",
            extension: "png",
            width: w,
            height: h,
            reencoded: true,
            removed: Vec::new(),
            embedded_limits: None,
        })
    } else {
        let out = super::jpeg::encode(img, quality).map_err(|e| {
            PictureFailure::damaged(
                format!("cannot encode it as JPEG: {e}"),
                "report this as a bindery bug",
            )
        })?;
        Ok(Processed {
            bytes: out,
            media_type: "image/jpeg",
            extension: "jpg",
            width: w,
            height: h,
            reencoded: true,
            removed: Vec::new(),
            embedded_limits: None,
        })
    }
}

fn kept(
    bytes: Vec<u8>,
    media_type: &'static str,
    extension: &'static str,
    width: u32,
    height: u32,
) -> Processed {
    Processed {
        bytes,
        media_type,
        extension,
        width,
        height,
        reencoded: false,
        removed: Vec::new(),
        embedded_limits: None,
    }
}

/// A grey version of a processed picture for black-and-white printing: perceptual luminance
/// (Rec. 709 weights) and a gentle S-curve, since laser printers flatten mid-tones. SVG and
/// undecodable data are returned unchanged.
pub fn grayscale(p: &Processed, jpeg_quality: u8) -> Processed {
    if p.media_type == "image/svg+xml" {
        return p.clone();
    }
    let Ok(img) = image::load_from_memory(&p.bytes) else {
        return p.clone();
    };
    let curve = |v: u8| -> u8 {
        let x = f32::from(v) / 255.0;
        // Smoothstep blended with identity: more contrast, no clipping.
        let s = x * x * (3.0 - 2.0 * x);
        ((0.6 * s + 0.4 * x) * 255.0).round().clamp(0.0, 255.0) as u8
    };
    let mut out = Vec::new();
    if img.color().has_alpha() {
        let mut la = img.to_luma_alpha8();
        for px in la.pixels_mut() {
            px.0[0] = curve(px.0[0]);
        }
        if DynamicImage::ImageLumaA8(la)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .is_err()
        {
            return p.clone();
        }
        return Processed {
            bytes: out,
            media_type: "image/png",
            extension: "png",
            reencoded: true,
            ..p.clone()
        };
    }
    let mut l = img.to_luma8();
    for px in l.pixels_mut() {
        px.0[0] = curve(px.0[0]);
    }
    let Ok(out) = super::jpeg::encode(&DynamicImage::ImageLuma8(l), jpeg_quality) else {
        return p.clone();
    };
    Processed {
        bytes: out,
        media_type: "image/jpeg",
        extension: "jpg",
        reencoded: true,
        ..p.clone()
    }
}

/// Scale (w, h) so the long edge is `max`, keeping the aspect ratio.
pub fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w >= h {
        let nh = (u64::from(h) * u64::from(max) / u64::from(w)).max(1) as u32;
        (max, nh)
    } else {
        let nw = (u64::from(w) * u64::from(max) / u64::from(h)).max(1) as u32;
        (nw, max)
    }
}

/// Whether a PNG picture has pixels that are not fully opaque.
pub fn has_transparency(p: &Processed) -> bool {
    let Ok(img) = image::load_from_memory_with_format(&p.bytes, ImageFormat::Png) else {
        return false;
    };
    img.color().has_alpha() && img.to_rgba8().pixels().any(|px| px.0[3] < 255)
}

/// A rendered drawing (the generated cover) as a JPEG picture: opaque, no metadata.
pub fn jpeg_from_pixels(pixels: super::drawing::Pixels, quality: u8) -> Option<Processed> {
    let rgba = image::RgbaImage::from_raw(pixels.width, pixels.height, pixels.rgba)?;
    let rgb = DynamicImage::ImageRgba8(rgba).to_rgb8();
    let bytes = super::jpeg::encode(&DynamicImage::ImageRgb8(rgb), quality).ok()?;
    Some(Processed {
        bytes,
        media_type: "image/jpeg",
        extension: "jpg",
        width: pixels.width,
        height: pixels.height,
        reencoded: true,
        removed: Vec::new(),
        embedded_limits: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::picture::EmbeddedLimits;

    #[test]
    fn the_decode_budget_lets_big_pictures_through_one_at_a_time() {
        let budget = std::sync::Arc::new(DecodeBudget::new(100));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let now = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let (budget, peak, now) = (budget.clone(), peak.clone(), now.clone());
                std::thread::spawn(move || {
                    // 80 each (two cannot share), or over the whole budget (alone).
                    let share = budget.take(if i == 0 { 500 } else { 80 });
                    let amount = share.amount;
                    let at = now.fetch_add(amount, std::sync::atomic::Ordering::SeqCst) + amount;
                    peak.fetch_max(at, std::sync::atomic::Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(amount, std::sync::atomic::Ordering::SeqCst);
                    drop(share);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(peak.load(std::sync::atomic::Ordering::SeqCst) <= 100);
    }

    fn settings() -> PictureSettings {
        PictureSettings {
            max_edge: 64,
            jpeg_quality: 85,
            max_pixels: 1_000_000,
            max_memory: 64 << 20,
        }
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
        super::super::jpeg::encode(&DynamicImage::ImageRgb8(img), 90).unwrap()
    }

    /// Insert an APP1 EXIF segment with the given orientation after SOI.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
        tiff.extend_from_slice(&0x0112u16.to_be_bytes());
        tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((seg.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&seg);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn small_upright_jpeg_keeps_image_data_but_loses_exif() {
        let src = with_exif(&jpeg(40, 30), 1);
        let p = process(&src, &settings()).unwrap();
        assert!(!p.reencoded);
        assert!(!p.bytes.windows(4).any(|w| w == b"Exif"));
        let sos = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        assert_eq!(&p.bytes[sos(&p.bytes)..], &src[sos(&src)..]);
    }

    #[test]
    fn orientation_is_applied() {
        let src = with_exif(&jpeg(40, 20), 6);
        let p = process(&src, &settings()).unwrap();
        assert!(p.reencoded);
        assert_eq!((p.width, p.height), (20, 40));
    }

    #[test]
    fn large_picture_is_downscaled() {
        let p = process(&jpeg(200, 100), &settings()).unwrap();
        assert_eq!((p.width, p.height), (64, 32));
    }

    #[test]
    fn a_photo_decoded_at_a_reduced_scale_is_still_turned_upright_and_checked_whole() {
        // 400 x 200 for a 64 px variant: decoded at 1/4 scale, then oriented and resized.
        let upright = process(&with_exif(&jpeg(400, 200), 6), &settings()).unwrap();
        assert_eq!((upright.width, upright.height), (32, 64));
        // A cut-off file is refused on the reduced-scale path as on the full one.
        let whole = jpeg(400, 200);
        let cut = &whole[..whole.len() * 2 / 3];
        assert!(process(cut, &settings()).is_err());
    }

    #[test]
    fn one_decode_gives_a_variant_per_edge() {
        let v = process_variants(&jpeg(200, 100), &settings(), &[64, 120, 400]).unwrap();
        let sizes: Vec<_> = v.iter().map(|p| (p.width, p.height, p.reencoded)).collect();
        assert_eq!(
            sizes,
            vec![(64, 32, true), (120, 60, true), (200, 100, false)]
        );
    }

    #[test]
    fn pixel_limit_is_enforced_before_decoding() {
        let s = PictureSettings {
            max_pixels: 100,
            ..settings()
        };
        let e = process(&jpeg(20, 20), &s).unwrap_err();
        assert!(e.message.contains("over the limit"), "{}", e.message);
    }

    #[test]
    fn memory_limit_names_its_key() {
        let s = PictureSettings {
            max_memory: 1 << 20,
            max_pixels: 100_000_000,
            ..settings()
        };
        let e = process(&jpeg(1500, 1500), &s).unwrap_err();
        assert!(e.message.contains("over the limit of 1 MiB"), "{e:?}");
        assert!(e.hint.contains("max-image-memory-mib"), "{e:?}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let _ = process(&data, &settings());
        }
    }

    #[test]
    fn damaged_files_are_errors() {
        assert!(process(b"", &settings()).is_err());
        assert!(process(b"this is not a picture", &settings()).is_err());
        let j = jpeg(40, 30);
        assert!(process(&j[..j.len() / 3], &settings()).is_err());
    }

    #[test]
    fn svg_with_script_is_kept_without_it_and_said_so() {
        let kept = process(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script><rect width='1' height='1'/></svg>",
            &settings(),
        )
        .unwrap();
        assert!(!String::from_utf8_lossy(&kept.bytes).contains("script"));
        assert_eq!(kept.removed.len(), 1, "{:?}", kept.removed);
        let ok = process(
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>",
            &settings(),
        )
        .unwrap();
        assert_eq!(ok.media_type, "image/svg+xml");
    }

    /// A PNG header that claims `w` x `h` pixels (the size is read from the header alone).
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(1, 1))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        // The IHDR chunk's CRC covers its type and data (bytes 12..29).
        let mut crc = !0u32;
        for &b in &png[12..29] {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        png[29..33].copy_from_slice(&(!crc).to_be_bytes());
        png
    }

    #[test]
    fn embedded_pictures_meet_the_pixel_and_the_memory_limit() {
        let limits = EmbeddedLimits {
            max_pixels: 1_000_000_000,
            max_memory: 64 << 20,
        };
        assert!(limits.fits(&png_header(1000, 1000)));
        // 100 megapixels is within the pixel limit but needs 400 MB to decode.
        assert!(!limits.fits(&png_header(10_000, 10_000)));
        let few_pixels = EmbeddedLimits {
            max_pixels: 100,
            max_memory: 1 << 30,
        };
        assert!(!few_pixels.fits(&png_header(20, 20)));
        assert!(!limits.fits(b"not a picture"));
    }

    #[test]
    fn a_drawing_carries_the_limits_it_was_screened_against() {
        let svg = process(
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>",
            &settings(),
        )
        .unwrap();
        assert_eq!(svg.embedded_limits, Some(settings().embedded_limits()));
        assert_eq!(
            process(&jpeg(40, 30), &settings()).unwrap().embedded_limits,
            None
        );
    }
}
