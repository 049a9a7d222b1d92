//! Drawing the page model with krilla: the only module that knows the PDF writer, so it can be
//! swapped. Fonts are embedded and subset by krilla; JPEG bytes pass through unchanged.

use std::collections::HashMap;
use std::num::NonZeroU32;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target as KTarget};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

use super::model::{Book, Bookmark, Color, Item, Numbering, Target};
use super::shape;
use crate::assets::images::Processed;
use crate::Error;

pub struct Info<'a> {
    pub title: &'a str,
    pub authors: &'a [String],
    pub language: &'a str,
    pub subject: Option<&'a str>,
    pub keywords: &'a [String],
    pub modified: i64,
}

fn color(c: Color) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

/// Write the book. `images` are the processed pictures, indexed like the document's.
pub fn write(book: &Book, images: &[Processed], info: &Info) -> Result<Vec<u8>, Error> {
    let mut document = Document::new();
    let mut fonts: HashMap<usize, Font> = HashMap::new();
    let mut kimages: HashMap<usize, Option<Image>> = HashMap::new();
    let mut roman_count = 0u32;
    let mut arabic_count = 0u32;
    for page in &book.pages {
        let mut settings = PageSettings::from_wh(page.width, page.height)
            .ok_or_else(|| Error::Encode("page size".into()))?;
        // Every page carries its label (krilla writes one range per labelled page): i, ii … for
        // the front matter, 1, 2 … for the body.
        let (style, n) = match page.numbering {
            Numbering::Roman => {
                roman_count += 1;
                (NumberingStyle::LowerRoman, roman_count)
            }
            Numbering::Arabic => {
                arabic_count += 1;
                (NumberingStyle::Arabic, arabic_count)
            }
        };
        settings = settings.with_page_label(PageLabel::new(Some(style), None, NonZeroU32::new(n)));
        let mut kpage = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = kpage.surface();
            for item in &page.items {
                match item {
                    Item::Text {
                        x,
                        y,
                        size,
                        face,
                        color: c,
                        glyphs,
                        text,
                        ..
                    } => {
                        let font = match fonts.get(face) {
                            Some(f) => f.clone(),
                            None => {
                                let loaded = shape::face(*face);
                                let f = Font::new(loaded.bytes.into(), loaded.index).ok_or_else(
                                    || Error::Encode(format!("font {}", loaded.name)),
                                )?;
                                fonts.insert(*face, f.clone());
                                f
                            }
                        };
                        let kglyphs: Vec<KrillaGlyph> = glyphs
                            .iter()
                            .map(|g| {
                                KrillaGlyph::new(
                                    GlyphId::new(g.id),
                                    g.advance,
                                    g.x_offset,
                                    -g.y_offset,
                                    0.0,
                                    g.range.clone(),
                                    None,
                                )
                            })
                            .collect();
                        surface.set_fill(Some(Fill {
                            paint: color(*c).into(),
                            ..Fill::default()
                        }));
                        surface.draw_glyphs(
                            Point::from_xy(*x, *y),
                            &kglyphs,
                            font,
                            text,
                            *size,
                            false,
                        );
                    }
                    Item::Image {
                        x, y, w, h, image, ..
                    } => {
                        let entry = kimages
                            .entry(*image)
                            .or_insert_with(|| images.get(*image).and_then(to_image));
                        if let (Some(img), Some(size)) = (entry.clone(), Size::from_wh(*w, *h)) {
                            surface
                                .push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                            surface.draw_image(img, size);
                            surface.pop();
                        }
                    }
                    Item::Rect {
                        x,
                        y,
                        w,
                        h,
                        color: c,
                    } => {
                        if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                            let mut pb = PathBuilder::new();
                            pb.push_rect(rect);
                            if let Some(path) = pb.finish() {
                                surface.set_fill(Some(Fill {
                                    paint: color(*c).into(),
                                    ..Fill::default()
                                }));
                                surface.set_stroke(None);
                                surface.draw_path(&path);
                            }
                        }
                    }
                    Item::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        color: c,
                    } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y1);
                        pb.line_to(*x2, *y2);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: color(*c).into(),
                                width: *width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                    Item::Link { x, y, w, h, target } => {
                        links.push((*x, *y, *w, *h, target.clone()))
                    }
                }
            }
            surface.finish();
        }
        for (x, y, w, h, target) in links {
            let Some(rect) = Rect::from_xywh(x, y, w.max(1.0), h.max(1.0)) else {
                continue;
            };
            let t = match target {
                Target::Uri(u) => KTarget::Action(Action::Link(LinkAction::new(u))),
                Target::Anchor(c, a) => match book
                    .anchors
                    .get(&(c, a))
                    .or_else(|| book.anchors.get(&(c, None)))
                {
                    Some((p, py)) => KTarget::Destination(Destination::Xyz(XyzDestination::new(
                        *p,
                        Point::from_xy(0.0, *py),
                    ))),
                    None => continue,
                },
            };
            kpage.add_annotation(Annotation::new_link(LinkAnnotation::new(rect, t), None));
        }
        kpage.finish();
    }
    let mut outline = Outline::new();
    for b in &book.bookmarks {
        outline.push_child(node(b));
    }
    document.set_outline(outline);
    let (y, mo, d, h, mi, s) = crate::epub::civil_from_epoch(info.modified);
    let date = DateTime::new(y.clamp(0, 9999) as u16)
        .month(mo as u8)
        .day(d as u8)
        .hour(h as u8)
        .minute(mi as u8)
        .second(s as u8);
    let mut meta = Metadata::new()
        .title(info.title.to_string())
        .authors(info.authors.to_vec())
        .language(info.language.to_string())
        .creator("bindery".to_string())
        .producer("bindery (krilla)".to_string())
        .keywords(info.keywords.to_vec())
        .creation_date(date);
    if let Some(sub) = info.subject {
        meta = meta.description(sub.to_string());
    }
    document.set_metadata(meta);
    document
        .finish()
        .map_err(|e| Error::Encode(format!("PDF writing failed: {e:?}")))
}

fn node(b: &Bookmark) -> OutlineNode {
    let mut n = OutlineNode::new(
        b.title.clone(),
        XyzDestination::new(b.page, Point::from_xy(0.0, b.y)),
    );
    for c in &b.children {
        n.push_child(node(c));
    }
    n
}

fn to_image(p: &Processed) -> Option<Image> {
    let data = p.bytes.clone().into();
    match p.media_type {
        "image/jpeg" => Image::from_jpeg(data, true).ok(),
        "image/png" => Image::from_png(data, true).ok(),
        "image/gif" => Image::from_gif(data, true).ok(),
        _ => None,
    }
}
