//! HTML main-text extraction: charset decoding, metadata and article body.
//!
//! The page is parsed once (html5ever through `dom_query`). Metadata is read
//! from meta tags, `<link rel=canonical>`, JSON-LD and `<time>` elements.
//! The DOM is then pre-cleaned with general boilerplate rules (navigation,
//! comments, captions, related-link blocks, share/subscribe widgets, hidden
//! elements, link lists), the main content is chosen by `dom_smoothie`
//! (a Readability.js port), and its text output is post-filtered line by line
//! (image credits, "Updated …"/"By …" lines, "Read more" prompts and
//! dangling section labels).

use std::sync::LazyLock;

use dom_query::{Document, NodeRef};
use regex::Regex;

use super::html_bounds::{self, HtmlLimits};
use super::normalize_date;
use crate::cancel::Cancel;

mod boilerplate;
mod lines;
mod main_text;

/// Metadata and main text of one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlDocument {
    /// Page headline (og:title, JSON-LD headline, then `<title>`).
    pub title: Option<String>,
    /// Main text: paragraphs separated by `"\n\n"`, whitespace inside a paragraph collapsed.
    pub text: String,
    /// Absolute canonical address: `<link rel=canonical>`, og:url or JSON-LD url.
    pub canonical_url: Option<String>,
    /// Author from meta author, JSON-LD author.name or article:author.
    pub author: Option<String>,
    /// Publication date or datetime as RFC 3339 (datetime) or ISO 8601 (`YYYY-MM-DD`).
    pub published: Option<String>,
    /// Site name from og:site_name or JSON-LD publisher.name.
    pub site_name: Option<String>,
    /// Language from `<html lang>` (or `og:locale`/`content-language` as fallbacks).
    pub lang: Option<String>,
}

/// Why a page yields no article.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExtractError {
    /// The page has no block of text that looks like an article body.
    #[error("no main text found in the page")]
    NoMainText,
    /// The page is over a limit, or the work was cancelled (see
    /// [`super::html_bounds`]).
    #[error("{0}")]
    Bounds(String),
}

/// Minimum number of characters of main text for a page to count as an article.
const MIN_TEXT_CHARS: usize = 100;

/// Main text shorter than this (non-space characters) is checked against the JSON-LD
/// article body and Readability.
const FALLBACK_CHARS: usize = 250;

impl From<crate::Error> for ExtractError {
    fn from(e: crate::Error) -> Self {
        ExtractError::Bounds(e.message())
    }
}

// ---------------------------------------------------------------------------
// Charset decoding
// ---------------------------------------------------------------------------

static META_CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)"#)
        .expect("valid regex")
});

/// Decode raw page bytes to a String: BOM, then the charset given by the caller
/// (e.g. HTTP Content-Type), then `<meta charset>`/`<meta http-equiv>`, then a
/// chardetng guess; never fails (invalid sequences become U+FFFD).
pub fn decode_html(bytes: &[u8], declared_charset: Option<&str>) -> String {
    use encoding_rs::{Encoding, UTF_8};
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let label_to_enc = |label: &str| {
        Encoding::for_label(
            label
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .as_bytes(),
        )
        // A page cannot really declare UTF-16 in ASCII-compatible markup.
        .map(|e| {
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                UTF_8
            } else {
                e
            }
        })
    };
    let mut enc = declared_charset.and_then(label_to_enc);
    if enc.is_none() {
        let head = &bytes[..bytes.len().min(4096)];
        enc = META_CHARSET
            .captures(head)
            .and_then(|c| std::str::from_utf8(&c[1]).ok().and_then(label_to_enc));
    }
    let enc = enc.unwrap_or_else(|| {
        if std::str::from_utf8(bytes).is_ok() {
            return UTF_8;
        }
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
        det.feed(bytes, true);
        det.guess(None, chardetng::Utf8Detection::Allow)
    });
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

fn clean_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn non_empty(s: &str) -> Option<String> {
    let s = clean_ws(s);
    (!s.is_empty()).then_some(s)
}

/// All `<meta>` key/value pairs (keys lowercased: name, property, itemprop, http-equiv).
fn meta_map(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in doc.select("meta").nodes() {
        let Some(content) = m.attr("content") else {
            continue;
        };
        for k in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = m.attr(k) {
                out.push((key.to_ascii_lowercase(), content.to_string()));
            }
        }
    }
    out
}

fn meta_get(meta: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        meta.iter()
            .find(|(mk, v)| mk == k && !v.trim().is_empty())
            .map(|(_, v)| clean_ws(v))
    })
}

#[derive(Default)]
struct JsonLdMeta {
    headline: Option<String>,
    url: Option<String>,
    author: Option<String>,
    published: Option<String>,
    publisher: Option<String>,
    /// The article's text (`articleBody`), which some pages render only by script.
    body: Option<String>,
}

fn json_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => non_empty(s),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(json_name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        serde_json::Value::Object(o) => o.get("name").and_then(json_name),
        _ => None,
    }
}

fn json_str(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => non_empty(s),
        serde_json::Value::Object(o) => o
            .get("@id")
            .or_else(|| o.get("url"))
            .and_then(|x| json_str(Some(x))),
        serde_json::Value::Array(a) => a.iter().find_map(|x| json_str(Some(x))),
        _ => None,
    }
}

fn is_article_type(v: Option<&serde_json::Value>) -> bool {
    let check = |s: &str| {
        s.contains("Article") || s.contains("BlogPosting") || s == "Report" || s == "WebPage"
    };
    match v {
        Some(serde_json::Value::String(s)) => check(s),
        Some(serde_json::Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(check)),
        _ => false,
    }
}

fn collect_ld<'a>(
    v: &'a serde_json::Value,
    out: &mut Vec<&'a serde_json::Map<String, serde_json::Value>>,
) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_ld(x, out)),
        serde_json::Value::Object(o) => {
            out.push(o);
            if let Some(g) = o.get("@graph") {
                collect_ld(g, out);
            }
        }
        _ => {}
    }
}

fn json_ld(doc: &Document) -> JsonLdMeta {
    let mut meta = JsonLdMeta::default();
    for s in doc.select(r#"script[type="application/ld+json"]"#).nodes() {
        let text = s.text();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim()) else {
            continue;
        };
        let mut objs = Vec::new();
        collect_ld(&v, &mut objs);
        // Articles first, then web pages.
        objs.sort_by_key(|o| {
            let t = o.get("@type");
            if is_article_type(t)
                && !matches!(t, Some(serde_json::Value::String(s)) if s == "WebPage")
            {
                0
            } else {
                1
            }
        });
        for o in objs {
            if !is_article_type(o.get("@type")) {
                if o.get("@type").and_then(|t| t.as_str()) == Some("Organization")
                    || o.get("@type").and_then(|t| t.as_str()) == Some("NewsMediaOrganization")
                {
                    meta.publisher = meta.publisher.or_else(|| o.get("name").and_then(json_name));
                }
                continue;
            }
            meta.headline = meta
                .headline
                .or_else(|| json_str(o.get("headline")).or_else(|| json_str(o.get("name"))));
            meta.url = meta
                .url
                .or_else(|| json_str(o.get("url")).or_else(|| json_str(o.get("mainEntityOfPage"))));
            meta.author = meta.author.or_else(|| o.get("author").and_then(json_name));
            meta.published = meta.published.or_else(|| {
                json_str(o.get("datePublished")).or_else(|| json_str(o.get("dateCreated")))
            });
            meta.publisher = meta
                .publisher
                .or_else(|| o.get("publisher").and_then(json_name));
            if let Some(serde_json::Value::String(b)) = o.get("articleBody")
                && meta.body.as_ref().is_none_or(|old| old.len() < b.len())
            {
                meta.body = Some(b.clone());
            }
        }
    }
    meta
}

fn absolutize(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match url::Url::parse(href) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u.to_string()),
        Ok(_) => None,
        Err(_) => base.and_then(|b| b.join(href).ok()).map(|u| u.to_string()),
    }
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.")
}

static BY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*by\s+").expect("valid regex"));

/// Metadata of a page, the article text its JSON-LD carries, if any, and its description
/// (the standfirst the page gives for itself in `og:description` or `description`).
fn extract_metadata(
    doc: &Document,
    url: Option<&str>,
) -> (HtmlDocument, Option<String>, Option<String>) {
    let meta = meta_map(doc);
    let ld = json_ld(doc);
    let ld_body = ld.body;
    let description = meta_get(
        &meta,
        &["og:description", "description", "twitter:description"],
    );
    let base = url.and_then(|u| url::Url::parse(u).ok());

    let title = meta_get(&meta, &["og:title", "twitter:title"])
        .or(ld.headline)
        .or_else(|| non_empty(&doc.select("head title").text()))
        .or_else(|| non_empty(&doc.select("h1").first().text()));

    let canonical_url = doc
        .select(r#"link[rel~="canonical"]"#)
        .nodes()
        .iter()
        .find_map(|l| l.attr("href").and_then(|h| absolutize(&h, base.as_ref())))
        .or_else(|| meta_get(&meta, &["og:url"]).and_then(|h| absolutize(&h, base.as_ref())))
        .or_else(|| ld.url.and_then(|h| absolutize(&h, base.as_ref())));

    let author = meta_get(
        &meta,
        &[
            "author",
            "byl",
            "dc.creator",
            "sailthru.author",
            "parsely-author",
        ],
    )
    .filter(|a| !looks_like_url(a))
    .or(ld.author.filter(|a| !looks_like_url(a)))
    .or_else(|| meta_get(&meta, &["article:author"]).filter(|a| !looks_like_url(a)))
    .map(|a| BY_PREFIX.replace(&a, "").into_owned())
    .filter(|a| !a.is_empty());

    let published = meta_get(&meta, &["article:published_time", "og:published_time"])
        .and_then(|d| normalize_date(&d))
        .or_else(|| ld.published.and_then(|d| normalize_date(&d)))
        .or_else(|| {
            meta_get(
                &meta,
                &[
                    "datepublished",
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "publish_date",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.created",
                    "dcterms.date",
                    "sailthru.date",
                    "parsely-pub-date",
                    "article.published",
                    "original-publish-date",
                ],
            )
            .and_then(|d| normalize_date(&d))
        })
        .or_else(|| {
            doc.select("time[datetime]")
                .nodes()
                .iter()
                .find_map(|t| t.attr("datetime").and_then(|d| normalize_date(&d)))
        });

    let site_name = meta_get(&meta, &["og:site_name", "application-name"]).or(ld.publisher);

    let lang = doc
        .select("html")
        .first()
        .attr("lang")
        .and_then(|l| non_empty(&l))
        .or_else(|| {
            meta_get(&meta, &["content-language", "og:locale"]).map(|l| l.replace('_', "-"))
        });

    let doc = HtmlDocument {
        title,
        text: String::new(),
        canonical_url,
        author,
        published,
        site_name,
        lang,
    };
    (doc, ld_body, description)
}

// ---------------------------------------------------------------------------
// DOM pre-cleaning
// ---------------------------------------------------------------------------

/// Elements removed outright by tag name.
const DROP_TAGS: &str = "script, style, noscript, nav, footer, aside, figcaption, button, select, \
    input, textarea, iframe, svg, canvas, dialog, template, object, embed, audio, video, form[role=search], \
    [role=navigation], [role=complementary], [role=contentinfo], [role=dialog], [role=menu], \
    [role=menubar], [role=alert], [role=banner], [aria-hidden=true], [hidden]";

/// class/id words that mark boilerplate containers (compared to whole words of class and id).
const BOILER_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menus",
    "submenu",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "sidebar",
    "aside",
    "rail",
    "comment",
    "comments",
    "commentlist",
    "discussion",
    "disqus",
    "respond",
    "replies",
    "related",
    "recommended",
    "recommendations",
    "recommend",
    "share",
    "sharing",
    "sharebar",
    "shares",
    "social",
    "socials",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "promotion",
    "promoted",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "sponsor",
    "sponsored",
    "outbrain",
    "taboola",
    "caption",
    "captions",
    "credit",
    "credits",
    "byline",
    "bylines",
    "dateline",
    "timestamp",
    "tags",
    "widget",
    "widgets",
    "popup",
    "modal",
    "cookie",
    "cookies",
    "consent",
    "toolbar",
    "pagination",
    "pager",
    "print",
    "gallery",
    "slideshow",
    "carousel",
    "lightbox",
    "trending",
    "popular",
    "mostread",
    "mostpopular",
    "readmore",
    "more",
    "also",
    "next",
    "prev",
    "previous",
    "skip",
    "login",
    "paywall",
    "banner",
    "masthead",
    "copyright",
    "disclaimer",
    "author",
    "authors",
    "meta",
    "tools",
    "utility",
    "follow",
    "hidden",
    "sr",
    "visually",
    "offscreen",
];

/// Multi-word class/id fragments (checked as substrings of the lowercased class+id).
const BOILER_SUBSTR: &[&str] = &[
    "related",
    "newsletter",
    "share-",
    "social",
    "comment-",
    "comments",
    "recirc",
    "most-read",
    "mostread",
    "read-more",
    "readmore",
    "see-also",
    "also-read",
    "more-stories",
    "more-from",
    "you-may",
    "youmay",
    "cookie",
    "subscribe",
    "caption",
    "byline",
    "breadcrumb",
    "sidebar",
    "taboola",
    "outbrain",
    "promo",
    "sponsor",
    "trending",
    "author-bio",
    "author-info",
    "bio-",
    "jump-link",
    "toc-",
    "affiliate",
    "inline-ad",
    "ad-container",
    "ad-slot",
    "advert",
];

fn is_boiler_word(w: &str) -> bool {
    BOILER_WORDS.contains(&w)
}

fn boiler_attr(node: &NodeRef) -> bool {
    let class = node.attr("class");
    let id = node.attr("id");
    if class.is_none() && id.is_none() {
        return false;
    }
    let mut s = String::new();
    if let Some(c) = &class {
        s.push_str(c);
    }
    s.push(' ');
    if let Some(i) = &id {
        s.push_str(i);
    }
    let s = s.to_ascii_lowercase();
    if s.split(|c: char| !c.is_ascii_alphanumeric())
        .any(is_boiler_word)
    {
        return true;
    }
    BOILER_SUBSTR.iter().any(|p| s.contains(p))
}

fn style_hidden(node: &NodeRef) -> bool {
    node.attr("style").is_some_and(|st| {
        let st: String = st
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        st.contains("display:none") || st.contains("visibility:hidden")
    })
}

/// Character count of paragraph-like text below a node.
fn para_chars(node: &NodeRef) -> usize {
    let mut n = 0;
    for d in node.descendants_it() {
        if d.is_element() && d.node_name().is_some_and(|nm| nm.as_ref() == "p") {
            n += d.text().trim().len();
        }
    }
    if node.node_name().is_some_and(|nm| nm.as_ref() == "p") {
        n += node.text().trim().len();
    }
    n
}

fn link_chars(node: &NodeRef) -> usize {
    node.descendants_it()
        .filter(|d| d.is_element() && d.node_name().is_some_and(|nm| nm.as_ref() == "a"))
        .map(|a| a.text().trim().len())
        .sum()
}

fn preclean(doc: &Document) {
    doc.select(DROP_TAGS).remove();
    let total_p: usize = doc
        .select("p")
        .nodes()
        .iter()
        .map(|p| p.text().trim().len())
        .sum();
    // Pages without enough <p> markup (text in <div>s and <br>s) are measured by all text.
    let use_p = total_p >= 400;
    let measure = |n: &NodeRef| {
        if use_p {
            para_chars(n)
        } else {
            n.text().trim().len()
        }
    };
    let total = if use_p {
        total_p
    } else {
        doc.select("body").text().trim().len()
    };
    // Never remove a container holding this much of the page's main text.
    let guard = (total as f64 * 0.35) as usize;

    let mut to_remove = Vec::new();
    for node in doc.select("body *").nodes() {
        let Some(name) = node.node_name() else {
            continue;
        };
        let name = name.as_ref();
        if matches!(name, "html" | "body" | "main" | "p") {
            continue;
        }
        if boiler_attr(node) || style_hidden(node) || matches!(name, "header" | "figure") {
            if measure(node) <= guard {
                to_remove.push(*node);
            }
            continue;
        }
        // Link lists: ul/ol whose text is mostly links (related stories, tag clouds, menus).
        if matches!(name, "ul" | "ol") {
            let text_len = node.text().trim().len();
            let items = node.children_it(false).filter(|c| c.is_element()).count();
            if items >= 2 && text_len > 0 && link_chars(node) * 10 >= text_len * 7 {
                to_remove.push(*node);
            }
        }
    }
    for n in to_remove {
        n.remove_from_parent();
    }
}

// ---------------------------------------------------------------------------
// Text post-filtering
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

/// Extract main text and metadata. `url` is the page address if known (used to
/// resolve relative canonical links).
pub fn extract(html: &str, url: Option<&str>) -> Result<HtmlDocument, ExtractError> {
    extract_within(html, url, &HtmlLimits::default(), &Cancel::new())
}

/// [`extract`] within limits on the page's depth and size, stopping when
/// `cancel` is raised (see [`super::html_bounds`]).
pub fn extract_within(
    html: &str,
    url: Option<&str>,
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<HtmlDocument, ExtractError> {
    let doc = html_bounds::parse(html, limits, cancel)?;
    let (mut out, ld_body, description) = extract_metadata(&doc, url);
    let page = main_text::Page::read(&doc, &|markup| parse_fragment(markup, limits, cancel).ok());
    cancel.check()?;
    let mut text = lines::postfilter(
        &page
            .main_text(out.title.as_deref(), description.as_deref())
            .join("\n"),
    );
    // Text from a fallback, where the headline cannot be told from a paragraph.
    let mut fallback = false;
    // Too little text in the markup: the article may be in the JSON-LD (pages that render
    // it by script), or in a layout that only Readability's scoring finds.
    if visible_chars(&text) < FALLBACK_CHARS
        && let Some(body) = ld_body
    {
        let body = if body.contains('<') {
            parse_fragment(&body, limits, cancel)?
                .formatted_text()
                .to_string()
        } else {
            body
        };
        let body = lines::postfilter(&body);
        if visible_chars(&body) > visible_chars(&text) {
            text = body;
            fallback = true;
        }
    }
    if visible_chars(&text) < FALLBACK_CHARS {
        preclean(&doc);
        cancel.check()?;
        let cfg = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            disable_json_ld: true,
            ..Default::default()
        };
        let doc_url = url.filter(|u| url::Url::parse(u).is_ok());
        if let Ok(mut r) = dom_smoothie::Readability::with_document(doc, doc_url, Some(cfg))
            && let Ok(article) = r.parse()
        {
            let alt = lines::postfilter(&article.text_content);
            if visible_chars(&alt) > visible_chars(&text) {
                text = alt;
                fallback = true;
            }
            if out.title.is_none() {
                out.title = non_empty(&article.title);
            }
        }
    }
    if fallback && let Some(title) = &out.title {
        text = drop_leading_title(&text, title);
    }
    if visible_chars(&text) < MIN_TEXT_CHARS {
        return Err(ExtractError::NoMainText);
    }
    out.text = text;
    Ok(out)
}

/// Markup found inside a page (in `<noscript>`, in JSON-LD) parsed within the same
/// limits as the page.
fn parse_fragment(
    markup: &str,
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<Document, ExtractError> {
    let bounded = html_bounds::bound(markup, limits, false, cancel)?;
    Ok(Document::fragment(bounded.as_ref()))
}

fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whether a line of text is the page's title, or its start (a headline split by `<br>`).
fn opens_title(line: &str, title: &str) -> bool {
    line.len() >= 8 && title.starts_with(line)
}

/// The headline often opens a fallback's text too; it is metadata, not body text.
fn drop_leading_title(text: &str, title: &str) -> String {
    let mut paras = text.split("\n\n").peekable();
    let mut dropped = false;
    while let Some(p) = paras.peek() {
        if opens_title(p, title) {
            paras.next();
            dropped = true;
        } else {
            break;
        }
    }
    if !dropped {
        return text.to_string();
    }
    paras.collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "The city council voted on Tuesday to approve a new budget for the coming fiscal year, \
        ending months of debate over how to pay for road repairs, school upgrades and a larger police force.";
    const P2: &str = "Council members said the plan raises property taxes by two percent, the first increase \
        in six years, while keeping library hours and bus routes at their current levels for residents.";
    const P3: &str = "Mayor Jane Ortiz called the vote a compromise that nobody loved but everyone could live with, \
        and said she would sign the measure into law before the end of the week.";

    fn article_page(head: &str, extra_body: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"en-US\"><head><meta charset=\"utf-8\">{head}</head><body>\
             <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>\
             <li><a href=\"/sports\">Sports</a></li></ul></nav>\
             <article><h1>Council passes budget</h1>\
             <p>{P1}</p><p>{P2}</p>\
             <figure><img src=\"/a.jpg\"><figcaption>Council members at the meeting on Tuesday. Photo: John Doe</figcaption></figure>\
             <p>{P3}</p></article>{extra_body}\
             <footer><p>Copyright 2024 Example News. All rights reserved.</p></footer></body></html>"
        )
    }

    #[test]
    fn metadata_from_meta_tags() {
        let head = "<title>Council passes budget - Example News</title>\
            <meta property=\"og:title\" content=\"Council passes budget\">\
            <meta property=\"og:site_name\" content=\"Example News\">\
            <meta name=\"author\" content=\"By Maria  Lopez\">\
            <meta property=\"article:published_time\" content=\"2024-03-05T10:30:00+01:00\">\
            <link rel=\"canonical\" href=\"/2024/03/budget.html\">";
        let doc = extract(
            &article_page(head, ""),
            Some("https://news.example.com/x?utm=1"),
        )
        .unwrap();
        assert_eq!(doc.title.as_deref(), Some("Council passes budget"));
        assert_eq!(doc.site_name.as_deref(), Some("Example News"));
        assert_eq!(doc.author.as_deref(), Some("Maria Lopez"));
        assert_eq!(doc.published.as_deref(), Some("2024-03-05T09:30:00Z"));
        assert_eq!(
            doc.canonical_url.as_deref(),
            Some("https://news.example.com/2024/03/budget.html")
        );
        assert_eq!(doc.lang.as_deref(), Some("en-US"));
    }

    #[test]
    fn metadata_from_json_ld() {
        let head = r#"<title>Budget | Example</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"ignored"},
              {"@type":"NewsArticle","headline":"Council passes budget after long debate",
               "url":"https://news.example.com/budget","datePublished":"2024-03-05",
               "author":[{"@type":"Person","name":"Maria Lopez"},{"@type":"Person","name":"Sam Lee"}],
               "publisher":{"@type":"Organization","name":"Example News"}}]}</script>"#;
        let doc = extract(&article_page(head, ""), None).unwrap();
        assert_eq!(
            doc.title.as_deref(),
            Some("Council passes budget after long debate")
        );
        assert_eq!(
            doc.canonical_url.as_deref(),
            Some("https://news.example.com/budget")
        );
        assert_eq!(doc.author.as_deref(), Some("Maria Lopez, Sam Lee"));
        assert_eq!(doc.published.as_deref(), Some("2024-03-05"));
        assert_eq!(doc.site_name.as_deref(), Some("Example News"));
    }

    #[test]
    fn time_element_and_relative_canonical_without_base() {
        let page = article_page("<link rel=\"canonical\" href=\"/relative\">", "").replace(
            "<h1>",
            "<time datetime=\"2019-11-18 23:04\">Nov 18</time><h1>",
        );
        let doc = extract(&page, None).unwrap();
        assert_eq!(doc.published.as_deref(), Some("2019-11-18T23:04:00Z"));
        // A relative canonical link cannot be made absolute without the page address.
        assert_eq!(doc.canonical_url, None);
    }

    #[test]
    fn boilerplate_is_dropped() {
        let extra = "<div class=\"share-tools\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a></div>\
            <section class=\"related-articles\"><h3>Related articles</h3><ul>\
              <li><a href=\"/a\">Mayor unveils plan for new stadium downtown</a></li>\
              <li><a href=\"/b\">School board delays vote on later start times</a></li></ul></section>\
            <div id=\"comments\"><h3>3 comments</h3><div class=\"comment\"><p>Totally disagree with this, \
              taxes are already far too high in this town and the council never listens.</p></div></div>";
        let doc = extract(&article_page("", extra), None).unwrap();
        let paras: Vec<&str> = doc.text.split("\n\n").collect();
        assert_eq!(paras, vec![P1, P2, P3], "got: {:?}", doc.text);
    }

    #[test]
    fn boilerplate_lines_and_whitespace() {
        let body = format!(
            "<html><body><div class=\"story\"><p>Updated 5:27 am CST, Wednesday, November 20, 2019</p>\
             <p>{}</p><p>Image 1 of 8</p><p>{P2}</p><p>Continue Reading Below</p><p>{P3}</p></div></body></html>",
            P1.replace(' ', " \n\t ")
        );
        let doc = extract(&body, None).unwrap();
        assert_eq!(doc.text, format!("{P1}\n\n{P2}\n\n{P3}"));
    }

    #[test]
    fn headline_is_left_out_and_a_lead_equal_to_it_kept() {
        // The bundled corpus's pages: the title was made from the lead, which is text.
        let lead = "The Indian Navy says it captured 23 pirates in the Gulf of Aden on Saturday.";
        let head = format!("<meta property=\"og:title\" content=\"{lead}\">");
        let page = format!(
            "<html><head>{head}</head><body><article><header><h1>{lead}</h1></header>\
             <div class=\"story-body\"><p>{lead}</p><p>{P1}</p><p>{P2}</p></div></article></body></html>"
        );
        let doc = extract(&page, None).unwrap();
        assert_eq!(doc.title.as_deref(), Some(lead));
        assert_eq!(doc.text, format!("{lead}\n\n{P1}\n\n{P2}"));
    }

    #[test]
    fn page_without_article_gives_no_main_text() {
        let page = "<html><head><title>Log in</title></head><body>\
            <nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav>\
            <form><label>Email <input name=\"e\"></label><button>Sign in</button></form>\
            <footer>© 2024 Example</footer></body></html>";
        assert_eq!(extract(page, None), Err(ExtractError::NoMainText));
        assert_eq!(extract("", None), Err(ExtractError::NoMainText));
    }

    #[test]
    fn decodes_windows_1252_from_meta_charset() {
        let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".to_vec();
        bytes.extend_from_slice(
            b"Caf\xe9 \x93cr\xe8me br\xfbl\xe9e\x94 \x96 \x80 5</p></body></html>",
        );
        let s = decode_html(&bytes, None);
        assert!(s.contains("Café “crème brûlée” – € 5"), "{s}");
    }

    #[test]
    fn decodes_shift_jis_from_meta_charset() {
        let text = "東京都は火曜日、新しい予算案を発表した。";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let mut bytes =
            b"<html><head><meta charset=\"Shift_JIS\"><title>t</title></head><body><p>".to_vec();
        bytes.extend_from_slice(&sjis);
        bytes.extend_from_slice(b"</p></body></html>");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert!(decode_html(&bytes, None).contains(text));
    }

    #[test]
    fn decode_precedence_bom_declared_guess() {
        // BOM wins over everything.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<meta charset=\"windows-1252\">é".as_bytes());
        assert_eq!(
            decode_html(&bom, Some("iso-8859-1")),
            "<meta charset=\"windows-1252\">é"
        );
        // The caller's charset wins over <meta>.
        let bytes = b"<meta charset=\"utf-8\"><p>\xe9t\xe9</p>";
        assert_eq!(
            decode_html(bytes, Some("ISO-8859-1")),
            "<meta charset=\"utf-8\"><p>été</p>"
        );
        // Unknown labels are ignored; without any declaration the bytes are guessed.
        let guessed = decode_html(
            "<p>Grüße aus München, schöne Straße</p>".as_bytes(),
            Some("no-such-charset"),
        );
        assert_eq!(guessed, "<p>Grüße aus München, schöne Straße</p>");
        let latin = encoding_rs::WINDOWS_1252
            .encode("<p>Très célèbre église, à côté du château</p>")
            .0;
        assert_eq!(
            decode_html(&latin, None),
            "<p>Très célèbre église, à côté du château</p>"
        );
    }

    #[test]
    fn shift_jis_page_extracts() {
        let para = "東京都議会は火曜日、来年度の予算案を賛成多数で可決した。道路の補修や学校の改修、警察官の増員に充てる費用をめぐる数か月の議論に決着がついた形だ。";
        let html = format!(
            "<html lang=\"ja\"><head><meta charset=\"shift_jis\"></head><body><article><p>{para}</p><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
        );
        let bytes = encoding_rs::SHIFT_JIS.encode(&html).0;
        let doc = extract(&decode_html(&bytes, None), None).unwrap();
        assert_eq!(doc.lang.as_deref(), Some("ja"));
        assert!(doc.text.starts_with(para), "{}", doc.text);
    }
}
