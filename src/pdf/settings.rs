//! What the typesetter is told and what it always does: the page geometry and type size from
//! the book's settings ([`TypesetSettings`]), and every fixed typographic proportion, named, in one
//! place ([`em`]). A print-quality change is a change here, not a number found in a stage.

use std::sync::Arc;

use super::shape::{FaceId, FontBook};
use crate::assets::fonts::Role;
use crate::fingerprint::Fingerprint;

/// Page geometry and type sizes, in points.
#[derive(Debug, Clone)]
pub struct TypesetSettings {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub inner: f32,
    pub outer: f32,
    pub font_size: f32,
    pub leading: f32,
    pub two_sided: bool,
    pub chapter_break: crate::config::ChapterBreak,
    pub ragged_right: bool,
    pub number_headings: bool,
    /// The faces this book is typeset with.
    pub fonts: Arc<FontBook>,
    pub labels: crate::labels::Labels,
    /// A handout's cover: a short contents list and, when the book has a web address, its QR code.
    pub handout_cover: Option<HandoutCover>,
}

#[derive(Debug, Clone, Default)]
pub struct HandoutCover {
    pub qr: Option<usize>,
}

impl TypesetSettings {
    pub fn face(&self, role: Role, bold: bool, italic: bool) -> FaceId {
        self.fonts.face_for(role, bold, italic)
    }

    /// Feed every setting but the font book to `f` (a cache compares the font book by
    /// identity). Every field is named, so a new one cannot be left out unseen.
    pub(super) fn fingerprint(&self, f: &mut Fingerprint) {
        let TypesetSettings {
            width,
            height,
            top,
            bottom,
            inner,
            outer,
            font_size,
            leading,
            two_sided,
            chapter_break,
            ragged_right,
            number_headings,
            fonts: _,
            labels,
            handout_cover,
        } = self;
        f.debug(&(width, height, top, bottom, inner, outer));
        f.debug(&(font_size, leading, two_sided, chapter_break, ragged_right));
        f.debug(&(number_headings, labels, handout_cover));
    }
}

/// Width of the text column.
pub(super) fn text_width(s: &TypesetSettings) -> f32 {
    s.width - s.inner - s.outer
}

/// Height of the text area.
pub(super) fn content_height(s: &TypesetSettings) -> f32 {
    s.height - s.top - s.bottom
}

/// The tallest a picture is placed, as a share of the text area's height: a portrait photo
/// leaves room for its caption and some text.
pub const FIGURE_MAX_HEIGHT: f32 = 0.7;
/// The most of the text area's height a drawing may take to keep its text legible.
pub const FIGURE_MOST_HEIGHT: f32 = 0.9;

/// Fixed proportions, in em of the size they apply to (the body size unless said otherwise).
pub mod em {
    // Inline.
    /// Superscript size and rise.
    pub const SUPERSCRIPT_SIZE: f32 = 0.7;
    pub const SUPERSCRIPT_RISE: f32 = 0.33;
    /// Subscript size and drop (a negative rise).
    pub const SUBSCRIPT_SIZE: f32 = 0.7;
    pub const SUBSCRIPT_RISE: f32 = -0.15;
    /// Footnote reference marks: smaller and higher than a superscript.
    pub const NOTE_MARK_SIZE: f32 = 0.65;
    pub const NOTE_MARK_RISE: f32 = 0.38;
    /// Code and maths inside running text.
    pub const INLINE_CODE_SIZE: f32 = 0.9;
    /// Pictures in running text: height, and how much of it stands above the baseline; a line
    /// with a picture taller than this share of the line grows to hold it, with a gap.
    pub const INLINE_PICTURE_HEIGHT: f32 = 1.2;
    pub const INLINE_PICTURE_ABOVE_BASELINE: f32 = 0.85;
    pub const TALL_PICTURE: f32 = 0.8;
    pub const TALL_PICTURE_GAP: f32 = 0.4;
    /// The clickable area of a link: from this far above the baseline, this tall.
    pub const LINK_ABOVE_BASELINE: f32 = 0.9;
    pub const LINK_HEIGHT: f32 = 1.15;
    /// Strike-through: height above the baseline and thickness, of the text's size.
    pub const STRIKE_HEIGHT: f32 = 0.3;
    pub const STRIKE_THICKNESS: f32 = 0.06;

    // Blocks.
    /// Space between blocks.
    pub const BLOCK_GAP: f32 = 0.6;
    /// Indent of quotes, alerts and definitions, and where their rule stands.
    pub const BLOCK_INDENT: f32 = 1.5;
    pub const QUOTE_RULE_X: f32 = 0.5;
    /// Indent of list items; markers end this far before the text.
    pub const LIST_INDENT: f32 = 1.8;
    pub const LIST_MARKER_GAP: f32 = 0.5;
    /// Space between the paragraphs of one list item.
    pub const LIST_ITEM_GAP: f32 = 0.15;
    /// Padding inside framed boxes (missing pictures, code).
    pub const BOX_PAD: f32 = 0.5;
    /// Footnote text, of the body size; space above a note.
    pub const NOTE_SIZE: f32 = 0.82;
    pub const NOTE_GAP: f32 = 0.2;
    /// Code blocks, of the body size; their line height, of the code size.
    pub const CODE_SIZE: f32 = 0.85;
    pub const CODE_LINE: f32 = 1.3;
    /// Tables, of the body size; cell padding, of the table size.
    pub const TABLE_SIZE: f32 = 0.9;
    pub const TABLE_PAD: f32 = 0.35;
    /// Heading sizes for levels 1, 2, 3 and 4 or deeper.
    pub const HEADING_SIZE: [f32; 4] = [1.75, 1.35, 1.15, 1.0];
    /// Space above and below a chapter title (level 1) and other headings.
    pub const TITLE_SPACE_BEFORE: f32 = 0.5;
    pub const TITLE_SPACE_AFTER: f32 = 0.9;
    pub const HEADING_SPACE_BEFORE: f32 = 1.1;
    /// The gap above a chapter that follows on the page of the one before (`chapter-break`).
    pub const RUN_ON_CHAPTER_GAP: f32 = 2.5;
    pub const HEADING_SPACE_AFTER: f32 = 0.35;
    /// Space above a picture.
    pub const FIGURE_SPACE_BEFORE: f32 = 0.4;
    /// Figure captions: size, of the body size; measure, of the column; space above.
    pub const CAPTION_SIZE: f32 = 0.85;
    /// The smallest text a drawing (SVG) is scaled to: 6.5 pt under 10 pt body text.
    pub const DRAWING_TEXT_MIN: f32 = 0.65;
    pub const CAPTION_MEASURE: f32 = 0.9;
    pub const CAPTION_SPACE_BEFORE: f32 = 0.3;

    // Page furniture.
    /// Running heads and page numbers, of the body size.
    pub const RUNNING_HEAD_SIZE: f32 = 0.8;
}
