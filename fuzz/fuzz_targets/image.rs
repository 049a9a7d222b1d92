//! Picture decoding through bindery's limits (pixel count, memory, truncation, SVG screening).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = bindery::assets::picture::PictureSettings {
        max_edge: 256,
        jpeg_quality: 80,
        max_pixels: 4_000_000,
        max_memory: 64 << 20,
    };
    let _ = bindery::assets::images::process_variants(data, &settings, &[64, 256]);
});
