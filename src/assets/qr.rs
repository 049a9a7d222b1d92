//! QR codes for printed handouts (the `qrcode` crate lives here only): a URL as a PNG picture
//! that a phone can scan from paper.

use std::io::Cursor;

use super::picture::Processed;

/// The most bytes a QR code holds (version 40, lowest error correction, byte mode).
pub const MAX_BYTES: usize = 2953;

/// A QR code for `text` with `module` pixels per module and the 4-module quiet zone the standard
/// asks for. `None` when the text is too long for a QR code.
pub fn png(text: &str, module: u32) -> Option<Processed> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let n = code.width() as u32;
    let colours = code.to_colors();
    let quiet = 4;
    let size = (n + 2 * quiet) * module;
    let img = image::GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = mx >= quiet
            && my >= quiet
            && mx < n + quiet
            && my < n + quiet
            && colours[((my - quiet) * n + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .ok()?;
    Some(Processed {
        bytes,
        media_type: "image/png",
        extension: "png",
        width: size,
        height: size,
        reencoded: true,
        removed: Vec::new(),
        embedded_limits: None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_a_square_png_with_a_quiet_zone() {
        let p = super::png("https://example.org/", 2).unwrap();
        assert_eq!(p.width, p.height);
        let img = image::load_from_memory(&p.bytes).unwrap().to_luma8();
        assert_eq!(img.get_pixel(0, 0).0[0], 255, "quiet zone is white");
        assert!(img.pixels().any(|px| px.0[0] == 0));
    }
}
