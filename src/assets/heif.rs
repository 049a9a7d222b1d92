//! HEIF photos (`.heic`, the iPhone's format since 2017 and many Android phones'): the file's
//! primary image decoded in pure Rust by heifer, with the tiles of a phone's grid joined, the
//! rotation and mirroring the file asks for applied, and its colours converted to sRGB from its
//! ICC profile (Display P3 on iPhones) or its `nclx` colour information. heifer lives here only.
//!
//! The primary image is the one a viewer shows: of a burst or a Live Photo's still, the picture
//! the phone chose. EXIF orientation is not applied on top: in HEIF the `irot`/`imir`
//! properties are the orientation, and phones write EXIF's as a copy of them.

use heifer::heifer_isobmff::HeifFile;
use image::{DynamicImage, RgbaImage};

use super::picture::{PictureFailure, PictureSettings};

/// The brands of a HEIF still image coded in HEVC (ISO/IEC 23008-12), major or compatible, and
/// `mif1`, the generic HEIF brand (HEVC unless an AV1 brand says otherwise).
const HEVC_BRANDS: [&[u8; 4]; 7] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
];

/// The brands of AV1 pictures in the same container (AVIF).
const AV1_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];

/// What the `ftyp` box at the start of a file says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeifKind {
    /// HEVC-coded: HEIC.
    Hevc,
    /// AV1-coded: AVIF.
    Av1,
}

/// The kind of HEIF file `bytes` is, from its `ftyp` box; `None` for anything else.
pub fn kind(bytes: &[u8]) -> Option<HeifKind> {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes(bytes[0..4].try_into().ok()?) as usize;
    let end = size.clamp(16, bytes.len().min(4096));
    // The major brand, then the compatible brands after the minor version.
    let brands = std::iter::once(&bytes[8..12]).chain(bytes[16..end].chunks_exact(4));
    let mut kind = None;
    for brand in brands {
        if AV1_BRANDS.iter().any(|b| b.as_slice() == brand) {
            return Some(HeifKind::Av1);
        }
        if HEVC_BRANDS.iter().any(|b| b.as_slice() == brand) {
            kind = Some(HeifKind::Hevc);
        }
    }
    kind
}

/// The primary image's width and height as stored (before rotation), without decoding it.
pub fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    let file = HeifFile::parse(bytes).ok()?;
    file.image_size(file.primary_id).ok().flatten()
}

/// The primary image in sRGB, 8 bits a channel; with alpha only when the file has an alpha plane.
pub fn decode(bytes: &[u8], settings: &PictureSettings) -> Result<DynamicImage, PictureFailure> {
    let options = heifer::Options {
        // Pictures are already decoded in parallel, one per core; tiles in parallel on top of
        // that would only multiply the threads and the memory held at once.
        max_threads: 1,
        max_pixels: settings.max_pixels.max(1),
    };
    let decoded = heifer::decode_srgb_rgba8(bytes, &options).map_err(failure)?;
    let rgba =
        RgbaImage::from_raw(decoded.width, decoded.height, decoded.data).ok_or_else(|| {
            PictureFailure::damaged(
                "the decoded picture has the wrong number of pixels",
                "report this as a bindery bug, with the picture",
            )
        })?;
    let image = DynamicImage::ImageRgba8(rgba);
    // Opaque photos drop the alpha channel, so that they are encoded as JPEG.
    Ok(if decoded.has_alpha {
        image
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    })
}

/// What to tell the author about a HEIF file that does not decode.
fn failure(e: heifer::Error) -> PictureFailure {
    match e {
        heifer::Error::Unsupported(what) => PictureFailure::damaged(
            format!("this HEIF photo uses something bindery cannot decode yet ({what})"),
            "export it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible)",
        ),
        other => PictureFailure::damaged(
            format!("cannot decode the HEIF photo: {other}"),
            "the file may be truncated or damaged; copy or export it again",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut b = (size as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(major);
        b.extend_from_slice(&[0, 0, 0, 0]);
        for c in compatible {
            b.extend_from_slice(*c);
        }
        b.extend_from_slice(&[0; 8]);
        b
    }

    #[test]
    fn the_brand_says_which_codec() {
        assert_eq!(
            kind(&ftyp(b"heic", &[b"mif1", b"heic"])),
            Some(HeifKind::Hevc)
        );
        assert_eq!(kind(&ftyp(b"mif1", &[b"heic"])), Some(HeifKind::Hevc));
        assert_eq!(
            kind(&ftyp(b"avif", &[b"mif1", b"miaf"])),
            Some(HeifKind::Av1)
        );
        assert_eq!(kind(&ftyp(b"mif1", &[b"avif"])), Some(HeifKind::Av1));
        assert_eq!(kind(&ftyp(b"isom", &[b"mp41"])), None);
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(kind(b""), None);
    }

    #[test]
    fn a_damaged_heif_is_a_failure_not_a_panic() {
        let mut bytes = ftyp(b"heic", &[b"mif1"]);
        bytes.extend_from_slice(b"\0\0\0\x10metaXXXXXXXX");
        assert_eq!(size(&bytes), None);
        let settings = PictureSettings {
            max_edge: 100,
            jpeg_quality: 80,
            max_pixels: 1_000_000,
            max_memory: 1 << 26,
        };
        assert!(decode(&bytes, &settings).is_err());
    }
}
