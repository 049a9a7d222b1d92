//! The tree builder: pulldown-cmark's events folded into the document tree with an explicit
//! stack of frames, never by recursion (see the module above for why).

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

use super::blocks::{
    alert_kind, align, as_figure, frame_blocks, heading_level, is_blank, table_row_cells,
    trim_inlines, wraps_blocks,
};
use super::code::{code_lang, hide_rust_lines};
use super::math::{formula, MathSyntax};
use super::{ImageRef, Parsed, Resolver};
use crate::book::html::{self, HtmlSink, InlineTag};
use crate::book::links::link_target;
use crate::diag::{Code, Diagnostic, Diagnostics, FileId, Span};
use crate::doc::{
    AlertKind, Align, Block, DefinitionItem, Footnote, Formula, Image, Inline, LinkTarget, ListItem,
};
use crate::text::nfc;

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
    /// A ```` ```math ```` block under GitHub's maths: display maths, at its span.
    MathBlock(Span),
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

pub(super) struct Builder<'a, R: Resolver> {
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
    /// ```` ```math ```` blocks are display maths (GitHub's maths), not code.
    pub(super) math_blocks: bool,
}

impl<'a, R: Resolver> Builder<'a, R> {
    pub(super) fn new(
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
            math_blocks: false,
        }
    }

    /// A text event that reaches into maths: the text before it, the maths (once, at the event
    /// where it starts), the text after. Returns the index of the next maths range to look for.
    pub(super) fn text_with_math(
        &mut self,
        body: &str,
        range: std::ops::Range<usize>,
        math: &[std::ops::Range<usize>],
        syntax: MathSyntax,
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
                let span = Span::new(self.file, self.base + m.start..self.base + m.end);
                let formula = formula(&body[m.clone()], span, syntax);
                self.push_inline(Inline::Math(formula));
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
                        .code(Code::Nesting)
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

    /// Close anything left open (only inline HTML frames can be) and hand over the tree.
    pub(super) fn finish(mut self) -> Parsed {
        while self.stack.len() > 1 {
            self.close_top();
        }
        self.flush_html();
        let root = self.stack.pop().expect("root frame");
        Parsed {
            blocks: root.into_blocks(),
            footnotes: self.footnotes,
        }
    }

    pub(super) fn event(&mut self, event: Event, span: Span) {
        match event {
            Event::Start(tag) => self.start(tag, span),
            Event::End(TagEnd::TableRow) => {
                self.keep_cells_beyond_header(span);
                self.end(TagEnd::TableRow)
            }
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(Kind::CodeBlock(_) | Kind::MathBlock(_) | Kind::HtmlBlock(_)) =
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
            .code(Code::Table)
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
                    .code(Code::RawHtml)
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
            Tag::CodeBlock(CodeBlockKind::Fenced(info))
                if self.math_blocks && code_lang(&info).as_deref() == Some("math") =>
            {
                Kind::MathBlock(span)
            }
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
        let mut frame = self.stack.pop().expect("frame to close");
        if Self::is_container(&frame.kind) {
            self.depth = self.depth.saturating_sub(1);
        }
        match std::mem::replace(&mut frame.kind, Kind::Root) {
            Kind::Root => unreachable!("root is never closed"),
            Kind::Flattened => self.close_flattened(frame),
            Kind::Paragraph => self.close_paragraph(frame),
            Kind::HtmlBlock(start) => self.close_html_block(frame.text, start),
            Kind::FootnoteDef(label) => {
                let blocks = frame_blocks(frame.blocks, frame.inlines);
                self.footnotes.push(Footnote {
                    label,
                    number: 0,
                    blocks,
                });
            }
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
            kind => {
                let parent = self.stack.last_mut().expect("root frame");
                close_into_parent(kind, frame, parent);
            }
        }
    }

    /// A container past the nesting limit: its contents go to its parent as they are.
    fn close_flattened(&mut self, frame: Frame) {
        let parent = self.stack.last_mut().expect("root frame");
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

    fn close_paragraph(&mut self, frame: Frame) {
        let parent = self.stack.last_mut().expect("root frame");
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

    /// A raw HTML block goes to the sanitiser, unless it is one half of something that spans
    /// Markdown blocks: a table not closed yet, or formatting written alone on its line.
    fn close_html_block(&mut self, text: String, start: usize) {
        let (text, start) = match self.pending_html.take() {
            Some((mut held, held_start)) => {
                held.push('\n');
                held.push_str(&text);
                (held, held_start)
            }
            None => (text, start),
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
            Some(html::Token::Close(name)) if self.block_formatting.last() == Some(&name) => {
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
            ImageRef::Remote(url) if crate::book::links::web_address(&url).is_none() => {
                // `data:`, `javascript:`, `file:`, or no valid web address: never a link (the
                // warning was given).
                vec![Inline::Text(if alt.is_empty() {
                    "[picture]".into()
                } else {
                    alt
                })]
            }
            ImageRef::Remote(written) => {
                let url = crate::book::links::web_address(&written).unwrap_or(written);
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

/// Attach a closed frame whose kind needs nothing from the builder to its parent.
fn close_into_parent(kind: Kind, frame: Frame, parent: &mut Frame) {
    match kind {
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
        Kind::MathBlock(span) => {
            let tex = nfc(&frame.text);
            parent.push_block(Block::Paragraph(vec![Inline::Math(Formula {
                source: tex.clone(),
                tex,
                display: true,
                mathml: None,
                span,
            })]));
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
        Kind::TableHead => parent.head = frame.cells,
        Kind::TableRow => parent.rows.push(frame.cells),
        Kind::TableCell => parent.cells.push(trim_inlines(frame.inlines)),
        Kind::Emphasis => parent.inlines.push(Inline::Emphasis(frame.inlines)),
        Kind::Strong => parent.inlines.push(Inline::Strong(frame.inlines)),
        Kind::Strike => parent.inlines.push(Inline::Strikethrough(frame.inlines)),
        Kind::Superscript => parent.inlines.push(Inline::Superscript(frame.inlines)),
        Kind::Subscript => parent.inlines.push(Inline::Subscript(frame.inlines)),
        Kind::Table(align) => parent.push_block(table(frame, align)),
        Kind::Html(tag) => {
            parent.has_caption |= tag.is_caption();
            let inline = html::close_inline(tag, frame.inlines);
            parent.inlines.extend(inline);
        }
        Kind::Root
        | Kind::Flattened
        | Kind::Paragraph
        | Kind::HtmlBlock(_)
        | Kind::FootnoteDef(_)
        | Kind::Link { .. }
        | Kind::Image { .. } => unreachable!("closed by the builder"),
    }
}

/// A closed table: rows widened by cells beyond the header (see `keep_cells_beyond_header`).
fn table(frame: Frame, mut align: Vec<Align>) -> Block {
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
    Block::Table { align, head, rows }
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
