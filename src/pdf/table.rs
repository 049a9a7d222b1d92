//! Tables: column widths from the cells' natural and minimal widths, fitted to the measure
//! (wide tables shrink), header rows marked to repeat after a page break, cell alignment.

use super::flow::{tag, text_end, Ctx, FlowEntry, Style};
use super::model::{self, PageItem, StructKind};
use super::settings::em;
use crate::assets::fonts::Role;
use crate::doc::{Align, Inline};

/// Where a table's cells go: column widths and alignment, cell padding and type size.
struct Grid<'a> {
    widths: &'a [f32],
    align: &'a [Align],
    pad: f32,
    size: f32,
}

/// The smallest share of the body table size a wide table shrinks to before its columns wrap.
const MIN_SHRINK: f32 = 0.55;

impl Ctx<'_> {
    pub(super) fn table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        width: f32,
    ) -> Vec<FlowEntry> {
        let cols = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return Vec::new();
        }
        let mut fs = self.settings.font_size * em::TABLE_SIZE;
        let pad = fs * em::TABLE_PAD;
        let (mut natural, mut minimal) = self.column_measures(head, rows, cols, fs, pad, width);
        // Tables wider than the page: smaller type, then share the width.
        let min_total: f32 = minimal.iter().sum();
        if min_total > width {
            let shrink = (width / min_total).max(MIN_SHRINK);
            fs *= shrink;
            for m in &mut minimal {
                *m *= shrink;
            }
            for n in &mut natural {
                *n *= shrink;
            }
        }
        let widths = column_widths(&natural, &minimal, width);
        let grid = Grid {
            widths: &widths,
            align,
            pad,
            size: fs,
        };
        self.at_size(fs, |inner| {
            let header = (!head.is_empty()).then(|| inner.table_row(&grid, head, true));
            let mut out = Vec::new();
            if let Some(h) = &header {
                let mut h = h.clone();
                h.keep_with_next = true;
                out.push(h);
            }
            for row in rows {
                let mut e = inner.table_row(&grid, row, false);
                e.repeat_header = header.clone().map(Box::new);
                out.push(e);
            }
            out
        })
    }

    /// Natural (one line per cell) and minimal (the longest word) width of each column.
    fn column_measures(
        &mut self,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        cols: usize,
        fs: f32,
        pad: f32,
        width: f32,
    ) -> (Vec<f32>, Vec<f32>) {
        let mut natural = vec![0.0f32; cols];
        let mut minimal = vec![0.0f32; cols];
        let rows = std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
        for (row, header) in rows {
            // Measured as they are set: header cells in bold, code in the code face, so a
            // header word never breaks inside for want of a few points.
            let style = Style {
                face: self.settings.face(Role::Body, header, false),
                size: fs,
                color: model::BLACK,
                rise: 0.0,
                strike: false,
            };
            for (c, cell) in row.iter().enumerate().take(cols) {
                let (line, widest) = self.measure_inlines(cell, style);
                natural[c] = natural[c].max(line + 2.0 * pad);
                let longest = widest + 2.0 * pad;
                minimal[c] = minimal[c].max(longest.min(width / cols as f32 * 2.0));
            }
        }
        (natural, minimal)
    }

    /// One row: each cell's lines aligned in its column, a shade behind a header row, borders.
    fn table_row(&mut self, grid: &Grid, cells: &[Vec<Inline>], header: bool) -> FlowEntry {
        let pad = grid.pad;
        let mut e = FlowEntry::default();
        let mut x = 0.0;
        let mut h: f32 = 0.0;
        let mut cell_items = Vec::new();
        let row = self.node(StructKind::Row, None, None);
        for (c, &cw) in grid.widths.iter().enumerate() {
            let saved = self.parent.replace(row);
            let kind = if header {
                StructKind::HeaderCell
            } else {
                StructKind::Cell
            };
            let cell = self.node(kind, None, None);
            self.parent = saved;
            let content = cells.get(c).cloned().unwrap_or_default();
            let style = Style {
                face: self.settings.face(Role::Body, header, false),
                size: grid.size,
                color: model::BLACK,
                rise: 0.0,
                strike: false,
            };
            let mut lines = self.paragraph(&content, style, (cw - 2.0 * pad).max(grid.size), false);
            tag(&mut lines, cell);
            let mut y = pad;
            for mut l in lines {
                let natural_w = text_end(&l);
                let dx = match grid.align.get(c) {
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
            e.items.push(PageItem::Rect {
                x: 0.0,
                y: 0.0,
                w: x,
                h,
                color: model::LIGHT,
            });
        }
        e.items.extend(cell_items);
        borders(&mut e.items, grid.widths, x, h);
        e.height = h;
        e
    }
}

/// The rules above and below a row of width `w` and height `h`, and between its cells.
fn borders(items: &mut Vec<PageItem>, widths: &[f32], w: f32, h: f32) {
    let line = |x1, y1, x2, y2| PageItem::Line {
        x1,
        y1,
        x2,
        y2,
        width: 0.5,
        color: model::RULE,
    };
    items.push(line(0.0, 0.0, w, 0.0));
    items.push(line(0.0, h, w, h));
    let mut bx = 0.0;
    for cw in widths.iter().chain(std::iter::once(&0.0)) {
        items.push(line(bx, 0.0, bx, h));
        bx += cw;
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
