//! Main text of a page by text blocks and the container that holds most of them.
//!
//! The DOM is read once, in document order, into a flat list of elements and of text
//! blocks (the text between two block-level boundaries, with how much of it is link
//! text). Each block is then judged on its own: long text with few links is article
//! text, text that is mostly links is navigation or teasers, and short text is
//! undecided. Class names, ids, roles and tags (see `boilerplate`) mark page
//! furniture and comment sections. The main container is the element whose blocks
//! add up to the most article text minus furniture (a maximum-sum subtree), so it
//! takes in a lead paragraph beside the body but stops short of a sidebar or a
//! comment thread. Inside it, furniture, link lists and short labels in marked
//! elements are left out.

use dom_query::{Document, NodeData, NodeId, NodeRef, Tree};

use super::boilerplate::{Mark, class_mark, tag_mark};

const NO_PARENT: u32 = u32::MAX;

/// Weighted length from which a block with few links counts as article text
/// (about two lines of a news paragraph).
const GOOD_WEIGHT: u32 = 120;

/// Length of `<noscript>` markup from which it may hold text rather than a tracking pixel.
const NOSCRIPT_MIN_LEN: usize = 200;

/// Weighted length up to which a block may be a teaser's summary.
const TEASER_MAX_WEIGHT: u32 = 400;

/// Share of the container's value from which a run of siblings joins it.
const WIDEN_SHARE: f64 = 0.2;

/// Least value of a run of siblings that joins the container.
const WIDEN_MIN: f64 = 120.0;

/// What a tag is for the block reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Starts and ends a block: div, section, li, td...
    Block,
    /// h1-h6.
    Heading,
    /// `<p>`.
    Paragraph,
    /// A list item or table cell: li, dt, dd, td, th.
    Item,
    /// `<article>`, `<main>` or `role=main`: a hint, not a rule.
    Article,
    /// Text flows through: span, em, b...
    Inline,
    /// `<a>`: inline, its text is link text.
    Link,
    /// `<br>`: a line break inside a block.
    Break,
    /// `<noscript>`: raw markup, read only if it holds a page's text.
    NoScript,
    /// `<script type="text/template">` (or `text/html`, `text/x-template`): markup that a
    /// script renders, read only inside an element named as the article body (Blogger
    /// ships its posts that way).
    Template,
    /// Not read at all: scripts, styles, forms' controls, media, hidden elements.
    Skip,
}

fn kind_of(tag: &str) -> Kind {
    match tag {
        "p" => Kind::Paragraph,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Kind::Heading,
        "article" | "main" => Kind::Article,
        "a" => Kind::Link,
        "li" | "dt" | "dd" | "td" | "th" => Kind::Item,
        "br" => Kind::Break,
        "address" | "aside" | "blockquote" | "body" | "center" | "details" | "dir" | "div"
        | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "form" | "header" | "hgroup"
        | "hr" | "html" | "menu" | "nav" | "ol" | "pre" | "section" | "summary" | "table"
        | "tbody" | "thead" | "tfoot" | "tr" | "caption" | "ul" | "legend" | "frameset"
        | "frame" => Kind::Block,
        "noscript" => Kind::NoScript,
        "script" | "style" | "template" | "svg" | "math" | "canvas" | "iframe" | "object"
        | "embed" | "audio" | "video" | "select" | "option" | "optgroup" | "button" | "input"
        | "textarea" | "head" | "title" | "meta" | "link" | "map" | "source" | "track"
        | "datalist" | "output" | "progress" | "meter" | "dialog" | "label" | "img" | "picture"
        | "area" | "base" | "rt" | "rp" => Kind::Skip,
        _ => Kind::Inline,
    }
}

/// One element of the page, in document order.
struct Element {
    parent: u32,
    /// One past the index of the last element below this one.
    end: u32,
    kind: Kind,
    /// What its own class, id, role and tag say.
    mark: Mark,
    /// Its class, id or itemprop names an article body.
    content: bool,
    /// It is an `<h1>`.
    headline: bool,
}

/// The text between two block-level boundaries.
struct Block {
    /// The innermost block-level element around the text.
    owner: u32,
    /// Lines (split at `<br>`), whitespace collapsed.
    text: String,
    /// Non-space characters, CJK ones counted three times (they carry about as much as a
    /// short word each).
    weight: u32,
    /// The part of `weight` inside links.
    link_weight: u32,
    /// Number of elements read before it: the owner's children below this index come
    /// before the block, the others after it.
    at: u32,
}

/// How a block reads on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quality {
    /// Long, few links: article text.
    Good,
    /// Short: a heading, a label, a list item, a date.
    Short,
    /// Mostly links: navigation, teasers, tag lists.
    Links,
}

impl Block {
    fn quality(&self) -> Quality {
        let (w, l) = (self.weight as f64, self.link_weight as f64);
        if l > 0.5 * w || (l > 0.3 * w && self.weight < GOOD_WEIGHT) {
            Quality::Links
        } else if self.weight >= GOOD_WEIGHT {
            Quality::Good
        } else {
            Quality::Short
        }
    }
}

/// A short block that reads as a sentence: several words, few links, ending in a full stop,
/// question or exclamation mark (or a closing quotation mark after one).
fn sentence_like(b: &Block) -> bool {
    let words = b.text.split_whitespace().count();
    sentence_like_ending(&b.text) && (words >= 5 || b.weight >= 40) && b.link_weight * 3 < b.weight
}

fn sentence_like_ending(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', '»', '«', ')', '“'])
        .ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// A paragraph-length sentence with links in it rather than a link with a label: a
/// quarter of it or more outside links, and several words.
fn linked_sentence(b: &Block) -> bool {
    b.weight >= 80 && b.link_weight * 4 <= b.weight * 3 && sentence_like_ending(&b.text)
}

/// How an article-length block reads in its neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Teaser {
    /// Not a teaser.
    No,
    /// Stands alone between link blocks, as a teaser's summary under its linked headline.
    Alone,
    /// Ends cut short with an ellipsis after a link: a summary of a text that is elsewhere.
    Cut,
}

fn teasers(blocks: &[Block], quality: &[Quality]) -> Vec<Teaser> {
    let decided: Vec<usize> = (0..blocks.len())
        .filter(|&k| quality[k] != Quality::Short)
        .collect();
    let mut out = vec![Teaser::No; blocks.len()];
    for (pos, &k) in decided.iter().enumerate() {
        if quality[k] != Quality::Good {
            continue;
        }
        let links_before = pos == 0 || quality[decided[pos - 1]] == Quality::Links;
        let links_after = pos + 1 == decided.len() || quality[decided[pos + 1]] == Quality::Links;
        let text = blocks[k].text.trim_end();
        // Teasers are a few lines; a longer block between links is an article of its own.
        if blocks[k].weight >= TEASER_MAX_WEIGHT {
            continue;
        }
        let cut = text.ends_with("...") || text.ends_with('…');
        out[k] = if cut && (links_before || blocks[k].link_weight > 0) {
            Teaser::Cut
        } else if links_before && links_after {
            Teaser::Alone
        } else {
            Teaser::No
        };
    }
    out
}

/// Weighted length from which a paragraph or list item before the first or after the last
/// stretch of prose is kept: a sentence written as a paragraph or a list ("Moderator: …",
/// an ingredient, "More on the maker's site: …"), where labels, dates and bylines are
/// shorter, in other elements, or taken out by the line filter.
const EDGE_TEXT_WEIGHT: u32 = 20;

/// Whether a short block outside the stretch of prose is text of its own rather than a
/// label: a paragraph or list item of some length with few links.
fn edge_text(b: &Block, kind: Kind) -> bool {
    matches!(kind, Kind::Paragraph | Kind::Item)
        && b.weight >= EDGE_TEXT_WEIGHT
        && b.link_weight * 3 < b.weight
}

/// Characters of a page's description that a block must contain to be its lead.
const LEAD_KEY_CHARS: usize = 50;

/// Fewest characters of a description worth matching: shorter ones are slogans.
const LEAD_MIN_CHARS: usize = 30;

/// The opening of a page's description that its lead paragraph would contain: the first
/// `LEAD_KEY_CHARS` characters, whitespace collapsed, without a trailing ellipsis (a
/// description is often the lead cut short).
fn lead_key(description: &str) -> Option<String> {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches(['.', '…', ' ']);
    if text.chars().count() < LEAD_MIN_CHARS {
        return None;
    }
    Some(text.chars().take(LEAD_KEY_CHARS).collect())
}

/// A page read into elements and blocks.
pub(super) struct Page {
    elements: Vec<Element>,
    blocks: Vec<Block>,
}

fn char_weight(c: char) -> u32 {
    match c as u32 {
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF => {
            3
        }
        _ => u32::from(!c.is_whitespace()),
    }
}

fn text_weight(s: &str) -> u32 {
    s.chars().map(char_weight).sum()
}

fn style_hides(style: &str) -> bool {
    let st: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    st.contains("display:none") || st.contains("visibility:hidden")
}

/// What the reader learns from an element's start tag.
struct StartTag {
    kind: Kind,
    mark: Mark,
    content: bool,
    headline: bool,
}

fn start_tag(node: &NodeRef) -> Option<StartTag> {
    node.query(|n| {
        let NodeData::Element(el) = &n.data else {
            return None;
        };
        let tag: &str = &el.name.local;
        let mut kind = kind_of(tag);
        if tag == "script"
            && el.attrs.iter().any(|a| {
                &*a.name.local == "type"
                    && matches!(
                        a.value.trim().to_ascii_lowercase().as_str(),
                        "text/template" | "text/html" | "text/x-template"
                    )
            })
        {
            kind = Kind::Template;
        }
        if matches!(kind, Kind::Skip | Kind::NoScript | Kind::Template) {
            return Some(StartTag {
                kind,
                mark: Mark::None,
                content: false,
                headline: false,
            });
        }
        let (mut class, mut id, mut role, mut itemprop) = (None, None, None, None);
        for a in &el.attrs {
            match &*a.name.local {
                "class" => class = Some(&*a.value),
                "id" => id = Some(&*a.value),
                "role" => role = Some(&*a.value),
                "itemprop" => itemprop = Some(&*a.value),
                "hidden" => kind = Kind::Skip,
                "aria-hidden" if a.value.trim().eq_ignore_ascii_case("true") => kind = Kind::Skip,
                "style" if style_hides(&a.value) => kind = Kind::Skip,
                _ => {}
            }
        }
        let (class_says, mut content) = class_mark(class, id);
        let mut mark = class_says.max(tag_mark(tag, role));
        if let Some(prop) = itemprop {
            if prop.contains("articleBody") || prop.contains("reviewBody") {
                content = true;
            } else if prop.contains("comment") {
                mark = Mark::Comments;
            }
        }
        if role.is_some_and(|r| r.trim().eq_ignore_ascii_case("main")) && kind == Kind::Block {
            kind = Kind::Article;
        }
        Some(StartTag {
            kind,
            mark,
            content,
            headline: tag == "h1",
        })
    })
    .flatten()
}

enum Step {
    Enter(NodeId),
    Exit { element: u32, kind: Kind },
}

/// Parses a piece of markup as a fragment, or refuses it (over a limit).
pub(super) type Fragment<'a> = dyn Fn(&str) -> Option<Document> + 'a;

/// Queues a node's children so that the first is read first.
fn push_children(stack: &mut Vec<Step>, node: &NodeRef) {
    let mut child = node.last_child();
    while let Some(c) = child {
        stack.push(Step::Enter(c.id));
        child = c.prev_sibling();
    }
}

struct Reader {
    page: Page,
    /// Raw text of the block being read.
    buf: String,
    link_weight: u32,
    /// Open block-level elements: the innermost owns the text being read.
    open: Vec<u32>,
    /// All open elements: the innermost is the parent of the next one.
    parents: Vec<u32>,
    links: u32,
    /// Open elements named as the article body.
    in_content: u32,
}

impl Reader {
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let mut text = String::with_capacity(self.buf.len());
        for line in self.buf.split('\n') {
            let mut first = true;
            for w in line.split_whitespace() {
                if first {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    first = false;
                } else {
                    text.push(' ');
                }
                text.push_str(w);
            }
        }
        self.buf.clear();
        let link_weight = std::mem::take(&mut self.link_weight);
        if text.is_empty() {
            return;
        }
        let weight = text_weight(&text);
        let at = self.page.elements.len() as u32;
        self.page.blocks.push(Block {
            at,
            owner: self.open.last().copied().unwrap_or(0),
            text,
            weight,
            link_weight: link_weight.min(weight),
        });
    }
    /// Reads the subtree at `start` in document order (with a stack of its own, so that
    /// deep nesting cannot overflow the thread's stack). `fragment` parses the markup of a
    /// `<noscript>` (within the caller's limits); without it, `<noscript>` is skipped.
    fn walk(&mut self, tree: &Tree, start: NodeId, fragment: Option<&Fragment<'_>>) {
        let mut stack = vec![Step::Enter(start)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(id) => {
                    let node = NodeRef::new(id, tree);
                    if node.is_text() {
                        let text = node.text();
                        if self.links > 0 {
                            self.link_weight += text_weight(&text);
                        }
                        // Line breaks in the source are spaces on the page; only <br> breaks
                        // a line.
                        self.buf
                            .extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
                        continue;
                    }
                    let Some(tag) = start_tag(&node) else {
                        // The root of a document or fragment: its children are read,
                        // comments and doctypes are not.
                        if node.is_document() || node.is_fragment() {
                            push_children(&mut stack, &node);
                        }
                        continue;
                    };
                    match tag.kind {
                        Kind::Skip => continue,
                        Kind::NoScript => {
                            // A page that shows its text only without scripts (Blogger puts
                            // posts there) has it in <noscript>, parsed as raw markup.
                            let markup = node.text();
                            if let Some(parse) = fragment
                                && markup.len() > NOSCRIPT_MIN_LEN
                                && markup.contains('<')
                                && let Some(inner) = parse(&markup)
                            {
                                self.walk(&inner.tree, inner.root().id, None);
                            }
                            continue;
                        }
                        Kind::Template => {
                            // Only where the page names the article body: elsewhere such
                            // templates are widgets, dialogs and comment forms.
                            if self.in_content > 0
                                && let Some(parse) = fragment
                            {
                                let markup = node.text();
                                // JSON "templates" hold a component's data, not markup.
                                if markup.trim_start().starts_with('<')
                                    && let Some(inner) = parse(&markup)
                                {
                                    self.walk(&inner.tree, inner.root().id, None);
                                }
                            }
                            continue;
                        }
                        Kind::Break => {
                            self.buf.push('\n');
                            continue;
                        }
                        // Furniture inside a line ("Share", screen-reader labels) is left out.
                        Kind::Inline | Kind::Link if tag.mark >= Mark::Strong => continue,
                        Kind::Block
                        | Kind::Heading
                        | Kind::Paragraph
                        | Kind::Item
                        | Kind::Article => self.flush(),
                        Kind::Link => self.links += 1,
                        Kind::Inline => {}
                    }
                    let index = self.page.elements.len() as u32;
                    let parent = self.parents.last().copied().unwrap_or(NO_PARENT);
                    self.page.elements.push(Element {
                        parent,
                        end: index + 1,
                        kind: tag.kind,
                        mark: tag.mark,
                        content: tag.content,
                        headline: tag.headline,
                    });
                    self.parents.push(index);
                    if tag.content {
                        self.in_content += 1;
                    }
                    if !matches!(tag.kind, Kind::Inline | Kind::Link) {
                        self.open.push(index);
                    }
                    stack.push(Step::Exit {
                        element: index,
                        kind: tag.kind,
                    });
                    push_children(&mut stack, &node);
                }
                Step::Exit { element, kind } => {
                    match kind {
                        Kind::Link => self.links = self.links.saturating_sub(1),
                        Kind::Inline => {}
                        _ => {
                            self.flush();
                            self.open.pop();
                        }
                    }
                    self.parents.pop();
                    if self.page.elements[element as usize].content {
                        self.in_content = self.in_content.saturating_sub(1);
                    }
                    let end = self.page.elements.len() as u32;
                    self.page.elements[element as usize].end = end;
                }
            }
        }
    }
}

impl Page {
    /// Reads the body of a parsed page (or the whole document if it has no body);
    /// `fragment` parses markup found in `<noscript>`, or refuses it.
    pub(super) fn read(doc: &Document, fragment: &Fragment<'_>) -> Page {
        let mut r = Reader {
            page: Page {
                elements: Vec::new(),
                blocks: Vec::new(),
            },
            buf: String::new(),
            link_weight: 0,
            open: Vec::new(),
            parents: Vec::new(),
            links: 0,
            in_content: 0,
        };
        let start = doc.body().unwrap_or_else(|| doc.root());
        r.walk(&doc.tree, start.id, Some(fragment));
        r.flush();
        r.page
    }

    fn is_heading(&self, b: &Block) -> bool {
        self.elements[b.owner as usize].kind == Kind::Heading
    }

    /// For each element, the strongest mark between it and the container (the container's
    /// own mark left out), each element's mark counted only where it is not guarded. One
    /// pass in document order (a parent comes before its children), so deep nesting costs
    /// no more than wide.
    fn marks_below(&self, container: u32, guarded: &[bool]) -> Vec<Mark> {
        let mut below = vec![Mark::None; self.elements.len()];
        for (i, e) in self.elements.iter().enumerate() {
            if i == container as usize {
                continue;
            }
            let own = if guarded[i] { Mark::None } else { e.mark };
            let up = if e.parent == NO_PARENT {
                Mark::None
            } else {
                below[e.parent as usize]
            };
            below[i] = own.max(up);
        }
        below
    }

    /// Children of an element, in document order.
    fn children(&self, e: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.elements[e as usize].end;
        let mut i = e + 1;
        std::iter::from_fn(move || {
            if i >= end {
                return None;
            }
            let c = i;
            i = self.elements[c as usize].end;
            Some(c)
        })
    }

    /// Widens the container to its siblings that carry a fair share of article text,
    /// level by level up the tree: the rest of an article split by a share bar, a
    /// table or an ad slot, or a lead written straight into the parent. Siblings
    /// between two taken ones come along unless they count against (headings, short
    /// paragraphs); a level where nothing qualifies ends the climb. Returns the topmost
    /// element reached and which blocks are in.
    fn widen(&self, best: u32, score: &[f64], value: &[f64]) -> (u32, Vec<bool>) {
        /// A child element or a block of text directly in the parent.
        #[derive(Clone, Copy, PartialEq)]
        enum Item {
            Element(u32),
            Text(usize),
        }
        let mut own_blocks: Vec<Vec<usize>> = vec![Vec::new(); self.elements.len()];
        for (k, b) in self.blocks.iter().enumerate() {
            own_blocks[b.owner as usize].push(k);
        }
        let mut taken = vec![false; self.elements.len()];
        let mut taken_text = vec![false; self.blocks.len()];
        taken[best as usize] = true;
        let mut total = score[best as usize].max(0.0);
        let mut branch = best;
        let mut top = best;
        while self.elements[branch as usize].parent != NO_PARENT {
            let parent = self.elements[branch as usize].parent;
            let mut items: Vec<Item> = Vec::new();
            let mut texts = own_blocks[parent as usize].iter().copied().peekable();
            for c in self.children(parent) {
                while let Some(k) = texts.next_if(|&k| self.blocks[k].at <= c) {
                    items.push(Item::Text(k));
                }
                items.push(Item::Element(c));
            }
            items.extend(texts.map(Item::Text));
            let worth = |it: &Item| match *it {
                Item::Element(c) => score[c as usize],
                Item::Text(k) => value[k],
            };
            // The run of siblings around the branch that adds the most, on each side.
            let at = items
                .iter()
                .position(|it| *it == Item::Element(branch))
                .unwrap_or(0);
            let threshold = (WIDEN_SHARE * total).max(WIDEN_MIN);
            let reach = |range: &mut dyn Iterator<Item = usize>| {
                let (mut sum, mut best, mut end) = (0.0, 0.0, None);
                for j in range {
                    sum += worth(&items[j]);
                    if sum > best {
                        best = sum;
                        end = Some(j);
                    }
                }
                end.filter(|_| best >= threshold)
            };
            let first = reach(&mut (0..at).rev()).unwrap_or(at);
            let last = reach(&mut (at + 1..items.len())).unwrap_or(at);
            let others = first < at || last > at;
            if items.len() > 1 && !others {
                break;
            }
            if others {
                let take: Vec<bool> = (0..items.len())
                    .map(|j| j >= first && j <= last && worth(&items[j]) >= 0.0)
                    .collect();
                for (it, t) in items.iter().zip(&take) {
                    if !*t || *it == Item::Element(branch) {
                        continue;
                    }
                    total += worth(it).max(0.0);
                    match *it {
                        Item::Element(c) => taken[c as usize] = true,
                        Item::Text(k) => taken_text[k] = true,
                    }
                }
                top = parent;
            }
            branch = parent;
        }
        // A block is in if its owner is in a taken subtree, or it was taken itself.
        let mut inside = vec![false; self.elements.len()];
        for i in 0..self.elements.len() {
            let p = self.elements[i].parent;
            inside[i] = taken[i] || (p != NO_PARENT && inside[p as usize]);
        }
        let blocks = self
            .blocks
            .iter()
            .enumerate()
            .map(|(k, b)| taken_text[k] || inside[b.owner as usize])
            .collect();
        (top, blocks)
    }

    /// An element whose class, id or itemprop names the article body is trusted over the
    /// best sum when it holds a fair share of it: a short article beside a long box of
    /// other text, or a body whose teasers and boxes weigh it down.
    fn prefer_named_body(&self, best: usize, score: &[f64]) -> usize {
        let within = |outer: usize, inner: usize| {
            inner >= outer && inner < self.elements[outer].end as usize
        };
        let named = || {
            self.elements
                .iter()
                .enumerate()
                .filter(|(i, e)| e.content && score[*i] > 0.0)
                .map(|(i, _)| i)
        };
        if named().any(|a| within(best, a)) {
            return best;
        }
        // The nearest named ancestor of the best container, if it loses little.
        if let Some(a) = named().rfind(|&a| within(a, best)) {
            return if score[a] >= 0.8 * score[best] {
                a
            } else {
                best
            };
        }
        match named().max_by(|&a, &b| score[a].total_cmp(&score[b])) {
            Some(a) if score[a] >= 0.2 * score[best] => a,
            _ => best,
        }
    }

    /// Whether the page's text is all in comment sections: no article-length block outside
    /// them, and more text inside than out.
    fn is_discussion(&self) -> bool {
        let mut in_comments = vec![false; self.elements.len()];
        for (i, e) in self.elements.iter().enumerate() {
            in_comments[i] = e.mark == Mark::Comments
                || (e.parent != NO_PARENT && in_comments[e.parent as usize]);
        }
        let (mut inside, mut outside, mut good_outside) = (0u64, 0u64, 0u64);
        for b in &self.blocks {
            let prose = u64::from(b.weight - b.link_weight);
            if in_comments[b.owner as usize] {
                inside += prose;
            } else {
                outside += prose;
                if b.quality() == Quality::Good {
                    good_outside += u64::from(b.weight);
                }
            }
        }
        good_outside < u64::from(GOOD_WEIGHT) && inside > outside
    }

    /// The main text: kept blocks in document order, one paragraph per line. A headline
    /// (`<h1>`) before the prose that repeats the page's `title` is metadata and left out;
    /// a paragraph that does is kept (a lead the title was made from).
    ///
    /// The page's own description (`og:description`), where a block holds its opening, names
    /// the lead: the standfirst that templates put in a header or "hero" box beside the
    /// body, which is article text wherever it stands before the body's end.
    pub(super) fn main_text(&self, title: Option<&str>, description: Option<&str>) -> Vec<&str> {
        let n = self.elements.len();
        if n == 0 || self.blocks.is_empty() {
            return Vec::new();
        }
        // Article text below each element, and whether it holds a headline or a marked body.
        let mut good = vec![0u64; n];
        let mut holds_title = vec![false; n];
        for b in &self.blocks {
            if b.quality() == Quality::Good {
                good[b.owner as usize] += u64::from(b.weight);
            }
        }
        for (i, e) in self.elements.iter().enumerate() {
            holds_title[i] = e.headline || e.content;
        }
        for i in (1..n).rev() {
            let p = self.elements[i].parent;
            if p != NO_PARENT {
                good[p as usize] += good[i];
                holds_title[p as usize] |= holds_title[i];
            }
        }
        let total_good = good[0];
        let discussion = self.is_discussion();
        // A mark on an element holding most of the page's article text names a wrapper
        // ("has-sidebar", "comments-open"), not furniture. Comments never hold the headline,
        // and on a page whose text is all "comments" (a forum thread, a live ticker) they
        // are the text.
        let guarded: Vec<bool> = (0..n)
            .map(|i| {
                let e = &self.elements[i];
                match e.mark {
                    Mark::None => false,
                    Mark::Comments => discussion || holds_title[i],
                    _ => good[i] * 2 > total_good,
                }
            })
            .collect();
        let mut mark = vec![Mark::None; n];
        for i in 0..n {
            let e = &self.elements[i];
            let own = if guarded[i] { Mark::None } else { e.mark };
            mark[i] = if e.parent == NO_PARENT {
                own
            } else {
                own.max(mark[e.parent as usize])
            };
        }
        let quality: Vec<Quality> = self.blocks.iter().map(Block::quality).collect();
        let teaser = teasers(&self.blocks, &quality);
        // Value of each block for the container: article text counts, furniture and link
        // lists count against, short texts and teasers count a little.
        let mut score = vec![0f64; n];
        let mut value = vec![0f64; self.blocks.len()];
        for (k, b) in self.blocks.iter().enumerate() {
            let w = f64::from(b.weight);
            let m = mark[b.owner as usize];
            let v = match (quality[k], m) {
                (_, Mark::Strong | Mark::Comments) => -0.5 * w,
                (Quality::Links, _) => -w,
                (Quality::Good, _) if teaser[k] == Teaser::Cut => -0.5 * w,
                (Quality::Good, _) if teaser[k] == Teaser::Alone => 0.3 * w,
                (Quality::Good, _) => w,
                (Quality::Short, Mark::Weak) => -0.2 * w,
                (Quality::Short, _) => 0.2 * w,
            };
            value[k] = v;
            score[b.owner as usize] += v;
        }
        for i in (1..n).rev() {
            let p = self.elements[i].parent;
            if p != NO_PARENT {
                score[p as usize] += score[i];
            }
        }
        let mut best = 0usize;
        let mut best_score = f64::MIN;
        for (i, e) in self.elements.iter().enumerate() {
            if matches!(e.kind, Kind::Inline | Kind::Link) {
                continue;
            }
            let mut s = score[i];
            if s > 0.0 && e.kind == Kind::Article {
                s *= 1.1;
            }
            if s > best_score {
                best_score = s;
                best = i;
            }
        }
        let best = self.prefer_named_body(best, &score);
        let (top, included) = self.widen(best as u32, &score, &value);
        let below = self.marks_below(top, &guarded);
        let mut kept: Vec<usize> = (0..self.blocks.len())
            .filter(|&k| {
                if !included[k] {
                    return false;
                }
                let b = &self.blocks[k];
                match (quality[k], below[b.owner as usize]) {
                    (_, Mark::Strong | Mark::Comments) => false,
                    // Inside the article a sentence may link most of its words.
                    (Quality::Links, _) => linked_sentence(b),
                    (Quality::Short, Mark::Weak) => self.is_heading(b),
                    _ => true,
                }
            })
            .collect();
        // The lead: the first article-length block, outside furniture and lists (a list item
        // repeating the description is a teaser linking here), that opens like the page's
        // description. Only article-length: a one-line dek under the headline is the
        // headline's, and left out as before.
        let lead = description.and_then(lead_key).and_then(|key| {
            self.blocks.iter().enumerate().position(|(k, b)| {
                !matches!(mark[b.owner as usize], Mark::Strong | Mark::Comments)
                    && self.elements[b.owner as usize].kind != Kind::Item
                    && quality[k] == Quality::Good
                    && b.text.replace('\n', " ").contains(&key)
            })
        });
        if let Some(l) = lead
            && !kept.contains(&l)
            && kept
                .iter()
                .rev()
                .find(|&&k| quality[k] == Quality::Good)
                .is_some_and(|&last| l < last)
        {
            let at = kept.partition_point(|&k| k < l);
            kept.insert(at, l);
        }
        // Labels, dates, credits and the headings of link sections lie before the first
        // and after the last stretch of prose; headings and sentences before it stay.
        let prose = |k: usize| quality[k] == Quality::Good || sentence_like(&self.blocks[k]);
        let (Some(first), Some(last)) = (
            kept.iter().position(|&k| prose(k)),
            kept.iter().rposition(|&k| prose(k)),
        ) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (pos, &k) in kept.iter().enumerate() {
            let b = &self.blocks[k];
            let kind = self.elements[b.owner as usize].kind;
            if (pos < first && kind != Kind::Heading || pos > last && kind != Kind::Item)
                && !edge_text(b, kind)
            {
                continue;
            }
            if pos < first
                && self.elements[b.owner as usize].headline
                && title.is_some_and(|t| super::opens_title(&b.text.replace('\n', " "), t))
            {
                continue;
            }
            // Galleries and responsive layouts repeat captions and teasers word for word.
            out.extend(
                b.text
                    .split('\n')
                    .filter(|line| line.len() < 40 || seen.insert(*line)),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "The regional council approved the new water plan on Monday after a debate \
        that lasted most of the afternoon and drew a crowd of farmers to the town hall.";
    const MORE: &str = "Officials said the first pipes would be laid in the spring, and that the work \
        should be finished before the dry season of the following year begins in earnest.";

    fn main_text(html: &str) -> Vec<String> {
        described(html, None)
    }

    fn described(html: &str, description: Option<&str>) -> Vec<String> {
        let doc = Document::from(html);
        Page::read(&doc, &|m| Some(Document::fragment(m)))
            .main_text(None, description)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    const LEAD: &str = "Farmers and towns along the river will share the water of the new reservoir \
        under a plan the regional council approved on Monday after months of argument.";

    /// A row of navigation links, long enough to cut the page in two.
    fn nav() -> String {
        let link = "<li><a href=\"/section\">A section of the site with a long name</a></li>";
        format!("<nav><ul>{}</ul></nav>", link.repeat(10))
    }

    #[test]
    fn the_lead_in_a_header_box_is_kept_when_the_description_names_it() {
        // A news template: the standfirst sits in a "hero" box with the headline, cut off
        // from the body by a row of links, and the page's description repeats it (cut
        // short).
        let html = format!(
            "<html><body><div class=\"hero\"><h1>Water plan approved</h1><p>{LEAD}</p></div>\
             {}<div class=\"content\"><p>{BODY}</p><p>{MORE}</p></div></body></html>",
            nav()
        );
        let description = format!("{}...", &LEAD[..120]);
        assert_eq!(described(&html, None), vec![BODY, MORE]);
        assert_eq!(described(&html, Some(&description)), vec![LEAD, BODY, MORE]);
        // A lead after the body is not one: the description is not looked for there.
        let html = format!(
            "<html><body><div class=\"content\"><p>{BODY}</p><p>{MORE}</p></div>{}\
             <div class=\"promo\"><p>{LEAD}</p></div></body></html>",
            nav()
        );
        assert_eq!(described(&html, Some(LEAD)), vec![BODY, MORE]);
        // A one-line dek under the headline is the headline's: the description does not
        // bring it in (the scrapinghub bodies leave it out).
        let dek = "Farmers and towns will share the water of the new reservoir.";
        let html = format!(
            "<html><body><header><h1>Water plan approved</h1><h2>{dek}</h2></header>{}\
             <article><p>{BODY}</p><p>{MORE}</p></article></body></html>",
            nav()
        );
        assert_eq!(described(&html, Some(dek)), described(&html, None));
    }

    #[test]
    fn a_teaser_repeating_the_description_is_not_the_lead() {
        // A list of teasers above the article links to this very page with its description.
        let html = format!(
            "<html><body><ul class=\"latest\"><li><a href=\"/this\">Water plan</a> {LEAD}</li>\
             <li><a href=\"/b\">Another story about something else entirely</a></li></ul>{}\
             <article><p>{BODY}</p><p>{MORE}</p></article></body></html>",
            nav()
        );
        assert_eq!(described(&html, Some(LEAD)), vec![BODY, MORE]);
    }

    #[test]
    fn a_template_script_is_read_only_inside_the_named_body() {
        // Blogger ships each post as markup in <script type="text/template"> inside the
        // element named as the body; a component's JSON data there, and templates
        // elsewhere on the page (dialogs, widgets), are not text.
        let html = format!(
            "<html><body><div class=\"post\"><h2>Water plan approved</h2>\
             <div class=\"post-body\" itemprop=\"articleBody\">\
             <script type=\"text/template\"><p>{BODY}</p><p>{MORE}</p></script>\
             <script type=\"text/html\">{{\"type\":\"Image\",\"caption\":\"<p>{LEAD}</p>\"}}</script>\
             </div></div><div class=\"popup\"><script type=\"text/template\">\
             <p>{LEAD} Subscribe to read more.</p></script></div></body></html>"
        );
        assert_eq!(main_text(&html), vec!["Water plan approved", BODY, MORE]);
    }

    #[test]
    fn short_paragraphs_and_items_around_the_prose_stay_and_labels_go() {
        // Before the first paragraph: a recipe's ingredients (list items) and a short
        // paragraph; after the last: a pointer to the maker's site and a closing line. A
        // date in a <div>, a tag list of links and a one-word label are left out.
        let html = format!(
            "<html><body><article><div>12.03.2021</div><p>Serves four people as a main course:</p><ul>\
             <li>1 large or 1200 g whole chicken</li><li>1 tablespoon ground cinnamon</li></ul>\
             <p>{BODY}</p><p>{MORE}</p>\
             <p>More details on the maker's site: <a href=\"https://x.example\">x.example</a></p>\
             <p>Tags: <a href=\"/t/a\">water</a> <a href=\"/t/b\">council</a> \
             <a href=\"/t/c\">farming</a></p><p>Enjoy</p></article></body></html>"
        );
        assert_eq!(
            main_text(&html),
            vec![
                "Serves four people as a main course:",
                "1 large or 1200 g whole chicken",
                "1 tablespoon ground cinnamon",
                BODY,
                MORE,
                "More details on the maker's site: x.example",
            ]
        );
    }

    #[test]
    fn the_article_wins_over_a_longer_column_of_teasers_and_comments() {
        let teaser = "<li><a href=\"/x\">A much longer headline of another story that links away \
            from this page to somewhere else entirely</a></li>";
        let comment = "<div class=\"comment-body\"><p>I have lived here for forty years and never once \
            seen the council keep a promise about water, so forgive me if I do not believe it.</p></div>";
        let html = format!(
            "<html><body><div class=\"layout\"><div class=\"content\"><h1>Water plan approved</h1>\
             <p>{BODY}</p><div class=\"share-bar\"><a href=\"#\">Share</a></div><p>{MORE}</p></div>\
             <aside class=\"sidebar\"><ul>{}</ul></aside></div>\
             <section id=\"comments\">{}</section></body></html>",
            teaser.repeat(12),
            comment.repeat(3)
        );
        assert_eq!(main_text(&html), vec!["Water plan approved", BODY, MORE]);
    }

    #[test]
    fn noscript_text_is_read_when_the_page_has_none_outside() {
        // Parsed without scripting, as a crawler sees it: markup in <noscript> reaches the
        // reader as text only when the page escaped it.
        let inner = format!(
            "&lt;div class=\"post-body\"&gt;&lt;p&gt;{BODY}&lt;/p&gt;&lt;p&gt;{MORE}&lt;/p&gt;&lt;/div&gt;"
        );
        let html = format!(
            "<html><body><div id=\"app\"></div><noscript>{inner}</noscript>\
             <noscript><img src=\"/pixel.gif\"></noscript></body></html>"
        );
        assert_eq!(main_text(&html), vec![BODY, MORE]);
    }

    #[test]
    fn a_discussion_page_keeps_its_comments() {
        let post = |who: &str, text: &str| {
            format!("<div class=\"comment\"><span class=\"author\">{who}</span><p>{text}</p></div>")
        };
        let html = format!(
            "<html><body><nav><a href=\"/\">Forum</a> <a href=\"/new\">New</a></nav>\
             <div class=\"comments\">{}{}</div></body></html>",
            post("anna", BODY),
            post("ben", MORE)
        );
        let text = main_text(&html);
        assert!(text.iter().any(|l| l == BODY), "{text:?}");
        assert!(text.iter().any(|l| l == MORE), "{text:?}");
        assert!(!text.iter().any(|l| l.contains("Forum")), "{text:?}");
    }

    #[test]
    fn deep_nesting_is_read_without_recursion() {
        // Deep enough to overflow a test thread's stack if the reader recursed. (The parser
        // itself takes time quadratic in the depth: capping the depth is the input path's job.)
        let depth = 4_000;
        let html = format!(
            "<html><body>{}<p>{BODY}</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        assert_eq!(main_text(&html), vec![BODY]);
    }
}
