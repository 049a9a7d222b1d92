//! AVIF pictures (AV1 in the HEIF container: the web's newer photo format, and some Android
//! phones'): the primary image decoded in pure Rust by oxideav-avif, with its grid, alpha,
//! rotation, mirroring and crop applied, then its colours converted to sRGB from its ICC
//! profile or its `nclx` code points. oxideav-avif lives here only.

use image::{DynamicImage, RgbaImage};

use super::colour;
use super::picture::{PictureFailure, PictureSettings};

/// The primary image's width and height, from the container alone (nothing is decoded).
pub fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    oxideav_avif::info(bytes)
        .ok()
        .map(|info| (info.width, info.height))
}

/// The primary image in sRGB, 8 bits a channel; with alpha only when the file has an alpha plane.
pub fn decode(bytes: &[u8], settings: &PictureSettings) -> Result<DynamicImage, PictureFailure> {
    let options = oxideav_avif::DecodeOptions::default()
        .with_max_pixels(Some(settings.max_pixels.max(1)))
        // Pictures are already decoded one per core.
        .with_threads(Some(1));
    // The decoder is young: whatever it does with a hostile file, it must not take the build
    // down with it.
    let decoded = std::panic::catch_unwind(|| {
        let image = oxideav_avif::decode_with(bytes, &options)?;
        let rgba = image.try_to_rgba8()?;
        Ok::<_, oxideav_avif::Error>((image, rgba))
    });
    let (image, rgba) = match decoded {
        Ok(Ok(done)) => done,
        Ok(Err(e)) if e.to_string().contains(ODD_WIDTH) => {
            return std::panic::catch_unwind(|| odd_width::decode(bytes, settings))
                .unwrap_or_else(|_| Err(failure("the decoder stopped on this file")));
        }
        Ok(Err(e)) => return Err(failure(&e.to_string())),
        Err(_) => return Err(failure("the decoder stopped on this file")),
    };
    let has_alpha = image.has_alpha();
    let rgba = RgbaImage::from_raw(image.width, image.height, rgba).ok_or_else(|| {
        PictureFailure::damaged(
            "the decoded picture has the wrong number of pixels",
            "report this as a bindery bug, with the picture",
        )
    })?;
    let mut img = DynamicImage::ImageRgba8(rgba);
    if !has_alpha {
        // Opaque pictures drop the alpha channel, so that they are encoded as JPEG.
        img = DynamicImage::ImageRgb8(img.into_rgb8());
    }
    Ok(in_srgb(
        img,
        image.metadata.icc.as_deref(),
        image.color.primaries,
        image.color.transfer,
    ))
}

/// The pixels converted to sRGB from the file's ICC profile, else from its `nclx` code points.
fn in_srgb(img: DynamicImage, icc: Option<&[u8]>, primaries: u8, transfer: u8) -> DynamicImage {
    match icc {
        Some(icc) if !colour::is_srgb(icc) => colour::to_srgb(img, icc),
        Some(_) => img,
        None => colour::cicp_to_srgb(img, primaries, transfer),
    }
}

/// What oxideav-avif 0.0.15 says when it cannot tell the chroma layout of a decoded frame: it
/// reads it back from the planes' widths, which an odd width with subsampled chroma (4:2:0 or
/// 4:2:2) does not give.
const ODD_WIDTH: &str = "cannot infer AV1 frame format";

/// The pictures oxideav-avif cannot lay out: its AV1 decoder called directly, the chroma layout
/// read from the decoded planes' own sizes (which the decoder knows), then the colour, rotation
/// and mirroring as the container says. Only a single coded picture without alpha is taken
/// this way; a grid or an alpha plane keeps the warning.
mod odd_width {
    use image::DynamicImage;
    use oxideav_avif::meta::{Colr, Property};
    use oxideav_avif::{AvifImage, AvifPixelFormat, AvifPlane, ColorInfo, ColorRange};

    use super::super::picture::{PictureFailure, PictureSettings};
    use super::failure;

    pub(super) fn decode(
        bytes: &[u8],
        settings: &PictureSettings,
    ) -> Result<DynamicImage, PictureFailure> {
        let unsupported = || failure(super::ODD_WIDTH);
        let file = oxideav_avif::parse(bytes).map_err(|e| failure(&e.to_string()))?;
        let primary = file.primary_item_id;
        if &file.primary_item.item_type != b"av01"
            || oxideav_avif::find_alpha_item_id(&file.meta, primary).is_some()
        {
            return Err(unsupported());
        }
        if let Some(ispe) = &file.ispe {
            if u64::from(ispe.width) * u64::from(ispe.height) > settings.max_pixels {
                return Err(unsupported());
            }
        }
        // The sequence header may be in the `av1C` box's configuration OBUs (after its 4-byte
        // record) rather than in the item: a repeated sequence header is allowed, so they go
        // first.
        let mut obus = file
            .av1c
            .as_deref()
            .and_then(|c| c.get(4..))
            .unwrap_or_default()
            .to_vec();
        obus.extend_from_slice(&file.primary_item_data);
        // The decoder reads an IVF stream: one frame of it.
        use oxideav_av1::encoder::ivf::{build_file_header, build_frame_header, FOURCC_AV01};
        let (iw, ih) = file.ispe.as_ref().map_or((0, 0), |i| (i.width, i.height));
        let side = |n: u32| n.min(u32::from(u16::MAX)) as u16;
        let mut ivf = build_file_header(FOURCC_AV01, side(iw), side(ih), 30, 1, 1).to_vec();
        let len = u32::try_from(obus.len()).map_err(|_| unsupported())?;
        ivf.extend_from_slice(&build_frame_header(len, 0));
        ivf.extend_from_slice(&obus);
        let frames = oxideav_av1::decode_av1(&ivf).map_err(|e| failure(&e.to_string()))?;
        let Some(oxideav_av1::decoder::Frame::Spec(frame)) = frames.into_iter().next() else {
            return Err(failure("the AV1 data holds no picture"));
        };
        let (w, h) = (frame.width, frame.height);
        if u64::from(w) * u64::from(h) > settings.max_pixels {
            return Err(unsupported());
        }
        let format = layout(&frame.plane_dims, w, h, frame.bit_depth).ok_or_else(unsupported)?;
        let bytes_per_sample = if frame.bit_depth > 8 { 2 } else { 1 };
        let planes: Vec<AvifPlane> = frame
            .planes
            .into_iter()
            .zip(&frame.plane_dims)
            .map(|(data, &(pw, _))| AvifPlane {
                stride: pw as usize * bytes_per_sample,
                data,
            })
            .collect();
        let (icc, color) = colour_of(file.colr.as_ref());
        let image = AvifImage::new(w, h, format, planes)
            .map_err(|e| failure(&e.to_string()))?
            .with_color(color);
        let rgb = image.try_to_rgb8().map_err(|e| failure(&e.to_string()))?;
        let rgb = image::RgbImage::from_raw(w, h, rgb).ok_or_else(unsupported)?;
        let img = super::in_srgb(
            DynamicImage::ImageRgb8(rgb),
            icc.as_deref(),
            color.primaries,
            color.transfer,
        );
        Ok(oriented(img, &file.meta, primary))
    }

    /// The profile or the `nclx` code points the container gives the picture.
    fn colour_of(colr: Option<&Colr>) -> (Option<Vec<u8>>, ColorInfo) {
        match colr {
            Some(Colr::Icc(icc)) => (Some(icc.clone()), ColorInfo::miaf_default()),
            Some(Colr::Nclx {
                colour_primaries,
                transfer_characteristics,
                matrix_coefficients,
                full_range,
            }) => (
                None,
                ColorInfo::new(
                    if *full_range {
                        ColorRange::Full
                    } else {
                        ColorRange::Limited
                    },
                    u8::try_from(*colour_primaries).unwrap_or(2),
                    u8::try_from(*transfer_characteristics).unwrap_or(2),
                    u8::try_from(*matrix_coefficients).unwrap_or(2),
                ),
            ),
            _ => (None, ColorInfo::miaf_default()),
        }
    }

    /// HEIF's order: the rotation (counter-clockwise), then the mirroring.
    fn oriented(mut img: DynamicImage, meta: &oxideav_avif::meta::Meta, item: u32) -> DynamicImage {
        if let Some(Property::Irot(irot)) = meta.property_for(item, b"irot") {
            img = match irot.angle % 4 {
                1 => img.rotate270(),
                2 => img.rotate180(),
                3 => img.rotate90(),
                _ => img,
            };
        }
        if let Some(Property::Imir(imir)) = meta.property_for(item, b"imir") {
            img = if imir.axis == 0 {
                img.flipv()
            } else {
                img.fliph()
            };
        }
        img
    }

    /// The storage layout of decoded planes of a `w` x `h` picture, from their sizes.
    fn layout(dims: &[(u32, u32)], w: u32, h: u32, depth: u8) -> Option<AvifPixelFormat> {
        use AvifPixelFormat::*;
        let chroma = match dims {
            [_] => None,
            [_, u, v] if u == v => Some(*u),
            _ => return None,
        };
        let sub = match chroma {
            None => 0,
            Some(c) if c == (w, h) => 444,
            Some(c) if c == (w.div_ceil(2), h) => 422,
            Some(c) if c == (w.div_ceil(2), h.div_ceil(2)) => 420,
            Some(_) => return None,
        };
        Some(match (sub, depth) {
            (0, 8) => Gray8,
            (0, 10) => Gray10Le,
            (0, _) => Gray12Le,
            (420, 8) => Yuv420P,
            (420, 10) => Yuv420P10Le,
            (420, _) => Yuv420P12Le,
            (422, 8) => Yuv422P,
            (422, 10) => Yuv422P10Le,
            (422, _) => Yuv422P12Le,
            (_, 8) => Yuv444P,
            (_, 10) => Yuv444P10Le,
            (_, _) => Yuv444P12Le,
        })
    }
}

/// What to tell the author about an AVIF file that does not decode.
fn failure(why: &str) -> PictureFailure {
    if why.contains(ODD_WIDTH) {
        return PictureFailure::damaged(
            "this AVIF has an odd width with subsampled colour and a grid of tiles or an alpha plane, which bindery's AV1 decoder cannot read yet",
            "convert it to JPEG or PNG (e.g. `avifdec picture.avif picture.png`), or save it one pixel wider",
        );
    }
    PictureFailure::damaged(
        format!("cannot decode the AVIF picture: {why}"),
        "the file may be truncated or damaged, or use an AV1 feature bindery cannot decode yet; convert it to JPEG or PNG (e.g. `avifdec picture.avif picture.png`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PictureSettings {
        PictureSettings {
            max_edge: 1600,
            jpeg_quality: 85,
            max_pixels: 1_000_000,
            max_memory: 1 << 28,
        }
    }

    #[test]
    fn the_direct_path_gives_the_pixels_of_the_crate_s_own() {
        // An even width, which both paths decode: the same pixels, profile applied.
        let bytes = include_bytes!("../../tests/pictures/flower-p3.avif");
        let own = decode(bytes, &settings()).unwrap().into_rgb8();
        let direct = odd_width::decode(bytes, &settings()).unwrap().into_rgb8();
        assert_eq!(own.dimensions(), direct.dimensions());
        assert!(own.pixels().zip(direct.pixels()).all(|(a, b)| a
            .0
            .iter()
            .zip(b.0)
            .all(|(x, y)| x.abs_diff(y) <= 1)));
    }

    #[test]
    fn a_picture_over_the_pixel_limit_is_refused_on_both_paths() {
        let bytes = include_bytes!("../../tests/pictures/flower-odd.avif");
        let small = PictureSettings {
            max_pixels: 1000,
            ..settings()
        };
        assert!(decode(bytes, &small).is_err());
        assert!(odd_width::decode(bytes, &small).is_err());
    }
}
