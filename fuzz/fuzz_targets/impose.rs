//! Handout imposition on a page model made from the input: every layout, any page count,
//! any creep. Never panics; every sheet side has its slots and nothing lands off the sheet.
#![no_main]
use bindery::pdf::impose::{impose, Layout, Sheet};
use bindery::pdf::model::{TypesetBook, Color, PageItem, Numbering, Page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [n, creep, layout, rest @ ..] = data else {
        return;
    };
    let page = |i: usize| Page {
        width: 420.0,
        height: 595.0,
        numbering: Numbering::Arabic,
        items: rest
            .chunks(2)
            .skip(i % 7)
            .take(3)
            .map(|c| PageItem::Rect {
                x: f32::from(c[0]) * 1.6,
                y: f32::from(*c.get(1).unwrap_or(&0)) * 2.3,
                w: 10.0,
                h: 10.0,
                color: Color(0, 0, 0),
            })
            .collect(),
    };
    let book = TypesetBook {
        pages: (0..usize::from(*n)).map(page).collect(),
        ..TypesetBook::default()
    };
    let layout = [Layout::Booklet, Layout::TwoUp, Layout::FourUp][usize::from(*layout) % 3];
    let sheet = Sheet {
        width: 842.0,
        height: 595.0,
        creep: f32::from(*creep) / 16.0,
        crop_marks: creep & 1 == 1,
    };
    let imposed = impose(&book, layout, &sheet);
    assert!(!imposed.pages.is_empty());
    for p in &imposed.pages {
        assert_eq!((p.width, p.height), (842.0, 595.0));
    }
});
