//! Reading every article back out for `storyline export`, one row at a
//! time.

use super::{Reader, json};
use crate::error::Result;
use crate::export::ExportRecord;

impl Reader {
    /// Calls `f` with every article as an export record, in the order they
    /// were stored (by write batch, then id; articles stored before
    /// batches were numbered first), from one read snapshot: an ingest
    /// running meanwhile is either wholly in the export or not at all.
    /// Rows are streamed from one statement, never collected.
    pub fn export_articles(&self, f: &mut dyn FnMut(ExportRecord) -> Result<()>) -> Result<u64> {
        self.snapshot(|r| {
            let mut stmt = r.conn.prepare(
                "SELECT a.id, a.key, a.content_hash, a.url, a.title, a.source, a.author, a.date, a.lang,
                        a.format, a.origin, a.ingested_at, a.metadata, a.text, a.text_pruned_at,
                        (SELECT json_group_array(ref_id) FROM article_refs WHERE article_id = a.id),
                        a.batch
                 FROM articles a ORDER BY a.batch, a.id",
            )?;
            let mut rows = stmt.query([])?;
            let mut n = 0u64;
            while let Some(row) = rows.next()? {
                let key: String = row.get(1)?;
                let mut refs: Vec<String> = json(row, 15)?;
                // Lexical, as `article --json` lists them: the export of a
                // store is the same file whatever order refs came in.
                refs.sort_unstable();
                let canonical_url = key.strip_prefix("url:").map(str::to_string);
                f(ExportRecord {
                    id: row.get(0)?,
                    ref_id: refs.first().cloned(),
                    refs,
                    canonical_url,
                    key,
                    content_hash: row.get(2)?,
                    url: row.get(3)?,
                    title: row.get(4)?,
                    source: row.get(5)?,
                    author: row.get(6)?,
                    date: row.get(7)?,
                    lang: row.get(8)?,
                    format: row.get(9)?,
                    origin: json(row, 10)?,
                    ingested_at: row.get(11)?,
                    metadata: json(row, 12)?,
                    text: row.get(13)?,
                    text_pruned_at: row.get(14)?,
                    batch: row.get(16)?,
                })?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}
