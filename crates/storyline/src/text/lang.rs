//! Languages: ISO 639-1 codes, the language an input declares, and the
//! language of a text as whatlang identifies it.
//!
//! An article's language is the one its input declares (a JSONL `lang`, an
//! HTML `lang` or `og:locale`, a feed's `<language>`) when that names a
//! language, else the one identified from its text. Text that whatlang
//! cannot place, or whose paragraphs are in different languages with none
//! of them holding most of the text, is `und`: it is analysed with
//! language-neutral rules.
//!
//! ```
//! use storyline::text::Lang;
//! assert_eq!(Lang::parse("pt_BR"), Some(Lang::new("pt").unwrap()));
//! assert_eq!(Lang::parse("fra").map(|l| l.code().to_string()), Some("fr".into()));
//! let text = "El Gobierno anunció este martes nuevas medidas para contener la crisis económica en el país.";
//! assert_eq!(Lang::identify(text).code(), "es");
//! assert_eq!(Lang::identify("12 34 !!").code(), "und");
//! ```

use std::fmt;

use serde::{Serialize, Serializer};

/// A language: an ISO 639-1 code, or `und` (unknown or mixed).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Lang([u8; 2]);

/// Identification reads at most this many bytes of a text: enough for any
/// language, and a long page costs no more than a short one.
const SAMPLE_BYTES: usize = 12_000;
/// Paragraphs shorter than this (in letters) are not judged on their own.
const MIN_PARAGRAPH_LETTERS: usize = 40;
/// A text whose paragraphs are judged to be in several languages is mixed
/// (`und`) unless one language holds at least this share of its letters.
const MAJORITY: f64 = 0.6;

impl Lang {
    /// Unknown or mixed.
    pub const UND: Lang = Lang([0, 0]);
    /// English.
    pub const EN: Lang = Lang(*b"en");

    /// The language of a two-letter ISO 639-1 code (lower or upper case).
    pub fn new(code: &str) -> Option<Lang> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Lang([a.to_ascii_lowercase(), b.to_ascii_lowercase()]))
            }
            _ => None,
        }
    }

    /// The language a tag names: a BCP 47 tag or locale (`en-US`,
    /// `pt_BR`, `zh-Hant`), an ISO 639-1 or 639-2/3 code (`fr`, `fra`,
    /// `fre`), or `und`/`mul`/`zxx` for none in particular. `None` when
    /// the tag names no language.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', '.', '@'])
            .next()?
            .to_ascii_lowercase();
        match primary.len() {
            2 => Lang::new(&primary),
            3 => match primary.as_str() {
                "und" | "mul" | "zxx" | "mis" => Some(Lang::UND),
                // ISO 639-2/B codes and macrolanguages whatlang does not name.
                "zho" | "chi" => Lang::new("zh"),
                "fre" => Lang::new("fr"),
                "ger" => Lang::new("de"),
                "dut" => Lang::new("nl"),
                "gre" => Lang::new("el"),
                "cze" => Lang::new("cs"),
                "per" | "fas" => Lang::new("fa"),
                "rum" => Lang::new("ro"),
                "slo" => Lang::new("sk"),
                "nor" => Lang::new("no"),
                other => whatlang::Lang::from_code(other).map(from_whatlang),
            },
            _ => None,
        }
    }

    /// The ISO 639-1 code, or `und`.
    pub fn code(&self) -> &str {
        if self.is_und() {
            "und"
        } else {
            std::str::from_utf8(&self.0).unwrap_or("und")
        }
    }

    /// A seed that keeps the hashed words of one language apart from every
    /// other's, so that stories and reused sentences never match across
    /// languages by accident. English's is 0, the seed its figures were
    /// measured with.
    pub fn key_seed(self) -> u64 {
        if self == Lang::EN {
            0
        } else {
            xxhash_rust::xxh3::xxh3_64(self.code().as_bytes())
        }
    }

    /// Whether the language is unknown or mixed.
    pub fn is_und(self) -> bool {
        self == Lang::UND
    }

    /// The language of a text, identified by whatlang (`und` when it
    /// cannot tell, or when the text is mixed: its paragraphs in several
    /// languages, none of them holding most of it).
    pub fn identify(text: &str) -> Lang {
        let sample = &text[..crate::text::floor_char_boundary(text, SAMPLE_BYTES)];
        // Each paragraph long enough to judge votes with its letters.
        let mut votes: Vec<(Lang, usize)> = Vec::new();
        let mut judged = 0usize;
        let paragraphs: Vec<(&str, usize)> = sample
            .split("\n\n")
            .map(|p| (p, p.chars().filter(|c| c.is_alphabetic()).count()))
            .filter(|&(_, letters)| letters >= MIN_PARAGRAPH_LETTERS)
            .collect();
        let mut unread: usize = paragraphs.iter().map(|p| p.1).sum();
        for &(paragraph, letters) in &paragraphs {
            // Once one language holds the majority even if every paragraph
            // left went to others, the rest cannot change the verdict:
            // identification is most of the cost of preparing an article.
            if let Some(&(lang, most)) = votes.iter().max_by_key(|v| v.1)
                && most as f64 >= MAJORITY * (judged + unread) as f64
            {
                return lang;
            }
            unread -= letters;
            let Some(lang) = detect(paragraph) else {
                continue;
            };
            judged += letters;
            match votes.iter_mut().find(|(l, _)| *l == lang) {
                Some(e) => e.1 += letters,
                None => votes.push((lang, letters)),
            }
        }
        verdict(&votes, judged, sample)
    }
}

/// The language the paragraphs' votes (letters per language, `judged`
/// letters in all) elect: one holding the majority, `und` when none does,
/// and the whole text's when no paragraph was long enough to vote.
fn verdict(votes: &[(Lang, usize)], judged: usize, text: &str) -> Lang {
    match votes.iter().max_by_key(|v| v.1) {
        Some(&(lang, letters))
            if votes.len() == 1 || letters as f64 >= MAJORITY * judged as f64 =>
        {
            lang
        }
        Some(_) => Lang::UND,
        None => detect(text).unwrap_or(Lang::UND),
    }
}

impl Lang {
    /// Whether whatlang is sure `text` (a sentence, say) is in a language
    /// other than `self`: its "reliable" verdict, which is wrong on 0.14%
    /// of the first sentences of `bench/lang.sh`. Never for `und`.
    pub fn surely_not(self, text: &str) -> bool {
        if self.is_und() {
            return false;
        }
        whatlang::detect(text)
            .is_some_and(|info| info.is_reliable() && from_whatlang(info.lang()) != self)
    }
}

/// whatlang's guess is taken at this confidence or more (its own "reliable"
/// verdict asks for far more, which a headline or a sentence seldom
/// reaches). On the news texts of `bench/lang.sh`, first sentences: .953
/// right, 1.8% wrong (reliable only: .845); 8-word fragments: .808 right,
/// 9% wrong (reliable only: .287); whole articles: .998.
const MIN_CONFIDENCE: f64 = 0.1;

/// whatlang's verdict on a text, when it is confident enough, checked
/// against the text's function words when it is not reliable.
fn detect(text: &str) -> Option<Lang> {
    let info = whatlang::detect(text);
    if let Some(info) = &info
        && info.is_reliable()
    {
        return Some(from_whatlang(info.lang()));
    }
    let guess = info
        .as_ref()
        .filter(|i| i.confidence() >= MIN_CONFIDENCE)
        .map(|i| from_whatlang(i.lang()));
    match guess {
        // The vote cannot judge a language it has no words for (Catalan's
        // function words would elect Spanish).
        Some(g) if !VOTING.contains(&g.code()) => Some(g),
        // The vote only speaks when one language's function words lead
        // every other's by the margin, so close languages (es/pt, da/nb),
        // which share most of theirs, stay with whatlang's trigrams.
        _ => function_word_vote(text).or(guess),
    }
}

/// Latin-script languages whose function words can settle a short or
/// unreliable text: the ones with a Snowball stemmer and an NLTK stop list.
const VOTING: [&str; 14] = [
    "en", "es", "fr", "de", "it", "pt", "nl", "sv", "nb", "da", "fi", "ro", "hu", "tr",
];
/// The vote settles a text when its language's function words weigh at
/// least this much (a word of one language only weighs 1)...
const MIN_FUNCTION_WORDS: f64 = 2.0;
/// ...and this many times as much as any other language's.
const FUNCTION_WORD_LEAD: f64 = 2.0;
/// The vote reads at most this many words: plenty to settle a text.
const VOTE_WORDS: usize = 300;

/// Counts the stop words of each voting language in a mostly Latin-script
/// text (headlines, wire briefs and first sentences are where whatlang's
/// trigrams are least sure: "Police say it may have been arson." has no
/// trigram profile to speak of, but five English function words). A
/// language wins when it has enough and leads every other by the margin.
fn function_word_vote(text: &str) -> Option<Lang> {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (latin, all) = letters.fold((0usize, 0usize), |(l, a), c| {
        (
            l + usize::from(c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)),
            a + 1,
        )
    });
    if all == 0 || latin * 10 < all * 9 {
        return None;
    }
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .take(VOTE_WORDS)
        .map(str::to_lowercase)
        .collect();
    let langs: Vec<Lang> = VOTING.iter().filter_map(|code| Lang::new(code)).collect();
    // A word that is a function word in k of the languages gives each of
    // them 1/k: "a" and "in" belong to half of them and settle little,
    // "the" or "to" settle much.
    let mut hits = vec![0.0f64; langs.len()];
    let mut holders = Vec::with_capacity(langs.len());
    for word in &words {
        holders.clear();
        holders
            .extend((0..langs.len()).filter(|&i| super::filters::is_stop_word_in(word, langs[i])));
        for &i in &holders {
            hits[i] += 1.0 / holders.len() as f64;
        }
    }
    let mut ranked: Vec<(Lang, f64)> = langs.into_iter().zip(hits).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let &(best, n) = ranked.first()?;
    let runner_up = ranked.get(1).map_or(0.0, |h| h.1);
    (n >= MIN_FUNCTION_WORDS && n >= FUNCTION_WORD_LEAD * runner_up).then_some(best)
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The ISO 639-1 code of each language whatlang identifies.
fn from_whatlang(l: whatlang::Lang) -> Lang {
    use whatlang::Lang as W;
    let code = match l {
        W::Epo => "eo",
        W::Eng => "en",
        W::Rus => "ru",
        W::Cmn => "zh",
        W::Spa => "es",
        W::Por => "pt",
        W::Ita => "it",
        W::Ben => "bn",
        W::Fra => "fr",
        W::Deu => "de",
        W::Ukr => "uk",
        W::Kat => "ka",
        W::Ara => "ar",
        W::Hin => "hi",
        W::Jpn => "ja",
        W::Heb => "he",
        W::Yid => "yi",
        W::Pol => "pl",
        W::Amh => "am",
        W::Jav => "jv",
        W::Kor => "ko",
        W::Nob => "nb",
        W::Dan => "da",
        W::Swe => "sv",
        W::Fin => "fi",
        W::Tur => "tr",
        W::Nld => "nl",
        W::Hun => "hu",
        W::Ces => "cs",
        W::Ell => "el",
        W::Bul => "bg",
        W::Bel => "be",
        W::Mar => "mr",
        W::Kan => "kn",
        W::Ron => "ro",
        W::Slv => "sl",
        W::Hrv => "hr",
        W::Srp => "sr",
        W::Mkd => "mk",
        W::Lit => "lt",
        W::Lav => "lv",
        W::Est => "et",
        W::Tam => "ta",
        W::Vie => "vi",
        W::Urd => "ur",
        W::Tha => "th",
        W::Guj => "gu",
        W::Uzb => "uz",
        W::Pan => "pa",
        W::Aze => "az",
        W::Ind => "id",
        W::Tel => "te",
        W::Pes => "fa",
        W::Mal => "ml",
        W::Ori => "or",
        W::Mya => "my",
        W::Nep => "ne",
        W::Sin => "si",
        W::Khm => "km",
        W::Tuk => "tk",
        W::Aka => "ak",
        W::Zul => "zu",
        W::Sna => "sn",
        W::Afr => "af",
        W::Lat => "la",
        W::Slk => "sk",
        W::Cat => "ca",
        W::Tgl => "tl",
        W::Hye => "hy",
        W::Cym => "cy",
    };
    Lang(code.as_bytes().try_into().unwrap_or([0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_codes() {
        let code = |t: &str| Lang::parse(t).map(|l| l.code().to_string());
        assert_eq!(code("en-US").as_deref(), Some("en"));
        assert_eq!(code("de_DE").as_deref(), Some("de"));
        assert_eq!(code("zh-Hant-TW").as_deref(), Some("zh"));
        assert_eq!(code("spa").as_deref(), Some("es"));
        assert_eq!(code("ger").as_deref(), Some("de"));
        assert_eq!(code("und").as_deref(), Some("und"));
        assert_eq!(code("").as_deref(), None);
        assert_eq!(code("english").as_deref(), None);
        assert_eq!(code("e1"), None);
        assert_eq!(Lang::default(), Lang::UND);
        assert_eq!(serde_json::to_string(&Lang::EN).unwrap(), "\"en\"");
    }

    #[test]
    fn identifies_news_languages() {
        for (code, text) in [
            (
                "fr",
                "Le président de la République a annoncé mardi de nouvelles mesures pour soutenir l'économie.",
            ),
            (
                "it",
                "Il governo ha approvato ieri sera il decreto che prevede nuovi aiuti per le famiglie.",
            ),
            (
                "de",
                "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die steigenden Preise beschlossen.",
            ),
            (
                "ru",
                "Президент России Владимир Путин заявил, что переговоры будут продолжены на следующей неделе.",
            ),
            (
                "zh",
                "中国外交部发言人周三表示，双方将继续就贸易问题进行磋商。",
            ),
            (
                "ja",
                "東京都の知事は水曜日、感染の拡大を防ぐための新たな対策を発表した。",
            ),
        ] {
            assert_eq!(Lang::identify(text).code(), code, "{text}");
        }
    }

    #[test]
    fn short_english_is_english() {
        // Real wire briefs (ECB+) that whatlang alone made mixed (`und`),
        // Norwegian or Romanian: its trigrams are unsure on short text,
        // and their function words are plainly English.
        for text in [
            "Police are continuing to investigate a fire at a Waitrose supermarket in Wellington.\n\nStaff are today turning away customers.\n\nShoppers have been arriving at the supermarket unaware of the fire at the weekend.\n\nPolice say it may have been arson.",
            "A suspected Mafia leader has hanged himself in prison in Sicily hours after being arrested, Italian police say.\n\nPolice said Lo Presti, alleged boss of a Sicilian Mafia clan in a district of Palermo, hanged himself in his cell.",
            "Like you, I did a Scooby-Doo (or was it Astro?) \"whuuuuhhh??\" double-take when I spotted Sanjay Gupta's smiling mug on a cable news channel not named CNN yesterday, being mentioned as a candidate -- the leading one, we must assume -- for U.S. Surgeon General.",
        ] {
            assert_eq!(Lang::identify(text), Lang::EN, "{text}");
        }
        // Function words do not overrule whatlang where they cannot judge.
        assert_eq!(
            Lang::identify(
                "El Govern de la Generalitat ha aprovat avui les noves mesures per a les escoles."
            )
            .code(),
            "ca"
        );
    }

    /// The vote read to the end, as `identify` did before it stopped early.
    fn identify_reading_everything(text: &str) -> Lang {
        let mut votes: Vec<(Lang, usize)> = Vec::new();
        let mut judged = 0usize;
        for paragraph in text.split("\n\n") {
            let letters = paragraph.chars().filter(|c| c.is_alphabetic()).count();
            if letters < MIN_PARAGRAPH_LETTERS {
                continue;
            }
            if let Some(lang) = detect(paragraph) {
                judged += letters;
                match votes.iter_mut().find(|(l, _)| *l == lang) {
                    Some(e) => e.1 += letters,
                    None => votes.push((lang, letters)),
                }
            }
        }
        verdict(&votes, judged, text)
    }

    /// Stopping once the majority is certain gives the verdict reading every
    /// paragraph gives, for every order of paragraphs of several languages
    /// and lengths (short ones, which do not vote, included).
    #[test]
    fn stopping_early_changes_no_verdict() {
        let pool = [
            "The government announced new measures on Tuesday to support families hit by rising prices across the country, and the opposition called them too little, too late.",
            "Officials said the storm had moved north.",
            "El Gobierno anunció el martes nuevas medidas para apoyar a las familias afectadas por la subida de los precios.",
            "Le président de la République a annoncé mardi de nouvelles mesures pour soutenir l'économie, au lendemain d'une réunion avec les syndicats et le patronat.",
            "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die steigenden Preise beschlossen.",
            "Reuters",
        ];
        let mut texts = 0;
        for n in 1..=4u32 {
            for mut code in 0..pool.len().pow(n) {
                let mut parts = Vec::new();
                for _ in 0..n {
                    parts.push(pool[code % pool.len()]);
                    code /= pool.len();
                }
                let text = parts.join("\n\n");
                assert_eq!(
                    Lang::identify(&text),
                    identify_reading_everything(&text),
                    "{text}"
                );
                texts += 1;
            }
        }
        assert_eq!(texts, 6 + 36 + 216 + 1296);
    }

    #[test]
    fn mixed_text_is_und() {
        let en = "The government announced new measures on Tuesday to support families hit by rising prices across the country.";
        let es = "El Gobierno anunció el martes nuevas medidas para apoyar a las familias afectadas por la subida de los precios.";
        assert_eq!(Lang::identify(&format!("{en}\n\n{es}")), Lang::UND);
        assert_eq!(
            Lang::identify(&format!("{en}\n\n{en}\n\n{en}\n\n{es}")),
            Lang::EN
        );
    }
}
