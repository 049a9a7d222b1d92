//! Small text helpers shared by the stages: NFC, heading slugs, ASCII XML ids, `%XX` escapes.

use unicode_normalization::UnicodeNormalization;

/// Text typed on macOS is often decomposed (NFD); everything in the tree is NFC.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Decode `%20`-style escapes in a link destination; invalid escapes, and a destination
/// that does not decode to UTF-8, are kept as written.
pub fn percent_decode_or_keep(s: &str) -> String {
    percent_decode(s).unwrap_or_else(|| s.to_string())
}

/// Decode `%XX` escapes (a `%` and two hex digits, nothing else: `%+1` is not one); anything
/// else, a lone `%` included, is kept as written. `None` when the decoded bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// mdBook's heading ids: lower case, letters and digits kept (any script), spaces to `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// An id usable in XHTML and by every reader: an XML name in ASCII. Latin letters lose their
/// accents (`gặp-mặt` becomes `gap-mat`: some Kindle conversion paths mangle non-ASCII ids);
/// letters of other scripts become their code point (`u4e2d`); anything else becomes `-`. A
/// leading digit or `-` gets a prefix. Links written against the source's own spelling keep
/// working: the id passes record both (`doc::passes::assign_ids`).
pub fn xml_id(raw: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(raw.len());
    for c in raw.nfd() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
            out.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            // the accent of a decomposed letter
        } else if let Some(ascii) = latin_letter(c) {
            out.push_str(ascii);
        } else if c.is_alphanumeric() {
            let _ = write!(out, "u{:x}", c as u32);
        } else {
            out.push('-');
        }
    }
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        out.insert_str(0, "id-");
    }
    out
}

/// Latin letters with no decomposition to an ASCII base letter, as they are usually spelled in
/// ASCII.
fn latin_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'ł' => "l",
        'Ł' => "L",
        'þ' => "th",
        'Þ' => "TH",
        'ı' => "i",
        'ħ' => "h",
        'Ħ' => "H",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn percent_escapes_are_two_hex_digits_and_decode_to_utf8() {
        let decode = |s: &str| percent_decode(s);
        assert_eq!(
            decode("OEBPS/text/a%20b.xhtml").unwrap(),
            "OEBPS/text/a b.xhtml"
        );
        assert_eq!(decode("%C3%A9").unwrap(), "é");
        assert_eq!(decode("x%2").unwrap(), "x%2");
        assert_eq!(decode("100%").unwrap(), "100%");
        // A sign is not a hex digit (`u8::from_str_radix` would take it).
        assert_eq!(decode("%+1").unwrap(), "%+1");
        assert_eq!(decode("%-1x").unwrap(), "%-1x");
        assert_eq!(decode("%FF"), None);
        assert_eq!(percent_decode_or_keep("a%FFb"), "a%FFb");
    }
    use super::*;

    #[test]
    fn slugs_keep_vietnamese_letters() {
        assert_eq!(slug("Hội nghị OpenInfra 2019!"), "hội-nghị-openinfra-2019");
        assert_eq!(slug("What's `new`?"), "whats-new");
    }

    #[test]
    fn xml_ids_are_valid_names() {
        assert_eq!(xml_id("1-intro"), "id-1-intro");
        assert_eq!(xml_id("a:b c"), "a-b-c");
        assert_eq!(xml_id(""), "id-");
        assert_eq!(xml_id("gặp-mặt-cộng-đồng"), "gap-mat-cong-dong");
        assert_eq!(xml_id("Đà-Nẵng-straße"), "Da-Nang-strasse");
        assert_eq!(xml_id("中文"), "u4e2du6587");
        assert_eq!(xml_id("1-中"), "id-1-u4e2d");
        assert!(xml_id("Ελληνικά-Кириллица-हिन्दी").is_ascii());
    }

    #[test]
    fn nfd_becomes_nfc() {
        assert_eq!(nfc("Vie\u{0323}\u{0302}t"), "Việt");
    }
}
