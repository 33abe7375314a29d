//! Persistence for the quotes stage: each article's attributions, tagged
//! with the extractor version that found them, in the compact encoding of
//! [`super::quotes_codec`] (rows written before it are JSON, and read as
//! such).

use rusqlite::{OptionalExtension, params};

use super::quotes_codec as codec;
use super::{Batch, Reader};
use crate::error::{Error, Result};
use crate::quotes::{Attributions, VERSION};

impl Reader {
    /// The attributions stored for article `id` by the current extractor
    /// (`None` when there are none, e.g. in a store made by an older one, or
    /// when they were written against another text than the stored one).
    pub fn attributions(&self, id: i64) -> Result<Option<Attributions>> {
        self.attributions_of_version(id, VERSION)
    }

    /// The attributions stored for article `id` by extractor `version`.
    pub(crate) fn attributions_of_version(
        &self,
        id: i64,
        version: i64,
    ) -> Result<Option<Attributions>> {
        // The text comes with the row: a compact row points into it.
        let row = self
            .conn
            .prepare_cached(
                "SELECT q.encoding, q.data, a.text FROM article_attributions q
                 JOIN articles a ON a.id = q.article_id
                 WHERE q.article_id = ?1 AND q.version = ?2",
            )?
            .query_row(params![id, version], |r| {
                let data = r.get_ref(1)?;
                Ok(match r.get::<_, i64>(0)? {
                    codec::JSON => serde_json::from_slice::<Attributions>(data.as_bytes()?)
                        .map(Some)
                        .map_err(|e| e.to_string()),
                    codec::COMPACT => codec::decode(data.as_blob()?, r.get_ref(2)?.as_str()?)
                        .map_err(str::to_string),
                    other => Err(format!("unknown encoding {other}")),
                })
            })
            .optional()?;
        match row {
            None => Ok(None),
            Some(found) => {
                found.map_err(|e| Error::Corrupt(format!("attributions of article {id}: {e}")))
            }
        }
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
    /// Stores what the quotes stage found in article `id`, compact when the
    /// encoding gives it back exactly (else as JSON), against the text the
    /// article has in the store now.
    pub fn save_attributions(&self, id: i64, found: &Attributions) -> Result<()> {
        let text: Option<String> = self
            .tx
            .prepare_cached("SELECT text FROM articles WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        self.write_attributions(id, VERSION, found, text.as_deref())
    }

    /// Writes one row; `text` is the article's stored text (`None`: JSON).
    fn write_attributions(
        &self,
        id: i64,
        version: i64,
        found: &Attributions,
        text: Option<&str>,
    ) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO article_attributions (article_id, version, data, encoding)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        match text.and_then(|t| codec::encode(found, t)) {
            Some(blob) => insert.execute(params![id, version, blob, codec::COMPACT])?,
            None => insert.execute(params![
                id,
                version,
                serde_json::to_string(found).map_err(Error::Encode)?,
                codec::JSON
            ])?,
        };
        Ok(())
    }

    /// Writes the attributions of article `id` again against `text`, the
    /// text it is about to have (pruning passes an empty one: every string
    /// is then written out, and stays readable without the text). Rows in
    /// JSON are written compact. Returns whether there was a row.
    pub(crate) fn recode_attributions(&self, id: i64, text: &str) -> Result<bool> {
        let row: Option<i64> = self
            .tx
            .prepare_cached("SELECT version FROM article_attributions WHERE article_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(version) = row else {
            return Ok(false);
        };
        // Read as the current extractor's would be, whatever its version:
        // an older extractor's row is kept as it is, only re-encoded.
        let found = self.attributions_of_version(id, version)?;
        match found {
            Some(found) => self.write_attributions(id, version, &found, Some(text))?,
            // Stale: written against another text. Nothing to keep; the
            // next ingest finds the article's attributions again.
            None => {
                self.tx
                    .prepare_cached("DELETE FROM article_attributions WHERE article_id = ?1")?
                    .execute([id])?;
            }
        }
        Ok(true)
    }

    /// Writes every row still in JSON in the compact encoding (`compact`
    /// does, for a store written before it). Returns how many were.
    pub(crate) fn recode_json_attributions(&self) -> Result<u64> {
        let ids: Vec<i64> = self
            .tx
            .prepare("SELECT article_id FROM article_attributions WHERE encoding = ?1")?
            .query_map([codec::JSON], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut recoded = 0;
        for id in ids {
            let Some((text, _)) = self.article_text(id)? else {
                continue;
            };
            self.recode_attributions(id, &text)?;
            recoded += 1;
        }
        Ok(recoded)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::store::Store;

    fn ingested_corpus(db: &Path) -> Store {
        crate::store::copies::tests::ingested(db, "ecbplus.jsonl")
    }

    /// What the two compact encodings hold, as the program reads it: every
    /// article's attributions and story features, and every story's quotes
    /// and entities as the API and `story --json` write them.
    type Everything = (
        BTreeMap<i64, Attributions>,
        BTreeMap<i64, crate::stories::StoryFeatures>,
        BTreeMap<i64, String>,
        BTreeMap<i64, (String, String)>,
    );

    fn everything(store: &Reader) -> Everything {
        let ids = crate::store::copies::tests::article_ids(store);
        let articles = ids
            .iter()
            .map(|&id| (id, store.attributions(id).unwrap().unwrap()))
            .collect();
        let features = ids
            .iter()
            .map(|&id| (id, store.current_story_features(id).unwrap().unwrap()))
            .collect();
        let stories = store
            .story_ids()
            .unwrap()
            .into_iter()
            .map(|s| {
                let found = crate::pipeline::quotes::for_story(store, s)
                    .unwrap()
                    .unwrap();
                (s, serde_json::to_string(&found).unwrap())
            })
            .collect();
        let verdicts = ids
            .iter()
            .map(|&id| {
                // As stored before schema 13, and as written out.
                let v = store.verdicts(id).unwrap().unwrap();
                let spin = serde_json::to_string(&v.spin).unwrap();
                (id, (spin, serde_json::to_string(&v.stitch).unwrap()))
            })
            .collect();
        (articles, features, stories, verdicts)
    }

    /// How many rows of `table` have each `encoding`.
    pub(crate) fn encodings(store: &Reader, table: &str) -> BTreeMap<i64, i64> {
        store
            .conn
            .prepare(&format!(
                "SELECT encoding, count(*) FROM {table} GROUP BY 1"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn data_bytes(store: &Reader) -> (i64, i64, i64) {
        store
            .conn
            .query_row(
                "SELECT (SELECT sum(length(CAST(data AS BLOB))) FROM article_attributions),
                        (SELECT sum(length(terms) + length(entities) + length(lead)
                                    + length(headline) + coalesce(length(figures), 0))
                         FROM story_features),
                        (SELECT sum(length(CAST(spin AS BLOB)) + length(CAST(stitch AS BLOB)))
                         FROM copy_verdicts)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }

    /// A store written before the compact encodings (schema 12: every
    /// attributions row JSON text, every story features row five blobs,
    /// every verdict JSON text; written here by SQL) reads the same after the upgrade, without
    /// finding or extracting anything again; `compact` writes its rows
    /// compact, and they still read the same.
    #[test]
    fn rows_of_an_older_store_read_the_same_and_compact_rewrites_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("news.db");
        let store = ingested_corpus(&db);
        let before = everything(&store);
        let (articles, features, stories, verdicts) = &before;
        assert!(articles.values().map(|a| a.quotes.len()).sum::<usize>() > 50);
        assert!(stories.values().any(|s| s.contains("\"speaker\"")));
        assert!(
            features
                .values()
                .any(|f| !f.lead.is_empty() && !f.figures.is_empty())
        );
        let n = articles.len() as i64;
        // Attributions compact; story features read from the text.
        let written = [("article_attributions", 1), ("story_features", 2)];
        for (table, encoding) in written {
            assert_eq!(
                encodings(&store, table),
                BTreeMap::from([(encoding, n)]),
                "{table}"
            );
        }
        let compact_bytes = data_bytes(&store);
        drop(store);

        // Back to what an older program wrote, with its own encodings.
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            let keys = |v: &[u64]| -> Vec<u8> { v.iter().flat_map(|k| k.to_le_bytes()).collect() };
            for (id, found) in articles {
                conn.execute(
                    "UPDATE article_attributions SET data = ?2 WHERE article_id = ?1",
                    params![id, serde_json::to_string(found).unwrap()],
                )
                .unwrap();
            }
            for (id, f) in features {
                conn.execute(
                    "UPDATE story_features SET terms = ?2, entities = ?3, lead = ?4,
                         headline = ?5, figures = ?6 WHERE article_id = ?1",
                    params![
                        id,
                        crate::stories::features::encode_weights(&f.terms),
                        crate::stories::features::encode_weights(&f.entities),
                        keys(&f.lead),
                        keys(&f.headline),
                        keys(&f.figures)
                    ],
                )
                .unwrap();
            }
            // The verdicts' JSON exactly as it was stored (serde_json reads
            // floats back to within a last digit: written again, it could
            // differ from the stored text).
            let inflate = |b: Vec<u8>| -> String {
                let mut json = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::DeflateDecoder::new(&b[..]),
                    &mut json,
                )
                .unwrap();
                json
            };
            for id in verdicts.keys() {
                let (spin, stitch): (Vec<u8>, Vec<u8>) = conn
                    .query_row(
                        "SELECT spin, stitch FROM copy_verdicts WHERE article_id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap();
                conn.execute(
                    "UPDATE copy_verdicts SET spin = ?2, stitch = ?3 WHERE article_id = ?1",
                    params![id, inflate(spin), inflate(stitch)],
                )
                .unwrap();
            }
            crate::store::copies::tests::back_to_schema_13(&conn);
            conn.execute_batch(
                "ALTER TABLE article_attributions DROP COLUMN encoding;
                 ALTER TABLE story_features DROP COLUMN encoding;
                 PRAGMA user_version = 12;",
            )
            .unwrap();
        }
        let mut store = Store::open(&db).unwrap();
        for table in ["article_attributions", "story_features"] {
            assert_eq!(
                encodings(&store, table),
                BTreeMap::from([(0, n)]),
                "{table}"
            );
        }
        let text_verdicts: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM copy_verdicts WHERE typeof(spin) = 'text'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(text_verdicts, n);
        let old_bytes = data_bytes(&store);
        assert!(!store.has_articles_without_attributions().unwrap());
        assert!(!store.has_outdated_story_features().unwrap());
        assert_eq!(everything(&store), before);

        let report = store.compact().unwrap();
        assert_eq!(report.attributions_recoded, n as u64);
        assert_eq!(report.story_features_recoded, n as u64);
        assert_eq!(report.story_features_from_text, n as u64);
        assert_eq!(report.verdicts_deflated, n as u64);
        for (table, encoding) in written {
            assert_eq!(
                encodings(&store, table),
                BTreeMap::from([(encoding, n)]),
                "{table}"
            );
        }
        assert_eq!(data_bytes(&store), compact_bytes);
        assert!(
            compact_bytes.0 * 10 < old_bytes.0
                && compact_bytes.1 * 10 < old_bytes.1 * 8
                && compact_bytes.2 * 10 < old_bytes.2 * 7,
            "{compact_bytes:?} bytes against {old_bytes:?} before"
        );
        assert_eq!(everything(&store), before);
        let again = store.compact().unwrap();
        assert_eq!(
            (
                again.attributions_recoded,
                again.story_features_recoded,
                again.verdicts_deflated
            ),
            (0, 0, 0)
        );
    }

    /// A row stored against a text the article no longer has is not read
    /// from the new one: the story's quotes are found again from the text.
    #[test]
    fn a_row_written_against_another_text_is_found_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = ingested_corpus(&dir.path().join("news.db"));
        let id = store.resolve("1_1ecb").unwrap().unwrap();
        let found = store.attributions(id).unwrap().unwrap();
        assert!(!found.mentions.is_empty());
        store
            .conn
            .execute(
                "UPDATE articles SET text = 'Tara Reid said: \"I am feeling fine and I will be back soon.\"'
                 WHERE id = ?1",
                [id],
            )
            .unwrap();
        assert_eq!(store.attributions(id).unwrap(), None);
        let story = store.story_of(id).unwrap().unwrap();
        let quotes = crate::pipeline::quotes::for_story(&store, story)
            .unwrap()
            .unwrap();
        assert!(
            quotes
                .quotes
                .iter()
                .any(|q| q.text.contains("feeling fine")),
            "{:?}",
            quotes.quotes
        );
    }
}
