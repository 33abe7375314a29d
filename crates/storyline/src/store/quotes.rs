//! Persistence for the quotes stage: each article's attributions as JSON,
//! tagged with the extractor version that found them.

use rusqlite::{OptionalExtension, params};

use super::{Batch, Reader};
use crate::error::{Error, Result};
use crate::quotes::{Attributions, VERSION};

impl Reader {
    /// The attributions stored for article `id` by the current extractor
    /// (`None` when there are none, e.g. in a store made by an older one).
    pub fn attributions(&self, id: i64) -> Result<Option<Attributions>> {
        let row: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT data FROM article_attributions WHERE article_id = ?1 AND version = ?2",
            )?
            .query_row(params![id, VERSION], |r| r.get(0))
            .optional()?;
        Ok(match row {
            Some(data) => Some(
                serde_json::from_str(&data)
                    .map_err(|e| Error::Corrupt(format!("attributions of article {id}: {e}")))?,
            ),
            None => None,
        })
    }

    /// Whether some article lacks attributions from the current extractor.
    pub fn has_articles_without_attributions(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM articles a
                 LEFT JOIN article_attributions q ON q.article_id = a.id
                 WHERE q.article_id IS NULL OR q.version <> ?1)",
            [VERSION],
            |r| r.get(0),
        )?)
    }

    /// Articles with no attributions from the current extractor.
    pub fn articles_without_attributions(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id FROM articles a LEFT JOIN article_attributions q ON q.article_id = a.id
             WHERE q.article_id IS NULL OR q.version <> ?1 ORDER BY a.id",
        )?;
        let ids = stmt
            .query_map([VERSION], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// An article's stored text and language.
    pub fn article_text(&self, id: i64) -> Result<Option<(String, crate::text::Lang)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT text, lang FROM articles WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, super::stored_lang(r.get(1)?))))
            .optional()?)
    }
}

impl Batch<'_> {
    /// Stores what the quotes stage found in article `id`.
    pub fn save_attributions(&self, id: i64, found: &Attributions) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO article_attributions (article_id, version, data)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                id,
                VERSION,
                serde_json::to_string(found).map_err(Error::Encode)?
            ])?;
        Ok(())
    }
}
