//! The Knuth-Plass line breaker on arbitrary boxes, glue and penalties: never panics, always
//! ends, and returns breaks in order that end at the paragraph's end.
#![no_main]
use bindery::pdf::linebreak::{break_lines, BreakItem, INFINITY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [w, t, rest @ ..] = data else { return };
    let width = f32::from(*w) * 2.0 + 1.0;
    let tolerance = f32::from(*t % 16) * 0.5 + 0.5;
    let mut items: Vec<BreakItem> = rest
        .chunks(3)
        .map(|c| {
            let a = f32::from(c[0] >> 2);
            let b = f32::from(*c.get(1).unwrap_or(&0));
            let d = f32::from(*c.get(2).unwrap_or(&0));
            match c[0] & 3 {
                0 => BreakItem::Box { width: b },
                1 => BreakItem::Glue {
                    width: a,
                    stretch: b / 4.0,
                    shrink: d / 8.0,
                },
                2 => BreakItem::Penalty {
                    width: a / 4.0,
                    penalty: (b - 128.0) * 80.0,
                    flagged: d > 128.0,
                },
                _ => BreakItem::Box { width: b * 8.0 + d },
            }
        })
        .collect();
    items.push(BreakItem::Glue {
        width: 0.0,
        stretch: 10_000.0,
        shrink: 0.0,
    });
    items.push(BreakItem::Penalty {
        width: 0.0,
        penalty: -INFINITY,
        flagged: false,
    });
    let breaks = break_lines(&items, width, tolerance);
    assert_eq!(breaks.last().map(|b| b.index), Some(items.len() - 1));
    assert!(
        breaks.windows(2).all(|w| w[0].index < w[1].index),
        "{breaks:?}"
    );
});
