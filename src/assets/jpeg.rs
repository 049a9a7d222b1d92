//! JPEG coding for pictures (the home of `jpeg-decoder` and `jpeg-encoder`): a photo much larger
//! than its largest variant is decoded at 1/2, 1/4 or 1/8 scale inside the inverse DCT, and every
//! re-encoded JPEG is written with an AVX2 encoder.
//!
//! Why not the image crate for both: phone photos of 12-50 megapixels are placed at 1,000-2,000
//! pixels, so a full decode makes 4-16 times the pixels it keeps (time, and memory for the whole
//! buffer), and the image crate's JPEG encoder is scalar. Both were most of the build time of a
//! book with many photos. Anything the scaled decoder does not take (CMYK, 16-bit, a file it
//! refuses) goes the image crate's full-size way, whose error messages the book's author sees.

use image::{DynamicImage, GrayImage, RgbImage};

/// Decode `bytes` at the smallest scale whose long edge still covers `edge`, or `None` when the
/// scaled decoder cannot give plain 8-bit grey or RGB pixels (the caller decodes at full size).
/// `max_memory` bounds the decoder's buffers.
pub fn decode_scaled(bytes: &[u8], edge: u32, max_memory: u64) -> Option<DynamicImage> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(max_memory).unwrap_or(usize::MAX));
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    // The decoder takes the smallest scale that covers the request on *either* axis: ask only
    // on the long one (the short one can never be covered).
    let edge = u16::try_from(edge.min(w.max(h))).ok()?;
    let request = if w >= h {
        (edge, u16::MAX)
    } else {
        (u16::MAX, edge)
    };
    let (sw, sh) = decoder.scale(request.0, request.1).ok()?;
    let pixels = decoder.decode().ok()?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    match decoder.info()?.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8)
        }
        jpeg_decoder::PixelFormat::L16 | jpeg_decoder::PixelFormat::CMYK32 => None,
    }
}

/// Encode 8-bit grey or RGB pixels as a baseline JPEG at `quality` (1-100).
pub fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    let (w, h) = (
        u16::try_from(img.width()).map_err(|_| "wider than 65,535 pixels")?,
        u16::try_from(img.height()).map_err(|_| "taller than 65,535 pixels")?,
    );
    let result = match img {
        DynamicImage::ImageLuma8(grey) => {
            encoder.encode(grey.as_raw(), w, h, jpeg_encoder::ColorType::Luma)
        }
        other => {
            let rgb = other.to_rgb8();
            encoder.encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        }
    };
    result.map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
        });
        encode(&DynamicImage::ImageRgb8(img), 90).unwrap()
    }

    #[test]
    fn a_large_photo_is_decoded_at_the_smallest_scale_that_covers_the_edge() {
        let bytes = photo(1600, 1200);
        // 400 px needs a quarter; 401 px needs a half; 1600 needs all.
        let quarter = decode_scaled(&bytes, 400, 1 << 30).unwrap();
        assert_eq!((quarter.width(), quarter.height()), (400, 300));
        let half = decode_scaled(&bytes, 401, 1 << 30).unwrap();
        assert_eq!((half.width(), half.height()), (800, 600));
        let full = decode_scaled(&bytes, 5000, 1 << 30).unwrap();
        assert_eq!((full.width(), full.height()), (1600, 1200));
    }

    #[test]
    fn scaled_pixels_are_the_average_of_the_full_ones() {
        let bytes = photo(512, 512);
        let full = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let eighth = decode_scaled(&bytes, 64, 1 << 30).unwrap().to_rgb8();
        // One pixel of the 1/8 decode is the mean of an 8 x 8 block of the full one, up to
        // rounding and the codec's own error.
        for (bx, by) in [(0, 0), (20, 7), (63, 63)] {
            let mean: u32 = (0..8)
                .flat_map(|dy| (0..8).map(move |dx| (dx, dy)))
                .map(|(dx, dy)| u32::from(full.get_pixel(bx * 8 + dx, by * 8 + dy).0[1]))
                .sum::<u32>()
                / 64;
            let got = u32::from(eighth.get_pixel(bx, by).0[1]);
            assert!(
                mean.abs_diff(got) <= 4,
                "block ({bx}, {by}): {got} vs {mean}"
            );
        }
    }

    #[test]
    fn damaged_or_unusual_files_are_left_to_the_full_decoder() {
        assert!(decode_scaled(b"not a jpeg", 100, 1 << 30).is_none());
        let bytes = photo(256, 256);
        // A memory bound smaller than the buffers refuses rather than allocates.
        assert!(decode_scaled(&bytes, 256, 1_000).is_none());
    }

    #[test]
    fn grey_stays_one_channel_and_the_output_reads_back() {
        let grey = GrayImage::from_fn(300, 200, |x, _| image::Luma([(x % 256) as u8]));
        let bytes = encode(&DynamicImage::ImageLuma8(grey), 80).unwrap();
        let back = image::load_from_memory(&bytes).unwrap();
        assert_eq!(back.color(), image::ColorType::L8);
        assert_eq!((back.width(), back.height()), (300, 200));
    }
}
