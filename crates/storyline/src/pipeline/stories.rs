//! Runs the stories stage on newly stored articles, inside the transaction
//! that stored them (after the copies stage, whose findings it uses), and
//! rebuilds every story on request.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use serde::Serialize;

use crate::error::Result;
use crate::store::stories::{CopyLinks, SqlStoryIndex, StoryAssignments};
use crate::store::{Batch, Store};
use crate::stories::{
    Clusterer, CopyEvidence, MemoryIndex, StoryFeatures, StoryParams, features::day_number,
};

/// Articles at least this similar (Jaccard of shingles) are copies of one
/// text: the later one joins the earlier one's story.
pub const NEAR_DUPLICATE: f64 = 0.8;

/// A sentence shared with articles of more stories than this is a line
/// of boilerplate, not evidence.
const MAX_STORIES_PER_SHARED_LINE: usize = 2;

/// What the copies stage found for an article, as the stories of the
/// articles involved (`story_of` maps an article to its story, if placed).
fn evidence(
    batch: &Batch<'_>,
    id: i64,
    story_of: impl FnMut(i64) -> Result<Option<i64>>,
) -> Result<CopyEvidence> {
    copy_evidence(batch.copy_links(id, NEAR_DUPLICATE)?, story_of)
}

/// An article's copy links (near-duplicates at [`NEAR_DUPLICATE`] or more,
/// shared sentences) as the stories of the articles involved: what the
/// clusterer weighs. `story_of` maps an article to its story, if placed.
pub fn copy_evidence(
    links: CopyLinks,
    mut story_of: impl FnMut(i64) -> Result<Option<i64>>,
) -> Result<CopyEvidence> {
    let mut near_duplicate_of = None;
    for other in links.near_duplicates {
        if let Some(s) = story_of(other)? {
            near_duplicate_of = Some(s);
            break;
        }
    }
    let mut placed = Vec::with_capacity(links.shared_sentences.len());
    for (sentence, other) in links.shared_sentences {
        if let Some(s) = story_of(other)? {
            placed.push((sentence, s));
        }
    }
    Ok(CopyEvidence {
        near_duplicate_of,
        shared_sentences: shared_by_story(&placed),
    })
}

/// How many of an article's sentences each story carries, from (sentence,
/// story) links. A line found in several stories is boilerplate (a crawl
/// footer, an agency notice), not evidence: it would glue unrelated
/// stories together, so it counts for none.
fn shared_by_story(links: &[(u32, i64)]) -> Vec<(i64, u32)> {
    let mut by_sentence: BTreeMap<u32, BTreeSet<i64>> = BTreeMap::new();
    for &(sentence, story) in links {
        by_sentence.entry(sentence).or_default().insert(story);
    }
    let mut counts: BTreeMap<i64, u32> = BTreeMap::new();
    for stories in by_sentence
        .values()
        .filter(|s| s.len() <= MAX_STORIES_PER_SHARED_LINE)
    {
        for s in stories {
            *counts.entry(*s).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

/// Places newly stored articles in stories. `updated` articles (stored
/// before under the same identity) keep their story, rebuilt with their new
/// features. Returns the stories that changed.
pub fn update(batch: &Batch<'_>, arrivals: &[(i64, &StoryFeatures, bool)]) -> Result<Vec<i64>> {
    let clusterer = Clusterer::new(batch.story_params()?);
    let mut index = SqlStoryIndex::new(batch);
    let mut rebuild = Vec::new();
    let mut touched = Vec::new();
    for &(id, features, updated) in arrivals {
        batch.save_text_story_features(id, features)?;
        if updated && let Some(story) = batch.story_of(id)? {
            rebuild.push(story);
            continue;
        }
        let evidence = evidence(batch, id, |a| batch.story_of(a))?;
        touched.push(clusterer.assign(&mut index, id, features, &evidence)?.story);
    }
    index.finish()?;
    rebuild.sort_unstable();
    rebuild.dedup();
    batch.rebuild_stories(&rebuild)?;
    // An article's text changed: its story's summary may quote the old one.
    for &story in &rebuild {
        batch.forget_summary(story)?;
    }
    touched.extend(rebuild);
    touched.sort_unstable();
    touched.dedup();
    Ok(touched)
}

/// The story features of a stored article, extracted again from its text
/// (and saved) when the store has none or has them from an older version.
fn stored_features(batch: &Batch<'_>, id: i64) -> Result<Option<StoryFeatures>> {
    if let Some(f) = batch.current_story_features(id)? {
        return Ok(Some(f));
    }
    let Some(source) = batch.story_source(id)? else {
        return Ok(None);
    };
    let f = source.features();
    batch.save_text_story_features(id, &f)?;
    Ok(Some(f))
}

/// Places every stored article that is in no story (articles stored before
/// the stories stage existed), oldest first, after extracting again the
/// features stored by an older version. Returns how many were placed.
pub fn backfill(store: &mut Store) -> Result<usize> {
    // Checked with reads first: the write lock is taken only when there
    // is work, so listing stories never waits for a running ingest. A
    // read-only store keeps what it has.
    if store.is_read_only()
        || (!store.has_articles_without_story()? && !store.has_outdated_story_features()?)
    {
        return Ok(0);
    }
    let batch = store.begin()?;
    for id in batch.outdated_story_features()? {
        stored_features(&batch, id)?;
    }
    let missing = batch.articles_without_story()?;
    if missing.is_empty() {
        batch.commit()?;
        return Ok(0);
    }
    let clusterer = Clusterer::new(batch.story_params()?);
    let mut index = SqlStoryIndex::new(&batch);
    let mut touched = Vec::new();
    for &id in &missing {
        if let Some(f) = stored_features(&batch, id)? {
            let evidence = evidence(&batch, id, |a| batch.story_of(a))?;
            touched.push(clusterer.assign(&mut index, id, &f, &evidence)?.story);
        }
    }
    index.finish()?;
    touched.sort_unstable();
    touched.dedup();
    super::threads::update(&batch, &touched)?;
    super::summary::update(&batch, &touched)?;
    batch.commit()?;
    Ok(missing.len())
}

/// Stories after deleting articles: each story that lost articles is
/// rebuilt from the rest, or dropped when none is left.
pub fn after_delete(store: &mut Store, stories: &[i64]) -> Result<()> {
    let batch = store.begin()?;
    batch.rebuild_stories(stories)?;
    super::threads::update(&batch, stories)?;
    super::summary::update(&batch, stories)?;
    batch.commit()
}

/// What a rebuild changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReclusterReport {
    /// Articles placed.
    pub articles: u64,
    /// Stories before and after.
    pub stories_before: u64,
    /// See `stories_before`.
    pub stories_after: u64,
    /// Stories that kept an id they had before.
    pub ids_kept: u64,
    /// Old ids that now resolve, as aliases, to another story.
    pub ids_aliased: u64,
    /// Stories with a new id.
    pub ids_new: u64,
    /// Agreement between the stories before and after (pairs of articles
    /// together in both, over pairs together in either): 1 when nothing
    /// moved.
    pub pair_agreement: f64,
    /// The tuning used (and kept for later ingests).
    pub params: StoryParams,
    /// What the threads' rebuild changed.
    pub threads: super::threads::ThreadRebuild,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Rebuilds every story from scratch: word frequencies counted over the
/// whole store first (hindsight the online pass did not have), then every
/// article placed again, oldest first (undated ones in the order they were
/// stored, after the dated ones). Story ids carry over: each new story
/// takes the old id that most of its articles had (old ids go to the
/// stories that keep most of their articles, older ids first), and every
/// other old id becomes an alias of the story that holds most of its
/// articles, so no id that was ever shown stops resolving.
pub fn recluster(store: &mut Store, params: Option<StoryParams>) -> Result<ReclusterReport> {
    let started = Instant::now();
    let batch = store.begin()?;
    let params = match params {
        Some(p) => p,
        None => batch.story_params()?,
    };
    let StoryAssignments {
        members: before,
        aliases: old_aliases,
    } = batch.story_assignments()?;
    let mut order: Vec<(Option<i32>, i64)> = batch
        .article_days()?
        .into_iter()
        .map(|(id, date)| (date.as_deref().and_then(day_number), id))
        .collect();
    order.sort_by_key(|&(day, id)| (day.is_none(), day, id));

    let mut features = Vec::with_capacity(order.len());
    let mut index = MemoryIndex::new();
    for &(_, id) in &order {
        if let Some(f) = stored_features(&batch, id)? {
            let keys: Vec<u64> = f.terms.iter().chain(&f.entities).map(|e| e.0).collect();
            index.count_only(&keys);
            features.push((id, f));
        }
    }
    let clusterer = Clusterer::new(params).with_fixed_idf();
    let mut story_of: HashMap<i64, i64> = HashMap::new();
    for (id, f) in &features {
        let evidence = evidence(&batch, *id, |a| {
            let Some(mut s) = story_of.get(&a).copied() else {
                return Ok(None);
            };
            while let Some(&t) = index.aliases.get(&s) {
                s = t;
            }
            Ok(Some(s))
        })?;
        let a = clusterer.assign(&mut index, *id, f, &evidence)?;
        story_of.insert(*id, a.story);
    }

    // Carry the old ids over.
    let after = index.assignments();
    let threads_before = batch.article_threads()?;
    let new_ids: Vec<i64> = index.stories.keys().copied().collect();
    let next = batch.next_story_id()?;
    let CarriedIds {
        id_of,
        aliases: all_aliases,
        kept,
        aliased,
        new: ids_new,
    } = carry_ids(&before, &after, &new_ids, &old_aliases, Some(next));
    let old_ids: BTreeSet<i64> = before.values().copied().collect();

    let stories: Vec<_> = index
        .stories
        .iter()
        .map(|(new, s)| (id_of[new], s.members.clone(), s.title, s.profile.clone()))
        .collect();
    let (df, documents) = index.frequencies_table();
    batch.replace_stories(&stories, &all_aliases, &df, documents)?;
    batch.save_story_params(&params)?;
    let threads = super::threads::rebuild(&batch, &threads_before)?;
    super::summary::rebuild_all(&batch)?;
    batch.commit()?;

    let remapped: HashMap<i64, i64> = after.iter().map(|(a, n)| (*a, id_of[n])).collect();
    Ok(ReclusterReport {
        articles: features.len() as u64,
        stories_before: old_ids.len() as u64,
        stories_after: stories.len() as u64,
        ids_kept: kept,
        ids_aliased: aliased,
        ids_new,
        threads,
        pair_agreement: pair_agreement(&before, &remapped),
        params,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Ids carried over a rebuild (see [`carry_ids`]).
pub(crate) struct CarriedIds {
    /// New group → the id it takes.
    pub id_of: HashMap<i64, i64>,
    /// Every id that resolves to another: old ids not carried over, and
    /// aliases of old groups, now pointing at the new ids.
    pub aliases: Vec<(i64, i64)>,
    /// Groups that kept an old id.
    pub kept: u64,
    /// Old ids that became aliases.
    pub aliased: u64,
    /// Groups with a new id.
    pub new: u64,
}

/// Carries ids over a rebuild, from `before` and `after` (item → group):
/// each new group takes the old id most of its items had (old ids go to
/// the groups that keep most of their items, older ids first, so when a
/// group splits the larger part keeps the id), and every other old id
/// becomes an alias of the group holding most of its items, so no id that
/// was ever shown stops resolving. A group with no old id takes the next
/// from `next`, or keeps its own when `next` is `None`.
pub(crate) fn carry_ids(
    before: &HashMap<i64, i64>,
    after: &HashMap<i64, i64>,
    groups: &[i64],
    old_aliases: &[(i64, i64)],
    mut next: Option<i64>,
) -> CarriedIds {
    let mut overlap: HashMap<(i64, i64), u64> = HashMap::new();
    for (item, new) in after {
        if let Some(old) = before.get(item) {
            *overlap.entry((*new, *old)).or_default() += 1;
        }
    }
    let mut pairs: Vec<((i64, i64), u64)> = overlap.into_iter().collect();
    pairs.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.1.cmp(&b.0.1))
            .then(a.0.0.cmp(&b.0.0))
    });
    let mut id_of: HashMap<i64, i64> = HashMap::new();
    let mut taken: HashMap<i64, i64> = HashMap::new();
    for ((new, old), _) in &pairs {
        if !id_of.contains_key(new) && !taken.contains_key(old) {
            id_of.insert(*new, *old);
            taken.insert(*old, *new);
        }
    }
    let mut sorted = groups.to_vec();
    sorted.sort_unstable();
    let mut ids_new = 0;
    for new in sorted {
        if let std::collections::hash_map::Entry::Vacant(e) = id_of.entry(new) {
            match next.as_mut() {
                Some(n) => {
                    e.insert(*n);
                    *n += 1;
                }
                None => {
                    e.insert(new);
                }
            }
            ids_new += 1;
        }
    }
    let old_ids: BTreeSet<i64> = before.values().copied().collect();
    let mut aliases: Vec<(i64, i64)> = Vec::new();
    for old in &old_ids {
        if taken.contains_key(old) {
            continue;
        }
        // The new group holding most of the old one's items.
        if let Some(((new, _), _)) = pairs.iter().find(|((_, o), _)| o == old) {
            aliases.push((*old, id_of[new]));
        }
    }
    let final_of_old = |old: i64| -> Option<i64> {
        taken
            .get(&old)
            .map(|n| id_of[n])
            .or_else(|| aliases.iter().find(|a| a.0 == old).map(|a| a.1))
    };
    let aliased = aliases.len() as u64;
    let mut all_aliases = aliases.clone();
    for &(alias, target) in old_aliases {
        if let Some(t) = final_of_old(target)
            && !old_ids.contains(&alias)
        {
            all_aliases.push((alias, t));
        }
    }
    all_aliases.retain(|(a, t)| a != t && !taken.contains_key(a));
    all_aliases.sort_unstable();
    all_aliases.dedup_by_key(|a| a.0);
    CarriedIds {
        id_of,
        aliases: all_aliases,
        kept: taken.len() as u64,
        aliased,
        new: ids_new,
    }
}

/// Pairs of articles together in both groupings over pairs together in
/// either.
fn pair_agreement(a: &HashMap<i64, i64>, b: &HashMap<i64, i64>) -> f64 {
    let pairs = |m: &HashMap<i64, i64>| -> u64 {
        let mut size: HashMap<i64, u64> = HashMap::new();
        for s in m.values() {
            *size.entry(*s).or_default() += 1;
        }
        size.values().map(|n| n * n.saturating_sub(1) / 2).sum()
    };
    let mut both: HashMap<(i64, i64), u64> = HashMap::new();
    for (article, s) in a {
        if let Some(t) = b.get(article) {
            *both.entry((*s, *t)).or_default() += 1;
        }
    }
    let common: u64 = both.values().map(|n| n * n.saturating_sub(1) / 2).sum();
    let either = pairs(a) + pairs(b) - common;
    if either == 0 {
        1.0
    } else {
        common as f64 / either as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shared_with_many_stories_is_not_evidence() {
        // Sentence 0 is carried by two articles of story 7; sentence 1 by
        // story 7 and story 9; sentence 2 (a footer) by four stories.
        let links = [
            (0, 7),
            (0, 7),
            (1, 7),
            (1, 9),
            (2, 7),
            (2, 9),
            (2, 11),
            (2, 12),
        ];
        assert_eq!(shared_by_story(&links), vec![(7, 2), (9, 1)]);
        assert!(shared_by_story(&[]).is_empty());
    }
}
