//! Committing a line: the boxes between two breaks placed with the glue set to the line's
//! ratio, as text, picture and rule items; links merged per target; a hyphen drawn at a
//! hyphenated break; the line made taller for a tall inline picture.

use super::super::flow::{baseline_of, text_item, Ctx, FlowEntry, Style};
use super::super::linebreak::{Break, BreakItem as Lb};
use super::super::model::{PageItem, Target};
use super::super::settings::em;
use super::super::shape;
use super::{Piece, Prepared};

/// The most a justified line's spaces stretch, as a ratio of their stretchability.
const MAX_STRETCH_RATIO: f32 = 3.0;

/// A line being drawn.
struct Line {
    entry: FlowEntry,
    baseline: f32,
    /// Link areas on the line: (x from, x to, target).
    links: Vec<(f32, f32, Target)>,
    /// The tallest inline picture.
    tallest: f32,
}

impl Ctx<'_> {
    /// The line from item `start` to break `b`.
    pub(super) fn commit_line(
        &mut self,
        prepared: &Prepared,
        start: usize,
        b: &Break,
        base: Style,
        justify: bool,
    ) -> FlowEntry {
        let (items, pieces) = (&prepared.items, &prepared.pieces);
        let fs = base.size;
        let leading = self.settings.leading;
        let line_h = fs * leading;
        let ratio = if justify && !self.settings.ragged_right {
            b.ratio.min(MAX_STRETCH_RATIO)
        } else {
            b.ratio.min(0.0)
        };
        // Glue and penalties at the start of a line are discarded.
        let mut j = start;
        while j < b.index && !matches!(items[j], Lb::Box { .. }) {
            j += 1;
        }
        let mut line = Line {
            entry: FlowEntry {
                height: line_h,
                ..FlowEntry::default()
            },
            baseline: baseline_of(fs, leading),
            links: Vec::new(),
            tallest: 0.0,
        };
        let mut x = 0.0;
        for k in j..b.index {
            match items[k] {
                Lb::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    x += width
                        + if ratio >= 0.0 {
                            ratio * stretch
                        } else {
                            ratio * shrink
                        };
                }
                Lb::Box { width } => {
                    if let Some(p) = &pieces[k] {
                        self.draw_piece(&mut line, p, x, width);
                    }
                    x += width;
                }
                Lb::Penalty { .. } => {}
            }
        }
        if let Lb::Penalty { width: pw, .. } = items[b.index] {
            if pw > 0.0 {
                self.draw_hyphen(&mut line, &pieces[..b.index], x);
            }
        }
        finish_line(line, fs, line_h)
    }

    /// Draw what one box holds at `x`; `width` is the box's.
    fn draw_piece(&mut self, line: &mut Line, piece: &Piece, x: f32, width: f32) {
        let baseline = line.baseline;
        match piece {
            Piece::Text {
                shaped,
                style,
                link,
                footnote,
            } => {
                let mut px = x;
                for s in shaped {
                    push_text(
                        &mut line.entry.items,
                        text_item(px, baseline - style.rise, *style, s),
                    );
                    px += s.width * style.size;
                }
                if style.strike {
                    let y = baseline - style.rise - style.size * em::STRIKE_HEIGHT;
                    line.entry.items.push(PageItem::Line {
                        x1: x,
                        y1: y,
                        x2: x + width,
                        y2: y,
                        width: style.size * em::STRIKE_THICKNESS,
                        color: style.color,
                    });
                }
                if let Some(t) = link {
                    push_link(&mut line.links, x, x + width, t.clone());
                }
                if let Some(n) = footnote {
                    line.entry.footnotes.push((self.chapter, *n));
                    let note = Target::Anchor(self.chapter, Some(format!("fn-{n}")));
                    push_link(&mut line.links, x, x + width, note);
                }
            }
            Piece::Image {
                id,
                w,
                h,
                alt,
                link,
            } => {
                line.entry.items.push(PageItem::Image {
                    x,
                    y: baseline - h * em::INLINE_PICTURE_ABOVE_BASELINE,
                    w: *w,
                    h: *h,
                    image: *id,
                    alt: alt.clone(),
                    tag: None,
                });
                line.tallest = line.tallest.max(*h);
                if let Some(t) = link {
                    push_link(&mut line.links, x, x + w, t.clone());
                }
            }
            Piece::Anchor(id) => line.entry.anchors.push((self.chapter, Some(id.clone()))),
        }
    }

    /// A hyphen at the end of the line, in the style of the text before it.
    fn draw_hyphen(&mut self, line: &mut Line, before: &[Option<Piece>], x: f32) {
        if let Some(Some(Piece::Text { style, .. })) = before
            .iter()
            .rev()
            .find(|p| matches!(p, Some(Piece::Text { .. })))
        {
            for s in self.shape_text("-", style.face) {
                line.entry
                    .items
                    .push(text_item(x, line.baseline - style.rise, *style, &s));
            }
        }
    }
}

fn push_link(links: &mut Vec<(f32, f32, Target)>, x1: f32, x2: f32, t: Target) {
    if let Some(last) = links.last_mut() {
        if last.2 == t && x1 - last.1 < 8.0 {
            last.1 = x2;
            return;
        }
    }
    links.push((x1, x2, t));
}

/// Add a text item, joining it to the previous one when it continues the same run (syllables of
/// a hyphenatable word, pieces of a chopped word), so text extracts as it was written.
fn push_text(items: &mut Vec<PageItem>, item: PageItem) {
    if let (
        Some(PageItem::Text {
            x: px,
            y: py,
            size: ps,
            face: pf,
            color: pc,
            glyphs: pg,
            text: pt,
            artifact: pa,
            tag: ptag,
        }),
        PageItem::Text {
            x,
            y,
            size,
            face,
            color,
            glyphs,
            text,
            artifact,
            tag,
        },
    ) = (items.last_mut(), &item)
    {
        let end = *px + pg.iter().map(|g| g.advance).sum::<f32>() * *ps;
        if *py == *y
            && *ps == *size
            && *pf == *face
            && *pc == *color
            && *pa == *artifact
            && *ptag == *tag
            && ((end - x).abs() < 0.01 || spaced_cjk(pt, text, *x - end, *ps))
        {
            // The spacing of a justified CJK line goes into the advance before it, so the
            // line stays one run of text.
            if let Some(last) = pg.last_mut() {
                last.advance += (*x - end) / *ps;
            }
            let offset = pt.len();
            pg.extend(glyphs.iter().map(|g| shape::Glyph {
                range: g.range.start + offset..g.range.end + offset,
                ..g.clone()
            }));
            pt.push_str(text);
            return;
        }
    }
    items.push(item);
}

/// Whether a gap of `gap` points between two texts is the spacing of a justified CJK line.
fn spaced_cjk(before: &str, after: &str, gap: f32, size: f32) -> bool {
    let wide = |c: Option<char>| c.is_some_and(super::breaks::is_wide);
    gap > 0.0 && gap < size && wide(before.chars().next_back()) && wide(after.chars().next())
}

/// The line's entry with its links' areas, made taller when a picture in it stands above the
/// line's height.
fn finish_line(line: Line, fs: f32, line_h: f32) -> FlowEntry {
    let Line {
        mut entry,
        baseline,
        links,
        tallest,
    } = line;
    for (x1, x2, t) in links {
        entry.items.push(PageItem::Link {
            x: x1,
            y: baseline - fs * em::LINK_ABOVE_BASELINE,
            w: x2 - x1,
            h: fs * em::LINK_HEIGHT,
            target: t,
            tag: None,
        });
    }
    if tallest > line_h * em::TALL_PICTURE {
        entry.height = entry.height.max(tallest + fs * em::TALL_PICTURE_GAP);
    }
    entry
}
