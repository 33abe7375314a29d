//! A thread's timeline: one entry per story, or per day with news when a
//! story runs for days, each one sentence taken from that day's articles
//! and citing every article that carries it, as summaries do.

use serde::Serialize;

use crate::summary::{Citation, SummaryInput, summarize_any_language};

/// About how long an entry is: one sentence, the day's lead.
const ENTRY_WORDS: usize = 25;

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// The day (YYYY-MM-DD).
    pub date: String,
    /// False when no article of the day has a date of its own and the day
    /// is when they were stored.
    pub dated: bool,
    /// The story the entry comes from.
    pub story: i64,
    /// The sentence.
    pub text: String,
    /// Every article of the day that carries it.
    pub citations: Vec<Citation>,
    /// Articles of the story that day: how much news the entry stands for.
    pub articles: u64,
}

/// One day of one story: its articles, and whether the day is a real date.
pub struct Day<'a> {
    /// The story.
    pub story: i64,
    /// YYYY-MM-DD.
    pub date: String,
    /// See [`TimelineEntry::dated`].
    pub dated: bool,
    /// The articles of that day.
    pub articles: Vec<SummaryInput<'a>>,
}

/// The entry for a day: its most central sentence (see
/// [`summarize_any_language`]), or none when its articles have no
/// sentence to offer.
pub fn entry(day: &Day<'_>) -> Option<TimelineEntry> {
    let first = summarize_any_language(&day.articles, ENTRY_WORDS)
        .into_iter()
        .next()?;
    Some(TimelineEntry {
        date: day.date.clone(),
        dated: day.dated,
        story: day.story,
        text: first.text,
        citations: first.citations,
        articles: day.articles.len() as u64,
    })
}

/// Orders entries: dated ones by day, then those dated only by when they
/// were stored (which says nothing of when the news happened).
pub fn order(entries: &mut [TimelineEntry]) {
    entries.sort_by(|a, b| (!a.dated, &a.date, a.story).cmp(&(!b.dated, &b.date, b.story)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    #[test]
    fn an_entry_cites_every_article_of_the_day_carrying_its_sentence() {
        let a = analyze(
            "The jury found the former governor guilty of corruption on Tuesday. He will be sentenced in May.",
        );
        let b = analyze(
            "The jury found the former governor guilty of corruption on Tuesday. His lawyers said they would appeal.",
        );
        let day = Day {
            story: 4,
            date: "2011-06-27".into(),
            dated: true,
            articles: vec![
                SummaryInput {
                    id: 1,
                    ref_id: Some("a"),
                    source: Some("wire"),
                    date: Some("2011-06-27"),
                    text: &a,
                },
                SummaryInput {
                    id: 2,
                    ref_id: Some("b"),
                    source: Some("paper"),
                    date: Some("2011-06-27"),
                    text: &b,
                },
            ],
        };
        let e = entry(&day).expect("an entry");
        assert!(e.text.contains("guilty"), "{}", e.text);
        let cited: Vec<i64> = e.citations.iter().map(|c| c.article).collect();
        assert_eq!(cited, vec![1, 2]);
        assert_eq!(e.articles, 2);
    }

    #[test]
    fn days_known_only_from_storage_come_after_dated_ones() {
        let e = |date: &str, dated: bool| TimelineEntry {
            date: date.into(),
            dated,
            story: 1,
            text: String::new(),
            citations: vec![],
            articles: 1,
        };
        let mut v = vec![
            e("2026-12-07", false),
            e("2014-03-01", true),
            e("2011-01-25", true),
        ];
        order(&mut v);
        let dates: Vec<&str> = v.iter().map(|e| e.date.as_str()).collect();
        assert_eq!(dates, ["2011-01-25", "2014-03-01", "2026-12-07"]);
        assert!(!v[2].dated);
    }
}
