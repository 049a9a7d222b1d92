//! Markdown to the document tree. pulldown-cmark lives here and nowhere else.
//!
//! Events are folded into the tree with an explicit stack of frames, never by recursion, so a
//! report with 100,000 nested block quotes cannot overflow the stack; past `max_nesting` further
//! containers are flattened into their parent with one warning. Raw HTML is never passed through:
//! inline tags are mapped to inline nodes here, HTML blocks go to [`super::html`].

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use unicode_normalization::UnicodeNormalization;

use super::html::{self, HtmlSink, InlineTag};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::doc::{
    AlertKind, Align, Block, DefinitionItem, Footnote, Image, ImageId, Inline, LinkTarget, ListItem,
};

/// What the loader answers when the Markdown names a picture.
pub enum ImageRef {
    Local(ImageId),
    /// A remote URL: never fetched; rendered as a link with the alt text.
    Remote(String),
    /// Could not be used; a diagnostic was already given.
    Unusable,
    /// Missing or not usable as a picture (a warning was given): a placeholder names the file.
    Missing(String),
}

/// The loader's side of parsing: resolving picture paths (which needs the file system).
pub trait Resolver {
    fn image(&mut self, dest: &str, span: Span, diags: &mut Diagnostics) -> ImageRef;
}

pub struct Parsed {
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
}

/// The options bindery enables: CommonMark plus the extensions mdBook users expect. Set one by
/// one: `Options::all()` would switch on the old footnote syntax and `$` math, which turns prices
/// in trip reports into formulas.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

#[derive(Debug)]
enum Kind {
    Root,
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
        classes: Vec<String>,
        span: Span,
    },
    BlockQuote(Option<AlertKind>),
    List(Option<u64>),
    Item,
    CodeBlock(Option<String>),
    HtmlBlock(usize),
    FootnoteDef(String),
    DefList,
    DefTitle,
    DefDefinition,
    Table(Vec<Align>),
    TableHead,
    TableRow,
    TableCell,
    Emphasis,
    Strong,
    Strike,
    Superscript,
    Subscript,
    Link {
        dest: String,
        title: String,
        span: Span,
    },
    Image {
        dest: String,
        title: String,
        span: Span,
    },
    /// An inline raw-HTML element (`<span lang=vi>`, `<kbd>`), closed by its end tag.
    Html(InlineTag),
    /// A container past the nesting limit: its content goes to the parent.
    Flattened,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    text: String,
    items: Vec<ListItem>,
    task: Option<bool>,
    defs: Vec<DefinitionItem>,
    cells: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    head: Vec<Vec<Inline>>,
    /// A Markdown paragraph was closed in this frame: a list item or definition is loose.
    had_paragraph: bool,
    /// An inline caption element (`<span class="caption">`) was closed in this frame.
    has_caption: bool,
}

impl Frame {
    fn new(kind: Kind) -> Frame {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            text: String::new(),
            items: Vec::new(),
            task: None,
            defs: Vec::new(),
            cells: Vec::new(),
            rows: Vec::new(),
            head: Vec::new(),
            had_paragraph: false,
            has_caption: false,
        }
    }

    /// Loose text in a block container (a tight list item) becomes a paragraph before the next block.
    fn flush_inlines(&mut self) {
        if !self.inlines.is_empty() {
            let inlines = std::mem::take(&mut self.inlines);
            if !is_blank(&inlines) {
                self.blocks.push(Block::Paragraph(inlines));
            }
        }
    }

    fn push_block(&mut self, block: Block) {
        self.flush_inlines();
        self.blocks.push(block);
    }

    fn into_blocks(mut self) -> Vec<Block> {
        self.flush_inlines();
        self.blocks
    }
}

fn is_blank(inlines: &[Inline]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Text(t) => t.trim().is_empty(),
        Inline::SoftBreak | Inline::LineBreak => true,
        _ => false,
    })
}

struct Builder<'a, R: Resolver> {
    file: FileId,
    base: usize,
    source: &'a str,
    stack: Vec<Frame>,
    footnotes: Vec<Footnote>,
    resolver: &'a mut R,
    diags: &'a mut Diagnostics,
    max_nesting: usize,
    depth: usize,
    warned_depth: bool,
    /// Inside `<script>`, `<style>` or another element whose content is dropped.
    suppress: Option<String>,
}

/// Parse a report body. `base` is the byte offset of `body` in the file (after front matter), so
/// spans point into the file as the user sees it.
pub fn parse<R: Resolver>(
    body: &str,
    file: FileId,
    base: usize,
    max_nesting: usize,
    resolver: &mut R,
    diags: &mut Diagnostics,
) -> Parsed {
    let mut b = Builder {
        file,
        base,
        source: body,
        stack: vec![Frame::new(Kind::Root)],
        footnotes: Vec::new(),
        resolver,
        diags,
        max_nesting,
        depth: 0,
        warned_depth: false,
        suppress: None,
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let span = Span::new(file, base + range.start..base + range.end);
        b.event(event, span);
    }
    // Close anything left open (only inline HTML frames can be).
    while b.stack.len() > 1 {
        b.close_top();
    }
    let root = b.stack.pop().expect("root frame");
    Parsed {
        blocks: root.into_blocks(),
        footnotes: b.footnotes,
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

impl<R: Resolver> Builder<'_, R> {
    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("root frame")
    }

    fn push_inline(&mut self, inline: Inline) {
        if self.suppress.is_some() {
            return;
        }
        let inlines = &mut self.top().inlines;
        // The parser splits text at punctuation; one run per stretch of text is simpler downstream.
        if let (Inline::Text(new), Some(Inline::Text(last))) = (&inline, inlines.last_mut()) {
            last.push_str(new);
            return;
        }
        inlines.push(inline);
    }

    fn push_block(&mut self, block: Block) {
        self.top().push_block(block);
    }

    fn is_container(kind: &Kind) -> bool {
        matches!(
            kind,
            Kind::BlockQuote(_)
                | Kind::List(_)
                | Kind::Item
                | Kind::FootnoteDef(_)
                | Kind::DefList
                | Kind::DefDefinition
                | Kind::Emphasis
                | Kind::Strong
                | Kind::Strike
                | Kind::Superscript
                | Kind::Subscript
                | Kind::Link { .. }
                | Kind::Html(_)
        )
    }

    fn open(&mut self, kind: Kind, span: Span) {
        if Self::is_container(&kind) {
            if self.depth >= self.max_nesting {
                if !self.warned_depth {
                    self.warned_depth = true;
                    self.diags.push(
                        Diagnostic::warning(format!(
                            "nesting deeper than {} levels is flattened",
                            self.max_nesting
                        ))
                        .code("nesting")
                        .at(span)
                        .hint(
                            "raise [bindery.limits] max-nesting in book.toml if this is intended",
                        ),
                    );
                }
                self.stack.push(Frame::new(Kind::Flattened));
                return;
            }
            self.depth += 1;
        }
        self.stack.push(Frame::new(kind));
    }

    fn event(&mut self, event: Event, span: Span) {
        match event {
            Event::Start(tag) => self.start(tag, span),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(Kind::CodeBlock(_) | Kind::HtmlBlock(_)) =
                    self.stack.last().map(|f| &f.kind)
                {
                    self.top().text.push_str(&t);
                } else {
                    self.push_inline(Inline::Text(nfc(&t)));
                }
            }
            Event::Code(t) => self.push_inline(Inline::Code(nfc(&t))),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_inline(Inline::Code(nfc(&t))),
            Event::Html(t) => self.top().text.push_str(&t),
            Event::InlineHtml(t) => self.inline_html(&t, span),
            Event::FootnoteReference(label) => self.push_inline(Inline::FootnoteRef {
                label: label.to_string(),
                number: 0,
                span,
            }),
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            Event::Rule => self.push_block(Block::Rule),
            Event::TaskListMarker(checked) => {
                if let Some(f) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Item))
                {
                    f.task = Some(checked);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag, span: Span) {
        let kind = match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading {
                level, id, classes, ..
            } => Kind::Heading {
                level: heading_level(level),
                id: id.map(|s| s.to_string()),
                classes: classes.iter().map(|c| c.to_string()).collect(),
                span,
            },
            Tag::BlockQuote(kind) => Kind::BlockQuote(kind.map(alert_kind)),
            Tag::CodeBlock(kind) => Kind::CodeBlock(match kind {
                CodeBlockKind::Fenced(info) => code_lang(&info),
                CodeBlockKind::Indented => None,
            }),
            Tag::HtmlBlock => Kind::HtmlBlock(span.start),
            Tag::List(start) => Kind::List(start),
            Tag::Item => Kind::Item,
            Tag::FootnoteDefinition(label) => Kind::FootnoteDef(label.to_string()),
            Tag::DefinitionList => Kind::DefList,
            Tag::DefinitionListTitle => Kind::DefTitle,
            Tag::DefinitionListDefinition => Kind::DefDefinition,
            Tag::Table(aligns) => Kind::Table(aligns.into_iter().map(align).collect()),
            Tag::TableHead => Kind::TableHead,
            Tag::TableRow => Kind::TableRow,
            Tag::TableCell => Kind::TableCell,
            Tag::Emphasis => Kind::Emphasis,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Superscript => Kind::Superscript,
            Tag::Subscript => Kind::Subscript,
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let dest = if link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                Kind::Link {
                    dest,
                    title: title.to_string(),
                    span,
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => Kind::Image {
                dest: dest_url.to_string(),
                title: title.to_string(),
                span,
            },
            Tag::MetadataBlock(_) => Kind::Flattened,
        };
        self.open(kind, span);
    }

    fn end(&mut self, tag: TagEnd) {
        // Close inline HTML frames the author left open inside this Markdown element.
        while matches!(self.stack.last().map(|f| &f.kind), Some(Kind::Html(_)))
            && self.stack.len() > 1
        {
            self.close_top();
        }
        let _ = tag;
        self.close_top();
    }

    /// Pop the top frame and attach what it built to its parent.
    fn close_top(&mut self) {
        let frame = self.stack.pop().expect("frame to close");
        if Self::is_container(&frame.kind) {
            self.depth = self.depth.saturating_sub(1);
        }
        let parent = self.stack.last_mut().expect("root frame");
        match frame.kind {
            Kind::Root => unreachable!("root is never closed"),
            Kind::Flattened => {
                let Frame {
                    blocks, inlines, ..
                } = frame;
                if blocks.is_empty() {
                    parent.inlines.extend(inlines);
                } else {
                    parent.flush_inlines();
                    parent.blocks.extend(blocks);
                    if !inlines.is_empty() && !is_blank(&inlines) {
                        parent.blocks.push(Block::Paragraph(inlines));
                    }
                }
            }
            Kind::Paragraph => {
                parent.had_paragraph = true;
                let inlines = frame.inlines;
                // `<img …>` then `<span class="caption">Figure 1: …</span>`: one figure.
                if frame.has_caption {
                    if let Some(Block::Figure { caption, .. }) = parent.blocks.last_mut() {
                        if caption.is_empty() && parent.inlines.is_empty() {
                            *caption = trim_inlines(inlines);
                            return;
                        }
                    }
                }
                if let Some(figure) = as_figure(&inlines) {
                    parent.push_block(figure);
                } else if !is_blank(&inlines) {
                    parent.push_block(Block::Paragraph(inlines));
                }
            }
            Kind::Heading {
                level,
                id,
                classes,
                span,
            } => parent.push_block(Block::Heading {
                level,
                id: id.unwrap_or_default(),
                classes,
                content: trim_inlines(frame.inlines),
                span,
            }),
            Kind::BlockQuote(alert) => {
                let blocks = frame_blocks(frame.blocks, frame.inlines);
                parent.push_block(match alert {
                    Some(kind) => Block::Alert { kind, blocks },
                    None => Block::BlockQuote(blocks),
                });
            }
            Kind::List(start) => parent.push_block(Block::List {
                start,
                items: frame.items,
            }),
            Kind::Item => {
                let task = frame.task;
                let tight = !frame.had_paragraph;
                let blocks = frame_blocks(frame.blocks, frame.inlines);
                parent.items.push(ListItem {
                    task,
                    tight,
                    blocks,
                });
            }
            Kind::CodeBlock(lang) => {
                let mut code = nfc(&frame.text);
                if lang.as_deref() == Some("rust") {
                    code = hide_rust_lines(&code);
                }
                parent.push_block(Block::CodeBlock { lang, code });
            }
            Kind::HtmlBlock(start) => {
                let blocks = html::to_blocks(&frame.text, self.file, start, self);
                for b in blocks {
                    self.top().push_block(b);
                }
            }
            Kind::FootnoteDef(label) => {
                let blocks = frame_blocks(frame.blocks, frame.inlines);
                self.footnotes.push(Footnote {
                    label,
                    number: 0,
                    blocks,
                });
            }
            Kind::DefList => parent.push_block(Block::DefinitionList(frame.defs)),
            Kind::DefTitle => parent.defs.push(DefinitionItem {
                term: frame.inlines,
                tight: true,
                definitions: Vec::new(),
            }),
            Kind::DefDefinition => {
                let loose = frame.had_paragraph;
                let blocks = frame_blocks(frame.blocks, frame.inlines);
                match parent.defs.last_mut() {
                    Some(item) => {
                        item.tight &= !loose;
                        item.definitions.push(blocks)
                    }
                    None => parent.defs.push(DefinitionItem {
                        term: Vec::new(),
                        tight: !loose,
                        definitions: vec![blocks],
                    }),
                }
            }
            Kind::Table(align) => parent.push_block(Block::Table {
                align,
                head: frame.head,
                rows: frame.rows,
            }),
            Kind::TableHead => parent.head = frame.cells,
            Kind::TableRow => parent.rows.push(frame.cells),
            Kind::TableCell => parent.cells.push(trim_inlines(frame.inlines)),
            Kind::Emphasis => parent.inlines.push(Inline::Emphasis(frame.inlines)),
            Kind::Strong => parent.inlines.push(Inline::Strong(frame.inlines)),
            Kind::Strike => parent.inlines.push(Inline::Strikethrough(frame.inlines)),
            Kind::Superscript => parent.inlines.push(Inline::Superscript(frame.inlines)),
            Kind::Subscript => parent.inlines.push(Inline::Subscript(frame.inlines)),
            Kind::Link { dest, title, span } => {
                let target = link_target(&dest, span, self.diags);
                let parent = self.top();
                match target {
                    Some(target) => parent.inlines.push(Inline::Link {
                        target,
                        title: (!title.is_empty()).then(|| nfc(&title)),
                        content: frame.inlines,
                        span,
                    }),
                    None => parent.inlines.extend(frame.inlines),
                }
            }
            Kind::Image { dest, title, span } => {
                let alt = nfc(Inline::plain_text(&frame.inlines).trim());
                let title = (!title.is_empty()).then(|| nfc(&title));
                let inline = self.image(&dest, alt, title, span);
                self.top().inlines.extend(inline);
            }
            Kind::Html(tag) => {
                parent.has_caption |= tag.is_caption();
                let inline = html::close_inline(tag, frame.inlines);
                parent.inlines.extend(inline);
            }
        }
    }

    fn image(&mut self, dest: &str, alt: String, title: Option<String>, span: Span) -> Vec<Inline> {
        match self.resolver.image(dest, span, self.diags) {
            ImageRef::Local(id) => vec![Inline::Image(Image {
                id,
                alt,
                title,
                span,
                width: None,
            })],
            ImageRef::Remote(url) => {
                let text = if alt.is_empty() { url.clone() } else { alt };
                vec![Inline::Link {
                    target: LinkTarget::External(url),
                    title,
                    content: vec![Inline::Text(text)],
                    span,
                }]
            }
            ImageRef::Unusable => vec![Inline::Text(alt)],
            ImageRef::Missing(path) => vec![Inline::MissingPicture { alt, path }],
        }
    }

    fn inline_html(&mut self, raw: &str, span: Span) {
        let Some(token) = html::lex_tag(raw) else {
            // Not a tag after all (`a <b` in text): keep the characters.
            self.push_inline(Inline::Text(nfc(raw)));
            return;
        };
        html::inline_token(token, span, self);
    }
}

impl<R: Resolver> HtmlSink for Builder<'_, R> {
    fn diags(&mut self) -> &mut Diagnostics {
        self.diags
    }

    fn image(&mut self, src: &str, alt: String, title: Option<String>, span: Span) -> Vec<Inline> {
        Builder::image(self, src, alt, title, span)
    }

    fn link_target(&mut self, href: &str, span: Span) -> Option<LinkTarget> {
        link_target(href, span, self.diags)
    }

    fn source(&self) -> (&str, usize) {
        (self.source, self.base)
    }

    fn push_inline(&mut self, inline: Inline) {
        Builder::push_inline(self, inline);
    }

    fn open_inline(&mut self, tag: InlineTag, span: Span) {
        self.open(Kind::Html(tag), span);
    }

    fn close_inline(&mut self, name: &str) {
        // Close up to the matching open element, but never past a Markdown element.
        let mut found = None;
        for (i, f) in self.stack.iter().enumerate().rev() {
            match &f.kind {
                Kind::Html(t) if t.name == name => {
                    found = Some(i);
                    break;
                }
                Kind::Html(_) | Kind::Flattened => continue,
                _ => break,
            }
        }
        if let Some(i) = found {
            while self.stack.len() > i {
                self.close_top();
            }
        }
    }

    fn suppress(&mut self) -> &mut Option<String> {
        &mut self.suppress
    }
}

/// Classify a link destination as written. `None`: not usable as a link (a warning was given).
pub fn link_target(dest: &str, span: Span, diags: &mut Diagnostics) -> Option<LinkTarget> {
    let trimmed = dest.trim();
    let lower: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:")
    {
        diags.push(
            Diagnostic::warning(format!(
                "removed a `{}` link",
                &lower[..lower.find(':').unwrap_or(0) + 1]
            ))
            .code("unsafe-link")
            .at(span)
            .hint("scripts cannot run in an e-book; the link text is kept"),
        );
        return None;
    }
    if has_scheme(trimmed) {
        return Some(LinkTarget::External(trimmed.to_string()));
    }
    Some(LinkTarget::Unresolved(trimmed.to_string()))
}

/// `https:`, `mailto:`, `tel:`: a URI scheme (RFC 3986) before any `/`, `?` or `#`.
pub fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 1 => {
            let scheme = &s[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        _ => false,
    }
}

fn frame_blocks(mut blocks: Vec<Block>, inlines: Vec<Inline>) -> Vec<Block> {
    if !is_blank(&inlines) {
        blocks.push(Block::Paragraph(inlines));
    }
    blocks
}

/// An image alone in its paragraph becomes a figure, captioned with its title. The alt text is
/// not printed: it is the picture's description for screen readers (the EPUB's `alt`, the PDF's
/// tag tree), and printing it as well would make them read it twice.
fn as_figure(inlines: &[Inline]) -> Option<Block> {
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

/// Alt text that says nothing about the picture: empty, `image1`, `IMG_2041`, `photo`, `screenshot 3`.
pub fn is_placeholder_alt(alt: &str) -> bool {
    let a = alt.trim().to_lowercase();
    if a.is_empty() {
        return true;
    }
    let stem = a.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '_' || c == '-');
    let stem = stem.rsplit_once('.').map_or(stem, |(s, ext)| {
        if ["jpg", "jpeg", "png", "gif", "webp"].contains(&ext) {
            s
        } else {
            stem
        }
    });
    let stem =
        stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-' || c == ' ');
    [
        "",
        "image",
        "img",
        "photo",
        "picture",
        "pic",
        "figure",
        "fig",
        "screenshot",
        "untitled",
        "dsc",
        "dscn",
    ]
    .contains(&stem)
}

fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.last(), Some(Inline::SoftBreak | Inline::LineBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end().len();
        t.truncate(trimmed);
    }
    inlines
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn alert_kind(kind: BlockQuoteKind) -> AlertKind {
    match kind {
        BlockQuoteKind::Note => AlertKind::Note,
        BlockQuoteKind::Tip => AlertKind::Tip,
        BlockQuoteKind::Important => AlertKind::Important,
        BlockQuoteKind::Warning => AlertKind::Warning,
        BlockQuoteKind::Caution => AlertKind::Caution,
    }
}

fn align(a: pulldown_cmark::Alignment) -> Align {
    match a {
        pulldown_cmark::Alignment::None => Align::None,
        pulldown_cmark::Alignment::Left => Align::Left,
        pulldown_cmark::Alignment::Center => Align::Center,
        pulldown_cmark::Alignment::Right => Align::Right,
    }
}

/// First word of a fence's info string: `rust,ignore` and `rust {.class}` give `rust`.
fn code_lang(info: &str) -> Option<String> {
    let word = info
        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim();
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

/// mdBook hides lines of Rust examples that start with `# `; `##` escapes a literal `#`.
fn hide_rust_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let content = trimmed.trim_end_matches(['\n', '\r']);
        if content == "#" || trimmed.starts_with("# ") {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("##") {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(indent);
            out.push('#');
            out.push_str(rest);
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_alt_texts() {
        for alt in [
            "",
            "image1",
            "Image 2",
            "IMG_2041",
            "photo",
            "screenshot-3",
            "DSC0001.jpg",
        ] {
            assert!(is_placeholder_alt(alt), "{alt}");
        }
        for alt in ["Keynote hall in Denver", "Zuul dashboard"] {
            assert!(!is_placeholder_alt(alt), "{alt}");
        }
    }

    #[test]
    fn hidden_rust_lines() {
        let code = "# fn main() {\nlet x = 1;\n#[derive(Debug)]\n##[attr]\n#\n# }\n";
        assert_eq!(
            hide_rust_lines(code),
            "let x = 1;\n#[derive(Debug)]\n#[attr]\n"
        );
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("other.md#x"));
        assert!(!has_scheme("C:/x")); // one letter: a Windows drive, not a scheme
        assert_eq!(code_lang("rust,ignore"), Some("rust".into()));
        assert_eq!(code_lang(""), None);
    }
}
