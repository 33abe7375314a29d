//! The command line: one `Args` struct per command, parsed by clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use storyline::ingest::html_bounds::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES};
use storyline::ingest::{
    DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_RECORD_SIZE, DEFAULT_MAX_TEXT_SIZE, HtmlLimits,
    IngestOptions,
};

/// `storyline [--db FILE] COMMAND`.
#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Turn a pile or a stream of news articles into stories.",
    after_help = "Example:\n  storyline --db news.db ingest corpus/\n  storyline --db news.db search \"chemical attack\""
)]
pub struct Cli {
    /// The database: a file (created if missing), or `sqlite:FILE`.
    /// PostgreSQL (`postgres://...`) is not built in yet (issue 21).
    #[arg(
        long,
        global = true,
        env = "STORYLINE_DB",
        default_value = "storyline.db"
    )]
    pub db: PathBuf,
    /// Never write to the database (nor to its journal): for an archive on
    /// read-only media or another user's store. Commands that only read
    /// also open the database read-only by themselves when it cannot be
    /// written.
    #[arg(long, global = true, env = "STORYLINE_READ_ONLY")]
    pub read_only: bool,
    /// Memory for the store's caches, in MiB, for the whole process: 7/16
    /// for the copies index's recent tier (articles older than it holds
    /// are matched through the archive), 1/16 for the stem cache (every
    /// language's words), a quarter for SQLite's page caches and a quarter
    /// for its memory-mapped reads, those two shared among the process's
    /// connections. Default: 64 for `watch` and
    /// `serve --watch`, 256 for `serve`, 512 for the rest.
    #[arg(long, global = true, env = "STORYLINE_CACHE_MB", value_name = "MB")]
    pub cache_mb: Option<u64>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands, one [`crate::commands`] module each.
#[derive(Subcommand)]
pub enum Command {
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
    Ingest(IngestArgs),
    /// List stored articles.
    #[command(after_help = "Example:\n  storyline articles --json --limit 10")]
    Articles(ArticlesArgs),
    /// Show one article with its text and sentences.
    #[command(
        after_help = "ID is an article id, or the input's own id (its `ref`); force one \
reading with `id:N` or `ref:X`.\n\nExamples:\n  storyline article 12\n  storyline article --json ref:1_10ecbplus"
    )]
    Article(ArticleArgs),
    /// Full-text search, best matches first (bm25, headline weighted).
    #[command(
        after_help = "Words match by stem; \"quoted phrases\", prefix* and OR/NOT work.\n\n\
Example:\n  storyline search --json \"chemical attack\" Syria"
    )]
    Search(SearchArgs),
    /// Copies: duplicate groups, reused sentences, and spun or stitched articles.
    #[command(
        after_help = "Near-duplicates are pairs whose word 5-gram shingles have a Jaccard \
similarity of at least --threshold (0.5 to 1; found with MinHash LSH and verified exactly). \
A sentence is reused when another article carries it verbatim or reworded (a paraphrase model \
trained on MSRP decides). Spin and stitch verdicts come with their evidence.\n\nExamples:\n  \
storyline copies --json\n  storyline copies --explain 12\n  storyline copies --threshold 0.6"
    )]
    Copies(CopiesArgs),
    /// Delete articles and everything derived from them.
    #[command(after_help = "Example:\n  storyline delete 12 ref:1_10ecb")]
    Delete(DeleteArgs),
    /// List stories: articles about one event, grouped as they arrived.
    #[command(
        after_help = "Most recently active first. JSON: an array of {\"id\", \"title\", \
\"articles\" (count), \"sources\" (count of distinct sources), \"first_seen\", \"last_seen\"}.\n\n\
Examples:\n  storyline stories\n  storyline stories --json --min-articles 3 --limit 20"
    )]
    Stories(StoriesArgs),
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
    Story(StoryArgs),
    /// List threads: the running subjects above the stories, most
    /// recently active first.
    #[command(
        after_help = "A thread groups the stories (events) of one running subject over weeks \
to years: a trial and its hearings, a war, a search and its inquiry. Undated threads, known only \
by when they were stored, come after every dated one. JSON: an array of {\"id\", \"title\", \
\"stories\", \"articles\", \"sources\" (counts), \"first_seen\", \"last_seen\"}.\n\n\
Examples:\n  storyline threads\n  storyline threads --json --min-stories 2 --limit 20"
    )]
    Threads(ThreadsArgs),
    /// Show one thread: its stories with why each is there, its articles
    /// and its dated timeline.
    #[command(
        after_help = "ID is a thread id (an id merged into another thread resolves to it), \
`story:N` for the thread of story N, or `article:X` for the thread of article X's story.\n\n\
JSON: {\"id\", \"title\", \"aliases\", \"stories\": [{\"id\", \"title\", \"articles\", \
\"first_seen\", \"last_seen\", \"evidence\": {\"score\", \"words\", \"names\", \
\"shared_names\", \"shared_terms\", \"shared_sentences\"}}], \"articles\": [{\"id\", \"ref\", \
\"story\", \"title\", \"source\", \"date\"}], \"timeline\": [{\"date\", \"dated\", \"story\", \
\"text\", \"citations\": [{\"article\", \"ref\", \"source\", \"sentence\", \"text\"}]}]}. \
A timeline entry is one sentence of one story's articles of one day, citing every article of \
that day that carries it; `dated` is false when the day is only when the articles were stored.\n\n\
Examples:\n  storyline thread 2\n  storyline thread --json story:14\n  storyline thread article:1_1ecb"
    )]
    Thread(StoryArgs),
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
    Quotes(StoryArgs),
    /// The people, organisations and places of a story, with their aliases.
    #[command(
        after_help = "ID is a story id or article:X, as for `story`.\n\nJSON: [{\"id\", \
\"name\", \"kind\" (person|organization|place), \"aliases\", \"mentions\", \"articles\": \
[{\"article\", \"ref\", \"mentions\"}]}], most mentioned first.\n\nExamples:\n  \
storyline entities 3\n  storyline entities --json article:1_1ecb"
    )]
    Entities(StoryArgs),
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
    Recluster(ReclusterArgs),
    /// Summarise a set of articles without storing them (for evaluation).
    #[command(
        after_help = "Reads the files and directories as `ingest` does (any format), and prints an \
extractive summary of about --words words (no sentence is cut; the last may run over) whose every \
sentence cites every article that carries it, word for word or reworded.\n\nJSON: {\"words\", \
\"articles\": [{\"article\", \"ref\", \"title\", \"source\", \"date\"}], \"summary\": [{\"text\", \
\"citations\": [{\"article\", \"ref\", \"source\", \"sentence\", \"text\"}]}], \"errors\"}; `article` \
is the article's 0-based position among the inputs; `lang` is the summary's language, the one \
most of the articles share (articles in other languages are left out unless --any-language).\n\nExamples:\n  storyline summarize cluster.jsonl\n  \
storyline summarize --json --words 300 articles/"
    )]
    Summarize(SummarizeArgs),
    /// Counts of what is stored.
    #[command(after_help = "Example:\n  storyline stats --json")]
    Stats(StatsArgs),
    /// Check the database for damage (nothing is written).
    #[command(
        after_help = "Runs SQLite's integrity_check (every page, every index against its \
table) and the full-text index's own check against the articles. `serve` and `ingest` run a \
quicker check (quick_check) when they start.\n\nJSON: {\"ok\", \"integrity\" (what \
integrity_check found), \"search_index\" (what the full-text index's check against the \
articles found, or null), \"search_index_checked\" (whether that check ran: it needs write \
access), \
\"articles\", \"schema_version\", \"read_only\"}.\n\nExit status: 0 when the database is \
sound, 2 when damage was found, 1 when it could not be checked.\n\nExample:\n  storyline --db \
news.db check"
    )]
    Check(CheckArgs),
    /// Checkpoint, merge the copies index into one run, optimise and vacuum.
    #[command(
        after_help = "Writes the log into the file, merges the copies index's runs (dropping \
deleted and pruned articles' keys), writes quotes, names, story features, copy verdicts, \
fingerprints and reused sentences stored before their compact encodings in them, leaves story features \
and summaries' sentences to be read from the text where it gives them back, optimises the full-text index and rewrites \
the file without its free pages. Takes a write lock for its duration.\n\nJSON: \
{\"bytes_before\", \"bytes_after\", \"bytes_saved\", \"index_runs_merged\", \
\"attributions_recoded\", \"story_features_recoded\", \"story_features_from_text\", \
\"summaries_recoded\", \"contributions_recoded\", \"verdicts_deflated\", \"fingerprints_recoded\", \"reuse_packed\"}.\n\nExample:\n  storyline --db \
news.db compact --json"
    )]
    Compact(JsonArgs),
    /// Drop the text of articles dated before a day, keeping what was found in it.
    #[command(
        after_help = "The articles keep their headline, date, source, stories, summaries, \
quotes, copy evidence and citations, and are marked \"text pruned\" (\"text_pruned\": true in \
JSON); their text, sentences, full-text rows (the headline stays searchable), fingerprints and \
copies index keys go. Undated articles are kept. Run `compact` after it to give the space \
back.\n\nJSON: {\"before\", \"pruned\", \"already_pruned\"}.\n\nExample:\n  storyline --db \
news.db prune --before 2025-01-01"
    )]
    Prune(PruneArgs),
    /// Write a consistent copy of the database while it is in use.
    #[command(
        after_help = "SQLite's online backup, in one read transaction: an ingest in another \
process goes on meanwhile, and the copy is the store as it was when the backup started. The \
copy is checked (quick_check) before it takes its name; an existing file is never \
overwritten. To restore, use the file as --db.\n\nJSON: {\"path\", \"bytes\", \
\"articles\"}.\n\nExample:\n  storyline --db news.db backup news-backup.db"
    )]
    Backup(BackupArgs),
    /// Write every stored article, with what it takes to rebuild the store
    /// (`import`), as JSON Lines.
    #[command(
        after_help = "One JSON object a line, in the order the articles were stored (by write \
batch, then id), read from one snapshot and streamed: an ingest in another process goes on meanwhile. Each \
line: {\"id\" (store id), \"ref\", \"refs\" (input ids), \"key\" (identity), \
\"canonical_url\", \"content_hash\", \"url\", \"title\", \"source\", \"author\", \"date\", \
\"lang\", \"format\", \"origin\" {\"line\", \"record\", \"source\"}, \"ingested_at\", \
\"metadata\", \"text\", \"text_pruned_at\", \"batch\"}. Copies, stories, threads, summaries and quotes \
are not written: `import` finds them again. An article whose text was pruned is written (text \
empty) but cannot be rebuilt. FILE is written as FILE.partial and renamed when complete; an \
existing FILE is kept unless --force.\n\nExamples:\n  storyline --db news.db export --jsonl \
news.jsonl\n  storyline --db news.db export --jsonl - | gzip > news.jsonl.gz\n  \
storyline --db new.db import news.jsonl.gz"
    )]
    Export(ExportArgs),
    /// Rebuild a store from `export --jsonl` output, through the ingest
    /// pipeline, in the exported order.
    #[command(
        after_help = "Each article is stored as it was exported (its key, fields, metadata, \
language, input ids, time stored, and its store id when that is free) and goes through the same \
stages as `ingest`, in the exported order and batches: into an empty store, the stories, \
threads, copies and summaries come out as in the exported store. Into a store that has articles, \
the exported ones arrive after them, as an ingest of them would. Files may be gzipped; `-` is \
standard input. There is no size limit: an export is a store's own output. Lines that are not \
export records are reported and skipped; so is an article whose text was pruned.\n\nJSON and \
exit status: as for `ingest`.\n\nExample:\n  storyline --db new.db import news.jsonl"
    )]
    Import(ImportArgs),
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
    Serve(ServeArgs),
    /// The live sources `watch` follows: feeds, sitemaps, front pages.
    #[command(
        subcommand,
        after_help = "A source is a URL: an RSS, Atom or JSON feed, a news sitemap or sitemap \
index, or a site's front page (its article links are followed); the kind is told from what \
the URL serves. Each keeps its state: last fetch, ETag and Last-Modified, consecutive errors, \
next due time, items seen, articles stored, pending items, last error.\n\nExamples:\n  \
storyline sources add https://example.com/feed.xml --every 10m\n  storyline sources import \
subscriptions.opml\n  storyline sources list --json\n  storyline sources remove 3"
    )]
    Sources(SourcesCommand),
    /// Follow the sources: poll each when due, fetch every new item's page, and store it.
    #[command(
        after_help = "Runs until SIGINT or SIGTERM (it finishes the items in hand, then exits \
0), printing one line per pass (sources polled, new articles, errors), or JSON lines with \
--json. --once does one pass over every due source (and every item an earlier run left \
pending) and exits: 0, or 2 when a source or a page failed.\n\nEach item's full page is \
fetched and goes through the same extraction and stages as `ingest`; the feed's own text \
stands in when the page fails. Politeness: robots.txt (with its Crawl-delay) per host, one \
request at a time per host and --delay between two, 429/503 Retry-After honoured, failing \
sources backed off exponentially, conditional GET, gzip/br, a User-Agent naming Storyline and \
--contact. Only http(s), never private or loopback addresses (checked after every redirect \
and DNS answer) unless --allow-private.\n\nExamples:\n  storyline watch --contact \
https://newsroom.example/bot\n  storyline watch --once --json"
    )]
    Watch(WatchArgs),
}

/// `storyline sources ...`.
#[derive(Subcommand)]
pub enum SourcesCommand {
    /// Add sources (a URL already watched gets the new --every and --name).
    #[command(
        after_help = "Example:\n  storyline sources add https://example.com/rss --every 15m --name Example"
    )]
    Add(SourcesAddArgs),
    /// Add the feeds of an OPML subscription list (what feed readers export).
    #[command(after_help = "Example:\n  storyline sources import subscriptions.opml --every 30m")]
    Import(SourcesImportArgs),
    /// List the sources with their health.
    #[command(after_help = "JSON: an array of {\"id\", \"url\", \"name\", \"kind\" \
(feed|sitemap|sitemap_index|front_page), \"every\", \"every_seconds\", \"added_at\", \
\"last_fetch\", \"last_success\", \"last_status\", \"etag\", \"last_modified\", \
\"consecutive_errors\", \"next_due\", \"items_seen\", \"articles\", \"pending\", \
\"fetches\", \"not_modified\", \"last_error\", \"page_errors\", \"last_page_error\", \
\"health\" (new|ok|failing)}.\n\nExample:\n  storyline sources list --json")]
    List(SourcesListArgs),
    /// Stop watching sources (their stored articles stay).
    #[command(after_help = "Example:\n  storyline sources remove 3 7")]
    Remove(SourcesRemoveArgs),
}

/// Arguments of `storyline sources add`.
#[derive(Args)]
pub struct SourcesAddArgs {
    /// Feed, sitemap or front page URLs (http or https).
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// How often to poll: 90s, 10m, 1h…
    #[arg(long, value_parser = parse_interval, default_value = "10m")]
    pub every: std::time::Duration,
    /// A name to show instead of the URL.
    #[arg(long)]
    pub name: Option<String>,
    /// Print JSON: the sources as `sources list --json` shows them, with `added`.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline sources import`.
#[derive(Args)]
pub struct SourcesImportArgs {
    /// An OPML file.
    pub file: PathBuf,
    /// How often to poll each feed.
    #[arg(long, value_parser = parse_interval, default_value = "10m")]
    pub every: std::time::Duration,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline sources list`.
#[derive(Args)]
pub struct SourcesListArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline sources remove`.
#[derive(Args)]
pub struct SourcesRemoveArgs {
    /// Source ids.
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline watch`.
#[derive(Args)]
pub struct WatchArgs {
    /// One pass over the due sources, then exit.
    #[arg(long)]
    pub once: bool,
    /// Print one JSON object per pass (JSON lines).
    #[arg(long)]
    pub json: bool,
    /// How fetching behaves.
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// How `watch` and `serve --watch` fetch.
#[derive(Args, Clone)]
pub struct FetchArgs {
    /// A URL (or e-mail) where site owners can reach you; sent in the User-Agent.
    #[arg(long, env = "STORYLINE_CONTACT")]
    pub contact: Option<String>,
    /// Least time between two requests to one host (a longer robots.txt Crawl-delay wins).
    #[arg(long, value_parser = parse_interval_or_zero, default_value = "1s")]
    pub delay: std::time::Duration,
    /// Fetch from private, loopback and link-local addresses too (trusted networks and tests only).
    #[arg(long)]
    pub allow_private: bool,
    /// Largest page (or feed) read, after decompression (bytes, or with K, M or G).
    #[arg(long, value_parser = parse_size, default_value = "16M")]
    pub max_page_size: u64,
    /// How long connecting to a host may take.
    #[arg(long, value_parser = parse_interval, default_value = "10s")]
    pub connect_timeout: std::time::Duration,
    /// How long a host may stay silent while a response is read.
    #[arg(long, value_parser = parse_interval, default_value = "30s")]
    pub idle_timeout: std::time::Duration,
    /// How long a whole request may take.
    #[arg(long, value_parser = parse_interval, default_value = "2m")]
    pub fetch_timeout: std::time::Duration,
    /// Redirects followed before a fetch fails.
    #[arg(long, default_value_t = 5)]
    pub max_redirects: usize,
    /// Sources polled at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

impl FetchArgs {
    /// The watcher's configuration.
    pub fn config(&self) -> storyline_watch::Config {
        storyline_watch::Config {
            contact: self.contact.clone().filter(|c| !c.trim().is_empty()),
            delay: self.delay,
            connect_timeout: self.connect_timeout,
            read_timeout: self.idle_timeout,
            request_timeout: self.fetch_timeout,
            max_page_size: self.max_page_size,
            max_redirects: self.max_redirects,
            addresses: storyline_watch::AddressPolicy {
                allow_private: self.allow_private,
                allowed: Vec::new(),
            },
            concurrency: self.concurrency.max(1),
            max_in_flight: self.concurrency.max(1),
            ..storyline_watch::Config::default()
        }
    }
}

/// Arguments of `storyline ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Files, directories, or `-` for JSONL on standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The bounds on what one input may cost.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The bounds on the work one input can cause (sizes in bytes, or with a
/// K, M or G suffix). Sizes count decompressed bytes.
#[derive(Args, Clone)]
pub struct LimitArgs {
    /// Skip files larger than this; a compressed file, a pipe or standard
    /// input is read up to this much, then reported.
    #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Skip (and report) a record larger than this: a JSON line or array
    /// element, a WARC record or its decoded body, a page, a text file, a
    /// feed.
    #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_RECORD_SIZE)]
    pub max_record_size: u64,
    /// Skip (and report) an article whose extracted text is larger than
    /// this.
    #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_TEXT_SIZE)]
    pub max_text_size: u64,
    /// Flatten HTML nested deeper than this many elements.
    #[arg(long, default_value_t = DEFAULT_MAX_DEPTH, value_parser = parse_depth)]
    pub max_html_depth: usize,
    /// Skip (and report) an HTML page with more elements than this.
    #[arg(long, default_value_t = DEFAULT_MAX_NODES)]
    pub max_html_nodes: usize,
}

impl LimitArgs {
    /// The library's reading options for these bounds.
    pub fn options(&self) -> IngestOptions {
        IngestOptions {
            max_file_size: self.max_file_size,
            max_record_size: self.max_record_size,
            max_text_size: self.max_text_size,
            html: HtmlLimits {
                max_depth: self.max_html_depth,
                max_nodes: self.max_html_nodes,
            },
            ..IngestOptions::default()
        }
    }
}

/// Arguments of `storyline articles`.
#[derive(Args)]
pub struct ArticlesArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// At most this many articles.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many articles first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

/// Arguments of `storyline article`.
#[derive(Args)]
pub struct ArticleArgs {
    /// Article id or input id.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline search`.
#[derive(Args)]
pub struct SearchArgs {
    /// Query words.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Print a JSON array of hits.
    #[arg(long)]
    pub json: bool,
    /// At most this many hits.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many hits first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

/// Arguments of `storyline copies`.
#[derive(Args)]
pub struct CopiesArgs {
    /// Print JSON: {"threshold", "duplicate_groups", "reuse_pairs", "articles"}.
    #[arg(long)]
    pub json: bool,
    /// Explain one article readably: its copies, reused sentences with word diffs, verdicts.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// Jaccard similarity at which two articles are copies.
    #[arg(long, default_value_t = 0.8, value_parser = parse_threshold)]
    pub threshold: f64,
    /// At most this many reuse pairs and article verdicts.
    #[arg(long)]
    pub limit: Option<usize>,
}

/// Arguments of `storyline delete`.
#[derive(Args)]
pub struct DeleteArgs {
    /// Article ids or input ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline stories`.
#[derive(Args)]
pub struct StoriesArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// At most this many stories.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many stories first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only stories with at least this many articles.
    #[arg(long, default_value_t = 1)]
    pub min_articles: usize,
}

/// Arguments of `storyline threads`.
#[derive(Args)]
pub struct ThreadsArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// At most this many threads.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Only threads with at least this many stories.
    #[arg(long, default_value_t = 1)]
    pub min_stories: usize,
}

/// Arguments of `storyline story`, `quotes` and `entities`: a story.
#[derive(Args)]
pub struct StoryArgs {
    /// Story id, or article:ID.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline recluster`.
#[derive(Args)]
pub struct ReclusterArgs {
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The bar (0 to 1) at which an article joins a story: the join
    /// model's probability (`join_probability`), or the similarity under
    /// the hand-set rules (`threshold`).
    #[arg(long, value_parser = parse_unit)]
    pub threshold: Option<f32>,
    /// Other tuning, as a JSON object over the stored one (keys: scorer
    /// ("learned" or "rules"), join_probability, merge_similarity; for the
    /// rules: threshold, entity_weight, half_life_days, novelty_penalty,
    /// same_days, same_days_bonus, cohesion_weight, cohesion_range,
    /// shared_bonus, shared_full).
    #[arg(long, value_name = "JSON")]
    pub params: Option<String>,
    /// The thread stage's tuning, whole or in part, as JSON (`bar`,
    /// `min_names`, `words_weight`, `move_margin`), for this rebuild and
    /// every later ingest.
    #[arg(long, value_name = "JSON")]
    pub thread_params: Option<String>,
    /// Rebuild the threads only, from the stories as they are.
    #[arg(long)]
    pub threads_only: bool,
}

/// Arguments of `storyline summarize`.
#[derive(Args)]
pub struct SummarizeArgs {
    /// Files or directories of articles.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Summary length in words.
    #[arg(long, default_value_t = storyline::summary::DEFAULT_WORDS)]
    pub words: usize,
    /// The bounds on what one input may cost.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Take sentences from articles of every language (by default only
    /// articles in the language most of them share are summarised).
    #[arg(long)]
    pub any_language: bool,
}

/// Arguments of `storyline stats`.
#[derive(Args)]
pub struct StatsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of a command whose only option is `--json`.
#[derive(Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline prune`.
#[derive(Args)]
pub struct PruneArgs {
    /// Prune articles dated before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub before: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline backup`.
#[derive(Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub file: std::path::PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Write JSON Lines (the one format so far; named so that another can
    /// come).
    #[arg(long, required = true)]
    pub jsonl: bool,
    /// The file to write, or `-` for standard output.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Overwrite FILE when it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `storyline import`.
#[derive(Args)]
pub struct ImportArgs {
    /// `export --jsonl` output (gzipped or not), or `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print the report as one JSON object (as `ingest --json`).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `storyline serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Bearer token that writes (POST /api/articles) need.
    #[arg(long, env = "STORYLINE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Largest request body accepted (bytes, or with a K, M or G suffix).
    #[arg(long, value_parser = parse_size, default_value = "16M")]
    pub max_body: u64,
    /// Writes per second the token holder may make, on average (bursts of
    /// --write-burst), wherever they come from.
    #[arg(long, default_value_t = 2.0)]
    pub write_rate: f64,
    /// Writes the token holder may make at once.
    #[arg(long, default_value_t = 10)]
    pub write_burst: u32,
    /// Writes without a valid token (answered 401 or 403) each client
    /// address may try per second, on average.
    #[arg(long, default_value_t = 0.2)]
    pub unauthenticated_rate: f64,
    /// Writes without a valid token a client address may try at once.
    #[arg(long, default_value_t = 5)]
    pub unauthenticated_burst: u32,
    /// Connections open at once; when one more comes, the one idle longest
    /// is closed (503 when none is idle).
    #[arg(long, default_value_t = 512)]
    pub max_connections: usize,
    /// Seconds a client may take to send a request's headers (and an idle
    /// connection may wait for its next request).
    #[arg(long, default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a read may take.
    #[arg(long, default_value_t = 30)]
    pub read_timeout: u64,
    /// Seconds a write (an ingest) may take; then it stops, and the
    /// batches committed before it stay.
    #[arg(long, default_value_t = 300)]
    pub write_timeout: u64,
    /// The bounds on what one posted record may cost.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Follow the sources too, as `storyline watch` does, inside the server.
    #[arg(long)]
    pub watch: bool,
    /// How watching fetches (with --watch).
    #[command(flatten)]
    pub fetch: FetchArgs,
}

fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let d = storyline_watch::parse_duration(s)?;
    if d < std::time::Duration::from_secs(1) {
        return Err(format!("{s:?} is under a second"));
    }
    Ok(d)
}

fn parse_interval_or_zero(s: &str) -> Result<std::time::Duration, String> {
    storyline_watch::parse_duration(s)
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

fn parse_depth(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (8..=100_000).contains(&n) => Ok(n),
        _ => Err(format!("{s:?} is not a depth from 8 to 100000")),
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
