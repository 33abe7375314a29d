//! Bounding an HTML page before it becomes a tree.
//!
//! The tree crates (html5ever's tree builder, `dom_query`, `dom_smoothie`,
//! `scraper`) recurse over the tree and scan the stack of open elements for
//! every tag, so a page of 30,000 nested `<div>`s overflows the stack and one
//! of a million takes hours. Browsers flatten such pages (Blink stops nesting
//! at 512), and so does this pre-pass: html5ever's tokenizer (a linear state
//! machine, no recursion) runs over the page while a model of the tree
//! builder's stack of open elements follows it; a start tag that would nest
//! deeper than [`HtmlLimits::max_depth`] is dropped with its end tag (its
//! content stays, one level up), and a page of more than
//! [`HtmlLimits::max_nodes`] elements is refused. Only a page that needs it
//! is rewritten; every other page goes on unchanged.
//!
//! The model follows the tree builder where depth is at stake (void
//! elements, the elements a start tag closes, scope when an end tag closes,
//! raw text, foreign content, formatting elements that the parser reopens)
//! and not elsewhere; whatever it misses, [`parse`] catches: the tree is
//! measured once built, without recursion, and a page still nested deeper
//! than twice the limit is refused.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use dom_query::{Document, NodeRef};
use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::cancel::Cancel;
use crate::error::{Error, Limit, Result};

/// Default [`HtmlLimits::max_depth`]. Real pages nest about 20 deep and
/// rarely 80 (measured on the extraction sets).
pub const DEFAULT_MAX_DEPTH: usize = 256;
/// Default [`HtmlLimits::max_nodes`]. Real pages have about 700 elements
/// and rarely 10,000.
pub const DEFAULT_MAX_NODES: usize = 100_000;

/// Formatting elements (`<b>`, `<a>`, …) the parser may reopen at once; more
/// open ones are dropped (their text stays).
const MAX_FORMATTING: usize = 64;

/// How far one HTML page may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlLimits {
    /// Elements nested deeper than this are flattened into their ancestor
    /// at this depth.
    pub max_depth: usize,
    /// A page with more elements than this is refused.
    pub max_nodes: usize,
}

impl Default for HtmlLimits {
    fn default() -> Self {
        HtmlLimits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// Parses a whole page within the limits (see the module docs).
pub(crate) fn parse(html: &str, limits: &HtmlLimits, cancel: &Cancel) -> Result<Document> {
    let page = bound(html, limits, false, cancel)?;
    let doc = Document::from(page.as_ref());
    cancel.check()?;
    let hard = 2 * limits.max_depth + 64;
    if depth(doc.root()) > hard {
        return Err(Error::OverLimit {
            limit: Limit::HtmlDepth,
            max: limits.max_depth as u64,
            size: None,
        });
    }
    Ok(doc)
}

/// The depth of the deepest node under `root`, walked without recursion.
pub(crate) fn depth(root: NodeRef<'_>) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0usize)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            stack.push((c, d + 1));
        }
    }
    deepest
}

/// The page within the limits: itself when it already is, else rewritten
/// with over-deep tags dropped. `scripting` says how the parser that comes
/// next reads `<noscript>` (as raw text when scripting is on).
pub(crate) fn bound<'a>(
    html: &'a str,
    limits: &HtmlLimits,
    scripting: bool,
    cancel: &Cancel,
) -> Result<Cow<'a, str>> {
    let measured = run(html, limits, scripting, false, cancel)?;
    if !measured.dropped {
        return Ok(Cow::Borrowed(html));
    }
    let rewritten = run(html, limits, scripting, true, cancel)?;
    Ok(Cow::Owned(rewritten.out))
}

struct Outcome {
    dropped: bool,
    out: String,
}

/// Input is fed in slices of this many bytes, so a cancelled or refused
/// page stops early.
const SLICE: usize = 64 << 10;

fn run(
    html: &str,
    limits: &HtmlLimits,
    scripting: bool,
    rewrite: bool,
    cancel: &Cancel,
) -> Result<Outcome> {
    let model = Model {
        state: RefCell::new(State {
            limits: *limits,
            scripting,
            rewrite,
            out: String::with_capacity(if rewrite { html.len() } else { 0 }),
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(model, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(SLICE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        queue.push_back(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
        let _ = tokenizer.feed(&queue);
        cancel.check()?;
        if tokenizer.sink.state.borrow().too_many {
            break;
        }
    }
    if !tokenizer.sink.state.borrow().too_many {
        tokenizer.end();
    }
    let state = tokenizer.sink.state.into_inner();
    if state.too_many {
        return Err(Error::OverLimit {
            limit: Limit::HtmlNodes,
            max: limits.max_nodes as u64,
            size: None,
        });
    }
    Ok(Outcome {
        dropped: state.dropped_any,
        out: state.out,
    })
}

/// An element the model holds open.
#[derive(Debug)]
struct Open {
    name: LocalName,
    /// SVG or MathML content (not an HTML element).
    foreign: bool,
}

#[derive(Default)]
struct State {
    limits: HtmlLimits,
    scripting: bool,
    rewrite: bool,
    out: String,
    stack: Vec<Open>,
    /// Names on the stack, counted, so "is a `<p>` open?" needs no scan.
    open: HashMap<LocalName, usize>,
    /// Start tags dropped whose end tag has not come yet.
    dropped: HashMap<LocalName, usize>,
    /// Formatting elements started and not explicitly ended: what the
    /// parser's list of active formatting elements may hold.
    formatting: HashMap<LocalName, usize>,
    formatting_total: usize,
    /// Inside the raw text of a dropped `<script>`, `<style>`…
    skipping_raw: bool,
    /// Inside raw text that is written out as it is.
    raw: bool,
    elements: usize,
    dropped_any: bool,
    too_many: bool,
}

struct Model {
    state: RefCell<State>,
}

impl TokenSink for Model {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.state.borrow_mut();
        if s.too_many {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return s.start(tag),
                TagKind::EndTag => s.end(tag),
            },
            Token::CharacterTokens(text) => {
                if !s.skipping_raw && s.rewrite {
                    if s.raw {
                        s.out.push_str(&text);
                    } else {
                        escape_text(&mut s.out, &text);
                    }
                }
            }
            Token::CommentToken(text) => {
                if s.rewrite && !s.skipping_raw {
                    s.out.push_str("<!--");
                    s.out.push_str(&text);
                    s.out.push_str("-->");
                }
            }
            Token::DoctypeToken(d) => {
                if s.rewrite {
                    s.out.push_str("<!DOCTYPE ");
                    s.out.push_str(d.name.as_deref().unwrap_or("html"));
                    match (&d.public_id, &d.system_id) {
                        (Some(p), Some(y)) => {
                            s.out.push_str(&format!(" PUBLIC \"{p}\" \"{y}\""));
                        }
                        (Some(p), None) => s.out.push_str(&format!(" PUBLIC \"{p}\"")),
                        (None, Some(y)) => s.out.push_str(&format!(" SYSTEM \"{y}\"")),
                        (None, None) => {}
                    }
                    s.out.push('>');
                }
            }
            Token::NullCharacterToken | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.state
            .borrow()
            .stack
            .last()
            .is_some_and(|o| o.foreign && !is_integration_point(&o.name))
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Start tags that close an open `<p>`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "form"
            | "plaintext"
            | "table"
            | "hr"
            | "xmp"
            | "li"
            | "dd"
            | "dt"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements that end the search of "has an element in scope".
fn is_scope_boundary(o: &Open) -> bool {
    if o.foreign {
        return is_integration_point(&o.name);
    }
    matches!(
        &*o.name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
    )
}

fn is_integration_point(name: &str) -> bool {
    matches!(
        name,
        "foreignObject" | "foreignobject" | "desc" | "title" | "mi" | "mo" | "mn" | "ms" | "mtext"
    ) || name == "annotation-xml"
}

/// The "special" elements: an unknown end tag is ignored when one of them
/// is open inside the element it would close.
fn is_special(o: &Open) -> bool {
    if o.foreign {
        return is_integration_point(&o.name);
    }
    is_special_name(&o.name)
}

fn is_special_name(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "search"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

/// Start tags that leave SVG or MathML for HTML.
fn breaks_out_of_foreign(tag: &Tag) -> bool {
    matches!(
        &*tag.name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    ) || (&*tag.name == "font"
        && tag
            .attrs
            .iter()
            .any(|a| matches!(&*a.name.local, "color" | "face" | "size")))
}

/// How the tokenizer reads what follows a start tag, as the tree builder
/// would tell it.
fn raw_kind(name: &str, scripting: bool) -> Option<TokenSinkResult<()>> {
    Some(match name {
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "noscript" if scripting => TokenSinkResult::RawData(RawKind::Rawtext),
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => return None,
    })
}

impl State {
    fn in_foreign(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|o| o.foreign && !is_integration_point(&o.name))
    }

    fn push(&mut self, name: LocalName, foreign: bool) {
        *self.open.entry(name.clone()).or_default() += 1;
        self.stack.push(Open { name, foreign });
    }

    fn pop(&mut self) -> Option<Open> {
        let o = self.stack.pop()?;
        if let Some(n) = self.open.get_mut(&o.name) {
            *n -= 1;
        }
        Some(o)
    }

    fn is_open(&self, name: &str) -> bool {
        self.open
            .get(&LocalName::from(name))
            .is_some_and(|&n| n > 0)
    }

    /// Index of the innermost open `name` above any element `stop` says
    /// ends the search.
    fn find(&self, name: &str, stop: impl Fn(&Open) -> bool) -> Option<usize> {
        if !self.is_open(name) {
            return None;
        }
        for (i, o) in self.stack.iter().enumerate().rev() {
            if &*o.name == name && !o.foreign {
                return Some(i);
            }
            if stop(o) {
                return None;
            }
        }
        None
    }

    /// Pops up to and including the element at `index`. Everything that
    /// was dropped inside it closes with it.
    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            self.pop();
        }
        self.dropped.clear();
    }

    fn close_in_scope(&mut self, name: &str, extra: &[&str]) -> bool {
        let at = self.find(name, |o| {
            is_scope_boundary(o) || (!o.foreign && extra.contains(&&*o.name))
        });
        match at {
            Some(i) => {
                self.pop_to(i);
                true
            }
            None => false,
        }
    }

    /// The elements a start tag closes before it opens.
    fn implied_closes(&mut self, name: &str) {
        if closes_p(name) {
            self.close_in_scope("p", &["button"]);
        }
        let top_is = |s: &Self, f: &dyn Fn(&Open) -> bool| s.stack.last().is_some_and(f);
        if is_heading(name) {
            if top_is(self, &|o| is_heading(&o.name)) {
                self.pop();
            }
        } else if name == "li" {
            self.close_in_scope("li", &["ol", "ul"]);
        } else if name == "dd" || name == "dt" {
            let _ = self.close_in_scope("dd", &["dl"]) || self.close_in_scope("dt", &["dl"]);
        } else if name == "option" || name == "optgroup" {
            if top_is(self, &|o| &*o.name == "option") {
                self.pop();
            }
        } else if name == "button" {
            self.close_in_scope("button", &[]);
        } else if name == "td" || name == "th" {
            let _ = self.close_in_scope("td", &[]) || self.close_in_scope("th", &[]);
        } else if name == "tr" {
            self.close_in_scope("tr", &[]);
        } else if matches!(name, "tbody" | "thead" | "tfoot") {
            let _ = ["tbody", "thead", "tfoot"]
                .iter()
                .any(|section| self.close_in_scope(section, &[]));
        } else if name == "table" {
            // A table opened straight inside a table (not in a cell)
            // closes it.
            if top_is(self, &|o| {
                !o.foreign && matches!(&*o.name, "table" | "tbody" | "thead" | "tfoot" | "tr")
            }) {
                self.close_in_scope("table", &[]);
            }
        } else if (name == "a" || name == "nobr")
            && self
                .formatting
                .get(&LocalName::from(name))
                .is_some_and(|&n| n > 0)
        {
            self.end_formatting(name);
            if let Some(i) = self.find(name, is_scope_boundary) {
                self.pop_to(i);
            }
        }
    }

    fn end_formatting(&mut self, name: &str) {
        if let Some(n) = self.formatting.get_mut(&LocalName::from(name))
            && *n > 0
        {
            *n -= 1;
            self.formatting_total -= 1;
        }
    }

    fn start(&mut self, tag: Tag) -> TokenSinkResult<()> {
        let name = tag.name.clone();
        if self.skipping_raw {
            return TokenSinkResult::Continue;
        }
        let mut foreign = false;
        if self.in_foreign() {
            if breaks_out_of_foreign(&tag) {
                while self.stack.last().is_some_and(|o| o.foreign) {
                    self.pop();
                }
            } else {
                foreign = true;
            }
        }
        if !foreign && matches!(&*name, "svg" | "math") {
            foreign = true;
        }
        let result = if foreign {
            None
        } else {
            raw_kind(&name, self.scripting)
        };
        if !foreign {
            if matches!(&*name, "html" | "body" | "head") && self.is_open(&name) {
                // The parser merges the attributes; nothing opens.
                self.write_tag(&tag);
                return TokenSinkResult::Continue;
            }
            self.implied_closes(&name);
        }
        let opens = !((foreign && tag.self_closing) || (!foreign && is_void(&name)));
        let formatting = !foreign && is_formatting(&name);
        let too_deep = opens && self.stack.len() >= self.limits.max_depth;
        let too_formatted = formatting && self.formatting_total >= MAX_FORMATTING;
        if too_deep || too_formatted {
            self.dropped_any = true;
            *self.dropped.entry(name).or_default() += 1;
            if result.is_some() {
                // The content of a dropped <script> or <style> must not
                // come out as text.
                self.skipping_raw = true;
                return result.unwrap_or(TokenSinkResult::Continue);
            }
            return TokenSinkResult::Continue;
        }
        self.elements += 1;
        if self.elements > self.limits.max_nodes {
            self.too_many = true;
            return TokenSinkResult::Continue;
        }
        if formatting {
            *self.formatting.entry(name.clone()).or_default() += 1;
            self.formatting_total += 1;
        }
        self.write_tag(&tag);
        if opens {
            self.push(name, foreign);
        }
        match result {
            Some(r) => {
                // RCDATA (<title>, <textarea>) has its references decoded
                // and is escaped again; raw text is written as it came.
                self.raw = !matches!(r, TokenSinkResult::RawData(RawKind::Rcdata));
                r
            }
            None => TokenSinkResult::Continue,
        }
    }

    fn end(&mut self, tag: Tag) {
        let name = &*tag.name;
        self.raw = false;
        if let Some(n) = self.dropped.get_mut(&tag.name)
            && *n > 0
        {
            *n -= 1;
            self.skipping_raw = false;
            return;
        }
        if self.skipping_raw {
            return;
        }
        self.write_tag(&tag);
        if self.in_foreign()
            && let Some(i) = self
                .stack
                .iter()
                .rposition(|o| o.foreign && &*o.name == name)
            && self.stack[i..].iter().all(|o| o.foreign)
        {
            self.pop_to(i);
            return;
        }
        match name {
            "html" | "body" => {}
            "p" => {
                self.close_in_scope("p", &["button"]);
            }
            "li" => {
                self.close_in_scope("li", &["ol", "ul"]);
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "table" | "caption" => {
                if let Some(i) = self.find(name, |o| {
                    !o.foreign && matches!(&*o.name, "html" | "table" | "template")
                }) {
                    self.pop_to(i);
                }
            }
            _ if is_heading(name) => {
                for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
                    if self.close_in_scope(h, &[]) {
                        break;
                    }
                }
            }
            _ if is_formatting(name) => {
                self.end_formatting(name);
                self.close_in_scope(name, &[]);
            }
            _ => {
                // Block elements close in scope; any other end tag closes
                // only when no special element is open inside it.
                let found = if is_special_name(name) {
                    self.find(name, is_scope_boundary)
                } else {
                    self.find(name, is_special)
                };
                if let Some(i) = found {
                    self.pop_to(i);
                }
            }
        }
    }

    fn write_tag(&mut self, tag: &Tag) {
        if !self.rewrite {
            return;
        }
        let out = &mut self.out;
        out.push('<');
        if tag.kind == TagKind::EndTag {
            out.push('/');
        }
        out.push_str(&tag.name);
        if tag.kind == TagKind::StartTag {
            for a in &tag.attrs {
                out.push(' ');
                if let Some(p) = &a.name.prefix {
                    out.push_str(p);
                    out.push(':');
                }
                out.push_str(&a.name.local);
                out.push_str("=\"");
                for c in a.value.chars() {
                    match c {
                        '&' => out.push_str("&amp;"),
                        '"' => out.push_str("&quot;"),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            if tag.self_closing {
                out.push_str(" /");
            }
        }
        out.push('>');
    }
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize, inner: &str) -> String {
        format!(
            "<!doctype html><html><head><title>Nested</title></head><body>{}{inner}{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        )
    }

    fn limits(depth: usize, nodes: usize) -> HtmlLimits {
        HtmlLimits {
            max_depth: depth,
            max_nodes: nodes,
        }
    }

    #[test]
    fn ordinary_pages_pass_unchanged() {
        let page = "<html><head><title>T &amp; U</title><script>if (a < b) x()</script></head>\
            <body><p>One<p>Two<ul><li>a<li>b</ul><table><tr><td>x<td>y</table>\
            <svg><path d='M0'/><circle/></svg><img src=x><br></body></html>";
        let out = bound(page, &limits(12, 100), false, &Cancel::new()).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)), "{out}");
    }

    #[test]
    fn deep_nesting_is_flattened_and_the_text_kept() {
        let page = nested(
            30_000,
            "<p>Body text &amp; more.</p><script>var x = '<div>';</script>",
        );
        let out = bound(&page, &limits(100, 100_000), false, &Cancel::new()).unwrap();
        assert!(matches!(out, Cow::Owned(_)));
        let doc = Document::from(out.as_ref());
        assert!(depth(doc.root()) <= 110, "{}", depth(doc.root()));
        assert!(doc.select("body").text().contains("Body text & more."));
        // The <script> was past the limit: it went with its text.
        assert_eq!(doc.select("script").length(), 0);
        assert!(!doc.select("body").text().contains("var x"));
        assert_eq!(doc.select("title").text().as_ref(), "Nested");
    }

    #[test]
    fn dropped_scripts_take_their_text_with_them() {
        let page = nested(50, "<script>secret()</script><style>p{}</style><p>kept</p>");
        let out = bound(&page, &limits(20, 1000), false, &Cancel::new()).unwrap();
        let doc = Document::from(out.as_ref());
        let text = doc.select("body").text();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("kept"));
    }

    #[test]
    fn too_many_elements_are_refused() {
        let page = "<p>x</p>".repeat(1000);
        let err = bound(&page, &limits(100, 500), false, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("more than 500 elements"), "{err}");
    }

    #[test]
    fn formatting_elements_reopened_by_the_parser_stay_bounded() {
        // Every <b> stays in the parser's list of formatting elements after
        // its <div> closes, and the parser reopens them all for the text:
        // without a bound on them the tree grows as deep as the page is long.
        let unit: String = (0..1500)
            .map(|i| format!("<div><b class=c{i}>x</div>"))
            .collect();
        let page = format!("<html><body>{unit}<p>tail</p></body></html>");
        let doc = parse(&page, &limits(100, 100_000), &Cancel::new()).unwrap();
        assert!(depth(doc.root()) < 2 * 100 + 64);
    }

    #[test]
    fn unclosed_paragraphs_and_items_do_not_count_as_nesting() {
        let page = format!(
            "<html><body>{}{}{}</body></html>",
            "<p>para".repeat(500),
            "<ul>".to_string() + &"<li>item".repeat(500) + "</ul>",
            "<table>".to_string() + &"<tr><td>a<td>b".repeat(300) + "</table>"
        );
        let out = bound(&page, &limits(20, 100_000), false, &Cancel::new()).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn a_cancelled_pass_stops() {
        let c = Cancel::new();
        c.cancel();
        assert!(matches!(
            bound(&nested(10, ""), &limits(5, 100), false, &c),
            Err(Error::Cancelled)
        ));
    }
}
