//! The typesetter's own checks on the pages it made: every word and picture inside the text
//! column, and every figure on one page with its caption. A finding is a bug in bindery, not in
//! the book: it is reported as a warning (`layout-check`) and the PDF is still written, and the
//! corpus run in CI fails on any (its warnings are compared by kind).

use super::model::{PageItem, StructKind, TypesetBook};
use super::settings::TypesetSettings;

/// How far glyph advances may reach past the column (rounding of positions).
const TOLERANCE: f32 = 0.5;

/// What is wrong with the pages, one sentence each (empty when nothing is).
pub fn verify(book: &TypesetBook, s: &TypesetSettings) -> Vec<String> {
    let mut findings = Vec::new();
    let margin = s.inner.min(s.outer);
    let (left, right) = (margin - TOLERANCE, s.width - margin + TOLERANCE);
    // Per structure element: the pages its content is on.
    let mut pages_of: Vec<Vec<usize>> = vec![Vec::new(); book.structure.len()];
    for (number, page) in book.pages.iter().enumerate() {
        for item in &page.items {
            let (x0, x1, tag, what) = match item {
                PageItem::Text {
                    x,
                    size,
                    glyphs,
                    text,
                    artifact: false,
                    tag,
                    ..
                } => {
                    let w: f32 = glyphs.iter().map(|g| g.advance).sum::<f32>() * size;
                    (*x, x + w, *tag, text.as_str())
                }
                PageItem::Image { x, w, tag, .. } => (*x, x + w, *tag, "a picture"),
                _ => continue,
            };
            if x0 < left || x1 > right {
                findings.push(format!(
                    "page {}: {what:?} runs from {x0:.1} to {x1:.1} pt, outside the text column ({left:.1} to {right:.1} pt)",
                    number + 1
                ));
            }
            if let Some(pages) = tag.and_then(|t| pages_of.get_mut(t)) {
                if !pages.contains(&number) {
                    pages.push(number);
                }
            }
        }
    }
    for (id, node) in book.structure.iter().enumerate() {
        let Some(figure) = node.parent.filter(|_| node.kind == StructKind::Caption) else {
            continue;
        };
        if !book
            .structure
            .get(figure)
            .is_some_and(|f| f.kind == StructKind::Figure)
        {
            continue;
        }
        let (picture, caption) = (&pages_of[figure], &pages_of[id]);
        if !picture.is_empty() && caption.iter().chain(picture).any(|p| *p != picture[0]) {
            findings.push(format!(
                "a figure is split from its caption: picture on page {}, caption on page {}",
                picture[0] + 1,
                caption
                    .iter()
                    .map(|p| (p + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{Page, StructNode};

    fn settings() -> TypesetSettings {
        crate::pdf::layout_settings(
            &crate::config::PdfSettings::default(),
            std::sync::Arc::new(crate::pdf::FontBook::bundled_only()),
        )
    }

    fn picture(x: f32, w: f32, tag: usize) -> PageItem {
        PageItem::Image {
            x,
            y: 100.0,
            w,
            h: 50.0,
            image: 0,
            alt: String::new(),
            tag: Some(tag),
        }
    }

    fn page(items: Vec<PageItem>) -> Page {
        Page {
            width: 420.0,
            height: 595.0,
            numbering: crate::pdf::model::Numbering::Arabic,
            items,
        }
    }

    fn figure_structure() -> Vec<StructNode> {
        let node = |kind, parent| StructNode {
            kind,
            parent,
            alt: None,
            lang: None,
        };
        vec![
            node(StructKind::Figure, None),
            node(StructKind::Caption, Some(0)),
        ]
    }

    #[test]
    fn a_picture_past_the_column_is_found() {
        let s = settings();
        let book = TypesetBook {
            pages: vec![page(vec![
                picture(s.inner, 100.0, 0),
                picture(s.width - 20.0, 100.0, 0),
            ])],
            structure: figure_structure(),
            ..TypesetBook::default()
        };
        let found = verify(&book, &s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("outside the text column"));
    }

    #[test]
    fn a_caption_on_another_page_than_its_picture_is_found() {
        let s = settings();
        let text = |tag: usize| PageItem::Text {
            x: s.inner,
            y: 200.0,
            size: 10.0,
            face: 0,
            color: crate::pdf::model::BLACK,
            glyphs: Vec::new(),
            text: "Caption".to_string(),
            artifact: false,
            tag: Some(tag),
        };
        let split = TypesetBook {
            pages: vec![page(vec![picture(s.inner, 100.0, 0)]), page(vec![text(1)])],
            structure: figure_structure(),
            ..TypesetBook::default()
        };
        let found = verify(&split, &s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("split from its caption"), "{found:?}");
        let whole = TypesetBook {
            pages: vec![page(vec![picture(s.inner, 100.0, 0), text(1)])],
            structure: figure_structure(),
            ..TypesetBook::default()
        };
        assert!(verify(&whole, &s).is_empty());
    }
}
