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
    Ok(match &image.metadata.icc {
        Some(icc) if !colour::is_srgb(icc) => colour::to_srgb(img, icc),
        Some(_) => img,
        None => colour::cicp_to_srgb(img, image.color.primaries, image.color.transfer),
    })
}

/// What to tell the author about an AVIF file that does not decode.
fn failure(why: &str) -> PictureFailure {
    if why.contains("cannot infer AV1 frame format") {
        // oxideav-avif 0.0.15 reads the chroma layout back from the planes' widths, which an
        // odd width with subsampled chroma (4:2:0, 4:2:2) does not give.
        return PictureFailure::damaged(
            "this AVIF has an odd width with subsampled colour, which bindery's AV1 decoder cannot read yet",
            "convert it to JPEG or PNG (e.g. `avifdec picture.avif picture.png`), or save it one pixel wider",
        );
    }
    PictureFailure::damaged(
        format!("cannot decode the AVIF picture: {why}"),
        "the file may be truncated or damaged, or use an AV1 feature bindery cannot decode yet; convert it to JPEG or PNG (e.g. `avifdec picture.avif picture.png`)",
    )
}
