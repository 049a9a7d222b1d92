//! Preparing a paragraph for the line breaker: spans shaped into boxes (words, syllables,
//! pieces of chopped words, inline pictures, anchors), glue between words and penalties at
//! hyphenation points and forced breaks.

use super::super::layout::{Ctx, Style};
use super::super::linebreak::{Item as Lb, INFINITY};
use super::super::settings::em;
use super::super::shape::Shaped;
use super::spans::{Span, SpanKind};
use super::{Piece, Prepared};
use crate::assets::fonts::Role;

/// The cost of breaking a line at a hyphenation point.
const HYPHEN_PENALTY: f32 = 50.0;
/// Inter-word glue stretches by this much of its width and shrinks by this much.
const SPACE_STRETCH: f32 = 0.6;
const SPACE_SHRINK: f32 = 0.3;

impl Ctx<'_> {
    /// The boxes, glue and penalties of a paragraph's spans, with what each box draws.
    pub(super) fn prepare(
        &mut self,
        spans: &[Span],
        base: Style,
        width: f32,
        justify: bool,
    ) -> Prepared {
        let fs = base.size;
        let mut out = Prepared::default();
        let space_w = self.settings.fonts.measure(" ", base.face) * fs;
        let hyphen = self.settings.fonts.measure("-", base.face) * fs;
        let mut pending_space = false;
        for span in spans {
            match &span.kind {
                SpanKind::Break => {
                    out.forced_break();
                    pending_space = false;
                }
                SpanKind::Anchor(id) => {
                    out.push_box(0.0, Piece::Anchor(id.clone()));
                }
                SpanKind::Image(id, alt) => {
                    if pending_space {
                        out.glue(space_w);
                        pending_space = false;
                    }
                    let (pw, ph) = self.image_sizes.get(*id).copied().unwrap_or((0, 0));
                    let h = fs * em::INLINE_PICTURE_HEIGHT;
                    let w = if ph > 0 {
                        (h * pw as f32 / ph as f32).min(width)
                    } else {
                        h
                    };
                    let picture = Piece::Image {
                        id: *id,
                        w,
                        h,
                        alt: alt.clone(),
                        link: span.link.clone(),
                    };
                    out.push_box(w, picture);
                }
                SpanKind::Text(text) => {
                    let hyphenate = justify
                        && self.lang.starts_with("en")
                        && !matches!(span.style.face, f if f == self.settings.face(Role::Code, false, false));
                    let mut words = text.split(' ').peekable();
                    let mut first = true;
                    while let Some(word) = words.next() {
                        if !first {
                            pending_space = true;
                        }
                        first = false;
                        if word.is_empty() {
                            continue;
                        }
                        if pending_space && !out.items.is_empty() {
                            out.glue(space_w);
                        }
                        pending_space = false;
                        self.word(word, span, width, hyphenate.then_some(hyphen), &mut out);
                        let _ = words.peek();
                    }
                    if text.ends_with(' ') {
                        pending_space = true;
                    }
                }
            }
        }
        out
    }

    /// One word: shaped per span piece, split at hyphenation points, and chopped when it is wider
    /// than the measure (a long URL), so no line can overflow.
    /// `hyphen` is the width of a hyphen when the word may be hyphenated.
    fn word(
        &mut self,
        word: &str,
        span: &Span,
        width: f32,
        hyphen: Option<f32>,
        out: &mut Prepared,
    ) {
        let size = span.style.size;
        let parts: Vec<String> = if hyphen.is_some()
            && word.chars().count() >= 6
            && word.chars().all(char::is_alphabetic)
        {
            hypher::hyphenate(word, hypher::Lang::English)
                .map(str::to_string)
                .collect()
        } else {
            vec![word.to_string()]
        };
        let n = parts.len();
        for (k, part) in parts.iter().enumerate() {
            let shaped = self.shape_text(part, span.style.face);
            let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * size;
            if w > width {
                self.chop(part, span, width, out);
            } else {
                out.push_box(w, text_piece(shaped, span));
            }
            if let (Some(hyphen), true) = (hyphen, k + 1 < n) {
                out.penalty(hyphen, HYPHEN_PENALTY, true);
            }
        }
    }

    /// Emergency breaks: split at character boundaries into pieces that fit.
    fn chop(&mut self, text: &str, span: &Span, width: f32, out: &mut Prepared) {
        let size = span.style.size;
        let mut current = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let mut candidate = current.clone();
            candidate.push(c);
            let w: f32 = self
                .shape_text(&candidate, span.style.face)
                .iter()
                .map(|s| s.width)
                .sum::<f32>()
                * size;
            if w > width && !current.is_empty() {
                self.push_piece(&current, span, out);
                out.penalty(0.0, 0.0, false);
                current = c.to_string();
            } else {
                current = candidate;
            }
            // Keep cost linear for very long words: measure in chunks.
            if current.len() > 400 && chars.peek().is_some() {
                self.push_piece(&current, span, out);
                out.penalty(0.0, 0.0, false);
                current.clear();
            }
        }
        if !current.is_empty() {
            self.push_piece(&current, span, out);
        }
    }

    fn push_piece(&mut self, text: &str, span: &Span, out: &mut Prepared) {
        let shaped = self.shape_text(text, span.style.face);
        let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * span.style.size;
        out.push_box(w, text_piece(shaped, span));
    }
}

fn text_piece(shaped: Vec<Shaped>, span: &Span) -> Piece {
    Piece::Text {
        shaped,
        style: span.style,
        link: span.link.clone(),
        footnote: span.footnote,
    }
}

impl Prepared {
    pub(super) fn has_box(&self) -> bool {
        self.items.iter().any(|i| matches!(i, Lb::Box { .. }))
    }

    fn push_box(&mut self, width: f32, piece: Piece) {
        self.items.push(Lb::Box { width });
        self.pieces.push(Some(piece));
    }

    fn penalty(&mut self, width: f32, penalty: f32, flagged: bool) {
        self.items.push(Lb::Penalty {
            width,
            penalty,
            flagged,
        });
        self.pieces.push(None);
    }

    /// End a line here (a hard line break, or the paragraph's end): fill with glue, then force.
    pub(super) fn forced_break(&mut self) {
        self.items.push(Lb::Glue {
            width: 0.0,
            stretch: 1e5,
            shrink: 0.0,
        });
        self.pieces.push(None);
        self.penalty(0.0, -INFINITY, false);
    }

    /// A space between words.
    fn glue(&mut self, space: f32) {
        self.items.push(Lb::Glue {
            width: space,
            stretch: space * SPACE_STRETCH,
            shrink: space * SPACE_SHRINK,
        });
        self.pieces.push(None);
    }
}
