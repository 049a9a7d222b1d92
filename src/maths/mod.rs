//! Maths: TeX to presentation MathML (MathML Core), the one home of `math-core`. One reader of
//! TeX serves both outputs: the EPUB writes its MathML, and the typesetter is to set the same
//! tree. A formula that cannot be read is a warning at its place and stays its TeX.

mod expand;
mod macros;
mod xhtml;

use std::ops::Range;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

use expand::Macros;
pub use macros::{read_macros, MacroDefinition};

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::doc::visit::{visit_inlines, visit_inlines_mut};
use crate::doc::{Block, Document, Formula, Inline};

/// TeX to MathML, with the book's own commands.
pub struct MathsReader {
    converter: LatexToMathML,
    macros: Macros,
}

/// Why some TeX cannot be read: the engine's message, and the bytes of the TeX as written it is
/// about (`None` when it is about the TeX after the book's commands were expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TexProblem {
    pub message: String,
    pub range: Option<Range<usize>>,
}

/// How a book's formulas fared: all of them, and those shown as TeX.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MathsCount {
    pub formulas: usize,
    pub shown_as_tex: usize,
}

impl MathsReader {
    /// A reader that knows the book's commands, `macros`. They are expanded before a formula is
    /// read (as KaTeX does), so a definition may use another and a fault in one is reported
    /// where a formula uses it.
    pub fn new(macros: &[MacroDefinition]) -> MathsReader {
        let config = MathCoreConfig {
            xml_namespace: true,
            ..MathCoreConfig::default()
        };
        MathsReader {
            // Without macros of its own the engine has nothing to refuse.
            converter: LatexToMathML::new(config).unwrap_or_default(),
            macros: Macros::new(macros),
        }
    }

    /// `tex` as a `<math>` element (in the MathML namespace, the TeX as its `alttext`), for
    /// display maths with `display="block"`.
    pub fn to_mathml(&self, tex: &str, display: bool) -> Result<String, TexProblem> {
        let mode = if display {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        let expanded = self.macros.expand(tex).map_err(|e| TexProblem {
            message: format!(
                "the book's command \\{} does not stop expanding (its definition uses itself).",
                e.name
            ),
            range: None,
        })?;
        let written = matches!(expanded, std::borrow::Cow::Borrowed(_));
        let converted = match self.converter.convert_with_local_state(&expanded, mode) {
            Ok(converted) => converted,
            // KaTeX numbers display maths by its `\tag`; the engine takes a tag only in an
            // equation environment, which means the same there.
            Err(_) if display && expanded.contains("\\tag") => self
                .converter
                .convert_with_local_state(
                    &format!("\\begin{{equation*}}{expanded}\\end{{equation*}}"),
                    mode,
                )
                .map_err(|e| TexProblem {
                    message: e.error_message(),
                    range: None,
                })?,
            Err(e) => {
                return Err(TexProblem {
                    message: e.error_message(),
                    range: written.then(|| e.0.clone()),
                })
            }
        };
        xhtml::for_xhtml(&converted.mathml, tex).ok_or_else(|| TexProblem {
            message: "the maths engine wrote MathML that is not well-formed (a bindery bug)."
                .into(),
            range: None,
        })
    }

    /// Convert every formula in `blocks`: each gets its MathML, or stays its TeX with a warning
    /// at its place.
    pub fn convert_formulas(&self, blocks: &mut [Block], diags: &mut Diagnostics) -> MathsCount {
        let mut count = MathsCount::default();
        visit_inlines_mut(blocks, &mut |inline| {
            let Inline::Math(formula) = inline else {
                return;
            };
            count.formulas += 1;
            match self.to_mathml(&formula.tex, formula.display) {
                Ok(mathml) => formula.mathml = Some(mathml),
                Err(problem) => {
                    count.shown_as_tex += 1;
                    diags.push(formula_warning(formula, &problem));
                }
            }
        });
        count
    }
}

/// How the formulas of `doc` fared.
pub fn count(doc: &Document) -> MathsCount {
    let mut count = MathsCount::default();
    for chapter in &doc.chapters {
        let footnotes = chapter.footnotes.iter().flat_map(|f| f.blocks.iter());
        let blocks: Vec<&Block> = chapter.blocks.iter().chain(footnotes).collect();
        for block in blocks {
            visit_inlines(std::slice::from_ref(block), &mut |inline| {
                if let Inline::Math(formula) = inline {
                    count.formulas += 1;
                    count.shown_as_tex += usize::from(formula.mathml.is_none());
                }
            });
        }
    }
    count
}

/// What a build says about the book's maths: how each output shows it (`kobo`: the EPUB is a
/// KEPUB). `None` for a book without formulas.
pub fn note(doc: &Document, kobo: bool) -> Option<String> {
    let count = count(doc);
    if count.formulas == 0 {
        return None;
    }
    let as_mathml = count.formulas - count.shown_as_tex;
    let mut note = format!(
        "maths: {as_mathml} of {} formulas are MathML in the EPUB",
        count.formulas
    );
    if count.shown_as_tex > 0 {
        note.push_str(&format!(
            ", {} shown as TeX (see the warnings)",
            count.shown_as_tex
        ));
    }
    if kobo {
        note.push_str("; Kobo readers do not show MathML and give a formula's characters in a row");
    }
    note.push_str("; the PDF shows each formula as its TeX until it typesets maths");
    Some(note)
}

/// The warning for a formula that cannot be read, at the TeX the problem is about when the
/// formula is read as written (no Markdown escapes taken out, no command expanded), else at
/// the formula.
fn formula_warning(formula: &Formula, problem: &TexProblem) -> Diagnostic {
    let written = formula.span.end - formula.span.start;
    let span = match &problem.range {
        Some(range) if written == formula.source.len() => {
            let tex_start = formula.span.start + (formula.source.len() - formula.tex.len()) / 2;
            let start = tex_start + range.start.min(formula.tex.len());
            let end = tex_start + range.end.min(formula.tex.len());
            Span::new(formula.span.file, start..end.max(start))
        }
        _ => formula.span,
    };
    Diagnostic::warning(format!(
        "this formula cannot be read: {} It is shown as its TeX.",
        problem.message.trim_end()
    ))
    .at(span)
    .code(Code::Maths)
    .hint("correct the TeX (bindery reads the LaTeX maths of KaTeX and MathJax); a command of the book's own goes in the macros file named by [preprocessor.katex] macros")
}

#[cfg(test)]
mod tests;
