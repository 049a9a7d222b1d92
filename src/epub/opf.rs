//! The package document (content.opf): the book's metadata in Dublin Core, its dates, the
//! accessibility metadata and claim (earned by bindery's own checks or declared by a certifier),
//! the manifest and the spine.

use std::fmt::Write;

use super::{civil_from_epoch, escape};
use crate::doc::visit::{visit_blocks, visit_inlines};
use crate::doc::{Block, Document, Inline, LinkTarget};

/// `2024-05-01T12:00:00Z` from seconds since the epoch.
pub fn w3c_datetime(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_epoch(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Accessibility facts, told truthfully: `alternativeText` only when every picture has alt
/// text, and a WCAG conformance claim only when bindery's own checks find none of the failures
/// an accessibility checker (Ace) would.
struct Access {
    has_images: bool,
    /// Formulas written as MathML.
    has_mathml: bool,
    all_alt: bool,
    /// Tables with no header row: their cells cannot be read with their column's name.
    tables_without_header: usize,
    /// Links with no text (a link around nothing, or around a picture with no description).
    links_without_text: usize,
}

impl Access {
    /// What keeps the book from claiming WCAG 2.2 AA, in words for the summary.
    fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.has_images && !self.all_alt {
            out.push("some pictures lack a text description".to_string());
        }
        if self.tables_without_header > 0 {
            out.push(format!(
                "{} table(s) have no header row",
                self.tables_without_header
            ));
        }
        if self.links_without_text > 0 {
            out.push(format!("{} link(s) have no text", self.links_without_text));
        }
        out
    }
}

fn access(doc: &Document) -> Access {
    let mut a = Access {
        has_images: false,
        has_mathml: false,
        all_alt: true,
        tables_without_header: 0,
        links_without_text: 0,
    };
    for ch in &doc.chapters {
        let mut blocks = ch.blocks.clone();
        for f in &ch.footnotes {
            blocks.extend(f.blocks.iter().cloned());
        }
        visit_blocks(&blocks, &mut |b| match b {
            Block::Figure { image, .. } => {
                a.has_images = true;
                a.all_alt &= !crate::doc::alt::is_placeholder_alt(&image.alt);
            }
            Block::Table { head, .. } if head.iter().all(|c| c.is_empty()) => {
                a.tables_without_header += 1;
            }
            _ => {}
        });
        visit_inlines(&blocks, &mut |i| match i {
            Inline::Image(image) => {
                a.has_images = true;
                a.all_alt &= !crate::doc::alt::is_placeholder_alt(&image.alt);
            }
            Inline::Math(formula) => a.has_mathml |= formula.mathml.is_some(),
            Inline::Link {
                target, content, ..
            } if !matches!(target, LinkTarget::Unresolved(_) | LinkTarget::None)
                && Inline::plain_text(content).trim().is_empty() =>
            {
                a.links_without_text += 1;
            }
            _ => {}
        });
    }
    a
}

/// The conformance claim bindery writes when a book qualifies.
const CONFORMANCE: &str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA";

pub(super) fn package(
    doc: &Document,
    manifest: &str,
    spine: &str,
    cover_id: Option<String>,
    certified_by: Option<&str>,
) -> String {
    let m = &doc.meta;
    let mut md = dublin_core(doc, cover_id);
    md.push_str(&accessibility(doc, certified_by));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"{lang}\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n{md}</metadata>\n<manifest>\n{manifest}</manifest>\n<spine toc=\"ncx\">\n{spine}</spine>\n</package>\n",
        lang = escape(&m.language)
    )
}
/// The book's Dublin Core metadata, its modification date and (for EPUB 2 readers) its cover.
fn dublin_core(doc: &Document, cover_id: Option<String>) -> String {
    let m = &doc.meta;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "<dc:identifier id=\"pub-id\">{}</dc:identifier>",
        escape(&m.identifier)
    );
    let _ = writeln!(md, "<dc:title id=\"title\">{}</dc:title>\n<meta refines=\"#title\" property=\"title-type\">main</meta>", escape(&m.title));
    if let Some(s) = &m.subtitle {
        let _ = writeln!(md, "<dc:title id=\"subtitle\">{}</dc:title>\n<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>", escape(s));
    }
    for (i, a) in m.authors.iter().enumerate() {
        let _ = writeln!(
            md,
            "<dc:creator id=\"creator{n}\">{}</dc:creator>\n<meta refines=\"#creator{n}\" property=\"role\" scheme=\"marc:relators\">aut</meta>",
            escape(a),
            n = i + 1
        );
    }
    let _ = writeln!(md, "<dc:language>{}</dc:language>", escape(&m.language));
    let mut other_langs: Vec<&str> = doc
        .chapters
        .iter()
        .filter_map(|c| c.lang.as_deref())
        .filter(|l| *l != m.language)
        .collect();
    other_langs.sort_unstable();
    other_langs.dedup();
    for l in other_langs {
        let _ = writeln!(md, "<dc:language>{}</dc:language>", escape(l));
    }
    if let Some(p) = &m.publisher {
        let _ = writeln!(md, "<dc:publisher>{}</dc:publisher>", escape(p));
    }
    if let Some(d) = &m.date {
        let _ = writeln!(md, "<dc:date>{}</dc:date>", escape(d));
    }
    if let Some(d) = &m.description {
        let _ = writeln!(md, "<dc:description>{}</dc:description>", escape(d));
    }
    for s in &m.subjects {
        let _ = writeln!(md, "<dc:subject>{}</dc:subject>", escape(s));
    }
    if let Some(r) = &m.rights {
        let _ = writeln!(md, "<dc:rights>{}</dc:rights>", escape(r));
    }
    let _ = writeln!(
        md,
        "<meta property=\"dcterms:modified\">{}</meta>",
        w3c_datetime(m.modified)
    );
    if let Some(c) = &cover_id {
        // EPUB 2 readers (and Kindle's converters) find the cover through this.
        let _ = writeln!(md, "<meta name=\"cover\" content=\"{c}\"/>");
    }
    md
}

/// The accessibility metadata: access modes, features, hazards, the summary, and the claim of
/// WCAG 2.2 Level AA when it is earned or certified.
fn accessibility(doc: &Document, certified_by: Option<&str>) -> String {
    let mut md = String::new();
    let a = access(doc);
    md.push_str("<meta property=\"schema:accessMode\">textual</meta>\n");
    if a.has_images {
        md.push_str("<meta property=\"schema:accessMode\">visual</meta>\n");
    }
    if !a.has_images || a.all_alt {
        md.push_str("<meta property=\"schema:accessModeSufficient\">textual</meta>\n");
    }
    if a.has_images {
        md.push_str("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>\n");
    }
    for f in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ] {
        let _ = writeln!(
            md,
            "<meta property=\"schema:accessibilityFeature\">{f}</meta>"
        );
    }
    if a.has_images && a.all_alt {
        md.push_str("<meta property=\"schema:accessibilityFeature\">alternativeText</meta>\n");
    }
    if a.has_mathml {
        // Formulas are MathML, each with its TeX as a text alternative (`alttext`).
        md.push_str("<meta property=\"schema:accessibilityFeature\">MathML</meta>\n");
        md.push_str("<meta property=\"schema:accessibilityFeature\">describedMath</meta>\n");
    }
    md.push_str("<meta property=\"schema:accessibilityHazard\">none</meta>\n");
    let missing = a.missing();
    let mut summary =
        String::from("Text with headings, a table of contents and a logical reading order");
    if a.has_images && a.all_alt {
        summary.push_str("; every picture has a text description");
    }
    // Declared by a person who checked the book, or earned by passing bindery's own checks.
    let claim = certified_by.is_some() || missing.is_empty();
    if claim {
        let _ = writeln!(
            md,
            "<meta property=\"dcterms:conformsTo\">{CONFORMANCE}</meta>"
        );
        if let Some(who) = certified_by {
            let _ = writeln!(
                md,
                "<meta property=\"a11y:certifiedBy\">{}</meta>",
                escape(who)
            );
        }
        summary.push_str(". It meets WCAG 2.2 Level AA by the checks of the tool that made it");
        if certified_by.is_some() {
            summary.push_str(" and of its certifier");
        }
        summary.push('.');
    } else {
        let _ = write!(
            summary,
            ". It does not claim WCAG 2.2 Level AA: {}.",
            missing.join("; ")
        );
    }
    let _ = writeln!(
        md,
        "<meta property=\"schema:accessibilitySummary\">{}</meta>",
        escape(&summary)
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(w3c_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(w3c_datetime(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(w3c_datetime(951_782_400), "2000-02-29T00:00:00Z");
    }
}
