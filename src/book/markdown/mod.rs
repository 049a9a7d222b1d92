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
    /// An HTML block that opened a `<table>` it did not close: a blank line ends the block in
    /// Markdown, but the table goes on in the next HTML block (as a browser reads it).
    pending_html: Option<(String, usize)>,
    /// Formatting opened by an HTML block of its own (`<del>` on a line, paragraphs, `</del>`):
    /// it applies to the paragraphs in between, as a browser shows them.
    block_formatting: Vec<String>,
}

/// How a body is read, beyond the Markdown options.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    pub max_nesting: usize,
    /// mdBook's `mathjax-support`: TeX between `\\(`..`\\)`, `\\[`..`\\]`, `$$`..`$$` is maths.
    pub math: bool,
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
    let options = ParseOptions {
        max_nesting,
        math: false,
    };
    parse_with(body, file, base, options, resolver, diags)
}

/// [`parse`] with every option.
pub fn parse_with<R: Resolver>(
    body: &str,
    file: FileId,
    base: usize,
    options: ParseOptions,
    resolver: &mut R,
    diags: &mut Diagnostics,
) -> Parsed {
    let max_nesting = options.max_nesting;
    // Maths is found before parsing and masked with letters of the same length, so the parser
    // sees plain text there (no emphasis, links or escapes inside TeX); the original text is
    // put back as one maths node.
    let math = if options.math {
        math_ranges(body)
    } else {
        Vec::new()
    };
    let masked;
    let parse_text = if math.is_empty() {
        body
    } else {
        masked = mask(body, &math);
        masked.as_str()
    };
    let mut b = Builder::new(file, base, body, resolver, diags, max_nesting);
    let mut next_math = 0;
    for (event, range) in Parser::new_ext(parse_text, self::options()).into_offset_iter() {
        let span = Span::new(file, base + range.start..base + range.end);
        while math.get(next_math).is_some_and(|m| m.end <= range.start) {
            next_math += 1;
        }
        if let Some(m) = math.get(next_math) {
            let overlaps = range.start < m.end && range.end > m.start;
            if overlaps && matches!(event, Event::Text(_)) {
                next_math = b.text_with_math(body, range, &math, next_math);
                continue;
            }
            // Line breaks inside maths that spans lines belong to the maths node.
            let inside = m.start <= range.start && range.end <= m.end;
            if inside && matches!(event, Event::SoftBreak | Event::HardBreak) {
                continue;
            }
        }
        b.event(event, span);
    }
    // Close anything left open (only inline HTML frames can be).
    while b.stack.len() > 1 {
        b.close_top();
    }
    b.flush_html();
    let root = b.stack.pop().expect("root frame");
    Parsed {
        blocks: root.into_blocks(),
        footnotes: b.footnotes,
    }
}

/// One raw HTML block through the sanitiser alone, as the Markdown builder hands it over
/// (`file` 0, offset 0; pictures left unresolved): the stage the `html` fuzz target drives.
pub fn html_block_to_tree(text: &str, diags: &mut Diagnostics) -> Vec<Block> {
    struct NoPictures;
    impl Resolver for NoPictures {
        fn image(&mut self, _dest: &str, _span: Span, _diags: &mut Diagnostics) -> ImageRef {
            ImageRef::Unusable
        }
    }
    let mut resolver = NoPictures;
    let mut b = Builder::new(FileId(0), 0, text, &mut resolver, diags, 64);
    html::to_blocks(text, FileId(0), 0, &mut b)
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Byte ranges of TeX in mdBook's MathJax delimiters (`\\(`..`\\)`, `\\[`..`\\]`, `$$`..`$$`,
/// delimiters included), outside code. A delimiter never closed is text.
pub fn math_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            // Fenced code blocks: nothing inside is maths.
            let indent = bytes[i..].iter().take_while(|&&c| c == b' ').count();
            let at = i + indent;
            let run = |c: u8| bytes[at..].iter().take_while(|&&b| b == c).count();
            let mut fence_line = false;
            if indent < 4 && at < bytes.len() && matches!(bytes[at], b'`' | b'~') {
                let (c, n) = (bytes[at], run(bytes[at]));
                match fence {
                    None if n >= 3 => {
                        fence = Some((c, n));
                        fence_line = true;
                    }
                    Some((fc, fn_)) if fc == c && n >= fn_ => {
                        fence = None;
                        fence_line = true;
                    }
                    _ => {}
                }
            }
            // A fence line (opening or closing) holds no maths: skip it whole.
            if fence_line {
                match text[i..].find('\n') {
                    Some(n) => {
                        i += n + 1;
                        continue;
                    }
                    None => break,
                }
            }
        }
        line_start = false;
        if fence.is_some() {
            match text[i..].find('\n') {
                Some(n) => {
                    i += n + 1;
                    line_start = true;
                }
                None => break,
            }
            continue;
        }
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'`' => {
                // An inline code span: skip to the closing run of the same length.
                let n = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                let run = "`".repeat(n);
                i = match text[i + n..].find(&run) {
                    Some(close) => i + n + close + n,
                    None => i + n,
                };
            }
            _ => {
                let rest = &text[i..];
                let delimiters = [("\\\\(", "\\\\)"), ("\\\\[", "\\\\]"), ("$$", "$$")];
                let found = delimiters.iter().find_map(|(open, close)| {
                    let inner = rest.strip_prefix(open)?;
                    let e = inner.find(close).filter(|&e| e > 0)?;
                    Some(open.len() + e + close.len())
                });
                match found {
                    Some(len) => {
                        out.push(i..i + len);
                        i += len;
                    }
                    None => i += rest.chars().next().map_or(1, char::len_utf8),
                }
            }
        }
    }
    out
}

/// The cells of one GFM table row as written: split at every `|` that is not escaped (code
/// spans do not protect a `|` in GFM), outer pipes removed, each cell trimmed.
fn table_row_cells(line: &str) -> Vec<&str> {
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

/// `text` with every range replaced by as many plain letters (line breaks kept), so the
/// Markdown parser reads no syntax there and every byte offset stays where it was.
fn mask(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for r in ranges {
        out.push_str(&text[from..r.start]);
        for c in text[r.clone()].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n('m', c.len_utf8()));
            }
        }
        from = r.end;
    }
    out.push_str(&text[from..]);
    out
}

/// TeX as a book shows it with MathJax: `\\(x\\)` in the Markdown is `\(x\)` on the page.
fn math_text(source: &str) -> String {
    let tex = if let Some(inner) = source
        .strip_prefix("\\\\(")
        .and_then(|s| s.strip_suffix("\\\\)"))
    {
        format!("\\({inner}\\)")
    } else if let Some(inner) = source
        .strip_prefix("\\\\[")
        .and_then(|s| s.strip_suffix("\\\\]"))
    {
        format!("\\[{inner}\\]")
    } else {
        source.to_string()
    };
    nfc(&tex)
}

impl<'a, R: Resolver> Builder<'a, R> {
    fn new(
        file: FileId,
        base: usize,
        source: &'a str,
        resolver: &'a mut R,
        diags: &'a mut Diagnostics,
        max_nesting: usize,
    ) -> Builder<'a, R> {
        Builder {
            file,
            base,
            source,
            stack: vec![Frame::new(Kind::Root)],
            footnotes: Vec::new(),
            resolver,
            diags,
            max_nesting,
            depth: 0,
            warned_depth: false,
            suppress: None,
            pending_html: None,
            block_formatting: Vec::new(),
        }
    }

    /// A text event that reaches into maths: the text before it, the maths (once, at the event
    /// where it starts), the text after. Returns the index of the next maths range to look for.
    fn text_with_math(
        &mut self,
        body: &str,
        range: std::ops::Range<usize>,
        math: &[std::ops::Range<usize>],
        mut next: usize,
    ) -> usize {
        let mut at = range.start;
        while let Some(m) = math.get(next) {
            if m.start >= range.end {
                break;
            }
            if m.start > at {
                self.push_inline(Inline::Text(nfc(&body[at..m.start])));
            }
            if m.start >= range.start {
                self.push_inline(Inline::Math(math_text(&body[m.clone()])));
            }
            if m.end > range.end {
                // The maths goes on past this event (escapes split the parser's text): the
                // next events up to its end are part of it.
                return next;
            }
            at = m.end;
            next += 1;
        }
        if at < range.end {
            self.push_inline(Inline::Text(nfc(&body[at..range.end])));
        }
        next
    }

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
            Event::End(TagEnd::TableRow) => {
                self.keep_cells_beyond_header(span);
                self.end(TagEnd::TableRow)
            }
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

    /// GFM drops the cells of a row beyond the header's width; a book must not lose them in
    /// silence. They are kept, as plain text, in extra columns (the table is widened when it
    /// closes), with a warning at the row.
    fn keep_cells_beyond_header(&mut self, span: Span) {
        let n = self.stack.len();
        if n < 2 || !matches!(self.stack[n - 1].kind, Kind::TableRow) {
            return;
        }
        let header = self.stack[n - 2].head.len();
        let Some(line) = span
            .start
            .checked_sub(self.base)
            .and_then(|from| self.source.get(from..span.end - self.base))
        else {
            return;
        };
        let cells = table_row_cells(line);
        if cells.len() <= header {
            return;
        }
        let extra: Vec<String> = cells[header..]
            .iter()
            .map(|c| c.replace("\\|", "|"))
            .collect();
        self.diags.push(
            Diagnostic::warning(format!(
                "this table row has {} cells but the header has {header}; the {} extra cell(s) are kept in new columns, as plain text",
                cells.len(),
                extra.len()
            ))
            .at(span)
            .code("table")
            .hint("add the missing columns to the header row (and the |---| line), or escape a | that is text as \\|"),
        );
        let row = &mut self.stack[n - 1].cells;
        row.extend(extra.into_iter().map(|t| {
            if t.is_empty() {
                Vec::new()
            } else {
                vec![Inline::Text(nfc(&t))]
            }
        }));
    }

    /// Parse an HTML block held back for its table's end, as it stands.
    fn flush_html(&mut self) {
        if let Some((text, start)) = self.pending_html.take() {
            let blocks = html::to_blocks(&text, self.file, start, self);
            for b in blocks {
                self.top().push_block(b);
            }
        }
    }

    fn start(&mut self, tag: Tag, span: Span) {
        if !matches!(tag, Tag::HtmlBlock) {
            self.flush_html();
        }
        if let Tag::Heading { attrs, .. } = &tag {
            if !attrs.is_empty() {
                let names: Vec<&str> = attrs.iter().map(|(k, _)| k.as_ref()).collect();
                self.diags.push(
                    Diagnostic::warning(format!(
                        "heading attribute(s) {} removed; only an id (#x) and classes (.x) are kept",
                        names.join(", ")
                    ))
                    .at(span)
                    .code("raw-html")
                    .hint("remove the attributes from the heading's { }"),
                );
            }
        }
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
        if !matches!(tag, TagEnd::HtmlBlock) {
            self.flush_html();
        }
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
                    let mut inlines = inlines;
                    for name in self.block_formatting.iter().rev() {
                        inlines = match name.as_str() {
                            "del" | "s" | "strike" => vec![Inline::Strikethrough(inlines)],
                            "em" | "i" => vec![Inline::Emphasis(inlines)],
                            "strong" | "b" => vec![Inline::Strong(inlines)],
                            _ => inlines,
                        };
                    }
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
                let (text, start) = match self.pending_html.take() {
                    Some((mut held, held_start)) => {
                        held.push('\n');
                        held.push_str(&frame.text);
                        (held, held_start)
                    }
                    None => (frame.text, start),
                };
                if html::opens_more_tables_than_it_closes(&text) {
                    self.pending_html = Some((text, start));
                    return;
                }
                // `<del>` or `</del>` alone: formatting around the Markdown blocks between.
                let one_tag = (text.trim().lines().count() == 1)
                    .then(|| html::lex_tag(text.trim()))
                    .flatten();
                match one_tag {
                    Some(html::Token::Open {
                        name,
                        self_closing: false,
                        ..
                    }) if wraps_blocks(&name) => {
                        self.block_formatting.push(name);
                        return;
                    }
                    Some(html::Token::Close(name))
                        if self.block_formatting.last() == Some(&name) =>
                    {
                        self.block_formatting.pop();
                        return;
                    }
                    _ => {}
                }
                let blocks = html::to_blocks(&text, self.file, start, self);
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
            Kind::Table(mut align) => {
                // Rows widened by cells beyond the header (see `keep_cells_beyond_header`).
                let width = frame
                    .rows
                    .iter()
                    .map(Vec::len)
                    .fold(frame.head.len(), usize::max);
                let mut head = frame.head;
                head.resize_with(width, Vec::new);
                align.resize(width, Align::None);
                let mut rows = frame.rows;
                for row in &mut rows {
                    row.resize_with(width, Vec::new);
                }
                parent.push_block(Block::Table { align, head, rows })
            }
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
                height: None,
            })],
            ImageRef::Remote(url)
                if !(url.starts_with("https://") || url.starts_with("http://")) =>
            {
                // `data:`, `javascript:`, `file:`: never a link (the warning was given).
                vec![Inline::Text(if alt.is_empty() {
                    "[picture]".into()
                } else {
                    alt
                })]
            }
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
    if trimmed.len() > MAX_LINK_BYTES {
        diags.push(
            Diagnostic::warning(format!(
                "this link's address is {} bytes long, over the {MAX_LINK_BYTES} bytes a link may have; its text is kept, not linked",
                trimmed.len()
            ))
            .code("long-link")
            .at(span)
            .hint("link to a shorter address (a redirect or a short link)"),
        );
        return None;
    }
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
        // One allow-list for every address written to either output: web and mail links.
        // Anything else (`file:`, `std:`, an intra-doc link of another tool) is not a working
        // link in a book: its text is kept and the reader is told.
        let scheme = &lower[..lower.find(':').unwrap_or(0)];
        if !matches!(scheme, "http" | "https" | "mailto") {
            diags.push(
                Diagnostic::warning(format!(
                    "link to {trimmed} uses the `{scheme}:` scheme, which a book cannot follow; shown as plain text"
                ))
                .code("unsafe-link")
                .at(span)
                .hint("use an http(s) address, or a path to a chapter of this book"),
            );
            return None;
        }
        return Some(LinkTarget::External(trimmed.to_string()));
    }
    Some(LinkTarget::Unresolved(trimmed.to_string()))
}

/// The longest link address written to either output. Web servers refuse far shorter ones
/// (8 KiB is common), and a PDF repeats the address in every page's annotation of a link, so
/// an address of megabytes would cost its length times the pages it spans.
pub const MAX_LINK_BYTES: usize = 32 * 1024;

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

/// Inline formatting elements that, written alone on a line around paragraphs, format them.
fn wraps_blocks(name: &str) -> bool {
    matches!(
        name,
        "del" | "s" | "strike" | "em" | "i" | "strong" | "b" | "ins" | "u" | "span"
    )
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

/// Markdown as real books write it, case by case: the tree keeps what CommonMark and mdBook say.
#[cfg(test)]
mod real_book_syntax {
    use super::*;

    /// Every picture resolves to picture 0.
    struct AnyPicture;
    impl Resolver for AnyPicture {
        fn image(&mut self, _dest: &str, _span: Span, _d: &mut Diagnostics) -> ImageRef {
            ImageRef::Local(ImageId(0))
        }
    }

    fn tree(text: &str, math: bool) -> (Vec<Block>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let options = ParseOptions {
            max_nesting: 64,
            math,
        };
        let parsed = parse_with(text, FileId(0), 0, options, &mut AnyPicture, &mut diags);
        (parsed.blocks, diags)
    }

    fn list_tightness(blocks: &[Block]) -> Vec<bool> {
        match blocks {
            [Block::List { items, .. }] => items.iter().map(|i| i.tight).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tight_and_loose_lists_stay_as_written() {
        assert_eq!(list_tightness(&tree("- a\n- b\n", false).0), [true, true]);
        assert_eq!(
            list_tightness(&tree("- a\n\n- b\n", false).0),
            [false, false]
        );
        let dl_tight = |text: &str| match tree(text, false).0.first() {
            Some(Block::DefinitionList(items)) => items.iter().map(|i| i.tight).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(dl_tight("Term\n: one\n"), [true]);
        assert_eq!(dl_tight("Term\n\n: one\n"), [false]);
    }

    #[test]
    fn maths_is_kept_exactly_with_its_delimiters() {
        let text = "Area \\\\(a*b*c_1\\\\) and [x](y) and\n\n$$\n\\sum_{i} x_i [a](b)\n$$\n\n`\\\\(code\\\\)` and \\\\[ d^2 \\\\]\n";
        let (blocks, _) = tree(text, true);
        let mut maths = Vec::new();
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Math(t) = i {
                maths.push(t.clone());
            }
        });
        assert_eq!(
            maths,
            [
                "\\(a*b*c_1\\)",
                "$$\n\\sum_{i} x_i [a](b)\n$$",
                "\\[ d^2 \\]"
            ]
        );
        let Block::Paragraph(first) = &blocks[0] else {
            panic!()
        };
        assert!(matches!(first[0], Inline::Text(ref t) if t == "Area "));
        assert!(matches!(first[2], Inline::Text(ref t) if t == " and "));
        assert!(matches!(first[3], Inline::Link { .. }), "{first:?}");
        // Without mathjax-support the same text is Markdown: emphasis inside.
        let (blocks, _) = tree("\\\\(a*b*c\\\\)\n", false);
        let mut emphasis = false;
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            emphasis |= matches!(i, Inline::Emphasis(_));
        });
        assert!(emphasis);
    }

    #[test]
    fn math_ranges_skip_code() {
        let text = "```toml\na = 1\n```\n\nText \\\\(a\\\\) here.\n```\n$$x$$\n```\n`$$y$$` $$z$$ \\\\(open";
        let r: Vec<&str> = math_ranges(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(r, ["\\\\(a\\\\)", "$$z$$"]);
    }

    #[test]
    fn picture_and_caption_span_are_one_figure_without_printing_the_alt_text() {
        let text = "<img src=\"x.svg\" alt=\"A diagram\nof two\nboxes\" style=\"width: 50%;\" />\n\n<span class=\"caption\">Figure 4-1: Two boxes</span>\n\n![Keynote hall](y.jpg)\n";
        let (blocks, _) = tree(text, false);
        let Block::Figure { image, caption } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(image.alt, "A diagram of two boxes");
        assert_eq!(image.width, Some(crate::doc::Length::Percent(50.0)));
        assert_eq!(Inline::plain_text(caption), "Figure 4-1: Two boxes");
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        let Block::Figure { caption, .. } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(caption.is_empty(), "the alt text is not a caption");
        let (blocks, _) = tree("![Alt](y.jpg \"The caption\")\n", false);
        assert!(
            matches!(&blocks[0], Block::Figure { caption, .. } if Inline::plain_text(caption) == "The caption")
        );
    }

    #[test]
    fn a_caption_in_the_division_after_a_centred_picture_is_its_caption() {
        let text = "<div align=\"center\">\n  <img src=\"a.png\" alt=\"A segment\" width=\"300px\"/>\n</div>\n<div align=\"center\">\n  <span class=\"caption\">Range check error</span>\n</div>\n\nText after.\n";
        let (blocks, _) = tree(text, false);
        let captions: Vec<String> = blocks
            .iter()
            .flat_map(|b| match b {
                Block::Div { blocks, .. } => blocks.clone(),
                other => vec![other.clone()],
            })
            .filter_map(|b| match b {
                Block::Figure { caption, .. } => Some(Inline::plain_text(&caption)),
                _ => None,
            })
            .collect();
        assert_eq!(captions, ["Range check error"]);
        let text_blocks = format!("{blocks:?}");
        assert_eq!(
            text_blocks.matches("Range check error").count(),
            1,
            "{text_blocks}"
        );
    }

    #[test]
    fn picture_heights_in_pixels_are_kept_and_percent_heights_dropped() {
        let text = "<img src=\"a.png\" alt=\"x\" height=\"120\">\n\n<img src=\"b.png\" alt=\"y\" style=\"height: 50%\">\n\n<img src=\"c.png\" alt=\"z\" height=\"90\" style=\"height: 2em\">\n";
        let (blocks, _) = tree(text, false);
        let heights: Vec<_> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Figure { image, .. } => Some(image.height),
                _ => None,
            })
            .collect();
        assert_eq!(
            heights,
            [
                Some(crate::doc::Length::Px(120.0)),
                None,
                Some(crate::doc::Length::Px(32.0))
            ]
        );
    }

    #[test]
    fn figure_element_and_html_block_caption() {
        let text = "<figure>\n<img src=\"a.png\" alt=\"x\" width=\"300\">\n<figcaption>Cap</figcaption>\n</figure>\n\n<div>\n<img src=\"b.png\" alt=\"y\">\n<p class=\"caption\">Second</p>\n</div>\n";
        let (blocks, _) = tree(text, false);
        let figures: Vec<_> = blocks
            .iter()
            .flat_map(|b| match b {
                Block::Div { blocks, .. } => blocks.clone(),
                other => vec![other.clone()],
            })
            .filter_map(|b| match b {
                Block::Figure { image, caption } => {
                    Some((image.width, Inline::plain_text(&caption)))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            figures,
            [
                (Some(crate::doc::Length::Px(300.0)), "Cap".to_string()),
                (None, "Second".to_string())
            ]
        );
    }

    #[test]
    fn cells_beyond_the_header_are_kept_with_a_warning() {
        let text = "# T\n\n| a | b |\n|---|--:|\n| 1 | 2 | 3 \\| x | `4` |\n| y |\n";
        let (blocks, diags) = tree(text, false);
        let Some(Block::Table { align, head, rows }) = blocks.get(1) else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            align,
            &[Align::None, Align::Right, Align::None, Align::None]
        );
        assert_eq!(head.len(), 4);
        assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
        assert!(
            matches!(rows[0][2].as_slice(), [Inline::Text(t)] if t == "3 | x"),
            "{rows:?}"
        );
        assert!(
            matches!(rows[0][3].as_slice(), [Inline::Text(t)] if t == "`4`"),
            "{rows:?}"
        );
        let warnings: Vec<_> = diags.iter().filter(|d| d.code == Some("table")).collect();
        assert_eq!(warnings.len(), 1, "{diags:?}");
        assert!(warnings[0].message.contains("4 cells but the header has 2"));
        assert_eq!(
            warnings[0].span.map(|s| s.start),
            Some(text.find("| 1").unwrap())
        );
        assert_eq!(table_row_cells("| a | b \\| c |"), ["a", "b \\| c"]);
        assert_eq!(table_row_cells("a | | c"), ["a", "", "c"]);
    }

    #[test]
    fn raw_tables_keep_their_rows() {
        let text = "<table>\n<tr><td>a</td><td>b</td></tr>\n\n<tr><td>c</td><td><pre>x  y\nz</pre></td></tr>\n</table>\n";
        let (blocks, _) = tree(text, false);
        let Some(Block::Table { head, rows, .. }) = blocks.first() else {
            panic!("{blocks:?}")
        };
        assert!(head.is_empty(), "a first row of <td> is not a header");
        assert_eq!(rows.len(), 2, "one table across the blank line: {rows:?}");
        assert!(
            matches!(rows[1][1].as_slice(), [Inline::Code(a), Inline::LineBreak, Inline::Code(b)] if a == "x  y" && b == "z"),
            "{:?}",
            rows[1][1]
        );
    }

    #[test]
    fn an_id_on_any_raw_html_element_is_an_anchor() {
        let text = "<ul><li id=\"item\">one</li></ul>\n\n<table><tr><td id=\"cell\">c</td></tr></table>\n\n<p>See <code id=\"fn-x\">x()</code> and <em id=\"e\">this</em> <a href=\"https://x.org/\" id=\"a1\">x</a>.</p>\n\nIn Markdown: <code id=\"md-code\">y()</code>, <strong id=\"md-strong\">z</strong>, <a id=\"md-a\" href=\"https://x.org/\">w</a>.\n";
        let (blocks, _) = tree(text, false);
        let mut ids = Vec::new();
        crate::doc::passes::visit_blocks(&blocks, &mut |b| {
            if let Block::Div { id: Some(id), .. } = b {
                ids.push(id.clone());
            }
        });
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Span { id: Some(id), .. } = i {
                ids.push(id.clone());
            }
        });
        ids.sort();
        assert_eq!(
            ids,
            [
                "a1",
                "cell",
                "e",
                "fn-x",
                "item",
                "md-a",
                "md-code",
                "md-strong"
            ],
            "{blocks:?}"
        );
    }

    #[test]
    fn removed_heading_attributes_are_named() {
        let (blocks, diags) = tree("# Title {#t .c onclick=alert(1) data-x=y}\n", false);
        assert!(
            matches!(&blocks[0], Block::Heading { id, classes, .. } if id == "t" && classes == &["c"])
        );
        let d = diags.iter().next().expect("a warning");
        assert!(d.message.contains("onclick, data-x"), "{}", d.message);
    }

    #[test]
    fn raw_html_nested_too_deep_is_text_in_linear_time() {
        let deep = format!("# A\n\n{}deep text\n", "<div>".repeat(200_000));
        let started = std::time::Instant::now();
        let (blocks, diags) = tree(&deep, false);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert!(diags
            .iter()
            .any(|d| d.message.contains("nested 200000 elements deep")));
        let mut text = String::new();
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Text(t) = i {
                text.push_str(t);
            }
        });
        assert!(text.contains("deep text"), "{text}");
        let (_, diags) = tree(&"<div>".repeat(100), false);
        assert!(diags.is_empty());
    }

    #[test]
    fn del_around_a_paragraph_is_kept() {
        let (blocks, _) = tree("<del>\n\nGone *now*.\n\n</del>\n\nKept.\n", false);
        assert!(
            matches!(&blocks[0], Block::Paragraph(i) if matches!(i.as_slice(), [Inline::Strikethrough(_)])),
            "{blocks:?}"
        );
        assert!(
            matches!(&blocks[1], Block::Paragraph(i) if matches!(i.as_slice(), [Inline::Text(t)] if t == "Kept.")),
            "{blocks:?}"
        );
    }

    #[test]
    fn tags_with_non_ascii_spaces_and_symbols_do_not_panic() {
        for text in [
            "<pre>\n.\n├── lib.rs\n</pre>\n",
            "<span title=a\u{a0}b>x</span> and <a href=\"…\">y</a>\n",
            "<del>\u{85}</del>\n\n<b title=├>\n",
        ] {
            let _ = tree(text, true);
            let _ = html::lex_tag(text);
        }
    }

    #[test]
    fn cdata_and_entities_in_attributes() {
        let (blocks, _) = tree("<div><![CDATA[a < b && c]]></div>\n", false);
        let mut text = String::new();
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Text(t) = i {
                text.push_str(t);
            }
        });
        assert_eq!(text, "a < b && c");
        let (blocks, _) = tree(
            "A <a href=\"https://x.org/?a=1&amp;b=2\">link</a>.\n",
            false,
        );
        let mut hrefs = Vec::new();
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Link { target, .. } = i {
                hrefs.push(target.clone());
            }
        });
        assert_eq!(
            hrefs,
            [LinkTarget::External("https://x.org/?a=1&b=2".into())]
        );
    }

    #[test]
    fn fenced_code_keeps_trailing_blank_lines() {
        let (blocks, _) = tree("```text\na\n\n\n```\n", false);
        assert!(
            matches!(&blocks[0], Block::CodeBlock { code, .. } if code == "a\n\n\n"),
            "{blocks:?}"
        );
    }

    #[test]
    fn unknown_schemes_are_text_with_a_warning() {
        let (blocks, diags) = tree(
            "[Vec](std::vec::Vec) [x](std:vec) [y](file:///etc/passwd) [ok](https://a.org/#x#y)\n",
            false,
        );
        let mut targets = Vec::new();
        crate::doc::passes::visit_inlines(&blocks, &mut |i| {
            if let Inline::Link { target, .. } = i {
                targets.push(target.clone());
            }
        });
        assert_eq!(targets, [LinkTarget::External("https://a.org/#x#y".into())]);
        assert_eq!(diags.warning_count(), 3);
    }
}
