//! Drawing the page model with krilla: the only module that knows the PDF writer, so it can be
//! swapped. Fonts are embedded and subset by krilla; JPEG bytes pass through unchanged. Content is
//! tagged (paragraphs, headings, lists, tables, figures with alt text, notes, links; running
//! headers, page numbers and rules as artifacts) and the tag tree carries the book's language.

use std::collections::HashMap;
use std::num::{NonZeroU16, NonZeroU32};
use std::sync::Arc;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target as KTarget};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, Validator};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Quadrilateral, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::model::{Book, Bookmark, Color, Item, Numbering, Page, StructKind, Target};
use super::shape::{FaceId, FontBook, FontBytes};
use crate::assets::images::Processed;
use crate::Error;

pub struct Info<'a> {
    pub title: &'a str,
    pub authors: &'a [String],
    pub language: &'a str,
    pub subject: Option<&'a str>,
    pub keywords: &'a [String],
    pub modified: i64,
    /// Validate as PDF/A-2b (archival) instead of PDF/UA-1.
    pub pdf_a: bool,
    /// Check conformance to the standard (PDF/UA-1 or PDF/A-2b) while writing.
    pub validate: bool,
}

impl<'a> Info<'a> {
    /// The document information of `doc`.
    pub fn of(doc: &'a crate::doc::Document, pdf_a: bool, validate: bool) -> Info<'a> {
        Info {
            title: &doc.meta.title,
            authors: &doc.meta.authors,
            language: &doc.meta.language,
            subject: doc.meta.description.as_deref(),
            keywords: &doc.meta.subjects,
            modified: doc.meta.modified,
            pdf_a,
            validate,
        }
    }
}

/// Why writing failed: the content does not meet the standard, or something else.
pub enum Failure {
    NotConforming(String),
    Other(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Other(e)
    }
}

fn color(c: Color) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

/// What the structure tree collects while pages are drawn: per structure element, its content
/// pieces and link annotations, in reading order.
#[derive(Default, Clone)]
struct Leaves {
    content: Vec<Identifier>,
    links: Vec<Identifier>,
    first_page: Option<usize>,
}

/// Write the book. `images` are the processed pictures, indexed like the document's.
pub fn write(
    book: &Book,
    images: &[Processed],
    faces: &FontBook,
    info: &Info,
) -> Result<Vec<u8>, Failure> {
    let mut document = Document::new_with(serialize_settings(book, info)?);
    let mut drawer = Drawer {
        faces,
        images,
        fonts: HashMap::new(),
        pictures: HashMap::new(),
        leaves: vec![Leaves::default(); book.structure.len()],
    };
    let mut labels = PageLabels::default();
    for (page_index, page) in book.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page.width, page.height)
            .ok_or_else(|| Error::Encode("page size".into()))?
            .with_page_label(labels.next(page.numbering));
        let mut kpage = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = kpage.surface();
            for item in &page.items {
                match item {
                    Item::Link {
                        x,
                        y,
                        w,
                        h,
                        target,
                        tag,
                    } => links.push((*x, *y, *w, *h, target.clone(), *tag)),
                    _ => drawer.draw(&mut surface, item, page, page_index)?,
                }
            }
            surface.finish();
        }
        annotate(&mut kpage, book, links, &mut drawer.leaves);
        kpage.finish();
    }
    document.set_tag_tree(tag_tree(book, &drawer.leaves, info.language));
    let mut outline = Outline::new();
    for b in &book.bookmarks {
        outline.push_child(node(b));
    }
    document.set_outline(outline);
    document.set_metadata(metadata(info));
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(v) => Failure::NotConforming(
            v.iter()
                .map(|(err, _)| format!("{err:?}"))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => Failure::Other(Error::Encode(format!("PDF writing failed: {other:?}"))),
    })
}

/// The standard to validate against (PDF/A-2b or PDF/UA-1, unless validation is off), and
/// tagging for a book with a structure (an imposed handout has none).
fn serialize_settings(book: &Book, info: &Info) -> Result<SerializeSettings, Failure> {
    let validator = if info.pdf_a {
        Validator::A(Archival::A2_B)
    } else {
        Validator::Ua(Accessibility::UA1)
    };
    let builder = ConfigurationBuilder::new();
    let builder = if info.validate {
        builder.set_validator(validator)
    } else {
        builder
    };
    let configuration = builder
        .finish()
        .map_err(|e| Error::Encode(format!("PDF configuration: {e:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: !book.structure.is_empty(),
        ..SerializeSettings::default()
    })
}

/// Every page carries its label: i, ii … for the front matter, 1, 2 … for the body.
#[derive(Default)]
struct PageLabels {
    roman: u32,
    arabic: u32,
}

impl PageLabels {
    fn next(&mut self, numbering: Numbering) -> PageLabel {
        let (style, n) = match numbering {
            Numbering::Roman => {
                self.roman += 1;
                (NumberingStyle::LowerRoman, self.roman)
            }
            Numbering::Arabic => {
                self.arabic += 1;
                (NumberingStyle::Arabic, self.arabic)
            }
        };
        PageLabel::new(Some(style), None, NonZeroU32::new(n))
    }
}

/// What drawing the pages needs across them: the faces and pictures, each turned into
/// krilla's form once, and the content recorded for each structure element.
struct Drawer<'a> {
    faces: &'a FontBook,
    images: &'a [Processed],
    fonts: HashMap<FaceId, Font>,
    pictures: HashMap<usize, Option<Picture>>,
    leaves: Vec<Leaves>,
}

impl Drawer<'_> {
    /// Draw one item of `page` (links aside: they are annotations, not content).
    fn draw(
        &mut self,
        surface: &mut Surface,
        item: &Item,
        page: &Page,
        page_index: usize,
    ) -> Result<(), Error> {
        match item {
            Item::Text {
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
                let font = font_for(&mut self.fonts, self.faces, *face)?;
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
                let id = match (artifact, tag) {
                    (false, Some(_)) => {
                        Some(surface.start_tagged(ContentTag::Span(SpanTag::empty())))
                    }
                    (true, _) => {
                        // Running headers above the text, page numbers below it.
                        let kind = if *y < page.height / 2.0 {
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
                    paint: color(*c).into(),
                    ..Fill::default()
                }));
                surface.draw_glyphs(Point::from_xy(*x, *y), &kglyphs, font, text, *size, false);
                surface.end_tagged();
                record(&mut self.leaves, *tag, id, page_index);
            }
            Item::Image {
                x,
                y,
                w,
                h,
                image,
                tag,
                ..
            } => self.draw_picture(surface, *image, (*x, *y, *w, *h), *tag, page_index),
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
                        layout_artifact(surface, |s| {
                            s.set_fill(Some(Fill {
                                paint: color(*c).into(),
                                ..Fill::default()
                            }));
                            s.set_stroke(None);
                            s.draw_path(&path);
                        });
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
                    layout_artifact(surface, |s| {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: color(*c).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    });
                }
            }
            Item::Link { .. } => {}
        }
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
        let images = self.images;
        let entry = self
            .pictures
            .entry(image)
            .or_insert_with(|| images.get(image).and_then(to_image));
        let (Some(picture), Some(size)) = (entry.clone(), Size::from_wh(w, h)) else {
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
                // SVG stays vector graphics: sharp at any zoom and print size.
                surface.draw_svg(&tree, size, SvgSettings::default());
            }
        }
        surface.pop();
        surface.end_tagged();
        record(&mut self.leaves, tag, id, page_index);
    }
}

/// A link on the page: its rectangle, where it goes and its structure element.
type LinkPiece = (f32, f32, f32, f32, Target, Option<usize>);

/// One annotation per link and page: the pieces of a link cut across lines are its
/// quadrilaterals, so a long address is written once, not once per line.
fn annotate(
    kpage: &mut krilla::page::Page,
    book: &Book,
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

/// The document information: title, authors, language, keywords, the fixed creation date.
fn metadata(info: &Info) -> Metadata {
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
    meta
}

fn font_for(
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

fn record(leaves: &mut [Leaves], tag: Option<usize>, id: Option<Identifier>, page: usize) {
    if let (Some(t), Some(id)) = (tag, id) {
        if let Some(l) = leaves.get_mut(t) {
            l.content.push(id);
            l.first_page.get_or_insert(page);
        }
    }
}

/// The structure tree: elements nest as the typesetter recorded them; top-level elements are
/// ordered by the page they start on (the front matter is typeset after the body).
fn tag_tree(book: &Book, leaves: &[Leaves], lang: &str) -> TagTree {
    let n = book.structure.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, node) in book.structure.iter().enumerate() {
        match node.parent {
            Some(p) if p < n => children[p].push(i),
            _ => roots.push(i),
        }
    }
    // First page of each element, its own content or its descendants'.
    let mut first = vec![usize::MAX; n];
    for i in (0..n).rev() {
        let own = leaves[i].first_page.unwrap_or(usize::MAX);
        let kids = children[i]
            .iter()
            .map(|&c| first[c])
            .min()
            .unwrap_or(usize::MAX);
        first[i] = own.min(kids);
    }
    roots.sort_by_key(|&r| (first[r], r));
    let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
    for r in roots {
        if let Some(g) = group(book, leaves, &children, r, 0) {
            tree.push(g);
        }
    }
    tree
}

fn group(
    book: &Book,
    leaves: &[Leaves],
    children: &[Vec<usize>],
    i: usize,
    depth: usize,
) -> Option<TagGroup> {
    let node = &book.structure[i];
    let mut kids: Vec<Node> = leaves[i].content.iter().map(|id| Node::Leaf(*id)).collect();
    if depth < 200 {
        for &c in &children[i] {
            if let Some(g) = group(book, leaves, children, c, depth + 1) {
                kids.push(g.into());
            }
        }
    }
    for link in &leaves[i].links {
        kids.push(TagGroup::with_children(Tag::Link, vec![Node::Leaf(*link)]).into());
    }
    if kids.is_empty() {
        return None;
    }
    let kind: TagKind = match &node.kind {
        StructKind::Section => Tag::Section.with_lang(node.lang.clone()).into(),
        StructKind::Title => Tag::Title.into(),
        StructKind::P => Tag::P.into(),
        StructKind::H(level) => Tag::Hn(
            NonZeroU16::new(u16::from(*level).max(1)).unwrap_or(NonZeroU16::MIN),
            node.alt.clone(),
        )
        .into(),
        StructKind::List { ordered } => Tag::L(if *ordered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Disc
        })
        .into(),
        StructKind::ListItem => Tag::LI.into(),
        StructKind::Label => Tag::Lbl.into(),
        StructKind::ListBody => Tag::LBody.into(),
        StructKind::BlockQuote => Tag::BlockQuote.into(),
        StructKind::Code => Tag::P.into(),
        StructKind::Table => Tag::Table.into(),
        StructKind::Row => Tag::TR.into(),
        StructKind::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        StructKind::Cell => Tag::TD.into(),
        StructKind::Figure => Tag::Figure(Some(
            node.alt
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "Picture".to_string()),
        ))
        .into(),
        StructKind::Caption => Tag::Caption.into(),
        StructKind::Note => Tag::Note.into(),
        StructKind::Toc => Tag::TOC.into(),
        StructKind::TocItem => Tag::TOCI.into(),
        StructKind::Div => Tag::Div.with_lang(node.lang.clone()).into(),
    };
    Some(TagGroup::with_children(kind, kids))
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

#[derive(Clone)]
enum Picture {
    Raster(Image),
    Vector(std::sync::Arc<usvg::Tree>),
}

fn to_image(p: &Processed) -> Option<Picture> {
    let data = p.bytes.clone().into();
    match p.media_type {
        "image/jpeg" => Image::from_jpeg(data, true).ok().map(Picture::Raster),
        "image/png" => Image::from_png(data, true).ok().map(Picture::Raster),
        "image/gif" => Image::from_gif(data, true).ok().map(Picture::Raster),
        "image/svg+xml" => svg_tree(p).map(|t| Picture::Vector(std::sync::Arc::new(t))),
        _ => None,
    }
}

/// Parse an SVG (already screened for scripts and entities by `assets::images`). Text in it is
/// drawn with the bundled fonts, or installed ones.
fn svg_tree(svg: &Processed) -> Option<usvg::Tree> {
    use std::sync::OnceLock;
    static FONTS: OnceLock<std::sync::Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fontdb = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for f in crate::assets::fonts::BUNDLED {
            db.load_font_data(f.bytes.to_vec());
        }
        db.load_system_fonts();
        db.set_sans_serif_family("Noto Sans");
        db.set_serif_family("Noto Serif");
        db.set_monospace_family("Noto Sans Mono");
        std::sync::Arc::new(db)
    });
    // bindery resolves the drawing's resources itself: nothing named by a path or an address is
    // ever read (the asset stage removed such references, with a warning), and a picture held
    // in the file (`data:`) is decoded only within the limits the drawing was screened against.
    let limits = svg.embedded_limits?;
    let image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(move |mime, data, opts| {
            let raster = mime != "image/svg+xml";
            if raster && !limits.fits(&data) {
                return None;
            }
            (usvg::ImageHrefResolver::default_data_resolver())(mime, data, opts)
        }),
        resolve_string: Box::new(|_, _| None),
    };
    let options = usvg::Options {
        fontdb: fontdb.clone(),
        image_href_resolver,
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(&svg.bytes, &options).ok()
}

/// The size of an SVG drawing in CSS pixels (for layout), or `None` when it cannot be read.
pub fn svg_size(svg: &Processed) -> Option<(u32, u32)> {
    let tree = svg_tree(svg)?;
    let s = tree.size();
    Some((
        s.width().ceil().max(1.0) as u32,
        s.height().ceil().max(1.0) as u32,
    ))
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
