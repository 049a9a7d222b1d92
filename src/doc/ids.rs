//! Naming of ids: the ids the writers reserve, footnote ids, and the heading ids every chapter
//! gets (mdBook's slugs, made unique per chapter) that links resolve against.

use std::collections::{HashMap, HashSet};

use super::visit::{visit_blocks_mut, visit_inlines_mut};
use super::{Block, Document, Inline};
use crate::text::{slug, xml_id};

/// Ids reserved for what the writers generate.
pub const TITLE_ID: &str = "chapter-title";

pub fn footnote_id(number: u32) -> String {
    format!("fn-{number}")
}

pub fn footnote_ref_id(number: u32, occurrence: u32) -> String {
    if occurrence <= 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{occurrence}")
    }
}

/// Per chapter: every anchor a link may name (as written in the source) and the id it became.
pub type Anchors = Vec<HashMap<String, String>>;

/// Give every heading a unique, XML-valid id (mdBook's slugs, `-1`, `-2` for repeats) and record
/// all anchors of each chapter.
pub fn assign_ids(doc: &mut Document) -> Anchors {
    let mut all = Vec::with_capacity(doc.chapters.len());
    for chapter in &mut doc.chapters {
        let mut used: HashSet<String> = HashSet::new();
        used.insert(TITLE_ID.to_string());
        for n in 1..=chapter.footnotes.len() as u32 + 1 {
            used.insert(footnote_id(n));
        }
        let mut anchors = HashMap::new();
        visit_blocks_mut(&mut chapter.blocks, &mut |block| {
            if let Block::Heading { id, content, .. } = block {
                let source = if id.is_empty() {
                    slug(&Inline::plain_text(content))
                } else {
                    id.clone()
                };
                let base = xml_id(if source.is_empty() {
                    "section"
                } else {
                    &source
                });
                let mut unique = base.clone();
                let mut n = 1;
                while used.contains(&unique) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
                used.insert(unique.clone());
                // mdBook's own repeat suffix is on the slug; record both spellings.
                anchors
                    .entry(source.clone())
                    .or_insert_with(|| unique.clone());
                anchors.insert(
                    if n > 1 {
                        format!("{source}-{}", n - 1)
                    } else {
                        source
                    },
                    unique.clone(),
                );
                *id = unique;
            }
        });
        // Ids written in raw HTML (`<div id>`, `<dt id>`, `<a id>`, `<span id>`) are link targets
        // too. One that repeats an id already given (an `<a id="x">` beside the heading `x`, as
        // books write for old links) is written once: the anchor already leads there.
        let mut html_id = |id: &mut Option<String>| {
            let Some(written) = id.clone() else { return };
            let x = xml_id(&written);
            if used.contains(&x) {
                anchors.entry(written).or_insert(x);
                *id = None;
            } else {
                used.insert(x.clone());
                anchors.insert(written, x.clone());
                *id = Some(x);
            }
        };
        visit_blocks_mut(&mut chapter.blocks, &mut |block| {
            if let Block::Div { id, .. } = block {
                html_id(id);
            }
        });
        visit_inlines_mut(&mut chapter.blocks, &mut |inline| {
            if let Inline::Run { id, .. } = inline {
                html_id(id);
            }
        });
        all.push(anchors);
    }
    all
}
