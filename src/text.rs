//! Small text helpers shared by the stages: NFC, heading slugs, ASCII XML ids.

use unicode_normalization::UnicodeNormalization;

/// Text typed on macOS is often decomposed (NFD); everything in the tree is NFC.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
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
