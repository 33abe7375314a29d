//! RSS, Atom and JSON feeds: one article per item, from its full content when the
//! feed carries it, else from its summary, with its link and date.

use super::{HtmlLimits, RawArticle, markup};
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// How deep a feed's XML may nest. Feeds nest about 5 deep; the parser
/// recurses once per level.
const MAX_XML_DEPTH: usize = 256;

/// One item of a feed as the feed lists it: its link and identity even
/// when it carries no text (a feed of headlines), and the article its own
/// content makes, or why it makes none.
#[derive(Debug)]
pub struct FeedItem {
    /// 1-based position in the feed.
    pub record: u64,
    /// The item's link (the `alternate` one when there are several).
    pub link: Option<String>,
    /// The item's id (`guid`, Atom `id`), when it has one.
    pub id: Option<String>,
    /// Headline, as plain text.
    pub title: Option<String>,
    /// Publication date, else the date it was updated (RFC 3339).
    pub published: Option<String>,
    /// When the feed says it was last updated (RFC 3339).
    pub updated: Option<String>,
    /// The article the item's own content makes.
    pub article: Result<RawArticle>,
}

/// Reads a feed (RSS, Atom or JSON Feed) into its items, each with its link
/// and whatever article its own content makes.
pub fn parse_feed_items(bytes: &[u8]) -> Result<Vec<FeedItem>> {
    parse_feed_items_within(bytes, &HtmlLimits::default(), &Cancel::new())
}

/// [`parse_feed_items`] with limits on the items' HTML, stopping when
/// `cancel` is raised.
pub fn parse_feed_items_within(
    bytes: &[u8],
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<Vec<FeedItem>> {
    check_xml_depth(bytes)?;
    let feed = feed_rs::parser::parse(bytes).map_err(|e| Error::Feed(e.to_string()))?;
    let feed_title = feed.title.as_ref().map(|t| clean_line(&t.content));
    let site = feed
        .links
        .iter()
        .find_map(|l| url::Url::parse(&l.href).ok())
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        });
    let source = feed_title.clone().or(site);
    let language = feed.language.clone();
    let items = feed
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .map(|l| l.href.trim().to_string())
                .filter(|l| !l.is_empty());
            let title = entry
                .title
                .as_ref()
                .and_then(|t| {
                    markup::fragment_to_text_within(&t.content, limits, cancel)
                        .ok()
                        .map(|t| clean_line(&t))
                })
                .filter(|t| !t.is_empty());
            FeedItem {
                record: i as u64 + 1,
                link,
                id: Some(entry.id.clone()).filter(|id| !id.is_empty()),
                title,
                published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                updated: entry.updated.map(|d| d.to_rfc3339()),
                article: cancel.check().and_then(|()| {
                    item(entry, source.clone(), language.as_deref(), limits, cancel)
                }),
            }
        })
        .collect();
    Ok(items)
}

/// Reads a feed into its items; each item is numbered (1-based) so a bad one
/// can be reported and skipped while the others go in.
pub fn parse_feed(bytes: &[u8]) -> Result<Vec<(u64, Result<RawArticle>)>> {
    parse_feed_within(bytes, &HtmlLimits::default(), &Cancel::new())
}

/// [`parse_feed`] with limits on the items' HTML, stopping when `cancel` is
/// raised.
pub fn parse_feed_within(
    bytes: &[u8],
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<Vec<(u64, Result<RawArticle>)>> {
    Ok(parse_feed_items_within(bytes, limits, cancel)?
        .into_iter()
        .map(|i| (i.record, i.article))
        .collect())
}

/// Refuses XML nested deeper than [`MAX_XML_DEPTH`] before the feed parser,
/// which recurses once per level, sees it. Counted with quick-xml's reader,
/// which does not recurse.
fn check_xml_depth(bytes: &[u8]) -> Result<()> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(_)) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(Error::Feed(format!(
                        "elements nest more than {MAX_XML_DEPTH} deep"
                    )));
                }
            }
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            Ok(_) => {}
            // Malformed XML is the feed parser's to report.
            Err(_) => return Ok(()),
        }
        buf.clear();
    }
}

fn item(
    entry: feed_rs::model::Entry,
    source: Option<String>,
    feed_language: Option<&str>,
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<RawArticle> {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .filter(|b| !b.trim().is_empty());
    let (body, from_summary) = match content {
        Some(b) => (b.to_string(), false),
        None => match entry
            .summary
            .as_ref()
            .filter(|s| !s.content.trim().is_empty())
        {
            Some(s) => (s.content.clone(), true),
            None => return Err(Error::invalid("feed item has no content or summary")),
        },
    };
    let text = markup::fragment_to_text_within(&body, limits, cancel)?;
    if text.trim().is_empty() {
        return Err(Error::invalid("feed item has no text"));
    }
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| l.href.clone());
    let authors: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    let mut metadata = serde_json::Map::new();
    if from_summary {
        metadata.insert("feed_summary_only".into(), true.into());
    }
    if !entry.id.is_empty() {
        metadata.insert("feed_item_id".into(), entry.id.clone().into());
    }
    // The item's own language (Atom xml:lang), else the channel's.
    if let Some(lang) = entry.language.as_deref().or(feed_language) {
        metadata.insert("lang".into(), lang.into());
    }
    Ok(RawArticle {
        ref_id: None,
        url,
        title: entry
            .title
            .map(|t| markup::fragment_to_text_within(&t.content, limits, cancel))
            .transpose()?
            .map(|t| clean_line(&t)),
        text,
        source,
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
        metadata,
    })
}

fn clean_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_with_content_or_summary() {
        let rss = br#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Wire</title><link>https://wire.example/</link>
<item><title>One</title><link>https://wire.example/1</link><pubDate>Wed, 12 Apr 2017 10:00:00 GMT</pubDate>
<description>Short.</description><content:encoded><![CDATA[<p>Full one.</p><p>Second para.</p>]]></content:encoded></item>
<item><title>Two</title><link>https://wire.example/2</link><description>Only &lt;b&gt;summary&lt;/b&gt;.</description></item>
<item><title>Three</title></item>
</channel></rss>"#;
        let items = parse_feed(rss).unwrap();
        assert_eq!(items.len(), 3);
        let one = items[0].1.as_ref().unwrap();
        assert_eq!(one.url.as_deref(), Some("https://wire.example/1"));
        assert_eq!(one.source.as_deref(), Some("Wire"));
        assert!(
            one.published
                .as_deref()
                .unwrap()
                .starts_with("2017-04-12T10:00:00")
        );
        assert_eq!(
            crate::text::normalize(&one.text),
            "Full one.\n\nSecond para."
        );
        let two = items[1].1.as_ref().unwrap();
        assert_eq!(crate::text::normalize(&two.text), "Only summary.");
        assert_eq!(two.metadata["feed_summary_only"], true);
        assert_eq!(items[2].0, 3);
        assert!(items[2].1.is_err());
    }

    #[test]
    fn not_xml_is_an_error() {
        assert!(matches!(
            parse_feed(b"<rss><channel><item>"),
            Err(Error::Feed(_))
        ));
        assert!(parse_feed(b"hello").is_err());
    }
}
