//! Chapters as XHTML5 content documents. Everything is serialised from the tree and escaped here,
//! so no source text can make a document ill-formed.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::doc::ids::{footnote_id, footnote_ref_id, TITLE_ID};
use crate::doc::{Align, Block, Chapter, Document, Image, Inline, LinkTarget, ListItem};

/// What the chapter writer needs to know about the rest of the package.
pub struct Context<'a> {
    pub doc: &'a Document,
    /// Package path of each picture relative to the text folder (`../images/001-x.jpg`).
    pub image_hrefs: &'a [String],
    /// Size of each picture as packaged, in pixels (0 x 0: unknown), for `width`/`height`.
    pub image_sizes: &'a [(u32, u32)],
    pub chapter_file: &'a (dyn Fn(usize) -> String + Sync),
    /// Kobo's KEPUB markup (see `Kobo`).
    pub kobo: bool,
}

/// Kobo's reader locates highlights, bookmarks and reading position by numbered spans:
/// `<span class="koboSpan" id="kobo.P.S">` around each sentence S of text container P. P rises
/// at every block and S at every span, so the pair is unique in the chapter.
#[derive(Default)]
struct Kobo {
    paragraph: u32,
    sentence: u32,
}

/// Escape for attribute values.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// Escape for element content: only `&`, `<` and `>` need it, so quotes stay readable.
pub fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::partial_escape(s)
}

/// Percent-encode what may not appear raw in an IRI attribute (spaces, quotes, angle brackets,
/// control characters); everything else, including non-ASCII letters, stays readable.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut seen_hash = false;
    let bytes = url.as_bytes();
    for (i, c) in url.char_indices() {
        match c {
            // Only one `#` may start the fragment; a later one is part of it.
            '#' if seen_hash => out.push_str("%23"),
            '#' => {
                seen_hash = true;
                out.push('#');
            }
            // A `%` that does not start an escape stands for itself.
            '%' if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) =>
            {
                out.push_str("%25")
            }
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

pub fn document_head(out: &mut String, lang: &str, title: &str, css_href: &str) {
    let lang = escape(lang);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    let _ = writeln!(
        out,
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">"
    );
    let _ = writeln!(
        out,
        "<head>\n<meta charset=\"UTF-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"{css_href}\"/>\n</head>",
        escape(title)
    );
}

struct Writer<'a> {
    ctx: &'a Context<'a>,
    chapter: usize,
    out: String,
    /// How many times each footnote has been referenced so far (for unique back-link ids).
    ref_counts: HashMap<u32, u32>,
    /// Inside an `<a>`: a link may not hold another (a badge `[![alt](remote.svg)](url)`, an
    /// autolink inside a link), so inner links are written as their content.
    in_link: bool,
    kobo: Option<Kobo>,
}

/// Render one chapter as a complete XHTML document.
pub fn chapter(ctx: &Context, index: usize) -> String {
    let ch = &ctx.doc.chapters[index];
    let lang = ch.lang.as_deref().unwrap_or(&ctx.doc.meta.language);
    let mut w = Writer {
        ctx,
        chapter: index,
        out: String::new(),
        ref_counts: HashMap::new(),
        in_link: false,
        kobo: ctx.kobo.then(Kobo::default),
    };
    document_head(&mut w.out, lang, &ch.title, "../css/book.css");
    let _ = writeln!(w.out, "<body epub:type=\"bodymatter\">");
    if w.kobo.is_some() {
        w.out
            .push_str("<div id=\"book-columns\">\n<div id=\"book-inner\">\n");
    }
    let _ = writeln!(
        w.out,
        "<section epub:type=\"chapter\" role=\"doc-chapter\">"
    );
    if ch.needs_title_heading {
        let _ = writeln!(
            w.out,
            "<h1 id=\"{TITLE_ID}\">{}</h1>",
            escape(&ctx.doc.chapter_label(index))
        );
    }
    // Authors and date go under the chapter's own heading when it has one.
    let mut blocks = ch.blocks.iter();
    if !ch.needs_title_heading {
        if let Some(first) = blocks.next() {
            w.block(first);
        }
    }
    chapter_meta(&mut w.out, ch);
    for b in blocks {
        w.block(b);
    }
    if !ch.footnotes.is_empty() {
        // No `<hr>` before the notes: the first note's border is the rule, so readers that show
        // notes as pop-ups hide it with them.
        for (n, f) in ch.footnotes.iter().enumerate() {
            let id = footnote_id(f.number);
            let class = if n == 0 { "footnote first" } else { "footnote" };
            let _ = write!(w.out, "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"{id}\" class=\"{class}\">");
            let back = format!(
                "<a href=\"#{}\" role=\"doc-backlink\">{}.</a> ",
                footnote_ref_id(f.number, 1),
                f.number
            );
            let referenced = w.ref_counts.contains_key(&f.number);
            let mut first = true;
            for b in &f.blocks {
                if first {
                    first = false;
                    if let Block::Paragraph(inlines) = b {
                        w.out.push_str("<p>");
                        if referenced {
                            w.out.push_str(&back);
                        } else {
                            let _ = write!(w.out, "{}. ", f.number);
                        }
                        w.inlines(inlines);
                        w.out.push_str("</p>\n");
                        continue;
                    }
                    let _ = writeln!(
                        w.out,
                        "<p>{}</p>",
                        if referenced {
                            back.clone()
                        } else {
                            format!("{}.", f.number)
                        }
                    );
                }
                w.block(b);
            }
            if f.blocks.is_empty() {
                let _ = writeln!(w.out, "<p>{}.</p>", f.number);
            }
            w.out.push_str("</aside>\n");
        }
    }
    w.out.push_str("</section>\n");
    if w.kobo.is_some() {
        w.out.push_str("</div>\n</div>\n");
    }
    w.out.push_str("</body>\n</html>\n");
    w.out
}

fn chapter_meta(out: &mut String, ch: &Chapter) {
    let mut parts = Vec::new();
    if !ch.authors.is_empty() {
        parts.push(escape(&ch.authors.join(", ")).to_string());
    }
    if let Some(d) = &ch.date {
        parts.push(escape(d).to_string());
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "<p class=\"chapter-meta\">{}</p>", parts.join(" · "));
    }
}

impl Writer<'_> {
    /// A new text container starts (a block, a list item, a cell): Kobo's paragraph number.
    fn next_paragraph(&mut self) {
        if let Some(k) = &mut self.kobo {
            k.paragraph += 1;
            k.sentence = 0;
        }
    }

    /// Text, escaped; for Kobo, each sentence in its numbered span.
    fn text(&mut self, text: &str) {
        if self.kobo.is_none() {
            self.out.push_str(&escape_text(text));
            return;
        }
        for sentence in sentences(text) {
            self.kobo_open();
            self.out.push_str(&escape_text(sentence));
            self.kobo_close();
        }
    }

    /// For Kobo, the opening of a numbered span (a sentence, a picture, a code block);
    /// `kobo_close` ends it. Nothing without Kobo's markup.
    fn kobo_open(&mut self) {
        if let Some(k) = &mut self.kobo {
            k.sentence += 1;
            let _ = write!(
                self.out,
                "<span class=\"koboSpan\" id=\"kobo.{}.{}\">",
                k.paragraph, k.sentence
            );
        }
    }

    fn kobo_close(&mut self) {
        if self.kobo.is_some() {
            self.out.push_str("</span>");
        }
    }

    fn block(&mut self, b: &Block) {
        self.next_paragraph();
        match b {
            Block::Paragraph(inlines) => {
                // A missing picture in place of a figure: a framed box, as in the PDF.
                if matches!(inlines.first(), Some(Inline::MissingPicture { .. })) {
                    self.out.push_str("<p class=\"missing-picture\">");
                } else {
                    self.out.push_str("<p>");
                }
                self.inlines(inlines);
                self.out.push_str("</p>\n");
            }
            Block::Heading {
                level, id, content, ..
            } => {
                let _ = write!(self.out, "<h{level} id=\"{}\">", escape(id));
                self.inlines(content);
                let _ = writeln!(self.out, "</h{level}>");
            }
            Block::BlockQuote(blocks) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::Alert { kind, blocks } => {
                let _ = writeln!(
                    self.out,
                    "<div class=\"alert alert-{}\" role=\"note\">\n<p class=\"alert-title\">{}</p>",
                    kind.class(),
                    kind.label()
                );
                self.blocks(blocks);
                self.out.push_str("</div>\n");
            }
            Block::List { start, items } => self.list(*start, items),
            Block::DefinitionList(items) => {
                self.out.push_str("<dl>\n");
                for item in items {
                    self.next_paragraph();
                    self.out.push_str("<dt>");
                    self.inlines(&item.term);
                    self.out.push_str("</dt>\n");
                    for d in &item.definitions {
                        self.next_paragraph();
                        self.out.push_str("<dd>");
                        self.item_blocks(d, item.tight);
                        self.out.push_str("</dd>\n");
                    }
                }
                self.out.push_str("</dl>\n");
            }
            Block::CodeBlock { lang, code } => self.code_block(lang.as_deref(), code),
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Figure { image, caption } => {
                self.out.push_str("<figure>\n");
                self.image(image, None);
                if !caption.is_empty() {
                    self.next_paragraph();
                    self.out.push_str("\n<figcaption>");
                    self.inlines(caption);
                    self.out.push_str("</figcaption>");
                }
                self.out.push_str("\n</figure>\n");
            }
            Block::Rule => self.out.push_str("<hr/>\n"),
            Block::Div { id, lang, blocks } => {
                self.out.push_str("<div");
                self.id_lang(id.as_deref(), lang.as_deref());
                self.out.push_str(">\n");
                self.blocks(blocks);
                self.out.push_str("</div>\n");
            }
        }
    }

    /// The content of a list item or definition: in a tight list its text is written without
    /// `<p>`, in a loose list with, as CommonMark renders them.
    fn item_blocks(&mut self, blocks: &[Block], tight: bool) {
        if !tight {
            self.out.push('\n');
            self.blocks(blocks);
            return;
        }
        for (i, b) in blocks.iter().enumerate() {
            match b {
                Block::Paragraph(inlines) => {
                    if i > 0 {
                        self.out.push('\n');
                    }
                    self.inlines(inlines);
                }
                other => {
                    self.out.push('\n');
                    self.block(other);
                }
            }
        }
    }

    /// A list: numbered from `start`, or bulleted; task items with their box.
    fn list(&mut self, start: Option<u64>, items: &[ListItem]) {
        match start {
            Some(1) => self.out.push_str("<ol>\n"),
            Some(n) => {
                let _ = writeln!(self.out, "<ol start=\"{n}\">");
            }
            None => self.out.push_str("<ul>\n"),
        }
        for item in items {
            self.next_paragraph();
            match item.task {
                Some(done) => {
                    let _ = write!(
                        self.out,
                        "<li class=\"task\"><span class=\"task-box\" role=\"img\" aria-label=\"{}\">{}</span> ",
                        if done { "done" } else { "not done" },
                        if done { "[x]" } else { "[ ]" }
                    );
                }
                None => self.out.push_str("<li>"),
            }
            self.item_blocks(&item.blocks, item.tight);
            self.out.push_str("</li>\n");
        }
        self.out.push_str(if start.is_some() {
            "</ol>\n"
        } else {
            "</ul>\n"
        });
    }

    /// A table: its header row, then its body rows.
    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.out.push_str("<table>\n");
        if !head.is_empty() {
            self.out.push_str("<thead>\n<tr>");
            for (i, cell) in head.iter().enumerate() {
                self.cell("th", align.get(i).copied(), cell);
            }
            self.out.push_str("</tr>\n</thead>\n");
        }
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in rows {
                self.out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.cell("td", align.get(i).copied(), cell);
                }
                self.out.push_str("</tr>\n");
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n");
    }

    /// A code block, in its language's class (for Kobo, one span for the whole block).
    fn code_block(&mut self, lang: Option<&str>, code: &str) {
        match lang {
            Some(l) => {
                let _ = write!(
                    self.out,
                    "<pre><code class=\"language-{}\">",
                    escape(&class_name(l))
                );
            }
            None => self.out.push_str("<pre><code>"),
        }
        // For Kobo, one span for the whole block: sentences mean nothing in code.
        self.kobo_open();
        self.out
            .push_str(&escape_text(code.strip_suffix('\n').unwrap_or(code)));
        self.kobo_close();
        self.out.push_str("</code></pre>\n");
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    fn cell(&mut self, tag: &str, align: Option<Align>, content: &[Inline]) {
        self.next_paragraph();
        let class = match align {
            Some(Align::Left) => " class=\"align-left\"",
            Some(Align::Center) => " class=\"align-center\"",
            Some(Align::Right) => " class=\"align-right\"",
            _ => "",
        };
        let _ = write!(self.out, "<{tag}{class}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn id_lang(&mut self, id: Option<&str>, lang: Option<&str>) {
        if let Some(id) = id {
            let _ = write!(self.out, " id=\"{}\"", escape(id));
        }
        if let Some(lang) = lang {
            let l = escape(lang);
            let _ = write!(self.out, " xml:lang=\"{l}\" lang=\"{l}\"");
        }
    }

    fn image(&mut self, image: &Image, class: Option<&str>) {
        self.kobo_open();
        let href = &self.ctx.image_hrefs[image.id.0];
        let _ = write!(
            self.out,
            "<img src=\"{}\" alt=\"{}\"",
            escape(&encode_url(href)),
            escape(&image.alt)
        );
        if let Some(c) = class {
            let _ = write!(self.out, " class=\"{c}\"");
        }
        if let Some(t) = &image.title {
            let _ = write!(self.out, " title=\"{}\"", escape(t));
        }
        // The picture's own size lets a reader reserve its box before decoding it, and gives an
        // SVG without one a size at all (MuPDF would spread it over the page).
        let (w, h) = self
            .ctx
            .image_sizes
            .get(image.id.0)
            .copied()
            .unwrap_or((0, 0));
        if w > 0 && h > 0 {
            let _ = write!(self.out, " width=\"{w}\" height=\"{h}\"");
        }
        let _ = write!(self.out, "{}", image_style(image, class.is_some(), (w, h)));
        self.out.push_str("/>");
        self.kobo_close();
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) => self.text(t),
            Inline::Emphasis(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strikethrough(c) => self.wrap("del", c),
            Inline::Superscript(c) => self.wrap("sup", c),
            Inline::Subscript(c) => self.wrap("sub", c),
            Inline::Code(t) => {
                let _ = write!(self.out, "<code>{}</code>", escape_text(t));
            }
            Inline::SoftBreak => self.out.push('\n'),
            Inline::LineBreak => self.out.push_str("<br/>\n"),
            Inline::Image(image) => self.image(image, Some("inline")),
            Inline::Math(formula) => match &formula.mathml {
                Some(mathml) => self.out.push_str(mathml),
                None => {
                    let shown = escape_text(&formula.source);
                    let _ = write!(self.out, "<span class=\"math\">{shown}</span>");
                }
            },
            Inline::MissingPicture { alt, path } => {
                let _ = write!(
                    self.out,
                    "<span class=\"missing-picture\">{}</span>",
                    escape_text(&Inline::missing_picture_label(alt, path))
                );
            }
            Inline::Run { id, lang, content } => {
                self.out.push_str("<span");
                self.id_lang(id.as_deref(), lang.as_deref());
                self.out.push('>');
                self.inlines(content);
                self.out.push_str("</span>");
            }
            Inline::FootnoteRef { label, number, .. } => {
                if *number == 0 {
                    let _ = write!(self.out, "[^{}]", escape(label));
                    return;
                }
                if self.in_link {
                    let _ = write!(self.out, "<sup>{number}</sup>");
                    return;
                }
                let count = self.ref_counts.entry(*number).or_insert(0);
                *count += 1;
                let _ = write!(
                    self.out,
                    "<a epub:type=\"noteref\" role=\"doc-noteref\" class=\"noteref\" id=\"{}\" href=\"#{}\">{number}</a>",
                    footnote_ref_id(*number, *count),
                    footnote_id(*number)
                );
            }
            Inline::Link {
                target,
                title,
                content,
                ..
            } => {
                let href = match target {
                    LinkTarget::External(url) => Some((encode_url(url), true)),
                    LinkTarget::Internal { chapter, anchor } => {
                        let file = if *chapter == self.chapter {
                            String::new()
                        } else {
                            (self.ctx.chapter_file)(*chapter)
                        };
                        let href = match anchor {
                            Some(a) => format!("{file}#{a}"),
                            None => (self.ctx.chapter_file)(*chapter),
                        };
                        Some((encode_url(&href), false))
                    }
                    LinkTarget::Unresolved(_) | LinkTarget::None => None,
                };
                match href {
                    Some(_) if self.in_link => self.inlines(content),
                    Some((href, external)) => {
                        let _ = write!(self.out, "<a href=\"{}\"", escape(&href));
                        if external {
                            self.out.push_str(" class=\"external\"");
                        }
                        if let Some(t) = title {
                            let _ = write!(self.out, " title=\"{}\"", escape(t));
                        }
                        self.out.push('>');
                        self.in_link = true;
                        self.inlines(content);
                        self.in_link = false;
                        self.out.push_str("</a>");
                    }
                    None => self.inlines(content),
                }
            }
        }
    }
}

/// The `style` of a picture: the size the source asks for, else, for a picture inside running
/// text, the line-high size the PDF gives it too (an icon must not fill the page).
fn image_style(image: &Image, inline: bool, (w, h): (u32, u32)) -> String {
    let mut rules = Vec::new();
    if let Some(width) = image.width {
        rules.push(format!("width: {}", width.css()));
    }
    if let Some(height) = image.height {
        if image.width.is_none() {
            // Else the `width` attribute would hold and stretch the picture.
            rules.push("width: auto".to_string());
        }
        rules.push(format!("height: {}", height.css()));
    }
    if rules.is_empty() && inline {
        let em = INLINE_PICTURE_EM;
        if w > 0 && h > 0 {
            let width = em * w as f32 / h as f32;
            rules.push(format!("width: {:.2}em", width));
        }
        rules.push(format!("height: {em}em"));
    }
    if rules.is_empty() {
        String::new()
    } else {
        format!(" style=\"{}\"", rules.join("; "))
    }
}

/// The height of a picture in running text with no size of its own, in em: as in the PDF.
const INLINE_PICTURE_EM: f32 = 1.2;

/// Text cut after each sentence end (`.`, `!`, `?`, `…` and their CJK forms, with closing
/// quotes and brackets) and the spaces that follow it; the pieces join back to the text.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？') {
            continue;
        }
        while let Some(&(_, n)) = chars.peek() {
            if matches!(
                n,
                '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | '」' | '』'
            ) {
                chars.next();
            } else {
                break;
            }
        }
        let mut end = chars.peek().map_or(text.len(), |&(i, _)| i);
        let cjk = matches!(c, '。' | '！' | '？');
        if !cjk && !chars.peek().is_some_and(|&(_, n)| n.is_whitespace()) {
            continue; // `3.5`, `e.g.x`: not a sentence end
        }
        while let Some(&(i, n)) = chars.peek() {
            if n.is_whitespace() {
                chars.next();
                end = i + n.len_utf8();
            } else {
                break;
            }
        }
        out.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn class_name(lang: &str) -> String {
    lang.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_followed_by_space_or_cjk_stops() {
        assert_eq!(
            sentences("One. Two! \"Three?\" Version 3.5 is out"),
            ["One. ", "Two! ", "\"Three?\" ", "Version 3.5 is out"]
        );
        assert_eq!(sentences("第一句。第二句"), ["第一句。", "第二句"]);
        assert_eq!(sentences("End."), ["End."]);
        assert_eq!(sentences(""), Vec::<&str>::new());
    }

    #[test]
    fn urls_are_encoded_only_where_needed() {
        assert_eq!(
            encode_url("https://x.org/a b\"c"),
            "https://x.org/a%20b%22c"
        );
        assert_eq!(encode_url("ch002.xhtml#hội-nghị"), "ch002.xhtml#hội-nghị");
        assert_eq!(encode_url("https://x.org/a#b#c"), "https://x.org/a#b%23c");
        assert_eq!(encode_url("https://x.org/100%"), "https://x.org/100%25");
        assert_eq!(encode_url("https://x.org/a%20b"), "https://x.org/a%20b");
    }
}
