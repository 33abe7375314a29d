//! `storyline`: the command-line interface to the Storyline pipeline.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use storyline::ingest::{DEFAULT_MAX_FILE_SIZE, IngestOptions};
use storyline::pipeline::{self, IngestReport, Progress};
use storyline::store::Store;

#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Turn a pile or a stream of news articles into stories.",
    after_help = "Example:\n  storyline --db news.db ingest corpus/\n  storyline --db news.db search \"chemical attack\""
)]
struct Cli {
    /// The database file (created if missing).
    #[arg(
        long,
        global = true,
        env = "STORYLINE_DB",
        default_value = "storyline.db"
    )]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles from files, directories or standard input into the database.
    #[command(
        after_help = "Formats (detected from content, then extension): plain text (first line the \
headline), JSONL (fields id, url, title, text or html, source, date, author), HTML pages, WARC \
archives (.warc, .warc.gz) and RSS/Atom feeds; any of them gzipped. Directories are read \
recursively (article file types only; .ignore and .gitignore files are honoured). `-` reads JSONL \
from standard input.\n\nExit status: 0 when every record was stored or already stored, 2 when some \
were skipped (all are listed), 1 when nothing could be done.\n\nExamples:\n  storyline ingest corpus/\n  \
storyline ingest --json feed.xml crawl.warc.gz\n  cat articles.jsonl | storyline ingest -"
    )]
    Ingest {
        /// Files, directories, or `-` for JSONL on standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
        /// Skip files larger than this (bytes, or with a K, M or G suffix).
        #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
    },
    /// List stored articles.
    #[command(after_help = "Example:\n  storyline articles --json --limit 10")]
    Articles {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
        /// At most this many articles.
        #[arg(long)]
        limit: Option<usize>,
        /// Skip this many articles first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Show one article with its text and sentences.
    #[command(
        after_help = "ID is an article id, or the input's own id (its `ref`); force one \
reading with `id:N` or `ref:X`.\n\nExamples:\n  storyline article 12\n  storyline article --json ref:1_10ecbplus"
    )]
    Article {
        /// Article id or input id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search, best matches first (bm25, headline weighted).
    #[command(
        after_help = "Words match by stem; \"quoted phrases\", prefix* and OR/NOT work.\n\n\
Example:\n  storyline search --json \"chemical attack\" Syria"
    )]
    Search {
        /// Query words.
        #[arg(required = true)]
        query: Vec<String>,
        /// Print a JSON array of hits.
        #[arg(long)]
        json: bool,
        /// At most this many hits.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Skip this many hits first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Copies: duplicate groups, reused sentences, and spun or stitched articles.
    #[command(
        after_help = "Near-duplicates are pairs whose word 5-gram shingles have a Jaccard \
similarity of at least --threshold (0.5 to 1; found with MinHash LSH and verified exactly). \
A sentence is reused when another article carries it verbatim or reworded (a paraphrase model \
trained on MSRP decides). Spin and stitch verdicts come with their evidence.\n\nExamples:\n  \
storyline copies --json\n  storyline copies --explain 12\n  storyline copies --threshold 0.6"
    )]
    Copies {
        /// Print JSON: {"threshold", "duplicate_groups", "reuse_pairs", "articles"}.
        #[arg(long)]
        json: bool,
        /// Explain one article readably: its copies, reused sentences with word diffs, verdicts.
        #[arg(long, value_name = "ID")]
        explain: Option<String>,
        /// Jaccard similarity at which two articles are copies.
        #[arg(long, default_value_t = 0.8, value_parser = parse_threshold)]
        threshold: f64,
        /// At most this many reuse pairs and article verdicts.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Delete articles and everything derived from them.
    #[command(after_help = "Example:\n  storyline delete 12 ref:1_10ecb")]
    Delete {
        /// Article ids or input ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List stories: articles about one event, grouped as they arrived.
    #[command(
        after_help = "Most recently active first. JSON: an array of {\"id\", \"title\", \
\"articles\" (count), \"sources\" (count of distinct sources), \"first_seen\", \"last_seen\"}.\n\n\
Examples:\n  storyline stories\n  storyline stories --json --min-articles 3 --limit 20"
    )]
    Stories {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
        /// At most this many stories.
        #[arg(long)]
        limit: Option<usize>,
        /// Skip this many stories first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Only stories with at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_articles: usize,
    },
    /// Show one story with its articles, oldest first.
    #[command(
        after_help = "ID is a story id (an id merged into another story resolves to it), or \
`article:X` for the story of article X (an article id or ref).\n\nJSON: {\"id\", \"title\", \
\"article_count\", \"sources\" (names, most articles first), \"first_seen\", \"last_seen\", \
\"aliases\", \"articles\": [{\"id\", \"ref\", \"refs\", \"title\", \"source\", \"url\", \"date\", \
\"score\", \"reason\", \"signals\": [{\"signal\", \"value\", \"contribution\"}]}], \
\"summary\", \"quotes\", \"entities\"} (see `quotes --help` and `entities --help`). `score` is \
the join model's probability that the article belongs to the story; `signals` are what weighed \
most in that decision.\n\nExamples:\n  storyline story 3\n  storyline story --json article:1_1ecb"
    )]
    Story {
        /// Story id, or article:ID.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Who said what in a story: its quotes, each with every source that
    /// carries it.
    #[command(
        after_help = "ID is a story id or article:X, as for `story`. Quotes carried by several \
sources are one quote; `wording_differs` and `speakers_differ` flag sources that word it \
differently or give it to different speakers.\n\nJSON: [{\"article\", \"ref\", \"kind\" \
(direct|mixed|indirect), \"text\", \"cue\", \"speaker\" (as written), \"speaker_resolved\", \
\"entity\", \"span\": {\"start\", \"end\"} (characters of the article's stored text), \
\"wording_differs\", \"speakers_differ\", \"sources\": [{\"article\", \"ref\", \"source\", \
\"kind\", \"text\", \"cue\", \"speaker\", \"speaker_resolved\", \"entity\", \"span\"}]}].\n\n\
Examples:\n  storyline quotes 3\n  storyline quotes --json article:1_1ecb"
    )]
    Quotes {
        /// Story id, or article:ID.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The people, organisations and places of a story, with their aliases.
    #[command(
        after_help = "ID is a story id or article:X, as for `story`.\n\nJSON: [{\"id\", \
\"name\", \"kind\" (person|organization|place), \"aliases\", \"mentions\", \"articles\": \
[{\"article\", \"ref\", \"mentions\"}]}], most mentioned first.\n\nExamples:\n  \
storyline entities 3\n  storyline entities --json article:1_1ecb"
    )]
    Entities {
        /// Story id, or article:ID.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild every story from scratch, to compare with the online result.
    #[command(
        after_help = "Word frequencies are counted over the whole store first, then every \
article is placed again, oldest first. Story ids carry over: a new story keeps the old id most \
of its articles had, and every other old id becomes an alias. The same join model decides as \
online. --threshold changes the bar at which an article joins a story (the model's probability; \
the similarity under the hand-set rules, `--params '{\"scorer\": \"rules\"}'`), for this \
rebuild and every later ingest.\n\n\
Examples:\n  storyline recluster\n  storyline recluster --json --threshold 0.35"
    )]
    Recluster {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The bar (0 to 1) at which an article joins a story: the join
        /// model's probability (`join_probability`), or the similarity under
        /// the hand-set rules (`threshold`).
        #[arg(long, value_parser = parse_unit)]
        threshold: Option<f32>,
        /// Other tuning, as a JSON object over the stored one (keys: scorer
        /// ("learned" or "rules"), join_probability, merge_similarity; for the
        /// rules: threshold, entity_weight, half_life_days, novelty_penalty,
        /// same_days, same_days_bonus, cohesion_weight, cohesion_range,
        /// shared_bonus, shared_full).
        #[arg(long, value_name = "JSON")]
        params: Option<String>,
    },
    /// Summarise a set of articles without storing them (for evaluation).
    #[command(
        after_help = "Reads the files and directories as `ingest` does (any format), and prints an \
extractive summary of about --words words (no sentence is cut; the last may run over) whose every \
sentence cites every article that carries it, word for word or reworded.\n\nJSON: {\"words\", \
\"articles\": [{\"article\", \"ref\", \"title\", \"source\", \"date\"}], \"summary\": [{\"text\", \
\"citations\": [{\"article\", \"ref\", \"source\", \"sentence\", \"text\"}]}], \"errors\"}; `article` \
is the article's 0-based position among the inputs.\n\nExamples:\n  storyline summarize cluster.jsonl\n  \
storyline summarize --json --words 300 articles/"
    )]
    Summarize {
        /// Files or directories of articles.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Summary length in words.
        #[arg(long, default_value_t = storyline::summary::DEFAULT_WORDS)]
        words: usize,
    },
    /// Counts of what is stored.
    #[command(after_help = "Example:\n  storyline stats --json")]
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the JSON API and the web pages over HTTP.
    #[command(
        after_help = "Pages: / (stories), /stories/ID, /articles/ID, /search?q=. API under /api \
(described at /api/openapi.json): GET /api/stories, /api/stories/ID, /api/articles, \
/api/articles/ID, /api/articles/ID/copies, /api/search?q=, /api/stats, and POST /api/articles \
(JSON or JSON Lines, needs the token). Without a token the server is read-only.\n\nExamples:\n  \
storyline serve --addr 127.0.0.1:8080\n  STORYLINE_TOKEN=s3cret storyline --db news.db serve\n  \
curl -H 'Authorization: Bearer s3cret' -H 'Content-Type: application/x-ndjson' \\\n    \
--data-binary @articles.jsonl http://127.0.0.1:8080/api/articles"
    )]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Bearer token that writes (POST /api/articles) need.
        #[arg(long, env = "STORYLINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Largest request body accepted (bytes, or with a K, M or G suffix).
        #[arg(long, value_parser = parse_size, default_value = "16M")]
        max_body: u64,
        /// Writes per second each client may make, on average (bursts of
        /// --write-burst).
        #[arg(long, default_value_t = 2.0)]
        write_rate: f64,
        /// Writes a client may make at once.
        #[arg(long, default_value_t = 10)]
        write_burst: u32,
        /// Seconds a read may take.
        #[arg(long, default_value_t = 30)]
        read_timeout: u64,
        /// Seconds a write (an ingest) may take.
        #[arg(long, default_value_t = 300)]
        write_timeout: u64,
    },
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    let t: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    let floor = storyline::copies::minhash::MIN_THRESHOLD;
    if (floor..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("the threshold must be between {floor} and 1"))
    }
}

fn parse_unit(s: &str) -> Result<f32, String> {
    let t: f32 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err("the threshold must be between 0 and 1".into())
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&s[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    num.trim()
        .parse::<u64>()
        .map(|n| n.saturating_mul(mult))
        .map_err(|_| format!("{s:?} is not a size: use bytes or a number with K, M or G"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `storyline articles | head` closing the pipe early is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("storyline: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn open(db: &PathBuf) -> Result<Store> {
    Store::open(db).with_context(|| format!("cannot open the database {}", db.display()))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest {
            paths,
            json,
            max_file_size,
        } => {
            let mut store = open(&cli.db)?;
            let opts = IngestOptions { max_file_size };
            let bar = progress_bar();
            let report = pipeline::ingest(&mut store, &paths, &opts, &|p: Progress| {
                if let Some(bar) = &bar {
                    bar.set_length(p.files_total);
                    bar.set_position(p.files_done);
                    bar.set_message(format!("{} records", p.records_done));
                }
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if json {
                print_json(&report)?;
            } else {
                print_ingest_report(&report, &store, &cli.db)?;
            }
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Articles {
            json,
            limit,
            offset,
        } => {
            let store = open(&cli.db)?;
            let list = store.articles(limit.unwrap_or(usize::MAX >> 1), offset)?;
            if json {
                print_json(&list)?;
            } else {
                let mut out = std::io::stdout().lock();
                for a in &list {
                    article_line(
                        &mut out,
                        a.id,
                        a.date.as_deref(),
                        a.source.as_deref(),
                        a.title.as_deref(),
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Article { id, json } => {
            let store = open(&cli.db)?;
            let Some(found) = store.resolve(&id)? else {
                eprintln!("storyline: no article with id or ref {id:?}");
                return Ok(ExitCode::from(1));
            };
            if json {
                let view = storyline::view::article(&store, found)?
                    .context("the article vanished while being read")?;
                print_json(&view)?;
            } else {
                let article = store
                    .article(found)?
                    .context("the article vanished while being read")?;
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
                        "{} words, {} sentences",
                        article.words,
                        article.sentences.len()
                    )),
                ]
                .into_iter()
                .flatten()
                .collect();
                writeln!(out, "{}\n", meta.join(" · "))?;
                writeln!(out, "{}", article.text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            json,
            limit,
            offset,
        } => {
            let store = open(&cli.db)?;
            let hits = store.search(&query.join(" "), limit, offset)?;
            if json {
                print_json(&hits)?;
            } else {
                let mut out = std::io::stdout().lock();
                if hits.is_empty() {
                    writeln!(out, "no matches")?;
                }
                for h in &hits {
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
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Copies {
            json,
            explain,
            threshold,
            limit,
        } => {
            let store = open(&cli.db)?;
            if let Some(id) = explain {
                let Some(found) = store.resolve(&id)? else {
                    eprintln!("storyline: no article with id or ref {id:?}");
                    return Ok(ExitCode::from(1));
                };
                let copies = store.article_copies(found, threshold)?;
                if json {
                    print_json(&copies)?;
                } else {
                    let article = store.article(found)?.context("the article vanished")?;
                    explain_copies(&article, &copies)?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let report = store.copies_report(threshold, limit.unwrap_or(usize::MAX >> 1))?;
            if json {
                print_json(&report)?;
            } else {
                print_copies(&report)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Delete { ids, json } => {
            let mut store = open(&cli.db)?;
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for id in &ids {
                match store.resolve(id)? {
                    Some(n) => found.push(n),
                    None => missing.push(id.clone()),
                }
            }
            let deleted = storyline::pipeline::delete(&mut store, &found)?;
            if json {
                print_json(&serde_json::json!({ "deleted": deleted, "missing": missing }))?;
            } else {
                println!("deleted {deleted} articles");
                for m in &missing {
                    println!("  not found: {m}");
                }
            }
            Ok(if missing.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Stories {
            json,
            limit,
            offset,
            min_articles,
        } => {
            let mut store = open(&cli.db)?;
            // A database from before the stories stage gets its stories now.
            pipeline::stories::backfill(&mut store)?;
            let list = store.stories(limit.unwrap_or(usize::MAX >> 1), offset, min_articles)?;
            if json {
                print_json(&list)?;
            } else {
                let mut out = std::io::stdout().lock();
                for s in &list {
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
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Story { id, json } => {
            let mut store = open(&cli.db)?;
            pipeline::stories::backfill(&mut store)?;
            pipeline::quotes::backfill(&mut store)?;
            let Some(story_id) = story_arg(&store, &id)? else {
                return Ok(ExitCode::from(1));
            };
            let Some(story) = store.story(story_id)? else {
                eprintln!("storyline: no story {id:?}");
                return Ok(ExitCode::from(1));
            };
            if json {
                let view = storyline::view::story(&store, story.id)?
                    .context("the story vanished while being read")?;
                print_json(&view)?;
            } else {
                let summary = store.summary(story.id)?.unwrap_or_default();
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
                for s in &summary {
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
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Quotes { ref id, json } | Command::Entities { ref id, json } => {
            let quotes = matches!(cli.command, Command::Quotes { .. });
            let id = id.clone();
            let mut store = open(&cli.db)?;
            pipeline::stories::backfill(&mut store)?;
            pipeline::quotes::backfill(&mut store)?;
            let Some(story_id) = story_arg(&store, &id)? else {
                return Ok(ExitCode::from(1));
            };
            let Some(who) = pipeline::quotes::for_story(&store, story_id)? else {
                eprintln!("storyline: no story {id:?}");
                return Ok(ExitCode::from(1));
            };
            match (quotes, json) {
                (true, true) => print_json(&who.quotes)?,
                (false, true) => print_json(&who.entities)?,
                (true, false) => print_quotes(&who)?,
                (false, false) => print_entities(&who)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Recluster {
            json,
            threshold,
            params,
        } => {
            let mut store = open(&cli.db)?;
            let params = if threshold.is_some() || params.is_some() {
                let mut p = serde_json::to_value(store.story_params()?)?;
                if let Some(extra) = &params {
                    let extra: serde_json::Value =
                        serde_json::from_str(extra).context("--params is not JSON")?;
                    let (Some(obj), Some(extra)) = (p.as_object_mut(), extra.as_object()) else {
                        anyhow::bail!("--params must be a JSON object");
                    };
                    for (k, v) in extra {
                        if !obj.contains_key(k) {
                            anyhow::bail!("--params: unknown key {k:?}");
                        }
                        obj.insert(k.clone(), v.clone());
                    }
                }
                let mut p: storyline::stories::StoryParams =
                    serde_json::from_value(p).context("--params has a value of the wrong type")?;
                if let Some(t) = threshold {
                    match p.scorer {
                        storyline::stories::Scorer::Learned => p.join_probability = Some(t),
                        storyline::stories::Scorer::Rules => p.threshold = t,
                    }
                }
                Some(p)
            } else {
                None
            };
            let report = pipeline::stories::recluster(&mut store, params)?;
            if json {
                print_json(&report)?;
            } else {
                println!(
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
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Summarize { paths, json, words } => {
            let opts = IngestOptions::default();
            let (articles, errors) = pipeline::read_articles(&paths, &opts);
            let inputs: Vec<storyline::summary::SummaryInput<'_>> = articles
                .iter()
                .enumerate()
                .map(|(i, a)| storyline::summary::SummaryInput {
                    id: i as i64,
                    ref_id: a.ref_id.as_deref(),
                    source: a.source.as_deref(),
                    date: a.date.as_deref(),
                    text: &a.analyzed,
                })
                .collect();
            let summary = storyline::summary::summarize(&inputs, words);
            if json {
                let listed: Vec<serde_json::Value> = articles
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        serde_json::json!({"article": i, "ref": a.ref_id, "title": a.title,
                            "source": a.source, "date": a.date})
                    })
                    .collect();
                print_json(&serde_json::json!({
                    "words": words, "articles": listed, "summary": summary, "errors": errors
                }))?;
            } else {
                let mut out = std::io::stdout().lock();
                for s in &summary {
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
                for e in &errors {
                    eprintln!(
                        "storyline: skipped {}: {}",
                        e.source.as_deref().unwrap_or("-"),
                        e.message
                    );
                }
            }
            Ok(if errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Serve {
            addr,
            token,
            max_body,
            write_rate,
            write_burst,
            read_timeout,
            write_timeout,
        } => {
            let mut config = storyline_server::Config::new(&cli.db);
            config.token = token.filter(|t| !t.trim().is_empty());
            config.max_body = usize::try_from(max_body).unwrap_or(usize::MAX);
            config.write_rate = write_rate;
            config.write_burst = write_burst;
            config.read_timeout = std::time::Duration::from_secs(read_timeout);
            config.write_timeout = std::time::Duration::from_secs(write_timeout);
            let read_only = config.token.is_none();
            let state = storyline_server::AppState::open(config)
                .with_context(|| format!("cannot open the database {}", cli.db.display()))?;
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let local = listener.local_addr()?;
                eprintln!(
                    "storyline: serving {} on http://{local}/ ({})",
                    cli.db.display(),
                    if read_only {
                        "read-only: no --token"
                    } else {
                        "writes need the token"
                    }
                );
                let shutdown = async {
                    #[cfg(unix)]
                    {
                        use tokio::signal::unix::{SignalKind, signal};
                        match signal(SignalKind::terminate()) {
                            Ok(mut term) => {
                                tokio::select! {
                                    _ = tokio::signal::ctrl_c() => {}
                                    _ = term.recv() => {}
                                }
                            }
                            Err(_) => {
                                let _ = tokio::signal::ctrl_c().await;
                            }
                        }
                    }
                    #[cfg(not(unix))]
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("storyline: stopping");
                };
                storyline_server::serve(listener, state, shutdown).await?;
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let store = open(&cli.db)?;
            let stats = store.stats()?;
            if json {
                print_json(&stats)?;
            } else {
                print_stats(&stats, &cli.db)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One article in a listing: id, day, source, headline.
/// The story a `story` argument names: a story id or `article:X`. Prints
/// why not and returns `None` when there is none.
fn story_arg(store: &Store, id: &str) -> Result<Option<i64>> {
    let story = match id.strip_prefix("article:") {
        Some(article) => match store.resolve(article)? {
            Some(a) => store.story_of(a)?,
            None => {
                eprintln!("storyline: no article with id or ref {article:?}");
                return Ok(None);
            }
        },
        None => match id.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                eprintln!("storyline: {id:?} is not a story id (a number, or article:ID)");
                return Ok(None);
            }
        },
    };
    if story.is_none() {
        eprintln!("storyline: no story {id:?}");
    }
    Ok(story)
}

fn print_quotes(who: &storyline::quotes::StoryAttributions) -> Result<()> {
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

fn print_entities(who: &storyline::quotes::StoryAttributions) -> Result<()> {
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

fn article_line(
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

fn render_diff(edits: &[storyline::copies::Edit]) -> String {
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

fn explain_copies(
    article: &storyline::Article,
    c: &storyline::store::copies::ArticleCopies,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "#{} {}",
        article.id,
        article.title.as_deref().unwrap_or("(untitled)")
    )?;
    let near = c.copies["near_duplicates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if near.is_empty() {
        writeln!(
            out,
            "\nNo near-duplicates at Jaccard >= {}.",
            c.copies["threshold"]
        )?;
    } else {
        writeln!(out, "\nCopies (original: #{}):", c.copies["original"])?;
        for n in near {
            writeln!(
                out,
                "  #{} {:.2}{} {}",
                n["id"],
                n["jaccard"].as_f64().unwrap_or(0.0),
                if n["exact"].as_bool() == Some(true) {
                    " exact"
                } else {
                    ""
                },
                n["title"].as_str().unwrap_or("")
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
                m.kind,
                m.score,
                render_diff(&m.diff)
            )?;
        }
    }
    for (name, v, key) in [("Spin", &c.spin, "spun"), ("Stitch", &c.stitch, "stitched")] {
        writeln!(
            out,
            "\n{name}: {} (score {:.2})",
            if v[key].as_bool() == Some(true) {
                key
            } else {
                "no"
            },
            v["score"].as_f64().unwrap_or(0.0)
        )?;
        for s in v["substitutions"].as_array().into_iter().flatten() {
            writeln!(
                out,
                "  substitution: {} -> {} (sentence {}, source #{})",
                s["from"], s["to"], s["sentence"], s["source_article"]
            )?;
        }
        for s in v["source_articles"].as_array().into_iter().flatten() {
            writeln!(out, "  source #{}: {} sentences", s[0], s[1])?;
        }
        for s in v["signals"].as_array().into_iter().flatten() {
            let usual = s["usual"]
                .as_str()
                .map(|u| format!(" (usually {u:?})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {}: {}{usual}",
                s["kind"].as_str().unwrap_or(""),
                s["text"]
            )?;
        }
    }
    Ok(())
}

fn print_copies(r: &storyline::store::CopiesReport) -> Result<()> {
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
        .filter(|p| p.kind == "reworded")
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
        .filter(|a| a["spin"]["spun"] == true)
        .map(|a| format!("#{}", a["id"]))
        .collect();
    let stitched: Vec<String> = r
        .articles
        .iter()
        .filter(|a| a["stitch"]["stitched"] == true)
        .map(|a| format!("#{}", a["id"]))
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

fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn print_ingest_report(r: &IngestReport, store: &Store, db: &std::path::Path) -> Result<()> {
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
    let stats = store.stats()?;
    writeln!(out)?;
    print_stats_to(&mut out, &stats, db)
}

fn print_stats(stats: &storyline::store::Stats, db: &std::path::Path) -> Result<()> {
    print_stats_to(&mut std::io::stdout().lock(), stats, db)
}

fn print_stats_to(
    out: &mut impl Write,
    s: &storyline::store::Stats,
    db: &std::path::Path,
) -> Result<()> {
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
