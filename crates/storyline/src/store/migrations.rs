//! Versioned schema migrations, applied in order; `PRAGMA user_version`
//! records how many have run.

/// Each entry moves the schema one version up. Never edit a released entry:
/// add a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: articles, their input ids, sentences and full-text index.
    r#"
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT,
        source TEXT,
        url TEXT,
        author TEXT,
        date TEXT,
        text TEXT NOT NULL,
        words INTEGER NOT NULL,
        format TEXT NOT NULL,
        origin TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_date ON articles(date);
    CREATE INDEX articles_source ON articles(source);
    CREATE TABLE article_refs (
        ref_id TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (ref_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_refs_article ON article_refs(article_id);
    CREATE TABLE sentences (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        paragraph INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;
    -- Rows are added by the store itself, not by a trigger: a trigger makes
    -- FTS5 flush its buffer after every statement, a third of ingest time.
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    "#,
    // 2: the copies stage: fingerprints and LSH buckets of articles and
    // sentences, near-duplicate pairs, reused sentences, verdicts.
    r#"
    CREATE TABLE copy_fingerprints (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        text_hash INTEGER NOT NULL,
        shingles BLOB NOT NULL
    );
    CREATE INDEX copy_fingerprints_text ON copy_fingerprints(text_hash);
    CREATE TABLE lsh_buckets (
        bucket INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (bucket, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX lsh_buckets_article ON lsh_buckets(article_id);
    CREATE TABLE sentence_buckets (
        bucket INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        sentence INTEGER NOT NULL,
        PRIMARY KEY (bucket, article_id, sentence)
    ) WITHOUT ROWID;
    CREATE INDEX sentence_buckets_article ON sentence_buckets(article_id);
    CREATE TABLE near_duplicates (
        a INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        b INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        jaccard REAL NOT NULL,
        exact INTEGER NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE INDEX near_duplicates_b ON near_duplicates(b);
    CREATE TABLE sentence_reuse (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        sentence INTEGER NOT NULL,
        other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        other_sentence INTEGER NOT NULL,
        score REAL NOT NULL,
        verbatim INTEGER NOT NULL,
        PRIMARY KEY (article_id, sentence, other_id, other_sentence)
    ) WITHOUT ROWID;
    CREATE INDEX sentence_reuse_other ON sentence_reuse(other_id);
    CREATE TABLE copy_verdicts (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        spun INTEGER NOT NULL,
        spin_score REAL NOT NULL,
        stitched INTEGER NOT NULL,
        stitch_score REAL NOT NULL,
        spin TEXT NOT NULL,
        stitch TEXT NOT NULL
    );
    "#,
    // 3: the stories stage: per-article features, running document
    // frequencies, stories with their profiles, members, index keys and
    // the ids merged into them.
    r#"
    CREATE TABLE story_features (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        day INTEGER,
        has_title INTEGER NOT NULL,
        terms BLOB NOT NULL,
        entities BLOB NOT NULL,
        lead BLOB NOT NULL
    );
    CREATE TABLE story_df (
        key INTEGER PRIMARY KEY,
        df INTEGER NOT NULL
    );
    CREATE TABLE story_meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- AUTOINCREMENT: an id, once given, is never given again, even after
    -- its story is deleted.
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title_article INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        article_count INTEGER NOT NULL DEFAULT 0,
        -- Span of the articles' dates, and of when they were stored (shown
        -- when no article has a date).
        first_date TEXT,
        last_date TEXT,
        first_stored TEXT,
        last_stored TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        profile BLOB NOT NULL
    );
    CREATE INDEX stories_last_seen ON stories(coalesce(last_date, last_stored));
    CREATE TABLE story_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        joined_at TEXT NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE story_keys (
        key INTEGER NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        PRIMARY KEY (key, story_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_keys_story ON story_keys(story_id);
    CREATE TABLE story_aliases (
        alias INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE
    );
    CREATE INDEX story_aliases_story ON story_aliases(story_id);
    "#,
    // 4: the summary stage: each story's summary, as JSON, with the number
    // of articles it was made from.
    r#"
    CREATE TABLE story_summaries (
        story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        words INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        summary TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    "#,
    // 5: the quotes stage: each article's quotes and name mentions, as
    // JSON, with the extractor version that found them (older rows are
    // found again when the rules change).
    r#"
    CREATE TABLE article_attributions (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    "#,
    // 6: languages. Each article's language (ISO 639-1, 'und' when unknown
    // or mixed; NULL for articles stored before, identified by the next
    // ingest), and the full-text index over a search form of the title and
    // text (NULL when it is the text itself): languages written without
    // spaces get a zero-width space between words, so FTS5's unicode61
    // tokenizer finds their words.
    r#"
    ALTER TABLE articles ADD COLUMN lang TEXT;
    CREATE INDEX articles_lang ON articles(lang);
    ALTER TABLE articles ADD COLUMN search_title TEXT;
    ALTER TABLE articles ADD COLUMN search_text TEXT;
    DROP TRIGGER articles_fts_delete;
    DROP TABLE articles_fts;
    CREATE VIEW articles_search AS
        SELECT id, coalesce(search_title, title) AS title, coalesce(search_text, text) AS text
        FROM articles;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles_search', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, coalesce(old.search_title, old.title),
                coalesce(old.search_text, old.text));
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    "#,
    // 7: the learned join decision: each article's headline words and
    // figures, and the signals its join weighed. Features stored before
    // have no headline (NULL) and are extracted again, found through the
    // partial index.
    r#"
    ALTER TABLE story_features ADD COLUMN headline BLOB;
    ALTER TABLE story_features ADD COLUMN figures BLOB;
    CREATE INDEX story_features_outdated ON story_features(article_id) WHERE headline IS NULL;
    ALTER TABLE story_articles ADD COLUMN signals BLOB;
    "#,
    // 8: watching live sources: each source (feed, sitemap, front page)
    // with its fetch state; the ledger of every item a source listed (so
    // an item is fetched once, and a pending one survives a crash); which
    // source listed which item, and what it said of it (a change makes the
    // item fetched again); and the child sitemaps of a sitemap index
    // with their validators.
    r#"
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL UNIQUE,
        name TEXT,
        kind TEXT,
        every_seconds INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        last_fetch TEXT,
        last_success TEXT,
        last_status INTEGER,
        etag TEXT,
        last_modified TEXT,
        consecutive_errors INTEGER NOT NULL DEFAULT 0,
        next_due TEXT NOT NULL,
        items_seen INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        fetches INTEGER NOT NULL DEFAULT 0,
        not_modified INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        page_errors INTEGER NOT NULL DEFAULT 0,
        last_page_error TEXT
    );
    CREATE INDEX sources_next_due ON sources(next_due);
    CREATE TABLE watch_items (
        key TEXT PRIMARY KEY,
        url TEXT,
        source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        state TEXT NOT NULL,
        feed_item TEXT,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        first_seen TEXT NOT NULL,
        fetched_at TEXT
    );
    CREATE INDEX watch_items_pending ON watch_items(source_id) WHERE state = 'pending';
    CREATE INDEX watch_items_article ON watch_items(article_id);
    CREATE TABLE source_items (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        fingerprint TEXT,
        PRIMARY KEY (source_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE source_documents (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        lastmod TEXT,
        fetched_at TEXT,
        PRIMARY KEY (source_id, url)
    ) WITHOUT ROWID;
    "#,
    // 9: a year of news. The copies index moves out of the row-per-key
    // tables (about 250 rows an article under random keys, most of the
    // store and of the time per article at 100k) into a two-tier index:
    // the recent tier's keys logged per article, older articles in sorted
    // runs of blocks with fewer keys (see store/copy_index.rs). Stored
    // articles are indexed again from their text by the next ingest
    // ('reindex'). Articles whose text was pruned keep when it was.
    r#"
    DROP TABLE sentence_buckets;
    DROP TABLE lsh_buckets;
    CREATE TABLE copy_recent (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        keys BLOB NOT NULL
    );
    CREATE TABLE copy_runs (
        id INTEGER PRIMARY KEY,
        level INTEGER NOT NULL,
        first_block INTEGER NOT NULL,
        entries INTEGER NOT NULL,
        first_article INTEGER NOT NULL,
        last_article INTEGER NOT NULL,
        fences BLOB NOT NULL
    );
    CREATE TABLE copy_blocks (
        id INTEGER PRIMARY KEY,
        data BLOB NOT NULL
    );
    CREATE TABLE copy_deleted (
        article_id INTEGER PRIMARY KEY
    );
    CREATE TABLE copy_meta (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    CREATE TRIGGER copy_index_forget AFTER DELETE ON articles BEGIN
        INSERT OR IGNORE INTO copy_deleted (article_id) VALUES (old.id);
    END;
    INSERT INTO copy_meta (name, value) SELECT 'reindex', 1 WHERE EXISTS (SELECT 1 FROM articles);
    ALTER TABLE articles ADD COLUMN text_pruned_at TEXT;
    "#,
    // 10: threads, the running subjects above the stories: each thread's
    // profile (the sum of its stories' centroids) and the keys it is found
    // under; each story's thread with what it contributed (so a story that
    // grows or moves is taken out exactly) and how well it matched; merged
    // thread ids, which still resolve; stories deleted since the threads
    // last looked (a story merged away leaves its contribution behind).
    // Undated stories sort after dated ones, through their own index.
    r#"
    CREATE TABLE threads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        story_count INTEGER NOT NULL DEFAULT 0,
        article_count INTEGER NOT NULL DEFAULT 0,
        first_date TEXT,
        last_date TEXT,
        first_stored TEXT,
        last_stored TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        profile BLOB NOT NULL
    );
    CREATE TABLE thread_stories (
        story_id INTEGER PRIMARY KEY,
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        contribution BLOB NOT NULL,
        score REAL NOT NULL,
        words REAL NOT NULL,
        names REAL NOT NULL,
        joined_at TEXT NOT NULL
    );
    CREATE INDEX thread_stories_thread ON thread_stories(thread_id);
    CREATE INDEX threads_last_seen
        ON threads(last_date IS NOT NULL, coalesce(last_date, last_stored));
    CREATE TABLE thread_keys (
        key INTEGER NOT NULL,
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        PRIMARY KEY (key, thread_id)
    ) WITHOUT ROWID;
    CREATE INDEX thread_keys_thread ON thread_keys(thread_id);
    CREATE TABLE thread_aliases (
        alias INTEGER PRIMARY KEY,
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE
    );
    CREATE INDEX thread_aliases_thread ON thread_aliases(thread_id);
    CREATE TABLE thread_orphans (story_id INTEGER PRIMARY KEY);
    CREATE TRIGGER stories_thread_orphan AFTER DELETE ON stories BEGIN
        INSERT OR IGNORE INTO thread_orphans (story_id) VALUES (old.id);
    END;
    CREATE INDEX stories_dated_last_seen
        ON stories(last_date IS NOT NULL, coalesce(last_date, last_stored));
    "#,
    // 11: usage counts of words, word pairs and long names over every
    // stored article (document frequencies), for finding spun phrases
    // without their source (copies::usage).
    r#"
    CREATE TABLE usage_counts (
        key INTEGER PRIMARY KEY,
        n INTEGER NOT NULL
    );
    "#,
    // 12: the write batch (transaction) that stored each article, numbered
    // from 1 (NULL for articles stored before). Usage counts and threads
    // move once a batch, so an import that cut the stream into other
    // batches would judge some articles against other counts: `export`
    // writes the batch, and `import` stores each one together, in order.
    r#"
    ALTER TABLE articles ADD COLUMN batch INTEGER;
    CREATE INDEX articles_batch ON articles(batch, id);
    "#,
    // 13: compact encodings of two tables that took a third of the store
    // at 100k. Each gets `encoding`, saying how a row is written: 0 as
    // before (every row before), 1 compact. Old rows stay readable as they
    // are, and `compact` writes them again.
    // - Attributions (store/quotes_codec.rs): the strings that are pieces
    //   of the article's text written as where they are, about a twentieth
    //   of the JSON. `version` keeps meaning the extractor's version, so no
    //   article is read again for this.
    // - Story features (store/features_codec.rs): weights as places in the
    //   row's table of them, lead, headline and figures as places in the
    //   terms and entities, all in the `terms` blob.
    // - Copy verdicts (store/copies.rs): the JSON deflated into a blob,
    //   about a third of it; a row's value type says which it is, so no
    //   column is added.
    // A program from before cannot misread a compact row: the schema is
    // too new for it.
    r#"
    ALTER TABLE article_attributions ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE story_features ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;
    "#,
    // 14: the copies stage's two next largest tables, written smaller with
    // nothing they answer changed. Old rows stay readable as they are, and
    // `compact` writes them again.
    // - Fingerprints get `encoding`: 0 as before (the shingle set, four
    //   bytes a shingle, 2.4 KB an article), 1 when the set is the one the
    //   article's stored text gives (it always is: the shingles are made
    //   from that text), read from the text and the blob left empty. An
    //   article whose text is pruned loses its fingerprint anyway.
    // - Reused sentences: one row per pair of articles (each way), its
    //   sentence pairs packed in a blob (store/reuse_codec.rs),
    //   instead of a row per sentence pair each way with an index of them
    //   all: about a fifth of the bytes. `sentence_reuse` keeps the rows
    //   written before, read alongside, until `compact` moves them.
    r#"
    ALTER TABLE copy_fingerprints ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE reuse_packed (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        matches BLOB NOT NULL,
        PRIMARY KEY (article_id, other_id)
    ) WITHOUT ROWID;
    CREATE INDEX reuse_packed_other ON reuse_packed(other_id);
    "#,
    // 15: story features read from the article's stored text, headline
    // and date (they are extracted from them, and extracted again exactly)
    // instead of written out: `story_features.encoding` 2, only `day` and
    // `has_title` kept, 2.2 KB an article less. Nothing to change in the
    // tables; the version keeps a program from before, which would read
    // such a row as empty features, from opening the store. `compact`
    // rewrites the rows written before, and `prune` writes a row out
    // before its text goes.
    "",
    // 16: summaries stored by reference (store/summary.rs): a citation as
    // its article and sentence, the text read from the article's stored
    // sentence. `encoding` 0 is the JSON of before, 1 by reference;
    // `compact` rewrites the rows of before, `prune` and `delete` write a
    // row out before the text it reads goes.
    "ALTER TABLE story_summaries ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;",
    // 17: a story's contribution to its thread stored by reference (an
    // empty `thread_stories.contribution`) when the story's profile gives
    // it (store/threads.rs). Nothing to change in the tables; the version
    // keeps a program from before, which would read an empty blob as no
    // membership, from opening the store. `compact` rewrites the rows of
    // before; a contribution is written out before its story's profile
    // changes or the story goes.
    "",
];
