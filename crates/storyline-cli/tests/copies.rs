//! End-to-end tests of the copies stage on real articles of the bundled
//! corpus and on copies of them made the way content farms make them.

mod common;

use std::collections::HashMap;

use common::{repo, run_json, storyline};
use serde_json::{Value, json};

fn corpus_articles() -> HashMap<String, Value> {
    std::fs::read_to_string(repo().join("corpus/jsonl/ecbplus.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n").collect()
}

/// What a synonym spinner does to a report: swap words for dictionary
/// synonyms throughout.
fn spin(text: &str) -> String {
    [
        ("attorney", "lawyer"),
        ("actress", "performer"),
        ("facility", "establishment"),
        ("treatment", "therapy"),
        ("hearing", "listening"),
        ("received", "obtained"),
        ("satisfied", "happy"),
    ]
    .iter()
    .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
}

#[test]
fn copies_spin_and_stitching_are_found_with_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let corpus = corpus_articles();
    let a = &corpus["1_8ecbplus"]; // Lohan leaves Morningside, 2013-05-03
    let b = &corpus["1_2ecbplus"]; // Lohan checks into Morningside, 2013-05-02
    let (pa, pb) = (
        paragraphs(a["text"].as_str().unwrap()),
        paragraphs(b["text"].as_str().unwrap()),
    );
    let stitched = [pb[0], pa[2], pb[1], pa[3], pb[5], pa[4]].join("\n\n");
    let derived = [
        json!({"id": "copy", "url": "https://reprints.example/lohan", "title": "Lohan back at Betty Ford", "date": "2013-05-04", "text": a["text"]}),
        json!({"id": "spun", "url": "https://farm.example/lohan", "title": "Lohan news", "date": "2013-05-05", "text": spin(a["text"].as_str().unwrap())}),
        json!({"id": "stitched", "url": "https://farm.example/lohan-2", "title": "Lohan rehab drama", "date": "2013-05-05", "text": stitched}),
    ];
    let file = dir.path().join("derived.jsonl");
    std::fs::write(
        &file,
        derived.iter().map(|d| format!("{d}\n")).collect::<String>(),
    )
    .unwrap();

    let out = storyline(&db)
        .arg("ingest")
        .arg(repo().join("corpus/jsonl/ecbplus.jsonl"))
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id_of = |r: &str| {
        run_json(&db, &["article", &format!("ref:{r}")])["id"]
            .as_i64()
            .unwrap()
    };
    let (id_a, id_b) = (id_of("1_8ecbplus"), id_of("1_2ecbplus"));

    // The verbatim reprint is an exact copy, and the earlier article is the original.
    let copy = run_json(&db, &["article", "ref:copy"]);
    let near = copy["copies"]["near_duplicates"].as_array().unwrap();
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0]["id"], id_a);
    assert_eq!(near[0]["exact"], true);
    assert_eq!(copy["copies"]["original"], id_a);
    assert_eq!(copy["spin"]["spun"], false);
    assert_eq!(copy["stitch"]["stitched"], false);
    let report = run_json(&db, &["copies"]);
    let groups = report["duplicate_groups"].as_array().unwrap();
    let group = groups
        .iter()
        .find(|g| g["original"] == id_a)
        .expect("a group for 1_8ecbplus");
    assert!(
        group["articles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["ref"] == "copy")
    );

    // The spun copy: reworded sentences with their substitutions against the source.
    let spun = run_json(&db, &["article", "ref:spun"]);
    assert_eq!(spun["spin"]["spun"], true, "{}", spun["spin"]);
    let subs = spun["spin"]["substitutions"].as_array().unwrap();
    assert!(
        subs.iter()
            .any(|s| s["from"] == "attorney" && s["to"] == "lawyer"),
        "{subs:?}"
    );
    let reused = spun["reused_sentences"].as_array().unwrap();
    let reworded = reused
        .iter()
        .flat_map(|r| r["matches"].as_array().unwrap())
        .find(|m| m["kind"] == "reworded" && m["earlier"] == true)
        .expect("a reworded sentence");
    assert!(
        reworded["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["op"] == "replace")
    );
    assert_eq!(spun["stitch"]["stitched"], false, "{}", spun["stitch"]);

    // The stitched article: its sentences come from both reports.
    let st = run_json(&db, &["article", "ref:stitched"]);
    assert_eq!(st["stitch"]["stitched"], true, "{}", st["stitch"]);
    let sources: Vec<i64> = st["stitch"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["article"].as_i64().unwrap())
        .collect();
    assert!(sources.contains(&id_b), "{sources:?}");
    assert!(
        sources.contains(&id_a) || sources.iter().any(|s| *s == id_of("copy")),
        "{sources:?}"
    );
    assert_eq!(st["spin"]["spun"], false, "{}", st["spin"]);

    // The reports themselves are neither.
    for id in [id_a, id_b] {
        let art = run_json(&db, &["article", &id.to_string()]);
        assert_eq!(art["spin"]["spun"], false, "{}", art["spin"]);
        assert_eq!(art["stitch"]["stitched"], false, "{}", art["stitch"]);
    }

    // Deleting the reprint takes its pairs with it.
    let del = run_json(&db, &["delete", "ref:copy"]);
    assert_eq!(del["deleted"], 1);
    let after = run_json(&db, &["article", "ref:1_8ecbplus"]);
    assert!(
        after["copies"]["near_duplicates"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_seeds_are_spun_with_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    storyline(&db)
        .arg("ingest")
        .arg(repo().join("corpus/seeds"))
        .output()
        .unwrap();
    let a = run_json(&db, &["article", "1"]);
    assert_eq!(a["spin"]["spun"], true);
    let signals: Vec<String> = a["spin"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect();
    for expected in ["an global", "worldwide law", "Russian Federation / Russia"] {
        assert!(
            signals.iter().any(|s| s == expected),
            "{expected} not in {signals:?}"
        );
    }
    assert_eq!(a["stitch"]["stitched"], true, "{}", a["stitch"]);
    assert!(
        a["stitch"]["signals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "fragment"
                && s["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("-Russian relations")),
        "{}",
        a["stitch"]
    );
    let b = run_json(&db, &["article", "2"]);
    assert_eq!(b["spin"]["spun"], true);
    // Trump's quote, trimmed in one seed and merged into a longer one in
    // the other, is found as the same words.
    let trump = b["reused_sentences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["text"].as_str().unwrap().contains("very bad for mankind"))
        .expect("the mankind quote is matched across the seeds");
    let m = &trump["matches"][0];
    assert_eq!(m["article"], 1);
    assert_eq!(
        m["text"],
        "\"I think it's very bad for mankind\", Trump told Fox Business News."
    );
    let explain = storyline(&db)
        .args(["copies", "--explain", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(
        text.contains("Spin: spun") && text.contains("Stitch: stitched"),
        "{text}"
    );
}

#[test]
fn deleting_the_first_copy_hands_its_place_to_the_next_reprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let corpus = corpus_articles();
    let text = corpus["1_8ecbplus"]["text"].clone();
    let reprints: String = ["first", "second", "third"]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "{}\n",
                json!({"id": r, "url": format!("https://reprint{i}.example/lohan"), "date": format!("2013-05-0{}", i + 3), "text": text})
            )
        })
        .collect();
    let file = dir.path().join("reprints.jsonl");
    std::fs::write(&file, reprints).unwrap();
    storyline(&db).arg("ingest").arg(&file).output().unwrap();
    let third = run_json(&db, &["article", "ref:third"]);
    assert_eq!(
        third["copies"]["original"],
        run_json(&db, &["article", "ref:first"])["id"]
    );

    assert_eq!(run_json(&db, &["delete", "ref:first"])["deleted"], 1);
    let second = run_json(&db, &["article", "ref:second"]);
    let third = run_json(&db, &["article", "ref:third"]);
    let near = third["copies"]["near_duplicates"].as_array().unwrap();
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0]["id"], second["id"]);
    assert_eq!(near[0]["exact"], true);
    assert_eq!(third["copies"]["original"], second["id"]);
    // The survivor is indexed: a new reprint finds it.
    let later = dir.path().join("later.jsonl");
    std::fs::write(
        &later,
        format!("{}\n", json!({"id": "fourth", "url": "https://reprint9.example/lohan", "date": "2013-05-09", "text": text})),
    )
    .unwrap();
    storyline(&db).arg("ingest").arg(&later).output().unwrap();
    let fourth = run_json(&db, &["article", "ref:fourth"]);
    assert_eq!(fourth["copies"]["original"], second["id"]);
}
