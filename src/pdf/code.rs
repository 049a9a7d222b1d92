//! Code blocks: highlighted lines in the code face on a shaded box, wrapped at the measure.

use super::layout::{text_item, Ctx, Entry, Style};
use super::model::{self, Color, Item};
use super::settings::em;
use crate::assets::fonts::Role;

/// How a code block's lines are set: the face and size, the box's width and padding.
struct CodeStyle {
    text: Style,
    width: f32,
    pad: f32,
    line_height: f32,
}

/// A block of six lines or fewer is never split across pages.
const SHORT_BLOCK: usize = 6;

impl Ctx<'_> {
    pub(super) fn code(&mut self, code: &str, lang: Option<&str>, width: f32) -> Vec<Entry> {
        let fs = self.settings.font_size * em::CODE_SIZE;
        let face = self.settings.face(Role::Code, false, false);
        let char_w = self.settings.fonts.measure("0", face) * fs;
        let pad = fs * em::BOX_PAD;
        let cols = (((width - 2.0 * pad) / char_w).floor() as usize).max(8);
        let cs = CodeStyle {
            text: Style {
                face,
                size: fs,
                color: model::BLACK,
                rise: 0.0,
                strike: false,
            },
            width,
            pad,
            line_height: fs * em::CODE_LINE,
        };
        let mut out = Vec::new();
        let lines: Vec<&str> = code
            .strip_suffix('\n')
            .unwrap_or(code)
            .split('\n')
            .collect();
        let n = lines.len();
        let colours = lang.and_then(|l| super::highlight::highlight(code, l));
        for (li, line) in lines.into_iter().enumerate() {
            let coloured = coloured_chars(line, colours.as_ref().and_then(|c| c.get(li)));
            let chunks: Vec<&[(Color, char)]> = if coloured.is_empty() {
                vec![&[]]
            } else {
                coloured.chunks(cols - 1).collect()
            };
            let m = chunks.len();
            for (ci, chunk) in chunks.into_iter().enumerate() {
                let mut e = self.code_line(&cs, chunk, ci + 1 < m);
                if (li == 0 && ci == 0) || (li + 1 == n && ci + 1 == m) {
                    e.keep_with_next = li + 1 != n || ci + 1 != m;
                }
                out.push(e);
            }
        }
        if out.len() <= SHORT_BLOCK {
            let k = out.len();
            for e in &mut out[..k.saturating_sub(1)] {
                e.keep_with_next = true;
            }
        }
        out
    }

    /// One line (or one piece of a wrapped line) on its shaded strip; `continued` marks a line
    /// that goes on below with an arrow at the right.
    fn code_line(&mut self, cs: &CodeStyle, chunk: &[(Color, char)], continued: bool) -> Entry {
        let fs = cs.text.size;
        let face = cs.text.face;
        let mut e = Entry {
            height: cs.line_height,
            ..Entry::default()
        };
        e.items.push(Item::Rect {
            x: 0.0,
            y: 0.0,
            w: cs.width,
            h: cs.line_height,
            color: model::LIGHT,
        });
        let baseline = fs * 1.0;
        let mut x = cs.pad;
        for run in chunk.chunk_by(|a, b| a.0 == b.0) {
            let text: String = run.iter().map(|(_, ch)| ch).collect();
            let st = Style {
                color: run[0].0,
                ..cs.text
            };
            for s in self.shape_text(&text, face) {
                e.items.push(text_item(x, baseline, st, &s));
                x += s.width * fs;
            }
        }
        if continued {
            let grey = Style {
                color: model::GREY,
                ..cs.text
            };
            for s in self.shape_text("→", face) {
                let x = cs.width - cs.pad - s.width * fs;
                e.items.push(text_item(x, baseline, grey, &s));
            }
        }
        e
    }
}

/// Each character of a line with its colour, so wrapping keeps the highlighting; a tab is four
/// spaces.
fn coloured_chars(line: &str, runs: Option<&Vec<(Color, String)>>) -> Vec<(Color, char)> {
    let chars: Vec<(Color, char)> = match runs {
        Some(runs) => runs
            .iter()
            .flat_map(|(c, t)| t.chars().map(move |ch| (*c, ch)))
            .collect(),
        None => line.chars().map(|ch| (model::BLACK, ch)).collect(),
    };
    chars
        .into_iter()
        .flat_map(|(c, ch)| {
            if ch == '\t' {
                vec![(c, ' '); 4]
            } else {
                vec![(c, ch)]
            }
        })
        .collect()
}
