//! Tables: column widths from the cells' natural and minimal widths, fitted to the measure
//! (wide tables shrink), header rows marked to repeat after a page break, cell alignment.

use super::layout::{tag, text_end, Ctx, Entry, Style};
use super::model::{self, Item, StructKind};
use super::settings::em;
use crate::assets::fonts::Role;
use crate::doc::{Align, Inline};

impl Ctx<'_> {
    pub(super) fn table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        width: f32,
    ) -> Vec<Entry> {
        let cols = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return Vec::new();
        }
        let mut fs = self.settings.font_size * em::TABLE_SIZE;
        let pad = fs * em::TABLE_PAD;
        // Natural and minimal widths per column.
        let body_face = self.settings.face(Role::Body, false, false);
        let mut natural = vec![0.0f32; cols];
        let mut minimal = vec![0.0f32; cols];
        for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
            for (c, cell) in row.iter().enumerate().take(cols) {
                let text = Inline::plain_text(cell);
                let w = self.settings.fonts.measure(&text, body_face) * fs + 2.0 * pad;
                natural[c] = natural[c].max(w);
                let longest = text
                    .split_whitespace()
                    .map(|t| self.settings.fonts.measure(t, body_face))
                    .fold(0.0f32, f32::max)
                    * fs
                    + 2.0 * pad;
                minimal[c] = minimal[c].max(longest.min(width / cols as f32 * 2.0));
            }
        }
        // Tables wider than the page: smaller type, then share the width.
        let min_total: f32 = minimal.iter().sum();
        if min_total > width {
            let shrink = (width / min_total).max(0.55);
            fs *= shrink;
            for m in &mut minimal {
                *m *= shrink;
            }
            for n in &mut natural {
                *n *= shrink;
            }
        }
        let widths = column_widths(&natural, &minimal, width);
        self.at_size(fs, |inner| {
            let row_entry = |cells: &[Vec<Inline>], header: bool, inner: &mut Ctx| -> Entry {
                let mut e = Entry::default();
                let mut x = 0.0;
                let mut h: f32 = 0.0;
                let mut cell_items = Vec::new();
                let row = inner.node(StructKind::Row, None, None);
                for (c, &cw) in widths.iter().enumerate() {
                    let saved = inner.parent.replace(row);
                    let cell = inner.node(
                        if header {
                            StructKind::HeaderCell
                        } else {
                            StructKind::Cell
                        },
                        None,
                        None,
                    );
                    inner.parent = saved;
                    let content = cells.get(c).cloned().unwrap_or_default();
                    let style = Style {
                        face: inner.settings.face(Role::Body, header, false),
                        size: fs,
                        color: model::BLACK,
                        rise: 0.0,
                        strike: false,
                    };
                    let mut lines =
                        inner.paragraph(&content, style, (cw - 2.0 * pad).max(fs), false);
                    tag(&mut lines, cell);
                    let mut y = pad;
                    for mut l in lines {
                        let natural_w = text_end(&l);
                        let dx = match align.get(c) {
                            Some(Align::Right) => (cw - 2.0 * pad - natural_w).max(0.0),
                            Some(Align::Center) => ((cw - 2.0 * pad - natural_w) / 2.0).max(0.0),
                            _ => 0.0,
                        };
                        for mut it in l.items.drain(..) {
                            it.shift(x + pad + dx, y);
                            cell_items.push(it);
                        }
                        e.footnotes.extend(l.footnotes);
                        e.anchors.extend(l.anchors);
                        y += l.height;
                    }
                    h = h.max(y + pad);
                    x += cw;
                }
                if header {
                    e.items.push(Item::Rect {
                        x: 0.0,
                        y: 0.0,
                        w: x,
                        h,
                        color: model::LIGHT,
                    });
                }
                e.items.extend(cell_items);
                // Cell borders.
                let mut bx = 0.0;
                e.items.push(Item::Line {
                    x1: 0.0,
                    y1: 0.0,
                    x2: x,
                    y2: 0.0,
                    width: 0.5,
                    color: model::RULE,
                });
                e.items.push(Item::Line {
                    x1: 0.0,
                    y1: h,
                    x2: x,
                    y2: h,
                    width: 0.5,
                    color: model::RULE,
                });
                for w in widths.iter().chain(std::iter::once(&0.0)) {
                    e.items.push(Item::Line {
                        x1: bx,
                        y1: 0.0,
                        x2: bx,
                        y2: h,
                        width: 0.5,
                        color: model::RULE,
                    });
                    bx += w;
                }
                e.height = h;
                e
            };
            let header = (!head.is_empty()).then(|| row_entry(head, true, inner));
            let mut out = Vec::new();
            if let Some(h) = &header {
                let mut h = h.clone();
                h.keep_with_next = true;
                out.push(h);
            }
            for row in rows {
                let mut e = row_entry(row, false, inner);
                e.repeat_header = header.clone().map(Box::new);
                out.push(e);
            }
            out
        })
    }
}

fn column_widths(natural: &[f32], minimal: &[f32], width: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if total <= width {
        // Everything fits on one line per cell: spread the spare width in proportion.
        let extra = (width - total).min(total * 0.5);
        return natural.iter().map(|n| n + extra * n / total).collect();
    }
    let min_total: f32 = minimal.iter().sum();
    if min_total >= width {
        return minimal.iter().map(|m| m * width / min_total).collect();
    }
    // Minimal widths plus the rest shared by how much more each column would like.
    let want: Vec<f32> = natural.iter().zip(minimal).map(|(n, m)| n - m).collect();
    let want_total: f32 = want.iter().sum();
    minimal
        .iter()
        .zip(&want)
        .map(|(m, w)| m + (width - min_total) * w / want_total.max(1e-3))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_widths_fill_the_measure() {
        let w = column_widths(&[100.0, 300.0], &[50.0, 80.0], 200.0);
        assert!((w.iter().sum::<f32>() - 200.0).abs() < 0.01);
        assert!(w[0] >= 50.0 && w[1] >= 80.0);
    }
}
