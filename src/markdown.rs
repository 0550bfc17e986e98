//! Markdown bodies → safe HTML, plain text and summaries (content.md §3 and the `summary` rule of §2).
//!
//! One pass over pulldown-cmark's event stream rewrites links and images (resolving relative
//! targets through the caller), highlights fenced code with syntect, renders footnotes with
//! prefixed ids and collects the plain text; pulldown-cmark's HTML writer then produces the markup,
//! which goes through ammonia unless the site allows raw HTML.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// What a relative link or image target in a body resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// The published URL of the target (without the `#…`/`?…` part, which is re-appended).
    Url(String),
    /// The target does not exist or is not allowed; the string explains why, in Chinese.
    Missing(String),
    /// An image published with its size, and maybe smaller copies for `srcset`.
    Image(ImageSize),
    /// An image whose target is a spreadsheet: embedded as this table (content.md §3.1).
    Table(Arc<crate::sheet::Table>),
}

/// What an `<img>` says of a published image besides its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSize {
    /// The copy shown by default (`src`, without the `#…`/`?…` part).
    pub src: String,
    /// Of the `src` copy, after the photo's orientation was applied.
    pub width: u32,
    pub height: u32,
    /// Every copy as (URL, width), narrowest first; empty when there is one size.
    pub srcset: Vec<(String, u32)>,
    /// The `sizes` attribute that goes with `srcset`.
    pub sizes: &'static str,
}

/// Whether a link is an image `![](…)` or a normal link `[](…)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LinkKind {
    Link,
    Image,
}

/// Per-site rendering switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions<'a> {
    /// `allow_raw_html` from site.yaml: pass raw HTML through instead of escaping it.
    pub allow_raw_html: bool,
    /// Where a link that leaves the site finds its QR code; none: links get no `data-qr`.
    pub qr: Option<QrLinks<'a>>,
}

/// How links that leave the site point at their QR codes (output.md "Kiosk": such links are
/// shown as QR codes, never followed). The codes are files made at build time, named by
/// [`qr_file`]; a link gets `data-qr="{root}qr/NAME.svg"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QrLinks<'a> {
    /// The URL path the site lives under (`/` or `/sub/`).
    pub root: &'a str,
    /// The site's own absolute URL (`base_url`): links below it stay on the site, with no code.
    pub own: &'a str,
}

/// A QR code holds at most 2,331 bytes at level M; a URL longer than this gets none.
const MAX_QR_URL_BYTES: usize = 2000;

/// The distinct URLs of one body that get a QR code: a body of 80,000 links must not make
/// 80,000 files (the others show their URL only).
const MAX_QR_URLS_PER_BODY: usize = 100;

/// The text a link's QR code holds: the URL the browser follows (protocol-relative ones on
/// https), with what `escape_href` percent-encodes, and every non-ASCII byte after the host,
/// percent-encoded as a browser does, so that any phone's scanner reads one plain URL.
pub fn qr_url(href: &str) -> String {
    let full = if href.starts_with("//") {
        format!("https:{href}")
    } else {
        href.to_string()
    };
    let host_end = full
        .find("//")
        .map(|i| i + 2)
        .and_then(|start| full[start..].find(['/', '?', '#']).map(|j| start + j))
        .unwrap_or(full.len());
    let (head, tail) = full.split_at(host_end);
    let mut out = String::with_capacity(full.len() + 16);
    out.push_str(head);
    for c in tail.chars() {
        if never_raw_in_url(c) || !c.is_ascii() {
            push_percent_encoded(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that are never valid raw in a URL.
fn never_raw_in_url(c: char) -> bool {
    matches!(
        c,
        '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | ' '
    ) || c.is_control()
}

/// `c` as its UTF-8 bytes, percent-encoded.
fn push_percent_encoded(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

/// The output file of the QR code of `url` (a [`qr_url`]): `qr/` and the first 16 hex digits
/// of its SHA-256, so that one URL linked from many records is one file.
pub fn qr_file(url: &str) -> String {
    let hash = crate::digest::sha256_hex(url.as_bytes());
    format!("qr/{}.svg", &hash[..16])
}

/// A relative link or image whose target the resolver reported missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Byte offset of the link (its `[` or `![`) in the body.
    pub offset: usize,
    /// The target as written in the body.
    pub target: String,
    /// The resolver's explanation.
    pub message: String,
}

/// A limit of one page that a body went over; it is not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    /// More than [`MAX_PAGE_ELEMENTS`]: the byte offset in the body where the limit was passed.
    Elements(usize),
    /// More than [`MAX_TABLE_CELLS`] table cells.
    TableCells(usize),
}

/// The result of rendering one body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Set when the body went over a limit of one page; then nothing else is filled in.
    pub too_large: Option<TooLarge>,
    /// Safe HTML.
    pub html: String,
    /// Plain text of the whole body (for search), blocks separated by '\n'.
    pub text: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub broken_links: Vec<BrokenLink>,
    /// Byte offsets (of the `![`) of images without alt text.
    pub missing_alt: Vec<usize>,
    /// The distinct URLs (as [`qr_url`] gives them) of the links that leave the site and carry
    /// a `data-qr`, at most a hundred: their QR codes must be made.
    pub qr_urls: Vec<String>,
}

/// Class prefix of the highlighter; `highlight_css` uses the same one.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Light theme shipped with syntect's default theme dump.
const HIGHLIGHT_THEME: &str = "InspiredGitHub";

/// syntect's regex engine can go superlinear on huge lines; such blocks are shown unhighlighted.
const MAX_HIGHLIGHT_BYTES: usize = 128 * 1024;
const MAX_HIGHLIGHT_LINE_BYTES: usize = 4 * 1024;

/// Syntax highlighting costs about a second for every 100 KB of code; beyond this much code on one
/// page, blocks are shown as plain code (the same text, uncoloured).
pub const MAX_HIGHLIGHT_PAGE_BYTES: usize = 256 * 1024;

/// A page with more elements than this (paragraphs, links, emphasis, list items, table cells…) is
/// refused: each costs memory in the parser, the HTML sanitiser and the browser, and 16 MB of
/// `*a* ` made four million of them (40 s and 2.8 GB). A long record has a few thousand.
pub const MAX_PAGE_ELEMENTS: usize = 200_000;

/// Table cells on one page, of Markdown tables and embedded spreadsheets: a table of 5,000 columns
/// filling a file took 35 s and 4 GB. 100,000 is a list of 10,000 households with ten columns.
pub const MAX_TABLE_CELLS: usize = 100_000;

/// html5ever (inside ammonia) is quadratic in element nesting depth: 10,000 nested `>` take seconds.
/// Quotes and lists deeper than this are flattened; no real disclosure nests this deep.
const MAX_NESTING: usize = 32;

/// Loading the syntax dump takes milliseconds; do it once per process, not per record.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Building an ammonia configuration allocates several sets; share one across all records/threads.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(build_sanitizer);

/// Renders a record body. `resolve` is called for every link/image target that is a relative path
/// (not absolute URL with a scheme, not `#anchor`, not `mailto:`/`tel:`, not starting with `/`); the
/// part after `#` or `?` is kept and re-appended to the resolved URL. Root-relative targets (starting
/// with `/`) are passed to `root_relative` to be prefixed (the site may live under a sub-path)
/// and checked against the published site; a missing one is broken like a relative one.
/// An image whose target is a spreadsheet is resolved with its `#sheet` part (`名单.xlsx#第二批`),
/// since that part chooses what is embedded; it may come back as a table.
pub fn render(
    body: &str,
    opts: &RenderOptions<'_>,
    resolve: &dyn Fn(&str, LinkKind) -> LinkTarget,
    root_relative: &dyn Fn(&str) -> LinkTarget,
) -> Rendered {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);

    let mut r = Renderer {
        allow_raw_html: opts.allow_raw_html,
        qr: opts.qr,
        qr_urls: Vec::new(),
        resolve,
        root_relative,
        out: Vec::new(),
        broken: Vec::new(),
        missing_alt: Vec::new(),
        image_size: None,
        text: TextSink::default(),
        image: None,
        code: None,
        footnotes: HashMap::new(),
        nesting: Vec::new(),
        kept_depth: 0,
        in_paragraph: false,
        paragraph_closed: false,
        table_at: None,
        highlight_left: MAX_HIGHLIGHT_PAGE_BYTES,
        cells: 0,
    };
    let mut elements = 0usize;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if let Event::Start(tag) = &event {
            elements += 1;
            if matches!(tag, Tag::TableCell) {
                r.cells += 1;
            }
        }
        // An embedded spreadsheet adds its cells when its image starts.
        r.event(event, range.start);
        let over = if r.cells > MAX_TABLE_CELLS {
            Some(TooLarge::TableCells(range.start))
        } else if elements > MAX_PAGE_ELEMENTS {
            Some(TooLarge::Elements(range.start))
        } else {
            None
        };
        if over.is_some() {
            return Rendered {
                too_large: over,
                ..Rendered::default()
            };
        }
    }
    r.finish_dangling();

    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    if !opts.allow_raw_html {
        // Defence in depth: raw HTML was already escaped, but anything that slipped through
        // (e.g. a `javascript:` link target) is removed here.
        html = SANITIZER.clean(&html).to_string();
    }

    let (text, first_paragraph) = r.text.finish();
    Rendered {
        too_large: None,
        html,
        text,
        first_paragraph,
        broken_links: r.broken,
        missing_alt: r.missing_alt,
        qr_urls: r.qr_urls,
    }
}

/// The summary rule: the text cut at a sentence end (。！？!?；; and '.' followed by space/end) to at
/// most `max_chars` characters (chars, not bytes); if no sentence end fits, cut at max_chars-1 chars
/// and append '…'. Whitespace collapsed.
pub fn summarize(text: &str, max_chars: usize) -> String {
    // Collapse whitespace lazily and stop early: only max_chars + 1 chars are ever needed
    // (the extra one tells whether the text is longer and whether a '.' ends a sentence).
    let limit = max_chars.saturating_add(1);
    let mut chars: Vec<char> = Vec::with_capacity(limit.min(1024));
    'words: for word in text.split_whitespace() {
        if !chars.is_empty() {
            if chars.len() >= limit {
                break;
            }
            chars.push(' ');
        }
        for c in word.chars() {
            if chars.len() >= limit {
                break 'words;
            }
            chars.push(c);
        }
    }
    if chars.len() <= max_chars {
        return chars.into_iter().collect();
    }
    if max_chars == 0 {
        return String::new();
    }

    // Last sentence end within the first max_chars chars.
    let mut cut = None;
    for i in (0..max_chars).rev() {
        let c = chars[i];
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' | '；' | ';' => true,
            '.' => chars.get(i + 1).is_none_or(|n| *n == ' '),
            _ => false,
        };
        if ends {
            cut = Some(i + 1);
            break;
        }
    }
    if let Some(mut end) = cut {
        // Keep closing quotes/brackets that belong to the sentence (“好。”) if they still fit.
        while end < max_chars && chars.get(end).is_some_and(|c| is_closing_mark(*c)) {
            end += 1;
        }
        return chars[..end]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_owned();
    }
    let mut s: String = chars[..max_chars - 1].iter().collect();
    s.truncate(s.trim_end().len());
    s.push('…');
    s
}

/// CSS for the class-based syntax highlighting (light theme), to be written into the theme's static
/// files.
pub fn highlight_css() -> String {
    // Called once per build, so the theme set is not cached.
    let themes = ThemeSet::load_defaults();
    themes
        .themes
        .get(HIGHLIGHT_THEME)
        .or_else(|| themes.themes.values().next())
        .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Event rewriting

struct ImageState {
    src: Option<String>,
    size: Option<ImageSize>,
    /// Where the `![` is, for a warning when there is no alt text.
    offset: usize,
    /// A spreadsheet embedded in place of the image.
    table: Option<Arc<crate::sheet::Table>>,
    title: String,
    alt: String,
    /// Nesting depth of tags inside the image description.
    depth: usize,
}

struct CodeState {
    lang: Option<String>,
    code: String,
}

struct Renderer<'a, 'f> {
    allow_raw_html: bool,
    qr: Option<QrLinks<'f>>,
    /// What `Rendered::qr_urls` says.
    qr_urls: Vec<String>,
    resolve: &'f dyn Fn(&str, LinkKind) -> LinkTarget,
    root_relative: &'f dyn Fn(&str) -> LinkTarget,
    out: Vec<Event<'a>>,
    broken: Vec<BrokenLink>,
    missing_alt: Vec<usize>,
    /// Set by `target` when the resolver returned an image's size.
    image_size: Option<ImageSize>,
    text: TextSink,
    image: Option<ImageState>,
    code: Option<CodeState>,
    /// Footnote label → number, in order of first appearance (as pulldown-cmark numbers them).
    footnotes: HashMap<String, usize>,
    /// For each open quote/list/item: whether its tags were written (see `MAX_NESTING`).
    nesting: Vec<bool>,
    /// How many of the open quote/list/item tags were written.
    kept_depth: usize,
    /// Inside a paragraph; and whether an embedded table closed it early (see `finish_image`).
    in_paragraph: bool,
    paragraph_closed: bool,
    /// Where the open table's scroll wrapper sits in `out`: it is written at the table's end,
    /// when its header (its label) is known.
    table_at: Option<usize>,
    /// Bytes of code that may still be highlighted on this page (`MAX_HIGHLIGHT_PAGE_BYTES`).
    highlight_left: usize,
    /// Table cells so far, of Markdown tables and embedded spreadsheets (`MAX_TABLE_CELLS`).
    cells: usize,
}

impl<'a> Renderer<'a, '_> {
    fn html(&mut self, s: String) {
        self.out.push(Event::InlineHtml(CowStr::from(s)));
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.code.is_some() {
            self.code_event(event);
            return;
        }
        if self.image.is_some() {
            self.image_event(event, offset);
            return;
        }
        // Inline content after a table that closed its paragraph opens a new one.
        if self.paragraph_closed && !matches!(event, Event::End(_)) {
            self.paragraph_closed = false;
            self.out.push(Event::Start(Tag::Paragraph));
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                self.text.push(&t);
                self.out.push(Event::Text(t));
            }
            Event::Code(t) => {
                self.text.push(&t);
                self.out.push(Event::Code(t));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                // Not enabled in Options; treated as code if a future option turns it on.
                self.text.push(&t);
                self.out.push(Event::Code(t));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // Raw HTML is left out of the plain text either way: tags are noise in search.
                if self.allow_raw_html {
                    self.out.push(Event::InlineHtml(h));
                } else {
                    // The HTML writer escapes text, so the markup is shown, never executed.
                    self.out.push(Event::Text(h));
                }
            }
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(&label);
                self.html(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>"
                ));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text.line_break();
                self.out.push(event);
            }
            Event::Rule => {
                self.text.flush(BlockKind::Loose);
                self.out.push(Event::Rule);
            }
            Event::TaskListMarker(_) => self.out.push(event),
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        match tag {
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let href = if link_type == LinkType::Email {
                    Some(format!("mailto:{dest_url}"))
                } else {
                    self.target(&dest_url, LinkKind::Link, offset)
                };
                let external = href.as_deref().is_some_and(is_external);
                let mut s = String::from("<a");
                if let Some(href) = &href {
                    s.push_str(" href=\"");
                    escape_href(&mut s, href);
                    s.push('"');
                }
                if !title.is_empty() {
                    s.push_str(" title=\"");
                    escape_html(&mut s, &title);
                    s.push('"');
                }
                if external {
                    s.push_str(" rel=\"noopener\"");
                    if let Some(file) = href.as_deref().and_then(|h| self.qr_file(h)) {
                        s.push_str(" data-qr=\"");
                        escape_html(&mut s, &file);
                        s.push('"');
                    }
                }
                s.push('>');
                self.html(s);
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.image_size = None;
                let (src, table) = match self.image_target(&dest_url, offset) {
                    Some(ImageTarget::Url(url)) => (Some(url), None),
                    Some(ImageTarget::Table(table)) => {
                        self.cells += table.rows.iter().map(|r| r.cells.len()).sum::<usize>();
                        (None, Some(table))
                    }
                    None => (None, None),
                };
                self.image = Some(ImageState {
                    src,
                    table,
                    size: self.image_size.take(),
                    offset,
                    title: title.into_string(),
                    alt: String::new(),
                    depth: 0,
                });
            }
            Tag::CodeBlock(kind) => {
                self.text.flush(BlockKind::Loose);
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(CodeState {
                    lang,
                    code: String::new(),
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.text.flush(BlockKind::Loose);
                self.text.footnote_depth += 1;
                let n = self.footnote_number(&label);
                self.html(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{n}\">\
                     <sup class=\"footnote-definition-label\">{n}</sup>"
                ));
            }
            Tag::Table(_) => {
                self.text.flush(BlockKind::Loose);
                // Lets wide tables scroll sideways on phones instead of widening the page; a
                // placeholder until the table's end names the region.
                self.table_at = Some(self.out.len());
                self.html(String::new());
                self.out.push(Event::Start(tag));
            }
            Tag::HtmlBlock if !self.allow_raw_html => {
                self.text.flush(BlockKind::Loose);
                // The escaped markup is shown as a paragraph of its own.
                self.html("<p>".to_owned());
                self.out.push(Event::Start(tag));
            }
            Tag::TableCell
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => self.out.push(Event::Start(tag)),
            Tag::BlockQuote(_) | Tag::List(_) | Tag::Item => {
                self.text.flush(BlockKind::Loose);
                let keep = self.kept_depth < MAX_NESTING;
                self.nesting.push(keep);
                if keep {
                    self.kept_depth += 1;
                    self.out.push(Event::Start(tag));
                } else if matches!(tag, Tag::Item) {
                    // A void element keeps flattened items apart without nesting further.
                    self.html("<br>".to_owned());
                }
            }
            _ => {
                // Every other tag starts a block: what came before is a block of its own.
                self.text.flush(BlockKind::Loose);
                self.in_paragraph |= matches!(tag, Tag::Paragraph);
                self.out.push(Event::Start(tag));
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if tag == TagEnd::Paragraph {
            self.in_paragraph = false;
            if std::mem::take(&mut self.paragraph_closed) {
                self.text.flush(BlockKind::Paragraph);
                return;
            }
        }
        match tag {
            TagEnd::Paragraph => self.text.flush(BlockKind::Paragraph),
            TagEnd::Heading(_) => self.text.flush(BlockKind::Other),
            TagEnd::TableCell => self.text.push(" "),
            TagEnd::TableHead | TagEnd::TableRow => self.text.flush(BlockKind::Other),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {}
            _ => self.text.flush(BlockKind::Loose),
        }
        if matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) {
            // Events are balanced, so this pops the flag pushed by the matching start.
            if !self.nesting.pop().unwrap_or(true) {
                return;
            }
            self.kept_depth = self.kept_depth.saturating_sub(1);
        }
        self.out.push(Event::End(tag));
        match tag {
            TagEnd::Table => {
                if let Some(at) = self.table_at.take() {
                    let wrapper = table_wrapper(&self.out[at..]);
                    self.out[at] = Event::InlineHtml(CowStr::from(wrapper));
                }
                self.html("</div>\n".to_owned());
            }
            TagEnd::HtmlBlock if !self.allow_raw_html => self.html("</p>\n".to_owned()),
            TagEnd::FootnoteDefinition => {
                self.text.footnote_depth = self.text.footnote_depth.saturating_sub(1);
            }
            _ => {}
        }
    }

    /// Events inside a code block: only text is expected.
    fn code_event(&mut self, event: Event<'a>) {
        match event {
            Event::Text(t) => {
                if let Some(code) = self.code.as_mut() {
                    code.code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => self.finish_code(),
            _ => {}
        }
    }

    fn finish_code(&mut self) {
        let Some(CodeState { lang, code }) = self.code.take() else {
            return;
        };
        self.text
            .push_block(code.trim_end_matches('\n'), BlockKind::Other);
        let highlighted = match lang.as_deref() {
            Some(l) if code.len() <= self.highlight_left => {
                self.highlight_left -= code.len();
                highlight(l, &code)
            }
            // Over the page's budget: this block (and any larger one) stays plain.
            _ => None,
        };
        let html = match (highlighted, lang) {
            (Some(spans), Some(lang)) => {
                let mut s = String::with_capacity(spans.len() + 64);
                s.push_str("<pre class=\"hl-code\"><code class=\"language-");
                escape_html(&mut s, &lang);
                s.push_str("\">");
                s.push_str(&spans);
                s.push_str("</code></pre>\n");
                s
            }
            _ => {
                let mut s = String::with_capacity(code.len() + 32);
                s.push_str("<pre><code>");
                escape_html(&mut s, &code);
                s.push_str("</code></pre>\n");
                s
            }
        };
        self.out.push(Event::Html(CowStr::from(html)));
    }

    /// Events inside an image description: they make up the alt text.
    fn image_event(&mut self, event: Event<'a>, offset: usize) {
        match event {
            Event::Start(tag) => {
                // Nested links/images are not rendered but their targets must still exist.
                match &tag {
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    } if *link_type != LinkType::Email => {
                        self.target(dest_url, LinkKind::Link, offset);
                    }
                    Tag::Image { dest_url, .. } => {
                        self.target(dest_url, LinkKind::Image, offset);
                    }
                    _ => {}
                }
                if let Some(img) = self.image.as_mut() {
                    img.depth += 1;
                }
            }
            Event::End(_) => {
                let done = match self.image.as_mut() {
                    Some(img) if img.depth > 0 => {
                        img.depth -= 1;
                        false
                    }
                    _ => true,
                };
                if done {
                    self.finish_image();
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if let Some(img) = self.image.as_mut() {
                    img.alt.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(img) = self.image.as_mut() {
                    img.alt.push(' ');
                }
            }
            _ => {}
        }
    }

    fn finish_image(&mut self) {
        let Some(img) = self.image.take() else {
            return;
        };
        if let Some(table) = &img.table {
            self.embed_table(table, img.alt.trim());
            return;
        }
        let mut s = String::from("<img");
        if let Some(src) = img.src {
            s.push_str(" src=\"");
            escape_href(&mut s, &src);
            s.push('"');
        }
        if let Some(size) = &img.size {
            if !size.srcset.is_empty() {
                s.push_str(" srcset=\"");
                for (i, (url, w)) in size.srcset.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    escape_href(&mut s, url);
                    s.push_str(&format!(" {w}w"));
                }
                s.push_str("\" sizes=\"");
                escape_html(&mut s, size.sizes);
                s.push('"');
            }
            s.push_str(&format!(
                " width=\"{}\" height=\"{}\"",
                size.width, size.height
            ));
        }
        let alt = img.alt.trim();
        if alt.is_empty() {
            self.missing_alt.push(img.offset);
        }
        s.push_str(" alt=\"");
        escape_html(&mut s, alt);
        s.push('"');
        if !img.title.is_empty() {
            s.push_str(" title=\"");
            escape_html(&mut s, &img.title);
            s.push('"');
        }
        s.push_str(" loading=\"lazy\">");
        self.html(s);
    }

    /// A spreadsheet as a table: the alt text its caption, the first row its header, in a
    /// labelled region that scrolls sideways on a phone (a block, so a paragraph around it is
    /// closed first and reopened for what follows).
    fn embed_table(&mut self, table: &crate::sheet::Table, caption: &str) {
        use crate::sheet::Span;
        if self.in_paragraph && !self.paragraph_closed {
            if matches!(self.out.last(), Some(Event::Start(Tag::Paragraph))) {
                self.out.pop();
            } else {
                self.out.push(Event::End(TagEnd::Paragraph));
            }
            self.paragraph_closed = true;
        }
        self.text.flush(BlockKind::Paragraph);
        // A region needs a name; without alt text the sheet's own name serves.
        let label = if caption.is_empty() {
            table.sheet.as_str()
        } else {
            caption
        };
        let mut s =
            String::from("<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"");
        escape_html(&mut s, label);
        s.push_str("\" tabindex=\"0\"><table class=\"sheet\">");
        if !caption.is_empty() {
            s.push_str("<caption>");
            escape_html(&mut s, caption);
            s.push_str("</caption>");
            self.text.push(caption);
            self.text.flush(BlockKind::Other);
        }
        // A header cell merged down into the body cannot span out of <thead>: it spans one row,
        // and the body cells it covered are written empty. Per column: body rows still covered.
        let mut from_header: Vec<u32> = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            let cell_tag = if i == 0 { "th" } else { "td" };
            match i {
                0 => s.push_str("<thead><tr>"),
                1 => s.push_str("<tbody><tr>"),
                _ => s.push_str("<tr>"),
            }
            for (k, cell) in row.cells.iter().enumerate() {
                let (rows, cols) = match cell.span {
                    Span::Covered if i > 0 && from_header.get(k).is_some_and(|&n| n > 0) => {
                        s.push_str("<td></td>");
                        continue;
                    }
                    Span::Covered => continue,
                    Span::Single => (1, 1),
                    Span::Merged { rows, cols } if i == 0 && rows > 1 => {
                        from_header.resize(row.cells.len(), 0);
                        for n in from_header.iter_mut().skip(k).take(cols as usize) {
                            *n = rows - 1;
                        }
                        (1, cols)
                    }
                    Span::Merged { rows, cols } => (rows, cols),
                };
                s.push('<');
                s.push_str(cell_tag);
                if i == 0 {
                    s.push_str(" scope=\"col\"");
                }
                if cols > 1 {
                    s.push_str(&format!(" colspan=\"{cols}\""));
                }
                if rows > 1 {
                    s.push_str(&format!(" rowspan=\"{rows}\""));
                }
                s.push('>');
                escape_html(&mut s, &cell.text);
                s.push_str("</");
                s.push_str(cell_tag);
                s.push('>');
                self.text.push(&cell.text);
                self.text.push(" ");
            }
            s.push_str("</tr>");
            if i == 0 {
                s.push_str("</thead>");
            } else {
                from_header
                    .iter_mut()
                    .for_each(|n| *n = n.saturating_sub(1));
            }
            self.text.flush(BlockKind::Other);
        }
        if table.rows.len() > 1 {
            s.push_str("</tbody>");
        }
        s.push_str("</table></div>\n");
        self.out.push(Event::Html(CowStr::from(s)));
    }

    /// The `data-qr` of a link that leaves the site, noting its URL; none without `qr`, for the
    /// site's own absolute URLs and for URLs too long for a QR code.
    fn qr_file(&mut self, href: &str) -> Option<String> {
        let qr = self.qr?;
        let url = qr_url(href);
        if (!qr.own.is_empty() && url.starts_with(qr.own)) || url.len() > MAX_QR_URL_BYTES {
            return None;
        }
        let file = format!("{}{}", qr.root, qr_file(&url));
        if !self.qr_urls.contains(&url) {
            if self.qr_urls.len() >= MAX_QR_URLS_PER_BODY {
                return None;
            }
            self.qr_urls.push(url);
        }
        Some(file)
    }

    /// A target that does not exist: recorded as broken, and kept as written so the page still
    /// renders.
    fn missing(&mut self, offset: usize, dest: &str, message: String) -> Option<String> {
        self.broken.push(BrokenLink {
            offset,
            target: dest.to_owned(),
            message,
        });
        Some(dest.to_owned())
    }

    /// An image's target: a URL, or a table for a spreadsheet, whose `#sheet` part the resolver
    /// needs (the part after `#` of any other image is kept for the URL).
    fn image_target(&mut self, dest: &str, offset: usize) -> Option<ImageTarget> {
        let split = dest.find(['#', '?']).unwrap_or(dest.len());
        let path = percent_decode(dest.get(..split).unwrap_or(dest)).into_owned();
        if classify(dest) != TargetClass::Relative || !crate::sheet::is_spreadsheet(&path) {
            return self
                .target(dest, LinkKind::Image, offset)
                .map(ImageTarget::Url);
        }
        match (self.resolve)(&percent_decode(dest), LinkKind::Image) {
            LinkTarget::Table(table) => Some(ImageTarget::Table(table)),
            LinkTarget::Url(url) => Some(ImageTarget::Url(url)),
            LinkTarget::Image(size) => Some(ImageTarget::Url(size.src)),
            LinkTarget::Missing(message) => {
                self.missing(offset, dest, message).map(ImageTarget::Url)
            }
        }
    }

    /// pulldown-cmark balances its events, but never let an open state swallow output silently.
    fn finish_dangling(&mut self) {
        if self.image.is_some() {
            self.finish_image();
        }
        if self.code.is_some() {
            self.finish_code();
        }
        self.text.flush(BlockKind::Loose);
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_owned()).or_insert(next)
    }

    /// The URL a link/image target is written out with, or `None` to drop it (unsafe scheme).
    /// Relative targets go through the resolver; a missing one is recorded as broken and kept as
    /// written so the page still renders.
    fn target(&mut self, dest: &str, kind: LinkKind, offset: usize) -> Option<String> {
        match classify(dest) {
            TargetClass::Unsafe => None,
            TargetClass::Keep | TargetClass::External => Some(dest.to_owned()),
            TargetClass::RootRelative => {
                // An image under static/ named from the site root still gets its size.
                if kind == LinkKind::Image {
                    let split = dest.find(['#', '?']).unwrap_or(dest.len());
                    let (path, suffix) = dest.split_at(split);
                    if let LinkTarget::Image(size) = (self.resolve)(&percent_decode(path), kind) {
                        let src = format!("{}{suffix}", size.src);
                        self.image_size = Some(size);
                        return Some(src);
                    }
                }
                match (self.root_relative)(dest) {
                    LinkTarget::Url(url) => Some(url),
                    LinkTarget::Image(size) => Some(size.src),
                    LinkTarget::Table(_) => None,
                    LinkTarget::Missing(message) => self.missing(offset, dest, message),
                }
            }
            TargetClass::Relative => {
                let split = dest.find(['#', '?']).unwrap_or(dest.len());
                let (path, suffix) = dest.split_at(split);
                if path.is_empty() {
                    // `?query` alone refers to the page itself.
                    return Some(dest.to_owned());
                }
                match (self.resolve)(&percent_decode(path), kind) {
                    LinkTarget::Url(url) => Some(url + suffix),
                    LinkTarget::Image(size) => {
                        let src = format!("{}{suffix}", size.src);
                        self.image_size = Some(size);
                        Some(src)
                    }
                    // Only an image is embedded as a table; a link to one goes nowhere.
                    LinkTarget::Table(_) => None,
                    LinkTarget::Missing(message) => self.missing(offset, dest, message),
                }
            }
        }
    }
}

enum ImageTarget {
    Url(String),
    Table(Arc<crate::sheet::Table>),
}

#[derive(Debug, PartialEq, Eq)]
enum TargetClass {
    /// `#anchor`, `?query`, empty, or a non-web scheme such as `mailto:`/`tel:`: left as written.
    Keep,
    /// `http(s)://…` or protocol-relative `//…`: left as written, gets `rel="noopener"`.
    External,
    /// Script-capable scheme: the attribute is dropped.
    Unsafe,
    RootRelative,
    Relative,
}

fn classify(dest: &str) -> TargetClass {
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('?') {
        return TargetClass::Keep;
    }
    if dest.starts_with("//") {
        return TargetClass::External;
    }
    if dest.starts_with('/') {
        return TargetClass::RootRelative;
    }
    match scheme(dest) {
        Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => {
            TargetClass::External
        }
        Some(s)
            if s.eq_ignore_ascii_case("javascript")
                || s.eq_ignore_ascii_case("vbscript")
                || s.eq_ignore_ascii_case("data") =>
        {
            TargetClass::Unsafe
        }
        Some(_) => TargetClass::Keep,
        None => TargetClass::Relative,
    }
}

/// The URL scheme per RFC 3986 (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`). Browsers drop
/// tabs and newlines inside URLs, so those are skipped too (`java\tscript:` is still a scheme).
fn scheme(dest: &str) -> Option<String> {
    let mut s = String::new();
    for c in dest.trim_start_matches(|c: char| c <= ' ').chars() {
        match c {
            ':' => return (!s.is_empty()).then_some(s),
            '\t' | '\n' | '\r' => {}
            c if c.is_ascii_alphabetic() => s.push(c),
            c if !s.is_empty() && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => s.push(c),
            _ => return None,
        }
    }
    None
}

fn is_external(url: &str) -> bool {
    classify(url) == TargetClass::External
}

/// `%E4%BC%9A.md` → `会.md`, so files with Chinese names resolve whether or not the author
/// percent-encoded them. Anything that does not decode to UTF-8 is passed on as written.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|h| (*h as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|l| (*l as char).to_digit(16));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                // Two hex digits always fit in a byte.
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(s),
    }
}

// ---------------------------------------------------------------------------------------------
// Highlighting

fn highlight(lang: &str, code: &str) -> Option<String> {
    if code.len() > MAX_HIGHLIGHT_BYTES {
        return None;
    }
    let syntaxes: &SyntaxSet = &SYNTAXES;
    let syntax = syntaxes.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if line.len() > MAX_HIGHLIGHT_LINE_BYTES {
            return None;
        }
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The opening of a table's scroll region (output.md "For everyone"): focusable, so a keyboard
/// scrolls it, and labelled by the table's first header cells, which say what the table lists.
/// `table-scroll` is the class every theme styles, for Markdown tables and embedded sheets alike.
fn table_wrapper(table: &[Event]) -> String {
    let mut heads: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    for e in table {
        match e {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let Some(c) = cell.take().filter(|c| !c.trim().is_empty()) {
                    heads.push(c.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
    }
    let mut label = String::from("表格");
    if !heads.is_empty() {
        let shown = heads.len().min(3);
        label.push('：');
        label.push_str(&heads[..shown].join("、"));
        if heads.len() > shown {
            label.push('等');
        }
    }
    let mut s = String::from(
        "<div class=\"table-wrap table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"",
    );
    escape_html(&mut s, &label);
    s.push_str("\">");
    s
}

// ---------------------------------------------------------------------------------------------
// Sanitising

fn build_sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_tags(&["input"])
        // Only our own markup can carry classes: raw HTML is escaped before sanitising.
        .add_generic_attributes(&["class"])
        .add_tag_attributes("a", &["rel", "data-qr"])
        .add_tag_attributes("img", &["loading", "srcset", "sizes", "width", "height"])
        .add_tag_attributes("div", &["id", "role", "aria-label", "tabindex"])
        .add_tag_attributes("th", &["scope"])
        .add_tag_attributes("input", &["type", "disabled", "checked"])
        .add_tag_attributes("th", &["style"])
        .add_tag_attributes("td", &["style"])
        // rel is set per link (external only), so ammonia must not add its own.
        .link_rel(None)
        .attribute_filter(|element, attribute, value| {
            let keep = match (element, attribute) {
                ("input", "type") => value == "checkbox",
                ("th" | "td", "style") => matches!(
                    value,
                    "text-align: left" | "text-align: center" | "text-align: right"
                ),
                ("div", "role") => value == "region",
                ("div", "tabindex") => value == "0",
                ("div", "id") => value
                    .strip_prefix("fn-")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
                ("a", "rel") => value == "noopener",
                // Ours only: a QR code file of the site, `{root}qr/HASH.svg`.
                ("a", "data-qr") => {
                    value.starts_with('/')
                        && !value.starts_with("//")
                        && !value.contains(':')
                        && value.ends_with(".svg")
                }
                ("img", "loading") => value == "lazy",
                ("img", "width" | "height") => {
                    !value.is_empty()
                        && value.len() < 6
                        && value.bytes().all(|b| b.is_ascii_digit())
                }
                // Ours only: site paths with a width each, never a scheme.
                ("img", "srcset") => value.split(", ").all(|candidate| {
                    candidate.split_once(' ').is_some_and(|(url, w)| {
                        url.starts_with('/')
                            && !url.starts_with("//")
                            && !url.contains(':')
                            && w.strip_suffix('w').is_some_and(|n| {
                                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                            })
                    })
                }),
                ("img", "sizes") => value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b" (),:-.".contains(&b)),
                _ => true,
            };
            keep.then_some(Cow::Borrowed(value))
        });
    b
}

/// Escapes what can break out of text or a quoted attribute, and nothing else.
pub fn escape_html(out: &mut String, s: &str) {
    // Runs without a special character are copied whole: most text (all of Chinese text) has
    // none, and Tera escapes every string it evaluates, even one it only tests for truth.
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
}

/// Attribute-safe URL: characters that are never valid raw in a URL are percent-encoded, the rest
/// (including non-ASCII, which browsers handle) is kept.
fn escape_href(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            c if never_raw_in_url(c) => push_percent_encoded(out, c),
            _ => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plain text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    /// A real paragraph: candidate for `first_paragraph`.
    Paragraph,
    /// Text directly in a list item, quote etc.: fallback when the body has no paragraph.
    Loose,
    /// Headings, table rows, code: never a summary.
    Other,
}

#[derive(Default)]
struct TextSink {
    text: String,
    block: String,
    first_paragraph: Option<String>,
    fallback: Option<String>,
    footnote_depth: usize,
}

impl TextSink {
    fn push(&mut self, s: &str) {
        self.block.push_str(s);
    }

    /// Marks a source line break; resolved at flush time depending on the neighbouring characters.
    fn line_break(&mut self) {
        self.block.push('\n');
    }

    fn flush(&mut self, kind: BlockKind) {
        if self.block.is_empty() {
            return;
        }
        let block = std::mem::take(&mut self.block);
        let joined = join_lines(&block);
        self.push_block(joined.trim(), kind);
    }

    fn push_block(&mut self, block: &str, kind: BlockKind) {
        if block.trim().is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(block);
        if self.footnote_depth == 0 {
            match kind {
                BlockKind::Paragraph if self.first_paragraph.is_none() => {
                    self.first_paragraph = Some(block.to_owned());
                }
                BlockKind::Loose if self.fallback.is_none() => {
                    self.fallback = Some(block.to_owned());
                }
                _ => {}
            }
        }
    }

    fn finish(self) -> (String, String) {
        let first = self.first_paragraph.or(self.fallback).unwrap_or_default();
        (self.text, first)
    }
}

/// Joins the lines of one block: a break between two CJK characters disappears (Chinese has no
/// spaces between words), any other break becomes a space.
fn join_lines(block: &str) -> String {
    if !block.contains('\n') {
        return block.to_owned();
    }
    let mut out = String::with_capacity(block.len());
    let mut prev: Option<char> = None;
    let mut pending_break = false;
    for c in block.chars() {
        if c == '\n' {
            pending_break = true;
            continue;
        }
        if pending_break {
            pending_break = false;
            let glue = !(prev.is_some_and(is_cjk) && is_cjk(c));
            if glue && !out.ends_with(' ') && c != ' ' {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF     // radicals, CJK punctuation, kana, unified ideographs
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0xFE30..=0xFE4F   // compatibility forms
        | 0xFF00..=0xFFEF   // full-width forms
        | 0x20000..=0x3FFFF // extension ideographs
    )
}

fn is_closing_mark(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '〉' | '】' | '"' | '\''
    )
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn escape_html_escapes_the_five_and_keeps_the_rest() {
        let mut out = String::new();
        escape_html(&mut out, "<a href=\"x\">路灯 & 'ＰＤＦ'</a>");
        assert_eq!(
            out,
            "&lt;a href=&quot;x&quot;&gt;路灯 &amp; &#39;ＰＤＦ&#39;&lt;/a&gt;"
        );
        out.clear();
        escape_html(&mut out, "南段路灯");
        assert_eq!(out, "南段路灯");
        out.clear();
        escape_html(&mut out, "&");
        assert_eq!(out, "&amp;");
    }

    fn no_resolve(path: &str, _: LinkKind) -> LinkTarget {
        LinkTarget::Missing(format!("不应解析：{path}"))
    }

    fn root(p: &str) -> LinkTarget {
        LinkTarget::Url(format!("/sub{p}"))
    }

    fn safe() -> RenderOptions<'static> {
        RenderOptions {
            allow_raw_html: false,
            qr: None,
        }
    }

    fn md(body: &str) -> Rendered {
        render(body, &safe(), &no_resolve, &root)
    }

    #[test]
    fn a_page_over_the_element_limit_is_refused_where_it_passes_it() {
        // One paragraph and MAX - 1 emphasis elements: at the limit, rendered.
        let at = "*a* ".repeat(MAX_PAGE_ELEMENTS - 1);
        let r = md(&at);
        assert_eq!(r.too_large, None);
        assert_eq!(r.html.matches("<em>").count(), MAX_PAGE_ELEMENTS - 1);
        // One more: refused, at the last emphasis, and nothing else is made.
        let over = "*a* ".repeat(MAX_PAGE_ELEMENTS);
        let r = md(&over);
        assert_eq!(
            r.too_large,
            Some(TooLarge::Elements(4 * (MAX_PAGE_ELEMENTS - 1)))
        );
        assert!(r.html.is_empty() && r.text.is_empty() && r.broken_links.is_empty());
    }

    #[test]
    fn a_page_over_the_table_cell_limit_is_refused_at_the_row() {
        // Ten columns: the header and 9,999 rows make exactly MAX_TABLE_CELLS cells.
        let row = "|a|b|c|d|e|f|g|h|i|j|\n";
        let table = |rows: usize| format!("{row}|-|-|-|-|-|-|-|-|-|-|\n{}", row.repeat(rows));
        assert_eq!(MAX_TABLE_CELLS, 10 * 10_000);
        let r = md(&table(9_999));
        assert_eq!(r.too_large, None);
        assert_eq!(r.html.matches("<td>").count(), 10 * 9_999);
        // A short row counts the cells the table gives it, not those written.
        let body = format!("{}|x|\n", table(9_999));
        let r = md(&body);
        assert_eq!(
            r.too_large,
            Some(TooLarge::TableCells(table(9_999).len() + 1))
        );
    }

    #[test]
    fn highlighting_stops_at_the_page_budget_and_the_rest_is_plain_code() {
        // Three blocks of ~100 KB: two fit in the budget, the third is shown plain.
        let line = format!("let x = {}1;\n", "a + ".repeat(25));
        let code = line.repeat(100 * 1024 / line.len());
        assert!(2 * code.len() <= MAX_HIGHLIGHT_PAGE_BYTES);
        assert!(3 * code.len() > MAX_HIGHLIGHT_PAGE_BYTES);
        let block = format!("```rust\n{code}```\n\n");
        let r = md(&block.repeat(3));
        assert_eq!(r.html.matches("<pre class=\"hl-code\">").count(), 2);
        assert_eq!(r.html.matches("<pre><code>").count(), 1);
        // A block without a language spends nothing of the budget.
        let plain = format!("```\n{code}```\n\n").repeat(3);
        let r = md(&format!("{plain}{block}"));
        assert_eq!(r.html.matches("<pre class=\"hl-code\">").count(), 1);
    }

    /// Every tag in the output (text is escaped, so each '<' starts a real tag), lower-cased.
    fn tags(html: &str) -> Vec<String> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let after = &rest[start..];
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            tags.push(after[..end].to_ascii_lowercase());
            rest = &after[end..];
        }
        tags
    }

    fn assert_inert(html: &str) {
        for tag in tags(html) {
            for bad in [
                "<script",
                "<iframe",
                "<object",
                "<embed",
                "<style",
                "<svg",
                "<form",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "vbscript:",
                "style=\"color",
                "srcdoc",
            ] {
                assert!(!tag.contains(bad), "executable markup {tag:?} in {html}");
            }
        }
    }

    fn sheet_table() -> Arc<crate::sheet::Table> {
        use crate::sheet::{Cell, Row, Span, Table};
        let cell = |col, text: &str, span| Cell {
            col,
            text: text.to_owned(),
            span,
        };
        Arc::new(Table {
            sheet: "名单".into(),
            rows: vec![
                Row {
                    number: 2,
                    cells: vec![cell(1, "姓名", Span::Single), cell(3, "金额", Span::Single)],
                },
                Row {
                    number: 3,
                    cells: vec![
                        cell(1, "张*明 & <b>", Span::Merged { rows: 1, cols: 2 }),
                        cell(3, "", Span::Covered),
                    ],
                },
            ],
        })
    }

    #[test]
    fn spreadsheet_image_becomes_a_table_outside_any_paragraph() {
        let seen = std::cell::RefCell::new(Vec::new());
        let resolve = |p: &str, kind: LinkKind| {
            seen.borrow_mut().push((p.to_owned(), kind));
            if p.starts_with("名单.xlsx") {
                LinkTarget::Table(sheet_table())
            } else {
                LinkTarget::Url(format!("/r/{p}"))
            }
        };
        let r = render(
            "前文 ![低保 \"名单\"](%E5%90%8D%E5%8D%95.xlsx#%E7%AC%AC%E4%BA%8C%E6%89%B9) 后文\n",
            &safe(),
            &resolve,
            &root,
        );
        assert_eq!(
            r.html,
            "<p>前文 </p>\n<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"低保 &quot;名单&quot;\" tabindex=\"0\">\
<table class=\"sheet\"><caption>低保 \"名单\"</caption><thead><tr><th scope=\"col\">姓名</th>\
<th scope=\"col\">金额</th></tr></thead><tbody><tr><td colspan=\"2\">张*明 &amp; &lt;b&gt;</td></tr>\
</tbody></table></div>\n<p> 后文</p>\n"
        );
        // The `#sheet` part reaches the resolver, decoded.
        assert_eq!(
            *seen.borrow(),
            vec![("名单.xlsx#第二批".to_owned(), LinkKind::Image)]
        );
        assert!(r.text.contains("张*明 & <b>"), "{}", r.text);

        // Alone in its paragraph: no empty paragraph around it; a normal image keeps its `#`.
        let r = render(
            "![名单](名单.xlsx)\n\n![图](a.png#x)\n",
            &safe(),
            &resolve,
            &root,
        );
        assert!(
            r.html.starts_with("<div class=\"table-wrap table-scroll\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<p></p>"), "{}", r.html);
        assert!(r.html.contains("<img src=\"/r/a.png#x\""), "{}", r.html);
    }

    #[test]
    fn header_merged_down_stays_in_thead_and_region_is_named() {
        use crate::sheet::{Cell, Row, Span, Table};
        let cell = |col, text: &str, span| Cell {
            col,
            text: text.to_owned(),
            span,
        };
        let table = Arc::new(Table {
            sheet: "第一批".into(),
            rows: vec![
                Row {
                    number: 1,
                    cells: vec![
                        cell(1, "姓名", Span::Merged { rows: 2, cols: 1 }),
                        cell(2, "金额", Span::Single),
                    ],
                },
                Row {
                    number: 2,
                    cells: vec![cell(1, "", Span::Covered), cell(2, "元", Span::Single)],
                },
                Row {
                    number: 3,
                    cells: vec![cell(1, "张*明", Span::Single), cell(2, "300", Span::Single)],
                },
            ],
        });
        let resolve = |_: &str, _: LinkKind| LinkTarget::Table(table.clone());
        let r = render("![](a.csv)\n", &safe(), &resolve, &root);
        assert_eq!(
            r.html,
            "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"第一批\" tabindex=\"0\">\
<table class=\"sheet\"><thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">金额</th></tr>\
</thead><tbody><tr><td></td><td>元</td></tr><tr><td>张*明</td><td>300</td></tr></tbody></table></div>\n"
        );
    }

    #[test]
    fn table_is_wrapped_aligned_and_in_text() {
        let r = md("| 项目 | 金额 |\n|---|:-:|\n| 路灯 | 3.5 |\n");
        assert!(
            r.html.contains(
                "<div class=\"table-wrap table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"表格：项目、金额\"><table>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<th>项目</th>"), "{}", r.html);
        assert!(
            r.html.contains("<td style=\"text-align: center\">3.5</td>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("</table>\n</div>"), "{}", r.html);
        assert_eq!(r.text, "项目 金额\n路灯 3.5");
        assert_eq!(r.first_paragraph, "");
    }

    #[test]
    fn a_wide_tables_region_is_named_by_its_first_three_headers() {
        let r =
            md("| 序号 | 姓名 | 所在\"网格\" | 面积 |\n|---|---|---|---|\n| 1 | 张某 | 一 | 3 |\n");
        assert!(
            r.html.contains(
                "role=\"region\" tabindex=\"0\" aria-label=\"表格：序号、姓名、所在&quot;网格&quot;等\"><table>"
            ),
            "{}",
            r.html
        );
        // A header of empty cells still gives the region a name.
        let r = md("| | |\n|---|---|\n| 1 | 2 |\n");
        assert!(r.html.contains("aria-label=\"表格\"><table>"), "{}", r.html);
    }

    #[test]
    fn footnotes_get_prefixed_ids_and_matching_links() {
        let r = md("正文内容[^note]。\n\n[^note]: 注释内容\n");
        assert!(
            r.html
                .contains("<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a></sup>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<div class=\"footnote-definition\" id=\"fn-1\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("注释内容"));
        assert_eq!(r.first_paragraph, "正文内容。");
        assert_eq!(r.text, "正文内容。\n注释内容");
    }

    #[test]
    fn footnote_numbering_follows_first_appearance() {
        let r = md("甲[^b]乙[^a]丙[^b]\n\n[^a]: A\n[^b]: B\n");
        assert_eq!(r.html.matches("href=\"#fn-1\"").count(), 2, "{}", r.html);
        assert_eq!(r.html.matches("href=\"#fn-2\"").count(), 1, "{}", r.html);
        let a = r.html.find("id=\"fn-2\"").expect("definition a");
        assert!(r.html[a..].starts_with("id=\"fn-2\"><sup class=\"footnote-definition-label\">2"));
    }

    #[test]
    fn strikethrough() {
        let r = md("原定~~周一~~周二开会");
        assert!(r.html.contains("<del>周一</del>"), "{}", r.html);
        assert_eq!(r.text, "原定周一周二开会");
    }

    #[test]
    fn task_list_keeps_disabled_checkboxes() {
        let r = md("- [x] 已完成\n- [ ] 未完成\n");
        let inputs: Vec<_> = tags(&r.html)
            .into_iter()
            .filter(|t| t.starts_with("<input"))
            .collect();
        assert_eq!(inputs.len(), 2, "{}", r.html);
        assert!(inputs.iter().all(|t| t.contains("type=\"checkbox\"")));
        assert!(inputs.iter().all(|t| t.contains("disabled")));
        assert_eq!(inputs.iter().filter(|t| t.contains("checked")).count(), 1);
        assert_eq!(r.text, "已完成\n未完成");
    }

    #[test]
    fn rust_block_is_highlighted_with_classes() {
        let r = md("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
        assert!(
            r.html
                .contains("<pre class=\"hl-code\"><code class=\"language-rust\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("hl-rust"), "{}", r.html);
        assert!(r.html.contains("<span class=\"hl-"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
        assert_eq!(r.text, "fn main() { let x = \"<b>\"; }");
    }

    #[test]
    fn yaml_block_is_highlighted_with_classes() {
        let r = md("```yaml\ntitle: 会议\ndate: 2026-11-05\n```\n");
        assert!(r.html.contains("hl-yaml"), "{}", r.html);
        assert!(r.html.contains("<span class=\"hl-"), "{}", r.html);
        assert!(r.html.contains("会议"));
    }

    #[test]
    fn unknown_language_and_no_language_are_plain() {
        let r = md("```nosuchlang\n<b>x</b>\n```\n\n```\n<i>y</i>\n```\n\n    <u>z</u>\n");
        assert_eq!(r.html.matches("<pre><code>").count(), 3, "{}", r.html);
        assert!(r.html.contains("&lt;b&gt;x&lt;/b&gt;"), "{}", r.html);
        assert!(r.html.contains("&lt;i&gt;y&lt;/i&gt;"), "{}", r.html);
        assert!(!r.html.contains("hl-"), "{}", r.html);
        assert_eq!(r.text, "<b>x</b>\n<i>y</i>\n<u>z</u>");
    }

    #[test]
    fn unclosed_fence_still_renders() {
        let r = md("```rust\nfn a() {}\n");
        assert!(r.html.contains("hl-rust"), "{}", r.html);
        assert!(r.html.contains("</code></pre>"), "{}", r.html);
    }

    #[test]
    fn relative_link_resolved_keeping_fragment_and_query() {
        let calls = RefCell::new(Vec::new());
        let resolve = |p: &str, k: LinkKind| {
            calls.borrow_mut().push((p.to_owned(), k));
            LinkTarget::Url(format!("/m/{}/", p.trim_start_matches("../meetings/")))
        };
        let r = render(
            "见[会议](../meetings/a.md#x)和[另一次](b.md?v=1#y)。",
            &safe(),
            &resolve,
            &root,
        );
        assert!(
            r.html.contains("<a href=\"/m/a.md/#x\">会议</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"/m/b.md/?v=1#y\">"), "{}", r.html);
        assert_eq!(
            *calls.borrow(),
            vec![
                ("../meetings/a.md".to_owned(), LinkKind::Link),
                ("b.md".to_owned(), LinkKind::Link)
            ]
        );
        assert!(r.broken_links.is_empty());
        assert!(
            !r.html.contains("rel="),
            "internal links get no rel: {}",
            r.html
        );
    }

    #[test]
    fn percent_encoded_targets_are_decoded_for_the_resolver() {
        let seen = RefCell::new(String::new());
        let resolve = |p: &str, _: LinkKind| {
            *seen.borrow_mut() = p.to_owned();
            LinkTarget::Url("/ok/".to_owned())
        };
        render("[a](%E4%BC%9A%E8%AE%AE.md)", &safe(), &resolve, &root);
        assert_eq!(*seen.borrow(), "会议.md");
        render("[a](100%.md)", &safe(), &resolve, &root);
        assert_eq!(*seen.borrow(), "100%.md");
    }

    #[test]
    fn missing_target_is_reported_with_offset() {
        let body = "# 标题\n\n前言文字，\n见[附件](files/missing.pdf#p2)。\n";
        let resolve = |_: &str, _: LinkKind| LinkTarget::Missing("文件不存在".to_owned());
        let r = render(body, &safe(), &resolve, &root);
        assert_eq!(
            r.broken_links,
            vec![BrokenLink {
                offset: body.find("[附件]").expect("link in body"),
                target: "files/missing.pdf#p2".to_owned(),
                message: "文件不存在".to_owned(),
            }]
        );
    }

    #[test]
    fn missing_image_offset_points_at_bang_and_kind_is_image() {
        let body = "图片：\n\n![合影](photo.jpg)\n";
        let kinds = RefCell::new(Vec::new());
        let resolve = |_: &str, k: LinkKind| {
            kinds.borrow_mut().push(k);
            LinkTarget::Missing("图片不存在".to_owned())
        };
        let r = render(body, &safe(), &resolve, &root);
        assert_eq!(r.broken_links.len(), 1);
        assert_eq!(r.broken_links[0].offset, body.find('!').expect("bang"));
        assert_eq!(*kinds.borrow(), vec![LinkKind::Image]);
    }

    #[test]
    fn image_is_lazy_with_alt_and_title() {
        let resolve = |p: &str, _: LinkKind| LinkTarget::Url(format!("/r/{p}"));
        let r = render(
            "![居民 *议事* 会](photo.jpg \"合影\")",
            &safe(),
            &resolve,
            &root,
        );
        assert!(
            r.html.contains(
                "<img src=\"/r/photo.jpg\" alt=\"居民 议事 会\" title=\"合影\" loading=\"lazy\">"
            ),
            "{}",
            r.html
        );
        assert_eq!(r.text, "", "alt text is not body text");
    }

    #[test]
    fn a_sized_image_keeps_srcset_sizes_width_and_height_through_the_sanitiser() {
        let resolve = |p: &str, _: LinkKind| {
            LinkTarget::Image(ImageSize {
                src: format!("/r/{p}-960w"),
                width: 960,
                height: 1280,
                srcset: vec![(format!("/r/{p}-480w"), 480), (format!("/r/{p}"), 1600)],
                sizes: "(max-width: 52rem) 100vw, 52rem",
            })
        };
        let r = render("![合影](p.jpg?v=2) ![](q.jpg)", &safe(), &resolve, &root);
        assert!(
            r.html.contains(
                "<img src=\"/r/p.jpg-960w?v=2\" srcset=\"/r/p.jpg-480w 480w, /r/p.jpg 1600w\" \
                 sizes=\"(max-width: 52rem) 100vw, 52rem\" width=\"960\" height=\"1280\" alt=\"合影\" \
                 loading=\"lazy\">"
            ),
            "{}",
            r.html
        );
        // The second image has no alt text: its `![` is reported.
        assert_eq!(r.missing_alt, vec!["![合影](p.jpg?v=2) ".len()]);
    }

    #[test]
    fn srcset_with_a_scheme_does_not_survive_the_sanitiser() {
        let html = "<img src=\"/a.jpg\" srcset=\"javascript:alert(1) 480w\" width=\"x\" alt=\"\">";
        let clean = SANITIZER.clean(html).to_string();
        assert!(
            !clean.contains("srcset") && !clean.contains("width"),
            "{clean}"
        );
    }

    #[test]
    fn image_inside_link_and_links_inside_alt_are_checked() {
        let seen = RefCell::new(Vec::new());
        let resolve = |p: &str, k: LinkKind| {
            seen.borrow_mut().push((p.to_owned(), k));
            LinkTarget::Url(format!("/r/{p}"))
        };
        let r = render(
            "[![图](a.png)](b.md)\n\n![说明见[这里](c.md)](d.png)",
            &safe(),
            &resolve,
            &root,
        );
        assert!(
            r.html.contains(
                "<a href=\"/r/b.md\"><img src=\"/r/a.png\" alt=\"图\" loading=\"lazy\"></a>"
            ),
            "{}",
            r.html
        );
        let seen = seen.borrow();
        assert!(seen.contains(&("c.md".to_owned(), LinkKind::Link)));
        assert!(seen.contains(&("d.png".to_owned(), LinkKind::Image)));
    }

    #[test]
    fn root_relative_is_prefixed_and_not_resolved() {
        let r = md("[关于](/about/#contact) ![logo](/static/logo.png)");
        assert!(
            r.html.contains("href=\"/sub/about/#contact\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("src=\"/sub/static/logo.png\""),
            "{}",
            r.html
        );
        assert!(r.broken_links.is_empty(), "{:?}", r.broken_links);
    }

    #[test]
    fn absolute_anchor_mail_tel_not_resolved_and_external_gets_noopener() {
        let r = md(
            "[a](https://www.gov.cn/x) [b](#top) [c](mailto:ju@example.cn) [d](tel:010-12345) \
             <https://example.org> <ju@example.cn> [e](//cdn.example.org/x.js)",
        );
        assert!(r.broken_links.is_empty(), "{:?}", r.broken_links);
        assert!(
            r.html
                .contains("<a href=\"https://www.gov.cn/x\" rel=\"noopener\">a</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"#top\">b</a>"), "{}", r.html);
        assert!(
            r.html.contains("<a href=\"mailto:ju@example.cn\">c</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"tel:010-12345\">d</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"https://example.org\" rel=\"noopener\">"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"mailto:ju@example.cn\">ju@example.cn</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"//cdn.example.org/x.js\" rel=\"noopener\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn hostile_html_is_neutralised() {
        let body = "<script>alert(1)</script>\n\n\
                    文字<img src=x onerror=alert(1)>文字\n\n\
                    [x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](<java\tscript:alert(3)>)\n\n\
                    ![i](javascript:alert(4)) [d](data:text/html,<script>alert(5)</script>)\n\n\
                    <iframe src=\"https://evil.example\"></iframe>\n\n\
                    <a href=\"javascript:alert(6)\" onclick=\"alert(7)\">点我</a>\n\n\
                    <div style=\"color:red\" onmouseover=\"alert(8)\">x</div>\n\n\
                    [ref]\n\n[ref]: javascript:alert(9)\n";
        let r = md(body);
        assert_inert(&r.html);
        // The markup is shown as text rather than silently dropped.
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(!r.text.contains("<script"), "raw HTML is not search text");
    }

    #[test]
    fn links_that_leave_the_site_name_their_qr_code() {
        let opts = RenderOptions {
            allow_raw_html: false,
            qr: Some(QrLinks {
                root: "/sub/",
                own: "https://x.cn/sub/",
            }),
        };
        let long = format!("https://x.org/{}", "a".repeat(MAX_QR_URL_BYTES));
        let body = format!(
            "[a](https://www.gov.cn/x) [b](<//cdn.example.org/居务 1>) [own](https://x.cn/sub/problems/) \
             [mail](mailto:a@x.cn) [rel](/about/) [long]({long}) [again](https://www.gov.cn/x)"
        );
        let r = render(&body, &opts, &no_resolve, &root);
        let cdn = "https://cdn.example.org/%E5%B1%85%E5%8A%A1%201";
        assert_eq!(r.qr_urls, ["https://www.gov.cn/x", cdn]);
        let gov = format!("/sub/{}", qr_file("https://www.gov.cn/x"));
        assert!(gov.starts_with("/sub/qr/") && gov.len() == "/sub/qr/.svg".len() + 16);
        assert!(
            r.html.contains(&format!(
                "<a href=\"https://www.gov.cn/x\" rel=\"noopener\" data-qr=\"{gov}\">a</a>"
            )),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(&format!("data-qr=\"/sub/{}\"", qr_file(cdn)))
        );
        assert!(
            r.html
                .contains("<a href=\"https://x.cn/sub/problems/\" rel=\"noopener\">own</a>")
        );
        assert_eq!(r.html.matches("data-qr").count(), 3, "{}", r.html);
        // Without the option no link gets one; the sanitiser keeps only a site path to an SVG.
        let plain = render(&body, &safe(), &no_resolve, &root);
        assert!(!plain.html.contains("data-qr") && plain.qr_urls.is_empty());
        let forged = SANITIZER
            .clean("<a href=\"https://e.cn\" data-qr=\"https://evil.cn/x.svg\">x</a>")
            .to_string();
        assert!(!forged.contains("data-qr"), "{forged}");
        let ours = SANITIZER
            .clean("<a href=\"https://e.cn\" data-qr=\"/qr/0123456789abcdef.svg\">x</a>")
            .to_string();
        assert!(ours.contains("data-qr"), "{ours}");
        // A body of many links gives codes to its first hundred URLs only.
        let many: String = (0..150)
            .map(|i| format!("[{i}](https://x.org/{i}) [again](https://x.org/0)\n"))
            .collect();
        let r = render(&many, &opts, &no_resolve, &root);
        assert_eq!(r.qr_urls.len(), MAX_QR_URLS_PER_BODY);
        assert_eq!(
            r.html.matches("data-qr").count(),
            100 + 150,
            "every link to x.org/0 has one"
        );
    }

    #[test]
    fn raw_html_mode_passes_html_but_still_resolves_links() {
        let resolve = |p: &str, _: LinkKind| LinkTarget::Url(format!("/r/{p}"));
        let opts = RenderOptions {
            allow_raw_html: true,
            qr: None,
        };
        let r = render(
            "<div class=\"x\">原样</div>\n\n见[附件](a.pdf)，<span class=\"y\">行内</span>\n\n[js](javascript:alert(1))",
            &opts,
            &resolve,
            &root,
        );
        assert!(r.html.contains("<div class=\"x\">原样</div>"), "{}", r.html);
        assert!(
            r.html.contains("<span class=\"y\">行内</span>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"/r/a.pdf\">附件</a>"),
            "{}",
            r.html
        );
        // Markdown links are ours to write: a script URL is dropped even in raw mode.
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn safe_mode_escapes_the_same_div() {
        let r = md("<div class=\"x\">原样</div>\n");
        assert!(!r.html.contains("<div class=\"x\">"), "{}", r.html);
        assert!(r.html.contains("&lt;div class=\"x\"&gt;"), "{}", r.html);
    }

    #[test]
    fn text_and_first_paragraph() {
        let body = "# 第十二次居民议事会\n\n会议由**张三**主持，\n讨论了`加装电梯`事项。\nSee the\nplan.\n\n\
                    - 议题一\n- 议题二\n\n> 引用内容\n\n```\nlet x = 1;\nlet y = 2;\n```\n";
        let r = md(body);
        assert_eq!(
            r.text,
            "第十二次居民议事会\n会议由张三主持，讨论了加装电梯事项。 See the plan.\n议题一\n议题二\n引用内容\nlet x = 1;\nlet y = 2;"
        );
        assert_eq!(
            r.first_paragraph,
            "会议由张三主持，讨论了加装电梯事项。 See the plan."
        );
    }

    #[test]
    fn first_paragraph_falls_back_to_list_text() {
        let r = md("## 议程\n\n- 审议预算\n- 讨论绿化\n");
        assert_eq!(r.first_paragraph, "审议预算");
        let r = md("![图](/a.png)\n\n真正的第一段。\n");
        assert_eq!(r.first_paragraph, "真正的第一段。");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let huge_line = "字".repeat(3_500_000); // ~10 MB
        let deep_quote = format!("{} 深", ">".repeat(10_000));
        let deep_list = "- ".repeat(5_000) + "x";
        let brackets = "[".repeat(50_000) + &"]".repeat(50_000);
        let stars = "*".repeat(100_000) + "a";
        let long_code = format!("```rust\n{}\n```\n", "let a = 1;".repeat(100_000));
        let inputs: Vec<String> = vec![
            String::new(),
            "---".to_owned(),
            "---\n---\n".to_owned(),
            huge_line.clone(),
            deep_quote,
            deep_list,
            brackets,
            stars,
            long_code,
            "```\nunclosed".to_owned(),
            "~~~yaml\nunclosed: [".to_owned(),
            "a\0b\0\n\n[\0](\0)".to_owned(),
            "[^]: x\n[^a]\n\n[^a]: [^a]".to_owned(),
            "| a |\n|---|\n| ![x](\u{0}) |".to_owned(),
            "![](<>)[](<>)".to_owned(),
        ];
        let resolve = |_: &str, _: LinkKind| LinkTarget::Missing("缺失".to_owned());
        for (i, input) in inputs.iter().enumerate() {
            // The 10 MB line runs once: the raw-HTML mode adds nothing for plain text.
            let modes: &[bool] = if i == 3 { &[false] } else { &[false, true] };
            for &raw in modes {
                let r = render(
                    input,
                    &RenderOptions {
                        allow_raw_html: raw,
                        qr: None,
                    },
                    &resolve,
                    &root,
                );
                if i == 3 {
                    assert_eq!(r.text.chars().count(), 3_500_000);
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_flattened_but_keeps_content() {
        let r = md(&format!("{} 最深处", ">".repeat(10_000)));
        assert_eq!(r.html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(r.html.matches("</blockquote>").count(), MAX_NESTING);
        assert!(r.html.contains("最深处"));
        let r = md(&("- ".repeat(5_000) + "底层"));
        assert_eq!(
            r.html.matches("<ul>").count() + r.html.matches("<li>").count(),
            MAX_NESTING
        );
        assert!(r.html.contains("底层"));
        // Shallow nesting is untouched.
        let r = md("> 一\n>\n> > 二\n\n- a\n  - b\n");
        assert_eq!(r.html.matches("<blockquote>").count(), 2, "{}", r.html);
        assert_eq!(r.html.matches("<ul>").count(), 2, "{}", r.html);
    }

    #[test]
    fn huge_code_block_falls_back_to_plain() {
        let r = md(&format!(
            "```rust\n{}\n```\n",
            "x".repeat(MAX_HIGHLIGHT_LINE_BYTES + 1)
        ));
        assert!(r.html.starts_with("<pre><code>"));
        assert!(!r.html.contains("hl-"));
    }

    #[test]
    fn summarize_cuts_chinese_at_last_sentence_end() {
        // 200 chars: sentence ends at char 50, 110 and 160.
        let text = format!(
            "{}。{}。{}。{}",
            "甲".repeat(49),
            "乙".repeat(59),
            "丙".repeat(49),
            "丁".repeat(40)
        );
        assert_eq!(text.chars().count(), 200);
        let s = summarize(&text, 120);
        assert_eq!(s.chars().count(), 110);
        assert!(s.ends_with("乙。"));
    }

    #[test]
    fn summarize_without_sentence_end_adds_ellipsis() {
        let text = "字".repeat(200);
        let s = summarize(&text, 120);
        assert_eq!(s.chars().count(), 120);
        assert_eq!(s, format!("{}…", "字".repeat(119)));
    }

    #[test]
    fn summarize_short_text_unchanged_but_collapsed() {
        assert_eq!(
            summarize("本周六上午九点开会。", 120),
            "本周六上午九点开会。"
        );
        assert_eq!(summarize("  a \n\t b  ", 120), "a b");
        assert_eq!(summarize("", 120), "");
        assert_eq!(summarize("任何文字", 0), "");
        assert_eq!(summarize("恰好四字", 4), "恰好四字");
    }

    #[test]
    fn summarize_other_sentence_ends() {
        // '.' only ends a sentence before a space or the end: "3.5" does not.
        let s = summarize("Budget is 3.5 wan. Next item is long enough", 30);
        assert_eq!(s, "Budget is 3.5 wan.");
        assert_eq!(summarize("第一项；第二项很长很长很长", 8), "第一项；");
        assert_eq!(
            summarize("真的吗？是的！后面还有很多", 10),
            "真的吗？是的！"
        );
        assert_eq!(summarize("价格3.5万元不含税费用很高", 8), "价格3.5万元…");
        // Closing quotes stay with their sentence.
        assert_eq!(
            summarize("他说：“同意。”后面还有很多字", 9),
            "他说：“同意。”"
        );
    }

    #[test]
    fn summarize_ellipsis_does_not_follow_a_space() {
        let s = summarize("abcd efgh", 6);
        assert_eq!(s, "abcd…");
    }

    #[test]
    fn highlight_css_uses_the_prefix() {
        let css = highlight_css();
        assert!(css.contains(".hl-code"), "{css}");
        assert!(css.len() > 500);
    }

    #[test]
    fn classify_targets() {
        assert_eq!(classify("a.md"), TargetClass::Relative);
        assert_eq!(classify("../a/b.png"), TargetClass::Relative);
        assert_eq!(classify("./会议.md"), TargetClass::Relative);
        assert_eq!(classify("a:b/c"), TargetClass::Keep);
        assert_eq!(classify("dir/a:b"), TargetClass::Relative);
        assert_eq!(classify("HTTPS://x"), TargetClass::External);
        assert_eq!(classify(" javascript:x"), TargetClass::Unsafe);
        assert_eq!(classify("java\nscript:x"), TargetClass::Unsafe);
        assert_eq!(classify("/x"), TargetClass::RootRelative);
        assert_eq!(classify("?q"), TargetClass::Keep);
    }
}
