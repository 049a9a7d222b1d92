//! Code blocks: highlighted lines in the code face on a shaded box, wrapped at the measure.

use super::layout::{text_item, Ctx, Entry, Style};
use super::model::{self, Color, Item};
use super::settings::em;
use crate::assets::fonts::Role;

impl Ctx<'_> {
    pub(super) fn code(&mut self, code: &str, lang: Option<&str>, width: f32) -> Vec<Entry> {
        let fs = self.settings.font_size * em::CODE_SIZE;
        let face = self.settings.face(Role::Code, false, false);
        let char_w = self.settings.fonts.measure("0", face) * fs;
        let pad = fs * em::BOX_PAD;
        let cols = (((width - 2.0 * pad) / char_w).floor() as usize).max(8);
        let style = Style {
            face,
            size: fs,
            color: model::BLACK,
            rise: 0.0,
            strike: false,
        };
        let grey = Style {
            color: model::GREY,
            ..style
        };
        let line_h = fs * em::CODE_LINE;
        let mut out = Vec::new();
        let lines: Vec<&str> = code
            .strip_suffix('\n')
            .unwrap_or(code)
            .split('\n')
            .collect();
        let n = lines.len();
        let colours = lang.and_then(|l| super::highlight::highlight(code, l));
        for (li, line) in lines.into_iter().enumerate() {
            // Each character with its colour, so wrapping keeps the highlighting.
            let coloured: Vec<(Color, char)> = match colours.as_ref().and_then(|c| c.get(li)) {
                Some(runs) => runs
                    .iter()
                    .flat_map(|(c, t)| t.chars().map(move |ch| (*c, ch)))
                    .collect(),
                None => line.chars().map(|ch| (model::BLACK, ch)).collect(),
            };
            let coloured: Vec<(Color, char)> = coloured
                .into_iter()
                .flat_map(|(c, ch)| {
                    if ch == '\t' {
                        vec![(c, ' '); 4]
                    } else {
                        vec![(c, ch)]
                    }
                })
                .collect();
            let chunks: Vec<&[(Color, char)]> = if coloured.is_empty() {
                vec![&[]]
            } else {
                coloured.chunks(cols - 1).collect()
            };
            let m = chunks.len();
            for (ci, chunk) in chunks.into_iter().enumerate() {
                let mut e = Entry {
                    height: line_h,
                    ..Entry::default()
                };
                e.items.push(Item::Rect {
                    x: 0.0,
                    y: 0.0,
                    w: width,
                    h: line_h,
                    color: model::LIGHT,
                });
                let baseline = fs * 1.0;
                let mut x = pad;
                for run in chunk.chunk_by(|a, b| a.0 == b.0) {
                    let text: String = run.iter().map(|(_, ch)| ch).collect();
                    let st = Style {
                        color: run[0].0,
                        ..style
                    };
                    for s in self.shape_text(&text, face) {
                        e.items.push(text_item(x, baseline, st, &s));
                        x += s.width * fs;
                    }
                }
                if ci + 1 < m {
                    // Continuation mark: the line goes on below.
                    for s in self.shape_text("→", face) {
                        e.items
                            .push(text_item(width - pad - s.width * fs, baseline, grey, &s));
                    }
                }
                if (li == 0 && ci == 0) || (li + 1 == n && ci + 1 == m) {
                    e.keep_with_next = li + 1 != n || ci + 1 != m;
                }
                out.push(e);
            }
        }
        // Short blocks stay together.
        if out.len() <= 6 {
            let k = out.len();
            for e in &mut out[..k.saturating_sub(1)] {
                e.keep_with_next = true;
            }
        }
        out
    }
}
