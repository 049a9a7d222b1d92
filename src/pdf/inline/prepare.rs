//! Preparing a paragraph for the line breaker: spans shaped into boxes (words, syllables,
//! pieces of chopped words, inline pictures, anchors), glue between words and penalties at
//! hyphenation points and forced breaks.

use super::super::flow::{Ctx, Style};
use super::super::linebreak::{BreakItem as Lb, INFINITY};
use super::super::settings::em;
use super::super::shape::{cut_runs, Shaped};
use super::breaks::{self, Cut};
use super::spans::{StyledKind, StyledSpan};
use super::{Piece, Prepared};
use crate::assets::fonts::Role;

/// The cost of breaking a line at a hyphenation point.
const HYPHEN_PENALTY: f32 = 50.0;
/// The cost of breaking inside inline code or a URL: more than a hyphen, so lines break at
/// spaces when they can.
const SOFT_BREAK_PENALTY: f32 = 500.0;
/// How far the gap between two CJK characters may stretch, in em, to justify a line.
const CJK_STRETCH: f32 = 0.05;
/// Inter-word glue stretches by this much of its width and shrinks by this much.
const SPACE_STRETCH: f32 = 0.6;
const SPACE_SHRINK: f32 = 0.3;

impl Ctx<'_> {
    /// The boxes, glue and penalties of a paragraph's spans, with what each box draws.
    pub(super) fn prepare(
        &mut self,
        spans: &[StyledSpan],
        base: Style,
        width: f32,
        justify: bool,
    ) -> Prepared {
        let fs = base.size;
        let mut out = Prepared::default();
        let space_w = self.settings.fonts.measure(" ", base.face) * fs;
        let hyphen = self.settings.fonts.measure("-", base.face) * fs;
        let mut pending_space = false;
        // The last character of the text before, while nothing else came between.
        let mut last_char: Option<char> = None;
        // A picture came last, with nothing after it yet.
        let mut after_picture = false;
        for span in spans {
            match &span.kind {
                StyledKind::Break => {
                    out.forced_break();
                    pending_space = false;
                    after_picture = false;
                    last_char = None;
                }
                StyledKind::Anchor(id) => {
                    out.push_box(0.0, Piece::Anchor(id.clone()));
                }
                StyledKind::Image(id, alt) => {
                    if pending_space {
                        out.glue(space_w);
                        pending_space = false;
                    } else if !out.items.is_empty() && last_char.is_none_or(picture_may_follow) {
                        // A picture is a box of its own, as in a browser: a line may break
                        // before it and after it even where no space is written (badges in a
                        // row, `![a](a.svg)![b](b.svg)`), at a cost, so spaces are preferred,
                        // and never where Unicode keeps the text together (`(![a](a.svg)).`).
                        out.cut(Cut::Soft, fs);
                    }
                    last_char = None;
                    after_picture = true;
                    let (pw, ph) = self.image_sizes.get(*id).map_or((0, 0), |s| s.pixels());
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
                StyledKind::Text(text) => {
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
                        } else if after_picture {
                            if word.chars().next().is_some_and(may_follow_a_picture) {
                                out.cut(Cut::Soft, span.style.size);
                            }
                        } else if let (Some(before), Some(after)) = (last_char, word.chars().next())
                        {
                            // Two spans meeting inside CJK text (`中文**粗体**`).
                            if let Some(cut) = breaks::between(before, after, &self.lang) {
                                out.cut(cut, span.style.size);
                            }
                        }
                        pending_space = false;
                        after_picture = false;
                        last_char = word.chars().next_back();
                        self.word(word, span, width, hyphenate.then_some(hyphen), &mut out);
                        let _ = words.peek();
                    }
                    if text.ends_with(' ') {
                        pending_space = true;
                        last_char = None;
                    }
                }
            }
        }
        out
    }

    /// One word: split at hyphenation points, or at the breaks CJK text, code and URLs allow
    /// inside a word ([`breaks`]); a piece wider than the measure is chopped, so no line can
    /// overflow. `hyphen` is the width of a hyphen when the word may be hyphenated.
    fn word(
        &mut self,
        word: &str,
        span: &StyledSpan,
        width: f32,
        hyphen: Option<f32>,
        out: &mut Prepared,
    ) {
        if let Some(hyphen) =
            hyphen.filter(|_| word.chars().count() >= 6 && word.chars().all(char::is_alphabetic))
        {
            let parts: Vec<&str> = hypher::hyphenate(word, hypher::Lang::English).collect();
            let n = parts.len();
            for (k, part) in parts.into_iter().enumerate() {
                let shaped = self.shape_text(part, span.style.face);
                self.fitted(shaped, span, width, out);
                if k + 1 < n {
                    out.penalty(hyphen, HYPHEN_PENALTY, true);
                }
            }
            return;
        }
        let code_like = span.style.face == self.settings.face(Role::Code, false, false)
            || word.contains("://")
            || word.starts_with("www.");
        let cuts = breaks::opportunities(word, &self.lang, code_like);
        let shaped = self.shape_text(word, span.style.face);
        if cuts.is_empty() {
            self.fitted(shaped, span, width, out);
            return;
        }
        let offsets: Vec<usize> = cuts.iter().map(|&(at, _)| at).collect();
        for (cut, piece) in cut_runs(shaped, &offsets) {
            if let Some(k) = cut {
                out.cut(cuts[k].1, span.style.size);
            }
            self.fitted(piece, span, width, out);
        }
    }

    /// A shaped piece as one box, chopped first when it is wider than the measure.
    fn fitted(&mut self, shaped: Vec<Shaped>, span: &StyledSpan, width: f32, out: &mut Prepared) {
        let w = shaped.iter().map(|s| s.width).sum::<f32>() * span.style.size;
        if w > width {
            self.chop(shaped, span, width, out);
        } else {
            out.push_box(w, text_piece(shaped, span));
        }
    }

    /// Emergency breaks: cut between clusters into pieces that each fit the measure.
    fn chop(&mut self, shaped: Vec<Shaped>, span: &StyledSpan, width: f32, out: &mut Prepared) {
        let limit = width / span.style.size;
        let mut cuts = Vec::new();
        let mut base = 0;
        let mut filled = 0.0;
        for run in &shaped {
            let mut k = 0;
            while k < run.glyphs.len() {
                let start = run.glyphs[k].range.start;
                let mut cluster = 0.0;
                while k < run.glyphs.len() && run.glyphs[k].range.start == start {
                    cluster += run.glyphs[k].advance;
                    k += 1;
                }
                if filled + cluster > limit && filled > 0.0 {
                    cuts.push(base + start);
                    filled = 0.0;
                }
                filled += cluster;
            }
            base += run.text.len();
        }
        for (cut, piece) in cut_runs(shaped, &cuts) {
            if cut.is_some() {
                out.penalty(0.0, 0.0, false);
            }
            let w = piece.iter().map(|s| s.width).sum::<f32>() * span.style.size;
            out.push_box(w, text_piece(piece, span));
        }
    }
}

fn text_piece(shaped: Vec<Shaped>, span: &StyledSpan) -> Piece {
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

    /// A break inside a word: between CJK characters, glue that spaces them out to justify the
    /// line; inside code or a URL, a penalised break with no hyphen.
    fn cut(&mut self, cut: Cut, size: f32) {
        match cut {
            Cut::Ideographic => {
                self.items.push(Lb::Glue {
                    width: 0.0,
                    stretch: size * CJK_STRETCH,
                    shrink: 0.0,
                });
                self.pieces.push(None);
            }
            Cut::Soft => self.penalty(0.0, SOFT_BREAK_PENALTY, false),
        }
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

/// A picture breaks lines as an ideograph does (CSS Text: atomic inlines are class ID in UAX #14).
const AS_A_PICTURE: char = '\u{4E00}';

/// Whether a line may break between the character `before` and a picture after it.
fn picture_may_follow(before: char) -> bool {
    breaks::between(before, AS_A_PICTURE, "").is_some()
}

/// Whether a line may break between a picture and the character `after` it.
fn may_follow_a_picture(after: char) -> bool {
    breaks::between(AS_A_PICTURE, after, "").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_breaks_as_an_ideograph_does() {
        // Before a picture: not after an opening bracket; after a word or another picture.
        assert!(picture_may_follow('a'));
        assert!(!picture_may_follow('('));
        // After a picture: before a word, never before closing punctuation.
        assert!(may_follow_a_picture('a'));
        for c in ['.', ',', ')', '!', '?', ':', ';'] {
            assert!(!may_follow_a_picture(c), "{c}");
        }
    }
}
