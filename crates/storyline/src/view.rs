//! What Storyline knows about one story or one article, gathered from the
//! store in one read: the JSON that `storyline story --json`, `article
//! --json` and `copies --json` print and that the server returns, built in
//! one place so both always say the same.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::article::Article;
use crate::copies::{Edit, ReuseKind, SpinVerdict, StitchVerdict, Verdict, word_diff};
use crate::error::Result;
use crate::quotes::{OrUnsupported, StoryEntity, StoryQuote, Support};
use crate::store::Reader;
pub use crate::store::copies::ArticleVerdicts;
use crate::store::copies::{ArticleBrief, StoredTexts, earlier, earliness};
use crate::store::threads::StoredMembership;
use crate::stories::features::{day_number, key_words};
use crate::stories::{Idf, Story, StoryArticle, StoryProfile};
use crate::summary::{SummaryInput, SummarySentence};
use crate::threads::timeline::{self, Day, TimelineEntry};
use crate::threads::{Evidence, SharedSentence, Thread, ThreadArticle, ThreadStory};

/// Jaccard similarity at which two articles count as copies in these views.
pub const COPY_THRESHOLD: f64 = 0.8;

/// A story with everything derived from it.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    /// The story and its articles, oldest first.
    #[serde(flatten)]
    pub story: Story,
    /// The cited summary (empty until the story has one).
    pub summary: Vec<SummarySentence>,
    /// Quotes, the most carried first ("unsupported language" when the
    /// stage has no quote rules for the story's language).
    pub quotes: OrUnsupported<StoryQuote>,
    /// People, organisations and places, the most mentioned first
    /// ("unsupported language" when it has no rules for names either).
    pub entities: OrUnsupported<StoryEntity>,
    /// Copies among the story's articles.
    pub copies: StoryCopies,
    /// The thread (running subject) the story is in.
    pub thread: Option<i64>,
}

/// An article with what the copies stage found about it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// The article, its text and sentences.
    #[serde(flatten)]
    pub article: Article,
    /// Its copies, reused sentences and spin and stitch verdicts.
    #[serde(flatten)]
    pub copies: ArticleCopies,
    /// The story it is in.
    pub story: Option<i64>,
    /// The thread its story is in.
    pub thread: Option<i64>,
}

/// Story `id` (an alias resolves to the story it was merged into), or
/// `None` when there is no such story.
pub fn story(store: &Reader, id: i64) -> Result<Option<StoryView>> {
    store.snapshot(|store| {
        let Some(story) = store.story(id)? else {
            return Ok(None);
        };
        let summary = store.summary(story.id)?.unwrap_or_default();
        let attributions = crate::pipeline::quotes::for_story(store, story.id)?.unwrap_or_default();
        let copies = story_copies(store, &story.articles, COPY_THRESHOLD)?;
        let thread = store.thread_of_story(story.id)?;
        Ok(Some(StoryView {
            story,
            summary,
            quotes: OrUnsupported {
                items: attributions.quotes,
                unsupported: attributions.support != Support::Full,
            },
            entities: OrUnsupported {
                items: attributions.entities,
                unsupported: attributions.support == Support::None,
            },
            copies,
            thread,
        }))
    })
}

/// Article `id` (a store id; see [`Reader::resolve`] for references), or
/// `None` when there is no such article.
pub fn article(store: &Reader, id: i64) -> Result<Option<ArticleView>> {
    store.snapshot(|store| {
        let Some(article) = store.article(id)? else {
            return Ok(None);
        };
        let story = store.story_of(id)?;
        let thread = match story {
            Some(s) => store.thread_of_story(s)?,
            None => None,
        };
        Ok(Some(ArticleView {
            copies: article_copies(store, id, COPY_THRESHOLD)?,
            story,
            thread,
            article,
        }))
    })
}

/// Articles of a story read for the words behind its evidence.
const EVIDENCE_ARTICLES: usize = 3;
/// Articles of a story searched for sentences shared with the thread.
const SHARED_SENTENCE_ARTICLES: usize = 10;
/// Names, terms and sentences shown as evidence, each.
const EVIDENCE_SHOWN: usize = 8;
/// Articles of one day of one story a timeline entry is chosen from.
const TIMELINE_DAY_ARTICLES: usize = 8;

/// Thread `id` (an alias resolves to the thread it was merged into), with
/// its stories and why each is there, its articles and its timeline; or
/// `None` when there is no such thread.
pub fn thread(store: &Reader, id: i64) -> Result<Option<Thread>> {
    store.snapshot(|store| {
        let Some(id) = store.resolve_thread(id)? else {
            return Ok(None);
        };
        let Some(line) = store.thread_summary(id)? else {
            return Ok(None);
        };
        let profile = store.thread_profile(id)?.unwrap_or_default();
        let members = store.thread_members(id)?;
        let articles = store.thread_articles(id)?;
        let story_of: HashMap<i64, i64> = articles.iter().map(|a| (a.id, a.story)).collect();
        let idf = store.idf_of(&profile.all_keys().collect::<Vec<_>>())?;
        let mut stories = Vec::with_capacity(members.len());
        let mut timeline = Vec::new();
        for m in &members {
            let Some(s) = store.story_line(m.story)? else {
                continue;
            };
            let mine: Vec<&ThreadArticle> =
                articles.iter().filter(|a| a.story == m.story).collect();
            let mut evidence = shared_words(store, &profile, m, &mine, &idf)?;
            evidence.score = m.how.score;
            evidence.words = m.how.words;
            evidence.names = m.how.names;
            evidence.shared_sentences = shared_sentences(store, m.story, &mine, &story_of)?;
            stories.push(ThreadStory {
                id: s.id,
                title: s.title,
                articles: s.articles,
                first_seen: s.first_seen,
                last_seen: s.last_seen,
                evidence,
            });
            timeline.extend(story_timeline(store, m.story, &mine)?);
        }
        timeline::order(&mut timeline);
        Ok(Some(Thread {
            id,
            title: line.title,
            aliases: store.thread_aliases(id)?,
            stories,
            articles,
            timeline,
        }))
    })
}

/// The names and terms a story shares with the rest of its thread: the
/// keys of its contribution that the thread's other stories also carry,
/// the heaviest on both sides first, spelled out from its articles.
fn shared_words(
    store: &Reader,
    thread: &StoryProfile,
    m: &StoredMembership,
    articles: &[&ThreadArticle],
    idf: &Idf,
) -> Result<Evidence> {
    let Some(mine) = &m.contribution else {
        return Ok(Evidence::default());
    };
    let mut rest = thread.clone();
    rest.remove(mine, idf);
    let shared = |a: &[(u64, f32)], b: &[(u64, f32)]| -> Vec<u64> {
        let mut both: Vec<(u64, f32)> = a
            .iter()
            .filter_map(|&(k, w)| {
                let j = b.binary_search_by_key(&k, |e| e.0).ok()?;
                Some((k, w * b[j].1 * idf.of(k).powi(2)))
            })
            .collect();
        both.sort_by(|x, y| y.1.total_cmp(&x.1));
        both.into_iter().map(|e| e.0).collect()
    };
    let names = shared(&mine.entities, &rest.entities);
    let terms = shared(&mine.terms, &rest.terms);
    if names.is_empty() && terms.is_empty() {
        return Ok(Evidence::default());
    }
    let mut words: HashMap<u64, String> = HashMap::new();
    for a in articles.iter().take(EVIDENCE_ARTICLES) {
        if let Some(text) = store.stored_text(a.id)? {
            for (k, w) in key_words(a.title.as_deref(), &text.analyzed()) {
                words.entry(k).or_insert(w);
            }
        }
    }
    let spell = |keys: Vec<u64>| -> Vec<String> {
        keys.iter()
            .filter_map(|k| words.get(k).cloned())
            .take(EVIDENCE_SHOWN)
            .collect()
    };
    Ok(Evidence {
        shared_names: spell(names),
        shared_terms: spell(terms),
        ..Evidence::default()
    })
}

/// Sentences of a story's articles that articles of the thread's other
/// stories carry too (from the copies stage).
fn shared_sentences(
    store: &Reader,
    story: i64,
    articles: &[&ThreadArticle],
    story_of: &HashMap<i64, i64>,
) -> Result<Vec<SharedSentence>> {
    let mut out = Vec::new();
    for a in articles.iter().take(SHARED_SENTENCE_ARTICLES) {
        let links = store.copy_links(a.id, COPY_THRESHOLD)?;
        let mut text = None;
        for (sentence, other) in links.shared_sentences {
            let Some(&other_story) = story_of.get(&other) else {
                continue;
            };
            if other_story == story
                || out
                    .iter()
                    .any(|s: &SharedSentence| s.article == a.id && s.sentence == sentence as usize)
            {
                continue;
            }
            if text.is_none() {
                text = store.stored_text(a.id)?.map(|t| t.analyzed());
            }
            let Some(t) = &text else { continue };
            let Some(span) = t.sentences.get(sentence as usize) else {
                continue;
            };
            out.push(SharedSentence {
                article: a.id,
                sentence: sentence as usize,
                text: t.text[span.start..span.end].to_string(),
                other_article: other,
                other_story,
            });
            if out.len() >= EVIDENCE_SHOWN {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// A story's timeline entries: one per day with news (a day known only
/// from when its articles were stored is marked so).
fn story_timeline(
    store: &Reader,
    story: i64,
    articles: &[&ThreadArticle],
) -> Result<Vec<TimelineEntry>> {
    let mut days: BTreeMap<(bool, String), Vec<&ThreadArticle>> = BTreeMap::new();
    for a in articles {
        let (dated, day) = match a.date.as_deref().filter(|d| day_number(d).is_some()) {
            Some(d) => (true, d[..10].to_string()),
            None => (false, a.ingested_at.chars().take(10).collect()),
        };
        days.entry((dated, day)).or_default().push(a);
    }
    let mut out = Vec::with_capacity(days.len());
    for ((dated, date), list) in days {
        let mut texts = Vec::new();
        for a in list.iter().take(TIMELINE_DAY_ARTICLES) {
            if let Some(t) = store.stored_text(a.id)? {
                texts.push((*a, t.analyzed()));
            }
        }
        let inputs: Vec<SummaryInput<'_>> = texts
            .iter()
            .map(|(a, t)| SummaryInput {
                id: a.id,
                ref_id: a.ref_id.as_deref(),
                source: a.source.as_deref(),
                date: a.date.as_deref(),
                text: t,
            })
            .collect();
        let day = Day {
            story,
            date,
            dated,
            articles: inputs,
        };
        if let Some(mut e) = timeline::entry(&day) {
            e.articles = list.len() as u64;
            out.push(e);
        }
    }
    Ok(out)
}

/// A group of copies of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateGroup {
    /// The earliest copy (by date, then arrival).
    pub original: i64,
    /// Every copy, the original first.
    pub articles: Vec<GroupMember>,
}

/// One copy of an article, in a [`DuplicateGroup`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMember {
    /// Article id.
    pub id: i64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Jaccard similarity of the word 5-gram shingles with the original
    /// (1 for the original itself; none when they are linked only through
    /// other copies).
    pub jaccard: Option<f64>,
    /// Same text as the original, ignoring case, punctuation and layout.
    pub exact: bool,
}

/// A sentence carried by two articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReusePair {
    /// The earlier article.
    pub article: i64,
    /// Its sentence.
    pub sentence: usize,
    /// The later article.
    pub other_article: i64,
    /// Its sentence.
    pub other_sentence: usize,
    /// Paraphrase score.
    pub score: f64,
    /// Word for word or reworded.
    pub kind: ReuseKind,
    /// The earlier sentence.
    pub text: String,
    /// The later sentence.
    pub other_text: String,
    /// Word-level edit from the earlier sentence to the later one.
    pub diff: Vec<Edit>,
}

/// Everything the copies stage found, for `storyline copies`.
#[derive(Debug, Clone, Serialize)]
pub struct CopiesReport {
    /// The near-duplicate threshold used for grouping.
    pub threshold: f64,
    /// Groups of copies.
    pub duplicate_groups: Vec<DuplicateGroup>,
    /// Reused sentences.
    pub reuse_pairs: Vec<ReusePair>,
    /// Each article's spin and stitch verdicts.
    pub articles: Vec<ArticleVerdicts>,
}

/// Another article's version of a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceCopy {
    /// The other article.
    pub article: i64,
    /// Its input id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Its publisher.
    pub source: Option<String>,
    /// The sentence's index there.
    pub sentence: usize,
    /// The other article's version.
    pub text: String,
    /// Paraphrase score.
    pub score: f64,
    /// Word for word or reworded.
    pub kind: ReuseKind,
    /// Whether the other article came first (it is the likely source).
    pub earlier: bool,
    /// Word-level edit from the earlier version to the later one.
    pub diff: Vec<Edit>,
}

/// A sentence of an article and its versions elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReusedSentence {
    /// Index of the sentence.
    pub sentence: usize,
    /// The sentence.
    pub text: String,
    /// The other articles that carry it.
    pub matches: Vec<SentenceCopy>,
}

/// The copies stage's findings about one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleCopies {
    /// Near-duplicates, and the group's original.
    pub copies: CopiesOf,
    /// Sentences carried by other articles.
    pub reused_sentences: Vec<ReusedSentence>,
    /// Spin verdict with evidence.
    pub spin: Verdict<SpinVerdict>,
    /// Stitch verdict with evidence.
    pub stitch: Verdict<StitchVerdict>,
}

/// An article's near-duplicates and the original of its copies. (Fields in
/// alphabetical order: the JSON keys have always come out so.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopiesOf {
    /// The article is the first of its copies.
    pub is_original: bool,
    /// Its near-duplicates at `threshold`, most similar first.
    pub near_duplicates: Vec<NearCopy>,
    /// The earliest of its copies (itself when it came first).
    pub original: i64,
    /// Jaccard similarity at which two articles count as copies.
    pub threshold: f64,
}

/// A near-duplicate of the article viewed. (Fields in alphabetical order:
/// the JSON keys have always come out so.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearCopy {
    /// Publication date.
    pub date: Option<String>,
    /// Whether this copy came first.
    pub earlier: bool,
    /// Same text, ignoring case, punctuation and layout.
    pub exact: bool,
    /// Article id.
    pub id: i64,
    /// Jaccard similarity of the word 5-gram shingles with the article
    /// viewed.
    pub jaccard: f64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// Headline.
    pub title: Option<String>,
}

/// What the copies stage found about one article of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryArticleCopies {
    /// Article id.
    pub article: i64,
    /// The earliest article of the story it is a copy of (itself when it is
    /// the first of its copies, or has none).
    pub original: i64,
    /// The story's other articles that are its copies.
    pub near_duplicates: Vec<i64>,
    /// How many of its sentences other articles carry.
    pub reused_sentences: u64,
    /// Judged spun.
    pub spun: bool,
    /// Spin score in [0, 1].
    pub spin_score: f64,
    /// Judged stitched.
    pub stitched: bool,
    /// Stitch score in [0, 1].
    pub stitch_score: f64,
}

/// The copies stage's findings over a story's articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryCopies {
    /// Jaccard similarity at which two articles count as copies.
    pub threshold: f64,
    /// Groups of copies within the story, each as article ids, the
    /// earliest first.
    pub duplicate_groups: Vec<Vec<i64>>,
    /// Per article, in the order given.
    pub articles: Vec<StoryArticleCopies>,
}

/// Articles linked by copy pairs, in groups: the connected components (a
/// copy of a copy is in the group), each in id order, the groups in the
/// order of their lowest id.
fn connected(pairs: impl IntoIterator<Item = (i64, i64)>) -> Vec<Vec<i64>> {
    fn find(parent: &mut HashMap<i64, i64>, x: i64) -> i64 {
        let p = *parent.entry(x).or_insert(x);
        if p == x {
            return x;
        }
        let root = find(parent, p);
        parent.insert(x, root);
        root
    }
    let mut parent: HashMap<i64, i64> = HashMap::new();
    for (a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            // The lower id is the root: it names the group.
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut groups: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut ids: Vec<i64> = parent.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        let root = find(&mut parent, id);
        groups.entry(root).or_default().push(id);
    }
    groups.into_values().collect()
}

/// Groups of near-duplicates at `threshold` (connected components of the
/// pairs at least that similar), the earliest copy first.
pub fn duplicate_groups(store: &Reader, threshold: f64) -> Result<Vec<DuplicateGroup>> {
    let pairs = store.near_duplicate_pairs(threshold)?;
    let pair_of: HashMap<(i64, i64), (f64, bool)> = pairs
        .iter()
        .map(|p| ((p.a, p.b), (p.jaccard, p.exact)))
        .collect();
    let mut groups = Vec::new();
    for ids in connected(pairs.iter().map(|p| (p.a, p.b))) {
        let mut info: Vec<(i64, ArticleBrief)> = Vec::with_capacity(ids.len());
        for id in ids {
            info.push((id, store.brief(id)?));
        }
        info.sort_by(|x, y| {
            earliness(x.0, x.1.date.as_deref()).cmp(&earliness(y.0, y.1.date.as_deref()))
        });
        let original = info[0].0;
        let articles = info
            .into_iter()
            .map(|(id, b)| {
                let link = pair_of.get(&(id.min(original), id.max(original)));
                GroupMember {
                    id,
                    ref_id: b.ref_id,
                    title: b.title,
                    source: b.source,
                    date: b.date,
                    jaccard: if id == original {
                        Some(1.0)
                    } else {
                        link.map(|l| l.0)
                    },
                    exact: id == original || link.is_some_and(|l| l.1),
                }
            })
            .collect();
        groups.push(DuplicateGroup { original, articles });
    }
    Ok(groups)
}

/// Reused sentences, each pair once (earlier article first), with the
/// word diff; at most `limit` pairs.
pub fn reuse_pairs(store: &Reader, limit: usize) -> Result<Vec<ReusePair>> {
    let mut texts = StoredTexts::new(store);
    let mut out = Vec::new();
    for row in store.reuse_rows(limit)? {
        let m = &row.found;
        let ((a, sa), (b, sb)) = if earlier(
            (row.article, row.date.as_deref()),
            (m.other_article, row.other_date.as_deref()),
        ) {
            (
                (row.article, m.sentence),
                (m.other_article, m.other_sentence),
            )
        } else {
            (
                (m.other_article, m.other_sentence),
                (row.article, m.sentence),
            )
        };
        let text = texts.sentence(a, sa)?.unwrap_or_default().to_string();
        let other_text = texts.sentence(b, sb)?.unwrap_or_default().to_string();
        out.push(ReusePair {
            article: a,
            sentence: sa,
            other_article: b,
            other_sentence: sb,
            score: m.score,
            kind: m.kind(),
            diff: word_diff(&text, &other_text),
            text,
            other_text,
        });
    }
    Ok(out)
}

/// The full report of the copies stage, for `storyline copies`: groups of
/// copies at `threshold`, and at most `limit` reused sentences and article
/// verdicts.
pub fn copies_report(store: &Reader, threshold: f64, limit: usize) -> Result<CopiesReport> {
    store.snapshot(|store| {
        Ok(CopiesReport {
            threshold,
            duplicate_groups: duplicate_groups(store, threshold)?,
            reuse_pairs: reuse_pairs(store, limit)?,
            articles: store.all_verdicts(limit)?,
        })
    })
}

/// What the copies stage found about one article. `threshold` decides
/// which near-duplicates count as copies.
pub fn article_copies(store: &Reader, id: i64, threshold: f64) -> Result<ArticleCopies> {
    store.snapshot(|store| {
        let me = store.stored_text(id)?;
        let my_date = me.as_ref().and_then(|t| t.date.clone());
        let mut near = Vec::new();
        for n in store.near_duplicates_of(id)? {
            if n.jaccard < threshold {
                continue;
            }
            let b = store.brief(n.other)?;
            near.push(NearCopy {
                earlier: earlier((n.other, b.date.as_deref()), (id, my_date.as_deref())),
                id: n.other,
                ref_id: b.ref_id,
                title: b.title,
                source: b.source,
                date: b.date,
                jaccard: n.jaccard,
                exact: n.exact,
            });
        }
        let original = near
            .iter()
            .filter(|n| n.earlier)
            .map(|n| (n.id, n.date.as_deref()))
            .chain([(id, my_date.as_deref())])
            .min_by_key(|&(id, date)| earliness(id, date))
            .map_or(id, |o| o.0);
        let copies = CopiesOf {
            is_original: original == id,
            near_duplicates: near,
            original,
            threshold,
        };
        let mut reused: BTreeMap<usize, ReusedSentence> = BTreeMap::new();
        let mut others: HashMap<i64, ArticleBrief> = HashMap::new();
        let mut texts = StoredTexts::new(store);
        if let Some(me) = &me {
            for m in store.reuse_of(id)? {
                if let std::collections::hash_map::Entry::Vacant(e) = others.entry(m.other_article)
                {
                    e.insert(store.brief(m.other_article)?);
                }
                let other = &others[&m.other_article];
                let theirs = texts
                    .sentence(m.other_article, m.other_sentence)?
                    .unwrap_or_default()
                    .to_string();
                let ours = me.sentence(m.sentence);
                let is_earlier = earlier(
                    (m.other_article, other.date.as_deref()),
                    (id, my_date.as_deref()),
                );
                let diff = if is_earlier {
                    word_diff(&theirs, ours)
                } else {
                    word_diff(ours, &theirs)
                };
                reused
                    .entry(m.sentence)
                    .or_insert_with(|| ReusedSentence {
                        sentence: m.sentence,
                        text: ours.to_string(),
                        matches: Vec::new(),
                    })
                    .matches
                    .push(SentenceCopy {
                        article: m.other_article,
                        ref_id: other.ref_id.clone(),
                        source: other.source.clone(),
                        sentence: m.other_sentence,
                        text: theirs,
                        score: m.score,
                        kind: m.kind(),
                        earlier: is_earlier,
                        diff,
                    });
            }
        }
        let (spin, stitch) = store.verdicts(id)?.map(|v| (v.spin, v.stitch)).unzip();
        Ok(ArticleCopies {
            copies,
            reused_sentences: reused.into_values().collect(),
            spin: spin.into(),
            stitch: stitch.into(),
        })
    })
}

/// The copies among a story's articles (in time order): groups of
/// near-duplicates at `threshold`, and each article's reused sentences and
/// verdicts.
pub fn story_copies(
    store: &Reader,
    articles: &[StoryArticle],
    threshold: f64,
) -> Result<StoryCopies> {
    let date: HashMap<i64, Option<&str>> =
        articles.iter().map(|a| (a.id, a.date.as_deref())).collect();
    let position: HashMap<i64, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let mut near: HashMap<i64, Vec<i64>> = HashMap::new();
    for a in articles {
        let mut mine: Vec<i64> = store
            .near_duplicates_of(a.id)?
            .into_iter()
            .filter(|n| n.jaccard >= threshold && date.contains_key(&n.other))
            .map(|n| n.other)
            .collect();
        mine.sort_unstable();
        near.insert(a.id, mine);
    }
    let mut groups = connected(
        near.iter()
            .flat_map(|(&a, others)| others.iter().map(move |&b| (a, b))),
    );
    // The story's first copies first.
    groups.sort_by_key(|g| g.iter().map(|id| position[id]).min());
    for g in &mut groups {
        g.sort_by_key(|&id| earliness(id, date[&id]));
    }
    let group_of: HashMap<i64, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.iter().map(move |&id| (id, i)))
        .collect();
    let mut out = Vec::with_capacity(articles.len());
    for a in articles {
        let scores = store.verdict_scores(a.id)?.unwrap_or_default();
        out.push(StoryArticleCopies {
            article: a.id,
            original: group_of.get(&a.id).map_or(a.id, |&g| groups[g][0]),
            near_duplicates: near.remove(&a.id).unwrap_or_default(),
            reused_sentences: store.reused_sentence_count(a.id)?,
            spun: scores.spun,
            spin_score: scores.spin_score,
            stitched: scores.stitched,
            stitch_score: scores.stitch_score,
        });
    }
    Ok(StoryCopies {
        threshold,
        duplicate_groups: groups,
        articles: out,
    })
}
