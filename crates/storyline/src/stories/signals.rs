//! What the join decision weighs: the similarities between an arriving
//! article and one candidate story, measured once ([`Comparison`]) and
//! turned into the model's inputs ([`Signals`]). Every signal is cheap and
//! online: it reads only the article's features, the story's profile and
//! the IDF counted so far.

use serde::Serialize;

use super::features::StoryFeatures;
use super::profile::{Idf, StoryProfile, Weighted};

/// One input of the join model. The order is the model file's; the names
/// are what `story ID --json` shows. A signal that cannot be measured (a
/// side without names, headline or date) is missing: NaN, which the model
/// reads as no evidence either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Cosine of the topic words with the story's centroid (IDF-weighted).
    Words,
    /// Cosine of the names and figures with the story's; missing when
    /// either side has none.
    Names,
    /// IDF-weighted share of the names in the article's headline and lead
    /// that the story mentions; missing when the lead names no one.
    LeadNames,
    /// IDF-weighted share of the story's heaviest names that the article
    /// mentions; missing when the story has none.
    StoryNames,
    /// IDF-weighted share of the article's figures (numbers of two digits
    /// or more) that the story mentions; missing when it has none.
    Figures,
    /// Cosine of the article's headline words with the story's headlines;
    /// missing when either side has no headline of its own.
    Title,
    /// 1 when the article is within a few days of the story's span, else
    /// 0; missing when either side is undated.
    SameDays,
    /// Days between the article and the story's span, as ln(1 + days) /
    /// ln(366); missing when either side is undated.
    DateGap,
    /// Sentences the article shares with the story's articles (the copies
    /// stage's finding), as a share of 3 (at most 1).
    SharedSentences,
    /// The story's cohesion: the mean topic-word similarity its articles
    /// joined with; missing while none joined by similarity.
    Cohesion,
    /// The story's size, as ln(1 + articles) / ln(101).
    Size,
    /// The story's own time span (first to last article), as ln(1 + days)
    /// / ln(366); missing when the story is undated. A story that has
    /// grown over months is a running subject more than one event.
    Span,
    /// How far this story's `words` lead those of the best other
    /// candidate (negative when another is closer), from -1 to 1; missing
    /// when there is no other candidate. It lets the model tell a story
    /// that stands out from one of several alike.
    Margin,
    /// How many other candidate stories are within a few days of the
    /// article, as ln(1 + n) / ln(25); missing when the article is
    /// undated. Where many stories run in the same days, being of the same
    /// days says less.
    BusyDays,
}

impl Signal {
    /// Every signal, in the model's order.
    pub const ALL: [Signal; SIGNAL_COUNT] = [
        Signal::Words,
        Signal::Names,
        Signal::LeadNames,
        Signal::StoryNames,
        Signal::Figures,
        Signal::Title,
        Signal::SameDays,
        Signal::DateGap,
        Signal::SharedSentences,
        Signal::Cohesion,
        Signal::Size,
        Signal::Span,
        Signal::Margin,
        Signal::BusyDays,
    ];

    /// The name shown and used in the model file.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Words => "words",
            Signal::Names => "names",
            Signal::LeadNames => "lead_names",
            Signal::StoryNames => "story_names",
            Signal::Figures => "figures",
            Signal::Title => "title",
            Signal::SameDays => "same_days",
            Signal::DateGap => "date_gap",
            Signal::SharedSentences => "shared_sentences",
            Signal::Cohesion => "cohesion",
            Signal::Size => "size",
            Signal::Span => "span",
            Signal::Margin => "margin",
            Signal::BusyDays => "busy_days",
        }
    }

    /// The signal a name stands for.
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Number of signals.
pub const SIGNAL_COUNT: usize = 14;

/// Articles this many days or fewer from a story's span are the same days'
/// news.
pub const SAME_DAYS: i32 = 3;
/// Shared sentences that count in full.
const SHARED_FULL: u32 = 3;
/// `busy_days` is 1 at this many stories plus one (the candidates scored
/// in full).
const BUSY_FULL: f32 = 25.0;

/// The model's inputs for one article and one story, in [`Signal::ALL`]'s
/// order; NaN where a signal is missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals(pub [f32; SIGNAL_COUNT]);

impl PartialEq for Signals {
    /// Bit for bit, so that two missing values are equal.
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(&other.0)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Signals {
    /// The value of one signal.
    pub fn get(&self, s: Signal) -> f32 {
        self.0[s as usize]
    }

    fn set(&mut self, s: Signal, v: f32) {
        self.0[s as usize] = v;
    }

    /// Packs the values as little-endian `f32`s, for the store.
    pub fn encode(&self) -> Vec<u8> {
        self.0.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    /// The inverse of [`Self::encode`]; `None` for bytes that are not
    /// whole `f32`s or are more than there are signals. Fewer are read as
    /// the first signals, the rest missing: memberships stored before a
    /// signal was added keep the ones they had.
    pub fn decode(b: &[u8]) -> Option<Signals> {
        if b.is_empty() || !b.len().is_multiple_of(4) || b.len() > SIGNAL_COUNT * 4 {
            return None;
        }
        let mut out = [f32::NAN; SIGNAL_COUNT];
        for (x, c) in out.iter_mut().zip(b.chunks_exact(4)) {
            *x = f32::from_le_bytes(c.try_into().ok()?);
        }
        Some(Signals(out))
    }
}

/// The raw measurements between an article and a story, from which both
/// the model's [`Signals`] and the hand-set rules' score are made.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Comparison {
    /// Topic-word cosine.
    pub words: f32,
    /// Name cosine.
    pub names: f32,
    /// Both sides have names.
    pub both_named: bool,
    /// Share of the lead's names the story mentions (`None`: the lead has
    /// none).
    pub lead_coverage: Option<f32>,
    /// Share of the story's heaviest names the article mentions.
    pub story_names: Option<f32>,
    /// Share of the article's figures the story mentions.
    pub figures: Option<f32>,
    /// Headline similarity (`None`: either side has no headline).
    pub title: Option<f32>,
    /// Days between the article and the story's span, when both are dated.
    pub gap_days: Option<i32>,
    /// Sentences shared with the story's articles.
    pub shared_sentences: u32,
    /// The story's mean topic-word similarity at its joins.
    pub cohesion: Option<f32>,
    /// Articles in the story.
    pub size: u32,
    /// Days from the story's first article to its last, when dated.
    pub span_days: Option<i32>,
    /// `words` minus the best other candidate's (`None`: no other
    /// candidate, or not measured yet).
    pub margin: Option<f32>,
    /// Other candidates within a few days of the article (`None`: the
    /// article is undated, or not measured yet).
    pub busy_days: Option<u32>,
}

impl Comparison {
    /// Measures an article (its features `f`, weighted as `w` under `idf`)
    /// against a story's profile; `shared` is how many of its sentences the
    /// story's articles carry.
    pub fn measure(
        f: &StoryFeatures,
        w: &Weighted,
        idf: &Idf,
        story: &StoryProfile,
        shared: u32,
    ) -> Comparison {
        let (words, names) = story.similarity(w, idf);
        let named: Vec<u64> = f.entities.iter().map(|e| e.0).collect();
        let story_names = {
            let top = story.top_names();
            let (mut hit, mut all) = (0.0, 0.0);
            for k in top {
                let x = idf.of(*k);
                all += x;
                if named.binary_search(k).is_ok() {
                    hit += x;
                }
            }
            (all > 0.0).then(|| hit / all)
        };
        Comparison {
            words,
            names,
            both_named: !f.entities.is_empty() && !story.entities.is_empty(),
            lead_coverage: story.coverage(&f.lead, idf),
            story_names,
            figures: story.coverage(&f.figures, idf),
            title: story.headline_similarity(&f.headline, idf),
            gap_days: story.gap_days(f.day),
            shared_sentences: shared,
            cohesion: story.word_cohesion(),
            size: story.size,
            span_days: story.first_day.zip(story.last_day).map(|(a, b)| b - a),
            margin: None,
            busy_days: None,
        }
    }

    /// Fills in what depends on the other candidates (`margin`,
    /// `busy_days`), once all of them are measured; `undated` when the
    /// article has no day.
    pub fn compare_candidates(all: &mut [Comparison], undated: bool) {
        let words: Vec<f32> = all.iter().map(|c| c.words).collect();
        let near: Vec<bool> = all
            .iter()
            .map(|c| c.gap_days.is_some_and(|g| g <= SAME_DAYS))
            .collect();
        let busy = near.iter().filter(|n| **n).count() as u32;
        for (i, c) in all.iter_mut().enumerate() {
            let best_other = words
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, w)| *w)
                .fold(None, |m: Option<f32>, w| Some(m.map_or(w, |m| m.max(w))));
            c.margin = best_other.map(|o| (c.words - o).clamp(-1.0, 1.0));
            c.busy_days = (!undated).then(|| busy - u32::from(near[i]));
        }
    }

    /// The model's inputs.
    pub fn signals(&self) -> Signals {
        let mut s = Signals::default();
        let or_missing = |v: Option<f32>| v.unwrap_or(f32::NAN);
        s.set(Signal::Words, self.words);
        s.set(
            Signal::Names,
            or_missing(self.both_named.then_some(self.names)),
        );
        s.set(Signal::LeadNames, or_missing(self.lead_coverage));
        s.set(Signal::StoryNames, or_missing(self.story_names));
        s.set(Signal::Figures, or_missing(self.figures));
        s.set(Signal::Title, or_missing(self.title));
        s.set(
            Signal::SameDays,
            or_missing(
                self.gap_days
                    .map(|g| if g <= SAME_DAYS { 1.0 } else { 0.0 }),
            ),
        );
        s.set(
            Signal::DateGap,
            or_missing(self.gap_days.map(|g| (1.0 + g as f32).ln() / 366f32.ln())),
        );
        s.set(
            Signal::SharedSentences,
            self.shared_sentences.min(SHARED_FULL) as f32 / SHARED_FULL as f32,
        );
        s.set(Signal::Cohesion, or_missing(self.cohesion));
        s.set(Signal::Size, (1.0 + self.size as f32).ln() / 101f32.ln());
        s.set(
            Signal::Span,
            or_missing(
                self.span_days
                    .map(|d| (1.0 + d.max(0) as f32).ln() / 366f32.ln()),
            ),
        );
        s.set(Signal::Margin, or_missing(self.margin));
        s.set(
            Signal::BusyDays,
            or_missing(
                self.busy_days
                    .map(|n| (1.0 + n as f32).ln() / BUSY_FULL.ln()),
            ),
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_matches() {
        for (i, s) in Signal::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i);
            assert_eq!(Signal::from_name(s.name()), Some(s));
        }
        assert_eq!(Signal::from_name("nonsense"), None);
    }

    #[test]
    fn signals_round_trip_through_bytes() {
        let mut s = Signals::default();
        s.set(Signal::Words, 0.5);
        s.set(Signal::Size, 0.25);
        let back = Signals::decode(&s.encode()).unwrap();
        assert_eq!(back.get(Signal::Words), 0.5);
        assert_eq!(back.get(Signal::Size), 0.25);
        s.set(Signal::Title, f32::NAN);
        assert!(
            Signals::decode(&s.encode())
                .unwrap()
                .get(Signal::Title)
                .is_nan()
        );
        assert_eq!(Signals::decode(&[0, 1, 2]), None);
        assert_eq!(Signals::decode(&[0; SIGNAL_COUNT * 4 + 4]), None);
    }

    #[test]
    fn signals_stored_before_the_last_ones_were_added_still_read() {
        // A membership stored by the 11-signal model: 44 bytes.
        let old: Vec<u8> = (0..11)
            .flat_map(|i| (i as f32 / 10.0).to_le_bytes())
            .collect();
        let s = Signals::decode(&old).expect("an older, shorter row");
        assert_eq!(s.get(Signal::Words), 0.0);
        assert_eq!(s.get(Signal::Size), 1.0);
        assert!(s.get(Signal::Span).is_nan() && s.get(Signal::BusyDays).is_nan());
    }

    #[test]
    fn margin_and_busy_days_come_from_the_other_candidates() {
        let at = |words: f32, gap: Option<i32>| Comparison {
            words,
            gap_days: gap,
            ..Comparison::default()
        };
        let mut all = [at(0.6, Some(0)), at(0.4, Some(2)), at(0.1, Some(40))];
        Comparison::compare_candidates(&mut all, false);
        assert!((all[0].margin.unwrap() - 0.2).abs() < 1e-6, "ahead of 0.4");
        assert!((all[1].margin.unwrap() + 0.2).abs() < 1e-6, "behind 0.6");
        // Two candidates are of the same days; each sees the other one.
        assert_eq!(all[0].busy_days, Some(1));
        assert_eq!(all[2].busy_days, Some(2));
        let s = all[2].signals();
        assert!((s.get(Signal::BusyDays) - 3f32.ln() / 25f32.ln()).abs() < 1e-6);

        let mut alone = [at(0.3, None)];
        Comparison::compare_candidates(&mut alone, true);
        assert_eq!((alone[0].margin, alone[0].busy_days), (None, None));
        let s = alone[0].signals();
        assert!(s.get(Signal::Margin).is_nan() && s.get(Signal::BusyDays).is_nan());
        assert!(s.get(Signal::Span).is_nan(), "an undated story has no span");
        let spread = Comparison {
            span_days: Some(365),
            ..alone[0]
        };
        assert!((spread.signals().get(Signal::Span) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn missing_sides_are_missing_not_guessed() {
        let c = Comparison {
            words: 0.4,
            names: 0.9,
            both_named: false,
            gap_days: Some(2),
            shared_sentences: 7,
            size: 1,
            ..Comparison::default()
        };
        let s = c.signals();
        assert_eq!(s.get(Signal::Words), 0.4);
        assert!(s.get(Signal::Names).is_nan(), "one side has no names");
        assert!(s.get(Signal::LeadNames).is_nan());
        assert!(s.get(Signal::Title).is_nan());
        assert!(s.get(Signal::Cohesion).is_nan());
        assert_eq!(s.get(Signal::SameDays), 1.0);
        assert_eq!(s.get(Signal::SharedSentences), 1.0);
        let far = Comparison {
            gap_days: Some(365),
            ..c
        }
        .signals();
        assert!((far.get(Signal::DateGap) - 1.0).abs() < 1e-6);
        assert_eq!(far.get(Signal::SameDays), 0.0);
        let undated = Comparison {
            gap_days: None,
            ..c
        }
        .signals();
        assert!(undated.get(Signal::SameDays).is_nan() && undated.get(Signal::DateGap).is_nan());
    }
}
