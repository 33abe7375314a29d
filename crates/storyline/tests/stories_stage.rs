//! The stories stage on real text: the 106 ECB+ articles of the bundled
//! corpus's `jsonl/ecbplus.jsonl` (CC BY 3.0, see `corpus/ATTRIBUTION.md`),
//! each with its gold event in the `story` field. ECB+ pairs two events of
//! one kind per topic (`1ecb` Tara Reid's rehab, `1ecbplus` Lindsay Lohan's),
//! which is what makes keeping stories apart hard.
//!
//! The clusterer's join, new-story and merge decisions run on a
//! [`MemoryIndex`]; the store's side (persisting stories and aliases, id
//! resolution, the catch-up of articles stored before the stage) runs
//! through the pipeline on a database file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use storyline::Error;
use storyline::ingest::IngestOptions;
use storyline::pipeline;
use storyline::store::Store;
use storyline::stories::cluster::{Choice, CopyEvidence, JoinReason, StoryParams};
use storyline::stories::{Clusterer, MemoryIndex, StoryFeatures};
use storyline::text::analyze;

fn corpus_jsonl() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl")
}

struct EcbArticle {
    id: String,
    story: String,
    title: String,
    text: String,
    date: Option<String>,
}

fn ecb_articles() -> Vec<EcbArticle> {
    std::fs::read_to_string(corpus_jsonl())
        .expect("the bundled corpus")
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let s = |k: &str| v[k].as_str().map(str::to_string);
            EcbArticle {
                id: s("id").unwrap(),
                story: s("story").unwrap(),
                title: s("title").unwrap(),
                text: s("text").unwrap(),
                date: s("date"),
            }
        })
        .collect()
}

/// Pairwise precision and recall of a grouping against the gold events.
fn pairwise(found: &HashMap<String, i64>, gold: &HashMap<String, String>) -> (f64, f64) {
    let ids: Vec<&String> = gold.keys().collect();
    let (mut both, mut in_found, mut in_gold) = (0u32, 0u32, 0u32);
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let f = found[*a] == found[*b];
            let g = gold[*a] == gold[*b];
            both += (f && g) as u32;
            in_found += f as u32;
            in_gold += g as u32;
        }
    }
    (
        both as f64 / in_found.max(1) as f64,
        both as f64 / in_gold.max(1) as f64,
    )
}

/// The story holding most articles of each gold event.
fn majority(found: &HashMap<String, i64>, gold: &HashMap<String, String>) -> HashMap<String, i64> {
    let mut counts: HashMap<&String, HashMap<i64, u32>> = HashMap::new();
    for (id, event) in gold {
        *counts
            .entry(event)
            .or_default()
            .entry(found[id])
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(event, c)| {
            let best = c.into_iter().max_by_key(|&(s, n)| (n, -s)).unwrap().0;
            (event.clone(), best)
        })
        .collect()
}

fn features(a: &EcbArticle) -> StoryFeatures {
    StoryFeatures::extract(Some(&a.title), false, &analyze(&a.text), a.date.as_deref())
}

/// Places every article in corpus order, as online ingest would (without
/// copy evidence).
fn cluster_all(c: &Clusterer, articles: &[EcbArticle]) -> (MemoryIndex, HashMap<String, i64>) {
    let mut index = MemoryIndex::new();
    let mut found = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        let placed = c
            .assign(
                &mut index,
                i as i64 + 1,
                &features(a),
                &CopyEvidence::default(),
            )
            .unwrap();
        found.insert(a.id.clone(), placed.story);
    }
    // A merge moves articles after they were placed: read the end state.
    let now = index.assignments();
    for (i, a) in articles.iter().enumerate() {
        found.insert(a.id.clone(), now[&(i as i64 + 1)]);
    }
    (index, found)
}

fn gold_of(articles: &[EcbArticle]) -> HashMap<String, String> {
    articles
        .iter()
        .map(|a| (a.id.clone(), a.story.clone()))
        .collect()
}

/// Join and new-story decisions: articles of one event mostly end up
/// together, articles of different events mostly apart.
#[test]
fn online_clustering_groups_real_articles_by_event() {
    let articles = ecb_articles();
    assert_eq!(articles.len(), 106);
    let gold = gold_of(&articles);
    let (index, found) = cluster_all(&Clusterer::default(), &articles);
    let (precision, recall) = pairwise(&found, &gold);
    eprintln!(
        "pairwise precision {precision:.3}, recall {recall:.3}, {} stories for 25 events",
        index.stories.len()
    );
    // Measured when written: .904 / .889, 29 stories.
    assert!(precision >= 0.85, "pairwise precision {precision:.3}");
    assert!(recall >= 0.80, "pairwise recall {recall:.3}");
    // Every story's first member started it, every later one joined it.
    for story in index.stories.values() {
        assert_eq!(story.members[0].reason, JoinReason::First);
        for m in &story.members[1..] {
            assert_eq!(m.reason, JoinReason::Similar);
            assert!(m.score > 0.0 && m.score <= 1.0, "{m:?}");
        }
    }
}

/// Another event of the same kind (the other half of an ECB+ topic: another
/// actress in rehab, another earthquake) is told apart from the first.
#[test]
fn the_two_events_of_a_topic_get_stories_of_their_own() {
    let articles = ecb_articles();
    let gold = gold_of(&articles);
    let (_, found) = cluster_all(&Clusterer::default(), &articles);
    let main = majority(&found, &gold);
    let topics: BTreeMap<&str, Vec<&String>> = main.keys().fold(BTreeMap::new(), |mut m, e| {
        m.entry(e.trim_end_matches("plus").trim_end_matches("ecb"))
            .or_insert_with(Vec::new)
            .push(e);
        m
    });
    let mut paired = 0;
    let mut together = Vec::new();
    for (topic, events) in &topics {
        if events.len() == 2 {
            paired += 1;
            if main[events[0]] == main[events[1]] {
                together.push(*topic);
            }
        }
    }
    assert_eq!(paired, 9, "topics with both events in the file");
    // Measured when written: only topic 12 (Indian Navy and Somali pirates,
    // December 2008 and another capture) shares a story.
    assert!(
        together.len() <= 1,
        "the two events share a story in {together:?}"
    );
}

/// A near-duplicate joins the story of the article it copies, whatever its
/// words say; shared sentences make a story a candidate even when no key
/// would find it.
#[test]
fn copy_evidence_decides_before_words() {
    let articles = ecb_articles();
    let c = Clusterer::default();
    let (mut index, found) = cluster_all(&c, &articles);
    let quake = articles.iter().position(|a| a.story == "37ecb").unwrap();
    let rehab_story = found["1_1ecb"];
    let f = features(&articles[quake]);
    let evidence = CopyEvidence {
        near_duplicate_of: Some(rehab_story),
        shared_sentences: Vec::new(),
    };
    let placed = c.assign(&mut index, 1000, &f, &evidence).unwrap();
    assert_eq!(placed.story, rehab_story);
    assert_eq!(placed.member.reason, JoinReason::NearDuplicate);
    assert!(placed.member.signals.is_none());

    let arrival = c.arrive(&mut index, 1001, &f).unwrap();
    let by_words = c
        .candidates(&mut index, &arrival, &CopyEvidence::default())
        .unwrap();
    let far = *index
        .stories
        .keys()
        .find(|s| !by_words.iter().any(|x| x.story == **s))
        .expect("a story the article's keys do not reach");
    let shared = CopyEvidence {
        near_duplicate_of: None,
        shared_sentences: vec![(far, 3)],
    };
    let with_sentences = c.candidates(&mut index, &arrival, &shared).unwrap();
    assert!(with_sentences.iter().any(|x| x.story == far));
}

/// An article that clears the bar of two stories told of one event merges
/// them when merges are on: the older id carries on, the younger becomes
/// its alias. The shipped model keeps both (merges are off).
#[test]
fn one_event_told_twice_merges_into_the_older_id_when_merges_are_on() {
    let articles = ecb_articles();
    let lohan: Vec<&EcbArticle> = articles.iter().filter(|a| a.story == "1ecbplus").collect();
    assert!(lohan.len() >= 4);
    let run = |params: StoryParams| {
        let c = Clusterer::new(params);
        let mut index = MemoryIndex::new();
        let fs: Vec<StoryFeatures> = lohan.iter().map(|a| features(a)).collect();
        let first = c
            .assign(&mut index, 1, &fs[0], &CopyEvidence::default())
            .unwrap();
        // The second article is made to start a story of its own.
        let mut arrival = c.arrive(&mut index, 2, &fs[1]).unwrap();
        let second = c
            .place(&mut index, &mut arrival, Vec::new(), Choice::New)
            .unwrap();
        assert!(first.story < second.story);
        let mut last = None;
        for (i, f) in fs.iter().enumerate().skip(2) {
            last = Some(
                c.assign(&mut index, i as i64 + 1, f, &CopyEvidence::default())
                    .unwrap(),
            );
        }
        (index, first.story, second.story, last.unwrap())
    };
    let merging = StoryParams {
        merge_similarity: Some(0.0),
        ..StoryParams::default()
    };
    let (index, older, younger, _) = run(merging);
    assert_eq!(
        index.aliases.get(&younger),
        Some(&older),
        "{:?}",
        index.aliases
    );
    assert!(!index.stories.contains_key(&younger));
    assert_eq!(index.stories[&older].members.len(), lohan.len());

    let (index, older, younger, _) = run(StoryParams::default());
    assert!(index.aliases.is_empty());
    assert!(index.stories.contains_key(&older) && index.stories.contains_key(&younger));
}

/// Ingests the ECB+ JSONL into a new database file.
fn ingested(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("stories.db");
    let mut store = Store::open(&path).unwrap();
    let report = pipeline::ingest(
        &mut store,
        &[corpus_jsonl()],
        &IngestOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(report.records, 106);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    (path, store)
}

/// The gold event of each stored article (a repeat of an article stored
/// once under another ref may not resolve).
fn gold_by_article(store: &Store, articles: &[EcbArticle]) -> HashMap<i64, String> {
    let gold: HashMap<i64, String> = articles
        .iter()
        .filter_map(|a| Some((store.resolve(&a.id).unwrap()?, a.story.clone())))
        .collect();
    assert!(gold.len() >= 105, "{} articles resolve", gold.len());
    gold
}

fn by_name<T: Clone>(m: &HashMap<i64, T>) -> HashMap<String, T> {
    m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// What the online stage stores survives a reopen, and every way of naming
/// a story leads to the story that holds the article.
#[test]
fn stored_stories_persist_and_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let articles = ecb_articles();
    let (path, store) = ingested(dir.path());
    let gold = gold_by_article(&store, &articles);
    let placed = store.story_assignments().unwrap();
    let stored = store.stats().unwrap().articles as usize;
    assert!(stored >= 105, "{stored} articles");
    assert_eq!(placed.members.len(), stored, "every article has a story");
    let (precision, _) = pairwise(&by_name(&placed.members), &by_name(&gold));
    assert!(precision >= 0.80, "pairwise precision {precision:.3}");

    let stories: HashSet<i64> = placed.members.values().copied().collect();
    assert_eq!(store.story_count().unwrap() as usize, stories.len());
    for &id in &stories {
        let story = store.story(id).unwrap().expect("a listed story");
        let members: HashSet<i64> = placed
            .members
            .iter()
            .filter(|(_, s)| **s == id)
            .map(|(a, _)| *a)
            .collect();
        let shown: HashSet<i64> = story.articles.iter().map(|a| a.id).collect();
        assert_eq!(shown, members, "story {id}");
        assert_eq!(story.article_count as usize, members.len());
        let firsts = story
            .articles
            .iter()
            .filter(|a| a.reason == JoinReason::First)
            .count();
        assert_eq!(firsts, 1, "story {id} was started once");
    }
    for a in articles.iter().step_by(7) {
        let article = store.resolve(&a.id).unwrap().unwrap();
        let story = store.story_of(article).unwrap().unwrap();
        assert_eq!(
            store.story_ref(&format!("article:{}", a.id)).unwrap(),
            story
        );
        assert_eq!(
            store.story_ref(&format!("article:{article}")).unwrap(),
            story
        );
        assert_eq!(store.story_ref(&story.to_string()).unwrap(), story);
        assert_eq!(store.resolve_story(story).unwrap(), Some(story));
    }
    assert!(matches!(
        store.story_ref("article:no-such-article"),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        store.story_ref("story 4"),
        Err(Error::BadArgument(_))
    ));
    assert_eq!(store.resolve_story(1 << 40).unwrap(), None);

    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.story_assignments().unwrap(), placed);
}

/// A rebuild with a lower join bar folds stories together: every id the
/// online pass gave out still leads to the story now holding its articles.
#[test]
fn recluster_keeps_every_old_id_resolvable() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = ingested(dir.path());
    let before = store.story_assignments().unwrap();
    let params = StoryParams {
        join_probability: Some(0.05),
        ..store.story_params().unwrap()
    };
    pipeline::stories::recluster(&mut store, Some(params)).unwrap();
    let after = store.story_assignments().unwrap();
    let old: HashSet<i64> = before.members.values().copied().collect();
    let new: HashSet<i64> = after.members.values().copied().collect();
    assert!(
        new.len() < old.len(),
        "{} -> {} stories",
        old.len(),
        new.len()
    );
    assert!(!after.aliases.is_empty(), "fewer stories leave aliases");
    for &id in &old {
        let now = store
            .resolve_story(id)
            .unwrap()
            .unwrap_or_else(|| panic!("story {id} no longer resolves"));
        assert!(new.contains(&now), "{id} resolves to {now}, not a story");
        if !new.contains(&id) {
            assert!(store.story(now).unwrap().unwrap().aliases.contains(&id));
        }
    }
    assert_eq!(store.story_params().unwrap().join_probability, Some(0.05));
}

/// Articles stored before the stories and quotes stages (an older
/// database) get a story and attributions from the catch-up, once.
#[test]
fn catch_up_places_articles_stored_before_the_stage() {
    let dir = tempfile::tempdir().unwrap();
    let articles = ecb_articles();
    let mut store = Store::open(dir.path().join("old.db")).unwrap();
    let (prepared, skipped) = pipeline::read_articles(&[corpus_jsonl()], &IngestOptions::default());
    assert!(skipped.is_empty(), "{skipped:?}");
    store.insert_batch(&prepared).unwrap();
    assert!(store.has_articles_without_story().unwrap());
    assert_eq!(store.story_count().unwrap(), 0);

    pipeline::catch_up(&mut store).unwrap();
    assert!(!store.has_articles_without_story().unwrap());
    let placed = store.story_assignments().unwrap();
    assert_eq!(placed.members.len(), prepared.len());
    let gold = gold_by_article(&store, &articles);
    let (precision, recall) = pairwise(&by_name(&placed.members), &by_name(&gold));
    assert!(
        precision >= 0.80 && recall >= 0.60,
        "{precision:.3} / {recall:.3}"
    );
    let with_quotes = placed
        .members
        .keys()
        .filter(|&&a| {
            store
                .attributions(a)
                .unwrap()
                .is_some_and(|x| !x.quotes.is_empty())
        })
        .count();
    assert!(with_quotes >= 30, "{with_quotes} articles with quotes");

    pipeline::catch_up(&mut store).unwrap();
    assert_eq!(
        store.story_assignments().unwrap(),
        placed,
        "a second catch-up changes nothing"
    );
}
