//! End-to-end tests of the threads stage on the bundled corpus: ECB+
//! topics whose two sister events (`Xecb`, `Xecbplus`: two rehab stays of
//! two actresses, two earthquakes) are events of one kind, not one subject.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::{ingest, repo, run_json, storyline};
use serde_json::Value;

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn threads_keep_sister_events_apart_and_cite_their_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ingest(&db, &[&repo().join("corpus")]);

    // The listing: the contract's keys, dated threads before undated ones.
    let list = run_json(&db, &["threads"]);
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    for t in list {
        for k in [
            "id",
            "title",
            "stories",
            "articles",
            "sources",
            "first_seen",
            "last_seen",
        ] {
            assert!(t.get(k).is_some(), "threads --json has {k}: {t}");
        }
    }
    let limited = run_json(&db, &["threads", "--limit", "2", "--min-stories", "2"]);
    assert!(limited.as_array().unwrap().len() <= 2);
    assert!(
        limited
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["stories"].as_u64().unwrap() >= 2)
    );

    // Gold topic of every article with an ECB+ ref.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("corpus/manifest.json")).unwrap(),
    )
    .unwrap();
    let gold: HashMap<String, String> = manifest["ecbplus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["story"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    let mut glued = Vec::new();
    let mut checked_timeline = false;
    for id in ids(&Value::Array(list.clone())) {
        let t = run_json(&db, &["thread", &id.to_string()]);
        for k in ["id", "title", "aliases", "stories", "articles", "timeline"] {
            assert!(t.get(k).is_some(), "thread --json has {k}");
        }
        // Sister events: gold events of one topic, each with two or more
        // articles in this thread.
        let mut events: BTreeMap<String, usize> = BTreeMap::new();
        for a in t["articles"].as_array().unwrap() {
            if let Some(g) = a["ref"].as_str().and_then(|r| gold.get(r)) {
                *events.entry(g.clone()).or_default() += 1;
            }
        }
        let topics: BTreeSet<String> = events
            .iter()
            .filter(|(_, n)| **n >= 2)
            .map(|(e, _)| {
                e.trim_end_matches("plus")
                    .trim_end_matches("ecb")
                    .to_string()
            })
            .collect();
        let big: Vec<&String> = events
            .iter()
            .filter(|(_, n)| **n >= 2)
            .map(|e| e.0)
            .collect();
        if big.len() > topics.len() {
            glued.push(big.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        }

        let members: BTreeSet<i64> = t["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let stories: BTreeSet<i64> = ids(&t["stories"]).into_iter().collect();
        for s in t["stories"].as_array().unwrap() {
            for k in [
                "id",
                "title",
                "articles",
                "first_seen",
                "last_seen",
                "evidence",
            ] {
                assert!(s.get(k).is_some(), "a thread's story has {k}");
            }
        }
        // The timeline: every entry cites articles of the thread, each
        // with the sentence it carries; dated entries first, in order.
        let entries = t["timeline"].as_array().unwrap();
        let mut seen_undated = false;
        let mut last = String::new();
        for e in entries {
            assert!(stories.contains(&e["story"].as_i64().unwrap()));
            let dated = e["dated"].as_bool().unwrap();
            let date = e["date"].as_str().unwrap().to_string();
            if dated {
                assert!(!seen_undated, "dated entries come first");
                assert!(date >= last, "in date order");
                last = date;
            } else {
                seen_undated = true;
            }
            let cites = e["citations"].as_array().unwrap();
            assert!(!cites.is_empty(), "an entry cites its source");
            if !checked_timeline && cites.len() >= 2 {
                for c in cites {
                    let article = c["article"].as_i64().unwrap();
                    assert!(members.contains(&article));
                    let a = run_json(&db, &["article", &format!("id:{article}")]);
                    let n = c["sentence"].as_u64().unwrap() as usize;
                    let sentence = &a["sentences"][n];
                    let text = a["text"].as_str().unwrap();
                    let (start, end) = (
                        sentence["start"].as_u64().unwrap() as usize,
                        sentence["end"].as_u64().unwrap() as usize,
                    );
                    // Offsets count characters.
                    let shown: String = text.chars().skip(start).take(end - start).collect();
                    assert_eq!(shown, c["text"].as_str().unwrap());
                    assert_eq!(
                        a["thread"].as_i64(),
                        Some(id),
                        "article --json names its thread"
                    );
                }
                checked_timeline = true;
            }
        }

        // Every reference form names this thread.
        let story = *stories.iter().next().unwrap();
        let by_story = run_json(&db, &["thread", &format!("story:{story}")]);
        assert_eq!(by_story["id"].as_i64(), Some(id));
        assert_eq!(
            run_json(&db, &["story", &story.to_string()])["thread"].as_i64(),
            Some(id)
        );
    }
    assert!(checked_timeline, "some entry is carried by two articles");
    // The corpus has ten topics with both sister events. Threads are tuned
    // to bridge running subjects, and some sister pairs (the same
    // company's two takeovers, two Indonesian earthquakes) share their
    // names and fall within a year: at the shipped tuning four are glued
    // (see the README's figures); most must stay apart.
    assert!(
        glued.len() <= 4,
        "sister events (one kind, two subjects) glued into one thread: {glued:?}"
    );

    // A rebuild keeps every thread id that still names its articles, and
    // no id stops resolving.
    let before = ids(&run_json(&db, &["threads"]));
    let out = storyline(&db)
        .args(["recluster", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    for id in before {
        let out = storyline(&db)
            .args(["thread", &id.to_string(), "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "thread {id} still resolves after recluster"
        );
    }
    let out = storyline(&db).args(["thread", "story:x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn undated_stories_do_not_sort_as_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db");
    ingest(&db, &[&repo().join("corpus")]);
    let store = storyline::store::Store::open(&db).unwrap();
    let list = store.stories(usize::MAX >> 1, 0, 1).unwrap();
    let undated: Vec<bool> = list
        .iter()
        .map(|s| {
            store
                .story(s.id)
                .unwrap()
                .unwrap()
                .articles
                .iter()
                .all(|a| a.date.is_none())
        })
        .collect();
    assert!(undated.iter().any(|u| *u), "the corpus has undated stories");
    assert!(undated.iter().any(|u| !*u));
    let first_undated = undated.iter().position(|u| *u).unwrap();
    assert!(
        undated[first_undated..].iter().all(|u| *u),
        "every dated story comes before the undated ones"
    );
}
