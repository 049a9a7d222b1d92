//! Passes over the whole document, run in this order by the pipeline: heading ids, footnote
//! numbers, link resolution, picture checks. Pure functions over the tree; problems become
//! diagnostics at the span of the node concerned.

use std::collections::{HashMap, HashSet};

use super::{Block, Document, Inline, LinkTarget};
use crate::diag::{Diagnostic, Diagnostics};
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
        visit_blocks_mut(&mut chapter.blocks, &mut |block| match block {
            Block::Heading { id, content, .. } => {
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
            Block::Div { id: Some(id), .. } => {
                let x = xml_id(id);
                used.insert(x.clone());
                anchors.insert(id.clone(), x.clone());
                *id = x;
            }
            _ => {}
        });
        visit_inlines_mut(&mut chapter.blocks, &mut |inline| {
            if let Inline::Span { id: Some(id), .. } = inline {
                let x = xml_id(id);
                anchors.insert(id.clone(), x.clone());
                *id = x;
            }
        });
        all.push(anchors);
    }
    all
}

/// Number footnotes in order of first reference, per chapter. A reference to a missing
/// definition, and a definition nobody references, are warnings.
pub fn number_footnotes(doc: &mut Document, diags: &mut Diagnostics) {
    for chapter in &mut doc.chapters {
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let defined: HashSet<String> = chapter.footnotes.iter().map(|f| f.label.clone()).collect();
        let mut next = 1;
        let mut visit = |inline: &mut Inline| {
            if let Inline::FootnoteRef {
                label,
                number,
                span,
            } = inline
            {
                if !defined.contains(label.as_str()) {
                    diags.push(
                        Diagnostic::warning(format!("footnote [^{label}] is not defined"))
                            .at(*span)
                            .hint(format!("add a line `[^{label}]: the note` to this report")),
                    );
                    return;
                }
                *number = *numbers.entry(label.clone()).or_insert_with(|| {
                    next += 1;
                    next - 1
                });
            }
        };
        visit_inlines_mut(&mut chapter.blocks, &mut visit);
        // Footnotes may reference other footnotes.
        for f in &mut chapter.footnotes {
            visit_inlines_mut(&mut f.blocks, &mut visit);
        }
        for f in &mut chapter.footnotes {
            match numbers.get(&f.label) {
                Some(n) => f.number = *n,
                None => {
                    f.number = next;
                    next += 1;
                }
            }
        }
        chapter.footnotes.sort_by_key(|f| f.number);
    }
}

/// Resolve every link written as a path: to a chapter and anchor of this book, to the book's web
/// site (`site-url`), or to plain text with a warning. A link to a missing chapter or anchor is an error.
pub fn resolve_links(doc: &mut Document, anchors: &Anchors, diags: &mut Diagnostics) {
    let by_path: HashMap<String, usize> = doc
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.source_path.clone(), i))
        .collect();
    let site_url = doc.meta.site_url.clone();
    let titles: Vec<String> = doc.chapters.iter().map(|c| c.source_path.clone()).collect();
    for (index, chapter) in doc.chapters.iter_mut().enumerate() {
        let dir = chapter
            .source_path
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .to_string();
        let mut visit = |inline: &mut Inline| {
            let Inline::Link { target, span, .. } = inline else {
                return;
            };
            let LinkTarget::Unresolved(dest) = target.clone() else {
                return;
            };
            let (path, fragment) = match dest.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(crate::book::summary::percent_decode(f))),
                None => (dest.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let find_anchor =
                |chapter: usize, frag: &Option<String>| -> Result<Option<String>, ()> {
                    match frag {
                        None => Ok(None),
                        Some(f) if f.is_empty() => Ok(None),
                        Some(f) => anchors[chapter].get(f).cloned().map(Some).ok_or(()),
                    }
                };
            if path.is_empty() {
                match find_anchor(index, &fragment) {
                    Ok(anchor) => {
                        *target = LinkTarget::Internal {
                            chapter: index,
                            anchor,
                        }
                    }
                    Err(()) => {
                        diags.push(
                            Diagnostic::error(format!("no heading or anchor #{} in this report", fragment.unwrap_or_default()))
                                .at(*span)
                                .hint("check the spelling; heading ids are the heading text in lower case with spaces as `-`"),
                        );
                        *target = LinkTarget::None;
                    }
                }
                return;
            }
            let decoded = crate::book::summary::percent_decode(&path);
            let joined = join_relative(&dir, &decoded);
            let chapter_of = |p: &str| -> Option<usize> {
                let candidates = [
                    p.to_string(),
                    p.strip_suffix(".html")
                        .map(|s| format!("{s}.md"))
                        .unwrap_or_default(),
                    p.strip_suffix("index.html")
                        .map(|s| format!("{s}README.md"))
                        .unwrap_or_default(),
                    p.strip_suffix("index.html")
                        .map(|s| format!("{s}index.md"))
                        .unwrap_or_default(),
                    if p.ends_with('/') || p.is_empty() {
                        format!("{p}README.md")
                    } else {
                        String::new()
                    },
                ];
                candidates
                    .iter()
                    .filter(|c| !c.is_empty())
                    .find_map(|c| by_path.get(c).copied())
            };
            match joined.as_deref().and_then(chapter_of) {
                Some(target_chapter) => match find_anchor(target_chapter, &fragment) {
                    Ok(anchor) => {
                        *target = LinkTarget::Internal {
                            chapter: target_chapter,
                            anchor,
                        }
                    }
                    Err(()) => {
                        diags.push(
                            Diagnostic::error(format!(
                                "no heading or anchor #{} in {}",
                                fragment.unwrap_or_default(),
                                titles[target_chapter]
                            ))
                            .at(*span)
                            .hint("check the spelling; heading ids are the heading text in lower case with spaces as `-`"),
                        );
                        *target = LinkTarget::None;
                    }
                },
                None if joined.as_deref().is_some_and(|j| j.ends_with(".md")) => {
                    diags.push(
                        Diagnostic::error(format!(
                            "link to {path}, which is not a chapter of this book"
                        ))
                        .at(*span)
                        .hint("check the file name, or add the report to SUMMARY.md"),
                    );
                    *target = LinkTarget::None;
                }
                None => match &site_url {
                    Some(site) => *target = LinkTarget::External(join_url(site, &dir, &dest)),
                    None => {
                        diags.push(
                            Diagnostic::warning(format!("link to {dest} leaves the book; shown as plain text"))
                                .at(*span)
                                .hint("set [output.html] site-url in book.toml to turn such links into web links"),
                        );
                        *target = LinkTarget::None;
                    }
                },
            }
        };
        visit_inlines_mut(&mut chapter.blocks, &mut visit);
        for f in &mut chapter.footnotes {
            visit_inlines_mut(&mut f.blocks, &mut visit);
        }
    }
}

/// Warn about pictures whose alt text says nothing (the EPUB then does not claim `alternativeText`).
pub fn check_alt_text(doc: &Document, diags: &mut Diagnostics) {
    for chapter in &doc.chapters {
        visit_blocks(&chapter.blocks, &mut |b| {
            if let Block::Figure { image, .. } = b {
                warn_alt(image, doc, diags);
            }
        });
        visit_inlines(&chapter.blocks, &mut |i| {
            if let Inline::Image(image) = i {
                warn_alt(image, doc, diags);
            }
        });
    }
}

fn warn_alt(image: &super::Image, doc: &Document, diags: &mut Diagnostics) {
    if crate::book::markdown::is_placeholder_alt(&image.alt) {
        let what = if image.alt.is_empty() {
            "no alt text".to_string()
        } else {
            format!("alt text \"{}\" that does not describe it", image.alt)
        };
        diags.push(
            Diagnostic::warning(format!("picture {} has {what}", doc.images[image.id.0].rel_path))
                .at(image.span)
                .hint("describe the picture for readers who cannot see it: ![Speakers on the keynote stage](...)"),
        );
    }
}

/// Join a relative link path to the chapter's folder; `None` when it climbs out of the book.
fn join_relative(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    let trailing_slash = path.ends_with('/');
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if trailing_slash {
        joined.push('/');
    }
    Some(joined)
}

/// The web address a relative link would have on the book's site.
fn join_url(site: &str, dir: &str, dest: &str) -> String {
    let (origin, base_path) = match site.find("://") {
        Some(i) => {
            let after = &site[i + 3..];
            let slash = after.find('/').map_or(site.len(), |j| i + 3 + j);
            (&site[..slash], &site[slash..])
        }
        None => ("", site),
    };
    let mut parts: Vec<&str> = base_path.split('/').filter(|s| !s.is_empty()).collect();
    parts.extend(dir.split('/').filter(|s| !s.is_empty()));
    for seg in dest.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("{origin}/{}", parts.join("/"))
}

/// Visit every block, depth first, including those inside containers.
pub fn visit_blocks(blocks: &[Block], f: &mut impl FnMut(&Block)) {
    let mut stack: Vec<&Block> = blocks.iter().rev().collect();
    while let Some(b) = stack.pop() {
        f(b);
        for child in children(b).into_iter().rev() {
            stack.extend(child.iter().rev());
        }
    }
}

fn children(b: &Block) -> Vec<&Vec<Block>> {
    match b {
        Block::BlockQuote(bs) | Block::Alert { blocks: bs, .. } | Block::Div { blocks: bs, .. } => {
            vec![bs]
        }
        Block::List { items, .. } => items.iter().map(|i| &i.blocks).collect(),
        Block::DefinitionList(items) => items.iter().flat_map(|i| i.definitions.iter()).collect(),
        _ => Vec::new(),
    }
}

pub fn visit_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::BlockQuote(bs)
            | Block::Alert { blocks: bs, .. }
            | Block::Div { blocks: bs, .. } => visit_blocks_mut(bs, f),
            Block::List { items, .. } => {
                for i in items {
                    visit_blocks_mut(&mut i.blocks, f);
                }
            }
            Block::DefinitionList(items) => {
                for i in items {
                    for d in &mut i.definitions {
                        visit_blocks_mut(d, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Visit every inline of every block (nesting is capped by the loader, so recursion is bounded).
pub fn visit_inlines_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
    visit_blocks_mut(blocks, &mut |b| {
        for run in inline_runs_mut(b) {
            walk_inlines_mut(run, f);
        }
    });
}

pub fn visit_inlines(blocks: &[Block], f: &mut impl FnMut(&Inline)) {
    visit_blocks(blocks, &mut |b| {
        for run in inline_runs(b) {
            walk_inlines(run, f);
        }
    });
}

/// The inline runs a block holds directly (paragraph text, heading, caption, cells, terms).
pub fn inline_runs_mut(b: &mut Block) -> Vec<&mut Vec<Inline>> {
    match b {
        Block::Paragraph(i) => vec![i],
        Block::Heading { content, .. } => vec![content],
        Block::Figure { caption, .. } => vec![caption],
        Block::Table { head, rows, .. } => {
            head.iter_mut().chain(rows.iter_mut().flatten()).collect()
        }
        Block::DefinitionList(items) => items.iter_mut().map(|i| &mut i.term).collect(),
        _ => Vec::new(),
    }
}

fn inline_runs(b: &Block) -> Vec<&Vec<Inline>> {
    match b {
        Block::Paragraph(i) => vec![i],
        Block::Heading { content, .. } => vec![content],
        Block::Figure { caption, .. } => vec![caption],
        Block::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).collect(),
        Block::DefinitionList(items) => items.iter().map(|i| &i.term).collect(),
        _ => Vec::new(),
    }
}

fn walk_inlines_mut(inlines: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
    for i in inlines {
        f(i);
        if let Some(c) = inline_children_mut(i) {
            walk_inlines_mut(c, f);
        }
    }
}

fn walk_inlines(inlines: &[Inline], f: &mut impl FnMut(&Inline)) {
    for i in inlines {
        f(i);
        if let Some(c) = inline_children(i) {
            walk_inlines(c, f);
        }
    }
}

fn inline_children_mut(i: &mut Inline) -> Option<&mut Vec<Inline>> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c) => Some(c),
        Inline::Link { content, .. } | Inline::Span { content, .. } => Some(content),
        _ => None,
    }
}

fn inline_children(i: &Inline) -> Option<&Vec<Inline>> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c) => Some(c),
        Inline::Link { content, .. } | Inline::Span { content, .. } => Some(content),
        _ => None,
    }
}

/// Run every pass in order.
pub fn run(doc: &mut Document, diags: &mut Diagnostics) {
    let anchors = assign_ids(doc);
    number_footnotes(doc, diags);
    resolve_links(doc, &anchors, diags);
    check_alt_text(doc, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_joins() {
        assert_eq!(join_relative("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_relative("", "../c.md"), None);
        assert_eq!(join_relative("a", "./x/").as_deref(), Some("a/x/"));
        assert_eq!(
            join_url("https://docs.rs/book/", "intro", "../../std/x.html"),
            "https://docs.rs/std/x.html"
        );
    }
}
