//! No panic on any input: property tests over mixtures of Markdown constructs (the fuzz
//! targets go further).

use crate::support::*;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]
    #[test]
    fn any_markdown_becomes_an_epub_and_a_pdf_without_panicking(
        parts in proptest::collection::vec(proptest::prelude::prop_oneof![
            "[ -~]{0,40}",
            "\\PC{0,20}",
            proptest::prelude::Just("\n\n".to_string()),
            proptest::prelude::Just("> > > ".to_string()),
            proptest::prelude::Just("- [ ] ".to_string()),
            proptest::prelude::Just("| a | b |\n|---|:-:|\n| 1 |".to_string()),
            proptest::prelude::Just("<div><p>x<b>y</div>".to_string()),
            proptest::prelude::Just("<script>x</script><img src=x onerror=y>".to_string()),
            proptest::prelude::Just("[^n]\n\n[^n]: note".to_string()),
            proptest::prelude::Just("```rust\n# hidden\nfn x() {}\n```".to_string()),
            proptest::prelude::Just("[link](#nowhere) [x](other.md)".to_string()),
            proptest::prelude::Just("Tiếng Việt: ặ ẫ ữ Ặ".to_string()),
        ], 0..12)
    ) {
        let text: String = parts.concat();
        let doc = bindery::pipeline::book_from_markdown(&text);
        let epub = bindery::epub::write(&doc, &[], &bindery::epub::Options { embed_fonts: false, contents_label: "Contents".into(), book_fonts: Vec::new(), title_card: false, certified_by: None, kobo: false }).unwrap();
        proptest::prop_assert!(epub.starts_with(b"PK"));
        let settings = layout_settings(&bindery::config::PdfSettings::default());
        let (book, _) = bindery::pdf::layout::typeset(&doc, &settings, &[]);
        proptest::prop_assert!(!book.pages.is_empty());
    }
}
