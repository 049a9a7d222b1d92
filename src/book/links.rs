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
        if scheme == "mailto" {
            return Some(LinkTarget::External(trimmed.to_string()));
        }
        return match web_address(trimmed) {
            Some(address) => Some(LinkTarget::External(address)),
            None => {
                diags.push(
                    Diagnostic::warning(format!(
                        "link to {trimmed} is not a valid web address; shown as plain text"
                    ))
                    .code(Code::BrokenLink)
                    .at(span)
                    .hint("write it as a browser shows it in its address bar, e.g. https://example.org/page"),
                );
                None
            }
        };
    }
    Some(LinkTarget::Unresolved(trimmed.to_string()))
}

/// An http(s) address as it may be written to either output, or `None` when a browser would not
/// take it (no host, a space or a forbidden character in the host, a port out of range). It is
/// parsed as browsers parse it (the WHATWG URL Standard): an address already written in full
/// (`https://host/...`) is kept as written, so that its readable characters stay readable
/// (the writers escape what they must); one a browser repairs (`http:golang.org/x`,
/// `https:/host/x`, `HTTP://Host`) is written repaired (`http://golang.org/x`).
pub fn web_address(address: &str) -> Option<String> {
    let parsed = url::Url::parse(address).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return None;
    }
    let (scheme, rest) = address.split_once(':')?;
    let written_in_full = scheme.eq_ignore_ascii_case(parsed.scheme())
        && rest.starts_with("//")
        && !rest[2..].starts_with(['/', '\\']);
    Some(if written_in_full {
        address.to_string()
    } else {
        parsed.to_string()
    })
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
    fn web_addresses_are_repaired_as_browsers_repair_them_or_refused() {
        for (written, wanted) in [
            ("http:golang.org/x/net", "http://golang.org/x/net"),
            ("https:/gitlab.example/a/b", "https://gitlab.example/a/b"),
            ("https:///host.example/a", "https://host.example/a"),
            ("https:\\\\host.example\\a", "https://host.example/a"),
            // Written in full: kept as written, its letters readable.
            (
                "https://vi.wikipedia.org/wiki/Hà_Nội",
                "https://vi.wikipedia.org/wiki/Hà_Nội",
            ),
            ("https://x.org/?a=1&b=2#x#y", "https://x.org/?a=1&b=2#x#y"),
        ] {
            assert_eq!(web_address(written).as_deref(), Some(wanted), "{written}");
        }
        for refused in [
            "http://",
            "https://exa mple.org/",
            "http://x.org:99999/",
            "https://[::1/",
            "http:",
        ] {
            assert_eq!(web_address(refused), None, "{refused}");
        }
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("other.md#x"));
        assert!(!has_scheme("C:/x")); // one letter: a Windows drive, not a scheme
    }
}
