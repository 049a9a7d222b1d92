//! Markdown as real books write it, case by case: the tree keeps what CommonMark and mdBook say.

use super::blocks::table_row_cells;
use super::*;
use crate::doc::{Align, Inline, LinkTarget};

/// Every picture resolves to picture 0.
struct AnyPicture;
impl Resolver for AnyPicture {
    fn image(&mut self, _dest: &str, _span: Span, _d: &mut Diagnostics) -> ImageRef {
        ImageRef::Local(ImageId(0))
    }
}

fn tree(text: &str, mathjax: bool) -> (Vec<Block>, Diagnostics) {
    tree_with(
        text,
        MathSyntax {
            mathjax,
            dollars: false,
            github: false,
        },
    )
}

fn tree_with(text: &str, math: MathSyntax) -> (Vec<Block>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let options = ParseOptions {
        max_nesting: 64,
        math,
    };
    let parsed = parse_with(text, FileId(0), 0, options, &mut AnyPicture, &mut diags);
    (parsed.blocks, diags)
}

fn list_tightness(blocks: &[Block]) -> Vec<bool> {
    match blocks {
        [Block::List { items, .. }] => items.iter().map(|i| i.tight).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tight_and_loose_lists_stay_as_written() {
    assert_eq!(list_tightness(&tree("- a\n- b\n", false).0), [true, true]);
    assert_eq!(
        list_tightness(&tree("- a\n\n- b\n", false).0),
        [false, false]
    );
    let dl_tight = |text: &str| match tree(text, false).0.first() {
        Some(Block::DefinitionList(items)) => items.iter().map(|i| i.tight).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(dl_tight("Term\n: one\n"), [true]);
    assert_eq!(dl_tight("Term\n\n: one\n"), [false]);
}

#[test]
fn maths_is_kept_exactly_with_its_delimiters() {
    let text = "Area \\\\(a*b*c_1\\\\) and [x](y) and\n\n$$\n\\sum_{i} x_i [a](b)\n$$\n\n`\\\\(code\\\\)` and \\\\[ d^2 \\\\]\n";
    let (blocks, _) = tree(text, true);
    let mut maths = Vec::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Math(f) = i {
            maths.push((
                f.source.clone(),
                f.tex.clone(),
                f.display,
                &text[f.span.start..f.span.end],
            ));
        }
    });
    assert_eq!(
        maths,
        [
            (
                "\\(a*b*c_1\\)".into(),
                "a*b*c_1".into(),
                false,
                "\\\\(a*b*c_1\\\\)"
            ),
            (
                "$$\n\\sum_{i} x_i [a](b)\n$$".into(),
                "\n\\sum_{i} x_i [a](b)\n".into(),
                true,
                "$$\n\\sum_{i} x_i [a](b)\n$$"
            ),
            (
                "\\[ d^2 \\]".into(),
                " d^2 ".into(),
                true,
                "\\\\[ d^2 \\\\]"
            ),
        ]
    );
    let Block::Paragraph(first) = &blocks[0] else {
        panic!()
    };
    assert!(matches!(first[0], Inline::Text(ref t) if t == "Area "));
    assert!(matches!(first[2], Inline::Text(ref t) if t == " and "));
    assert!(matches!(first[3], Inline::Link { .. }), "{first:?}");
    // Without mathjax-support the same text is Markdown: emphasis inside.
    let (blocks, _) = tree("\\\\(a*b*c\\\\)\n", false);
    let mut emphasis = false;
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        emphasis |= matches!(i, Inline::Emphasis(_));
    });
    assert!(emphasis);
}

#[test]
fn math_ranges_skip_code() {
    let text =
        "```toml\na = 1\n```\n\nText \\\\(a\\\\) here.\n```\n$$x$$\n```\n`$$y$$` $$z$$ \\\\(open";
    let mathjax = MathSyntax {
        mathjax: true,
        dollars: false,
        github: false,
    };
    assert_eq!(found(text, mathjax), ["\\\\(a\\\\)", "$$z$$"]);
}

/// The maths `math_ranges` finds in `text`, as text.
fn found(text: &str, syntax: MathSyntax) -> Vec<&str> {
    math_ranges(text, syntax)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// The KaTeX preprocessor's dollars: `$TeX$` and `$$TeX$$` are maths, kept whole (no emphasis
/// inside); prices, an escaped `\$`, a `$` before a space or after one, and code stay text.
#[test]
fn dollar_maths_leaves_prices_and_code_alone() {
    let dollars = MathSyntax {
        mathjax: false,
        dollars: true,
        github: false,
    };
    let text = "Tickets cost $5 and $10, or \\$x\\$.\n\n$a_1*b*c_2$ and $$\\sum_i x_i$$ here.\n\n$ x$ and $x $ and $2$3 and `$c$`.\n\n$a\n\nb$\n\n$$\nx = y\n$$\n";
    assert_eq!(
        found(text, dollars),
        ["$a_1*b*c_2$", "$$\\sum_i x_i$$", "$$\nx = y\n$$"]
    );
    // Numbers are maths where a closing `$` follows (`$25-$word`, as the orchard book writes),
    // money where none does.
    let numbers = "$1$ and $2x$ and a $25-$word but $3.50/month or $5-$10.";
    assert_eq!(found(numbers, dollars), ["$1$", "$2x$", "$25-$"]);
    let (blocks, _) = tree_with(text, dollars);
    let mut maths = Vec::new();
    let mut emphasis = false;
    crate::doc::visit::visit_inlines(&blocks, &mut |i| match i {
        Inline::Math(f) => maths.push(f.source.clone()),
        Inline::Emphasis(_) => emphasis = true,
        _ => {}
    });
    assert_eq!(maths.len(), 3, "{maths:?}");
    assert!(!emphasis, "no emphasis is read inside maths");
    assert!(crate::doc::Inline::plain_text(match &blocks[0] {
        Block::Paragraph(p) => p,
        other => panic!("{other:?}"),
    })
    .starts_with("Tickets cost $5 and $10, or $x$."));
}

#[test]
fn picture_and_caption_span_are_one_figure_without_printing_the_alt_text() {
    let text = "<img src=\"x.svg\" alt=\"A diagram\nof two\nboxes\" style=\"width: 50%;\" />\n\n<span class=\"caption\">Figure 4-1: Two boxes</span>\n\n![Keynote hall](y.jpg)\n";
    let (blocks, _) = tree(text, false);
    let Block::Figure { image, caption } = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!(image.alt, "A diagram of two boxes");
    assert_eq!(image.width, Some(crate::doc::Length::Percent(50.0)));
    assert_eq!(Inline::plain_text(caption), "Figure 4-1: Two boxes");
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let Block::Figure { caption, .. } = &blocks[1] else {
        panic!("{blocks:?}")
    };
    assert!(caption.is_empty(), "the alt text is not a caption");
    let (blocks, _) = tree("![Alt](y.jpg \"The caption\")\n", false);
    assert!(
        matches!(&blocks[0], Block::Figure { caption, .. } if Inline::plain_text(caption) == "The caption")
    );
}

#[test]
fn a_caption_in_the_division_after_a_centred_picture_is_its_caption() {
    let text = "<div align=\"center\">\n  <img src=\"a.png\" alt=\"A segment\" width=\"300px\"/>\n</div>\n<div align=\"center\">\n  <span class=\"caption\">Range check error</span>\n</div>\n\nText after.\n";
    let (blocks, _) = tree(text, false);
    let captions: Vec<String> = blocks
        .iter()
        .flat_map(|b| match b {
            Block::Div { blocks, .. } => blocks.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|b| match b {
            Block::Figure { caption, .. } => Some(Inline::plain_text(&caption)),
            _ => None,
        })
        .collect();
    assert_eq!(captions, ["Range check error"]);
    let text_blocks = format!("{blocks:?}");
    assert_eq!(
        text_blocks.matches("Range check error").count(),
        1,
        "{text_blocks}"
    );
}

#[test]
fn picture_heights_in_pixels_are_kept_and_percent_heights_dropped() {
    let text = "<img src=\"a.png\" alt=\"x\" height=\"120\">\n\n<img src=\"b.png\" alt=\"y\" style=\"height: 50%\">\n\n<img src=\"c.png\" alt=\"z\" height=\"90\" style=\"height: 2em\">\n";
    let (blocks, _) = tree(text, false);
    let heights: Vec<_> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure { image, .. } => Some(image.height),
            _ => None,
        })
        .collect();
    assert_eq!(
        heights,
        [
            Some(crate::doc::Length::Px(120.0)),
            None,
            Some(crate::doc::Length::Px(32.0))
        ]
    );
}

#[test]
fn figure_element_and_html_block_caption() {
    let text = "<figure>\n<img src=\"a.png\" alt=\"x\" width=\"300\">\n<figcaption>Cap</figcaption>\n</figure>\n\n<div>\n<img src=\"b.png\" alt=\"y\">\n<p class=\"caption\">Second</p>\n</div>\n";
    let (blocks, _) = tree(text, false);
    let figures: Vec<_> = blocks
        .iter()
        .flat_map(|b| match b {
            Block::Div { blocks, .. } => blocks.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|b| match b {
            Block::Figure { image, caption } => Some((image.width, Inline::plain_text(&caption))),
            _ => None,
        })
        .collect();
    assert_eq!(
        figures,
        [
            (Some(crate::doc::Length::Px(300.0)), "Cap".to_string()),
            (None, "Second".to_string())
        ]
    );
}

#[test]
fn cells_beyond_the_header_are_kept_with_a_warning() {
    let text = "# T\n\n| a | b |\n|---|--:|\n| 1 | 2 | 3 \\| x | `4` |\n| y |\n";
    let (blocks, diags) = tree(text, false);
    let Some(Block::Table { align, head, rows }) = blocks.get(1) else {
        panic!("{blocks:?}")
    };
    assert_eq!(
        align,
        &[Align::None, Align::Right, Align::None, Align::None]
    );
    assert_eq!(head.len(), 4);
    assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
    assert!(
        matches!(rows[0][2].as_slice(), [Inline::Text(t)] if t == "3 | x"),
        "{rows:?}"
    );
    assert!(
        matches!(rows[0][3].as_slice(), [Inline::Text(t)] if t == "`4`"),
        "{rows:?}"
    );
    let warnings: Vec<_> = diags.iter().filter(|d| d.code == Some("table")).collect();
    assert_eq!(warnings.len(), 1, "{diags:?}");
    assert!(warnings[0].message.contains("4 cells but the header has 2"));
    assert_eq!(
        warnings[0].span.map(|s| s.start),
        Some(text.find("| 1").unwrap())
    );
    assert_eq!(table_row_cells("| a | b \\| c |"), ["a", "b \\| c"]);
    assert_eq!(table_row_cells("a | | c"), ["a", "", "c"]);
}

#[test]
fn raw_tables_keep_their_rows() {
    let text = "<table>\n<tr><td>a</td><td>b</td></tr>\n\n<tr><td>c</td><td><pre>x  y\nz</pre></td></tr>\n</table>\n";
    let (blocks, _) = tree(text, false);
    let Some(Block::Table { head, rows, .. }) = blocks.first() else {
        panic!("{blocks:?}")
    };
    assert!(head.is_empty(), "a first row of <td> is not a header");
    assert_eq!(rows.len(), 2, "one table across the blank line: {rows:?}");
    assert!(
        matches!(rows[1][1].as_slice(), [Inline::Code(a), Inline::LineBreak, Inline::Code(b)] if a == "x  y" && b == "z"),
        "{:?}",
        rows[1][1]
    );
}

#[test]
fn an_id_on_any_raw_html_element_is_an_anchor() {
    let text = "<ul><li id=\"item\">one</li></ul>\n\n<table><tr><td id=\"cell\">c</td></tr></table>\n\n<p>See <code id=\"fn-x\">x()</code> and <em id=\"e\">this</em> <a href=\"https://x.org/\" id=\"a1\">x</a>.</p>\n\nIn Markdown: <code id=\"md-code\">y()</code>, <strong id=\"md-strong\">z</strong>, <a id=\"md-a\" href=\"https://x.org/\">w</a>.\n";
    let (blocks, _) = tree(text, false);
    let mut ids = Vec::new();
    crate::doc::visit::visit_blocks(&blocks, &mut |b| {
        if let Block::Div { id: Some(id), .. } = b {
            ids.push(id.clone());
        }
    });
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Run { id: Some(id), .. } = i {
            ids.push(id.clone());
        }
    });
    ids.sort();
    assert_eq!(
        ids,
        [
            "a1",
            "cell",
            "e",
            "fn-x",
            "item",
            "md-a",
            "md-code",
            "md-strong"
        ],
        "{blocks:?}"
    );
}

#[test]
fn removed_heading_attributes_are_named() {
    let (blocks, diags) = tree("# Title {#t .c onclick=alert(1) data-x=y}\n", false);
    assert!(
        matches!(&blocks[0], Block::Heading { id, classes, .. } if id == "t" && classes == &["c"])
    );
    let d = diags.iter().next().expect("a warning");
    assert!(d.message.contains("onclick, data-x"), "{}", d.message);
}

#[test]
fn raw_html_nested_too_deep_is_text_in_linear_time() {
    let deep = format!("# A\n\n{}deep text\n", "<div>".repeat(200_000));
    let started = std::time::Instant::now();
    let (blocks, diags) = tree(&deep, false);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert!(diags
        .iter()
        .any(|d| d.message.contains("nested 200000 elements deep")));
    let mut text = String::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Text(t) = i {
            text.push_str(t);
        }
    });
    assert!(text.contains("deep text"), "{text}");
    let (_, diags) = tree(&"<div>".repeat(100), false);
    assert!(diags.is_empty());
}

#[test]
fn del_around_a_paragraph_is_kept() {
    let (blocks, _) = tree("<del>\n\nGone *now*.\n\n</del>\n\nKept.\n", false);
    assert!(
        matches!(&blocks[0], Block::Paragraph(i) if matches!(i.as_slice(), [Inline::Strikethrough(_)])),
        "{blocks:?}"
    );
    assert!(
        matches!(&blocks[1], Block::Paragraph(i) if matches!(i.as_slice(), [Inline::Text(t)] if t == "Kept.")),
        "{blocks:?}"
    );
}

#[test]
fn tags_with_non_ascii_spaces_and_symbols_do_not_panic() {
    for text in [
        "<pre>\n.\n├── lib.rs\n</pre>\n",
        "<span title=a\u{a0}b>x</span> and <a href=\"…\">y</a>\n",
        "<del>\u{85}</del>\n\n<b title=├>\n",
    ] {
        let _ = tree(text, true);
        let _ = html::lex_tag(text);
    }
}

#[test]
fn cdata_and_entities_in_attributes() {
    let (blocks, _) = tree("<div><![CDATA[a < b && c]]></div>\n", false);
    let mut text = String::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Text(t) = i {
            text.push_str(t);
        }
    });
    assert_eq!(text, "a < b && c");
    let (blocks, _) = tree(
        "A <a href=\"https://x.org/?a=1&amp;b=2\">link</a>.\n",
        false,
    );
    let mut hrefs = Vec::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Link { target, .. } = i {
            hrefs.push(target.clone());
        }
    });
    assert_eq!(
        hrefs,
        [LinkTarget::External("https://x.org/?a=1&b=2".into())]
    );
}

#[test]
fn fenced_code_keeps_trailing_blank_lines() {
    let (blocks, _) = tree("```text\na\n\n\n```\n", false);
    assert!(
        matches!(&blocks[0], Block::CodeBlock { code, .. } if code == "a\n\n\n"),
        "{blocks:?}"
    );
}

#[test]
fn unknown_schemes_are_text_with_a_warning() {
    let (blocks, diags) = tree(
        "[Vec](std::vec::Vec) [x](std:vec) [y](file:///etc/passwd) [ok](https://a.org/#x#y)\n",
        false,
    );
    let mut targets = Vec::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Link { target, .. } = i {
            targets.push(target.clone());
        }
    });
    assert_eq!(targets, [LinkTarget::External("https://a.org/#x#y".into())]);
    assert_eq!(diags.warning_count(), 3);
}

/// GitHub's maths: the dollars, dollars around a code span, and ```` ```math ```` blocks as
/// display maths; other code stays code.
#[test]
fn github_maths_takes_its_three_forms() {
    let github = MathSyntax {
        mathjax: false,
        dollars: false,
        github: true,
    };
    let text = "Costs $5 and $10.\n\nThen $x^2$ and $`\\sqrt{2}`$ and `$HOME` and $``a`b``$.\n\n```math\n\\frac{1}{2}\n```\n\n```rust\nlet x = \"$y$\";\n```\n";
    assert_eq!(found(text, github), ["$x^2$", "$`\\sqrt{2}`$", "$``a`b``$"]);
    let (blocks, _) = tree_with(text, github);
    let mut maths = Vec::new();
    crate::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let Inline::Math(f) = i {
            maths.push((f.tex.clone(), f.display));
        }
    });
    assert_eq!(
        maths,
        [
            ("x^2".to_string(), false),
            ("\\sqrt{2}".to_string(), false),
            ("a`b".to_string(), false),
            ("\\frac{1}{2}\n".to_string(), true),
        ]
    );
    assert!(blocks
        .iter()
        .any(|b| matches!(b, Block::CodeBlock { lang: Some(l), .. } if l == "rust")));
    // Without GitHub's maths a ```math block is code.
    let (blocks, _) = tree_with("```math\nx\n```\n", MathSyntax::default());
    assert!(matches!(&blocks[0], Block::CodeBlock { lang: Some(l), .. } if l == "math"));
}
