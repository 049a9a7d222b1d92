//! The engine's MathML Core made fit for an XHTML page of an EPUB, whose checker and older
//! reading systems expect MathML 3: the TeX as the `alttext` of `<math>`; the HTML the engine
//! writes inside `<mtext>` (`\texttt`, `\textbf`…) in the XHTML namespace (under
//! `<math xmlns="…MathML">` an unqualified `<code>` would be a MathML element that does not
//! exist), with styles for the engine's class names, which the book's style sheet does not
//! know; and `displaystyle`/`scriptlevel`, which MathML Core allows on every element and
//! MathML 3 only on `<mstyle>` (and `displaystyle` on `<mtable>`), moved to an `<mstyle>`
//! around the element, which means the same in both. A text colour a formula asks for
//! (`\color{red}`) is darkened, keeping its hue, until it reads on white at WCAG's 4.5:1.

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};

const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// HTML elements the engine writes inside `<mtext>`.
const HTML_IN_TEXT: [&[u8]; 7] = [b"b", b"i", b"em", b"code", b"s", b"u", b"span"];

/// `mathml` (one `<math>` element from the engine) rewritten as the module says, with `tex` as
/// its text alternative. `None` if it is not well-formed XML (never expected of the engine).
pub(super) fn for_xhtml(mathml: &str, tex: &str) -> Option<String> {
    let mut reader = Reader::from_str(mathml);
    let mut writer = Writer::new(Vec::with_capacity(mathml.len() + tex.len() + 64));
    // For each open element: whether an `<mstyle>` was opened around it.
    let mut wrapped: Vec<bool> = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let (style, element) = rewrite(&e, tex)?;
                if let Some(style) = &style {
                    writer.write_event(Event::Start(style.borrow())).ok()?;
                }
                writer.write_event(Event::Start(element)).ok()?;
                wrapped.push(style.is_some());
            }
            Event::Empty(e) => {
                let (style, element) = rewrite(&e, tex)?;
                if let Some(style) = &style {
                    writer.write_event(Event::Start(style.borrow())).ok()?;
                }
                writer.write_event(Event::Empty(element)).ok()?;
                if style.is_some() {
                    writer
                        .write_event(Event::End(BytesEnd::new("mstyle")))
                        .ok()?;
                }
            }
            Event::End(e) => {
                writer.write_event(Event::End(e)).ok()?;
                if wrapped.pop()? {
                    writer
                        .write_event(Event::End(BytesEnd::new("mstyle")))
                        .ok()?;
                }
            }
            Event::Eof => break,
            other => writer.write_event(other).ok()?,
        }
    }
    String::from_utf8(writer.into_inner()).ok()
}

/// The element as written to the page, and the `<mstyle>` to open around it, if any.
fn rewrite<'a>(
    e: &BytesStart<'a>,
    tex: &str,
) -> Option<(Option<BytesStart<'static>>, BytesStart<'static>)> {
    let name = e.name();
    let name = name.as_ref();
    let mut element = BytesStart::new(String::from_utf8(name.to_vec()).ok()?);
    let mut style: Option<BytesStart<'static>> = None;
    if name == b"math" {
        element.push_attribute(("alttext", tex.trim()));
    }
    let html = HTML_IN_TEXT.contains(&name);
    if html {
        element.push_attribute(("xmlns", XHTML_NAMESPACE));
    }
    for attribute in e.attributes() {
        let attribute = attribute.ok()?;
        let key = attribute.key.as_ref();
        let value = attribute.unescape_value().ok()?;
        let moves = match key {
            b"scriptlevel" => name != b"mstyle",
            b"displaystyle" => name != b"mstyle" && name != b"mtable",
            _ => false,
        };
        let value = if key == b"style" || key == b"mathcolor" {
            std::borrow::Cow::Owned(readable_colours(&value))
        } else {
            value
        };
        if moves {
            let s = style.get_or_insert_with(|| BytesStart::new("mstyle"));
            s.push_attribute((std::str::from_utf8(key).ok()?, value.as_ref()));
        } else if html && key == b"class" {
            let family = match value.as_ref() {
                "math-core-sans-serif-font" => "font-family:sans-serif",
                "math-core-serif-font" => "font-family:serif",
                _ => continue,
            };
            element.push_attribute(("style", family));
        } else {
            element.push_attribute((std::str::from_utf8(key).ok()?, value.as_ref()));
        }
    }
    Some((style, element))
}

/// `value` (a `style` or `mathcolor` value) with every `#RRGGBB` text colour darkened, hue kept,
/// to a contrast of at least 4.5:1 on white (WCAG 2 AA for text); background colours are kept.
fn readable_colours(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('#') {
        let (before, hex) = rest.split_at(at);
        out.push_str(before);
        let is_background = before
            .rsplit(';')
            .next()
            .is_some_and(|d| d.trim_start().starts_with("background"));
        match hex.get(1..7).and_then(parse_rgb) {
            Some(rgb) if !is_background => {
                let (r, g, b) = readable_on_white(rgb);
                out.push_str(&format!("#{r:02X}{g:02X}{b:02X}"));
                rest = &hex[7..];
            }
            _ => {
                out.push('#');
                rest = &hex[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// The colour scaled towards black until its contrast with white is at least 4.5:1.
fn readable_on_white((r, g, b): (u8, u8, u8)) -> (u8, u8, u8) {
    let linear = |c: f64| {
        let c = c / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance =
        |r: f64, g: f64, b: f64| 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    let (mut fr, mut fg, mut fb) = (f64::from(r), f64::from(g), f64::from(b));
    // 1.05 / (L + 0.05) >= 4.5; a few steps of 2% suffice for any colour.
    while 1.05 / (luminance(fr, fg, fb) + 0.05) < 4.5 {
        fr = (fr * 0.98).floor();
        fg = (fg * 0.98).floor();
        fb = (fb * 0.98).floor();
    }
    (fr as u8, fg as u8, fb as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_colours_are_darkened_to_read_on_white_and_backgrounds_kept() {
        assert_eq!(
            readable_colours("color:#FF0000;background-color:#FFFF00"),
            "color:#EA0000;background-color:#FFFF00"
        );
        // Already readable: unchanged.
        assert_eq!(readable_colours("color:#0000FF;"), "color:#0000FF;");
        assert_eq!(readable_colours("color:#12"), "color:#12");
        let (r, g, b) = readable_on_white((0, 255, 0));
        assert!(r == 0 && b == 0 && g < 255, "hue kept: {g}");
    }

    #[test]
    fn styles_move_to_mstyle_and_html_gets_its_namespace() {
        let core = r#"<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mfrac displaystyle="true"><mn>1</mn><mn>2</mn></mfrac><mtable displaystyle="false" scriptlevel="0"><mtr><mtd><mtext><code>a&lt;b</code></mtext></mtd></mtr></mtable><mspace scriptlevel="1" width="1em"/><mtext><span class="math-core-sans-serif-font">s</span></mtext></math>"#;
        let out = for_xhtml(core, "a<b \"q\"").unwrap();
        assert_eq!(
            out,
            concat!(
                r#"<math alttext="a&lt;b &quot;q&quot;" xmlns="http://www.w3.org/1998/Math/MathML" display="block">"#,
                r#"<mstyle displaystyle="true"><mfrac><mn>1</mn><mn>2</mn></mfrac></mstyle>"#,
                r#"<mstyle scriptlevel="0"><mtable displaystyle="false"><mtr><mtd><mtext><code xmlns="http://www.w3.org/1999/xhtml">a&lt;b</code></mtext></mtd></mtr></mtable></mstyle>"#,
                r#"<mstyle scriptlevel="1"><mspace width="1em"/></mstyle>"#,
                r#"<mtext><span xmlns="http://www.w3.org/1999/xhtml" style="font-family:sans-serif">s</span></mtext></math>"#,
            )
        );
    }
}
