//! Passes over the whole document, run in this order by the pipeline: heading ids, footnote
//! numbers, link resolution, picture checks. Pure functions over the tree; problems become
//! diagnostics at the span of the node concerned.

use std::collections::{HashMap, HashSet};

use super::ids::{assign_ids, Anchors};
use super::visit::*;
use super::{Block, Document, Inline, LinkTarget};
use crate::diag::{Code, Diagnostic, Diagnostics};

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
                            .code(Code::Footnote)
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
/// site (`site-url`), or to plain text. Like mdBook, a broken link is never fatal: a missing
/// anchor links to the chapter itself, a missing page becomes a web link (with `site-url`) or
/// text, and each is a warning at the link.
pub fn resolve_links(doc: &mut Document, anchors: &Anchors, diags: &mut Diagnostics) {
    let by_path: HashMap<String, usize> = doc
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.source_path.clone(), i))
        .collect();
    let site_url = doc.meta.site_url.clone();
    let paths: Vec<String> = doc.chapters.iter().map(|c| c.source_path.clone()).collect();
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
            let resolved = resolve_one(&dest, index, &dir, &by_path, anchors);
            *target = match resolved {
                Resolved::Chapter(chapter, anchor) => LinkTarget::Internal { chapter, anchor },
                Resolved::MissingAnchor(chapter, fragment) => {
                    let place = if chapter == index {
                        "this report".to_string()
                    } else {
                        paths[chapter].clone()
                    };
                    diags.push(
                        Diagnostic::warning(format!(
                            "no heading or anchor #{fragment} in {place}; the link goes to the top of the chapter"
                        ))
                        .at(*span)
                        .code(Code::BrokenAnchor)
                        .hint("check the spelling; heading ids are the heading text in lower case with spaces as `-`"),
                    );
                    LinkTarget::Internal {
                        chapter,
                        anchor: None,
                    }
                }
                Resolved::NotAChapter(path) => match &site_url {
                    Some(site) => {
                        diags.push(
                            Diagnostic::warning(format!(
                                "link to {path}, which is not a chapter of this book; it links to the book's web site"
                            ))
                            .at(*span)
                            .code(Code::BrokenLink)
                            .hint("check the file name, or add the report to SUMMARY.md"),
                        );
                        LinkTarget::External(join_url(site, &dir, &html_name(&dest)))
                    }
                    None => {
                        diags.push(
                            Diagnostic::warning(format!(
                                "link to {path}, which is not a chapter of this book; shown as plain text"
                            ))
                            .at(*span)
                            .code(Code::BrokenLink)
                            .hint("check the file name, or add the report to SUMMARY.md"),
                        );
                        LinkTarget::None
                    }
                },
                Resolved::Outside => match &site_url {
                    Some(site) => LinkTarget::External(join_url(site, &dir, &dest)),
                    None => {
                        diags.push(
                            Diagnostic::warning(format!("link to {dest} leaves the book; shown as plain text"))
                                .at(*span)
                                .code(Code::LinkLeavesBook)
                                .hint("set [output.html] site-url in book.toml to the book's web address (https://..., not a path) to turn such links into web links"),
                        );
                        LinkTarget::None
                    }
                },
            };
        };
        visit_inlines_mut(&mut chapter.blocks, &mut visit);
        for f in &mut chapter.footnotes {
            visit_inlines_mut(&mut f.blocks, &mut visit);
        }
    }
}

/// Where a relative link leads.
#[derive(Debug, PartialEq)]
enum Resolved {
    Chapter(usize, Option<String>),
    /// The chapter exists, the anchor (as written) does not.
    MissingAnchor(usize, String),
    /// A `.md` path that is no chapter of the book.
    NotAChapter(String),
    /// Anything else: a page of the web site the book belongs to.
    Outside,
}

fn resolve_one(
    dest: &str,
    from: usize,
    dir: &str,
    by_path: &HashMap<String, usize>,
    anchors: &Anchors,
) -> Resolved {
    // Only the first `#` starts the fragment; a second one belongs to it (mdBook keeps it too).
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, crate::text::percent_decode_or_keep(f)),
        None => (dest, String::new()),
    };
    let path = path.split('?').next().unwrap_or("");
    let with_anchor = |chapter: usize| {
        if fragment.is_empty() {
            return Resolved::Chapter(chapter, None);
        }
        match anchors[chapter].get(&fragment) {
            Some(id) => Resolved::Chapter(chapter, Some(id.clone())),
            None => Resolved::MissingAnchor(chapter, fragment.clone()),
        }
    };
    if path.is_empty() {
        return with_anchor(from);
    }
    let decoded = crate::text::percent_decode_or_keep(path);
    // `/setup/start.md` is rooted at the source folder, as in mdBook.
    let joined = match decoded.strip_prefix('/') {
        Some(rooted) => join_relative("", rooted),
        None => join_relative(dir, &decoded),
    };
    let Some(joined) = joined else {
        return Resolved::Outside;
    };
    match chapter_of(&joined, by_path) {
        Some(chapter) => with_anchor(chapter),
        None if joined.ends_with(".md") => Resolved::NotAChapter(path.to_string()),
        None => Resolved::Outside,
    }
}

/// The chapter a joined path names: `x.md`, `x.html`, and a folder's `index`/`README` page under
/// any of its names (mdBook treats `README.md` and `index.md` as the same page).
fn chapter_of(p: &str, by_path: &HashMap<String, usize>) -> Option<usize> {
    let stem = p
        .strip_suffix(".md")
        .or_else(|| p.strip_suffix(".html"))
        .or_else(|| p.strip_suffix(".htm"));
    let mut candidates = vec![p.to_string()];
    if let Some(stem) = stem {
        candidates.push(format!("{stem}.md"));
    }
    let folder = if p.is_empty() || p.ends_with('/') {
        Some(p.to_string())
    } else {
        stem.and_then(|s| {
            s.strip_suffix("index")
                .or_else(|| s.strip_suffix("README"))
                .filter(|d| d.is_empty() || d.ends_with('/'))
                .map(str::to_string)
        })
    };
    if let Some(folder) = folder {
        candidates.push(format!("{folder}README.md"));
        candidates.push(format!("{folder}index.md"));
    }
    candidates.iter().find_map(|c| by_path.get(c).copied())
}

/// `page.md#x` as the web site names it: `page.html#x`.
fn html_name(dest: &str) -> String {
    let (path, rest) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.html{rest}"),
        None => dest.to_string(),
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
    if crate::doc::alt::is_placeholder_alt(&image.alt) {
        let what = if image.alt.is_empty() {
            "no alt text".to_string()
        } else {
            format!("alt text \"{}\" that does not describe it", image.alt)
        };
        diags.push(
            Diagnostic::warning(format!("picture {} has {what}", doc.images[image.id.0].rel_path)).code(Code::AltText)
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
    // A destination starting with `/` is rooted at the site, not at the chapter's folder.
    if !dest.starts_with('/') {
        parts.extend(dir.split('/').filter(|s| !s.is_empty()));
    }
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("{origin}/{}", parts.join("/"))
}

/// Drop what shows nothing and marks nothing: a span left without id and language (an anchor
/// whose id a heading already has), and a paragraph left empty by that.
pub fn prune_empty(doc: &mut Document) {
    fn prune(blocks: &mut Vec<Block>) {
        visit_blocks_mut(blocks, &mut |b| {
            for run in inline_runs_mut(b) {
                prune_inlines(run);
            }
        });
        blocks.retain(|b| !matches!(b, Block::Paragraph(i) if i.is_empty()));
        for b in blocks.iter_mut() {
            match b {
                Block::BlockQuote(bs)
                | Block::Alert { blocks: bs, .. }
                | Block::Div { blocks: bs, .. } => prune(bs),
                Block::List { items, .. } => items.iter_mut().for_each(|i| prune(&mut i.blocks)),
                Block::DefinitionList(items) => items
                    .iter_mut()
                    .flat_map(|i| i.definitions.iter_mut())
                    .for_each(prune),
                _ => {}
            }
        }
    }
    fn prune_inlines(inlines: &mut Vec<Inline>) {
        let mut i = 0;
        while i < inlines.len() {
            if let Inline::Run {
                id: None,
                lang: None,
                content,
            } = &mut inlines[i]
            {
                let content = std::mem::take(content);
                inlines.splice(i..=i, content);
                continue;
            }
            if let Some(children) = inline_children_mut(&mut inlines[i]) {
                prune_inlines(children);
            }
            i += 1;
        }
        if inlines.iter().all(|i| {
            matches!(i, Inline::SoftBreak | Inline::LineBreak)
                || matches!(i, Inline::Text(t) if t.trim().is_empty())
        }) {
            inlines.clear();
        }
    }
    for chapter in &mut doc.chapters {
        prune(&mut chapter.blocks);
    }
}

/// Run every pass in order.
pub fn run(doc: &mut Document, diags: &mut Diagnostics) {
    let anchors = assign_ids(doc);
    prune_empty(doc);
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
        assert_eq!(
            join_url("https://example.org/book/", "a", "/x/y.html"),
            "https://example.org/book/x/y.html"
        );
    }

    fn index(paths: &[&str]) -> HashMap<String, usize> {
        paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.to_string(), i))
            .collect()
    }

    #[test]
    fn readme_and_index_are_the_same_page() {
        let by_path = index(&["index.md", "ci/README.md", "a/b.md"]);
        assert_eq!(chapter_of("README.md", &by_path), Some(0));
        assert_eq!(chapter_of("index.html", &by_path), Some(0));
        assert_eq!(chapter_of("", &by_path), Some(0));
        assert_eq!(chapter_of("ci/index.md", &by_path), Some(1));
        assert_eq!(chapter_of("ci/", &by_path), Some(1));
        assert_eq!(chapter_of("a/b.html", &by_path), Some(2));
        assert_eq!(chapter_of("a/reindex.md", &by_path), None);
    }

    #[test]
    fn links_rooted_at_the_source_folder_and_broken_ones() {
        let by_path = index(&["setup/start.md", "deep/er/page.md"]);
        let mut a = HashMap::new();
        a.insert("install".to_string(), "install".to_string());
        let anchors = vec![a, HashMap::new()];
        let r = |dest: &str| resolve_one(dest, 1, "deep/er", &by_path, &anchors);
        assert_eq!(
            r("/setup/start.md#install"),
            Resolved::Chapter(0, Some("install".into()))
        );
        assert_eq!(r("../../setup/start.md"), Resolved::Chapter(0, None));
        assert_eq!(
            r("/setup/start.md#gone"),
            Resolved::MissingAnchor(0, "gone".into())
        );
        assert_eq!(r("#x#y"), Resolved::MissingAnchor(1, "x#y".into()));
        assert_eq!(r("deleted.md"), Resolved::NotAChapter("deleted.md".into()));
        assert_eq!(r("../../../std/index.html"), Resolved::Outside);
        assert_eq!(html_name("a/b.md#c"), "a/b.html#c");
    }
}
