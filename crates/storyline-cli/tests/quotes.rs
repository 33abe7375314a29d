//! End-to-end tests of the quotes stage: who said what in the seeds, with
//! every direct quote's speaker checked by hand, character spans that
//! point into the stored text, and the names of one person joined.

mod common;

use common::{ingest, repo, run_json, storyline};
use serde_json::Value;

fn seeds_db() -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    ingest(&db, &[&repo().join("corpus/seeds")]);
    let stories = run_json(&db, &["stories"]);
    let stories = stories.as_array().unwrap();
    assert_eq!(stories.len(), 1, "the seeds are one story: {stories:?}");
    let id = stories[0]["id"].as_i64().unwrap();
    (dir, db, id)
}

fn chars(s: &str, start: u64, end: u64) -> String {
    s.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn every_direct_quote_in_the_seeds_has_its_speaker() {
    let (_dir, db, story) = seeds_db();
    let quotes = run_json(&db, &["quotes", &story.to_string()]);
    let quotes = quotes.as_array().unwrap();
    // Every attributed direct quotation of the two seeds, checked by hand
    // (three more stand alone in the text with no speaker at all).
    let expected = [
        ("long past time for Russia", "Nikki Haley"),
        ("faces of lifeless children", "Matthew Rycroft"),
        ("very bad for mankind", "Trump"),
        ("events in 2003", "Vladimir Putin"),
        ("Our policy is consistent", "Lavrov"),
        ("fabricated the whole story", "Bashar al-Assad"),
        ("We reminded them", "Lavrov"),
        ("two foremost nuclear powers", "Rex Tillerson"),
    ];
    for (words, speaker) in expected {
        let q = quotes
            .iter()
            .find(|q| {
                q["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["text"].as_str().unwrap().contains(words))
            })
            .unwrap_or_else(|| panic!("no quote with {words:?}: {quotes:#?}"));
        assert_eq!(q["kind"], "direct", "{q}");
        assert_eq!(q["speaker_resolved"], speaker, "{q}");
    }
    // Trump's quote is one quote with both seeds as its sources, each in
    // its own wording, and flagged as worded differently.
    let trump = quotes
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains("very bad for mankind"))
        .unwrap();
    let sources = trump["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "{trump}");
    assert_ne!(sources[0]["article"], sources[1]["article"]);
    assert_eq!(trump["wording_differs"], true);
    assert_eq!(trump["speakers_differ"], false);
    let cues: Vec<&str> = sources.iter().map(|s| s["cue"].as_str().unwrap()).collect();
    assert!(
        cues.contains(&"told") && cues.contains(&"added in the interview"),
        "{cues:?}"
    );
    assert!(sources.iter().all(|s| s["speaker"] == "Trump"));
}

#[test]
fn quote_spans_point_into_the_stored_text() {
    let (_dir, db, story) = seeds_db();
    let quotes = run_json(&db, &["quotes", &story.to_string()]);
    let mut checked = 0;
    for q in quotes.as_array().unwrap() {
        for s in q["sources"].as_array().unwrap() {
            let article = run_json(&db, &["article", &format!("id:{}", s["article"])]);
            assert_eq!(article["ref"], s["ref"]);
            let text = article["text"].as_str().unwrap();
            let span = &s["span"];
            let covered = chars(
                text,
                span["start"].as_u64().unwrap(),
                span["end"].as_u64().unwrap(),
            );
            // The span holds the quote as written (marks around it).
            let quoted = s["text"].as_str().unwrap();
            let first_words: String = quoted
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(covered.contains(&first_words), "{covered:?} vs {quoted:?}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn one_persons_names_are_joined_and_capitals_stand_for_governments() {
    let (_dir, db, story) = seeds_db();
    let entities = run_json(&db, &["entities", &story.to_string()]);
    let entities = entities.as_array().unwrap();
    let find = |name: &str| -> &Value {
        entities
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no entity {name}: {entities:#?}"))
    };
    let aliases = |e: &Value| -> Vec<String> {
        e["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    let tillerson = find("Rex Tillerson");
    assert_eq!(tillerson["kind"], "person");
    let a = aliases(tillerson);
    for alias in [
        "Tillerson",
        "Secretary Tillerson",
        "the USA secretary of state",
    ] {
        assert!(a.contains(&alias.to_string()), "{alias} not in {a:?}");
    }
    assert_eq!(tillerson["articles"].as_array().unwrap().len(), 2);
    let russia = find("Russia");
    assert_eq!(russia["kind"], "place");
    let a = aliases(russia);
    // "has urged Moscow to stop" is the Russian government...
    assert!(
        a.contains(&"Russian Federation".to_string()) && a.contains(&"Moscow".to_string()),
        "{a:?}"
    );
    // ...and "brought to Moscow" is the city.
    let moscow = find("Moscow");
    assert_eq!(moscow["kind"], "place");
    assert_eq!(find("Bashar al-Assad")["kind"], "person");
    assert!(aliases(find("Vladimir Putin")).contains(&"Putin".to_string()));
    // Mention counts add up per article.
    for e in entities {
        let per: u64 = e["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["mentions"].as_u64().unwrap())
            .sum();
        assert_eq!(per, e["mentions"].as_u64().unwrap(), "{e}");
    }
}

#[test]
fn story_json_carries_quotes_and_entities() {
    let (_dir, db, story) = seeds_db();
    let s = run_json(&db, &["story", &story.to_string()]);
    assert!(!s["quotes"].as_array().unwrap().is_empty());
    assert!(!s["entities"].as_array().unwrap().is_empty());
    for q in s["quotes"].as_array().unwrap() {
        for key in [
            "article",
            "ref",
            "text",
            "cue",
            "speaker",
            "speaker_resolved",
            "span",
            "sources",
        ] {
            assert!(q.get(key).is_some(), "{key} missing in {q}");
        }
    }
    // Bad ids are clear errors.
    let out = storyline(&db).args(["quotes", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a story id"));
    let out = storyline(&db).args(["entities", "999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
