//! Pictures for the EPUB: each file decoded at most once, under pixel and memory limits, with EXIF
//! orientation applied, downscaled to the configured long edge, and stripped of metadata (GPS
//! positions in phone photos must not ship in a book).
//!
//! A JPEG or PNG that needs no change keeps its compressed image data byte for byte: only metadata
//! segments (EXIF, XMP, IPTC, comments; PNG text and eXIf chunks) are cut out. Everything else is
//! re-encoded, which drops all metadata. Pictures are processed in parallel; the output order is
//! the input order, so builds stay byte-identical whatever the thread count.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rayon::prelude::*;

use super::cache::PictureCache;
use super::picture::{header_size, EmbeddedLimits, PictureFailure, PictureSettings, Processed};
use crate::diag::Diagnostic;
use crate::doc::ImageSource;

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
    header_size(bytes).map_or(0, |(w, h)| u64::from(w) * u64::from(h) * 16)
}

/// One picture, from the cache or from its source.
fn process_one(
    src: &ImageSource,
    settings: &PictureSettings,
    edges: &[u32],
    cache: &PictureCache,
    budget: &DecodeBudget,
) -> Result<Vec<Processed>, Diagnostic> {
    let bytes = std::fs::read(&src.path).map_err(|e| {
        Diagnostic::warning(format!(
            "cannot read picture {}: {}; a placeholder is shown",
            src.rel_path,
            crate::book::fs::io_reason(&e)
        ))
        .code("bad-picture")
        .at(src.first_use)
    })?;
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
            .code("bad-picture")
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
    let memory_limit = |e: &image::ImageError| -> Option<PictureFailure> {
        matches!(e, image::ImageError::Limits(_)).then(|| {
            PictureFailure::over_limit(
                format!("decoding it needs more memory than the limit of {} MiB", settings.max_memory >> 20),
                "scale the picture down, or raise [bindery.limits] max-image-memory-mib in book.toml",
            )
        })
    };
    let mut decoder = reader.into_decoder().map_err(|e| {
        memory_limit(&e).unwrap_or_else(|| {
            PictureFailure::damaged(
                format!("cannot read it: {e}"),
                "the file may be damaged or not really a picture; export it again",
            )
        })
    })?;
    let (width, height) = decoder.dimensions();
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
    let needed = pixels.saturating_mul(u64::from(decoder.color_type().bytes_per_pixel()));
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
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    // The file as it is, metadata stripped, for every variant it fits unchanged.
    let long = width.max(height);
    let as_is = (upright && edges.iter().any(|&e| e >= long))
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
    let scaled = (format == ImageFormat::Jpeg && needed.saturating_mul(2) <= long)
        .then(|| super::jpeg::decode_scaled(bytes, needed, settings.max_memory))
        .flatten();
    let mut img = match scaled {
        Some(img) => img,
        None => DynamicImage::from_decoder(decoder).map_err(|e| {
            memory_limit(&e).unwrap_or_else(|| {
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
/// fallback for a pixel type it does not take.
fn downscale(img: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let mut out = DynamicImage::new(w, h, img.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box));
    match Resizer::new().resize(img, &mut out, &options) {
        Ok(()) => out,
        Err(_) => img.thumbnail_exact(w, h),
    }
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

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// SVG is kept as vectors, but only when it cannot run code or reach outside the file.
fn process_svg(bytes: &[u8], limits: EmbeddedLimits) -> Result<Processed, PictureFailure> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| PictureFailure::damaged("the SVG file is not UTF-8", "save it as UTF-8"))?;
    let lower = text.to_ascii_lowercase();
    for (needle, what) in [
        ("<script", "a script"),
        ("\\75", "a CSS escape that can hide a url() reference"),
        ("\\55", "a CSS escape that can hide a url() reference"),
        ("\\72", "a CSS escape that can hide a url() reference"),
        ("\\52", "a CSS escape that can hide a url() reference"),
        ("\\6c", "a CSS escape that can hide a url() reference"),
        ("\\4c", "a CSS escape that can hide a url() reference"),
        ("\\url(", "a CSS escape that can hide a url() reference"),
        ("u\\rl(", "a CSS escape that can hide a url() reference"),
        ("ur\\l(", "a CSS escape that can hide a url() reference"),
        ("<!entity", "an XML entity declaration (possibly external)"),
        ("javascript:", "a javascript: link"),
    ] {
        if lower.contains(needle) {
            return Err(PictureFailure::damaged(
                format!("the SVG contains {what}"),
                "remove it from the SVG, or export the drawing as PNG",
            ));
        }
    }
    if lower.split_whitespace().any(|w| {
        w.starts_with("on")
            && w.contains('=')
            && w[2..]
                .split('=')
                .next()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphabetic()) && !n.is_empty())
    }) {
        return Err(PictureFailure::damaged(
            "the SVG contains an event handler attribute",
            "remove on…= attributes from the SVG",
        ));
    }
    // Embedded HTML (`<foreignObject>`, as diagram tools write for wrapped labels) is neither
    // drawn by the PDF's SVG renderer nor allowed by every e-reader: it is removed, and said so.
    let (without_html, removed_html) = remove_elements(text, "foreignObject", |_| true);
    let mut removed = Vec::new();
    if removed_html > 0 {
        removed.push(format!(
            "{removed_html} embedded HTML element(s) (<foreignObject>) removed from the drawing"
        ));
    }
    // References out of the drawing (a file, a web address) are never followed: bindery resolves
    // an SVG's resources itself, and allows only what the file holds (`data:` pictures, `#id`).
    let mut text = without_html;
    let mut outside = 0;
    for name in ["image", "feImage"] {
        let (t, n) = remove_elements(&text, name, |tag| {
            !href_of(tag).is_some_and(|h| h.starts_with("data:") || h.starts_with('#'))
        });
        text = t;
        outside += n;
    }
    // A picture held in the drawing obeys the same pixel limit as any picture.
    let (t, too_large) = remove_elements(&text, "image", |tag| {
        data_url_payload(tag).is_some_and(|bytes| !limits.fits(&bytes))
    });
    text = t;
    if too_large > 0 {
        removed.push(format!(
            "{too_large} embedded picture(s) over the limit of {} megapixels or {} MiB removed",
            limits.max_pixels / 1_000_000,
            limits.max_memory >> 20
        ));
    }
    let (t, n) = remove_elements(&text, "use", |tag| {
        !href_of(tag).is_some_and(|h| h.starts_with('#'))
    });
    text = t;
    outside += n;
    let (t, imports) = remove_imports(&text);
    text = t;
    outside += imports;
    let (t, urls) = remove_outside_urls(&text);
    text = t;
    outside += urls;
    if outside > 0 {
        removed.push(format!(
            "{outside} reference(s) to files or web addresses outside the drawing removed (<image>, <use>, @import or url())"
        ));
    }
    let text = text.as_str();
    // Drop a DOCTYPE line: external DTDs are not fetched and not allowed in EPUB SVG.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<!DOCTYPE") {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    // The drawing's own size, for the EPUB's `width`/`height` attributes; 0 when it has none.
    let outline = super::drawing::outline(out.as_bytes());
    let (width, height) = outline.as_ref().map_or((0, 0), |o| o.size);
    // Filters are rasterised (by the PDF writer, by a reader) over their whole region, which
    // may reach far past the drawing: work grows with that region, not with what is shown.
    // Past a budget the filters are removed (the shapes are drawn without their effects).
    if outline.is_some_and(|o| o.filtered_area > MAX_FILTERED_AREA) {
        out = remove_filters(&out);
        removed.push(format!(
            "its filters (blurs, shadows and other effects) cover more than {MAX_FILTERED_AREA} times the drawing and were removed; the shapes are drawn without them"
        ));
    }
    Ok(Processed {
        bytes: out.into_bytes(),
        media_type: "image/svg+xml",
        extension: "svg",
        width,
        height,
        reencoded: false,
        removed,
        embedded_limits: Some(limits),
    })
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

/// The `href` (or `xlink:href`) of a start tag, lower-cased and trimmed.
fn href_of(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.match_indices("href").map(|(i, _)| i).find(|&i| {
        i > 0 && (lower.as_bytes()[i - 1].is_ascii_whitespace() || lower.as_bytes()[i - 1] == b':')
    })?;
    let rest = lower[at + 4..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = rest[1..].split(quote).next()?;
    Some(value.trim().to_string())
}

/// The bytes of a base64 `data:` URL in a start tag's `href` (`None` for anything else).
fn data_url_payload(tag: &str) -> Option<Vec<u8>> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("data:")?;
    let comma = at + tag[at..].find(',')?;
    if !lower[at..comma].contains(";base64") {
        return None;
    }
    let end = comma + tag[comma..].find(['"', '\'']).unwrap_or(tag.len() - comma);
    base64_decode(&tag[comma + 1..end])
}

/// Standard base64 (whitespace ignored); `None` when it is not base64.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The most a drawing's filters may cover, in drawings (see [`super::drawing::Outline`]).
const MAX_FILTERED_AREA: f32 = 16.0;

/// The drawing without its filters: the `<filter>` elements, the `filter` attributes and the
/// `filter:` declarations of its styles. (Removing the elements alone would hide what they
/// filter: a reference to a missing filter is not drawn.)
fn remove_filters(text: &str) -> String {
    let (text, _) = remove_elements(text, "filter", |_| true);
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut search = 0;
    while let Some(rel) = lower[search..].find("filter") {
        let start = search + rel;
        search = start + 6;
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = lower[start + 6..].trim_start();
        let next = after.as_bytes().first().copied();
        let separated = matches!(
            before,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'"' | b'\'')
        );
        let end = match next {
            // An attribute: `filter="…"`.
            Some(b'=') if before.is_some_and(|b| b.is_ascii_whitespace()) => {
                let value = after[1..].trim_start();
                let value_at = lower.len() - value.len();
                match value.as_bytes().first() {
                    Some(&q @ (b'"' | b'\'')) => lower[value_at + 1..]
                        .find(q as char)
                        .map(|i| value_at + 1 + i + 1),
                    _ => None,
                }
            }
            // A declaration: `filter: …` up to `;`, `}` or the end of the attribute.
            Some(b':') if separated => {
                let decl = lower.len() - after.len();
                Some(
                    lower[decl..]
                        .find([';', '}', '"', '\''])
                        .map_or(lower.len(), |i| decl + i),
                )
            }
            _ => None,
        };
        if let Some(end) = end {
            out.push_str(&text[from..start]);
            from = end;
            search = end;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// `url(…)` references to anything but the drawing itself (`#id`) or a `data:` picture, in
/// style sheets, style attributes and presentation attributes, replaced by `none` (which every
/// property that takes a `url()` accepts), and how many. A CSS escape in `url` is not looked
/// through: such a drawing is refused before this (see [`process_svg`]).
fn remove_outside_urls(text: &str) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut from = 0;
    while let Some(rel) = lower[from..].find("url(") {
        let start = from + rel;
        let inner = start + 4;
        let end = lower[inner..].find(')').map_or(lower.len(), |i| inner + i);
        let argument = lower[inner..end]
            .trim()
            .trim_start_matches("&quot;")
            .trim_start_matches("&apos;")
            .trim_start_matches(['"', '\'', ' ']);
        let next = (end + 1).min(text.len());
        if argument.starts_with('#') || argument.starts_with("data:") {
            out.push_str(&text[from..next]);
        } else {
            out.push_str(&text[from..start]);
            out.push_str("none");
            count += 1;
        }
        from = next;
    }
    out.push_str(&text[from..]);
    (out, count)
}

/// `@import …;` rules removed from an SVG's style sheets, and how many.
fn remove_imports(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(i) = rest.to_ascii_lowercase().find("@import") {
        out.push_str(&rest[..i]);
        count += 1;
        rest = match rest[i..].find([';', '\n']) {
            Some(e) => &rest[i + e + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    (out, count)
}

/// `text` without every `<name …>…</name>` (or `<name …/>`) element whose start tag `drop`
/// accepts, matched without regard to case, and how many were removed. Elements of the same name
/// nested inside are removed with their parent.
fn remove_elements(text: &str, name: &str, drop: impl Fn(&str) -> bool) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let open = format!("<{}", name.to_ascii_lowercase());
    let close = format!("</{}", name.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut from = 0;
    let is_tag_end =
        |i: usize| lower[i..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
    while let Some(rel) = lower[from..].find(&open) {
        let start = from + rel;
        if !is_tag_end(start + open.len()) {
            out.push_str(&text[from..start + open.len()]);
            from = start + open.len();
            continue;
        }
        let tag_end = lower[start..]
            .find('>')
            .map_or(lower.len(), |i| start + i + 1);
        if !drop(&text[start..tag_end]) {
            out.push_str(&text[from..tag_end]);
            from = tag_end;
            continue;
        }
        out.push_str(&text[from..start]);
        count += 1;
        if lower[..tag_end].ends_with("/>") {
            from = tag_end;
            continue;
        }
        // Find the matching end tag, counting nested elements of the same name.
        let mut depth = 1;
        let mut at = tag_end;
        while depth > 0 {
            let next_open = lower[at..].find(&open).map(|i| at + i);
            let next_close = lower[at..].find(&close).map(|i| at + i);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    at = o + open.len();
                }
                (_, Some(c)) => {
                    depth -= 1;
                    at = lower[c..].find('>').map_or(lower.len(), |i| c + i + 1);
                }
                (_, None) => {
                    at = lower.len();
                    break;
                }
            }
        }
        from = at;
    }
    out.push_str(&text[from..]);
    (out, count)
}

type JpegSegments = Vec<(u8, std::ops::Range<usize>)>;

/// The segments of a JPEG up to its first scan: `(marker, byte range)` for each header segment,
/// then the offset where the scan (the compressed image data) starts. `None` when the header is
/// malformed. Walking by segment lengths means an EXIF thumbnail (a whole JPEG inside APP1) is
/// never mistaken for the image.
fn jpeg_segments(bytes: &[u8]) -> Option<(JpegSegments, usize)> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return None;
    }
    let mut segments = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xDA {
            return Some((segments, i));
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            segments.push((marker, i..i + 2));
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let end = i + 2 + len;
        if len < 2 || end > bytes.len() {
            return None;
        }
        segments.push((marker, i..end));
        i = end;
    }
    None
}

/// True when an end-of-image marker follows the first scan. Inside entropy-coded data 0xFF is
/// always followed by 0x00 or a restart marker, so 0xFFD9 there is the real end.
fn jpeg_has_end_marker(bytes: &[u8]) -> bool {
    jpeg_segments(bytes)
        .is_some_and(|(_, scan)| bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// Remove metadata segments from a JPEG, keeping the compressed image data byte for byte.
/// Kept: JFIF (APP0), ICC profile (APP2), Adobe (APP14) and every non-APP segment.
pub fn strip_jpeg_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let (segments, scan) = jpeg_segments(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    for (marker, range) in segments {
        // APP1 (EXIF, XMP), APP3-APP13 (IPTC…), APP15 and comments go; the rest stays.
        if !matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE) {
            out.extend_from_slice(&bytes[range]);
        }
    }
    out.extend_from_slice(&bytes[scan..]);
    Some(out)
}

/// Remove text, time and EXIF chunks from a PNG, keeping every other chunk as it is.
pub fn strip_png_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut i = SIGNATURE.len();
    while i + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > bytes.len() {
            return None;
        }
        let kind = &bytes[i + 4..i + 8];
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf") {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn filters_far_larger_than_the_drawing_are_removed_and_the_shapes_kept() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs><filter id="f" filterUnits="userSpaceOnUse" x="-1500" y="-1500" width="3000" height="3000"><feTurbulence baseFrequency="0.9" numOctaves="10"/></filter></defs><style>.a { filter: url(#f); fill: red }</style><rect filter="url(#f)" width="50" height="50"/><circle class="a" style="filter:url(#f);stroke:blue" r="9"/></svg>"#;
        let limits = PictureSettings {
            max_edge: 100,
            jpeg_quality: 80,
            max_pixels: 1_000_000,
            max_memory: 1 << 20,
        }
        .embedded_limits();
        let p = process_svg(svg.as_bytes(), limits).unwrap();
        let out = String::from_utf8(p.bytes).unwrap();
        assert!(
            !out.contains("<filter") && !out.contains("url(#f)"),
            "{out}"
        );
        assert!(
            out.contains("<rect") && out.contains("fill: red") && out.contains("stroke:blue"),
            "{out}"
        );
        assert!(
            p.removed.iter().any(|r| r.contains("filters")),
            "{:?}",
            p.removed
        );
        assert!(
            crate::assets::drawing::outline(out.as_bytes())
                .unwrap()
                .filtered_area
                < 1.0
        );
        // A drop shadow the size of its shape stays.
        let shadow = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><filter id="s"><feGaussianBlur stdDeviation="2"/></filter><rect filter="url(#s)" width="50" height="50"/></svg>"#;
        let p = process_svg(shadow.as_bytes(), limits).unwrap();
        assert!(String::from_utf8(p.bytes)
            .unwrap()
            .contains("filter=\"url(#s)\""));
        assert!(p.removed.is_empty(), "{:?}", p.removed);
    }

    #[test]
    fn url_references_out_of_a_drawing_are_removed_from_styles_and_attributes() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: URL( "http://x.example/a.svg#p" ); background: url(data:image/png;base64,AA) }</style><rect fill="url(#g)" style="filter:url('file:///etc/x#f')"/></svg>"#;
        let (out, n) = remove_outside_urls(svg);
        assert_eq!(n, 2, "{out}");
        assert!(
            !out.contains("x.example") && !out.contains("file:"),
            "{out}"
        );
        assert!(
            out.contains("url(#g)") && out.contains("url(data:image/png"),
            "{out}"
        );
        let p = process_svg(
            svg.as_bytes(),
            PictureSettings {
                max_edge: 100,
                jpeg_quality: 80,
                max_pixels: 1_000_000,
                max_memory: 1 << 20,
            }
            .embedded_limits(),
        )
        .unwrap();
        assert!(!String::from_utf8_lossy(&p.bytes).contains("x.example"));
        assert!(
            p.removed.iter().any(|r| r.contains("url()")),
            "{:?}",
            p.removed
        );
        let escaped = br#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: \75rl(http://x) }</style></svg>"#;
        assert!(process_svg(
            escaped,
            PictureSettings {
                max_edge: 100,
                jpeg_quality: 80,
                max_pixels: 1_000_000,
                max_memory: 1 << 20,
            }
            .embedded_limits()
        )
        .is_err());
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
    fn svg_with_script_is_refused() {
        assert!(process(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>",
            &settings()
        )
        .is_err());
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
