//! Markdown (raw HTML included) → document tree → EPUB and PDF page model: must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = bindery::pipeline::book_from_markdown(text);
    let options = bindery::epub::Options {
        embed_fonts: false,
        contents_label: "Contents".into(),
        book_fonts: Vec::new(),
        title_card: false,
        certified_by: None,
        kobo: false,
    };
    let _ = bindery::epub::write(&doc, &[], &options);
    let settings = bindery::pdf::layout_settings(
        &bindery::config::PdfSettings::default(),
        std::sync::Arc::new(bindery::pdf::FontBook::bundled_only()),
    );
    let _ = bindery::pdf::layout::typeset(&doc, &settings, &[]);
});
