//! SVG screening and resource resolution: bindery's own pass (scripts, entities, outside and
//! remote references, `data:` pictures over the limits), then the PDF's SVG parser with the
//! resolver that reads nothing. Never panics; what is kept names nothing outside the drawing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut svg =
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
            .to_vec();
    svg.extend_from_slice(data);
    svg.extend_from_slice(b"</svg>");
    let settings = bindery::assets::picture::PictureSettings {
        max_edge: 256,
        jpeg_quality: 80,
        max_pixels: 1_000_000,
        max_memory: 16 << 20,
    };
    let Ok(mut variants) = bindery::assets::images::process_variants(&svg, &settings, &[256])
    else {
        return;
    };
    let kept = variants.remove(0);
    let text = String::from_utf8_lossy(&kept.bytes).to_ascii_lowercase();
    assert!(!text.contains("<script"), "a script was kept");
    let _ = bindery::pdf::write::svg_size(&kept);
});
