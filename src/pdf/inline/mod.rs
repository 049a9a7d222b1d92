//! Inline content, in stages: a run of inlines flattened to styled spans ([`spans`]), shaped
//! and turned into boxes, glue and penalties ([`prepare`]: hyphenation points from `hypher` for
//! languages with patterns, never for Vietnamese; words wider than the measure chopped), broken
//! into lines by Knuth-Plass ([`super::linebreak`]), and committed as line entries with their
//! links and footnote references ([`line`]).

mod breaks;
mod line;
mod prepare;
mod spans;

/// Where CJK text may break, for code lines too.
pub(super) use breaks::{between as cjk_break_between, is_wide};

use super::flow::{Ctx, FlowEntry, Style};
use super::linebreak;
use super::model::Target;
use super::shape::Shaped;
use crate::doc::Inline;

/// Tolerance of the line breaker: justified text looks for even spacing; ragged text only
/// avoids overfull lines.
const JUSTIFIED_TOLERANCE: f32 = 2.5;
const RAGGED_TOLERANCE: f32 = 10.0;

impl Ctx<'_> {
    /// Break inline content into line entries.
    pub(super) fn paragraph(
        &mut self,
        inlines: &[Inline],
        base: Style,
        width: f32,
        justify: bool,
    ) -> Vec<FlowEntry> {
        let mut spans = Vec::new();
        spans::flatten(inlines, base, None, &mut spans, self);
        let mut prepared = self.prepare(&spans, base, width, justify);
        if !prepared.has_box() {
            return Vec::new();
        }
        prepared.forced_break();
        let tolerance = if justify {
            JUSTIFIED_TOLERANCE
        } else {
            RAGGED_TOLERANCE
        };
        let breaks = linebreak::break_lines(&prepared.items, width, tolerance);
        let mut out = Vec::with_capacity(breaks.len());
        let mut start = 0;
        for b in &breaks {
            out.push(self.commit_line(&prepared, start, b, base, justify));
            start = b.index + 1;
        }
        out
    }
}

impl Ctx<'_> {
    /// The width of inline content set on one line, and the width of its widest piece that
    /// cannot be broken (a word; a part of a path between its separators), each in its own face
    /// and size.
    pub(super) fn measure_inlines(&mut self, inlines: &[Inline], base: Style) -> (f32, f32) {
        let mut spans = Vec::new();
        spans::flatten(inlines, base, None, &mut spans, self);
        let prepared = self.prepare(&spans, base, f32::INFINITY, false);
        let (mut line, mut widest, mut piece) = (0.0f32, 0.0f32, 0.0f32);
        for (k, item) in prepared.items.iter().enumerate() {
            match *item {
                linebreak::BreakItem::Box { width } => piece += width,
                linebreak::BreakItem::Glue { width, .. } => {
                    line += width;
                    widest = widest.max(piece);
                    line += piece;
                    piece = 0.0;
                }
                linebreak::BreakItem::Penalty { width, .. } => {
                    // A break that adds a hyphen is a break only if the hyphen fits too.
                    let at_break = piece + width;
                    if k > 0 {
                        widest = widest.max(at_break);
                    }
                    line += piece;
                    piece = 0.0;
                }
            }
        }
        widest = widest.max(piece);
        (line + piece, widest)
    }
}

/// What a box of the line breaker draws.
#[derive(Clone, Debug)]
enum Piece {
    Text {
        shaped: Vec<Shaped>,
        style: Style,
        link: Option<Target>,
        footnote: Option<u32>,
    },
    Image {
        id: usize,
        w: f32,
        h: f32,
        alt: String,
        link: Option<Target>,
    },
    Anchor(String),
}

/// The line breaker's items and, for each, what it draws (nothing for glue and penalties).
#[derive(Default)]
struct Prepared {
    items: Vec<linebreak::BreakItem>,
    pieces: Vec<Option<Piece>>,
}
