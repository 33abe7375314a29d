//! The threads stage: stories (one event each) grouped into running
//! subjects that last weeks to years, online, under ids that stay put.
//!
//! A story is placed when it is made or grows: it is compared with the few
//! threads that share its heaviest keys (an inverted index, so the cost per
//! story stays flat), joins the one it matches best, or starts its own.
//! Unlike the story clusterer, time does not count against a match (a
//! trial's hearings are months apart and articles may have no date), but
//! names must: a story joins a thread only when it shares the thread's
//! names (who and where), not just its vocabulary, so two earthquakes in
//! two countries stay two threads.
//!
//! - A story that matches two threads that also match each other merges
//!   them: the older id wins and the other becomes an alias.
//! - A story that grows away from its thread moves; when it leaves a thread
//!   of other stories, it starts its own under a new id (the old id stays
//!   with the larger part).
//!
//! The store persists the state through [`ThreadIndex`].
//!
//! ```
//! use storyline::threads::{ThreadParams, judge};
//! use storyline::stories::{Idf, StoryFeatures, StoryProfile};
//! use storyline::text::analyze;
//! let idf = Idf::default();
//! let profile = |text: &str| {
//!     let f = StoryFeatures::extract(None, false, &analyze(text), None);
//!     StoryProfile::new(&f, &idf)
//! };
//! let hearing = profile("The trial of Oscar Pistorius resumed in Pretoria as Reeva Steenkamp's mother testified.");
//! let verdict = profile("Judge Thokozile Masipa found Oscar Pistorius guilty of culpable homicide over Reeva Steenkamp's death in Pretoria.");
//! let quake = profile("A strong earthquake struck Aceh province in Indonesia, killing dozens in Pidie.");
//! let p = ThreadParams::default();
//! assert!(judge(&verdict, &hearing, &idf).joins(&p));
//! assert!(!judge(&quake, &hearing, &idf).joins(&p));
//! ```

pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stories::{Idf, StoryProfile};

/// Topic words a thread is found under.
const THREAD_INDEX_TERMS: usize = 24;
/// Names a thread is found under.
const THREAD_INDEX_NAMES: usize = 12;
/// Threads read per key of a story, the most recent first: bounds the cost
/// of a common key.
const THREADS_PER_KEY: usize = 20;
/// Candidate threads judged per story, those sharing most keys first.
const CANDIDATES: usize = 12;

/// The thread stage's tuning.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThreadParams {
    /// Score a story needs to join a thread.
    pub bar: f32,
    /// Name cosine a story needs to join a thread, whatever its score: the
    /// guard against gluing two events of one kind.
    pub min_names: f32,
    /// Weight of the topic-word cosine in the score (the names weigh the
    /// rest).
    pub words_weight: f32,
    /// How much better another thread must match before a story leaves
    /// the one it is in.
    pub move_margin: f32,
    /// Days of silence a thread bridges: a dated story further than this
    /// from every dated story of a thread is news of another time (a
    /// company's second takeover, the next earthquake in one country),
    /// not the same subject running on. Undated stories are not held to it.
    pub max_gap_days: i32,
    /// The story's heaviest names (by weight) of which one must
    /// be among the thread's `thread_names` heaviest: who or where the
    /// story is mainly about must be who or where the thread is about.
    /// Name cosine alone lets a thread that has gathered many names (a
    /// region's unrest) take in the next subject that mentions one of
    /// them, and two events of one kind that share their setting (two
    /// Oscar ceremonies) glue through the setting. 0 turns it off.
    pub lead_names: usize,
    /// See `lead_names`.
    pub thread_names: usize,
    /// Power of the rarity (IDF) weighting in the match's cosines; 1 weighs
    /// as the stories stage does. Rarity singles out an event, but the
    /// names a subject keeps over months (the country at war, the
    /// defendant) are common in its own stream, so a thread weighs them
    /// less by rarity (0: by how much its stories carry them alone).
    pub idf_power: f32,
}

/// Chosen on the training side only (`python3 bench/threads/run_threads.py --tune`: ECB+
/// and the Spanish half of crisis, the mean of their thread-level BCubed F1); French and
/// Italian crisis, DUC 2004 and Multi-News are scored untouched.
impl Default for ThreadParams {
    fn default() -> Self {
        ThreadParams {
            bar: 0.10,
            min_names: 0.20,
            words_weight: 0.5,
            move_margin: 0.05,
            max_gap_days: 365,
            lead_names: 3,
            thread_names: 5,
            idf_power: 0.0,
        }
    }
}

/// How well a story matches a thread.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ThreadMatch {
    /// The score the decision compares with the bar.
    pub score: f32,
    /// Cosine of the topic words.
    pub words: f32,
    /// Cosine of the names.
    pub names: f32,
    /// Days between the story's span and the thread's, when both are
    /// dated (0 when they meet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_days: Option<i32>,
    /// Whether the story's lead names are among the thread's heaviest
    /// (see [`ThreadParams::lead_names`]); not kept in the store.
    #[serde(skip)]
    pub lead_shared: bool,
}

impl ThreadMatch {
    /// Whether the match clears both the bar and the names guard.
    pub fn joins(&self, p: &ThreadParams) -> bool {
        self.score >= p.bar
            && self.names >= p.min_names
            && self.gap_days.is_none_or(|g| g <= p.max_gap_days)
            && (p.lead_names == 0 || self.lead_shared)
    }
}

/// Judges a story (or another thread) against a thread under the default
/// weighting of words and names.
pub fn judge(story: &StoryProfile, thread: &StoryProfile, idf: &Idf) -> ThreadMatch {
    judge_with(story, thread, idf, &ThreadParams::default())
}

fn judge_with(
    story: &StoryProfile,
    thread: &StoryProfile,
    idf: &Idf,
    p: &ThreadParams,
) -> ThreadMatch {
    let (words, names) = if p.idf_power == 1.0 {
        story.similarity_to(thread, idf)
    } else {
        story.similarity_with_power(thread, idf, p.idf_power)
    };
    let gap_days = match (
        story.first_day,
        story.last_day,
        thread.first_day,
        thread.last_day,
    ) {
        (Some(a), Some(b), Some(c), Some(d)) => Some((c - b).max(a - d).max(0)),
        _ => None,
    };
    let lead_shared = p.lead_names > 0 && {
        let theirs = thread.heaviest_names(p.thread_names.max(p.lead_names));
        story
            .heaviest_names(p.lead_names)
            .iter()
            .any(|k| theirs.contains(k))
    };
    ThreadMatch {
        score: p.words_weight * words + (1.0 - p.words_weight) * names,
        words,
        names,
        gap_days,
        lead_shared,
    }
}

/// What a story brings to its thread: its centroid, damped by its size so
/// that one big story does not drown the thread's others.
/// Its size counts one story.
pub fn contribution(story: &StoryProfile) -> StoryProfile {
    let mut c = story.scaled(1.0 / (story.size.max(1) as f32).sqrt());
    c.size = 1;
    c
}

/// The keys a thread is found under.
pub fn thread_keys(profile: &StoryProfile, idf: &Idf) -> Vec<u64> {
    profile.heaviest_keys(THREAD_INDEX_TERMS, THREAD_INDEX_NAMES, idf)
}

/// A story's place in a thread, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// The thread.
    pub thread: i64,
    /// What the story added to the thread's profile.
    pub contribution: StoryProfile,
}

/// Where the thread stage keeps its state: the store, or memory in tests.
pub trait ThreadIndex {
    /// Loads the document frequencies of `keys` into `idf`.
    fn frequencies(&mut self, keys: &[u64], idf: &mut Idf) -> Result<()>;
    /// A story's centroid; `None` when the story is gone.
    fn story_profile(&mut self, story: i64) -> Result<Option<StoryProfile>>;
    /// Threads indexed under `key`, the newest first.
    fn threads_with_key(&mut self, key: u64, limit: usize) -> Result<Vec<i64>>;
    /// A thread's profile and the keys it is indexed under.
    fn thread(&mut self, thread: i64) -> Result<Option<(StoryProfile, Vec<u64>)>>;
    /// How many stories a thread holds.
    fn thread_size(&mut self, thread: i64) -> Result<u64>;
    /// A story's thread, if it has one.
    fn membership(&mut self, story: i64) -> Result<Option<Membership>>;
    /// Creates a thread; returns its id.
    fn create_thread(&mut self, profile: &StoryProfile, keys: &[u64]) -> Result<i64>;
    /// Saves a thread's profile and re-indexes it.
    fn save_thread(&mut self, thread: i64, profile: &StoryProfile, keys: &[u64]) -> Result<()>;
    /// Puts a story in a thread (moving it from any other).
    fn set_membership(&mut self, story: i64, m: &Membership, how: &ThreadMatch) -> Result<()>;
    /// Takes a story out of its thread.
    fn remove_membership(&mut self, story: i64) -> Result<()>;
    /// Moves every story of `from` into `into` and makes `from` an alias
    /// of it (as are `from`'s own aliases).
    fn merge_threads(&mut self, from: i64, into: i64) -> Result<()>;
    /// Drops an empty thread; its id becomes an alias of `alias_of` when
    /// given, so it still resolves.
    fn drop_thread(&mut self, thread: i64, alias_of: Option<i64>) -> Result<()>;
}

/// The online thread clusterer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Threader {
    params: ThreadParams,
}

/// What happened to a story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The thread it is in now (`None` when the story is gone).
    pub thread: Option<i64>,
    /// Threads left empty by it, dropped (aliased to `thread`).
    pub dropped: Option<i64>,
    /// Threads merged into `thread`.
    pub merged: usize,
}

impl Threader {
    /// A clusterer with the given tuning.
    pub fn new(params: ThreadParams) -> Threader {
        Threader { params }
    }

    /// Places a story that is new or has changed.
    pub fn place(&self, index: &mut impl ThreadIndex, story: i64) -> Result<Placement> {
        let current = index.membership(story)?;
        let Some(profile) = index.story_profile(story)? else {
            let dropped = match current {
                Some(m) => self.leave(index, story, &m, None)?,
                None => None,
            };
            return Ok(Placement {
                thread: None,
                dropped,
                merged: 0,
            });
        };
        let mine = contribution(&profile);
        let mut idf = Idf::default();
        index.frequencies(&mine.all_keys().collect::<Vec<_>>(), &mut idf)?;

        // Candidates: the threads sharing most of the story's keys.
        let mut hits: BTreeMap<i64, usize> = BTreeMap::new();
        for &k in &profile.keys {
            for t in index.threads_with_key(k, THREADS_PER_KEY)? {
                *hits.entry(t).or_default() += 1;
            }
        }
        let mut ranked: Vec<(i64, usize)> = hits.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.truncate(CANDIDATES);
        let mut candidates: Vec<i64> = ranked.into_iter().map(|c| c.0).collect();
        if let Some(m) = &current
            && !candidates.contains(&m.thread)
        {
            candidates.push(m.thread);
        }

        let mut judged: Vec<(i64, StoryProfile, ThreadMatch)> = Vec::new();
        for t in candidates {
            let Some((mut tp, _)) = index.thread(t)? else {
                continue;
            };
            index.frequencies(&tp.all_keys().collect::<Vec<_>>(), &mut idf)?;
            if let Some(m) = &current
                && m.thread == t
            {
                tp.remove(&m.contribution, &idf);
            }
            if tp.size == 0 {
                continue;
            }
            let how = judge_with(&mine, &tp, &idf, &self.params);
            judged.push((t, tp, how));
        }
        let best = judged
            .iter()
            .filter(|j| j.2.joins(&self.params))
            .max_by(|a, b| a.2.score.total_cmp(&b.2.score).then(b.0.cmp(&a.0)));
        let stay = current.as_ref().and_then(|m| {
            judged
                .iter()
                .find(|j| j.0 == m.thread && j.2.joins(&self.params))
        });
        let chosen: Option<(i64, StoryProfile, ThreadMatch)> = match (stay, best) {
            (Some(s), Some(b)) if b.2.score < s.2.score + self.params.move_margin => {
                Some(s.clone())
            }
            (_, Some(b)) => Some(b.clone()),
            (Some(s), None) => Some(s.clone()),
            (None, None) => None,
        };

        let (thread, how) = match chosen {
            Some((t, mut tp, how)) => {
                tp.absorb(&mine, &idf);
                index.save_thread(t, &tp, &thread_keys(&tp, &idf))?;
                (t, how)
            }
            None => {
                // Alone: a story that was alone in its thread keeps it.
                let alone = match &current {
                    Some(m) if index.thread_size(m.thread)? <= 1 => Some(m.thread),
                    _ => None,
                };
                let tp = mine.clone();
                let keys = thread_keys(&tp, &idf);
                let t = match alone {
                    Some(t) => {
                        index.save_thread(t, &tp, &keys)?;
                        t
                    }
                    None => index.create_thread(&tp, &keys)?,
                };
                (t, ThreadMatch::default())
            }
        };
        let mut dropped = None;
        if let Some(m) = &current
            && m.thread != thread
        {
            dropped = self.leave(index, story, m, Some(thread))?;
        }
        index.set_membership(
            story,
            &Membership {
                thread,
                contribution: mine,
            },
            &how,
        )?;

        // Threads this story bridges, that also match each other, are one.
        let others: Vec<i64> = judged
            .iter()
            .filter(|j| j.0 != thread && j.2.joins(&self.params))
            .map(|j| j.0)
            .collect();
        let mut group: BTreeSet<i64> = BTreeSet::from([thread]);
        if !others.is_empty()
            && let Some((tp, _)) = index.thread(thread)?
        {
            for o in others {
                if let Some((op, _)) = index.thread(o)? {
                    index.frequencies(&op.all_keys().collect::<Vec<_>>(), &mut idf)?;
                    if judge_with(&op, &tp, &idf, &self.params).joins(&self.params) {
                        group.insert(o);
                    }
                }
            }
        }
        let winner = *group.first().unwrap_or(&thread);
        let merged = group.len() - 1;
        if merged > 0 {
            let Some((mut wp, _)) = index.thread(winner)? else {
                return Ok(Placement {
                    thread: Some(thread),
                    dropped,
                    merged: 0,
                });
            };
            for &o in group.iter().skip(1) {
                if let Some((op, _)) = index.thread(o)? {
                    wp.absorb(&op, &idf);
                }
                index.merge_threads(o, winner)?;
            }
            index.save_thread(winner, &wp, &thread_keys(&wp, &idf))?;
        }
        Ok(Placement {
            thread: Some(winner),
            dropped,
            merged,
        })
    }

    /// Takes a story that is gone (deleted, or merged into another) out of
    /// its thread; a thread it leaves empty becomes an alias of `to` (the
    /// thread of the story it went into).
    pub fn forget(
        &self,
        index: &mut impl ThreadIndex,
        story: i64,
        to: Option<i64>,
    ) -> Result<Option<i64>> {
        match index.membership(story)? {
            Some(m) => self.leave(index, story, &m, to),
            None => Ok(None),
        }
    }

    /// Takes a story's contribution out of the thread it leaves; a thread
    /// left empty is dropped (its id an alias of `to`). Returns it then.
    fn leave(
        &self,
        index: &mut impl ThreadIndex,
        story: i64,
        m: &Membership,
        to: Option<i64>,
    ) -> Result<Option<i64>> {
        index.remove_membership(story)?;
        if index.thread_size(m.thread)? == 0 {
            index.drop_thread(m.thread, to)?;
            return Ok(Some(m.thread));
        }
        if let Some((mut tp, _)) = index.thread(m.thread)? {
            let mut idf = Idf::default();
            index.frequencies(&tp.all_keys().collect::<Vec<_>>(), &mut idf)?;
            tp.remove(&m.contribution, &idf);
            index.save_thread(m.thread, &tp, &thread_keys(&tp, &idf))?;
        }
        Ok(None)
    }
}

/// One line of a thread listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadSummary {
    /// Thread id (stable; merged-away ids resolve to it).
    pub id: i64,
    /// The title of its largest story.
    pub title: Option<String>,
    /// Number of stories.
    pub stories: u64,
    /// Number of articles.
    pub articles: u64,
    /// Number of distinct sources.
    pub sources: u64,
    /// Earliest article date (or, when none is dated, when it was stored).
    pub first_seen: Option<String>,
    /// Latest article date (or when it was stored).
    pub last_seen: Option<String>,
}

/// Why a story is in its thread.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Evidence {
    /// The match when the story joined (all zero for a thread's first
    /// story).
    pub score: f32,
    /// Cosine of topic words with the rest of the thread.
    pub words: f32,
    /// Cosine of names with the rest of the thread.
    pub names: f32,
    /// Names the story shares with the thread's other stories, the
    /// rarest first.
    pub shared_names: Vec<String>,
    /// Topic words (stems) it shares with them.
    pub shared_terms: Vec<String>,
    /// Sentences of its articles that articles of other stories of the
    /// thread also carry.
    pub shared_sentences: Vec<SharedSentence>,
}

/// A sentence a story shares with another story of its thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedSentence {
    /// The story's article.
    pub article: i64,
    /// Sentence index in it.
    pub sentence: usize,
    /// Its text.
    pub text: String,
    /// The article of another story that carries it.
    pub other_article: i64,
    /// That article's story.
    pub other_story: i64,
}

/// A story of a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadStory {
    /// Story id.
    pub id: i64,
    /// Its title.
    pub title: Option<String>,
    /// Number of articles.
    pub articles: u64,
    /// Earliest article date (or when stored).
    pub first_seen: Option<String>,
    /// Latest article date (or when stored).
    pub last_seen: Option<String>,
    /// Why it is in the thread.
    pub evidence: Evidence,
}

/// An article of a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadArticle {
    /// Article id.
    pub id: i64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Its story.
    pub story: i64,
    /// Headline.
    pub title: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// When it was stored.
    pub ingested_at: String,
}

/// A thread with its stories, articles and timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thread {
    /// Thread id.
    pub id: i64,
    /// The title of its largest story.
    pub title: Option<String>,
    /// Ids merged into this thread; they still resolve to it.
    pub aliases: Vec<i64>,
    /// Its stories, oldest first (undated ones last).
    pub stories: Vec<ThreadStory>,
    /// Its articles, oldest first (undated ones last).
    pub articles: Vec<ThreadArticle>,
    /// The key events in order.
    pub timeline: Vec<timeline::TimelineEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stories::StoryFeatures;
    use crate::text::analyze;

    fn profile(text: &str) -> StoryProfile {
        let f = StoryFeatures::extract(None, false, &analyze(text), None);
        StoryProfile::new(&f, &Idf::default())
    }

    #[test]
    fn removing_a_contribution_undoes_absorbing_it() {
        let idf = Idf::default();
        let a = profile("Oscar Pistorius appeared in court in Pretoria on Monday.");
        let b = profile("Reeva Steenkamp's family attended the hearing in Pretoria.");
        let mut t = contribution(&a);
        t.absorb(&contribution(&b), &idf);
        t.remove(&contribution(&b), &idf);
        let back = contribution(&a);
        assert_eq!(t.terms.len(), back.terms.len());
        for (x, y) in t.terms.iter().zip(&back.terms) {
            assert_eq!(x.0, y.0);
            assert!((x.1 - y.1).abs() < 1e-4);
        }
    }

    #[test]
    fn same_kind_of_event_in_two_places_does_not_join() {
        let idf = Idf::default();
        let chile = profile(
            "A magnitude 8.2 earthquake struck off Iquique in northern Chile, and Chilean authorities issued a tsunami warning.",
        );
        let iran = profile(
            "A magnitude 6.1 earthquake struck near Bushehr in southern Iran, and Iranian authorities sent rescue teams.",
        );
        let how = judge(&iran, &chile, &idf);
        assert!(how.words > 0.0);
        assert!(!how.joins(&ThreadParams::default()), "{how:?}");
    }

    /// Two Oscar hosts announced five years apart (ECB+ topic 2, CC BY) share
    /// their setting and most of their names (the Academy, the Oscars); a
    /// defendant's arraignment and verdict (topic 36) share who they are
    /// about. The first pair are two subjects, the second one.
    #[test]
    fn a_thread_follows_who_it_is_about_not_its_setting() {
        let idf = Idf::default();
        let thread_of = |texts: &[&str]| {
            let mut t = contribution(&profile(texts[0]));
            for x in &texts[1..] {
                t.absorb(&contribution(&profile(x)), &idf);
            }
            t
        };
        let jackman = thread_of(&[
            "Australian actor Hugh Jackman was named on Friday as host of February's Oscars in a departure from the tradition of picking U.S. comedians on Hollywood's most prestigious night. The Academy of Motion Pictures Arts and Sciences, which hands out the world's top film honors, said Jackman, 40, would host the 81st Academy Awards.",
            "The Academy of Motion Picture Arts and Sciences announced Friday that Hugh Jackman will be the host of the 81st annual Oscars on Feb. 22 at the Kodak Theatre. The lanky Australian, who was recently named People magazine's Sexiest Man Alive, is best known for playing Wolverine in the X-Men franchise.",
        ]);
        let degeneres = profile(
            "Ellen DeGeneres will host the Oscars for a second time next year, the Academy announced Friday. \"We are thrilled to have Ellen DeGeneres host the Oscars,\" producers Craig Zadan and Neil Meron said in a statement. DeGeneres has experience hosting the Academy Awards: she previously served as emcee during the 2007 ceremony.",
        );
        let before = ThreadParams {
            min_names: 0.10,
            lead_names: 0,
            idf_power: 1.0,
            ..ThreadParams::default()
        };
        let how = judge_with(&contribution(&degeneres), &jackman, &idf, &before);
        assert!(how.joins(&before), "the old match glued them: {how:?}");
        let p = ThreadParams::default();
        let how = judge_with(&contribution(&degeneres), &jackman, &idf, &p);
        assert!(!how.joins(&p), "{how:?}");

        let jeffs = thread_of(&[
            "Polygamist sect leader Warren Jeffs was quietly extradited from Utah to Texas, where he was arraigned Wednesday to face trial on bigamy and sexual assault charges. Jeffs, who was indicted more than two years ago, appeared during a brief hearing in San Angelo.",
            "Warren Jeffs, leader of the Fundamentalist Church of Jesus Christ of Latter Day Saints, who has been silent since his trial began last Thursday, spoke for the first time with the jury present Friday. Jeffs is charged with two counts of sexual assault.",
        ]);
        let verdict = profile(
            "A Texas jury convicted polygamist sect leader Warren Jeffs of child sexual assault Thursday in a case stemming from two young followers he took as brides in what his church calls spiritual marriages. The 55-year-old head of the Fundamentalist Church of Jesus Christ of Latter Day Saints stood stone-faced.",
        );
        let how = judge_with(&contribution(&verdict), &jeffs, &idf, &p);
        assert!(how.lead_shared && how.joins(&p), "{how:?}");
    }
}
