//! Small text helpers shared by the stages: NFC, heading slugs, XML-safe ids.

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

/// An id usable in XHTML (an XML name without colons): a leading digit or `-` gets a prefix.
pub fn xml_id(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        out.insert_str(0, "id-");
    }
    out
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
        assert_eq!(xml_id("hội-nghị"), "hội-nghị");
    }

    #[test]
    fn nfd_becomes_nfc() {
        assert_eq!(nfc("Vie\u{0323}\u{0302}t"), "Việt");
    }
}
