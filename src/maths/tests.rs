//! The TeX reader: MathML out, problems at the TeX they are about, the book's macros.

use super::*;

fn reader() -> MathsReader {
    MathsReader::new(&[])
}

/// Every element of `xml` is closed and every entity is XML's own, as an XHTML page needs.
fn assert_well_formed(xml: &str) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().expect("text decodes");
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "{xml}");
}

#[test]
fn inline_and_display_formulas_become_mathml_with_their_tex() {
    let r = reader();
    let inline = r.to_mathml("x^2 + y", false).unwrap();
    assert!(
        inline
            .starts_with("<math alttext=\"x^2 + y\" xmlns=\"http://www.w3.org/1998/Math/MathML\""),
        "{inline}"
    );
    assert!(inline.contains("<msup>"), "{inline}");
    assert!(!inline.contains("display=\"block\""), "{inline}");
    let display = r.to_mathml(r"\frac{a}{b}", true).unwrap();
    assert!(display.contains("display=\"block\""), "{display}");
    assert!(display.contains("<mfrac>"), "{display}");
    for m in [inline, display] {
        assert_well_formed(&m);
    }
}

#[test]
fn the_text_alternative_is_escaped() {
    let m = reader()
        .to_mathml("a < b \\text{\"q\"} + \\&", false)
        .unwrap();
    assert!(
        m.starts_with("<math alttext=\"a &lt; b \\text{&quot;q&quot;} + \\&amp;\""),
        "{m}"
    );
    assert_well_formed(&m);
}

#[test]
fn an_unknown_command_is_a_problem_at_its_bytes() {
    let tex = r"a + \nosuchcommand{b}";
    let problem = reader().to_mathml(tex, false).unwrap_err();
    assert_eq!(
        &tex[problem.range.clone().unwrap()],
        r"\nosuchcommand",
        "{problem:?}"
    );
    assert!(problem.message.contains("nosuchcommand"), "{problem:?}");
}

#[test]
fn the_books_macros_are_used_even_inside_each_other() {
    let defs = [
        MacroDefinition {
            name: "RR".into(),
            body: r"{\mathbb{R}}".into(),
            line: 1,
        },
        MacroDefinition {
            name: "field".into(),
            body: r"{\RR^#1}".into(),
            line: 2,
        },
        MacroDefinition {
            name: "check".into(),
            body: r"\texttt{check}({#1})".into(),
            line: 3,
        },
        MacroDefinition {
            name: "loop".into(),
            body: r"\loop\loop".into(),
            line: 4,
        },
    ];
    let reader = MathsReader::new(&defs);
    let m = reader.to_mathml(r"x \in \field{n}", false).unwrap();
    assert!(m.contains("ℝ") && m.contains("<mi>n</mi>"), "{m}");
    // An empty argument (`\check{}`), which the engine's own macros refuse.
    let m = reader.to_mathml(r"\check{}", false).unwrap();
    assert!(m.contains("check"), "{m}");
    let problem = reader.to_mathml(r"\loop", false).unwrap_err();
    assert!(
        problem.message.contains("loop") && problem.range.is_none(),
        "{problem:?}"
    );
    // A fault after expansion is about the formula as a whole.
    let problem = reader.to_mathml(r"\field{\nope}", false).unwrap_err();
    assert_eq!(problem.range, None);
}

#[test]
fn html_inside_text_is_in_the_xhtml_namespace() {
    let m = reader()
        .to_mathml(r"\texttt{a\_b} + \textbf{c} + \textsf{d}", false)
        .unwrap();
    assert!(
        m.contains("<code xmlns=\"http://www.w3.org/1999/xhtml\">a_b</code>"),
        "{m}"
    );
    assert!(
        m.contains("<b xmlns=\"http://www.w3.org/1999/xhtml\">c</b>"),
        "{m}"
    );
    assert!(!m.contains("math-core-"), "{m}");
    assert_well_formed(&m);
}

#[test]
fn formulas_in_a_tree_are_converted_or_warned_at_their_place() {
    use crate::diag::FileId;
    let text = "Let $x^2$ and $\\nope$.";
    let formula = |range: std::ops::Range<usize>| Formula {
        source: text[range.clone()].to_string(),
        tex: text[range.start + 1..range.end - 1].to_string(),
        display: false,
        mathml: None,
        span: Span::new(FileId(0), range),
    };
    let mut blocks = vec![Block::Paragraph(vec![
        Inline::Math(formula(4..9)),
        Inline::Math(formula(14..21)),
    ])];
    let mut diags = Diagnostics::default();
    let count = reader().convert_formulas(&mut blocks, &mut diags);
    assert_eq!(
        count,
        MathsCount {
            formulas: 2,
            shown_as_tex: 1
        }
    );
    let Block::Paragraph(inlines) = &blocks[0] else {
        unreachable!()
    };
    assert!(matches!(&inlines[0], Inline::Math(f) if f.mathml.is_some()));
    assert!(matches!(&inlines[1], Inline::Math(f) if f.mathml.is_none()));
    let warning = diags.iter().next().expect("one warning");
    assert_eq!(warning.code, Some("maths"));
    let span = warning.span.expect("a place");
    assert_eq!(&text[span.start..span.end], "\\nope");
}

#[test]
fn a_tag_in_display_maths_numbers_it_as_katex_does() {
    let m = reader()
        .to_mathml(r"e^{i\pi} + 1 = 0 \tag{1}", true)
        .unwrap();
    assert!(m.contains("<mtext>(1)</mtext>"), "{m}");
    assert!(
        m.starts_with(r#"<math alttext="e^{i\pi} + 1 = 0 \tag{1}""#),
        "{m}"
    );
    // Inline maths takes no number.
    assert!(reader().to_mathml(r"x \tag{1}", false).is_err());
}

#[test]
fn the_note_says_how_each_output_shows_the_maths() {
    let mut doc = crate::pipeline::book_from_markdown("# A\n\nNo maths here.\n");
    assert_eq!(note(&doc, false), None);
    let formula = |tex: &str, mathml: Option<&str>| {
        Inline::Math(Formula {
            source: format!("${tex}$"),
            tex: tex.into(),
            display: false,
            mathml: mathml.map(String::from),
            span: Span::new(crate::diag::FileId(0), 0..0),
        })
    };
    doc.chapters[0].blocks.push(Block::Paragraph(vec![
        formula("x", Some("<math/>")),
        formula("\\nope", None),
    ]));
    let said = note(&doc, false).unwrap();
    assert!(
        said.starts_with("maths: 1 of 2 formulas are MathML in the EPUB, 1 shown as TeX"),
        "{said}"
    );
    assert!(!said.contains("Kobo"), "{said}");
    assert!(note(&doc, true)
        .unwrap()
        .contains("Kobo readers do not show MathML"));
}
