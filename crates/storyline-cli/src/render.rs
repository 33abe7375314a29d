//! What the commands print for a person to read (`--json` prints the
//! library's types as they are, through [`print_json`]).

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use storyline::pipeline::IngestReport;
use storyline::store::Stats;

/// Prints a value as pretty JSON on standard output.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn print_quotes(who: &storyline::quotes::StoryAttributions) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for q in &who.quotes {
        let speaker = q
            .speaker_resolved
            .as_deref()
            .or(q.speaker.as_deref())
            .unwrap_or("(unknown)");
        let flags = [
            (q.wording_differs, "worded differently"),
            (q.speakers_differ, "speakers differ"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect::<Vec<_>>()
        .join(", ");
        writeln!(
            out,
            "{speaker} {}: {}{}",
            q.cue.as_deref().unwrap_or("-"),
            clip(&q.text, 160),
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{flags}]")
            }
        )?;
        for s in &q.sources {
            writeln!(
                out,
                "    #{} {}{}: {}",
                s.article,
                s.source.as_deref().or(s.ref_id.as_deref()).unwrap_or(""),
                s.speaker
                    .as_deref()
                    .map(|x| format!(" ({x} {})", s.cue.as_deref().unwrap_or("")))
                    .unwrap_or_default(),
                clip(&s.text, 120)
            )?;
        }
    }
    Ok(())
}

pub fn print_entities(who: &storyline::quotes::StoryAttributions) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for e in &who.entities {
        let kind = serde_json::to_value(e.kind)?;
        writeln!(
            out,
            "{:>4}  {:<12} {}  ({} mentions in {} articles){}",
            e.id,
            kind.as_str().unwrap_or(""),
            e.name,
            e.mentions,
            e.articles.len(),
            if e.aliases.is_empty() {
                String::new()
            } else {
                format!("  also: {}", e.aliases.join("; "))
            }
        )?;
    }
    Ok(())
}

pub fn article_line(
    out: &mut impl Write,
    id: i64,
    date: Option<&str>,
    source: Option<&str>,
    title: Option<&str>,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>6}  {:<10}  {:<18}  {}",
        id,
        date.map(|d| &d[..d.len().min(10)]).unwrap_or("-"),
        clip(source.unwrap_or("-"), 18),
        title.unwrap_or("(untitled)")
    )
}

pub fn render_diff(edits: &[storyline::copies::Edit]) -> String {
    use storyline::copies::Edit;
    edits
        .iter()
        .map(|e| match e {
            Edit::Equal { text } => text.clone(),
            Edit::Replace { from, to } => format!("[-{from}-]{{+{to}+}}"),
            Edit::Delete { text } => format!("[-{text}-]"),
            Edit::Insert { text } => format!("{{+{text}+}}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn explain_copies(
    article: &storyline::Article,
    c: &storyline::view::ArticleCopies,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "#{} {}",
        article.id,
        article.title.as_deref().unwrap_or("(untitled)")
    )?;
    let copies = &c.copies;
    if copies.near_duplicates.is_empty() {
        writeln!(
            out,
            "\nNo near-duplicates at Jaccard >= {}.",
            copies.threshold
        )?;
    } else {
        writeln!(out, "\nCopies (original: #{}):", copies.original)?;
        for n in &copies.near_duplicates {
            writeln!(
                out,
                "  #{} {:.2}{} {}",
                n.id,
                n.jaccard,
                if n.exact { " exact" } else { "" },
                n.title.as_deref().unwrap_or("")
            )?;
        }
    }
    writeln!(
        out,
        "\nReused sentences: {} of {}",
        c.reused_sentences.len(),
        article.sentences.len()
    )?;
    for r in &c.reused_sentences {
        writeln!(out, "  [{}] {}", r.sentence, r.text)?;
        for m in &r.matches {
            let who = if m.earlier { "from" } else { "copied by" };
            writeln!(
                out,
                "      {who} #{} ({}, {:.2}): {}",
                m.article,
                m.kind.name(),
                m.score,
                render_diff(&m.diff)
            )?;
        }
    }
    let spin = c.spin.judged();
    print_verdict(&mut out, "Spin", "spun", spin.map(|v| (v.spun, v.score)))?;
    for s in spin.iter().flat_map(|v| &v.substitutions) {
        writeln!(
            out,
            "  substitution: {} -> {} (sentence {}, source #{})",
            quoted(&s.from),
            quoted(&s.to),
            s.sentence,
            s.source_article
        )?;
    }
    print_signals(&mut out, spin.map_or(&[], |v| &v.signals))?;
    let stitch = c.stitch.judged();
    print_verdict(
        &mut out,
        "Stitch",
        "stitched",
        stitch.map(|v| (v.stitched, v.score)),
    )?;
    for (article, sentences) in stitch.iter().flat_map(|v| &v.source_articles) {
        writeln!(out, "  source #{article}: {sentences} sentences")?;
    }
    print_signals(&mut out, stitch.map_or(&[], |v| &v.signals))?;
    Ok(())
}

/// "Spin: spun (score 0.71)"; "no", score 0, when not judged yet.
fn print_verdict(
    out: &mut impl Write,
    name: &str,
    flag: &str,
    judged: Option<(bool, f64)>,
) -> Result<()> {
    let (flagged, score) = judged.unwrap_or((false, 0.0));
    let said = if flagged { flag } else { "no" };
    writeln!(out, "\n{name}: {said} (score {score:.2})")?;
    Ok(())
}

fn print_signals(out: &mut impl Write, signals: &[storyline::copies::Signal]) -> Result<()> {
    for s in signals {
        let usual = s
            .usual
            .as_deref()
            .map(|u| format!(" (usually {u:?})"))
            .unwrap_or_default();
        writeln!(out, "  {}: {}{usual}", s.kind.name(), quoted(&s.text))?;
    }
    Ok(())
}

/// A string in double quotes, escaped as JSON.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

pub fn print_copies(r: &storyline::view::CopiesReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} groups of copies (Jaccard >= {}):",
        r.duplicate_groups.len(),
        r.threshold
    )?;
    for g in &r.duplicate_groups {
        let ids: Vec<String> = g.articles.iter().map(|a| format!("#{}", a.id)).collect();
        let title = g.articles[0].title.as_deref().unwrap_or("(untitled)");
        writeln!(out, "  {}  {}", ids.join(" "), title)?;
    }
    let reworded = r
        .reuse_pairs
        .iter()
        .filter(|p| p.kind == storyline::copies::ReuseKind::Reworded)
        .count();
    writeln!(
        out,
        "\n{} reused sentences ({} reworded).",
        r.reuse_pairs.len(),
        reworded
    )?;
    let spun: Vec<String> = r
        .articles
        .iter()
        .filter(|a| a.spin.judged().is_some_and(|v| v.spun))
        .map(|a| format!("#{}", a.id))
        .collect();
    let stitched: Vec<String> = r
        .articles
        .iter()
        .filter(|a| a.stitch.judged().is_some_and(|v| v.stitched))
        .map(|a| format!("#{}", a.id))
        .collect();
    writeln!(
        out,
        "Spun: {}",
        if spun.is_empty() {
            "none".into()
        } else {
            spun.join(" ")
        }
    )?;
    writeln!(
        out,
        "Stitched: {}",
        if stitched.is_empty() {
            "none".into()
        } else {
            stitched.join(" ")
        }
    )?;
    writeln!(out, "\nSee one article with: storyline copies --explain ID")?;
    Ok(())
}

pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn print_ingest_report(r: &IngestReport, stats: &Stats, db: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Read {} records from {} files in {:.2} s.",
        r.records, r.files, r.seconds
    )?;
    let formats: Vec<String> = r.formats.iter().map(|(f, n)| format!("{f} {n}")).collect();
    writeln!(
        out,
        "  added      {:>6}{}",
        r.added,
        if formats.is_empty() {
            String::new()
        } else {
            format!("   ({})", formats.join(", "))
        }
    )?;
    writeln!(out, "  unchanged  {:>6}   (already stored)", r.unchanged)?;
    if r.updated > 0 {
        writeln!(out, "  updated    {:>6}", r.updated)?;
    }
    writeln!(out, "  skipped    {:>6}", r.errors.len())?;
    for e in &r.errors {
        let mut at = e.source.clone().unwrap_or_default();
        if let Some(l) = e.line {
            at.push_str(&format!(":{l}"));
        }
        if let Some(rec) = e.record {
            at.push_str(&format!(" record {rec}"));
        }
        writeln!(out, "    {at}: {}", e.message)?;
    }
    writeln!(out)?;
    print_stats_to(&mut out, stats, db)
}

/// What `storyline check` found.
pub fn print_check(report: &storyline::store::CheckReport, db: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if report.ok {
        writeln!(
            out,
            "{}: no damage found ({} articles, schema version {}){}.",
            db.display(),
            report.articles.unwrap_or(0),
            report.schema_version.unwrap_or(0),
            if report.search_index_checked {
                ""
            } else {
                "; read-only, so the full-text index was checked for its structure, not against the articles"
            }
        )?;
        return Ok(());
    }
    writeln!(out, "{}: the database is damaged.", db.display())?;
    for problem in &report.integrity {
        writeln!(out, "  {problem}")?;
    }
    if let Some(m) = &report.search_index {
        writeln!(out, "  full-text index: {m}")?;
    }
    writeln!(
        out,
        "Restore a backup, or ingest the inputs again into a new database."
    )?;
    Ok(())
}

pub fn print_stats(stats: &Stats, db: &Path) -> Result<()> {
    print_stats_to(&mut std::io::stdout().lock(), stats, db)
}

fn print_stats_to(out: &mut impl Write, s: &Stats, db: &Path) -> Result<()> {
    writeln!(
        out,
        "{}: {} articles from {} sources, {} sentences, {} words.",
        db.display(),
        s.articles,
        s.sources,
        s.sentences,
        s.words
    )?;
    let formats: Vec<String> = s.formats.iter().map(|(f, n)| format!("{f} {n}")).collect();
    if !formats.is_empty() {
        writeln!(out, "  by format: {}", formats.join(", "))?;
    }
    let mut languages: Vec<(&String, &u64)> = s.languages.iter().collect();
    languages.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let languages: Vec<String> = languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    if !languages.is_empty() {
        writeln!(out, "  by language: {}", languages.join(", "))?;
    }
    if let (Some(a), Some(b)) = (&s.first_date, &s.last_date) {
        writeln!(out, "  dates: {a} to {b}")?;
    }
    writeln!(
        out,
        "  copies: {} near-duplicate pairs, {} reused sentences, {} spun and {} stitched articles (see: storyline copies)",
        s.near_duplicate_pairs, s.reused_sentences, s.spun, s.stitched
    )?;
    Ok(())
}

/// `storyline articles`: one line per article.
pub fn print_articles(list: &[storyline::ArticleSummary]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for a in list {
        article_line(
            &mut out,
            a.id,
            a.date.as_deref(),
            a.source.as_deref(),
            a.title.as_deref(),
        )?;
    }
    Ok(())
}

/// `storyline article`: headline, what is known of it, and the text.
pub fn print_article(article: &storyline::Article) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", article.title.as_deref().unwrap_or("(untitled)"))?;
    let meta: Vec<String> = [
        Some(format!("#{}", article.id)),
        article.ref_id.as_ref().map(|r| format!("ref {r}")),
        article.source.clone(),
        article.author.as_ref().map(|a| format!("by {a}")),
        article.date.clone(),
        article.url.clone(),
        Some(format!(
            "{} words, {} sentences, language {}",
            article.words,
            article.sentences.len(),
            article.lang
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    writeln!(out, "{}\n", meta.join(" · "))?;
    writeln!(out, "{}", article.text)?;
    Ok(())
}

/// `storyline search`: each hit with its snippet, matches in bold on a
/// terminal.
pub fn print_search(hits: &[storyline::store::SearchHit]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if hits.is_empty() {
        writeln!(out, "no matches")?;
    }
    for h in hits {
        let a = &h.article;
        writeln!(
            out,
            "{:>6}  {}  ({})",
            a.id,
            a.title.as_deref().unwrap_or("(untitled)"),
            a.source.as_deref().unwrap_or("-")
        )?;
        let snippet = h
            .snippet
            .replace("<mark>", "\x1b[1m")
            .replace("</mark>", "\x1b[0m");
        let snippet = if std::io::stdout().is_terminal() {
            snippet
        } else {
            h.snippet.replace("<mark>", "").replace("</mark>", "")
        };
        writeln!(out, "        {snippet}")?;
    }
    Ok(())
}

/// `storyline stories`: one line per story.
pub fn print_stories(list: &[storyline::stories::StorySummary]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for s in list {
        writeln!(
            out,
            "{:>6}  {:>4} art {:>3} src  {:<10}  {}",
            s.id,
            s.articles,
            s.sources,
            s.last_seen
                .as_deref()
                .map(|d| &d[..d.len().min(10)])
                .unwrap_or("-"),
            s.title.as_deref().unwrap_or("(untitled)")
        )?;
    }
    Ok(())
}

/// `storyline threads`: one line per thread.
pub fn print_threads(list: &[storyline::threads::ThreadSummary]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for t in list {
        writeln!(
            out,
            "{:>6}  {:>3} stories {:>4} art {:>3} src  {:<10} to {:<10}  {}",
            t.id,
            t.stories,
            t.articles,
            t.sources,
            day(t.first_seen.as_deref()),
            day(t.last_seen.as_deref()),
            t.title.as_deref().unwrap_or("(untitled)")
        )?;
    }
    Ok(())
}

fn day(d: Option<&str>) -> &str {
    d.map(|d| &d[..d.len().min(10)]).unwrap_or("-")
}

/// `storyline thread`: the title, the timeline with its citations, and
/// the stories with why each is in the thread.
pub fn print_thread(t: &storyline::threads::Thread) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", t.title.as_deref().unwrap_or("(untitled)"))?;
    writeln!(
        out,
        "thread {} · {} stories · {} articles{}\n",
        t.id,
        t.stories.len(),
        t.articles.len(),
        if t.aliases.is_empty() {
            String::new()
        } else {
            let a: Vec<String> = t.aliases.iter().map(|a| a.to_string()).collect();
            format!(" · also {}", a.join(", "))
        }
    )?;
    for e in &t.timeline {
        let cited: Vec<String> = e
            .citations
            .iter()
            .map(|c| format!("#{}", c.article))
            .collect();
        writeln!(
            out,
            "  {}{}  {} [{}]",
            e.date,
            if e.dated { "" } else { " (stored)" },
            e.text,
            cited.join(" ")
        )?;
    }
    writeln!(out)?;
    for s in &t.stories {
        writeln!(
            out,
            "  story {:>5}  {:>4} art  {}  (names: {})",
            s.id,
            s.articles,
            s.title.as_deref().unwrap_or("(untitled)"),
            s.evidence.shared_names.join(", ")
        )?;
    }
    Ok(())
}

/// `storyline story`: the headline, the story's span, its cited summary
/// and its articles.
pub fn print_story(
    story: &storyline::stories::Story,
    summary: &[storyline::summary::SummarySentence],
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", story.title.as_deref().unwrap_or("(untitled)"))?;
    writeln!(
        out,
        "story {} · {} articles · {} sources · {} to {}{}\n",
        story.id,
        story.article_count,
        story.sources.len(),
        story.first_seen.as_deref().unwrap_or("-"),
        story.last_seen.as_deref().unwrap_or("-"),
        if story.aliases.is_empty() {
            String::new()
        } else {
            format!(
                " · also {}",
                story
                    .aliases
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )?;
    for s in summary {
        let cited: Vec<String> = s
            .citations
            .iter()
            .map(|c| {
                format!(
                    "#{}{}",
                    c.article,
                    c.source
                        .as_deref()
                        .map(|x| format!(" {x}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        writeln!(out, "  {} [{}]", s.text, cited.join("; "))?;
    }
    if !summary.is_empty() {
        writeln!(out)?;
    }
    for a in &story.articles {
        article_line(
            &mut out,
            a.id,
            a.date.as_deref(),
            a.source.as_deref(),
            a.title.as_deref(),
        )?;
    }
    Ok(())
}

/// `storyline summarize`: the summary, each sentence with the inputs that
/// carry it.
pub fn print_summary(summary: &[storyline::summary::SummarySentence]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for s in summary {
        let cited: Vec<String> = s
            .citations
            .iter()
            .map(|c| {
                c.ref_id
                    .clone()
                    .or_else(|| c.source.clone())
                    .unwrap_or_else(|| format!("#{}", c.article))
            })
            .collect();
        writeln!(out, "{} [{}]", s.text, cited.join(", "))?;
    }
    Ok(())
}

/// `storyline recluster`: what the rebuild changed, on one line.
pub fn print_recluster(report: &storyline::pipeline::stories::ReclusterReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} articles: {} stories before, {} after ({} ids kept, {} now aliases, {} new); \
pair agreement {:.3}; {:.1}s",
        report.articles,
        report.stories_before,
        report.stories_after,
        report.ids_kept,
        report.ids_aliased,
        report.ids_new,
        report.pair_agreement,
        report.seconds
    )?;
    Ok(())
}

/// The sources as a table: health, kind, interval, when last fetched and
/// next due, what they gave, and what went wrong last.
pub fn print_sources(sources: &[storyline::store::sources::Source]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if sources.is_empty() {
        writeln!(out, "no sources; add one with `storyline sources add URL`")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>4}  {:<7}  {:<13}  {:>5}  {:<19}  {:<19}  {:>6}  {:>8}  {:>7}  {:>6}  source",
        "id",
        "health",
        "kind",
        "every",
        "last fetch",
        "next due",
        "items",
        "articles",
        "pending",
        "errors"
    )?;
    let when = |t: Option<&str>| -> String {
        t.map(|t| t.get(..19).unwrap_or(t).replace('T', " "))
            .unwrap_or_else(|| "-".into())
    };
    for s in sources {
        let label = match &s.name {
            Some(n) => format!("{n} <{}>", s.url),
            None => s.url.clone(),
        };
        writeln!(
            out,
            "{:>4}  {:<7}  {:<13}  {:>5}  {:<19}  {:<19}  {:>6}  {:>8}  {:>7}  {:>6}  {}",
            s.id,
            s.health,
            s.kind.as_deref().unwrap_or("-"),
            s.every,
            when(s.last_fetch.as_deref()),
            when(Some(&s.next_due)),
            s.items_seen,
            s.articles,
            s.pending,
            s.consecutive_errors,
            label
        )?;
        if let Some(e) = &s.last_error {
            writeln!(out, "        last error: {}", clip(e, 160))?;
        }
        if let Some(e) = &s.last_page_error {
            writeln!(
                out,
                "        last page error ({} in all): {}",
                s.page_errors,
                clip(e, 160)
            )?;
        }
    }
    Ok(())
}

/// The line `watch` prints after a pass.
pub fn pass_line(r: &storyline_watch::PassReport) -> String {
    let when = r
        .started_at
        .get(..19)
        .unwrap_or(&r.started_at)
        .replace('T', " ");
    let mut line = format!(
        "{when}  pass {}: {} sources polled ({} not modified, {} failed)",
        r.pass, r.sources, r.not_modified, r.source_errors
    );
    if r.resumed > 0 {
        line.push_str(&format!(", {} resumed", r.resumed));
    }
    line.push_str(&format!(
        ", {} new items, {} articles added, {} updated",
        r.new_items, r.added, r.updated
    ));
    if r.fallbacks > 0 {
        line.push_str(&format!(" ({} from the feed's text)", r.fallbacks));
    }
    line.push_str(&format!(", {} page errors", r.page_errors));
    if r.pending > 0 {
        line.push_str(&format!(", {} pending", r.pending));
    }
    line.push_str(&format!(", {:.1} s", r.seconds));
    if r.stopped {
        line.push_str(" (stopped)");
    }
    line
}
