//! The web pages: server-rendered HTML (maud escapes every value put into
//! a page), one stylesheet, no script. Each page reads what the matching
//! API endpoint returns, through the same library calls.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use storyline::copies::verdict::Substitution;
use storyline::copies::{Edit, SpinVerdict, StitchVerdict};
use storyline::quotes::{EntityKind, QuoteKind, StoryQuote};
use storyline::stories::StorySummary;
use storyline::threads::Thread;
use storyline::view::{ArticleView, StoryView};

use crate::error::{ApiError, PageError};
use crate::layout::{STYLE, page};
use crate::params::{self, StoriesParams, encode};
use crate::state::AppState;

/// The first ten characters of a date: the day.
fn day(d: Option<&str>) -> &str {
    d.map(|d| d.get(..10).unwrap_or(d)).unwrap_or("undated")
}

fn span(first: Option<&str>, last: Option<&str>) -> String {
    let (a, b) = (day(first), day(last));
    if a == b {
        a.to_string()
    } else {
        format!("{a} – {b}")
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Parameters of the story list page.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(flatten)]
    stories: StoriesParams,
}

/// `GET /`: stories, newest first.
pub async fn home(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    // A story of one article is only an article: the page starts with the
    // stories that several articles tell.
    let mut q = p.stories.query(2)?;
    let (limit, offset, min) = (q.limit, q.offset, q.min_articles);
    q.limit += 1;
    let (mut list, stats) = state
        .read(move |s| Ok((s.stories_matching(&q)?, s.stats()?)))
        .await?;
    let more = list.len() > limit;
    list.truncate(limit);
    let link =
        |offset: usize, min: usize| format!("/?offset={offset}&limit={limit}&min_articles={min}");
    let body = html! {
        h1 { "Stories" }
        p.meta {
            (plural(stats.articles, "article", "articles")) " from "
            (plural(stats.sources, "source", "sources")) ", most recently active stories first."
        }
        nav.filters aria-label="Story size" {
            @for (n, label) in [(1, "All"), (2, "2+ articles"), (5, "5+ articles")] {
                @if n == min { span.chip.on { (label) } } @else { a.chip href=(link(0, n)) { (label) } }
            }
        }
        @if list.is_empty() {
            p.empty { "No stories here yet." }
        }
        ol.stories {
            @for s in &list { (story_item(s)) }
        }
        nav.pager {
            @if offset > 0 { a rel="prev" href=(link(offset.saturating_sub(limit), min)) { "← Newer" } }
            @if more { a rel="next" href=(link(offset.saturating_add(limit), min)) { "Older →" } }
        }
    };
    Ok(page("Stories", "", body))
}

fn story_item(s: &StorySummary) -> Markup {
    html! {
        li.story data-articles=(s.articles) {
            a.title href={ "/stories/" (s.id) } { (s.title.as_deref().unwrap_or("(untitled)")) }
            div.meta {
                (plural(s.articles, "article", "articles")) " · "
                @if s.sources > 0 { (plural(s.sources, "source", "sources")) " · " }
                span.when { (span(s.first_seen.as_deref(), s.last_seen.as_deref())) }
            }
        }
    }
}

/// `GET /stories/{id}`.
pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let n = params::resolve_story(&state, &id).await?;
    let view = state
        .read(move |s| storyline::view::story(s, n))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no story {id:?}.")))?;
    let title = view
        .story
        .title
        .clone()
        .unwrap_or_else(|| "(untitled)".into());
    Ok(page(&title, "", story_body(&view)))
}

/// `GET /threads/{id}`: a thread's timeline and stories.
pub async fn thread(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let n = params::resolve_thread(&state, &id).await?;
    let view = state
        .read(move |s| storyline::view::thread(s, n))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no thread {id:?}.")))?;
    let title = view.title.clone().unwrap_or_else(|| "(untitled)".into());
    Ok(page(&title, "", thread_body(&view)))
}

/// The body of a thread page: the timeline, each entry citing the
/// articles that carry its sentence, then the stories with why each is in
/// the thread.
pub fn thread_body(t: &Thread) -> Markup {
    let mut numbers: HashMap<i64, usize> = HashMap::new();
    for c in t.timeline.iter().flat_map(|e| &e.citations) {
        let next = numbers.len() + 1;
        numbers.entry(c.article).or_insert(next);
    }
    html! {
        article.thread {
            h1 { (t.title.as_deref().unwrap_or("(untitled)")) }
            p.meta {
                "Thread " (t.id) " · " (plural(t.stories.len() as u64, "story", "stories"))
                " · " (plural(t.articles.len() as u64, "article", "articles"))
                @if !t.aliases.is_empty() {
                    " · also known as "
                    @for (i, a) in t.aliases.iter().enumerate() {
                        @if i > 0 { ", " }
                        (a)
                    }
                }
            }
            section #timeline {
                h2 { "Timeline" }
                ol.timeline {
                    @for e in &t.timeline {
                        li.entry data-story=(e.story) {
                            time datetime=(e.date) { (e.date) }
                            @if !e.dated { " " span.undated title="No article of this day has a date; this is when they were stored." { "(stored)" } }
                            " "
                            (e.text)
                            @for c in &e.citations {
                                " "
                                a.cite href={ "/articles/" (c.article) "#s" (c.sentence) }
                                    title={ (c.source.as_deref().unwrap_or("source")) ": " (c.text) }
                                    data-article=(c.article) data-sentence=(c.sentence) {
                                    "[" (numbers[&c.article]) "]"
                                }
                            }
                            " " a.story href={ "/stories/" (e.story) } { "story " (e.story) }
                        }
                    }
                }
            }
            section #stories {
                h2 { "Stories" }
                ul.stories {
                    @for s in &t.stories {
                        li {
                            a href={ "/stories/" (s.id) } { (s.title.as_deref().unwrap_or("(untitled)")) }
                            " · " (plural(s.articles, "article", "articles"))
                            " · " span.when { (span(s.first_seen.as_deref(), s.last_seen.as_deref())) }
                            @if !s.evidence.shared_names.is_empty() {
                                br; span.evidence { "Shares names: " (s.evidence.shared_names.join(", ")) }
                            }
                            @if !s.evidence.shared_terms.is_empty() {
                                br; span.evidence { "Shares words: " (s.evidence.shared_terms.join(", ")) }
                            }
                            @for x in &s.evidence.shared_sentences {
                                br; span.evidence { "Shares a sentence with story " (x.other_story) ": " q { (x.text) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The body of a story page.
pub fn story_body(v: &StoryView) -> Markup {
    let s = &v.story;
    let titles: HashMap<i64, (&str, Option<&str>)> = s
        .articles
        .iter()
        .map(|a| {
            (
                a.id,
                (
                    a.title.as_deref().unwrap_or("(untitled)"),
                    a.source.as_deref(),
                ),
            )
        })
        .collect();
    // Footnote numbers: each cited article gets one, in order of first
    // citation, so the same source has the same number everywhere.
    let mut numbers: HashMap<i64, usize> = HashMap::new();
    for c in v.summary.iter().flat_map(|x| &x.citations) {
        let next = numbers.len() + 1;
        numbers.entry(c.article).or_insert(next);
    }
    let copies: HashMap<i64, &storyline::view::StoryArticleCopies> =
        v.copies.articles.iter().map(|c| (c.article, c)).collect();
    let mut days: BTreeMap<&str, Vec<&storyline::stories::StoryArticle>> = BTreeMap::new();
    for a in &s.articles {
        days.entry(day(a.date.as_deref())).or_default().push(a);
    }
    html! {
        article.story {
            h1 { (s.title.as_deref().unwrap_or("(untitled)")) }
            p.meta {
                "Story " (s.id) " · " (plural(s.article_count, "article", "articles"))
                @if !s.sources.is_empty() { " from " (plural(s.sources.len() as u64, "source", "sources")) }
                " · "
                span.when { (span(s.first_seen.as_deref(), s.last_seen.as_deref())) }
                @if let Some(t) = v.thread {
                    " · " a.thread href={ "/threads/" (t) } { "the running thread" }
                }
                @if !s.aliases.is_empty() {
                    " · also known as "
                    @for (i, a) in s.aliases.iter().enumerate() {
                        @if i > 0 { ", " }
                        (a)
                    }
                }
            }
            section #summary {
                h2 { "Summary" }
                @if v.summary.is_empty() {
                    p.empty { "No summary yet: a story gets one once it has two articles." }
                }
                ol.summary {
                    @for (i, sent) in v.summary.iter().enumerate() {
                        li id={ "summary-" (i + 1) } {
                            p {
                                (sent.text)
                                @for c in &sent.citations {
                                    " "
                                    a.cite href={ "/articles/" (c.article) "#s" (c.sentence) }
                                        title={ (c.source.as_deref().unwrap_or("source")) ": " (c.text) }
                                        data-article=(c.article) data-sentence=(c.sentence) {
                                        "[" (numbers[&c.article]) "]"
                                    }
                                }
                            }
                            // One source wording the sentence as shown adds
                            // nothing to open: its marker says it all.
                            @if sent.citations.len() > 1 || sent.citations.iter().any(|c| c.text != sent.text) {
                                details.variants {
                                    summary { "How each source words it (" (sent.citations.len()) ")" }
                                    ul {
                                        @for c in &sent.citations {
                                            li {
                                                a href={ "/articles/" (c.article) "#s" (c.sentence) } {
                                                    "[" (numbers[&c.article]) "] "
                                                    (c.source.as_deref().or(titles.get(&c.article).map(|t| t.0)).unwrap_or("source"))
                                                }
                                                " "
                                                q { (c.text) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #timeline {
                h2 { "Timeline of sources" }
                ol.timeline {
                    @for (d, articles) in &days {
                        li {
                            time { (d) }
                            ul {
                                @for a in articles {
                                    li {
                                        @if let Some(t) = a.date.as_deref().and_then(|d| d.get(11..16)) {
                                            span.clock { (t) } " "
                                        }
                                        a href={ "/articles/" (a.id) } { (a.title.as_deref().unwrap_or("(untitled)")) }
                                        @if let Some(src) = &a.source { " " span.src { (src) } }
                                        @if let Some(n) = numbers.get(&a.id) { " " span.badge.cited { "[" (n) "]" } }
                                        @if let Some(c) = copies.get(&a.id) { (copy_badges(c)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #quotes {
                h2 { "Quotes" }
                (quotes_by_speaker(&v.quotes))
            }
            section #entities {
                h2 { "People, organisations and places" }
                @if v.entities.is_empty() {
                    p.empty { "None found in this story yet." }
                }
                @for (kind, heading) in [(EntityKind::Person, "People"), (EntityKind::Organization, "Organisations"), (EntityKind::Place, "Places")] {
                    @let of_kind: Vec<_> = v.entities.iter().filter(|e| e.kind == kind).collect();
                    @if !of_kind.is_empty() {
                        h3 { (heading) }
                        ul.entities {
                            @for e in of_kind {
                                li {
                                    strong { (e.name) }
                                    " " span.count { (plural(e.mentions as u64, "mention", "mentions")) }
                                    @if !e.aliases.is_empty() {
                                        br;
                                        span.aliases { "also: " (e.aliases.join(", ")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !v.copies.duplicate_groups.is_empty() {
                section #copies {
                    h2 { "Copies" }
                    ul {
                        @for g in &v.copies.duplicate_groups {
                            li {
                                "Copies of "
                                a href={ "/articles/" (g[0]) } { (titles.get(&g[0]).map_or("(untitled)", |t| t.0)) }
                                ": "
                                @for (i, id) in g.iter().skip(1).enumerate() {
                                    @if i > 0 { ", " }
                                    a href={ "/articles/" (id) } { (titles.get(id).and_then(|t| t.1).unwrap_or("article")) " #" (id) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A sentence with each spun phrase found in it marked, the usual form on
/// hover. Phrases are marked where first found, left to right, never
/// overlapping.
fn spun_marks(text: &str, phrases: Option<&Vec<(&str, String)>>) -> Markup {
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    for (phrase, hover) in phrases.into_iter().flatten() {
        if phrase.is_empty() {
            continue;
        }
        if let Some(at) = text.find(phrase) {
            let end = at + phrase.len();
            if !found.iter().any(|&(s, e, _)| at < e && s < end) {
                found.push((at, end, hover.as_str()));
            }
        }
    }
    found.sort_unstable();
    let mut pieces: Vec<(&str, &str, &str)> = Vec::new();
    let mut at = 0;
    for (start, end, hover) in found {
        pieces.push((&text[at..start], &text[start..end], hover));
        at = end;
    }
    html! {
        @for (before, phrase, hover) in pieces {
            (before)
            mark.spun title=(hover) { (phrase) }
        }
        (&text[at..])
    }
}

fn copy_badges(c: &storyline::view::StoryArticleCopies) -> Markup {
    html! {
        @if c.original != c.article { " " span.badge.copy { "copy of #" (c.original) } }
        @if c.spun { " " span.badge.spun title={ "spin score " (format!("{:.2}", c.spin_score)) } { "spun" } }
        @if c.stitched { " " span.badge.stitched title={ "stitch score " (format!("{:.2}", c.stitch_score)) } { "stitched" } }
    }
}

/// Quotes grouped by speaker (resolved name, else as written), speakers
/// with the most quotes first.
pub fn quotes_by_speaker(quotes: &[StoryQuote]) -> Markup {
    let mut groups: Vec<(String, Vec<&StoryQuote>)> = Vec::new();
    for q in quotes {
        let who = q
            .speaker_resolved
            .clone()
            .or_else(|| q.speaker.clone())
            .unwrap_or_else(|| "Unattributed".into());
        match groups.iter_mut().find(|(w, _)| *w == who) {
            Some((_, list)) => list.push(q),
            None => groups.push((who, vec![q])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    html! {
        @if groups.is_empty() {
            p.empty { "No quotes found in this story yet." }
        }
        @for (who, list) in &groups {
            div.speaker {
                h3 { (who) }
                ul.quotes {
                    @for q in list {
                        li {
                            @match q.kind {
                                QuoteKind::Direct => blockquote.direct { "“" (q.text) "”" },
                                QuoteKind::Mixed => blockquote.reported title="reported speech with quoted words" { (q.text) },
                                QuoteKind::Indirect => blockquote.reported title="reported speech" { (q.text) },
                            }
                            p.meta {
                                @if let Some(cue) = &q.cue { (cue) " · " }
                                @for (i, s) in q.sources.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href={ "/articles/" (s.article) } { (s.source.as_deref().unwrap_or("source")) " #" (s.article) }
                                }
                                @if q.wording_differs { " · " span.badge { "worded differently" } }
                                @if q.speakers_differ { " · " span.badge { "speakers differ" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /articles/{id}`.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let n = params::resolve_article(&state, &id).await?;
    let view = state
        .read(move |s| storyline::view::article(s, n))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no article {id:?}.")))?;
    let title = view
        .article
        .title
        .clone()
        .unwrap_or_else(|| "(untitled)".into());
    Ok(page(&title, "", article_body(&view)))
}

fn render_diff(edits: &[Edit]) -> Markup {
    html! {
        @for (i, e) in edits.iter().enumerate() {
            @if i > 0 { " " }
            @match e {
                Edit::Equal { text } => { (text) }
                Edit::Replace { from, to } => { del { (from) } " " ins { (to) } }
                Edit::Delete { text } => { del { (text) } }
                Edit::Insert { text } => { ins { (text) } }
            }
        }
    }
}

fn score(score: f64) -> String {
    format!("{score:.2}")
}

/// The body of an article page.
pub fn article_body(v: &ArticleView) -> Markup {
    let a = &v.article;
    let reused: HashMap<usize, &storyline::view::ReusedSentence> = v
        .copies
        .reused_sentences
        .iter()
        .map(|r| (r.sentence, r))
        .collect();
    let mut paragraphs: BTreeMap<usize, Vec<&storyline::Sentence>> = BTreeMap::new();
    for s in &a.sentences {
        paragraphs.entry(s.paragraph).or_default().push(s);
    }
    // Not judged yet reads as judged clean.
    let (no_spin, no_stitch) = (SpinVerdict::default(), StitchVerdict::default());
    let spin = v.copies.spin.judged().unwrap_or(&no_spin);
    let stitch = v.copies.stitch.judged().unwrap_or(&no_stitch);
    let near = &v.copies.copies.near_duplicates;
    let original = v.copies.copies.original;
    // The spun phrases the text shows, by sentence: marked where the
    // reader reads, with the usual form on hover.
    let mut spun: HashMap<usize, Vec<(&str, String)>> = HashMap::new();
    if spin.spun {
        for sig in &spin.signals {
            let hover = match &sig.usual {
                Some(u) => format!("usually: {u} ({})", sig.kind.name()),
                None => sig.kind.name().replace('_', " "),
            };
            spun.entry(sig.sentence)
                .or_default()
                .push((sig.text.as_str(), hover));
        }
        for sub in &spin.substitutions {
            spun.entry(sub.sentence)
                .or_default()
                .push((sub.to.as_str(), format!("source: {}", sub.from)));
        }
    }
    let mut by_sentence: BTreeMap<(usize, i64), Vec<&Substitution>> = BTreeMap::new();
    for s in &spin.substitutions {
        by_sentence
            .entry((s.sentence, s.source_article))
            .or_default()
            .push(s);
    }
    html! {
        article.article {
            h1 { (a.title.as_deref().unwrap_or("(untitled)")) }
            p.meta {
                "#" (a.id)
                @if let Some(r) = &a.ref_id { " · ref " (r) }
                @if let Some(s) = &a.source { " · " (s) }
                @if let Some(au) = &a.author { " · by " (au) }
                " · " (day(a.date.as_deref()))
                " · " (a.words) " words"
                @if let Some(u) = a.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
                    " · " a href=(u) rel="noopener noreferrer nofollow" { "original" }
                }
                @if let Some(st) = v.story { " · " a href={ "/stories/" (st) } { "story " (st) } }
            }
            p.verdicts {
                @if original != a.id { span.badge.copy { "copy of " a href={ "/articles/" (original) } { "#" (original) } } " " }
                @if spin.spun { span.badge.spun { "spun (" (score(spin.score)) ")" } " " }
                @if stitch.stitched { span.badge.stitched { "stitched (" (score(stitch.score)) ")" } " " }
                @if !reused.is_empty() {
                    span.badge.reused { (reused.len()) " of " (a.sentences.len()) " sentences found elsewhere" }
                }
            }
            @if a.text_pruned {
                p.pruned { "text pruned: this article's text was dropped by the retention policy (storyline prune); its stories, summaries, quotes and copies stay" }
            }
            div.text {
                @for sentences in paragraphs.values() {
                    p {
                        @for (i, s) in sentences.iter().enumerate() {
                            @if i > 0 { " " }
                            @if stitch.stitched && stitch.seams.contains(&s.index) {
                                span.seam title="seam: another source seems to begin here" { "¦" } " "
                            }
                            @if let Some(r) = reused.get(&s.index) {
                                mark.reused id={ "s" (s.index) } { (spun_marks(&s.text, spun.get(&s.index))) }
                                @for m in r.matches.iter().take(3) {
                                    " "
                                    a.from href={ "/articles/" (m.article) "#s" (m.sentence) }
                                        title={ (if m.earlier { "from " } else { "copied by " }) (m.source.as_deref().unwrap_or("article")) ": " (m.text) } {
                                        (if m.earlier { "↩" } else { "↪" }) "#" (m.article)
                                    }
                                }
                            } @else {
                                span.sentence id={ "s" (s.index) } { (spun_marks(&s.text, spun.get(&s.index))) }
                            }
                        }
                    }
                }
            }
            @if !spin.substitutions.is_empty() || !spin.signals.is_empty() {
                section #spin {
                    h2 { "Spin" }
                    p.meta { "Score " (score(spin.score)) ": " (spin.substituted_sentences) " of " (spin.aligned_sentences) " aligned sentences have short substitutions." }
                    ul.diffs {
                        @for ((sentence, source), subs) in &by_sentence {
                            li {
                                a href={ "#s" (sentence) } { "Sentence " (sentence + 1) }
                                " against "
                                a href={ "/articles/" (source) } { "#" (source) } ": "
                                @for (i, s) in subs.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    del { (s.from) } " → " ins { (s.to) }
                                }
                                @if let Some(m) = reused.get(sentence).and_then(|r| r.matches.iter().find(|m| m.article == *source)) {
                                    p.diff { (render_diff(&m.diff)) }
                                }
                            }
                        }
                        @for s in &spin.signals {
                            li {
                                (s.kind.name().replace('_', " ")) ": "
                                q { (s.text) }
                                @if let Some(u) = &s.usual { " (usually " q { (u) } ")" }
                            }
                        }
                    }
                }
            }
            @if !stitch.source_articles.is_empty() {
                section #stitch {
                    h2 { "Sources of its sentences" }
                    p.meta { "Stitch score " (score(stitch.score)) "." }
                    ul {
                        @for (source, sentences) in &stitch.source_articles {
                            li { a href={ "/articles/" (source) } { "#" (source) } ": " (plural(*sentences as u64, "sentence", "sentences")) }
                        }
                    }
                }
            }
            @if !v.copies.reused_sentences.is_empty() {
                section #reused {
                    h2 { "Reused sentences" }
                    ol.diffs {
                        @for r in &v.copies.reused_sentences {
                            li {
                                a href={ "#s" (r.sentence) } { "Sentence " (r.sentence + 1) }
                                ul {
                                    @for m in &r.matches {
                                        li {
                                            (if m.earlier { "from " } else { "copied by " })
                                            a href={ "/articles/" (m.article) "#s" (m.sentence) } {
                                                (m.source.as_deref().unwrap_or("article")) " #" (m.article)
                                            }
                                            " (" (m.kind.name()) ", " (format!("{:.2}", m.score)) "): "
                                            span.diff { (render_diff(&m.diff)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !near.is_empty() {
                section #near {
                    h2 { "Near-duplicates" }
                    ul {
                        @for n in near {
                            li {
                                a href={ "/articles/" (n.id) } { (n.title.as_deref().unwrap_or("(untitled)")) }
                                " " span.src { (n.source.as_deref().unwrap_or("")) }
                                " · Jaccard " (format!("{:.2}", n.jaccard))
                                @if n.earlier { " · earlier" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Parameters of the search page.
#[derive(Debug, Default, Deserialize)]
pub struct SearchPageParams {
    q: Option<String>,
    offset: Option<String>,
}

/// A search snippet as HTML: the text escaped, the store's `<mark>`
/// markers turned back into elements.
fn snippet(s: &str) -> Markup {
    let mut out = String::new();
    let mut open = false;
    let mut rest = s;
    while !rest.is_empty() {
        let tag = if open { "</mark>" } else { "<mark>" };
        match rest.find(tag) {
            Some(i) => {
                out.push_str(&html! { (rest[..i]) }.into_string());
                out.push_str(tag);
                open = !open;
                rest = &rest[i + tag.len()..];
            }
            None => {
                out.push_str(&html! { (rest) }.into_string());
                rest = "";
            }
        }
    }
    if open {
        out.push_str("</mark>");
    }
    PreEscaped(out)
}

/// `GET /sources`: the watched sources, failing ones first, with what each
/// gave and what went wrong last.
pub async fn sources(State(state): State<AppState>) -> Result<Response, PageError> {
    let watching = state.config().watching;
    let mut list = state.read(|s| s.sources()).await?;
    list.sort_by_key(|s| (s.health != "failing", s.id));
    let failing = list.iter().filter(|s| s.health == "failing").count() as u64;
    let when = |t: Option<&str>| -> String {
        t.map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
            .unwrap_or_else(|| "never".into())
    };
    let body = html! {
        h1 { "Sources" }
        p.meta {
            (plural(list.len() as u64, "source", "sources")) " watched"
            @if failing > 0 { ", " (failing) " failing" }
            ". "
            @if watching { "This server follows them (" code { "serve --watch" } ")." }
            @else { "This server does not follow them; " code { "storyline watch" } " does." }
        }
        @if list.is_empty() {
            p.empty { "No sources yet: " code { "storyline sources add URL" } " adds a feed, a sitemap or a front page." }
        } @else {
            div.table-wrap {
                table.sources {
                    thead { tr {
                        th { "Source" } th { "Health" } th { "Kind" } th { "Every" }
                        th { "Last fetch" } th { "Next due" } th.num { "Items" } th.num { "Articles" }
                        th.num { "Pending" } th.num { "304s" }
                    } }
                    tbody {
                        @for s in &list {
                            tr class=(s.health) {
                                td.source {
                                    a href=(s.url) rel="nofollow noopener noreferrer" { (s.name.as_deref().unwrap_or(&s.url)) }
                                    @if let Some(e) = &s.last_error {
                                        div.error { "Failing " (s.consecutive_errors) "× in a row: " (e) }
                                    }
                                    @if let Some(e) = &s.last_page_error {
                                        div.page-error { (plural(s.page_errors, "page error", "page errors")) ", the last: " (e) }
                                    }
                                }
                                td { span class={ "health " (s.health) } { (s.health) } }
                                td { (s.kind.as_deref().unwrap_or("-")) }
                                td { (s.every) }
                                td { (when(s.last_fetch.as_deref())) }
                                td { (when(Some(&s.next_due))) }
                                td.num { (s.items_seen) }
                                td.num { (s.articles) }
                                td.num { (s.pending) }
                                td.num { (s.not_modified) "/" (s.fetches) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Sources", "", body))
}

/// `GET /search?q=`.
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchPageParams>,
) -> Result<Response, PageError> {
    let q = p.q.unwrap_or_default();
    let offset = match p.offset.as_deref() {
        None | Some("") => 0,
        Some(s) => params::whole_number("offset", s)?,
    };
    if q.len() > 1000 {
        return Err(ApiError::bad_request("The query is longer than 1000 bytes.").into());
    }
    let limit = params::DEFAULT_LIMIT;
    let query = q.clone();
    let mut hits = if q.trim().is_empty() {
        Vec::new()
    } else {
        state
            .read(move |s| s.search(&query, limit + 1, offset))
            .await?
    };
    let more = hits.len() > limit;
    hits.truncate(limit);
    let link = |o: usize| format!("/search?q={}&offset={o}", encode(&q));
    let body = html! {
        h1 { "Search" }
        @if q.trim().is_empty() {
            p.empty { "Type words to look for: \"phrases\", prefix*, OR and NOT work." }
        } @else if hits.is_empty() {
            p.empty { "No article matches " q { (q) } "." }
        } @else {
            p.meta { "Articles matching " q { (q) } ", best first." }
        }
        ol.hits start=(offset.saturating_add(1)) {
            @for h in &hits {
                li {
                    a.title href={ "/articles/" (h.article.id) } { (h.article.title.as_deref().unwrap_or("(untitled)")) }
                    div.meta {
                        (h.article.source.as_deref().unwrap_or("unknown source")) " · " (day(h.article.date.as_deref()))
                    }
                    p.snippet { (snippet(&h.snippet)) }
                }
            }
        }
        nav.pager {
            @if offset > 0 { a rel="prev" href=(link(offset.saturating_sub(limit))) { "← Better matches" } }
            @if more { a rel="next" href=(link(offset.saturating_add(limit))) { "More →" } }
        }
    };
    Ok(page("Search", &q, body))
}

/// `GET /static/{file}`: the stylesheet; nothing else, and never a file
/// from the disk.
pub async fn static_file(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "style.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            STYLE,
        )
            .into_response(),
        _ => PageError(ApiError::not_found("There is no such file.")).into_response(),
    }
}

/// Anything else: 404 in the shape of the part of the site asked for.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    let err = ApiError::new(StatusCode::NOT_FOUND, format!("nothing at {}", uri.path()));
    if crate::error::is_api(uri.path()) {
        err.into_response()
    } else {
        PageError(err).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_all_but_marks() {
        let s = snippet("a <b>x</b> <mark>veto</mark> & <script>");
        assert_eq!(
            s.into_string(),
            "a &lt;b&gt;x&lt;/b&gt; <mark>veto</mark> &amp; &lt;script&gt;"
        );
        assert_eq!(snippet("<mark>open").into_string(), "<mark>open</mark>");
    }

    #[test]
    fn quotes_group_by_speaker() {
        use storyline::quotes::{QuoteKind, QuoteSource, Span};
        let q = |text: &str, who: Option<&str>| StoryQuote {
            article: 1,
            ref_id: None,
            kind: QuoteKind::Direct,
            text: text.into(),
            cue: Some("said".into()),
            speaker: who.map(String::from),
            speaker_resolved: who.map(|w| format!("Rex {w}")),
            entity: None,
            span: Span { start: 0, end: 1 },
            sources: vec![QuoteSource {
                article: 1,
                ref_id: None,
                source: Some("AP".into()),
                kind: QuoteKind::Direct,
                text: text.into(),
                cue: None,
                speaker: None,
                speaker_resolved: None,
                entity: None,
                span: Span { start: 0, end: 1 },
            }],
            wording_differs: true,
            speakers_differ: false,
        };
        let html = quotes_by_speaker(&[
            q("one <b>", Some("Tillerson")),
            q("two", None),
            q("three", Some("Tillerson")),
        ])
        .into_string();
        let tillerson = html
            .find("<h3>Rex Tillerson</h3>")
            .expect("speaker heading");
        let nobody = html
            .find("<h3>Unattributed</h3>")
            .expect("unattributed heading");
        assert!(
            tillerson < nobody,
            "the speaker with more quotes comes first"
        );
        assert!(html.contains("worded differently"));
        assert_eq!(html.matches("<blockquote class=\"direct\">").count(), 3);
        assert!(html.contains("“one &lt;b&gt;”"));
        assert!(quotes_by_speaker(&[]).into_string().contains("No quotes"));
        let mut reported = q("that talks would go on", Some("Lavrov"));
        reported.kind = QuoteKind::Indirect;
        let html = quotes_by_speaker(&[reported]).into_string();
        assert!(html.contains("<blockquote class=\"reported\" title=\"reported speech\">that talks would go on</blockquote>"), "{html}");
    }
}
