//! Word-level differences between two versions of a sentence, to show a
//! reader exactly what a rewrite changed ("Russia" -> "Russian Federation").

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::text::tokenize;

/// One step of the edit from a source sentence to its copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Edit {
    /// Words kept.
    Equal {
        /// The words, as written in the copy.
        text: String,
    },
    /// Words of the source replaced by other words in the copy.
    Replace {
        /// As written in the source.
        from: String,
        /// As written in the copy.
        to: String,
    },
    /// Words of the source left out of the copy.
    Delete {
        /// As written in the source.
        text: String,
    },
    /// Words added by the copy.
    Insert {
        /// As written in the copy.
        text: String,
    },
}

/// The word-level edit from `source` to `copy`. Words compare
/// case-insensitively; punctuation and spacing are not differences.
pub fn word_diff(source: &str, copy: &str) -> Vec<Edit> {
    let a = tokenize(source);
    let b = tokenize(copy);
    // Case and apostrophe style ("I’m" / "I'm") are not differences.
    let key = |t: &crate::text::Token| t.text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    let ka: Vec<String> = a.iter().map(key).collect();
    let kb: Vec<String> = b.iter().map(key).collect();
    let span = |text: &str, tokens: &[crate::text::Token], r: std::ops::Range<usize>| -> String {
        if r.is_empty() {
            String::new()
        } else {
            text[tokens[r.start].offset_from..tokens[r.end - 1].offset_to].to_string()
        }
    };
    capture_diff_slices(Algorithm::Patience, &ka, &kb)
        .into_iter()
        .map(|op| {
            let (tag, ra, rb) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => Edit::Equal {
                    text: span(copy, &b, rb),
                },
                DiffTag::Replace => Edit::Replace {
                    from: span(source, &a, ra),
                    to: span(copy, &b, rb),
                },
                DiffTag::Delete => Edit::Delete {
                    text: span(source, &a, ra),
                },
                DiffTag::Insert => Edit::Insert {
                    text: span(copy, &b, rb),
                },
            }
        })
        .collect()
}

/// The short replacements of an edit (at most `max_words` words on each
/// side): the substitutions a synonym spinner makes.
pub fn substitutions(edits: &[Edit], max_words: usize) -> Vec<(String, String)> {
    edits
        .iter()
        .filter_map(|e| match e {
            Edit::Replace { from, to }
                if from.split_whitespace().count() <= max_words
                    && to.split_whitespace().count() <= max_words =>
            {
                Some((from.clone(), to.clone()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_each_substitution() {
        let edits = word_diff(
            "Russia suspended the agreement after the strike, citing international law.",
            "Russian Federation suspended the agreement after the strike, citing worldwide law.",
        );
        assert_eq!(
            substitutions(&edits, 3),
            [
                ("Russia".to_string(), "Russian Federation".to_string()),
                ("international".to_string(), "worldwide".to_string())
            ]
        );
        assert_eq!(
            edits[1],
            Edit::Equal {
                text: "suspended the agreement after the strike, citing".into()
            }
        );
    }

    #[test]
    fn identical_sentences_have_one_equal_edit() {
        let e = word_diff(
            "The talks ended, I\u{2019}m told.",
            "the talks  ended, I'm told",
        );
        assert_eq!(e.len(), 1);
        assert!(matches!(e[0], Edit::Equal { .. }));
    }
}
