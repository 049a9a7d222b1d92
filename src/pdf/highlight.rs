//! Syntax highlighting for code blocks in the PDF (syntect, pure-Rust regex engine): each line
//! becomes coloured runs. Languages syntect does not know are left plain.

use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;

use super::model::Color;

fn assets() -> &'static (SyntaxSet, Theme) {
    static ASSETS: OnceLock<(SyntaxSet, Theme)> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let mut themes = ThemeSet::load_defaults();
        // A light theme with dark colours: readable on paper and in grey.
        let theme = themes.themes.remove("InspiredGitHub").unwrap_or_default();
        (syntaxes, theme)
    })
}

/// Coloured runs per line of `code`, or `None` when the language is unknown.
pub fn highlight(code: &str, lang: &str) -> Option<Vec<Vec<(Color, String)>>> {
    let (syntaxes, theme) = assets();
    let token = match lang {
        "sh" | "shell" | "console" => "bash",
        "rs" => "rust",
        "py" => "python",
        "yml" => "yaml",
        other => other,
    };
    let syntax = syntaxes.find_syntax_by_token(token)?;
    let mut h = HighlightLines::new(syntax, theme);
    let mut out = Vec::new();
    for line in code.split_inclusive('\n') {
        let ranges = h.highlight_line(line, syntaxes).ok()?;
        let runs = ranges
            .into_iter()
            .map(|(style, text)| {
                let c = style.foreground;
                (
                    Color(c.r, c.g, c.b),
                    text.trim_end_matches(['\n', '\r']).to_string(),
                )
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        out.push(runs);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_keywords_get_a_colour_and_text_is_kept() {
        let lines = highlight("fn main() {\n    let x = 1;\n}\n", "rust").unwrap();
        assert_eq!(lines.len(), 3);
        let text: String = lines[1].iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(text, "    let x = 1;");
        let colours: std::collections::HashSet<_> =
            lines[1].iter().map(|(c, _)| (c.0, c.1, c.2)).collect();
        assert!(colours.len() > 1, "more than one colour: {colours:?}");
        assert!(highlight("x", "no-such-language").is_none());
    }
}
