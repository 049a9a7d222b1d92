//! The typesetter: document tree → vertical flow of entries (lines, rows, pictures) → pages.
//!
//! Stages, in order: each block is laid out here (headings, lists, quotes, code, tables,
//! figures, notes); its inline content goes through [`super::inline`] (spans, shaping, Knuth-Plass
//! lines), and the lines are stacked as entries (widows and orphans avoided, table headers
//! marked for repetition); [`super::pages`] then distributes the entries onto pages.
//! [`typeset`] states the order.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rayon::prelude::*;

use super::model::{self, Color, Item, Numbering, StructKind, StructNode};
use super::outline::outline;
use super::pages::paginate;
use super::running::{decorate, number_front};
use super::settings::em;
use super::shape::{FaceId, Shaped};
use crate::assets::fonts::Role;
use crate::doc::{Block, Document, Image, Inline, Length};

pub(super) use super::settings::{content_height, text_width};
pub use super::settings::{HandoutCover, Settings};

/// Size of a picture in pixels (0 x 0 when it cannot be placed, e.g. SVG for now).
pub type PixelSize = (u32, u32);

/// Characters no font has, per chapter (for warnings at the right file).
pub type MissingChars = Vec<(usize, char)>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Style {
    pub(super) face: FaceId,
    pub(super) size: f32,
    pub(super) color: Color,
    pub(super) rise: f32,
    pub(super) strike: bool,
}

/// A vertical piece of the flow. Items are relative to the entry's top-left at the text indent 0.
#[derive(Clone, Debug, Default)]
pub(super) struct Entry {
    pub(super) height: f32,
    pub(super) space_before: f32,
    pub(super) items: Vec<Item>,
    pub(super) keep_with_next: bool,
    pub(super) footnotes: Vec<(usize, u32)>,
    pub(super) anchors: Vec<(usize, Option<String>)>,
    pub(super) page_break: Option<bool>,
    /// A table row: the header row to repeat when the table continues on a new page.
    pub(super) repeat_header: Option<Box<Entry>>,
    pub(super) bookmark: Option<(usize, String)>,
    /// A picture that may move to the next page, letting the following text flow up.
    pub(super) float: bool,
}

pub(super) struct Ctx<'a> {
    pub(super) doc: &'a Document,
    pub(super) settings: &'a Settings,
    pub(super) image_sizes: &'a [PixelSize],
    pub(super) chapter: usize,
    pub(super) lang: String,
    pub(super) missing: MissingChars,
    /// Footnote bodies per (chapter, number), laid out at the measure.
    pub(super) notes: HashMap<(usize, u32), Vec<Entry>>,
    /// The tagged-PDF structure, shared with the contexts made for notes and tables.
    pub(super) structure: Rc<RefCell<Vec<StructNode>>>,
    /// The structure element new elements go under.
    pub(super) parent: Option<usize>,
}

/// Typeset the whole book: the chapters in parallel (each on its own, into a flow of entries),
/// then, in order, the pages of the body, the front matter that needs their numbers, and the
/// running heads.
pub fn typeset(
    doc: &Document,
    settings: &Settings,
    image_sizes: &[PixelSize],
) -> (model::Book, MissingChars) {
    let width = text_width(settings);
    // Body first: its page numbers are needed by the contents, which do not move them (front
    // matter is numbered in roman numerals, the body from 1).
    let chapters: Vec<ChapterLayout> = (0..doc.chapters.len())
        .into_par_iter()
        .map(|i| chapter(doc, settings, image_sizes, i))
        .collect();
    let mut ctx = Ctx::new(doc, settings, image_sizes, 0);
    ctx.lang = doc.meta.language.clone();
    // Sized once: the flow of a long book is large, and doubling it as it grows would hold
    // two copies at the peak.
    let mut flow = Vec::with_capacity(chapters.iter().map(|c| c.entries.len() + 1).sum());
    for mut laid in chapters {
        // Each chapter numbered its structure elements from 0; they follow the ones before.
        let offset = ctx.structure.borrow().len();
        laid.renumber(offset);
        ctx.structure.borrow_mut().extend(laid.structure);
        flow.push(Entry {
            page_break: Some(settings.two_sided),
            ..Entry::default()
        });
        flow.extend(laid.entries);
        ctx.notes.extend(laid.notes);
        ctx.missing.extend(laid.missing);
    }
    let notes = std::mem::take(&mut ctx.notes);
    let mut body = paginate(flow, notes, settings, Numbering::Arabic, 0);
    // Front matter: title page and contents.
    let mut front_flow = ctx.title_page();
    front_flow.push(Entry {
        page_break: Some(false),
        ..Entry::default()
    });
    front_flow.extend(ctx.contents(&body.anchors, width));
    let mut front = paginate(front_flow, HashMap::new(), settings, Numbering::Roman, 0);
    let offset = front.pages.len();
    // Shift body page indices past the front matter.
    let anchors: HashMap<_, _> = body
        .anchors
        .drain()
        .map(|(k, (p, y))| (k, (p + offset, y)))
        .collect();
    let bookmarks = outline(doc, &body.headings, offset);
    decorate(doc, &mut body.pages, &body.chapter_of_page, settings);
    number_front(&mut front.pages, settings);
    let mut pages = front.pages;
    pages.extend(body.pages);
    let structure_nodes = ctx.structure.borrow().clone();
    (
        model::Book {
            pages,
            bookmarks,
            anchors,
            structure: structure_nodes,
        },
        ctx.missing,
    )
}

/// One chapter laid out on its own, ready to join the book's flow.
struct ChapterLayout {
    entries: Vec<Entry>,
    /// Footnote bodies by (chapter, number), for the paginator to place.
    notes: HashMap<(usize, u32), Vec<Entry>>,
    /// The chapter's structure elements, numbered from 0.
    structure: Vec<StructNode>,
    missing: MissingChars,
}

impl ChapterLayout {
    /// Move the chapter's structure element numbers up by `offset`, where they join the book's.
    fn renumber(&mut self, offset: usize) {
        for node in &mut self.structure {
            node.parent = node.parent.map(|p| p + offset);
        }
        let notes = self.notes.values_mut().flatten();
        for e in self.entries.iter_mut().chain(notes) {
            shift_tags(e, offset);
        }
    }
}

fn shift_tags(e: &mut Entry, offset: usize) {
    for item in &mut e.items {
        if let Item::Text { tag: Some(t), .. }
        | Item::Image { tag: Some(t), .. }
        | Item::Link { tag: Some(t), .. } = item
        {
            *t += offset;
        }
    }
    if let Some(header) = &mut e.repeat_header {
        shift_tags(header, offset);
    }
}

/// Lay out chapter `i`: its title heading where the text has none, its blocks, its footnotes.
fn chapter(
    doc: &Document,
    settings: &Settings,
    image_sizes: &[PixelSize],
    i: usize,
) -> ChapterLayout {
    let ch = &doc.chapters[i];
    let width = text_width(settings);
    let mut ctx = Ctx::new(doc, settings, image_sizes, i);
    let section = ctx.node(StructKind::Section, None, Some(ctx.lang.clone()));
    ctx.parent = Some(section);
    let mut entries = Vec::new();
    let label = chapter_heading_label(doc, i, settings.number_headings);
    if ch.needs_title_heading {
        let h = ctx.node(StructKind::H(1), Some(label.clone()), None);
        let title = [Inline::Text(label.clone())];
        let id = Some(crate::doc::passes::TITLE_ID.to_string());
        entries.extend(ctx.within(h, |ctx| ctx.heading(1, &title, width, id)));
    }
    entries.extend(ctx.blocks(&ch.blocks, width));
    // Footnotes: laid out now (after the text, so they follow it in the structure tree) and
    // placed by the paginator at the bottom of the page that first references them.
    for f in &ch.footnotes {
        let note = ctx.node(StructKind::Note, None, None);
        let mut e = ctx.within(note, |ctx| ctx.note(f.number, &f.blocks, width));
        if let Some(first) = e.first_mut() {
            first.space_before = settings.font_size * em::NOTE_GAP;
        }
        ctx.notes.insert((i, f.number), e);
    }
    // Notes nobody references have no page bottom to go to: they close the chapter.
    let mut referenced = std::collections::HashSet::new();
    crate::doc::passes::visit_inlines(&ch.blocks, &mut |inline| {
        if let Inline::FootnoteRef { number, .. } = inline {
            referenced.insert(*number);
        }
    });
    for f in ch
        .footnotes
        .iter()
        .filter(|f| !referenced.contains(&f.number))
    {
        if let Some(e) = ctx.notes.get(&(i, f.number)) {
            entries.extend(e.iter().cloned());
        }
    }
    if let Some(first) = entries.first_mut() {
        first.anchors.push((i, None));
        first.bookmark = Some((0, label));
        first.space_before = 0.0;
    }
    tag(&mut entries, section);
    let structure = ctx.structure.borrow().clone();
    ChapterLayout {
        entries,
        notes: ctx.notes,
        structure,
        missing: ctx.missing,
    }
}

fn chapter_heading_label(doc: &Document, i: usize, numbered: bool) -> String {
    if numbered {
        doc.chapter_label(i)
    } else {
        doc.chapters[i].title.clone()
    }
}

impl<'a> Ctx<'a> {
    fn new(
        doc: &'a Document,
        settings: &'a Settings,
        image_sizes: &'a [PixelSize],
        chapter: usize,
    ) -> Ctx<'a> {
        let lang = doc
            .chapters
            .get(chapter)
            .and_then(|c| c.lang.clone())
            .unwrap_or_else(|| doc.meta.language.clone());
        Ctx {
            doc,
            settings,
            image_sizes,
            chapter,
            lang,
            missing: Vec::new(),
            notes: HashMap::new(),
            structure: Rc::new(RefCell::new(Vec::new())),
            parent: None,
        }
    }

    /// Run `f` in a context at another type size (footnotes, tables that shrink to fit), over
    /// the same document, structure tree and place in it.
    pub(super) fn at_size<R>(&mut self, font_size: f32, f: impl FnOnce(&mut Ctx) -> R) -> R {
        let settings = Settings {
            font_size,
            ..self.settings.clone()
        };
        let mut inner = Ctx {
            doc: self.doc,
            settings: &settings,
            image_sizes: self.image_sizes,
            chapter: self.chapter,
            lang: self.lang.clone(),
            missing: Vec::new(),
            notes: HashMap::new(),
            structure: Rc::clone(&self.structure),
            parent: self.parent,
        };
        let out = f(&mut inner);
        for m in inner.missing {
            if !self.missing.contains(&m) {
                self.missing.push(m);
            }
        }
        out
    }

    pub(super) fn body_style(&self) -> Style {
        Style {
            face: self.settings.face(Role::Body, false, false),
            size: self.settings.font_size,
            color: model::BLACK,
            rise: 0.0,
            strike: false,
        }
    }

    pub(super) fn blocks(&mut self, blocks: &[Block], width: f32) -> Vec<Entry> {
        let mut out = Vec::new();
        for b in blocks {
            out.extend(self.block(b, width));
        }
        out
    }

    /// A new structure element under the current parent.
    pub(super) fn node(
        &mut self,
        kind: StructKind,
        alt: Option<String>,
        lang: Option<String>,
    ) -> usize {
        let mut st = self.structure.borrow_mut();
        st.push(StructNode {
            kind,
            parent: self.parent,
            alt,
            lang,
        });
        st.len() - 1
    }

    /// Lay out `f` with `id` as the parent of the elements it makes; its untagged content is `id`'s.
    pub(super) fn within(
        &mut self,
        id: usize,
        f: impl FnOnce(&mut Self) -> Vec<Entry>,
    ) -> Vec<Entry> {
        let saved = self.parent.replace(id);
        let mut e = f(self);
        self.parent = saved;
        tag(&mut e, id);
        e
    }

    fn block(&mut self, block: &Block, width: f32) -> Vec<Entry> {
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

    fn block_content(&mut self, block: &Block, width: f32) -> Vec<Entry> {
        let fs = self.settings.font_size;
        let gap = fs * em::BLOCK_GAP;
        match block {
            Block::Paragraph(inlines) => {
                let mut lines = if matches!(inlines.first(), Some(Inline::MissingPicture { .. })) {
                    let pad = fs * em::BOX_PAD;
                    let inner =
                        self.paragraph(inlines, self.body_style(), width - 2.0 * pad, false);
                    let mut framed = indent(inner, pad);
                    frame(&mut framed, width, model::LINK);
                    framed
                } else {
                    self.paragraph(inlines, self.body_style(), width, true)
                };
                space(&mut lines, gap);
                widows_and_orphans(&mut lines);
                lines
            }
            Block::Heading {
                level, id, content, ..
            } => self.heading(*level, content, width, Some(id.clone())),
            Block::BlockQuote(blocks) => {
                let inner = self.blocks(blocks, width - fs * em::BLOCK_INDENT);
                let mut e = indent(inner, fs * em::BLOCK_INDENT);
                rule_left(&mut e, fs * em::QUOTE_RULE_X, model::RULE);
                space(&mut e, gap);
                e
            }
            Block::Alert { kind, blocks } => {
                let style = Style {
                    face: self.settings.face(Role::Heading, true, false),
                    color: model::LINK,
                    ..self.body_style()
                };
                let mut inner = self.paragraph(
                    &[Inline::Text(kind.label().to_string())],
                    style,
                    width - fs * em::BLOCK_INDENT,
                    false,
                );
                inner.extend(self.blocks(blocks, width - fs * em::BLOCK_INDENT));
                if let Some(first) = inner.first_mut() {
                    first.keep_with_next = true;
                }
                let mut e = indent(inner, fs * em::BLOCK_INDENT);
                rule_left(&mut e, fs * em::QUOTE_RULE_X, model::LINK);
                space(&mut e, gap);
                e
            }
            Block::List { start, items } => {
                let ind = fs * em::LIST_INDENT;
                let mut out = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    let marker = match (start, item.task) {
                        (_, Some(true)) => "[x]".to_string(),
                        (_, Some(false)) => "[ ]".to_string(),
                        (Some(s), None) => format!("{}.", s + n as u64),
                        (None, None) => "•".to_string(),
                    };
                    let li = self.node(StructKind::ListItem, None, None);
                    let saved = self.parent.replace(li);
                    let label = self.node(StructKind::Label, None, None);
                    let body = self.node(StructKind::ListBody, None, None);
                    let mut inner = self.within(body, |ctx| ctx.blocks(&item.blocks, width - ind));
                    self.parent = saved;
                    if inner.is_empty() {
                        inner.push(Entry {
                            height: fs * self.settings.leading,
                            ..Entry::default()
                        });
                    }
                    for (k, e) in inner.iter_mut().enumerate() {
                        if k == 0 {
                            e.space_before = if n == 0 { 0.0 } else { fs * em::LIST_ITEM_GAP };
                        }
                    }
                    let mut entries = indent(inner, ind);
                    // The marker, right-aligned in the indent, on the first line's baseline.
                    let style = self.body_style();
                    let shaped = self.shape_text(&marker, style.face);
                    let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * fs;
                    if let Some(first) = entries.first_mut() {
                        let baseline = first.items.iter().find_map(|i| match i {
                            Item::Text { y, .. } => Some(*y),
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
                    out.extend(entries);
                }
                space(&mut out, gap);
                out
            }
            Block::DefinitionList(items) => {
                let mut out = Vec::new();
                for item in items {
                    let style = Style {
                        face: self.settings.face(Role::Body, true, false),
                        ..self.body_style()
                    };
                    let li = self.node(StructKind::ListItem, None, None);
                    let saved = self.parent.replace(li);
                    let label = self.node(StructKind::Label, None, None);
                    let mut term =
                        self.within(label, |ctx| ctx.paragraph(&item.term, style, width, false));
                    for t in &mut term {
                        t.keep_with_next = true;
                    }
                    out.extend(term);
                    let body = self.node(StructKind::ListBody, None, None);
                    for d in &item.definitions {
                        let defs =
                            self.within(body, |ctx| ctx.blocks(d, width - fs * em::BLOCK_INDENT));
                        out.extend(indent(defs, fs * em::BLOCK_INDENT));
                    }
                    self.parent = saved;
                }
                space(&mut out, gap);
                out
            }
            Block::CodeBlock { code, lang } => {
                let mut e = self.code(code, lang.as_deref(), width);
                space(&mut e, gap);
                e
            }
            Block::Table { align, head, rows } => {
                let mut e = self.table(align, head, rows, width);
                space(&mut e, gap);
                e
            }
            Block::Figure { image, caption } => {
                let mut e = self.figure(image, caption, width);
                space(&mut e, gap);
                e
            }
            Block::Rule => {
                let mut e = Entry {
                    height: fs,
                    ..Entry::default()
                };
                e.items.push(Item::Line {
                    x1: width * 0.3,
                    y1: fs * 0.5,
                    x2: width * 0.7,
                    y2: fs * 0.5,
                    width: 0.5,
                    color: model::RULE,
                });
                vec![e]
            }
            Block::Div { id, lang, blocks } => {
                let saved = self.lang.clone();
                if let Some(l) = lang {
                    self.lang = l.clone();
                }
                let mut e = self.blocks(blocks, width);
                self.lang = saved;
                if e.is_empty() && id.is_some() {
                    // An anchor alone (`<a id="x"></a>`): a target that takes no space, kept
                    // with what follows so a link lands on it.
                    e.push(Entry {
                        keep_with_next: true,
                        ..Entry::default()
                    });
                }
                if let (Some(first), Some(id)) = (e.first_mut(), id) {
                    first.anchors.push((self.chapter, Some(id.clone())));
                }
                e
            }
        }
    }

    pub(super) fn heading(
        &mut self,
        level: u8,
        content: &[Inline],
        width: f32,
        id: Option<String>,
    ) -> Vec<Entry> {
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

    pub(super) fn shape_text(&mut self, text: &str, face: FaceId) -> Vec<Shaped> {
        let mut missing = Vec::new();
        let out = self
            .settings
            .fonts
            .shape(text, face, &self.lang, &mut missing);
        for c in missing {
            if !self.missing.contains(&(self.chapter, c)) {
                self.missing.push((self.chapter, c));
            }
        }
        out
    }

    /// Footnote body: small type, number first.
    fn note(&mut self, number: u32, blocks: &[Block], width: f32) -> Vec<Entry> {
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

    fn code(&mut self, code: &str, lang: Option<&str>, width: f32) -> Vec<Entry> {
        let fs = self.settings.font_size * em::CODE_SIZE;
        let face = self.settings.face(Role::Code, false, false);
        let char_w = self.settings.fonts.measure("0", face) * fs;
        let pad = fs * em::BOX_PAD;
        let cols = (((width - 2.0 * pad) / char_w).floor() as usize).max(8);
        let style = Style {
            face,
            size: fs,
            color: model::BLACK,
            rise: 0.0,
            strike: false,
        };
        let grey = Style {
            color: model::GREY,
            ..style
        };
        let line_h = fs * em::CODE_LINE;
        let mut out = Vec::new();
        let lines: Vec<&str> = code
            .strip_suffix('\n')
            .unwrap_or(code)
            .split('\n')
            .collect();
        let n = lines.len();
        let colours = lang.and_then(|l| super::highlight::highlight(code, l));
        for (li, line) in lines.into_iter().enumerate() {
            // Each character with its colour, so wrapping keeps the highlighting.
            let coloured: Vec<(Color, char)> = match colours.as_ref().and_then(|c| c.get(li)) {
                Some(runs) => runs
                    .iter()
                    .flat_map(|(c, t)| t.chars().map(move |ch| (*c, ch)))
                    .collect(),
                None => line.chars().map(|ch| (model::BLACK, ch)).collect(),
            };
            let coloured: Vec<(Color, char)> = coloured
                .into_iter()
                .flat_map(|(c, ch)| {
                    if ch == '\t' {
                        vec![(c, ' '); 4]
                    } else {
                        vec![(c, ch)]
                    }
                })
                .collect();
            let chunks: Vec<&[(Color, char)]> = if coloured.is_empty() {
                vec![&[]]
            } else {
                coloured.chunks(cols - 1).collect()
            };
            let m = chunks.len();
            for (ci, chunk) in chunks.into_iter().enumerate() {
                let mut e = Entry {
                    height: line_h,
                    ..Entry::default()
                };
                e.items.push(Item::Rect {
                    x: 0.0,
                    y: 0.0,
                    w: width,
                    h: line_h,
                    color: model::LIGHT,
                });
                let baseline = fs * 1.0;
                let mut x = pad;
                for run in chunk.chunk_by(|a, b| a.0 == b.0) {
                    let text: String = run.iter().map(|(_, ch)| ch).collect();
                    let st = Style {
                        color: run[0].0,
                        ..style
                    };
                    for s in self.shape_text(&text, face) {
                        e.items.push(text_item(x, baseline, st, &s));
                        x += s.width * fs;
                    }
                }
                if ci + 1 < m {
                    // Continuation mark: the line goes on below.
                    for s in self.shape_text("→", face) {
                        e.items
                            .push(text_item(width - pad - s.width * fs, baseline, grey, &s));
                    }
                }
                if (li == 0 && ci == 0) || (li + 1 == n && ci + 1 == m) {
                    e.keep_with_next = li + 1 != n || ci + 1 != m;
                }
                out.push(e);
            }
        }
        // Short blocks stay together.
        if out.len() <= 6 {
            let k = out.len();
            for e in &mut out[..k.saturating_sub(1)] {
                e.keep_with_next = true;
            }
        }
        out
    }

    pub(super) fn figure(&mut self, image: &Image, caption: &[Inline], width: f32) -> Vec<Entry> {
        let fs = self.settings.font_size;
        let (pw, ph) = self.image_sizes.get(image.id.0).copied().unwrap_or((0, 0));
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
            let max_h = content_height(self.settings) * 0.7;
            // A small raster picture is not blown up past 1.5 times its size at 96 px per inch
            // (it would print blurred); vector drawings scale freely.
            let vector = self.doc.images[image.id.0]
                .rel_path
                .to_ascii_lowercase()
                .ends_with(".svg");
            let natural = match image.width {
                // The width the source asks for: a share of the column, or CSS pixels (0.75 pt).
                Some(Length::Percent(p)) => width * p / 100.0,
                Some(Length::Px(px)) => px * 0.75,
                None if vector => width,
                None => pw as f32 * 0.75 * 1.5,
            };
            let mut w = width.min(natural);
            let mut h = w * ph as f32 / pw as f32;
            if h > max_h {
                h = max_h;
                w = h * pw as f32 / ph as f32;
            }
            let mut e = Entry {
                height: h,
                space_before: fs * em::FIGURE_SPACE_BEFORE,
                keep_with_next: !caption.is_empty(),
                float: true,
                ..Entry::default()
            };
            e.items.push(Item::Image {
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
            for l in &mut lines {
                center(l, width);
            }
            if let Some(first) = lines.first_mut() {
                first.space_before = fs * em::CAPTION_SPACE_BEFORE;
            }
            out.extend(lines);
        }
        out
    }
}

/// Give untagged content of the entries to structure element `id`.
pub(super) fn tag(entries: &mut [Entry], id: usize) {
    for e in entries {
        for it in &mut e.items {
            set_tag(it, id);
        }
    }
}

fn set_tag(item: &mut Item, id: usize) {
    match item {
        Item::Text {
            tag: t @ None,
            artifact: false,
            ..
        }
        | Item::Image { tag: t @ None, .. }
        | Item::Link { tag: t @ None, .. } => *t = Some(id),
        _ => {}
    }
}

/// A repeated table header: the same look, but not content a second time.
pub(super) fn as_artifact(e: &Entry) -> Entry {
    let mut e = e.clone();
    for it in &mut e.items {
        if let Item::Text { artifact, tag, .. } = it {
            *artifact = true;
            *tag = None;
        }
    }
    e.items.retain(|i| !matches!(i, Item::Link { .. }));
    e
}

pub(super) fn text_item(x: f32, y: f32, style: Style, s: &Shaped) -> Item {
    Item::Text {
        x,
        y,
        size: style.size,
        face: s.face,
        color: style.color,
        glyphs: s.glyphs.clone(),
        text: s.text.clone(),
        artifact: false,
        tag: None,
    }
}

pub(super) fn baseline_of(fs: f32, leading: f32) -> f32 {
    fs * (0.5 * (leading - 1.0) + 0.86)
}

fn space(entries: &mut [Entry], gap: f32) {
    if let Some(last) = entries.last_mut() {
        last.height += gap;
    }
}

/// Orphans: the first two lines stay together; widows: so do the last two.
fn widows_and_orphans(lines: &mut [Entry]) {
    let n = lines.len();
    if n >= 2 {
        lines[0].keep_with_next = true;
        lines[n - 2].keep_with_next = true;
    }
}

pub(super) fn indent(mut entries: Vec<Entry>, by: f32) -> Vec<Entry> {
    for e in &mut entries {
        for i in &mut e.items {
            i.shift(by, 0.0);
        }
    }
    entries
}

fn rule_left(entries: &mut [Entry], x: f32, color: Color) {
    for e in entries.iter_mut() {
        e.items.push(Item::Line {
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
fn frame(entries: &mut [Entry], width: f32, color: Color) {
    let last = entries.len().saturating_sub(1);
    for (i, e) in entries.iter_mut().enumerate() {
        let h = e.height;
        let mut line = |x1: f32, y1: f32, x2: f32, y2: f32| {
            e.items.push(Item::Line {
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

/// Where the entry's text ends on the right.
pub(super) fn text_end(e: &Entry) -> f32 {
    e.items
        .iter()
        .filter_map(|i| match i {
            Item::Text {
                x, glyphs, size, ..
            } => Some(x + glyphs.iter().map(|g| g.advance).sum::<f32>() * size),
            _ => None,
        })
        .fold(0.0f32, f32::max)
}

pub(super) fn center(e: &mut Entry, width: f32) {
    let right = text_end(e);
    let dx = ((width - right) / 2.0).max(0.0);
    for i in &mut e.items {
        i.shift(dx, 0.0);
    }
}
