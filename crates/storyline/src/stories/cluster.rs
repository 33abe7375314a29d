//! Online story clustering: each arriving article joins the story it is
//! most similar to, or starts a new one. Candidate stories come from an
//! inverted index over each story's heaviest keys, so the cost of an
//! article does not grow with the number of stories.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::features::StoryFeatures;
use super::model::JoinModel;
use super::profile::{Idf, StoryProfile, Weighted, heaviest};
use super::signals::{Comparison, Signals};
use crate::error::Result;

/// Article keys looked up in the story index.
const QUERY_TERMS: usize = 12;
const QUERY_ENTITIES: usize = 6;
/// Stories read per key: the most recent ones, so a common key cannot make
/// an article cost a scan of every story that ever used it.
const STORIES_PER_KEY: usize = 64;
/// Candidate stories scored in full per article.
const CANDIDATES: usize = 24;

/// Where the clusterer keeps its state: document frequencies, story
/// profiles and the key → story index. The store implements it on a write
/// transaction; [`super::MemoryIndex`] keeps it in memory.
pub trait StoryIndex {
    /// Counts one more document carrying `keys` (each once).
    fn count_document(&mut self, keys: &[u64]) -> Result<()>;
    /// Fills `idf` with the document count and the frequency of every key
    /// it does not know yet.
    fn frequencies(&mut self, keys: &[u64], idf: &mut Idf) -> Result<()>;
    /// Stories indexed under `key`, most recent first, at most `limit`.
    fn stories_with_key(&mut self, key: u64, limit: usize) -> Result<Vec<i64>>;
    /// A story's profile.
    fn profile(&mut self, story: i64) -> Result<Option<StoryProfile>>;
    /// Stores a new story and returns its id (ids only ever grow).
    fn create_story(&mut self, profile: &StoryProfile) -> Result<i64>;
    /// Replaces a story's profile and moves its index keys from
    /// `old_keys` to the profile's.
    fn update_story(&mut self, story: i64, old_keys: &[u64], profile: &StoryProfile) -> Result<()>;
    /// Records an article's membership.
    fn add_member(&mut self, story: i64, member: &Member) -> Result<()>;
    /// Makes the article the story's title.
    fn set_title(&mut self, story: i64, article: i64) -> Result<()>;
    /// Moves every article of `from` to `into`, makes `from` an alias of
    /// `into`, and stores `into`'s merged profile.
    fn merge(
        &mut self,
        from: i64,
        into: i64,
        old_keys: &[u64],
        profile: &StoryProfile,
    ) -> Result<()>;
}

/// Why an article is in its story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinReason {
    /// It started the story.
    First,
    /// It was similar enough to the story.
    Similar,
    /// It is a near-duplicate of an article in the story.
    NearDuplicate,
}

impl JoinReason {
    /// The name stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            JoinReason::First => "first",
            JoinReason::Similar => "similar",
            JoinReason::NearDuplicate => "near_duplicate",
        }
    }

    /// The reason a name stands for.
    pub fn from_name(s: &str) -> Option<JoinReason> {
        match s {
            "first" => Some(JoinReason::First),
            "similar" => Some(JoinReason::Similar),
            "near_duplicate" => Some(JoinReason::NearDuplicate),
            _ => None,
        }
    }
}

/// An article's membership of a story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// The article.
    pub article: i64,
    /// How sure the join was: the model's probability that the article
    /// belongs to the story (the similarity, under the hand-set rules); 1
    /// for the first article and for near-duplicates.
    pub score: f32,
    /// Why it joined.
    pub reason: JoinReason,
    /// What the decision weighed: the signals between the article and the
    /// story it joined (for the first article of a story, the best
    /// candidate it did not join); none for near-duplicates and under the
    /// hand-set rules.
    pub signals: Option<Signals>,
}

/// What the copies stage found between an article and earlier ones,
/// translated to their stories.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyEvidence {
    /// The story of an earlier article this one is a near-duplicate of.
    pub near_duplicate_of: Option<i64>,
    /// Stories of earlier articles it shares sentences with (verbatim or
    /// reworded), and how many of its sentences.
    pub shared_sentences: Vec<(i64, u32)>,
}

/// How the clusterer scores a candidate story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scorer {
    /// The learned join model ([`JoinModel`]): a probability.
    #[default]
    Learned,
    /// The hand-set rules that came before it (`threshold`,
    /// `entity_weight` and the rest): a similarity.
    Rules,
}

/// Tuning of the clusterer. The fields from `threshold` to `shared_full`
/// tune the hand-set rules ([`Scorer::Rules`]); the learned model takes its
/// own bars from its file unless they are set here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StoryParams {
    /// Similarity at which an article joins a story (rules).
    pub threshold: f32,
    /// Share of the similarity that comes from names and figures (the rest
    /// from topic words), when both sides have names (rules).
    pub entity_weight: f32,
    /// Days after which a story's pull halves, counted from the end of its
    /// span (stories age out; rules).
    pub half_life_days: f32,
    /// How much unknown lead names lower the similarity (0 to 1; rules).
    pub novelty_penalty: f32,
    /// Articles this many days or fewer from a story's span are the same
    /// days' news: new names in them do not count against the story
    /// (rules).
    pub same_days: i32,
    /// Added to the similarity of a story whose span is within `same_days`
    /// of the article (rules).
    pub same_days_bonus: f32,
    /// How much a story's cohesion moves its threshold (0: not at all;
    /// rules).
    pub cohesion_weight: f32,
    /// The most the cohesion moves the threshold either way (rules).
    pub cohesion_range: f32,
    /// Added to the similarity of a story the article shares sentences
    /// with (in full from `shared_full` sentences on; rules).
    pub shared_bonus: f32,
    /// See `shared_bonus`.
    pub shared_full: u32,
    /// Which scorer decides: `learned` (the default) or `rules`.
    #[serde(default)]
    pub scorer: Scorer,
    /// Probability at which an article joins its best candidate (learned;
    /// `null`: the model's own, chosen by cross-validation on ECB+).
    #[serde(default)]
    pub join_probability: Option<f32>,
    /// Centroid similarity at which two stories that one article joins
    /// both are merged (learned; `null`: the model's own).
    #[serde(default)]
    pub merge_similarity: Option<f32>,
}

impl Default for StoryParams {
    /// The rules' values were tuned on ECB+ alone, as the learned model's
    /// bars were.
    fn default() -> Self {
        StoryParams {
            threshold: 0.35,
            entity_weight: 0.4,
            half_life_days: 365.0,
            novelty_penalty: 0.25,
            same_days: 3,
            same_days_bonus: 0.1,
            cohesion_weight: 0.5,
            cohesion_range: 0.1,
            shared_bonus: 0.2,
            shared_full: 2,
            scorer: Scorer::Learned,
            join_probability: None,
            merge_similarity: None,
        }
    }
}

impl StoryParams {
    /// These parameters with some changed by `changes`, a JSON object of
    /// field names and values (`{"threshold": 0.4}`), as `recluster
    /// --params` takes them. Anything but an object of known fields with
    /// values of their type is [`Error::BadArgument`](crate::Error::BadArgument).
    pub fn with_changes(self, changes: &serde_json::Value) -> Result<StoryParams> {
        let bad = |m: String| crate::Error::BadArgument(m);
        let mut merged = serde_json::to_value(self).map_err(crate::Error::Encode)?;
        let (Some(fields), Some(changes)) = (merged.as_object_mut(), changes.as_object()) else {
            return Err(bad("the parameters must be a JSON object".into()));
        };
        for (k, v) in changes {
            match fields.get_mut(k) {
                Some(field) => *field = v.clone(),
                None => return Err(bad(format!("unknown parameter {k:?}"))),
            }
        }
        serde_json::from_value(merged)
            .map_err(|e| bad(format!("a parameter has a value of the wrong type: {e}")))
    }
}

/// Where an article went.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The story.
    pub story: i64,
    /// Its membership.
    pub member: Member,
    /// Stories merged into `story` because the article tied them together.
    pub merged: Vec<i64>,
}

/// An arriving article, weighed under the IDF counted so far.
#[derive(Debug, Clone)]
pub struct Arrival<'f> {
    /// The article.
    pub article: i64,
    /// Its features.
    pub features: &'f StoryFeatures,
    /// Its vectors under `idf`.
    pub weighted: Weighted,
    /// The IDF of every key looked at so far.
    pub idf: Idf,
}

/// A story an article might join, with what the decision weighs.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The story.
    pub story: i64,
    /// The raw measurements.
    pub comparison: Comparison,
    /// The model's inputs.
    pub signals: Signals,
    /// The scorer's verdict: a probability (learned) or a similarity
    /// (rules).
    pub score: f32,
    /// The score the article needs to join it.
    pub bar: f32,
    /// The story's profile.
    pub profile: StoryProfile,
}

/// What to do with an arriving article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Start a story.
    New,
    /// Join this story (a candidate, or any story of the index).
    Join(i64),
    /// Join the story of the article it is a near-duplicate of.
    NearDuplicate(i64),
}

/// The online clusterer.
#[derive(Debug, Clone)]
pub struct Clusterer {
    /// Its tuning.
    pub params: StoryParams,
    model: Arc<JoinModel>,
    /// An IDF table to count from instead of the index's (the index's
    /// counts are then left alone): lets a rebuild weigh words with
    /// hindsight.
    fixed_idf: bool,
}

impl Default for Clusterer {
    fn default() -> Self {
        Clusterer::new(StoryParams::default())
    }
}

impl Clusterer {
    /// A clusterer with the given tuning and the shipped model.
    pub fn new(params: StoryParams) -> Clusterer {
        Clusterer {
            params,
            model: JoinModel::shipped(),
            fixed_idf: false,
        }
    }

    /// The same clusterer with another join model (for training).
    pub fn with_model(mut self, model: Arc<JoinModel>) -> Clusterer {
        self.model = model;
        self
    }

    /// A clusterer that never counts documents: the index's frequencies
    /// are final.
    pub fn with_fixed_idf(mut self) -> Clusterer {
        self.fixed_idf = true;
        self
    }

    /// The join model it uses.
    pub fn model(&self) -> &JoinModel {
        &self.model
    }

    /// Places one article. A near-duplicate of an earlier article joins
    /// that article's story whatever its words say; otherwise it joins the
    /// candidate story the scorer rates best, if that one clears its bar,
    /// or starts a story.
    pub fn assign(
        &self,
        index: &mut impl StoryIndex,
        article: i64,
        f: &StoryFeatures,
        evidence: &CopyEvidence,
    ) -> Result<Assignment> {
        let mut arrival = self.arrive(index, article, f)?;
        if let Some(story) = evidence.near_duplicate_of
            && index.profile(story)?.is_some()
        {
            return self.place(
                index,
                &mut arrival,
                Vec::new(),
                Choice::NearDuplicate(story),
            );
        }
        let candidates = self.candidates(index, &arrival, evidence)?;
        let choice = self.decide(&candidates);
        self.place(index, &mut arrival, candidates, choice)
    }

    /// Counts an article in the document frequencies (unless they are
    /// fixed) and weighs it.
    pub fn arrive<'f>(
        &self,
        index: &mut impl StoryIndex,
        article: i64,
        f: &'f StoryFeatures,
    ) -> Result<Arrival<'f>> {
        let keys: Vec<u64> = f.terms.iter().chain(&f.entities).map(|e| e.0).collect();
        if !self.fixed_idf {
            index.count_document(&keys)?;
        }
        let mut idf = Idf::default();
        index.frequencies(&keys, &mut idf)?;
        let weighted = Weighted::of(f, &idf);
        Ok(Arrival {
            article,
            features: f,
            weighted,
            idf,
        })
    }

    /// The best candidate if it clears its bar, else a new story.
    pub fn decide(&self, candidates: &[Candidate]) -> Choice {
        match candidates.first() {
            Some(c) if c.score >= c.bar => Choice::Join(c.story),
            _ => Choice::New,
        }
    }

    /// Carries out a choice: the article starts a story or joins one (the
    /// story's profile, title and index keys follow), and two stories it
    /// joins both are merged when their centroids are close.
    pub fn place(
        &self,
        index: &mut impl StoryIndex,
        arrival: &mut Arrival<'_>,
        candidates: Vec<Candidate>,
        choice: Choice,
    ) -> Result<Assignment> {
        let f = arrival.features;
        let article = arrival.article;
        let learned = self.params.scorer == Scorer::Learned;
        let best_signals = |c: &[Candidate]| c.first().filter(|_| learned).map(|c| c.signals);
        let (best, best_score, mut best_profile, signals, words) = match choice {
            Choice::NearDuplicate(story) => {
                let Some(mut profile) = index.profile(story)? else {
                    return self.place(index, arrival, candidates, Choice::New);
                };
                let member = Member {
                    article,
                    score: 1.0,
                    reason: JoinReason::NearDuplicate,
                    signals: None,
                };
                self.join(index, story, &mut profile, f, member, &mut arrival.idf)?;
                return Ok(Assignment {
                    story,
                    member,
                    merged: Vec::new(),
                });
            }
            Choice::New => {
                let mut profile = StoryProfile::new(f, &arrival.idf);
                profile.title_score = 0.0;
                let story = index.create_story(&profile)?;
                let member = Member {
                    article,
                    score: 1.0,
                    reason: JoinReason::First,
                    signals: best_signals(&candidates),
                };
                index.add_member(story, &member)?;
                index.set_title(story, article)?;
                return Ok(Assignment {
                    story,
                    member,
                    merged: Vec::new(),
                });
            }
            Choice::Join(story) => match candidates.iter().find(|c| c.story == story) {
                Some(c) => (
                    story,
                    c.score,
                    c.profile.clone(),
                    c.signals,
                    c.comparison.words,
                ),
                None => {
                    // A story the candidates missed (a trainer's choice).
                    let Some(profile) = index.profile(story)? else {
                        return self.place(index, arrival, candidates, Choice::New);
                    };
                    let c = self.score(arrival, story, profile, 0);
                    (story, c.score, c.profile, c.signals, c.comparison.words)
                }
            },
        };
        let member = Member {
            article,
            score: best_score,
            reason: JoinReason::Similar,
            signals: learned.then_some(signals),
        };
        if f.has_title && best_score > best_profile.title_score {
            best_profile.title_score = best_score;
            index.set_title(best, article)?;
        }
        best_profile.joins += 1;
        best_profile.score_sum += best_score;
        best_profile.words_sum += words;
        self.join(index, best, &mut best_profile, f, member, &mut arrival.idf)?;

        // The article may bridge the story it joined and another one it is
        // as close to: if the two stories are close themselves, they are one
        // story told twice, and the older id carries on.
        let mut merged = Vec::new();
        let mut story = best;
        let merge_bar = match self.params.scorer {
            Scorer::Learned => self
                .params
                .merge_similarity
                .unwrap_or(self.model.merge_similarity()),
            Scorer::Rules => self.params.threshold,
        };
        for other in candidates.into_iter().filter(|c| c.story != best) {
            if other.score < other.bar {
                continue;
            }
            let other_profile = other.profile;
            let keys: Vec<u64> = other_profile.all_keys().collect();
            index.frequencies(&keys, &mut arrival.idf)?;
            let (t, e) = best_profile.similarity_to(&other_profile, &arrival.idf);
            let both_named =
                !best_profile.entities.is_empty() && !other_profile.entities.is_empty();
            if self.combine(t, e, both_named) < merge_bar {
                continue;
            }
            let (keep, gone, mut kept, gone_profile) = if other.story < story {
                (other.story, story, other_profile, best_profile.clone())
            } else {
                (story, other.story, best_profile.clone(), other_profile)
            };
            let old_keys = kept.keys.clone();
            kept.absorb(&gone_profile, &arrival.idf);
            if gone_profile.title_score > kept.title_score {
                kept.title_score = gone_profile.title_score;
            }
            index.merge(gone, keep, &old_keys, &kept)?;
            merged.push(gone);
            story = keep;
            best_profile = kept;
        }
        Ok(Assignment {
            story,
            member,
            merged,
        })
    }

    fn join(
        &self,
        index: &mut impl StoryIndex,
        story: i64,
        profile: &mut StoryProfile,
        f: &StoryFeatures,
        member: Member,
        idf: &mut Idf,
    ) -> Result<()> {
        let keys: Vec<u64> = profile.all_keys().collect();
        index.frequencies(&keys, idf)?;
        let old_keys = profile.keys.clone();
        profile.add(f, idf);
        index.update_story(story, &old_keys, profile)?;
        index.add_member(story, &member)
    }

    /// Candidate stories with their scores, best first: the stories that
    /// share the article's heaviest keys (and those it shares sentences
    /// with), the best few by the keys' weight scored in full.
    pub fn candidates(
        &self,
        index: &mut impl StoryIndex,
        arrival: &Arrival<'_>,
        evidence: &CopyEvidence,
    ) -> Result<Vec<Candidate>> {
        let shared = &evidence.shared_sentences;
        let weighted = &arrival.weighted;
        let mut votes: HashMap<i64, f32> = HashMap::new();
        for (story, _) in shared {
            votes.insert(*story, f32::INFINITY);
        }
        let query = heaviest(&weighted.terms, QUERY_TERMS)
            .into_iter()
            .map(|(k, w)| (k, w / weighted.term_norm.max(f32::MIN_POSITIVE)))
            .chain(
                heaviest(&weighted.entities, QUERY_ENTITIES)
                    .into_iter()
                    .map(|(k, w)| (k, w / weighted.entity_norm.max(f32::MIN_POSITIVE))),
            );
        for (key, w) in query {
            for story in index.stories_with_key(key, STORIES_PER_KEY)? {
                *votes.entry(story).or_default() += w;
            }
        }
        let mut ranked: Vec<(i64, f32)> = votes.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.truncate(CANDIDATES);
        let mut scored = Vec::with_capacity(ranked.len());
        for (story, _) in ranked {
            let Some(profile) = index.profile(story)? else {
                continue;
            };
            let n = shared.iter().find(|e| e.0 == story).map_or(0, |e| e.1);
            scored.push(self.score(arrival, story, profile, n));
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.story.cmp(&b.story)));
        Ok(scored)
    }

    /// Measures and scores one story for an arriving article.
    fn score(
        &self,
        arrival: &Arrival<'_>,
        story: i64,
        profile: StoryProfile,
        shared: u32,
    ) -> Candidate {
        let comparison = Comparison::measure(
            arrival.features,
            &arrival.weighted,
            &arrival.idf,
            &profile,
            shared,
        );
        let signals = comparison.signals();
        let (score, bar) = match self.params.scorer {
            Scorer::Learned => (
                self.model.probability(&signals),
                self.params
                    .join_probability
                    .unwrap_or(self.model.join_probability()),
            ),
            Scorer::Rules => (self.rules_score(&comparison), self.threshold_for(&profile)),
        };
        Candidate {
            story,
            comparison,
            signals,
            score,
            bar,
            profile,
        }
    }

    /// The hand-set rules: topic words and names mixed, lowered by time
    /// and by lead names the story never mentions, raised by the same
    /// days' news and by shared sentences.
    fn rules_score(&self, c: &Comparison) -> f32 {
        let p = &self.params;
        let mut s = self.combine(c.words, c.names, c.both_named);
        if let Some(gap) = c.gap_days {
            s *= 0.5f32.powf(gap as f32 / p.half_life_days.max(1e-3));
            if gap <= p.same_days {
                s += p.same_days_bonus;
            }
        }
        // Names in the lead that the story never mentions point to
        // another event of the same kind, unless the dates say it is
        // the same days' news.
        if c.gap_days.is_none_or(|g| g > p.same_days)
            && let Some(cov) = c.lead_coverage
        {
            s *= 1.0 - p.novelty_penalty * (1.0 - cov);
        }
        if c.shared_sentences > 0 {
            let full = p.shared_full.max(1);
            s += p.shared_bonus * c.shared_sentences.min(full) as f32 / full as f32;
        }
        s
    }

    /// Topic words and names mixed; without names on one side, the words
    /// alone decide.
    fn combine(&self, terms: f32, entities: f32, both_named: bool) -> f32 {
        if both_named {
            let w = self.params.entity_weight;
            (1.0 - w) * terms + w * entities
        } else {
            terms
        }
    }

    /// A tight story (its articles joined with high scores) asks more of
    /// a newcomer than a loose one: the threshold moves with the story's
    /// cohesion, by at most `cohesion_range` either way.
    fn threshold_for(&self, profile: &StoryProfile) -> f32 {
        let t = self.params.threshold;
        match profile.cohesion() {
            Some(c) if profile.joins >= 2 => {
                let r = self.params.cohesion_range;
                (t + self.params.cohesion_weight * (c - t - r)).clamp(t - r, t + r)
            }
            _ => t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stories::MemoryIndex;
    use crate::text::analyze;

    const TEXTS: [(&str, &str); 4] = [
        (
            "Lohan checks into rehab",
            "Lindsay Lohan checked into the Betty Ford Center on Friday, her lawyer said. \
             The actress must stay 90 days under a court order.",
        ),
        (
            "Quake hits Indonesia",
            "A strong earthquake struck Aceh province in Indonesia on Tuesday, killing 22 people. \
             Rescuers dug through collapsed houses in Takengon.",
        ),
        (
            "Lohan enters Betty Ford",
            "Lindsay Lohan entered the Betty Ford Center in California for rehab, her lawyer said. \
             The 90 days stay was ordered by a court.",
        ),
        (
            "Aceh earthquake toll rises",
            "The toll of the earthquake that struck Aceh in Indonesia rose to 22, officials said. \
             Rescuers in Takengon searched collapsed houses.",
        ),
    ];

    fn place_all(c: &Clusterer) -> (MemoryIndex, Vec<Assignment>) {
        let mut index = MemoryIndex::new();
        let mut out = Vec::new();
        for (i, (title, text)) in TEXTS.iter().enumerate() {
            let f = StoryFeatures::extract(Some(title), false, &analyze(text), Some("2013-05-03"));
            out.push(
                c.assign(&mut index, i as i64 + 1, &f, &CopyEvidence::default())
                    .unwrap(),
            );
        }
        (index, out)
    }

    #[test]
    fn the_model_groups_by_event_and_keeps_its_signals() {
        let (index, a) = place_all(&Clusterer::default());
        assert_eq!(a[0].story, a[2].story);
        assert_eq!(a[1].story, a[3].story);
        assert_ne!(a[0].story, a[1].story);
        assert_eq!(a[2].member.reason, JoinReason::Similar);
        let s = a[2].member.signals.expect("a join keeps its signals");
        assert!(s.get(crate::stories::Signal::Words) > 0.3);
        let p = a[2].member.score;
        assert!(p >= Clusterer::default().model().join_probability() && p <= 1.0);
        assert_eq!(index.stories.len(), 2);
    }

    #[test]
    fn another_event_of_the_same_kind_starts_its_own_story() {
        let c = Clusterer::default();
        let (mut index, a) = place_all(&c);
        let f = StoryFeatures::extract(
            Some("Tara Reid checks into rehab"),
            false,
            &analyze(
                "Tara Reid checked into the Promises Treatment Center in Malibu, her \
                 publicist said. The actress was last seen at a party in Las Vegas.",
            ),
            Some("2008-10-21"),
        );
        let placed = c
            .assign(&mut index, 5, &f, &CopyEvidence::default())
            .unwrap();
        assert_ne!(placed.story, a[0].story, "another actress, another year");
        assert_eq!(placed.member.reason, JoinReason::First);
        // It keeps the signals of the candidate it turned down: the Lohan
        // story shares its words but not its names.
        let turned_down = placed
            .member
            .signals
            .expect("the Lohan story was a candidate");
        let contributions = c.model().contributions(&turned_down);
        assert!(contributions.iter().any(|x| x.contribution < 0.0));
        assert!(c.model().probability(&turned_down) < c.model().join_probability());
    }

    #[test]
    fn the_hand_set_rules_still_decide_when_asked() {
        let rules = Clusterer::new(StoryParams {
            scorer: Scorer::Rules,
            ..StoryParams::default()
        });
        let (_, a) = place_all(&rules);
        assert_eq!(a[0].story, a[2].story);
        assert_ne!(a[0].story, a[1].story);
        assert!(a.iter().all(|x| x.member.signals.is_none()));
    }

    #[test]
    fn a_chosen_story_is_joined_even_when_no_candidate() {
        let c = Clusterer::default();
        let (mut index, a) = place_all(&c);
        let f = StoryFeatures::extract(
            Some("Stocks close higher"),
            false,
            &analyze("Shares on Wall Street closed higher on Monday after a quiet session."),
            None,
        );
        let mut arrival = c.arrive(&mut index, 9, &f).unwrap();
        let candidates = c
            .candidates(&mut index, &arrival, &CopyEvidence::default())
            .unwrap();
        assert!(candidates.iter().all(|x| x.story != a[0].story));
        let placed = c
            .place(
                &mut index,
                &mut arrival,
                candidates,
                Choice::Join(a[0].story),
            )
            .unwrap();
        assert_eq!(placed.story, a[0].story);
        assert!(placed.member.score < c.model().join_probability());
        assert!(
            index.stories[&a[0].story]
                .members
                .iter()
                .any(|m| m.article == 9)
        );
    }

    #[test]
    fn parameters_change_by_name_and_nothing_else_goes_in() {
        let p = StoryParams::default()
            .with_changes(&serde_json::json!({"threshold": 0.5, "same_days": 5}))
            .unwrap();
        assert_eq!((p.threshold, p.same_days), (0.5, 5));
        assert_eq!(
            p.entity_weight,
            StoryParams::default().entity_weight,
            "the rest stays"
        );
        for bad in [
            serde_json::json!({"treshold": 0.5}),
            serde_json::json!({"same_days": "five"}),
            serde_json::json!([0.5]),
        ] {
            let e = StoryParams::default().with_changes(&bad).unwrap_err();
            assert!(matches!(e, crate::Error::BadArgument(_)), "{bad}: {e:?}");
        }
    }
}
