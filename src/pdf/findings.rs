//! What typesetting and writing found that the author should know, as diagnostics: characters
//! no font has (at their first place in the chapter's source), the typesetter's own page checks,
//! and why the PDF could not claim its standard.

use super::Findings;
use crate::diag::{Code, Diagnostic, Diagnostics, SourceMap, Span};
use crate::doc::Document;

/// The findings of one PDF as diagnostics, in this order: missing characters, page checks, the
/// standard.
pub(super) fn diagnostics(
    findings: Findings,
    doc: &Document,
    sources: &SourceMap,
    pdf_a: bool,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for (chapter, c) in findings.missing {
        diags.push(missing_glyph(doc, sources, chapter, c));
    }
    for finding in findings.layout {
        diags.push(
            Diagnostic::warning(format!("layout check: {finding}"))
                .code(Code::LayoutCheck)
                .hint("this is a bug in bindery, not in the book; please report it with the book"),
        );
    }
    if let Some(why) = findings.not_conforming {
        let standard = if pdf_a { "PDF/A-2b" } else { "PDF/UA-1" };
        diags.push(
            Diagnostic::warning(format!("the PDF does not conform to {standard}: {why}"))
                .code(Code::PdfStandard)
                .hint("the PDF is still written and tagged; fix the reasons above to get a conforming file"),
        );
    }
    diags
}

/// A character no font has: a warning at its first place in the chapter's source.
fn missing_glyph(doc: &Document, sources: &SourceMap, chapter: usize, c: char) -> Diagnostic {
    let file = doc.chapters[chapter].file;
    let at = sources.text(file).find(c).unwrap_or(0);
    Diagnostic::warning(format!(
        "no font has the character {c:?} (U+{:04X}); it is drawn as an empty box in the PDF",
        c as u32
    ))
    .code(Code::MissingGlyph)
    .at(Span::new(file, at..at + c.len_utf8()))
    .hint("add a font that has it to the book's fonts/ folder, or replace the character")
}
