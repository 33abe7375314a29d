//! What a source lists: a feed's items (RSS, Atom, JSON Feed), a sitemap's
//! URLs (with their `<news:news>` title and date), a sitemap index's child
//! sitemaps, or a front page's article links. The kind is told from the
//! content, so a source is added by its URL alone.

use std::io::Read;

use quick_xml::events::Event;
use storyline::ingest::{self, RawArticle};
use storyline::store::sources::ListedItem;
use url::Url;
use xxhash_rust::xxh3::xxh3_64;

use crate::Body;

/// Entries read from one sitemap at most (the sitemap protocol's own cap).
const MAX_SITEMAP_ENTRIES: usize = 50_000;
/// Links taken from one front page at most.
const MAX_FRONT_PAGE_LINKS: usize = 500;

/// What a source document lists.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    /// A feed's items.
    Feed(Vec<ListedItem>),
    /// A sitemap's pages.
    Sitemap(Vec<ListedItem>),
    /// A sitemap index's child sitemaps, with their `<lastmod>`.
    SitemapIndex(Vec<(String, Option<String>)>),
    /// A front page's article links.
    FrontPage(Vec<ListedItem>),
}

impl Listing {
    /// The kind as stored on the source.
    pub fn kind(&self) -> &'static str {
        match self {
            Listing::Feed(_) => "feed",
            Listing::Sitemap(_) => "sitemap",
            Listing::SitemapIndex(_) => "sitemap_index",
            Listing::FrontPage(_) => "front_page",
        }
    }
}

/// Why a source document could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ListingError(pub String);

/// Reads a fetched source document. `limit` bounds a gzipped sitemap's
/// decompressed size.
pub fn parse(body: &Body, limit: u64) -> Result<Listing, ListingError> {
    let bytes = if ingest::detect::is_gzip(&body.bytes) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&body.bytes[..])
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| ListingError(format!("cannot decompress: {e}")))?;
        if out.len() as u64 > limit {
            return Err(ListingError(format!(
                "decompresses to more than the size limit of {limit} bytes"
            )));
        }
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(&body.bytes[..])
    };
    let head = skip_bom_and_space(&bytes);
    let html_type = body
        .content_type
        .as_deref()
        .is_some_and(|c| c.contains("html"));
    if head.starts_with(b"{") {
        return feed(&bytes, &body.url);
    }
    match root_element(head) {
        Some(root) => match root.as_str() {
            "rss" | "feed" | "rdf" => feed(&bytes, &body.url),
            "urlset" => sitemap(&bytes, &body.url).map(Listing::Sitemap),
            "sitemapindex" => sitemap_index(&bytes, &body.url).map(Listing::SitemapIndex),
            "html" => Ok(front_page(&bytes, body)),
            other if html_type => {
                let _ = other;
                Ok(front_page(&bytes, body))
            }
            other => Err(ListingError(format!(
                "<{other}> is not a feed, a sitemap or an HTML page"
            ))),
        },
        None if html_type || head.starts_with(b"<") => Ok(front_page(&bytes, body)),
        None => Err(ListingError("not a feed, a sitemap or an HTML page".into())),
    }
}

fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

/// The local name of the first element, lower-cased; `None` when the
/// document is not XML up to there (HTML often is not).
fn root_element(head: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(&head[..head.len().min(64 << 10)]);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return Some(e.local_name().as_ref().to_ascii_lowercase());
            }
            Ok(Event::DocType(d)) => {
                if d.to_ascii_lowercase().contains("html") {
                    return Some("html".into());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// An item's ledger key: the article key its address gives (canonical URL,
/// tracking parameters stripped), else its text's.
fn key_for(url: Option<&str>, text: &str) -> String {
    ingest::identity_key(url, text)
}

fn fingerprint(parts: &[Option<&str>]) -> String {
    let mut joined = String::new();
    for p in parts {
        joined.push_str(p.unwrap_or(""));
        joined.push('\u{1f}');
    }
    format!("{:016x}", xxh3_64(joined.as_bytes()))
}

/// Only links a fetch may follow: absolute http(s), resolved against the
/// document.
fn absolute(base: &Url, href: &str) -> Option<Url> {
    let mut u = base.join(href.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

fn feed(bytes: &[u8], base: &Url) -> Result<Listing, ListingError> {
    let items = ingest::feed::parse_feed_items(bytes).map_err(|e| ListingError(e.message()))?;
    let mut listed = Vec::with_capacity(items.len());
    for item in items {
        let link = item
            .link
            .as_deref()
            .and_then(|l| base.join(l).ok())
            .map(|u| u.to_string());
        let article = item.article.ok();
        let text = article.as_ref().map(|a| a.text.as_str()).unwrap_or("");
        if link.is_none() && text.trim().is_empty() {
            continue;
        }
        let fp = fingerprint(&[
            item.title.as_deref(),
            link.as_deref(),
            item.published.as_deref(),
            item.updated.as_deref(),
            Some(text),
        ]);
        // An item with a link that is not http(s) (`mailto:`, `file:`) keeps
        // it: the fetch refuses it and the item's own text stands in.
        let key = match &link {
            Some(l) if ingest::canonical_url(l).is_some() => key_for(Some(l), ""),
            Some(l) => format!("link:{l}"),
            None => key_for(None, text),
        };
        let mut fallback = article.unwrap_or_else(|| RawArticle {
            url: link.clone(),
            title: item.title.clone(),
            published: item.published.clone(),
            ..RawArticle::default()
        });
        if fallback.url.is_none() {
            fallback.url = link.clone();
        }
        listed.push(ListedItem {
            key,
            url: link,
            fingerprint: Some(fp),
            feed_item: Some(fallback),
        });
    }
    Ok(Listing::Feed(listed))
}

/// `<url>` (or `<sitemap>`) entries: loc, lastmod, and a news title and
/// date when the entry has `<news:news>`.
#[derive(Default)]
struct Entry {
    loc: String,
    lastmod: Option<String>,
    title: Option<String>,
    published: Option<String>,
}

fn entries(bytes: &[u8], entry_tag: &str) -> Result<Vec<Entry>, ListingError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<Entry> = None;
    // The field being read, and its text so far (entities come as events
    // of their own, between pieces of text).
    let mut field: Option<(String, String)> = None;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ListingError(format!(
                "malformed XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == entry_tag {
                    current = Some(Entry::default());
                } else if current.is_some() {
                    field = Some((name, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = field.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => text.push_str(match &*r {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == entry_tag {
                    if let Some(entry) = current.take()
                        && !entry.loc.is_empty()
                    {
                        out.push(entry);
                        if out.len() >= MAX_SITEMAP_ENTRIES {
                            break;
                        }
                    }
                } else if let (Some(entry), Some((fname, text))) = (current.as_mut(), field.take())
                    && fname == name
                {
                    set_field(entry, &name, text.trim().to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn set_field(entry: &mut Entry, name: &str, text: String) {
    match name {
        "loc" => entry.loc = text,
        "lastmod" => entry.lastmod = Some(text),
        "title" => entry.title = Some(text),
        "publication_date" => entry.published = Some(text),
        _ => {}
    }
}

fn sitemap(bytes: &[u8], base: &Url) -> Result<Vec<ListedItem>, ListingError> {
    Ok(entries(bytes, "url")?
        .into_iter()
        .filter_map(|e| {
            let url = absolute(base, &e.loc)?.to_string();
            let fp = fingerprint(&[
                Some(&url),
                e.lastmod.as_deref(),
                e.title.as_deref(),
                e.published.as_deref(),
            ]);
            // A sitemap carries no text; its news title and date still help
            // a page that lacks them.
            let hint = (e.title.is_some() || e.published.is_some()).then(|| RawArticle {
                url: Some(url.clone()),
                title: e.title.clone(),
                published: e.published.clone().or(e.lastmod.clone()),
                ..RawArticle::default()
            });
            Some(ListedItem {
                key: key_for(Some(&url), ""),
                url: Some(url),
                fingerprint: Some(fp),
                feed_item: hint,
            })
        })
        .collect())
}

fn sitemap_index(bytes: &[u8], base: &Url) -> Result<Vec<(String, Option<String>)>, ListingError> {
    Ok(entries(bytes, "sitemap")?
        .into_iter()
        .filter_map(|e| Some((absolute(base, &e.loc)?.to_string(), e.lastmod)))
        .collect())
}

/// A front page's links to what look like articles on the same site.
fn front_page(bytes: &[u8], body: &Body) -> Listing {
    let html = ingest::html::decode_html(bytes, body.charset().as_deref());
    let doc = scraper::Html::parse_document(&html);
    let base_sel = scraper::Selector::parse("base[href]").expect("valid selector");
    let base = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| body.url.join(h).ok())
        .unwrap_or_else(|| body.url.clone());
    let links = scraper::Selector::parse("a[href]").expect("valid selector");
    let mut seen = std::collections::HashSet::new();
    let mut items = Vec::new();
    for a in doc.select(&links) {
        let Some(url) = a.value().attr("href").and_then(|h| absolute(&base, h)) else {
            continue;
        };
        if !same_site(&url, &body.url) || !looks_like_article(&url) {
            continue;
        }
        let key = key_for(Some(url.as_str()), "");
        if !seen.insert(key.clone()) {
            continue;
        }
        let title: String = a.text().collect::<Vec<_>>().join(" ");
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        items.push(ListedItem {
            key,
            url: Some(url.to_string()),
            fingerprint: None,
            feed_item: (!title.is_empty()).then(|| RawArticle {
                url: Some(url.to_string()),
                title: Some(title),
                ..RawArticle::default()
            }),
        });
        if items.len() >= MAX_FRONT_PAGE_LINKS {
            break;
        }
    }
    Listing::FrontPage(items)
}

fn site_of(url: &Url) -> String {
    url.host_str()
        .unwrap_or("")
        .trim_start_matches("www.")
        .to_ascii_lowercase()
}

fn same_site(url: &Url, page: &Url) -> bool {
    let (a, b) = (site_of(url), site_of(page));
    let related = a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"));
    related && url.port_or_known_default() == page.port_or_known_default()
}

/// Whether a same-site link looks like an article rather than a section,
/// tag, author, account or asset page: a slug of several words, or an id or
/// a date in the path. Extraction has the last word: a link that turns out
/// not to be an article is skipped.
pub fn looks_like_article(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(last) = segments.last() else {
        return false;
    };
    const NOT_ARTICLES: &[&str] = &[
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "section",
        "author",
        "authors",
        "about",
        "contact",
        "search",
        "login",
        "signin",
        "register",
        "account",
        "subscribe",
        "newsletter",
        "newsletters",
        "privacy",
        "terms",
        "cookies",
        "feed",
        "rss",
        "page",
        "cdn-cgi",
        "wp-admin",
        "wp-login.php",
        "static",
        "assets",
    ];
    if segments.iter().any(|s| NOT_ARTICLES.contains(s)) {
        return false;
    }
    const ASSETS: &[&str] = &[
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css", ".js", ".pdf", ".zip", ".mp3",
        ".mp4", ".xml", ".json", ".ico",
    ];
    if ASSETS.iter().any(|e| last.ends_with(e)) {
        return false;
    }
    let stem = last
        .trim_end_matches(".html")
        .trim_end_matches(".htm")
        .trim_end_matches(".shtml");
    let words = stem
        .split(['-', '_'])
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let long_number = path
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 4);
    words >= 3 || long_number || (stem.len() >= 8 && last.ends_with(".html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: &[u8], ct: &str, url: &str) -> Body {
        Body {
            url: Url::parse(url).unwrap(),
            status: 200,
            bytes: bytes.to_vec(),
            content_type: Some(ct.into()),
            etag: None,
            last_modified: None,
        }
    }

    #[test]
    fn news_sitemap_and_index() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://n.example/2026/01/quake-hits-coast</loc><lastmod>2026-01-02</lastmod>
  <news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication>
   <news:publication_date>2026-01-02T10:00:00Z</news:publication_date><news:title>Quake &amp; tsunami</news:title></news:news></url>
 <url><loc>/relative?a=1&amp;b=2</loc></url>
</urlset>"#;
        let l = parse(
            &body(xml, "application/xml", "https://n.example/sitemap.xml"),
            1 << 20,
        )
        .unwrap();
        let Listing::Sitemap(items) = l else {
            panic!("{l:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key, "url:n.example/2026/01/quake-hits-coast");
        let hint = items[0].feed_item.as_ref().unwrap();
        assert_eq!(hint.title.as_deref(), Some("Quake & tsunami"));
        assert_eq!(hint.published.as_deref(), Some("2026-01-02T10:00:00Z"));
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://n.example/relative?a=1&b=2")
        );

        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://n.example/news.xml</loc><lastmod>2026-01-02T10:00:00Z</lastmod></sitemap>
<sitemap><loc>https://n.example/archive.xml.gz</loc></sitemap></sitemapindex>"#;
        let l = parse(
            &body(index, "text/xml", "https://n.example/sitemap.xml"),
            1 << 20,
        )
        .unwrap();
        assert_eq!(
            l,
            Listing::SitemapIndex(vec![
                (
                    "https://n.example/news.xml".into(),
                    Some("2026-01-02T10:00:00Z".into())
                ),
                ("https://n.example/archive.xml.gz".into(), None)
            ])
        );
    }

    #[test]
    fn malformed_xml_is_an_error_with_its_place() {
        let bad = b"<urlset><url><loc>https://n.example/a</loc></url><url><loc>x</lo></urlset>";
        let e = parse(
            &body(bad, "application/xml", "https://n.example/s.xml"),
            1 << 20,
        )
        .unwrap_err();
        assert!(e.0.contains("malformed XML at byte"), "{e}");
        let e = parse(
            &body(
                b"<rss><channel><item>",
                "application/rss+xml",
                "https://n.example/f",
            ),
            1 << 20,
        )
        .unwrap_err();
        assert!(!e.0.is_empty());
    }

    #[test]
    fn feeds_keep_link_only_items_and_strip_tracking() {
        let rss = br#"<rss version="2.0"><channel><title>W</title>
<item><title>Only a headline</title><link>https://w.example/a/one-two-three?utm_source=rss</link></item>
<item><title>Text, no link</title><description>Some text here.</description></item>
<item><title>Nothing</title></item>
</channel></rss>"#;
        let Listing::Feed(items) = parse(
            &body(rss, "application/rss+xml", "https://w.example/rss"),
            1 << 20,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key, "url:w.example/a/one-two-three");
        assert_eq!(
            items[0].feed_item.as_ref().unwrap().title.as_deref(),
            Some("Only a headline")
        );
        assert!(items[1].key.starts_with("text:"));
        assert_eq!(items[1].url, None);
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "J",
  "items": [{"id": "1", "url": "https://j.example/story-of-the-day", "title": "Story", "content_text": "Body text."}]}"#;
        let Listing::Feed(items) = parse(
            &body(json, "application/feed+json", "https://j.example/feed.json"),
            1 << 20,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            items[0].feed_item.as_ref().unwrap().text.trim(),
            "Body text."
        );
    }

    #[test]
    fn front_page_links_to_articles_on_the_site() {
        let html = br#"<!doctype html><html><body><nav><a href="/">Home</a><a href="/politics/">Politics</a>
<a href="/tag/quakes">Quakes</a><a href="/about">About</a></nav>
<a href="/2026/01/02/quake-hits-the-coast">Quake hits the coast</a>
<a href="/world/leaders-meet-in-geneva-for-talks.html#comments">Leaders meet</a>
<a href="/news/article-123456">Story</a>
<a href="https://other.example/2026/01/some-long-story">Elsewhere</a>
<a href="/img/photo-of-the-day.jpg">Photo</a><a href="mailto:desk@n.example">Mail</a>
<a href="/2026/01/02/quake-hits-the-coast?utm_medium=home">Again</a></body></html>"#;
        let Listing::FrontPage(items) =
            parse(&body(html, "text/html", "https://www.n.example/"), 1 << 20).unwrap()
        else {
            panic!()
        };
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_deref().unwrap()).collect();
        assert_eq!(
            urls,
            [
                "https://www.n.example/2026/01/02/quake-hits-the-coast",
                "https://www.n.example/world/leaders-meet-in-geneva-for-talks.html",
                "https://www.n.example/news/article-123456"
            ]
        );
    }

    #[test]
    fn gzipped_sitemaps_are_bounded() {
        use std::io::Write;
        let mut xml = b"<urlset>".to_vec();
        for i in 0..2000 {
            xml.extend_from_slice(
                format!("<url><loc>https://g.example/story-{i}-long-slug</loc></url>").as_bytes(),
            );
        }
        xml.extend_from_slice(b"</urlset>");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&xml).unwrap();
        let gz = gz.finish().unwrap();
        let b = body(&gz, "application/x-gzip", "https://g.example/s.xml.gz");
        let Listing::Sitemap(items) = parse(&b, 1 << 20).unwrap() else {
            panic!()
        };
        assert_eq!(items.len(), 2000);
        assert!(parse(&b, 1000).unwrap_err().0.contains("size limit"));
    }
}
