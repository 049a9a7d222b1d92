//! SVG drawings: parsed into trees with the bundled and system fonts (usvg and resvg live here
//! only), measured for layout, and rendered to pixels (the EPUB's generated cover).

use crate::assets::picture::Processed;

/// Parse an SVG (already screened for scripts and entities by `assets::images`). Text in it is
/// drawn with the bundled fonts, or installed ones.
pub fn tree(svg: &Processed) -> Option<usvg::Tree> {
    let fontdb = shared_fonts();
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
        fontdb,
        font_resolver: usvg::FontResolver {
            select_font: Box::new(select_font),
            ..usvg::FontResolver::default()
        },
        image_href_resolver,
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(&svg.bytes, &options).ok()
}

/// The bundled faces, the SVG stand-ins and the installed fonts, read once per process.
fn shared_fonts() -> std::sync::Arc<usvg::fontdb::Database> {
    use std::sync::OnceLock;
    static FONTS: OnceLock<std::sync::Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            for f in crate::assets::fonts::BUNDLED {
                db.load_font_data(f.bytes.to_vec());
            }
            for bytes in crate::assets::fonts::SVG_STAND_INS {
                db.load_font_data(bytes.to_vec());
            }
            db.load_system_fonts();
            // Drawings are made for the faces browsers give the generic families (Times, Arial,
            // Courier): their metric twins keep labels inside their boxes.
            db.set_sans_serif_family("Liberation Sans");
            db.set_serif_family("Liberation Serif");
            db.set_monospace_family("Liberation Mono");
            std::sync::Arc::new(db)
        })
        .clone()
}

/// A drawing board for SVG the program writes itself (the generated cover): the shared fonts
/// plus some of the book's own, text measured as it will be drawn, pictures rendered to pixels.
pub struct Board {
    options: usvg::Options<'static>,
}

/// Pixels of a rendered drawing: RGBA, premultiplied by an opaque background, row by row.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl Board {
    /// A board with `fonts` (font file bytes) added to the shared ones; gives the family name of
    /// each added font (`None` for a file that is not a font).
    /// `lang` (BCP 47) picks the regional forms of Chinese, Japanese or Korean characters.
    pub fn new(fonts: &[&[u8]], lang: &str) -> (Board, Vec<Option<String>>) {
        let mut db = (*shared_fonts()).clone();
        let mut families = Vec::new();
        for bytes in fonts {
            let before = db.len();
            db.load_font_data(bytes.to_vec());
            let family = db
                .faces()
                .nth(before)
                .and_then(|f| f.families.first().map(|(name, _)| name.clone()));
            families.push(family);
        }
        let variant = cjk_variant(lang);
        let options = usvg::Options {
            fontdb: std::sync::Arc::new(db),
            font_resolver: usvg::FontResolver {
                select_fallback: Box::new(move |c, used, db| {
                    closest_fallback(c, used, db, variant)
                }),
                ..usvg::FontResolver::default()
            },
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        (Board { options }, families)
    }

    /// The width in pixels of `text` set in `family` at `size` px (`weight` 400 or 700), with
    /// fallback faces for characters the family lacks, as `render` will draw it.
    pub fn text_width(&self, text: &str, family: &str, weight: u16, size: f32) -> f32 {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><text x=\"0\" y=\"50\" font-family=\"{}\" font-weight=\"{weight}\" font-size=\"{size}\" xml:space=\"preserve\">{}</text></svg>",
            quick_xml::escape::escape(family),
            quick_xml::escape::escape(text)
        );
        let Ok(tree) = usvg::Tree::from_str(&svg, &self.options) else {
            return 0.0;
        };
        tree.root()
            .children()
            .iter()
            .find_map(|n| match n {
                usvg::Node::Text(t) => Some(t.bounding_box().width()),
                _ => None,
            })
            .unwrap_or(0.0)
    }

    /// Render an SVG to pixels, scaled to `width` pixels wide, over an opaque white page (a
    /// transparent picture shows black on some readers). `None` for an SVG that cannot be read
    /// or a size over 40 megapixels.
    pub fn render(&self, svg: &[u8], width: u32) -> Option<Pixels> {
        let tree = usvg::Tree::from_data(svg, &self.options).ok()?;
        let size = tree.size();
        let scale = width as f32 / size.width();
        let height = (size.height() * scale).round().max(1.0) as u32;
        if u64::from(width) * u64::from(height) > 40_000_000 {
            return None;
        }
        let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)?;
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        Some(Pixels {
            width,
            height,
            rgba: pixmap.take(),
        })
    }
}

/// The suffix of the Noto CJK family for a language's regional forms.
fn cjk_variant(lang: &str) -> &'static str {
    let lang = lang.to_ascii_lowercase();
    match lang.split(['-', '_']).next().unwrap_or("") {
        "ja" => "JP",
        "ko" => "KR",
        "zh" if lang.contains("hk") || lang.contains("mo") => "HK",
        "zh" if lang.contains("tw") || lang.contains("hant") => "TC",
        _ => "SC",
    }
}

/// The face for a character the chosen face lacks: of the faces that have it, the one closest
/// to the text's face in slant, weight and serif or sans, in the language's CJK forms. usvg's
/// own choice is the first face that has the character, whatever its weight or design.
fn closest_fallback(
    c: char,
    used: &[usvg::fontdb::ID],
    db: &mut std::sync::Arc<usvg::fontdb::Database>,
    variant: &str,
) -> Option<usvg::fontdb::ID> {
    let base = db.face(*used.first()?)?;
    let family = |f: &usvg::fontdb::FaceInfo| {
        f.families
            .first()
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    };
    let serif = |name: &str| name.contains("Serif") && !name.contains("Sans");
    let base_serif = serif(&family(base));
    let (base_style, base_weight) = (base.style, base.weight.0);
    let mut candidates: Vec<(u32, usvg::fontdb::ID)> = db
        .faces()
        .filter(|f| !used.contains(&f.id))
        .map(|f| {
            let name = family(f);
            let mut cost = u32::from(f.weight.0.abs_diff(base_weight));
            cost += 1000 * u32::from(f.style != base_style);
            cost += 500 * u32::from(serif(&name) != base_serif);
            cost += 300 * u32::from(name.contains("CJK") && !name.ends_with(variant));
            (cost, f.id)
        })
        .collect();
    // Stable: faces of equal cost keep the database's order, so the choice is deterministic.
    candidates.sort_by_key(|&(cost, _)| cost);
    candidates.into_iter().map(|(_, id)| id).find(|&id| {
        db.with_face_data(id, |data, index| {
            crate::assets::fonts::has_char(data, index, c)
        })
        .unwrap_or(false)
    })
}

/// The face for a drawing's text: the families it names, in order, each replaced by its metric
/// twin where it has one (Helvetica by Liberation Sans), then the serif default.
fn select_font(
    font: &usvg::Font,
    db: &mut std::sync::Arc<usvg::fontdb::Database>,
) -> Option<usvg::fontdb::ID> {
    use usvg::fontdb::{Family, Query, Stretch, Style, Weight};
    use usvg::{FontFamily, FontStretch, FontStyle};
    let mut families: Vec<Family> = font
        .families()
        .iter()
        .map(|f| match f {
            FontFamily::Serif => Family::Serif,
            FontFamily::SansSerif => Family::SansSerif,
            FontFamily::Cursive => Family::Cursive,
            FontFamily::Fantasy => Family::Fantasy,
            FontFamily::Monospace => Family::Monospace,
            FontFamily::Named(name) => {
                Family::Name(crate::assets::fonts::svg_stand_in(name).unwrap_or(name))
            }
        })
        .collect();
    families.push(Family::Serif);
    let stretch = match font.stretch() {
        FontStretch::UltraCondensed => Stretch::UltraCondensed,
        FontStretch::ExtraCondensed => Stretch::ExtraCondensed,
        FontStretch::Condensed => Stretch::Condensed,
        FontStretch::SemiCondensed => Stretch::SemiCondensed,
        FontStretch::Normal => Stretch::Normal,
        FontStretch::SemiExpanded => Stretch::SemiExpanded,
        FontStretch::Expanded => Stretch::Expanded,
        FontStretch::ExtraExpanded => Stretch::ExtraExpanded,
        FontStretch::UltraExpanded => Stretch::UltraExpanded,
    };
    let style = match font.style() {
        FontStyle::Normal => Style::Normal,
        FontStyle::Italic => Style::Italic,
        FontStyle::Oblique => Style::Oblique,
    };
    db.query(&Query {
        families: &families,
        weight: Weight(font.weight()),
        stretch,
        style,
    })
}

/// A drawing's size in CSS pixels and its smallest text, in the drawing's own units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub width: u32,
    pub height: u32,
    pub smallest_text: Option<f32>,
}

/// The size of an SVG drawing with its smallest text (for layout), or `None` when it cannot be
/// read.
pub fn measure(svg: &Processed) -> Option<Measure> {
    let tree = tree(svg)?;
    let s = tree.size();
    Some(Measure {
        width: s.width().ceil().max(1.0) as u32,
        height: s.height().ceil().max(1.0) as u32,
        smallest_text: smallest_text(tree.root()),
    })
}

/// The size a drawing gives itself (`width`/`height`, else its `viewBox`), in CSS pixels,
/// read without fonts: its text is not laid out, so this is quick enough for every picture.
pub fn intrinsic_size(bytes: &[u8]) -> Option<(u32, u32)> {
    outline(bytes).map(|o| o.size)
}

/// What a drawing is, read without fonts: its size, and how much of it its filters cover.
pub struct Outline {
    pub size: (u32, u32),
    /// The area of every filtered group's region (a filter's region may reach far past the
    /// drawing), added up, over the drawing's own area: what rasterising its filters costs,
    /// in drawings. A drop shadow is about 1; a filter region 30 times a canvas is 900.
    pub filtered_area: f32,
}

/// The drawing's [`Outline`], or `None` when it cannot be read.
pub fn outline(bytes: &[u8]) -> Option<Outline> {
    let options = usvg::Options {
        fontdb: std::sync::Arc::new(usvg::fontdb::Database::new()),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).ok()?;
    let s = tree.size();
    let canvas = (s.width() * s.height()).max(1.0);
    // An explicit stack: a drawing may nest groups deeper than the call stack allows.
    let mut filtered = 0.0f32;
    let mut stack = vec![tree.root()];
    while let Some(group) = stack.pop() {
        if !group.filters().is_empty() {
            let r = group.abs_layer_bounding_box();
            filtered += r.width() * r.height();
        }
        for node in group.children() {
            if let usvg::Node::Group(g) = node {
                stack.push(g);
            }
        }
    }
    Some(Outline {
        size: (
            s.width().ceil().max(1.0) as u32,
            s.height().ceil().max(1.0) as u32,
        ),
        filtered_area: filtered / canvas,
    })
}

/// The smallest text drawn in a group, in the drawing's units, with the transforms applied.
fn smallest_text(group: &usvg::Group) -> Option<f32> {
    let mut smallest: Option<f32> = None;
    for node in group.children() {
        let found = match node {
            usvg::Node::Group(g) => smallest_text(g),
            usvg::Node::Text(text) => {
                let t = text.abs_transform();
                let scale = (t.sx * t.sy - t.kx * t.ky).abs().sqrt();
                text.chunks()
                    .iter()
                    .flat_map(|c| c.spans())
                    .map(|span| span.font_size().get() * scale)
                    .reduce(f32::min)
            }
            _ => None,
        };
        if let Some(f) = found.filter(|f| *f > 0.0) {
            smallest = Some(smallest.map_or(f, |s| s.min(f)));
        }
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::picture::EmbeddedLimits;

    fn drawing(svg: &str) -> Processed {
        Processed {
            bytes: svg.as_bytes().to_vec(),
            media_type: "image/svg+xml",
            extension: "svg",
            width: 0,
            height: 0,
            reencoded: false,
            removed: Vec::new(),
            embedded_limits: Some(EmbeddedLimits {
                max_pixels: 1 << 20,
                max_memory: 1 << 24,
            }),
        }
    }

    /// The width of "Hello World" drawn at 100 px in `family`.
    fn label_width(family: &str) -> f32 {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="200"><text x="0" y="150" font-size="100" font-family="{family}">Hello World</text></svg>"#
        );
        let tree = tree(&drawing(&svg)).expect("parses");
        let text = tree
            .root()
            .children()
            .iter()
            .find_map(|n| match n {
                usvg::Node::Text(t) => Some(t.bounding_box().width()),
                _ => None,
            })
            .expect("a text node");
        text
    }

    #[test]
    fn drawings_naming_arial_helvetica_or_times_get_their_metric_twins() {
        let liberation_sans = label_width("Liberation Sans");
        assert_eq!(label_width("Helvetica"), liberation_sans);
        assert_eq!(
            label_width("'ArialMT', 'Arial', sans-serif"),
            liberation_sans
        );
        assert_eq!(label_width("sans-serif"), liberation_sans);
        assert_eq!(
            label_width("Times New Roman"),
            label_width("Liberation Serif")
        );
        assert_ne!(label_width("Noto Sans"), liberation_sans);
    }

    #[test]
    fn the_smallest_text_of_a_drawing_counts_its_transforms() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><text x="0" y="50" font-size="20">Big</text><g transform="scale(0.5)"><text x="0" y="300" font-size="16">Small</text></g></svg>"#;
        let size = measure(&drawing(svg)).expect("measured");
        assert_eq!((size.width, size.height), (400, 200));
        assert_eq!(size.smallest_text, Some(8.0));
        let plain = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>"#;
        assert_eq!(measure(&drawing(plain)).unwrap().smallest_text, None);
    }
}
