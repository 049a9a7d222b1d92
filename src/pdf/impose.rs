//! Handout imposition on the page model: reading pages placed on printer sheets.
//!
//! A booklet puts two pages side by side on each side of a sheet in saddle-stitch order, so that
//! the stack, printed duplex (flipped on the short edge), folded and stapled, reads in order. The
//! page count is padded with blank pages to a multiple of four. Plain n-up puts 2 or 4 pages on
//! each sheet side in reading order. Everything here is pure: slots are computed, items moved.

use super::model::{self, Numbering, Page, PageItem, TypesetBook};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Booklet,
    TwoUp,
    FourUp,
}

/// One sheet side: the source page in each slot (left to right, top to bottom), `None` for blank.
pub type Side = Vec<Option<usize>>;

/// Saddle-stitch order for `pages` pages: per sheet, the front side then the back side, each with
/// (left, right) slots. Pages are padded with blanks to a multiple of 4; blanks fall at the end.
pub fn booklet_order(pages: usize) -> Vec<Side> {
    let n = pages.max(1).div_ceil(4) * 4;
    let page = |i: usize| (i < pages).then_some(i);
    let mut sides = Vec::with_capacity(n / 2);
    for s in 0..n / 4 {
        // Front: the last unplaced page on the left, the first on the right.
        sides.push(vec![page(n - 1 - 2 * s), page(2 * s)]);
        // Back: the next first page on the left, the next last on the right.
        sides.push(vec![page(2 * s + 1), page(n - 2 - 2 * s)]);
    }
    sides
}

/// Plain n-up: pages in reading order, `per_side` to a sheet side.
pub fn n_up_order(pages: usize, per_side: usize) -> Vec<Side> {
    (0..pages.max(1).div_ceil(per_side))
        .map(|s| {
            (0..per_side)
                .map(|k| s * per_side + k)
                .map(|i| (i < pages).then_some(i))
                .collect()
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub width: f32,
    pub height: f32,
    /// Shift of the innermost sheet's pages toward the fold, in points (booklets only).
    pub creep: f32,
    pub crop_marks: bool,
}

/// Place the pages of `book` on sheets. Links and bookmarks are dropped (a printed handout has no
/// use for them; the reading PDF keeps them) and content is no longer tagged.
pub fn impose(book: &TypesetBook, layout: Layout, sheet: &Sheet) -> TypesetBook {
    let (sides, cols, rows) = match layout {
        Layout::Booklet => (booklet_order(book.pages.len()), 2, 1),
        Layout::TwoUp => (n_up_order(book.pages.len(), 2), 2, 1),
        Layout::FourUp => (n_up_order(book.pages.len(), 4), 2, 2),
    };
    let (pw, ph) = book
        .pages
        .first()
        .map_or((sheet.width / 2.0, sheet.height), |p| (p.width, p.height));
    let slot_w = sheet.width / cols as f32;
    let slot_h = sheet.height / rows as f32;
    let scale = (slot_w / pw).min(slot_h / ph).min(1.0);
    let sheets = sides.len().div_ceil(2).max(1);
    let mut pages = Vec::with_capacity(sides.len());
    for (side_index, side) in sides.iter().enumerate() {
        let mut items = Vec::new();
        for (slot, source) in side.iter().enumerate() {
            let (col, row) = (slot % cols, slot / cols);
            let Some(src) = source.and_then(|i| book.pages.get(i)) else {
                continue;
            };
            let w = src.width * scale;
            let h = src.height * scale;
            // Centre the page in its slot; in a booklet, against the fold.
            let mut x = col as f32 * slot_w + (slot_w - w) / 2.0;
            if layout == Layout::Booklet {
                x = if col == 0 { slot_w - w } else { slot_w };
                // Creep: inner sheets' pages move toward the fold by up to `creep`.
                let sheet_no = side_index / 2;
                let shift = if sheets > 1 {
                    sheet.creep * sheet_no as f32 / (sheets - 1) as f32
                } else {
                    0.0
                };
                x += if col == 0 { shift } else { -shift };
            }
            let y = row as f32 * slot_h + (slot_h - h) / 2.0;
            for item in &src.items {
                if matches!(item, PageItem::Link { .. }) {
                    continue;
                }
                let mut it = item.clone();
                scale_item(&mut it, scale);
                it.shift(x, y);
                untag(&mut it);
                items.push(it);
            }
            if sheet.crop_marks {
                crop_marks(&mut items, x, y, w, h);
            }
        }
        if layout == Layout::Booklet && sheet.crop_marks {
            // Fold marks at the middle of the top and bottom edges.
            let m = 10.0;
            for (y1, y2) in [(0.0, m), (sheet.height - m, sheet.height)] {
                items.push(PageItem::Line {
                    x1: slot_w,
                    y1,
                    x2: slot_w,
                    y2,
                    width: 0.3,
                    color: model::BLACK,
                });
            }
        }
        pages.push(Page {
            width: sheet.width,
            height: sheet.height,
            numbering: Numbering::Arabic,
            items,
        });
    }
    TypesetBook {
        pages,
        bookmarks: Vec::new(),
        anchors: Default::default(),
        structure: Vec::new(),
    }
}

fn scale_item(item: &mut PageItem, f: f32) {
    if f == 1.0 {
        return;
    }
    match item {
        PageItem::Text { x, y, size, .. } => {
            *x *= f;
            *y *= f;
            *size *= f;
        }
        PageItem::Image { x, y, w, h, .. }
        | PageItem::Rect { x, y, w, h, .. }
        | PageItem::Link { x, y, w, h, .. } => {
            *x *= f;
            *y *= f;
            *w *= f;
            *h *= f;
        }
        PageItem::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            ..
        } => {
            *x1 *= f;
            *y1 *= f;
            *x2 *= f;
            *y2 *= f;
            *width *= f;
        }
    }
}

fn untag(item: &mut PageItem) {
    match item {
        PageItem::Text { tag, .. } | PageItem::Image { tag, .. } | PageItem::Link { tag, .. } => {
            *tag = None
        }
        _ => {}
    }
}

/// Short trim marks outside each page's corners.
fn crop_marks(items: &mut Vec<PageItem>, x: f32, y: f32, w: f32, h: f32) {
    let (gap, len) = (3.0, 8.0);
    for (cx, cy, dx, dy) in [
        (x, y, -1.0, -1.0),
        (x + w, y, 1.0, -1.0),
        (x, y + h, -1.0, 1.0),
        (x + w, y + h, 1.0, 1.0),
    ] {
        items.push(PageItem::Line {
            x1: cx + dx * gap,
            y1: cy,
            x2: cx + dx * (gap + len),
            y2: cy,
            width: 0.3,
            color: model::BLACK,
        });
        items.push(PageItem::Line {
            x1: cx,
            y1: cy + dy * gap,
            x2: cx,
            y2: cy + dy * (gap + len),
            width: 0.3,
            color: model::BLACK,
        });
    }
}

/// Every colour to grey by perceived luminance; link blue becomes black (on paper a link is text).
pub fn grayscale(book: &mut TypesetBook) {
    let grey = |c: model::Color| {
        if c == model::LINK {
            return model::BLACK;
        }
        let l = (0.2126 * f32::from(c.0) + 0.7152 * f32::from(c.1) + 0.0722 * f32::from(c.2))
            .round() as u8;
        model::Color(l, l, l)
    };
    for page in &mut book.pages {
        for item in &mut page.items {
            match item {
                PageItem::Text { color, .. }
                | PageItem::Rect { color, .. }
                | PageItem::Line { color, .. } => *color = grey(*color),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eight_page_booklet() {
        // Sheet 1 front: 8|1, back: 2|7; sheet 2 front: 6|3, back: 4|5 (pages counted from 1).
        let order: Vec<Vec<Option<usize>>> = booklet_order(8);
        let one_based: Vec<Vec<usize>> = order
            .iter()
            .map(|s| s.iter().map(|p| p.unwrap() + 1).collect())
            .collect();
        assert_eq!(
            one_based,
            vec![vec![8, 1], vec![2, 7], vec![6, 3], vec![4, 5]]
        );
    }

    #[test]
    fn one_page_gives_a_four_page_booklet() {
        let order = booklet_order(1);
        assert_eq!(order.len(), 2, "one sheet, two sides");
        assert_eq!(order[0], vec![None, Some(0)]);
        assert_eq!(order[1], vec![None, None]);
    }

    #[test]
    fn grayscale_turns_links_black_and_colours_grey() {
        let item = |color| PageItem::Line {
            x1: 0.0,
            y1: 0.0,
            x2: 1.0,
            y2: 1.0,
            width: 1.0,
            color,
        };
        let mut book = TypesetBook {
            pages: vec![Page {
                width: 10.0,
                height: 10.0,
                numbering: Numbering::Arabic,
                items: vec![item(model::LINK), item(model::Color(200, 40, 40))],
            }],
            ..TypesetBook::default()
        };
        grayscale(&mut book);
        let colours: Vec<_> = book.pages[0]
            .items
            .iter()
            .map(|i| match i {
                PageItem::Line { color, .. } => *color,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(colours[0], model::BLACK);
        assert!(colours[1].0 == colours[1].1 && colours[1].1 == colours[1].2);
    }

    proptest! {
        #[test]
        fn every_page_once_blanks_only_at_the_end(n in 1usize..400) {
            let order = booklet_order(n);
            let sheets = n.div_ceil(4);
            prop_assert_eq!(order.len(), sheets * 2);
            let mut seen: Vec<usize> = order.iter().flatten().flatten().copied().collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
            // Reading order after folding: page i sits on the sheet min(i, N-1-i)/2 counted
            // from the outside, on the front when its position is even from that end.
            let total = sheets * 4;
            for (side_no, side) in order.iter().enumerate() {
                for (slot, p) in side.iter().enumerate() {
                    let pos = match p { Some(i) => *i, None => continue };
                    let from_end = total - 1 - pos;
                    prop_assert_eq!(pos.min(from_end) / 2, side_no / 2, "page {} on sheet {}", pos, side_no / 2);
                    // Left slot on the front holds the later page, right slot the earlier.
                    if side_no % 2 == 0 { prop_assert_eq!(slot == 0, pos > from_end); }
                }
            }
            // Blank slots hold the pages past the end: positions n..total.
            let blanks = order.iter().flatten().filter(|p| p.is_none()).count();
            prop_assert_eq!(blanks, total - n);
        }

        #[test]
        fn n_up_keeps_reading_order(n in 1usize..300, per in prop::sample::select(vec![2usize, 4])) {
            let order = n_up_order(n, per);
            let flat: Vec<usize> = order.iter().flatten().flatten().copied().collect();
            prop_assert_eq!(flat, (0..n).collect::<Vec<_>>());
        }
    }
}
