//! Helpers shared by the test binaries.

/// The XHTML of the chapter of a one-report book made from `markdown` (no files behind it).
pub fn chapter_xhtml(markdown: &str) -> String {
    let doc = bindery::pipeline::book_from_markdown(markdown);
    let epub = bindery::epub::write(
        &doc,
        &[],
        &bindery::epub::Options {
            embed_fonts: false,
            contents_label: "Contents".into(),
            book_fonts: Vec::new(),
            title_card: false,
            certified_by: None,
            kobo: false,
        },
    )
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut xhtml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/text/ch001.xhtml").unwrap(),
        &mut xhtml,
    )
    .unwrap();
    xhtml
}
