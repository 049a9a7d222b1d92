//! Delivery risks: what a store or reader does badly with a book that is valid EPUB, found by
//! `bindery check` and named with the store concerned. These are not defects of the book's
//! content (a Vietnamese book is right to say it is Vietnamese), so they are told as notes, not
//! warnings, and `--deny-warnings` does not fail on them.

use crate::assets::images;
use crate::assets::picture::Processed;
use crate::diag::{SourceMap, Span};
use crate::doc::Document;

pub struct Risk {
    /// The store or reader concerned: `Kindle`, `Kobo`, `Apple Books`, `all stores`.
    pub store: &'static str,
    pub message: String,
    /// Where the cause is written, when it is in a source file.
    pub at: Option<Span>,
}

/// Languages Kindle supports for e-books (Kindle Direct Publishing's published list), as
/// ISO 639-1 codes. A book in another language may be refused by Send to Kindle or shown with
/// the wrong hyphenation and fonts.
const KINDLE_LANGUAGES: &[&str] = &[
    "af", "ar", "br", "ca", "co", "cy", "da", "de", "en", "es", "eu", "fi", "fr", "fy", "ga", "gd",
    "gl", "gu", "gv", "he", "hi", "is", "it", "ja", "kw", "lb", "ml", "mr", "nb", "nl", "nn", "no",
    "oc", "pt", "rm", "sv", "ta", "uk", "zh",
];

/// The shortest long edge of a cover that stores show sharply (Kindle: at least 1000 pixels,
/// 2560 ideal).
const COVER_LEAST_EDGE: u32 = 1000;
/// A cover file larger than this is refused or recompressed by the stores' upload paths.
const COVER_MOST_BYTES: usize = 5 << 20;

/// Every risk found in the book as it will be packaged.
pub fn risks(doc: &Document, images: &[Processed], title_card: bool) -> Vec<Risk> {
    let mut out = Vec::new();
    let primary = doc
        .meta
        .language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if !KINDLE_LANGUAGES.contains(&primary.as_str()) {
        out.push(Risk {
            store: "Kindle",
            message: format!(
                "the book's language `{}` is not one Kindle supports for e-books: Send to Kindle may refuse the book, or show it with another language's fonts and hyphenation",
                doc.meta.language
            ),
            at: None,
        });
    }
    match doc.meta.cover {
        Some(c) if c.0 < images.len() => {
            let p = &images[c.0];
            if p.media_type == "image/svg+xml" && super::cover::rasterize(p, None).is_none() {
                out.push(Risk {
                    store: "all stores",
                    message: "the cover is a drawing (SVG) that cannot be rendered to pixels, so it is packaged as SVG, which stores and Kobo's library do not show; use a JPEG or PNG cover".to_string(),
                    at: Some(doc.images[c.0].first_use),
                });
            }
            let long = p.width.max(p.height);
            if p.media_type != "image/svg+xml" && long < COVER_LEAST_EDGE {
                out.push(Risk {
                    store: "all stores",
                    message: format!(
                        "the cover is {} x {} pixels, under the {COVER_LEAST_EDGE} pixels on its long edge that stores show sharply (1600 x 2560 is ideal)",
                        p.width, p.height
                    ),
                    at: Some(doc.images[c.0].first_use),
                });
            }
            if p.bytes.len() > COVER_MOST_BYTES {
                out.push(Risk {
                    store: "all stores",
                    message: format!(
                        "the cover file is {:.1} MiB; stores take covers up to 5 MiB",
                        p.bytes.len() as f64 / f64::from(1 << 20)
                    ),
                    at: Some(doc.images[c.0].first_use),
                });
            }
        }
        _ if !title_card => out.push(Risk {
            store: "all stores",
            message: "the book has no cover (`auto-cover = false` and no `cover`): library views show a blank face".to_string(),
            at: None,
        }),
        _ => {}
    }
    for (p, src) in images.iter().zip(&doc.images) {
        if p.media_type == "image/png" && images::has_transparency(p) {
            out.push(Risk {
                store: "Kobo",
                message: format!(
                    "picture {} is a transparent PNG: Kobo readers (and dark themes) show its transparent parts black",
                    src.rel_path
                ),
                at: Some(src.first_use),
            });
        }
        if p.media_type == "image/svg+xml" {
            let text = String::from_utf8_lossy(&p.bytes);
            if text.contains("<text") {
                out.push(Risk {
                    store: "Kindle",
                    message: format!(
                        "drawing {} has text in it: Kindle's converter may drop or misplace SVG text",
                        src.rel_path
                    ),
                    at: Some(src.first_use),
                });
            }
            if view_box(&text).is_some_and(|v| v.iter().any(|n| n.fract() != 0.0)) {
                out.push(Risk {
                    store: "Kindle",
                    message: format!(
                        "drawing {} has a viewBox that is not in whole numbers: Kindle's converter may crop or blur it",
                        src.rel_path
                    ),
                    at: Some(src.first_use),
                });
            }
        }
    }
    out
}

/// The four numbers of the root element's `viewBox`, if it has one.
fn view_box(svg: &str) -> Option<Vec<f64>> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let at = tag.find("viewBox")?;
    let rest = tag[at + 7..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    let value = rest[1..].split(quote).next()?;
    let numbers: Vec<f64> = value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    (numbers.len() == 4).then_some(numbers)
}

/// Delivery risks as notes that name the store and, where there is one, the place in the source.
pub fn notes(
    doc: &Document,
    processed: &[Processed],
    sources: &SourceMap,
    title_card: bool,
) -> Vec<String> {
    risks(doc, processed, title_card)
        .into_iter()
        .map(|r| {
            let at = r.at.map_or(String::new(), |span| {
                let l = sources.locate(span);
                format!("{}:{}:{}: ", l.display, l.line, l.column)
            });
            format!("{at}delivery risk ({}): {}", r.store, r.message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_boxes_are_read_from_the_root_element() {
        assert_eq!(
            view_box("<svg xmlns='x' viewBox='0 0 100.5 20'><g/></svg>"),
            Some(vec![0.0, 0.0, 100.5, 20.0])
        );
        assert_eq!(view_box("<svg width='3'/>"), None);
        assert_eq!(
            view_box("<?xml?><svg viewBox=\"0,0,10,10\">"),
            Some(vec![0.0, 0.0, 10.0, 10.0])
        );
    }
}
