//! Drawing the items of a page (text, pictures, rectangles, rules) on a krilla surface, each
//! tagged as content or marked as an artifact, and the page's links as annotations.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target as KTarget};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Quadrilateral, Rect, Size, Transform};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, SpanTag};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Data;
use krilla_svg::{SurfaceExt, SvgSettings};

use super::pictures::{KrillaPictures, Picture};
use super::tags::{record, Leaves};
use crate::pdf::model::{Color, Page, PageItem, Target, TypesetBook};
use crate::pdf::shape::{FaceId, FontBook, FontBytes};
use crate::Error;

pub(super) fn color(c: Color) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

/// A glyph run to draw.
pub(super) struct TextRun<'a> {
    at: Point,
    size: f32,
    face: FaceId,
    color: Color,
    glyphs: &'a [crate::pdf::shape::Glyph],
    text: &'a str,
    /// Where krilla reports a finding about these glyphs.
    location: Option<krilla::surface::Location>,
}

/// What drawing the pages needs across them: the faces and pictures, each turned into
/// krilla's form once, and the content recorded for each structure element.
pub(super) struct Drawer<'a> {
    pub(super) faces: &'a FontBook,
    pub(super) fonts: HashMap<FaceId, Font>,
    pub(super) pictures: KrillaPictures<'a>,
    pub(super) leaves: Vec<Leaves>,
    /// SVG pictures to draw with their text as outlines.
    pub(super) outlined_svgs: &'a BTreeSet<usize>,
    /// The SVG pictures drawn, for finding those whose text fails the standard.
    pub(super) svgs: BTreeSet<usize>,
}

impl Drawer<'_> {
    /// Draw one item of `page` (links aside: they are annotations, not content).
    pub(super) fn draw(
        &mut self,
        surface: &mut Surface,
        item: &PageItem,
        page: &Page,
        (page_index, item_index): (usize, usize),
    ) -> Result<(), Error> {
        match item {
            PageItem::Text {
                x,
                y,
                size,
                face,
                color: c,
                glyphs,
                text,
                artifact,
                tag,
            } => {
                let run = TextRun {
                    at: Point::from_xy(*x, *y),
                    size: *size,
                    face: *face,
                    color: *c,
                    glyphs,
                    text,
                    location: super::conformance::location(page_index, item_index),
                };
                let header = *y < page.height / 2.0;
                self.draw_text(surface, &run, (*artifact, header), *tag, page_index)?;
            }
            PageItem::Image {
                x,
                y,
                w,
                h,
                image,
                tag,
                ..
            } => self.draw_picture(surface, *image, (*x, *y, *w, *h), *tag, page_index),
            PageItem::Rect {
                x,
                y,
                w,
                h,
                color: c,
            } => fill_rect(surface, (*x, *y, *w, *h), *c),
            PageItem::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color: c,
            } => stroke_line(surface, (*x1, *y1), (*x2, *y2), *width, *c),
            PageItem::Link { .. } => {}
        }
        Ok(())
    }

    /// A glyph run: tagged content, or an artifact (a running head above the middle of the
    /// page, a page number below it, other layout).
    fn draw_text(
        &mut self,
        surface: &mut Surface,
        run: &TextRun,
        (artifact, header): (bool, bool),
        tag: Option<usize>,
        page_index: usize,
    ) -> Result<(), Error> {
        let font = font_for(&mut self.fonts, self.faces, run.face)?;
        let kglyphs: Vec<KrillaGlyph> = run
            .glyphs
            .iter()
            .map(|g| {
                KrillaGlyph::new(
                    GlyphId::new(g.id),
                    g.advance,
                    g.x_offset,
                    -g.y_offset,
                    0.0,
                    g.range.clone(),
                    run.location,
                )
            })
            .collect();
        let id = match (artifact, tag) {
            (false, Some(_)) => Some(surface.start_tagged(ContentTag::Span(SpanTag::empty()))),
            (true, _) => {
                // Running headers above the text, page numbers below it.
                let kind = if header {
                    ArtifactType::Header
                } else {
                    ArtifactType::Footer
                };
                surface.start_tagged(ContentTag::Artifact(Artifact::new(kind, None)));
                None
            }
            (false, None) => {
                surface.start_tagged(ContentTag::Artifact(Artifact::new(
                    ArtifactType::Other,
                    None,
                )));
                None
            }
        };
        surface.set_fill(Some(Fill {
            paint: color(run.color).into(),
            ..Fill::default()
        }));
        surface.draw_glyphs(run.at, &kglyphs, font, run.text, run.size, false);
        surface.end_tagged();
        record(&mut self.leaves, tag, id, page_index);
        Ok(())
    }

    fn draw_picture(
        &mut self,
        surface: &mut Surface,
        image: usize,
        (x, y, w, h): (f32, f32, f32, f32),
        tag: Option<usize>,
        page_index: usize,
    ) {
        let (Some(picture), Some(size)) = (self.pictures.get(image), Size::from_wh(w, h)) else {
            return;
        };
        let id = match tag {
            Some(_) => Some(surface.start_tagged(ContentTag::Other)),
            None => {
                surface.start_tagged(ContentTag::Artifact(Artifact::new(
                    ArtifactType::Other,
                    None,
                )));
                None
            }
        };
        surface.push_transform(&Transform::from_translate(x, y));
        match picture {
            Picture::Raster(img) => surface.draw_image(img, size),
            Picture::Vector(tree) => {
                // SVG stays vector graphics: sharp at any zoom and print size, its text kept
                // as text unless it cannot keep its characters under the standard.
                self.svgs.insert(image);
                let settings = SvgSettings {
                    embed_text: !self.outlined_svgs.contains(&image),
                    ..SvgSettings::default()
                };
                surface.draw_svg(&tree, size, settings);
            }
        }
        surface.pop();
        surface.end_tagged();
        record(&mut self.leaves, tag, id, page_index);
    }
}

/// A link on the page: its rectangle, where it goes and its structure element.
pub(super) type LinkPiece = (f32, f32, f32, f32, Target, Option<usize>);

/// One annotation per link and page: the pieces of a link cut across lines are its
/// quadrilaterals, so a long address is written once, not once per line.
pub(super) fn annotate(
    kpage: &mut krilla::page::Page,
    book: &TypesetBook,
    links: Vec<LinkPiece>,
    leaves: &mut [Leaves],
) {
    for (rects, target, tag) in group_links(links) {
        let (t, alt) = match target {
            Target::Uri(u) => (
                KTarget::Action(Action::Link(LinkAction::new(u.to_string()))),
                u.to_string(),
            ),
            Target::Anchor(c, a) => match book
                .anchors
                .get(&(c, a.clone()))
                .or_else(|| book.anchors.get(&(c, None)))
            {
                Some((p, py)) => (
                    KTarget::Destination(Destination::Xyz(XyzDestination::new(
                        *p,
                        Point::from_xy(0.0, *py),
                    ))),
                    format!("Go to page {}", p + 1),
                ),
                None => continue,
            },
        };
        let link = match rects.as_slice() {
            [rect] => LinkAnnotation::new(*rect, t),
            _ => LinkAnnotation::new_with_quad_points(
                rects.into_iter().map(Quadrilateral::from).collect(),
                t,
            ),
        };
        let annotation = Annotation::new_link(link, Some(alt));
        match tag {
            Some(t) => {
                let id = kpage.add_tagged_annotation(annotation);
                if let Some(l) = leaves.get_mut(t) {
                    l.links.push(id);
                }
            }
            None => kpage.add_annotation(annotation),
        }
    }
}

pub(super) fn font_for(
    fonts: &mut HashMap<FaceId, Font>,
    faces: &FontBook,
    face: FaceId,
) -> Result<Font, Error> {
    if let Some(f) = fonts.get(&face) {
        return Ok(f.clone());
    }
    let loaded = faces.face(face);
    let data = match &loaded.bytes {
        FontBytes::Bundled(b) => Data::from(*b),
        FontBytes::Read(b) => Data::from(Arc::clone(b)),
    };
    let f = Font::new(data, loaded.index)
        .ok_or_else(|| Error::Encode(format!("cannot embed font {}", loaded.name)))?;
    fonts.insert(face, f.clone());
    Ok(f)
}

fn layout_artifact(surface: &mut Surface, draw: impl FnOnce(&mut Surface)) {
    surface.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Layout,
        None,
    )));
    draw(surface);
    surface.end_tagged();
}

/// A page's link pieces, in order, as links: consecutive pieces with the same target in the
/// same structure element are one link cut across lines. Pieces with no area are dropped.
fn group_links(pieces: Vec<LinkPiece>) -> Vec<(Vec<Rect>, Target, Option<usize>)> {
    let mut links: Vec<(Vec<Rect>, Target, Option<usize>)> = Vec::new();
    for (x, y, w, h, target, tag) in pieces {
        let Some(rect) = Rect::from_xywh(x, y, w.max(1.0), h.max(1.0)) else {
            continue;
        };
        match links.last_mut() {
            Some((rects, t, g)) if *t == target && *g == tag => rects.push(rect),
            _ => links.push((vec![rect], target, tag)),
        }
    }
    links
}

/// A filled rectangle of layout (a code block's shading, a table's shading and rules): an
/// artifact.
fn fill_rect(surface: &mut Surface, (x, y, w, h): (f32, f32, f32, f32), c: Color) {
    let Some(rect) = Rect::from_xywh(x, y, w, h) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    if let Some(path) = pb.finish() {
        layout_artifact(surface, |s| {
            s.set_fill(Some(Fill {
                paint: color(c).into(),
                ..Fill::default()
            }));
            s.set_stroke(None);
            s.draw_path(&path);
        });
    }
}

/// A straight line of layout (a running head's rule, a thematic break, a quotation's bar, a
/// strike-through): an artifact.
fn stroke_line(surface: &mut Surface, from: (f32, f32), to: (f32, f32), width: f32, c: Color) {
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    if let Some(path) = pb.finish() {
        layout_artifact(surface, |s| {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: color(c).into(),
                width,
                ..Stroke::default()
            }));
            s.draw_path(&path);
            s.set_stroke(None);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_one_link_are_one_annotation_and_distinct_links_stay_apart() {
        let uri = |s: &str| Target::Uri(s.into());
        let pieces = vec![
            (10.0, 10.0, 200.0, 12.0, uri("https://a.org/long"), Some(3)),
            (10.0, 24.0, 80.0, 12.0, uri("https://a.org/long"), Some(3)),
            (95.0, 24.0, 40.0, 12.0, uri("https://b.org/"), Some(3)),
            (10.0, 38.0, 40.0, 12.0, uri("https://b.org/"), Some(4)),
            (10.0, 52.0, 40.0, 12.0, Target::Anchor(1, None), None),
        ];
        let links = group_links(pieces);
        let shape: Vec<(usize, Option<usize>)> =
            links.iter().map(|(r, _, t)| (r.len(), *t)).collect();
        assert_eq!(shape, [(2, Some(3)), (1, Some(3)), (1, Some(4)), (1, None)]);
    }
}
