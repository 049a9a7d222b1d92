//! The format-neutral document tree that both writers read.
//!
//! Owned data only: no I/O, no third-party types. `book::load` builds it from Markdown; the passes in
//! [`passes`] number footnotes, give headings unique ids and resolve links; `epub::write` and the
//! PDF typesetter read it. Every block that can carry a problem keeps the [`Span`] it came from.

pub mod alt;
pub mod ids;
pub mod passes;
pub mod visit;

use crate::diag::{FileId, Span};

/// A whole book: metadata, the chapters in reading order, and the table of contents structure.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub meta: Metadata,
    pub chapters: Vec<Chapter>,
    pub toc: Vec<TocItem>,
    /// Every picture the book uses, in order of first use; [`ImageId`] indexes this.
    pub images: Vec<ImageSource>,
}

#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// BCP 47 language tag of the book (`en`, `vi`).
    pub language: String,
    pub description: Option<String>,
    pub publisher: Option<String>,
    /// Publication date as written in book.toml (`2024-05-01`).
    pub date: Option<String>,
    pub subjects: Vec<String>,
    pub rights: Option<String>,
    /// Stable identifier (`urn:uuid:...`); the same across rebuilds so readers keep their place.
    pub identifier: String,
    /// Last modification, seconds since the Unix epoch (`SOURCE_DATE_EPOCH` or the newest source).
    pub modified: i64,
    pub cover: Option<ImageId>,
    pub site_url: Option<String>,
}

/// Where a chapter sits in the book, as mdBook's SUMMARY.md distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterKind {
    Prefix,
    Numbered,
    Suffix,
}

#[derive(Debug, Clone)]
pub struct Chapter {
    pub title: String,
    /// Section number such as `[2, 1]` for "2.1", numbered chapters only.
    pub number: Option<Vec<u32>>,
    pub kind: ChapterKind,
    /// Nesting depth in the chapter list, 0 for top level.
    pub depth: usize,
    /// Language when it differs from the book's.
    pub lang: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub description: Option<String>,
    /// Path of the source relative to the book's source folder, with `/` separators.
    pub source_path: String,
    pub file: FileId,
    /// True when the report has no heading of its own and the writers must show `title`.
    pub needs_title_heading: bool,
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
}

/// The chapter list as the reader navigates it: nested entries, part titles, separators.
#[derive(Debug, Clone, PartialEq)]
pub enum TocItem {
    PartTitle(String),
    Separator,
    Entry {
        title: String,
        /// `None` for a draft chapter (listed, not yet written).
        chapter: Option<usize>,
        children: Vec<TocItem>,
    },
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub label: String,
    pub number: u32,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl AlertKind {
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::Note => "Note",
            AlertKind::Tip => "Tip",
            AlertKind::Important => "Important",
            AlertKind::Warning => "Warning",
            AlertKind::Caution => "Caution",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            AlertKind::Note => "note",
            AlertKind::Tip => "tip",
            AlertKind::Important => "important",
            AlertKind::Warning => "warning",
            AlertKind::Caution => "caution",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ListItem {
    /// `Some(checked)` for a task-list item.
    pub task: Option<bool>,
    /// In a tight list (`- a\n- b`) the item's text is not in paragraphs; in a loose one
    /// (`- a\n\n- b`) it is. Kept as written, as CommonMark says.
    pub tight: bool,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct DefinitionItem {
    pub term: Vec<Inline>,
    /// As for list items: the definitions' text is not in paragraphs.
    pub tight: bool,
    pub definitions: Vec<Vec<Block>>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Heading {
        level: u8,
        /// Unique within the chapter, valid as an XML id; assigned by `ids::assign_ids`.
        id: String,
        classes: Vec<String>,
        content: Vec<Inline>,
        span: Span,
    },
    BlockQuote(Vec<Block>),
    Alert {
        kind: AlertKind,
        blocks: Vec<Block>,
    },
    List {
        /// Start number for an ordered list.
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    DefinitionList(Vec<DefinitionItem>),
    CodeBlock {
        /// First word of the info string (`rust` for "rust,ignore").
        lang: Option<String>,
        code: String,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Figure {
        image: Image,
        caption: Vec<Inline>,
    },
    Rule,
    /// A group with its own language or anchor (from raw HTML `<div lang=..>` or `<div id=..>`).
    Div {
        id: Option<String>,
        lang: Option<String>,
        blocks: Vec<Block>,
    },
}

/// A formula in TeX, found where the book declares maths.
#[derive(Debug, Clone)]
pub struct Formula {
    /// What a reader of the web book sees before MathJax or KaTeX runs, delimiters included
    /// (`\(x^2\)`, `$x$`): shown where the formula cannot be typeset.
    pub source: String,
    /// The TeX inside the delimiters, as the maths engine reads it.
    pub tex: String,
    /// Display maths (`$$…$$`, `\[…\]`): set on a line of its own.
    pub display: bool,
    /// Presentation MathML (MathML Core, the TeX as its `alttext`): `None` until the book's
    /// maths is converted, and where it cannot be (a warning says why).
    pub mathml: Option<String>,
    /// Where the formula is written, delimiters included.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(String),
    Link {
        target: LinkTarget,
        title: Option<String>,
        content: Vec<Inline>,
        span: Span,
    },
    Image(Image),
    FootnoteRef {
        label: String,
        /// Assigned by `passes::number_footnotes`; 0 until then.
        number: u32,
        span: Span,
    },
    LineBreak,
    SoftBreak,
    /// A formula, where the book declares maths (no emphasis or links are read inside).
    Math(Formula),
    /// A picture that could not be used (missing, unreadable, undecodable): shown as a framed
    /// note with its description and file name, so the reader sees that something is missing.
    MissingPicture {
        alt: String,
        path: String,
    },
    /// A run in another language (`<span lang="vi">`) or with an anchor (`<a id=..>`).
    Run {
        id: Option<String>,
        lang: Option<String>,
        content: Vec<Inline>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// Leaves the book: `https://…`, `mailto:…`.
    External(String),
    /// As written in the source, before `passes::resolve_links`.
    Unresolved(String),
    /// A chapter of this book, and optionally an anchor (an id) in it.
    Internal {
        chapter: usize,
        anchor: Option<String>,
    },
    /// Could not be made a working link; rendered as its text (a warning was given).
    None,
}

/// Index into [`Document::images`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageId(pub usize);

#[derive(Debug, Clone)]
pub struct Image {
    pub id: ImageId,
    pub alt: String,
    pub title: Option<String>,
    pub span: Span,
    /// The width the source asks for (`width="300"`, `style="width: 50%"`); `None`: natural.
    pub width: Option<Length>,
    /// The height the source asks for (`height="120"`, `style="height: 8em"`), used when it
    /// gives no width; a percentage of an unknown height means nothing and is not kept.
    pub height: Option<Length>,
}

/// A length written in the source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    /// Percent of the text column.
    Percent(f32),
    /// CSS pixels (1/96 inch).
    Px(f32),
}

impl Length {
    /// `50%`, `300`, `300px`, `12em` (16 px each) as HTML and CSS write widths; `None` for
    /// anything else (`auto`, `calc(…)`), zero, or absurd values.
    pub fn parse(s: &str) -> Option<Length> {
        let s = s.trim();
        let (number, unit) = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or((s, ""), |i| s.split_at(i));
        let n: f32 = number.parse().ok()?;
        let length = match unit.trim() {
            "%" if n > 0.0 && n <= 100.0 => Length::Percent(n),
            "" | "px" if n > 0.0 && n <= 10_000.0 => Length::Px(n),
            "em" | "rem" if n > 0.0 && n <= 500.0 => Length::Px(n * 16.0),
            _ => return None,
        };
        Some(length)
    }

    /// A `property` (`width`, `height`) from an element's attribute of that name or its
    /// `style="width: …"`; the style wins, as in a browser.
    pub fn from_attributes(
        property: &str,
        attribute: Option<&str>,
        style: Option<&str>,
    ) -> Option<Length> {
        let from_style = style.and_then(|st| {
            st.split(';').find_map(|decl| {
                let (k, v) = decl.split_once(':')?;
                (k.trim().eq_ignore_ascii_case(property)).then(|| Length::parse(v))?
            })
        });
        from_style.or_else(|| attribute.and_then(Length::parse))
    }

    /// As CSS: `50%`, `300px`.
    pub fn css(self) -> String {
        match self {
            Length::Percent(p) => format!("{p}%"),
            Length::Px(px) => format!("{px}px"),
        }
    }
}

/// A picture the book refers to.
#[derive(Debug, Clone)]
pub struct ImageSource {
    /// Where its bytes come from.
    pub origin: PictureOrigin,
    /// Path relative to the book root with `/` (a remote picture's address), for messages and
    /// output names.
    pub rel_path: String,
    /// The first place that uses it: problems with the file are reported there.
    pub first_use: Span,
}

/// Where a picture's bytes come from.
#[derive(Debug, Clone)]
pub enum PictureOrigin {
    /// A file of the book: its absolute path, already checked to be inside the book folder.
    File(std::path::PathBuf),
    /// An http(s) picture (`--fetch-remote`): its address, and its bytes once downloaded or read
    /// from the download cache (before the pictures stage).
    Web {
        url: String,
        downloaded: Option<std::sync::Arc<[u8]>>,
    },
    /// Made by bindery itself (a QR code): nothing to read.
    Made,
}

impl ImageSource {
    /// The file it is read from, when it is a file of the book.
    pub fn file(&self) -> Option<&std::path::Path> {
        match &self.origin {
            PictureOrigin::File(path) => Some(path),
            _ => None,
        }
    }
}

impl Inline {
    /// The plain text of inline content, for titles, alt text and ids.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        collect_text(inlines, &mut out);
        out
    }
}

fn collect_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. }
            | Inline::Run { content: c, .. } => collect_text(c, out),
            Inline::Image(image) => out.push_str(&image.alt),
            Inline::MissingPicture { alt, .. } => out.push_str(alt),
            Inline::Math(formula) => out.push_str(&formula.source),
            Inline::SoftBreak | Inline::LineBreak => out.push(' '),
            Inline::FootnoteRef { .. } => {}
        }
    }
}

impl Document {
    /// Title as shown in navigation: "2.1. Title" for numbered chapters.
    pub fn chapter_label(&self, index: usize) -> String {
        let ch = &self.chapters[index];
        match &ch.number {
            Some(n) => format!("{} {}", section_number(n), ch.title),
            None => ch.title.clone(),
        }
    }
}

impl Inline {
    /// The words a missing picture's placeholder shows: its description and its file.
    pub fn missing_picture_label(alt: &str, path: &str) -> String {
        if alt.trim().is_empty() {
            format!("Picture missing: {path}")
        } else {
            format!("Picture missing: {} ({path})", alt.trim())
        }
    }
}

impl Document {
    /// Replace every use of the pictures in `failed` by a placeholder, drop them from the picture
    /// list and renumber the rest (a picture that cannot be decoded is found after loading).
    pub fn replace_pictures(&mut self, failed: &[ImageId]) {
        if failed.is_empty() {
            return;
        }
        let mut new_ids = Vec::with_capacity(self.images.len());
        let mut next = 0;
        for i in 0..self.images.len() {
            if failed.contains(&ImageId(i)) {
                new_ids.push(None);
            } else {
                new_ids.push(Some(ImageId(next)));
                next += 1;
            }
        }
        let paths: Vec<String> = self.images.iter().map(|i| i.rel_path.clone()).collect();
        let placeholder = |image: &Image| Inline::MissingPicture {
            alt: image.alt.clone(),
            path: paths[image.id.0].clone(),
        };
        for chapter in &mut self.chapters {
            visit::visit_blocks_mut(&mut chapter.blocks, &mut |b| {
                if let Block::Figure { image, caption } = b {
                    match new_ids[image.id.0] {
                        Some(id) => image.id = id,
                        None => {
                            let mut inlines = vec![placeholder(image)];
                            if !caption.is_empty() {
                                inlines.push(Inline::LineBreak);
                                inlines.append(caption);
                            }
                            *b = Block::Paragraph(inlines);
                        }
                    }
                }
            });
            let mut fix = |i: &mut Inline| {
                if let Inline::Image(image) = i {
                    match new_ids[image.id.0] {
                        Some(id) => image.id = id,
                        None => *i = placeholder(image),
                    }
                }
            };
            visit::visit_inlines_mut(&mut chapter.blocks, &mut fix);
            for f in &mut chapter.footnotes {
                visit::visit_inlines_mut(&mut f.blocks, &mut fix);
            }
        }
        self.meta.cover = self.meta.cover.and_then(|c| new_ids[c.0]);
        let mut index = 0;
        self.images.retain(|_| {
            index += 1;
            new_ids[index - 1].is_some()
        });
    }
}

pub fn section_number(n: &[u32]) -> String {
    let mut s = String::new();
    for part in n {
        s.push_str(&part.to_string());
        s.push('.');
    }
    s
}

impl Document {
    /// The book with only the chapters `names` picks (by source path, file name without `.md`, or
    /// title), for printing part of it. Links into left-out chapters become plain text.
    pub fn select_chapters(&self, names: &[String]) -> Result<Document, String> {
        let matches = |c: &Chapter, n: &str| {
            let n = n.trim();
            c.source_path == n
                || c.source_path.trim_end_matches(".md") == n
                || c.source_path
                    .rsplit('/')
                    .next()
                    .is_some_and(|f| f == n || f.trim_end_matches(".md") == n)
                || c.title.eq_ignore_ascii_case(n)
        };
        for n in names {
            if !self.chapters.iter().any(|c| matches(c, n)) {
                return Err(format!(
                    "--chapters: no chapter called {n:?}; use a report's file name, such as {:?}",
                    self.chapters
                        .first()
                        .map(|c| c.source_path.as_str())
                        .unwrap_or("report.md")
                ));
            }
        }
        let keep: Vec<usize> = (0..self.chapters.len())
            .filter(|&i| names.iter().any(|n| matches(&self.chapters[i], n)))
            .collect();
        let new_index = |old: usize| keep.iter().position(|&k| k == old);
        let mut doc = self.clone();
        doc.chapters = keep.iter().map(|&i| self.chapters[i].clone()).collect();
        for ch in &mut doc.chapters {
            let mut fix = |inline: &mut Inline| {
                if let Inline::Link { target, .. } = inline {
                    if let LinkTarget::Internal { chapter, anchor } = target {
                        *target = match new_index(*chapter) {
                            Some(c) => LinkTarget::Internal {
                                chapter: c,
                                anchor: anchor.clone(),
                            },
                            None => LinkTarget::None,
                        };
                    }
                }
            };
            visit::visit_inlines_mut(&mut ch.blocks, &mut fix);
            for f in &mut ch.footnotes {
                visit::visit_inlines_mut(&mut f.blocks, &mut fix);
            }
        }
        fn toc(items: &[TocItem], new_index: &dyn Fn(usize) -> Option<usize>) -> Vec<TocItem> {
            let mut out = Vec::new();
            for item in items {
                match item {
                    TocItem::Entry {
                        title,
                        chapter,
                        children,
                    } => {
                        let children = toc(children, new_index);
                        match chapter.and_then(new_index) {
                            Some(c) => out.push(TocItem::Entry {
                                title: title.clone(),
                                chapter: Some(c),
                                children,
                            }),
                            None => out.extend(children),
                        }
                    }
                    other => out.push(other.clone()),
                }
            }
            out
        }
        doc.toc = toc(&self.toc, &new_index);
        Ok(doc)
    }
}
