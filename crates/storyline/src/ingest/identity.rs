//! An article's identity: its canonical URL when known, else a hash of its
//! normalised text.

use xxhash_rust::xxh3::xxh3_128;

use crate::text::fingerprint_text;

/// Query parameters that track clicks and never change the article.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "smid", "ref", "src", "ito",
];

/// A URL reduced to what identifies the page: no scheme (http and https are
/// one page), no `www.`, no fragment, no tracking parameters, no trailing
/// slash. `None` for something that is not an absolute http(s) URL.
pub fn canonical_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?.trim_start_matches("www.").to_string();
    let mut out = host;
    if let Some(port) = parsed.port() {
        out.push_str(&format!(":{port}"));
    }
    let path = parsed.path().trim_end_matches('/');
    out.push_str(path);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_") && !TRACKING.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !kept.is_empty() {
        let query: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push('?');
        out.push_str(&query.join("&"));
    }
    Some(out)
}

/// The identity key of an article: `url:` plus [`canonical_url`], else
/// `text:` plus a 128-bit hash of [`fingerprint_text`].
pub fn identity_key(url: Option<&str>, text: &str) -> String {
    match url.and_then(canonical_url) {
        Some(u) => format!("url:{u}"),
        None => format!("text:{:032x}", xxh3_128(fingerprint_text(text).as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_share_a_key() {
        let a = identity_key(Some("https://www.example.com/news/a/?utm_source=x#top"), "");
        let b = identity_key(Some("http://example.com/news/a"), "other text");
        assert_eq!(a, b);
        assert_eq!(a, "url:example.com/news/a");
        assert_ne!(a, identity_key(Some("https://example.com/news/a?id=2"), ""));
    }

    #[test]
    fn text_key_ignores_layout() {
        assert_eq!(
            identity_key(None, "A  b,\n\nc."),
            identity_key(Some("not a url"), "a b c")
        );
        assert_ne!(identity_key(None, "a b c"), identity_key(None, "a b d"));
    }
}
