//! What typesetting and writing found that the author should know, as diagnostics: characters
//! no font has (at their first place in the chapter's source), the typesetter's own page checks,
//! and why the PDF could not claim its standard.

use super::model::TypesetBook;
use super::write::Cause;
use super::Findings;
use crate::diag::{Code, Diagnostic, Diagnostics, SourceMap, Span};
use crate::doc::Document;

/// The findings of one PDF as diagnostics, in this order: missing characters, page checks, the
/// standard.
pub(super) fn diagnostics(
    findings: Findings,
    doc: &Document,
    book: &TypesetBook,
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
    let standard = if pdf_a { "PDF/A-2b" } else { "PDF/UA-1" };
    for cause in findings.not_conforming {
        diags.push(not_conforming(standard, cause, doc, book, sources));
    }
    diags
}

/// One reason the PDF does not meet its standard, at the place in the book's source that shows
/// it when the words drawn there can be found in their chapter.
fn not_conforming(
    standard: &str,
    cause: Cause,
    doc: &Document,
    book: &TypesetBook,
    sources: &SourceMap,
) -> Diagnostic {
    let mut message = format!("the PDF does not conform to {standard}: {}", cause.what);
    let mut span = None;
    if let Some((page, text)) = &cause.place {
        let words: String = text.trim().chars().take(40).collect();
        message.push_str(&format!(" (page {}", page + 1));
        if !words.is_empty() {
            message.push_str(&format!(", in {words:?}"));
        }
        message.push(')');
        span = chapter_on_page(book, *page).and_then(|chapter| {
            let file = doc.chapters.get(chapter)?.file;
            let at = sources
                .text(file)
                .find(words.as_str())
                .filter(|_| !words.is_empty())?;
            Some(Span::new(file, at..at + words.len()))
        });
    }
    let mut d = Diagnostic::warning(message)
        .code(Code::PdfStandard)
        .hint("the PDF is still written and tagged, without the claim; change or remove these characters, or use a font that has them, to get a conforming file");
    if let Some(span) = span {
        d = d.at(span);
    }
    d
}

/// The chapter whose pages include `page`: the last to start on or before it.
fn chapter_on_page(book: &TypesetBook, page: usize) -> Option<usize> {
    book.anchors
        .iter()
        .filter(|((_, id), &(start, _))| id.is_none() && start <= page)
        .max_by_key(|((chapter, _), &(start, _))| (start, *chapter))
        .map(|((chapter, _), _)| *chapter)
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
