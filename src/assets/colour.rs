//! Colour profiles: a photo that carries an ICC profile other than sRGB (Display P3 from phones,
//! Adobe RGB from cameras) has its pixels converted to sRGB, the space every e-reader assumes and
//! the one the PDF's pictures are drawn in. Re-encoding drops the profile, so without this the
//! colours would be read as sRGB and come out dull or shifted. moxcms (pure Rust, already in the
//! `image` crate's tree) lives here only.
//!
//! A profile that maps colours to themselves in sRGB (an sRGB profile under any name) changes
//! nothing, so such a photo can still be kept byte for byte. A profile that cannot be read, or
//! that is not for the picture's colour model (a CMYK profile on pixels the decoder already made
//! RGB), leaves the pixels as they are: the colours are then as they were before profiles were
//! read, never worse.

use image::{DynamicImage, GrayAlphaImage, GrayImage, RgbImage, RgbaImage};
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, DataColorSpace, Layout, MatrixCoefficients,
    TransferCharacteristics, TransformOptions,
};

/// Test colours across the cube: a profile that maps each to itself within one level is sRGB.
const PROBES: [[u8; 3]; 8] = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [200, 120, 40],
    [40, 160, 200],
    [128, 128, 128],
    [250, 250, 250],
    [20, 20, 20],
];

/// Whether `icc` describes sRGB (or a space that converts to it unchanged).
pub fn is_srgb(icc: &[u8]) -> bool {
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return false;
    };
    if source.color_space != DataColorSpace::Rgb {
        return false;
    }
    let Ok(transform) = source.create_transform_8bit(
        Layout::Rgb,
        &ColorProfile::new_srgb(),
        Layout::Rgb,
        TransformOptions::default(),
    ) else {
        return false;
    };
    let input: Vec<u8> = PROBES.iter().flatten().copied().collect();
    let mut output = vec![0; input.len()];
    transform.transform(&input, &mut output).is_ok()
        && input.iter().zip(&output).all(|(a, b)| a.abs_diff(*b) <= 1)
}

/// `img` converted from the space `icc` describes to sRGB, 8 bits a channel; `img` as it is when
/// the profile cannot be used for it.
pub fn to_srgb(img: DynamicImage, icc: &[u8]) -> DynamicImage {
    match ColorProfile::new_from_slice(icc) {
        Ok(source) => convert(img, &source),
        Err(_) => img,
    }
}

/// `img` converted to sRGB from the colour space its file states as H.273 code points (the
/// `nclx` colour information of HEIF and AVIF): wide-gamut primaries (Display P3, BT.2020) under
/// an SDR transfer. sRGB and BT.709 primaries, unspecified values, and HDR transfers (PQ, HLG,
/// which need tone mapping, not a profile) leave the pixels as they are.
pub fn cicp_to_srgb(img: DynamicImage, primaries: u8, transfer: u8) -> DynamicImage {
    // 1: BT.709 (sRGB's primaries); 2: unspecified. 16 and 18: PQ and HLG.
    if matches!(primaries, 1 | 2) || matches!(transfer, 16 | 18) {
        return img;
    }
    // The sRGB curve where the file leaves the transfer unspecified (MIAF's default).
    let transfer = if transfer == 2 { 13 } else { transfer };
    let (Ok(color_primaries), Ok(transfer_characteristics)) = (
        CicpColorPrimaries::try_from(primaries),
        TransferCharacteristics::try_from(transfer),
    ) else {
        return img;
    };
    let source = ColorProfile::new_from_cicp(CicpProfile {
        color_primaries,
        transfer_characteristics,
        matrix_coefficients: MatrixCoefficients::Bt709,
        full_range: true,
    });
    // No curve: moxcms has no colorimetry for these code points (reserved, or no primaries).
    if source.red_trc.is_none() {
        return img;
    }
    convert(img, &source)
}

/// `img` converted from `source` to sRGB (grey to grey), 8 bits a channel; `img` as it is when
/// `source` is not for its colour model.
fn convert(img: DynamicImage, source: &ColorProfile) -> DynamicImage {
    let (layout, space) = match &img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageLuma16(_) => {
            (Layout::Gray, DataColorSpace::Gray)
        }
        DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_) => {
            (Layout::GrayAlpha, DataColorSpace::Gray)
        }
        other if other.color().has_alpha() => (Layout::Rgba, DataColorSpace::Rgb),
        _ => (Layout::Rgb, DataColorSpace::Rgb),
    };
    if source.color_space != space {
        return img;
    }
    // Grey stays grey: the same tone on the curve readers assume for grey (gamma 2.2, which
    // sRGB approximates).
    let target = if space == DataColorSpace::Gray {
        ColorProfile::new_gray_with_gamma(2.2)
    } else {
        ColorProfile::new_srgb()
    };
    let Ok(transform) =
        source.create_transform_8bit(layout, &target, layout, TransformOptions::default())
    else {
        return img;
    };
    let (w, h) = (img.width(), img.height());
    let pixels = match layout {
        Layout::Gray => img.into_luma8().into_raw(),
        Layout::GrayAlpha => img.into_luma_alpha8().into_raw(),
        Layout::Rgba => img.into_rgba8().into_raw(),
        _ => img.into_rgb8().into_raw(),
    };
    let mut converted = vec![0; pixels.len()];
    if transform.transform(&pixels, &mut converted).is_err() {
        converted = pixels;
    }
    let out = match layout {
        Layout::Gray => GrayImage::from_raw(w, h, converted).map(DynamicImage::ImageLuma8),
        Layout::GrayAlpha => {
            GrayAlphaImage::from_raw(w, h, converted).map(DynamicImage::ImageLumaA8)
        }
        Layout::Rgba => RgbaImage::from_raw(w, h, converted).map(DynamicImage::ImageRgba8),
        _ => RgbImage::from_raw(w, h, converted).map(DynamicImage::ImageRgb8),
    };
    out.expect("the converted pixels have the size of the picture's")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each colour converted from `profile` is within 2 levels of the reference's sRGB.
    fn assert_converts(profile: &[u8], cases: [([u8; 3], [u8; 3]); 4]) {
        assert!(!is_srgb(profile));
        for (colour, want) in cases {
            let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, image::Rgb(colour)));
            let got = to_srgb(img, profile).into_rgb8().get_pixel(1, 1).0;
            for c in 0..3 {
                assert!(
                    got[c].abs_diff(want[c]) <= 2,
                    "{colour:?}: got {got:?}, the reference says {want:?}"
                );
            }
        }
    }

    #[test]
    fn display_p3_pixels_become_the_srgb_of_the_same_colour() {
        // By the published primaries (both D65, both with the sRGB curve), worked out apart from
        // moxcms; tests/build/phone_photos.rs has the formula.
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        assert_converts(
            &p3,
            [
                ([200, 60, 40], [217, 42, 23]),
                ([60, 180, 90], [0, 183, 78]),
                ([90, 100, 210], [88, 100, 217]),
                ([128, 128, 128], [128, 128, 128]),
            ],
        );
    }

    #[test]
    fn adobe_rgb_pixels_become_the_srgb_of_the_same_colour() {
        // Adobe RGB (1998): gamma 563/256 and its published RGB-to-XYZ matrix, then XYZ to sRGB
        // (both D65), worked out apart from moxcms.
        let adobe = ColorProfile::new_adobe_rgb().encode().unwrap();
        assert_converts(
            &adobe,
            [
                ([200, 60, 40], [231, 57, 34]),
                ([60, 180, 90], [0, 181, 83]),
                ([90, 100, 210], [85, 100, 214]),
                ([128, 128, 128], [129, 129, 129]),
            ],
        );
    }

    #[test]
    fn an_srgb_profile_changes_nothing_and_a_broken_one_keeps_the_pixels() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        assert!(is_srgb(&srgb));
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, image::Rgb([200, 60, 40])));
        assert_eq!(
            to_srgb(img.clone(), &srgb).into_rgb8().get_pixel(0, 0).0,
            [200, 60, 40]
        );
        assert!(!is_srgb(b"not a profile"));
        assert_eq!(
            to_srgb(img, b"not a profile").into_rgb8().get_pixel(0, 0).0,
            [200, 60, 40]
        );
    }

    #[test]
    fn nclx_code_points_convert_wide_gamut_and_leave_srgb_and_hdr_alone() {
        let pixel = |img: DynamicImage| img.into_rgb8().get_pixel(0, 0).0;
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, image::Rgb([40, 160, 200])));
        // Display P3 primaries (12), sRGB curve (13): LittleCMS gives (0, 163, 204).
        let p3 = pixel(cicp_to_srgb(img.clone(), 12, 13));
        for (got, want) in p3.iter().zip([0u8, 163, 204]) {
            assert!(got.abs_diff(want) <= 2, "{p3:?}");
        }
        // An unspecified curve is read as sRGB's.
        assert_eq!(pixel(cicp_to_srgb(img.clone(), 12, 2)), p3);
        // BT.709 primaries, unspecified primaries, PQ and HLG: the pixels as they are.
        for (primaries, transfer) in [(1, 13), (2, 13), (9, 16), (12, 18), (255, 13)] {
            assert_eq!(
                pixel(cicp_to_srgb(img.clone(), primaries, transfer)),
                [40, 160, 200]
            );
        }
    }
}
