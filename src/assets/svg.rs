//! Drawings (SVG) screened before anything shows them: scripts, foreign content and external
//! references refused or removed, filters that would cost far more than the drawing removed,
//! pictures inside (`data:` URLs) held to the same limits as any picture, and the result
//! measured by rendering its outline.

use super::picture::{EmbeddedLimits, PictureFailure, Processed};

pub(super) fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// SVG is kept as vectors, but only when it cannot run code or reach outside the file.
pub(super) fn process_svg(
    bytes: &[u8],
    limits: EmbeddedLimits,
) -> Result<Processed, PictureFailure> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| PictureFailure::damaged("the SVG file is not UTF-8", "save it as UTF-8"))?;
    let mut removed = Vec::new();
    let text = remove_active_content(text, &mut removed);
    refuse_active_content(&text)?;
    let text = remove_outside_content(&text, limits, &mut removed);
    let mut out = without_doctype(&text);
    // The drawing's own size, for the EPUB's `width`/`height` attributes; 0 when it has none.
    let outline = super::drawing::outline(out.as_bytes());
    let (width, height) = outline.as_ref().map_or((0, 0), |o| o.size);
    // Filters are rasterised (by the PDF writer, by a reader) over their whole region, which
    // may reach far past the drawing: work grows with that region, not with what is shown.
    // Past a budget the filters are removed (the shapes are drawn without their effects).
    if outline.is_some_and(|o| o.filtered_area > MAX_FILTERED_AREA) {
        out = remove_filters(&out);
        removed.push(format!(
            "its filters (blurs, shadows and other effects) cover more than {MAX_FILTERED_AREA} times the drawing and were removed; the shapes are drawn without them"
        ));
    }
    Ok(Processed {
        bytes: out.into_bytes(),
        media_type: "image/svg+xml",
        extension: "svg",
        width,
        height,
        reencoded: false,
        removed,
        embedded_limits: Some(limits),
    })
}

/// Elements that run code or change the drawing over time: removed with everything in them.
/// Animations go too: `<set attributeName="href" to="javascript:…">` turns a link into code,
/// and neither a page nor a reader's still rendering shows motion.
const ACTIVE_ELEMENTS: [&str; 9] = [
    "script",
    "handler",
    "listener",
    "animate",
    "animateMotion",
    "animateTransform",
    "animateColor",
    "set",
    "discard",
];

/// The drawing without scripts, animations, event handler attributes (`onload=`, `onclick=`…)
/// and attributes whose value is a `javascript:` address; what was removed is added to
/// `removed`, for the warning. A flame graph or a diagram that carries its viewer's code is a
/// harmless drawing once that code is gone.
fn remove_active_content(text: &str, removed: &mut Vec<String>) -> String {
    let mut text = text.to_string();
    let mut elements = 0;
    for name in ACTIVE_ELEMENTS {
        let (t, n) = remove_elements(&text, name, |_| true);
        text = t;
        elements += n;
    }
    let (text, attributes) = remove_active_attributes(&text);
    if elements > 0 {
        removed.push(format!(
            "{elements} script or animation element(s) removed from the drawing (<script>, <animate>, <set>…)"
        ));
    }
    if attributes > 0 {
        removed.push(format!(
            "{attributes} event handler(s) or javascript: address(es) removed from the drawing (onclick=…)"
        ));
    }
    text
}

/// Every start tag of `text` without its `on…=` attributes and without attributes whose value is
/// a `javascript:` address, and how many were removed. Comments, CDATA sections, declarations
/// and text between tags are copied as they are.
pub(super) fn remove_active_attributes(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut from = 0;
    while let Some(rel) = text[from..].find('<') {
        let start = from + rel;
        out.push_str(&text[from..start]);
        let rest = &text[start..];
        let passed = [
            ("<!--", "-->"),
            ("<![CDATA[", "]]>"),
            ("<!", ">"),
            ("<?", "?>"),
            ("</", ">"),
        ]
        .iter()
        .find(|(open, _)| rest.starts_with(open))
        .map(|(_, close)| rest.find(close).map_or(rest.len(), |e| e + close.len()));
        let end = match passed {
            Some(len) => {
                out.push_str(&rest[..len]);
                len
            }
            None => {
                let (tag, len, n) = start_tag_without_active_attributes(rest);
                out.push_str(&tag);
                count += n;
                len
            }
        };
        from = start + end;
    }
    out.push_str(&text[from..]);
    (out, count)
}

/// The start tag at the beginning of `rest` (which starts with `<`) rewritten without its active
/// attributes, the length it took in `rest`, and how many attributes were dropped.
fn start_tag_without_active_attributes(rest: &str) -> (String, usize, usize) {
    let bytes = rest.as_bytes();
    let mut out = String::new();
    let mut dropped = 0;
    // The element's name.
    let mut i = 1;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'>' | b'/') {
        i += 1;
    }
    out.push_str(&rest[..i]);
    loop {
        let attr_start = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || matches!(bytes[i], b'>' | b'/') {
            // The end of the tag (`>` or `/>`), or of the file.
            let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
            out.push_str(&rest[attr_start..end]);
            return (out, end, dropped);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = rest[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let value_start = j;
            if j < bytes.len() && matches!(bytes[j], b'"' | b'\'') {
                let quote = char::from(bytes[j]);
                match rest[j + 1..].find(quote) {
                    Some(e) => {
                        value = &rest[j + 1..j + 1 + e];
                        j += e + 2;
                    }
                    None => {
                        value = &rest[j + 1..];
                        j = rest.len();
                    }
                }
            } else {
                while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                    j += 1;
                }
                value = &rest[value_start..j];
            }
            i = j;
        }
        if name.is_empty() {
            // A stray character: keep it and go on, so the scan always moves forward.
            i = i.max(attr_start + 1).min(rest.len());
            out.push_str(&rest[attr_start..i]);
            continue;
        }
        if is_event_handler(&name) || is_javascript(value) {
            dropped += 1;
        } else {
            out.push_str(&rest[attr_start..i]);
        }
    }
}

/// `onclick`, `onload`, `onmouseover`…: an attribute that runs code when something happens.
fn is_event_handler(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name);
    local.len() > 2
        && local.starts_with("on")
        && local[2..].bytes().all(|c| c.is_ascii_alphabetic())
}

/// A value that is a `javascript:` address, however spaced, cased or entity-free it is written.
fn is_javascript(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    compact.starts_with("javascript:")
}

/// What cannot be made harmless by removing a part: entity declarations (possibly external) and
/// CSS escapes that could hide a reference. A script element left in a form the removal does
/// not recognise (a prefixed `<svg:script>`) is refused too, never drawn.
fn refuse_active_content(text: &str) -> Result<(), PictureFailure> {
    let lower = text.to_ascii_lowercase();
    for (needle, what) in [
        (":script", "a script"),
        ("<script", "a script"),
        ("\\75", "a CSS escape that can hide a url() reference"),
        ("\\55", "a CSS escape that can hide a url() reference"),
        ("\\72", "a CSS escape that can hide a url() reference"),
        ("\\52", "a CSS escape that can hide a url() reference"),
        ("\\6c", "a CSS escape that can hide a url() reference"),
        ("\\4c", "a CSS escape that can hide a url() reference"),
        ("\\url(", "a CSS escape that can hide a url() reference"),
        ("u\\rl(", "a CSS escape that can hide a url() reference"),
        ("ur\\l(", "a CSS escape that can hide a url() reference"),
        ("<!entity", "an XML entity declaration (possibly external)"),
    ] {
        if lower.contains(needle) {
            return Err(PictureFailure::damaged(
                format!("the SVG contains {what}"),
                "remove it from the SVG, or export the drawing as PNG",
            ));
        }
    }
    Ok(())
}

/// The drawing without embedded HTML, without references out of it and without embedded
/// pictures over the limits; what was removed is added to `removed`, for the warning.
fn remove_outside_content(text: &str, limits: EmbeddedLimits, removed: &mut Vec<String>) -> String {
    // Embedded HTML (`<foreignObject>`, as diagram tools write for wrapped labels) is neither
    // drawn by the PDF's SVG renderer nor allowed by every e-reader: it is removed, and said so.
    let (without_html, removed_html) = remove_elements(text, "foreignObject", |_| true);
    if removed_html > 0 {
        removed.push(format!(
            "{removed_html} embedded HTML element(s) (<foreignObject>) removed from the drawing"
        ));
    }
    // References out of the drawing (a file, a web address) are never followed: bindery resolves
    // an SVG's resources itself, and allows only what the file holds (`data:` pictures, `#id`).
    let mut text = without_html;
    let mut outside = 0;
    for name in ["image", "feImage"] {
        let (t, n) = remove_elements(&text, name, |tag| {
            !href_of(tag).is_some_and(|h| h.starts_with("data:") || h.starts_with('#'))
        });
        text = t;
        outside += n;
    }
    // A picture held in the drawing obeys the same pixel limit as any picture.
    let (t, too_large) = remove_elements(&text, "image", |tag| {
        data_url_payload(tag).is_some_and(|bytes| !limits.fits(&bytes))
    });
    text = t;
    if too_large > 0 {
        removed.push(format!(
            "{too_large} embedded picture(s) over the limit of {} megapixels or {} MiB removed",
            limits.max_pixels / 1_000_000,
            limits.max_memory >> 20
        ));
    }
    let (t, n) = remove_elements(&text, "use", |tag| {
        !href_of(tag).is_some_and(|h| h.starts_with('#'))
    });
    text = t;
    outside += n;
    let (t, imports) = remove_imports(&text);
    text = t;
    outside += imports;
    let (t, urls) = remove_outside_urls(&text);
    text = t;
    outside += urls;
    if outside > 0 {
        removed.push(format!(
            "{outside} reference(s) to files or web addresses outside the drawing removed (<image>, <use>, @import or url())"
        ));
    }
    text
}

/// Drop a DOCTYPE line: external DTDs are not fetched and not allowed in EPUB SVG.
fn without_doctype(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<!DOCTYPE") {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The `href` (or `xlink:href`) of a start tag, lower-cased and trimmed.
pub(super) fn href_of(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.match_indices("href").map(|(i, _)| i).find(|&i| {
        i > 0 && (lower.as_bytes()[i - 1].is_ascii_whitespace() || lower.as_bytes()[i - 1] == b':')
    })?;
    let rest = lower[at + 4..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = rest[1..].split(quote).next()?;
    Some(value.trim().to_string())
}

/// The bytes of a base64 `data:` URL in a start tag's `href` (`None` for anything else).
pub(super) fn data_url_payload(tag: &str) -> Option<Vec<u8>> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("data:")?;
    let comma = at + tag[at..].find(',')?;
    if !lower[at..comma].contains(";base64") {
        return None;
    }
    let end = comma + tag[comma..].find(['"', '\'']).unwrap_or(tag.len() - comma);
    base64_decode(&tag[comma + 1..end])
}

/// Standard base64 (whitespace ignored); `None` when it is not base64.
pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The most a drawing's filters may cover, in drawings (see [`super::drawing::Outline`]).
pub(super) const MAX_FILTERED_AREA: f32 = 16.0;

/// The drawing without its filters: the `<filter>` elements, the `filter` attributes and the
/// `filter:` declarations of its styles. (Removing the elements alone would hide what they
/// filter: a reference to a missing filter is not drawn.)
pub(super) fn remove_filters(text: &str) -> String {
    let (text, _) = remove_elements(text, "filter", |_| true);
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut search = 0;
    while let Some(rel) = lower[search..].find("filter") {
        let start = search + rel;
        search = start + 6;
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = lower[start + 6..].trim_start();
        let next = after.as_bytes().first().copied();
        let separated = matches!(
            before,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'"' | b'\'')
        );
        let end = match next {
            // An attribute: `filter="…"`.
            Some(b'=') if before.is_some_and(|b| b.is_ascii_whitespace()) => {
                let value = after[1..].trim_start();
                let value_at = lower.len() - value.len();
                match value.as_bytes().first() {
                    Some(&q @ (b'"' | b'\'')) => lower[value_at + 1..]
                        .find(q as char)
                        .map(|i| value_at + 1 + i + 1),
                    _ => None,
                }
            }
            // A declaration: `filter: …` up to `;`, `}` or the end of the attribute.
            Some(b':') if separated => {
                let decl = lower.len() - after.len();
                Some(
                    lower[decl..]
                        .find([';', '}', '"', '\''])
                        .map_or(lower.len(), |i| decl + i),
                )
            }
            _ => None,
        };
        if let Some(end) = end {
            out.push_str(&text[from..start]);
            from = end;
            search = end;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// `url(…)` references to anything but the drawing itself (`#id`) or a `data:` picture, in
/// style sheets, style attributes and presentation attributes, replaced by `none` (which every
/// property that takes a `url()` accepts), and how many. A CSS escape in `url` is not looked
/// through: such a drawing is refused before this (see [`process_svg`]).
pub(super) fn remove_outside_urls(text: &str) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut from = 0;
    while let Some(rel) = lower[from..].find("url(") {
        let start = from + rel;
        let inner = start + 4;
        let end = lower[inner..].find(')').map_or(lower.len(), |i| inner + i);
        let argument = lower[inner..end]
            .trim()
            .trim_start_matches("&quot;")
            .trim_start_matches("&apos;")
            .trim_start_matches(['"', '\'', ' ']);
        let next = (end + 1).min(text.len());
        if argument.starts_with('#') || argument.starts_with("data:") {
            out.push_str(&text[from..next]);
        } else {
            out.push_str(&text[from..start]);
            out.push_str("none");
            count += 1;
        }
        from = next;
    }
    out.push_str(&text[from..]);
    (out, count)
}

/// `@import …;` rules removed from an SVG's style sheets, and how many.
pub(super) fn remove_imports(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(i) = rest.to_ascii_lowercase().find("@import") {
        out.push_str(&rest[..i]);
        count += 1;
        rest = match rest[i..].find([';', '\n']) {
            Some(e) => &rest[i + e + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    (out, count)
}

/// `text` without every `<name …>…</name>` (or `<name …/>`) element whose start tag `drop`
/// accepts, matched without regard to case, and how many were removed. Elements of the same name
/// nested inside are removed with their parent.
pub(super) fn remove_elements(
    text: &str,
    name: &str,
    drop: impl Fn(&str) -> bool,
) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let open = format!("<{}", name.to_ascii_lowercase());
    let close = format!("</{}", name.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut from = 0;
    let is_tag_end =
        |i: usize| lower[i..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
    while let Some(rel) = lower[from..].find(&open) {
        let start = from + rel;
        if !is_tag_end(start + open.len()) {
            out.push_str(&text[from..start + open.len()]);
            from = start + open.len();
            continue;
        }
        let tag_end = lower[start..]
            .find('>')
            .map_or(lower.len(), |i| start + i + 1);
        if !drop(&text[start..tag_end]) {
            out.push_str(&text[from..tag_end]);
            from = tag_end;
            continue;
        }
        out.push_str(&text[from..start]);
        count += 1;
        if lower[..tag_end].ends_with("/>") {
            from = tag_end;
            continue;
        }
        // Find the matching end tag, counting nested elements of the same name.
        let mut depth = 1;
        let mut at = tag_end;
        while depth > 0 {
            let next_open = lower[at..].find(&open).map(|i| at + i);
            let next_close = lower[at..].find(&close).map(|i| at + i);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    at = o + open.len();
                }
                (_, Some(c)) => {
                    depth -= 1;
                    at = lower[c..].find('>').map_or(lower.len(), |i| c + i + 1);
                }
                (_, None) => {
                    at = lower.len();
                    break;
                }
            }
        }
        from = at;
    }
    out.push_str(&text[from..]);
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::picture::PictureSettings;

    #[test]
    fn filters_far_larger_than_the_drawing_are_removed_and_the_shapes_kept() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs><filter id="f" filterUnits="userSpaceOnUse" x="-1500" y="-1500" width="3000" height="3000"><feTurbulence baseFrequency="0.9" numOctaves="10"/></filter></defs><style>.a { filter: url(#f); fill: red }</style><rect filter="url(#f)" width="50" height="50"/><circle class="a" style="filter:url(#f);stroke:blue" r="9"/></svg>"#;
        let p = process_svg(svg.as_bytes(), limits()).unwrap();
        let out = String::from_utf8(p.bytes).unwrap();
        assert!(
            !out.contains("<filter") && !out.contains("url(#f)"),
            "{out}"
        );
        assert!(
            out.contains("<rect") && out.contains("fill: red") && out.contains("stroke:blue"),
            "{out}"
        );
        assert!(
            p.removed.iter().any(|r| r.contains("filters")),
            "{:?}",
            p.removed
        );
        assert!(
            crate::assets::drawing::outline(out.as_bytes())
                .unwrap()
                .filtered_area
                < 1.0
        );
        // A drop shadow the size of its shape stays.
        let shadow = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><filter id="s"><feGaussianBlur stdDeviation="2"/></filter><rect filter="url(#s)" width="50" height="50"/></svg>"#;
        let p = process_svg(shadow.as_bytes(), limits()).unwrap();
        assert!(String::from_utf8(p.bytes)
            .unwrap()
            .contains("filter=\"url(#s)\""));
        assert!(p.removed.is_empty(), "{:?}", p.removed);
    }

    #[test]
    fn url_references_out_of_a_drawing_are_removed_from_styles_and_attributes() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: URL( "http://x.example/a.svg#p" ); background: url(data:image/png;base64,AA) }</style><rect fill="url(#g)" style="filter:url('file:///etc/x#f')"/></svg>"#;
        let (out, n) = remove_outside_urls(svg);
        assert_eq!(n, 2, "{out}");
        assert!(
            !out.contains("x.example") && !out.contains("file:"),
            "{out}"
        );
        assert!(
            out.contains("url(#g)") && out.contains("url(data:image/png"),
            "{out}"
        );
        let p = process_svg(svg.as_bytes(), limits()).unwrap();
        assert!(!String::from_utf8_lossy(&p.bytes).contains("x.example"));
        assert!(
            p.removed.iter().any(|r| r.contains("url()")),
            "{:?}",
            p.removed
        );
        let escaped = br#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: \75rl(http://x) }</style></svg>"#;
        assert!(process_svg(escaped, limits()).is_err());
    }

    fn limits() -> EmbeddedLimits {
        PictureSettings {
            max_edge: 100,
            jpeg_quality: 80,
            max_pixels: 1_000_000,
            max_memory: 1 << 20,
        }
        .embedded_limits()
    }

    /// A flame graph as flamegraph.pl writes it: a viewer script, handlers on the frames.
    const FLAME_GRAPH: &str = r#"<?xml version="1.0" standalone="no"?><svg version="1.1" width="200" height="40" onload="init(evt)" xmlns="http://www.w3.org/2000/svg"><script type="text/ecmascript"><![CDATA[ function init(evt) { details = document.getElementById("details"); } ]]></script><g onmouseover="s(this)" onmouseout='c()' OnClick = zoom(this)><title>main (10 samples)</title><rect x="0" y="0" width="200" height="15" fill="rgb(230,100,40)"/><text x="3" y="12">main online=yes</text></g><a href=" JavaScript:alert(1)"><rect x="0" y="20" width="10" height="10"/></a><rect x="20" y="20" width="10" height="10"><animate attributeName="x" to="100" dur="2s"/><set attributeName="href" to="javascript:alert(2)"/></rect></svg>"#;

    #[test]
    fn scripts_handlers_and_animations_are_removed_and_the_drawing_kept() {
        let p = process_svg(FLAME_GRAPH.as_bytes(), limits()).unwrap();
        let out = String::from_utf8(p.bytes).unwrap();
        let lower = out.to_ascii_lowercase();
        for gone in [
            "<script",
            "onload",
            "onmouseover",
            "onmouseout",
            "onclick",
            "javascript",
            "<animate",
            "<set",
        ] {
            assert!(!lower.contains(gone), "{gone} left in {out}");
        }
        // The drawing itself, and text that only looks like a handler, are kept.
        assert!(
            out.contains(r#"<rect x="0" y="0" width="200" height="15" fill="rgb(230,100,40)"/>"#),
            "{out}"
        );
        assert!(
            out.contains("main online=yes") && out.contains("<title>main (10 samples)</title>"),
            "{out}"
        );
        assert!(
            out.contains(r#"<rect x="20" y="20" width="10" height="10">"#),
            "{out}"
        );
        assert_eq!(p.removed.len(), 2, "{:?}", p.removed);
        assert!(
            p.removed[0].starts_with("3 script or animation element(s)"),
            "{:?}",
            p.removed
        );
        assert!(
            p.removed[1].starts_with("5 event handler(s)"),
            "{:?}",
            p.removed
        );
    }

    #[test]
    fn attribute_removal_leaves_comments_cdata_and_odd_tags_alone() {
        let (out, n) = remove_active_attributes("<!-- <g onclick=x> --><style><![CDATA[ a > b {} ]]></style><g/><g onload=\"x\"/><p a='1' b=2 onerror=y>t</p><unterminated onclick=\"x");
        assert_eq!(n, 3, "{out}");
        assert_eq!(out, "<!-- <g onclick=x> --><style><![CDATA[ a > b {} ]]></style><g/><g/><p a='1' b=2>t</p><unterminated");
        // A script the element removal does not recognise is refused, never drawn.
        assert!(process_svg(
            b"<svg xmlns='http://www.w3.org/2000/svg'><svg:script>x</svg:script></svg>",
            limits()
        )
        .is_err());
    }
}
