//! Code blocks: highlighted lines in the code face on a shaded box, wrapped at the measure.

use super::flow::{text_item, Ctx, FlowEntry, Style};
use super::model::{self, Color, PageItem};
use super::settings::em;
use crate::assets::fonts::Role;

/// How a code block's lines are set: the face and size, the box's width and padding.
struct CodeStyle {
    text: Style,
    width: f32,
    pad: f32,
    /// The advance of one character of the code face.
    char_w: f32,
    line_height: f32,
}

/// A block of four lines or fewer is never split across pages (it could only split two and two);
/// a longer one may, with two lines at least on each side, so a heading before it keeps with
/// its first two lines rather than with the whole block.
const SHORT_BLOCK: usize = 4;
/// How much deeper than its line a wrapped line's continuation starts, in columns.
const HANGING_INDENT: usize = 2;

impl Ctx<'_> {
    pub(super) fn code(&mut self, code: &str, lang: Option<&str>, width: f32) -> Vec<FlowEntry> {
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
            char_w,
            line_height: fs * em::CODE_LINE,
        };
        let mut lines: Vec<&str> = code.split('\n').collect();
        // Trailing blank lines would only add empty shading.
        while lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        let n = lines.len();
        let colours = lang.and_then(|l| super::highlight::highlight(code, l));
        let mut out = Vec::new();
        for (li, line) in lines.into_iter().enumerate() {
            let coloured = coloured_chars(line, colours.as_ref().and_then(|c| c.get(li)));
            let pieces = wrap_code_line(&coloured, cols, &self.lang);
            let m = pieces.len();
            for (ci, (indent, range)) in pieces.into_iter().enumerate() {
                let last_piece = ci + 1 == m;
                let mut e = self.code_line(&cs, indent, &coloured[range], !last_piece);
                // A wrapped line stays whole; the first two and the last two lines stay
                // together; a blank line never ends a page and is dropped where it would
                // start one.
                e.keep_with_next = !last_piece || (li == 0 && n > 1) || li + 2 == n;
                if coloured.iter().all(|(_, c)| c.is_whitespace()) {
                    e.keep_with_next = li + 1 < n;
                    e.discard_at_top = true;
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
    fn code_line(
        &mut self,
        cs: &CodeStyle,
        indent: usize,
        chunk: &[(Color, char)],
        continued: bool,
    ) -> FlowEntry {
        let fs = cs.text.size;
        let face = cs.text.face;
        let mut e = FlowEntry {
            height: cs.line_height,
            ..FlowEntry::default()
        };
        e.items.push(PageItem::Rect {
            x: 0.0,
            y: 0.0,
            w: cs.width,
            h: cs.line_height,
            color: model::LIGHT,
        });
        let baseline = fs * 1.0;
        let mut x = cs.pad + indent as f32 * cs.char_w;
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

/// The columns a character takes in a code line: two for CJK characters (their fallback faces
/// draw them an em wide, more than the code face's two thirds of an em, so two columns is never
/// too few), one for the rest.
fn columns(c: char) -> usize {
    if super::inline::is_wide(c) {
        2
    } else {
        1
    }
}

/// The pieces a code line of `cols` columns at most is set in: each with the columns it is
/// indented by and the range of characters it shows. A line that is too long breaks after a
/// space or `, ; ( [ {`, before `.`, or between CJK characters where UAX #14 allows it (no
/// line starts with `，。）`), in the second half of the room; only a run with no such place is
/// cut at the measure. Continuations hang under the line's own indentation, `HANGING_INDENT`
/// deeper, so they read as one line; the last column is kept for the arrow that marks a line
/// going on. `lang` is the language of the text around the code (CJK breaking rules).
fn wrap_code_line(
    chars: &[(Color, char)],
    cols: usize,
    lang: &str,
) -> Vec<(usize, std::ops::Range<usize>)> {
    let room = cols.saturating_sub(1).max(4);
    // The column at which each character starts, and the line's end.
    let mut at = Vec::with_capacity(chars.len() + 1);
    let mut col = 0;
    for (_, c) in chars {
        at.push(col);
        col += columns(*c);
    }
    at.push(col);
    if col <= cols {
        return vec![(0, 0..chars.len())];
    }
    let own_indent = chars.iter().take_while(|(_, c)| *c == ' ').count();
    let hang = (own_indent + HANGING_INDENT).min(room / 2);
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut indent = 0;
    while start < chars.len() {
        let fits = room - indent;
        let first = indent == 0 && pieces.is_empty();
        if at[chars.len()] - at[start] <= fits + usize::from(first) {
            pieces.push((indent, start..chars.len()));
            break;
        }
        // The most characters that fit (at least one, so a line always moves on).
        let limit = (start + 1..=chars.len())
            .take_while(|&end| at[end] - at[start] <= fits)
            .last()
            .unwrap_or(start + 1);
        let half = at[start] + fits / 2;
        let good = (start + 1..=limit)
            .rev()
            .take_while(|&end| at[end] > half)
            .find(|&end| {
                if end >= chars.len() {
                    return false;
                }
                let before = chars[end - 1].1;
                let after = chars[end].1;
                matches!(before, ' ' | ',' | ';' | '(' | '[' | '{')
                    || (after == '.' && before != '.')
                    || super::inline::cjk_break_between(before, after, lang).is_some()
            });
        let end = good.unwrap_or(limit);
        pieces.push((indent, start..end));
        start = end;
        // The continuation starts at its first visible character.
        while start < chars.len() && chars[start].1 == ' ' {
            start += 1;
        }
        indent = hang;
    }
    pieces
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

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(line: &str, cols: usize) -> Vec<String> {
        wrapped_in(line, cols, "en")
    }

    fn wrapped_in(line: &str, cols: usize, lang: &str) -> Vec<String> {
        let chars: Vec<(Color, char)> = line.chars().map(|c| (model::BLACK, c)).collect();
        wrap_code_line(&chars, cols, lang)
            .into_iter()
            .map(|(indent, r)| {
                let text: String = chars[r].iter().map(|(_, c)| c).collect();
                format!("{}{text}", " ".repeat(indent))
            })
            .collect()
    }

    #[test]
    fn a_line_that_fits_is_one_piece() {
        assert_eq!(wrapped("let x = 1;", 10), ["let x = 1;"]);
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_punctuation_with_a_hanging_indent() {
        let line = "    let total = items.iter().map(|item| item.price * item.count).sum::<u64>();";
        let pieces = wrapped(line, 40);
        assert_eq!(
            pieces,
            [
                "    let total = items.iter().map(",
                "      |item| item.price * item.count)",
                "      .sum::<u64>();",
            ]
        );
        for p in &pieces {
            assert!(p.chars().count() < 40, "{p}");
        }
    }

    #[test]
    fn a_run_without_a_break_is_cut_at_the_measure_and_nothing_is_lost() {
        let line = "x".repeat(50);
        let pieces = wrapped(&line, 20);
        assert_eq!(pieces[0].len(), 19);
        let joined: String = pieces.iter().map(|p| p.trim_start()).collect();
        assert_eq!(joined, line);
    }

    #[test]
    fn cjk_in_code_counts_two_columns_and_breaks_between_characters() {
        let width = |p: &str| p.chars().map(columns).sum::<usize>();
        // A Chinese comment with no space to break at: 30 ideographs are 60 columns.
        let line = "let x = 5; // 你可以使用转义的方式来输出想要的字符，这里我们使用十六进制的值，例如转义";
        let pieces = wrapped_in(line, 40, "zh");
        assert!(pieces.len() >= 3, "{pieces:?}");
        for p in &pieces {
            assert!(width(p) < 40, "{p} is {} columns", width(p));
            // UAX #14: no line starts with closing punctuation.
            assert!(!p.trim_start().starts_with('，'), "{pieces:?}");
        }
        let joined: String = pieces.iter().map(|p| p.trim_start()).collect();
        assert_eq!(joined.replace(' ', ""), line.replace(' ', ""));
        // A line whose characters fit in columns but not in ideographs' widths is wrapped.
        assert_eq!(wrapped_in("中文中文中文", 10, "zh").len(), 2);
        assert_eq!(wrapped_in("中文中文", 10, "zh").len(), 1);
    }
}
