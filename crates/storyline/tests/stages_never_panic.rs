//! Property test: no text makes a stage panic. Multilingual and adversarial
//! text (CJK, RTL scripts, combining marks, emoji sequences, mixed scripts,
//! accented letters beside dashes, quotes and periods, text without spaces,
//! one-character and very long sentences) goes through every stage: the
//! text stage, the copies stage (fingerprints, signals, verdicts, diffs, the
//! paraphrase model, alignment), the stories stage's features, the summary,
//! the quotes stage (one article and a story), and a whole ingest into a
//! store.

use proptest::prelude::*;
use storyline::copies::{self, SentenceMatch};
use storyline::ingest::{IngestOptions, Input};
use storyline::pipeline;
use storyline::quotes::{self, StoryInput};
use storyline::store::Store;
use storyline::stories::StoryFeatures;
use storyline::summary::{self, SummaryInput};
use storyline::text::{self, AnalyzedText};

/// Pieces of real and hostile text in many scripts.
const PIECES: &[&str] = &[
    "el fortín de Gadafi -que fue bombardeado esta madrugada por la OTAN, según los rebeldes-,",
    "«Nous ne céderons pas», a déclaré le président.",
    "„Wir schaffen das“, sagte Merkel am 3. Oktober in Berlin.",
    "‚Ja‘, sagte er.",
    "«Non è vero», ha detto il ministro. ‹Forse›, disse.",
    "O presidente disse que «não haverá acordo».",
    "Президент России Владимир Путин заявил, что «переговоры продолжатся».",
    "Ο πρωθυπουργός Αλέξης Τσίπρας δήλωσε ότι «δεν υπάρχει συμφωνία».",
    "习近平表示，「我们将继续合作」。中国外交部发言人说：『没有问题』！",
    "北京时间周三晚，游客在天安门广场游览。",
    "東京都の小池百合子知事は「感染拡大を防ぐ」と述べた。",
    "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะช่วยเหลือประชาชน",
    "قال الرئيس إن \"المفاوضات مستمرة\" في القاهرة؟",
    "אמר ראש הממשלה כי \"השיחות נמשכות\".",
    "प्रधानमंत्री ने कहा कि सरकार मदद करेगी।",
    "대통령은 \"협상이 계속된다\"고 말했다.",
    "e\u{301}\u{301}\u{301}a\u{308}\u{20DD} Zalgo t\u{336}e\u{336}x\u{336}t\u{336}",
    "👩\u{200D}👩\u{200D}👧\u{200D}👦 🇺🇦 👍🏽 emoji\u{FE0F} 🎉🎉🎉",
    "Mr. Ça-va-ß-İ-ǅ. U.S.to the É.U.A.Then",
    "\"\"\"'''«««»»»„„“““”””「「」」",
    "-é -ü -ñ -中 -😀 —ñ –ß",
    "a",
    ".",
    "Ñ",
    "中",
    "...!?。！？…",
    "sinespaciosentrepalabrasniningunsignodepuntuacion",
    "According to Señor Ñúñez, «ya basta», dijo.",
    "İstanbul'da Cumhurbaşkanı Erdoğan konuştu.",
    "Đây là tin tức. Tiếng Việt có dấu.",
    "\u{202E}reversed\u{202C} \u{200F}rtl\u{200E}",
    "\u{0}\u{1}\u{7}\u{1B}[31m",
    "\u{FFFD}\u{FFFF}\u{10FFFF}",
    "ﬁﬂ ｆｕｌｌｗｉｄｔｈ ２０２４年",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_string),
        // A piece cut anywhere between two characters.
        2 => (proptest::sample::select(PIECES), any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(p, a, b)| {
                let chars: Vec<char> = p.chars().collect();
                let (x, y) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
                chars[x.min(y)..x.max(y)].iter().collect()
            }),
        1 => "\\PC{1,12}",
        1 => "[ \\-.,;:!?'\"«»„“”‚‘’「」『』‹›()—–]{1,4}",
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(&["", " ", " ", " ", "\n", "\n\n", ". ", "-", " -"][..])
}

fn adversarial_text() -> impl Strategy<Value = String> {
    proptest::collection::vec((piece(), separator()), 0..40).prop_map(|parts| {
        let mut s = String::new();
        for (p, sep) in parts {
            s.push_str(&p);
            s.push_str(sep);
        }
        s
    })
}

/// Every stage that works on one article at a time.
fn one_article(raw: &str, title: Option<&str>) -> AnalyzedText {
    let a = text::analyze(raw);
    for s in &a.sentences {
        assert!(a.text.is_char_boundary(s.start) && a.text.is_char_boundary(s.end));
        assert!(s.start < s.end && s.end <= a.text.len());
    }
    let fp = copies::fingerprint(&a);
    assert_eq!(fp.sentence_bands.len(), a.sentences.len());
    let _ = copies::signals::spin_signals(&a);
    let _ = copies::signals::stitch_signals(&a);
    let _ = copies::signals::coherence_signals(&a);
    let _ = copies::usage::rare_variants(&a, &copies::Usage::shipped());
    let _ = copies::assess_spin(&a, &[], &copies::Usage::shipped());
    let _ = copies::assess_stitch(&a, &[], |id| id);
    let _ = StoryFeatures::extract(title, false, &a, Some("2011-02-03"));
    let found = quotes::extract(&a.text);
    let chars = a.text.chars().count();
    for q in &found.quotes {
        assert!(q.span.start <= q.span.end && q.span.end <= chars);
    }
    for s in &a.sentences {
        let sentence = &a.text[s.start..s.end];
        let _ = summary::clean::unfit(sentence);
        let _ = summary::clean::strip_dateline(sentence);
    }
    a
}

/// The stages that compare articles: diffs, the paraphrase model,
/// alignment, verdicts against a source, a summary and a story's quotes.
fn two_articles(a: &AnalyzedText, b: &AnalyzedText) {
    let sa: Vec<&str> = a
        .sentences
        .iter()
        .map(|s| &a.text[s.start..s.end])
        .collect();
    let sb: Vec<&str> = b
        .sentences
        .iter()
        .map(|s| &b.text[s.start..s.end])
        .collect();
    let mut from_sources = Vec::new();
    for (i, x) in sa.iter().enumerate().take(6) {
        for (k, y) in sb.iter().enumerate().take(6) {
            let edits = copies::word_diff(y, x);
            let _ = copies::diff::substitutions(&edits, 3);
            let score = copies::paraphrase::paraphrase_score(x, y);
            assert!((0.0..=1.0).contains(&score));
            let _ = copies::quote_containment(x, y);
            from_sources.push((
                SentenceMatch {
                    sentence: i,
                    other_article: 1,
                    other_sentence: k,
                    score,
                    verbatim: false,
                },
                edits,
            ));
        }
    }
    let _ = copies::assess_spin(a, &from_sources, &copies::Usage::shipped());
    let matches: Vec<SentenceMatch> = from_sources.into_iter().map(|(m, _)| m).collect();
    let _ = copies::assess_stitch(a, &matches, |id| id);
    let _ = copies::align_sentences(&[a, b]);
    let inputs = [
        SummaryInput {
            id: 1,
            ref_id: None,
            source: Some("x"),
            date: Some("2011-02-03"),
            text: a,
        },
        SummaryInput {
            id: 2,
            ref_id: None,
            source: None,
            date: None,
            text: b,
        },
    ];
    for s in summary::summarize(&inputs, 60) {
        assert!(!s.citations.is_empty());
    }
    let (qa, qb) = (quotes::extract(&a.text), quotes::extract(&b.text));
    let _ = quotes::join_story(&[
        StoryInput {
            id: 1,
            ref_id: None,
            source: None,
            attributions: &qa,
        },
        StoryInput {
            id: 2,
            ref_id: Some("b"),
            source: Some("y"),
            attributions: &qb,
        },
    ]);
}

/// A whole ingest: every record is stored or reported, never a panic.
fn ingest(texts: &[String]) {
    let mut store = Store::open_in_memory().unwrap();
    let mut body = String::new();
    for (i, t) in texts.iter().enumerate() {
        let rec = serde_json::json!({"id": format!("r{i}"), "title": t.chars().take(30).collect::<String>(), "text": t, "date": "2011-02-03"});
        body.push_str(&rec.to_string());
        body.push('\n');
    }
    let input = Input::Memory {
        name: "props".into(),
        bytes: body.into_bytes().into(),
    };
    let report = pipeline::ingest_inputs(
        &mut store,
        &[input],
        Vec::new(),
        &IngestOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(
        report.added + report.unchanged + report.updated + report.errors.len() as u64,
        texts.len() as u64,
        "{report:?}"
    );
    for e in &report.errors {
        assert!(!e.message.contains("panic"), "{e:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, .. ProptestConfig::default() })]

    #[test]
    fn every_stage_on_adversarial_text(a in adversarial_text(), b in adversarial_text()) {
        let x = one_article(&a, Some(&b));
        let y = one_article(&format!("{b}\n\n{a}"), None);
        two_articles(&x, &y);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn ingest_of_adversarial_records(texts in proptest::collection::vec(adversarial_text(), 1..8)) {
        // Copies of each other too, so the copies and stories stages compare them.
        let mut all = texts.clone();
        all.extend(texts.iter().map(|t| format!("{t} {t}")));
        ingest(&all);
    }
}

#[test]
fn every_piece_alone_and_in_every_pair() {
    for a in PIECES {
        let x = one_article(a, Some(a));
        for b in PIECES {
            let y = one_article(&format!("{a}{b}"), None);
            two_articles(&x, &y);
        }
    }
    ingest(&PIECES.iter().map(|p| p.to_string()).collect::<Vec<_>>());
}

#[test]
fn very_long_sentences_and_text_without_spaces() {
    // About a megabyte each: one sentence of words, one word of letters,
    // and ideographs without a break.
    let words = "palabra ".repeat(128 * 1024);
    let letters = "ñ".repeat(512 * 1024);
    let han = "北京游客".repeat(90 * 1024);
    for t in [&words, &letters, &han] {
        let a = one_article(t, None);
        assert!(!a.sentences.is_empty());
    }
    ingest(&[words, letters, han]);
}
