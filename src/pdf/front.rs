//! Front matter: the title page, the contents page (with dot leaders and page numbers from the
//! paginated body) and a handout's cover. Made after the body, whose page numbers they show.

use std::collections::HashMap;

use super::blocks::{center, indent};
use super::flow::{baseline_of, tag, text_end, text_item, Ctx, FlowEntry, Style};
use super::model::{self, PageItem, StructKind, Target};
use super::settings::{content_height, text_width, HandoutCover};
use crate::assets::fonts::Role;
use crate::doc::{Inline, TocItem};

/// Levels of the contents page that are indented; deeper entries line up with the last.
const MAX_TOC_INDENT_LEVELS: usize = 6;
/// The gap between a contents entry's number and its title, in em.
const TOC_NUMBER_GAP: f32 = 0.4;

/// Share of the text height above the title when there is no cover picture (and the cover
/// picture's height on a handout's cover); the cover picture's height in a book.
const COVER_SPACE: f32 = 0.22;
const COVER_PICTURE: f32 = 0.4;

impl Ctx<'_> {
    pub(super) fn title_page(&mut self) -> Vec<FlowEntry> {
        let m = &self.doc.meta;
        let width = text_width(self.settings);
        let fs = self.settings.font_size;
        let (title, subtitle, authors) =
            (m.title.clone(), m.subtitle.clone(), m.authors.join(", "));
        let imprint: Vec<String> = [m.publisher.clone(), m.date.clone()]
            .into_iter()
            .flatten()
            .collect();
        // The cover picture, when the book has one, above the title; else some air.
        let mut out = match self.cover_entry(width) {
            Some(e) => vec![e],
            None => vec![FlowEntry {
                height: content_height(self.settings) * COVER_SPACE,
                ..FlowEntry::default()
            }],
        };
        let title_style = Style {
            face: self.settings.face(Role::Heading, true, false),
            size: fs * 2.4,
            color: model::BLACK,
            rise: 0.0,
            strike: false,
        };
        let sub = Style {
            face: self.settings.face(Role::Heading, false, false),
            size: fs * 1.3,
            color: model::GREY,
            rise: 0.0,
            strike: false,
        };
        let body = Style {
            size: fs * 1.15,
            ..self.body_style()
        };
        self.centred(&mut out, &title, title_style, 0.0, StructKind::Title);
        if let Some(s) = subtitle {
            self.centred(&mut out, &s, sub, fs, StructKind::P);
        }
        if !authors.is_empty() {
            self.centred(&mut out, &authors, body, fs * 3.0, StructKind::P);
        }
        if !imprint.is_empty() {
            let small = Style {
                size: fs * 0.9,
                ..body
            };
            self.centred(
                &mut out,
                &imprint.join(" · "),
                small,
                fs * 6.0,
                StructKind::P,
            );
        }
        if let Some(cover) = self.settings.handout_cover.clone() {
            self.handout_cover(&mut out, &cover, width);
        }
        out
    }

    /// The cover picture, centred and scaled to fit (smaller on a handout's cover, which also
    /// holds a contents list and a QR code), tagged as a figure.
    fn cover_entry(&mut self, width: f32) -> Option<FlowEntry> {
        let m = &self.doc.meta;
        let c = m.cover?;
        let (pw, ph) = self
            .image_sizes
            .get(c.0)
            .map(|s| s.pixels())
            .filter(|(w, h)| *w > 0 && *h > 0)?;
        let share = if self.settings.handout_cover.is_some() {
            COVER_SPACE
        } else {
            COVER_PICTURE
        };
        let mut h = content_height(self.settings) * share;
        let mut w = h * pw as f32 / ph as f32;
        if w > width {
            w = width;
            h = w * ph as f32 / pw as f32;
        }
        let mut e = FlowEntry {
            height: h + self.settings.font_size * 2.0,
            ..FlowEntry::default()
        };
        let alt = format!("Cover: {}", m.title);
        e.items.push(PageItem::Image {
            x: (width - w) / 2.0,
            y: 0.0,
            w,
            h,
            image: c.0,
            alt: alt.clone(),
            tag: None,
        });
        let id = self.node(StructKind::Figure, Some(alt), None);
        tag(std::slice::from_mut(&mut e), id);
        Some(e)
    }

    /// A centred paragraph of the title page, `gap` below what comes before.
    fn centred(
        &mut self,
        out: &mut Vec<FlowEntry>,
        text: &str,
        style: Style,
        gap: f32,
        kind: StructKind,
    ) {
        let width = text_width(self.settings);
        let id = self.node(kind, None, None);
        let content = [Inline::Text(text.to_string())];
        let mut lines = self.within(id, |ctx| ctx.paragraph(&content, style, width, false));
        for l in &mut lines {
            center(l, width);
        }
        if let Some(f) = lines.first_mut() {
            f.space_before = gap;
        }
        out.extend(lines);
    }

    /// The handout cover's short contents list (top-level chapters) and the QR code to the book.
    fn handout_cover(&mut self, out: &mut Vec<FlowEntry>, cover: &HandoutCover, width: f32) {
        let fs = self.settings.font_size;
        let label = self.settings.labels.in_this_handout.clone();
        let heading = Style {
            face: self.settings.face(Role::Heading, true, false),
            ..self.body_style()
        };
        let id = self.node(StructKind::P, None, None);
        let mut lines = self.within(id, |ctx| {
            ctx.paragraph(&[Inline::Text(label)], heading, width, false)
        });
        if let Some(f) = lines.first_mut() {
            f.space_before = fs * 2.5;
            f.keep_with_next = true;
        }
        out.extend(lines);
        let list = self.node(StructKind::List { ordered: false }, None, None);
        let saved = self.parent.replace(list);
        for item in self.doc.toc.clone() {
            if let TocItem::Entry {
                chapter: Some(c), ..
            } = item
            {
                let li = self.node(StructKind::ListItem, None, None);
                let text = format!("• {}", self.doc.chapter_label(c));
                let style = self.body_style();
                let mut l = self.within(li, |ctx| {
                    ctx.paragraph(&[Inline::Text(text)], style, width, false)
                });
                out.append(&mut l);
            }
        }
        self.parent = saved;
        if let (Some(qr), Some(url)) = (cover.qr, self.doc.meta.site_url.clone()) {
            let size = fs * 6.0;
            let mut e = FlowEntry {
                height: size + fs,
                space_before: fs * 2.0,
                ..FlowEntry::default()
            };
            e.items.push(PageItem::Image {
                x: (width - size) / 2.0,
                y: 0.0,
                w: size,
                h: size,
                image: qr,
                alt: format!("QR code for {url}"),
                tag: None,
            });
            let fig = self.node(StructKind::Figure, Some(format!("QR code for {url}")), None);
            tag(std::slice::from_mut(&mut e), fig);
            out.push(e);
            let style = Style {
                face: self.settings.face(Role::Code, false, false),
                size: fs * 0.8,
                color: model::GREY,
                rise: 0.0,
                strike: false,
            };
            let id = self.node(StructKind::Caption, None, None);
            let mut lines = self.within(id, |ctx| {
                ctx.paragraph(&[Inline::Text(url)], style, width, false)
            });
            for l in &mut lines {
                center(l, width);
            }
            out.extend(lines);
        }
    }

    pub(super) fn contents(
        &mut self,
        anchors: &HashMap<(usize, Option<String>), (usize, f32)>,
        width: f32,
    ) -> Vec<FlowEntry> {
        let fs = self.settings.font_size;
        let heading_label = self.settings.labels.contents.clone();
        let toc = self.node(StructKind::Toc, None, None);
        let saved = self.parent.replace(toc);
        let h = self.node(StructKind::H(1), Some(heading_label.clone()), None);
        let title = [Inline::Text(heading_label.to_string())];
        let mut out = self.within(h, |ctx| ctx.heading(1, &title, width, None));
        if let Some(f) = out.first_mut() {
            f.space_before = 0.0;
        }
        let items = self.doc.toc.clone();
        self.toc_entries(&items, 0, anchors, width, fs, &mut out);
        self.parent = saved;
        tag(&mut out, toc);
        out
    }

    fn toc_entries(
        &mut self,
        items: &[TocItem],
        depth: usize,
        anchors: &HashMap<(usize, Option<String>), (usize, f32)>,
        width: f32,
        fs: f32,
        out: &mut Vec<FlowEntry>,
    ) {
        for item in items {
            match item {
                TocItem::Separator => {}
                TocItem::PartTitle(t) => {
                    let item_id = self.node(StructKind::TocItem, None, None);
                    let style = Style {
                        face: self.settings.face(Role::Heading, true, false),
                        ..self.body_style()
                    };
                    let mut l = self.paragraph(&[Inline::Text(t.clone())], style, width, false);
                    if let Some(f) = l.first_mut() {
                        f.space_before = fs * 0.8;
                        f.keep_with_next = true;
                    }
                    tag(&mut l, item_id);
                    out.extend(l);
                }
                TocItem::Entry {
                    title,
                    chapter,
                    children,
                } => {
                    let item_id = self.node(StructKind::TocItem, None, None);
                    // Deep levels share the deepest indent, so an entry always has a measure.
                    let ind = fs * 1.5 * depth.min(MAX_TOC_INDENT_LEVELS) as f32;
                    // A numbered entry's title hangs after its number, so wrapped lines
                    // start under the title, not under the number.
                    let number = chapter
                        .and_then(|c| self.doc.chapters[c].number.as_deref())
                        .filter(|_| self.settings.number_headings)
                        .map(crate::doc::section_number);
                    let text = match (chapter, &number) {
                        (Some(c), Some(_)) => self.doc.chapters[*c].title.clone(),
                        (Some(c), None) => self.doc.chapter_label(*c),
                        (None, _) => title.clone(),
                    };
                    let page = chapter
                        .and_then(|c| anchors.get(&(c, None)))
                        .map(|(p, _)| p + 1);
                    let style = self.body_style();
                    let hang = number.as_ref().map_or(0.0, |n| {
                        self.settings.fonts.measure(n, style.face) * fs + fs * TOC_NUMBER_GAP
                    });
                    let num = page.map(|p| p.to_string()).unwrap_or_default();
                    let mut lines = self.paragraph(
                        &[Inline::Text(text)],
                        style,
                        width - ind - hang - fs * 3.0,
                        false,
                    );
                    if let Some(last) = lines.last_mut() {
                        self.leaders_and_number(last, &num, width - ind - hang, *chapter);
                    }
                    let mut lines = indent(lines, ind + hang);
                    // The link takes in the number too.
                    for it in lines.iter_mut().flat_map(|l| l.items.iter_mut()) {
                        if let PageItem::Link { x, w, .. } = it {
                            *x -= hang;
                            *w += hang;
                        }
                    }
                    if let (Some(n), Some(first)) = (&number, lines.first_mut()) {
                        let baseline = baseline_of(fs, self.settings.leading);
                        for s in self.shape_text(n, style.face) {
                            first.items.push(text_item(ind, baseline, style, &s));
                        }
                    }
                    tag(&mut lines, item_id);
                    out.extend(lines);
                    self.toc_entries(children, depth + 1, anchors, width, fs, out);
                }
            }
        }
    }

    /// Dot leaders from the end of a contents line to its page number, set flush right at
    /// `right`; the whole line links to the chapter.
    fn leaders_and_number(
        &mut self,
        last: &mut FlowEntry,
        num: &str,
        right: f32,
        chapter: Option<usize>,
    ) {
        let style = self.body_style();
        let fs = style.size;
        let num_w = self.settings.fonts.measure(num, style.face) * fs;
        let end = text_end(last);
        let baseline = baseline_of(fs, self.settings.leading);
        let dot_w = self.settings.fonts.measure(". ", style.face) * fs;
        let from = end + fs * 0.5;
        let to = right - num_w - fs * 0.5;
        if to > from && !num.is_empty() {
            let count = ((to - from) / dot_w).floor() as usize;
            let dots = ". ".repeat(count);
            let grey = Style {
                color: model::GREY,
                ..style
            };
            let mut x = to - count as f32 * dot_w;
            for s in self.shape_text(&dots, style.face) {
                last.items.push(text_item(x, baseline, grey, &s));
                x += s.width * fs;
            }
        }
        let mut x = right - num_w;
        for s in self.shape_text(num, style.face) {
            last.items.push(text_item(x, baseline, style, &s));
            x += s.width * fs;
        }
        if let Some(c) = chapter {
            last.items.push(PageItem::Link {
                x: 0.0,
                y: 0.0,
                w: right,
                h: last.height,
                target: Target::Anchor(c, None),
                tag: None,
            });
        }
    }
}
