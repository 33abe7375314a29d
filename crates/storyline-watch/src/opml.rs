//! Reading an OPML subscription list (what feed readers export): every
//! `<outline>` with an `xmlUrl`, at any depth, with its `title` or `text` as
//! the name. Lenient on purpose: exports in the wild leave out the `version`,
//! the `<head>` or an outline's `text`, and a strict reader would refuse a
//! list a person only wants to bring over.

use quick_xml::events::Event;

/// A feed named in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The feed's address (`xmlUrl`).
    pub url: String,
    /// Its `title`, else its `text`.
    pub name: Option<String>,
}

/// Reads the subscriptions of an OPML document. Malformed XML is an error
/// naming its byte offset.
pub fn parse(bytes: &[u8]) -> Result<Vec<Subscription>, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("malformed OPML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == "opml" {
                    saw_opml = true;
                }
                if name != "outline" {
                    buf.clear();
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut text = None;
                for attr in e.attributes().flatten() {
                    let key = attr.key.local_name().as_ref().to_ascii_lowercase();
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default();
                    if value.is_empty() {
                        continue;
                    }
                    match key.as_str() {
                        "xmlurl" => url = Some(value),
                        "title" => title = Some(value),
                        "text" => text = Some(value),
                        _ => {}
                    }
                }
                if let Some(url) = url {
                    out.push(Subscription {
                        url,
                        name: title.or(text),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_opml {
        return Err("not an OPML document (no <opml> element)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_with_names() {
        let doc = br#"<?xml version="1.0"?>
<opml version="2.0"><head><title>Subs</title></head><body>
  <outline text="News">
    <outline type="rss" text="Wire &amp; Co" xmlUrl="https://wire.example/rss"/>
    <outline title="Daily" text="ignored" xmlUrl="https://daily.example/atom.xml"></outline>
  </outline>
  <outline text="No feed here" htmlUrl="https://site.example/"/>
  <outline xmlUrl="https://bare.example/feed"/>
</body></opml>"#;
        let subs = parse(doc).unwrap();
        assert_eq!(
            subs,
            vec![
                Subscription {
                    url: "https://wire.example/rss".into(),
                    name: Some("Wire & Co".into())
                },
                Subscription {
                    url: "https://daily.example/atom.xml".into(),
                    name: Some("Daily".into())
                },
                Subscription {
                    url: "https://bare.example/feed".into(),
                    name: None
                },
            ]
        );
    }

    #[test]
    fn not_opml() {
        assert!(parse(b"<rss></rss>").is_err());
        assert!(
            parse(b"<opml><body></bodyx></opml>")
                .unwrap_err()
                .contains("byte")
        );
    }
}
