use super::{Token, TokenFilter};

/// Lower-cases every token.
#[derive(Debug, Clone, Copy, Default)]
pub struct LowerCaser;

impl TokenFilter for LowerCaser {
    fn filter(&self, tokens: &mut Vec<Token>) {
        for t in tokens {
            if t.text.chars().any(char::is_uppercase) {
                t.text = t.text.to_lowercase();
            }
        }
    }
}
