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
        }
    }

    /// The signal a name stands for.
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Number of signals.
pub const SIGNAL_COUNT: usize = 11;

/// Articles this many days or fewer from a story's span are the same days'
/// news.
pub const SAME_DAYS: i32 = 3;
/// Shared sentences that count in full.
const SHARED_FULL: u32 = 3;

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

    /// The inverse of [`Self::encode`]; `None` for bytes of another length.
    pub fn decode(b: &[u8]) -> Option<Signals> {
        if b.len() != SIGNAL_COUNT * 4 {
            return None;
        }
        let mut out = [0f32; SIGNAL_COUNT];
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
