//! The link policy: what an address written in a report (Markdown or raw HTML) may become in
//! either output. One allow-list of schemes, one length limit, one warning per refused link.

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::doc::LinkTarget;

/// Classify a link destination as written. `None`: not usable as a link (a warning was given).
pub fn link_target(dest: &str, span: Span, diags: &mut Diagnostics) -> Option<LinkTarget> {
    let trimmed = dest.trim();
    if trimmed.len() > MAX_LINK_BYTES {
        diags.push(
            Diagnostic::warning(format!(
                "this link's address is {} bytes long, over the {MAX_LINK_BYTES} bytes a link may have; its text is kept, not linked",
                trimmed.len()
            ))
            .code(Code::LongLink)
            .at(span)
            .hint("link to a shorter address (a redirect or a short link)"),
        );
        return None;
    }
    let lower: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:")
    {
        diags.push(
            Diagnostic::warning(format!(
                "removed a `{}` link",
                &lower[..lower.find(':').unwrap_or(0) + 1]
            ))
            .code(Code::UnsafeLink)
            .at(span)
            .hint("scripts cannot run in an e-book; the link text is kept"),
        );
        return None;
    }
    if has_scheme(trimmed) {
        // One allow-list for every address written to either output: web and mail links.
        // Anything else (`file:`, `std:`, an intra-doc link of another tool) is not a working
        // link in a book: its text is kept and the reader is told.
        let scheme = &lower[..lower.find(':').unwrap_or(0)];
        if !matches!(scheme, "http" | "https" | "mailto") {
            diags.push(
                Diagnostic::warning(format!(
                    "link to {trimmed} uses the `{scheme}:` scheme, which a book cannot follow; shown as plain text"
                ))
                .code(Code::UnsafeLink)
                .at(span)
                .hint("use an http(s) address, or a path to a chapter of this book"),
            );
            return None;
        }
        return Some(LinkTarget::External(trimmed.to_string()));
    }
    Some(LinkTarget::Unresolved(trimmed.to_string()))
}

/// The longest link address written to either output. Web servers refuse far shorter ones
/// (8 KiB is common), and a PDF repeats the address in every page's annotation of a link, so
/// an address of megabytes would cost its length times the pages it spans.
pub const MAX_LINK_BYTES: usize = 32 * 1024;

/// `https:`, `mailto:`, `tel:`: a URI scheme (RFC 3986) before any `/`, `?` or `#`.
pub fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 1 => {
            let scheme = &s[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("other.md#x"));
        assert!(!has_scheme("C:/x")); // one letter: a Windows drive, not a scheme
    }
}
