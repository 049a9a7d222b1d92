//! A book's own maths commands: the macros file of the KaTeX preprocessor
//! (`[preprocessor.katex] macros = "macros.txt"`), one `\name:definition` per line, where
//! `#1`, `#2`… stand for arguments. Blank lines and lines starting with `#` or `%` are comments.

/// One `\name:definition` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDefinition {
    /// Without its backslash: `RR` for `\RR`.
    pub name: String,
    /// The TeX it stands for.
    pub body: String,
    /// Its line in the file, from 1.
    pub line: usize,
}

/// The definitions in `text`, and the lines that are neither a definition nor a comment (line
/// number from 1, the line).
pub fn read_macros(text: &str) -> (Vec<MacroDefinition>, Vec<(usize, String)>) {
    let mut definitions = Vec::new();
    let mut not_definitions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let definition = line
            .strip_prefix('\\')
            .and_then(|l| l.split_once(':'))
            .filter(|(name, _)| !name.is_empty());
        match definition {
            Some((name, body)) => definitions.push(MacroDefinition {
                name: name.trim().to_string(),
                body: body.trim().to_string(),
                line: i + 1,
            }),
            None => not_definitions.push((i + 1, line.to_string())),
        }
    }
    (definitions, not_definitions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_comments_and_other_lines() {
        let text =
            "# Fields\n\n\\RR:{\\mathbb{R}}\n% a comment\n\\pair:{(#1, #2)}\nnot one\n\\:x\n";
        let (defs, other) = read_macros(text);
        assert_eq!(
            defs,
            vec![
                MacroDefinition {
                    name: "RR".into(),
                    body: "{\\mathbb{R}}".into(),
                    line: 3
                },
                MacroDefinition {
                    name: "pair".into(),
                    body: "{(#1, #2)}".into(),
                    line: 5
                },
            ]
        );
        assert_eq!(other, vec![(6, "not one".into()), (7, "\\:x".into())]);
    }
}
