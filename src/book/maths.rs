//! The maths a book declares, as the loader reads it: the delimiters (mdBook's
//! `mathjax-support`, the KaTeX preprocessor) and the KaTeX preprocessor's macros file, read
//! inside the book like any file it names.

use std::path::PathBuf;

use super::fs::{BookFs, Refused};
use super::markdown::MathSyntax;
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::maths::{read_macros, MacroDefinition, MathsReader};

/// The delimiters the book declares, and the reader of its formulas (`None`: no maths).
pub(super) struct BookMaths {
    pub syntax: MathSyntax,
    pub reader: Option<MathsReader>,
}

/// Read the book's maths settings; problems are warnings (formulas are then shown as TeX where
/// they need what is missing). `book_toml`: book.toml as diagnostics name it.
pub(super) fn book_maths(
    config: &Config,
    fs: &BookFs,
    book_toml: &str,
    diags: &mut Diagnostics,
    files_read: &mut Vec<PathBuf>,
) -> BookMaths {
    let syntax = MathSyntax {
        mathjax: config.output.html.mathjax_support,
        dollars: config.has_preprocessor("katex"),
        github: config.bindery.github_math,
    };
    if !syntax.any() {
        return BookMaths {
            syntax,
            reader: None,
        };
    }
    let macros_key = config
        .preprocessor
        .get("katex")
        .and_then(|k| k.as_table())
        .and_then(|k| k.get("macros"));
    let macros = match macros_key {
        None => Vec::new(),
        Some(toml::Value::String(rel)) => macros_file(fs, rel, book_toml, diags, files_read),
        Some(_) => {
            diags.push(
                Diagnostic::warning("[preprocessor.katex] macros is not a file name; no macros are read")
                    .in_file(book_toml)
                    .code(Code::Config)
                    .hint("write the path of the macros file, relative to book.toml: macros = \"macros.txt\""),
            );
            Vec::new()
        }
    };
    let reader = MathsReader::new(&macros);
    BookMaths {
        syntax,
        reader: Some(reader),
    }
}

/// The definitions of the macros file at `rel` (relative to the book root); a file that cannot
/// be read is a warning and no definitions.
fn macros_file(
    fs: &BookFs,
    rel: &str,
    book_toml: &str,
    diags: &mut Diagnostics,
    files_read: &mut Vec<PathBuf>,
) -> Vec<MacroDefinition> {
    let hint = "[preprocessor.katex] macros names a file of the book, relative to book.toml; formulas that use its commands are shown as TeX";
    let path = match fs.resolve_in(&fs.root, rel, &fs.root) {
        Ok(path) => path,
        Err(Refused::Missing(d) | Refused::Outside(d)) => {
            diags.push(d.in_file(book_toml).into_warning(Code::Maths).hint(hint));
            return Vec::new();
        }
        // A link out of the book: never read, and an error as for every file a book names.
        Err(Refused::Unsafe(d)) => {
            diags.push(d.in_file(book_toml));
            return Vec::new();
        }
    };
    files_read.push(path.clone());
    let text = match fs.read_text(&path) {
        Ok(text) => text,
        Err(d) => {
            diags.push(d.into_warning(Code::Maths).hint(hint));
            return Vec::new();
        }
    };
    let shown = fs.display(&path);
    let (definitions, other_lines) = read_macros(&text);
    for (line, _) in other_lines {
        diags.push(
            Diagnostic::warning("this line of the macros file is not a definition; it is left out")
                .in_file(shown.clone())
                .at_line(line, 1)
                .code(Code::Maths)
                .hint(
                    "write one \\name:definition per line; lines starting with # or % are comments",
                ),
        );
    }
    definitions
}
