use super::{Token, TokenFilter};

/// Drops tokens longer than a limit in bytes: URLs, base64 and other junk that
/// carries no meaning as a word.
#[derive(Debug, Clone, Copy)]
pub struct LongTokenRemover {
    limit: usize,
}

impl LongTokenRemover {
    /// Drops tokens of more than `limit` bytes.
    pub fn limit(limit: usize) -> Self {
        LongTokenRemover { limit }
    }
}

impl TokenFilter for LongTokenRemover {
    fn filter(&self, tokens: &mut Vec<Token>) {
        tokens.retain(|t| t.text.len() <= self.limit);
    }
}
