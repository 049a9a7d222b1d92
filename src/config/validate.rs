//! The checks of a parsed book.toml: values in range, page setups that can be made, handout
//! layouts that fit; each failure names its table and key.

use super::*;

pub(super) fn validate(config: &Config, text: &str, file: FileId) -> Result<(), Diagnostic> {
    // An error is shown at the key that holds the value, found in its own table (a title that
    // mentions "margin" is not the margin); a key left at its default points at the table.
    let at = |table: &str, key: &str| {
        let range = key_span(text, table, key)
            .or_else(|| {
                let (parent, name) = table.rsplit_once('.').unwrap_or(("", table));
                key_span(text, parent, name)
            })
            .or_else(|| {
                text.find(&format!("[{table}]"))
                    .map(|i| i..i + table.len() + 2)
            })
            .unwrap_or(0..0);
        Span::new(file, range)
    };
    let e = &config.bindery.epub;
    if !(64..=10_000).contains(&e.max_image_edge) {
        return Err(Diagnostic::error(format!(
            "max-image-edge = {} is out of range",
            e.max_image_edge
        ))
        .at(at("bindery.epub", "max-image-edge"))
        .hint("use a value from 64 to 10000 pixels (default 1600)"));
    }
    if !(1..=100).contains(&e.jpeg_quality) {
        return Err(Diagnostic::error(format!(
            "jpeg-quality = {} is out of range",
            e.jpeg_quality
        ))
        .at(at("bindery.epub", "jpeg-quality"))
        .hint("use a value from 1 to 100 (default 85)"));
    }
    if e.max_epub_mib > 100_000 {
        return Err(Diagnostic::error(format!(
            "max-epub-mib = {} is out of range",
            e.max_epub_mib
        ))
        .at(at("bindery.epub", "max-epub-mib"))
        .hint("use a size in MiB up to 100000, or 0 for no budget (default 50)"));
    }
    validate_pdf(&config.bindery.pdf).map_err(|(key, msg)| {
        Diagnostic::error(msg)
            .at(at("bindery.pdf", key))
            .hint("see docs/CONFIG.md, [bindery.pdf]")
    })?;
    for (key, value, low, high) in config.bindery.limits.ranges() {
        if !(low..=high).contains(&value) {
            return Err(
                Diagnostic::error(format!("{key} = {value} is out of range"))
                    .at(at("bindery.limits", key))
                    .hint(format!(
                "use a value from {low} to {high}; larger values could exhaust the stack or memory"
            )),
            );
        }
    }
    validate_handout(&config.bindery.handout).map_err(|(key, msg)| {
        Diagnostic::error(msg)
            .at(at("bindery.handout", key))
            .hint("see docs/CONFIG.md, [bindery.handout]")
    })?;
    let name = &config.bindery.output_name;
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(
            Diagnostic::error(format!("output-name = {name:?} is not a plain file name"))
                .at(at("bindery", "output-name"))
                .hint("give a name without slashes, such as \"book\""),
        );
    }
    if let Some(date) = &config.bindery.date {
        if !is_w3c_date(date) {
            return Err(Diagnostic::error(format!("date = {date:?} is not a date"))
                .at(at("bindery", "date"))
                .hint("write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2024-06-01\""));
        }
    }
    if config.book.src.trim().is_empty() {
        return Err(Diagnostic::error("[book] src is empty")
            .at(at("book", "src"))
            .hint("name the folder that holds the reports, such as \"src\""));
    }
    Ok(())
}

/// Handout settings checked when book.toml is read, whether or not a handout is built: a
/// value a handout could not use is a mistake to show now, at its key. (How the pages fit
/// the sheet is checked when a handout is made, against the page setup of that build.)
pub(super) fn validate_handout(h: &HandoutSettings) -> Result<(), (&'static str, String)> {
    if !["booklet", "2-up", "4-up"].contains(&h.layout.as_str()) {
        return Err((
            "layout",
            format!(
                "layout = {:?} is not known; use booklet, 2-up or 4-up",
                h.layout
            ),
        ));
    }
    if paper_mm(&h.sheet).is_none() {
        return Err((
            "sheet",
            format!(
                "sheet = {:?} is not known; use a4, letter, a3 or tabloid",
                h.sheet
            ),
        ));
    }
    if !["footnotes", "endnotes", "none"].contains(&h.link_notes.as_str()) {
        return Err((
            "link-notes",
            format!(
                "link-notes = {:?} is not known; use footnotes, endnotes or none",
                h.link_notes
            ),
        ));
    }
    // Written as a range test so NaN (which compares false with everything) is refused too.
    if !(0.0..=MAX_CREEP_MM).contains(&h.creep_mm) {
        return Err((
            "creep-mm",
            format!(
                "creep-mm = {} is out of range (0 to {MAX_CREEP_MM} mm, and at most the inner margin)",
                h.creep_mm
            ),
        ));
    }
    Ok(())
}

/// Page setup that can be typeset: a known size, margins that leave room for text.
pub fn validate_pdf(p: &PdfSettings) -> Result<(), (&'static str, String)> {
    if !["a4", "a5", "letter", "half-letter", "custom"]
        .contains(&p.page_size.to_ascii_lowercase().as_str())
    {
        return Err((
            "page-size",
            format!(
                "page-size = {:?} is not known; use a4, a5, letter, half-letter or custom",
                p.page_size
            ),
        ));
    }
    let (w, h) = p.page_size_mm();
    if !(50.0..=2000.0).contains(&w) || !(50.0..=2000.0).contains(&h) {
        return Err((
            "page-width-mm",
            format!("a page of {w} x {h} mm is out of range (50 to 2000 mm)"),
        ));
    }
    let margins = [
        ("margin-top-mm", p.margin_top_mm),
        ("margin-bottom-mm", p.margin_bottom_mm),
        ("margin-inner-mm", p.margin_inner_mm),
        ("margin-outer-mm", p.margin_outer_mm),
    ];
    if let Some((key, m)) = margins.iter().find(|(_, m)| !(0.0..=500.0).contains(m)) {
        return Err((key, format!("{key} = {m} is out of range (0 to 500 mm)")));
    }
    if p.margin_inner_mm + p.margin_outer_mm > w * 0.7 {
        return Err((
            "margin-inner-mm",
            format!(
                "the inner and outer margins ({} + {} mm) leave too little room across a {w} mm page",
                p.margin_inner_mm, p.margin_outer_mm
            ),
        ));
    }
    if p.margin_top_mm + p.margin_bottom_mm > h * 0.7 {
        return Err((
            "margin-top-mm",
            format!(
                "the top and bottom margins ({} + {} mm) leave too little room down a {h} mm page",
                p.margin_top_mm, p.margin_bottom_mm
            ),
        ));
    }
    if !(5.0..=30.0).contains(&p.font_size) {
        return Err((
            "font-size",
            format!("font-size = {} is out of range (5 to 30 pt)", p.font_size),
        ));
    }
    if !(72.0..=1200.0).contains(&p.image_ppi) {
        return Err((
            "image-ppi",
            format!("image-ppi = {} is out of range (72 to 1200)", p.image_ppi),
        ));
    }
    if !(1.0..=3.0).contains(&p.line_height) {
        return Err((
            "line-height",
            format!(
                "line-height = {} is out of range (1.0 to 3.0)",
                p.line_height
            ),
        ));
    }
    Ok(())
}
