//! The PDF's standard (PDF/UA-1, or PDF/A-2b): met by every glyph keeping its characters, in
//! right-to-left text and in SVG pictures' text too, or refused with causes a person can act on.

use crate::support::*;

fn claims_ua(out: &tempfile::TempDir) -> bool {
    String::from_utf8_lossy(&std::fs::read(out.path().join("book.pdf")).unwrap())
        .contains("pdfuaid")
}

/// Right-to-left words: each glyph's characters are the ones of its cluster in the text, not an
/// empty range (which PDF/UA forbids: the words could not be read aloud).
#[test]
fn right_to_left_text_keeps_its_characters() {
    let dir = book(&[
        ("book.toml", b"[book]\ntitle = \"T\"\n"),
        (
            "src/a.md",
            "# A\n\nArabic \u{627}\u{644}\u{633}\u{644}\u{627}\u{645} \u{639}\u{644}\u{64a}\u{643}\u{645} and Hebrew \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{5e2}\u{5d5}\u{5dc}\u{5dd}.\n"
                .as_bytes(),
        ),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("does not conform"), "{}", run.stderr);
    assert!(claims_ua(&out));
}

/// An SVG picture whose text has combining marks the font draws as glyphs of their own: its
/// text is drawn as outlines (the note says so), the PDF conforms, and the EPUB keeps the text.
#[test]
fn svg_text_that_cannot_keep_its_characters_is_outlined_and_the_pdf_conforms() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"60\"><text x=\"10\" y=\"30\">Vie\u{323}\u{302}t x\u{302}</text></svg>";
    let plain = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"60\"><text x=\"10\" y=\"30\">Plain words</text></svg>";
    let dir = book(&[
        ("book.toml", b"[book]\ntitle = \"T\"\n"),
        (
            "src/a.md",
            b"# A\n\n![A greeting](marks.svg)\n\n![Plain words](plain.svg)\n",
        ),
        ("src/marks.svg", svg.as_bytes()),
        ("src/plain.svg", plain.as_bytes()),
    ]);
    let (run, out) = build_pdf(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("does not conform"), "{}", run.stderr);
    assert!(claims_ua(&out));
    let note = run
        .stderr
        .lines()
        .find(|l| l.contains("drawn as outlines"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        note.contains("marks.svg") && !note.contains("plain.svg"),
        "{note}"
    );
    // Only the picture that needs it loses its text: the note names the pictures outlined.
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let marks = files
        .iter()
        .filter(|(n, _)| n.ends_with(".svg"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .find(|t| t.contains("Vie"))
        .unwrap_or_default();
    assert!(marks.contains("x\u{302}"), "the EPUB keeps the SVG's text");
}
