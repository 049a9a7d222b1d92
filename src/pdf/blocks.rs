//! Block layout: each block of the document tree (paragraphs, headings, quotes and alerts,
//! lists, definition lists, rules, divisions, figures, footnote bodies) becomes entries of the
//! vertical flow, tagged with its structure element. Inline content goes to
//! [`super::inline`], code blocks to [`super::code`], tables to [`super::table`].

use super::flow::{baseline_of, set_tag, text_end, text_item, Ctx, FlowEntry, Style};
use super::model::{self, Color, PageItem, StructKind};
use super::settings::content_height;
use super::settings::{em, FIGURE_MAX_HEIGHT, FIGURE_MOST_HEIGHT};
use crate::assets::fonts::Role;
use crate::doc::{Block, DefinitionItem, Image, Inline, Length, ListItem};

impl Ctx<'_> {
    pub(super) fn block(&mut self, block: &Block, width: f32) -> Vec<FlowEntry> {
        let kind = match block {
            Block::Paragraph(_) => Some((StructKind::P, None, None)),
            Block::Heading { level, content, .. } => Some((
                StructKind::H(*level),
                Some(Inline::plain_text(content)),
                None,
            )),
            Block::BlockQuote(_) | Block::Alert { .. } => {
                Some((StructKind::BlockQuote, None, None))
            }
            Block::List { start, .. } => Some((
                StructKind::List {
                    ordered: start.is_some(),
                },
                None,
                None,
            )),
            Block::DefinitionList(_) => Some((StructKind::List { ordered: false }, None, None)),
            Block::CodeBlock { .. } => Some((StructKind::Code, None, None)),
            Block::Table { .. } => Some((StructKind::Table, None, None)),
            Block::Figure { image, .. } => {
                Some((StructKind::Figure, Some(image.alt.clone()), None))
            }
            Block::Div { lang, .. } => Some((StructKind::Div, None, lang.clone())),
            Block::Rule => None,
        };
        match kind {
            Some((kind, alt, lang)) => {
                let id = self.node(kind, alt, lang);
                self.within(id, |ctx| ctx.block_content(block, width))
            }
            None => self.block_content(block, width),
        }
    }

    fn block_content(&mut self, block: &Block, width: f32) -> Vec<FlowEntry> {
        let gap = self.settings.font_size * em::BLOCK_GAP;
        let mut entries = match block {
            Block::Paragraph(inlines) => return self.paragraph_block(inlines, width, gap),
            Block::Heading {
                level, id, content, ..
            } => return self.heading(*level, content, width, Some(id.clone())),
            Block::Rule => return vec![self.rule(width)],
            Block::Div { id, lang, blocks } => return self.div(id, lang, blocks, width),
            Block::BlockQuote(blocks) => self.quote(None, blocks, width),
            Block::Alert { kind, blocks } => self.quote(Some(kind.label()), blocks, width),
            Block::List { start, items } => self.list(*start, items, width),
            Block::DefinitionList(items) => self.definition_list(items, width),
            Block::CodeBlock { code, lang } => self.code(code, lang.as_deref(), width),
            Block::Table { align, head, rows } => self.table(align, head, rows, width),
            Block::Figure { image, caption } => self.figure(image, caption, width),
        };
        space(&mut entries, gap);
        entries
    }

    /// A paragraph, or the framed placeholder of a missing picture.
    fn paragraph_block(&mut self, inlines: &[Inline], width: f32, gap: f32) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let mut lines = if matches!(inlines.first(), Some(Inline::MissingPicture { .. })) {
            let pad = fs * em::BOX_PAD;
            let inner = self.paragraph(inlines, self.body_style(), width - 2.0 * pad, false);
            let mut framed = indent(inner, pad);
            frame(&mut framed, width, model::LINK);
            framed
        } else {
            self.paragraph(inlines, self.body_style(), width, true)
        };
        if !lines.is_empty() && lines.iter().all(|l| l.items.is_empty()) {
            // Only link targets (`<a id="x"></a>` on a line of its own): they mark the place of
            // what follows and take no space.
            let anchors = lines.into_iter().flat_map(|l| l.anchors).collect();
            return vec![FlowEntry {
                anchors,
                keep_with_next: true,
                ..FlowEntry::default()
            }];
        }
        space(&mut lines, gap);
        widows_and_orphans(&mut lines);
        lines
    }

    /// A block quote, or an alert (a quote headed by its label, with a coloured rule).
    fn quote(&mut self, label: Option<&str>, blocks: &[Block], width: f32) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let inner_width = width - fs * em::BLOCK_INDENT;
        let mut inner = Vec::new();
        if let Some(label) = label {
            let style = Style {
                face: self.settings.face(Role::Heading, true, false),
                color: model::LINK,
                ..self.body_style()
            };
            inner = self.paragraph(
                &[Inline::Text(label.to_string())],
                style,
                inner_width,
                false,
            );
        }
        inner.extend(self.blocks(blocks, inner_width));
        if label.is_some() {
            if let Some(first) = inner.first_mut() {
                first.keep_with_next = true;
            }
        }
        let mut e = indent(inner, fs * em::BLOCK_INDENT);
        let colour = if label.is_some() {
            model::LINK
        } else {
            model::RULE
        };
        rule_left(&mut e, fs * em::QUOTE_RULE_X, colour);
        e
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem], width: f32) -> Vec<FlowEntry> {
        let mut out = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let marker = match (start, item.task) {
                (_, Some(true)) => "[x]".to_string(),
                (_, Some(false)) => "[ ]".to_string(),
                (Some(s), None) => format!("{}.", s + n as u64),
                (None, None) => "•".to_string(),
            };
            out.extend(self.list_item(&marker, &item.blocks, n == 0, width));
        }
        out
    }

    /// One list item: its blocks indented, its marker right-aligned in the indent on the first
    /// line's baseline.
    fn list_item(
        &mut self,
        marker: &str,
        blocks: &[Block],
        first: bool,
        width: f32,
    ) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let ind = fs * em::LIST_INDENT;
        let li = self.node(StructKind::ListItem, None, None);
        let saved = self.parent.replace(li);
        let label = self.node(StructKind::Label, None, None);
        let body = self.node(StructKind::ListBody, None, None);
        let mut inner = self.within(body, |ctx| ctx.blocks(blocks, width - ind));
        self.parent = saved;
        if inner.is_empty() {
            inner.push(FlowEntry {
                height: fs * self.settings.leading,
                ..FlowEntry::default()
            });
        }
        if let Some(e) = inner.first_mut() {
            e.space_before = if first { 0.0 } else { fs * em::LIST_ITEM_GAP };
        }
        let mut entries = indent(inner, ind);
        let style = self.body_style();
        let shaped = self.shape_text(marker, style.face);
        let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * fs;
        if let Some(first) = entries.first_mut() {
            let baseline = first.items.iter().find_map(|i| match i {
                PageItem::Text { y, .. } => Some(*y),
                _ => None,
            });
            let y = baseline.unwrap_or(baseline_of(fs, self.settings.leading));
            let mut x = ind - fs * em::LIST_MARKER_GAP - w;
            for s in shaped {
                let mut it = text_item(x, y, style, &s);
                set_tag(&mut it, label);
                first.items.push(it);
                x += s.width * fs;
            }
        }
        entries
    }

    /// Terms in bold, kept with their definitions, which are indented.
    fn definition_list(&mut self, items: &[DefinitionItem], width: f32) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let mut out = Vec::new();
        for item in items {
            let style = Style {
                face: self.settings.face(Role::Body, true, false),
                ..self.body_style()
            };
            let li = self.node(StructKind::ListItem, None, None);
            let saved = self.parent.replace(li);
            let label = self.node(StructKind::Label, None, None);
            let mut term = self.within(label, |ctx| ctx.paragraph(&item.term, style, width, false));
            for t in &mut term {
                t.keep_with_next = true;
            }
            out.extend(term);
            let body = self.node(StructKind::ListBody, None, None);
            for d in &item.definitions {
                let defs = self.within(body, |ctx| ctx.blocks(d, width - fs * em::BLOCK_INDENT));
                out.extend(indent(defs, fs * em::BLOCK_INDENT));
            }
            self.parent = saved;
        }
        out
    }

    /// A thematic break: a short centred rule.
    fn rule(&self, width: f32) -> FlowEntry {
        let fs = self.settings.font_size;
        let mut e = FlowEntry {
            height: fs,
            ..FlowEntry::default()
        };
        e.items.push(PageItem::Line {
            x1: width * 0.3,
            y1: fs * 0.5,
            x2: width * 0.7,
            y2: fs * 0.5,
            width: 0.5,
            color: model::RULE,
        });
        e
    }

    /// A division: its blocks in its language, its id an anchor.
    fn div(
        &mut self,
        id: &Option<String>,
        lang: &Option<String>,
        blocks: &[Block],
        width: f32,
    ) -> Vec<FlowEntry> {
        let saved = self.lang.clone();
        if let Some(l) = lang {
            self.lang = l.clone();
        }
        let mut e = self.blocks(blocks, width);
        self.lang = saved;
        if e.is_empty() && id.is_some() {
            // An anchor alone (`<a id="x"></a>`): a target that takes no space, kept
            // with what follows so a link lands on it.
            e.push(FlowEntry {
                keep_with_next: true,
                ..FlowEntry::default()
            });
        }
        if let (Some(first), Some(id)) = (e.first_mut(), id) {
            first.anchors.push((self.chapter, Some(id.clone())));
        }
        e
    }

    pub(super) fn heading(
        &mut self,
        level: u8,
        content: &[Inline],
        width: f32,
        id: Option<String>,
    ) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let scale = em::HEADING_SIZE[usize::from(level.clamp(1, 4)) - 1];
        let style = Style {
            face: self.settings.face(Role::Heading, true, false),
            size: fs * scale,
            color: model::BLACK,
            rise: 0.0,
            strike: false,
        };
        let mut lines = self.paragraph(content, style, width, false);
        let n = lines.len();
        for (k, l) in lines.iter_mut().enumerate() {
            l.keep_with_next = true;
            if k == n - 1 {
                l.height += fs
                    * if level == 1 {
                        em::TITLE_SPACE_AFTER
                    } else {
                        em::HEADING_SPACE_AFTER
                    };
            }
        }
        if let Some(first) = lines.first_mut() {
            first.space_before = fs
                * if level == 1 {
                    em::TITLE_SPACE_BEFORE
                } else {
                    em::HEADING_SPACE_BEFORE
                };
            if let Some(id) = id {
                first.anchors.push((self.chapter, Some(id)));
            }
            if level > 1 && level <= 3 {
                first.bookmark = Some((usize::from(level) - 1, Inline::plain_text(content)));
            }
        }
        lines
    }

    /// Footnote body: small type, number first.
    pub(super) fn note(&mut self, number: u32, blocks: &[Block], width: f32) -> Vec<FlowEntry> {
        let fs = self.settings.font_size * em::NOTE_SIZE;
        let mut entries = self.at_size(fs, |inner| {
            let mut entries = Vec::new();
            for (k, b) in blocks.iter().enumerate() {
                match (k, b) {
                    (0, Block::Paragraph(inl)) => {
                        let mut with_number = vec![Inline::Text(format!("{number}. "))];
                        with_number.extend(inl.iter().cloned());
                        let style = inner.body_style();
                        entries.extend(inner.paragraph(&with_number, style, width, true));
                    }
                    _ => entries.extend(inner.block(b, width)),
                }
            }
            if entries.is_empty() {
                let style = inner.body_style();
                let number = [Inline::Text(format!("{number}."))];
                entries.extend(inner.paragraph(&number, style, width, false));
            }
            entries
        });
        for e in &mut entries {
            e.space_before = 0.0;
        }
        entries
    }

    pub(super) fn figure(
        &mut self,
        image: &Image,
        caption: &[Inline],
        width: f32,
    ) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let size = self
            .image_sizes
            .get(image.id.0)
            .copied()
            .unwrap_or_default();
        let (pw, ph) = size.pixels();
        let mut out = Vec::new();
        if pw == 0 || ph == 0 {
            // Cannot be drawn (an SVG that does not parse): say so rather than drop it silently.
            let text = format!(
                "[picture: {}]",
                if image.alt.is_empty() {
                    &self.doc.images[image.id.0].rel_path
                } else {
                    &image.alt
                }
            );
            let style = Style {
                color: model::GREY,
                ..self.body_style()
            };
            out.extend(self.paragraph(&[Inline::Text(text)], style, width, false));
        } else {
            let (w, h) = self.figure_size(image, size, width);
            let mut e = FlowEntry {
                height: h,
                space_before: fs * em::FIGURE_SPACE_BEFORE,
                keep_with_next: !caption.is_empty(),
                float: true,
                ..FlowEntry::default()
            };
            e.items.push(PageItem::Image {
                x: (width - w) / 2.0,
                y: 0.0,
                w,
                h,
                image: image.id.0,
                alt: image.alt.clone(),
                tag: None,
            });
            out.push(e);
        }
        if !caption.is_empty() {
            let style = Style {
                face: self.settings.face(Role::Heading, false, false),
                size: fs * em::CAPTION_SIZE,
                color: model::GREY,
                rise: 0.0,
                strike: false,
            };
            let cap = self.node(StructKind::Caption, None, None);
            let mut lines = self.within(cap, |ctx| {
                ctx.paragraph(caption, style, width * em::CAPTION_MEASURE, false)
            });
            let n = lines.len();
            for (k, l) in lines.iter_mut().enumerate() {
                center(l, width);
                // A caption is not split across pages.
                l.keep_with_next = k + 1 < n;
            }
            if let Some(first) = lines.first_mut() {
                first.space_before = fs * em::CAPTION_SPACE_BEFORE;
            }
            out.extend(lines);
        }
        out
    }

    /// The size a picture is placed at in a column `width` wide: what the source asks for, or
    /// its natural size, within the page's height, never blown up past what its pixels bear,
    /// and never so small that a drawing's text is unreadable.
    fn figure_size(&self, image: &Image, size: super::flow::PixelSize, width: f32) -> (f32, f32) {
        let fs = self.settings.font_size;
        let (pw, ph) = size.pixels();
        let max_h = content_height(self.settings) * FIGURE_MAX_HEIGHT;
        // A small raster picture is not blown up past 1.5 times its size at 96 px per inch
        // (it would print blurred); vector drawings scale freely.
        let vector = self.doc.images[image.id.0]
            .rel_path
            .to_ascii_lowercase()
            .ends_with(".svg");
        let smallest_text = size.smallest_text.filter(|_| vector);
        let natural = match image.width {
            // The width the source asks for: a share of the column, or CSS pixels (0.75 pt).
            Some(Length::Percent(p)) => width * p / 100.0,
            Some(Length::Px(px)) => px * 0.75,
            None => match (image.height, smallest_text) {
                // Only a height: the width that gives it.
                (Some(Length::Px(h)), _) => h * 0.75 * pw as f32 / ph as f32,
                // A drawing with text: as wide as sets its smallest text at the body size,
                // so a small diagram is not blown up to 50-point labels.
                (_, Some(t)) => pw as f32 * fs / t,
                _ if vector => width,
                _ => pw as f32 * 0.75 * 1.5,
            },
        };
        let mut w = width.min(natural);
        let mut h = w * ph as f32 / pw as f32;
        if h > max_h {
            h = max_h;
            w = h * pw as f32 / ph as f32;
        }
        if let Some(t) = smallest_text {
            // Never smaller than its text can bear: wider (up to the column) and taller
            // (up to nearly a page, which it may then have to itself).
            let least_w = (fs * em::DRAWING_TEXT_MIN * pw as f32 / t).min(width);
            if w < least_w {
                w = least_w;
                h = w * ph as f32 / pw as f32;
                let most_h = content_height(self.settings) * FIGURE_MOST_HEIGHT;
                if h > most_h {
                    h = most_h;
                    w = h * pw as f32 / ph as f32;
                }
            }
        }
        (w, h)
    }
}

pub(super) fn space(entries: &mut [FlowEntry], gap: f32) {
    if let Some(last) = entries.last_mut() {
        last.height += gap;
    }
}

/// Orphans: the first two lines stay together; widows: so do the last two.
fn widows_and_orphans(lines: &mut [FlowEntry]) {
    let n = lines.len();
    if n >= 2 {
        lines[0].keep_with_next = true;
        lines[n - 2].keep_with_next = true;
    }
}

pub(super) fn indent(mut entries: Vec<FlowEntry>, by: f32) -> Vec<FlowEntry> {
    for e in &mut entries {
        for i in &mut e.items {
            i.shift(by, 0.0);
        }
    }
    entries
}

fn rule_left(entries: &mut [FlowEntry], x: f32, color: Color) {
    for e in entries.iter_mut() {
        e.items.push(PageItem::Line {
            x1: x,
            y1: 0.0,
            x2: x,
            y2: e.height,
            width: 1.5,
            color,
        });
    }
}

/// A box drawn around a run of entries (a missing picture's placeholder): sides on every
/// entry, the top on the first and the bottom on the last.
pub(super) fn frame(entries: &mut [FlowEntry], width: f32, color: Color) {
    let last = entries.len().saturating_sub(1);
    for (i, e) in entries.iter_mut().enumerate() {
        let h = e.height;
        let mut line = |x1: f32, y1: f32, x2: f32, y2: f32| {
            e.items.push(PageItem::Line {
                x1,
                y1,
                x2,
                y2,
                width: 0.75,
                color,
            })
        };
        line(0.5, 0.0, 0.5, h);
        line(width - 0.5, 0.0, width - 0.5, h);
        if i == 0 {
            line(0.5, 0.0, width - 0.5, 0.0);
        }
        if i == last {
            line(0.5, h, width - 0.5, h);
        }
    }
}

pub(super) fn center(e: &mut FlowEntry, width: f32) {
    let right = text_end(e);
    let dx = ((width - right) / 2.0).max(0.0);
    for i in &mut e.items {
        i.shift(dx, 0.0);
    }
}
