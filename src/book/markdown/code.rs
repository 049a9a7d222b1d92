//! mdBook's code-block conventions: the language named by a fence's info string, and the hidden
//! lines of Rust examples.

/// First word of a fence's info string: `rust,ignore` and `rust {.class}` give `rust`.
pub(super) fn code_lang(info: &str) -> Option<String> {
    let word = info
        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim();
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

/// mdBook hides lines of Rust examples that start with `# `; `##` escapes a literal `#`.
pub(super) fn hide_rust_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let content = trimmed.trim_end_matches(['\n', '\r']);
        if content == "#" || trimmed.starts_with("# ") {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("##") {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(indent);
            out.push('#');
            out.push_str(rest);
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_rust_lines() {
        let code = "# fn main() {\nlet x = 1;\n#[derive(Debug)]\n##[attr]\n#\n# }\n";
        assert_eq!(
            hide_rust_lines(code),
            "let x = 1;\n#[derive(Debug)]\n#[attr]\n"
        );
    }

    #[test]
    fn languages() {
        assert_eq!(code_lang("rust,ignore"), Some("rust".into()));
        assert_eq!(code_lang(""), None);
    }
}
