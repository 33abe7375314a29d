//! Online story clustering: each arriving article joins the story it is
//! most similar to, or starts a new one. Candidate stories come from an
//! inverted index over each story's heaviest keys, so the cost of an
//! article does not grow with the number of stories.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::features::StoryFeatures;
use super::profile::{Idf, StoryProfile, Weighted, heaviest};
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
    /// Its similarity to the story when it joined (1 for the first and for
    /// near-duplicates).
    pub score: f32,
    /// Why it joined.
    pub reason: JoinReason,
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

/// Tuning of the clusterer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StoryParams {
    /// Similarity at which an article joins a story.
    pub threshold: f32,
    /// Share of the similarity that comes from names and figures (the rest
    /// from topic words), when both sides have names.
    pub entity_weight: f32,
    /// Days after which a story's pull halves, counted from the end of its
    /// span (stories age out).
    pub half_life_days: f32,
    /// How much unknown lead names lower the similarity (0 to 1).
    pub novelty_penalty: f32,
    /// Articles this many days or fewer from a story's span are the same
    /// days' news: new names in them do not count against the story.
    pub same_days: i32,
    /// Added to the similarity of a story whose span is within `same_days`
    /// of the article: the same days' news on the same subject is the same
    /// story more often than not.
    pub same_days_bonus: f32,
    /// How much a story's cohesion moves its threshold (0: not at all).
    pub cohesion_weight: f32,
    /// The most the cohesion moves the threshold either way.
    pub cohesion_range: f32,
    /// Added to the similarity of a story the article shares sentences
    /// with (in full from `shared_full` sentences on).
    pub shared_bonus: f32,
    /// See `shared_bonus`.
    pub shared_full: u32,
}

impl Default for StoryParams {
    /// Tuned on ECB+ alone (`python3 bench/stories/tune.py`, scored on the
    /// ecbplus set), then applied everywhere.
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

/// The online clusterer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clusterer {
    /// Its tuning.
    pub params: StoryParams,
    /// An IDF table to count from instead of the index's (the index's
    /// counts are then left alone): lets a rebuild weigh words with
    /// hindsight.
    fixed_idf: bool,
}

impl Clusterer {
    /// A clusterer with the given tuning.
    pub fn new(params: StoryParams) -> Clusterer {
        Clusterer {
            params,
            fixed_idf: false,
        }
    }

    /// A clusterer that never counts documents: the index's frequencies
    /// are final.
    pub fn with_fixed_idf(mut self) -> Clusterer {
        self.fixed_idf = true;
        self
    }

    /// Places one article. A near-duplicate of an earlier article joins
    /// that article's story whatever its words say; sentences shared with a
    /// story's articles count in the story's favour.
    pub fn assign(
        &self,
        index: &mut impl StoryIndex,
        article: i64,
        f: &StoryFeatures,
        evidence: &CopyEvidence,
    ) -> Result<Assignment> {
        let keys: Vec<u64> = f.terms.iter().chain(&f.entities).map(|e| e.0).collect();
        if !self.fixed_idf {
            index.count_document(&keys)?;
        }
        let mut idf = Idf::default();
        index.frequencies(&keys, &mut idf)?;
        let weighted = Weighted::of(f, &idf);

        if let Some(story) = evidence.near_duplicate_of
            && let Some(mut profile) = index.profile(story)?
        {
            let member = Member {
                article,
                score: 1.0,
                reason: JoinReason::NearDuplicate,
            };
            self.join(index, story, &mut profile, f, member, &mut idf)?;
            return Ok(Assignment {
                story,
                member,
                merged: Vec::new(),
            });
        }

        let scored = self.candidates(index, f, &weighted, &idf, &evidence.shared_sentences)?;
        let Some((best, best_score, mut best_profile)) = scored
            .iter()
            .find(|(_, s, p)| *s >= self.threshold_for(p))
            .cloned()
        else {
            let mut profile = StoryProfile::new(f, &idf);
            profile.title_score = 0.0;
            let story = index.create_story(&profile)?;
            let member = Member {
                article,
                score: 1.0,
                reason: JoinReason::First,
            };
            index.add_member(story, &member)?;
            index.set_title(story, article)?;
            return Ok(Assignment {
                story,
                member,
                merged: Vec::new(),
            });
        };
        let member = Member {
            article,
            score: best_score,
            reason: JoinReason::Similar,
        };
        if f.has_title && best_score > best_profile.title_score {
            best_profile.title_score = best_score;
            index.set_title(best, article)?;
        }
        best_profile.joins += 1;
        best_profile.score_sum += best_score;
        self.join(index, best, &mut best_profile, f, member, &mut idf)?;

        // The article may bridge the story it joined and another one it is
        // as close to: if the two stories are close themselves, they are one
        // story told twice, and the older id carries on.
        let mut merged = Vec::new();
        let mut story = best;
        for (other, score, other_profile) in scored.into_iter().filter(|c| c.0 != best) {
            if score < self.threshold_for(&other_profile) {
                continue;
            }
            let keys: Vec<u64> = other_profile.all_keys().collect();
            index.frequencies(&keys, &mut idf)?;
            let (t, e) = best_profile.similarity_to(&other_profile, &idf);
            if self.combine(t, e, &best_profile.entities, &other_profile.entities)
                < self.params.threshold
            {
                continue;
            }
            let (keep, gone, mut kept, gone_profile) = if other < story {
                (other, story, other_profile, best_profile.clone())
            } else {
                (story, other, best_profile.clone(), other_profile)
            };
            let old_keys = kept.keys.clone();
            kept.absorb(&gone_profile, &idf);
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

    /// Candidate stories with their scores, best first.
    fn candidates(
        &self,
        index: &mut impl StoryIndex,
        f: &StoryFeatures,
        weighted: &Weighted,
        idf: &Idf,
        shared: &[(i64, u32)],
    ) -> Result<Vec<(i64, f32, StoryProfile)>> {
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
            let (t, e) = profile.similarity(weighted, idf);
            let mut s = self.combine(t, e, &f.entities, &profile.entities);
            let gap = profile.gap_days(f.day);
            if let Some(gap) = gap {
                s *= self.decay(gap);
                if gap <= self.params.same_days {
                    s += self.params.same_days_bonus;
                }
            }
            // Names in the lead that the story never mentions point to
            // another event of the same kind, unless the dates say it is
            // the same days' news.
            if gap.is_none_or(|g| g > self.params.same_days)
                && let Some(c) = profile.coverage(&f.lead, idf)
            {
                s *= 1.0 - self.params.novelty_penalty * (1.0 - c);
            }
            if let Some((_, n)) = shared.iter().find(|e| e.0 == story) {
                let full = self.params.shared_full.max(1);
                s += self.params.shared_bonus * (*n).min(full) as f32 / full as f32;
            }
            scored.push((story, s, profile));
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(scored)
    }

    /// Topic words and names mixed; without names on one side, the words
    /// alone decide.
    fn combine(&self, terms: f32, entities: f32, a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
        if a.is_empty() || b.is_empty() {
            terms
        } else {
            let w = self.params.entity_weight;
            (1.0 - w) * terms + w * entities
        }
    }

    fn decay(&self, gap_days: i32) -> f32 {
        0.5f32.powf(gap_days as f32 / self.params.half_life_days.max(1e-3))
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
    use serde_json::json;

    use super::*;

    #[test]
    fn parameters_change_by_name_and_nothing_else_goes_in() {
        let p = StoryParams::default()
            .with_changes(&json!({"threshold": 0.5, "same_days": 5}))
            .unwrap();
        assert_eq!((p.threshold, p.same_days), (0.5, 5));
        assert_eq!(
            p.entity_weight,
            StoryParams::default().entity_weight,
            "the rest stays"
        );
        for bad in [
            json!({"treshold": 0.5}),
            json!({"same_days": "five"}),
            json!([0.5]),
        ] {
            let e = StoryParams::default().with_changes(&bad).unwrap_err();
            assert!(matches!(e, crate::Error::BadArgument(_)), "{bad}: {e:?}");
        }
    }
}
