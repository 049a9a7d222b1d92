//! The typesetter's vocabulary, which every stage speaks: an `FlowEntry` of the flow (a line, a
//! picture, a rule, with what keeps it together at page breaks), a text `Style`, the layout
//! context `Ctx` (settings, fonts, the tag tree being built) and the small helpers that make
//! text items and tags. The driver (`layout`) and the stages (`blocks`, `code`, `table`,
//! `inline`, `front`, `pages`) import from here and from `settings`, not from each other.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::model::{self, Color, PageItem, StructKind, StructNode};
use super::settings::TypesetSettings;
use super::shape::{FaceId, Shaped};
use crate::assets::fonts::Role;
use crate::doc::{Block, Document};

/// What layout needs to know of a picture: its size in pixels (CSS pixels for a drawing; 0 x 0
/// when it cannot be placed) and, for a drawing with text, its smallest text in the same unit.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PixelSize {
    pub width: u32,
    pub height: u32,
    pub smallest_text: Option<f32>,
}

impl PixelSize {
    /// A picture of `width` x `height` pixels with no text of its own.
    pub fn new(width: u32, height: u32) -> PixelSize {
        PixelSize {
            width,
            height,
            smallest_text: None,
        }
    }

    pub fn pixels(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

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
pub(super) struct FlowEntry {
    pub(super) height: f32,
    pub(super) space_before: f32,
    pub(super) items: Vec<PageItem>,
    pub(super) keep_with_next: bool,
    pub(super) footnotes: Vec<(usize, u32)>,
    pub(super) anchors: Vec<(usize, Option<String>)>,
    pub(super) page_break: Option<bool>,
    /// A table row: the header row to repeat when the table continues on a new page.
    pub(super) repeat_header: Option<Box<FlowEntry>>,
    pub(super) bookmark: Option<(usize, String)>,
    /// A picture that may move to the next page, letting the following text flow up.
    pub(super) float: bool,
    /// Dropped where it would start a page (a blank line of code: an empty shaded strip).
    pub(super) discard_at_top: bool,
}

pub(super) struct Ctx<'a> {
    pub(super) doc: &'a Document,
    pub(super) settings: &'a TypesetSettings,
    pub(super) image_sizes: &'a [PixelSize],
    pub(super) chapter: usize,
    pub(super) lang: String,
    pub(super) missing: MissingChars,
    /// Footnote bodies per (chapter, number), laid out at the measure.
    pub(super) notes: HashMap<(usize, u32), Vec<FlowEntry>>,
    /// The tagged-PDF structure, shared with the contexts made for notes and tables.
    pub(super) structure: Rc<RefCell<Vec<StructNode>>>,
    /// The structure element new elements go under.
    pub(super) parent: Option<usize>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        doc: &'a Document,
        settings: &'a TypesetSettings,
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
        let settings = TypesetSettings {
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

    pub(super) fn blocks(&mut self, blocks: &[Block], width: f32) -> Vec<FlowEntry> {
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
        f: impl FnOnce(&mut Self) -> Vec<FlowEntry>,
    ) -> Vec<FlowEntry> {
        let saved = self.parent.replace(id);
        let mut e = f(self);
        self.parent = saved;
        tag(&mut e, id);
        e
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
}

/// Give untagged content of the entries to structure element `id`.
pub(super) fn tag(entries: &mut [FlowEntry], id: usize) {
    for e in entries {
        for it in &mut e.items {
            set_tag(it, id);
        }
    }
}

pub(super) fn set_tag(item: &mut PageItem, id: usize) {
    match item {
        PageItem::Text {
            tag: t @ None,
            artifact: false,
            ..
        }
        | PageItem::Image { tag: t @ None, .. }
        | PageItem::Link { tag: t @ None, .. } => *t = Some(id),
        _ => {}
    }
}

/// A repeated table header: the same look, but not content a second time.
pub(super) fn as_artifact(e: &FlowEntry) -> FlowEntry {
    let mut e = e.clone();
    for it in &mut e.items {
        if let PageItem::Text { artifact, tag, .. } = it {
            *artifact = true;
            *tag = None;
        }
    }
    e.items.retain(|i| !matches!(i, PageItem::Link { .. }));
    e
}

pub(super) fn text_item(x: f32, y: f32, style: Style, s: &Shaped) -> PageItem {
    PageItem::Text {
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

/// Where the entry's text ends on the right.
pub(super) fn text_end(e: &FlowEntry) -> f32 {
    e.items
        .iter()
        .filter_map(|i| match i {
            PageItem::Text {
                x, glyphs, size, ..
            } => Some(x + glyphs.iter().map(|g| g.advance).sum::<f32>() * size),
            _ => None,
        })
        .fold(0.0f32, f32::max)
}
