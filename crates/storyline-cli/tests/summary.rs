//! End-to-end tests of the summary stage: `summarize` on the seeds, and
//! the stored summaries of the bundled corpus's stories.

mod common;

use common::{json, repo, run_json, storyline};
use storyline::copies::paraphrase::{PARAPHRASE_THRESHOLD, paraphrase_score};
use storyline::summary::clean::unfit;

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

#[test]
fn seeds_summary_cites_both_reports_of_the_shared_quote() {
    let out = storyline(&repo().join("unused.db"))
        .args(["summarize", "--json", "--words", "150"])
        .arg(repo().join("corpus/seeds"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !repo().join("unused.db").exists(),
        "summarize stores nothing"
    );
    let r = json(&out);
    assert_eq!(r["articles"].as_array().unwrap().len(), 2);
    let summary = r["summary"].as_array().unwrap();
    let total: usize = summary
        .iter()
        .map(|s| words(s["text"].as_str().unwrap()))
        .sum();
    assert!((150..220).contains(&total), "{total} words");
    // The one sentence both seeds carry (a quote trimmed in one of them)
    // is in the summary, citing both, each in its own words.
    let quote = summary
        .iter()
        .find(|s| s["text"].as_str().unwrap().contains("very bad for mankind"))
        .expect("the shared Trump quote is summarised");
    let cites = quote["citations"].as_array().unwrap();
    assert_eq!(cites.len(), 2, "{quote}");
    assert_ne!(cites[0]["article"], cites[1]["article"]);
    assert!(
        cites
            .iter()
            .all(|c| c["text"].as_str().unwrap().contains("very bad for mankind"))
    );
    for s in summary {
        let text = s["text"].as_str().unwrap();
        assert_eq!(unfit(text), None, "{text}");
        assert!(!text.starts_with('-'));
    }
}

#[test]
fn stored_stories_carry_summaries_whose_citations_check_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = storyline(&db)
        .arg("ingest")
        .arg(repo().join("corpus"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stories = run_json(&db, &["stories", "--min-articles", "5"]);
    assert!(stories.as_array().unwrap().len() >= 10);
    let (mut citations, mut checked) = (0, 0);
    for st in stories.as_array().unwrap() {
        let story = run_json(&db, &["story", &st["id"].to_string()]);
        let members: Vec<i64> = story["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let summary = story["summary"].as_array().unwrap();
        assert!(!summary.is_empty(), "story {} has no summary", st["id"]);
        let total: usize = summary
            .iter()
            .map(|s| words(s["text"].as_str().unwrap()))
            .sum();
        assert!(total >= 40, "story {}: {total} words", st["id"]);
        for s in summary {
            let text = s["text"].as_str().unwrap();
            assert_eq!(unfit(text), None, "{text}");
            for c in s["citations"].as_array().unwrap() {
                citations += 1;
                let article = c["article"].as_i64().unwrap();
                assert!(members.contains(&article), "a citation outside the story");
                // The cited variant is the article's own sentence...
                let a = run_json(&db, &["article", &format!("id:{article}")]);
                let idx = c["sentence"].as_u64().unwrap() as usize;
                assert_eq!(a["sentences"][idx]["text"], c["text"]);
                // ...and carries the summary sentence's content.
                let variant = c["text"].as_str().unwrap();
                if variant != text && !variant.ends_with(text) {
                    checked += 1;
                    let score = paraphrase_score(text, variant);
                    let quote_shared = storyline::copies::quote_containment(text, variant) >= 0.6;
                    assert!(
                        score >= PARAPHRASE_THRESHOLD * 0.5 || quote_shared,
                        "{text:?} cites {variant:?} ({score:.2})"
                    );
                }
            }
        }
    }
    assert!(
        checked >= 5 && citations > checked,
        "{checked} of {citations} citations were variants"
    );

    // Adding articles to a story makes its summary again.
    let big = &stories[0];
    let before = run_json(&db, &["story", &big["id"].to_string()]);
    let story_article = before["articles"][0]["id"].as_i64().unwrap();
    let out = storyline(&db)
        .args(["delete", &format!("id:{story_article}")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let after = run_json(&db, &["story", &big["id"].to_string()]);
    for s in after["summary"].as_array().unwrap() {
        for c in s["citations"].as_array().unwrap() {
            assert_ne!(
                c["article"].as_i64().unwrap(),
                story_article,
                "a deleted article is cited"
            );
        }
    }
}
