//! Maths, end to end below the writers: a macros file (the input's first line, `\name:def`
//! entries separated by `;`) and a report read with every maths syntax on (MathJax's
//! delimiters, the KaTeX preprocessor's dollars, GitHub's forms), each formula expanded and
//! read into MathML for an EPUB page. Must never panic or hang (expansion is bounded).
#![no_main]
use bindery::book::markdown::{self, ImageRef, MathSyntax, ParseOptions, Resolver};
use bindery::diag::{Diagnostics, FileId, Span};
use bindery::maths::{read_macros, MathsReader};
use libfuzzer_sys::fuzz_target;

struct NoPictures;
impl Resolver for NoPictures {
    fn image(&mut self, _dest: &str, _span: Span, _diags: &mut Diagnostics) -> ImageRef {
        ImageRef::Unusable
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (macros_line, body) = text.split_once('\n').unwrap_or(("", text));
    let (macros, _) = read_macros(&macros_line.replace(';', "\n"));
    let reader = MathsReader::new(&macros);
    let options = ParseOptions {
        max_nesting: 64,
        math: MathSyntax {
            mathjax: true,
            dollars: true,
            github: true,
        },
    };
    let mut diags = Diagnostics::default();
    let mut parsed =
        markdown::parse_with(body, FileId(0), 0, options, &mut NoPictures, &mut diags);
    reader.convert_formulas(&mut parsed.blocks, &mut diags);
});
