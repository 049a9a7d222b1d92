//! The cover a book gets when book.toml names none: a title card, 1600 x 2560 pixels (the 1:1.6
//! that Kindle, Kobo and Apple ask for), with the title, subtitle and authors set in the book's
//! heading fonts, written as SVG here and rendered to a JPEG by `assets::drawing`.
//!
//! A content picture is never made the cover: the first picture of a report is a photo of a
//! room or a logo, and stores and library views show the cover as the book's face. A cover the
//! book names as SVG is rendered to a JPEG too, since stores and Kobo's library take no SVG.

use std::fmt::Write as _;
use std::sync::Mutex;

use crate::assets::drawing::Board;
use crate::assets::fonts::{self, BookFont, Role};
use crate::assets::images;
use crate::assets::picture::Processed;
use crate::doc::Metadata;
use crate::fingerprint::Fingerprint;

pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 2560;
const MARGIN: f32 = 140.0;
const JPEG_QUALITY: u8 = 90;
/// Where the dark title panel ends and the light author panel begins.
const PANEL_END: f32 = 1720.0;
const INK: &str = "#1f3347";
const PAPER: &str = "#f4f0e8";
const ACCENT: &str = "#d9822b";

/// The cover a long-running process's last EPUB drew, under the fingerprint of the drawing and
/// its faces: drawing and encoding a cover is the slow part of a rebuilt EPUB.
#[derive(Default)]
pub struct CoverMemo {
    kept: Mutex<Option<(u128, Option<Processed>)>>,
}

impl CoverMemo {
    /// `draw()` for a cover whose drawing has fingerprint `key`, or the kept one.
    fn get_or_draw(
        memo: Option<&CoverMemo>,
        key: impl FnOnce() -> u128,
        draw: impl FnOnce() -> Option<Processed>,
    ) -> Option<Processed> {
        let Some(memo) = memo else {
            return draw();
        };
        let key = key();
        let mut kept = memo.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, cover)) = kept.as_ref().filter(|(k, _)| *k == key) {
            return cover.clone();
        }
        let cover = draw();
        *kept = Some((key, cover.clone()));
        cover
    }
}

/// The title card of a book, or `None` when it cannot be rendered (no font at all).
pub fn title_card(
    meta: &Metadata,
    book_fonts: &[BookFont],
    memo: Option<&CoverMemo>,
) -> Option<Processed> {
    let face = |bold: bool| -> &[u8] {
        book_fonts
            .iter()
            .find(|f| f.role == Some((Role::Heading, bold, false)))
            .map_or(fonts::face(Role::Heading, bold, false).bytes, |f| &f.bytes)
    };
    let (board, families) = Board::new(&[face(true), face(false)], &meta.language);
    let bold = families.first().cloned().flatten()?;
    let regular = families.get(1).cloned().flatten()?;
    let svg = card_svg(meta, &board, &bold, &regular);
    // The drawing holds every word of the card; the faces and the language decide its letters.
    let key = || {
        Fingerprint::new()
            .bytes(svg.as_bytes())
            .bytes(face(true))
            .bytes(face(false))
            .bytes(meta.language.as_bytes())
            .finish()
    };
    CoverMemo::get_or_draw(memo, key, || {
        let pixels = board.render(svg.as_bytes(), WIDTH)?;
        images::jpeg_from_pixels(pixels, JPEG_QUALITY)
    })
}

/// A cover the book names as an SVG drawing, as a JPEG 1600 pixels wide.
pub fn rasterize(svg: &Processed, memo: Option<&CoverMemo>) -> Option<Processed> {
    let key = || Fingerprint::new().bytes(&svg.bytes).finish();
    CoverMemo::get_or_draw(memo, key, || {
        let (board, _) = Board::new(&[], "en");
        let pixels = board.render(&svg.bytes, WIDTH)?;
        images::jpeg_from_pixels(pixels, JPEG_QUALITY)
    })
}

/// The card as SVG. The title gets the largest size at which it fits in five lines; the
/// subtitle and the authors wrap under it at fixed sizes.
fn card_svg(meta: &Metadata, board: &Board, bold: &str, regular: &str) -> String {
    let measure = WIDTH as f32 - 2.0 * MARGIN;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{PAPER}\"/>\
         <rect width=\"{WIDTH}\" height=\"{PANEL_END}\" fill=\"{INK}\"/>\
         <rect x=\"{MARGIN}\" y=\"{}\" width=\"360\" height=\"18\" fill=\"{ACCENT}\"/>",
        PANEL_END - 120.0
    );
    // A title longer than a cover can hold is cut, so the card stays legible and quick to make.
    let title_text = shorten(&meta.title, MOST_TITLE_CHARS);
    let mut size = 170.0_f32;
    let title = loop {
        let lines = wrap(&title_text, measure, &|t| {
            board.text_width(t, bold, 700, size)
        });
        if lines.len() <= 5 || size <= 70.0 {
            break lines;
        }
        size *= 0.9;
    };
    let mut y = 360.0 + size;
    for line in title.iter().take(7) {
        text(&mut out, line, bold, 700, size, "#ffffff", y);
        y += size * 1.18;
    }
    if let Some(subtitle) = &meta.subtitle {
        let sub = 76.0;
        y += sub * 0.6;
        let subtitle = shorten(subtitle, MOST_TITLE_CHARS);
        let lines = wrap(&subtitle, measure, &|t| {
            board.text_width(t, regular, 400, sub)
        });
        for line in lines.iter().take(4) {
            text(&mut out, line, regular, 400, sub, "#d5dee8", y);
            y += sub * 1.3;
        }
    }
    let authors = shorten(&meta.authors.join(", "), MOST_TITLE_CHARS);
    if !authors.is_empty() {
        let s = 84.0;
        let mut y = PANEL_END + 230.0;
        for line in wrap(&authors, measure, &|t| board.text_width(t, bold, 700, s))
            .iter()
            .take(3)
        {
            text(&mut out, line, bold, 700, s, INK, y);
            y += s * 1.25;
        }
    }
    let imprint: Vec<&str> = [meta.publisher.as_deref(), meta.date.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !imprint.is_empty() {
        let s = 56.0;
        let line = shorten(&imprint.join(" · "), MOST_TITLE_CHARS);
        let lines = wrap(&line, measure, &|t| board.text_width(t, regular, 400, s));
        if let Some(first) = lines.first() {
            text(
                &mut out,
                first,
                regular,
                400,
                s,
                "#4a5866",
                HEIGHT as f32 - 170.0,
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The most characters of a title, subtitle or author list the card shows.
const MOST_TITLE_CHARS: usize = 160;

/// `text` cut to `most` characters at a space where there is one, with an ellipsis.
fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_string();
    }
    let cut: String = text.chars().take(most).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > most / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

fn text(out: &mut String, line: &str, family: &str, weight: u16, size: f32, fill: &str, y: f32) {
    let _ = write!(
        out,
        "<text x=\"{MARGIN}\" y=\"{y:.1}\" font-family=\"{}\" font-weight=\"{weight}\" font-size=\"{size:.1}\" fill=\"{fill}\" xml:space=\"preserve\">{}</text>",
        quick_xml::escape::escape(family),
        quick_xml::escape::escape(line)
    );
}

/// Lines of at most `measure` wide, broken at spaces; a word wider than a line (a title in a
/// script written without spaces) is broken between characters.
fn wrap(text: &str, measure: f32, width: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= measure {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if width(word) <= measure {
            line = word.to_string();
            continue;
        }
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if width(&next) > measure && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces_and_long_words_between_characters() {
        let width = |t: &str| t.chars().count() as f32;
        assert_eq!(
            wrap("Gặp mặt cộng đồng OpenInfra", 10.0, &width),
            ["Gặp mặt", "cộng đồng", "OpenInfra"]
        );
        assert_eq!(
            wrap("开放基础设施社区聚会记录", 5.0, &width),
            ["开放基础设", "施社区聚会", "记录"]
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_space() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("一二三四五六", 4), "一二三四…");
    }

    #[test]
    fn a_kept_card_is_the_card_drawn_anew_and_a_new_title_draws_a_new_one() {
        let memo = CoverMemo::default();
        let mut meta = Metadata {
            title: "OpenInfra Days Vietnam".into(),
            ..Metadata::default()
        };
        let bytes = |m: &Metadata, memo| title_card(m, &[], memo).unwrap().bytes;
        let cold = bytes(&meta, None);
        assert_eq!(bytes(&meta, Some(&memo)), cold);
        assert_eq!(bytes(&meta, Some(&memo)), cold);
        // Any word on the card is in the drawing the memo is keyed by.
        meta.date = Some("2024-06-01".into());
        let dated = bytes(&meta, None);
        assert_ne!(dated, cold);
        assert_eq!(bytes(&meta, Some(&memo)), dated);
    }

    #[test]
    fn the_card_is_a_1600_by_2560_jpeg_with_the_title_drawn() {
        let mut meta = Metadata {
            title: "OpenInfra Days Vietnam".into(),
            ..Metadata::default()
        };
        meta.authors = vec!["Vietnam OpenInfra User Group".into()];
        let card = title_card(&meta, &[], None).expect("rendered");
        assert_eq!((card.width, card.height), (WIDTH, HEIGHT));
        assert_eq!(card.media_type, "image/jpeg");
        // The title is drawn: the dark panel holds light pixels where the text is.
        let img = image::load_from_memory(&card.bytes).unwrap().to_rgb8();
        let light_in_panel = (0..WIDTH)
            .flat_map(|x| (300..900).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] > 200)
            .count();
        assert!(light_in_panel > 5_000, "{light_in_panel} light pixels");
    }
}
