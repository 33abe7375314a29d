//! JSON Lines articles: one object per line with `id`, `url`, `title`,
//! `text` or `html`, `source`, `date` or `published`, `author`; every other
//! field is kept as metadata.

use serde_json::{Map, Value};

use super::{HtmlLimits, RawArticle, html};
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// Reads one JSON record (an object) into an article, extracting the main
/// text when the record carries `html` rather than `text`.
pub fn parse_record(line: &str) -> Result<RawArticle> {
    parse_record_within(line, &HtmlLimits::default(), &Cancel::new())
}

/// [`parse_record`] with the limits on an `html` field's page, stopping
/// when `cancel` is raised.
pub fn parse_record_within(line: &str, limits: &HtmlLimits, cancel: &Cancel) -> Result<RawArticle> {
    // Editors on Windows start files with a byte-order mark.
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
    let value: Value = serde_json::from_str(line)?;
    from_value_within(value, limits, cancel)
}

/// Reads an already parsed JSON value into an article.
pub fn from_value(value: Value) -> Result<RawArticle> {
    from_value_within(value, &HtmlLimits::default(), &Cancel::new())
}

fn from_value_within(value: Value, limits: &HtmlLimits, cancel: &Cancel) -> Result<RawArticle> {
    let Value::Object(mut obj) = value else {
        return Err(Error::invalid("a record must be a JSON object"));
    };
    let mut a = RawArticle {
        ref_id: take_id(&mut obj, "id")?,
        url: take_string(&mut obj, "url")?,
        title: take_string(&mut obj, "title")?,
        source: take_string(&mut obj, "source")?,
        author: take_author(&mut obj)?,
        published: match take_string(&mut obj, "published")? {
            Some(d) => Some(d),
            None => take_string(&mut obj, "date")?,
        },
        ..RawArticle::default()
    };
    let text = take_string(&mut obj, "text")?;
    let page = take_string(&mut obj, "html")?;
    match (text, page) {
        (Some(t), _) if !t.trim().is_empty() => a.text = t,
        (_, Some(h)) if !h.trim().is_empty() => {
            let doc = html::extract_within(&h, a.url.as_deref(), limits, cancel)?;
            a.text = doc.text;
            a.title = a.title.or(doc.title);
            a.author = a.author.or(doc.author);
            a.published = a.published.or(doc.published);
            a.url = a.url.or(doc.canonical_url);
            a.source = a.source.or(doc.site_name);
            if let Some(lang) = doc.lang
                && !obj.contains_key("lang")
            {
                obj.insert("lang".into(), lang.into());
            }
        }
        (Some(_), _) | (_, Some(_)) => return Err(Error::invalid("the article text is empty")),
        (None, None) => {
            return Err(Error::invalid(
                "the record has no \"text\" or \"html\" field",
            ));
        }
    }
    a.metadata = obj;
    Ok(a)
}

fn take_string(obj: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::invalid(format!(
            "field \"{key}\" must be a string, not {}",
            kind(&other)
        ))),
    }
}

/// Ids may be numbers in the wild; they are kept as their decimal text.
fn take_id(obj: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match obj.remove(key) {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(v) => {
            obj.insert(key.to_string(), v);
            take_string(obj, key)
        }
        None => Ok(None),
    }
}

/// `author` may be a string, a list of strings, or objects with a `name`.
fn take_author(obj: &mut Map<String, Value>) -> Result<Option<String>> {
    fn name(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }
    match obj.remove("author") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            let names: Vec<String> = items.iter().filter_map(name).collect();
            Ok((!names.is_empty()).then(|| names.join(", ")))
        }
        Some(v) => match name(&v) {
            Some(n) => Ok(Some(n)),
            None => Err(Error::invalid(format!(
                "field \"author\" must be a string, a list or an object with a name, not {}",
                kind(&v)
            ))),
        },
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_metadata() {
        let a = parse_record(
            r#"{"id": 7, "url": "https://x.org/a", "title": "T", "text": "Body.", "source": "AP", "date": "2017-04-12", "author": [{"name": "A B"}, "C D"], "story": "1ecb"}"#,
        )
        .unwrap();
        assert_eq!(a.ref_id.as_deref(), Some("7"));
        assert_eq!(a.url.as_deref(), Some("https://x.org/a"));
        assert_eq!(a.published.as_deref(), Some("2017-04-12"));
        assert_eq!(a.author.as_deref(), Some("A B, C D"));
        assert_eq!(a.metadata["story"], "1ecb");
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_not_errors() {
        let a = parse_record("\u{FEFF}{\"id\": \"b1\", \"text\": \"With a BOM.\"}\r\n").unwrap();
        assert_eq!(a.ref_id.as_deref(), Some("b1"));
    }

    #[test]
    fn bad_records_say_why() {
        let msg = |l: &str| parse_record(l).unwrap_err().to_string();
        assert!(msg("{\"title\": \"x\"}").contains("no \"text\" or \"html\""));
        assert!(msg("{\"text\": 5}").contains("must be a string"));
        assert!(msg("[1, 2]").contains("JSON object"));
        assert!(msg("{\"text\": \"unterminated").contains("not valid JSON"));
        assert!(msg("{\"text\": \"  \"}").contains("empty"));
    }
}
