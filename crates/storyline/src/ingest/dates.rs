//! Publication dates in the many shapes inputs write them, normalised to
//! ISO 8601: `YYYY-MM-DD` for a day, RFC 3339 in UTC for a moment.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// Normalises a date, or `None` when it cannot be read.
pub fn normalize_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let moment = |d: DateTime<Utc>| Some(d.to_rfc3339_opts(SecondsFormat::Secs, true));
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return moment(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return moment(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return moment(d.with_timezone(&Utc));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return moment(d.and_utc());
        }
    }
    for f in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%b. %d, %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    // A day followed by something unreadable ("2017-04-12 at noon").
    let head = s.get(..10)?;
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(head, f) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::normalize_date as n;

    #[test]
    fn common_shapes() {
        assert_eq!(n("2017-04-12").as_deref(), Some("2017-04-12"));
        assert_eq!(
            n("2017-04-12T10:00:00+02:00").as_deref(),
            Some("2017-04-12T08:00:00Z")
        );
        assert_eq!(
            n("Wed, 12 Apr 2017 10:00:00 GMT").as_deref(),
            Some("2017-04-12T10:00:00Z")
        );
        assert_eq!(n("April 12, 2017").as_deref(), Some("2017-04-12"));
        assert_eq!(
            n("2017-04-12 10:00:00").as_deref(),
            Some("2017-04-12T10:00:00Z")
        );
        assert_eq!(n("yesterday"), None);
    }
}
