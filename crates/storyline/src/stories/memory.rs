//! A [`StoryIndex`] in memory: for rebuilding every story at once, for
//! tests, and for benchmarks that cluster without a store.

use std::collections::{BTreeMap, HashMap};

use super::cluster::{Member, StoryIndex};
use super::profile::{Idf, StoryProfile};
use crate::error::Result;

/// A story held by a [`MemoryIndex`].
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryStory {
    /// The clusterer's profile.
    pub profile: StoryProfile,
    /// Its articles, in the order they joined.
    pub members: Vec<Member>,
    /// The article whose headline is the title.
    pub title: Option<i64>,
}

/// Stories, document frequencies and the key index, in memory.
#[derive(Debug, Default)]
pub struct MemoryIndex {
    documents: u64,
    df: HashMap<u64, u32>,
    /// Stories by id.
    pub stories: BTreeMap<i64, MemoryStory>,
    /// Merged-away story ids and the story they went into.
    pub aliases: BTreeMap<i64, i64>,
    postings: HashMap<u64, Vec<i64>>,
    next_id: i64,
}

impl MemoryIndex {
    /// An empty index.
    pub fn new() -> MemoryIndex {
        MemoryIndex {
            next_id: 1,
            ..MemoryIndex::default()
        }
    }

    /// Counts a document in the frequencies without placing it (to weigh
    /// words with hindsight before a rebuild).
    pub fn count_only(&mut self, keys: &[u64]) {
        self.documents += 1;
        for k in keys {
            *self.df.entry(*k).or_default() += 1;
        }
    }

    /// The document frequencies and the number of documents counted.
    pub fn frequencies_table(&self) -> (HashMap<u64, u32>, u64) {
        (self.df.clone(), self.documents)
    }

    /// Story id of every placed article.
    pub fn assignments(&self) -> HashMap<i64, i64> {
        self.stories
            .iter()
            .flat_map(|(id, s)| s.members.iter().map(move |m| (m.article, *id)))
            .collect()
    }

    fn unindex(&mut self, story: i64, keys: &[u64]) {
        for k in keys {
            if let Some(list) = self.postings.get_mut(k) {
                list.retain(|s| *s != story);
            }
        }
    }

    fn index(&mut self, story: i64, keys: &[u64]) {
        for k in keys {
            let list = self.postings.entry(*k).or_default();
            if let Err(at) = list.binary_search(&story) {
                list.insert(at, story);
            }
        }
    }
}

impl StoryIndex for MemoryIndex {
    fn count_document(&mut self, keys: &[u64]) -> Result<()> {
        self.count_only(keys);
        Ok(())
    }

    fn frequencies(&mut self, keys: &[u64], idf: &mut Idf) -> Result<()> {
        idf.documents = self.documents;
        for k in keys {
            if let Some(df) = self.df.get(k) {
                idf.df.insert(*k, *df);
            }
        }
        Ok(())
    }

    fn stories_with_key(&mut self, key: u64, limit: usize) -> Result<Vec<i64>> {
        Ok(self
            .postings
            .get(&key)
            .map(|l| l.iter().rev().take(limit).copied().collect())
            .unwrap_or_default())
    }

    fn profile(&mut self, story: i64) -> Result<Option<StoryProfile>> {
        Ok(self.stories.get(&story).map(|s| s.profile.clone()))
    }

    fn create_story(&mut self, profile: &StoryProfile) -> Result<i64> {
        let id = self.next_id;
        self.next_id += 1;
        self.stories.insert(
            id,
            MemoryStory {
                profile: profile.clone(),
                members: Vec::new(),
                title: None,
            },
        );
        self.index(id, &profile.keys);
        Ok(id)
    }

    fn update_story(&mut self, story: i64, old_keys: &[u64], profile: &StoryProfile) -> Result<()> {
        self.unindex(story, old_keys);
        self.index(story, &profile.keys);
        if let Some(s) = self.stories.get_mut(&story) {
            s.profile = profile.clone();
        }
        Ok(())
    }

    fn add_member(&mut self, story: i64, member: &Member) -> Result<()> {
        if let Some(s) = self.stories.get_mut(&story) {
            s.members.push(*member);
        }
        Ok(())
    }

    fn set_title(&mut self, story: i64, article: i64) -> Result<()> {
        if let Some(s) = self.stories.get_mut(&story) {
            s.title = Some(article);
        }
        Ok(())
    }

    fn merge(
        &mut self,
        from: i64,
        into: i64,
        old_keys: &[u64],
        profile: &StoryProfile,
    ) -> Result<()> {
        let Some(gone) = self.stories.remove(&from) else {
            return Ok(());
        };
        self.unindex(from, &gone.profile.keys);
        for target in self.aliases.values_mut() {
            if *target == from {
                *target = into;
            }
        }
        self.aliases.insert(from, into);
        let keep_title = self
            .stories
            .get(&into)
            .is_some_and(|s| s.profile.title_score >= gone.profile.title_score);
        self.update_story(into, old_keys, profile)?;
        if let Some(s) = self.stories.get_mut(&into) {
            s.members.extend(gone.members);
            if !keep_title || s.title.is_none() {
                s.title = gone.title.or(s.title);
            }
        }
        Ok(())
    }
}
