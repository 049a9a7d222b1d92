//! Page furniture drawn after pagination: running heads (the book title on left pages, the
//! chapter title on right pages, none on a chapter's first page), page numbers in arabic
//! numerals for the body and roman ones for the front matter, all as artifacts (not content).

use super::model::{self, Page, PageItem};
use super::pages::left_margin;
use super::settings::em;
use super::settings::{text_width, TypesetSettings};
use super::shape::{FaceId, FontBook};
use crate::assets::fonts::Role;
use crate::doc::Document;

/// Running headers (book title on left pages, chapter title on right pages; none on a chapter's
/// first page) and page numbers, as artifacts.
pub(super) fn decorate(
    doc: &Document,
    pages: &mut [Page],
    chapter_of_page: &[Option<(usize, bool)>],
    s: &TypesetSettings,
) {
    let fs = s.font_size * em::RUNNING_HEAD_SIZE;
    let face = s.face(Role::Heading, false, false);
    let mut last_chapter = None;
    for (i, page) in pages.iter_mut().enumerate() {
        let info = chapter_of_page.get(i).copied().flatten();
        if let Some((c, _)) = info {
            last_chapter = Some(c);
        }
        let first_of_chapter = info.is_some_and(|(_, first)| first);
        let x0 = left_margin(s, i);
        let w = text_width(s);
        let number = (i + 1).to_string();
        let nw = s.fonts.measure(&number, face) * fs;
        push_artifact(
            page,
            &s.fonts,
            &number,
            x0 + (w - nw) / 2.0,
            s.height - s.bottom * 0.45,
            fs,
            face,
        );
        if first_of_chapter || page.items.len() <= 1 {
            continue;
        }
        let text = match (s.two_sided && i % 2 == 1, last_chapter) {
            (true, _) | (false, None) => doc.meta.title.clone(),
            (false, Some(c)) => doc.chapters[c].title.clone(),
        };
        let text = if s.two_sided {
            text
        } else {
            last_chapter.map_or(doc.meta.title.clone(), |c| doc.chapters[c].title.clone())
        };
        let text = fit_header(&s.fonts, &text, face, fs, w);
        let tw = s.fonts.measure(&text, face) * fs;
        let x = if s.two_sided && i % 2 == 0 {
            x0 + w - tw.min(w)
        } else {
            x0
        };
        push_artifact(page, &s.fonts, &text, x, s.top * 0.55, fs, face);
        page.items.push(PageItem::Line {
            x1: x0,
            y1: s.top * 0.55 + fs * 0.35,
            x2: x0 + w,
            y2: s.top * 0.55 + fs * 0.35,
            width: 0.4,
            color: model::RULE,
        });
    }
}

/// A running header shortened with an ellipsis when a long title would not fit on one line.
fn fit_header(fonts: &FontBook, text: &str, face: FaceId, size: f32, width: f32) -> String {
    if fonts.measure(text, face) * size <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if fonts.measure(&candidate, face) * size <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…"
}

pub(super) fn number_front(pages: &mut [Page], s: &TypesetSettings) {
    let fs = s.font_size * em::RUNNING_HEAD_SIZE;
    let face = s.face(Role::Heading, false, false);
    for (i, page) in pages.iter_mut().enumerate().skip(1) {
        if page.items.is_empty() {
            // A blank page before the body, in a two-sided book, stays blank.
            continue;
        }
        let number = roman(i + 1);
        let x0 = left_margin(s, i);
        let nw = s.fonts.measure(&number, face) * fs;
        push_artifact(
            page,
            &s.fonts,
            &number,
            x0 + (text_width(s) - nw) / 2.0,
            s.height - s.bottom * 0.45,
            fs,
            face,
        );
    }
}

fn push_artifact(
    page: &mut Page,
    fonts: &FontBook,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
    face: FaceId,
) {
    let mut missing = Vec::new();
    let mut px = x;
    for sh in fonts.shape(text, face, "en", &mut missing) {
        page.items.push(PageItem::Text {
            x: px,
            y,
            size,
            face: sh.face,
            color: model::GREY,
            glyphs: sh.glyphs.clone(),
            text: sh.text.clone(),
            artifact: true,
            tag: None,
        });
        px += sh.width * size;
    }
}

pub fn roman(mut n: usize) -> String {
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_running_headers_are_shortened() {
        let fonts = FontBook::bundled_only();
        let face = fonts.face_for(Role::Heading, false, false);
        let long =
            "A very long chapter title that goes on and on about the summit and the hallway track";
        let fitted = fit_header(&fonts, long, face, 8.0, 150.0);
        assert!(
            fitted.ends_with('…') && fonts.measure(&fitted, face) * 8.0 <= 150.0,
            "{fitted}"
        );
        assert_eq!(fit_header(&fonts, "Short", face, 8.0, 150.0), "Short");
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "i");
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(1994), "mcmxciv");
    }
}
