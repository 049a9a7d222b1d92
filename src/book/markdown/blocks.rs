//! Small pure helpers of the tree builder: pulldown-cmark's vocabulary in the tree's words, and
//! what a closed frame's contents become (paragraphs, figures, table cells).

use pulldown_cmark::{BlockQuoteKind, HeadingLevel};

use crate::doc::{AlertKind, Align, Block, Inline};

/// The cells of one GFM table row as written: split at every `|` that is not escaped (code
/// spans do not protect a `|` in GFM), outer pipes removed, each cell trimmed.
pub(super) fn table_row_cells(line: &str) -> Vec<&str> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let mut cells = Vec::new();
    let mut from = 0;
    let mut escaped = false;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'\\' => escaped = !escaped,
            b'|' if !escaped => {
                cells.push(line[from..i].trim());
                from = i + 1;
            }
            _ => escaped = false,
        }
    }
    let last = line[from..].trim();
    if !last.is_empty() {
        cells.push(last);
    }
    cells
}

/// Inline formatting elements that, written alone on a line around paragraphs, format them.
pub(super) fn wraps_blocks(name: &str) -> bool {
    matches!(
        name,
        "del" | "s" | "strike" | "em" | "i" | "strong" | "b" | "ins" | "u" | "span"
    )
}

pub(super) fn frame_blocks(mut blocks: Vec<Block>, inlines: Vec<Inline>) -> Vec<Block> {
    if !is_blank(&inlines) {
        blocks.push(Block::Paragraph(inlines));
    }
    blocks
}

/// An image alone in its paragraph becomes a figure, captioned with its title. The alt text is
/// not printed: it is the picture's description for screen readers (the EPUB's `alt`, the PDF's
/// tag tree), and printing it as well would make them read it twice.
pub(super) fn as_figure(inlines: &[Inline]) -> Option<Block> {
    let mut images = inlines
        .iter()
        .filter(|i| !is_blank(std::slice::from_ref(*i)));
    let Some(Inline::Image(image)) = images.next() else {
        return None;
    };
    if images.next().is_some() {
        return None;
    }
    let caption = image.title.clone().unwrap_or_default();
    let caption = if caption.is_empty() {
        Vec::new()
    } else {
        vec![Inline::Text(caption)]
    };
    Some(Block::Figure {
        image: image.clone(),
        caption,
    })
}

pub(super) fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.last(), Some(Inline::SoftBreak | Inline::LineBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end().len();
        t.truncate(trimmed);
    }
    inlines
}

pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub(super) fn alert_kind(kind: BlockQuoteKind) -> AlertKind {
    match kind {
        BlockQuoteKind::Note => AlertKind::Note,
        BlockQuoteKind::Tip => AlertKind::Tip,
        BlockQuoteKind::Important => AlertKind::Important,
        BlockQuoteKind::Warning => AlertKind::Warning,
        BlockQuoteKind::Caution => AlertKind::Caution,
    }
}

pub(super) fn align(a: pulldown_cmark::Alignment) -> Align {
    match a {
        pulldown_cmark::Alignment::None => Align::None,
        pulldown_cmark::Alignment::Left => Align::Left,
        pulldown_cmark::Alignment::Center => Align::Center,
        pulldown_cmark::Alignment::Right => Align::Right,
    }
}

pub(super) fn is_blank(inlines: &[Inline]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Text(t) => t.trim().is_empty(),
        Inline::SoftBreak | Inline::LineBreak => true,
        _ => false,
    })
}
