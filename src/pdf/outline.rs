//! The PDF outline (bookmarks): the chapters nested as in the table of contents, each with its
//! level-2 and level-3 headings, at the places the paginator put them.

use std::collections::HashMap;

use super::model::Bookmark;
use super::pages::Placed;
use crate::doc::{Document, TocItem};

/// Nested bookmarks: chapters as in the table of contents, their level-2 and 3 headings below.
pub(super) fn outline(doc: &Document, headings: &[Placed], offset: usize) -> Vec<Bookmark> {
    let mut by_chapter: HashMap<usize, Vec<&Placed>> = HashMap::new();
    for h in headings {
        by_chapter.entry(h.chapter).or_default().push(h);
    }
    fn build(
        doc: &Document,
        items: &[TocItem],
        by_chapter: &HashMap<usize, Vec<&Placed>>,
        offset: usize,
    ) -> Vec<Bookmark> {
        let mut out = Vec::new();
        for item in items {
            if let TocItem::Entry {
                chapter: Some(c),
                children,
                ..
            } = item
            {
                let Some(hs) = by_chapter.get(c) else {
                    continue;
                };
                let Some(top) = hs.iter().find(|h| h.level == 0) else {
                    continue;
                };
                let mut node = Bookmark {
                    title: doc.chapter_label(*c),
                    page: top.page + offset,
                    y: top.y,
                    children: Vec::new(),
                };
                let mut current_l2: Option<usize> = None;
                for h in hs.iter().filter(|h| h.level > 0) {
                    let b = Bookmark {
                        title: h.title.clone(),
                        page: h.page + offset,
                        y: h.y,
                        children: Vec::new(),
                    };
                    if h.level == 1 {
                        node.children.push(b);
                        current_l2 = Some(node.children.len() - 1);
                    } else if let Some(i) = current_l2 {
                        node.children[i].children.push(b);
                    } else {
                        node.children.push(b);
                    }
                }
                node.children
                    .extend(build(doc, children, by_chapter, offset));
                out.push(node);
            } else if let TocItem::Entry {
                chapter: None,
                children,
                ..
            } = item
            {
                out.extend(build(doc, children, by_chapter, offset));
            }
        }
        out
    }
    build(doc, &doc.toc, &by_chapter, offset)
}
