//! The typesetter's driver: document tree → vertical flow of entries (lines, rows, pictures)
//! → pages. [`typeset`] states the order of the stages:
//!
//! 1. each chapter, in parallel, on its own: blocks ([`super::blocks`], [`super::code`],
//!    [`super::table`]) whose inline content goes through [`super::inline`] (spans, shaping,
//!    Knuth-Plass lines), stacked as entries, with its footnote bodies;
//! 2. in order: the chapters joined ([`ChapterLayout::renumber`]), the body distributed onto
//!    pages ([`super::pages`]), the front matter that needs its page numbers
//!    ([`super::front`]), the outline ([`super::outline`]) and the running heads and numbers
//!    ([`super::running`]).
//!
//! It also owns the layout context ([`Ctx`]) and the flow's unit ([`FlowEntry`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::model::{self, Numbering, PageItem, StructKind, StructNode};
use super::outline::outline;
use super::pages::{paginate, paginate_body};
use super::running::{decorate, number_front};
use super::settings::em;
use super::shape::FontBook;
use crate::config::ChapterBreak;
use crate::doc::{Block, Document, Inline};
use crate::fingerprint::Fingerprint;

use super::flow::{tag, Ctx, FlowEntry};
pub use super::flow::{MissingChars, PixelSize};
use super::settings::text_width;
pub use super::settings::{HandoutCover, TypesetSettings};

/// Typeset the whole book: the chapters in parallel (each on its own, into a flow of entries),
/// then, in order, the pages of the body, the front matter that needs their numbers, and the
/// running heads.
pub fn typeset(
    doc: &Document,
    settings: &TypesetSettings,
    image_sizes: &[PixelSize],
) -> (model::TypesetBook, MissingChars) {
    typeset_with_memo(doc, settings, image_sizes, None, &|| {})
}

/// [`typeset`], taking the chapters an earlier build laid out from `memo` where nothing they
/// read has changed, and leaving this build's chapters in it for the next. `chapter_done` is
/// called as each chapter is laid out or taken (from worker threads).
pub fn typeset_with_memo(
    doc: &Document,
    settings: &TypesetSettings,
    image_sizes: &[PixelSize],
    memo: Option<&LayoutMemo>,
    chapter_done: &(dyn Fn() + Sync),
) -> (model::TypesetBook, MissingChars) {
    let width = text_width(settings);
    // Body first: its page numbers are needed by the contents, which do not move them (front
    // matter is numbered in roman numerals, the body from 1).
    let chapters: Vec<ChapterLayout> = match memo {
        None => (0..doc.chapters.len())
            .into_par_iter()
            .map(|i| {
                let laid = chapter(doc, settings, image_sizes, i);
                chapter_done();
                laid
            })
            .collect(),
        Some(memo) => memo.chapters(doc, settings, image_sizes, chapter_done),
    };
    let mut ctx = Ctx::new(doc, settings, image_sizes, 0);
    ctx.lang = doc.meta.language.clone();
    // Sized once: the flow of a long book is large, and doubling it as it grows would hold
    // two copies at the peak.
    let mut flow = Vec::with_capacity(chapters.iter().map(|c| c.entries.len() + 1).sum());
    for (i, mut laid) in chapters.into_iter().enumerate() {
        // Each chapter numbered its structure elements from 0; they follow the ones before.
        let offset = ctx.structure.borrow().len();
        laid.renumber(offset);
        ctx.structure.borrow_mut().extend(laid.structure);
        if starts_page(doc, settings, i) {
            flow.push(FlowEntry {
                page_break: Some(settings.two_sided),
                ..FlowEntry::default()
            });
        } else if let Some(first) = laid.entries.first_mut() {
            first.space_before = settings.font_size * em::RUN_ON_CHAPTER_GAP;
        }
        flow.extend(laid.entries);
        ctx.notes.extend(laid.notes);
        ctx.missing.extend(laid.missing);
    }
    let notes = std::mem::take(&mut ctx.notes);
    let mut body = paginate_body(flow, notes, settings);
    // Front matter: title page and contents.
    let mut front_flow = ctx.title_page();
    front_flow.push(FlowEntry {
        page_break: Some(false),
        ..FlowEntry::default()
    });
    front_flow.extend(ctx.contents(&body.anchors, width));
    let mut front = paginate(front_flow, HashMap::new(), settings, Numbering::Roman, 0);
    if settings.two_sided && front.pages.len() % 2 == 1 {
        // The body was laid out with its first page on the right (inner margin on the left,
        // running heads outside): a blank left-hand page keeps it there.
        front.pages.push(model::Page {
            width: settings.width,
            height: settings.height,
            numbering: Numbering::Roman,
            items: Vec::new(),
        });
    }
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
        model::TypesetBook {
            pages,
            bookmarks,
            anchors,
            structure: structure_nodes,
        },
        ctx.missing,
    )
}

/// Whether chapter `i` starts a new page (the first always does).
fn starts_page(doc: &Document, settings: &TypesetSettings, i: usize) -> bool {
    i == 0
        || match settings.chapter_break {
            ChapterBreak::Every => true,
            ChapterBreak::Top => doc.chapters[i].depth == 0,
            ChapterBreak::None => false,
        }
}

/// Chapters laid out by earlier builds of a long-running process (`watch`, `serve`), each kept
/// under the fingerprint of everything its layout reads ([`chapter_key`]), so that after an
/// edit only the chapters it touched are laid out again. It keeps only the last build's
/// chapters, so it does not grow with the number of rebuilds.
#[derive(Default)]
pub struct LayoutMemo {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The font book the chapters were shaped with: their items name its faces by index, so
    /// they are only good with the same one (held, so its address is never reused).
    fonts: Option<Arc<FontBook>>,
    chapters: HashMap<u128, ChapterLayout>,
    /// How many chapters the last build laid out anew.
    fresh: usize,
}

impl LayoutMemo {
    /// Every chapter of `doc`: a copy of the one kept under its key, or laid out anew.
    fn chapters(
        &self,
        doc: &Document,
        settings: &TypesetSettings,
        image_sizes: &[PixelSize],
        chapter_done: &(dyn Fn() + Sync),
    ) -> Vec<ChapterLayout> {
        let mut kept = std::mem::take(&mut *self.kept.lock().unwrap_or_else(|e| e.into_inner()));
        if !kept
            .fonts
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(f, &settings.fonts))
        {
            kept = Kept {
                fonts: Some(Arc::clone(&settings.fonts)),
                ..Kept::default()
            };
        }
        let mut settings_print = Fingerprint::new();
        settings.fingerprint(&mut settings_print);
        let laid: Vec<(u128, Option<ChapterLayout>)> = (0..doc.chapters.len())
            .into_par_iter()
            .map(|i| {
                let key = chapter_key(doc, &settings_print, image_sizes, i);
                let fresh = (!kept.chapters.contains_key(&key))
                    .then(|| chapter(doc, settings, image_sizes, i));
                chapter_done();
                (key, fresh)
            })
            .collect();
        kept.fresh = laid.iter().filter(|(_, fresh)| fresh.is_some()).count();
        // Keys hold the chapter's index, so each kept chapter is taken at most once.
        let mut next = HashMap::with_capacity(laid.len());
        let mut chapters = Vec::with_capacity(laid.len());
        for (i, (key, fresh)) in laid.into_iter().enumerate() {
            let c = fresh
                .or_else(|| kept.chapters.remove(&key))
                .unwrap_or_else(|| chapter(doc, settings, image_sizes, i));
            chapters.push(c.clone());
            next.insert(key, c);
        }
        kept.chapters = next;
        *self.kept.lock().unwrap_or_else(|e| e.into_inner()) = kept;
        chapters
    }

    /// How many chapters the last build laid out anew (the others were kept).
    pub fn laid_out_anew(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.fresh)
    }

    /// How many chapters the last build had.
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.chapters.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The fingerprint of everything chapter `i`'s layout reads: its own content (every field of
/// it, the resolved links and picture numbers included), its place in the book (anchors and
/// note keys carry it), its heading label, the book's language, the settings, and the size and
/// file name of each picture it shows. The font book is compared by identity in [`LayoutMemo`].
fn chapter_key(
    doc: &Document,
    settings_print: &Fingerprint,
    image_sizes: &[PixelSize],
    i: usize,
) -> u128 {
    let ch = &doc.chapters[i];
    let mut f = Fingerprint::new();
    f.number(settings_print.finish() as u64)
        .number((settings_print.finish() >> 64) as u64)
        .number(i as u64)
        .debug(ch)
        .debug(&doc.chapter_label(i))
        .debug(&doc.meta.language);
    for id in pictures_shown(ch) {
        f.number(id as u64)
            .debug(&image_sizes.get(id))
            .debug(&doc.images.get(id).map(|p| &p.rel_path));
    }
    f.finish()
}

/// The pictures a chapter shows (in its text and its notes), by index.
fn pictures_shown(ch: &crate::doc::Chapter) -> Vec<usize> {
    let mut ids = Vec::new();
    let notes = ch.footnotes.iter().map(|f| &f.blocks[..]);
    for blocks in std::iter::once(&ch.blocks[..]).chain(notes) {
        crate::doc::visit::visit_blocks(blocks, &mut |b| {
            if let Block::Figure { image, .. } = b {
                ids.push(image.id.0);
            }
        });
        crate::doc::visit::visit_inlines(blocks, &mut |inline| {
            if let Inline::Image(image) = inline {
                ids.push(image.id.0);
            }
        });
    }
    ids
}

/// One chapter laid out on its own, ready to join the book's flow.
#[derive(Clone)]
struct ChapterLayout {
    entries: Vec<FlowEntry>,
    /// Footnote bodies by (chapter, number), for the paginator to place.
    notes: HashMap<(usize, u32), Vec<FlowEntry>>,
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

fn shift_tags(e: &mut FlowEntry, offset: usize) {
    for item in &mut e.items {
        if let PageItem::Text { tag: Some(t), .. }
        | PageItem::Image { tag: Some(t), .. }
        | PageItem::Link { tag: Some(t), .. } = item
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
    settings: &TypesetSettings,
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
        let id = Some(crate::doc::ids::TITLE_ID.to_string());
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
    crate::doc::visit::visit_inlines(&ch.blocks, &mut |inline| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::TocItem;
    use crate::pipeline::book_from_markdown;

    fn settings() -> TypesetSettings {
        crate::pdf::layout_settings(
            &crate::config::PdfSettings::default(),
            Arc::new(FontBook::bundled_only()),
        )
    }

    /// A book of one chapter per text.
    fn book(texts: &[&str]) -> Document {
        let mut doc = book_from_markdown(texts[0]);
        for (i, text) in texts.iter().enumerate().skip(1) {
            let mut ch = book_from_markdown(text).chapters.remove(0);
            ch.number = Some(vec![i as u32 + 1]);
            ch.title = format!("Report {}", i + 1);
            doc.toc.push(TocItem::Entry {
                title: ch.title.clone(),
                chapter: Some(i),
                children: Vec::new(),
            });
            doc.chapters.push(ch);
        }
        doc
    }

    const TEXTS: [&str; 3] = [
        "We met in Hanoi.[^1]\n\n[^1]: In the spring.\n\n## Talks\n\nThree talks.",
        "The second day had a *workshop* and a `cargo build` demo.",
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nAnd a table.",
    ];

    #[test]
    fn a_rebuild_lays_out_only_the_changed_chapter_and_gives_the_same_book_as_a_cold_one() {
        let settings = settings();
        let memo = LayoutMemo::default();
        let doc = book(&TEXTS);
        let cold = typeset(&doc, &settings, &[]);
        let first = typeset_with_memo(&doc, &settings, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 3);
        assert!(first == cold, "the rebuilt book differs from a cold one");
        let again = typeset_with_memo(&doc, &settings, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 0);
        assert!(again == cold, "the rebuilt book differs from a cold one");
        // An edit to the second chapter makes it longer: its pages and the third's move.
        let edited = book(&[TEXTS[0], &TEXTS[1].repeat(40), TEXTS[2]]);
        let cold = typeset(&edited, &settings, &[]);
        let warm = typeset_with_memo(&edited, &settings, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 1);
        assert!(warm == cold, "the rebuilt book differs from a cold one");
    }

    #[test]
    fn new_settings_a_new_font_book_or_a_moved_chapter_lay_out_again() {
        let settings = settings();
        let memo = LayoutMemo::default();
        let doc = book(&TEXTS);
        typeset_with_memo(&doc, &settings, &[], Some(&memo), &|| {});
        let larger = TypesetSettings {
            font_size: settings.font_size + 1.0,
            ..settings.clone()
        };
        typeset_with_memo(&doc, &larger, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 3);
        let other_fonts = TypesetSettings {
            fonts: Arc::new(FontBook::bundled_only()),
            ..larger.clone()
        };
        typeset_with_memo(&doc, &other_fonts, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 3);
        // The first two chapters swap places: both carry their place in the book.
        let swapped = book(&[TEXTS[1], TEXTS[0], TEXTS[2]]);
        typeset_with_memo(&swapped, &other_fonts, &[], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 2);
    }

    #[test]
    fn a_chapter_is_laid_out_again_when_a_picture_it_shows_changes_size_and_only_then() {
        let shown = PixelSize::new(400, 300);
        let mut doc = book(&["Before.", "Between.", "After."]);
        let file = doc.chapters[1].file;
        let span = crate::diag::Span {
            file,
            start: 0,
            end: 1,
        };
        for name in ["a", "b"] {
            doc.images.push(crate::doc::ImageSource {
                origin: crate::doc::PictureOrigin::File(
                    format!("/book/pictures/{name}.jpg").into(),
                ),
                rel_path: format!("pictures/{name}.jpg"),
                first_use: span,
            });
        }
        doc.chapters[1].blocks.push(Block::Figure {
            image: crate::doc::Image {
                id: crate::doc::ImageId(0),
                alt: "A stage".into(),
                title: None,
                span,
                width: None,
                height: None,
            },
            caption: Vec::new(),
        });
        let settings = settings();
        let memo = LayoutMemo::default();
        typeset_with_memo(&doc, &settings, &[shown, shown], Some(&memo), &|| {});
        // Picture 1 is shown by no chapter: its size reaches no layout.
        typeset_with_memo(
            &doc,
            &settings,
            &[shown, PixelSize::new(9, 9)],
            Some(&memo),
            &|| {},
        );
        assert_eq!(memo.laid_out_anew(), 0);
        let portrait = PixelSize::new(300, 400);
        let warm = typeset_with_memo(&doc, &settings, &[portrait, shown], Some(&memo), &|| {});
        assert_eq!(memo.laid_out_anew(), 1);
        let cold = typeset(&doc, &settings, &[portrait, shown]);
        assert!(warm == cold, "the rebuilt book differs from a cold one");
    }
}
