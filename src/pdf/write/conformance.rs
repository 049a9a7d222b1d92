//! Why a PDF does not meet its standard, in words a person can act on: krilla's validation
//! findings turned into causes naming the font, the text and the page, and the SVG pictures
//! whose text cannot keep its characters (drawn again as outlines, the picture's description
//! standing for the text).
//!
//! Every glyph bindery draws carries a location (its page and item), so a finding in one of
//! bindery's faces leads back to the words on the page. A finding in a font bindery did not
//! load comes from an SVG picture's text: each SVG is then drawn alone under the same standard
//! to find which.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU64;

use krilla::configure::{ConfigurationBuilder, ValidationError, Validator};
use krilla::error::KrillaError;
use krilla::geom::Size;
use krilla::surface::Location;
use krilla::text::Font;
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::pdf::model::{PageItem, TypesetBook};
use crate::pdf::shape::{FaceId, FontBook};

/// Why the PDF does not conform, and what drawing it again can change.
#[derive(Debug, Default)]
pub struct Nonconformity {
    pub causes: Vec<Cause>,
    /// Findings came from fonts that SVG pictures brought.
    pub in_svg_text: bool,
    /// The SVG pictures (by index) whose text fails the standard when drawn alone: drawn again
    /// with their text as outlines, the PDF can conform.
    pub outline_svgs: BTreeSet<usize>,
}

/// One reason, once per kind of problem and font: what is wrong, and where it is first seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    pub what: String,
    /// The page (0-based) and the words drawn there, when the finding has a place.
    pub place: Option<(usize, String)>,
}

/// The location of item `item` of page `page`, for krilla to report findings at.
pub(super) fn location(page: usize, item: usize) -> Option<Location> {
    NonZeroU64::new(((page as u64) << 32 | (item as u64 & 0xFFFF_FFFF)) + 1)
}

fn place(book: &TypesetBook, location: Option<Location>) -> Option<(usize, String)> {
    let raw = location?.get() - 1;
    let (page, item) = ((raw >> 32) as usize, (raw & 0xFFFF_FFFF) as usize);
    match book.pages.get(page)?.items.get(item)? {
        PageItem::Text { text, .. } => Some((page, text.clone())),
        PageItem::Image { alt, .. } => Some((page, alt.clone())),
        _ => Some((page, String::new())),
    }
}

/// The causes of krilla's findings. `ours` are the fonts bindery drew its text in.
pub(super) fn explain(
    findings: &[ValidationError],
    book: &TypesetBook,
    faces: &FontBook,
    ours: &HashMap<FaceId, Font>,
) -> Nonconformity {
    let name = |font: &Font| -> Option<String> {
        ours.iter()
            .find(|(_, f)| *f == font)
            .map(|(id, _)| faces.face(*id).name.clone())
    };
    let mut out = Nonconformity::default();
    let mut seen = BTreeSet::new();
    for finding in findings {
        let font = match finding {
            ValidationError::ContainsNotDefGlyph(f, ..)
            | ValidationError::NoCodepointMapping(f, ..)
            | ValidationError::InvalidCodepointMapping(f, ..)
            | ValidationError::UnicodePrivateArea(f, ..) => Some(f),
            _ => None,
        };
        let face = match font.map(&name) {
            Some(Some(face)) => face,
            Some(None) => {
                out.in_svg_text = true;
                "a font of an SVG picture".to_string()
            }
            None => String::new(),
        };
        let (what, at) = words(finding, &face);
        if seen.insert((what.clone(), face)) {
            out.causes.push(Cause {
                what,
                place: place(book, at),
            });
        }
    }
    out
}

/// A finding in words, and where krilla saw it.
fn words(finding: &ValidationError, face: &str) -> (String, Option<Location>) {
    match finding {
        ValidationError::NoCodepointMapping(_, glyph, at) => (
            format!("a glyph of {face} (glyph {}) stands for no character, so the text cannot be read aloud or copied", glyph.to_u32()),
            *at,
        ),
        ValidationError::ContainsNotDefGlyph(_, at, text) => (
            format!("{face} has no glyph for {text:?}; an empty box is drawn"),
            *at,
        ),
        ValidationError::InvalidCodepointMapping(_, _, c, at) => (
            format!("a glyph of {face} stands for U+{:04X}, a character the standard forbids in text", u32::from(*c)),
            *at,
        ),
        ValidationError::UnicodePrivateArea(_, _, c, at) => (
            format!("a glyph of {face} stands for the private-use character U+{:04X}, which means nothing outside its font", u32::from(*c)),
            *at,
        ),
        ValidationError::MissingAltText(at) => {
            ("a picture or formula has no description".to_string(), *at)
        }
        ValidationError::MissingAnnotationAltText(at) => {
            ("a link has no description".to_string(), *at)
        }
        ValidationError::Transparency(at) => {
            ("a picture or drawing is transparent, which the standard forbids".to_string(), *at)
        }
        ValidationError::RestrictedLicense(_) => (
            format!("the licence of {face} does not allow it to be embedded"),
            None,
        ),
        other => (format!("{other:?}"), None),
    }
}

/// The SVG pictures among `svgs` whose text does not meet the standard when drawn alone: their
/// text is drawn as outlines instead, and the picture's description stands for it.
pub(super) fn svgs_with_failing_text(
    svgs: &BTreeSet<usize>,
    tree: &mut dyn FnMut(usize) -> Option<std::sync::Arc<usvg::Tree>>,
    validator: Validator,
) -> BTreeSet<usize> {
    svgs.iter()
        .copied()
        .filter(|&index| tree(index).is_some_and(|t| !text_conforms(&t, validator)))
        .collect()
}

fn text_conforms(tree: &usvg::Tree, validator: Validator) -> bool {
    let Ok(configuration) = ConfigurationBuilder::new()
        .set_validator(validator)
        .finish()
    else {
        return true;
    };
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    });
    let size = Size::from_wh(tree.size().width(), tree.size().height());
    {
        let mut page = document.start_page();
        let mut surface = page.surface();
        if let Some(size) = size {
            surface.draw_svg(tree, size, SvgSettings::default());
        }
        surface.finish();
        page.finish();
    }
    match document.finish() {
        Err(KrillaError::Validation(findings)) => !findings.iter().any(|(f, _)| {
            matches!(
                f,
                ValidationError::ContainsNotDefGlyph(..)
                    | ValidationError::NoCodepointMapping(..)
                    | ValidationError::InvalidCodepointMapping(..)
                    | ValidationError::UnicodePrivateArea(..)
            )
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{Color, Numbering, Page, TypesetBook};
    use krilla::text::GlyphId;

    #[test]
    fn findings_become_causes_naming_the_font_the_words_and_the_page() {
        let faces = FontBook::bundled();
        let mut ours = HashMap::new();
        let font = super::super::draw::font_for(&mut ours, &faces, 0).unwrap();
        let text = PageItem::Text {
            x: 0.0,
            y: 0.0,
            size: 10.0,
            face: 0,
            color: Color(0, 0, 0),
            glyphs: Vec::new(),
            text: "the words drawn".into(),
            artifact: false,
            tag: None,
        };
        let page = |items| Page {
            width: 100.0,
            height: 100.0,
            numbering: Numbering::Arabic,
            items,
        };
        let book = TypesetBook {
            pages: vec![page(Vec::new()), page(vec![text])],
            bookmarks: Vec::new(),
            structure: Vec::new(),
            anchors: HashMap::new(),
        };
        let at = location(1, 0);
        let findings = [
            ValidationError::NoCodepointMapping(font.clone(), GlyphId::new(7), at),
            // The same problem again in the same font: one cause.
            ValidationError::NoCodepointMapping(font.clone(), GlyphId::new(7), at),
        ];
        let why = explain(&findings, &book, &faces, &ours);
        assert!(!why.in_svg_text);
        assert_eq!(why.causes.len(), 1);
        let cause = &why.causes[0];
        assert!(cause.what.contains(&faces.face(0).name), "{}", cause.what);
        assert!(cause.what.contains("stands for no character"));
        assert_eq!(cause.place, Some((1, "the words drawn".to_string())));
        // A font bindery did not draw its text in came from an SVG picture.
        let why = explain(&findings, &book, &faces, &HashMap::new());
        assert!(why.in_svg_text);
        assert!(why.causes[0].what.contains("a font of an SVG picture"));
    }
}
