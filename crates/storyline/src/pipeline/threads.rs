//! Runs the threads stage on the stories the stories stage touched, inside
//! the same transaction, and rebuilds every thread on request.

use std::collections::HashMap;

use serde::Serialize;

use super::stories::{CarriedIds, carry_ids};
use crate::error::Result;
use crate::store::threads::SqlThreadIndex;
use crate::store::{Batch, Store};
use crate::threads::{ThreadParams, Threader};

/// Places stories that are new or have changed in threads, and takes the
/// stories that are gone out of theirs. Returns the threads they are in.
pub fn update(batch: &Batch<'_>, stories: &[i64]) -> Result<Vec<i64>> {
    let threader = Threader::new(batch.thread_params()?);
    let mut index = SqlThreadIndex::new(batch);
    let mut touched = Vec::new();
    for &story in stories {
        touched.extend(threader.place(&mut index, story)?.thread);
    }
    for orphan in batch.take_thread_orphans()? {
        let to = match batch.resolve_story(orphan)? {
            Some(s) => batch.thread_of_story(s)?,
            None => None,
        };
        threader.forget(&mut index, orphan, to)?;
    }
    touched.sort_unstable();
    touched.dedup();
    Ok(touched)
}

/// Places every story that is in no thread (stories made before the
/// threads stage existed), oldest first. Returns how many were placed.
pub fn backfill(store: &mut Store) -> Result<usize> {
    if store.is_read_only() || !store.has_stories_without_thread()? {
        return Ok(0);
    }
    let batch = store.begin()?;
    let missing = batch.stories_without_thread()?;
    update(&batch, &missing)?;
    batch.commit()?;
    Ok(missing.len())
}

/// Rebuilds every thread (and nothing else) from the stories as they are,
/// with `params` when given (kept for later ingests).
pub fn rethread(store: &mut Store, params: Option<ThreadParams>) -> Result<ThreadRebuild> {
    let batch = store.begin()?;
    if let Some(p) = params {
        batch.save_thread_params(&p)?;
    }
    let before = batch.article_threads()?;
    let report = rebuild(&batch, &before)?;
    batch.commit()?;
    Ok(report)
}

/// What a thread rebuild changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThreadRebuild {
    /// Threads before and after.
    pub threads_before: u64,
    /// See `threads_before`.
    pub threads_after: u64,
    /// Threads that kept an id they had before.
    pub ids_kept: u64,
    /// Old ids that now resolve, as aliases, to another thread.
    pub ids_aliased: u64,
    /// Threads with a new id.
    pub ids_new: u64,
}

/// Rebuilds every thread from the stories as they are now, oldest story
/// first. `before` is each article's thread before the stories were
/// rebuilt: each new thread takes the old id most of its articles had
/// (so when a thread splits, the larger part keeps the id and the smaller
/// gets a new one), and every other old id becomes an alias of the thread
/// holding most of its articles.
pub fn rebuild(batch: &Batch<'_>, before: &HashMap<i64, i64>) -> Result<ThreadRebuild> {
    let old_aliases = batch.thread_alias_pairs()?;
    batch.clear_threads()?;
    let threader = Threader::new(batch.thread_params()?);
    let mut index = SqlThreadIndex::new(batch);
    for story in batch.stories_oldest_first()? {
        threader.place(&mut index, story)?;
    }
    batch.take_thread_orphans()?;
    let after = batch.article_threads()?;
    let new_threads: Vec<i64> = batch.thread_ids()?;
    let CarriedIds {
        id_of,
        aliases,
        kept,
        aliased,
        new,
    } = carry_ids(before, &after, &new_threads, &old_aliases, None);
    let mut renumber: Vec<(i64, i64)> = id_of.into_iter().filter(|(a, b)| a != b).collect();
    renumber.sort_unstable();
    batch.renumber_threads(&renumber, &aliases)?;
    let old: std::collections::BTreeSet<i64> = before.values().copied().collect();
    Ok(ThreadRebuild {
        threads_before: old.len() as u64,
        threads_after: new_threads.len() as u64,
        ids_kept: kept,
        ids_aliased: aliased,
        ids_new: new,
    })
}
